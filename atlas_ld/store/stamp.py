"""The time of a store's last write, kept in a file that every process reading the store can see."""

from __future__ import annotations

import mmap
import os
import time
import weakref
from pathlib import Path

# Touched after every committed write: other processes reading the store learn from it that their view is old.
STAMP_FILE = "LAST_WRITE"
_WIDTH = 32  # bytes: the time, padded with spaces


class WriteStamp:
    """The time of the last write committed to the embedded store at `location` (POSIX time; 0.0 before any).

    The writer records the time in a file of its own (a file's mtime can tick more coarsely than writes come),
    rewritten in place at a fixed width. Readers map the file into memory: every read of the store asks for the
    stamp, dozens of times for one page, and a memory read costs no system call, which would hand the
    interpreter's lock to another thread each time.
    """

    def __init__(self, location: Path) -> None:
        self.path = Path(location) / STAMP_FILE
        self._fd: int | None = None
        self._map: mmap.mmap | None = None

    def read(self) -> float:
        if self._fd is None and not self._open():
            return 0.0
        if self._map is not None:
            text = self._map[:]
        else:
            text = os.pread(self._fd, 64, 0)  # type: ignore[arg-type]
            if len(text) == _WIDTH:  # rewritten by this release: mapped from now on
                self._open()
        try:
            return float(text)
        except ValueError:  # read while being rewritten: the mtime still tells that it changed
            return os.fstat(self._fd).st_mtime  # type: ignore[arg-type]

    def _open(self) -> bool:
        """Open the file, mapped when it has the fixed width (a stamp from an older release is read with pread
        until the next write rewrites it); False while there is none."""
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return False
            weakref.finalize(self, os.close, self._fd)
        if os.fstat(self._fd).st_size == _WIDTH:
            self._map = mmap.mmap(self._fd, _WIDTH, access=mmap.ACCESS_READ)
        return True

    def touch(self) -> None:
        """Record a write, for the readers: written in place, never truncated, so that a mapping stays valid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, f"{time.time():<{_WIDTH}.6f}".encode(), 0)
            os.ftruncate(fd, _WIDTH)  # a stamp from an older release may be longer; never shorter from here on
        finally:
            os.close(fd)

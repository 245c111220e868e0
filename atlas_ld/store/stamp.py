"""The time of a store's last write, kept in a file that every process reading the store can see."""

from __future__ import annotations

import os
import time
import weakref
from pathlib import Path

# Touched after every committed write: other processes reading the store learn from it that their view is old.
STAMP_FILE = "LAST_WRITE"


class WriteStamp:
    """The time of the last write committed to the embedded store at `location` (POSIX time; 0.0 before any).

    The writer records the time in a file of its own (a file's mtime can tick more coarsely than writes come) and
    rewrites it in place; readers keep it open and read it again with one `pread`, as every read of the store
    asks for it.
    """

    def __init__(self, location: Path) -> None:
        self.path = Path(location) / STAMP_FILE
        self._fd: int | None = None

    def read(self) -> float:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return 0.0
            weakref.finalize(self, os.close, self._fd)
        text = os.pread(self._fd, 64, 0)
        try:
            return float(text)
        except ValueError:  # read while being rewritten: the mtime still tells that it changed
            return os.fstat(self._fd).st_mtime

    def touch(self) -> None:
        """Record a write, for the readers."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(str(time.time()))

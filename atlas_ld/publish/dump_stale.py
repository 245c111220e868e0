"""The graphs about to change, written down before the store is: a refresh of the dumps killed (or never run)
after the store changed is then caught up by the next one, instead of leaving old parts.

Project ids, and the IRIs of other graphs (the shared graph), are appended to `.parts/stale` beside the dumps,
one a line, and are on disk before `mark_stale` returns. A refresh reads them, rebuilds their parts with the rest, and forgets them once every dump is swapped
in, keeping any id marked meanwhile. A lock file orders marking and forgetting, so that neither loses the
other's ids.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from atlas_ld.publish.dump_parts import parts_folder
from atlas_ld.store.durable import replacing, sync_folder

STALE = "stale"
_LOCK = "stale.lock"


def mark_stale(dumps_dir: Path, ids: Iterable[int | str]) -> None:
    """Record that the graphs of `ids` (project ids, or IRIs of other graphs) are about to change; call it
    before writing them to the store."""
    text = "".join(f"{i if isinstance(i, int) else ox.NamedNode(i).value}\n" for i in ids).encode()
    if not text:
        return
    folder = parts_folder(dumps_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        path = folder / STALE
        created = not path.exists()
        with path.open("ab") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if created:
            sync_folder(folder)  # the file's name, too, outlives a power cut


@dataclass(frozen=True)
class StaleMarks:
    """The ids marked stale when a refresh began."""

    folder: Path
    text: bytes

    @classmethod
    def read(cls, dumps_dir: Path) -> StaleMarks:
        folder = parts_folder(dumps_dir)
        try:
            return cls(folder, (folder / STALE).read_bytes())
        except FileNotFoundError:
            return cls(folder, b"")

    @property
    def ids(self) -> set[int]:
        """The ids (a line cut short by a crash while marking adds at most one id to rebuild for nothing)."""
        return {int(line) for line in self.text.split() if line.isdigit()}

    @property
    def graphs(self) -> set[str]:
        """The other graphs marked (a line cut short names no graph, and rebuilds nothing)."""
        return {line.decode() for line in self.text.split() if not line.isdigit()}

    def forget(self) -> None:
        """Remove these marks from the file, keeping those made since they were read."""
        if not self.text:
            return
        with _locked(self.folder):
            path = self.folder / STALE
            try:
                now = path.read_bytes()
            except FileNotFoundError:
                return
            if not now.startswith(self.text):  # rewritten by another refresh meanwhile: keep it whole
                return
            if len(now) == len(self.text):
                path.unlink()
                return
            with replacing(path, durable=True) as out:
                out.write(now[len(self.text):])


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / _LOCK).open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

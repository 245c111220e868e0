"""Every version of every project graph, for Memento (RFC 7089): kept in an SQLite file beside the store, never
in it, so that history cannot leak into the published view (the union of the store's graphs, the dumps, counts).

One row per version of a project: when it was published (`since`), when it was replaced or withdrawn (`until`,
None for the version in force), a digest of what it says, and, once it is replaced, its triples (N-Triples,
compressed). The version in force has no triples here: the store holds them. A withdrawal is a row of its own,
with no triples, so that "withdrawn since" and "came back on" are both on record.

>>> history = History(Path(":memory:"))
>>> t0, t1 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
>>> with history.batch():
...     history.publish(7, "d1", t0)
>>> with history.batch():
...     history.replace(7, "d2", t1, b"<a:s> <a:p> <a:o> .\\n")
>>> [(v.number, v.since.month, v.withdrawn) for v in history.versions(7)]
[(1, 1, False), (2, 2, False)]
>>> history.graph(7, 1), history.graph(7, 2)
(b'<a:s> <a:p> <a:o> .\\n', None)
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from atlas_ld.store.base import ntriples

HISTORY_FILE = "history.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    prj_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    digest TEXT,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    graph BLOB,
    PRIMARY KEY (prj_id, number)
);
"""
_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # sorts as times do
_PROV = "http://www.w3.org/ns/prov#"
# What changes with every ingest of the same page, and so must not make a new version: the times and the activity
# (predicates as N-Triples writes them).
_VOLATILE = frozenset(f"<{_PROV}{name}>" for name in ("generatedAtTime", "endedAtTime", "wasGeneratedBy"))


@dataclass(frozen=True)
class Version:
    """One version of a project: published (a memento) or a withdrawal."""

    prj_id: int
    number: int
    since: datetime
    until: datetime | None
    withdrawn: bool

    @property
    def current(self) -> bool:
        return self.until is None


def content_digest(triples: Iterable[ox.Triple], activity_prefix: str) -> str:
    """What a project graph says, as a digest that the ingest time, its activity and the fetch time leave alone: the
    same page ingested twice gives the same digest, so that it makes no new version. Read from the N-Triples lines
    (one a triple: a triple's line starts with its subject, then its predicate), which `NTriples` keeps as they came."""
    activity = "<" + activity_prefix
    lines = sorted(
        line
        for line in ntriples(triples).splitlines(keepends=True)
        if not line.startswith(activity) and line.split(" ", 2)[1] not in _VOLATILE
    )
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _text(when: datetime) -> str:
    return when.astimezone(UTC).strftime(_TIME)


def _time(text: str | None) -> datetime | None:
    return datetime.strptime(text, _TIME).replace(tzinfo=UTC) if text else None


class History:
    """The history file of one data folder. Changes are made inside `batch()`, one SQLite transaction per batch of
    projects (WAL: readers never wait for the writer)."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        if read_only:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self._db = sqlite3.connect(path, check_same_thread=False)
            if str(path) != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
                # A batch lost to a power cut is found again: the next ingest sees the store ahead and repairs.
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)

    @classmethod
    def open_if_kept(cls, path: Path) -> History | None:
        """Read-only, for the web app; None while no ingest has written any history."""
        return cls(path, read_only=True) if path.exists() else None

    def close(self) -> None:
        self._db.close()

    # reading
    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM versions LIMIT 1").fetchone() is None

    def current_digests(self, ids: Collection[int]) -> dict[int, str | None]:
        """The digest of the version in force of each id that has one (None: withdrawn); ids never seen are left out."""
        found: dict[int, str | None] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):  # SQLite caps the parameters of one statement
            some = ordered[start:start + 500]
            rows = self._db.execute(
                f"SELECT prj_id, digest, withdrawn FROM versions WHERE until IS NULL AND prj_id IN "
                f"({','.join('?' * len(some))})",
                some,
            )
            found.update({prj_id: None if withdrawn else digest for prj_id, digest, withdrawn in rows})
        return found

    def versions(self, prj_id: int) -> list[Version]:
        """Every version of the project, oldest first, withdrawals included."""
        rows = self._db.execute(
            "SELECT number, since, until, withdrawn FROM versions WHERE prj_id = ? ORDER BY number", (prj_id,)
        )
        return [Version(prj_id, n, _time(since), _time(until), bool(w)) for n, since, until, w in rows]  # type: ignore[arg-type]

    def graph(self, prj_id: int, number: int) -> bytes | None:
        """The N-Triples of a replaced version; None for the version in force (the store has it) or a withdrawal."""
        row = self._db.execute(
            "SELECT graph FROM versions WHERE prj_id = ? AND number = ?", (prj_id, number)
        ).fetchone()
        return zlib.decompress(row[0]) if row and row[0] is not None else None

    # writing
    def batch(self) -> sqlite3.Connection:
        """`with history.batch():` around changes: committed together, or not at all."""
        return self._db

    def publish(self, prj_id: int, digest: str, since: datetime) -> None:
        """A project seen for the first time: its version in force."""
        self._insert(prj_id, digest, since)

    def replace(self, prj_id: int, digest: str, since: datetime, old: bytes, old_since: datetime | None = None) -> None:
        """A new version in force; `old` (N-Triples) is what the version it replaces said. A project stored before
        history was kept gets that old version as its first, published at `old_since`."""
        if not self._close(prj_id, since, old):
            self._insert(prj_id, None, old_since or since, until=since, graph=old)
        self._insert(prj_id, digest, since)

    def withdraw(self, prj_id: int, since: datetime, old: bytes, old_since: datetime | None = None) -> None:
        """The project left the Atlas: its last version is kept, and the withdrawal is the version in force."""
        if not self._close(prj_id, since, old):
            self._insert(prj_id, None, old_since or since, until=since, graph=old)
        self._insert(prj_id, None, since, withdrawn=True)

    def repair(self, prj_id: int, digest: str) -> None:
        """The store already holds this content (a run stopped between its store write and this file): say so."""
        self._db.execute(
            "UPDATE versions SET digest = ? WHERE prj_id = ? AND until IS NULL AND withdrawn = 0", (digest, prj_id)
        )

    def _close(self, prj_id: int, until: datetime, old: bytes) -> bool:
        """End the version in force, keeping its triples (a withdrawal keeps none); False if there was none."""
        row = self._db.execute(
            "SELECT number, withdrawn FROM versions WHERE prj_id = ? AND until IS NULL", (prj_id,)
        ).fetchone()
        if row is None:
            return False
        graph = None if row[1] else zlib.compress(old)
        self._db.execute(
            "UPDATE versions SET until = ?, graph = ? WHERE prj_id = ? AND number = ?",
            (_text(until), graph, prj_id, row[0]),
        )
        return True

    def _insert(self, prj_id: int, digest: str | None, since: datetime, *, until: datetime | None = None,
                graph: bytes | None = None, withdrawn: bool = False) -> None:
        number = self._db.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE prj_id = ?", (prj_id,)
        ).fetchone()[0]
        self._db.execute(
            "INSERT INTO versions (prj_id, number, since, until, digest, withdrawn, graph) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (prj_id, number, _text(since), _text(until) if until else None, digest, int(withdrawn),
             zlib.compress(graph) if graph is not None else None),
        )

"""The mirror's index (SQLite): one row per answer kept or confirmed, so that the latest row of an id says what the
mirror holds for it and which validators to send next time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetches (
    prj_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    project INTEGER NOT NULL,
    warc TEXT,
    offset INTEGER,
    length INTEGER
);
CREATE INDEX IF NOT EXISTS fetches_by_id ON fetches (prj_id);
CREATE TABLE IF NOT EXISTS runs (started_at TEXT NOT NULL, finished_at TEXT);
"""
_COLUMNS = "prj_id, url, fetched_at, status, etag, last_modified, sha256, project, warc, offset, length"


@dataclass(frozen=True)
class Entry:
    """What the mirror knows of one id: the last answer (200, 404 or a 304 that confirmed the one before) and
    where its pair of WARC records is (none for a 304, which points at the pair it confirmed)."""

    prj_id: int
    url: str
    fetched_at: str
    status: int
    etag: str | None
    last_modified: str | None
    sha256: str | None
    project: bool
    warc: str | None
    offset: int | None
    length: int | None


class Index:
    """The index file; every `add` is committed (SQLite's own journal makes it all or nothing), after the WARC
    bytes it names are on disk."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        if read_only:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.executescript(_SCHEMA)

    def latest(self, prj_id: int) -> Entry | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM fetches WHERE prj_id = ? ORDER BY rowid DESC LIMIT 1", (prj_id,)
        ).fetchone()
        return _entry(row) if row else None

    def add(self, entry: Entry) -> None:
        values = (
            entry.prj_id, entry.url, entry.fetched_at, entry.status, entry.etag, entry.last_modified, entry.sha256,
            int(entry.project), entry.warc, entry.offset, entry.length,
        )
        with self._db:
            self._db.execute(f"INSERT INTO fetches ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)

    def done_since(self, prj_id: int, started_at: str) -> bool:
        """Whether the id was answered whole since `started_at`: a resumed run does not ask for it again."""
        row = self._db.execute(
            "SELECT 1 FROM fetches WHERE prj_id = ? AND fetched_at >= ? LIMIT 1", (prj_id, started_at)
        ).fetchone()
        return row is not None

    def whole_up_to(self, warc: str) -> int:
        """The end of the last pair of `warc` that the index names: every byte before it is whole."""
        row = self._db.execute("SELECT max(offset + length) FROM fetches WHERE warc = ?", (warc,)).fetchone()
        return int(row[0] or 0)

    def begin_run(self) -> str:
        """The start of the unfinished run, if a run was stopped before its end (resumed, then), else of a new one."""
        row = self._db.execute("SELECT started_at FROM runs WHERE finished_at IS NULL ORDER BY rowid LIMIT 1").fetchone()
        if row:
            return str(row[0])
        started = now_text()
        with self._db:
            self._db.execute("INSERT INTO runs (started_at) VALUES (?)", (started,))
        return started

    def end_run(self, started_at: str) -> str:
        """Mark the run finished; returns when, as an index time."""
        finished = now_text()
        with self._db:
            self._db.execute("UPDATE runs SET finished_at = ? WHERE started_at = ?", (finished, started_at))
        return finished

    def latest_entries(self) -> Iterator[Entry]:
        """The latest entry of every id, in id order, read as a stream."""
        cursor = self._db.execute(
            f"SELECT {_COLUMNS} FROM fetches WHERE rowid IN (SELECT max(rowid) FROM fetches GROUP BY prj_id) "
            "ORDER BY prj_id"
        )
        for row in cursor:
            yield _entry(row)

    def kept_since(self, since: str) -> Iterator[Entry]:
        """The latest entry of every id that is a project page first kept at or after `since` (a row confirming
        an older page points at that page's pair, which was kept before), in id order."""
        cursor = self._db.execute(
            f"SELECT {_COLUMNS} FROM fetches AS f WHERE rowid IN (SELECT max(rowid) FROM fetches GROUP BY prj_id) "
            "AND project = 1 AND (SELECT min(fetched_at) FROM fetches AS g WHERE g.warc = f.warc "
            "AND g.offset = f.offset) >= ? ORDER BY prj_id",
            (since,),
        )
        for row in cursor:
            yield _entry(row)

    def close(self) -> None:
        self._db.close()


def now_text() -> str:
    """UTC now as ISO 8601 with microseconds, so that texts sort as times do."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _entry(row: tuple[object, ...]) -> Entry:
    values = list(row)
    values[7] = bool(values[7])
    return Entry(*values)  # type: ignore[arg-type]

"""Where the pages of an ingest come from: page files and folders of them, WARC files, or a harvest mirror (a folder
with the mirror's index), each page of the last two read with its URL and the time it was fetched.

Only where each page is travels between processes (a WARC file and an offset): the bodies are read one at a time
where the batch is prepared, so memory does not grow with the number of pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from atlas_ld.harvest.crawl import INDEX_FILE, mirrored_entries
from atlas_ld.harvest.warc import WarcDamaged, archived_responses, read_body
from atlas_ld.ingest.report import Finding
from atlas_ld.parse import iter_page_files, parse_page_bytes
from atlas_ld.parse.source import project_id
from atlas_ld.records import PageError, ProjectRecord

WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class ArchivedPage:
    """A page kept in a WARC file: the response record at `offset`, fetched from `url` at `fetched_at`."""

    warc: Path
    offset: int
    url: str
    fetched_at: datetime

    def __str__(self) -> str:
        return f"{self.warc}@{self.offset}"

    def read(self) -> ProjectRecord:
        """The page's record, with where and when it was fetched; a record that cannot be read is a PageError."""
        try:
            body = read_body(self.warc, self.offset)
        except (OSError, ValueError) as error:
            raise PageError(str(self), f"cannot read the WARC record ({type(error).__name__}: {error})") from error
        record = parse_page_bytes(body, source_file=str(self), source_url=self.url)
        record.fetched_at = self.fetched_at
        return record


PageSource = Path | ArchivedPage


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def is_mirror(path: Path) -> bool:
    return path.is_dir() and (path / INDEX_FILE).is_file()


def page_sources(paths: Iterable[PageSource], problems: list[Finding]) -> list[PageSource]:
    """Every page to ingest, in the order given. A mirror gives the latest version of each project it holds; WARC
    files give, for each project, the latest detail page answered 200 among them. A WARC file cut short or
    corrupt goes into `problems` with its name and the offset of the record that failed; the records before it
    are read."""
    sources: list[PageSource] = []
    archived: dict[int, ArchivedPage] = {}
    for path in paths:
        if isinstance(path, ArchivedPage):
            sources.append(path)
        elif is_mirror(path):
            sources += mirror_pages(path)
        elif path.is_dir():
            sources += iter_page_files([path])
            for warc in sorted(p for p in path.rglob("*") if is_warc(p) and p.is_file()):
                _read_warc(warc, archived, problems)
        elif is_warc(path):
            _read_warc(path, archived, problems)
        else:
            sources += iter_page_files([path])
    return sources + [archived[prj_id] for prj_id in sorted(archived)]


def mirror_pages(mirror: Path, *, since: str | None = None) -> list[ArchivedPage]:
    """The latest project page of every id the mirror holds; with `since`, only those kept at or after it."""
    return [
        ArchivedPage(mirror / e.warc, e.offset, e.url, e.fetched)  # type: ignore[operator,arg-type]
        for e in mirrored_entries(mirror, since=since)
        if e.project
    ]


def _read_warc(path: Path, archived: dict[int, ArchivedPage], problems: list[Finding]) -> None:
    try:
        for response in archived_responses(path):
            prj_id = project_id(None, "", response.url)
            if response.status != 200 or prj_id is None:
                continue
            earlier = archived.get(prj_id)
            if earlier is None or earlier.fetched_at <= response.fetched_at:
                archived[prj_id] = ArchivedPage(path, response.offset, response.url, response.fetched_at)
    except WarcDamaged as damage:
        problems.append(Finding(str(path), f"WARC record at offset {damage.offset} {damage.why}; the records "
                                           "before it are read"))
    except OSError as error:
        problems.append(Finding(str(path), f"cannot read the WARC file: {error.strerror or error}"))

"""The harvest: each id's page asked once (conditionally when mirrored before), kept in the WARC mirror, sorted
into new, changed, unchanged, no project or failed; and the mirror read back, latest whole version per page."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from atlas_ld.harvest.fetch import Fetcher, FetchFailed, header
from atlas_ld.harvest.index import Entry, Index
from atlas_ld.harvest.warc import Exchange, WarcAppender, cut_torn_tail, read_body
from atlas_ld.parse import parse_page_bytes
from atlas_ld.parse.source import ATLAS_DETAIL_URL
from atlas_ld.records import PageError

PAGE = "detailProjet.html?criteres.prjId={}"
ATLAS_SITE = ATLAS_DETAIL_URL.removesuffix(PAGE)
INDEX_FILE = "index.sqlite"
# How the index writes a fetch time: UTC, to the microsecond.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def page_url(site: str, prj_id: int) -> str:
    """A project's detail page on `site` (which ends with '/').

    >>> page_url(ATLAS_SITE, 12523)
    'https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=12523'
    """
    return site + PAGE.format(prj_id)


@dataclass
class HarvestReport:
    """What a harvest did, id by id, in counts; failures keep their reason. `fetched` counts answers received
    (304s included); `resumed` the ids a stopped run had already done."""

    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    no_project: int = 0
    refused: int = 0
    resumed: int = 0
    finished: str = ""  # the index time the run ended: what the mirror keeps later, it has not seen
    failed: list[tuple[int, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def speed(self) -> float:
        """Answers received per second since the start, for the progress bar."""
        return self.fetched / max(time.monotonic() - self.started, 1e-9)

    @property
    def done(self) -> int:
        return self.new + self.changed + self.unchanged + self.no_project + self.refused + self.resumed + len(
            self.failed
        )

    def summary(self) -> str:
        counts = (
            f"fetched {self.fetched}, new {self.new}, changed {self.changed}, unchanged {self.unchanged}, "
            f"no project {self.no_project}, refused by robots.txt {self.refused}, done before {self.resumed}, "
            f"failed {len(self.failed)}"
        )
        lines = [counts]
        lines += [f"  {prj_id}: {why}" for prj_id, why in self.failed]
        return "\n".join(lines)


def harvest(
    ids: Iterable[int],
    mirror: Path,
    *,
    site: str = ATLAS_SITE,
    rate: float = 1.0,
    user_agent: str,
    on_progress: Callable[[HarvestReport], None] | None = None,
    backoff: float = 1.0,
    timeout: float = 30.0,
) -> HarvestReport:
    """Fetch each id's page from `site` into `mirror`; a run stopped before its end (even by kill -9) is resumed:
    the ids it answered are not asked again, and a WARC file's torn tail is cut off first."""
    site = site if site.endswith("/") else site + "/"
    mirror.mkdir(parents=True, exist_ok=True)
    index = Index(mirror / INDEX_FILE)
    _repair(mirror, index)
    started_at = index.begin_run()
    fetcher = Fetcher(user_agent=user_agent, rate=rate, timeout=timeout, backoff=backoff)
    report = HarvestReport()
    appender = WarcAppender(mirror / f"atlas-{datetime.now().strftime('%Y%m%d%H%M%S%f')}.warc.gz")
    try:
        fetcher.read_robots(site)
        for prj_id in ids:
            _one(prj_id, page_url(site, prj_id), fetcher, index, appender, report, started_at)
            if on_progress is not None:
                on_progress(report)
        report.finished = index.end_run(started_at)
    finally:
        appender.close()
        if appender.path.exists() and appender.path.stat().st_size == 0:
            appender.path.unlink()
        index.close()
    return report


def _one(prj_id: int, url: str, fetcher: Fetcher, index: Index, appender: WarcAppender, report: HarvestReport,
         started_at: str) -> None:
    if index.done_since(prj_id, started_at):
        report.resumed += 1
        return
    if not fetcher.allowed(url):
        report.refused += 1
        return
    before = index.latest(prj_id)
    try:
        answer = fetcher.get(url, _validators(before))
    except FetchFailed as error:
        report.failed.append((prj_id, str(error)))
        return
    report.fetched += 1
    if answer.status == 304 and before is not None:
        index.add(_confirmed(before, answer))
        _count_unchanged(before.project, report)
        return
    digest = hashlib.sha256(answer.body).hexdigest()
    if before is not None and before.sha256 == digest and before.status == answer.status:
        index.add(_confirmed(before, answer))  # the same bytes: what the kept version was, this one is
        _count_unchanged(before.project, report)
        return
    project = answer.status == 200 and _is_project(answer, prj_id)
    stored = appender.append(answer)
    index.add(Entry(prj_id, url, _time(answer), answer.status, header(answer.headers, "ETag"),
                    header(answer.headers, "Last-Modified"), digest, project, stored.warc, stored.offset,
                    stored.length))
    if not project:
        report.no_project += 1
    elif before is not None and before.project:
        report.changed += 1
    else:
        report.new += 1


def _count_unchanged(project: bool, report: HarvestReport) -> None:
    if project:
        report.unchanged += 1
    else:
        report.no_project += 1


def _validators(before: Entry | None) -> dict[str, str]:
    """If-None-Match and If-Modified-Since from the last whole page kept for this id."""
    if before is None or before.status != 200:
        return {}
    asked = {"If-None-Match": before.etag, "If-Modified-Since": before.last_modified}
    return {name: value for name, value in asked.items() if value}


def _confirmed(before: Entry, answer: Exchange) -> Entry:
    """A row saying the kept version still holds, with the validators of the new answer if it gave any."""
    return Entry(before.prj_id, before.url, _time(answer), before.status,
                 header(answer.headers, "ETag") or before.etag,
                 header(answer.headers, "Last-Modified") or before.last_modified, before.sha256, before.project,
                 before.warc, before.offset, before.length)


def _is_project(answer: Exchange, prj_id: int) -> bool:
    """The site answers an unknown id with its page template and no project in it: no title means no project."""
    try:
        record = parse_page_bytes(answer.body, source_file=answer.url, prj_id=prj_id, source_url=answer.url)
    except PageError:
        return False
    return bool(record.title)


def _time(answer: Exchange) -> str:
    return answer.fetched_at.strftime(_TIME_FORMAT)


def _repair(mirror: Path, index: Index) -> None:
    """Cut every WARC file back to its last whole pair, whatever a killed run left half-written."""
    for path in sorted(mirror.glob("*.warc.gz")):
        cut_torn_tail(path, index.whole_up_to(path.name))


@dataclass(frozen=True)
class Mirrored:
    """The latest that the mirror holds of one id: a project page (in which WARC file, at which offset) or not."""

    prj_id: int
    url: str
    fetched: datetime  # when last fetched or confirmed
    project: bool
    warc: str | None
    offset: int | None


def mirrored_entries(mirror: Path, *, since: str | None = None) -> Iterator[Mirrored]:
    """The latest entry of every id in the mirror, in id order; with `since` (an index time), only the project
    pages first kept at or after it: what is new or changed since then."""
    path = mirror / INDEX_FILE
    if not path.exists():
        return
    index = Index(path, read_only=True)
    try:
        for entry in index.latest_entries() if since is None else index.kept_since(since):
            when = datetime.strptime(entry.fetched_at, _TIME_FORMAT).replace(tzinfo=UTC)
            whole = entry.project and entry.warc is not None and entry.offset is not None
            yield Mirrored(entry.prj_id, entry.url, when, whole, entry.warc, entry.offset)
    finally:
        index.close()


def mirrored_pages(mirror: Path) -> Iterator[tuple[int, str, datetime, bytes]]:
    """(id, URL, when last fetched or confirmed, body) of every page whose latest answer is a project page, in
    id order; one body in memory at a time."""
    for entry in mirrored_entries(mirror):
        if entry.project:
            yield entry.prj_id, entry.url, entry.fetched, read_body(mirror / entry.warc, entry.offset)  # type: ignore[operator,arg-type]

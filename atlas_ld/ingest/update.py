"""`atlas-ld update`: harvest the ids asked, ingest only the pages that are new or changed since the last update,
and withdraw the projects that the site no longer has. The dumps are refreshed by the caller, for these ids only.

What the last update published is one line in the data folder: the time its harvest ended. Pages kept in the
mirror since then (by the next update's harvest, or by a `harvest` run alone, or by an update stopped before its
end) are what the next update ingests, so that nothing fetched is ever left unpublished.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atlas_ld.harvest import IdRanges, harvest
from atlas_ld.harvest.crawl import HarvestReport, mirrored_entries
from atlas_ld.ingest.pipeline import IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.ingest.sources import mirror_pages
from atlas_ld.ingest.versions import withdraw
from atlas_ld.store.base import GraphStore
from atlas_ld.store.durable import replacing
from atlas_ld.store.history import History
from atlas_ld.uris import UriScheme


@dataclass
class UpdateReport:
    harvest: HarvestReport
    ingest: IngestReport = field(default_factory=IngestReport)

    @property
    def touched(self) -> list[int]:
        """The projects stored or withdrawn: what the dumps must refresh."""
        return sorted({*self.ingest.stored_ids, *self.ingest.withdrawn})


def update(
    ids: IdRanges,
    mirror: Path,
    store: GraphStore,
    uris: UriScheme,
    rejected: RejectedRecords,
    history: History,
    published_mark: Path,
    *,
    before_store: Callable[[Sequence[int | str]], None] | None = None,
    harvest_options: dict[str, Any],
    workers: int = 1,
    personal_data: bool = True,
) -> UpdateReport:
    """Harvest `ids` into `mirror` (`harvest_options` go to `harvest`), then publish what changed; once done, the
    harvest's end is written to `published_mark` so that the next update starts from there."""
    since = published_mark.read_text().strip() if published_mark.exists() else None
    report = UpdateReport(harvest(ids, mirror, **harvest_options))
    stamp = datetime.now(UTC)
    pages = mirror_pages(mirror, since=since or None)
    if pages:
        report.ingest = ingest(pages, store, uris, rejected, history=history, before_store=before_store,
                               ingested_at=stamp, workers=workers, personal_data=personal_data)
    gone = [e.prj_id for e in mirrored_entries(mirror) if not e.project and e.prj_id in ids]
    if gone:
        if before_store is not None:
            before_store(gone)
        report.ingest.withdrawn = withdraw(store, history, uris, gone, stamp)
    store.flush()
    with replacing(published_mark) as out:  # a run killed meanwhile leaves the mark it found
        out.write((report.harvest.finished + "\n").encode())
    return report

"""The polite crawler and its WARC mirror: the live Atlas's pages fetched into WARC files, and read back."""

from atlas_ld.harvest.crawl import (
    ATLAS_SITE,
    HarvestReport,
    harvest,
    mirrored_pages,
    page_url,
)
from atlas_ld.harvest.fetch import FetchFailed
from atlas_ld.harvest.ids import IdRanges, IdSpecError

__all__ = [
    "ATLAS_SITE",
    "FetchFailed",
    "HarvestReport",
    "IdRanges",
    "IdSpecError",
    "harvest",
    "mirrored_pages",
    "page_url",
]

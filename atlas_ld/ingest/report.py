"""What an ingest reports: pages read, records stored, warnings and errors by file and line, records rejected
with their reasons, and the time spent in each stage."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

STAGES = ("parse", "map", "validate", "store")


@dataclass(frozen=True)
class Finding:
    """A warning or an error, tied to a page file and, when known, to a line of it.

    >>> str(Finding("pages/15635.txt", "malformed e-mail address", 19))
    'pages/15635.txt:19: malformed e-mail address'
    """

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Rejection:
    """A project kept out of the store, the page it came from, and why."""

    prj_id: int
    file: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.file} (prjId {self.prj_id}): " + "; ".join(self.reasons)


@dataclass
class StageClock:
    """Time spent in each stage, and the Python heap's peak in each stage when tracemalloc runs.

    Seconds are wall time summed over batches; stages that run side by side (storing one batch while the next
    is prepared, batches prepared in several processes) add up to more than the ingest's wall time.
    """

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    peak_bytes: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        tracing = tracemalloc.is_tracing()
        if tracing:
            tracemalloc.reset_peak()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
            if tracing:
                self.peak_bytes[stage] = max(self.peak_bytes.get(stage, 0), tracemalloc.get_traced_memory()[1])

    def add(self, other: StageClock) -> None:
        """Fold in the clock of one batch."""
        for stage, seconds in other.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
        for stage, peak in other.peak_bytes.items():
            self.peak_bytes[stage] = max(self.peak_bytes.get(stage, 0), peak)


@dataclass
class IngestReport:
    """What an ingest did: every page is counted once, and each one either went in or is listed here with why."""

    pages_read: int = 0
    records_stored: int = 0
    warnings: list[Finding] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    page_errors: list[Finding] = field(default_factory=list)
    clock: StageClock = field(default_factory=StageClock)
    stored_ids: list[int] = field(default_factory=list)  # the projects written, for the dumps to refresh
    withdrawn: list[int] = field(default_factory=list)  # the projects taken out of the published view
    bulk_loaded: bool = False  # a first load, through the bulk loader

    @property
    def stage_seconds(self) -> dict[str, float]:
        return self.clock.seconds

    def summary(self) -> str:
        """The one-line summary the command prints.

        >>> IngestReport(pages_read=5, records_stored=4).summary()
        '5 pages read, 4 records stored, 0 warnings, 0 records rejected, 0 pages not read'
        """
        return (
            f"{_count(self.pages_read, 'page')} read, {_count(self.records_stored, 'record')} stored, "
            f"{_count(len(self.warnings), 'warning')}, {_count(len(self.rejected), 'record')} rejected, "
            f"{_count(len(self.page_errors), 'page')} not read"
            + (f", {_count(len(self.withdrawn), 'project')} withdrawn" if self.withdrawn else "")
        )


def _count(number: int, noun: str) -> str:
    """'1 page', '2 pages', '0 pages': the summary is read by people, not parsed."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

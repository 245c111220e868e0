"""One batch of pages through parse, map and validate, in the ingesting process or in a worker process.

Nothing here writes: the batch comes back with the graphs to store, the graphs rejected and why, and what
to report. A batch pickles cheaply (each graph travels as N-Triples), so that worker processes can prepare
batches while the ingesting process stores the previous ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TypeVar

import pyoxigraph as ox

from atlas_ld.ingest.report import Finding, StageClock
from atlas_ld.ingest.sources import ArchivedPage, PageSource
from atlas_ld.mapping.project import map_record, static_graphs
from atlas_ld.parse import read_page
from atlas_ld.publish.dump_feed import FedBatch, fed_batch
from atlas_ld.publish.dumps import FORMATS
from atlas_ld.records import PageError, ProjectRecord
from atlas_ld.store.base import NTriples, ntriples
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import ValidationReport, Violation, validate_graphs
from atlas_ld.vocab import prefixes

T = TypeVar("T")


@dataclass
class MappedGraph:
    """One record's triples, waiting for validation and storage."""

    prj_id: int
    file: str
    triples: Sequence[ox.Triple]  # the project's named graph
    shared: list[ox.Triple] = field(default_factory=list)  # its descriptions of shared resources

    @property
    def whole(self) -> list[ox.Triple]:
        """Everything the page says, as SHACL checks it and as a rejected record shows it."""
        return [*self.triples, *self.shared]

    def __getstate__(self) -> tuple[int, str, str, str]:
        # pyoxigraph terms pickle one by one, slowly; their N-Triples serialisation is an order of magnitude faster.
        return self.prj_id, self.file, ntriples(self.triples), ntriples(self.shared)

    def __setstate__(self, state: tuple[int, str, str, str]) -> None:
        self.prj_id, self.file, own, shared = state
        # The project's own triples are stored and digested as they are, and made into terms only if asked for.
        self.triples = NTriples(own)
        self.shared = [quad.triple for quad in ox.parse(shared, ox.RdfFormat.N_TRIPLES)]


@dataclass
class Batch:
    """A batch of pages after parse, map and validate: what to store, what is rejected, what to report."""

    pages: int = 0
    valid: dict[int, MappedGraph] = field(default_factory=dict)
    invalid: list[tuple[MappedGraph, list[Violation], tuple[str, ...]]] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    page_errors: list[Finding] = field(default_factory=list)
    clock: StageClock = field(default_factory=StageClock)
    fed: FedBatch | None = None  # the valid graphs as parts of the dumps, when the context asks for them

    def reject(self, graph: MappedGraph, reason: str) -> None:
        self.invalid.append((graph, [], (reason,)))


@dataclass(frozen=True)
class BatchContext:
    """What every batch of one ingest shares (small and picklable, for worker processes)."""

    base_uri: str
    stamp: datetime
    version: str
    personal_data: bool = True  # False: persons are left out of every record
    dump_parts: bool = False  # True: the valid graphs are also written as parts of the dumps (`dump_feed`)

    @property
    def uris(self) -> UriScheme:
        return UriScheme(self.base_uri)


@cache
def cached_static_graphs(base_uri: str) -> Mapping[str, Sequence[ox.Triple]]:
    """The static graphs (vocabulary, schemes, funding structure), built once per process and base URI."""
    return static_graphs(UriScheme(base_uri))


def prepare_batch(paths: Sequence[PageSource], context: BatchContext) -> Batch:
    """Parse, map and validate one batch of pages; a page or record that fails is reported, never raised."""
    batch = Batch(pages=len(paths))
    mapped: dict[int, MappedGraph] = {}
    for path in paths:
        with batch.clock("parse"):
            record = _read(path, batch)
        if record is None:
            continue
        with batch.clock("map"):
            graph = _map(record, path, context, batch)
        if graph is None:
            continue
        if record.prj_id in mapped:
            batch.warnings.append(read_again(record.prj_id, str(path), mapped[record.prj_id].file))
        mapped[record.prj_id] = graph
    with batch.clock("validate"):
        _validate(list(mapped.values()), context, batch)
    if context.dump_parts:
        with batch.clock("dump"):
            uris = context.uris
            graphs = {prj_id: graph.triples for prj_id, graph in batch.valid.items()}
            batch.fed = fed_batch(graphs, uris.project_graph, FORMATS, prefixes(uris.base))
    return batch


def read_again(prj_id: int, file: str, earlier: str) -> Finding:
    """The warning for a project read from a second page, in the same batch or a later one: the later page
    replaces the earlier one, and the user should know which page the store now holds."""
    return Finding(file, f"prjId {prj_id} also read from {earlier}; this page wins")


def _read(path: PageSource, batch: Batch) -> ProjectRecord | None:
    try:
        record = path.read() if isinstance(path, ArchivedPage) else read_page(path)
    except PageError as error:
        batch.page_errors.append(Finding(str(path), error.message, error.line))
        return None
    except Exception as error:  # noqa: BLE001 - one unreadable page must not stop the other pages
        batch.page_errors.append(Finding(str(path), f"could not be read ({type(error).__name__}: {error})"))
        return None
    batch.warnings += [Finding(str(path), w.message, w.line) for w in record.warnings]
    return record


def _map(record: ProjectRecord, path: PageSource, context: BatchContext, batch: Batch) -> MappedGraph | None:
    try:
        if not context.personal_data:
            record = record.without_persons()
        mapped = map_record(record, context.uris, ingested_at=context.stamp, parser_version=context.version)
    except Exception as error:  # noqa: BLE001 - a record the mapping cannot handle is reported, not fatal
        batch.page_errors.append(Finding(str(path), f"could not be mapped ({type(error).__name__}: {error})"))
        return None
    batch.warnings += [Finding(str(path), w.message, w.line) for w in mapped.warnings]
    return MappedGraph(record.prj_id, str(path), mapped.project, mapped.shared)


def _validate(graphs: list[MappedGraph], context: BatchContext, batch: Batch) -> None:
    """SHACL over the batch; should the validator itself fail, it is narrowed down to the record that makes it."""
    reports: list[tuple[Sequence[MappedGraph], ValidationReport]] = []
    support = cached_static_graphs(context.base_uri)

    def check(some: Sequence[MappedGraph]) -> None:
        # Each page with its descriptions of shared resources: a fault there is tied to the pages that state it.
        by_id = {g.prj_id: g.whole for g in some}
        reports.append((some, validate_graphs(by_id, context.uris, support=support)))

    for graph, error in narrow_down(graphs, check):
        batch.reject(graph, f"validation failed ({type(error).__name__}: {error})")
    for checked, report in reports:
        rejected = report.rejected_ids()
        for graph in checked:
            found = report.for_project(graph.prj_id)
            if graph.prj_id in rejected:
                reasons = tuple(dict.fromkeys(str(v) for v in found if v.severity == "Violation"))
                batch.invalid.append((graph, found, reasons))
            else:
                batch.valid[graph.prj_id] = graph
                batch.warnings += [Finding(graph.file, str(v)) for v in found]
        # Results on nodes that several pages describe together, which no single page causes.
        pages = ", ".join(g.file for g in checked[:3]) + (", ..." if len(checked) > 3 else "")
        batch.warnings += [Finding(pages, f"in the shared graphs: {v}") for v in report.violations if v.prj_id is None]


def narrow_down(
    items: Sequence[T], action: Callable[[Sequence[T]], None], *, fatal: tuple[type[Exception], ...] = ()
) -> list[tuple[T, Exception]]:
    """Run `action` on all items at once; if it fails, on halves, down to the single items that fail. A `fatal`
    error is no item's fault (the store is gone): it is raised at once.

    >>> def refuse_three(items):
    ...     if 3 in items:
    ...         raise ValueError("no 3")
    >>> narrow_down([1, 2, 3, 4], refuse_three)
    [(3, ValueError('no 3'))]
    """
    if not items:
        return []
    try:
        action(items)
    except fatal:
        raise
    except Exception as error:  # noqa: BLE001 - the caller reports each failing item
        if len(items) == 1:
            return [(items[0], error)]
        half = len(items) // 2
        return narrow_down(items[:half], action, fatal=fatal) + narrow_down(items[half:], action, fatal=fatal)
    return []

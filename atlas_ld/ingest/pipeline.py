"""The ingest pipeline: page files → records → RDF → SHACL in batches → one named graph per project in the store.

A page that cannot be read is reported (file and line) and skipped; a record that fails validation is rejected,
written to `rejected/` with its reasons, and the last good version of that project stays in the store. Neither
stops the run nor touches the other projects. Each batch of projects is written in one transaction (its project graphs
replaced, its descriptions of shared resources added to the shared graph), while the next batches are prepared
(parsed, mapped, validated, and written as parts of the dumps: `publish.dump_feed`) in this process or in worker
processes. A first load into an empty embedded store goes through the bulk loader instead (`store.first_load`).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

from atlas_ld import __version__
from atlas_ld.ingest.personal_data import withdraw_persons
from atlas_ld.ingest.prepare import (
    Batch,
    BatchContext,
    MappedGraph,
    cached_static_graphs,
    narrow_down,
    prepare_batch,
    read_again,
)
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.ingest.report import Finding, IngestReport, Rejection, StageClock
from atlas_ld.ingest.sources import PageSource, page_sources
from atlas_ld.ingest.versions import apply_versions, plan_versions
from atlas_ld.publish.dump_feed import DumpFeed, fed_graph
from atlas_ld.publish.dumps import FORMATS
from atlas_ld.store.base import GraphStore, StoreUnavailable
from atlas_ld.store.first_load import FirstLoad
from atlas_ld.store.history import History
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import DEFAULT_BATCH_SIZE, chunked
from atlas_ld.vocab import prefixes

__all__ = ["DEFAULT_BATCH_SIZE", "Finding", "IngestReport", "Rejection", "StageClock", "ingest"]

# The embedded store buffers writes in memory until it flushes them; left alone, that buffer grows past a
# gigabyte on a full Atlas. Flushing every thousand pages keeps it to a few hundred megabytes.
FLUSH_EVERY_PAGES = 1_000



def parser_version() -> str:
    """The version recorded in each project's provenance: the package's."""
    return f"atlas-ld {__version__}"


def ingest(
    paths: Iterable[PageSource],
    store: GraphStore,
    uris: UriScheme,
    rejected: RejectedRecords,
    *,
    history: History | None = None,
    before_store: Callable[[Sequence[int | str]], None] | None = None,
    ingested_at: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
    personal_data: bool = True,
    dump_feed: DumpFeed | None = None,
    first_load: FirstLoad | None = None,
) -> IngestReport:
    """Ingest pages (files, folders of them, WARC files, a harvest mirror: see `page_sources`) into `store`;
    `on_progress(pages done, pages in all)` after each batch.

    `ingested_at` is stamped in each project's provenance (now by default); two ingests of the same pages with
    the same stamp give the same graphs. With `workers` > 1, batches are prepared in that many processes. The
    store writes outside the GIL, in a thread of its own: a few batches at most are in memory at any time. Without
    `personal_data`, persons are left out of the records, and those that earlier ingests stored are withdrawn.
    With a `history`, each project whose content changed keeps its replaced version there. `before_store(ids)`
    is called before each batch is written, with the ids of its projects and the IRIs of the other graphs that
    change (the dumps mark what they must refresh, in case the run is killed). With a `dump_feed`, the batches are
    also written as parts of the dumps where they are prepared, for `write_dumps` to take. With a `first_load`,
    an empty embedded store takes the batches through the bulk loader (see `atlas_ld.store.first_load`).
    """
    report = IngestReport()
    files = page_sources(paths, report.page_errors)
    context = BatchContext(
        uris.base, ingested_at or datetime.now(UTC), parser_version(), personal_data, dump_parts=dump_feed is not None
    )
    static = cached_static_graphs(uris.base)
    run = _Run(report, rejected, set(rejected.kept()), context.stamp, len(files), on_progress, uris, dump_feed)
    read_from: dict[int, str] = {}
    chunks = list(chunked(files, batch_size))
    with ExitStack() as stack:
        if first_load is not None:
            report.bulk_loaded = stack.enter_context(first_load.running(store, history))
        if before_store is not None:
            before_store(list(static))  # small graphs: their parts of the dumps are cheap to write again
        with report.clock("store"):
            store.replace_graphs(static)
        writer = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="atlas-ld-store"))
        writing: tuple[Batch, Future[None]] | None = None
        for batch in _prepared(chunks, context, min(workers, len(chunks)), stack):
            _note_repeats(batch, read_from)
            if writing is not None:
                run.settle(*writing)
            flush = run.pages_sent // FLUSH_EVERY_PAGES < (run.pages_sent + batch.pages) // FLUSH_EVERY_PAGES
            run.pages_sent += batch.pages
            to = _Writer(store, uris, history, before_store, context.stamp, dump_feed if report.bulk_loaded else None)
            writing = batch, writer.submit(_store, batch, to, flush)
        if writing is not None:
            run.settle(*writing)
    if not personal_data:
        with report.clock("store"):
            withdraw_persons(store)
    return report


def _prepared(chunks: list[Sequence[PageSource]], context: BatchContext, workers: int, stack: ExitStack) -> Iterator[Batch]:
    """Prepared batches in order: here, or from worker processes that keep a few batches ahead."""
    if workers <= 1:
        yield from (prepare_batch(chunk, context) for chunk in chunks)
        return
    # Workers start fresh ("spawn"): forking a process that runs the store's threads is not safe.
    pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")))
    ahead: list[Future[Batch]] = []
    for chunk in chunks:
        ahead.append(pool.submit(prepare_batch, chunk, context))
        if len(ahead) > workers:
            yield ahead.pop(0).result()
    for future in ahead:
        yield future.result()


@dataclass
class _Run:
    """The state of one ingest between batches."""

    report: IngestReport
    rejected: RejectedRecords
    rejected_ids: set[int]  # projects in `rejected/`, released once stored
    stamp: datetime
    total: int
    on_progress: Callable[[int, int], None] | None
    uris: UriScheme
    dump_feed: DumpFeed | None
    pages_sent: int = 0  # pages handed to the writer so far

    def settle(self, batch: Batch, written: Future[None]) -> None:
        """Once a batch is written: keep its parts of the dumps, write out what was rejected, release what is now
        stored, report."""
        written.result()
        if self.dump_feed is not None and batch.fed is not None:
            self.dump_feed.add(batch.fed, {self.uris.project_graph(prj_id) for prj_id in batch.valid})
        for graph, violations, reasons in batch.invalid:
            self.rejected.keep(
                graph.prj_id, graph.whole, violations, source_file=graph.file, reasons=reasons, at=self.stamp
            )
            self.report.rejected.append(Rejection(graph.prj_id, graph.file, reasons))
        for prj_id in self.rejected_ids.intersection(batch.valid):
            self.rejected.release(prj_id)
            self.rejected_ids.discard(prj_id)
        self.report.pages_read += batch.pages
        self.report.records_stored += len(batch.valid)
        self.report.stored_ids += batch.valid
        self.report.warnings += batch.warnings
        self.report.page_errors += batch.page_errors
        self.report.clock.add(batch.clock)
        if self.on_progress is not None:
            self.on_progress(self.report.pages_read, self.total)


def _note_repeats(batch: Batch, read_from: dict[int, str]) -> None:
    """Warn when a project read in an earlier batch is read again: the later page replaces it."""
    for prj_id, graph in batch.valid.items():
        earlier = read_from.get(prj_id)
        if earlier is not None and earlier != graph.file:
            batch.warnings.append(read_again(prj_id, graph.file, earlier))
        read_from[prj_id] = graph.file


@dataclass(frozen=True)
class _Writer:
    """Where and how each batch is written."""

    store: GraphStore
    uris: UriScheme
    history: History | None
    before_store: Callable[[Sequence[int | str]], None] | None
    stamp: datetime
    shared_feed: DumpFeed | None  # what the batches add to the shared graph goes there too (a first load)

    def write(self, graphs: Sequence[MappedGraph]) -> None:
        """Replace the graphs' project graphs and add to the shared graph in one transaction; then the history."""
        uris, store = self.uris, self.store
        # The shared graph is a set: what earlier pages already said about an authority is not stored again.
        shared_graph = uris.graph("shared")
        shared = store.absent(shared_graph, dict.fromkeys(t for g in graphs for t in g.shared))
        own = {g.prj_id: g.triples for g in graphs}
        changes = plan_versions(store, self.history, uris, own, self.stamp) if self.history is not None else []
        if self.before_store is not None:
            self.before_store([*own, *([shared_graph] if shared else [])])
        try:
            store.replace_graphs({uris.project_graph(i): t for i, t in own.items()}, add={shared_graph: shared})
        except Exception:
            if self.shared_feed is not None:  # the bulk loader may have taken part of it
                self.shared_feed.spoil(shared_graph)
            raise
        if self.shared_feed is not None and shared:
            self.shared_feed.add(fed_graph(shared_graph, shared, FORMATS, prefixes(uris.base)), {shared_graph})
        if self.history is not None:
            apply_versions(self.history, changes)


def _store(batch: Batch, writer: _Writer, flush: bool) -> None:
    """Write the batch; a refused batch is narrowed down to its culprit."""
    with batch.clock("store"):
        refused = narrow_down(list(batch.valid.values()), writer.write, fatal=(StoreUnavailable,))
        if flush:
            writer.store.flush()
    for graph, error in refused:
        del batch.valid[graph.prj_id]
        batch.reject(graph, f"the store refused the graph ({type(error).__name__}: {error})")

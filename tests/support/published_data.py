"""A data folder as an ingest leaves it, for the dumps, VoID and catalogue tests: the real example pages ingested
through the pipeline, the dumps written, the store closed so that a server can open it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dumps import write_dumps
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import DEFAULT_BASE_URI, UriScheme

BASE = DEFAULT_BASE_URI
STAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EXAMPLE_PAGES = sorted(examples_dir().glob("*.txt"))
EXAMPLE_IDS = {int(p.stem) for p in EXAMPLE_PAGES}

# Counts written independently of the code under test: the union of the graphs as a plain query sees it.
DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"


def ingest_and_dump(data_dir: Path, pages: Iterable[Path], *, at: datetime = STAMP) -> IngestReport:
    """Ingest pages into the data folder's store, rewrite its dumps, and close the store."""
    data = DataDir(data_dir)
    store = data.open_store()
    report = ingest(list(pages), store, UriScheme(BASE), RejectedRecords(data.rejected, base_uri=BASE), ingested_at=at)
    write_dumps(store, data.dumps)
    store.flush()
    del store
    return report


def read_store(data_dir: Path) -> ox.Store:
    """The data folder's store, read-only: a server may have it open at the same time."""
    return ox.Store.read_only(str(DataDir(data_dir).oxigraph))


def count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[call-overload, index]

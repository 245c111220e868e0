"""The store behind a small interface: today the embedded Oxigraph store on disk.

Everything that reads or writes triples goes through `GraphStore`, so that a remote SPARQL server can take its
place without the pipeline or the web app knowing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox

from atlas_ld.sparql_syntax import names_dataset

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

# Touched after every committed write: other processes reading the store learn from it that their view is old.
STAMP_FILE = "LAST_WRITE"


def last_write(location: Path) -> float:
    """POSIX time of the last write committed to the embedded store at `location`; 0.0 before any.

    The writer records the time in the file itself: a file's mtime can tick more coarsely than writes come.
    """
    stamp = Path(location) / STAMP_FILE
    try:
        return float(stamp.read_text())
    except FileNotFoundError:
        return 0.0
    except ValueError:  # read while being rewritten: the mtime still tells that it changed
        return stamp.stat().st_mtime


class GraphStore(Protocol):
    """What atlas-ld needs from a quad store."""

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; without `default_graph` (or FROM in the query) the default graph is the union."""

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction; relative IRIs resolve against `base_iri`."""

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace each named graph whole, all of them in one transaction: readers see old or new, never half."""

    def named_graphs(self) -> list[str]: ...

    def dump(self, output: IO[bytes], format: ox.RdfFormat, *, graph: str | None = None) -> None:
        """Stream the dataset (or one graph) to `output` in `format`."""

    def triple_count(self) -> int: ...

    def last_modified(self) -> float:
        """POSIX time of the last committed write, for ETag / Last-Modified."""

    def flush(self) -> None:
        """Write what the store buffers in memory to disk; a long ingest calls it to keep its memory bounded."""


class EmbeddedStore:
    """pyoxigraph's on-disk store. Several processes may read it; only one may write."""

    def __init__(self, location: Path, *, read_only: bool = False) -> None:
        self.location = Path(location)
        if read_only:
            self._store = ox.Store.read_only(str(self.location))
        else:
            self.location.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.location))
        self._stamp = self.location / STAMP_FILE

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        # pyoxigraph's union flag would override the query's own FROM clauses, so it is only set without them.
        return self._store.query(
            sparql,
            base_iri=base_iri,
            use_default_graph_as_union=default_graph is None and not names_dataset(sparql),
            default_graph=[ox.NamedNode(g) for g in default_graph] if default_graph is not None else None,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None,
        )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._store.update(sparql, base_iri=base_iri)
        self._touch()

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        # One SPARQL update is one Oxigraph transaction: the drops and inserts commit together.
        if not graphs:
            return
        drops = " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)
        inserts = " ".join(
            f"GRAPH <{g}> {{ {' '.join(str(t) + ' .' for t in triples)} }}" for g, triples in graphs.items()
        )
        self.update(f"{drops} ; INSERT DATA {{ {inserts} }}")

    def named_graphs(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def dump(self, output: IO[bytes], format: ox.RdfFormat, *, graph: str | None = None) -> None:
        if graph is not None:
            self._store.dump(output, format, from_graph=ox.NamedNode(graph))
        elif format.supports_datasets:
            self._store.dump(output, format)
        else:
            # Triple formats get the union of the graphs, streamed by the engine's own serialiser; a triple
            # stated in two graphs is written twice, which loads back as one.
            self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").serialize(output, format)

    def triple_count(self) -> int:
        return len(self._store)

    def last_modified(self) -> float:
        return last_write(self.location)

    def flush(self) -> None:
        self._store.flush()

    def _touch(self) -> None:
        self._stamp.write_text(str(time.time()))

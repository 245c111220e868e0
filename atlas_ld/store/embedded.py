"""The store behind a small interface: the embedded Oxigraph store on disk, or a remote SPARQL server
(`atlas_ld.store.remote`).

Everything that reads or writes triples goes through `GraphStore`, so that either serves without the pipeline or
the web app knowing which.
"""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox

from atlas_ld.sparql.checks import names_dataset

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal

# Touched after every committed write: other processes reading the store learn from it that their view is old.
STAMP_FILE = "LAST_WRITE"


class WriteStamp:
    """The time of the last write committed to the embedded store at `location` (POSIX time; 0.0 before any).

    The writer records the time in a file of its own (a file's mtime can tick more coarsely than writes come) and
    rewrites it in place; readers keep it open and read it again with one `pread`, as every read of the store
    asks for it.
    """

    def __init__(self, location: Path) -> None:
        self.path = Path(location) / STAMP_FILE
        self._fd: int | None = None

    def read(self) -> float:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return 0.0
            weakref.finalize(self, os.close, self._fd)
        text = os.pread(self._fd, 64, 0)
        try:
            return float(text)
        except ValueError:  # read while being rewritten: the mtime still tells that it changed
            return os.fstat(self._fd).st_mtime

    def touch(self) -> None:
        """Record a write, for the readers."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(str(time.time()))


class StoreUnavailable(RuntimeError):
    """The store could not be reached: a remote server down, or slower than the time allowed."""


class StoreRefused(RuntimeError):
    """A remote server answered a request with an error; the message is the server's."""


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

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Triple]], *, add: Mapping[str, Iterable[ox.Triple]] | None = None
    ) -> None:
        """Replace each graph of `graphs` whole and add `add`'s triples to theirs, all in one transaction: readers
        (and a store reopened after a crash) see every graph old or new, never half."""

    def triples(
        self,
        *,
        subjects: Collection[ox.NamedNode] | None = None,
        predicates: Collection[ox.NamedNode] | None = None,
        objects: Collection[Term] | None = None,
    ) -> list[ox.Triple]:
        """The distinct triples of the union of the graphs whose subject, predicate and object are each one of
        the given terms (None: any; empty: none). Descriptions are read this way: the embedded store answers from
        its indexes, with no query to parse and plan."""

    def named_graphs(self) -> list[str]: ...

    def dump(self, output: IO[bytes], format: ox.RdfFormat, *, graph: str | None = None) -> None:
        """Stream the dataset (or one graph) to `output` in `format`."""

    def triple_count(self) -> int: ...

    def last_modified(self) -> float:
        """POSIX time of the last committed write, for ETag / Last-Modified."""

    def flush(self) -> None:
        """Write what the store buffers in memory to disk; a long ingest calls it to keep its memory bounded."""

    @property
    def readable_at(self) -> Path | None:
        """The folder other processes may open this store from, read-only, to run queries that are stopped by
        killing the process; None for a store that stops its own work when a request times out (a server)."""


class EmbeddedStore:
    """pyoxigraph's on-disk store. Several processes may read it; only one may write.

    A read-only instance sees the store as it was when it was opened, so it opens it again once the writer has
    committed since: a server shows a new ingest without a restart. Opening costs tens of milliseconds on a large
    store while a typical query takes one, so the instance is kept as long as the write stamp stays put.
    """

    def __init__(self, location: Path, *, read_only: bool = False) -> None:
        self.location = Path(location)
        self.readable_at: Path | None = self.location
        self.read_only = read_only
        self._stamp = WriteStamp(self.location)
        if read_only:
            # The stamp is read before opening: a write landing in between makes the next read open again.
            self._seen = self._stamp.read()
            self._store = ox.Store.read_only(str(self.location))
        else:
            self.location.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.location))

    @property
    def _current(self) -> ox.Store:
        """The engine; read-only, opened again after a write, or kept as it was while the files move."""
        if self.read_only and self._stamp.read() != self._seen:
            try:
                self.reopen()
            except RuntimeError:  # opened while the writer compacted: the next read tries again
                pass
        return self._store

    def reopen(self) -> None:
        """Open the store again (read-only instances); raises RuntimeError when its files moved meanwhile."""
        stamp = self._stamp.read()
        self._store = ox.Store.read_only(str(self.location))
        self._seen = stamp

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        # pyoxigraph's union flag would override the query's own FROM clauses, so it is only set without them.
        return self._current.query(
            sparql,
            base_iri=base_iri,
            use_default_graph_as_union=default_graph is None and not names_dataset(sparql),
            default_graph=[ox.NamedNode(g) for g in default_graph] if default_graph is not None else None,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None,
        )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._store.update(sparql, base_iri=base_iri)
        self._touch()

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Triple]], *, add: Mapping[str, Iterable[ox.Triple]] | None = None
    ) -> None:
        # Both paths are one Oxigraph transaction. Loading TriG is about twice as fast as the same triples in a
        # SPARQL update, but it cannot remove anything: graphs already in the store go through an update that
        # deletes and inserts only what changed (on re-ingest, little more than the provenance's time stamp).
        replacing = {g: list(triples) for g, triples in graphs.items()}
        adding = {g: added for g, triples in (add or {}).items() if (added := list(triples))}
        for g in adding.keys() & replacing.keys():
            replacing[g] += adding.pop(g)
        if not replacing and not adding:
            return
        stored = {g for g in replacing if self._store.contains_named_graph(ox.NamedNode(g))}
        if stored or not all(replacing.values()):
            changes = changes_update(self._store, replacing, stored, adding)
            if not changes:
                return
            self._store.update(changes)
        else:
            self._store.load(trig({**replacing, **adding}), format=ox.RdfFormat.TRIG)
        self._touch()

    def triples(
        self,
        *,
        subjects: Collection[ox.NamedNode] | None = None,
        predicates: Collection[ox.NamedNode] | None = None,
        objects: Collection[Term] | None = None,
    ) -> list[ox.Triple]:
        store = self._current
        found: dict[ox.Triple, None] = {}  # a triple stated in several graphs is given once, in the order found
        for s in (None,) if subjects is None else subjects:
            for p in (None,) if predicates is None else predicates:
                for o in (None,) if objects is None else objects:
                    found.update(dict.fromkeys(q.triple for q in store.quads_for_pattern(s, p, o)))
        return list(found)

    def named_graphs(self) -> list[str]:
        return [g.value for g in self._current.named_graphs() if isinstance(g, ox.NamedNode)]

    def dump(self, output: IO[bytes], format: ox.RdfFormat, *, graph: str | None = None) -> None:
        if graph is not None:
            self._current.dump(output, format, from_graph=ox.NamedNode(graph))
        elif format.supports_datasets:
            self._current.dump(output, format)
        else:
            # Triple formats get the union of the graphs, streamed by the engine's own serialiser; a triple
            # stated in two graphs is written twice, which loads back as one.
            self._current.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").serialize(output, format)

    def triple_count(self) -> int:
        return len(self._current)

    def last_modified(self) -> float:
        return self._stamp.read()

    def flush(self) -> None:
        self._store.flush()

    def _touch(self) -> None:
        self._stamp.touch()


def ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples lines: written by pyoxigraph, so valid in TriG and in SPARQL's INSERT / DELETE DATA."""
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def trig(graphs: Mapping[str, Iterable[ox.Triple]]) -> bytes:
    """The graphs as one TriG document."""
    return "".join(f"{ox.NamedNode(g)} {{\n{ntriples(t)}}}\n" for g, t in graphs.items()).encode()


def changes_update(
    store: ox.Store,
    replacing: Mapping[str, list[ox.Triple]],
    stored: set[str],
    adding: Mapping[str, list[ox.Triple]],
) -> str:
    """A SPARQL update that turns the `stored` graphs into `replacing`'s, inserts the others, and adds `adding`.

    A stored graph is compared with its new triples, so that the update carries only the changes; one with blank
    nodes cannot be (DELETE DATA takes none, and a stored blank node never equals a new one): it is dropped and
    inserted whole, as is a graph replaced by nothing. Empty when nothing changes.
    """
    drops: list[str] = []
    deletes: list[str] = []
    inserts = [f"GRAPH {ox.NamedNode(g)} {{ {ntriples(triples)} }}" for g, triples in adding.items()]
    for name, triples in replacing.items():
        graph = ox.NamedNode(name)
        old = {q.triple for q in store.quads_for_pattern(None, None, None, graph)} if name in stored else set()
        if not triples or any(_has_blank_node(t) for t in old):
            if name in stored:
                drops.append(f"DROP SILENT GRAPH {graph}")
            removed, added = [], triples
        else:
            new = set(triples)
            removed, added = [t for t in old if t not in new], [t for t in triples if t not in old]
        if removed:
            deletes.append(f"GRAPH {graph} {{ {ntriples(removed)} }}")
        if added:
            inserts.append(f"GRAPH {graph} {{ {ntriples(added)} }}")
    return " ;\n".join([
        *drops,
        *([f"DELETE DATA {{ {' '.join(deletes)} }}"] if deletes else []),
        *([f"INSERT DATA {{ {' '.join(inserts)} }}"] if inserts else []),
    ])


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode | ox.Triple)

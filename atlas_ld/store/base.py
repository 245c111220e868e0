"""The store behind a small interface, `GraphStore`: the embedded Oxigraph store (`atlas_ld.store.embedded`) or a
SPARQL 1.1 server (`atlas_ld.store.remote`).

Everything that reads or writes triples goes through it, so that either serves without the pipeline or the web
app knowing which.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal


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

    def absent(self, graph: str, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        """The triples that `graph` does not hold yet; a store that cannot tell cheaply gives them all. An ingest
        adds only those to the shared graph, and knows whether the dumps' part of it must be written again."""

    def dump(
        self,
        output: IO[bytes],
        format: ox.RdfFormat,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Stream the dataset (or one graph) to `output` in `format`, with `prefixes` where the syntax has them."""

    def triple_count(self) -> int: ...

    def last_modified(self) -> float:
        """POSIX time of the last committed write, for ETag / Last-Modified."""

    def flush(self) -> None:
        """Write what the store buffers in memory to disk; a long ingest calls it to keep its memory bounded."""

    @property
    def shared_writes(self) -> bool:
        """Whether several processes may write the store at once (a server); the embedded store takes one."""

    @property
    def readable_at(self) -> Path | None:
        """The folder other processes may open this store from, read-only, to run queries that are stopped by
        killing the process; None for a store that stops its own work when a request times out (a server)."""


class NTriples(Sequence[ox.Triple]):
    """Triples kept as the N-Triples lines they came in (a batch from a worker process, a graph read from the
    store), made into terms only when one is asked for: `ntriples`, and so the store's loaders and the history's
    digests, take the lines as they are."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._terms: list[ox.Triple] | None = None

    def _triples(self) -> list[ox.Triple]:
        if self._terms is None:
            self._terms = [quad.triple for quad in ox.parse(self.text, ox.RdfFormat.N_TRIPLES)]
        return self._terms

    def __getitem__(self, index: Any) -> Any:
        return self._triples()[index]

    def __len__(self) -> int:
        return len(self._triples())

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples())

    def __bool__(self) -> bool:
        return bool(self.text)


def ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples lines: written by pyoxigraph, so valid in TriG and in SPARQL's INSERT / DELETE DATA."""
    if isinstance(triples, NTriples):
        return triples.text
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def trig(graphs: Mapping[str, Iterable[ox.Triple]]) -> bytes:
    """The graphs as one TriG document."""
    return "".join(f"{ox.NamedNode(g)} {{\n{ntriples(t)}}}\n" for g, t in graphs.items()).encode()

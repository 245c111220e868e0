"""The row cap (`max_rows`): a query's answer stops after so many rows, and whether it was cut is known up front.

Headers go out before the body, so a cut answer can only say so in its headers if the cap is applied before the
first byte: the rows are read off the engine, up to the cap plus one, into a spool (memory up to a few MiB, a
temporary file beyond), and the serialiser reads them back from there. pyoxigraph builds result sets only by
parsing, so the spool holds the rows in syntaxes it reads back lazily (SPARQL TSV results, N-Triples), and the
answer is still written by pyoxigraph's own serialisers; memory stays bounded whatever the cap.

>>> store = ox.Store()
>>> store.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f"{i}")) for i in range(3)])
>>> capped = cap_solutions(store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"), 2)
>>> capped.truncated, [(str(row["s"]), row["o"].value) for row in capped.result]
(True, [('<urn:s0>', '0'), ('<urn:s1>', '1')])
>>> cap_triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), 3).truncated
False
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Generic, TypeVar

import pyoxigraph as ox

# What a spool keeps in memory before it moves to a temporary file.
_SPOOL_MEMORY = 8 << 20

T = TypeVar("T")


@dataclass(frozen=True)
class Capped(Generic[T]):
    """A result with at most the cap's rows, and whether the engine had more."""

    result: T
    truncated: bool


def cap_solutions(solutions: ox.QuerySolutions, max_rows: int) -> Capped[ox.QuerySolutions]:
    """The first `max_rows` solutions of a SELECT, as a result set that pyoxigraph serialises like the original."""
    spool = _spool()
    spool.write(_tsv_line(str(variable) for variable in solutions.variables).encode())
    truncated = _fill(spool, (_tsv_line(_term(value) for value in solution) for solution in solutions), max_rows)
    spool.seek(0)
    capped = ox.parse_query_results(spool, ox.QueryResultsFormat.TSV)
    assert isinstance(capped, ox.QuerySolutions)  # a TSV head of variables always reads as solutions
    return Capped(capped, truncated)


def cap_triples(triples: ox.QueryTriples, max_rows: int) -> Capped[Iterator[ox.Triple]]:
    """The first `max_rows` triples of a CONSTRUCT or DESCRIBE, for `pyoxigraph.serialize`."""
    spool = _spool()
    truncated = _fill(spool, (f"{triple} .\n" for triple in triples), max_rows)
    spool.seek(0)
    return Capped((quad.triple for quad in ox.parse(spool, ox.RdfFormat.N_TRIPLES)), truncated)


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY, prefix="atlas-ld-rows-")


def _fill(spool: IO[bytes], lines: Iterable[str], max_rows: int) -> bool:
    """Write up to `max_rows` lines; True if there was at least one more."""
    for count, line in enumerate(lines):
        if count == max_rows:
            return True
        spool.write(line.encode())
    return False


def _tsv_line(cells: Iterable[str]) -> str:
    return "\t".join(cells) + "\n"


def _term(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term in SPARQL TSV: its N-Triples form (tabs and newlines escaped), empty when unbound."""
    if value is None:
        return ""
    if isinstance(value, ox.Triple):
        return f"<<( {value} )>>"
    return str(value)

"""The row cap (`max_rows`): a query's answer stops after so many rows, and whether it was cut is known up front.

Headers go out before the body, so a cut answer can only say so in its headers if the cap is applied before the
first byte: the rows are written by pyoxigraph's own serialiser, in syntaxes with one row per line (SPARQL TSV
results, N-Triples), into a spool (memory up to a few MiB, a temporary file beyond) that counts their line breaks
and stops the engine at the first byte past the cap. pyoxigraph reads the spool back lazily and writes the answer
in the format asked for; no row passes through Python, and memory stays bounded whatever the cap.

>>> store = ox.Store()
>>> store.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f"{i}")) for i in range(3)])
>>> capped = cap_solutions(store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"), 2)
>>> capped.truncated, [(str(row["s"]), row["o"].value) for row in capped.result]
(True, [('<urn:s0>', '0'), ('<urn:s1>', '1')])
>>> cap_triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), 3).truncated
False
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
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
    lines = _Lines(spool, max_rows + 1)  # the variables' line, then the rows
    with contextlib.suppress(_Full):
        solutions.serialize(lines, ox.QueryResultsFormat.TSV)
    spool.seek(0)
    capped = ox.parse_query_results(spool, ox.QueryResultsFormat.TSV)
    assert isinstance(capped, ox.QuerySolutions)  # a TSV head of variables always reads as solutions
    return Capped(capped, lines.more)


def cap_triples(triples: ox.QueryTriples, max_rows: int) -> Capped[Iterator[ox.Triple]]:
    """The first `max_rows` triples of a CONSTRUCT or DESCRIBE, for `pyoxigraph.serialize`."""
    spool = _spool()
    lines = _Lines(spool, max_rows)
    with contextlib.suppress(_Full):
        triples.serialize(lines, ox.RdfFormat.N_TRIPLES)
    spool.seek(0)
    return Capped((quad.triple for quad in ox.parse(spool, ox.RdfFormat.N_TRIPLES)), lines.more)


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY, prefix="atlas-ld-rows-")


class _Full(Exception):
    """Raised into the serialiser at the first byte past the cap, which stops it (and the query)."""


class _Lines:
    """The file a serialiser writes to: the first `limit` lines go to `output`; `more` tells that a byte came
    after them."""

    def __init__(self, output: IO[bytes], limit: int) -> None:
        self._output = output
        self._left = limit
        self.more = False

    def write(self, data: bytes) -> int:
        if not data:
            return 0
        if self._left == 0:
            self.more = True
            raise _Full
        breaks = data.count(b"\n")
        if breaks < self._left:
            self._left -= breaks
            self._output.write(data)
            return len(data)
        end = -1
        for _ in range(self._left):
            end = data.index(b"\n", end + 1)
        self._output.write(data[: end + 1])
        self._left = 0
        if end + 1 < len(data):
            self.more = True
            raise _Full
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the spool is read back once the serialiser is done."""

"""A group of named graphs written as one fragment of a whole-store dump, such that fragments written apart,
joined byte after byte, make one document of their format: what lets a dump be remade one group at a time.

The store writes one graph as triples, each in its own document. Turtle and N-Triples dumps hold the union of
the graphs, so a fragment is those documents one after the other (a Turtle document repeats its prefix
declarations, which Turtle allows, so that each stays readable with CURIEs). N-Quads keep the graph: each N-Triples line gets the graph's name. JSON-LD cannot be joined
as documents: the dump is the one array the store writes for a dataset, `[{"@id": graph, "@graph": [...]},
...]`; `opening` starts it with an empty node object (which JSON-LD drops), so that every graph's object can
start with a comma wherever its fragment lands, and `closing` ends the array. It stays expanded (full IRIs as
keys): a compacted document has one `@context` at its top, which the parts, written apart, cannot share.

The graphs come from the store, or from memory (`GraphsInMemory`): an ingest writes the graphs it has just stored
without reading them back, which costs several times less (the store decodes every term of every graph again).

>>> opening(ox.RdfFormat.JSON_LD), closing(ox.RdfFormat.JSON_LD), closing(ox.RdfFormat.TURTLE)
(b'[{}', b']\\n', b'')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Protocol

import pyoxigraph as ox


class GraphSource(Protocol):
    """Where the graphs of a fragment are read: a `GraphStore`, or `GraphsInMemory`."""

    def dump(
        self, output: IO[bytes], format: ox.RdfFormat, *, graph: str, prefixes: Mapping[str, str] | None = None
    ) -> None: ...


class GraphsInMemory:
    """Graphs held in memory, written as the store writes its own; a triple given twice is written once, as the
    store, a set, holds it once. A graph's N-Triples are kept once written: N-Quads fragments are made of them."""

    def __init__(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        self._graphs = {graph: list(dict.fromkeys(triples)) for graph, triples in graphs.items()}
        self._ntriples: dict[str, bytes] = {}

    def dump(
        self, output: IO[bytes], format: ox.RdfFormat, *, graph: str, prefixes: Mapping[str, str] | None = None
    ) -> None:
        triples = self._graphs.get(graph, [])
        if format != ox.RdfFormat.N_TRIPLES:
            ox.serialize(triples, output, format, prefixes=dict(prefixes) if prefixes else None)  # type: ignore[arg-type]
            return
        if graph not in self._ntriples:
            self._ntriples[graph] = ox.serialize(triples, format=format) or b""
        output.write(self._ntriples[graph])


def write_graphs(
    store: GraphSource,
    output: IO[bytes],
    rdf_format: ox.RdfFormat,
    graphs: Iterable[str],
    prefixes: Mapping[str, str] | None = None,
) -> None:
    """Write `graphs` as a fragment of the dump, to be joined after `opening` and before `closing`; Turtle
    declares `prefixes` in each graph's document."""
    if rdf_format == ox.RdfFormat.JSON_LD:
        _json_ld(store, output, graphs)
    elif rdf_format == ox.RdfFormat.N_QUADS:
        for graph in graphs:
            lines = _IntoGraph(output, graph)
            store.dump(lines, ox.RdfFormat.N_TRIPLES, graph=graph)  # type: ignore[arg-type]
            lines.close()
    elif not rdf_format.supports_datasets:
        named = prefixes if rdf_format == ox.RdfFormat.TURTLE else None
        for graph in graphs:
            store.dump(output, rdf_format, graph=graph, prefixes=named)
    else:
        raise ValueError(f"no dump fragments in {rdf_format.name}")


def opening(rdf_format: ox.RdfFormat) -> bytes:
    """What starts the dump before its first fragment."""
    return b"[{}" if rdf_format == ox.RdfFormat.JSON_LD else b""


def closing(rdf_format: ox.RdfFormat) -> bytes:
    """What ends the dump after its last fragment."""
    return b"]\n" if rdf_format == ox.RdfFormat.JSON_LD else b""


def _json_ld(store: GraphSource, output: IO[bytes], graphs: Iterable[str]) -> None:
    for graph in graphs:
        output.write(b',\n{"@id":' + json.dumps(graph).encode() + b',"@graph":')
        store.dump(output, ox.RdfFormat.JSON_LD, graph=graph)  # one array of node objects
        output.write(b"}")


class _IntoGraph:
    """N-Triples lines, as the store writes them for one graph, passed on as N-Quads lines in that graph: each
    line ends in " .\\n", and a newline appears nowhere else (N-Triples escapes it in literals)."""

    def __init__(self, output: IO[bytes], graph: str) -> None:
        self._output = output
        self._end = f" {ox.NamedNode(graph)} .\n".encode()
        self._rest = b""

    def write(self, data: bytes) -> int:
        text = self._rest + bytes(data)
        cut = text.rfind(b"\n") + 1
        lines, self._rest = text[:cut], text[cut:]
        if lines.count(b" .\n") != lines.count(b"\n"):
            raise ValueError("a line of N-Triples does not end in ' .'")
        self._output.write(lines.replace(b" .\n", self._end))
        return len(data)

    def flush(self) -> None:
        """Lines are passed on as they are completed; the store calls this when it is done."""

    def close(self) -> None:
        if self._rest:
            raise ValueError("N-Triples ended in the middle of a line")

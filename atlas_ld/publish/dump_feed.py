"""The dumps' parts of the project graphs that an ingest stores, made from the triples it holds rather than read
back from the store afterwards: reading a graph back costs several times what writing it from memory does (the store
decodes every term again), and the worker processes that prepare the batches make them while the store takes the
batches before.

A worker writes the graphs of its batch that fall in each bucket (`dump_parts.bucket_of`) as one gzip member per
format (`fed_batch`); the ingesting process appends each batch's members, once stored, to that bucket's file in
`.parts/fed/<format>/` (`DumpFeed.add`). When the dumps are refreshed, a bucket whose members hold exactly the
graphs that the store has in that bucket, each once, takes them as its part (`DumpFeed.take`); any other bucket
(a page read twice, a graph that the store refused, graphs stored before this ingest) is read from the store as
before. A part so made is its members one after the other: batch after batch, each in id order (the id order of a
whole part when the pages come in id order, as from a folder or a mirror); a graph's triples may come in another
order than the store's, so the part says the same as one read from the store, in other bytes.

A graph that is no project's (the shared graph) can be fed too, what each batch adds to it (`fed_graph`), when it
held nothing before the ingest (a first load): its part is then one member per batch, each a document of its own,
which every format allows (JSON-LD merges the node objects of one graph).

The folder is emptied when a feed starts, and the marks of `dump_stale` cover a run killed before the refresh.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from atlas_ld.publish.dump_parts import (
    Layout,
    bucket_of,
    compressing,
    graph_part,
    parts_folder,
)
from atlas_ld.publish.graph_dump import GraphsInMemory, write_graphs

FED_FOLDER = "fed"


@dataclass
class FedBatch:
    """Graphs of one batch as members of their parts (named as in `dump_parts`: a bucket, or `g-...`)."""

    graphs: dict[str, list[str]] = field(default_factory=dict)  # part → its graphs' IRIs, in order
    members: dict[str, dict[str, bytes]] = field(default_factory=dict)  # format name → part → gzip member


def fed_batch(
    graphs: Mapping[int, Sequence[ox.Triple]],
    graph_of: Callable[[int], str],
    formats: Mapping[str, ox.RdfFormat],
    prefixes: Mapping[str, str],
) -> FedBatch:
    """The members of the project graphs `graphs` (project id → its triples, `graph_of(id)` its IRI) in each of
    `formats` (name → format; Turtle declares `prefixes`)."""
    parts = {graph_of(i): str(bucket_of(i)) for i in sorted(graphs)}
    return _fed({graph_of(i): triples for i, triples in graphs.items()}, parts, formats, prefixes)


def fed_graph(
    graph: str, triples: Sequence[ox.Triple], formats: Mapping[str, ox.RdfFormat], prefixes: Mapping[str, str]
) -> FedBatch:
    """The member of what a batch adds to a graph that is no project's."""
    return _fed({graph: triples}, {graph: graph_part(graph)}, formats, prefixes)


def _fed(
    graphs: Mapping[str, Sequence[ox.Triple]],
    parts: Mapping[str, str],
    formats: Mapping[str, ox.RdfFormat],
    prefixes: Mapping[str, str],
) -> FedBatch:
    source = GraphsInMemory(graphs)
    fed = FedBatch()
    for graph, part in parts.items():
        fed.graphs.setdefault(part, []).append(graph)
    for name, rdf_format in formats.items():
        named = prefixes if rdf_format == ox.RdfFormat.TURTLE else None
        fed.members[name] = {part: _member(source, rdf_format, grouped, named) for part, grouped in fed.graphs.items()}
    return fed


def _member(
    source: GraphsInMemory, rdf_format: ox.RdfFormat, graphs: list[str], prefixes: Mapping[str, str] | None
) -> bytes:
    out = io.BytesIO()
    with compressing(out) as zipped:
        write_graphs(source, zipped, rdf_format, graphs, prefixes)  # type: ignore[arg-type]
    return out.getvalue()


class DumpFeed:
    """The members that one ingest stored, bucket by bucket, waiting for the dumps' refresh."""

    def __init__(self, dumps_dir: Path) -> None:
        self.folder = parts_folder(dumps_dir) / FED_FOLDER
        shutil.rmtree(self.folder, ignore_errors=True)  # what a run killed before its refresh left
        self._graphs: dict[str, list[str]] = {}
        self._spoilt: set[str] = set()

    def add(self, fed: FedBatch, stored: Collection[str]) -> None:
        """Keep a batch's members once the store has taken it; `stored`: the IRIs of the graphs it took (a graph
        that it refused leaves its part to be read from the store)."""
        for name, members in fed.members.items():
            (self.folder / name).mkdir(parents=True, exist_ok=True)
            for part, member in members.items():
                with (self.folder / name / f"{part}.gz").open("ab") as out:
                    out.write(member)
        for part, graphs in fed.graphs.items():
            self._graphs.setdefault(part, []).extend(graphs)
            if not set(graphs).issubset(stored):
                self._spoilt.add(part)

    def spoil(self, graph: str) -> None:
        """The store may hold more of `graph` (no project's) than was fed: its part is to be read from the store."""
        self._spoilt.add(graph_part(graph))

    def take(self, layout: Layout, folders: Mapping[str, Path]) -> tuple[set[int], set[str]]:
        """Move into each format's folder (format name → its parts' folder) the parts whose members hold exactly
        the graphs of `layout` (the store now): returns the buckets and the other graphs so made. The rest is
        dropped."""
        expected = {graph_part(g): [g] for g in layout.head} | {str(b): gs for b, gs in layout.buckets.items()}
        taken: list[str] = []
        for part, graphs in self._graphs.items():
            if part in self._spoilt or not _complete(part, graphs, expected.get(part)):
                continue
            made = {name: self.folder / name / f"{part}.gz" for name in folders}
            if all(path.exists() for path in made.values()):
                for name, path in made.items():
                    folders[name].mkdir(parents=True, exist_ok=True)
                    os.replace(path, folders[name] / path.name)
                taken.append(part)
        shutil.rmtree(self.folder, ignore_errors=True)
        self._graphs.clear()
        self._spoilt.clear()
        return {int(p) for p in taken if p.isdigit()}, {expected[p][0] for p in taken if not p.isdigit()}


def _complete(part: str, fed: list[str], wanted: list[str] | None) -> bool:
    """A bucket's members hold each of its graphs once; another graph's, one member per batch that added to it."""
    if wanted is None:
        return False
    return sorted(fed) == sorted(wanted) if part.isdigit() else set(fed) == set(wanted)

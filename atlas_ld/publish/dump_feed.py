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

The folder is emptied when a feed starts, and the marks of `dump_stale` cover a run killed before the refresh.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from atlas_ld.publish.dump_parts import GZIP_LEVEL, Layout, bucket_of, parts_folder
from atlas_ld.publish.graph_dump import GraphsInMemory, write_graphs

FED_FOLDER = "fed"


@dataclass
class FedBatch:
    """One batch's project graphs as the members of their buckets' parts, made where the batch was prepared."""

    graphs: dict[int, list[str]] = field(default_factory=dict)  # bucket → its graphs' IRIs, in id order
    members: dict[str, dict[int, bytes]] = field(default_factory=dict)  # format name → bucket → gzip member


def fed_batch(
    graphs: Mapping[int, Sequence[ox.Triple]],
    graph_of: Callable[[int], str],
    formats: Mapping[str, ox.RdfFormat],
    prefixes: Mapping[str, str],
) -> FedBatch:
    """The members of the project graphs `graphs` (project id → its triples, `graph_of(id)` its IRI) in each of
    `formats` (name → format; Turtle declares `prefixes`)."""
    source = GraphsInMemory({graph_of(i): triples for i, triples in graphs.items()})
    fed = FedBatch()
    for prj_id in sorted(graphs):
        fed.graphs.setdefault(bucket_of(prj_id), []).append(graph_of(prj_id))
    for name, rdf_format in formats.items():
        named = prefixes if rdf_format == ox.RdfFormat.TURTLE else None
        fed.members[name] = {b: _member(source, rdf_format, grouped, named) for b, grouped in fed.graphs.items()}
    return fed


def _member(source: GraphsInMemory, rdf_format: ox.RdfFormat, graphs: list[str], prefixes: Mapping[str, str] | None) -> bytes:
    out = io.BytesIO()
    # mtime=0, as the parts read from the store: no time in the header.
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as zipped:
        write_graphs(source, zipped, rdf_format, graphs, prefixes)  # type: ignore[arg-type]
    return out.getvalue()


class DumpFeed:
    """The members that one ingest stored, bucket by bucket, waiting for the dumps' refresh."""

    def __init__(self, dumps_dir: Path) -> None:
        self.folder = parts_folder(dumps_dir) / FED_FOLDER
        shutil.rmtree(self.folder, ignore_errors=True)  # what a run killed before its refresh left
        self._graphs: dict[int, list[str]] = {}
        self._spoilt: set[int] = set()

    def add(self, fed: FedBatch, stored: Collection[str]) -> None:
        """Keep a batch's members once the store has taken it; `stored`: the IRIs of the graphs it took (a graph
        that it refused leaves its bucket to be read from the store)."""
        for name, members in fed.members.items():
            (self.folder / name).mkdir(parents=True, exist_ok=True)
            for bucket, member in members.items():
                with (self.folder / name / f"{bucket}.gz").open("ab") as out:
                    out.write(member)
        for bucket, graphs in fed.graphs.items():
            self._graphs.setdefault(bucket, []).extend(graphs)
            if not set(graphs).issubset(stored):
                self._spoilt.add(bucket)

    def take(self, layout: Layout, folders: Mapping[str, Path]) -> set[int]:
        """Move into each format's folder (format name → its parts' folder) the parts of the buckets whose members
        hold exactly the graphs of `layout` (the store now); returns those buckets. The rest is dropped."""
        taken: set[int] = set()
        for bucket, graphs in self._graphs.items():
            if bucket in self._spoilt or sorted(graphs) != sorted(layout.buckets.get(bucket, ())):
                continue
            made = {name: self.folder / name / f"{bucket}.gz" for name in folders}
            if all(path.exists() for path in made.values()):
                for name, path in made.items():
                    folders[name].mkdir(parents=True, exist_ok=True)
                    os.replace(path, folders[name] / path.name)
                taken.add(bucket)
        shutil.rmtree(self.folder, ignore_errors=True)
        self._graphs.clear()
        self._spoilt.clear()
        return taken

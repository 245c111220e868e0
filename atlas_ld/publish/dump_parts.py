"""The dumps kept as cached parts, so that refreshing them after an ingest costs what changed, not the store.

A gzip file may be several gzip members one after the other (RFC 1952): gunzip and gzip readers give their
contents in turn. Each dump is such a file, its members cached in `.parts/<format>/` beside the dumps:
`g-<key>.gz` holds one graph that is not a project's (the shared graph, the vocabulary, each scheme), and
`<bucket>.gz` the graphs of the projects whose id // PART_SIZE is that bucket, in id order. A refresh rewrites
the parts whose graphs changed, then joins the parts by byte copy into a new file. The members are fragments of
one document (`graph_dump`), so the joined text is the same as if it had been written in one go.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from isal import igzip

from atlas_ld.publish.graph_dump import closing, opening, write_graphs
from atlas_ld.store.base import GraphStore
from atlas_ld.store.durable import replacing

PARTS_FOLDER = ".parts"
# Measured on 20,000 projects: a bucket of 200 takes ~1.2 s to rewrite in all four formats (1,000: ~5 s), with
# 100 parts a format (50: 400 parts, dumps 0.7% larger).
PART_SIZE = 200
# Intel's ISA-L (isal) at its default level 2, measured on the N-Triples dump of the synthetic corpus (147 MB): 0.16 s
# against 0.88 s for zlib's level 4 and 1.56 s for its default (6), for 9% and 21% more bytes. The dumps are
# written as the pages are ingested, on the same cores: zlib at level 4 took a tenth of the ingest's CPU time.
GZIP_LEVEL = 2

_BUCKET_PART = re.compile(r"(\d+)\.gz")
_GRAPH_PART = re.compile(r"g-[0-9a-f]{16}\.gz")
_PROJECT_GRAPH = re.compile(r".*/graph/project/(\d+)")

ProjectId = Callable[[str], int | None]


def compressing(output: IO[bytes]) -> gzip.GzipFile:
    """A gzip member written into `output`, the same bytes for the same content: no time and no file name in its
    header (gzip would take the name of the temporary file that `output` may be)."""
    return igzip.GzipFile("", "wb", GZIP_LEVEL, output, mtime=0)


def parts_folder(dumps_dir: Path) -> Path:
    return dumps_dir / PARTS_FOLDER


def graph_part(graph: str) -> str:
    """The part of a graph that is not a project's, named by a digest of its IRI.

    >>> graph_part("https://atlas.example.org/graph/shared")
    'g-cca3da4287621be1'
    """
    return "g-" + hashlib.blake2b(graph.encode(), digest_size=8).hexdigest()


def bucket_of(prj_id: int) -> int:
    """The part a project's graph is written in.

    >>> bucket_of(12523), bucket_of(199), bucket_of(200)
    (62, 0, 1)
    """
    return prj_id // PART_SIZE


def project_id_of(graph: str) -> int | None:
    """The project id of a project graph IRI (`.../graph/project/<digits>`), when no URI scheme is at hand.

    >>> project_id_of("https://atlas.example.org/graph/project/12523"), project_id_of("https://x.org/graph/shared")
    (12523, None)
    """
    found = _PROJECT_GRAPH.fullmatch(graph)
    return int(found[1]) if found else None


@dataclass(frozen=True)
class Layout:
    """The store's graphs as the parts group them."""

    head: list[str]
    buckets: dict[int, list[str]]  # bucket → its project graphs, in id order

    @classmethod
    def of(cls, graphs: Iterable[str], project_id: ProjectId = project_id_of) -> Layout:
        head: list[str] = []
        projects: list[tuple[int, str]] = []
        for graph in graphs:
            prj_id = project_id(graph)
            if prj_id is None:
                head.append(graph)
            else:
                projects.append((prj_id, graph))
        buckets: dict[int, list[str]] = {}
        for prj_id, graph in sorted(projects):
            buckets.setdefault(bucket_of(prj_id), []).append(graph)
        return cls(sorted(head), dict(sorted(buckets.items())))


@dataclass(frozen=True)
class FormatParts:
    """The parts of one format's dump."""

    folder: Path
    rdf_format: ox.RdfFormat
    prefixes: Mapping[str, str] | None = field(default=None, hash=False, compare=False)
    """Declared in the Turtle parts."""

    def refresh(self, store: GraphStore, layout: Layout, buckets: Collection[int] | None,
                graphs: Collection[str] | None) -> None:
        """Rewrite the parts of `buckets` and of the other `graphs` (None: all), and any part missing; drop the
        parts that hold no graph now."""
        self.folder.mkdir(parents=True, exist_ok=True)
        on_disk = self._buckets_on_disk()
        for graph in layout.head:
            if graphs is None or graph in graphs or not self._path(graph_part(graph)).exists():
                self._write(graph_part(graph), store, [graph])
        for bucket, grouped in layout.buckets.items():
            if buckets is None or bucket in buckets or bucket not in on_disk:
                self._write(str(bucket), store, grouped)
        self._remove(on_disk - layout.buckets.keys())
        kept = {graph_part(g) + ".gz" for g in layout.head}
        for part in self.folder.iterdir():
            if _GRAPH_PART.fullmatch(part.name) and part.name not in kept:
                part.unlink(missing_ok=True)

    def join(self, layout: Layout, output: IO[bytes]) -> None:
        """Copy the parts, in order, into `output`: the whole dump."""
        if start := opening(self.rdf_format):
            output.write(igzip.compress(start, GZIP_LEVEL, mtime=0))
        for name in [*map(graph_part, layout.head), *map(str, layout.buckets)]:
            with self._path(name).open("rb") as part:
                shutil.copyfileobj(part, output, 1 << 20)
        if end := closing(self.rdf_format):
            output.write(igzip.compress(end, GZIP_LEVEL, mtime=0))

    def forget(self) -> None:
        """Remove every part: a rebuild that does so first and is killed halfway leaves parts missing, which the
        next refresh makes, rather than parts older than the store."""
        if self.folder.is_dir():
            self._remove(self._buckets_on_disk())
            for part in self.folder.iterdir():
                if _GRAPH_PART.fullmatch(part.name):
                    part.unlink(missing_ok=True)

    def _write(self, name: str, store: GraphStore, graphs: list[str]) -> None:
        with replacing(self._path(name)) as out, compressing(out) as zipped:
            write_graphs(store, zipped, self.rdf_format, graphs, self.prefixes)  # type: ignore[arg-type]

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.gz"

    def _buckets_on_disk(self) -> set[int]:
        return {int(m[1]) for p in self.folder.iterdir() if (m := _BUCKET_PART.fullmatch(p.name))}

    def _remove(self, buckets: Iterable[int]) -> None:
        for bucket in buckets:
            self._path(str(bucket)).unlink(missing_ok=True)

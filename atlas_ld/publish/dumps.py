"""Streamed dumps of the whole store (Turtle, N-Triples, N-Quads, JSON-LD), optionally gzipped.

The store's own serialiser writes straight into the output (a file, stdout, or a gzip stream over either), so
memory stays flat whatever the size of the graph.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from atlas_ld.store.base import GraphStore

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Level 6 is zlib's default: most of the size gain of level 9 at a fraction of its time.
GZIP_LEVEL = 6


def dump_file_name(format_name: str, *, compressed: bool = False) -> str:
    """The file name of a whole-store dump, as kept in the data folder's `dumps/`.

    >>> dump_file_name("turtle"), dump_file_name("jsonld", compressed=True)
    ('atlas.ttl', 'atlas.jsonld.gz')
    """
    name = "atlas." + FORMATS[format_name].file_extension
    return name + ".gz" if compressed else name


def dump_store(store: GraphStore, output: IO[bytes], format_name: str, *, compressed: bool = False) -> None:
    """Stream every named graph of the store to `output`; triple formats get the union of the graphs."""
    rdf_format = FORMATS[format_name]
    if not compressed:
        _write(store, output, rdf_format)
        return
    # mtime=0 keeps the gzip header free of the dump time: the same store gives the same bytes.
    with gzip.GzipFile(fileobj=output, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as zipped:
        _write(store, zipped, rdf_format)  # type: ignore[arg-type]


def _write(store: GraphStore, output: IO[bytes], rdf_format: ox.RdfFormat) -> None:
    if rdf_format.supports_datasets:
        store.dump(output, rdf_format)
        return
    # The union, one graph after the other, each streamed by the store's serialiser: one query over the union
    # would remember every triple it has written to leave out repeats, and grow with the graph. A triple that
    # two graphs state is written twice, which any reader loads as one; Turtle and N-Triples documents
    # concatenate into one document.
    for graph in store.named_graphs():
        store.dump(output, rdf_format, graph=graph)


@contextmanager
def _replacing(path: Path) -> Iterator[IO[bytes]]:
    """Write beside `path`, then swap it in: a server never serves a half-written dump."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as out:
            yield out
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def dump_to_file(store: GraphStore, path: Path, format_name: str, *, compressed: bool = False) -> Path:
    """Dump the store to `path` (created with its folders, replaced atomically); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _replacing(path) as out:
        dump_store(store, out, format_name, compressed=compressed)
    return path

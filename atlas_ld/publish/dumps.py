"""The dumps of the whole store (Turtle, N-Triples, N-Quads, JSON-LD), optionally gzipped: streamed by the
store's own serialiser, and the set published in the data folder's `dumps/` (what each file is, what is there
now, how to bring them up to date after an ingest: joined from cached parts, see `dump_parts`).

The serialiser writes straight into the output (a file, stdout, or a gzip stream over either), so memory stays
flat whatever the size of the graph.

>>> [d.file_name for d in PUBLISHED]
['atlas.ttl.gz', 'atlas.nt.gz', 'atlas.nq.gz', 'atlas.jsonld.gz']
>>> PUBLISHED[0].media_type, PUBLISHED[0].eu_file_type
('text/turtle', 'http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from atlas_ld.publish.dump_feed import DumpFeed
from atlas_ld.publish.dump_parts import (
    FormatParts,
    Layout,
    bucket_of,
    compressing,
    parts_folder,
    project_id_of,
)
from atlas_ld.publish.dump_stale import StaleMarks, mark_stale
from atlas_ld.store.base import GraphStore
from atlas_ld.store.durable import replacing
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import PREFIXES, prefixes

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


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
    with compressing(output) as zipped:  # the same store gives the same bytes
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


def dump_to_file(store: GraphStore, path: Path, format_name: str, *, compressed: bool = False) -> Path:
    """Dump the store to `path` (created with its folders, replaced atomically); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as out:
        dump_store(store, out, format_name, compressed=compressed)
    return path


EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
GZIP_MEDIA_TYPE = "application/gzip"

W3C_FORMATS = "http://www.w3.org/ns/formats/"

# Format name (as `atlas-ld dump --format` spells it) → its EU Publications Office file-type code and its name in
# the W3C formats registry (http://www.w3.org/ns/formats/).
_REGISTERED = {
    "turtle": ("RDF_TURTLE", "Turtle"),
    "ntriples": ("RDF_N_TRIPLES", "N-Triples"),
    "nquads": ("RDF_N_QUADS", "N-Quads"),
    "jsonld": ("JSON_LD", "JSON-LD"),
}


@dataclass(frozen=True)
class DumpFormat:
    """One published serialisation of the whole store: its file, its media type, its registered identifiers."""

    name: str  # as `atlas-ld dump --format` spells it
    label: str
    file_name: str
    media_type: str
    eu_file_type: str  # http://publications.europa.eu/resource/authority/file-type/...
    w3c_format: str  # http://www.w3.org/ns/formats/...
    with_graphs: bool  # N-Quads and JSON-LD keep the named graphs; Turtle and N-Triples hold their union

    @property
    def iana_media_type(self) -> str:
        """The media type as an IANA registry IRI, which DCAT-AP asks for in dcat:mediaType."""
        return IANA_MEDIA_TYPE + self.media_type


def _published() -> tuple[DumpFormat, ...]:
    return tuple(
        DumpFormat(
            name=name,
            label=rdf_format.name,
            file_name=dump_file_name(name, compressed=True),
            media_type=rdf_format.media_type,
            eu_file_type=EU_FILE_TYPE + _REGISTERED[name][0],
            w3c_format=W3C_FORMATS + _REGISTERED[name][1],
            with_graphs=rdf_format.supports_datasets,
        )
        for name, rdf_format in FORMATS.items()
    )


PUBLISHED: tuple[DumpFormat, ...] = _published()


@dataclass(frozen=True)
class DumpFile:
    """A dump as it is on disk now."""

    format: DumpFormat
    path: Path
    size: int
    mtime_ns: int

    @property
    def modified(self) -> datetime:
        return datetime.fromtimestamp(self.mtime_ns / 1e9, UTC)

    @property
    def etag(self) -> str:
        """Strong validator: the file is only ever replaced whole, so its size and nanosecond mtime name it."""
        digest = hashlib.blake2b(f"{self.format.file_name}:{self.size}:{self.mtime_ns}".encode(), digest_size=12)
        return f'"{digest.hexdigest()}"'


def dump_format(file_name: str) -> DumpFormat | None:
    """The published format whose file is `file_name`, or None for any other name."""
    return next((f for f in PUBLISHED if f.file_name == file_name), None)


def current_dump(dumps_dir: Path, dump: DumpFormat) -> DumpFile | None:
    """The file of one format as it is now, or None when it has not been made."""
    path = dumps_dir / dump.file_name
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return DumpFile(dump, path, stat.st_size, stat.st_mtime_ns)


def current_dumps(dumps_dir: Path) -> list[DumpFile]:
    """The dumps that exist now, in the order of `PUBLISHED`."""
    return [d for d in (current_dump(dumps_dir, f) for f in PUBLISHED) if d is not None]


def write_dumps(
    store: GraphStore,
    dumps_dir: Path,
    *,
    changed: Iterable[int | str] | None = None,
    uris: UriScheme | None = None,
    fed: DumpFeed | None = None,
) -> list[DumpFile]:
    """Bring every published dump up to date with the store (each file swapped in whole); call it after an ingest.

    A dump is joined from cached parts (`dump_parts`). Without `changed` every part is remade. With the ids of the
    projects whose graphs changed (or went) since the last call, and the IRIs of other graphs that changed, only
    the parts holding those graphs are remade, and those of graphs that `mark_stale` recorded and no refresh has
    caught up yet; `changed` is recorded so too until every dump is swapped in, so that the next call finishes a
    refresh killed halfway. `uris` tells project graphs from the others; without it, graphs named
    `.../graph/project/<digits>` are projects'. With `changed`, the parts that the ingest `fed` made from the graphs
    it stored are taken where they hold what the store has (see `dump_feed`), instead of being read from the store.
    """
    dumps_dir.mkdir(parents=True, exist_ok=True)
    names = prefixes(uris.base) if uris is not None else PREFIXES
    every = [FormatParts(parts_folder(dumps_dir) / dump.name, FORMATS[dump.name], names) for dump in PUBLISHED]
    if changed is None:
        for parts in every:
            parts.forget()
    else:
        mark_stale(dumps_dir, changed)
    stale = StaleMarks.read(dumps_dir)
    layout = Layout.of(store.named_graphs(), uris.prj_id_of_graph if uris is not None else project_id_of)
    buckets = None if changed is None else {bucket_of(i) for i in stale.ids}
    graphs = None if changed is None else stale.graphs
    if fed is not None and buckets is not None and graphs is not None:
        folders = {dump.name: parts.folder for dump, parts in zip(PUBLISHED, every, strict=True)}
        made_buckets, made_graphs = fed.take(layout, folders)
        buckets, graphs = buckets - made_buckets, graphs - made_graphs
    for dump, parts in zip(PUBLISHED, every, strict=True):
        parts.refresh(store, layout, buckets, graphs)
        with replacing(dumps_dir / dump.file_name) as out:
            parts.join(layout, out)
    stale.forget()
    return current_dumps(dumps_dir)

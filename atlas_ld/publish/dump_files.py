"""The published dump files in the data folder's `dumps/`: what each one is, what is there now, how to remake them.

The files themselves are written by `atlas_ld.publish.dumps` (the same code as `atlas-ld dump --gzip`); this module
names them, describes them for /dumps/, VoID and DCAT, and rewrites the whole set after an ingest.

>>> [d.file_name for d in PUBLISHED]
['atlas.ttl.gz', 'atlas.nt.gz', 'atlas.nq.gz', 'atlas.jsonld.gz']
>>> PUBLISHED[0].media_type, PUBLISHED[0].eu_file_type
('text/turtle', 'http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE')
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from atlas_ld.publish.dumps import FORMATS, dump_file_name, dump_to_file
from atlas_ld.store.base import GraphStore

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


def write_dumps(store: GraphStore, dumps_dir: Path) -> list[DumpFile]:
    """Rewrite every published dump from the store (each file swapped in whole); call it after an ingest."""
    for dump in PUBLISHED:
        dump_to_file(store, dumps_dir / dump.file_name, dump.name, compressed=True)
    return current_dumps(dumps_dir)

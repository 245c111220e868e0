"""The WARC files of the mirror (ISO 28500, written with warcio): whole request/response pairs appended durably,
a torn tail cut back on start, and a pair read back from its offset."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from atlas_ld.store.durable import sync_folder

# Transfer-Encoding is undone by the HTTP client, so the kept body is not chunked: a header saying it is would make
# the record lie about its own payload.
_DROPPED = frozenset({"transfer-encoding"})
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Exchange:
    """One final HTTP answer as fetched: what was asked, what came back, and when."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime


@dataclass(frozen=True)
class Stored:
    """Where a pair of records went: the WARC file's name in the mirror, the pair's offset and length."""

    warc: str
    offset: int
    length: int


def pair_bytes(exchange: Exchange) -> bytes:
    """The request and response records of one exchange, each its own gzip member, built whole in memory so
    that they reach the file in one write."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    date = {"WARC-Date": exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    parts = urlsplit(exchange.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = writer.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", exchange.request_headers, is_http_request=True),
        warc_headers_dict=date,
    )
    kept = [(name, value) for name, value in exchange.headers if name.lower() not in _DROPPED]
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(), kept, protocol="HTTP/1.1"),
        warc_headers_dict=date,
    )
    writer.write_request_response_pair(request, response)
    return buffer.getvalue()


class WarcAppender:
    """Appends pairs to one WARC file; each append is on disk (fsync) before it returns, so that the index entry
    written after it never points at bytes a crash could lose."""

    def __init__(self, path: Path) -> None:
        self.path = path
        new = not path.exists()
        self._file = path.open("ab")
        if new:
            sync_folder(path.parent)

    def append(self, exchange: Exchange) -> Stored:
        data = pair_bytes(exchange)
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        self._file.flush()
        os.fsync(self._file.fileno())
        return Stored(self.path.name, offset, len(data))

    def close(self) -> None:
        self._file.close()


def cut_torn_tail(path: Path, whole_up_to: int) -> int:
    """Cut `path` back to its last whole request/response pair after `whole_up_to` (a pair boundary the index
    vouches for), so that a run killed mid-write leaves no half record; returns the bytes cut."""
    size = path.stat().st_size
    if size <= whole_up_to:
        return 0
    with path.open("rb") as handle:
        handle.seek(whole_up_to)
        end = whole_up_to + _whole_members_length(handle, group=2)
    if end < size:
        with path.open("r+b") as handle:
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
    return size - end


def _whole_members_length(handle: io.BufferedReader, *, group: int = 1) -> int:
    """Bytes of whole gzip members from the handle's place, in whole groups of `group` (2: request and response)."""
    position = members = pair_end = 0
    decompressor = zlib.decompressobj(31)
    pending = b""
    while True:
        chunk = pending or handle.read(_CHUNK)
        pending = b""
        if not chunk:
            return pair_end
        try:
            decompressor.decompress(chunk)
        except zlib.error:
            return pair_end
        if not decompressor.eof:
            position += len(chunk)
            continue
        rest = decompressor.unused_data
        position += len(chunk) - len(rest)
        members += 1
        if members % group == 0:
            pair_end = position
        decompressor = zlib.decompressobj(31)
        pending = rest


@dataclass(frozen=True)
class ArchivedResponse:
    """A response record of a WARC file: where it starts, what was asked, its status, when it was fetched."""

    offset: int
    url: str
    status: int
    fetched_at: datetime


class WarcDamaged(Exception):
    """A WARC file cut short or corrupt: the records before `offset` are whole."""

    def __init__(self, path: Path, offset: int, why: str) -> None:
        self.path, self.offset, self.why = path, offset, why
        super().__init__(f"{path}: record at offset {offset} {why}")


def archived_responses(path: Path) -> Iterator[ArchivedResponse]:
    """The response records of a WARC file (gzipped or not), in file order; raises `WarcDamaged` after the last
    whole record when the file is cut short or corrupt. warcio stops quietly at a gzip member cut short, so a
    gzipped file is first measured in whole members: a record reaching past them is a record cut short."""
    whole = path.stat().st_size
    if path.name.endswith(".gz"):
        with path.open("rb") as handle:
            whole = _whole_members_length(handle)  # type: ignore[arg-type]
    end = 0
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        try:
            for record in records:
                status = record.http_headers.get_statuscode() if record.http_headers else None
                url = record.rec_headers.get_header("WARC-Target-URI")
                date = record.rec_headers.get_header("WARC-Date")
                records.read_to_end(record)
                offset, length = records.get_record_offset(), records.get_record_length()
                if offset + length > whole:
                    raise WarcDamaged(path, offset, "is cut short")
                end = offset + length
                if record.rec_type == "response" and status and url and date:
                    when = datetime.fromisoformat(date)
                    yield ArchivedResponse(offset, url, int(status), when)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as error:
            raise WarcDamaged(path, end, f"cannot be read ({type(error).__name__}: {error})"[:300]) from error
    if end < path.stat().st_size:
        raise WarcDamaged(path, end, "is cut short" if end >= whole else "cannot be read")


def read_body(path: Path, offset: int) -> bytes:
    """The HTTP body of the response record of the pair at `offset`."""
    with path.open("rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                return record.content_stream().read()
    raise ValueError(f"{path.name}@{offset}: no response record there")

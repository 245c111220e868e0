"""The WARC files of the mirror (ISO 28500, written with warcio): whole request/response pairs appended durably,
a torn tail cut back on start, and a pair read back from its offset."""

from __future__ import annotations

import io
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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
            _sync_folder(path.parent)

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
        end = whole_up_to + _whole_pairs_length(handle)
    if end < size:
        with path.open("r+b") as handle:
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
    return size - end


def _whole_pairs_length(handle: io.BufferedReader) -> int:
    """Bytes of whole gzip members, an even number of them (request and response), from the handle's place."""
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
        if members % 2 == 0:
            pair_end = position
        decompressor = zlib.decompressobj(31)
        pending = rest


def read_body(path: Path, offset: int) -> bytes:
    """The HTTP body of the response record of the pair at `offset`."""
    with path.open("rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                return record.content_stream().read()
    raise ValueError(f"{path.name}@{offset}: no response record there")


def _sync_folder(folder: Path) -> None:
    """A new file's name is durable only once its folder is synced."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

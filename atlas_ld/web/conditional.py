"""Conditional GET for derived representations: ETag and Last-Modified from the store's last write, 304 answers.

A description or a page only changes when the store does, so the store's last-write time and the requested
representation (path, media type, base) are enough to name a version without rendering it first.

>>> v = Validators.of(1700000000.5, "/data/project/1.ttl", "text/turtle")
>>> v.last_modified
'Tue, 14 Nov 2023 22:13:20 GMT'
>>> v.matches({"if-none-match": v.etag})
True
>>> v.matches({"if-modified-since": "Tue, 14 Nov 2023 22:13:20 GMT"})
True
>>> v.matches({"if-modified-since": "Tue, 14 Nov 2023 22:13:19 GMT"})
False
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

from fastapi import Response


@dataclass(frozen=True)
class Validators:
    """The validators of one representation."""

    etag: str
    last_modified: str
    timestamp: int

    @classmethod
    def of(cls, store_time: float, *variant: str) -> Validators:
        """Validators for a representation derived from a store last written at `store_time`."""
        seconds = int(store_time)
        digest = hashlib.blake2b(repr((store_time, variant)).encode(), digest_size=12).hexdigest()
        # Weak: the same description may be sent gzipped or not, byte-different but equivalent.
        return cls(etag=f'W/"{digest}"', last_modified=formatdate(seconds, usegmt=True), timestamp=seconds)

    def matches(self, request_headers: Mapping[str, str]) -> bool:
        """True when the client's copy is current (RFC 9110: If-None-Match wins over If-Modified-Since)."""
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or self.etag.removeprefix("W/") in tags
        if_modified_since = request_headers.get("if-modified-since")
        if if_modified_since is None:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as RFC 9110 says
        return since.tzinfo is not None and self.timestamp <= since.timestamp()

    def headers(self) -> dict[str, str]:
        return {"ETag": self.etag, "Last-Modified": self.last_modified}

    def not_modified(self, extra_headers: Mapping[str, str] | None = None) -> Response:
        """The 304 answer, carrying the validators and the headers the full answer would have had (Vary...)."""
        return Response(status_code=304, headers={**self.headers(), **(extra_headers or {})})

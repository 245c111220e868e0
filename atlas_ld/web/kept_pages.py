"""Descriptions and pages kept until the store's next write: a dereference asked again is answered from memory.

Crawlers and people come back to the same resources. A description or a page takes milliseconds to build from
the store; kept, it is sent again without the router, the routes' dependencies or the store. The answer is kept
whole as the client got it (status, headers, gzipped body when the client takes gzip), keyed on what it depends
on: the path and query, the scheme and host reached, Accept, and whether gzip is accepted. CORS, the size limits
and HEAD stay outside, so they apply to every request. Conditional requests and Accept-Datetime go through to
the routes (a 304 costs them no rendering). An answer larger than a 64th of the memory given is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atlas_ld.store.base import StoreRefused, StoreUnavailable
from atlas_ld.store.until_next_write import UntilNextWrite, Written

# Request headers whose presence asks for something else than the representation in force.
_GOES_THROUGH = frozenset({b"if-none-match", b"if-modified-since", b"accept-datetime", b"authorization", b"range"})
_KEPT_STATUSES = frozenset({200, 303, 404, 410})


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True)
class StoreAndHistory:
    """What a description or page depends on: the store, and the history file that makes its Memento links and
    410s (written just after the store by an update, so a page kept between the two is dropped)."""

    store: Written
    history: Written

    def last_modified(self) -> float:
        return max(self.store.last_modified(), self.history.last_modified())


class KeptPages:
    """ASGI middleware keeping the answers to GET under `prefixes` (the base's /id/, /data/ and /page/ paths)."""

    def __init__(self, app: ASGIApp, *, kept: UntilNextWrite[tuple[bytes, ...], _Answer], prefixes: tuple[str, ...]):
        self.app = app
        self.kept = kept
        self.prefixes = prefixes
        self.max_entry_bytes = (kept.max_bytes or 0) // 64

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            values = self.kept.current()
        except (StoreUnavailable, StoreRefused):  # a SPARQL server as the store, down: the routes say so
            await self.app(scope, receive, send)
            return
        found = values.get(key)
        if found is not None:
            await send({"type": "http.response.start", "status": found.status, "headers": found.headers})
            await send({"type": "http.response.body", "body": found.body})
            return
        start: Message | None = None
        chunks: list[bytes] | None = []

        async def keeping(message: Message) -> None:
            nonlocal start, chunks
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and chunks is not None:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > self.max_entry_bytes:
                    chunks = None
                elif not message.get("more_body", False) and start is not None and start["status"] in _KEPT_STATUSES:
                    body = b"".join(chunks)
                    answer = _Answer(start["status"], list(start.get("headers", [])), body)
                    self.kept.put(values, key, answer, len(body) + 64 * len(answer.headers) + 256)
            await send(message)

        await self.app(scope, receive, keeping)

    def _key(self, scope: Scope) -> tuple[bytes, ...] | None:
        """What the answer depends on, or None when it must be made afresh (not a GET of a kept path)."""
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
            return None
        accept = host = b""
        gzip = False
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"host":
                host = value
            elif name == b"accept-encoding":
                gzip = b"gzip" in value
            elif name in _GOES_THROUGH:
                return None
        scheme = scope.get("scheme", "http").encode()
        return (scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""), scheme, host, accept,
                b"gzip" if gzip else b"")

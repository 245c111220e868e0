"""HTTP behaviour every route gets without asking: size limits (413, 414, 431) and HEAD wherever GET works.

Both are plain ASGI middleware, added once by the app factory, so routes added later inherit them.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atlas_ld.web.errors import (
    HttpError,
    as_response,
    header_fields_too_large,
    payload_too_large,
    uri_too_long,
)

_TEXT: dict[str, Any] = {"text/plain": {}}

LIMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": "Request body larger than the server accepts.", "content": _TEXT},
    414: {"description": "Request URL longer than the server accepts: send long queries by POST.", "content": _TEXT},
    431: {"description": "Request header fields larger than the server accepts.", "content": _TEXT},
}
"""What `RequestLimits` may answer on any route, for the OpenAPI description."""


class RequestLimits:
    """414 for a request target longer than `max_url_length`; 431 for header fields over `max_header_bytes` in
    all; 413 for a body over `max_body_bytes`.

    A declared Content-Length over the limit is refused before the body is read; a chunked body is counted as
    it arrives and refused as soon as it passes the limit. Headers are counted as sent on the wire, each line
    `name: value` with its line break.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_url_length: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_url_length = max_url_length
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string") or b"")
        if target > self.max_url_length:
            await _answer(uri_too_long(self.max_url_length), scope, receive, send)
            return
        if sum(len(name) + len(value) + 4 for name, value in scope["headers"]) > self.max_header_bytes:
            await _answer(header_fields_too_large(self.max_header_bytes), scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await _answer(payload_too_large(self.max_body_bytes), scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            # Raised inside the route's body read, so the app's error handler answers it like any HttpError.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise payload_too_large(self.max_body_bytes)
            return message

        await self.app(scope, counting_receive, send)


class _HeadersSent(Exception):
    """Raised into the app once a HEAD response's headers are out, so that it stops making a body nobody reads."""


class HeadAsGet:
    """Answer HEAD as the route would answer GET, headers only (FastAPI routes answer HEAD with 405).

    A streamed body (a query's results) is stopped at its first chunk rather than computed to the end.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
                return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            if message.get("more_body", False):
                raise _HeadersSent

        try:
            await self.app({**scope, "method": "GET"}, receive, headers_only)
        except _HeadersSent:
            pass


async def _answer(error: HttpError, scope: Scope, receive: Receive, send: Send) -> None:
    response = as_response(error)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)

"""Queries at /sparql taken past the router: the endpoint's own handler, called as soon as the request is known to
be one for it.

A short query's answer takes a few hundred microseconds in the worker; FastAPI's routing, its exception and
telemetry layers and the endpoint's dependency resolution took as long again. CORS, the size limits, HEAD and
gzip stay outside this lane, and an error is answered by the app's own handler for it, so the answer is the one
the route would give.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class SparqlLane:
    """ASGI middleware answering GET and POST at `path` with `endpoint`, errors with `handlers` (by class)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        path: str,
        endpoint: Callable[[Request], Awaitable[Response]],
        handlers: Mapping[type[Exception], ErrorHandler],
    ) -> None:
        self.app = app
        self.path = path
        self.endpoint = endpoint
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST") or _route_path(scope) != self.path:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.endpoint(request)
        except Exception as error:
            handler = next((self.handlers[c] for c in type(error).__mro__ if c in self.handlers), None)
            if handler is None:
                raise
            response = await handler(request, error)
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the router would match: without the root path a proxy mounted the app at."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path

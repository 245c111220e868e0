"""What routes receive from the app (`Depends`): its store, its query runner, its settings, and the check that a
client may write.

The factory puts the store, the query runner and the settings on `app.state`; routes never import them, so two apps (a read-only
one and one with updates, as the tests run) can live in one process.
"""

from __future__ import annotations

import hmac

import anyio
from fastapi import Request

from atlas_ld.settings import Settings
from atlas_ld.sparql.runner import QueryRunner
from atlas_ld.store.embedded import GraphStore
from atlas_ld.web.errors import forbidden_update, unauthorized


def store_of(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


def queries_of(request: Request) -> QueryRunner:
    return request.app.state.queries  # type: ignore[no-any-return]


def query_threads_of(request: Request) -> anyio.CapacityLimiter:
    """The threads that may wait on query answers: a few, apart from the ones pages and dereferences run in, so
    that a queue of slow queries never holds up a page. Made on first use, inside the app's event loop."""
    state = request.app.state
    if getattr(state, "query_threads", None) is None:
        state.query_threads = anyio.CapacityLimiter(max(4, 2 * settings_of(request).query_workers))
    return state.query_threads  # type: ignore[no-any-return]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def require_update_access(request: Request) -> None:
    """403 while updates are off; 401 unless the request bears the update token."""
    settings = settings_of(request)
    if not settings.enable_update:
        raise forbidden_update()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.update_token.encode()
    # compare_digest: the time taken must not tell how much of a guessed token was right.
    if scheme.lower() != "bearer" or not expected or not hmac.compare_digest(token.strip().encode(), expected):
        raise unauthorized()

"""What routes receive from the app (`Depends`): its store, its query runner, its settings, its URIs, the values kept
until the store's next write, and the check that a client may write.

The factory puts them on `app.state`; routes never import them, so two apps (a read-only one and one with updates,
as the tests run) can live in one process. Routes name what they need by type: `store: ServedStore`.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from atlas_ld.publish.describe import LabelCache
from atlas_ld.settings import Settings
from atlas_ld.sparql.runner import QueryRunner
from atlas_ld.store.base import GraphStore
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme
from atlas_ld.web.errors import forbidden_update, unauthorized
from atlas_ld.web.memento import HistoryReader
from atlas_ld.web.views.browse import Browser
from atlas_ld.web.views.store_queries import Kept

T = TypeVar("T")


def store_of(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


def queries_of(request: Request) -> QueryRunner:
    return request.app.state.queries  # type: ignore[no-any-return]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def uris_of(request: Request) -> UriScheme:
    return request.app.state.uris  # type: ignore[no-any-return]


def kept_of(request: Request) -> Kept:
    """Store-wide values (counts, facets, statistics, coverage), shared by every page and document of the app."""
    return request.app.state.kept  # type: ignore[no-any-return]


def labels_of(request: Request) -> LabelCache:
    return request.app.state.labels  # type: ignore[no-any-return]


def dumps_folder_of(request: Request) -> Path:
    return DataDir(settings_of(request).data_folder).dumps


def history_of(request: Request) -> HistoryReader:
    """The projects' past versions, for Memento: read from the data folder's history file, never from the store."""
    return request.app.state.history  # type: ignore[no-any-return]


def _on_the_loop(read: Callable[[Request], T]) -> Callable[[Request], Awaitable[T]]:
    """`read` as a dependency run on the event loop: FastAPI runs a plain function in a worker thread, a cost
    that reading `app.state` does not need on every page and dereference."""

    async def dependency(request: Request) -> T:
        return read(request)

    return dependency


ServedSettings = Annotated[Settings, Depends(_on_the_loop(settings_of))]
ServedStore = Annotated[GraphStore, Depends(_on_the_loop(store_of))]
ServedUris = Annotated[UriScheme, Depends(_on_the_loop(uris_of))]
KeptValues = Annotated[Kept, Depends(_on_the_loop(kept_of))]
Labels = Annotated[LabelCache, Depends(_on_the_loop(labels_of))]
DumpsFolder = Annotated[Path, Depends(_on_the_loop(dumps_folder_of))]
ServedHistory = Annotated[HistoryReader, Depends(_on_the_loop(history_of))]


async def browser_of(store: ServedStore, uris: ServedUris, kept: KeptValues, labels: Labels) -> Browser:
    """The page queries over the app's store, sharing its kept values and labels."""
    return Browser(store, uris, kept, labels)


ServedBrowser = Annotated[Browser, Depends(browser_of)]


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

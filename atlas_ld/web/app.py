"""The app factory: `create_app(settings, store)` builds the whole web app; nothing is created at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware

from atlas_ld import __version__
from atlas_ld.bundled import bundled
from atlas_ld.publish.describe import LabelCache
from atlas_ld.settings import Settings
from atlas_ld.sparql.endpoint import query_runner
from atlas_ld.sparql.errors import QueryError
from atlas_ld.sparql.runner import QueryRunner
from atlas_ld.store.base import GraphStore, StoreRefused, StoreUnavailable
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.until_next_write import UntilNextWrite
from atlas_ld.uris import UriScheme
from atlas_ld.web.errors import (
    handle_http_error,
    handle_query_error,
    handle_store_error,
)
from atlas_ld.web.kept_pages import KeptPages, StoreAndHistory
from atlas_ld.web.memento import HistoryReader
from atlas_ld.web.middleware import LIMIT_RESPONSES, HeadAsGet, RequestLimits
from atlas_ld.web.routes import (
    catalog,
    dereference,
    dumps,
    graph_store,
    history,
    maps,
    pages,
    search,
    sparql,
    void,
)
from atlas_ld.web.routes.sparql import TRUNCATED
from atlas_ld.web.sparql_lane import ErrorHandler, SparqlLane
from atlas_ld.web.views.browse import Browser
from atlas_ld.web.views.index_warmer import IndexWarmer

# What a script on another origin may read of a query's answer: the row cap's mark, why it is there, when to retry.
_QUERY_HEADERS = (TRUNCATED, "Warning", "Retry-After")
_ERROR_HANDLERS: dict[type[Exception], ErrorHandler] = {
    HTTPException: handle_http_error,
    QueryError: handle_query_error,
    StoreUnavailable: handle_store_error,
    StoreRefused: handle_store_error,
}


def create_app(settings: Settings, store: GraphStore) -> FastAPI:
    """The app serving `store`; routes reach both through `atlas_ld.web.dependencies`."""
    if settings.enable_update and not settings.update_token:
        raise ValueError("updates are on but ATLAS_LD_UPDATE_TOKEN is empty: set it in the environment")
    queries = query_runner(settings, store)
    past = HistoryReader(DataDir(settings.data_folder).history)
    # No /docs or /redoc: they load their scripts from a CDN. /openapi.json describes the API.
    app = FastAPI(
        lifespan=_running(queries, past),
        title="atlas-ld",
        version=__version__,
        description="Linked data of the Atlas français de la coopération décentralisée: SPARQL 1.1 endpoint, "
        "dereferenceable URIs, HTML pages, dumps and catalogue.",
        docs_url=None,
        redoc_url=None,
        responses=LIMIT_RESPONSES,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.queries = queries
    app.state.history = past
    app.state.uris = uris = UriScheme(settings.base_uri)
    # Counts, facets, statistics and labels cost far more than a page on a large store: kept until its next write.
    app.state.kept = UntilNextWrite(store, max_entries=10_000)
    app.state.labels = LabelCache(store)
    for error_class, handler in _ERROR_HANDLERS.items():
        app.add_exception_handler(error_class, handler)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(dumps.router)
    app.include_router(void.router)
    app.include_router(catalog.router)
    app.include_router(maps.router)
    # Dereferencing and pages answer for the base URI's paths, whatever host the request reached.
    base_path = uris.root.rstrip("/")
    app.include_router(dereference.router, prefix=base_path)
    app.include_router(pages.router, prefix=base_path)
    app.include_router(search.router, prefix=base_path)
    app.include_router(history.router, prefix=base_path)
    app.mount("/static", StaticFiles(directory=bundled("web", "static")), name="static")

    # Added innermost first: CORS sees every request, limits come before any work, HEAD drops the body last, and
    # the kept descriptions and pages are sent as gzipped and as HEAD'd as a rendered one.
    # Level 1, nginx's default: a fifth of level 5's time for pages about a tenth larger.
    app.add_middleware(SparqlLane, path="/sparql", endpoint=sparql.answer_at_endpoint, handlers=_ERROR_HANDLERS)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    if settings.page_cache_bytes:
        kept_pages = UntilNextWrite(StoreAndHistory(store, past), max_entries=100_000, max_bytes=settings.page_cache_bytes)
        linked_data = tuple(base_path + "/" + part for part in ("id/", "data/", "page/"))
        app.add_middleware(KeptPages, kept=kept_pages, prefixes=linked_data)
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_url_length=settings.max_url_length,
        max_header_bytes=settings.max_header_bytes,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=[
            "Accept", "Accept-Datetime", "Accept-Language", "Content-Type", "If-None-Match", "If-Modified-Since"
        ],
        expose_headers=[
            "Content-Length", "ETag", "Last-Modified", "Link", "Location", "Memento-Datetime", "Vary", *_QUERY_HEADERS
        ],
        max_age=86400,
    )
    return app


def _running(queries: QueryRunner, past: HistoryReader) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the page threads are counted and the query runner is ready before the first request,
    and the search index is built in the background; they and the history file are let go after the last."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Routes that are plain functions run in the loop's default threads: as many at once as the setting says.
        to_thread.current_default_thread_limiter().total_tokens = app.state.settings.page_threads
        queries.start()
        warmer = IndexWarmer(Browser(app.state.store, app.state.uris, app.state.kept, app.state.labels))
        warmer.start()
        try:
            yield
        finally:
            warmer.close()
            queries.close()
            past.close()

    return lifespan

"""The search index and the site-wide figures made in the background whenever the store has a new version, the
index in a process of its own.

A build is tens of seconds of Python on 20,000 projects. In the serving process it held the interpreter's lock
three quarters of the time while it ran, and every page and description waited behind it (a load test's p99 went
from under a second to several). A child process opens the embedded store read-only, builds the index and sends
it back pickled (30 MB, read back in 0.3 s). A SPARQL server as the store has no folder to open: the index is
then built in a thread, its queries mostly waiting on the server.

The figures every page of a kind shows (projects per country on each authority's and country's map, per région,
the home page's facets) are store-wide queries of seconds on 20,000 projects: made here first, a page never
waits for them but the first seconds after a write.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.uris import UriScheme
from atlas_ld.web.views.browse import Browser
from atlas_ld.web.views.figures import home_figures
from atlas_ld.web.views.search_index import SearchIndex
from atlas_ld.web.views.store_queries import StoreQueries

log = logging.getLogger(__name__)


class IndexBuildFailed(Exception):
    """The child process could not build the index: its error, or that it ended without a word."""


def _build_in_child(location: Path, base: str, answer: Connection) -> None:
    try:
        index = SearchIndex.build(StoreQueries(EmbeddedStore(location, read_only=True), UriScheme(base)))
    except Exception as error:  # noqa: BLE001 - whatever stops the build is sent back, for the parent to log
        answer.send(IndexBuildFailed(f"{type(error).__name__}: {error}"))
    else:
        answer.send(index)
    answer.close()


class IndexWarmer:
    """Makes the site-wide figures, then the search index, whenever the store has a new version, as the answer
    cache warms the ready queries, so that the first pages and searches after an ingest do not wait for them."""

    def __init__(self, queries: Browser, *, every: float = 1.0) -> None:
        self.queries = queries
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-index-warming", daemon=True)
        self._child: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        child = self._child
        if child is not None and child.is_alive():
            child.terminate()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        seen: float | None = None
        while not self._stop.is_set():
            stamp = None
            try:
                stamp = self.queries.store.last_modified()
                if stamp != seen:
                    home_figures(self.queries)
                    self.queries.facets()
                    SearchIndex.warm(self.queries, self._build)
                    seen = stamp
            except Exception:
                if self._stop.is_set():
                    return
                if stamp is None:  # the store cannot be read (a SPARQL server down): tried again in a moment
                    log.debug("search index not built", exc_info=True)
                else:
                    log.warning("search index not built; tried again at the store's next version", exc_info=True)
                    seen = stamp
            self._stop.wait(self.every)

    def _build(self) -> SearchIndex:
        location = self.queries.store.readable_at
        if location is None:
            return SearchIndex.build(self.queries)
        context = multiprocessing.get_context("spawn")
        receiving, answer = context.Pipe(duplex=False)
        child = context.Process(
            target=_build_in_child, args=(location, self.queries.uris.base, answer), name="search-index", daemon=True
        )
        self._child = child
        child.start()
        answer.close()  # the child holds its own end: the pipe ends when it does
        try:
            while not receiving.poll(0.5):
                if self._stop.is_set() or not child.is_alive() and not receiving.poll():
                    raise IndexBuildFailed(f"the index-building process ended with {child.exitcode}")
            built = receiving.recv()
        except EOFError:
            raise IndexBuildFailed(f"the index-building process ended with {child.exitcode}") from None
        finally:
            receiving.close()
            child.join(timeout=5)
            self._child = None
        if isinstance(built, IndexBuildFailed):
            raise built
        return built  # type: ignore[no-any-return]

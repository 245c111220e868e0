"""What answers the endpoint's queries (`QueryRunner`), and the simplest one: threads of the server process
(`InlineQueries`), for a store that bounds its own time. `atlas_ld.sparql.endpoint` chooses among the runners."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from functools import partial
from typing import Protocol

import anyio

from atlas_ld.sparql.answers import Answer, answer_query
from atlas_ld.sparql.errors import workers_busy
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.store.base import GraphStore


class QueryRunner(Protocol):
    """What the endpoint needs to answer a query, on the server's event loop."""

    async def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        """The answer to a query, as `answer_query` gives it; raises a `QueryError` when there is none."""

    def start(self) -> None:
        """Get ready to answer (called on the event loop when the app starts; answering works without it)."""

    def close(self) -> None:
        """Let go of whatever answering holds (called when the app stops)."""


class InlineQueries:
    """Queries answered in threads of the server process, for a store that bounds its own time.

    At most `threads` queries at once, apart from the threads that pages and dereferences run in, so that a queue
    of slow queries never holds up a page; waiting for one counts toward the query's `timeout`.
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        max_rows: int = 0,
        site_base: str | None = None,
        threads: int = 4,
        timeout: float = 30.0,
    ) -> None:
        self.store = store
        self.max_rows = max_rows
        self.site_base = site_base
        """The site's base URI, whose prefixes and JSON-LD context graph answers use."""
        self.threads = threads
        self.timeout = timeout
        self._limiter: anyio.CapacityLimiter | None = None
        """Queries being answered: waiting for a place counts toward the query's time."""
        self._threads: anyio.CapacityLimiter | None = None
        """The threads they run and are read in: their own, not the default ones that pages take."""

    async def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        if self._limiter is None or self._threads is None:  # made on first use, inside the event loop
            self._limiter, self._threads = anyio.CapacityLimiter(self.threads), anyio.CapacityLimiter(self.threads)
        ask = partial(
            answer_query,
            self.store,
            operation,
            accept=accept,
            base_iri=base_iri,
            allowed_services=allowed_services,
            max_rows=self.max_rows,
            site_base=self.site_base,
        )
        with anyio.move_on_after(self.timeout) as waiting:
            await self._limiter.acquire()
        if waiting.cancelled_caught:
            raise workers_busy(self.timeout)
        try:
            answer = await anyio.to_thread.run_sync(ask, limiter=self._threads)
        finally:
            self._limiter.release()
        return Answer(answer.media_type, _ReadInThreads(answer.chunks, self._threads), truncated=answer.truncated)

    def start(self) -> None:
        """Nothing to start: the store is already open."""

    def close(self) -> None:
        """Nothing to let go of: the store belongs to whoever opened it."""


class _ReadInThreads(AsyncIterator[bytes]):
    """The chunks of a blocking iterator, each read in a thread; closing this closes it (which stops its
    serialiser), even before the first chunk."""

    def __init__(self, chunks: Iterator[bytes], threads: anyio.CapacityLimiter) -> None:
        self._chunks = chunks
        self._threads = threads

    async def __anext__(self) -> bytes:
        chunk = await anyio.to_thread.run_sync(next, self._chunks, None, limiter=self._threads)
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(close, limiter=self._threads)

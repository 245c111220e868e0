"""Answers kept per version of the store: a query asked again before the next write is answered from memory, and
one asked by many clients at once is computed once while the others wait for it.

The store changes only when an ingest (or an update) commits, and the ready queries over the whole Atlas take
seconds each: on a public endpoint the same few are asked over and over. The key holds the store's last write, so
a new version never meets an old answer; the least recently used answers go first past `max_bytes`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable, Sequence
from dataclasses import dataclass, field

import anyio

from atlas_ld.media_types import RDF, RESULTS, negotiate
from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.checks import query_form
from atlas_ld.sparql.errors import QueryError, workers_busy
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.sparql.runner import QueryRunner
from atlas_ld.store.base import GraphStore

log = logging.getLogger(__name__)

_WARM_CHECK_SECONDS = 2.0
# The ready queries hold no relative IRI, so the base they are warmed with is not part of their key.
_WARM_BASE = "http://localhost/sparql"
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)")


@dataclass(frozen=True)
class _Kept:
    media_type: str
    body: bytes
    truncated: bool


@dataclass
class _Running:
    """A query being answered, which others asking the same wait for."""

    done: anyio.Event = field(default_factory=anyio.Event)
    failure: QueryError | None = None
    """The server-side failure (deadline, lost worker) that its waiters share."""


class CachedQueries:
    """A `QueryRunner` that keeps the answers of another one. An answer larger than a quarter of `max_bytes` is
    streamed and not kept; so is one that fails or that the client leaves half-way. The `warm_up` queries (the
    ready ones) are answered in the background whenever the store has a new version, by `warm_runner`: one
    without the deadline of clients' queries, so that a busy server still gets them done once.

    It lives on the server's event loop, like the requests it answers: its state needs no lock.
    """

    def __init__(
        self,
        runner: QueryRunner,
        store: GraphStore,
        *,
        max_bytes: int,
        wait_seconds: float,
        warm_up: Sequence[QueryOperation] = (),
        warm_runner: QueryRunner | None = None,
    ) -> None:
        self.runner = runner
        self.store = store
        self.warm_up = tuple(warm_up)
        self.warm_runner = warm_runner or runner
        self._warming: asyncio.Task[None] | None = None
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 4
        self.wait_seconds = wait_seconds
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._size = 0
        self._running: dict[Hashable, _Running] = {}

    async def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        return await self._answer(self.runner, operation, accept, base_iri, allowed_services)

    async def _answer(
        self,
        runner: QueryRunner,
        operation: QueryOperation,
        accept: str | None,
        base_iri: str,
        allowed_services: Sequence[str],
    ) -> Answer:
        key = _key(operation, accept, base_iri, allowed_services, self.store.last_modified())
        while True:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return Answer(kept.media_type, (kept.body,), kept.truncated)
            running = self._running.get(key)
            if running is None:
                mine = self._running[key] = _Running()
                break
            # The same query is being answered: its answer will be kept, or its failure shared (asked again at
            # once, it would fail the same way); too large to keep, or left by its client, this request computes
            # its own.
            with anyio.move_on_after(self.wait_seconds) as waiting:
                await running.done.wait()
            if waiting.cancelled_caught:
                raise workers_busy(self.wait_seconds)
            if running.failure is not None:
                # A copy: one exception object raised in several requests would share one traceback.
                raise type(running.failure)(*running.failure.args)
        try:
            answer = await runner.answer(operation, accept=accept, base_iri=base_iri, allowed_services=allowed_services)
        except QueryError as error:
            self._release(key, mine, None if error.client_fault else error)
            raise
        except BaseException:
            self._release(key, mine)
            raise
        if isinstance(answer.chunks, tuple):  # whole already: kept at once
            body = b"".join(answer.chunks)
            if len(body) <= self.max_entry_bytes:
                self._keep(key, _Kept(answer.media_type, body, answer.truncated))
            self._release(key, mine)
            return answer
        return Answer(answer.media_type, _Keeping(self, key, mine, answer), answer.truncated)

    def _keep(self, key: Hashable, kept: _Kept) -> None:
        self._kept[key] = kept
        self._size += len(kept.body)
        while self._size > self.max_bytes:
            _, old = self._kept.popitem(last=False)
            self._size -= len(old.body)

    def _release(self, key: Hashable, mine: _Running, failure: QueryError | None = None) -> None:
        """Let the waiters go; a server-side failure (deadline, lost worker) is theirs too."""
        if self._running.get(key) is mine:
            del self._running[key]
        mine.failure = failure
        mine.done.set()

    def start(self) -> None:
        """Start the runner, and the warming of the ready queries in a task of the running event loop."""
        self.runner.start()
        if self.warm_up and self._warming is None:
            self._warming = asyncio.get_running_loop().create_task(self._warm(), name="answer-warming")

    def close(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        self.runner.close()

    async def _warm(self) -> None:
        """Answer the `warm_up` queries for each new version of the store, so that the first to ask need not wait."""
        seen: float | None = None
        while True:
            version = self.store.last_modified()
            if version != seen:
                seen = version
                for operation in self.warm_up:
                    try:
                        answer = await self._answer(self.warm_runner, operation, None, _WARM_BASE, ())
                        if not isinstance(answer.chunks, tuple):
                            async for _ in answer.chunks:
                                pass
                    except Exception as error:  # noqa: BLE001 - a courtesy: one that fails is computed when asked
                        log.debug("ready query not warmed: %s", error)
            await anyio.sleep(_WARM_CHECK_SECONDS)


class _Keeping(AsyncIterator[bytes]):
    """An answer's chunks as they go out, kept once the last one has gone; closed before (client gone, HEAD),
    even before its first chunk, it lets its runner and its waiters go."""

    def __init__(self, cache: CachedQueries, key: Hashable, mine: _Running, answer: Answer) -> None:
        assert not isinstance(answer.chunks, tuple)
        self._cache = cache
        self._key = key
        self._mine = mine
        self._answer = answer
        self._source = answer.chunks
        self._chunks: list[bytes] | None = []
        self._size = 0
        self._ended = False

    async def __anext__(self) -> bytes:
        try:
            chunk = await self._source.__anext__()
        except StopAsyncIteration:
            self._end(finished=True)
            raise
        except BaseException:
            await self.aclose()
            raise
        if self._chunks is not None:
            self._size += len(chunk)
            if self._size <= self._cache.max_entry_bytes:
                self._chunks.append(chunk)
            else:
                self._chunks = None
        return chunk

    async def aclose(self) -> None:
        if not self._ended:
            with anyio.CancelScope(shield=True):
                await self._source.aclose()  # type: ignore[attr-defined]
            self._end(finished=False)

    def _end(self, *, finished: bool) -> None:
        if self._ended:
            return
        self._ended = True
        if finished and self._chunks is not None:
            self._cache._keep(self._key, _Kept(self._answer.media_type, b"".join(self._chunks), self._answer.truncated))
        self._cache._release(self._key, self._mine)


def _key(
    operation: QueryOperation, accept: str | None, base_iri: str, services: Sequence[str], version: float
) -> Hashable:
    """What an answer depends on. Accept headers that choose the same media type for the query's kind of result
    share an answer (YASGUI's and a script's, say)."""
    form = query_form(operation.text)
    kinds = {"SELECT": (RESULTS,), "ASK": (RESULTS,), "CONSTRUCT": (RDF,), "DESCRIBE": (RDF,)}.get(form or "")
    chosen = tuple(
        None if (offer := negotiate(offers, accept=accept, format=operation.format)) is None else offer.media_type
        for offers in kinds or (RESULTS, RDF)
    )
    # The endpoint's URL is the base of relative IRIs: it matters only to a text that may hold one (a `<` not
    # followed by a scheme; a comparison operator counts too, which only keeps answers apart).
    base = base_iri if _RELATIVE_IRI.search(operation.text) else None
    return (operation.text, operation.default_graphs, operation.named_graphs, chosen, base, tuple(services), version)

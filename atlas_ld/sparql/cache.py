"""Answers kept per version of the store: a query asked again before the next write is answered from memory, and
one asked by many clients at once is computed once while the others wait for it.

The store changes only when an ingest (or an update) commits, and the ready queries over the whole Atlas take
seconds each: on a public endpoint the same few are asked over and over. The key holds the store's last write, so
a new version never meets an old answer; the least recently used answers go first past `max_bytes`.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from atlas_ld.media_types import RDF, RESULTS, negotiate
from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.checks import query_form
from atlas_ld.sparql.errors import QueryError, workers_busy
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.sparql.runner import QueryRunner
from atlas_ld.store.base import GraphStore

_WARM_CHECK_SECONDS = 2.0
# The ready queries hold no relative IRI, so the base they are warmed with is not part of their key.
_WARM_BASE = "http://localhost/sparql"
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)")


@dataclass(frozen=True)
class _Kept:
    media_type: str
    body: bytes
    truncated: bool


class CachedQueries:
    """A `QueryRunner` that keeps the answers of another one. An answer larger than a quarter of `max_bytes` is
    streamed and not kept; so is one that fails or that the client leaves half-way. The `warm_up` queries (the
    ready ones) are answered in the background whenever the store has a new version, by `warm_runner`: one
    without the deadline of clients' queries, so that a busy server still gets them done once."""

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
        self._warming: threading.Thread | None = None
        self._stopping = threading.Event()
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 4
        self.wait_seconds = wait_seconds
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._size = 0
        self._running: dict[Hashable, threading.Event] = {}
        self._failures: WeakKeyDictionary[threading.Event, QueryError] = WeakKeyDictionary()
        self._lock = threading.Lock()

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        return self._answer(self.runner, operation, accept, base_iri, allowed_services)

    def _answer(
        self,
        runner: QueryRunner,
        operation: QueryOperation,
        accept: str | None,
        base_iri: str,
        allowed_services: Sequence[str],
    ) -> Answer:
        key = _key(operation, accept, base_iri, allowed_services, self.store.last_modified())
        while True:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None:
                    self._kept.move_to_end(key)
                    return Answer(kept.media_type, (kept.body,), kept.truncated)
                running = self._running.get(key)
                if running is None:
                    done = self._running[key] = threading.Event()
                    break
            # The same query is being answered: its answer will be kept, or its failure shared (asked again at
            # once, it would fail the same way); too large to keep, or left by its client, this request computes
            # its own.
            if not running.wait(self.wait_seconds):
                raise workers_busy(self.wait_seconds)
            with self._lock:
                failure = self._failures.get(running)
            if failure is not None:
                # A copy: one exception object raised in several threads at once would share one traceback.
                raise type(failure)(*failure.args)
        try:
            answer = runner.answer(operation, accept=accept, base_iri=base_iri, allowed_services=allowed_services)
        except QueryError as error:
            self._release(key, done, None if error.client_fault else error)
            raise
        except BaseException:
            self._release(key, done)
            raise
        if isinstance(answer.chunks, tuple):  # whole already: kept at once
            body = b"".join(answer.chunks)
            if len(body) <= self.max_entry_bytes:
                self._keep(key, _Kept(answer.media_type, body, answer.truncated))
            self._release(key, done)
            return answer
        return Answer(answer.media_type, self._keeping(key, done, answer), answer.truncated)

    def _keeping(self, key: Hashable, done: threading.Event, answer: Answer) -> Iterator[bytes]:
        """The answer's chunks, as they go out; kept once the last one has gone."""
        chunks: list[bytes] | None = []
        size = 0
        finished = False
        try:
            for chunk in answer.chunks:
                if chunks is not None:
                    size += len(chunk)
                    if size <= self.max_entry_bytes:
                        chunks.append(chunk)
                    else:
                        chunks = None
                yield chunk
            finished = True
        finally:
            close = getattr(answer.chunks, "close", None)
            if close is not None:
                close()
            if finished and chunks is not None:
                self._keep(key, _Kept(answer.media_type, b"".join(chunks), answer.truncated))
            self._release(key, done)

    def _keep(self, key: Hashable, kept: _Kept) -> None:
        with self._lock:
            self._kept[key] = kept
            self._size += len(kept.body)
            while self._size > self.max_bytes:
                _, old = self._kept.popitem(last=False)
                self._size -= len(old.body)

    def _release(self, key: Hashable, done: threading.Event, failure: QueryError | None = None) -> None:
        """Let the waiters go; a server-side failure (deadline, lost worker) is theirs too."""
        with self._lock:
            if self._running.get(key) is done:
                del self._running[key]
            if failure is not None:
                self._failures[done] = failure
        done.set()

    def start(self) -> None:
        self.runner.start()
        if self.warm_up and self._warming is None:
            self._warming = threading.Thread(target=self._warm, name="answer-warming", daemon=True)
            self._warming.start()

    def close(self) -> None:
        self._stopping.set()
        self.runner.close()

    def _warm(self) -> None:
        """Answer the `warm_up` queries for each new version of the store, so that the first to ask need not wait."""
        seen: float | None = None
        while not self._stopping.wait(0 if seen is None else _WARM_CHECK_SECONDS):
            try:
                version = self.store.last_modified()
                if version == seen:
                    continue
                seen = version
                for operation in self.warm_up:
                    if self._stopping.is_set():
                        return
                    for _ in self._answer(self.warm_runner, operation, None, _WARM_BASE, ()).chunks:
                        pass
            except Exception:  # noqa: BLE001 - warming is a courtesy: a query that fails is computed when asked
                continue


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

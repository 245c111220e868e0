"""Answers kept per version of the store: a query asked again before the next write is answered from memory, and
one asked by many clients at once is computed once while the others wait for it.

The store changes only when an ingest (or an update) commits, and the ready queries over the whole Atlas take
seconds each: on a public endpoint the same few are asked over and over. The key holds the store's last write, so
a new version never meets an old answer; the least recently used answers go first past `max_bytes`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from atlas_ld.store import GraphStore
from atlas_ld.web.answers import Answer
from atlas_ld.web.sparql_protocol import QueryOperation

if TYPE_CHECKING:  # the runner module chooses this one: no import back at run time
    from atlas_ld.web.query_runner import QueryRunner


@dataclass(frozen=True)
class _Kept:
    media_type: str
    body: bytes
    truncated: bool


class CachedQueries:
    """A `QueryRunner` that keeps the answers of another one. An answer larger than a quarter of `max_bytes` is
    streamed and not kept; so is one that fails or that the client leaves half-way."""

    def __init__(self, runner: QueryRunner, store: GraphStore, *, max_bytes: int, wait_seconds: float) -> None:
        self.runner = runner
        self.store = store
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 4
        self.wait_seconds = wait_seconds
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._size = 0
        self._running: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        key = (operation, accept, base_iri, tuple(allowed_services), self.store.last_modified())
        while True:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None:
                    self._kept.move_to_end(key)
                    return Answer(kept.media_type, iter([kept.body]), kept.truncated)
                running = self._running.get(key)
                if running is None:
                    done = self._running[key] = threading.Event()
                    break
            # The same query is being answered: its answer will be kept, unless it fails or is too large, and
            # then this request computes its own.
            if not running.wait(self.wait_seconds):
                done = threading.Event()
                break
        try:
            answer = self.runner.answer(operation, accept=accept, base_iri=base_iri, allowed_services=allowed_services)
        except BaseException:
            self._release(key, done)
            raise
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

    def _release(self, key: Hashable, done: threading.Event) -> None:
        with self._lock:
            if self._running.get(key) is done:
                del self._running[key]
        done.set()

    def start(self) -> None:
        self.runner.start()

    def close(self) -> None:
        self.runner.close()

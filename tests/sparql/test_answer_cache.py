"""Answers kept per version of the store (`CachedQueries`), over a real embedded store: asked again, a query is not
computed again; after a write it is; asked by several clients at once, it is computed once; an answer too large,
or left half-way, is not kept."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.liveserver import write_store
from support.sample_graphs import SAMPLE_TRIG

from atlas_ld.queries import ready_queries
from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.cache import CachedQueries
from atlas_ld.sparql.runner import InlineQueries
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.web.sparql_protocol import QueryOperation

BASE = "https://atlas.example.org/"
TITLES = QueryOperation("SELECT ?t WHERE { ?p <http://purl.org/dc/terms/title> ?t } ORDER BY ?t", format="csv")


class Counting:
    """The inline runner, counting the answers it computes; `gate`, when given, holds each one until it is set."""

    def __init__(self, store: EmbeddedStore, gate: threading.Event | None = None) -> None:
        self.inline = InlineQueries(store)
        self.gate = gate
        self.computed = 0

    def answer(self, operation: QueryOperation, **options: object) -> Answer:
        self.computed += 1
        if self.gate is not None:
            self.gate.wait(10)
        return self.inline.answer(operation, **options)  # type: ignore[arg-type]

    def start(self) -> None: ...

    def close(self) -> None: ...


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    write_store(tmp_path / "data", SAMPLE_TRIG)
    return DataDir(tmp_path / "data").open_store()


def ask(cache: CachedQueries) -> bytes:
    return b"".join(cache.answer(TITLES, accept=None, base_iri=BASE + "sparql").chunks)


def test_asked_again_a_query_is_not_computed_again_until_the_store_changes(store: EmbeddedStore) -> None:
    runner = Counting(store)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    first = ask(cache)
    assert b"Romans" in first
    assert ask(cache) == first and runner.computed == 1
    time.sleep(0.01)  # the write stamp is a clock reading
    title = ox.Triple(ox.NamedNode(BASE + "id/project/7"), ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("Zanzibar"))
    store.replace_graphs({BASE + "graph/project/7": [title]})
    after = ask(cache)
    assert runner.computed == 2 and b"Zanzibar" in after and b"Zanzibar" not in first


def test_asked_by_several_clients_at_once_a_query_is_computed_once(store: EmbeddedStore) -> None:
    gate = threading.Event()
    runner = Counting(store, gate)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=10)
    with ThreadPoolExecutor(6) as pool:
        answers = [pool.submit(ask, cache) for _ in range(6)]
        time.sleep(0.3)  # all six are asking by now
        gate.set()
        bodies = {a.result() for a in answers}
    assert runner.computed == 1 and len(bodies) == 1


def test_an_answer_too_large_or_left_half_way_is_not_kept(store: EmbeddedStore) -> None:
    runner = Counting(store)
    small = CachedQueries(runner, store, max_bytes=16, wait_seconds=5)  # a quarter: 4 bytes
    assert ask(small) == ask(small) and runner.computed == 2
    runner.computed = 0
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    chunks = cache.answer(TITLES, accept=None, base_iri=BASE + "sparql").chunks
    next(chunks)
    chunks.close()  # type: ignore[attr-defined]  # the client went away
    ask(cache)
    ask(cache)
    assert runner.computed == 2


def test_accept_headers_that_choose_the_same_format_share_an_answer(store: EmbeddedStore) -> None:
    runner = Counting(store)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    operation = QueryOperation(TITLES.text)
    for accept in ("application/sparql-results+json", "application/sparql-results+json,*/*;q=0.9", None):
        answer = cache.answer(operation, accept=accept, base_iri=BASE + "sparql")
        assert answer.media_type == "application/sparql-results+json"
        b"".join(answer.chunks)
    assert runner.computed == 1
    csv = cache.answer(operation, accept="text/csv", base_iri=BASE + "sparql")
    assert csv.media_type == "text/csv" and b"".join(csv.chunks).startswith(b"t\r\n")
    assert runner.computed == 2


def test_the_ready_queries_are_answered_before_anyone_asks(store: EmbeddedStore) -> None:
    runner = Counting(store)
    ready = [QueryOperation(q.text) for q in ready_queries(BASE)]
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5, warm_up=ready)
    cache.start()
    try:
        deadline = time.monotonic() + 10
        while runner.computed < len(ready):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.1)  # the last one kept
        for operation in ready:
            b"".join(cache.answer(operation, accept="application/sparql-results+json", base_iri=BASE).chunks)
        assert runner.computed == len(ready)
    finally:
        cache.close()

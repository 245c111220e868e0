"""Answers kept per version of the store (`CachedQueries`), over a real embedded store: asked again, a query is not
computed again; after a write it is; asked by several clients at once, it is computed once; an answer too large,
or left half-way, is not kept."""

from __future__ import annotations

import time
from pathlib import Path

import anyio
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

pytestmark = pytest.mark.anyio

BASE = "https://atlas.example.org/"
TITLES = QueryOperation("SELECT ?t WHERE { ?p <http://purl.org/dc/terms/title> ?t } ORDER BY ?t", format="csv")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the server's


class Counting:
    """The inline runner, counting the answers it computes; `gate`, when given, holds each one until it is set."""

    def __init__(self, store: EmbeddedStore, gate: anyio.Event | None = None) -> None:
        self.inline = InlineQueries(store)
        self.gate = gate
        self.computed = 0

    async def answer(self, operation: QueryOperation, **options: object) -> Answer:
        self.computed += 1
        if self.gate is not None:
            await self.gate.wait()
        return await self.inline.answer(operation, **options)  # type: ignore[arg-type]

    def start(self) -> None: ...

    def close(self) -> None: ...


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    write_store(tmp_path / "data", SAMPLE_TRIG)
    return DataDir(tmp_path / "data").open_store()


async def body(answer: Answer) -> bytes:
    if isinstance(answer.chunks, tuple):
        return b"".join(answer.chunks)
    return b"".join([chunk async for chunk in answer.chunks])


async def ask(cache: CachedQueries, operation: QueryOperation = TITLES, accept: str | None = None) -> bytes:
    return await body(await cache.answer(operation, accept=accept, base_iri=BASE + "sparql"))


async def test_asked_again_a_query_is_not_computed_again_until_the_store_changes(store: EmbeddedStore) -> None:
    runner = Counting(store)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    first = await ask(cache)
    assert b"Romans" in first
    assert await ask(cache) == first and runner.computed == 1
    await anyio.sleep(0.01)  # the write stamp is a clock reading
    title = ox.Triple(ox.NamedNode(BASE + "id/project/7"), ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("Zanzibar"))
    store.replace_graphs({BASE + "graph/project/7": [title]})
    after = await ask(cache)
    assert runner.computed == 2 and b"Zanzibar" in after and b"Zanzibar" not in first


async def test_asked_by_several_clients_at_once_a_query_is_computed_once(store: EmbeddedStore) -> None:
    gate = anyio.Event()
    runner = Counting(store, gate)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=10)
    bodies: list[bytes] = []

    async def one_client() -> None:
        bodies.append(await ask(cache))

    async with anyio.create_task_group() as clients:
        for _ in range(6):
            clients.start_soon(one_client)
        await anyio.sleep(0.3)  # all six are asking by now
        gate.set()
    assert runner.computed == 1 and len(bodies) == 6 and len(set(bodies)) == 1


async def test_an_answer_too_large_or_left_half_way_is_not_kept(store: EmbeddedStore) -> None:
    runner = Counting(store)
    small = CachedQueries(runner, store, max_bytes=16, wait_seconds=5)  # a quarter: 4 bytes
    assert await ask(small) == await ask(small) and runner.computed == 2
    runner.computed = 0
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    chunks = (await cache.answer(TITLES, accept=None, base_iri=BASE + "sparql")).chunks
    assert not isinstance(chunks, tuple)
    await chunks.__anext__()
    await chunks.aclose()  # type: ignore[attr-defined]  # the client went away
    await ask(cache)
    await ask(cache)
    assert runner.computed == 2


async def test_an_answer_closed_before_its_first_chunk_lets_its_waiters_go(store: EmbeddedStore) -> None:
    # A client gone before the body started: the next one asking computes the answer rather than waiting for it.
    runner = Counting(store)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    chunks = (await cache.answer(TITLES, accept=None, base_iri=BASE + "sparql")).chunks
    await chunks.aclose()  # type: ignore[union-attr]
    with anyio.fail_after(2):
        assert b"Romans" in await ask(cache)
    assert runner.computed == 2


async def test_accept_headers_that_choose_the_same_format_share_an_answer(store: EmbeddedStore) -> None:
    runner = Counting(store)
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5)
    operation = QueryOperation(TITLES.text)
    for accept in ("application/sparql-results+json", "application/sparql-results+json,*/*;q=0.9", None):
        answer = await cache.answer(operation, accept=accept, base_iri=BASE + "sparql")
        assert answer.media_type == "application/sparql-results+json"
        await body(answer)
    assert runner.computed == 1
    csv = await cache.answer(operation, accept="text/csv", base_iri=BASE + "sparql")
    assert csv.media_type == "text/csv" and (await body(csv)).startswith(b"t\r\n")
    assert runner.computed == 2


async def test_the_ready_queries_are_answered_before_anyone_asks(store: EmbeddedStore) -> None:
    runner = Counting(store)
    ready = [QueryOperation(q.text) for q in ready_queries(BASE)]
    cache = CachedQueries(runner, store, max_bytes=1 << 20, wait_seconds=5, warm_up=ready)
    cache.start()
    try:
        deadline = time.monotonic() + 10
        while runner.computed < len(ready):
            assert time.monotonic() < deadline
            await anyio.sleep(0.05)
        await anyio.sleep(0.1)  # the last one kept
        for operation in ready:
            await ask(cache, operation, accept="application/sparql-results+json")
        assert runner.computed == len(ready)
    finally:
        cache.close()

"""The query workers seen from the event loop (`WorkerPool`), without HTTP: the deadline kills a worker whether or
not anyone reads its answer, a query waits its turn for a busy worker, and the worker that answered last answers
next."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from support.liveserver import write_store
from support.sample_graphs import SAMPLE_TRIG

from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.errors import QueryTimedOut, WorkersBusy
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.sparql.pool import QueryStreamCut, WorkerPool
from atlas_ld.store.datadir import DataDir

pytestmark = pytest.mark.anyio

BASE = "https://atlas.example.org/"
JSON = "application/sparql-results+json"
# A billion solutions, streamed as they come: minutes of work if nothing stopped it.
ENDLESS = "SELECT * WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(9)) + " }"
# Counting them yields no row until the end: the query burns without sending anything.
HOG = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(9)) + " }"
# Several MiB of JSON: more than one part.
LARGE = "SELECT ?i WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(5)) + (
    " BIND(?v0 + 10 * ?v1 + 100 * ?v2 + 1000 * ?v3 + 10000 * ?v4 AS ?i) }"
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the server's


@pytest.fixture(scope="module")
def location(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("pool") / "data"
    write_store(data, SAMPLE_TRIG)
    return DataDir(data).oxigraph


@pytest.fixture
async def pool(location: Path) -> AsyncIterator[WorkerPool]:
    workers = WorkerPool(location, size=2, timeout=2.0)
    workers.start()
    try:
        yield workers
    finally:
        workers.close()


async def ask(pool: WorkerPool, text: str) -> Answer:
    return await pool.answer(QueryOperation(text), accept=JSON, base_iri=BASE + "sparql")


async def read(answer: Answer) -> bytes:
    if isinstance(answer.chunks, tuple):
        return b"".join(answer.chunks)
    return b"".join([chunk async for chunk in answer.chunks])


async def test_a_short_answer_comes_whole_and_a_long_one_in_parts(pool: WorkerPool) -> None:
    short = await ask(pool, "ASK {}")
    assert isinstance(short.chunks, tuple) and json.loads(await read(short))["boolean"] is True
    long = await ask(pool, LARGE)
    assert not isinstance(long.chunks, tuple)
    rows = json.loads(await read(long))["results"]["bindings"]
    assert sorted(int(row["i"]["value"]) for row in rows) == list(range(100_000))
    assert len(pool._idle) == 2  # both free again


async def test_the_worker_that_answered_last_answers_next(pool: WorkerPool) -> None:
    await read(await ask(pool, "ASK {}"))
    last = pool._idle[-1]
    for _ in range(3):
        await read(await ask(pool, "ASK {}"))
        assert pool._idle[-1] is last


async def test_a_query_past_its_deadline_is_stopped_and_its_worker_replaced(pool: WorkerPool) -> None:
    await read(await ask(pool, "ASK {}"))
    before = {worker.process.pid for worker in pool._idle}
    start = time.monotonic()
    with pytest.raises(QueryTimedOut, match="ran past this server's limit of 2 s"):
        await ask(pool, HOG)
    assert 2.0 <= time.monotonic() - start < 3.0
    after = {worker.process.pid for worker in pool._idle}
    assert len(after) == 2 and len(after - before) == 1
    assert json.loads(await read(await ask(pool, "ASK {}")))["boolean"] is True


async def test_a_stream_nobody_reads_is_stopped_at_the_deadline(pool: WorkerPool) -> None:
    # A slow client: the first part went out, the rest waits for it. The worker must not wait with it.
    answer = await ask(pool, ENDLESS)
    assert not isinstance(answer.chunks, tuple)
    assert await answer.chunks.__anext__()
    busy = next(iter(pool._busy))
    await anyio.sleep(2.5)
    assert not busy.process.is_alive() and busy.overdue
    with pytest.raises(QueryStreamCut):
        while True:
            await answer.chunks.__anext__()
    assert len(pool._idle) == 2 and not pool._busy


async def test_a_stream_closed_half_way_frees_its_worker(pool: WorkerPool) -> None:
    answer = await ask(pool, ENDLESS)
    assert not isinstance(answer.chunks, tuple)
    await answer.chunks.__anext__()
    busy = next(iter(pool._busy))
    await answer.chunks.aclose()  # type: ignore[attr-defined]
    assert not pool._busy and len(pool._idle) == 2
    assert busy.killed_for == "its answer was abandoned"


async def test_a_query_waits_its_turn_for_a_busy_worker(pool: WorkerPool) -> None:
    answers: list[bytes] = []
    failures: list[Exception] = []

    async def one(text: str) -> None:
        try:
            answers.append(await read(await ask(pool, text)))
        except (QueryTimedOut, WorkersBusy) as error:
            failures.append(error)

    # Two hogs take both workers; the third query waits, and is answered by the first worker to replace them
    # (its own deadline, counted from its later arrival, is not yet past).
    async with anyio.create_task_group() as queries:
        queries.start_soon(one, HOG)
        queries.start_soon(one, HOG)
        await anyio.sleep(0.2)
        assert not pool._idle
        queries.start_soon(one, "ASK {}")
    assert [type(f).__name__ for f in failures] == ["QueryTimedOut", "QueryTimedOut"]
    assert [json.loads(answer)["boolean"] for answer in answers] == [True]
    assert len(pool._idle) == 2 and not pool._busy and not pool._waiting


async def test_a_worker_killed_while_idle_is_replaced_before_it_takes_a_query(pool: WorkerPool) -> None:
    """Killed from outside (out of memory, an operator): queries go to new workers, and are answered."""
    await read(await ask(pool, "ASK {}"))
    for worker in list(pool._idle):
        worker.process.kill()
        worker.process.join(5)
    dead = {worker.process.pid for worker in pool._idle}
    answers = await asyncio.gather(*(ask(pool, "ASK {}") for _ in range(2)))  # both idle workers taken
    assert [json.loads(await read(answer))["boolean"] for answer in answers] == [True, True]
    assert len(pool._idle) == 2 and not dead & {worker.process.pid for worker in pool._idle}

"""Queries that overrun are stopped and the rest keep flowing: deadlines, the row cap and the query workers, on a
real server."""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import httpx
import pyoxigraph as ox
import pytest
from support.liveserver import LiveServer, live_server, write_store
from support.sample_graphs import BASE, SAMPLE_TRIG, TITLE_12523, TITLE_16323

from atlas_ld.settings import Settings
from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.cache import CachedQueries
from atlas_ld.sparql.endpoint import query_runner
from atlas_ld.sparql.pool import WorkerPool
from atlas_ld.sparql.runner import InlineQueries
from atlas_ld.store.datadir import DataDir
from atlas_ld.web.sparql_protocol import QueryOperation

TIMEOUT = 4.0
MAX_ROWS = 1000
WORKERS = 2
FILLER_TRIPLES = 3000
PREFIXES = f"PREFIX atlas: <{BASE}def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
TITLES = PREFIXES + "SELECT ?title WHERE { ?project a atlas:Project ; dcterms:title ?title } ORDER BY ?title"
# Every triple with every pair of triples: (3,000)^3 solutions, days of work. Counting them yields no row until
# the end, so the query burns toward its deadline without sending anything.
HOG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DEREFERENCE = "/data/project/12523.ttl"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def filler(count: int) -> str:
    triples = "\n".join(f"<{BASE}id/thing/{i}> <{BASE}def/rank> {i} ." for i in range(count))
    return f"<{BASE}graph/filler> {{\n{triples}\n}}\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("deadline") / "data"
    write_store(data, SAMPLE_TRIG + filler(FILLER_TRIPLES))
    limits = {
        "ATLAS_LD_QUERY_TIMEOUT": str(TIMEOUT),
        "ATLAS_LD_MAX_ROWS": str(MAX_ROWS),
        "ATLAS_LD_QUERY_WORKERS": str(WORKERS),
    }
    with live_server(data, env=limits) as running:
        yield running


def query(client: httpx.Client, text: str) -> httpx.Response:
    return client.get("/sparql", params={"query": text})


def timed(request: Callable[[], httpx.Response]) -> tuple[int, float]:
    start = time.perf_counter()
    status = request().status_code
    return status, time.perf_counter() - start


def ordinary_traffic(client: httpx.Client) -> list[tuple[str, int, float]]:
    """50 queries and 50 dereferences, interleaved, from 10 clients at once: (kind, status, seconds) each."""
    requests: list[tuple[str, Callable[[], httpx.Response]]] = []
    for _ in range(50):
        requests.append(("query", lambda: query(client, TITLES)))
        requests.append(("dereference", lambda: client.get(DEREFERENCE)))
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda kind_request: (kind_request[0], *timed(kind_request[1])), requests))
    return results


def query_workers(server: LiveServer) -> set[int]:
    """The server's query workers: the live processes that its fork server forked (a killed one stays a zombie
    until the fork server reaps it, a moment later)."""
    processes = server.processes()
    fork_servers = {
        pid
        for pid in processes
        if _parent(pid) == server.pid and b"multiprocessing.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    }
    return {pid for pid in processes if _parent(pid) in fork_servers and _state(pid) != "Z"}


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError):
        return -1


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


def test_a_runaway_query_is_stopped_while_the_others_flow(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30, limits=httpx.Limits(max_connections=20)) as client:
        assert query(client, TITLES).status_code == 200 and client.get(DEREFERENCE).status_code == 200
        unloaded = ordinary_traffic(client)

        hog: dict[str, object] = {}

        def run_hog() -> None:
            start = time.perf_counter()
            response = query(client, HOG)
            hog.update(status=response.status_code, text=response.text, seconds=time.perf_counter() - start)

        hog_thread = threading.Thread(target=run_hog)
        hog_thread.start()
        time.sleep(0.3)
        # The hog really burns CPU rather than waiting. Its share of a core depends on what else the machine
        # runs (two busy processes on two cores leave it a third of each): burning is what counts here.
        assert server.cpu_use(1.0) > 0.2
        loaded = ordinary_traffic(client)
        assert hog_thread.is_alive(), "the ordinary traffic must have run while the hog was burning"
        hog_thread.join(TIMEOUT + 10)

    assert all(status == 200 for _, status, _ in unloaded + loaded)
    assert {kind for kind, _, _ in loaded} == {"query", "dereference"}
    slowest = max(seconds for _, _, seconds in loaded)
    assert slowest < TIMEOUT / 2, f"a request took {slowest:.2f} s beside the hog: it waited for it"
    for kind in ("query", "dereference"):
        before = statistics.median(s for k, _, s in unloaded if k == kind)
        during = statistics.median(s for k, _, s in loaded if k == kind)
        assert during < 3 * before + 0.2, f"{kind}: median {during:.3f} s beside the hog, {before:.3f} s without"

    assert hog["status"] == 503
    assert f"ran past this server's limit of {TIMEOUT:g} s" in str(hog["text"])
    assert TIMEOUT <= float(hog["seconds"]) < TIMEOUT + 2  # type: ignore[arg-type]

    time.sleep(0.5)
    assert server.cpu_use(1.0) < 0.2  # the hog's worker is gone, its CPU freed
    assert len(query_workers(server)) == WORKERS  # and replaced
    with httpx.Client(base_url=server.url, timeout=10) as client, ThreadPoolExecutor(WORKERS + 1) as pool:
        answers = list(pool.map(lambda _: query(client, TITLES), range(WORKERS + 1)))
    assert [a.status_code for a in answers] == [200] * (WORKERS + 1)


def test_a_worker_killed_from_outside_is_replaced(server: LiveServer) -> None:
    workers = query_workers(server)
    assert len(workers) == WORKERS
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    time.sleep(0.5)
    with httpx.Client(base_url=server.url, timeout=10) as client, ThreadPoolExecutor(WORKERS + 1) as pool:
        # Each text its own (a comment apart), so that none is answered from the kept answers of another.
        answers = list(pool.map(lambda i: query(client, f"{TITLES}\n# {i}"), range(2 * WORKERS)))
    assert all(a.status_code == 200 for a in answers)
    assert [b["title"]["value"] for b in answers[0].json()["results"]["bindings"]] == sorted([TITLE_12523, TITLE_16323])
    replaced = query_workers(server)
    assert len(replaced) == WORKERS and victim not in replaced


def test_a_worker_that_dies_mid_query_is_a_503_and_is_replaced(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        outcome: dict[str, httpx.Response] = {}
        hog_thread = threading.Thread(target=lambda: outcome.update(response=query(client, HOG)))
        start = time.perf_counter()
        hog_thread.start()
        time.sleep(0.5)
        busy = max(query_workers(server), key=_cpu_ticks)
        os.kill(busy, signal.SIGKILL)
        hog_thread.join(TIMEOUT + 10)
        assert time.perf_counter() - start < TIMEOUT  # answered at once, not at the deadline
        assert outcome["response"].status_code == 503
        assert "The process running the query stopped" in outcome["response"].text
        assert query(client, TITLES).status_code == 200
    assert len(query_workers(server)) == WORKERS


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


# The row cap


def test_a_result_over_the_row_cap_is_cut_and_marked(server: LiveServer) -> None:
    start = time.perf_counter()
    response = httpx.get(server.url + "/sparql", params={"query": CARTESIAN}, timeout=30)
    assert time.perf_counter() - start < 2.0
    assert response.status_code == 200
    assert response.headers["atlas-ld-truncated"] == "true"
    assert response.headers["warning"].startswith(f'199 atlas-ld "Results cut at {MAX_ROWS} rows')
    body = response.json()
    assert body["head"]["vars"] == ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    assert len(body["results"]["bindings"]) == MAX_ROWS


def test_a_graph_over_the_row_cap_is_cut_and_marked(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200 and response.headers["atlas-ld-truncated"] == "true"
    assert len(set(ox.parse(response.content, ox.RdfFormat.TURTLE))) == MAX_ROWS


@pytest.mark.parametrize("limit", [MAX_ROWS - 1, MAX_ROWS])
def test_a_result_within_the_row_cap_is_whole_and_unmarked(server: LiveServer, limit: int) -> None:
    text = f"SELECT ?thing WHERE {{ ?thing <{BASE}def/rank> ?rank }} ORDER BY ?rank LIMIT {limit}"
    response = httpx.get(server.url + "/sparql", params={"query": text, "format": "csv"})
    assert response.status_code == 200
    assert "atlas-ld-truncated" not in response.headers and "warning" not in response.headers
    rows = response.text.splitlines()
    assert rows[0] == "thing" and len(rows) == limit + 1 and rows[1] == f"{BASE}id/thing/0"


def test_the_truncation_header_is_readable_across_origins(server: LiveServer) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": CARTESIAN}, headers={"Origin": "https://example.org"})
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"atlas-ld-truncated", "warning"} <= exposed


def test_the_limits_are_described_in_openapi(server: LiveServer) -> None:
    responses = httpx.get(server.url + "/openapi.json").json()["paths"]["/sparql"]["get"]["responses"]
    assert "Atlas-LD-Truncated" in responses["200"]["headers"]
    assert "503" in responses and "time limit" in responses["503"]["description"]


# Fresh data


def test_the_workers_see_what_a_writer_commits_beside_the_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_store(data, SAMPLE_TRIG)
    count = PREFIXES + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a atlas:Project }"
    with live_server(data, env={"ATLAS_LD_QUERY_WORKERS": "1"}) as running:
        first = httpx.get(running.url + "/sparql", params={"query": count}, headers={"Accept": "text/csv"})
        assert first.text.splitlines()[1] == "2"
        # As `atlas-ld ingest` does while a read-only server runs: one writer, its own process.
        writer = DataDir(data).open_store()
        project = ox.Triple(ox.NamedNode(f"{BASE}id/project/99"), RDF_TYPE, ox.NamedNode(f"{BASE}def/Project"))
        writer.replace_graphs({f"{BASE}graph/project/99": [project]})
        writer.flush()
        second = httpx.get(running.url + "/sparql", params={"query": count}, headers={"Accept": "text/csv"})
        assert second.status_code == 200, second.text
        assert second.text.splitlines()[1] == "3"
        del writer


def test_capped_results_keep_every_term_as_the_engine_gave_it(server: LiveServer) -> None:
    # Rows pass through the cap's spool: IRIs, language tags and datatypes come out unchanged.
    text = PREFIXES + (
        "SELECT ?project ?title ?year WHERE { ?project dcterms:title ?title ; atlas:startYear ?year } ORDER BY ?year"
    )
    first = httpx.get(server.url + "/sparql", params={"query": text}).json()["results"]["bindings"][0]
    assert first == {
        "project": {"type": "uri", "value": f"{BASE}id/project/12523"},
        "title": {"type": "literal", "value": TITLE_12523, "xml:lang": "fr"},
        "year": {"type": "literal", "value": "2010", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"},
    }


# Where queries run


def test_the_embedded_store_gets_worker_processes_and_others_answer_inline(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_store(data, SAMPLE_TRIG + filler(10))
    store = DataDir(data).open_store(read_only=True)
    runner = query_runner(Settings(store=data, query_workers=1, query_timeout=7, max_rows=3, query_cache_bytes=0), store)
    assert isinstance(runner, WorkerPool) and (runner.size, runner.timeout, runner.max_rows) == (1, 7, 3)
    kept = query_runner(Settings(store=data, query_workers=1), store)
    assert isinstance(kept, CachedQueries) and isinstance(kept.runner, WorkerPool)
    # A store that bounds its own time (a remote server) is asked from the server process, capped all the same.
    inline = InlineQueries(store, max_rows=3)
    ranks = f"SELECT ?rank WHERE {{ ?thing <{BASE}def/rank> ?rank }} ORDER BY ?rank"

    async def ask() -> tuple[Answer, bytes]:
        answer = await inline.answer(QueryOperation(ranks, format="csv"), accept=None, base_iri=BASE + "sparql")
        assert not isinstance(answer.chunks, tuple)
        return answer, b"".join([chunk async for chunk in answer.chunks])

    answer, body = anyio.run(ask)
    assert answer.media_type == "text/csv" and answer.truncated
    assert body.decode().split() == ["rank", "0", "1", "2"]


def test_queries_answered_inline_leave_the_page_threads_to_pages(tmp_path: Path) -> None:
    """A remote server slow to answer holds the query threads, never the ones pages are built in."""
    data = tmp_path / "data"
    write_store(data, SAMPLE_TRIG)
    store = DataDir(data).open_store(read_only=True)
    answering, release = threading.Semaphore(0), threading.Event()

    class SlowStore:
        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def query(self, *args: object, **kwargs: object) -> object:
            answering.release()
            release.wait(30)
            return store.query(*args, **kwargs)  # type: ignore[arg-type]

    inline = InlineQueries(SlowStore(), threads=2)  # type: ignore[arg-type]

    async def scenario() -> list[bytes]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1  # one page thread
        async with anyio.create_task_group() as tasks:
            bodies: list[bytes] = []

            async def ask() -> None:
                answer = await inline.answer(QueryOperation("ASK {}", format="json"), accept=None, base_iri=BASE + "sparql")
                assert not isinstance(answer.chunks, tuple)
                bodies.append(b"".join([chunk async for chunk in answer.chunks]))

            tasks.start_soon(ask)
            tasks.start_soon(ask)
            for _ in range(2):  # both queries are in the store, in threads
                assert await anyio.to_thread.run_sync(answering.acquire, True, 30, limiter=anyio.CapacityLimiter(1))
            assert await anyio.to_thread.run_sync(lambda: "page") == "page"  # the page thread is free
            release.set()
        return bodies

    bodies = anyio.run(scenario)
    assert [b'"boolean":true' in body.replace(b" ", b"") for body in bodies] == [True, True]

"""A SPARQL 1.1 server as the store: every command on a real `oxigraph serve`, a server that is down, several
server workers, and new data live in each of them without a restart, on both kinds of store.

The ingest, dereference and W3C protocol suites run on both kinds too (their fixtures take `backends.BACKENDS`);
`test_on_virtuoso` runs the same checks on a Virtuoso server when ATLAS_LD_TEST_VIRTUOSO_URL names one.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from support import ROOT
from support.backends import BACKENDS, all_quads, backend_store, oxigraph_server
from support.example_data import served_examples
from support.liveserver import free_port, live_server

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.stats import count_resources
from atlas_ld.queries import ready_queries
from atlas_ld.settings import Settings
from atlas_ld.sparql.cache import CachedQueries
from atlas_ld.sparql.runner import InlineQueries
from atlas_ld.store.base import GraphStore
from atlas_ld.store.remote import RemoteEndpoint, RemoteStore
from atlas_ld.uris import UriScheme
from atlas_ld.web.app import create_app
from atlas_ld.web.sparql_protocol import QueryOperation

BASE = "https://atlas.example.org/"


def atlas_ld(*arguments: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with its settings in the environment."""
    return subprocess.run(
        [sys.executable, "-m", "atlas_ld", *arguments],
        env={**os.environ, "ATLAS_LD_BASE_URI": BASE, **env},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def stats(output: str) -> dict[str, int]:
    """The counts that `atlas-ld stats` prints in its table."""
    rows = [line.strip("│┃ ").split("│") for line in output.splitlines() if "│" in line]
    return {name.strip(): int(count) for name, count in rows if count.strip().isdigit()}


def test_every_command_works_on_a_sparql_server(tmp_path: Path) -> None:
    results: dict[str, dict[str, object]] = {}
    for backend in BACKENDS:
        data = tmp_path / backend
        with backend_store(backend, data) as (store, env):
            del store  # the command opens the store itself
            ingested = atlas_ld("ingest", "--examples", env=env)
            assert ingested.returncode == 0, ingested.stderr
            assert "5 pages read, 5 records stored" in ingested.stdout
            validated = atlas_ld("validate", env=env)
            assert validated.returncode == 0, validated.stdout + validated.stderr
            counted = atlas_ld("stats", env=env)
            assert counted.returncode == 0, counted.stderr
            dumped = atlas_ld("dump", "--format", "nquads", env=env)
            assert dumped.returncode == 0, dumped.stderr
            results[backend] = {
                "stats": stats(counted.stdout),
                "validate": validated.stdout,
                "dump": {q.graph_name for q in ox.parse(dumped.stdout.encode(), ox.RdfFormat.N_QUADS)},
                "dumps": sorted(p.name for p in (data / "dumps").iterdir()),
            }
    embedded, remote = results["embedded"], results["oxigraph-server"]
    assert embedded["stats"]["projects"] == 5 and embedded["stats"]["triples"] > 1000  # type: ignore[index]
    assert remote == embedded


def test_a_sparql_server_that_is_down_is_one_clear_error(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/query"
    done = atlas_ld("stats", env={"ATLAS_LD_STORE": nowhere, "ATLAS_LD_DATA_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert "could not be reached" in done.stdout + done.stderr and "Traceback" not in done.stderr
    store = RemoteStore(RemoteEndpoint.of(nowhere), timeout=5)
    with TestClient(create_app(Settings(store=nowhere, data_dir=tmp_path, base_uri=BASE), store)) as client:
        described = client.get("/data/project/12523.ttl")
        assert described.status_code == 503 and "could not be reached" in described.text
        queried = client.get("/sparql", params={"query": "ASK {}"})
        assert queried.status_code == 503 and "could not be reached" in queried.text


def test_the_server_engine_message_is_a_400(tmp_path: Path) -> None:
    with served_examples("oxigraph-server", tmp_path) as (settings, store):
        with TestClient(create_app(settings, store)) as client:
            bad = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
            assert bad.status_code == 400
            # Oxigraph's own message, at the line of the text sent, whose columns are not those of the query
            assert bad.text.startswith("Syntax error at line 1: ") and "^" not in bad.text


@pytest.mark.parametrize("name", [q.name for q in ready_queries(BASE)])
def test_the_ready_queries_give_the_same_rows_on_both(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    query = next(q for q in ready_queries(BASE) if q.name == name)
    answers = []
    for backend in BACKENDS:
        with served_examples(backend, tmp_path_factory.mktemp(backend)) as (_, store):
            rows = store.query(query.text)
            answers.append(sorted(tuple(str(row[v]) for v in rows.variables) for row in rows))  # type: ignore[union-attr]
    assert answers[0] and answers[0] == answers[1]


# -- several workers, and new data live ------------------------------------------------------------------------


def read_everywhere(url: str, times: int = 12) -> list[int]:
    """Statuses of `times` requests, each on a new connection, which the kernel hands to any of the workers."""
    return [httpx.get(url, headers={"Connection": "close"}).status_code for _ in range(times)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_ingest_is_live_in_every_worker_without_restart(backend: str, tmp_path: Path) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    for page in examples_dir().glob("*.txt"):
        shutil.copy(page, (later if page.stem == "12523" else first) / page.name)
    data = tmp_path / "data"
    with backend_store(backend, data) as (store, env):
        del store
        assert atlas_ld("ingest", str(first), env=env).returncode == 0
        with live_server(data, env=env, workers=2) as server:
            assert set(read_everywhere(server.url + "/data/project/12523.ttl")) == {404}
            void = httpx.get(server.url + "/.well-known/void", headers={"Accept": "application/n-triples"})
            dump = httpx.head(server.url + "/dumps/atlas.nq.gz")
            assert dump.status_code == 200

            done = atlas_ld("ingest", str(later), env=env)
            assert done.returncode == 0, done.stderr
            deadline = time.monotonic() + 10
            while set(read_everywhere(server.url + "/data/project/12523.ttl")) != {200}:
                assert time.monotonic() < deadline, "a worker still shows the store as it was"
                time.sleep(0.5)

            new_void = httpx.get(server.url + "/.well-known/void", headers={"Accept": "application/n-triples"})
            assert triples_of(new_void.text) > triples_of(void.text)
            assert new_void.headers["etag"] != void.headers["etag"]
            new_dump = httpx.head(server.url + "/dumps/atlas.nq.gz")
            assert new_dump.headers["etag"] != dump.headers["etag"]
            assert new_dump.headers["last-modified"] and new_dump.headers["content-length"] != dump.headers["content-length"]
            listed = httpx.get(server.url + "/dumps/atlas.nq.gz")
            assert b"/id/project/12523>" in gzip.decompress(listed.content)


def triples_of(void_ntriples: str) -> int:
    """The dataset's void:triples in a VoID description (the largest: the partitions count fewer)."""
    counts = [
        int(ox.Literal(q.object.value).value)
        for q in ox.parse(void_ntriples.encode(), ox.RdfFormat.N_TRIPLES)
        if q.predicate.value == "http://rdfs.org/ns/void#triples"
    ]
    return max(counts)


# -- Virtuoso, when one is at hand ---------------------------------------------------------------------------------


def project_quads(store: RemoteStore | GraphStore) -> set[ox.Quad]:
    """The quads of the project graphs only: Virtuoso's own graphs hold blank nodes of its own syntax."""
    rows = store.query(
        f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{BASE}graph/project/')) }}"
    )
    return {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}  # type: ignore[union-attr, index]

VIRTUOSO = os.environ.get("ATLAS_LD_TEST_VIRTUOSO_URL", "")


@pytest.mark.virtuoso
@pytest.mark.skipif(not VIRTUOSO, reason="set ATLAS_LD_TEST_VIRTUOSO_URL to a Virtuoso /sparql URL that takes updates")
def test_on_virtuoso(tmp_path: Path) -> None:
    uris = UriScheme(BASE)
    env = {"ATLAS_LD_STORE": VIRTUOSO, "ATLAS_LD_DATA_DIR": str(tmp_path / "data")}
    virtuoso = RemoteStore(RemoteEndpoint.of(VIRTUOSO))
    for graph in virtuoso.named_graphs():  # what an earlier run left
        if graph.startswith(BASE):
            virtuoso.update(f"DROP SILENT GRAPH <{graph}>")
    ingested = atlas_ld("ingest", "--examples", env=env)
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    assert "5 records stored" in ingested.stdout
    with served_examples("embedded", tmp_path / "embedded") as (_, embedded):
        assert count_resources(virtuoso, uris) == count_resources(embedded, uris) | {
            "triples": count_resources(virtuoso, uris)["triples"]  # Virtuoso's own graphs count too
        }
        ours = project_quads(embedded)
    # Virtuoso writes numbers in their canonical form ("12.50" as "12.5"): as many quads, graph by graph.
    theirs = project_quads(virtuoso)
    assert len(theirs) == len(ours) > 300
    assert {q.graph_name for q in theirs} == {q.graph_name for q in ours}
    dumped = atlas_ld("dump", "--format", "nquads", env=env)
    assert dumped.returncode == 0, dumped.stderr
    assert {q.graph_name.value for q in ox.parse(dumped.stdout.encode(), ox.RdfFormat.N_QUADS)} == set(
        virtuoso_graphs := RemoteStore(RemoteEndpoint.of(VIRTUOSO), graphs_under=BASE).named_graphs()
    ) and all(g.startswith(BASE) for g in virtuoso_graphs)
    with live_server(tmp_path / "data", env=env) as server:
        found = httpx.get(server.url + "/id/project/12523", headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert found.status_code == 200 and "Romans" in found.text
        for query in ready_queries(BASE):
            answer = httpx.post(server.url + "/sparql", data={"query": query.text}, headers={"Accept": "text/csv"})
            assert answer.status_code == 200, (query.name, answer.text)


def test_graph_store_protocol_writes_give_the_same_graphs_as_updates(tmp_path: Path) -> None:
    stamp = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    found = []
    for name, with_gsp in (("updates", False), ("gsp", True)):
        with oxigraph_server(tmp_path / name) as url:
            gsp = url.removesuffix("/query") + "/store" if with_gsp else None
            store = RemoteStore(RemoteEndpoint.of(url, graph_store_url=gsp))
            rejected = RejectedRecords(tmp_path / name / "rejected", base_uri=BASE)
            ingest([examples_dir()], store, UriScheme(BASE), rejected, ingested_at=stamp)
            # Again, over what is there: each graph replaced, not added to.
            ingest([examples_dir()], store, UriScheme(BASE), rejected, ingested_at=stamp)
            found.append(all_quads(store))
    assert len(found[0]) > 1000 and found[0] == found[1]


def test_a_write_through_atlas_ld_is_a_new_version_of_a_sparql_server(tmp_path: Path) -> None:
    # Kept answers are keyed on the store's version: behind a SPARQL server, an update sent through atlas-ld
    # (not only an ingest) must make one, or the next identical query would get the old answer.
    with oxigraph_server(tmp_path / "oxigraph") as url:
        store = RemoteStore(RemoteEndpoint.of(url, union_parameters="union-default-graph"))
        cache = CachedQueries(InlineQueries(store), store, max_bytes=1 << 20, wait_seconds=5)
        count = QueryOperation("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="csv")

        async def answered() -> bytes:
            answer = await cache.answer(count, accept=None, base_iri=url)
            if isinstance(answer.chunks, tuple):
                return b"".join(answer.chunks)
            return b"".join([chunk async for chunk in answer.chunks])

        def ask() -> str:
            return anyio.run(answered).decode().split()[-1]

        assert ask() == "0"
        store.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }")
        assert ask() == "1"

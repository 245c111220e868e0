"""The two kinds of store the tests run on: the embedded Oxigraph store of a data folder, and a real Oxigraph server
(`oxigraph serve`, from the PyPI package `oxigraph`) started on 127.0.0.1 and a free port, reached over HTTP.

    with backend_store("oxigraph-server", tmp_path / "data") as (store, settings_env):
        ingest([...], store, ...)            # the pipeline writes through the SPARQL 1.1 Protocol
        live_server(tmp_path / "data", env=settings_env)   # atlas-ld serves it
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox

from atlas_ld.store.base import GraphStore
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.remote import RemoteEndpoint, RemoteStore
from support.liveserver import free_port

# A Virtuoso server at hand (see test_remote_store.test_on_virtuoso) joins the backends of every parametrised test.
VIRTUOSO_URL = os.environ.get("ATLAS_LD_TEST_VIRTUOSO_URL", "")
BACKENDS = ("embedded", "oxigraph-server", *(("virtuoso",) if VIRTUOSO_URL else ()))
# Virtuoso's own graphs, which a test leaves alone.
_VIRTUOSO_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/2002/07/owl", "http://www.w3.org/ns/ldp", "http://localuriqaserver/")
_START_SECONDS = 30.0
UNION = "union-default-graph"  # Oxigraph's query parameter for a union default graph


def oxigraph_command() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert found, "`oxigraph` (the server) is one of the test requirements: pip install -e '.[test]'"
    return found


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """`oxigraph serve` on a store in `location`; yields its query URL and stops it on exit."""
    port = free_port()
    location.mkdir(parents=True, exist_ok=True)
    log = location.parent / f"oxigraph-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_SECONDS
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.post(url + "/query", content="ASK {}", headers={"Content-Type": "application/sparql-query"}).is_success:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "oxigraph serve did not answer"
            time.sleep(0.05)
        yield url + "/query"
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def backend_store(backend: str, data_dir: Path) -> Iterator[tuple[GraphStore, dict[str, str]]]:
    """A store of the given kind for the data folder `data_dir`, and the `ATLAS_LD_*` settings that make a server
    (or a command) use it. Close the store before a server opens an embedded one: `del` it."""
    if backend == "embedded":
        yield DataDir(data_dir).open_store(), {"ATLAS_LD_STORE": str(data_dir)}
        return
    if backend == "virtuoso":
        store = RemoteStore(RemoteEndpoint.of(VIRTUOSO_URL))
        for graph in store.named_graphs():  # DROP ALL does nothing on Virtuoso
            if not graph.startswith(_VIRTUOSO_GRAPHS):
                store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
        yield store, {"ATLAS_LD_STORE": VIRTUOSO_URL, "ATLAS_LD_DATA_DIR": str(data_dir)}
        return
    with oxigraph_server(data_dir.parent / f"{data_dir.name}-oxigraph") as url:
        env = {"ATLAS_LD_STORE": url, "ATLAS_LD_DATA_DIR": str(data_dir), "ATLAS_LD_STORE_UNION_PARAMETERS": UNION}
        yield RemoteStore(RemoteEndpoint.of(url, union_parameters=UNION)), env


def all_quads(store: GraphStore) -> set[ox.Quad]:
    """Every quad of the named graphs (but Virtuoso's own), read with SPARQL: the same question to any store."""
    ours = " && ".join(f"!STRSTARTS(STR(?g), {ox.Literal(prefix)})" for prefix in _VIRTUOSO_GRAPHS)
    rows = store.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({ours}) }}")
    return {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}  # type: ignore[union-attr, index]

"""Server benchmark: the ready queries through atlas-ld's /sparql next to Oxigraph's own server, and dereference
throughput (Turtle and HTML) at 8 concurrent clients.

    python benchmarks/bench_server.py [--store DIR] [--pages 20000] [--runs 20] [--clients 8] [--seconds 15]
                                      [--workers 1] [--part all|queries|dereference]

Both servers read the same store, the one `atlas-ld ingest` filled from the synthetic corpus, each in its own
process on 127.0.0.1. The figures are printed and written to benchmarks/out/server-report.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

from corpus import write_corpus  # noqa: E402
from support.liveserver import LiveServer, free_port, live_server  # noqa: E402
from trifid import trifid_server  # noqa: E402
from wrk import WrkRun, run_wrk  # noqa: E402

from atlas_ld.queries import ReadyQuery, ready_queries  # noqa: E402
from atlas_ld.store.datadir import DataDir  # noqa: E402
from atlas_ld.uris import UriScheme  # noqa: E402
from atlas_ld.vocab import RDF, atlas_namespace  # noqa: E402

GOAL_QUERY_RATIO = 1.25
GOAL_TURTLE_SHARE = 0.25  # of Oxigraph's DESCRIBE throughput
GOAL_HTML_SHARE = 0.12
GOAL_TRIFID_RATIO = 3.0
RESULTS_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_START_SECONDS = 60.0


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- the store --------------------------------------------------------------------------------------------------------


def find_or_make_store(store: Path | None, pages: int, out: Path) -> Path:
    """The data folder to serve: `--store`, else one already ingested from a corpus of `pages` pages, else a new one.

    A new one is made as a user would: the corpus is written, then `atlas-ld ingest` fills the store.
    """
    if store is not None:
        if not DataDir(store).has_store():
            raise SystemExit(f"no store in {store}: run `atlas-ld ingest --store {store} ...` first")
        return store
    for candidate in (out / f"store-{pages}", out / "store"):
        if DataDir(candidate).has_store() and _project_count(candidate) == pages:
            return candidate
    target = out / f"store-{pages}"
    shutil.rmtree(target, ignore_errors=True)
    corpus = out / f"corpus-{pages}"
    step(f"corpus of {pages:,} pages in {corpus}")
    write_corpus(corpus, pages)
    step(f"atlas-ld ingest into {target}")
    command = [sys.executable, "-m", "atlas_ld", "ingest", "--store", str(target), "--no-dumps", str(corpus)]
    subprocess.run(command, check=True, cwd=ROOT)
    return target


def _project_count(data: Path) -> int:
    store = DataDir(data).open_store(read_only=True)
    atlas = atlas_namespace(stored_base_uri(data))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p {RDF.type} {atlas.Project} }}"
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[call-overload]


def stored_base_uri(data: Path) -> str:
    """The base URI the store was ingested with, read from the name of its vocabulary graph (`{base}graph/
    vocabulary`), so that the benchmarks find their resources whatever `--base-uri` the ingest had."""
    suffix = "graph/vocabulary"
    for graph in DataDir(data).open_store(read_only=True).named_graphs():
        if graph.endswith(suffix):
            return graph.removesuffix(suffix)
    raise SystemExit(f"no vocabulary graph in {data}: is it a store filled by `atlas-ld ingest`?")


@dataclass(frozen=True)
class Sample:
    """Resources to dereference, in a fixed random order: projects and authorities interleaved."""

    base_uri: str
    projects: int
    authorities: int
    iris: tuple[str, ...]


def sample_resources(data: Path, seed: int = 20_000) -> Sample:
    """Every project and every local authority of the store, shuffled, projects and authorities alternating."""
    store = DataDir(data).open_store(read_only=True)
    base_uri = stored_base_uri(data)
    atlas = atlas_namespace(base_uri)

    def instances(cls: object) -> list[str]:
        result = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x {RDF.type} {cls} }}")
        return sorted(row["x"].value for row in result)  # type: ignore[union-attr]

    projects, authorities = instances(atlas.Project), instances(atlas.LocalAuthority)
    rng = random.Random(seed)
    rng.shuffle(projects)
    rng.shuffle(authorities)
    mixed = [iri for pair in zip(projects, authorities, strict=False) for iri in pair]
    return Sample(base_uri, len(projects), len(authorities), tuple(mixed))


# -- the servers ------------------------------------------------------------------------------------------------------


@contextmanager
def oxigraph_server(data: Path) -> Iterator[str]:
    """`oxigraph serve-read-only` on the same store, the union of the graphs as default graph (as atlas-ld's)."""
    executable = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if executable is None:
        raise SystemExit("no `oxigraph` command: install the benchmark requirements (see benchmarks/README.md)")
    port = free_port()
    command = [
        executable, "serve-read-only", "--location", str(DataDir(data).oxigraph), "--bind", f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {process.returncode}")
            try:
                if httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("oxigraph did not answer in time")
            time.sleep(0.1)
        yield url + "/query"
    finally:
        process.terminate()
        process.wait(10)


def cpu_seconds(server: LiveServer) -> float:
    """CPU time (user and system) used so far by the server and the processes it started."""
    total = 0
    for pid in server.processes():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


# -- query latency ----------------------------------------------------------------------------------------------------

_SETTLE_SECONDS = 600.0


def settle(server: LiveServer) -> float:
    """Seconds until the server and its processes use less than a fifth of a core: at start it builds its search
    index in the background (tens of seconds on 20,000 projects), which would take CPU from the first queries."""
    start = time.monotonic()
    while server.cpu_use(1.0) > 0.2 and time.monotonic() - start < _SETTLE_SECONDS:
        pass
    return time.monotonic() - start


@dataclass
class QueryTiming:
    name: str
    title: str
    rows: int
    note: str = ""
    atlas: list[float] = field(default_factory=list)
    oxigraph: list[float] = field(default_factory=list)


# No deadline, no row cap and no kept answers: the comparison is of the engines' work, run after run.
NO_DEADLINE = {"ATLAS_LD_QUERY_TIMEOUT": "86400", "ATLAS_LD_MAX_ROWS": "0", "ATLAS_LD_QUERY_CACHE_BYTES": "0"}

# A ready query's example IRI may name nothing in the synthetic corpus; then it asks about the busiest resource of
# the same kind instead, so that it has something to compute.
_STAND_INS = {
    "partners-of-an-authority": "frenchPartner",
    "projects-of-an-embassy-post": "diplomaticPost",
}
_VALUES_IRI = re.compile(r"(VALUES \?\w+ \{ <)([^>]+)(> \})")


@dataclass(frozen=True)
class BenchQuery:
    query: ReadyQuery
    note: str = ""


def stand_in(query: ReadyQuery, data: Path, base_uri: str) -> BenchQuery:
    """The ready query, its example IRI replaced by the busiest one of its kind when the store lacks it."""
    match = _VALUES_IRI.search(query.text)
    if query.name not in _STAND_INS or match is None:
        return BenchQuery(query)
    store = DataDir(data).open_store(read_only=True)
    if store.query(f"ASK {{ <{match.group(2)}> ?p ?o }}"):
        return BenchQuery(query)
    link = atlas_namespace(base_uri)[_STAND_INS[query.name]]
    busiest = store.query(
        f"SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s {link} ?x }} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"
    )
    iri = next(iter(busiest))["x"].value  # type: ignore[call-overload]
    text = query.text[: match.start(2)] + iri + query.text[match.end(2) :]
    note = f"<{match.group(2)}> is not in the corpus: asked about <{iri}>, the one with most projects"
    return BenchQuery(replace(query, text=text), note)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _ask(client: httpx.Client, url: str, query: str) -> tuple[float, int]:
    """Seconds until the whole answer is read, and its number of rows."""
    start = time.perf_counter()
    response = client.get(url, params={"query": query}, headers={"Accept": RESULTS_JSON})
    body = response.read()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {body[:300]!r}")
    return elapsed, len(response.json()["results"]["bindings"])


def time_queries(
    atlas_url: str, oxigraph_url: str, queries: Sequence[BenchQuery], runs: int, budget: float
) -> list[QueryTiming]:
    """Each query on each server, after one warm-up run each, the two servers taking turns to go first.

    `runs` timed runs, fewer (at least 3) when they would take more than `budget` seconds per server. Both servers
    answer in the same JSON format to the same kind of client (one httpx client each, kept alive), and must
    return the same number of rows.
    """
    timings = []
    with httpx.Client(timeout=None) as atlas, httpx.Client(timeout=None) as oxigraph:
        for bench in queries:
            query = bench.query
            step(f"query {query.name}")
            (first, rows), (_, expected) = _ask(atlas, atlas_url, query.text), _ask(oxigraph, oxigraph_url, query.text)
            if rows != expected:
                raise RuntimeError(f"{query.name}: atlas-ld gave {rows} rows, oxigraph {expected}")
            timing = QueryTiming(query.name, query.title, rows, bench.note)
            for run in range(max(3, min(runs, int(budget / max(first, 1e-3))))):
                order = [(atlas, atlas_url, timing.atlas), (oxigraph, oxigraph_url, timing.oxigraph)]
                for client, url, seconds in order if run % 2 == 0 else reversed(order):
                    seconds.append(_ask(client, url, query.text)[0])
            timings.append(timing)
    return timings


# -- dereference throughput -------------------------------------------------------------------------------------------


@dataclass
class Throughput:
    label: str
    requests: int
    seconds: float
    statuses: dict[int, int]
    latencies: list[float]
    body_bytes: int
    server_cpu: float
    client_cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Status and body size of one HTTP/1.1 response (Content-Length or chunked), the body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lines = head.split(b"\r\n")[1:]
    fields = {name.strip().lower(): value.strip() for name, _, value in (line.partition(b":") for line in lines)}
    if b"content-length" in fields:
        size = int(fields[b"content-length"])
        await reader.readexactly(size)
        return status, size
    size = 0
    while True:  # chunked
        chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(chunk + 2)
        size += chunk
        if chunk == 0:
            return status, size


async def _client(
    host: str, port: int, paths: Iterator[str], headers: Mapping[str, str], until: float, out: Throughput
) -> None:
    """One keep-alive connection asking for the next path nobody has asked for yet, until time is up."""
    reader, writer = await asyncio.open_connection(host, port)
    fields = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    try:
        for path in paths:
            if time.monotonic() >= until:
                break
            request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{fields}User-Agent: bench-server\r\n\r\n"
            start = time.perf_counter()
            writer.write(request.encode())
            status, size = await _read_response(reader)
            out.latencies.append(time.perf_counter() - start)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            out.body_bytes += size
            out.requests += 1
    finally:
        writer.close()


def hammer_url(
    url: str, label: str, paths: Sequence[str], headers: Mapping[str, str], clients: int, seconds: float
) -> Throughput:
    """`clients` concurrent connections through `paths`, each asked once, for at most `seconds`.

    The client is a few lines of asyncio over raw HTTP/1.1: on a 2-core machine a full HTTP library in the
    client would take the CPU the server is being measured on.
    """
    parts = urlsplit(url)
    out = Throughput(label, 0, 0.0, {}, [], 0, 0.0, 0.0)

    async def run() -> None:
        shared = iter(paths)
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(parts.hostname or "", parts.port or 80, shared, headers, until, out) for _ in range(clients))
        )

    client_before, start = time.process_time(), time.perf_counter()
    asyncio.run(run())
    out.seconds = time.perf_counter() - start
    out.client_cpu = time.process_time() - client_before
    return out


def hammer(server: LiveServer, label: str, paths: Sequence[str], accept: str, clients: int, seconds: float) -> Throughput:
    """`hammer_url` on an atlas-ld server, with gzip as browsers and crawlers ask, and the server's CPU time."""
    cpu_before = cpu_seconds(server)
    out = hammer_url(server.url, label, paths, {"Accept": accept, "Accept-Encoding": "gzip"}, clients, seconds)
    out.server_cpu = cpu_seconds(server) - cpu_before
    return out


def wait_until_idle(server: LiveServer, most: float = 180.0) -> float:
    """Seconds waited until the server uses under a fifth of a core (its search index is built at start)."""
    start = time.monotonic()
    while time.monotonic() - start < most and server.cpu_use(1.0) > 0.2:
        pass
    return time.monotonic() - start


@dataclass(frozen=True)
class Pass:
    """One server, one format, one pass: `cold` asks each sampled resource once, `warm` cycles over the sample."""

    server: str
    format: str
    kind: str
    requests: int
    seconds: float
    failures: int
    p50: float
    p90: float
    p99: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @classmethod
    def of_client(cls, server: str, format: str, t: Throughput) -> Pass:
        failures = sum(n for status, n in t.statuses.items() if status >= 400)
        p50, p90, p99 = (percentile(t.latencies, f) for f in (0.5, 0.9, 0.99))
        return cls(server, format, "cold", t.requests, t.seconds, failures, p50, p90, p99)

    @classmethod
    def of_wrk(cls, server: str, format: str, run: WrkRun) -> Pass:
        return cls(server, format, "warm", run.requests, run.seconds, run.errors + run.not_ok, run.p50, run.p90, run.p99)


@dataclass(frozen=True)
class Target:
    """A server under test: where it listens, and how it is asked for a resource in a format."""

    name: str
    url: str
    path_of: Callable[[str], str]
    headers: Mapping[str, str]


def measure(target: Target, format: str, iris: Sequence[str], clients: int, seconds: float) -> list[Pass]:
    """The cold pass (the Python client, each resource once) then the warm pass (wrk, cycling over them)."""
    paths = [target.path_of(iri) for iri in iris]
    step(f"{target.name} {format}: cold pass over {len(paths):,} resources")
    cold = Pass.of_client(
        target.name, format, hammer_url(target.url, "cold", paths, target.headers, clients, 4 * seconds)
    )
    step(f"{target.name} {format}: warm pass, {clients} wrk connections for {seconds:g} s")
    warm = Pass.of_wrk(target.name, format, run_wrk(target.url, paths, target.headers, connections=clients,
                                                    seconds=seconds))
    return [cold, warm]


ATLAS, OXIGRAPH, TRIFID = "atlas-ld", "Oxigraph DESCRIBE", "Trifid"
BROWSER = {"Accept": BROWSER_ACCEPT, "Accept-Encoding": "gzip"}
RDF_CLIENT = {"Accept": TURTLE, "Accept-Encoding": "gzip"}


def dereference_passes(data: Path, sample: Sample, size: int, clients: int, seconds: float, workers: int) -> list[Pass]:
    """atlas-ld, Oxigraph's server answering DESCRIBE, and Trifid in front of that same Oxigraph server, on the same
    `size` resources, one after the other on the same machine."""
    iris, warm_up = sample.iris[:size], sample.iris[size : size + 400]
    uris = UriScheme(sample.base_uri)
    passes: list[Pass] = []
    with live_server(data, env={"ATLAS_LD_QUERY_CACHE_BYTES": "0"}, workers=workers) as server:
        step("atlas-ld: warming up on other resources, then waiting for the search index")
        for accept, path_of in ((TURTLE, lambda iri: uris.data_path(iri, "ttl")), (BROWSER_ACCEPT, uris.page_path)):
            hammer(server, "warm-up", [path_of(iri) for iri in warm_up], accept, clients, seconds)
        step(f"atlas-ld idle after {wait_until_idle(server):.0f} s")
        turtle = Target(ATLAS, server.url, lambda iri: uris.data_path(iri, "ttl"), RDF_CLIENT)
        passes += measure(turtle, "Turtle", iris, clients, seconds)
        passes += measure(Target(ATLAS, server.url, uris.page_path, BROWSER), "HTML", iris, clients, seconds)
    base = urlsplit(sample.base_uri)
    # Trifid is asked as if behind a TLS proxy at the base URI's origin, so that its answers name the real IRIs.
    forwarded = {"X-Forwarded-Proto": base.scheme, "X-Forwarded-Host": base.netloc}
    with oxigraph_server(data) as sparql:
        root = sparql.removesuffix("/query")
        describe = Target(OXIGRAPH, root, lambda iri: "/query?query=" + quote(f"DESCRIBE <{iri}>"), RDF_CLIENT)
        passes += measure(describe, "Turtle", iris, clients, seconds)
        with trifid_server(sparql, sample.base_uri) as trifid:
            for format, headers in (("Turtle", RDF_CLIENT), ("HTML", BROWSER)):
                target = Target(TRIFID, trifid, lambda iri: urlsplit(iri).path, {**headers, **forwarded})
                passes += measure(target, format, iris, clients, seconds)
    return passes


# -- the report -------------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    data: Path
    sample: Sample
    size: int
    runs: int
    clients: int
    workers: int
    queries: list[QueryTiming] = field(default_factory=list)
    passes: list[Pass] = field(default_factory=list)

    def rate(self, server: str, format: str, kind: str) -> float | None:
        found = [p.per_second for p in self.passes if (p.server, p.format, p.kind) == (server, format, kind)]
        return found[0] if found else None


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def dereference_goals(f: Figures, kind: str) -> list[str]:
    """The issue's ratios for one pass: atlas-ld against Oxigraph's DESCRIBE (Turtle) and Trifid (same format)."""
    rows = []
    for format, share in (("Turtle", GOAL_TURTLE_SHARE), ("HTML", GOAL_HTML_SHARE)):
        atlas, limit = f.rate(ATLAS, format, kind), f.rate(OXIGRAPH, "Turtle", kind)
        trifid = f.rate(TRIFID, format, kind)
        if atlas is not None and limit:
            rows.append(f"| {kind}: {format} ≥ {share}× Oxigraph DESCRIBE | {atlas:,.0f} / {limit:,.0f} req/s = "
                        f"{atlas / limit:.2f}× | {_verdict(atlas >= share * limit)} |")
        if atlas is not None and trifid:
            rows.append(f"| {kind}: {format} ≥ {GOAL_TRIFID_RATIO:g}× Trifid | {atlas:,.0f} / {trifid:,.0f} req/s = "
                        f"{atlas / trifid:.1f}× | {_verdict(atlas >= GOAL_TRIFID_RATIO * trifid)} |")
    return rows


def render(f: Figures) -> str:
    lines = [
        "# Server benchmark",
        "",
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}; "
        f"store: {f.data} ({f.sample.projects:,} projects, {f.sample.authorities:,} local authorities, base "
        f"{f.sample.base_uri}). Every server runs on 127.0.0.1 and reads the same store, with the union of the "
        "graphs as the default graph.",
        "",
        "## Goals",
        "",
        "| goal | measured | |",
        "|---|---|---|",
    ]
    if f.queries:
        ratios = {q.name: statistics.median(q.atlas) / statistics.median(q.oxigraph) for q in f.queries}
        worst = max(ratios, key=ratios.__getitem__)
        lines.append(
            f"| every ready query ≤ {GOAL_QUERY_RATIO}× Oxigraph's server (median) | worst {ratios[worst]:.2f}× "
            f"({worst}) | {_verdict(ratios[worst] <= GOAL_QUERY_RATIO)} |"
        )
    lines += dereference_goals(f, "warm") + dereference_goals(f, "cold")
    if f.queries:
        lines += [
            "",
            "## Ready queries: atlas-ld `/sparql` next to `oxigraph serve-read-only --union-default-graph`",
            "",
            f"One httpx client per server, kept alive, `Accept: {RESULTS_JSON}`, the whole answer read; up to "
            f"{f.runs} runs per query and server (fewer for the longest queries, at least 3) after one warm-up run "
            "each, the two servers taking turns to go first, once atlas-ld is done with its start-up work (its "
            "search index). atlas-ld runs without its query deadline and row cap. Milliseconds.",
            "",
            "| query | rows | runs | atlas-ld median | atlas-ld p95 | Oxigraph median | Oxigraph p95 | median ratio "
            "| p95 ratio |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for q in f.queries:
            a_med, o_med = statistics.median(q.atlas), statistics.median(q.oxigraph)
            a_95, o_95 = percentile(q.atlas, 0.95), percentile(q.oxigraph, 0.95)
            lines.append(
                f"| {q.name} | {q.rows:,} | {len(q.atlas)} | {_ms(a_med)} | {_ms(a_95)} | {_ms(o_med)} | {_ms(o_95)} "
                f"| {a_med / o_med:.2f}× | {a_95 / o_95:.2f}× |"
            )
        lines += ["", *(f"- {q.name}: {q.note}." for q in f.queries if q.note)]
    if f.passes:
        lines += [
            "",
            "## Dereferencing",
            "",
            f"The same {f.size:,} resources (projects and local authorities alternating, in a random order) on each "
            f"server, {f.clients} keep-alive connections with `Accept-Encoding: gzip`. **Cold**: each resource asked "
            "once, by a small asyncio client. **Warm**: wrk cycling over the same resources for the set time, as "
            "crawlers and people come back to resources. atlas-ld (`serve --workers "
            f"{f.workers}`): `GET /data/….ttl` and `GET /page/…` with a browser's Accept, after a warm-up on 400 "
            "other resources and once its search index is built. Oxigraph: `GET /query?query=DESCRIBE <iri>` as "
            "Turtle. Trifid 5.3 in front of that Oxigraph server: `GET /id/…` as Turtle or with a browser's Accept.",
            "",
            "| server | format | pass | requests | per second | p50 ms | p90 ms | p99 ms | failures |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for p in f.passes:
            lines.append(
                f"| {p.server} | {p.format} | {p.kind} | {p.requests:,} | {p.per_second:,.0f} | {_ms(p.p50)} "
                f"| {_ms(p.p90)} | {_ms(p.p99)} | {p.failures:,} |"
            )
        lines += ["", "![throughput and latency](server.png)"]
    lines.append("")
    return "\n".join(lines)


def plot(passes: Sequence[Pass], path: Path) -> None:
    """Throughput of every server, format and pass (log scale: the servers differ by orders of magnitude), and the
    latency percentiles of the warm passes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys((p.server, p.format) for p in passes))
    labels = [f"{server}\n{format}" for server, format in groups]
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    width = 0.38
    for offset, kind in ((-width / 2, "cold"), (width / 2, "warm")):
        rates = [next((p.per_second for p in passes if (p.server, p.format, p.kind) == (*g, kind)), 0) for g in groups]
        bars = left.bar([i + offset for i in range(len(groups))], rates, width, label=kind)
        left.bar_label(bars, labels=[f"{r:,.0f}" for r in rates], fontsize=7)
    left.set_yscale("log")
    left.set_xticks(range(len(groups)), labels, fontsize=8)
    left.set_ylabel("requests per second (log)")
    left.set_title("Dereference throughput")
    left.legend()
    warm = [p for p in passes if p.kind == "warm"]
    for offset, (name, attr) in zip((-0.27, 0, 0.27), (("p50", "p50"), ("p90", "p90"), ("p99", "p99")), strict=True):
        right.bar([i + offset for i in range(len(warm))], [getattr(p, attr) * 1000 for p in warm], 0.27, label=name)
    right.set_yscale("log")
    right.set_xticks(range(len(warm)), [f"{p.server}\n{p.format}" for p in warm], fontsize=8)
    right.set_ylabel("milliseconds (log)")
    right.set_title("Latency percentiles, warm pass")
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="data folder to serve (default: one ingested from the corpus)")
    parser.add_argument("--pages", type=int, default=20_000, help="corpus size when no --store (default 20,000)")
    parser.add_argument("--runs", type=int, default=20, help="most timed runs of each query on each server")
    parser.add_argument(
        "--budget", type=float, default=120.0, help="seconds of timed runs per query and server (at least 3 runs)"
    )
    parser.add_argument("--sample", type=int, default=2_000, help="resources dereferenced on every server")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections when dereferencing")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each warm pass")
    parser.add_argument("--workers", type=int, default=1, help="`atlas-ld serve --workers` when dereferencing")
    parser.add_argument(
        "--part", choices=("all", "queries", "dereference"), default="all", help="measure only one half"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out", help="working folder (default benchmarks/out)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    data = find_or_make_store(args.store, args.pages, args.out)
    step(f"resources of {data}")
    sample = sample_resources(data)
    figures = Figures(data, sample, min(args.sample, len(sample.iris)), args.runs, args.clients, args.workers)

    if args.part in ("all", "queries"):
        queries = [stand_in(query, data, sample.base_uri) for query in ready_queries(sample.base_uri)]
        # No deadline: the comparison is of the engines' work, however long it takes.
        with live_server(data, env=NO_DEADLINE, base_uri=sample.base_uri) as atlas, oxigraph_server(data) as url:
            step(f"atlas-ld done with its start-up work after {settle(atlas):.0f} s")
            figures.queries = time_queries(atlas.url + "/sparql", url, queries, args.runs, args.budget)

    if args.part in ("all", "dereference"):
        figures.passes = dereference_passes(data, sample, figures.size, args.clients, args.seconds, args.workers)
        plot(figures.passes, args.out / "server.png")
    for log in data.parent.glob("server-*.log"):
        log.unlink()

    text = render(figures)
    (args.out / "server-report.md").write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()

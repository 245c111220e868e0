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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

from corpus import write_corpus  # noqa: E402
from support.liveserver import LiveServer, free_port, live_server  # noqa: E402

from atlas_ld.queries import ReadyQuery, ready_queries  # noqa: E402
from atlas_ld.store.datadir import DataDir  # noqa: E402
from atlas_ld.uris import DEFAULT_BASE_URI, UriScheme  # noqa: E402
from atlas_ld.vocab import RDF, atlas_namespace  # noqa: E402

GOAL_QUERY_RATIO = 1.25
GOAL_TURTLE_PER_SECOND = 1_000
GOAL_HTML_PER_SECOND = 500
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
    atlas = atlas_namespace(DEFAULT_BASE_URI)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p {RDF.type} {atlas.Project} }}"
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Sample:
    """Resources to dereference, in a fixed random order: projects and authorities interleaved."""

    projects: int
    authorities: int
    iris: tuple[str, ...]


def sample_resources(data: Path, seed: int = 20_000) -> Sample:
    """Every project and every local authority of the store, shuffled, so that no client asks twice for one."""
    store = DataDir(data).open_store(read_only=True)
    atlas = atlas_namespace(DEFAULT_BASE_URI)

    def instances(cls: object) -> list[str]:
        result = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x {RDF.type} {cls} }}")
        return sorted(row["x"].value for row in result)  # type: ignore[union-attr]

    projects, authorities = instances(atlas.Project), instances(atlas.LocalAuthority)
    rng = random.Random(seed)
    rng.shuffle(projects)
    rng.shuffle(authorities)
    mixed = [iri for pair in zip(projects, authorities, strict=False) for iri in pair]
    return Sample(len(projects), len(authorities), tuple(mixed))


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


def stand_in(query: ReadyQuery, data: Path) -> BenchQuery:
    """The ready query, its example IRI replaced by the busiest one of its kind when the store lacks it."""
    match = _VALUES_IRI.search(query.text)
    if query.name not in _STAND_INS or match is None:
        return BenchQuery(query)
    store = DataDir(data).open_store(read_only=True)
    if store.query(f"ASK {{ <{match.group(2)}> ?p ?o }}"):
        return BenchQuery(query)
    link = atlas_namespace(DEFAULT_BASE_URI)[_STAND_INS[query.name]]
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
    host: str, port: int, paths: Iterator[str], accept: str, until: float, out: Throughput
) -> None:
    """One keep-alive connection asking for the next path nobody has asked for yet, until time is up."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for path in paths:
            if time.monotonic() >= until:
                break
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n"
                "Accept-Encoding: gzip\r\nUser-Agent: bench-server\r\n\r\n"
            )
            start = time.perf_counter()
            writer.write(request.encode())
            status, size = await _read_response(reader)
            out.latencies.append(time.perf_counter() - start)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            out.body_bytes += size
            out.requests += 1
    finally:
        writer.close()


def hammer(server: LiveServer, label: str, paths: Sequence[str], accept: str, clients: int, seconds: float) -> Throughput:
    """`clients` concurrent connections through `paths` (each asked once) for at most `seconds`.

    The client is a few lines of asyncio over raw HTTP/1.1: on a 2-core machine a full HTTP library in the
    client would take the CPU the server is being measured on.
    """
    url = urlsplit(server.url)
    out = Throughput(label, 0, 0.0, {}, [], 0, 0.0, 0.0)

    async def run() -> None:
        shared = iter(paths)
        until = time.monotonic() + seconds
        await asyncio.gather(*(_client(url.hostname, url.port, shared, accept, until, out) for _ in range(clients)))

    cpu_before, client_before, start = cpu_seconds(server), time.process_time(), time.perf_counter()
    asyncio.run(run())
    out.seconds = time.perf_counter() - start
    out.server_cpu = cpu_seconds(server) - cpu_before
    out.client_cpu = time.process_time() - client_before
    return out


def dereference(
    data: Path,
    label: str,
    paths: Sequence[str],
    warm_up: Sequence[str],
    accept: str,
    clients: int,
    seconds: float,
    workers: int,
) -> Throughput:
    """A fresh server, warmed up on other resources than the measured ones: nothing measured is already cached."""
    # No kept answers: their background computing of the ready queries would take CPU from the measured run.
    with live_server(data, env={"ATLAS_LD_QUERY_CACHE_BYTES": "0"}, workers=workers) as server:
        hammer(server, "warm-up", warm_up, accept, clients, seconds)
        step(f"{label}: {clients} clients for up to {seconds:.0f} s")
        return hammer(server, label, paths, accept, clients, seconds)


# -- the report -------------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    data: Path
    sample: Sample
    runs: int
    clients: int
    workers: int
    queries: list[QueryTiming] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def render(f: Figures) -> str:
    lines = [
        "# Server benchmark",
        "",
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}; "
        f"store: {f.data} ({f.sample.projects:,} projects, {f.sample.authorities:,} local authorities). Both "
        "servers run on 127.0.0.1 and read the same store, with the union of the graphs as the default graph.",
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
    goals = {"Turtle": GOAL_TURTLE_PER_SECOND, "HTML": GOAL_HTML_PER_SECOND}
    for t in f.throughput:
        goal = goals.get(t.label)
        if goal is None:
            continue
        lines.append(
            f"| ≥ {goal:,} {t.label} dereferences/s at {f.clients} clients | {t.per_second:,.0f}/s "
            f"| {_verdict(t.per_second >= goal)} |"
        )
    if f.queries:
        lines += [
            "",
            "## Ready queries: atlas-ld `/sparql` next to `oxigraph serve-read-only --union-default-graph`",
            "",
            f"One httpx client per server, kept alive, `Accept: {RESULTS_JSON}`, the whole answer read; up to "
            f"{f.runs} runs per query and server (fewer for the longest queries, at least 3) after one warm-up run "
            "each, the two servers taking turns to go first. atlas-ld runs without its query deadline and row cap. "
            "Milliseconds.",
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
    if f.throughput:
        lines += [
            "",
            "## Dereferencing",
            "",
            f"`atlas-ld serve --workers {f.workers}`; {f.clients} concurrent keep-alive connections with "
            "`Accept-Encoding: gzip`, going through every project "
            "and local authority of the store in a random order (projects and authorities alternating), each asked "
            "for once, so that no answer comes from a cache. Turtle: `GET /data/….ttl`; HTML: `GET /page/…` with a "
            "browser's Accept. Each run has a fresh server, first warmed up on other resources. Unknown: `GET "
            "/data/….ttl` of IRIs the store lacks (a 404 after one index lookup), the cost of the HTTP stack alone.",
            "",
            "| | requests | per second | median ms | p95 ms | server CPU per request | client CPU | answers |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for t in f.throughput:
            statuses = ", ".join(f"{count:,} × {status}" for status, count in sorted(t.statuses.items()))
            lines.append(
                f"| {t.label} | {t.requests:,} | {t.per_second:,.0f} | {_ms(statistics.median(t.latencies))} "
                f"| {_ms(percentile(t.latencies, 0.95))} | {_ms(t.server_cpu / t.requests)} ms "
                f"| {t.client_cpu / t.seconds:.0%} of a core | {statuses} |"
            )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="data folder to serve (default: one ingested from the corpus)")
    parser.add_argument("--pages", type=int, default=20_000, help="corpus size when no --store (default 20,000)")
    parser.add_argument("--runs", type=int, default=20, help="most timed runs of each query on each server")
    parser.add_argument(
        "--budget", type=float, default=120.0, help="seconds of timed runs per query and server (at least 3 runs)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients when dereferencing")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each dereferencing run")
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
    figures = Figures(data, sample, args.runs, args.clients, args.workers)

    if args.part in ("all", "queries"):
        queries = [stand_in(query, data) for query in ready_queries()]
        # No deadline: the comparison is of the engines' work, however long it takes.
        with live_server(data, env=NO_DEADLINE) as atlas, oxigraph_server(data) as oxigraph_url:
            figures.queries = time_queries(atlas.url + "/sparql", oxigraph_url, queries, args.runs, args.budget)

    if args.part in ("all", "dereference"):
        uris = UriScheme(DEFAULT_BASE_URI)
        warm_up, measured = sample.iris[:400], sample.iris[400:]
        for label, accept, path_of in (
            ("Turtle", TURTLE, lambda iri: uris.data_path(iri, "ttl")),
            ("HTML", BROWSER_ACCEPT, uris.page_path),
            ("Unknown", TURTLE, lambda iri: uris.data_path(iri + "-unknown", "ttl")),
        ):
            paths = [path_of(iri) for iri in measured]
            warm_up_paths = [path_of(iri) for iri in warm_up]
            figures.throughput.append(
                dereference(data, label, paths, warm_up_paths, accept, args.clients, args.seconds, args.workers)
            )
    for log in data.parent.glob("server-*.log"):
        log.unlink()

    text = render(figures)
    (args.out / "server-report.md").write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()

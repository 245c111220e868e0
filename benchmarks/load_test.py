"""Load test: many concurrent clients on loopback mixing the ready SPARQL queries and dereferences, for a while.

    python benchmarks/load_test.py DATA_DIR [--clients 50] [--seconds 60] [--query-share 0.2]

DATA_DIR is a data folder filled by `atlas-ld ingest` (the 20,000-project corpus: see benchmarks/README.md). A
server is started on it as `atlas-ld serve` would be, and each client (an asyncio task over one shared httpx
client) sends request after request until time is up: a ready query (as JSON results) with probability
`--query-share`, else the Turtle description or the HTML page of a project or a local authority, every resource
in turn in a shuffled order. Requests per second, p50 and p99 latency and errors are printed per kind and written to
benchmarks/out/load-report.md. Goals: no error, dereferences' p99 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

from bench_server import cpu_seconds, percentile, sample_resources, settle, stored_base_uri  # noqa: E402
from support.liveserver import LiveServer, live_server  # noqa: E402

from atlas_ld.queries import ready_queries  # noqa: E402
from atlas_ld.settings import Settings  # noqa: E402
from atlas_ld.store.datadir import DataDir  # noqa: E402
from atlas_ld.uris import UriScheme  # noqa: E402

QUERY, TURTLE, HTML = "SPARQL query", "Turtle dereference", "HTML dereference"
DEREFERENCES = (TURTLE, HTML)
ACCEPT = {
    QUERY: "application/sparql-results+json",
    TURTLE: "text/turtle",
    HTML: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}
ERRORS_SHOWN = 10


@dataclass(frozen=True)
class Request:
    kind: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What the clients saw, by kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in ACCEPT})
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    def error_count(self, kind: str | None = None) -> int:
        return sum(n for (k, _), n in self.errors.items() if kind is None or k == kind)

    def answered(self, kind: str) -> int:
        return len(self.latencies[kind])


def traffic(
    data: Path, base_uri: str, query_share: float, sample: int | None = None, seed: int = 20_240_611
) -> Iterator[Request]:
    """An endless mix: the ready queries in turn, and every resource's Turtle and HTML (or those of the first
    `sample` resources of a shuffled list) in a shuffled order, over and over."""
    rng = random.Random(seed)
    queries = ready_queries(base_uri)
    uris = UriScheme(base_uri)
    resources = list(sample_resources(data).iris)[:sample]
    dereferences = [Request(TURTLE, uris.data_path(iri, "ttl")) for iri in resources]
    dereferences += [Request(HTML, uris.page_path(iri)) for iri in resources]
    rng.shuffle(dereferences)
    if not dereferences:
        raise SystemExit(f"no project or authority in {data}: nothing to dereference")
    turn = 0
    while True:
        for dereference in dereferences:
            while rng.random() < query_share:
                query = queries[turn % len(queries)]
                turn += 1
                yield Request(QUERY, "/sparql", {"query": query.text})
            yield dereference


async def client(http: httpx.AsyncClient, requests: Iterator[Request], until: float, outcome: Outcome) -> None:
    """One client: the next request of the shared mix, until time is up; every answer is read whole."""
    while time.monotonic() < until:
        request = next(requests)
        start = time.perf_counter()
        try:
            response = await http.get(request.path, params=request.params, headers={"Accept": ACCEPT[request.kind]})
        except httpx.HTTPError as error:
            outcome.errors[(request.kind, f"{type(error).__name__}: {error}")] += 1
            continue
        elapsed = time.perf_counter() - start
        if response.status_code == 200:
            outcome.latencies[request.kind].append(elapsed)
        else:
            first_line = response.text.strip().splitlines()[0][:160] if response.text.strip() else ""
            outcome.errors[(request.kind, f"{response.status_code} {first_line}")] += 1


@dataclass(frozen=True)
class WarmUp:
    queries: float
    """Seconds taken to ask each ready query once."""
    settled: float
    """Seconds more until the server was done with its start-up work."""


def warm_up(server: LiveServer, base_uri: str) -> WarmUp:
    """Ask each ready query once, one after the other, however long it takes: the server keeps their answers
    until its store changes, as it would have them after an ingest. Then wait until the server is done with its
    start-up work (its search index, built in the background for half a minute on 20,000 projects), as a server
    that has been up for a while is."""
    start = time.perf_counter()
    with httpx.Client(base_url=server.url, timeout=None) as http:
        for query in ready_queries(base_uri):
            http.get("/sparql", params={"query": query.text}, headers={"Accept": ACCEPT[QUERY]}).raise_for_status()
    return WarmUp(time.perf_counter() - start, settle(server))


def load(server: LiveServer, requests: Iterator[Request], clients: int, seconds: float) -> Outcome:
    outcome = Outcome()

    async def run() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=120) as http:
            until = time.monotonic() + seconds
            await asyncio.gather(*(client(http, requests, until, outcome) for _ in range(clients)))

    cpu_before, client_before, start = cpu_seconds(server), time.process_time(), time.perf_counter()
    asyncio.run(run())
    outcome.seconds = time.perf_counter() - start
    outcome.server_cpu = cpu_seconds(server) - cpu_before
    outcome.client_cpu = time.process_time() - client_before
    return outcome


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def render(
    outcome: Outcome,
    *,
    data: Path,
    clients: int,
    query_share: float,
    settings: Settings,
    warmed: WarmUp | None,
    sample: int | None = None,
) -> str:
    rows = []
    for kind in ACCEPT:
        latencies = outcome.latencies[kind]
        answered, errors = len(latencies), outcome.error_count(kind)
        p50, p99 = (percentile(latencies, 0.5), percentile(latencies, 0.99)) if latencies else (0.0, 0.0)
        rows.append(
            f"| {kind} | {answered + errors:,} | {(answered + errors) / outcome.seconds:,.1f} | {_ms(p50)} "
            f"| {_ms(p99)} | {_ms(max(latencies, default=0.0))} | {errors:,} |"
        )
    total = sum(outcome.answered(k) for k in ACCEPT) + outcome.error_count()
    everything = [s for latencies in outcome.latencies.values() for s in latencies]
    rows.append(
        f"| **all** | {total:,} | {total / outcome.seconds:,.1f} | {_ms(percentile(everything, 0.5))} "
        f"| {_ms(percentile(everything, 0.99))} | {_ms(max(everything))} | {outcome.error_count():,} |"
    )
    dereferenced = [s for kind in DEREFERENCES for s in outcome.latencies[kind]]
    p99_dereference = percentile(dereferenced, 0.99) if dereferenced else float("inf")
    goals = [
        ("no error", outcome.error_count() == 0, f"{outcome.error_count():,} errors"),
        ("dereferences' p99 under 1 s", p99_dereference < 1.0, _ms(p99_dereference)),
    ]
    stats = DataDir(data).open_store(read_only=True)
    lines = [
        "# Load test",
        "",
        (
            f"{datetime.date.today().isoformat()}: {clients} concurrent clients for {outcome.seconds:.0f} s on "
            f"loopback, on {platform.machine()} with {os.cpu_count()} cores (client and server on the same machine), "
            f"Python {platform.python_version()}."
        ),
        "",
        (
            f"Store: `{data}`, {stats.triple_count():,} quads. Server: {settings.query_workers} query workers, query "
            f"timeout {settings.query_timeout:g} s, row cap {settings.max_rows:,}. Mix: a ready query with "
            f"probability {query_share:g} before each dereference, "
            + (
                "every resource's Turtle and HTML in turn. "
                if sample is None
                else f"the Turtle and HTML of {sample:,} resources in turn, over and over. "
            )
            + (
                "Cold start: the clients begin as soon as the server answers (`--cold`), while it builds its search "
                "index."
                if warmed is None
                else f"Warm: each ready query was asked once before the clients began ({warmed.queries:.1f} s in all; "
                "the server keeps their answers until its store changes), and the server was done with its start-up "
                f"work ({warmed.settled:.1f} s more)."
            )
        ),
        "",
        "| requests | sent | per second | p50 | p99 | max | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        (
            f"CPU over the run: server and its query workers {outcome.server_cpu:,.1f} s, client "
            f"{outcome.client_cpu:,.1f} s (of {outcome.seconds * (os.cpu_count() or 1):,.0f} s available)."
        ),
        "",
        "| goal | result | figure |",
        "|---|---|---|",
        *(f"| {goal} | {'met' if ok else '**missed**'} | {figure} |" for goal, ok, figure in goals),
    ]
    if outcome.errors:
        lines += ["", "Errors (most frequent first):", ""]
        lines += [f"- {n} × {kind}: `{text}`" for (kind, text), n in outcome.errors.most_common(ERRORS_SHOWN)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="data folder filled by `atlas-ld ingest`")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run (default 60)")
    parser.add_argument("--query-share", type=float, default=0.2, help="chance of a query before each dereference")
    parser.add_argument(
        "--base-uri", help="base URI the store was ingested with (default: read from the store's graph names)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the report goes (default benchmarks/out)")
    parser.add_argument(
        "--sample", type=int, help="cycle over this many resources (default: every one, each asked once per round)"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="start the clients at once, without asking the ready queries first or waiting for the start-up work",
    )
    args = parser.parse_args(argv)
    if not DataDir(args.data).has_store():
        raise SystemExit(f"no store in {args.data}: run `atlas-ld ingest --store {args.data} ...` first")
    args.out.mkdir(parents=True, exist_ok=True)

    args.base_uri = args.base_uri or stored_base_uri(args.data)
    requests = traffic(args.data, args.base_uri, args.query_share, args.sample)
    with live_server(args.data, base_uri=args.base_uri) as server:
        settings = Settings()
        warmed = None if args.cold else warm_up(server, args.base_uri)
        print(f"{args.clients} clients for {args.seconds:g} s against {server.url} ...", file=sys.stderr)
        outcome = load(server, requests, args.clients, args.seconds)
    server.log.unlink(missing_ok=True)

    report = render(
        outcome,
        data=args.data,
        clients=args.clients,
        query_share=args.query_share,
        settings=settings,
        warmed=warmed,
        sample=args.sample,
    )
    (args.out / "load-report.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()

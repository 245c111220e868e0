"""Scale-out benchmark: atlas-ld in front of `oxigraph serve` against the same work sent to it directly, and the
throughput of `serve --workers 2` against `--workers 1`.

    python benchmarks/bench_scale.py [--store DIR] [--pages 20000] [--runs 20] [--clients 8] [--seconds 15]

1. Oxigraph's server (`oxigraph serve-read-only`, union default graph) serves the store that `atlas-ld ingest`
   filled from the synthetic corpus; atlas-ld serves the same server as its store (`--store URL`). The ready
   queries go to both. Each dereference (`/data/….ttl` through atlas-ld) is set against the SPARQL queries that
   make it (`describe_resource`), sent straight to Oxigraph's server by the same code, with no atlas-ld server.
2. The embedded store, served with `--workers 1` then `--workers 2`: Turtle dereferences from 8 clients.

Goals: at most 1.3 times Oxigraph's latency; at least 1.6 times the throughput with two workers. Figures are
printed and written to benchmarks/out/scale-report.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import statistics
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

from bench_server import (  # noqa: E402
    NO_DEADLINE,
    TURTLE,
    QueryTiming,
    Throughput,
    find_or_make_store,
    hammer,
    oxigraph_server,
    percentile,
    sample_resources,
    stand_in,
    step,
    time_queries,
)
from support.liveserver import live_server  # noqa: E402

from atlas_ld.publish.describe import describe_resource  # noqa: E402
from atlas_ld.queries import ready_queries  # noqa: E402
from atlas_ld.store.remote import RemoteEndpoint, RemoteStore  # noqa: E402
from atlas_ld.uris import DEFAULT_BASE_URI, UriScheme  # noqa: E402

GOAL_REMOTE_RATIO = 1.3
GOAL_WORKERS_RATIO = 1.6


def time_dereferences(atlas_url: str, oxigraph_url: str, iris: list[str]) -> tuple[list[float], list[float]]:
    """Seconds per description: GET /data/….ttl through atlas-ld, and `describe_resource` straight to Oxigraph's
    server then serialised as Turtle; the two take turns, one client each."""
    uris = UriScheme(DEFAULT_BASE_URI)
    direct = RemoteStore(RemoteEndpoint.of(oxigraph_url))
    through, straight = [], []
    with httpx.Client(timeout=None) as client:
        for iri in iris[:20]:  # warm-up, for both
            client.get(atlas_url + uris.data_path(iri, "ttl")).raise_for_status()
            describe_resource(direct, uris, iri)
        for index, iri in enumerate(iris[20:]):
            def via_atlas() -> None:
                start = time.perf_counter()
                client.get(atlas_url + uris.data_path(iri, "ttl")).raise_for_status()
                through.append(time.perf_counter() - start)

            def via_oxigraph() -> None:
                start = time.perf_counter()
                triples = describe_resource(direct, uris, iri)
                assert triples, iri
                ox.serialize(triples, format=ox.RdfFormat.TURTLE)
                straight.append(time.perf_counter() - start)

            for measure in (via_atlas, via_oxigraph) if index % 2 == 0 else (via_oxigraph, via_atlas):
                measure()
    return through, straight


def workers_throughput(data: Path, paths: list[str], clients: int, seconds: float) -> dict[int, Throughput]:
    """Turtle dereferences on the embedded store with one and two server workers, each warmed up first."""
    found = {}
    half = len(paths) // 2
    for workers, (warm, measured) in ((1, (paths[:200], paths[400:half])), (2, (paths[200:400], paths[half:]))):
        # No kept answers: their background computing of the ready queries would take CPU from the measured run.
        with live_server(data, workers=workers, env={"ATLAS_LD_QUERY_CACHE_BYTES": "0"}) as server:
            hammer(server, "warm-up", warm, TURTLE, clients, 5)
            step(f"--workers {workers}: {clients} clients for up to {seconds:.0f} s")
            found[workers] = hammer(server, f"--workers {workers}", measured, TURTLE, clients, seconds)
    return found


def render(
    data: Path,
    queries: list[QueryTiming],
    dereferences: tuple[list[float], list[float]],
    workers: dict[int, Throughput],
) -> str:
    lines = [
        "# Scale-out benchmark",
        "",
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}; "
        f"store: {data}. Client and servers share the machine.",
        "",
        "## atlas-ld in front of `oxigraph serve`, against `oxigraph serve` directly",
        "",
        "| request | atlas-ld median (ms) | Oxigraph median (ms) | ratio | atlas-ld p95 | Oxigraph p95 | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for q in queries:
        ratio = statistics.median(q.atlas) / statistics.median(q.oxigraph)
        lines.append(
            f"| {q.name} ({q.rows} rows) | {statistics.median(q.atlas) * 1000:.1f} | "
            f"{statistics.median(q.oxigraph) * 1000:.1f} | {ratio:.2f} | {percentile(q.atlas, 0.95) * 1000:.1f} | "
            f"{percentile(q.oxigraph, 0.95) * 1000:.1f} | {'met' if ratio <= GOAL_REMOTE_RATIO else '**missed**'} |"
        )
    through, straight = dereferences
    ratio = statistics.median(through) / statistics.median(straight)
    lines.append(
        f"| dereference, Turtle ({len(through)} resources) | {statistics.median(through) * 1000:.1f} | "
        f"{statistics.median(straight) * 1000:.1f} | {ratio:.2f} | {percentile(through, 0.95) * 1000:.1f} | "
        f"{percentile(straight, 0.95) * 1000:.1f} | {'met' if ratio <= GOAL_REMOTE_RATIO else '**missed**'} |"
    )
    one, two = workers[1], workers[2]
    gain = two.per_second / one.per_second
    lines += [
        "",
        "The dereference's Oxigraph column is the SPARQL that makes the description (`describe_resource`), sent",
        "straight to Oxigraph's server from the benchmark's process, plus its Turtle serialisation.",
        "",
        "## `serve --workers 2` against `--workers 1` (embedded store, Turtle dereferences)",
        "",
        "| workers | requests/s | p50 (ms) | p99 (ms) | errors | server CPU (s) | client CPU (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in (one, two):
        errors = sum(n for status, n in t.statuses.items() if status != 200)
        lines.append(
            f"| {t.label} | {t.per_second:,.0f} | {percentile(t.latencies, 0.5) * 1000:.1f} | "
            f"{percentile(t.latencies, 0.99) * 1000:.1f} | {errors} | {t.server_cpu:.1f} | {t.client_cpu:.1f} |"
        )
    lines += [
        "",
        f"Two workers give {gain:.2f}× the throughput of one (goal {GOAL_WORKERS_RATIO}×: "
        f"{'met' if gain >= GOAL_WORKERS_RATIO else '**missed**'}).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="data folder (default: one ingested from the corpus)")
    parser.add_argument("--pages", type=int, default=20_000, help="corpus size when no --store (default 20,000)")
    parser.add_argument("--runs", type=int, default=20, help="most timed runs of each query on each server")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of timed runs per query and server")
    parser.add_argument("--dereferences", type=int, default=300, help="resources described on each side")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for the workers' throughput")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each throughput run")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="working folder (default benchmarks/out)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    data = find_or_make_store(args.store, args.pages, args.out)
    sample = sample_resources(data)
    queries = [stand_in(query, data) for query in ready_queries()]
    remote_data = args.out / "scale-remote-data"
    remote_data.mkdir(exist_ok=True)
    with oxigraph_server(data) as oxigraph_url:
        env = {**NO_DEADLINE, "ATLAS_LD_STORE": oxigraph_url, "ATLAS_LD_DATA_DIR": str(remote_data)}
        with live_server(remote_data, env=env) as atlas:
            timings = time_queries(atlas.url + "/sparql", oxigraph_url, queries, args.runs, args.budget)
            step(f"dereferences: {args.dereferences} resources each way")
            dereferences = time_dereferences(atlas.url, oxigraph_url, list(sample.iris[: args.dereferences + 20]))
    uris = UriScheme(DEFAULT_BASE_URI)
    workers = workers_throughput(data, [uris.data_path(iri, "ttl") for iri in sample.iris], args.clients, args.seconds)

    text = render(data, timings, dereferences, workers)
    (args.out / "scale-report.md").write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()

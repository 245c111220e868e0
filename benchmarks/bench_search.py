"""Search index benchmark: how long the accent-blind word index takes to build on a store, what a search costs
then, and the process's peak memory.

    python benchmarks/bench_search.py benchmarks/out/update-store-20000      # a data folder made by an ingest

The index is built once per store version, in the background after each write (`IndexWarmer`); this measures
that build and a few searches in this process, and writes benchmarks/out/search-report.md.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import DEFAULT_BASE_URI, UriScheme
from atlas_ld.web.views.faceted_search import SearchRequest, search
from atlas_ld.web.views.search_index import SearchIndex
from atlas_ld.web.views.store_queries import StoreQueries

HERE = Path(__file__).resolve().parent
WORDS = ("cooperation", "eau assainissement", "romans", "zzzz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a data folder (with oxigraph/ in it)")
    parser.add_argument("--base-uri", default=DEFAULT_BASE_URI)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    queries = StoreQueries(DataDir(args.data).open_store(read_only=True), UriScheme(args.base_uri))
    started = time.perf_counter()
    index = SearchIndex.of(queries)
    build = time.perf_counter() - started
    rows = []
    for words in WORDS:
        started = time.perf_counter()
        answer = search(SearchIndex.of(queries), SearchRequest.of({"q": words}))
        rows.append((words, time.perf_counter() - started, answer))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "# Search index benchmark",
        "",
        f"Store: {args.data} ({len(index.entries):,} projects)",
        "",
        f"Index build: {build:.1f} s; peak resident memory of the process (store included): {peak:,.0f} MB",
        "",
        "| words | search (s) |",
        "| --- | ---: |",
        *(f"| {words} | {seconds:.3f} |" for words, seconds, _ in rows),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search-report.md").write_text(report)


if __name__ == "__main__":
    main()

"""Update benchmark: `atlas-ld update` of 1, 100 and 1,000 changed pages on a store of the synthetic corpus,
next to the full ingest that made the store (dumps included in both).

    python benchmarks/bench_update.py [--pages 20000] [--changes 1,100,1000] [--rounds 2]

The corpus is served by a stand-in site on loopback (standard library, ETag and 304 like the live Atlas); each
round changes the title of the chosen pages, then runs `atlas-ld update --ids <those ids>` as an operator would, in
its own process, and times it end to end (start-up, harvest, ingest, versions kept, dumps refreshed). A check
after each round: the new title is in the N-Quads dump. The figures are printed and written, with a plot, to
benchmarks/out/update-report.md and update.png.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from corpus import write_corpus  # noqa: E402

GOAL_ONE_PAGE = 5.0
SITE_PATH = "/cncdext/dyn/public/atlas/"
ATLAS_LD = [sys.executable, "-m", "atlas_ld"]


class Site:
    """The corpus as the live Atlas serves it: one page per id, with an ETag; `changed` overrides pages."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self.changed: dict[int, bytes] = {}
        self.url = ""

    def body(self, prj_id: int) -> bytes | None:
        if prj_id in self.changed:
            return self.changed[prj_id]
        path = self.corpus / f"{prj_id}.txt"
        return path.read_bytes() if path.exists() else None


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", {})
            ids = parse_qs(parts.query).get("criteres.prjId", [])
            body = site.body(int(ids[0])) if ids and ids[0].isdigit() else None
            if body is None:
                return self._send(404, b"not here", {})
            etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", {"ETag": etag})
            return self._send(200, body, {"ETag": etag, "Content-Type": "text/plain; charset=utf-8"})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def retitled(page: bytes, title: str) -> bytes:
    """The page with its project title (the line after the first "Titre") replaced."""
    return re.sub(rb"(?m)^Titre\n[^\n]*", b"Titre\n" + title.encode(), page, count=1)


def timed(arguments: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(arguments[:4])}... failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, done.stdout


def stage_times(output: str) -> str:
    found = re.search(r"^time: (.*)$", output, re.MULTILINE)
    return found.group(1) if found else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--changes", default="1,100,1000")
    parser.add_argument("--rounds", type=int, default=2, help="Rounds of each size; the report gives each.")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    sizes = [int(n) for n in args.changes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.out / f"corpus-{args.pages}"
    data = args.out / f"update-store-{args.pages}"
    print(f"corpus of {args.pages} pages in {corpus}", flush=True)
    facts = write_corpus(corpus, args.pages)
    ids = [f.prj_id for f in facts]
    if data.exists():
        subprocess.run(["rm", "-rf", str(data)], check=True)
    print("full ingest (dumps included)...", flush=True)
    full, output = timed([*ATLAS_LD, "ingest", str(corpus), "--store", str(data)])
    print(f"  {full:.1f} s   {stage_times(output)}", flush=True)

    rows: list[tuple[int, int, float, str]] = []
    site = Site(corpus)
    with serving(site):
        for size in sizes:
            for round_ in range(1, args.rounds + 1):
                chosen = ids[(size * round_) % len(ids):][:size] or ids[:size]
                title = f"Titre changé {size}-{round_}-{time.time_ns()}"
                for prj_id in chosen:
                    site.changed[prj_id] = retitled(site.body(prj_id) or b"", f"{title} {prj_id}")
                spec = ",".join(str(i) for i in chosen)
                wall, output = timed([*ATLAS_LD, "update", "--store", str(data), "--site", site.url, "--rate", "2000",
                                      "--ids", spec])
                dump = gzip.decompress((data / "dumps" / "atlas.nq.gz").read_bytes()).decode()
                if f"{title} {chosen[0]}" not in dump:
                    sys.exit(f"the new title of {chosen[0]} is not in the N-Quads dump")
                rows.append((size, round_, wall, stage_times(output)))
                print(f"update of {size:>5} changed pages, round {round_}: {wall:6.2f} s   {stage_times(output)}",
                      flush=True)

    void = void_seconds(data)
    print(f"VoID statistics recounted after the last update: {void:.2f} s", flush=True)
    report = render(args.pages, full, rows, void)
    (args.out / "update-report.md").write_text(report)
    plot(args.out / "update.png", args.pages, full, rows)
    print(f"\nreport: {args.out / 'update-report.md'}, plot: {args.out / 'update.png'}")


def void_seconds(data: Path) -> float:
    """What the first /.well-known/void after an update costs: its statistics counted again over the store."""
    script = (
        "import sys, time; from pathlib import Path; from atlas_ld.store.embedded import EmbeddedStore; "
        "from atlas_ld.publish.void import dataset_statistics; from atlas_ld.uris import UriScheme, DEFAULT_BASE_URI; "
        "store = EmbeddedStore(Path(sys.argv[1]), read_only=True); t = time.perf_counter(); "
        "dataset_statistics(store, UriScheme(DEFAULT_BASE_URI)); print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(data / "oxigraph")], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.split()[-1])


def render(pages: int, full: float, rows: list[tuple[int, int, float, str]], void: float) -> str:
    ones = [wall for size, _, wall, _ in rows if size == 1]
    verdict = "met" if ones and max(ones) <= GOAL_ONE_PAGE else "missed"
    lines = [
        "# Update benchmark",
        "",
        f"Store of {pages:,} synthetic projects; {os.cpu_count()} CPUs. Each update runs as `atlas-ld update --ids "
        "<the changed ids>` in its own process, start-up included, dumps refreshed.",
        "",
        "| run | wall (s) | times of the ingest stages |",
        "| --- | ---: | --- |",
        f"| full ingest of {pages:,} pages, dumps included | {full:.1f} | |",
        *(f"| update, {size:,} changed pages (round {r}) | {wall:.2f} | {stages} |" for size, r, wall, stages in rows),
        "",
        f"Goal: one changed page in at most {GOAL_ONE_PAGE:.0f} s end to end: {verdict} "
        f"(worst of {len(ones)} runs: {max(ones, default=float('nan')):.2f} s).",
        "",
        f"VoID: the statistics are counted again on the first `/.well-known/void` after a write (then kept until the "
        f"next one): {void:.2f} s on this store, on top of the update.",
    ]
    return "\n".join(lines) + "\n"


def plot(path: Path, pages: int, full: float, rows: list[tuple[int, int, float, str]]) -> None:
    """Wall time per run, log scale: an update next to the full ingest it replaces."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot")
        return
    labels = [f"full ingest\n{pages:,} pages"] + [f"update\n{size:,} (round {r})" for size, r, _, _ in rows]
    values = [full] + [wall for _, _, wall, _ in rows]
    figure, axis = plt.subplots(figsize=(max(6, len(values) * 1.1), 4))
    bars = axis.bar(labels, values, color=["#888"] + ["#2a6ebb"] * len(rows))
    axis.bar_label(bars, fmt="%.1f s", fontsize=8)
    axis.axhline(GOAL_ONE_PAGE, color="#c33", linestyle="--", linewidth=1, label=f"goal for one page: {GOAL_ONE_PAGE:.0f} s")
    axis.set_yscale("log")
    axis.set_ylabel("wall time (s, log scale)")
    axis.set_title("atlas-ld update against a full ingest")
    axis.legend(fontsize=8)
    axis.tick_params(axis="x", labelsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


if __name__ == "__main__":
    main()

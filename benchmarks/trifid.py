"""Trifid, Zazuko's linked-data server, as the yardstick for atlas-ld's dereferencing in the server benchmark.

Trifid answers `GET /id/project/N` from a SPARQL endpoint: it maps the request URL onto the dataset's IRI
(`datasetBaseUrl`), asks `ASK { <iri> ?p ?o }`, then `DESCRIBE <iri>`, and serialises the answer (Turtle, ...)
or renders it as HTML with its entity renderer. Here it runs on loopback in front of `oxigraph serve-read-only`
on the same store as atlas-ld, with only what dereferencing needs: the entity renderer (no label loader, no
redirect lookup), no SPARQL proxy, YASGUI or graph explorer, OpenTelemetry off and logging at `warn`.

Trifid also rewrites the base URI in its answers to the origin it is asked on: the Turtle of
`http://127.0.0.1:PORT/id/project/N` names `http://127.0.0.1:PORT/id/project/N`, not the base URI's IRI. With
`X-Forwarded-Proto: https` and `X-Forwarded-Host: atlas.example.org` (Trifid trusts them, as behind a TLS proxy)
it is asked on the base URI's own origin, and its answers name `https://atlas.example.org/id/project/N`.

The pinned version comes from the npm registry into benchmarks/out/trifid (which git ignores); Node.js and npm
are needed. By hand, from the repository root, with a data folder filled by `atlas-ld ingest`:

    .venv/bin/python -c 'if True:
        import sys, time; sys.path[:0] = ["benchmarks"]
        from pathlib import Path
        from bench_server import oxigraph_server
        from trifid import DEFAULT_FOLDER, trifid_server
        with oxigraph_server(Path("benchmarks/out/update-store-20000")) as sparql, \\
                trifid_server(sparql, "https://atlas.example.org/", DEFAULT_FOLDER) as root:
            print(root, flush=True); time.sleep(3600)  # Ctrl-C stops both servers
    '
    wrk -t1 -c8 -d10s -H 'Accept: text/turtle' http://127.0.0.1:PORT/id/project/N   # from another shell
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

TRIFID_VERSION = "5.3.0"  # the newest 5.x on the npm registry
ENTITY_RENDERER_VERSION = "1.6.1"  # the one trifid 5.3.0 depends on, named so that the config finds it
DEFAULT_FOLDER = Path(__file__).resolve().parent / "out" / "trifid"
_START_SECONDS = 60.0
# trifid-core starts OpenTelemetry on import (OTLP exporters to localhost:4318, a span recorded for every request):
# its SDK is switched off, as nothing here collects it (the instrumentation hooks stay, as no-ops).
_ENVIRONMENT = {"OTEL_SDK_DISABLED": "true"}


def _installed_version(folder: Path) -> str | None:
    """The version of trifid under `folder`, None if there is none."""
    try:
        return str(json.loads((folder / "node_modules/trifid/package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def install_trifid(folder: Path = DEFAULT_FOLDER) -> Path:
    """Trifid's executable under `folder`, installed with npm first unless the pinned version is there already.

    Pinned, so that the figures compare with the same Trifid from one run to the next.
    """
    executable = folder / "node_modules" / ".bin" / "trifid"
    if _installed_version(folder) == TRIFID_VERSION and executable.exists():
        return executable
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("no `npm` command: the Trifid benchmark needs Node.js and npm (see benchmarks/README.md)")
    folder.mkdir(parents=True, exist_ok=True)
    packages = [f"trifid@{TRIFID_VERSION}", f"@zazuko/trifid-entity-renderer@{ENTITY_RENDERER_VERSION}"]
    command = [npm, "install", "--prefix", str(folder), "--save-exact", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run([*command, *packages], check=True)
    return executable


def trifid_config(sparql_url: str, base_uri: str, port: int) -> dict[str, object]:
    """The smallest Trifid configuration that dereferences the IRIs under `base_uri` from `sparql_url`."""
    return {
        "server": {"listener": {"host": "127.0.0.1", "port": port}, "logLevel": "warn", "logFormat": "json"},
        # datasetBaseUrl: http://127.0.0.1:PORT/id/... is looked up as {base_uri}id/...; the renderer's queries
        # go straight to Oxigraph (not through a Trifid SPARQL proxy, one hop less).
        "globals": {"datasetBaseUrl": base_uri, "endpoints": {"default": {"url": sparql_url}}},
        "plugins": {
            "entity-renderer": {
                "module": "@zazuko/trifid-entity-renderer",
                # resourceNoSlash: no container lookup; no redirect query; no label loader (it asks for the
                # schema:name of every IRI in the answer, and the store has none): ASK and DESCRIBE only.
                "config": {"resourceNoSlash": True, "followRedirects": False},
            },
        },
    }


def _free_port() -> int:
    """A port of 127.0.0.1 free at the time of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def trifid_server(sparql_url: str, base_uri: str, folder: Path = DEFAULT_FOLDER) -> Iterator[str]:
    """Trifid on a free port of 127.0.0.1 in front of `sparql_url`, until the block ends; yields its root URL."""
    executable = install_trifid(folder)
    port = _free_port()
    config = folder / f"config-{port}.json"
    config.write_text(json.dumps(trifid_config(sparql_url, base_uri, port), indent=2) + "\n")
    log_path = folder / f"trifid-{port}.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(executable), "--config", str(config)], cwd=folder, env={**os.environ, **_ENVIRONMENT},
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + _START_SECONDS
            while True:
                if process.poll() is not None:
                    output = log_path.read_text(errors="replace").strip()
                    raise RuntimeError(f"trifid exited with {process.returncode}:\n{output}")
                try:
                    if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"trifid did not answer in time:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            config.unlink(missing_ok=True)
            if log_path.stat().st_size == 0:
                log_path.unlink()  # kept when Trifid had something to say

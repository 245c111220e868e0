"""A real atlas-ld server for tests: `atlas_ld.web.server.serve` in its own process, on 127.0.0.1 and a free port.

    with live_server(data_dir, update_token="secret") as server:
        httpx.get(server.url + "/sparql", params={"query": "ASK {}"})

`data_dir` is a data folder (`--store DIR`): fill `DataDir(data_dir).oxigraph` with pyoxigraph, and close the
store, before starting. Settings go through the environment, as in production (`ATLAS_LD_*`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from atlas_ld.store.datadir import DataDir
from support import ROOT

_START_SECONDS = 30.0
_STOP_SECONDS = 10.0
_LAUNCH = (
    "import sys; from atlas_ld.settings import Settings; from atlas_ld.web.server import serve; "
    "serve(Settings(), host=sys.argv[1], port=int(sys.argv[2]), workers=int(sys.argv[3]))"
)


@dataclass(frozen=True)
class LiveServer:
    url: str
    """Where it listens, without a trailing slash: http://127.0.0.1:PORT"""
    log: Path
    """What the server printed (uvicorn's log, tracebacks)."""
    pid: int
    """The server's process, e.g. to read its CPU time in /proc."""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def processes(self) -> list[int]:
        """The server and every process it started, at any depth (its query workers among them); Linux."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = _stat_fields(stat.read_text())
                pid, parent = int(fields[0]), int(fields[3])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            children.setdefault(parent, []).append(pid)
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def cpu_use(self, seconds: float = 1.0) -> float:
        """CPU time (user and system) per second that the server and its processes use over the next `seconds`.

        A process started meanwhile counts for all it used; one that ends meanwhile is left out, so measure
        after the moment a query worker should have been stopped, not across it.
        """
        before = self._ticks()
        time.sleep(seconds)
        after = self._ticks()
        used = sum(t - before.get(pid, 0) for pid, t in after.items())
        return used / os.sysconf("SC_CLK_TCK") / seconds

    def _ticks(self) -> dict[int, int]:
        ticks = {}
        for pid in self.processes():
            try:
                fields = _stat_fields(Path(f"/proc/{pid}/stat").read_text())
            except OSError:
                continue
            ticks[pid] = int(fields[13]) + int(fields[14])
        return ticks


def _stat_fields(stat: str) -> list[str]:
    """The fields of /proc/PID/stat, numbered as in proc(5) from 0; the command name may hold spaces."""
    pid, rest = stat.split(" (", 1)
    command, after = rest.rsplit(")", 1)
    return [pid, command, *after.split()]


def write_store(data_dir: Path, trig: str) -> None:
    """Fill the data folder's store with the named graphs of a TriG document, then close it for a server to open."""
    store = DataDir(data_dir).open_store()
    store.replace_graphs(graphs_of(trig))
    store.flush()
    del store


def graphs_of(trig: str) -> dict[str, list[ox.Triple]]:
    """The named graphs of a TriG document, as `GraphStore.replace_graphs` takes them."""
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(trig.encode(), ox.RdfFormat.TRIG):
        assert isinstance(quad.graph_name, ox.NamedNode), "test data goes in named graphs, as ingested data does"
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return graphs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(
    data_dir: Path,
    *,
    update_token: str | None = None,
    base_uri: str | None = None,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
) -> Iterator[LiveServer]:
    """Start a server on `data_dir`, wait until it answers, stop it on exit.

    With `update_token`, updates are on (`ATLAS_LD_ENABLE_UPDATE`) and the token is passed in the environment.
    `env` adds or overrides any other `ATLAS_LD_*` setting. `workers` is `atlas-ld serve --workers`.
    """
    host, port = "127.0.0.1", free_port()
    settings_env = {"ATLAS_LD_STORE": str(data_dir)}
    if update_token is not None:
        settings_env |= {"ATLAS_LD_ENABLE_UPDATE": "1", "ATLAS_LD_UPDATE_TOKEN": update_token}
    if base_uri is not None:
        settings_env["ATLAS_LD_BASE_URI"] = base_uri
    process_env = {**os.environ, **settings_env, **(env or {})}
    log = data_dir.parent / f"server-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, host, str(port), str(workers)],
            env=process_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    server = LiveServer(f"http://{host}:{port}", log, process.pid)
    try:
        _wait_until_ready(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(server: LiveServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.url + "/openapi.json", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {_START_SECONDS} s:\n{server.log_tail()}")

"""`atlas-ld serve --workers N`: the connections are spread over the worker processes, and they stop together."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
from support.example_data import ingest_examples
from support.liveserver import live_server

WORKERS = 2
CONNECTIONS = 16


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name: state, parent, ... (fields 3 onwards of proc(5))."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _ticks(pid: int) -> int:
    """CPU time used so far by a process, in clock ticks (utime + stime)."""
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12])


def test_kept_alive_connections_are_spread_over_the_workers(tmp_path: Path) -> None:
    """Sixteen clients connect at once and keep their connections (as a reverse proxy does): every worker serves
    some. Each worker has a socket of its own on the port, and the kernel hands each new connection to one of them;
    on one shared socket, the first worker to wake would accept them all."""
    data = ingest_examples(tmp_path)
    with live_server(data.root, workers=WORKERS) as server:
        # The server's own children: its workers (and multiprocessing's resource tracker, which stays idle).
        children = [pid for pid in server.processes() if int(_stat(pid)[1]) == server.pid]
        before = {pid: _ticks(pid) for pid in children}
        asyncio.run(_dereference_from_many_connections(server.url))
        used = {pid: _ticks(pid) - before[pid] for pid in children}
    total = sum(used.values())
    busy = [pid for pid, ticks in used.items() if ticks >= 0.15 * total]
    assert len(busy) == WORKERS, f"CPU ticks per child process: {used}"


async def _dereference_from_many_connections(url: str) -> None:
    async def one_client() -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=url, headers={"Accept": "text/turtle"}, limits=limits) as client:
            for _ in range(15):
                assert (await client.get("/data/project/12523.ttl")).status_code == 200

    await asyncio.gather(*(one_client() for _ in range(CONNECTIONS)))


def test_the_workers_stop_with_the_server(tmp_path: Path) -> None:
    data = ingest_examples(tmp_path)
    with live_server(data.root, workers=WORKERS) as server:
        processes = server.processes()
        assert len(processes) > WORKERS
    # The server got SIGTERM and has exited: the processes it started end with it (its workers' query processes
    # a moment later, once they see their parent gone).
    deadline = time.monotonic() + 10
    while left := [pid for pid in processes if _state(pid) != "Z"]:
        assert time.monotonic() < deadline, f"still running: {left}"
        time.sleep(0.1)


def _state(pid: int) -> str:
    try:
        return _stat(pid)[0]
    except OSError:
        return "Z"



def test_a_worker_that_dies_stops_the_server(tmp_path: Path) -> None:
    """A worker killed (out of memory, say) takes the server down with it, for the service manager to restart it
    whole, rather than leaving it running at half its workers."""
    data = ingest_examples(tmp_path)
    with live_server(data.root, workers=WORKERS) as server:
        workers = [pid for pid in server.processes() if int(_stat(pid)[1]) == server.pid and _is_worker(pid)]
        assert len(workers) == WORKERS
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 15
        while _state(server.pid) != "Z":
            assert time.monotonic() < deadline, "the server still runs with one worker gone"
            time.sleep(0.1)
        assert "a server worker stopped on its own" in server.log.read_text()


def _is_worker(pid: int) -> bool:
    return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()

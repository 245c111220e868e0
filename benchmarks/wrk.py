"""wrk (Debian's package) as the load generator of the warm passes: its C client costs the 2-core machine far less
than a Python one, so the fastest servers are measured rather than the client.

    run_wrk("http://127.0.0.1:8000", paths, accept="text/turtle", connections=8, seconds=15)

The requests cycle over `paths` (one shared counter for every connection), each with the given headers; the
figures come back from wrk's `done` hook as JSON: requests, seconds, errors by kind, non-2xx/3xx answers and the
latency percentiles.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = r"""
local paths = {}
for line in io.lines(%(paths)s) do paths[#paths + 1] = line end
local headers = %(headers)s
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[((i - 1) %% #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRK-JSON {"requests": %%d, "micros": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d, "p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, "bytes": %%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, summary.bytes))
end
"""


@dataclass(frozen=True)
class WrkRun:
    """What wrk measured; latencies in seconds."""

    requests: int
    seconds: float
    errors: int
    not_ok: int
    p50: float
    p90: float
    p99: float
    body_bytes: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def _lua_table(headers: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()) + "}"


def run_wrk(
    url: str, paths: Sequence[str], headers: Mapping[str, str], *, connections: int = 8, seconds: float = 15.0
) -> WrkRun:
    """`connections` keep-alive connections on one wrk thread (the other core is the server's) for `seconds`."""
    executable = shutil.which("wrk")
    if executable is None:
        raise SystemExit("no `wrk` command: install Debian's wrk package (see benchmarks/README.md)")
    with tempfile.TemporaryDirectory(prefix="wrk-") as folder:
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        script = Path(folder) / "cycle.lua"
        script.write_text(_SCRIPT % {"paths": json.dumps(str(listing)), "headers": _lua_table(headers)})
        command = [executable, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script), url]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
    f = json.loads(line.removeprefix("WRK-JSON "))
    errors = f["connect"] + f["read"] + f["write"] + f["timeout"]
    return WrkRun(
        f["requests"], f["micros"] / 1e6, errors, f["status"], f["p50"] / 1e6, f["p90"] / 1e6, f["p99"] / 1e6,
        f["bytes"],
    )

"""The settings on the command line, run for real: the flags made from Settings, their help, --version, and
`serve` on a port already taken."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from support.cli import run, runner, unboxed

from atlas_ld.commands import base as commands_base
from atlas_ld.bundled import examples_dir
from atlas_ld.cli import app
from atlas_ld.settings import Settings
from atlas_ld.web import server

BASE = "https://atlas.example.org/"




def _console_script() -> Path:
    return Path(sys.executable).with_name("atlas-ld")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding one example page."""
    root = tmp_path_factory.mktemp("flags") / "atlas-data"
    code, output = run(
        "ingest", "--store", str(root), "--base-uri", BASE, "--no-dumps", str(examples_dir() / "12523.txt")
    )
    assert code == 0, output
    return root


def test_version() -> None:
    code, output = run("--version")
    assert (code, output.strip()) == (0, f"atlas-ld {version('atlas-ld')}")


COMMANDS = ("ingest", "validate", "dump", "stats", "serve")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_real_defaults_and_plain_metavars(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120", "TERMINAL_WIDTH": "120"})
    assert result.exit_code == 0
    text = unboxed(result.output)  # help wrapped in a box, made one line
    for typer_type in ("<bool>", "<str>", "<int", "<float>", "<list[", "<Path>", "<turtle"):
        assert typer_type not in text
    assert "[default: (" not in text and "($ATLAS_LD" not in text
    assert "--store DIR|URL" in text and "--base-uri URI" in text
    assert "[env: ATLAS_LD_BASE_URI; default: https://atlas.example.org/]" in text
    assert "[env: ATLAS_LD_STORE; default: atlas-data]" in text
    assert "ATLAS_LD_UPDATE_TOKEN" not in text  # a secret has no flag


SERVE_FLAGS = {
    "query_timeout": "--query-timeout",
    "max_rows": "--max-rows",
    "query_workers": "--query-workers",
    "query_cache_bytes": "--cache-bytes",
    "page_cache_bytes": "--page-cache-bytes",
    "page_threads": "--page-threads",
    "cors_origins": "--cors-origins",
    "max_body_bytes": "--max-body-bytes",
    "max_url_length": "--max-url-length",
    "max_header_bytes": "--max-header-bytes",
    "service_allowlist": "--service-allowlist",
    "enable_update": "--enable-update",
    "store_update_url": "--store-update-url",
    "store_graph_store_url": "--store-graph-store-url",
    "store_union_parameters": "--store-union-parameters",
    "data_dir": "--data-dir",
}


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Settings, dict[str, object]]]:
    """What `atlas-ld serve` hands the server: the settings, the address and the number of workers."""
    calls: list[tuple[Settings, dict[str, object]]] = []
    monkeypatch.setattr(server, "serve", lambda settings, **address: calls.append((settings, address)))
    for name in Settings.model_fields:
        monkeypatch.delenv(Settings.variable(name), raising=False)
    return calls


def test_every_tuned_setting_is_a_flag_of_serve(served: list[tuple[Settings, dict[str, object]]]) -> None:
    code, output = run(
        "serve", "--port", "8123", "--query-timeout", "2.5", "--max-rows", "7", "--query-workers", "3",
        "--cache-bytes", "0", "--cors-origins", "https://a.example https://b.example", "--max-body-bytes", "10",
        "--max-url-length", "20", "--max-header-bytes", "30", "--service-allowlist", "http://s.example/sparql",
        "--enable-update", "--store", "http://127.0.0.1:7878/query", "--base-uri", BASE,
        "--store-update-url", "http://127.0.0.1:7878/update", "--store-graph-store-url", "http://127.0.0.1:7878/store",
        "--store-union-parameters", "union-default-graph", "--data-dir", "elsewhere", "--page-threads", "16",
    )  # fmt: skip
    assert code == 0, output
    [(settings, address)] = served
    assert address == {"host": "127.0.0.1", "port": 8123, "workers": 1}
    assert settings == Settings(
        query_timeout=2.5, max_rows=7, query_workers=3, query_cache_bytes=0,
        cors_origins=("https://a.example", "https://b.example"), max_body_bytes=10, max_url_length=20,
        max_header_bytes=30, service_allowlist=("http://s.example/sparql",), enable_update=True,
        store="http://127.0.0.1:7878/query", base_uri=BASE, store_update_url="http://127.0.0.1:7878/update",
        store_graph_store_url="http://127.0.0.1:7878/store", store_union_parameters="union-default-graph",
        data_dir=Path("elsewhere"), page_threads=16,
    )  # fmt: skip
    assert settings.remote_store == "http://127.0.0.1:7878/query"
    assert set(SERVE_FLAGS.values()) <= {flag for flag in map(Settings.flag, Settings.model_fields) if flag}
    assert {name for name in Settings.flags("serve")} == {*SERVE_FLAGS, "store", "base_uri"}


def test_a_flag_left_out_does_not_override_the_environment(
    served: list[tuple[Settings, dict[str, object]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATLAS_LD_MAX_ROWS", "9")
    monkeypatch.setenv("ATLAS_LD_CORS_ORIGINS", "https://env.example")
    monkeypatch.setenv("ATLAS_LD_ENABLE_UPDATE", "1")
    code, output = run("serve", "--max-rows", "100000")  # the default, given: it beats the environment
    assert code == 0, output
    settings = served[-1][0]
    assert settings.max_rows == 100_000
    assert settings.cors_origins == ("https://env.example",) and settings.enable_update is True
    assert settings.query_timeout == 30.0  # neither flag nor variable: the default
    monkeypatch.setenv("ATLAS_LD_MAX_ROWS", "many")
    code, output = run("serve")
    assert code == 2 and "ATLAS_LD_MAX_ROWS" in output


def test_dump_takes_base_uri_and_it_reaches_the_opening_of_the_store(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a SPARQL server, the store dumps the graphs under the base: the base of the command line."""
    opened: list[Settings] = []
    real_open = commands_base.open_store

    def open_store(settings: Settings, *, read_only: bool) -> object:
        opened.append(settings)
        return real_open(settings, read_only=read_only)

    monkeypatch.setattr(commands_base, "open_store", open_store)
    base = "https://data.example.test/atlas/"
    result = runner.invoke(app, ["dump", "--store", str(data_dir), "--base-uri", base, "--format", "nquads"])
    assert result.exit_code == 0
    assert [settings.base_uri for settings in opened] == [base]
    code, output = run("dump", "--store", str(data_dir), "--base-uri", "atlas data", "--format", "nquads")
    assert code == 2 and "not an absolute http(s) URI" in output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_one_line_and_a_failing_exit(data_dir: Path, tmp_path: Path, workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [str(_console_script()), "serve", "--store", str(data_dir), "--port", str(port), "--workers", workers]
        result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0] and "--port" in lines[0]
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr


def test_updates_on_the_embedded_store_take_one_worker(data_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ATLAS_LD_UPDATE_TOKEN": "secret"}
    command = [str(_console_script()), "serve", "--store", str(data_dir), "--workers", "2", "--enable-update"]
    result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=tmp_path, timeout=60, env=env)
    assert result.returncode == 1
    assert "only one process may write it" in result.stderr and "Traceback" not in result.stderr

"""The `atlas-ld` command, run for real: in-process through typer's runner, and as a separate process."""

from __future__ import annotations

import gzip
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from support.cli import run, runner, unboxed

from atlas_ld.bundled import examples_dir
from atlas_ld.cli import app
from atlas_ld.publish.dumps import current_dumps
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme

BASE = "https://atlas.example.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}




@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`atlas-ld ingest --examples` into a fresh data folder, as the README's first command, and what it printed."""
    root = tmp_path_factory.mktemp("cli") / "atlas-data"
    code, output = run("ingest", "--store", str(root), "--base-uri", BASE, "--examples")
    assert code == 0, output
    return root, output


@pytest.fixture
def data_dir(ingested: tuple[Path, str]) -> Path:
    return ingested[0]


def stored_quads(root: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(DataDir(root).oxigraph))
    return set(store)


def test_ingest_prints_a_summary_with_warnings_by_file_and_line(ingested: tuple[Path, str]) -> None:
    output = ingested[1]
    assert "5 pages read, 5 records stored, 6 warnings, 0 records rejected, 0 pages not read" in output
    examples = examples_dir()
    assert f"{examples / '15635.txt'}:19: malformed e-mail address 'gregor.trumel@diplomatie.gouv..fr' kept as written" in output
    assert f"{examples / '6099.txt'}:37: page cut short (no footer)" in output
    assert re.search(r"time: parse [0-9.]+ s, map [0-9.]+ s, validate [0-9.]+ s, store [0-9.]+ s", output)
    assert f"dumps: atlas.ttl.gz, atlas.nt.gz, atlas.nq.gz, atlas.jsonld.gz in {ingested[0] / 'dumps'}" in output


def test_ingest_writes_the_store_and_the_dumps_into_the_data_folder(data_dir: Path) -> None:
    data = DataDir(data_dir)
    assert data.has_store()
    names = sorted(p.name for p in data.dumps.iterdir() if not p.name.startswith("."))
    assert names == ["atlas.jsonld.gz", "atlas.nq.gz", "atlas.nt.gz", "atlas.ttl.gz"]
    dumped = set(ox.parse(gzip.decompress((data.dumps / "atlas.nq.gz").read_bytes()), ox.RdfFormat.N_QUADS))
    assert dumped == stored_quads(data_dir)


def test_stats_counts_what_the_example_pages_hold(data_dir: Path) -> None:
    code, output = run("stats", "--store", str(data_dir), "--base-uri", BASE)
    assert code == 0
    counts = {name: int(count) for name, count in re.findall(r"│ (\w+)\s+│ (\d+)\s+│", output)}
    triples = len(stored_quads(data_dir))
    # Posts: Tunis (12523 and 15077), Ouagadougou, Bruxelles, Alger, Conakry. Authorities: El Jem and Romans.
    # Countries: Tunisia and France. Observations: the six lines of 12523 and its two "1% Eau" amounts.
    assert counts == {
        "projects": 5,
        "authorities": 2,
        "posts": 5,
        "countries": 2,
        "observations": 8,
        "triples": triples,
    }


@pytest.mark.parametrize("format_name", sorted(RDF_FORMATS))
def test_dump_writes_a_file_that_parses_back_to_the_store(data_dir: Path, tmp_path: Path, format_name: str) -> None:
    target = tmp_path / f"dump.{format_name}"
    code, output = run("dump", "--store", str(data_dir), "--format", format_name, "-o", str(target))
    assert (code, output) == (0, "")
    parsed = set(ox.parse(path=target, format=RDF_FORMATS[format_name]))
    stored = stored_quads(data_dir)
    if RDF_FORMATS[format_name].supports_datasets:
        assert parsed == stored
    else:  # Turtle and N-Triples hold the union of the graphs
        assert {q.triple for q in parsed} == {q.triple for q in stored}
        assert {q.graph_name for q in parsed} == {ox.DefaultGraph()}


def test_dump_to_standard_output_with_gzip(data_dir: Path) -> None:
    result = runner.invoke(app, ["dump", "--store", str(data_dir), "--format", "nquads", "--gzip"])
    assert result.exit_code == 0
    assert result.stdout_bytes[:2] == b"\x1f\x8b"
    assert set(ox.parse(gzip.decompress(result.stdout_bytes), ox.RdfFormat.N_QUADS)) == stored_quads(data_dir)


def test_validate_reports_what_is_stored_and_fails_on_a_violation(data_dir: Path, tmp_path: Path) -> None:
    code, output = run("validate", "--store", str(data_dir), "--base-uri", BASE)
    assert code == 0
    assert "5 project graph(s) checked: 0 rejected, 0 violation(s), 1 warning(s)." in output
    assert "project 15635 (kept)" in output
    # A fault slipped into the stored graph of 12523 behind the pipeline's back.
    damaged = tmp_path / "damaged"
    shutil.copytree(data_dir, damaged)
    store = DataDir(damaged).open_store()
    uris = UriScheme(BASE)
    store.update(
        f"DELETE WHERE {{ GRAPH <{uris.project_graph(12523)}> {{ <{uris.project(12523)}> "
        "<http://purl.org/dc/terms/title> ?title }}"
    )
    del store
    code, output = run("validate", "--store", str(damaged), "--base-uri", BASE)
    assert code == 1
    assert "project 12523 (rejected)" in output and "title" in output


def test_validate_ties_a_fault_in_the_shared_graph_to_the_projects_that_rely_on_it(
    data_dir: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(data_dir, damaged)
    store = DataDir(damaged).open_store()
    uris = UriScheme(BASE)
    el_jem = uris.authority("El Jem", "TUN")  # a partner on page 12523 only
    store.update(f"DELETE WHERE {{ GRAPH <{uris.graph('shared')}> {{ <{el_jem}> <{RDFS_LABEL}> ?name }} }}")
    del store
    code, output = run("validate", "--store", str(damaged), "--base-uri", BASE)
    assert code == 1
    assert "5 project graph(s) checked: 1 rejected" in output
    assert "- project 12523 (rejected):" in output
    assert f"<{el_jem}> {RDFS_LABEL}" in output
    assert "shared graphs" not in output


def test_settings_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_LD_STORE", str(tmp_path / "from-env"))
    monkeypatch.setenv("ATLAS_LD_BASE_URI", "https://data.example.test/atlas/")
    code, output = run("ingest", "--no-dumps", str(examples_dir() / "12523.txt"))
    assert code == 0, output
    subjects = {q.subject.value for q in stored_quads(tmp_path / "from-env")}
    assert "https://data.example.test/atlas/id/project/12523" in subjects
    code, output = run("stats")
    assert re.search(r"│ projects\s+│ 1\s+│", output)


def test_commands_that_cannot_run_exit_non_zero(data_dir: Path, tmp_path: Path) -> None:
    code, output = run("stats", "--store", str(tmp_path / "nothing-here"))
    assert code == 1 and "no store in" in unboxed(output)
    code, output = run("ingest", "--store", str(tmp_path / "x"))
    assert code == 2 and "give at least one PATH, or --examples" in unboxed(output)
    code, output = run("ingest", "--store", str(tmp_path / "x"), str(tmp_path / "missing.txt"))
    assert code == 2 and "does not exist" in unboxed(output)
    code, output = run("dump", "--store", str(data_dir), "--format", "rdfxml")
    assert code == 2
    code, output = run("ingest", "--store", str(tmp_path / "x"), "--base-uri", "atlas data", "--examples")
    assert code == 2 and "not an absolute http(s) URI" in unboxed(output)
    assert not (tmp_path / "x").exists()
    # Another writer holds the store: the ingest says so and stops before reading anything.
    busy = tmp_path / "busy"
    holder = DataDir(busy).open_store()
    code, output = run("ingest", "--store", str(busy), "--examples")
    assert code == 1 and "cannot open the store" in unboxed(output)
    del holder


def test_bad_pages_each_get_one_message_and_the_run_succeeds(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(examples_dir() / "12523.txt", pages)
    (pages / "90001.txt").write_bytes(b"")
    (pages / "90003.txt").write_bytes(bytes(range(256)) * 64)
    code, output = run("ingest", "--store", str(tmp_path / "data"), "--no-dumps", str(pages))
    assert code == 0
    assert "3 pages read, 1 record stored, 0 warnings, 0 records rejected, 2 pages not read" in output
    assert output.count(str(pages / "90001.txt")) == 1 and output.count(str(pages / "90003.txt")) == 1


def _console_script() -> Path:
    return Path(sys.executable).with_name("atlas-ld")


def test_the_installed_command_and_python_dash_m(data_dir: Path, tmp_path: Path) -> None:
    stats = subprocess.run(
        [str(_console_script()), "stats", "--store", str(data_dir), "--base-uri", BASE],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert re.search(r"│ projects\s+│ 5\s+│", stats.stdout)
    dump = subprocess.run(
        [sys.executable, "-m", "atlas_ld", "dump", "--store", str(data_dir), "--format", "ntriples"],
        capture_output=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    parsed = set(ox.parse(dump.stdout, ox.RdfFormat.N_TRIPLES))
    assert parsed == {ox.Quad(*q.triple) for q in stored_quads(data_dir)}
    failing = subprocess.run(
        [sys.executable, "-m", "atlas_ld", "stats", "--store", str(tmp_path / "none")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert failing.returncode == 1 and "no store in" in failing.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_sparql_over_the_ingested_store(data_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    command = [str(_console_script()), "serve", "--store", str(data_dir), "--base-uri", BASE, "--port", str(port)]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(command, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        query = {"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{BASE}def/Project> }}"}
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params=query, headers={"Accept": "text/csv"})
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert answer.status_code == 200
        assert answer.text.split() == ["n", "5"]
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    code, output = run("serve", "--store", str(tmp_path / "empty"))
    assert code == 1 and "no store in" in output


def test_ingest_fails_when_no_page_at_all_could_be_read(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "90001.txt").write_bytes(b"")
    (broken / "90003.txt").write_bytes(bytes(range(256)) * 64)
    code, output = run("ingest", "--store", str(tmp_path / "data"), "--no-dumps", str(broken))
    assert code == 1
    assert "2 pages read, 0 records stored, 0 warnings, 0 records rejected, 2 pages not read" in output
    assert f"no page could be read: {broken}" in output
    empty = tmp_path / "empty"
    empty.mkdir()
    code, output = run("ingest", "--store", str(tmp_path / "data"), str(empty))
    assert code == 1 and "0 pages read" in output and "no page could be read" in output
    assert current_dumps(DataDir(tmp_path / "data").dumps) == []  # no dump made of a failed run


def test_the_summary_counts_one_of_a_kind_in_the_singular(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(examples_dir() / "6099.txt", pages)  # cut short: one warning
    (pages / "90001.txt").write_bytes(b"")
    code, output = run("ingest", "--store", str(tmp_path / "data"), "--no-dumps", str(pages))
    assert code == 0, output
    assert "2 pages read, 1 record stored, 1 warning, 0 records rejected, 1 page not read" in output


"""`kill -9` in the middle of a real first load (`atlas-ld ingest` into an empty data folder, through the bulk
loader): the mark of the unfinished load stays, the other commands that write refuse the store, and the next ingest
says that it starts again, empties what the killed run left and loads every page it is given: each project once in
the store, in the history and in the dumps."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import ROOT
from support.backends import all_quads

from atlas_ld.ingest.pipeline import parser_version
from atlas_ld.mapping.project import map_record
from atlas_ld.parse import read_page
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.opening import open_store
from atlas_ld.uris import UriScheme

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus

BASE = "https://atlas.example.org/"
URIS = UriScheme(BASE)
PAGES = 2_000
REST = 1_000  # pages of the run after the kill, those the killed run had not reached
GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"

pytestmark = pytest.mark.slow


def ingest_command(data: Path, pages: Path) -> list[str]:
    # Small batches in one process: the kill falls between two batches or inside one.
    return [
        sys.executable, "-m", "atlas_ld", "ingest", "--store", str(data), "--base-uri", BASE,
        "--batch-size", "20", "--workers", "1", str(pages),
    ]  # fmt: skip


def versions_kept(data: Path) -> int:
    """Rows of the history, read beside the running ingest (0 before it has made the file)."""
    try:
        with sqlite3.connect(f"file:{DataDir(data).history}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM versions").fetchone()[0])
    except sqlite3.Error:
        return 0


def project_graphs(store: ox.Store) -> dict[int, set[ox.Triple]]:
    graphs: dict[int, set[ox.Triple]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode) and (prj_id := URIS.prj_id_of_graph(quad.graph_name.value)):
            graphs.setdefault(prj_id, set()).add(quad.triple)
    return graphs


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A data folder whose first load was killed (-9) halfway, and its pages."""
    root = tmp_path_factory.mktemp("first-load")
    pages, data = root / "pages", root / "atlas-data"
    write_corpus(pages, PAGES)
    process = subprocess.Popen(ingest_command(data, pages), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while versions_kept(data) < 100:
            assert process.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait()
    assert process.returncode == -9
    yield data, pages


def test_the_killed_first_load_is_marked_unfinished_and_writers_refuse_it(killed: tuple[Path, Path]) -> None:
    data, _ = killed
    assert DataDir(data).first_load.unfinished()
    held = project_graphs(ox.Store.read_only(str(DataDir(data).oxigraph)))
    assert 100 <= len(held) < PAGES  # the kill fell in the middle
    with pytest.raises(OSError, match="first load .* was stopped before it finished"):
        open_store(Settings(store=data, base_uri=BASE), read_only=False)


def test_the_next_ingest_says_it_starts_again_and_loads_every_page_once(
    killed: tuple[Path, Path], tmp_path: Path
) -> None:
    data, pages = killed
    # The last pages only: none of those the killed run stored may be left.
    rest = tmp_path / "rest"
    rest.mkdir()
    for page in sorted(pages.glob("*.txt"))[-REST:]:
        shutil.copy(page, rest)
    done = subprocess.run(ingest_command(data, rest), capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "was stopped before it finished" in done.stdout and "starts again" in done.stdout
    assert f"{REST} records stored" in done.stdout
    folder = DataDir(data)
    assert not folder.first_load.unfinished()
    store = ox.Store.read_only(str(folder.oxigraph))
    graphs = project_graphs(store)
    assert sorted(graphs) == sorted(int(page.stem) for page in rest.iterdir())
    # One stamp, this run's, and the graphs this run makes (checked on a sample).
    (stamp,) = {t.object.value for triples in graphs.values() for t in triples if t.predicate.value == GENERATED_AT}
    for prj_id in list(graphs)[:: REST // 20]:
        record = read_page(pages / f"{prj_id}.txt")
        made = map_record(record, URIS, ingested_at=datetime.fromisoformat(stamp), parser_version=parser_version())
        assert graphs[prj_id] == set(made.project), prj_id
    with sqlite3.connect(folder.history) as db:
        assert db.execute("SELECT count(*), count(DISTINCT prj_id) FROM versions").fetchone() == (REST, REST)
    dumped = set(ox.parse(gzip.decompress((folder.dumps / "atlas.nq.gz").read_bytes()), ox.RdfFormat.N_QUADS))
    assert dumped == all_quads(folder.open_store(read_only=True))

"""`kill -9` in the middle of a real `atlas-ld ingest` process: every project graph is then its old version or its
new one, never half; what was published before is all there; the same ingest run again finishes the job.

The pages are the benchmarks' synthetic corpus: the same project ids with two seeds give an old and a new version
of every page. The new version of a graph is computed here, by the parser and the mapping, with the ingest time
that the stored graph records in its provenance.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import ROOT

from atlas_ld.ingest.pipeline import parser_version
from atlas_ld.mapping.project import map_record
from atlas_ld.parse import read_page
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

BASE = "https://atlas.example.org/"
PAGES = 2_000
GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"
Graphs = dict[int, frozenset[ox.Triple]]

pytestmark = pytest.mark.slow


def ingest_command(data: Path, pages: Path) -> list[str]:
    # Small batches in one process: many transactions, so that the kill falls between two of them or inside one.
    return [
        sys.executable, "-m", "atlas_ld", "ingest", "--store", str(data), "--base-uri", BASE,
        "--batch-size", "20", "--workers", "1", "--no-dumps", str(pages),
    ]  # fmt: skip


def run_ingest(data: Path, pages: Path) -> None:
    done = subprocess.run(ingest_command(data, pages), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def project_graphs(store: ox.Store, uris: UriScheme) -> Graphs:
    graphs: dict[int, set[ox.Triple]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode) and (prj_id := uris.prj_id_of_graph(quad.graph_name.value)):
            graphs.setdefault(prj_id, set()).add(quad.triple)
    return {prj_id: frozenset(triples) for prj_id, triples in graphs.items()}


def shared_graph(store: ox.Store, uris: UriScheme) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(uris.graph("shared")))}


def stamp_of(triples: frozenset[ox.Triple]) -> datetime:
    (stamp,) = {t.object.value for t in triples if t.predicate.value == GENERATED_AT}
    return datetime.fromisoformat(stamp)


def new_version(page: Path, stamp: datetime, uris: UriScheme) -> frozenset[ox.Triple]:
    """What the ingest stores for `page` when it runs at `stamp`."""
    return frozenset(map_record(read_page(page), uris, ingested_at=stamp, parser_version=parser_version()).project)


def new_graphs_in(data: Path, old_stamp: datetime) -> int:
    """How many project graphs the running ingest has committed so far, read beside it (0 when the files moved
    under the reader while it opened them: the writer compacts as it goes)."""
    try:
        reader = ox.Store.read_only(str(DataDir(data).oxigraph))
    except RuntimeError:
        return 0
    rows = reader.query(
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g <{GENERATED_AT}> ?t }} "
        f'FILTER(?t != "{old_stamp.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#dateTime>) }}'
    )
    return int(next(iter(rows))["n"].value)  # type: ignore[call-overload, index]


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Graphs, set[ox.Triple], Graphs]]:
    """A data folder with the old pages published, then killed (-9) while ingesting the new ones: the folder, the
    new pages, the graphs and shared graph before, the graphs just after the kill."""
    root = tmp_path_factory.mktemp("crash")
    old_pages, new_pages, data = root / "old", root / "new", root / "atlas-data"
    write_corpus(old_pages, PAGES, seed=1)
    write_corpus(new_pages, PAGES, seed=2)
    uris = UriScheme(BASE)
    run_ingest(data, old_pages)
    store = ox.Store.read_only(str(DataDir(data).oxigraph))
    before, shared_before = project_graphs(store, uris), shared_graph(store, uris)
    del store
    assert len(before) == PAGES
    (old_stamp,) = {stamp_of(triples) for triples in before.values()}

    process = subprocess.Popen(ingest_command(data, new_pages), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while new_graphs_in(data, old_stamp) < 100:
            assert process.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait()
    assert process.returncode == -9
    reopened = ox.Store(str(DataDir(data).oxigraph))  # for writing, as the next ingest will: recovery runs here
    after = project_graphs(reopened, uris)
    del reopened
    yield data, new_pages, before, shared_before, after


def test_every_graph_is_its_old_or_its_new_version(
    crashed: tuple[Path, Path, Graphs, set[ox.Triple], Graphs],
) -> None:
    _, new_pages, before, _, after = crashed
    uris = UriScheme(BASE)
    assert after.keys() == before.keys()
    old = [prj_id for prj_id, triples in after.items() if triples == before[prj_id]]
    new = [prj_id for prj_id in after.keys() - set(old)]
    # The kill fell in the middle: some graphs are new, most are still old.
    assert 100 <= len(new) < PAGES and old
    for prj_id in new:
        graph = after[prj_id]
        assert graph == new_version(new_pages / f"{prj_id}.txt", stamp_of(graph), uris), prj_id


def test_what_was_published_before_is_still_there(
    crashed: tuple[Path, Path, Graphs, set[ox.Triple], Graphs],
) -> None:
    data, _, _, shared_before, _ = crashed
    store = ox.Store.read_only(str(DataDir(data).oxigraph))
    assert shared_before <= shared_graph(store, UriScheme(BASE))


def test_the_same_ingest_again_finishes_the_job(crashed: tuple[Path, Path, Graphs, set[ox.Triple], Graphs]) -> None:
    data, new_pages, _, _, _ = crashed
    uris = UriScheme(BASE)
    run_ingest(data, new_pages)
    store = ox.Store.read_only(str(DataDir(data).oxigraph))
    final = project_graphs(store, uris)
    assert len(final) == PAGES
    (stamp,) = {stamp_of(triples) for triples in final.values()}
    for prj_id in final:
        assert final[prj_id] == new_version(new_pages / f"{prj_id}.txt", stamp, uris), prj_id

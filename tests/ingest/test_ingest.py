"""The ingest pipeline on the real example pages: idempotence, whole-graph replacement, bad input, rejected records."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.backends import BACKENDS, all_quads, backend_store

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest import prepare as pipeline
from atlas_ld.ingest.pipeline import IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.store.base import GraphStore
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme

BASE = "https://atlas.example.org/"
URIS = UriScheme(BASE)
STAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EXAMPLE_IDS = {6099, 12523, 15077, 15635, 16323}
TITLE_12523 = "Projet d'action internationale de Romans et de ses villes partenaires"
DCTERMS_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


def page_12523() -> str:
    return (examples_dir() / "12523.txt").read_text(encoding="utf-8")


def copy_examples(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for page in examples_dir().glob("*.txt"):
        shutil.copy(page, folder / page.name)
    return folder


class Folder:
    """A data folder and its store, as `atlas-ld ingest --store DIR|URL` uses them."""

    def __init__(self, root: Path, store: GraphStore) -> None:
        self.data = DataDir(root)
        self.store = store
        self.rejected = RejectedRecords(self.data.rejected, base_uri=BASE)

    def ingest(self, paths: Sequence[Path], **options: object) -> IngestReport:
        return ingest(paths, self.store, URIS, self.rejected, ingested_at=STAMP, **options)  # type: ignore[arg-type]

    def quads(self) -> set[ox.Quad]:
        return all_quads(self.store)

    def project_quads(self, prj_id: int) -> set[ox.Quad]:
        graph = ox.NamedNode(URIS.project_graph(prj_id))
        return {q for q in self.quads() if q.graph_name == graph}

    def titles(self, prj_id: int) -> list[str]:
        project = ox.NamedNode(URIS.project(prj_id))
        return [q.object.value for q in self.quads() if q.subject == project and q.predicate == DCTERMS_TITLE]

    def stored_ids(self) -> set[int]:
        return {i for i in (URIS.prj_id_of_graph(g) for g in self.store.named_graphs()) if i is not None}


@pytest.fixture(params=BACKENDS)
def new_folder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Folder]]:
    """Data folders under tmp_path by name, each with a store of the kind the test runs on."""
    made: list[str] = []
    with ExitStack() as stack:

        def make(name: str) -> Folder:
            if request.param == "virtuoso" and made:
                pytest.skip("a comparison of two stores: there is one Virtuoso server")
            made.append(name)
            store, _ = stack.enter_context(backend_store(request.param, tmp_path / name))
            return Folder(tmp_path / name, store)

        yield make


@pytest.fixture
def folder(new_folder: Callable[[str], Folder]) -> Folder:
    return new_folder("data")


def test_the_example_pages_go_in_each_as_its_own_graph(folder: Folder, tmp_path: Path) -> None:
    progress: list[tuple[int, int]] = []
    report = folder.ingest([copy_examples(tmp_path / "pages")], batch_size=2, on_progress=lambda *p: progress.append(p))
    assert (report.pages_read, report.records_stored, report.rejected, report.page_errors) == (5, 5, [], [])
    assert folder.stored_ids() == EXAMPLE_IDS
    assert progress == [(2, 5), (4, 5), (5, 5)]
    # The shared graphs are stored beside the projects, each in its own graph.
    graphs = set(folder.store.named_graphs())
    assert {URIS.graph(name) for name in ("vocabulary", "themes", "sdgs", "funding", "statuses")} <= graphs
    # Warnings name the page and the line: the malformed address on 15635 and the four cut pages.
    warnings = [str(w) for w in report.warnings]
    assert any(w.endswith("15635.txt:19: malformed e-mail address 'gregor.trumel@diplomatie.gouv..fr' kept as written") for w in warnings)
    assert sum("page cut short" in w for w in warnings) == 4
    assert set(report.stage_seconds) == {"parse", "map", "validate", "store"}


def test_ingesting_again_gives_the_same_triples_and_uris(new_folder: Callable[[str], Folder], tmp_path: Path) -> None:
    pages = copy_examples(tmp_path / "pages")
    first, second = new_folder("a"), new_folder("b")
    first.ingest([pages])
    second.ingest([pages])
    second.ingest([pages])  # a second run over the same store changes nothing
    assert first.quads() == second.quads()
    # Another ingest time only changes the provenance of each graph, never a resource's URI.
    later = new_folder("c")
    ingest([pages], later.store, URIS, later.rejected, ingested_at=datetime(2025, 1, 2, tzinfo=UTC))
    changed = first.quads() ^ later.quads()
    assert changed
    assert all("/id/activity/ingest/" in q.subject.value or q.subject.value.startswith(BASE + "graph/") for q in changed)
    subjects = {q.subject for q in first.quads()} - {q.subject for q in changed}
    assert subjects == {q.subject for q in later.quads()} - {q.subject for q in changed}
    assert ox.NamedNode(URIS.project(12523)) in subjects


def test_worker_processes_give_the_same_graphs_and_report(
    new_folder: Callable[[str], Folder], tmp_path: Path
) -> None:
    pages = copy_examples(tmp_path / "pages")
    here, there = new_folder("here"), new_folder("there")
    alone = here.ingest([pages], batch_size=2)
    progress: list[tuple[int, int]] = []
    shared = there.ingest([pages], batch_size=2, workers=2, on_progress=lambda *p: progress.append(p))
    assert there.quads() == here.quads()
    assert [str(w) for w in shared.warnings] == [str(w) for w in alone.warnings]
    assert (shared.pages_read, shared.records_stored) == (5, 5)
    assert progress == [(2, 5), (4, 5), (5, 5)]
    assert shared.stage_seconds["parse"] > 0 and shared.stage_seconds["validate"] > 0


def test_a_project_graph_is_replaced_whole(folder: Folder, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "12523.txt").write_text(page_12523(), encoding="utf-8")
    folder.ingest([pages])
    before = folder.project_quads(12523)
    # The page changes: a new title, and the 2012 funding line is gone.
    edited = page_12523().replace(TITLE_12523, "Projet international de Romans").replace(
        "Ministère de l'Europe et des Affaires étrangères 25000 2012\n", ""
    )
    (pages / "12523.txt").write_text(edited, encoding="utf-8")
    folder.ingest([pages])
    after = folder.project_quads(12523)
    assert folder.titles(12523) == ["Projet international de Romans"]
    gone = {q.subject.value for q in before - after}
    assert URIS.observation(12523, 2012, "Ministère de l'Europe et des Affaires étrangères", 1, "amount") in gone
    assert not any("2012" in q.subject.value and "/observation/" in q.subject.value for q in after)
    # Nothing of the old version is left anywhere: the union holds the new graph and the shared ones only.
    assert not any(q.object == ox.Literal(TITLE_12523, language="fr") for q in folder.quads())


def write_bad_pages(folder: Path) -> dict[str, str]:
    """The bad inputs of the issue, each next to good pages; file name → what the report must say about it."""
    (folder / "90001.txt").write_bytes(b"")
    (folder / "90002.txt").write_text("Liste des courses\n- pain\n- lait\n- œufs\n" * 20, encoding="utf-8")
    (folder / "90003.txt").write_bytes(random.Random(7).randbytes(64 * 1024))
    with (folder / "90004.txt").open("w", encoding="utf-8") as big:
        while big.tell() < 50 * 1024 * 1024:
            big.write(page_12523())
    # 12523 re-encoded in Windows-1252: not an error, it is read with a warning naming the file.
    text = page_12523().replace("’", "'").replace("–", "-").replace("…", "...").replace("œ", "oe").replace("Œ", "OE")
    (folder / "12523.txt").write_bytes(text.encode("cp1252"))
    return {"90001.txt": "empty", "90002.txt": "not an Atlas", "90003.txt": "binary", "90004.txt": "limit"}


def test_bad_input_is_reported_by_file_and_the_rest_goes_in(folder: Folder, tmp_path: Path) -> None:
    # A store that already holds 15077 and 16323.
    folder.ingest([examples_dir() / "15077.txt", examples_dir() / "16323.txt"])
    kept = folder.project_quads(15077) | folder.project_quads(16323)
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("6099.txt", "15635.txt"):
        shutil.copy(examples_dir() / name, pages / name)
    expected = write_bad_pages(pages)

    report = folder.ingest([pages])

    assert report.pages_read == 7
    errors = {Path(e.file).name: e.message for e in report.page_errors}
    assert set(errors) == set(expected)
    for name, wording in expected.items():
        assert wording in errors[name]
    # One message per bad file, each naming it.
    assert all(str(e).startswith(str(pages / Path(e.file).name)) for e in report.page_errors)
    assert len(report.page_errors) == len(expected)
    # The Windows-1252 page is read, with a warning that says so.
    assert 12523 in folder.stored_ids()
    assert any(Path(w.file).name == "12523.txt" and "Windows-1252" in w.message for w in report.warnings)
    assert folder.titles(12523) == [TITLE_12523]
    # The good pages of the batch went in; what was stored before is untouched.
    assert folder.stored_ids() == {6099, 12523, 15077, 15635, 16323}
    assert folder.project_quads(15077) | folder.project_quads(16323) == kept


def test_a_record_that_fails_validation_is_kept_aside_and_the_good_version_stays(folder: Folder, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "12523.txt").write_text(page_12523(), encoding="utf-8")
    shutil.copy(examples_dir() / "6099.txt", pages / "6099.txt")
    folder.ingest([pages])
    good = folder.project_quads(12523)

    # The page loses its title and gets a negative amount: SHACL rejects the record.
    broken = page_12523().replace(f"Titre\n{TITLE_12523}\n", "").replace("Villes partenaires 27000", "Villes partenaires -27000")
    (pages / "12523.txt").write_text(broken, encoding="utf-8")
    report = folder.ingest([pages])

    assert report.records_stored == 1 and [r.prj_id for r in report.rejected] == [12523]
    reasons = " ".join(report.rejected[0].reasons)
    assert "title" in reasons and "amount" in reasons
    assert folder.project_quads(12523) == good
    assert folder.titles(12523) == [TITLE_12523]
    # Rejected: the graph as mapped, and why, with the source page.
    assert folder.rejected.kept() == [12523]
    why = json.loads((folder.data.rejected / "12523.json").read_text(encoding="utf-8"))
    assert why["prjId"] == 12523 and why["source_file"] == str(pages / "12523.txt")
    assert {v["severity"] for v in why["violations"]} == {"Violation"}
    assert any("title" in v["message"] for v in why["violations"])
    kept_graph = list(ox.parse(path=folder.data.rejected / "12523.ttl", format=ox.RdfFormat.TURTLE))
    amounts = [q.object.value for q in kept_graph if q.predicate.value == URIS.vocab + "amount"]
    assert "-27000" in amounts

    # Once the page is fixed, the project is stored again and its rejected files go.
    (pages / "12523.txt").write_text(page_12523(), encoding="utf-8")
    report = folder.ingest([pages])
    assert report.rejected == [] and folder.rejected.kept() == []
    assert not (folder.data.rejected / "12523.ttl").exists()


def test_a_crash_of_the_validator_costs_only_the_record_that_causes_it(
    folder: Folder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.validate_graphs

    def fragile(graphs, uris, **options):  # type: ignore[no-untyped-def]
        if 15077 in graphs:
            raise RecursionError("maximum recursion depth exceeded")
        return real(graphs, uris, **options)

    monkeypatch.setattr(pipeline, "validate_graphs", fragile)
    report = folder.ingest([copy_examples(tmp_path / "pages")])
    assert [(r.prj_id, r.reasons) for r in report.rejected] == [
        (15077, ("validation failed (RecursionError: maximum recursion depth exceeded)",))
    ]
    assert folder.stored_ids() == EXAMPLE_IDS - {15077}
    assert folder.rejected.kept() == [15077]


def test_a_graph_the_store_refuses_costs_only_that_project(folder: Folder, tmp_path: Path) -> None:
    store = folder.store
    real = store.replace_graphs

    def refusing(graphs, *, add=None) -> None:  # type: ignore[no-untyped-def]
        if URIS.project_graph(16323) in graphs:
            raise OSError("disk full")
        real(graphs, add=add)

    store.replace_graphs = refusing  # type: ignore[method-assign]
    report = folder.ingest([copy_examples(tmp_path / "pages")])
    assert [(r.prj_id, r.reasons) for r in report.rejected] == [(16323, ("the store refused the graph (OSError: disk full)",))]
    assert folder.stored_ids() == EXAMPLE_IDS - {16323}


def test_a_page_read_twice_is_stored_once_with_a_warning(folder: Folder, tmp_path: Path) -> None:
    copies = tmp_path / "copies"
    copies.mkdir()
    shutil.copy(examples_dir() / "12523.txt", copies / "12523.txt")
    report = folder.ingest([examples_dir() / "12523.txt", copies / "12523.txt"])
    assert report.records_stored == 1
    assert [w.message for w in report.warnings] == [
        f"prjId 12523 also read from {examples_dir() / '12523.txt'}; this page wins"
    ]

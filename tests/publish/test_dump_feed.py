"""The dumps' parts of the project graphs made by the ingest from the triples it stores (`dump_feed`), and a first
load through the bulk loader (`store.first_load`): the same store and the same dumps as the transactional path with
the parts read back from the store; a bucket whose graphs the feed does not hold exactly is read from the store."""

from __future__ import annotations

import gzip
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import ROOT
from support.backends import all_quads
from support.published_data import BASE, STAMP

from atlas_ld.ingest.pipeline import IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dump_feed import FED_FOLDER, DumpFeed
from atlas_ld.publish.dump_parts import PARTS_FOLDER, FormatParts, bucket_of, graph_part
from atlas_ld.publish.dumps import FORMATS, PUBLISHED, write_dumps
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.uris import UriScheme

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import FIRST_PRJ_ID, write_corpus

URIS = UriScheme(BASE)
SPAN = 450  # ids over three buckets of dump parts
STEP = 5  # one page in five: the middle bucket's 40 pages across batches of 25
BATCH = 25
IDS = range(FIRST_PRJ_ID, FIRST_PRJ_ID + SPAN, STEP)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    written, pages = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("pages")
    write_corpus(written, SPAN)
    for prj_id in IDS:
        shutil.copy(written / f"{prj_id}.txt", pages)
    assert len({bucket_of(prj_id) for prj_id in IDS}) == 3
    return pages


@dataclass
class Published:
    """A data folder after `atlas-ld ingest`: its store, the dumps, and the parts that were read from the store."""

    data: DataDir
    store: EmbeddedStore
    report: IngestReport
    read_from_store: list[str]


def publish(
    root: Path, pages: Sequence[Path], monkeypatch: pytest.MonkeyPatch, *, fed: bool = True, bulk: bool = True
) -> Published:
    """Ingest then refresh the dumps as the ingest command does; `fed`: with the parts made by the ingest, `bulk`:
    a first load through the bulk loader."""
    data = DataDir(root)
    store = data.open_store()
    feed = DumpFeed(data.dumps) if fed else None
    report = ingest(
        pages, store, URIS, RejectedRecords(data.rejected, base_uri=BASE), history=data.open_history(),
        ingested_at=STAMP, batch_size=BATCH, dump_feed=feed, first_load=data.first_load if bulk else None,
    )  # fmt: skip
    read: list[str] = []
    written = FormatParts._write

    def reading(parts: FormatParts, name: str, source: EmbeddedStore, graphs: list[str]) -> None:
        read.append(f"{parts.folder.name}/{name}")
        written(parts, name, source, graphs)

    monkeypatch.setattr(FormatParts, "_write", reading)
    write_dumps(store, data.dumps, changed=report.stored_ids, uris=URIS, fed=feed)
    monkeypatch.undo()
    return Published(data, store, report, read)


def parts_read(published: Published) -> set[str]:
    """The parts read from the store: buckets, and graphs of no project (`g-...`)."""
    return {part.split("/")[1] for part in published.read_from_store}


def buckets_read(published: Published) -> set[int]:
    return {int(name) for name in parts_read(published) if name.isdigit()}


def dump_quads(path: Path) -> set[ox.Quad]:
    rdf_format = next(FORMATS[d.name] for d in PUBLISHED if d.file_name == path.name)
    return set(ox.parse(gzip.decompress(path.read_bytes()), format=rdf_format))


def assert_dumps_say_what_the_store_holds(published: Published, rebuilt: Path) -> None:
    """Each dump reads back as the one written from the store alone, and as the store."""
    write_dumps(published.store, rebuilt, uris=URIS)
    quads = all_quads(published.store)
    union = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    for dump in PUBLISHED:
        read_back = dump_quads(published.data.dumps / dump.file_name)
        assert read_back == dump_quads(rebuilt / dump.file_name), dump.file_name
        assert read_back == (quads if dump.with_graphs else union), dump.file_name


@pytest.fixture(scope="module")
def first_load(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield publish(tmp_path_factory.mktemp("bulk") / "data", [corpus], monkeypatch)


def test_a_first_load_takes_the_bulk_loader_and_every_bucket_part_from_the_ingest(first_load: Published) -> None:
    assert first_load.report.bulk_loaded
    assert first_load.report.records_stored == len(IDS)
    assert not first_load.data.first_load.unfinished()
    # Only the small graphs that no page changes (the vocabulary, the schemes) were read back.
    assert first_load.read_from_store and buckets_read(first_load) == set()
    assert graph_part(URIS.graph("shared")) not in parts_read(first_load)
    assert not (first_load.data.dumps / PARTS_FOLDER / FED_FOLDER).exists()


def test_a_first_load_gives_the_store_and_dumps_of_the_transactional_path(
    first_load: Published, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usual = publish(tmp_path / "usual", [corpus], monkeypatch, fed=False, bulk=False)
    assert not usual.report.bulk_loaded
    assert all_quads(usual.store) == all_quads(first_load.store)
    for dump in PUBLISHED:
        assert dump_quads(usual.data.dumps / dump.file_name) == dump_quads(first_load.data.dumps / dump.file_name)
    history = first_load.data.open_history()
    assert history.current_digests(IDS) == usual.data.open_history().current_digests(IDS)
    assert_dumps_say_what_the_store_holds(first_load, tmp_path / "rebuilt")


def test_a_page_read_again_in_a_later_batch_leaves_its_bucket_to_the_store(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = tmp_path / "again"
    again.mkdir()
    twice = FIRST_PRJ_ID + 10
    shutil.copy(corpus / f"{twice}.txt", again)
    text = (again / f"{twice}.txt").read_text(encoding="utf-8")
    (again / f"{twice}.txt").write_text(text.replace("\nTitre\n", "\nTitre\nRevu : ", 1), encoding="utf-8")
    published = publish(tmp_path / "data", [corpus, again], monkeypatch)
    assert published.report.bulk_loaded
    assert buckets_read(published) == {bucket_of(twice)}
    assert_dumps_say_what_the_store_holds(published, tmp_path / "rebuilt")
    project = ox.NamedNode(URIS.project(twice))
    dumped = dump_quads(published.data.dumps / "atlas.nq.gz")
    titles = [q.object.value for q in dumped if q.subject == project and q.predicate.value.endswith("/title")]
    assert len(titles) == 1 and titles[0].startswith("Revu : ")


def test_buckets_with_graphs_stored_before_are_read_from_the_store(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    some = tmp_path / "some"
    some.mkdir()
    for prj_id in (*IDS[:5], *(i for i in IDS if bucket_of(i) == bucket_of(IDS[-1]))):  # a bucket in part, one whole
        shutil.copy(corpus / f"{prj_id}.txt", some)
    publish(tmp_path / "data", [corpus], monkeypatch, fed=False)
    published = publish(tmp_path / "data", [some], monkeypatch)
    assert not published.report.bulk_loaded  # the store was not empty
    assert buckets_read(published) == {bucket_of(FIRST_PRJ_ID)}
    assert_dumps_say_what_the_store_holds(published, tmp_path / "rebuilt")


def test_the_whole_corpus_again_takes_every_bucket_from_the_ingest(
    first_load: Published, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store that holds every page already: the transactional path, and still no bucket read back."""
    shutil.copytree(first_load.data.root, tmp_path / "data")
    published = publish(tmp_path / "data", [corpus], monkeypatch)
    assert not published.report.bulk_loaded
    assert buckets_read(published) == set()
    assert_dumps_say_what_the_store_holds(published, tmp_path / "rebuilt")

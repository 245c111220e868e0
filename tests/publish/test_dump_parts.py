"""The dumps refreshed from cached parts: after a change to some projects, only their parts (and those of the other
graphs marked changed) are written again, and every dump reads back as the same data as dumps made from scratch; ids marked stale before a
store write that was never followed by a refresh are caught up by the next one."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pyoxigraph as ox
import pytest
from support.published_data import BASE, EXAMPLE_IDS, EXAMPLE_PAGES, STAMP

from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dump_parts import PARTS_FOLDER, FormatParts, Layout, bucket_of, graph_part
from atlas_ld.publish.dump_stale import STALE, StaleMarks
from atlas_ld.publish.dumps import (
    FORMATS,
    PUBLISHED,
    current_dumps,
    mark_stale,
    write_dumps,
)
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.uris import UriScheme

URIS = UriScheme(BASE)
CHANGED = 12523
WITHDRAWN = 6099
NOTE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#editorialNote")
# The example ids fall in buckets of their own: a change to one leaves the parts of the others alone.
assert len({bucket_of(i) for i in EXAMPLE_IDS}) == len(EXAMPLE_IDS)


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    """The example pages ingested by the real pipeline into an embedded store of their own."""
    graph_store = EmbeddedStore(tmp_path / "ox")
    report = ingest(EXAMPLE_PAGES, graph_store, URIS, RejectedRecords(tmp_path / "rejected", base_uri=BASE), ingested_at=STAMP)
    assert report.records_stored == len(EXAMPLE_PAGES)
    return graph_store


def graph_triples(store: EmbeddedStore, prj_id: int) -> list[ox.Triple]:
    graph = ox.NamedNode(URIS.project_graph(prj_id))
    return list(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]


def change_project(store: EmbeddedStore, prj_id: int, note: str) -> ox.Triple:
    """Replace a project's graph with its triples less one, plus a new one; returns the new one."""
    added = ox.Triple(ox.NamedNode(URIS.project(prj_id)), NOTE, ox.Literal(note, language="fr"))
    store.replace_graphs({URIS.project_graph(prj_id): [*graph_triples(store, prj_id)[1:], added]})
    return added


def dataset(path: Path) -> set[ox.Quad]:
    """A dump read back with its blank nodes named canonically; a triple format's union lands in the default graph."""
    rdf_format = next(FORMATS[d.name] for d in PUBLISHED if d.file_name == path.name)
    return canonical(ox.parse(gzip.decompress(path.read_bytes()), format=rdf_format))


def canonical(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    named = ox.Dataset(quads)
    named.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(named)


def stored_quads(store: EmbeddedStore) -> list[ox.Quad]:
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    return list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))


def other_graphs(store: EmbeddedStore) -> list[str]:
    """The graphs that are no project's: each has a part of its own."""
    return [g for g in store.named_graphs() if URIS.prj_id_of_graph(g) is None]


def assert_same_dumps(dumps: Path, rebuilt: Path) -> None:
    for dump in PUBLISHED:
        assert dataset(dumps / dump.file_name) == dataset(rebuilt / dump.file_name), dump.file_name
        assert gzip.decompress((dumps / dump.file_name).read_bytes()) == gzip.decompress((rebuilt / dump.file_name).read_bytes())


def part_files(dumps: Path) -> dict[str, tuple[int, int]]:
    """Every cached part as `<format>/<name>` → (inode, mtime in ns)."""
    return {
        f"{p.parent.name}/{p.name}": (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (dumps / PARTS_FOLDER).glob("*/*.gz")
    }


def parts_of(names: Iterable[str]) -> set[str]:
    return {f"{d.name}/{name}.gz" for d in PUBLISHED for name in names}


def test_an_incremental_refresh_gives_the_dumps_a_full_rebuild_gives(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    added = change_project(store, CHANGED, "revu")
    write_dumps(store, dumps, changed=[CHANGED], uris=URIS)
    write_dumps(store, tmp_path / "rebuilt", uris=URIS)
    assert_same_dumps(dumps, tmp_path / "rebuilt")
    for dump in PUBLISHED:
        read_back = dataset(dumps / dump.file_name)
        graph = ox.NamedNode(URIS.project_graph(CHANGED)) if dump.with_graphs else ox.DefaultGraph()
        assert ox.Quad(added.subject, added.predicate, added.object, graph) in read_back, dump.file_name


def test_dumps_hold_every_quad_of_the_store(store: EmbeddedStore, tmp_path: Path) -> None:
    write_dumps(store, tmp_path / "dumps")  # no URI scheme: project graphs told by their IRIs' pattern
    quads = stored_quads(store)
    assert quads and all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    union = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    for dump in PUBLISHED:
        assert dataset(tmp_path / "dumps" / dump.file_name) == canonical(quads if dump.with_graphs else union), dump.file_name
    assert sorted(p.name for p in (tmp_path / "dumps" / PARTS_FOLDER / "nquads").iterdir()) == sorted(
        [*(f"{graph_part(g)}.gz" for g in other_graphs(store)), *(f"{bucket_of(i)}.gz" for i in EXAMPLE_IDS)]
    )


def test_only_the_parts_of_the_graphs_changed_are_written_again(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    before = part_files(dumps)
    others = [graph_part(g) for g in other_graphs(store)]
    assert set(before) == parts_of([*others, *(str(bucket_of(i)) for i in EXAMPLE_IDS)])
    change_project(store, CHANGED, "revu")
    shared = URIS.graph("shared")
    write_dumps(store, dumps, changed=[CHANGED, shared], uris=URIS)
    after = part_files(dumps)
    assert set(after) == set(before)
    rewritten = parts_of([graph_part(shared), str(bucket_of(CHANGED))])
    assert {part for part in before if after[part][0] != before[part][0]} == rewritten
    assert {part for part in before if after[part][1] != before[part][1]} == rewritten


def test_a_withdrawn_project_leaves_every_dump_and_its_empty_bucket_goes(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    own = {t for t in graph_triples(store, WITHDRAWN) if not _has_blank_node(t)}
    only_there = own - {q.triple for q in stored_quads(store) if q.graph_name != ox.NamedNode(URIS.project_graph(WITHDRAWN))}
    assert only_there
    store.replace_graphs({URIS.project_graph(WITHDRAWN): []})
    write_dumps(store, dumps, changed=[WITHDRAWN], uris=URIS)
    write_dumps(store, tmp_path / "rebuilt", uris=URIS)
    assert_same_dumps(dumps, tmp_path / "rebuilt")
    for dump in PUBLISHED:
        read_back = dataset(dumps / dump.file_name)
        assert ox.NamedNode(URIS.project_graph(WITHDRAWN)) not in {q.graph_name for q in read_back}
        assert not {q.triple for q in read_back} & only_there, dump.file_name
    assert not any(name.endswith(f"/{bucket_of(WITHDRAWN)}.gz") for name in part_files(dumps))


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def test_ids_marked_stale_and_never_refreshed_are_caught_up_by_the_next_refresh(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    mark_stale(dumps, [CHANGED])
    added = change_project(store, CHANGED, "écrit, jamais publié")  # then killed: no refresh
    assert (dumps / PARTS_FOLDER / STALE).read_text() == f"{CHANGED}\n"
    write_dumps(store, dumps, changed=[], uris=URIS)
    assert not (dumps / PARTS_FOLDER / STALE).exists()
    assert ox.Quad(added.subject, added.predicate, added.object, ox.NamedNode(URIS.project_graph(CHANGED))) in dataset(dumps / "atlas.nq.gz")
    write_dumps(store, tmp_path / "rebuilt", uris=URIS)
    assert_same_dumps(dumps, tmp_path / "rebuilt")


class Killed(Exception):
    pass


@pytest.mark.parametrize("changed", [[CHANGED], None])
def test_a_refresh_killed_halfway_is_finished_by_the_next(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: list[int] | None
) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    change_project(store, CHANGED, "revu")  # by a caller that marked nothing
    joined = FormatParts.join

    def killed_at_n_quads(self: FormatParts, layout: Layout, output: IO[bytes]) -> None:
        if self.rdf_format == ox.RdfFormat.N_QUADS:
            raise Killed
        joined(self, layout, output)

    monkeypatch.setattr(FormatParts, "join", killed_at_n_quads)
    with pytest.raises(Killed):
        write_dumps(store, dumps, changed=changed, uris=URIS)
    monkeypatch.undo()
    write_dumps(store, dumps, changed=[], uris=URIS)
    write_dumps(store, tmp_path / "rebuilt", uris=URIS)
    assert_same_dumps(dumps, tmp_path / "rebuilt")


def test_marks_made_during_a_refresh_outlive_it(tmp_path: Path) -> None:
    mark_stale(tmp_path, [1, 2])
    taken = StaleMarks.read(tmp_path)
    mark_stale(tmp_path, [3])
    assert taken.ids == {1, 2}
    taken.forget()
    assert StaleMarks.read(tmp_path).ids == {3}
    StaleMarks.read(tmp_path).forget()
    assert not (tmp_path / PARTS_FOLDER / STALE).exists()


def test_missing_parts_are_made_whatever_changed(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    for part in (dumps / PARTS_FOLDER).glob("*/*.gz"):
        part.unlink()  # a dumps folder from before the parts, or parts lost
    write_dumps(store, dumps, changed=[], uris=URIS)
    write_dumps(store, tmp_path / "rebuilt", uris=URIS)
    assert_same_dumps(dumps, tmp_path / "rebuilt")


def test_the_etag_changes_with_an_incremental_refresh(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    before = {d.format.file_name: d.etag for d in write_dumps(store, dumps, uris=URIS)}
    change_project(store, CHANGED, "revu")
    after = {d.format.file_name: d.etag for d in write_dumps(store, dumps, changed=[CHANGED], uris=URIS)}
    assert set(after) == set(before) == {d.file_name for d in PUBLISHED}
    assert all(after[name] != before[name] for name in before)
    assert {d.format.file_name: d.etag for d in current_dumps(dumps)} == after


def test_the_json_ld_dump_is_one_json_document_with_the_n_quads_dataset(store: EmbeddedStore, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    change_project(store, CHANGED, "revu")
    write_dumps(store, dumps, changed=[CHANGED], uris=URIS)
    document = json.loads(gzip.decompress((dumps / "atlas.jsonld.gz").read_bytes()))
    assert isinstance(document, list)
    assert {URIS.project_graph(i) for i in EXAMPLE_IDS} <= {node.get("@id") for node in document}
    assert dataset(dumps / "atlas.jsonld.gz") == dataset(dumps / "atlas.nq.gz")


@pytest.mark.parametrize("graphs", [[], ["graph/project/7", "graph/project/401"], ["graph/shared"]])
def test_small_stores_give_valid_dumps(tmp_path: Path, graphs: list[str]) -> None:
    """No graph at all, no graph but projects' (the JSON-LD array opens with nothing in it), no project."""
    store = EmbeddedStore(tmp_path / "ox")
    store.replace_graphs({BASE + g: [ox.Triple(ox.NamedNode(BASE + g), NOTE, ox.Literal(g))] for g in graphs})
    write_dumps(store, tmp_path / "dumps")
    json.loads(gzip.decompress((tmp_path / "dumps" / "atlas.jsonld.gz").read_bytes()))
    for dump in PUBLISHED:
        assert len(dataset(tmp_path / "dumps" / dump.file_name)) == len(graphs), dump.file_name
    assert dataset(tmp_path / "dumps" / "atlas.jsonld.gz") == dataset(tmp_path / "dumps" / "atlas.nq.gz")


def test_turtle_parts_declare_the_prefixes(store: EmbeddedStore, tmp_path: Path) -> None:
    """Each graph's Turtle document declares the site's prefixes, and the dump still reads as the store's union."""
    dumps = tmp_path / "dumps"
    write_dumps(store, dumps, uris=URIS)
    turtle = gzip.decompress((dumps / "atlas.ttl.gz").read_bytes()).decode()
    assert f"@prefix atlas: <{BASE}def/> ." in turtle and "@prefix dcterms: <http://purl.org/dc/terms/> ." in turtle
    assert "dcterms:title" in turtle and "<http://purl.org/dc/terms/title>" not in turtle
    nt = gzip.decompress((dumps / "atlas.nt.gz").read_bytes())
    assert set(ox.parse(turtle.encode(), ox.RdfFormat.TURTLE)) == set(ox.parse(nt, ox.RdfFormat.N_TRIPLES))

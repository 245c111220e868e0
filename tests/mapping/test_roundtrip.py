"""Round trip: what `atlas_ld.publish.dumps` writes loads back, into rdflib and into a fresh Oxigraph store, as the graph
that is stored, graph by graph."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dumps import FORMATS, dump_store, dump_to_file
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.uris import UriScheme

BASE = "https://atlas.example.org/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    data = DataDir(tmp_path_factory.mktemp("roundtrip"))
    store = data.open_store()
    report = ingest([examples_dir()], store, UriScheme(BASE), RejectedRecords(data.rejected, base_uri=BASE))
    assert report.records_stored == 5
    return store


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Identifier:
    """The same RDF term in rdflib, which spells a plain string literal without a datatype."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == XSD_STRING else rdflib.URIRef(datatype))


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return graph


def stored_graphs(store: EmbeddedStore) -> dict[str, rdflib.Graph]:
    """Each named graph of the store, read quad by quad from the store itself."""
    return {
        name: rdflib_graph(store._store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        for name in store.named_graphs()
    }


def dumped(store: EmbeddedStore, format_name: str, compressed: bool = False) -> bytes:
    buffer = io.BytesIO()
    dump_store(store, buffer, format_name, compressed=compressed)
    data = buffer.getvalue()
    return gzip.decompress(data) if compressed else data


@pytest.mark.parametrize("format_name", ["nquads", "jsonld"])
def test_a_dataset_dump_loads_into_rdflib_graph_by_graph(store: EmbeddedStore, format_name: str) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=dumped(store, format_name), format=RDFLIB_FORMATS[format_name])
    expected = stored_graphs(store)
    loaded = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    assert set(loaded) == set(expected)
    uris = UriScheme(BASE)
    assert {uris.prj_id_of_graph(name) for name in expected} == {None, 6099, 12523, 15077, 15635, 16323}
    for name, graph in expected.items():
        assert isomorphic(loaded[name], graph), name


@pytest.mark.parametrize("format_name", ["turtle", "ntriples"])
def test_a_triple_dump_loads_into_rdflib_as_the_union(store: EmbeddedStore, format_name: str) -> None:
    graph = rdflib.Graph().parse(data=dumped(store, format_name), format=RDFLIB_FORMATS[format_name])
    union = rdflib_graph(store._store)
    assert len(graph) == len(union) > 1000
    assert isomorphic(graph, union)


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_a_gzipped_dump_file_loads_into_a_fresh_oxigraph_store(
    store: EmbeddedStore, tmp_path: Path, format_name: str
) -> None:
    rdf_format = FORMATS[format_name]
    path = dump_to_file(store, tmp_path / "dumps" / f"atlas.{rdf_format.file_extension}.gz", format_name, compressed=True)
    fresh = ox.Store()
    with gzip.open(path, "rb") as stream:
        fresh.bulk_load(stream, rdf_format)
    if rdf_format.supports_datasets:
        assert set(fresh) == set(store._store)
    else:
        assert {q.triple for q in fresh} == {q.triple for q in store._store}
    assert not list(tmp_path.glob("dumps/.*")), "no temporary file left behind"


def test_a_gzipped_dump_is_the_same_bytes_each_time(store: EmbeddedStore) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    dump_store(store, first, "nquads", compressed=True)
    dump_store(store, second, "nquads", compressed=True)
    assert first.getvalue() == second.getvalue()
    assert gzip.decompress(first.getvalue()) == dumped(store, "nquads")

"""Sums and counts over the union of the graphs, written as a researcher would write them, give the true figures.

Oxigraph's union default graph (and FROM g1 FROM g2) keeps one copy of a triple per graph that states it. The
store keeps every triple in one graph only, so a naive SUM joined with a shared label counts each amount once.
The data: the five example pages and a copy of page 12523 under another id, which names the same funders,
authorities, post and people.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from atlas_ld import codelists
from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.parse import read_page
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.uris import UriScheme

BASE = "https://atlas.example.org/"
URIS = UriScheme(BASE)
COPY_ID = 99123  # page 12523 again, as another project
MEAE = "Ministère de l'Europe et des Affaires étrangères"
PREFIXES = """PREFIX atlas: <https://atlas.example.org/def/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""
FUNDING_BY_NAME = PREFIXES + """
SELECT ?name ?year (SUM(?amount) AS ?total) %s WHERE {
  ?obs atlas:amount ?amount ; atlas:funder ?f ; sdmx-dimension:refPeriod ?year .
  ?f rdfs:label ?name .
} GROUP BY ?name ?year"""
# HAVING comes before the SELECT clause's aliases exist: `HAVING (?n > 1)` would test an unbound ?n and keep nothing.
REPEATED_TRIPLES = "SELECT ?s ?p ?o (COUNT(?g) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1)"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("union-pages")
    for page in examples_dir().glob("*.txt"):
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / f"{COPY_ID}.txt").write_bytes((examples_dir() / "12523.txt").read_bytes())
    return folder


@pytest.fixture(scope="module")
def store(pages: Path, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    data = DataDir(tmp_path_factory.mktemp("union-data"))
    writer = data.open_store()
    for _ in range(2):  # ingesting the same pages again must change nothing below
        report = ingest(
            [pages], writer, URIS, RejectedRecords(data.rejected, base_uri=BASE), ingested_at=datetime(2024, 5, 1, tzinfo=UTC)
        )
        assert (report.records_stored, report.rejected) == (6, [])
    writer.flush()
    del writer
    return data.open_store(read_only=True)


def rows(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def true_funding(pages: Path) -> dict[tuple[str, str], Decimal]:
    """(funder as written, year) → the sum of the amounts on the pages' funding tables."""
    totals: Counter[tuple[str, str]] = Counter()
    for page in pages.glob("*.txt"):
        for line in read_page(page).funding:
            if line.amount is not None and line.year is not None:
                totals[(line.funder, str(line.year))] += line.amount  # type: ignore[assignment]
    return dict(totals)


def funding_by_name(store: EmbeddedStore, dataset: str = "") -> dict[tuple[str, str], Decimal]:
    return {(r["name"], r["year"]): Decimal(r["total"]) for r in rows(store, FUNDING_BY_NAME % dataset)}


def test_a_naive_sum_joined_with_the_funders_label_gives_the_true_figures(store: EmbeddedStore, pages: Path) -> None:
    found = funding_by_name(store)
    assert found == true_funding(pages)
    # Page 12523 and its copy: the ministry gave 25,000 to each in 2010, 2011 and 2012.
    assert found[(MEAE, "2010")] == found[(MEAE, "2011")] == found[(MEAE, "2012")] == Decimal(50000)
    assert found[("Romans sur Isère", "2010")] == Decimal(2 * 112285)
    assert sum(found.values()) == Decimal(2 * 214285)


def test_the_same_sum_over_named_graphs_with_from_gives_the_true_figures(store: EmbeddedStore) -> None:
    graphs = [URIS.project_graph(12523), URIS.project_graph(COPY_ID), URIS.graph("shared")]
    found = funding_by_name(store, " ".join(f"FROM <{g}>" for g in graphs))
    assert found[(MEAE, "2010")] == Decimal(50000)
    assert sum(found.values()) == Decimal(2 * 214285)
    only_one = funding_by_name(store, f"FROM <{URIS.project_graph(12523)}> FROM <{URIS.graph('shared')}>")
    assert only_one[(MEAE, "2011")] == Decimal(25000)
    assert sum(only_one.values()) == Decimal(214285)


def test_a_naive_count_of_partners_per_country_counts_each_project_once(store: EmbeddedStore, pages: Path) -> None:
    counted = rows(store, PREFIXES + """
        SELECT ?name (COUNT(*) AS ?n) WHERE { ?p atlas:foreignPartner ?a . ?a dcterms:spatial ?c . ?c rdfs:label ?name }
        GROUP BY ?name""")
    names = codelists.country_names()
    expected: Counter[str] = Counter()
    for page in pages.glob("*.txt"):
        for partner in read_page(page).foreign_partners:
            iso3 = codelists.country_iso3(partner.country) if partner.country else None
            if iso3 is not None:
                expected[names[iso3]] += 1
    assert {r["name"]: int(r["n"]) for r in counted} == dict(expected)
    assert expected["Tunisie"] >= 2  # El Jem, on 12523 and on its copy


def test_the_post_contacts_of_a_project_are_counted_once_each(store: EmbeddedStore) -> None:
    contacts = rows(store, PREFIXES + f"""
        SELECT (COUNT(*) AS ?n) WHERE {{ <{URIS.project(COPY_ID)}> atlas:postContact ?m .
            ?m <http://www.w3.org/ns/org#member>/<http://xmlns.com/foaf/0.1/name> ?name }}""")
    assert contacts == [{"n": "2"}]


def test_no_triple_is_stored_in_two_graphs(store: EmbeddedStore) -> None:
    assert rows(store, REPEATED_TRIPLES) == []
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    assert rows(store, distinct) == [{"n": str(store.triple_count())}]
    # The shared descriptions are in the shared graph, once; the projects only point at them.
    shared = rows(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{
        <{URIS.authority("El Jem", "TUN")}> <http://www.w3.org/2000/01/rdf-schema#label> ?name }} }}""")
    assert shared == [{"n": "1"}]
    graphs = {r["g"] for r in rows(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{URIS.ministry()}> ?p ?o }} }}")}
    assert graphs == {URIS.graph("shared")}

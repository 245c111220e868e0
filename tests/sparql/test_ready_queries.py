"""Each ready query of the query page, run on a store the real ingest filled with the example pages, directly and
through /sparql, returns the rows those pages give."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from support.example_data import BASE, ingest_examples

from atlas_ld.mapping.schemes import theme_paths
from atlas_ld.queries import ReadyQuery, ready_queries, ready_query
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.web.app import create_app

MEAE = "Ministère de l'Europe et des Affaires étrangères"
Row = dict[str, str]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return ingest_examples(tmp_path_factory.mktemp("ready-queries"))


@pytest.fixture(scope="module")
def store(data: DataDir) -> EmbeddedStore:
    return data.open_store(read_only=True)


def select(store: EmbeddedStore, query: ReadyQuery) -> list[Row]:
    result = store.query(query.text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def run(store: EmbeddedStore, name: str) -> list[Row]:
    return select(store, ready_query(name))


def test_every_query_has_a_title_a_description_and_parses() -> None:
    queries = ready_queries()
    assert [q.name for q in queries] == [
        "funding-per-year-and-funder",
        "projects-per-country",
        "projects-per-theme",
        "partners-of-an-authority",
        "projects-of-an-embassy-post",
        "sdg-coverage",
        "projects-per-region",
        "projects-per-departement",
        "authorities-with-most-partners",
    ]
    for query in queries:
        assert query.title and len(query.description) > 40
        assert query.text.startswith(f"# title: {query.title}\n")
        assert "# order:" not in query.text
        # A query naming "from" anywhere is parsed in Python by the endpoint before it runs: keep them out.
        assert "from" not in query.text.lower()


def test_funding_per_year_and_funder(store: EmbeddedStore) -> None:
    rows = [
        (r["year"], r["funderName"], Decimal(r["total"]), r["projects"])
        for r in run(store, "funding-per-year-and-funder")
    ]
    assert rows == [
        ("2010", "Romans sur Isère", Decimal(112285), "1"),
        ("2010", "Villes partenaires", Decimal(27000), "1"),
        ("2010", MEAE, Decimal(25000), "1"),
        ("2010", "Autre", Decimal(0), "1"),
        ("2011", MEAE, Decimal(25000), "1"),
        ("2012", MEAE, Decimal(25000), "1"),
    ]
    # The ministry is named in four project graphs; its amounts are still counted once.
    assert sum(total for _, _, total, _ in rows) == Decimal(214285)


def test_projects_per_country(store: EmbeddedStore) -> None:
    assert run(store, "projects-per-country") == [
        {
            "country": "http://publications.europa.eu/resource/authority/country/TUN",
            "countryName": "Tunisie",
            "projects": "1",
            "partners": "1",
        }
    ]


def test_projects_per_theme_down_the_skos_tree(store: EmbeddedStore) -> None:
    rows = run(store, "projects-per-theme")
    assert len(rows) == len(list(theme_paths()))
    counts = {r["themeLabel"]: int(r["projects"]) for r in rows}
    assert {label: n for label, n in counts.items() if n} == {
        # 15077 (main theme), 15635 and 16323 (other themes), down from the top concept.
        "Education, Social et Recherche": 3,
        "Education, emploi, formation professionnelle": 3,
        "Culture et Patrimoine": 3,
        "Infrastructures, équipements et manifestations culturelles": 2,
        "Jeunesse & genre": 2,
        "Jeunesse, mobilité et protection de l'enfance": 1,
        "Santé": 1,
        "Patrimoine": 1,
        "Francophonie": 1,
        "Economie durable": 1,
        "Attractivité des territoires": 1,
        "Pôles de compétitivité, clusters, filières": 1,
        "Environnement, Climat et Energie": 1,
        "Energie": 1,
        "Politique, humanitaire et coopération transfrontalière": 1,
        "Gouvernance locale et appui institutionnel": 1,
        "Gouvernance et démocratie locales": 1,
    }
    broader = {r["themeLabel"]: r.get("broader") for r in rows}
    assert broader["Santé"] == BASE + "id/theme/education-social-et-recherche"
    assert broader["Economie durable"] is None


def test_partners_of_an_authority(store: EmbeddedStore) -> None:
    assert run(store, "partners-of-an-authority") == [
        {
            "partner": BASE + "id/authority/tun/el-jem",
            "partnerName": "El Jem",
            "country": "Tunisie",
            "sharedProjects": "1",
        }
    ]


def _funding_of_12523(store: EmbeddedStore) -> str:
    sums = store.query(f"SELECT (SUM(?a) AS ?n) WHERE {{ ?o <{BASE}def/fundedProject> <{BASE}id/project/12523> ; "
                       f"<{BASE}def/amount> ?a }}")
    return next(iter(sums))["n"].value  # type: ignore[call-overload,index,union-attr]


@pytest.mark.parametrize(
    ("name", "kind", "code", "label"),
    [("projects-per-region", "region", "84", "Auvergne-Rhône-Alpes"),
     ("projects-per-departement", "departement", "26", "Drôme")],
)
def test_projects_and_funding_per_region_and_departement(
    store: EmbeddedStore, name: str, kind: str, code: str, label: str
) -> None:
    """Romans-sur-Isère, the one French partner of the examples, lies in the Drôme, in Auvergne-Rhône-Alpes."""
    assert run(store, name) == [
        {kind: f"{BASE}id/{kind}/{code}", "code": code, f"{kind}Name": label, "projects": "1",
         "funding": _funding_of_12523(store)}
    ]


def test_authorities_with_most_partners(store: EmbeddedStore) -> None:
    assert run(store, "authorities-with-most-partners") == [
        {"authority": BASE + "id/authority/fra/romans-sur-isere", "authorityName": "Romans sur Isère",
         "codeINSEE": "26281", "partners": "1", "projects": "1"}
    ]


def test_projects_of_an_embassy_post(store: EmbeddedStore) -> None:
    rows = run(store, "projects-of-an-embassy-post")
    assert [(r["identifier"], r["startYear"], r["status"]) for r in rows] == [
        ("15077", "2018", "En cours"),
        ("12523", "2010", "En cours"),
    ]
    assert rows[1]["title"] == "Projet d'action internationale de Romans et de ses villes partenaires"


def test_sdg_coverage(store: EmbeddedStore) -> None:
    rows = run(store, "sdg-coverage")
    assert [int(r["number"]) for r in rows] == list(range(1, 18))
    covered = {int(r["number"]): (int(r["projects"]), Decimal(r["meanPriority"])) for r in rows if r["projects"] != "0"}
    assert covered == {n: (1, Decimal(2) if n in (11, 17) else Decimal(1)) for n in (1, 3, 4, 5, 7, 8, 10, 11, 17)}
    assert rows[5]["goalLabel"] == "Eau propre et assainissement" and rows[5]["projects"] == "0"


@pytest.fixture(scope="module")
def client(data: DataDir, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=data.root, base_uri=BASE), store)) as test_client:
        yield test_client


@pytest.mark.parametrize("query", ready_queries(), ids=lambda q: q.name)
def test_the_endpoint_gives_the_same_rows(client: TestClient, store: EmbeddedStore, query: ReadyQuery) -> None:
    response = client.post("/sparql", data={"query": query.text}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    assert [{k: v["value"] for k, v in b.items()} for b in bindings] == select(store, query)


def test_queries_follow_the_configured_base(tmp_path: Path) -> None:
    base = "https://example.org/atlas/"
    other = ingest_examples(tmp_path, base_uri=base).open_store(read_only=True)
    rows = select(other, ready_query("partners-of-an-authority", base))
    assert rows == [
        {
            "partner": base + "id/authority/tun/el-jem",
            "partnerName": "El Jem",
            "country": "Tunisie",
            "sharedProjects": "1",
        }
    ]
    assert len(select(other, ready_query("funding-per-year-and-funder", base))) == 6

"""The HTML pages, rendered from a store the real ingest filled with the example pages: every kind of page with
the values the Atlas pages give, the home page's search and filters, and scraped markup shown as text."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_record_12523
from fastapi.testclient import TestClient
from lxml import html
from support.example_data import (
    BASE,
    HOSTILE_CONTEXT,
    HOSTILE_ID,
    HOSTILE_TITLE,
    hostile_page,
    ingest_examples,
)

from atlas_ld.mapping.project import map_record, static_graphs
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme
from atlas_ld.web.app import create_app

TITLE_12523 = "Projet d'action internationale de Romans et de ses villes partenaires"
TITLE_15077 = "La mobilité internationale des jeunes comme vecteur de rapprochement entre territoires"
TITLE_16323 = (
    "Programme mutualisé d’actions de la plateforme IRAPA : Inter coopération de collectivités rhônalpines "
    "pour l’Arménie."
)


def app_client(data: DataDir) -> TestClient:
    return TestClient(create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True)))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with app_client(ingest_examples(tmp_path_factory.mktemp("pages"))) as test_client:
        yield test_client


def page(client: TestClient, path: str) -> html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    return html.fromstring(response.text)


def text(element: html.HtmlElement) -> str:
    """Visible text with the narrow and plain no-break spaces of French figures made plain spaces."""
    return " ".join(element.text_content().replace("\u202f", " ").replace("\xa0", " ").split())


def facts(doc: html.HtmlElement) -> dict[str, str]:
    """Term → definition of the page's fact lists (the last one wins when a term repeats)."""
    return {text(dt): text(dt.getnext()) for dt in doc.xpath("//dl/dt")}


def rows(table: html.HtmlElement, part: str = "tbody") -> list[list[str]]:
    return [[text(cell) for cell in tr.xpath("th|td")] for tr in table.xpath(f"{part}/tr")]


def json_ld(doc: html.HtmlElement) -> dict[str, Any]:
    (block,) = doc.xpath('//script[@type="application/ld+json"]')
    return json.loads(block.text)  # type: ignore[no-any-return]


def links(doc: html.HtmlElement) -> dict[str, str]:
    """Link text → href in the page's main part."""
    return {text(a): a.get("href") for a in doc.xpath("//main//a")}


def has_class(name: str) -> str:
    """XPath test for an element carrying a CSS class."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# -- the project page ---------------------------------------------------------------------------------------------


def test_project_page_shows_the_funding_table_with_its_total(client: TestClient) -> None:
    doc = page(client, "/page/project/12523")
    assert text(doc.xpath("//h1")[0]) == TITLE_12523
    (table,) = doc.xpath(f"//table[{has_class('funding')}]")
    rows = [[text(td) for td in tr.xpath("td")] for tr in table.xpath("tbody/tr")]
    assert sorted(rows) == sorted(
        [
            ["Autre", "2010", "0 €", "0 €"],
            ["Romans sur Isère", "2010", "112 285 €", "0 €"],
            ["Ministère de l'Europe et des Affaires étrangères", "2010", "25 000 €", ""],
            ["Ministère de l'Europe et des Affaires étrangères", "2011", "25 000 €", ""],
            ["Ministère de l'Europe et des Affaires étrangères", "2012", "25 000 €", ""],
            ["Villes partenaires", "2010", "27 000 €", ""],
        ]
    )
    assert text(table.xpath(f"tfoot//td[{has_class('total')}]")[0]) == "214 285 €"


def test_project_page_links_partners_post_themes_and_country(client: TestClient) -> None:
    doc = page(client, "/page/project/12523")
    found = links(doc)
    assert found["El Jem"] == "/page/authority/tun/el-jem"
    assert found["Tunisie"] == "/page/country/TUN"
    assert found["Romans sur Isère"] == "/page/authority/fra/romans-sur-isere"
    assert found["AMBASSADE DE FRANCE A TUNIS"] == "/page/post/ambassade-de-france-a-tunis"
    assert found["En cours"] == "/page/status/en-cours"
    path = [text(a) for a in doc.xpath(f"//dd[{has_class('theme-path')}]/a")]
    assert path == ["Economie durable", "Attractivité des territoires", "Pôles de compétitivité, clusters, filières"]
    assert found["Economie durable"] == "/page/theme/economie-durable"


def test_project_page_shows_every_field(client: TestClient) -> None:
    doc = page(client, "/page/project/12523")
    assert facts(doc) | {
        "Identifiant Atlas": "12523",
        "Année de signature": "2010",
        "Année de début": "2010",
        "Statut": "En cours",
        "Forme du partenariat": "Projet de coopération décentralisée",
        "Maître(s) d'œuvre": "Romans et ses villes partenaires",
        "Maître(s) d'ouvrage": "Romans et ses villes partenaires",
        "Collectivités territoriales": "Romans sur Isère",
        "Partenaire étranger": "El Jem (Tunisie)",
        "Année de la fiche": "2013",
    } == facts(doc)
    body = text(doc)
    for expected in (
        "Ville moyenne française de 35000 habitants",
        "Historique des coopérations",
        "Le présent projet a pour objectif général",
        "Projet cofinancé par le MAEE en 2010",
        "Les bénéficiaires du projet sont multiples",
        "Ali AKROUT (El Jem) · ali.eljem@yahoo.fr",
        "Correspondant coopération décentralisée : Pierre-Yves SONALET · pierre-yves.sonalet@diplomatie.gouv.fr",
        "Conseiller de coopération et d'action culturelle : Valéry FRELAND · valery.freland@diplomatie.gouv.fr",
        "Le partenariat est triennal : oui",
        "Une communication a été engagée en France : oui",
        "Une communication a été engagée dans les pays partenaires : oui",
        "Une politique d'évaluation a été engagée : oui",
        "Accord de coopération multilatérale – protocole_coop_2010-2012_PAIR.pdf (394.63 Ko)",
    ):
        assert expected in body, expected


def test_project_page_carries_json_ld_and_alternates(client: TestClient) -> None:
    doc = page(client, "/page/project/12523")
    data = json_ld(doc)
    assert data["@type"] == "Project" and data["@id"] == BASE + "id/project/12523"
    assert data["name"] == TITLE_12523
    assert {m["name"] for m in data["member"]} == {"Romans sur Isère", "El Jem"}
    assert [c["name"] for c in data["areaServed"]] == ["Tunisie"]
    assert len(data["funder"]) == 4
    alternates = {a.get("type"): a.get("href") for a in doc.xpath('//head/link[@rel="alternate"]')}
    assert alternates == {
        "text/turtle": "/data/project/12523.ttl",
        "application/ld+json": "/data/project/12523.jsonld",
        "application/n-triples": "/data/project/12523.nt",
        "application/rdf+xml": "/data/project/12523.rdf",
    }
    assert doc.xpath('//meta[@name="viewport"]/@content') == ["width=device-width, initial-scale=1"]


def test_sdgs_of_the_newer_template(client: TestClient) -> None:
    doc = page(client, "/page/project/16323")
    (table,) = doc.xpath('//h2[text()="Objectifs de développement durable"]/following::table[1]')
    assert rows(table) == [
        ["1 – Pas de pauvreté", "1"],
        ["3 – Bonne santé et bien-être", "1"],
        ["4 – Éducation de qualité", "1"],
        ["5 – Égalité entre les sexes", "1"],
        ["7 – Énergie propre et d’un coût abordable", "1"],
        ["8 – Travail décent et croissance économique", "1"],
        ["10 – Inégalités réduites", "1"],
        ["11 – Villes et communautés durables", "2"],
        ["17 – Partenariats pour la réalisation des objectifs", "2"],
    ]


# -- the other kinds of page --------------------------------------------------------------------------------------


def test_authority_page(client: TestClient) -> None:
    doc = page(client, "/page/authority/fra/romans-sur-isere")
    assert text(doc.xpath("//h1")[0]) == "Romans sur Isère"
    found = links(doc)
    assert found["France"] == "/page/country/FRA"
    assert found[TITLE_12523] == "/page/project/12523"
    assert found["El Jem"] == "/page/authority/tun/el-jem"
    body = text(doc)
    assert "El Jem (Tunisie) 1 projet en commun" in body
    (funding,) = doc.xpath('//h2[text()="Financements apportés"]/following::table[1]')
    assert rows(funding) == [["2010", "112 285 €", "0 €", "2"]]
    assert json_ld(doc)["@type"] == "GovernmentOrganization"


def test_embassy_post_page(client: TestClient) -> None:
    doc = page(client, "/page/post/ambassade-de-france-a-tunis")
    body = text(doc)
    assert "Pierre-Yves SONALET" in body and "Valéry FRELAND" in body
    found = links(doc)
    assert found[TITLE_12523] == "/page/project/12523"
    assert found[TITLE_15077] == "/page/project/15077"
    assert "2 projets" in body
    assert json_ld(doc)["parentOrganization"]["name"] == "Ministère de l'Europe et des Affaires étrangères"


def test_country_page(client: TestClient) -> None:
    doc = page(client, "/page/country/TUN")
    assert text(doc.xpath("//h1")[0]) == "Tunisie"
    found = links(doc)
    assert found["El Jem"] == "/page/authority/tun/el-jem"
    assert found[TITLE_12523] == "/page/project/12523"
    assert json_ld(doc) == {
        "@context": "https://schema.org",
        "@type": "Country",
        "@id": "http://publications.europa.eu/resource/authority/country/TUN",
        "name": "Tunisie",
    }


def test_theme_page_goes_down_the_tree(client: TestClient) -> None:
    doc = page(client, "/page/theme/education-social-et-recherche")
    body = text(doc)
    assert "Thématique" in body
    found = links(doc)
    for narrower in ("Santé", "Jeunesse & genre", "Education, emploi, formation professionnelle", "Insertion sociale"):
        assert narrower in found
    # Projects about the theme or a narrower one, as main or other theme.
    assert "3 projets" in body
    assert {t for t in found if t.startswith(("La mobilité", "Dunkerque", "Programme mutualisé"))} == {
        TITLE_15077,
        "Dunkerque, Europe et Méditerranée, roulez jeunesse !",
        TITLE_16323,
    }
    child = page(client, "/page/theme/education-social-et-recherche/jeunesse-genre")
    assert links(child)["Education, Social et Recherche"] == "/page/theme/education-social-et-recherche"
    assert json_ld(child)["inDefinedTermSet"]["name"] == "Thématiques d'intervention"


def test_sdg_page(client: TestClient) -> None:
    doc = page(client, "/page/sdg/11")
    body = text(doc)
    assert "Objectif de développement durable" in body
    assert "Villes et communautés durables" in body and "Sustainable Cities and Communities" in body
    assert "http://metadata.un.org/sdg/11" in links(doc).values()
    assert "1 projet" in body and "Programme mutualisé" in body
    assert json_ld(doc)["termCode"] == "11"


def test_scheme_page_lists_the_goals_in_order(client: TestClient) -> None:
    doc = page(client, "/page/scheme/sdgs")
    items = [text(li) for li in doc.xpath(f"//ul[{has_class('tree')}]/li")]
    assert len(items) == 17
    assert [item.split(" – ")[0] for item in items] == [str(n) for n in range(1, 18)]


def test_funding_dataset_page(client: TestClient) -> None:
    doc = page(client, "/page/dataset/funding")
    body = text(doc)
    assert facts(doc)["Total financé"] == "214 285 €"
    by_year, by_funder = doc.xpath("//table")
    assert rows(by_year) == [
        ["2010", "164 285 €", "0 €", "6"],
        ["2011", "25 000 €", "0 €", "1"],
        ["2012", "25 000 €", "0 €", "1"],
    ]
    assert rows(by_year, "tfoot") == [["Total", "214 285 €", "0 €", "8"]]
    assert rows(by_funder)[:2] == [
        ["Romans sur Isère", "112 285 €", "0 €", "2"],
        ["Ministère de l'Europe et des Affaires étrangères", "75 000 €", "0 €", "3"],
    ]
    assert "Financements des projets de coopération décentralisée" in body
    data = json_ld(doc)
    assert data["@type"] == "Dataset" and data["temporalCoverage"] == "2010/2012"


def test_any_other_resource_has_a_generic_page(client: TestClient) -> None:
    doc = page(client, "/page/observation/12523/2010/romans-sur-isere/1/amount")
    rows = {
        text(tr.xpath("td")[0]): text(tr.xpath("td")[1])
        for tr in doc.xpath(f"//table[{has_class('statements')}]/tbody/tr")
    }
    assert rows["atlas:amount"] == "112285"
    assert rows["atlas:funder"] == "Romans sur Isère"
    assert rows["atlas:fundedProject"] == TITLE_12523
    assert rows["sdmx-dimension:refPeriod"] == "2010"


def test_unknown_page_is_404_html(client: TestClient) -> None:
    response = client.get("/page/project/424242")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


# -- home: counts, search, filters, pages -------------------------------------------------------------------------


def result_titles(client: TestClient, query: str) -> list[str]:
    doc = page(client, "/?" + query)
    return [text(a) for a in doc.xpath(f"//ul[{has_class('projects')}]//a")]


def test_home_counts(client: TestClient) -> None:
    counts = [text(li) for li in page(client, "/").xpath(f"//ul[{has_class('counts')}]/li")]
    assert counts[:4] == ["5 projets", "2 collectivités", "2 pays", "5 postes diplomatiques"]
    assert counts[4] == "8 observations de financement"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ROMANS", {TITLE_12523}),
        ("q=jeunes", {TITLE_15077, "Dunkerque, Europe et Méditerranée, roulez jeunesse !"}),
        ("country=TUN", {TITLE_12523}),
        ("authority=romans", {TITLE_12523}),
        ("year=2011", {TITLE_12523}),
        ("theme=economie-durable", {TITLE_12523}),
        ("theme=education-social-et-recherche&year=2016", {TITLE_15077}),
        ("status=termine", set()),
        ("q=zzzz", set()),
    ],
)
def test_home_search_and_filters(client: TestClient, query: str, expected: set[str]) -> None:
    assert set(result_titles(client, query)) == expected


def test_status_filter_and_bad_parameters(client: TestClient) -> None:
    assert len(result_titles(client, "status=en-cours")) == 5
    assert len(result_titles(client, "page=abc&year=xyz&country=%3Cscript%3E")) == 0
    assert len(result_titles(client, "page=abc&year=xyz")) == 5


def test_home_paginates(tmp_path: Path) -> None:
    uris = UriScheme(BASE)
    data = DataDir(tmp_path)
    store = data.open_store()
    store.replace_graphs(static_graphs(uris))
    graphs, shared = {}, []
    for n in range(23):
        record = make_record_12523()
        record.prj_id, record.title = 50000 + n, f"Projet numéro {n:02d}"
        mapped = map_record(record, uris, ingested_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), parser_version="test")
        graphs[uris.project_graph(record.prj_id)] = mapped.project
        shared += mapped.shared
    store.replace_graphs(graphs, add={uris.graph("shared"): shared})
    store.flush()
    del store
    with app_client(data) as test_client:
        first = page(test_client, "/?q=num%C3%A9ro")
        assert len(first.xpath(f"//ul[{has_class('projects')}]/li")) == 20
        assert "Page 1 sur 2" in text(first)
        (next_link,) = first.xpath('//a[@rel="next"]')
        second = page(test_client, next_link.get("href"))
        assert [text(a) for a in second.xpath(f"//ul[{has_class('projects')}]//a")] == [
            "Projet numéro 20",
            "Projet numéro 21",
            "Projet numéro 22",
        ]
        assert "q=num%C3%A9ro" in next_link.get("href")


# -- scraped text stays text ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = ingest_examples(tmp_path_factory.mktemp("hostile"), extra_pages={f"{HOSTILE_ID}.txt": hostile_page()})
    with app_client(data) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "path",
    [f"/page/project/{HOSTILE_ID}", "/?q=alert", "/page/authority/fra/romans-sur-isere", "/page/country/TUN"],
)
def test_markup_in_a_scraped_title_is_shown_as_text(hostile_client: TestClient, path: str) -> None:
    response = hostile_client.get(path)
    assert response.status_code == 200
    raw = response.text
    assert "<script>alert" not in raw and "<img src=x" not in raw and "onerror=alert(1)>" not in raw
    doc = html.fromstring(raw)
    # The only scripts are the page's own JSON-LD and its maps' JSON data: nothing scraped became an element.
    scripts = [(s.get("type"), s.get("class")) for s in doc.iter("script")]
    assert [t for t, c in scripts if c != "figure-data"] == ["application/ld+json"]
    assert {t for t, c in scripts if c == "figure-data"} <= {"application/json"}
    assert not doc.xpath("//img")
    assert HOSTILE_TITLE in [a.text_content() for a in doc.xpath("//main//a")] + [
        h.text_content() for h in doc.xpath("//h1")
    ]
    assert "default-src 'self'; script-src 'self';" in response.headers["content-security-policy"]


def test_markup_in_scraped_texts_stays_text_in_the_json_ld(hostile_client: TestClient) -> None:
    response = hostile_client.get(f"/page/project/{HOSTILE_ID}")
    doc = html.fromstring(response.text)
    (block,) = doc.xpath('//script[@type="application/ld+json"]')
    assert "<" not in block.text and ">" not in block.text
    assert json.loads(block.text)["name"] == HOSTILE_TITLE
    assert doc.xpath("//title")[0].text_content().startswith(HOSTILE_TITLE)
    paragraphs = [p.text_content() for p in doc.xpath(f"//section[{has_class('text')}]/p")]
    assert any(p.startswith(HOSTILE_CONTEXT) for p in paragraphs)


def test_every_html_response_carries_the_policy(client: TestClient) -> None:
    for path in ("/", "/page/project/12523", "/page/def/", "/page/nothing/here"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self';" in policy and "object-src 'none'" in policy and "unsafe" not in policy

"""Dereferencing: {base}id/... answers 303 by Accept, /data/... serves descriptions in four RDF syntaxes, unknown
resources get 404 in the asked format, and the server answers for the base URI's paths on any host."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS
from support.backends import BACKENDS
from support.example_data import BASE, ingest_examples, served_examples
from support.jsonld import inline_context

from atlas_ld.mapping.schemes import theme_paths
from atlas_ld.settings import Settings
from atlas_ld.web.app import create_app

PROJECT = BASE + "id/project/12523"
ATLAS = BASE + "def/"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RAPPER_ACCEPT = "application/rdf+xml, text/rdf;q=0.6, text/turtle;q=0.4, application/n-triples;q=0.3, */*;q=0.1"
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
SUFFIXES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


def make_client(root: Path, base_uri: str = BASE) -> TestClient:
    data = ingest_examples(root, base_uri=base_uri)
    settings = Settings(store=data.root, base_uri=base_uri)
    return TestClient(create_app(settings, data.open_store(read_only=True)))


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with served_examples(request.param, tmp_path_factory.mktemp("dereference")) as (settings, store):
        with TestClient(create_app(settings, store)) as test_client:
            yield test_client


def parse(body: bytes, media_type: str) -> Graph:
    graph = Graph()
    graph.parse(data=body, format=RDFLIB_FORMATS[media_type], publicID=BASE)
    return graph


# -- 303 See Other ------------------------------------------------------------------------------------------------


def test_a_browser_is_sent_to_the_page(client: TestClient) -> None:
    response = client.get("/id/project/12523", headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/page/project/12523"
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        (None, "/data/project/12523.ttl"),
        ("*/*", "/data/project/12523.ttl"),
        ("text/turtle", "/data/project/12523.ttl"),
        ("application/ld+json", "/data/project/12523.jsonld"),
        ("application/n-triples", "/data/project/12523.nt"),
        (RAPPER_ACCEPT, "/data/project/12523.rdf"),
        ("text/html;q=0.5, text/turtle", "/data/project/12523.ttl"),
    ],
)
def test_an_rdf_client_is_sent_to_the_data_in_the_format_it_prefers(
    client: TestClient, accept: str | None, location: str
) -> None:
    request = client.build_request("GET", "/id/project/12523")
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    response = client.send(request, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "accept" in response.headers["vary"].lower()


def test_format_parameter_beats_accept(client: TestClient) -> None:
    response = client.get(
        "/id/project/12523", params={"format": "jsonld"}, headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False
    )
    assert response.headers["location"] == "/data/project/12523.jsonld"


def test_following_the_redirect_gives_the_description(client: TestClient) -> None:
    response = client.get("/id/project/12523", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.url.path == "/data/project/12523.ttl"
    graph = parse(response.content, "text/turtle")
    assert (URIRef(PROJECT), RDF.type, URIRef(ATLAS + "Project")) in graph


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    response = client.get("/id/project/12523", headers={"Accept": "text/csv"}, follow_redirects=False)
    assert response.status_code == 406


# -- /data ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
def test_project_description_in_each_format(client: TestClient, suffix: str) -> None:
    response = client.get(f"/data/project/12523.{suffix}")
    assert response.status_code == 200
    media_type = SUFFIXES[suffix]
    assert response.headers["content-type"].split(";")[0] == media_type
    content = inline_context(response.content, client.get) if suffix == "jsonld" else response.content
    graph = parse(content, media_type)
    project = URIRef(PROJECT)
    atlas = lambda name: URIRef(ATLAS + name)  # noqa: E731

    assert graph.value(project, DCTERMS.title) == Literal(
        "Projet d'action internationale de Romans et de ses villes partenaires", lang="fr"
    )
    # The funding observations: six lines on the page, 214 285 euros in all.
    amounts = [graph.value(obs, atlas("amount")) for obs in graph.subjects(atlas("fundedProject"), project)]
    amounts = [a.toPython() for a in amounts if a is not None]
    assert sorted(amounts) == sorted(Decimal(x) for x in ("0", "112285", "25000", "25000", "25000", "27000"))
    assert sum(amounts) == Decimal(214285)
    # Labels of what it links to: the partners and their country.
    el_jem = graph.value(project, atlas("foreignPartner"))
    assert graph.value(el_jem, RDFS.label) == Literal("El Jem")
    assert graph.value(graph.value(el_jem, DCTERMS.spatial), RDFS.label) == Literal("Tunisie", lang="fr")
    romans = graph.value(project, atlas("frenchPartner"))
    assert graph.value(romans, RDFS.label) == Literal("Romans sur Isère")
    # The contacts: the foreign partner's, and the embassy post's through their memberships.
    contact = graph.value(project, atlas("partnerContact"))
    assert graph.value(contact, FOAF.mbox) == URIRef("mailto:ali.eljem@yahoo.fr")
    post = graph.value(project, atlas("diplomaticPost"))
    members = {graph.value(m, ORG.member) for m in graph.subjects(ORG.organization, post)}
    assert {graph.value(p, FOAF.name) for p in members} == {Literal("Pierre-Yves SONALET"), Literal("Valéry FRELAND")}


def test_description_advertises_the_other_formats(client: TestClient) -> None:
    link = client.get("/data/project/12523.ttl").headers["link"]
    for path in (
        "/page/project/12523",
        "/data/project/12523.jsonld",
        "/data/project/12523.nt",
        "/data/project/12523.rdf",
    ):
        assert f"<{path}>" in link


def test_authority_description_has_its_projects(client: TestClient) -> None:
    graph = parse(client.get("/data/authority/fra/romans-sur-isere.ttl").content, "text/turtle")
    romans = URIRef(BASE + "id/authority/fra/romans-sur-isere")
    assert (URIRef(PROJECT), URIRef(ATLAS + "frenchPartner"), romans) in graph
    assert graph.value(romans, DCTERMS.spatial) == URIRef(
        "http://publications.europa.eu/resource/authority/country/FRA"
    )


def test_country_description(client: TestClient) -> None:
    graph = parse(client.get("/data/country/TUN.nt").content, "application/n-triples")
    tunisia = URIRef("http://publications.europa.eu/resource/authority/country/TUN")
    assert graph.value(tunisia, RDFS.label) == Literal("Tunisie", lang="fr")
    assert (URIRef(BASE + "id/authority/tun/el-jem"), DCTERMS.spatial, tunisia) in graph


# -- 404 in the asked format ------------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", sorted(RDFLIB_FORMATS))
def test_unknown_thing_is_404_in_the_asked_rdf_format(client: TestClient, media_type: str) -> None:
    response = client.get("/id/project/999999", headers={"Accept": media_type}, follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == media_type
    assert len(parse(response.content, media_type)) == 0


def test_unknown_thing_is_404_html_for_a_browser(client: TestClient) -> None:
    response = client.get("/id/project/999999", headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert BASE + "id/project/999999" in response.text


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
def test_unknown_data_is_404_in_its_suffix_format(client: TestClient, suffix: str) -> None:
    response = client.get(f"/data/project/999999.{suffix}")
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == SUFFIXES[suffix]
    assert len(parse(response.content, SUFFIXES[suffix])) == 0


def test_a_path_that_is_no_iri_is_404_not_an_error(client: TestClient) -> None:
    response = client.get("/data/project/%3E%20%7D%20DROP%20ALL.ttl")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/turtle")


# -- any host ---------------------------------------------------------------------------------------------------


def test_answers_for_the_base_paths_on_any_host(client: TestClient) -> None:
    headers = {"Host": "data.example.net:8080", "Accept": "text/turtle"}
    redirect = client.get("/id/project/12523", headers=headers, follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/data/project/12523.ttl"
    body = client.get("/data/project/12523.ttl", headers={"Host": "data.example.net:8080"}).content
    assert body == client.get("/data/project/12523.ttl").content
    assert (URIRef(PROJECT), RDF.type, URIRef(ATLAS + "Project")) in parse(body, "text/turtle")


def test_a_base_uri_with_a_path(tmp_path: Path) -> None:
    base = "https://example.org/atlas/"
    with make_client(tmp_path, base) as test_client:
        redirect = test_client.get(
            "/atlas/id/project/12523", headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False
        )
        assert redirect.headers["location"] == "/atlas/page/project/12523"
        graph = parse(test_client.get("/atlas/data/project/12523.ttl").content, "text/turtle")
        assert (URIRef(base + "id/project/12523"), RDF.type, URIRef(base + "def/Project")) in graph
        page = test_client.get("/atlas/page/project/12523")
        assert page.status_code == 200 and 'href="/atlas/page/authority/tun/el-jem"' in page.text
        assert test_client.get("/id/project/12523", follow_redirects=False).status_code == 404


# -- validators and HEAD ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/data/project/12523.ttl", "/page/project/12523"])
def test_conditional_requests_get_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


@pytest.mark.parametrize("path", ["/data/project/12523.jsonld", "/page/project/12523", "/id/project/12523"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path, follow_redirects=False)
    head = client.head(path, follow_redirects=False)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers.get("etag") == get.headers.get("etag")
    assert head.headers.get("location") == get.headers.get("location")


# -- vocabulary and concept schemes -------------------------------------------------------------------------------


def test_vocabulary_terms_dereference(client: TestClient) -> None:
    to_page = client.get("/def/Project", headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False)
    assert (to_page.status_code, to_page.headers["location"]) == (303, "/page/def/#Project")
    to_data = client.get("/def/Project", headers={"Accept": "application/ld+json"}, follow_redirects=False)
    assert (to_data.status_code, to_data.headers["location"]) == (303, "/data/def.jsonld")
    assert client.get("/def/NoSuchTerm", follow_redirects=False).status_code == 404


def test_vocabulary_document_labels_every_term_in_french_and_english(client: TestClient) -> None:
    graph = parse(client.get("/data/def.ttl").content, "text/turtle")
    terms = set(graph.subjects(RDFS.isDefinedBy, URIRef(ATLAS)))
    assert URIRef(ATLAS + "Project") in terms and URIRef(ATLAS + "fundedProject") in terms
    for term in terms:
        languages = {label.language for label in graph.objects(term, RDFS.label)}
        assert {"fr", "en"} <= languages, term
    assert (URIRef(ATLAS), RDF.type, OWL.Ontology) in graph


def test_vocabulary_page_documents_every_term(client: TestClient) -> None:
    graph = parse(client.get("/data/def.ttl").content, "text/turtle")
    page = client.get("/page/def/").text
    for term in graph.subjects(RDFS.isDefinedBy, URIRef(ATLAS)):
        name = str(term)[len(ATLAS) :]
        assert f'id="{name}"' in page
        for label in graph.objects(term, RDFS.label):
            assert str(escape(str(label))) in page, (name, label)


def test_concept_scheme_dereferences_with_its_concepts(client: TestClient) -> None:
    redirect = client.get("/id/scheme/themes", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert redirect.headers["location"] == "/data/scheme/themes.ttl"
    graph = parse(client.get("/data/scheme/themes.ttl").content, "text/turtle")
    scheme = URIRef(BASE + "id/scheme/themes")
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == len(list(theme_paths()))
    pole = URIRef(
        BASE + "id/theme/economie-durable/attractivite-des-territoires/poles-de-competitivite-clusters-filieres"
    )
    assert graph.value(pole, SKOS.broader) == URIRef(BASE + "id/theme/economie-durable/attractivite-des-territoires")
    page = client.get("/id/scheme/themes", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and "Pôles de compétitivité, clusters, filières" in page.text

"""Compacted JSON-LD: descriptions and CONSTRUCT results name the context the site publishes, use CURIEs for keys,
and read back (rdflib, with that context) to the same graph as the Turtle."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic
from support.example_data import BASE, ingest_examples

from atlas_ld.settings import Settings
from atlas_ld.vocab import prefixes
from atlas_ld.web.app import create_app

CONSTRUCT = (
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "CONSTRUCT { ?p a ?type ; dcterms:title ?t } WHERE { ?p a ?type ; dcterms:title ?t }"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = ingest_examples(tmp_path_factory.mktemp("jsonld"))
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app) as test_client:
        yield test_client


def read_jsonld(client: TestClient, body: bytes) -> Graph:
    """rdflib reads the document with the context it names, fetched from the app."""
    document = json.loads(body)
    url = document["@context"]
    assert url == "http://testserver/context.jsonld"
    context = client.get("/context.jsonld").json()
    return Graph().parse(data=json.dumps({**document, "@context": context["@context"]}), format="json-ld")


def keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in keys(value)}
    return set()


def test_the_context_is_published_with_every_prefix(client: TestClient) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    assert response.json() == {"@context": prefixes(BASE)}
    assert response.json()["@context"]["atlas"] == BASE + "def/"


@pytest.mark.parametrize("path", ["/data/project/12523", "/data/def", "/data/country/TUN"])
def test_a_description_is_compacted_and_reads_back_as_the_turtle(client: TestClient, path: str) -> None:
    response = client.get(path + ".jsonld")
    assert response.status_code == 200
    document = response.json()
    assert not [key for key in keys(document) if key.startswith("http")]  # no key is a full IRI
    assert "dcterms:title" in keys(document) or "rdfs:label" in keys(document) or "skos:prefLabel" in keys(document)
    turtle = Graph().parse(data=client.get(path + ".ttl").text, format="turtle")
    assert len(turtle) > 0
    assert isomorphic(read_jsonld(client, response.content), turtle)


def test_a_construct_is_compacted_and_reads_back_as_the_turtle(client: TestClient) -> None:
    jsonld = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    document = jsonld.json()
    assert "dcterms:title" in keys(document) and "@type" in keys(document)
    assert not [key for key in keys(document) if key.startswith("http")]
    turtle = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 2
    assert isomorphic(read_jsonld(client, jsonld.content), graph)


def test_turtle_answers_declare_the_site_prefixes(client: TestClient) -> None:
    turtle = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}).text
    assert f"@prefix atlas: <{BASE}def/> ." in turtle and "@prefix dcterms: <http://purl.org/dc/terms/> ." in turtle
    assert "dcterms:title" in turtle and "<http://purl.org/dc/terms/title>" not in turtle
    rdf_xml = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/rdf+xml"}).text
    assert 'xmlns:dcterms="http://purl.org/dc/terms/"' in rdf_xml

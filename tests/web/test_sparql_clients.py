"""Real SPARQL clients against a real server: SPARQLWrapper, rdflib's SPARQLStore, the Accept headers that programs
and browsers send, and one atlas-ld server federating another through an allowed SERVICE."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from xml.dom.minidom import Document

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from support.jsonld import inline_context
from support.liveserver import LiveServer, live_server, write_store
from support.sample_graphs import (
    BASE,
    GRAPH_12523,
    GRAPH_16323,
    PROJECT_12523,
    PROJECT_16323,
    SAMPLE_TRIG,
    TITLE_12523,
    TITLE_16323,
)

PREFIXES = f"PREFIX atlas: <{BASE}def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
TITLES = PREFIXES + "SELECT ?project ?title WHERE { ?project a atlas:Project ; dcterms:title ?title } ORDER BY ?project"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p dcterms:title ?t }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("clients") / "data"
    write_store(data, SAMPLE_TRIG)
    with live_server(data) as running:
        yield running


def wrapper(server: LiveServer, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


# SPARQLWrapper


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json(server: LiveServer, method: str) -> None:
    client = wrapper(server, TITLES, JSON)
    client.setMethod(method)
    results = client.query().convert()
    assert isinstance(results, dict)
    assert [b["title"]["value"] for b in results["results"]["bindings"]] == [TITLE_12523, TITLE_16323]
    assert results["results"]["bindings"][0]["title"]["xml:lang"] == "fr"


def test_sparqlwrapper_xml(server: LiveServer) -> None:
    document = wrapper(server, TITLES, XML).query().convert()
    assert isinstance(document, Document)
    literals = document.getElementsByTagName("literal")
    assert [node.firstChild.nodeValue for node in literals if node.firstChild] == [TITLE_12523, TITLE_16323]


def test_sparqlwrapper_csv(server: LiveServer) -> None:
    body = wrapper(server, TITLES, CSV).query().convert()
    assert isinstance(body, bytes)
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows == [["project", "title"], [PROJECT_12523, TITLE_12523], [PROJECT_16323, TITLE_16323]]


def test_sparqlwrapper_ask(server: LiveServer) -> None:
    results = wrapper(server, f"ASK {{ <{PROJECT_12523}> ?p ?o }}", JSON).query().convert()
    assert isinstance(results, dict) and results["boolean"] is True


def test_sparqlwrapper_construct_as_turtle(server: LiveServer) -> None:
    turtle = wrapper(server, CONSTRUCT, TURTLE).query().convert()
    assert isinstance(turtle, bytes)
    graph = Graph().parse(data=turtle, format="turtle")
    assert graph.value(URIRef(PROJECT_16323), DCTERMS.title) == Literal(TITLE_16323, lang="fr")
    assert len(graph) == 2


def test_sparqlwrapper_reports_a_syntax_error(server: LiveServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="Syntax error at line 1"):
        wrapper(server, "SELECT * WHERE {", JSON).query()


# rdflib's SPARQLStore: the endpoint read as a graph


def test_rdflib_reads_the_endpoint_as_a_graph(server: LiveServer) -> None:
    graph = Graph(store=SPARQLStore(server.url + "/sparql"))
    assert graph.value(URIRef(PROJECT_12523), DCTERMS.title) == Literal(TITLE_12523, lang="fr")
    assert {s for s, _, _ in graph.triples((None, DCTERMS.title, None))} == {
        URIRef(PROJECT_12523),
        URIRef(PROJECT_16323),
    }
    rows = graph.query(TITLES)
    assert [str(row.title) for row in rows] == [TITLE_12523, TITLE_16323]  # type: ignore[union-attr]


def test_rdflib_lists_the_named_graphs(server: LiveServer) -> None:
    store = SPARQLStore(server.url + "/sparql")
    names = {str(context.identifier if hasattr(context, "identifier") else context) for context in store.contexts()}
    assert {GRAPH_12523, GRAPH_16323} <= names


# Accept headers as real programs and browsers send them

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
RAPTOR = (
    "application/rdf+xml, text/rdf;q=0.6, application/n-triples, text/plain;q=0.1, application/x-turtle, "
    "application/turtle, text/turtle, text/n3;q=0.3, application/trig;q=0.2, */*;q=0.1"
)
JENA_SELECT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.7, text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1"
)
JENA_GRAPH = "text/turtle, application/n-triples;q=0.9, application/ld+json;q=0.8, application/rdf+xml;q=0.7, */*;q=0.3"
JAVA_DEFAULT = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"


@pytest.mark.parametrize(
    ("accept", "query", "media_type"),
    [
        ("*/*", TITLES, "application/sparql-results+json"),  # curl
        ("*/*", CONSTRUCT, "text/turtle"),
        (FIREFOX, TITLES, "application/sparql-results+xml"),
        (CHROME, CONSTRUCT, "application/rdf+xml"),
        (RAPTOR, CONSTRUCT, "text/turtle"),
        (RAPTOR, TITLES, "application/sparql-results+json"),
        (JENA_SELECT, TITLES, "application/sparql-results+json"),
        (JENA_GRAPH, CONSTRUCT, "text/turtle"),
        (JAVA_DEFAULT, TITLES, "application/sparql-results+json"),
        (SPARQLWRAPPER_JSON, TITLES, "application/sparql-results+json"),
        ("application/sparql-results+json,*/*;q=0.9", TITLES, "application/sparql-results+json"),  # YASGUI
        ("text/csv;q=0.9, text/tab-separated-values", TITLES, "text/tab-separated-values"),
        ("application/rdf+xml;q=0.5, application/ld+json", CONSTRUCT, "application/ld+json"),
        ("application/json", CONSTRUCT, "application/ld+json"),
        ("text/*", CONSTRUCT, "text/turtle"),
        ("not an accept header;;; q=x", TITLES, "application/sparql-results+json"),
        ("", CONSTRUCT, "text/turtle"),
    ],
)
def test_real_world_accept_headers(server: LiveServer, accept: str, query: str, media_type: str) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    if query is CONSTRUCT:
        body = inline_context(response.content) if media_type == "application/ld+json" else response.content
        triples = list(ox.parse(body, ox.RdfFormat.from_media_type(media_type)))
        assert len(triples) == 2
    else:
        results = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(media_type))
        assert len(list(results)) == 2  # type: ignore[arg-type]


def test_a_browser_without_a_query_gets_the_query_page(server: LiveServer) -> None:
    page = httpx.get(server.url + "/sparql", headers={"Accept": FIREFOX})
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"].startswith("Accept,")
    description = httpx.get(server.url + "/sparql", headers={"Accept": "*/*"})
    assert description.headers["content-type"].startswith("text/turtle")
    asked = httpx.get(server.url + "/sparql", params={"format": "jsonld"}, headers={"Accept": FIREFOX})
    assert asked.headers["content-type"] == "application/ld+json"


# Federation through an allowed SERVICE


def test_service_to_an_allowed_endpoint(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    data = tmp_path_factory.mktemp("federating") / "data"
    write_store(data, f"<{BASE}graph/local> {{ <{PROJECT_12523}> <urn:seenIn> <urn:local> . }}")
    allowed = server.url + "/sparql"
    with live_server(data, env={"ATLAS_LD_SERVICE_ALLOWLIST": allowed}) as federating:
        query = PREFIXES + (
            f"SELECT ?title WHERE {{ ?p <urn:seenIn> <urn:local> . SERVICE <{allowed}> {{ ?p dcterms:title ?title }} }}"
        )
        response = httpx.get(federating.url + "/sparql", params={"query": query})
        assert response.status_code == 200, response.text
        assert [b["title"]["value"] for b in response.json()["results"]["bindings"]] == [TITLE_12523]
        elsewhere = query.replace(allowed, server.url + "/other")
        assert httpx.get(federating.url + "/sparql", params={"query": elsewhere}).status_code == 403
        description = httpx.get(federating.url + "/sparql", headers={"Accept": "application/n-triples"}).text
        assert "<http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery>" in description

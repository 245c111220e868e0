"""/.well-known/void on the example pages' store: what it points to, and counts that equal SPARQL counts sent to
the same server's endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from support.liveserver import LiveServer, live_server
from support.published_data import (
    BASE,
    EXAMPLE_IDS,
    EXAMPLE_PAGES,
    ingest_and_dump,
    read_store,
)

from atlas_ld.publish.stats import count_resources
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme
from atlas_ld.web.app import create_app

VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DATASET = URIRef(BASE + "id/dataset/atlas")
ATLAS = BASE + "def/"
ID_SPACE = BASE + "id/"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("void") / "atlas-data"
    ingest_and_dump(root, EXAMPLE_PAGES)
    return root


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[LiveServer]:
    with live_server(data_dir) as live:
        yield live


@pytest.fixture(scope="module")
def void(server: LiveServer) -> Graph:
    response = httpx.get(f"{server.url}/.well-known/void")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def sparql_count(server: LiveServer, query: str) -> int:
    """A count asked of the server's own SPARQL endpoint (the union of the graphs, as VoID counts it)."""
    response = httpx.get(
        f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def figure(void: Graph, subject: URIRef, predicate: URIRef) -> int:
    value = void.value(subject, predicate)
    assert isinstance(value, Literal) and value.datatype == XSD.integer
    return int(value)


def test_void_says_where_the_dataset_is(void: Graph, server: LiveServer) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{server.url}/sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal(ID_SPACE)
    dumps = {str(o) for o in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{server.url}/dumps/atlas.{ext}.gz" for ext in ("ttl", "nt", "nq", "jsonld")}
    for dump in dumps:
        assert httpx.head(dump).status_code == 200
    assert (URIRef(f"{server.url}/.well-known/void"), FOAF.primaryTopic, DATASET) in void


def test_void_names_the_licence_publisher_and_date(void: Graph) -> None:
    assert void.value(DATASET, DCTERMS.license) == URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
    publisher = void.value(DATASET, DCTERMS.publisher)
    assert void.value(publisher, FOAF.name) == Literal("Ministère de l'Europe et des Affaires étrangères", lang="fr")
    titles = {t.language: str(t) for t in void.objects(DATASET, DCTERMS.title)}
    assert titles["fr"].startswith("Atlas français de la coopération décentralisée")
    assert "en" in titles and {d.language for d in void.objects(DATASET, DCTERMS.description)} == {"fr", "en"}
    assert void.value(DATASET, DCTERMS.modified).datatype == XSD.dateTime


def test_triple_and_entity_counts_equal_sparql_counts(void: Graph, server: LiveServer, data_dir: Path) -> None:
    triples = sparql_count(server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert figure(void, DATASET, VOID.triples) == triples
    entities = sparql_count(
        server,
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID_SPACE}")) }}',
    )
    assert figure(void, DATASET, VOID.entities) == entities
    assert figure(void, DATASET, VOID.distinctSubjects) == sparql_count(
        server, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert figure(void, DATASET, VOID.distinctObjects) == sparql_count(
        server, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"
    )
    # Fewer distinct triples than stored quads: a country's or a theme's triples sit in several project graphs.
    assert triples <= len(read_store(data_dir))


def partitions(void: Graph, kind: URIRef, key: URIRef, size: URIRef) -> dict[URIRef, int]:
    return {void.value(p, key): figure(void, p, size) for p in void.objects(DATASET, kind)}  # type: ignore[misc]


def test_class_partitions_equal_sparql_counts(void: Graph, server: LiveServer) -> None:
    classes = partitions(void, VOID.classPartition, VOID["class"], VOID.entities)
    assert figure(void, DATASET, VOID.classes) == len(classes) == sparql_count(
        server, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?x a ?c }"
    )
    response = httpx.get(
        f"{server.url}/sparql",
        params={"query": "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c"},
        headers={"Accept": "application/sparql-results+json"},
    )
    counted = {URIRef(b["c"]["value"]): int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}
    assert classes == counted
    assert classes[URIRef(ATLAS + "Project")] == len(EXAMPLE_IDS) == 5


def test_class_partitions_agree_with_the_stats_command(void: Graph, data_dir: Path) -> None:
    store = DataDir(data_dir).open_store(read_only=True)
    stats = count_resources(store, UriScheme(BASE))
    classes = partitions(void, VOID.classPartition, VOID["class"], VOID.entities)
    assert classes[URIRef(ATLAS + "Project")] == stats["projects"]
    assert classes[URIRef(ATLAS + "LocalAuthority")] == stats["authorities"]
    assert classes[URIRef("http://purl.org/linked-data/cube#Observation")] == stats["observations"]


def test_property_partitions_add_up_to_the_triples(void: Graph, server: LiveServer) -> None:
    properties = partitions(void, VOID.propertyPartition, VOID.property, VOID.triples)
    assert sum(properties.values()) == figure(void, DATASET, VOID.triples)
    assert figure(void, DATASET, VOID.properties) == len(properties)
    title = URIRef("http://purl.org/dc/terms/title")
    assert properties[title] == sparql_count(
        server, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{title}> ?o }} }}"
    )


def test_example_resources_exist_and_start_with_project_12523(void: Graph, data_dir: Path) -> None:
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert URIRef(BASE + "id/project/12523") in examples
    assert URIRef(BASE + "id/authority/fra/romans-sur-isere") in examples
    assert URIRef(BASE + "id/dataset/funding") in examples
    store = read_store(data_dir)
    for example in examples:
        assert str(example).startswith(ID_SPACE)
        assert store.query(f"ASK {{ GRAPH ?g {{ <{example}> ?p ?o }} }}"), example


def test_vocabularies_are_those_the_data_uses(void: Graph) -> None:
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    for expected in (
        "http://purl.org/dc/terms/",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/linked-data/cube#",
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/prov#",
        "http://xmlns.com/foaf/0.1/",
        ATLAS,
    ):
        assert expected in vocabularies
    used = {str(o) for p in void.objects(DATASET, VOID.classPartition) for o in void.objects(p, VOID["class"])}
    used |= {str(o) for p in void.objects(DATASET, VOID.propertyPartition) for o in void.objects(p, VOID.property)}
    for vocabulary in vocabularies:
        assert any(term.startswith(vocabulary) for term in used), vocabulary


def same_description(one: Graph, other: Graph) -> bool:
    """Equal named-node triples and equal partitions: the graphs match but for their blank nodes' labels (a
    full isomorphism check is slow on a hundred look-alike partitions)."""

    def named(graph: Graph) -> set[tuple[object, ...]]:
        return {t for t in graph if not any(isinstance(term, BNode) for term in t)}

    def described(graph: Graph) -> tuple[object, ...]:
        return (
            len(graph),
            named(graph),
            partitions(graph, VOID.classPartition, VOID["class"], VOID.entities),
            partitions(graph, VOID.propertyPartition, VOID.property, VOID.triples),
        )

    return described(one) == described(other)


def test_void_in_other_rdf_formats_is_the_same_graph(void: Graph, server: LiveServer) -> None:
    url = f"{server.url}/.well-known/void"
    for accept, rdflib_format in (
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        response = httpx.get(url, headers={"Accept": accept})
        assert response.headers["content-type"].startswith(accept)
        assert same_description(Graph().parse(data=response.text, format=rdflib_format), void), accept
    by_parameter = httpx.get(url, params={"format": "nt"}, headers={"Accept": "text/turtle"})
    assert by_parameter.headers["content-type"].startswith("application/n-triples")
    refused = httpx.get(url, headers={"Accept": "text/csv"})
    assert refused.status_code == 406 and "text/turtle" in refused.text


def test_void_is_conditional_and_answers_head(server: LiveServer) -> None:
    url = f"{server.url}/.well-known/void"
    first = httpx.get(url)
    assert "Accept" in first.headers["vary"]
    assert httpx.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
    head = httpx.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]


def test_counts_follow_a_write_to_the_store(tmp_path: Path) -> None:
    store = DataDir(tmp_path).open_store()
    client = TestClient(create_app(Settings(store=tmp_path, base_uri=BASE), store))
    project = ox.NamedNode(BASE + "id/project/1")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.replace_graphs({BASE + "graph/project/1": [ox.Triple(project, kind, ox.NamedNode(ATLAS + "Project"))]})
    before = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    graph = Graph().parse(data=before.text, format="nt")
    assert int(graph.value(DATASET, VOID.triples)) == 1
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    store.replace_graphs({BASE + "graph/project/2": [
        ox.Triple(ox.NamedNode(BASE + "id/project/2"), kind, ox.NamedNode(ATLAS + "Project")),
        ox.Triple(ox.NamedNode(BASE + "id/project/2"), title, ox.Literal("Deux", language="fr")),
    ]})
    after = client.get("/.well-known/void", headers={"Accept": "application/n-triples", "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    graph = Graph().parse(data=after.text, format="nt")
    assert int(graph.value(DATASET, VOID.triples)) == 3
    assert int(graph.value(DATASET, VOID.entities)) == 2

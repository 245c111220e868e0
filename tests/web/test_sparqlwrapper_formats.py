"""SPARQLWrapper with every return format it offers, for every query form, against a real server.

SPARQLWrapper sends its format three ways at once (`format=`, `output=`, `results=`), some as a name this server
does not know (`n3`) or as a name then media types (`format=json-ld&format=application/ld+json,...`), beside an
Accept header that says what it wants: none of it may end in a 406.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Graph
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from support.liveserver import LiveServer, live_server, write_store
from support.sample_graphs import BASE, PROJECT_12523, SAMPLE_TRIG

PREFIXES = f"PREFIX atlas: <{BASE}def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
SELECT = PREFIXES + "SELECT ?project ?title WHERE { ?project a atlas:Project ; dcterms:title ?title }"
ASK = f"ASK {{ <{PROJECT_12523}> ?p ?o }}"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p dcterms:title ?t }"
DESCRIBE = f"DESCRIBE <{PROJECT_12523}>"

# What each return format gets when it fits the query form; a format that does not fit gets the default.
RESULT_TYPES = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
}
GRAPH_TYPES = {
    TURTLE: "text/turtle",
    N3: "text/turtle",
    XML: "application/rdf+xml",
    RDF: "application/rdf+xml",
    RDFXML: "application/rdf+xml",
    JSONLD: "application/ld+json",
    JSON: "application/ld+json",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("formats") / "data"
    write_store(data, SAMPLE_TRIG)
    with live_server(data) as running:
        yield running


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", [JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD])
@pytest.mark.parametrize("query", [SELECT, ASK, CONSTRUCT, DESCRIBE], ids=["select", "ask", "construct", "describe"])
def test_every_return_format(server: LiveServer, query: str, return_format: str, method: str) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setMethod(method)
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "unexpected returned format" for a mismatched form
        response = client.query().response  # raises on a 4xx
    media_type = response.headers["content-type"].split(";")[0]
    body = response.read()
    if query in (SELECT, ASK):
        assert media_type == RESULT_TYPES.get(return_format, "application/sparql-results+json")
        if media_type in ("text/csv", "text/tab-separated-values"):
            text = body.decode()
            assert text == "true" if query is ASK else text.count("\n") == 3  # a header and two rows
        else:
            results = ox.parse_query_results(body, ox.QueryResultsFormat.from_media_type(media_type))
            assert bool(results) if query is ASK else len(list(results)) == 2  # type: ignore[arg-type]
    else:
        assert media_type == GRAPH_TYPES.get(return_format, "text/turtle")
        graph = Graph().parse(data=body, format=media_type, publicID=server.url + "/sparql")
        assert len(graph) == 2 if query is CONSTRUCT else len(graph) > 2


def test_jsonld_converts_to_a_graph(server: LiveServer) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(JSONLD)
    graph = client.queryAndConvert()
    assert isinstance(graph, Graph) and len(graph) == 2

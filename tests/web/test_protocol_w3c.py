"""The W3C SPARQL 1.1 Protocol and Service Description test suites, run against a real server.

The protocol manifest is read with rdflib and each of its tests replayed over HTTP: every request as the
manifest writes it (method, path, headers, body in its character encoding), checking the status class, the
result format class from Content-Type, that the body parses in that format, and ASK booleans. All 34 run on a
server with updates on (graph data loaded per test through the Graph Store Protocol); the 27 that are not
update_* tests also run on a read-only server whose store holds their data from the start.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node
from support import DATA
from support.backends import BACKENDS, backend_store
from support.liveserver import LiveServer, graphs_of, live_server, write_store

CONFORMANCE = DATA / "conformance"
PROTOCOL_MANIFEST = CONFORMANCE / "w3c-protocol" / "manifest.ttl"
SD_MANIFEST = CONFORMANCE / "w3c-service-description" / "manifest.ttl"
TOKEN = "conformance-token"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
STATUS_CODES = "http://www.w3.org/2011/http-statusCodes#StatusCode"

# Result format classes of the manifest (mf:expectedFormat) and the media types that belong to each.
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR = BOOLEAN | {"text/csv", "text/tab-separated-values"}
GRAPH = {
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
}
FORMAT_CLASSES = {"boolean": BOOLEAN, "tabular": TABULAR, "RDF": GRAPH}


@dataclass(frozen=True)
class Exchange:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status_classes: frozenset[str]
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    graph_data: tuple[tuple[Path, str], ...]
    """(file, graph IRI) pairs loaded before the test."""
    exchanges: tuple[Exchange, ...]

    @property
    def is_update(self) -> bool:
        """The manifest's update tests (its 'bad_update_*' tests are about refusing requests, queries' kin)."""
        return self.name.startswith("update_")


def read_manifest(path: Path) -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [_read_test(graph, test) for test in _items(graph, graph.value(manifest, MF.entries))]


def _items(graph: Graph, head: Node | None) -> list[Node]:
    """The members of an RDF list."""
    assert head is not None
    return list(Collection(graph, head))


def _read_test(graph: Graph, test: Node) -> ProtocolTest:
    data = tuple(
        (Path(urllib.parse.urlparse(str(graph.value(node, UT.graph))).path), str(graph.value(node, RDFS.label)))
        for node in graph.objects(test, UT.graphData)
    )
    requests = _items(graph, graph.value(graph.value(test, MF.action), HT.requests))
    return ProtocolTest(str(test).rsplit("#", 1)[-1], data, tuple(_read_exchange(graph, r) for r in requests))


def _read_exchange(graph: Graph, request: Node) -> Exchange:
    headers = {}
    if (header_list := graph.value(request, HT.headers)) is not None:
        for header in _items(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    if (content := graph.value(request, HT.body)) is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    expected_format = graph.value(response, MF.expectedFormat)
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=headers,
        body=body,
        status_classes=frozenset(
            str(s).removeprefix(STATUS_CODES)[0] for s in graph.objects(response, MF.expectedStatus)
        ),
        format=None if expected_format is None else str(expected_format),
        boolean=expected_boolean.toPython() if isinstance(expected_boolean, Literal) else None,
    )


PROTOCOL_TESTS = read_manifest(PROTOCOL_MANIFEST)
QUERY_TESTS = [t for t in PROTOCOL_TESTS if not t.is_update]


def replay(server: LiveServer, test: ProtocolTest, headers: dict[str, str]) -> None:
    """Send the test's requests in order; assert each response is what the manifest expects."""
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for exchange in test.exchanges:
            assert exchange.path.startswith("/sparql/")
            url = "/sparql" + exchange.path.removeprefix("/sparql/")
            response = client.request(exchange.method, url, content=exchange.body, headers=exchange.headers)
            _check(response, exchange)


def _check(response: httpx.Response, exchange: Exchange) -> None:
    status = str(response.status_code)
    assert status[0] in exchange.status_classes, f"{status} {response.text[:300]}"
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if exchange.format is not None:
        assert media_type in FORMAT_CLASSES[exchange.format], media_type
        if media_type in GRAPH:
            list(ox.parse(response.content, ox.RdfFormat.from_media_type(media_type)))
        else:
            results = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(media_type))
            if exchange.format == "tabular":
                list(results)  # type: ignore[arg-type]
    if exchange.boolean is not None:
        results = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(media_type))
        assert isinstance(results, ox.QueryBoolean)
        assert bool(results) is exchange.boolean


@pytest.fixture(scope="module", params=BACKENDS)
def update_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("update") / "data"
    if request.param == "embedded":
        with live_server(data, update_token=TOKEN) as server:
            yield server
        return
    with backend_store(request.param, data) as (_, env), live_server(data, update_token=TOKEN, env=env) as server:
        yield server


@pytest.fixture(scope="module", params=BACKENDS)
def read_only_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("read-only") / "data"
    graphs = {label: path for test in QUERY_TESTS for path, label in test.graph_data}
    trig = "\n".join(f"<{label}> {{ {path.read_text()} }}" for label, path in graphs.items())
    if request.param == "embedded":
        write_store(data, trig)
        with live_server(data) as server:
            yield server
        return
    with backend_store(request.param, data) as (store, env):
        store.replace_graphs(graphs_of(trig))
        with live_server(data, env=env) as server:
            yield server


def test_the_manifest_has_27_query_tests_and_7_update_tests() -> None:
    assert len(PROTOCOL_TESTS) == 34
    assert len(QUERY_TESTS) == 27
    assert all(t.exchanges for t in PROTOCOL_TESTS)


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=lambda t: t.name)
def test_protocol_with_updates_on(update_server: LiveServer, test: ProtocolTest) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    reset = httpx.post(
        update_server.url + "/update",
        content="DROP SILENT ALL",
        headers={**auth, "Content-Type": "application/sparql-update"},
    )
    assert reset.status_code == 204, reset.text
    for path, graph in test.graph_data:
        loaded = httpx.put(
            update_server.url + "/store",
            params={"graph": graph},
            content=path.read_bytes(),
            headers={**auth, "Content-Type": "application/n-triples"},
        )
        assert loaded.status_code in (201, 204), loaded.text
    replay(update_server, test, auth)


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda t: t.name)
def test_protocol_read_only(read_only_server: LiveServer, test: ProtocolTest) -> None:
    replay(read_only_server, test, {})


# The Service Description suite states its three tests in prose; each is checked by the function named for it.

# What the Service Description vocabulary allows for the terms the description uses (its domains, ranges and
# named individuals), as SHACL.
SD_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <urn:shapes:> .

ex:Service a sh:NodeShape ; sh:targetClass sd:Service ;
  sh:property [ sh:path sd:endpoint ; sh:minCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:supportedLanguage ; sh:minCount 1 ;
                sh:in ( sd:SPARQL10Query sd:SPARQL11Query sd:SPARQL11Update ) ] ;
  sh:property [ sh:path sd:feature ;
                sh:in ( sd:DereferencesURIs sd:UnionDefaultGraph sd:RequiresDataset sd:EmptyGraphs
                        sd:BasicFederatedQuery ) ] ;
  sh:property [ sh:path sd:resultFormat ; sh:nodeKind sh:IRI ; sh:minCount 1 ] ;
  sh:property [ sh:path sd:defaultEntailmentRegime ; sh:nodeKind sh:IRI ; sh:maxCount 1 ] ;
  sh:property [ sh:path sd:defaultDataset ; sh:class sd:Dataset ; sh:maxCount 1 ] .
ex:Dataset a sh:NodeShape ; sh:targetClass sd:Dataset ;
  sh:property [ sh:path sd:defaultGraph ; sh:class sd:Graph ; sh:maxCount 1 ] ;
  sh:property [ sh:path sd:namedGraph ; sh:class sd:NamedGraph ] .
ex:Graph a sh:NodeShape ; sh:targetClass sd:Graph ;
  sh:property [ sh:path rdfs:comment ; sh:datatype <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> ] .
"""
SD_RDF_ACCEPTS = [None, "text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples"]


def _description(server: LiveServer, accept: str | None = None) -> tuple[httpx.Response, Graph]:
    response = httpx.get(server.url + "/sparql", headers={"Accept": accept} if accept else {})
    media_type = response.headers["content-type"].split(";")[0]
    quads = ox.parse(response.content, ox.RdfFormat.from_media_type(media_type))
    n_triples = ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES)
    return response, Graph().parse(data=n_triples, format="nt")


def check_returns_rdf(server: LiveServer) -> None:
    for accept in SD_RDF_ACCEPTS:
        response, graph = _description(server, accept)
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == (accept or "text/turtle")
        assert (None, RDF.type, SD.Service) in graph


def check_has_endpoint_triple(server: LiveServer) -> None:
    _, graph = _description(server)
    assert list(graph.subjects(SD.endpoint, URIRef(server.url + "/sparql"))) != []


def check_conforms_to_schema(server: LiveServer) -> None:
    _, graph = _description(server)
    conforms, _, report = validate(graph, shacl_graph=Graph().parse(data=SD_SHAPES, format="turtle"))
    assert conforms, report
    assert (None, SD.feature, SD.UnionDefaultGraph) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph


SD_CHECKS = {
    "returns-rdf": check_returns_rdf,
    "has-endpoint-triple": check_has_endpoint_triple,
    "conforms-to-schema": check_conforms_to_schema,
}


def _sd_test_names() -> list[str]:
    graph = Graph().parse(SD_MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [str(test).rsplit("#", 1)[-1] for test in _items(graph, graph.value(manifest, MF.entries))]


def test_every_service_description_test_has_a_check() -> None:
    assert sorted(_sd_test_names()) == sorted(SD_CHECKS)


@pytest.mark.parametrize("name", _sd_test_names())
def test_service_description(read_only_server: LiveServer, update_server: LiveServer, name: str) -> None:
    SD_CHECKS[name](read_only_server)
    SD_CHECKS[name](update_server)
    _, graph = _description(update_server)
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph

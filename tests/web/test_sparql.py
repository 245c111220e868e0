"""The SPARQL endpoint on a real server: datasets, result formats, errors, updates, SERVICE, the Graph Store."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

import httpx
import pyoxigraph as ox
import pytest
from lxml import etree
from support import ROOT
from support.jsonld import inline_context
from support.liveserver import LiveServer, live_server, write_store
from support.sample_graphs import (
    BASE,
    GRAPH_12523,
    GRAPH_16323,
    GRAPH_STATUSES,
    PROJECT_12523,
    PROJECT_16323,
    SAMPLE_TRIG,
    TITLE_12523,
    TITLE_16323,
)

from atlas_ld.sparql.checks import names_dataset, service_calls, with_protocol_dataset
from atlas_ld.sparql.streaming import serialised

TOKEN = "s3cret-token"
PREFIXES = f"PREFIX atlas: <{BASE}def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
TITLES = PREFIXES + "SELECT ?project ?title WHERE { ?project a atlas:Project ; dcterms:title ?title } ORDER BY ?project"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("sample") / "data"
    write_store(data, SAMPLE_TRIG)
    with live_server(data) as running:
        yield running


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("writable") / "data"
    write_store(data, SAMPLE_TRIG)
    with live_server(data, update_token=TOKEN) as running:
        yield running


def ask(server: LiveServer, query: str, **params: str) -> httpx.Response:
    return httpx.get(server.url + "/sparql", params={"query": query, **params})


def titles(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["title"]["value"] for b in response.json()["results"]["bindings"]]


# Datasets


def test_a_plain_query_sees_the_union_of_the_project_graphs(server: LiveServer) -> None:
    assert titles(ask(server, TITLES)) == [TITLE_12523, TITLE_16323]


def test_a_query_can_join_across_graphs(server: LiveServer) -> None:
    query = PREFIXES + (
        "SELECT ?label WHERE { ?p atlas:status ?s . ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } "
        "ORDER BY ?label"
    )
    response = ask(server, query)
    assert [b["label"]["value"] for b in response.json()["results"]["bindings"]] == ["En cours", "Terminé"]


def test_from_in_the_query_picks_one_graph(server: LiveServer) -> None:
    query = TITLES.replace("WHERE", f"FROM <{GRAPH_16323}> WHERE")
    assert titles(ask(server, query)) == [TITLE_16323]


def test_graph_names_the_project_graphs(server: LiveServer) -> None:
    response = ask(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [
        GRAPH_12523,
        GRAPH_16323,
        GRAPH_STATUSES,
    ]


def test_default_graph_uri_overrides_the_union(server: LiveServer) -> None:
    assert titles(ask(server, TITLES, **{"default-graph-uri": GRAPH_12523})) == [TITLE_12523]


def test_named_graph_uri_alone_leaves_an_empty_default_graph(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/sparql",
        params=[
            ("query", "SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } GROUP BY ?g"),
            ("named-graph-uri", GRAPH_16323),
        ],
    )
    rows = response.json()["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [GRAPH_16323]


def test_a_graph_parameter_that_is_not_an_iri_is_a_bad_request(server: LiveServer) -> None:
    response = ask(server, TITLES, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400


# Result formats


def test_select_defaults_to_json(server: LiveServer) -> None:
    response = ask(server, TITLES)
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert response.headers["vary"].startswith("Accept")


def test_select_as_xml(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": TITLES}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert response.headers["content-type"] == "application/sparql-results+xml"
    root = etree.fromstring(response.content)
    literals = root.iter(f"{SPARQL_RESULTS}literal")
    assert [element.text for element in literals] == [TITLE_12523, TITLE_16323]


@pytest.mark.parametrize(("accept", "delimiter"), [("text/csv", ","), ("text/tab-separated-values", "\t")])
def test_select_as_csv_and_tsv(server: LiveServer, accept: str, delimiter: str) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": TITLES}, headers={"Accept": accept})
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text), delimiter=delimiter))
    assert rows[0] == (["project", "title"] if accept == "text/csv" else ["?project", "?title"])
    assert TITLE_16323 in rows[2][1]


@pytest.mark.parametrize(("query", "expected"), [("ASK { ?s a ?type }", True), ("ASK { ?s a <urn:nothing> }", False)])
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(server: LiveServer, query: str, expected: bool, accept: str) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.headers["content-type"] == accept
    assert bool(ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(accept))) is expected


CONSTRUCT = PREFIXES + "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p dcterms:title ?t }"
EXPECTED_TRIPLES = {
    ox.Triple(
        ox.NamedNode(PROJECT_12523),
        ox.NamedNode("http://purl.org/dc/terms/title"),
        ox.Literal(TITLE_12523, language="fr"),
    ),
    ox.Triple(
        ox.NamedNode(PROJECT_16323),
        ox.NamedNode("http://purl.org/dc/terms/title"),
        ox.Literal(TITLE_16323, language="fr"),
    ),
}


def test_construct_defaults_to_turtle(server: LiveServer) -> None:
    response = ask(server, CONSTRUCT)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert {q.triple for q in ox.parse(response.content, ox.RdfFormat.TURTLE)} == EXPECTED_TRIPLES


@pytest.mark.parametrize(
    "media_type",
    ["application/ld+json", "application/n-triples", "application/rdf+xml", "application/n-quads", "application/trig"],
)
def test_construct_in_every_rdf_format(server: LiveServer, media_type: str) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert response.headers["content-type"] == media_type
    body = response.content
    if media_type == "application/ld+json":  # compacted: its context is the one the site publishes
        body = inline_context(body)
    assert {q.triple for q in ox.parse(body, ox.RdfFormat.from_media_type(media_type))} == EXPECTED_TRIPLES


def test_describe_gives_the_project_statements(server: LiveServer) -> None:
    response = ask(server, f"DESCRIBE <{PROJECT_12523}>")
    triples = {q.triple for q in ox.parse(response.content, ox.RdfFormat.TURTLE)}
    assert (
        ox.Triple(
            ox.NamedNode(PROJECT_12523),
            ox.NamedNode(f"{BASE}def/startYear"),
            ox.Literal("2010", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
        )
        in triples
    )


def test_format_parameter_overrides_accept(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/sparql",
        params={"query": TITLES, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.headers["content-type"].startswith("text/csv")
    response = httpx.get(
        server.url + "/sparql", params={"query": CONSTRUCT, "format": "nt"}, headers={"Accept": "text/turtle"}
    )
    assert response.headers["content-type"] == "application/n-triples"


@pytest.mark.parametrize(
    ("query", "params", "accept"),
    [
        (CONSTRUCT, {}, "text/csv"),
        (CONSTRUCT, {"format": "csv"}, "text/csv"),
        (TITLES, {}, "text/turtle, application/ld+json"),
        (TITLES, {}, "application/sparql-results+json;q=0"),
    ],
)
def test_406_when_nothing_acceptable(
    server: LiveServer, query: str, params: dict[str, str], accept: str | None
) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": query, **params}, headers={"Accept": accept} if accept else {}
    )
    assert response.status_code == 406
    assert "available:" in response.text


def test_a_short_answer_comes_in_one_piece_with_its_length(server: LiveServer) -> None:
    for _ in range(2):  # computed, then kept
        response = httpx.get(server.url + "/sparql", params={"query": TITLES}, headers={"Accept-Encoding": "identity"})
        assert titles(response)
        assert response.headers["content-length"] == str(len(response.content))


def test_results_stream_whole(server: LiveServer) -> None:
    """40,000 solutions (several MB of JSON) arrive whole, sent in chunks rather than as one body."""
    query = (
        "SELECT ?i WHERE { VALUES ?a { 0 1 2 3 4 5 6 7 8 9 } VALUES ?b { 0 1 2 3 4 5 6 7 8 9 } "
        "VALUES ?c { 0 1 2 3 4 5 6 7 8 9 } VALUES ?d { " + " ".join(map(str, range(40))) + " } "
        "BIND(?a + 10 * ?b + 100 * ?c + 1000 * ?d AS ?i) }"
    )
    with httpx.stream("GET", server.url + "/sparql", params={"query": query}) as response:
        assert response.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in response.headers
        body = response.read()
    values = {int(b["i"]["value"]) for b in json.loads(body)["results"]["bindings"]}
    assert values == set(range(40_000)) and len(json.loads(body)["results"]["bindings"]) == 40_000


# A billion solutions: minutes of work if nothing stopped it.
ENDLESS = "SELECT * WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(9)) + " }"


def assert_idle(server: LiveServer) -> None:
    time.sleep(1.0)  # the serialiser notices a closed response within half a second
    assert server.cpu_use(1.0) < 0.2  # the server and its query workers


def test_the_work_stops_when_the_client_leaves(server: LiveServer) -> None:
    with httpx.stream("GET", server.url + "/sparql", params={"query": ENDLESS}) as response:
        assert response.status_code == 200
        assert len(next(response.iter_raw())) > 0
    assert_idle(server)
    assert ask(server, "ASK {}").json()["boolean"] is True


def test_head_of_an_endless_query_answers_and_stops(server: LiveServer) -> None:
    # The connection stays open (keep-alive), so only the server itself can decide to stop the query.
    with httpx.Client(base_url=server.url, timeout=10) as client:
        response = client.head("/sparql", params={"query": ENDLESS})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/sparql-results+json"
        assert_idle(server)
        assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_closing_a_stream_ends_its_serialiser() -> None:
    finished = threading.Event()

    def endless(output: IO[bytes]) -> None:
        try:
            while True:
                output.write(b"x" * 8192)
        finally:
            finished.set()

    chunks = serialised(endless)
    assert next(chunks) == b"x" * 8192
    chunks.close()  # type: ignore[attr-defined]
    assert finished.wait(5)


def test_a_serialiser_error_reaches_the_reader() -> None:
    def failing(output: IO[bytes]) -> None:
        output.write(b"start")
        raise OSError("disk gone")

    chunks = serialised(failing)
    assert next(chunks) == b"start"
    with pytest.raises(OSError, match="disk gone"):
        next(chunks)


# Malformed requests


def test_syntax_error_is_a_400_with_the_engine_message(server: LiveServer) -> None:
    response = ask(server, "SELECT * WHERE { ?s ?p ")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Syntax error at line 1, column ")


def test_query_by_form_post(server: LiveServer) -> None:
    response = httpx.post(server.url + "/sparql", data={"query": TITLES})
    assert titles(response) == [TITLE_12523, TITLE_16323]


def test_query_by_direct_post(server: LiveServer) -> None:
    response = httpx.post(
        server.url + "/sparql",
        content=TITLES.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert titles(response) == [TITLE_12523, TITLE_16323]


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", TITLES.encode(), 415),
        ("", TITLES.encode(), 415),
        ("application/sparql-query; charset=iso-8859-1", TITLES.encode(), 400),
        ("application/sparql-query", "ASK { ?s ?p 'é' }".encode("latin-1"), 400),
        ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", 400),
        ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D&update=CLEAR%20ALL", 400),
        ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%E9%22%20%7D", 400),
        ("application/x-www-form-urlencoded", b"default-graph-uri=urn%3Ax", 400),
    ],
)
def test_malformed_posts_are_refused(server: LiveServer, content_type: str, body: bytes, status: int) -> None:
    response = httpx.post(server.url + "/sparql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status, response.text


def test_other_methods_are_not_allowed(server: LiveServer) -> None:
    response = httpx.put(server.url + "/sparql", params={"query": "ASK {}"})
    assert response.status_code == 405


# Updates


INSERT = (
    f'INSERT DATA {{ GRAPH <{BASE}graph/extra> {{ <{BASE}id/project/1> <http://purl.org/dc/terms/title> "Ajout" }} }}'
)


def _update(
    server: LiveServer, text: str, path: str = "/sparql", authorization: str | None = f"Bearer {TOKEN}"
) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-update"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return httpx.post(server.url + path, content=text, headers=headers)


@pytest.mark.parametrize("path", ["/sparql", "/update"])
def test_read_only_server_refuses_updates_with_403(server: LiveServer, path: str) -> None:
    response = _update(server, INSERT, path)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert httpx.post(server.url + "/sparql", data={"update": INSERT}).status_code == 403
    assert ask(server, f"ASK {{ GRAPH <{BASE}graph/extra> {{ ?s ?p ?o }} }}").json()["boolean"] is False


def test_update_by_get_is_a_400(writable: LiveServer) -> None:
    response = httpx.get(
        writable.url + "/sparql", params={"update": INSERT}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", TOKEN, "Basic czNjcmV0LXRva2Vu"])
def test_updates_need_the_token(writable: LiveServer, authorization: str | None) -> None:
    response = _update(writable, INSERT, authorization=authorization)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/sparql", "/update"])
def test_update_with_the_token(writable: LiveServer, path: str) -> None:
    graph = f"{BASE}graph/added-by{path.replace('/', '-')}"
    response = _update(writable, f"INSERT DATA {{ GRAPH <{graph}> {{ <{PROJECT_12523}> <urn:p> <relative> }} }}", path)
    assert response.status_code == 204, response.text
    bound = ask(writable, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").json()["results"]["bindings"]
    # A relative IRI resolves against the endpoint's own URL.
    assert bound == [{"o": {"type": "uri", "value": f"{writable.url}/relative"}}]


def test_update_by_form_and_syntax_error(writable: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.post(writable.url + "/update", data={"update": "CLEAR XYZ"}, headers=auth)
    assert response.status_code == 400
    assert "Syntax error at line 1" in response.text


def test_update_using_graph_uri(writable: LiveServer) -> None:
    target = f"{BASE}graph/bibliography"
    response = httpx.post(
        writable.url + "/update",
        params={"using-graph-uri": GRAPH_16323},
        content=f"INSERT {{ GRAPH <{target}> {{ ?p a <urn:Cited> }} }} WHERE {{ ?p a <{BASE}def/Project> }}",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 204, response.text
    rows = ask(writable, f"SELECT ?p WHERE {{ GRAPH <{target}> {{ ?p a <urn:Cited> }} }}").json()["results"]["bindings"]
    assert [r["p"]["value"] for r in rows] == [PROJECT_16323]


def test_the_query_endpoint_stays_open_when_updates_are_on(writable: LiveServer) -> None:
    assert titles(ask(writable, TITLES))[:2] == [TITLE_12523, TITLE_16323]


# SERVICE


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <http://example.org/sparql> } SERVICE ?e { ?s ?p ?o } }",
        "PREFIX x: <http://example.org/> SELECT * WHERE { service x:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { SERVI\\u0043E <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?a ?b ?c FILTER(?a<'x>)' ) SERVICE <http://example.org/sparql> { ?s ?p ?o } } #'",
    ],
)
def test_service_is_refused(server: LiveServer, query: str) -> None:
    response = ask(server, query)
    assert response.status_code == 403
    assert "SERVICE" in response.text and "refused" in response.text


def test_service_in_an_update_is_refused(writable: LiveServer) -> None:
    response = _update(writable, "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert response.status_code == 403


def test_the_word_service_in_data_is_no_service_call(server: LiveServer) -> None:
    response = ask(server, 'SELECT * WHERE { ?s <http://example.org/service> "SERVICE <http://e/> {}" } # SERVICE')
    assert response.status_code == 200


# Graph Store Protocol


def _store(server: LiveServer, method: str, token: str | None = TOKEN, **kwargs: Any) -> httpx.Response:
    headers = dict(kwargs.pop("headers", {}))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.request(method, server.url + "/store", headers=headers, **kwargs)


def test_graph_store_round_trip(writable: LiveServer) -> None:
    graph = f"{BASE}graph/gsp"
    turtle = f'<{PROJECT_12523}> <urn:note> "première" .'
    assert (
        _store(
            writable, "PUT", params={"graph": graph}, content=turtle, headers={"Content-Type": "text/turtle"}
        ).status_code
        == 201
    )
    assert (
        _store(
            writable, "PUT", params={"graph": graph}, content=turtle, headers={"Content-Type": "text/turtle"}
        ).status_code
        == 204
    )
    assert (
        _store(
            writable,
            "POST",
            params={"graph": graph},
            content=f'<{PROJECT_12523}> <urn:note> "seconde" .',
            headers={"Content-Type": "application/n-triples"},
        ).status_code
        == 204
    )
    got = _store(writable, "GET", params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert got.headers["content-type"] == "application/n-triples"
    notes = {q.triple.object.value for q in ox.parse(got.content, ox.RdfFormat.N_TRIPLES)}
    assert notes == {"première", "seconde"}
    head = _store(writable, "HEAD", params={"graph": graph})
    assert head.status_code == 200 and head.content == b""
    assert _store(writable, "DELETE", params={"graph": graph}).status_code == 204
    assert _store(writable, "GET", params={"graph": graph}).status_code == 404
    assert _store(writable, "DELETE", params={"graph": graph}).status_code == 404


def test_graph_store_default_graph(writable: LiveServer) -> None:
    assert (
        _store(
            writable,
            "PUT",
            params={"default": ""},
            content="<urn:a> <urn:b> <urn:c> .",
            headers={"Content-Type": "application/n-triples"},
        ).status_code
        == 204
    )
    union = _store(writable, "GET", params={"default": ""}, headers={"Accept": "application/n-triples"})
    triples = {q.triple for q in ox.parse(union.content, ox.RdfFormat.N_TRIPLES)}
    assert ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")) in triples
    assert EXPECTED_TRIPLES <= triples
    assert _store(writable, "DELETE", params={"default": ""}).status_code == 204
    assert ask(writable, "ASK { <urn:a> <urn:b> <urn:c> }").json()["boolean"] is False


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("PUT", {"params": {"graph": "urn:g"}, "content": b"x", "headers": {"Content-Type": "text/html"}}, 415),
        ("PUT", {"params": {"graph": "urn:g"}, "content": b"<a> <b>", "headers": {"Content-Type": "text/turtle"}}, 400),
        ("PUT", {"params": {"graph": "not an iri"}, "content": b"", "headers": {"Content-Type": "text/turtle"}}, 400),
        (
            "PUT",
            {
                "params": [("graph", "urn:g"), ("default", "")],
                "content": b"",
                "headers": {"Content-Type": "text/turtle"},
            },
            400,
        ),
        ("DELETE", {}, 400),
    ],
)
def test_graph_store_bad_requests(writable: LiveServer, method: str, kwargs: dict[str, Any], status: int) -> None:
    assert _store(writable, method, **kwargs).status_code == status


def test_graph_store_needs_the_token_and_updates_on(writable: LiveServer, server: LiveServer) -> None:
    assert _store(writable, "GET", token=None).status_code == 401
    assert _store(writable, "GET", token="nope").status_code == 401
    whole = _store(writable, "GET")
    assert whole.headers["content-type"] == "application/n-quads"
    assert _store(server, "GET").status_code == 403


# What the endpoint reads from a query's text


def test_names_dataset() -> None:
    assert names_dataset("ASK FROM NAMED <urn:g> { GRAPH ?g {} }")
    assert not names_dataset("SELECT ?from WHERE { ?from <urn:from> 'FROM' }")
    assert not names_dataset("SELECT * FROM <unterminated")


def test_service_calls_resolve_what_they_can() -> None:
    assert service_calls("PREFIX e: <http://a/> SELECT * { SERVICE e:x { ?s ?p ?o } }") == ["http://a/x"]
    assert service_calls("PREFIX e: <http://a/> PREFIX e: <http://b/> SELECT * { SERVICE e:x {} }") == [None]
    assert service_calls("BASE <http://a/> SELECT * { SERVICE <x> {} }") == [None]
    assert service_calls("SELECT * { SERVICE ?e {} }") == [None]


def test_protocol_dataset_is_written_into_each_operation() -> None:
    update = (
        "PREFIX ex: <http://example.org/> # INSERT { } WHERE { } in a comment\n"
        'INSERT DATA { ex:a ex:b "INSERT { } WHERE { }" } ;\n'
        "DELETE # between\n WHERE { ?s ex:p ?o } ;\n"
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o FILTER(?o<3) }"
    )
    rewritten = with_protocol_dataset(update, ["http://example.org/g"], ["http://example.org/n"])
    using = "USING <http://example.org/g> USING NAMED <http://example.org/n>"
    assert rewritten.count(using) == 2
    assert f"DELETE {{ ?s ex:p ?o }} {using} WHERE {{ ?s ex:p ?o }}" in rewritten
    assert '"INSERT { } WHERE { }"' in rewritten
    ox.Store().update(rewritten)  # the engine reads it
    with pytest.raises(ValueError, match="USING or WITH"):
        with_protocol_dataset("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:x"], [])


CONCURRENT_CHECKS = """
from concurrent.futures import ThreadPoolExecutor
from atlas_ld.sparql.checks import names_dataset, service_calls

def check(i):
    assert names_dataset(f"SELECT * FROM <http://g{i}> {{ ?s ?p ?o }}")
    assert service_calls(f"PREFIX e: <http://a{i}/> SELECT * {{ SERVICE e:x {{ }} }}") == [f"http://a{i}/x"]
    return True

with ThreadPoolExecutor(8) as pool:
    assert all(pool.map(check, range(200)))
"""


def test_query_checks_from_many_threads_in_a_fresh_process() -> None:
    """The endpoint checks requests from a thread pool as soon as it starts; the grammar must not trip over that."""
    root = ROOT
    run = subprocess.run(
        [sys.executable, "-c", CONCURRENT_CHECKS], check=False, capture_output=True, text=True, timeout=120, cwd=root
    )
    assert run.returncode == 0, run.stderr[-2000:]

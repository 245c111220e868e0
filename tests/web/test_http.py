"""HTTP behaviour shared by every route, on a real server: CORS, gzip, HEAD, size limits, OpenAPI, Accept parsing."""

from __future__ import annotations

import gzip
import select
import socket
from collections.abc import Iterator

import httpx
import pytest
from support.liveserver import LiveServer, live_server, write_store
from support.sample_graphs import SAMPLE_TRIG

from atlas_ld.media_types import HTML, RDF, RESULTS, negotiate, prefers
from atlas_ld.settings import Settings

MAX_BODY = 4096
MAX_URL = 2048
MAX_HEADERS = 4096
SELECT_ALL = "SELECT * WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("http") / "data"
    write_store(data, SAMPLE_TRIG)
    limits = {
        "ATLAS_LD_MAX_BODY_BYTES": str(MAX_BODY),
        "ATLAS_LD_MAX_URL_LENGTH": str(MAX_URL),
        "ATLAS_LD_MAX_HEADER_BYTES": str(MAX_HEADERS),
    }
    with live_server(data, env=limits) as running:
        yield running


# CORS


def test_cors_on_a_simple_request(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": SELECT_ALL}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]


def test_cors_preflight_for_a_direct_post(server: LiveServer) -> None:
    response = httpx.options(
        server.url + "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


# gzip


def test_text_responses_are_gzipped_when_asked(server: LiveServer) -> None:
    with httpx.stream(
        "GET", server.url + "/sparql", params={"query": SELECT_ALL}, headers={"Accept-Encoding": "gzip"}
    ) as response:
        assert response.headers["content-encoding"] == "gzip"
        wire = b"".join(response.iter_raw())
    assert b'"bindings"' in gzip.decompress(wire)
    plain = httpx.get(server.url + "/sparql", params={"query": SELECT_ALL}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == gzip.decompress(wire)


# HEAD


@pytest.mark.parametrize("params", [{}, {"query": SELECT_ALL}])
def test_head_answers_like_get_without_a_body(server: LiveServer, params: dict[str, str]) -> None:
    get = httpx.get(server.url + "/sparql", params=params, headers={"Accept-Encoding": "identity"})
    head = httpx.head(server.url + "/sparql", params=params, headers={"Accept-Encoding": "identity"})
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_head_on_openapi(server: LiveServer, encoding: str) -> None:
    head = httpx.head(server.url + "/openapi.json", headers={"Accept-Encoding": encoding})
    with httpx.stream("GET", server.url + "/openapi.json", headers={"Accept-Encoding": encoding}) as get:
        wire = b"".join(get.iter_raw())
    assert head.status_code == 200
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(wire))


# Limits


def test_a_body_over_the_limit_is_413(server: LiveServer) -> None:
    query = SELECT_ALL + " #" + "x" * MAX_BODY
    response = httpx.post(server.url + "/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert str(MAX_BODY) in response.text


def test_a_chunked_body_over_the_limit_is_413(server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield SELECT_ALL.encode()
        for _ in range(8):
            yield b" #" + b"x" * 1024 + b"\n"

    response = httpx.post(
        server.url + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_a_body_under_the_limit_is_served(server: LiveServer) -> None:
    query = SELECT_ALL + " #" + "x" * (MAX_BODY - 100)
    response = httpx.post(server.url + "/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200


def test_a_url_over_the_limit_is_414(server: LiveServer) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": SELECT_ALL + " #" + "x" * MAX_URL})
    assert response.status_code == 414
    assert "POST" in response.text


def test_header_fields_over_the_limit_are_431(server: LiveServer) -> None:
    # Cookies from other apps on the same host are what usually swells a browser's headers.
    cookies = {"Cookie": "; ".join(f"c{i}={'v' * 90}" for i in range(MAX_HEADERS // 90 + 1))}
    response = httpx.get(server.url + "/sparql", params={"query": SELECT_ALL}, headers=cookies)
    assert response.status_code == 431
    assert f"{MAX_HEADERS} bytes" in response.text
    # Just under the limit, everything else (Host, Accept, User-Agent...) included, is served.
    cookies = {"Cookie": "x=" + "v" * (MAX_HEADERS - 300)}
    assert httpx.get(server.url + "/sparql", params={"query": SELECT_ALL}, headers=cookies).status_code == 200


def test_a_head_that_never_ends_is_cut_off(server: LiveServer) -> None:
    """Header fields trickled without end get 431 once past the bound, rather than being buffered until they end
    (they never do here)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"GET /sparql HTTP/1.1\r\nHost: {host}\r\n".encode())
        try:
            for _ in range(64 * (MAX_URL + MAX_HEADERS) // 1000):
                if select.select([connection], [], [], 0)[0]:
                    break  # answered
                connection.sendall(b"X-Filler: " + b"y" * 990 + b"\r\n")
        except OSError:
            pass  # the server closed its side: what is wanted
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


# OpenAPI


def test_openapi_describes_the_endpoint(server: LiveServer) -> None:
    spec = httpx.get(server.url + "/openapi.json").json()
    assert {"get", "post"} <= set(spec["paths"]["/sparql"])
    assert set(spec["paths"]["/sparql"]["post"]["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "application/sparql-query",
        "application/sparql-update",
    }
    parameters = {p["name"] for p in spec["paths"]["/sparql"]["get"]["parameters"]}
    assert parameters == {"query", "default-graph-uri", "named-graph-uri", "format"}
    assert {"get", "put", "post", "delete"} <= set(spec["paths"]["/store"])
    assert "post" in spec["paths"]["/update"]


# Settings and negotiation


def test_every_http_setting_is_documented_with_its_variable() -> None:
    documented = Settings.documented()
    for name in (
        "enable_update",
        "update_token",
        "service_allowlist",
        "max_body_bytes",
        "max_url_length",
        "max_header_bytes",
        "query_timeout",
        "max_rows",
        "query_workers",
        "cors_origins",
    ):
        assert documented[name]
    assert "update_token" not in repr(Settings(update_token="visible?"))


def test_settings_go_to_a_worker_process_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    given = Settings(
        store="http://127.0.0.1:7878/query", personal_data=False, max_rows=5, cors_origins=("https://a", "https://b")
    )
    for name, value in given.environment().items():
        monkeypatch.setenv(name, value)
    assert Settings() == given
    assert Settings().remote_store == "http://127.0.0.1:7878/query"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_LD_ENABLE_UPDATE", "true")
    monkeypatch.setenv("ATLAS_LD_SERVICE_ALLOWLIST", "http://a/sparql http://b/sparql")
    monkeypatch.setenv("ATLAS_LD_MAX_BODY_BYTES", "10")
    monkeypatch.setenv("ATLAS_LD_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("ATLAS_LD_MAX_ROWS", "0")
    settings = Settings()
    assert settings.enable_update is True
    assert settings.service_allowlist == ("http://a/sparql", "http://b/sparql")
    assert settings.max_body_bytes == 10
    assert (settings.query_timeout, settings.max_rows, settings.query_workers) == (2.5, 0, 2)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/turtle; charset=utf-8", "text/turtle"),
        ("TEXT/TURTLE", "text/turtle"),
        ("application/*", "application/ld+json"),
        ("application/x-turtle", "text/turtle"),
        ("text/xml", "application/rdf+xml"),
        ("*/*;q=0.1, application/n-quads;q=0.2", "application/n-quads"),
        ("text/turtle;q=0, */*", "application/ld+json"),
    ],
)
def test_negotiation_of_graphs(accept: str, expected: str) -> None:
    offer = negotiate(RDF, accept=accept)
    assert offer is not None and offer.media_type == expected


def test_negotiation_order_of_precedence() -> None:
    assert negotiate(RDF, accept="text/turtle", suffix="nt", format="jsonld").media_type == "application/ld+json"  # type: ignore[union-attr]
    assert negotiate(RDF, accept="text/turtle", suffix="rdf").media_type == "application/rdf+xml"  # type: ignore[union-attr]
    assert negotiate(RESULTS, format="application/sparql-results+xml").media_type == "application/sparql-results+xml"  # type: ignore[union-attr]
    assert negotiate(RDF, suffix="exe") is None
    assert prefers(HTML, RDF, accept="text/html") and not prefers(HTML, RDF, accept="text/turtle, text/html;q=0.5")

"""Errors as people and programs read them: a syntax error points at its place in the query, a path no route takes
is a 404 in the site's own page for a browser and one plain sentence otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from lxml import html
from support.liveserver import write_store
from support.sample_graphs import BASE, SAMPLE_TRIG

from atlas_ld.settings import Settings
from atlas_ld.sparql.errors import syntax_error
from atlas_ld.store.datadir import DataDir
from atlas_ld.web.app import create_app

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("errors") / "data"
    write_store(data, SAMPLE_TRIG)
    app = create_app(Settings(store=data, base_uri=BASE), DataDir(data).open_store(read_only=True))
    with TestClient(app) as test_client:
        yield test_client


def engine_error(query: str) -> str:
    try:
        ox.Store().query(query)
    except SyntaxError as error:
        return str(syntax_error(query, error))
    raise AssertionError(f"pyoxigraph read {query!r}")


@pytest.mark.parametrize(
    ("query", "where", "sentence", "caret_under"),
    [
        ("SELECT * WHERE {\n  ?s foo:bar ?o }", "line 2, column 6", "the prefix foo: is not declared", "foo:bar"),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n", "line 3, column 1", "a closing brace may be missing", ""),
        ("SELEC * WHERE { ?s ?p ?o }", "line 1, column", "expected", None),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "line 1, column", "expected", None),
    ],
    ids=["unknown prefix", "missing brace", "misspelt keyword", "bad token"],
)
def test_a_syntax_error_points_at_its_place(query: str, where: str, sentence: str, caret_under: str | None) -> None:
    message = engine_error(query)
    first, blank, source, caret = message.splitlines()
    assert first.startswith(f"Syntax error at {where}") and sentence in first and not blank
    assert "[" not in message and "u{" not in message  # none of the parser's character classes
    line = int(first.split("line ")[1].split(",")[0])
    column = int(first.split("column ")[1].split(":")[0])
    assert source == f"{line:>3} | " + (query.splitlines() + [""])[line - 1]
    assert caret.index("^") == len(f"{line:>3} | ") + column - 1
    if caret_under is not None:
        assert source[caret.index("^") :].startswith(caret_under)


def test_a_message_without_a_position_is_kept() -> None:
    assert str(syntax_error("x", SyntaxError("Invalid IRI"))) == "Invalid IRI"


def test_the_endpoint_answers_a_syntax_error_in_text_or_in_a_page(client: TestClient) -> None:
    query = "PREFIX dcterms: <http://purl.org/dc/terms/>\nSELECT * WHERE { ?s dcterm:title ?o }"
    plain = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert plain.status_code == 400 and plain.headers["content-type"].startswith("text/plain")
    assert plain.text.startswith("Syntax error at line 2, column 21: the prefix dcterm: is not declared")
    assert "\n  2 | SELECT * WHERE { ?s dcterm:title ?o }\n" in plain.text
    page = client.get("/sparql", params={"query": query}, headers={"Accept": FIREFOX})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    shown = html.fromstring(page.text).xpath("//pre")[0].text_content()
    assert shown == plain.text.rstrip("\n")
    assert html.fromstring(page.text).xpath("//header[@class='site']")  # the site's own template


def test_a_path_no_route_takes_is_a_404_page_for_a_browser(client: TestClient) -> None:
    page = client.get("/no/such/thing", headers={"Accept": FIREFOX})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    doc = html.fromstring(page.text)
    assert doc.xpath("//header[@class='site']") and doc.xpath("//footer[@class='site']")
    assert "/no/such/thing" in doc.xpath("//pre")[0].text_content()
    assert "Vary" in page.headers and "accept" in page.headers["vary"].lower()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/plain"])
def test_a_path_no_route_takes_is_a_plain_404_otherwise(client: TestClient, accept: str | None) -> None:
    response = client.get("/no/such/thing", headers={"Accept": accept} if accept else {})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/plain")
    assert response.text == "Nothing is published at /no/such/thing.\n"


def test_a_missing_static_file_is_a_404_too(client: TestClient) -> None:
    assert client.get("/static/nothing.css", headers={"Accept": FIREFOX}).status_code == 404


def test_a_position_outside_the_query_gets_no_caret() -> None:
    message = str(syntax_error("SELECT * WHERE { ?s ?p }", SyntaxError("error at 1:57: expected LATERAL or SERVICE")))
    assert message == "Syntax error at line 1: the query cannot go on like this; expected LATERAL or SERVICE."

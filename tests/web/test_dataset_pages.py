"""The dataset's own documents in a browser: /catalog and /.well-known/void are pages of the site linking each RDF
syntax, which a browser shows rather than saves; RDF clients get RDF as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from lxml import html
from rdflib import Graph
from support.example_data import BASE, ingest_examples

from atlas_ld.settings import Settings
from atlas_ld.web.app import create_app

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDFLIB = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
          "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = ingest_examples(tmp_path_factory.mktemp("dataset-pages"))
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
def test_a_browser_gets_a_page_linking_each_syntax(client: TestClient, path: str) -> None:
    page = client.get(path, headers={"Accept": FIREFOX})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "accept" in page.headers["vary"].lower()
    doc = html.fromstring(page.text)
    assert doc.xpath("//header[@class='site']") and doc.xpath("//footer[@class='site']")
    shown = doc.xpath("//pre")[0].text_content()
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=shown, format="turtle")) == len(Graph().parse(data=turtle.text, format="turtle"))
    links = {a.get("type"): a.get("href") for a in doc.xpath("//p[@class='formats']/a")}
    assert set(links) == set(RDFLIB)
    for media_type, href in links.items():
        # The link is followed by the same browser, whose Accept must not turn it back into the page.
        document = client.get(href, headers={"Accept": FIREFOX})
        assert document.headers["content-type"].split(";")[0] == media_type
        assert document.headers["content-disposition"].startswith("inline; filename=")
        if media_type != "application/ld+json":  # its @context is the one the app publishes, tested elsewhere
            assert len(Graph().parse(data=document.content, format=RDFLIB[media_type])) > 0


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
@pytest.mark.parametrize("accept", ["*/*", "application/rdf+xml", None])
def test_rdf_clients_still_get_rdf(client: TestClient, path: str, accept: str | None) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    expected = "application/rdf+xml" if accept == "application/rdf+xml" else "text/turtle"
    assert response.headers["content-type"].split(";")[0] == expected


def test_the_downloads_page_links_the_readable_documents(client: TestClient) -> None:
    doc = html.fromstring(client.get("/dumps/", headers={"Accept": FIREFOX}).text)
    described = [h for h in doc.xpath("//a[not(@download)]/@href") if h.endswith(("/catalog", "/.well-known/void"))]
    assert len(described) == 2
    for href in described:
        assert client.get(href, headers={"Accept": FIREFOX}).headers["content-type"].startswith("text/html")

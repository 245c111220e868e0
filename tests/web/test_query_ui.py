"""The query page at /sparql for browsers: bundled YASGUI, the project's prefixes, the ready queries, and a
Content-Security-Policy that lets only the app's own scripts run."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from importlib import resources

import pytest
from fastapi.testclient import TestClient
from lxml import html
from support.example_data import BASE

from atlas_ld.queries import ready_queries
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.vocab import prefixes
from atlas_ld.web.app import create_app
from atlas_ld.web.routes.query_ui import yasgui_style_hashes

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = DataDir(tmp_path_factory.mktemp("query-ui"))
    with TestClient(create_app(Settings(store=data.root, base_uri=BASE), data.open_store())) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def query_page(client: TestClient) -> tuple[html.HtmlElement, dict[str, str]]:
    response = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return html.fromstring(response.text), dict(response.headers)


def test_the_page_loads_only_bundled_scripts(query_page: tuple[html.HtmlElement, dict[str, str]]) -> None:
    doc, _ = query_page
    sources = doc.xpath("//script/@src")
    assert sources == ["/static/yasgui/yasgui.min.js", "/static/query-ui.js"]
    inline = doc.xpath("//script[not(@src)]")
    assert sorted(s.get("type") for s in inline) == ["application/json", "application/ld+json"]
    assert "/static/yasgui/yasgui.min.css" in doc.xpath("//link[@rel='stylesheet']/@href")


def test_the_configuration_carries_endpoint_prefixes_and_ready_queries(
    query_page: tuple[html.HtmlElement, dict[str, str]],
) -> None:
    doc, _ = query_page
    (block,) = doc.xpath('//script[@id="query-ui-config"]')
    config = json.loads(block.text)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"] == prefixes(BASE) and config["prefixes"]["atlas"] == BASE + "def/"
    assert {name: q["text"] for name, q in config["queries"].items()} == {q.name: q.text for q in ready_queries(BASE)}
    assert "PREFIX atlas: <https://atlas.example.org/def/>" in config["defaultQuery"]
    menu = {b.get("data-query"): b.text_content() for b in doc.xpath("//button[@data-query]")}
    assert menu == {q.name: q.title for q in ready_queries(BASE)}


def test_the_policy_admits_own_scripts_and_the_one_inserted_style(
    query_page: tuple[html.HtmlElement, dict[str, str]],
) -> None:
    _, headers = query_page
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    script = resources.files("atlas_ld.web").joinpath("static/yasgui/yasgui.min.js").read_text(encoding="utf-8")
    (css,) = set(re.findall(r"createStyle\(\w+,`([^`]*)`\)", script))
    digest = "sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert yasgui_style_hashes() == (digest,)
    assert f"style-src 'self' '{digest}';" in policy


def test_clients_that_do_not_ask_for_html_get_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "sparql-service-description" in response.text


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/static/yasgui/yasgui.min.js", "text/javascript"),
        ("/static/yasgui/yasgui.min.css", "text/css"),
        ("/static/query-ui.js", "text/javascript"),
        ("/static/atlas.css", "text/css"),
    ],
)
def test_the_bundled_files_are_served(client: TestClient, path: str, media_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert len(response.content) > 500


def test_the_bundle_says_where_it_came_from() -> None:
    folder = resources.files("atlas_ld.web").joinpath("static/yasgui")
    assert "@zazuko/yasgui@4.6.2" in folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "MIT License" in folder.joinpath("LICENSE").read_text(encoding="utf-8")
    assert not any(name.endswith(".map") for name in (f.name for f in folder.iterdir()))

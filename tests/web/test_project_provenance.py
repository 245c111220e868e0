"""The project page's provenance: when the record was read, written for a person, with the ISO time kept for
machines in `<time datetime>`; and its documents, linked where the Atlas serves them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from lxml import html
from support import DATA
from support.example_data import BASE, ingest_examples

from atlas_ld.settings import Settings
from atlas_ld.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = ingest_examples(tmp_path_factory.mktemp("provenance"))
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app) as test_client:
        yield test_client


def test_the_reading_time_is_readable_and_kept_in_iso(client: TestClient) -> None:
    doc = html.fromstring(client.get("/page/project/12523").text)
    (read_at,) = doc.xpath("//dt[.='Lue le']/following-sibling::dd[1]/time")
    moment = datetime.fromisoformat(read_at.get("datetime"))
    shown = read_at.text_content()
    assert read_at.get("datetime") not in shown and not re.search(r"\dT\d", shown)
    assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ \d{4} à \d{2}:\d{2}( UTC| \(UTC[+-]\d{2}:\d{2}\))?", shown), shown
    assert str(moment.year) in shown and f"{moment:%H:%M}" in shown


@pytest.fixture(scope="module")
def html_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The store made from page 12523 as the site serves it, in HTML: the only rendering that links documents."""
    # In a folder read after the text pages, so that the HTML version is the one the store keeps.
    extra = {"zz/12523.html": (DATA / "html" / "12523.html").read_text(encoding="utf-8")}
    data = ingest_examples(tmp_path_factory.mktemp("documents"), extra_pages=extra)
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app) as test_client:
        yield test_client


def test_a_document_s_file_name_links_where_the_atlas_serves_it(html_client: TestClient) -> None:
    doc = html.fromstring(html_client.get("/page/project/12523").text)
    (link,) = doc.xpath("//a[code='protocole_coop_2010-2012_PAIR.pdf']")
    assert link.get("href") == "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/document.html?docId=5512"


def test_a_text_page_gives_no_link(client: TestClient) -> None:
    doc = html.fromstring(client.get("/page/project/12523").text)
    assert doc.xpath("//code[.='protocole_coop_2010-2012_PAIR.pdf']")
    assert not doc.xpath("//a[code='protocole_coop_2010-2012_PAIR.pdf']")

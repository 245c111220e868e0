"""The search page over the example pages: words found whatever their accents and case, facets counted and
followed, sort orders, the CSV and JSON exports, and the lists of authorities, countries and posts."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html
from support.example_data import BASE, ingest_examples

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.settings import Settings
from atlas_ld.uris import UriScheme
from atlas_ld.web.views import search_index
from atlas_ld.web.views.search_index import fold

TITLE_12523 = "Projet d'action internationale de Romans et de ses villes partenaires"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from atlas_ld.web.app import create_app

    data = ingest_examples(tmp_path_factory.mktemp("search"))
    with TestClient(create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))) as c:
        yield c


def page(client: TestClient, path: str) -> html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return html.fromstring(response.text)


def found(client: TestClient, query: str) -> list[str]:
    """The identifiers the JSON export gives for a query string."""
    response = client.get("/search.json?" + query)
    assert response.status_code == 200
    return [row["identifier"] for row in response.json()["rows"]]


def texts_of(client: TestClient, identifier: str) -> str:
    """Every literal of a project, from the store."""
    query = f"SELECT ?o WHERE {{ <{BASE}id/project/{identifier}> ?p ?o FILTER(isLiteral(?o)) }}"
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return " ".join(b["o"]["value"] for b in answer.json()["results"]["bindings"])


def test_words_match_without_their_accents(client: TestClient) -> None:
    identifiers = found(client, "q=cooperation")
    assert "12523" in identifiers and len(identifiers) >= 2
    for identifier in identifiers:
        assert "cooperation" in fold(texts_of(client, identifier))
    assert "coopération" in texts_of(client, identifiers[0]).lower()
    assert found(client, "q=COOPÉRATION") == identifiers


def test_a_foreign_partners_name_finds_its_project(client: TestClient) -> None:
    assert found(client, "q=EL+JEM") == ["12523"]
    assert found(client, "q=el+jem+romans") == ["12523"]
    doc = page(client, "/search?q=el+jem")
    assert [a.text_content() for a in doc.xpath("//ul[contains(@class, 'projects')]/li/a")] == [TITLE_12523]


def test_every_word_must_match(client: TestClient) -> None:
    assert found(client, "q=cooperation+zzyzx") == []


def test_no_result_says_so(client: TestClient) -> None:
    doc = page(client, "/search?q=zzyzx")
    assert not doc.xpath("//ul[contains(@class, 'projects')]/li")
    assert "Aucun projet ne correspond à « zzyzx »" in doc.xpath("//p[@class='no-result']")[0].text_content()


def test_the_country_facet_counts_projects_and_filters(client: TestClient) -> None:
    everything = client.get("/search.json").json()["rows"]
    expected: dict[str, int] = {}
    for row in everything:
        for country in row["countries"]:
            expected[country] = expected.get(country, 0) + 1
    assert expected == {"Tunisie": 1}
    doc = page(client, "/search")
    links = doc.xpath("//*[@id='facet-country']//a")
    counts = {a.text_content(): int(a.getnext().text_content()) for a in links}
    assert counts == expected
    filtered = page(client, links[0].get("href"))
    assert [a.text_content() for a in filtered.xpath("//ul[contains(@class, 'projects')]/li/a")] == [TITLE_12523]
    assert "Pays = Tunisie" in filtered.xpath("//p[@class='active-filters']")[0].text_content()
    remove = filtered.xpath("//p[@class='active-filters']/span/a")[0].get("href")
    assert "country" not in parse_qs(urlsplit(remove).query)
    assert len(page(client, remove).xpath("//ul[contains(@class, 'projects')]/li")) == len(everything)


def test_the_status_and_year_facets_count_every_project(client: TestClient) -> None:
    doc = page(client, "/search")
    statuses = {a.text_content(): int(a.getnext().text_content()) for a in doc.xpath("//*[@id='facet-status']//a")}
    assert statuses == {"En cours": 5}
    years = {a.text_content(): int(a.getnext().text_content()) for a in doc.xpath("//*[@id='facet-year']//a")}
    assert years["2010"] == 1 and found(client, "year=2010") == ["12523"]
    authorities = doc.xpath("//*[@id='facet-authority']//a")
    assert [a.text_content() for a in authorities] == ["Romans sur Isère"]
    assert found(client, "authority=romans") == found(client, "authority=fra/romans-sur-isere") == ["12523"]


def test_sort_by_title_and_by_year(client: TestClient) -> None:
    doc = page(client, "/search?_sort=title")
    titles = [a.text_content() for a in doc.xpath("//ul[contains(@class, 'projects')]/li/a")]
    assert len(titles) == 5 and titles == sorted(titles, key=fold)
    years = [row["start_year"] for row in client.get("/search.json?_sort=-year").json()["rows"]]
    assert years == sorted(years, reverse=True)


def test_csv_has_the_rows_of_json(client: TestClient) -> None:
    doc = page(client, "/search?q=cooperation&_sort=title")
    exports = {a.text_content(): a.get("href") for a in doc.xpath("//p[@class='result-count']/a[@type]")}
    response = client.get(exports["JSON"])
    assert response.headers["content-type"] == "application/json"
    rows = json.loads(response.text)["rows"]
    table = list(csv.DictReader(io.StringIO(client.get(exports["CSV"]).text)))
    assert [r["identifier"] for r in table] == [r["identifier"] for r in rows] and rows
    assert [r["title"] for r in table] == [r["title"] for r in rows]
    assert [r["countries"] for r in table] == ["; ".join(r["countries"]) for r in rows]
    assert client.get("/search.xml").status_code == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/countries", {"Tunisie": ("/page/country/TUN", "1"), "France": ("/page/country/FRA", "0")}),
        (
            "/authorities",
            {"Romans sur Isère": ("/page/authority/fra/romans-sur-isere", "1"), "El Jem": ("/page/authority/tun/el-jem", "1")},
        ),
    ],
)
def test_list_pages_link_each_thing_with_its_count(client: TestClient, path: str, expected: dict[str, tuple[str, str]]) -> None:
    doc = page(client, path)
    lines = {
        tr.xpath("td/a")[0].text_content(): (tr.xpath("td/a")[0].get("href"), tr.xpath("td[@class='num']")[0].text_content())
        for tr in doc.xpath("//table[contains(@class, 'list')]/tbody/tr")
    }
    assert lines == expected


def test_posts_list_counts_and_links_to_the_search(client: TestClient) -> None:
    doc = page(client, "/posts?_sort=name")
    rows = doc.xpath("//table[contains(@class, 'list')]/tbody/tr")
    names = [tr.xpath("td/a")[0].text_content() for tr in rows]
    assert names == sorted(names, key=fold) and len(names) == 5
    tunis = next(tr for tr in rows if "TUNIS" in tr.text_content())
    assert tunis.xpath("td[@class='num']")[0].text_content() == "2"
    assert sorted(found(client, urlsplit(tunis.xpath("td[@class='num']/a")[0].get("href")).query)) == ["12523", "15077"]
    assert page(client, "/posts").xpath("//table[contains(@class, 'list')]/tbody/tr/td/a")[0].get("href").startswith("/page/post/")


def _held_index(app: object) -> object | None:
    """The index the search would use now, if one is built for the store as it is."""
    held = search_index._HELD.get(app.state.kept)  # type: ignore[attr-defined]
    return held.current().get("index") if held is not None else None


def test_the_index_is_built_in_the_background_and_again_after_a_write(tmp_path: Path) -> None:
    """No search is made: the warmer builds the index when the app starts, and again once an ingest has written."""
    from atlas_ld.web.app import create_app

    data = ingest_examples(tmp_path)
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app) as client:
        first = wait_until(lambda: _held_index(app))
        assert "12523" in {e.identifier for e in first.entries}  # type: ignore[attr-defined]
        for _ in range(3):  # searches use the index built for this version of the store, never build it again
            assert client.get("/search", params={"q": "romans"}).status_code == 200
            assert _held_index(app) is first
        writer = data.open_store()
        page = (examples_dir() / "12523.txt").read_text(encoding="utf-8").replace("12523", "99123")
        extra = tmp_path / "99123.txt"
        extra.write_text(page, encoding="utf-8")
        ingest([extra], writer, UriScheme(BASE), RejectedRecords(data.rejected, base_uri=BASE))
        writer.flush()
        second = wait_until(lambda: (i := _held_index(app)) is not first and i)
        assert "99123" in {e.identifier for e in second.entries}  # type: ignore[attr-defined]


def test_the_index_is_built_in_another_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over an embedded store the serving process never builds the index itself: a build there holds the
    interpreter's lock for tens of seconds, and every page waits behind it."""
    from atlas_ld.web.app import create_app

    def not_here(queries: object) -> object:
        raise AssertionError("the index was built in the serving process")

    monkeypatch.setattr(search_index.SearchIndex, "build", classmethod(lambda cls, queries: not_here(queries)))
    data = ingest_examples(tmp_path)
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app):
        index = wait_until(lambda: _held_index(app))
    assert "12523" in {e.identifier for e in index.entries}  # type: ignore[attr-defined]


def test_the_site_wide_figures_are_made_before_any_page_asks(tmp_path: Path) -> None:
    """Projects per country and per région, and the facets, are store-wide queries every map or home page needs:
    made in the background at start (and after each write), no page waits for them."""
    from atlas_ld.web.app import create_app

    data = ingest_examples(tmp_path)
    app = create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))
    with TestClient(app):
        kept = app.state.kept
        made = wait_until(lambda: {("figures", "countries"), ("figures", "regions"), "facets"} <= kept.current().keys())
    assert made
    counts, _ = kept.current()[("figures", "countries")]
    assert counts["TUN"] >= 1


def wait_until(value: Callable[[], object], seconds: float = 60.0) -> object:
    """The first true value `value()` gives, asked again and again until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while not (found := value()):
        assert time.monotonic() < deadline, "not built in time"
        time.sleep(0.05)
    return found

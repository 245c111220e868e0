"""The maps and charts drawn server-side as inline SVG, read over plain HTTP: one shape per country of the
vendored TopoJSON joined by ISO code (each a <use> of the world sprite), the région of France and the funding
years, each with its data embedded as JSON and shown as a table."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html
from support.example_data import BASE, ingest_examples

from atlas_ld import __version__
from atlas_ld.settings import Settings
from atlas_ld.web.app import create_app
from atlas_ld.web.views.map_shapes import world_shapes

ROMANS = "/page/authority/fra/romans-sur-isere"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = ingest_examples(tmp_path_factory.mktemp("figures"))
    with TestClient(create_app(Settings(store=data.root, base_uri=BASE), data.open_store(read_only=True))) as c:
        yield c


def page(client: TestClient, path: str) -> html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.fromstring(response.text)


def area(doc: html.HtmlElement, figure: str, attribute: str, value: str, shape: str = "path") -> html.HtmlElement:
    return doc.xpath(f"//*[@id='{figure}']//*[local-name()='{shape}'][@{attribute}='{value}']")[0]


def country(doc: html.HtmlElement, iso3: str) -> html.HtmlElement:
    """A country of the world map: a <use> of its shape in the world sprite."""
    return area(doc, "world-map", "data-iso3", iso3, shape="use")


def embedded(doc: html.HtmlElement, element_id: str) -> list[dict[str, object]]:
    return json.loads(doc.get_element_by_id(element_id).text)  # type: ignore[no-any-return]


def test_the_world_map_has_one_shape_per_country_shaded_by_iso_code(client: TestClient) -> None:
    doc = page(client, "/")
    shapes = doc.xpath("//*[@id='world-map']//*[local-name()='use']")
    assert len(shapes) == len(world_shapes()) == 176
    tunisia = country(doc, "TUN")
    assert "has-projects" in tunisia.get("class").split()
    assert tunisia.getparent().tag == "a" and tunisia.getparent().get("href") == "/page/country/TUN"
    brazil = country(doc, "BRA")
    assert "shade-0" in brazil.get("class").split() and brazil.getparent().tag != "a"
    rows = embedded(doc, "world-map-data")
    assert rows == [{"iso3": "TUN", "numeric": "788", "name": "Tunisie", "count": 1, "href": "/page/country/TUN"}]
    assert [td.text_content() for td in doc.xpath("//*[@id='world-map']//tbody//td")] == ["Tunisie", "TUN / 788", "1"]


def test_every_country_of_a_map_is_a_shape_of_the_world_sprite(client: TestClient) -> None:
    """The pages name each country's shape in /maps/world.svg by id, with the version that drew them."""
    sprite = client.get("/maps/world.svg")
    assert sprite.status_code == 200 and sprite.headers["content-type"] == "image/svg+xml"
    assert "max-age" in sprite.headers["cache-control"]
    svg = etree.fromstring(sprite.content)
    ids = {path.get("id") for path in svg.iter("{http://www.w3.org/2000/svg}path")}
    assert len(ids) == 176 and {"TUN", "FRA", "kosovo"} <= ids
    for path in ("/", "/page/country/TUN", ROMANS):
        hrefs = [use.get("href") for use in page(client, path).xpath("//*[@id='world-map']//*[local-name()='use']")]
        assert {href.partition("#")[0] for href in hrefs} == {f"/maps/world.svg?v={__version__}"}, path
        assert {href.partition("#")[2] for href in hrefs} == ids, path


def test_an_authority_page_with_its_world_map_stays_light(client: TestClient) -> None:
    """The shapes are not in the page: 110 kB with them, a quarter of that without."""
    response = client.get(ROMANS, headers={"Accept-Encoding": "identity"})
    assert len(page(client, ROMANS).xpath("//*[@id='world-map']//*[local-name()='use']")) == 176
    assert len(response.content) < 40_000


def test_the_france_map_shades_the_region_of_the_french_partner(client: TestClient) -> None:
    doc = page(client, "/")
    regions = doc.xpath("//*[@id='france-map']//*[local-name()='path']")
    assert len(regions) == 13
    shaded = [p.get("data-insee") for p in regions if "has-projects" in p.get("class").split()]
    assert shaded == ["84"]
    assert embedded(doc, "france-map-data") == [
        {"code": "84", "name": "Auvergne-Rhône-Alpes", "projects": 1, "funding": 214285.0}
    ]
    assert doc.xpath("//*[@id='france-map']//tbody//td")[0].text_content() == "Auvergne-Rhône-Alpes"


def test_the_funding_chart_has_one_bar_per_year_with_numbers(client: TestClient) -> None:
    doc = page(client, "/")
    bars = doc.xpath("//*[@id='funding-chart']//*[@class='bar']")
    assert [b.get("data-year") for b in bars] == ["2010", "2011", "2012"]
    rows = embedded(doc, "funding-chart-data")
    assert rows == [{"year": "2010", "amount": 164285.0}, {"year": "2011", "amount": 25000.0},
                    {"year": "2012", "amount": 25000.0}]  # fmt: skip
    heights = [float(b.xpath("./*[local-name()='rect']")[0].get("height")) for b in bars]
    assert heights[0] > heights[1] == heights[2] > 0


def test_each_figure_links_to_its_ready_query(client: TestClient) -> None:
    doc = page(client, "/")
    for figure in ("world-map", "france-map", "funding-chart"):
        link = doc.xpath(f"//*[@id='{figure}']/figcaption/a")[0].get("href")
        assert link.startswith("/sparql?query=") and link.endswith("format=csv")
        answer = client.get(link)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")


def test_a_country_page_zooms_on_the_country(client: TestClient) -> None:
    doc = page(client, "/page/country/TUN")
    tunisia = country(doc, "TUN")
    assert "current" in tunisia.get("class").split()
    assert doc.xpath("//*[@id='world-map']/*[local-name()='svg']")[0].get("viewBox") != "0 0 960 427"


def test_an_authority_page_maps_its_partners_countries_and_charts_its_funding(client: TestClient) -> None:
    doc = page(client, ROMANS)
    shaded = [p.get("data-iso3") for p in doc.xpath("//*[@id='world-map']//*[contains(@class, 'has-projects')]")]
    assert "TUN" in shaded
    assert [b.get("data-year") for b in doc.xpath("//*[@id='funding-chart']//*[@class='bar']")] == ["2010"]
    query = client.get(doc.xpath("//*[@id='world-map']/figcaption/a")[0].get("href"))
    assert query.status_code == 200 and "Tunis" in query.text


def test_a_theme_page_maps_the_countries_of_its_projects(client: TestClient) -> None:
    doc = page(client, "/page/theme/economie-durable")
    rows = embedded(doc, "world-map-data")
    assert rows and all(row["count"] >= 1 for row in rows)
    shaded = {p.get("data-iso3") for p in doc.xpath("//*[@id='world-map']//*[contains(@class, 'has-projects')]")}
    assert shaded == {row["iso3"] for row in rows}

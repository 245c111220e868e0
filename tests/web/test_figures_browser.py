"""The maps and the funding chart in headless chromium on a real server: the SVG is drawn and laid out (shapes
have a size and a fill from the style sheet), links go to the country pages, and nothing breaks the
Content-Security-Policy. Screenshots are kept in pytest's tmp folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from support.browser import WAIT_SECONDS, chromium
from support.example_data import ingest_examples
from support.liveserver import LiveServer, live_server

pytestmark = pytest.mark.browser

UNSHADED = "rgb(223, 227, 234)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = ingest_examples(tmp_path_factory.mktemp("figures-browser"))
    with live_server(data.root) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("figures-profile")) as driver:
        yield driver


def fill(browser: WebDriver, css: str) -> str:
    return str(browser.execute_script("return getComputedStyle(document.querySelector(arguments[0])).fill", css))


def test_the_home_page_draws_the_maps_and_the_chart(
    browser: WebDriver, server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    browser.get(server.url + "/")
    world = browser.find_element(By.CSS_SELECTOR, "#world-map svg")
    assert world.size["width"] > 500 and world.size["height"] > 200
    assert len(browser.find_elements(By.CSS_SELECTOR, "#world-map svg use")) == 176
    # A country takes the size of its shape once the world sprite is in: the sprite was fetched and drawn.
    tunisia = browser.find_element(By.CSS_SELECTOR, '#world-map use[data-iso3="TUN"]')
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: tunisia.size["width"] > 2)
    assert fill(browser, '#world-map use[data-iso3="TUN"]') != UNSHADED
    assert fill(browser, '#world-map use[data-iso3="BRA"]') == UNSHADED
    assert fill(browser, '#france-map path[data-insee="84"]') != UNSHADED
    assert fill(browser, '#france-map path[data-insee="11"]') == UNSHADED
    bars = browser.find_elements(By.CSS_SELECTOR, "#funding-chart g.bar rect")
    assert len(bars) == 3 and all(bar.size["height"] > 0 for bar in bars)
    shots = tmp_path_factory.mktemp("screenshots")
    browser.save_screenshot(str(shots / "home.png"))
    for figure in ("world-map", "france-map", "funding-chart"):
        browser.find_element(By.ID, figure).screenshot(str(shots / f"{figure}.png"))
    print("screenshots in", shots)
    assert [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]] == []


def test_a_shaded_country_links_to_its_page(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/")
    link = browser.find_element(By.CSS_SELECTOR, '#world-map a:has(use[data-iso3="TUN"])')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", link)
    assert browser.current_url == server.url + "/page/country/TUN"
    assert "current" in browser.find_element(By.CSS_SELECTOR, '#world-map use[data-iso3="TUN"]').get_attribute(
        "class"
    )

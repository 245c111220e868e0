"""A real browser (Debian's headless chromium, driven through chromedriver) on a real server: the home page,
a search (words typed without accents), a project page, and a ready query run in YASGUI, with no
Content-Security-Policy violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from support.browser import chromium, policy_violations, wait_for, wait_for_page
from support.example_data import ingest_examples
from support.liveserver import LiveServer, live_server

pytestmark = pytest.mark.browser

TITLE_12523 = "Projet d'action internationale de Romans et de ses villes partenaires"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = ingest_examples(tmp_path_factory.mktemp("browser"))
    with live_server(data.root) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def test_search_then_follow_a_project(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Atlas de la coopération décentralisée"
    search = browser.find_element(By.NAME, "q")
    search.send_keys("romans")
    search.submit()
    wait_for_page(browser, "/search?")
    wait_for(browser, "ul.projects a")
    results = browser.find_elements(By.CSS_SELECTOR, "ul.projects a")
    assert [a.text for a in results] == [TITLE_12523]
    results[0].click()
    wait_for(browser, "table.funding")
    assert browser.current_url == server.url + "/page/project/12523"
    assert browser.find_element(By.TAG_NAME, "h1").text == TITLE_12523
    total = browser.find_element(By.CSS_SELECTOR, "table.funding tfoot td.total").text
    assert total.replace("\u202f", " ").replace("\xa0", " ") == "214 285 €"
    assert policy_violations(browser) == []


def test_a_project_page_fits_a_phone_screen(browser: WebDriver, server: LiveServer) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(server.url + "/page/project/12523")
        wait_for(browser, "table.funding")
        page_width, view_width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert page_width <= view_width
    finally:
        browser.set_window_size(1280, 900)


def test_run_a_ready_query_in_yasgui(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/sparql")
    wait_for(browser, ".yasqe .CodeMirror")
    browser.find_element(By.CSS_SELECTOR, 'button[data-query="funding-per-year-and-funder"]').click()
    wait_for(browser, ".yasr table tbody tr td")
    rows = browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
    assert len(rows) == 6
    first = rows[0].text
    assert "Romans sur Isère" in first and "112285" in first
    # Amounts as numbers, not as typed literals.
    cells = [td.text for td in rows[0].find_elements(By.TAG_NAME, "td")]
    assert "112285" in cells and not any("xsd:decimal" in c or "^^" in c for c in cells), cells
    editor = browser.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor.startswith("# title: Financements par année et par financeur")
    assert policy_violations(browser) == []


def test_type_words_without_accents_and_see_projects(browser: WebDriver, server: LiveServer, tmp_path: Path) -> None:
    browser.get(server.url + "/search")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("cooperation")
    box.submit()
    wait_for(browser, "ul.projects a")
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.projects a")]
    assert "Projet d'action internationale de Romans et de ses villes partenaires" in titles
    assert all("coopération" in t.lower() for t in titles[:2])
    assert browser.find_element(By.CSS_SELECTOR, "p.result-count").text.startswith(f"{len(titles)} projets")
    assert browser.find_elements(By.CSS_SELECTOR, "#facet-country a")
    assert browser.get_screenshot_as_file(str(tmp_path / "search.png"))
    assert not policy_violations(browser)

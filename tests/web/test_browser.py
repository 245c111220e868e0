"""A real browser (Debian's headless chromium, driven through chromedriver) on a real server: the home page,
a search, a project page, and a ready query run in YASGUI, with no Content-Security-Policy violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait
from support.example_data import ingest_examples
from support.liveserver import LiveServer, live_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TITLE_12523 = "Projet d'action internationale de Romans et de ses villes partenaires"
WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = ingest_examples(tmp_path_factory.mktemp("browser"))
    with live_server(data.root) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile: Path = tmp_path_factory.mktemp("chromium-profile")
    for argument in (
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(browser: WebDriver, css: str) -> None:
    WebDriverWait(browser, WAIT_SECONDS).until(seen.presence_of_element_located((By.CSS_SELECTOR, css)))


def policy_violations(browser: WebDriver) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]


def test_search_then_follow_a_project(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Atlas de la coopération décentralisée"
    search = browser.find_element(By.NAME, "q")
    search.send_keys("romans")
    search.submit()
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
    editor = browser.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor.startswith("# title: Financements par année et par financeur")
    assert policy_violations(browser) == []

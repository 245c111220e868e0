"""The project page on a phone (390 CSS pixels wide) in headless chromium: the funding table is readable, no cell
squeezed to a character a line, and the page does not overflow sideways. A screenshot is kept in pytest's tmp."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from support.browser import chromium
from support.example_data import ingest_examples
from support.liveserver import LiveServer, live_server

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = ingest_examples(tmp_path_factory.mktemp("phone"))
    with live_server(data.root) as running:
        yield running


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("phone-profile"), width=PHONE_WIDTH, height=844) as driver:
        yield driver


def test_the_funding_table_fits_a_phone(
    phone: WebDriver, server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    phone.get(server.url + "/page/project/12523")
    assert phone.execute_script("return window.innerWidth") == PHONE_WIDTH
    shots = tmp_path_factory.mktemp("screenshots")
    phone.save_screenshot(str(shots / "project-12523-390px.png"))
    phone.find_element(By.CSS_SELECTOR, "table.funding").screenshot(str(shots / "funding-390px.png"))
    cells = phone.find_elements(By.CSS_SELECTOR, "table.funding td")
    assert cells
    for cell in cells:
        if not cell.text.strip():
            continue
        # A squeezed cell is a column of single characters: as tall as its text is long. A readable one is a line.
        lines = phone.execute_script(
            "const s = getComputedStyle(arguments[0]); return arguments[0].getBoundingClientRect().height"
            " / parseFloat(s.lineHeight === 'normal' ? parseFloat(s.fontSize) * 1.2 : s.lineHeight)", cell)
        assert lines < 3.5, (cell.text, lines)
    labels = phone.execute_script(
        "return [...document.querySelectorAll('table.funding td')].filter(c => c.textContent.trim())"
        ".map(c => getComputedStyle(c, '::before').height)")
    assert len(set(labels)) == 1, labels  # every label on one line ("Financeur" is not broken in two)
    overflow = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow
    water = [c for c in cells if c.get_attribute("data-label").startswith("1")]
    assert water and all(c.rect["x"] + c.rect["width"] <= PHONE_WIDTH for c in water)

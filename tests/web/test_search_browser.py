"""The search page in a real browser (the headless chromium of `test_browser`): words typed without accents, the
form submitted, the results shown; a screenshot is left in the test's temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_browser
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from support.liveserver import LiveServer
from test_browser import policy_violations, wait_for

pytestmark = pytest.mark.browser

# The same module-scoped fixtures as the other browser tests: a live server on the example pages, and chromium.
server = test_browser.server
browser = test_browser.browser


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

"""Debian's headless chromium driven through chromedriver, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 30


@contextmanager
def chromium(profile: Path, *, width: int = 1280, height: int = 900) -> Iterator[WebDriver]:
    """A headless chromium with a profile of its own and a window of the given size (CSS pixels)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={max(width, 500)},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    if width < 500:  # headless windows are at least 500 px wide: a phone's width is emulated, as DevTools does
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(browser: WebDriver, css: str) -> None:
    """Until an element matches `css` (a page that loads, a result that comes)."""
    WebDriverWait(browser, WAIT_SECONDS).until(seen.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_for_page(browser: WebDriver, path: str) -> None:
    """Until the browser is at `path` (a form sent, a link followed) and has loaded it: a form sent by a script
    navigates on its own, and elements read meanwhile may belong to a document that is being left."""
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: path in b.current_url and b.execute_script("return document.readyState") == "complete"
    )


def policy_violations(browser: WebDriver) -> list[str]:
    """What the page's Content-Security-Policy refused, from the browser's log."""
    return [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]

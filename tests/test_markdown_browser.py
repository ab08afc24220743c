"""The bot's Markdown subset as the widget and the console render it, in headless Chromium: bold, lists and links
become elements; everything else, markup and script included, stays literal text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.test_server_browser import CHROME_FLAGS

WIDGET = Path(__file__).resolve().parents[1] / "server" / "static" / "widget.js"


@pytest.fixture
def page(tmp_path: Path) -> Iterator[WebDriver]:
    # The console's way of loading the renderer: widget.js with data-markdown-only (no chat widget mounted).
    html = tmp_path / "page.html"
    html.write_text(
        f'<!doctype html><html><head><script src="{WIDGET.as_uri()}" data-markdown-only></script></head>'
        '<body><div id="out"></div></body></html>',
        encoding="utf-8",
    )
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(html.as_uri())
        yield driver
    finally:
        driver.quit()


def render(driver: WebDriver, text: str) -> None:
    driver.execute_script(
        "var out = document.getElementById('out'); out.textContent = '';"
        "window.ShopdeskMarkdown.render(out, arguments[0]);",
        text,
    )


def test_the_subset_the_bot_writes_is_rendered(page: WebDriver) -> None:
    render(
        page,
        "Your order #W1 is **shipped**.\nHere is what fits:\n- **Stormline 3L Rain Jacket**, $229.00\n"
        "- Harbor Fleece Jacket, $89.00\n1. first\n2. second\nSee [our policy](https://shop.example/returns).",
    )
    out = page.find_element(By.ID, "out")
    assert [b.text for b in out.find_elements(By.TAG_NAME, "strong")] == ["shipped", "Stormline 3L Rain Jacket"]
    assert [li.text for li in out.find_elements(By.CSS_SELECTOR, "ul > li")] == [
        "Stormline 3L Rain Jacket, $229.00",
        "Harbor Fleece Jacket, $89.00",
    ]
    assert [li.text for li in out.find_elements(By.CSS_SELECTOR, "ol > li")] == ["first", "second"]
    link = out.find_element(By.TAG_NAME, "a")
    assert link.text == "our policy" and link.get_attribute("href") == "https://shop.example/returns"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "**" not in out.text


def test_anything_else_stays_text(page: WebDriver) -> None:
    hostile = (
        '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> **<b>bold?</b>** '
        "[click](javascript:window.pwned=3) [data](data:text/html,hi) <a href='https://evil.example'>x</a>"
    )
    render(page, hostile)
    out = page.find_element(By.ID, "out")
    assert out.find_elements(By.CSS_SELECTOR, "img, script, b, a") == []
    assert [s.text for s in out.find_elements(By.TAG_NAME, "strong")] == ["<b>bold?</b>"]
    assert "<img src=x" in out.text and "[click](javascript:" in out.text
    assert page.execute_script("return window.pwned === undefined")
    # The renderer-only load mounts no chat widget.
    assert page.find_elements(By.ID, "shopdesk-launch") == []

"""The API documents itself, offline: every route says which credentials it wants and which errors it can answer,
the description explains the tokens and the streamed events, and /docs renders in a browser that cannot reach any
other host (Swagger UI's assets come from the server, not a CDN)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from server.app import create_app
from tests.test_server_api import env  # noqa: F401  (a fixture)
from tests.test_server_browser import CHROME_FLAGS, base_url, wait  # noqa: F401  (base_url is a fixture)

SHOP = {"ShopKey"}
CONVERSATION = {"ShopKey", "ConversationToken"}
AGENT = {"AgentToken"}
CONVERSATION_ACTION = {401, 404, 409, 413, 422, 503}
# Every route: the credentials it needs (all of them together) and the error statuses it can answer. A new route
# fails the test until it is listed here, documented.
ROUTES: dict[tuple[str, str], tuple[set[str], set[int]]] = {
    ("post", "/v1/conversations"): (SHOP, {401, 413, 422}),
    ("post", "/v1/conversations/{conversation_id}/messages"): (CONVERSATION, {401, 403, 404, 413, 422, 503}),
    ("get", "/v1/conversations/{conversation_id}"): (CONVERSATION, {401, 403, 404, 422}),
    ("get", "/v1/agent/queue"): (AGENT, {401, 422}),
    ("get", "/v1/agent/conversations"): (AGENT, {401, 422}),
    ("get", "/v1/agent/tools"): (AGENT, {401}),
    ("get", "/v1/agent/conversations/{conversation_id}"): (AGENT, {401, 404, 422}),
    ("post", "/v1/agent/conversations/{conversation_id}/claim"): (AGENT, {401, 404, 409, 422}),
    ("post", "/v1/agent/conversations/{conversation_id}/reply"): (AGENT, CONVERSATION_ACTION),
    ("post", "/v1/agent/conversations/{conversation_id}/note"): (AGENT, CONVERSATION_ACTION),
    ("post", "/v1/agent/conversations/{conversation_id}/tool"): (AGENT, CONVERSATION_ACTION),
    ("post", "/v1/agent/conversations/{conversation_id}/forward"): (AGENT, CONVERSATION_ACTION),
    ("post", "/v1/agent/conversations/{conversation_id}/handback"): (AGENT, CONVERSATION_ACTION),
    ("post", "/v1/agent/conversations/{conversation_id}/resolve"): (AGENT, {401, 404, 409, 422, 503}),
    ("post", "/v1/agent/conversations/{conversation_id}/approval"): (AGENT, {401, 403, 404, 409, 413, 422, 503}),
    ("get", "/health"): (set(), set()),
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def test_every_route_declares_its_credentials_and_its_errors(spec: dict[str, Any]) -> None:
    operations = {(method, path): op for path, ops in spec["paths"].items() for method, op in ops.items()}
    assert set(operations) == set(ROUTES)
    schemes = spec["components"]["securitySchemes"]
    assert set(schemes) == SHOP | CONVERSATION | AGENT and all(s["description"] for s in schemes.values())
    for route, (credentials, codes) in ROUTES.items():
        operation = operations[route]
        # One requirement naming every credential (all needed together), or an explicit "none" for a public route.
        expected: list[dict[str, list[str]]] = [{name: [] for name in credentials}] if credentials else []
        assert operation["security"] == expected, route
        declared = {int(code) for code in operation["responses"] if int(code) >= 400}
        assert declared == codes, route
        for code in codes - {422}:  # 422 keeps FastAPI's validation-error shape
            response = operation["responses"][str(code)]
            assert response["description"], (route, code)
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_the_description_explains_the_tokens_and_the_streamed_events(spec: dict[str, Any]) -> None:
    description = spec["info"]["description"]
    assert "HMAC-SHA256" in description and '"kind": "customer"' in description and '"sub"' in description
    assert '"kind": "conversation"' in description and "SHOPDESK_AGENT_TOKENS" in description
    streamed = spec["paths"]["/v1/conversations/{conversation_id}/messages"]["post"]["responses"]["200"]
    assert "text/event-stream" in streamed["content"]
    for event in ("status", "token", "message", "reply", "error"):
        assert f"- `{event}`:" in streamed["description"], event
    start = spec["components"]["schemas"]["ConversationStart"]["properties"]["customer_token"]
    assert "signed" in start["description"].lower()


@pytest.fixture
def offline_browser() -> Iterator[WebDriver]:
    """Headless Chromium that can resolve no host but the loopback: anything from a CDN would fail to load."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*CHROME_FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.slow
def test_the_docs_render_the_routes_offline(base_url: str, offline_browser: WebDriver) -> None:  # noqa: F811
    offline_browser.get(f"{base_url}/")  # the home page leads to the docs
    assert offline_browser.current_url == f"{base_url}/docs"
    wait(offline_browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) == len(ROUTES))
    paths = {
        e.text.replace("\u200b", "") for e in offline_browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    }
    assert paths == {path for _, path in ROUTES}
    assert offline_browser.find_elements(By.CSS_SELECTOR, ".btn.authorize"), "no Authorize button for the tokens"
    loaded = offline_browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(base_url) for url in loaded), loaded

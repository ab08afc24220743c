"""End to end in headless Chromium: a customer chats through the widget, an agent answers from the console."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

import shopdesk.settings
from server.app import create_app
from server.auth import customer_token
from shop.db import session_scope
from shop.models import Order
from shopdesk.runtime import open_graph
from tests.support.processes import free_port
from tests.test_server_api import (  # noqa: F401  (env is a fixture)
    AGENT,
    SUPERVISOR,
    Env,
    env,
    expensive_pending_order,
    propose_address_change,
)

pytestmark = pytest.mark.slow
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


@pytest.fixture
def base_url(env: Env) -> Iterator[str]:  # noqa: F811
    """The real app on a loopback port, served by uvicorn in a thread of this process (so it shares the env)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(server_settings=env.server), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # Start-up loads the models and the knowledge index: on a busy host that took over 30 s. A deadline, not a
    # speed check (speed is measured by the benchmarks).
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: WebDriver, timeout: float = 20) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, timeout)


def texts(driver: WebDriver, selector: str) -> list[str]:
    return [node.text for node in driver.find_elements(By.CSS_SELECTOR, selector)]


def test_widget_and_console_end_to_end(base_url: str, browser: WebDriver) -> None:
    # The customer, on the shop's page with the one-tag widget.
    browser.get(f"{base_url}/demo")
    shop_tab = browser.current_window_handle
    wait(browser).until(expected_conditions.element_to_be_clickable((By.ID, "shopdesk-launch"))).click()
    browser.find_element(By.ID, "shopdesk-input").send_keys("I want to talk to a human about my parcel")
    browser.find_element(By.ID, "shopdesk-send").click()
    wait(browser, 40).until(lambda d: texts(d, "#shopdesk-log .sd-bot:not(.sd-pending)"))
    assert texts(browser, "#shopdesk-log .sd-customer")[-1].endswith("I want to talk to a human about my parcel")
    panel = browser.find_element(By.ID, "shopdesk-panel")
    assert panel.get_attribute("data-status") == "waiting_human"

    # The agent, in the console: sign in, open the case from the queue, claim it, answer.
    browser.switch_to.new_window("tab")
    browser.get(f"{base_url}/console")
    console_tab = browser.current_window_handle
    browser.find_element(By.ID, "token").send_keys(AGENT)
    browser.find_element(By.ID, "login").click()
    item = wait(browser).until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "#items .item")))
    item.click()
    wait(browser).until(lambda d: d.find_element(By.ID, "case").is_displayed())
    assert "talk to a human" in browser.find_element(By.ID, "transcript").text
    assert browser.find_element(By.ID, "case-summary").text
    assert browser.find_element(By.ID, "suggested").is_displayed()  # a first line to send, while nobody answered
    browser.find_element(By.ID, "claim").click()
    wait(browser).until(lambda d: "Claimed" in d.find_element(By.ID, "flash").text)
    browser.find_element(By.ID, "reply-text").send_keys("Hi, this is Alex. Let me check your parcel.")
    browser.find_element(By.ID, "reply").click()
    wait(browser).until(lambda d: "Reply sent" in d.find_element(By.ID, "flash").text)
    wait(browser).until(lambda d: "Let me check your parcel" in d.find_element(By.ID, "transcript").text)
    # Answered, it leaves the queue but stays among the agent's open cases.
    wait(browser).until(lambda d: d.find_element(By.ID, "mine-count").text == "1")
    assert browser.find_element(By.ID, "count").text == "0"
    assert not browser.find_element(By.ID, "suggested").is_displayed()  # nothing to suggest: it was answered

    # Back on the shop: the agent's message arrives by polling, under the agent's name.
    browser.switch_to.window(shop_tab)
    wait(browser).until(lambda d: texts(d, "#shopdesk-log .sd-agent"))
    agent_bubble = texts(browser, "#shopdesk-log .sd-agent")[-1]
    assert "Let me check your parcel" in agent_bubble and "Alex" in agent_bubble

    # The agent closes the case from the console; the widget learns of it by polling.
    browser.switch_to.window(console_tab)
    browser.find_element(By.ID, "resolve").click()
    wait(browser).until(lambda d: "Resolved" in d.find_element(By.ID, "flash").text)
    assert browser.find_element(By.ID, "case").get_attribute("data-status") == "resolved"
    wait(browser).until(lambda d: d.find_element(By.ID, "count").text == "0")
    browser.switch_to.window(shop_tab)
    wait(browser).until(lambda d: d.find_element(By.ID, "shopdesk-panel").get_attribute("data-status") == "resolved")


def test_an_approval_decided_in_the_console_reaches_the_widget(env: Env, base_url: str, browser: WebDriver) -> None:  # noqa: F811
    order_id, customer_id = expensive_pending_order(env.db_url)
    token = customer_token(env.server, "demo", customer_id)
    browser.get(f"{base_url}/demo?customer_token={token}")
    shop_tab = browser.current_window_handle
    wait(browser).until(expected_conditions.element_to_be_clickable((By.ID, "shopdesk-launch"))).click()
    browser.find_element(By.ID, "shopdesk-input").send_keys("Hello")
    browser.find_element(By.ID, "shopdesk-send").click()
    wait(browser, 40).until(lambda d: texts(d, "#shopdesk-log .sd-bot:not(.sd-pending)"))
    saved = browser.execute_script("return JSON.parse(localStorage.getItem('shopdesk:demo-storefront-key'))")
    conversation_id = saved["id"]

    async def propose() -> None:
        # A second graph on the same checkpoint file, as another worker process would have.
        async with open_graph(shopdesk.settings.get_settings()) as support_graph:
            await propose_address_change(support_graph, env.db_url, conversation_id, order_id, customer_id)

    asyncio.run(propose())
    browser.find_element(By.ID, "shopdesk-input").send_keys("yes")
    browser.find_element(By.ID, "shopdesk-send").click()
    wait(browser).until(
        lambda d: d.find_element(By.ID, "shopdesk-panel").get_attribute("data-status") == "awaiting_approval"
    )
    assert "approval" in texts(browser, "#shopdesk-log .sd-bot")[-1]
    bot_messages = len(texts(browser, "#shopdesk-log .sd-bot"))

    browser.switch_to.new_window("tab")
    browser.get(f"{base_url}/console")
    browser.find_element(By.ID, "token").send_keys(SUPERVISOR)
    browser.find_element(By.ID, "login").click()
    wait(browser).until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "#items .item"))).click()
    wait(browser).until(lambda d: d.find_element(By.ID, "approval-card").is_displayed())
    assert "12 Main Street" in browser.find_element(By.ID, "approval-preview").text
    browser.find_element(By.ID, "approval-note").send_keys("checked with the customer")
    browser.find_element(By.ID, "approve").click()
    wait(browser).until(lambda d: "Approved" in d.find_element(By.ID, "flash").text)

    browser.switch_to.window(shop_tab)
    wait(browser).until(lambda d: len(texts(d, "#shopdesk-log .sd-bot")) > bot_messages)
    assert browser.find_element(By.ID, "shopdesk-panel").get_attribute("data-status") == "bot"
    with session_scope(env.db_url) as session:
        order = session.get(Order, order_id)
        assert order is not None and order.ship_line1 == "12 Main Street"

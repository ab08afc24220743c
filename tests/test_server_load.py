"""The server under concurrency, and the load benchmark's workload: real demo shop, real graph, local engine."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.app import create_app
from server.auth import customer_token, verify
from server.config import ServerSettings
from shop.db import session_scope
from shop.models import Order, OrderStatus
from tests.support.app import copy_shop, reset_app_caches, use_app_settings
from tests.support.benchmarks import load_benchmark

SHOP_KEY = {"X-Shop-Key": "demo-storefront-key"}


@pytest.fixture(scope="module")
def load_bench() -> ModuleType:
    return load_benchmark("load_bench")


@pytest.fixture
def shop_copy(demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    db_url = copy_shop(demo_db_url, tmp_path)
    use_app_settings(monkeypatch, tmp_path / "data", db_url, SHOPDESK_ENGINE="local")
    yield db_url
    reset_app_caches()


def test_concurrent_conversations_each_get_their_own_answers(shop_copy: str) -> None:
    """Turns of many conversations at once (batched embeddings, checkpoints written at the end of each run,
    registry writes off the event loop) still answer each customer about their own order, in order."""
    settings = ServerSettings(setup_on_start=False)
    with session_scope(shop_copy) as session:
        orders = [
            (order.id, order.customer_id)
            for order in session.scalars(select(Order).where(Order.status == OrderStatus.shipped).order_by(Order.id))
        ][:8]
    assert len(orders) == 8

    with TestClient(create_app(server_settings=settings)) as client:

        def converse(order: tuple[str, str]) -> tuple[str, list[dict[str, Any]]]:
            order_id, customer_id = order
            token = customer_token(settings, "demo", customer_id)
            created = client.post("/v1/conversations", headers=SHOP_KEY, json={"customer_token": token}).json()
            headers = SHOP_KEY | {"Authorization": f"Bearer {created['conversation_token']}"}
            url = f"/v1/conversations/{created['conversation_id']}"
            texts = ["Hi there", f"Where is my order {order_id}?", "What is your return policy?"]
            replies = []
            for text in texts:
                response = client.post(f"{url}/messages", headers=headers, json={"text": text})
                assert response.status_code == 200, response.text
                replies.append(response.json())
            transcript = client.get(url, headers=headers).json()["messages"]
            assert [m["role"] for m in transcript] == ["customer", "bot"] * 3
            assert [m["text"] for m in transcript if m["role"] == "customer"] == texts
            return order_id, replies

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(converse, orders))

    for order_id, replies in results:
        status_reply = " ".join(str(r["text"]) for r in replies[1]["replies"])
        assert order_id in status_reply and "shipped" in status_reply
        others = {other for other, _ in results if other != order_id}
        assert not any(other in status_reply for other in others)


def test_the_benchmark_plays_varied_realistic_conversations(load_bench: ModuleType, demo_db_url: str) -> None:
    shop = load_bench.load_shop(Path(demo_db_url.removeprefix("sqlite:///")))
    rng = random.Random(7)
    scripts = [load_bench.make_script(rng, shop, 8) for _ in range(200)]
    assert all(len(script.messages) == 8 for script in scripts)
    kinds = {message.kind for script in scripts for message in script.messages}
    assert {"greeting", "policy", "product", "order", "verify", "thanks", "human"} <= kinds
    texts = {message.text for script in scripts for message in script.messages}
    assert len(texts) > 150  # not one repeated string
    for script in scripts:
        # Nobody asks the very same thing twice (that reads as frustration, and the bot hands over).
        assert len({message.text for message in script.messages}) == len(script.messages)
        # Asking for a person hands the conversation to the agents: it can only be the last message.
        assert all(message.kind != "human" for message in script.messages[:-1])
        # Signed-in customers ask about their own orders, guests verify first with their account's email.
        asked = {message.order for message in script.messages if message.order}
        if script.persona == "signed_in":
            assert asked <= set(script.customer.orders)
        else:
            assert script.customer is None
            assert not asked or any(message.kind == "verify" for message in script.messages)
    token = load_bench.customer_token("some_customer")
    claims = verify(token, load_bench.TOKEN_SECRET, "customer")
    assert claims["sub"] == "some_customer" and claims["shop"] == load_bench.SHOP_ID


def test_the_benchmark_counts_throughput_while_all_conversations_are_in_flight(load_bench: ModuleType) -> None:
    """Ramp-up and tail (fewer conversations talking) are left out of turns/s, but not out of the whole-run rate."""
    results = load_bench.Results(conversations=2, turns_per_conversation=4, offered_rate=1.0)
    results.first_sent_at = [0.0, 1.5]
    results.answered_at = [[1.0, 2.0, 3.0, 4.0], [2.5, 3.5, 5.0]]
    results.turns, results.wall_s = 7, 5.0
    summary = results.summary()
    # Both in flight from 1.5 (the second's first message) to 4.0 (the first's last answer): 2, 2.5, 3, 3.5, 4.
    assert summary["turns_per_s"] == 2.0
    assert summary["turns_per_s_whole_run"] == 1.4
    results.answered_at[1] = []  # a conversation that never got an answer: no window to speak of
    assert results.summary()["turns_per_s"] == 0.0


def test_paced_conversations_offer_exactly_the_rate(load_bench: ModuleType) -> None:
    rng = random.Random(3)
    for _ in range(50):
        gaps = load_bench.paced_gaps(rng, 0.32, 24)
        used = gaps[1:]  # popped from the end, one after each message but the last
        assert len(gaps) == 24 and abs(sum(used) - 0.32 * 23) < 1e-9
        assert min(used) > 0.32 * 0.5 * 0.7 and max(used) < 0.32 * 1.5 * 1.3  # uneven, within the scaling
    assert load_bench.paced_gaps(rng, 0.0, 5) == [0.0] * 5  # closed loop: no waiting

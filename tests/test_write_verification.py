"""The shop profile's verification.for_writes, through the real graph (local engine): a customer verified by email
alone cannot change anything when the shop asks for more; reads still work, and a signed-in customer can."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graph.context import Context
from shop.db import session_factory
from shop.models import AuditEntry, Order, OrderStatus
from shopdesk.conversations import Conversations
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import PROJECT_ROOT, Settings, get_settings
from tests.support.app import pending_order, reset_app_caches


@pytest.fixture
def strict(app: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The demo shop's profile, asking for email + zip (or the storefront's login) before any change."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    data = yaml.safe_load((PROJECT_ROOT / "shopdesk" / "profiles" / "demo.yaml").read_text(encoding="utf-8"))
    data["verification"] = {"for_writes": ["email_zip", "storefront"]}
    (profiles / "demo.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PROFILES_DIR", str(profiles))
    reset_app_caches()
    load_profile.cache_clear()  # cached by shop id and folder; the folder is new, but be explicit
    return get_settings()


async def test_an_email_alone_does_not_verify_a_customer_for_changes(strict: Settings) -> None:
    order = pending_order(strict.shop_database_url)
    with session_factory(strict.shop_database_url)() as session:
        customer = session.get(Order, order.id).customer  # type: ignore[union-attr]
        email, zip_code = customer.email, customer.addresses[0].zip
    async with open_graph(strict) as graph:
        chat = Conversations(graph)
        await chat.send("strict-1", f"Please cancel my order {order.id}", Context())
        verified = await chat.send("strict-1", f"my email is {email}", Context())
        assert "pending" in verified.text, "reads work for a customer verified by email"
        asked = await chat.send("strict-1", "I don't need it anymore", Context())
        assert asked.status == "bot" and "the zip code of your address" in asked.text
        with session_factory(strict.shop_database_url)() as session:
            assert session.query(AuditEntry).count() == 0
        listed = await chat.send("strict-1", f"my zip code is {zip_code}", Context())
        assert listed.status == "awaiting_confirmation" and order.id in listed.text
        done = await chat.send("strict-1", "yes", Context())
        assert done.text.startswith("Done: Cancel order")
        assert (await chat.values("strict-1"))["customer"]["verified_via"] == "email_zip"
    with session_factory(strict.shop_database_url)() as session:
        assert session.get(Order, order.id).status is OrderStatus.cancelled  # type: ignore[union-attr]


async def test_a_signed_in_customer_may_still_change_things(strict: Settings) -> None:
    order = pending_order(strict.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(strict) as graph:
        chat = Conversations(graph)
        await chat.send("strict-2", f"Please cancel my order {order.id}", context)
        listed = await chat.send("strict-2", "I don't need it anymore", context)
        assert listed.status == "awaiting_confirmation"
        done = await chat.send("strict-2", "yes", context)
    assert done.status == "bot"
    with session_factory(strict.shop_database_url)() as session:
        assert session.get(Order, order.id).status is OrderStatus.cancelled  # type: ignore[union-attr]

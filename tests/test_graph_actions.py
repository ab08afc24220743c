"""Writes through the graph: listed details, the customer's yes, a person's approval, and exactly one write."""

from __future__ import annotations

from sqlalchemy import func, select

from graph.context import Context
from shop.db import session_factory
from shop.models import AuditEntry, Order, OrderStatus, Return
from shopdesk.conversations import Conversations
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import delivered_order, pending_order


def count(db_url: str, model: type, **where: object) -> int:
    with session_factory(db_url)() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)


async def test_cancel_asks_for_what_is_missing_lists_the_details_and_writes_after_yes(app: Settings) -> None:
    order = pending_order(app.shop_database_url)
    # A customer signed in on the storefront counts as verified.
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = await chat.send("cancel-1", f"Please cancel my order {order.id}", context)
        assert "no longer needed" in asked.text and "ordered by mistake" in asked.text
        listed = await chat.send("cancel-1", "I don't need it anymore", context)
        assert listed.status == "awaiting_confirmation"
        assert order.id in listed.text and "no longer needed" in listed.text and "yes or no" in listed.text
        assert count(app.shop_database_url, AuditEntry) == 0  # nothing written before the yes

        done = await chat.send("cancel-1", "yes", context)
    assert done.status == "bot"
    with session_factory(app.shop_database_url)() as session:
        assert session.get(Order, order.id).status is OrderStatus.cancelled  # type: ignore[union-attr]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel_order")).one()
        assert (entry.idempotency_key or "").startswith("cancel-1:") and entry.conversation_id == "cancel-1"
    assert "cancel" in done.text.lower()


async def test_no_means_nothing_changes(app: Settings) -> None:
    order = pending_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("cancel-2", f"cancel {order.id}, ordered by mistake", context)
        turn = await chat.send("cancel-2", "no, leave it", context)
    assert "haven't changed anything" in turn.text
    assert count(app.shop_database_url, AuditEntry) == 0
    with session_factory(app.shop_database_url)() as session:
        assert session.get(Order, order.id).status is OrderStatus.pending  # type: ignore[union-attr]


async def test_approval_resumed_twice_writes_once(app: Settings) -> None:
    profile = load_profile("demo", app.profiles_dir)
    order = delivered_order(app, above=profile.refunds.auto_approve_limit)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        listed = await chat.send("return-1", f"I'd like to return order {order.id}", context)
        assert listed.status == "awaiting_confirmation", listed.text
        waiting = await chat.send("return-1", "yes", context)
        assert waiting.status == "awaiting_approval" and "approval" in waiting.text
        assert waiting.interrupt is not None and waiting.interrupt["type"] == "approval"
        assert any(r.startswith("refund_over_limit") for r in waiting.interrupt["reasons"])
        assert count(app.shop_database_url, Return, order_id=order.id) == 0

        approved = await chat.resume("return-1", {"decision": "approve", "by": "supervisor-ann"}, context)
        again = await chat.resume("return-1", {"decision": "approve", "by": "supervisor-ann"}, context)
    assert approved.status == "bot" and approved.replies
    assert again.replies == []  # nothing was pending any more: no second answer, no second write
    assert count(app.shop_database_url, Return, order_id=order.id) == 1
    assert count(app.shop_database_url, AuditEntry, action="return_items") == 1
    with session_factory(app.shop_database_url)() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "return_items")).one()
        assert entry.approved_by == "supervisor-ann"
        assert session.get(Order, order.id).status is OrderStatus.return_requested  # type: ignore[union-attr]


async def test_a_rejected_approval_writes_nothing_and_says_so(app: Settings) -> None:
    profile = load_profile("demo", app.profiles_dir)
    order = delivered_order(app, above=profile.refunds.auto_approve_limit)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("return-2", f"I want to return my order {order.id}", context)
        await chat.send("return-2", "yes", context)
        decision = {"decision": "reject", "by": "supervisor-ann", "note": "Please send photos first."}
        decision["customer_message"] = "Could you send us a photo of the items?"
        rejected = await chat.resume("return-2", decision, context)
    # The reviewer's words for the customer reach them; the audit note stays internal.
    assert "couldn't approve" in rejected.text and "send us a photo" in rejected.text
    assert "Please send photos first" not in rejected.text
    assert count(app.shop_database_url, Return, order_id=order.id) == 0
    with session_factory(app.shop_database_url)() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert entry.action == "return_items:reject" and entry.approved_by == "supervisor-ann"
        assert entry.actor == "agent:supervisor-ann" and entry.result["note"] == "Please send photos first."

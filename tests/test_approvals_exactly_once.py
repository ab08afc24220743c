"""Every kind of approval, resumed twice through the graph: a person decides once, the shop changes once.

Each case starts from a real preview of the write (the shop's policy decides that a person must approve), placed in
the conversation as if the bot had just listed it; from the customer's "yes" on, everything runs through the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from sqlalchemy import func, select

from graph.context import Context
from shop.db import session_factory
from shop.models import AuditEntry, Order
from shopdesk.conversations import Conversations
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import delivered_order, pending_order
from tools.base import ToolContext
from tools.registry import WRITE_ACTIONS


def _paid_with(order: Order) -> str:
    return next(t.payment_method_id for t in order.transactions if t.kind.value == "payment")


def return_over_refund_limit(settings: Settings) -> tuple[Order, str, dict[str, Any]]:
    order = delivered_order(settings, above=Decimal("150"))
    args = {
        "order_id": order.id,
        "item_ids": [i.variant_id for i in order.items],
        "payment_method_id": _paid_with(order),
    }
    return order, "return_items", args


def return_outside_the_window(settings: Settings) -> tuple[Order, str, dict[str, Any]]:
    order = delivered_order(settings, inside_window=False)
    args = {"order_id": order.id, "item_ids": [order.items[0].variant_id], "payment_method_id": _paid_with(order)}
    return order, "return_items", args


def voucher_over_limit(settings: Settings) -> tuple[Order, str, dict[str, Any]]:
    order = delivered_order(settings)
    return (
        order,
        "issue_voucher",
        {"order_id": order.id, "kind": "percent", "value": "25", "reason": "damaged packaging"},
    )


def goodwill_over_limit(settings: Settings) -> tuple[Order, str, dict[str, Any]]:
    order = delivered_order(settings)
    return order, "issue_goodwill_credit", {"order_id": order.id, "amount": "60.00", "reason": "damaged packaging"}


def address_change_over_limit(settings: Settings) -> tuple[Order, str, dict[str, Any]]:
    order = pending_order(
        settings.shop_database_url, load_profile("demo", settings.profiles_dir).approvals.order_modification_limit
    )
    address = {
        "address1": "12 Harbour Road",
        "address2": "",
        "city": "Portland",
        "state": "ME",
        "country": "USA",
        "zip": "04101",
    }
    return order, "modify_order_address", {"order_id": order.id, **address}


CASES: dict[str, Callable[[Settings], tuple[Order, str, dict[str, Any]]]] = {
    "refund_over_limit": return_over_refund_limit,
    "policy_exception": return_outside_the_window,
    "voucher_over_limit": voucher_over_limit,
    "goodwill_over_limit": goodwill_over_limit,
    "order_modification_over_limit": address_change_over_limit,
}


@pytest.mark.parametrize("case", list(CASES))
async def test_every_approval_resumed_twice_writes_once(app: Settings, case: str) -> None:
    order, action, args = CASES[case](app)
    thread = f"approve-{case}"
    profile = load_profile("demo", app.profiles_dir)
    preview = WRITE_ACTIONS[action].preview(
        ToolContext(
            db_url=app.shop_database_url, profile=profile, conversation_id=thread, customer_id=order.customer_id
        ),
        args,
    )
    assert preview.needs_approval, preview
    expected_code = "voucher_over_limit" if case == "goodwill_over_limit" else case
    assert any(reason.startswith(expected_code) for reason in preview.approval_reasons), preview.approval_reasons

    context = Context(customer_id=order.customer_id)
    pending = {"call_id": f"call-{case}", "name": action, "args": args, "preview": preview.as_dict()}
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        config = chat.config(thread)
        listed = AIMessage(f"{preview.summary} Shall I go ahead? Please reply yes or no.")
        await graph.aupdate_state(
            config,
            {
                "messages": [HumanMessage("please do it"), listed],
                "customer": {"id": order.customer_id, "name": "", "email": "", "tier": "standard"},
                "pending_action": pending,
                "status": "awaiting_confirmation",
            },
            as_node="respond",
        )
        waiting = await chat.send(thread, "yes", context)
        assert waiting.interrupt is not None and waiting.interrupt["type"] == "approval", waiting
        first = await chat.resume(thread, {"decision": "approve", "by": "supervisor-kim"}, context)
        second = await chat.resume(thread, {"decision": "approve", "by": "supervisor-kim"}, context)

    assert first.status == "bot" and first.replies and second.replies == []
    with session_factory(app.shop_database_url)() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        assert len(entries) == 1 and entries[0].approved_by == "supervisor-kim"
        assert entries[0].idempotency_key == f"{thread}:call-{case}"
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1

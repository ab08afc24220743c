"""Escalation through the whole graph (issue #16): who is handed over and with what case, who keeps the bot.

The app's clock is frozen on a Sunday (tests.support.app.CLOCK): the demo shop's team is off duty throughout.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.nodes.answer import critique, fallback_reply
from graph.nodes.handoff import packet
from graph.state import SupportState
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import pending_order, shipped_order


def state_from(values: dict[str, Any]) -> SupportState:
    names = {f.name for f in fields(SupportState)}
    return SupportState(**{k: v for k, v in values.items() if k in names})


async def test_a_signed_in_customer_complaining_on_the_first_message_arrives_with_the_whole_case(
    app: Settings,
) -> None:
    order, _ = shipped_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turn = await chat.send(
            "complaint", f"I wish to complain about order {order.id}: the courier left it in a puddle.", context
        )
        case = turn.interrupt
        assert case is not None and turn.status == "waiting_human"
        # The customer hears their complaint acknowledged, in their words, and who answers when.
        assert "sorry" in turn.text.lower() and "the courier left it in a puddle" in turn.text
        assert "Meanwhile I can still help" in turn.text  # the team is off on Sunday
        # The person gets who (signed in on the storefront: verified), what, which order and items, and why.
        assert case["customer"]["id"] == order.customer_id and case["customer"]["verified_via"] == "storefront"
        assert case["wants"].startswith("Lodges a complaint") and "puddle" in case["wants"]
        [listed] = case["orders"]
        assert listed["order_id"] == order.id and listed["status"] == "shipped"
        assert listed["items"] and all(item["name"] and item["item_id"] for item in listed["items"])
        assert "complaint" in case["reasons"] and any(e["reason"] == "complaint" for e in case["evidence"])
        assert order.id in case["summary"] and "Anonymous" not in case["summary"]
        assert case["suggested_reply"].startswith("Hi ") and order.id in case["suggested_reply"]

        await chat.resume("complaint", {"action": "reply", "agent": "maria", "text": "Hi, Maria here."}, context)
        values = await chat.values("complaint")
    # After the person's first reply the run has ended; the case is still there for the console.
    assert values["status"] == "human" and values["handoff"]["orders"][0]["order_id"] == order.id
    after = packet(state_from(values), "complaint")
    assert after["orders"][0]["items"] and after["suggested_reply"] == case["suggested_reply"]
    assert after["customer"]["id"] == order.customer_id


async def test_yes_to_the_offer_of_a_colleague_hands_over_at_once(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        first = await chat.send("offer", "Do you repair bicycles that were bought somewhere else?", Context())
        if "colleague" not in first.text:  # a clarifying question first: answering it brings the offer
            first = await chat.send("offer", "it's a question about your repair service for other bikes", Context())
        assert "colleague" in first.text and first.status == "bot"
        accepted = await chat.send("offer", "yes please", Context())
    assert accepted.status == "waiting_human" and accepted.interrupt is not None
    assert accepted.interrupt["reasons"] == ["human_requested"]
    assert "accepted the offer" in accepted.interrupt["evidence"][0]["evidence"]
    assert accepted.text.count("colleague") <= 1 and "If you'd like" not in accepted.text


async def test_out_of_hours_the_bot_still_answers_order_questions_while_the_case_waits(app: Settings) -> None:
    order, _ = shipped_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        handed = await chat.send("waiting", "Could I speak with someone from your team please?", context)
        assert handed.status == "waiting_human" and "Meanwhile" in handed.text
        meanwhile = await chat.send("waiting", f"Meanwhile, where is order {order.id} right now?", context)
        assert order.fulfillments[0].tracking_number in meanwhile.text  # answered by the bot
        assert meanwhile.status == "waiting_human" and meanwhile.interrupt is not None  # and still queued
        assert meanwhile.interrupt["type"] == "handoff"


async def test_a_question_on_an_expensive_order_stays_with_the_bot(app: Settings) -> None:
    order = pending_order(app.shop_database_url, above=Decimal("500"))
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turn = await chat.send("value", f"Which card did I pay order {order.id} with?", context)
        followup = await chat.send("value", "and when will it ship?", context)
    for answer in (turn, followup):
        assert answer.status not in ("waiting_human", "human") and answer.interrupt is None, answer.escalation


ORDER = {
    "order_id": "#W7000001",
    "status": "shipped",
    "total": 129.5,
    "items": [{"name": "Trail Runner", "item_id": "v1", "price": 129.5, "options": {"size": "42"}}],
}


async def test_a_draft_that_keeps_failing_its_check_is_not_a_handoff_for_a_calm_customer(app: Settings) -> None:
    call = {"name": "get_order_details", "args": {"order_id": "#W7000001"}, "id": "c1", "type": "tool_call"}
    import json

    state = SupportState(
        messages=[
            HumanMessage("what did I pay for #W7000001?"),
            AIMessage("", tool_calls=[call]),
            ToolMessage(json.dumps(ORDER), tool_call_id="c1", name="get_order_details"),
        ],
        understanding={"intent": "order_status", "emotion": {}},
        dialogue={"intent": "order_status", "slots": {"order_id": "#W7000001"}},
        evidence=[{"id": "order:#W7000001", "kind": "tool", "tool": "get_order_details", "data": ORDER}],
        draft="Your order #W7000001 is **shipped**. You paid $99.00 for it.",
        cited=["order:#W7000001"],
        rewrites=5,
    )
    runtime: Runtime[Context] = Runtime(context=Context())
    first = await critique(state, runtime)
    assert "escalation" not in first and first["critique"]["verdict"] == "pass"
    assert first["draft"] == "Your order #W7000001 is **shipped**." and "fallback" in first["critique"]["reasons"]
    # The same need failed before: now the bot has run out of moves, and a person takes over, at low priority.
    again = await critique(SupportState(**{**state.__dict__, "unresolved": {"order_status": 1}}), runtime)
    assert again["escalation"]["reasons"] == ["critique_failed"] and again["escalation"]["priority"] == "low"


def test_the_fallback_never_sends_what_failed_a_safety_check() -> None:
    from graph.llm.engine import Critique

    leak = Critique(0.0, "rewrite", ["safety_other_customer_data"], [])
    text = fallback_reply("Bob's email is bob@example.org.", leak)
    assert "bob@" not in text and "colleague" in text
    vague = Critique(0.5, "rewrite", ["tone_missing_empathy"], [])
    assert fallback_reply("Your order is shipped.", vague) == "Your order is shipped."


def test_the_case_says_what_the_customer_wants_from_the_whole_conversation() -> None:
    from graph.casefile import build_case

    state = SupportState(
        messages=[
            HumanMessage("I need to cancel the order with the camping stove, #W4342234"),
            AIMessage("To look at your orders, I need to verify you: what's the email on your account?"),
            HumanMessage("it's pat@example.com"),
            AIMessage("Thanks. If you'd like, I can pass you to a colleague from our team."),
            HumanMessage("yes please"),
        ],
        emotion_history=[
            {"anger": 0.0, "frustration": 0.0, "sarcasm": 0.0, "turn": 1, "intent": "cancel_order"},
            {"anger": 0.0, "frustration": 0.25, "sarcasm": 0.0, "turn": 2, "intent": "verify_identity"},
            {"anger": 0.0, "frustration": 0.0, "sarcasm": 0.0, "turn": 3, "intent": "affirm"},
        ],
        understanding={"intent": "affirm"},
        dialogue={"intent": "verify_identity", "slots": {"order_id": "#W4342234"}},
    )
    escalation = {"reasons": ["human_requested"], "evidence": [], "priority": "normal"}
    case = build_case(state, escalation, {"id": "c-9", "name": "Pat Lee", "verified_via": "find_customer_by_email"}, {})
    assert case["wants"].startswith("Wants to cancel an order (#W4342234)"), case["wants"]
    assert "camping stove" in case["wants"] and "verify" not in case["wants"]
    assert case["mood"] == "calm"  # a tone-model guess of 0.25 is not "upset"
    assert case["suggested_reply"].startswith("Hi Pat") and "#W4342234" in case["suggested_reply"]
    assert [o["order_id"] for o in case["orders"]] == ["#W4342234"]

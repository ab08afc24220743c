"""Self-critique and human takeover: invented facts are caught and rewritten; a person takes over, acts and hands
back across a restart with nothing lost; every human decision becomes a labelled example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from graph.context import Context
from graph.llm.critic import critique_draft
from graph.llm.local import LocalEngine
from graph.services import get_services
from graph.state import SupportState
from shopdesk.conversations import Conversations
from shopdesk.learning import export_dataset, load
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import shipped_order
from tests.support.processes import resume_in_new_process

REPO = Path(__file__).resolve().parents[1]


ORDER = {
    "order_id": "#W7000001",
    "status": "shipped",
    "total": 129.5,
    "items": [{"name": "Trail Runner", "item_id": "v1", "price": 129.5, "options": {"size": "42"}}],
    "fulfillments": [
        {"carrier": "UPS", "tracking_number": "1Z999AA10123456784", "estimated_delivery": "2026-11-04T12:00:00"}
    ],
}


def state_with_order(draft: str) -> SupportState:
    call = {"name": "get_order_details", "args": {"order_id": "#W7000001"}, "id": "c1", "type": "tool_call"}
    return SupportState(
        messages=[
            HumanMessage("where is my order #W7000001?"),
            AIMessage("", tool_calls=[call]),
            ToolMessage(json.dumps(ORDER), tool_call_id="c1", name="get_order_details"),
        ],
        customer={"id": "c-1", "name": "Ana Lima", "email": "ana@example.com"},
        understanding={"intent": "order_status", "emotion": {}},
        dialogue={"intent": "order_status", "slots": {"order_id": "#W7000001"}},
        evidence=[{"id": "order:#W7000001", "kind": "tool", "tool": "get_order_details", "data": ORDER}],
        draft=draft,
    )


@pytest.mark.parametrize(
    ("draft", "invented"),
    [
        ("Your order #W7000001 is **shipped**. It will arrive on December 24.", "December 24"),
        ("Your order #W7000001 is **shipped**. You paid $99.00 for it.", "$99.00"),
        ("Your order #W7000001 is **shipped** and we'll refund you in 2 days.", "2 days"),
    ],
)
async def test_invented_facts_fail_critique_and_are_rewritten_to_supported_ones(
    app: Settings, draft: str, invented: str
) -> None:
    state = state_with_order(draft)
    verdict = critique_draft(
        draft, state.evidence, understanding=state.understanding, customer=state.customer, min_score=0.7
    )
    assert verdict.verdict == "rewrite" and invented in verdict.unsupported

    rewritten = await LocalEngine().rewrite(state, get_services("demo"), verdict)
    assert invented not in rewritten.text
    assert "November 4" in rewritten.text and "1Z999AA10123456784" in rewritten.text  # the supported facts
    again = critique_draft(
        rewritten.text, state.evidence, understanding=state.understanding, customer=state.customer, min_score=0.7
    )
    assert again.verdict == "pass", again


def test_tone_and_safety_are_checked() -> None:
    upset = {"intent": "order_status", "emotion": {"anger": 0.8}}
    cold = critique_draft("Your order is shipped.", [], understanding=upset, customer=None, min_score=0.7)
    assert "tone_missing_empathy" in cold.reasons
    leak = critique_draft(
        "I also see bob@example.com ordered one.", [], understanding={}, customer={"email": "a@b.com"}, min_score=0.7
    )
    assert "safety_other_customer_data" in leak.reasons and leak.verdict == "rewrite"


def test_the_shops_own_addresses_are_not_customer_data() -> None:
    policy = {
        "id": "privacy-accounts#deleting-your-account",
        "kind": "doc",
        "text": "Delete it under Account › Settings, or email orders@northwind.example.",
    }
    quoted = "You can delete it under Account › Settings, or ask our support team at orders@northwind.example."
    ok = critique_draft(quoted, [policy], understanding={}, customer={"email": "a@b.com"}, min_score=0.7)
    assert ok.verdict == "pass" and ok.reasons == []
    # The profile's contact address needs no passage to back it.
    contact = critique_draft(
        "Write to help@northwind.shop.",
        [],
        understanding={},
        customer=None,
        min_score=0.7,
        shop_emails=["help@northwind.shop"],
    )
    assert contact.verdict == "pass", contact
    # Another customer's address stays a leak, whatever passage or address of the shop sits beside it; a tool result
    # is no licence either, and the full stop that ends a sentence is not part of the address.
    order = {"id": "order:#W1", "kind": "tool", "data": {"email": "bob@example.org"}}
    for draft in ("Ask orders@northwind.example or bob@example.org.", "I also see bob@example.org."):
        leak = critique_draft(
            draft,
            [policy, order],
            understanding={},
            customer={"email": "a@b.com"},
            min_score=0.7,
            shop_emails=["orders@northwind.example"],
        )
        assert "safety_other_customer_data" in leak.reasons and leak.verdict == "rewrite", draft
    # A look-alike of the shop's domain is not the shop.
    spoof = critique_draft(
        "Email orders@northwind.example.com.", [policy], understanding={}, customer=None, min_score=0.7
    )
    assert "safety_other_customer_data" in spoof.reasons


async def test_every_part_of_a_message_is_answered_and_unknowns_are_not_invented(app: Settings) -> None:
    order, _ = shipped_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turn = await chat.send(
            "parts", f"Where is my order {order.id}? Also, how long do I have to return things?", context
        )
        unknown = await chat.send("parts", "Do you sell car insurance for my van?", context)
    ids = turn.replies[-1]["evidence_ids"]
    # The return window is stated in the returns policy and in the FAQ; either is a right source.
    return_window = {"returns-policy#return-window", "faq#how-long-do-i-have-to-return-something"}
    assert f"order:{order.id}" in ids and return_window & set(ids)
    assert "30 days" in turn.text and order.fulfillments[0].tracking_number in turn.text
    # Nothing cited, nothing claimed: an honest "I don't know" with a person on offer, or a clarifying question.
    assert unknown.replies[-1]["evidence_ids"] == [] and "$" not in unknown.text
    assert ("don't have reliable information" in unknown.text and "colleague" in unknown.text) or (
        "I want to be sure I help with the right thing" in unknown.text
    )


async def test_full_takeover_cycle_across_a_restart(app: Settings) -> None:
    order, _ = shipped_order(app.shop_database_url)
    tracking = order.fulfillments[0].tracking_number
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("cycle", f"Where is my order {order.id}?", context)
        escalated = await chat.send("cycle", "This is the THIRD time I'm asking!!! Get me a human NOW", context)
    packet = escalated.interrupt
    assert packet is not None and packet["type"] == "handoff" and escalated.status == "waiting_human"
    assert {"human_requested"} <= set(packet["reasons"]) and packet["priority"] in ("high", "urgent")
    assert packet["customer"]["id"] == order.customer_id
    assert [o["order_id"] for o in packet["orders"]] == [order.id]
    assert len(packet["emotion_over_time"]) == 2 and packet["emotion_over_time"][-1]["anger"] > 0.5
    assert order.id in packet["summary"] and packet["suggested_reply"]
    assert [line["role"] for line in packet["transcript"]][:2] == ["customer", "bot"]

    # The server restarts: a new process picks the conversation up from the checkpoint file and a person replies.
    first = resume_in_new_process("cycle", {"action": "reply", "agent": "maria", "text": "Hi, Maria here. Checking."})
    assert first["status"] == "human" and first["replies"][-1]["author"] == "agent:maria"

    async with open_graph(app) as graph:
        chat = Conversations(graph)
        waiting = await chat.send("cycle", "ok, please hurry", context)
        assert waiting.replies == [] and waiting.status == "human"  # the person gets it, not the bot
        assert waiting.interrupt is not None and waiting.interrupt["transcript"][-1]["text"] == "ok, please hurry"
        second = await chat.resume(
            "cycle", {"action": "reply", "agent": "maria", "text": "FedEx says it's close."}, context
        )
        assert second.text == "FedEx says it's close."
        back = await chat.resume("cycle", {"action": "handback", "agent": "maria"}, context)
        assert back.status == "bot" and back.interrupt is None
        answer = await chat.send("cycle", "thanks. when will it arrive?", context)
    # The bot picks up with the context: same customer, same order, no new verification.
    assert order.id in answer.text and tracking in answer.text
    assert f"order:{order.id}" in answer.replies[-1]["evidence_ids"]
    kinds = [row["kind"] for row in load(app.shop_database_url, "cycle")]
    assert kinds == ["takeover", "reply", "handback"]


async def test_forward_then_resolve_and_export_the_labelled_examples(app: Settings, tmp_path: Path) -> None:
    order, _ = shipped_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turn = await chat.send("fwd", f"I want to file a formal complaint about order {order.id}", context)
        assert turn.interrupt is not None and "critical_keyword" in turn.interrupt["reasons"]
        await chat.resume(
            "fwd", {"action": "note", "agent": "li", "text": "Parcel arrived crushed, photos sent."}, context
        )
        forwarded = await chat.resume(
            "fwd",
            {"action": "forward", "agent": "li", "team": "shop", "text": "Please arrange a replacement."},
            context,
        )
        assert forwarded.status == "forwarded"
        news = await chat.send("fwd", "any news?", context)
        assert news.replies == [] and news.interrupt is not None  # still with the people
        assert news.interrupt["notes"][0]["text"] == "Parcel arrived crushed, photos sent."
        resolved = await chat.resume("fwd", {"action": "resolve", "agent": "li", "why": "replacement shipped"}, context)
        assert resolved.status == "resolved"

    out = tmp_path / "labelled.jsonl"
    assert export_dataset(app.shop_database_url, out, conversation_id="fwd") == 3
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["label"]["kind"] for row in rows] == ["note", "forward", "resolve"]
    assert all(row["turns"][0].startswith("I want to file a formal complaint") for row in rows)
    assert all(row["expected"]["escalate"] is True for row in rows)
    assert rows[-1]["label"]["why"] == "replacement shipped"
    assert rows[1]["label"]["human_action"]["text"] == "Please arrange a replacement."

    from evals.__main__ import main

    cli_out = tmp_path / "cli.jsonl"
    assert main(["export-labelled", "--out", str(cli_out), "--conversation", "fwd"]) == 0
    assert cli_out.read_text() == out.read_text()

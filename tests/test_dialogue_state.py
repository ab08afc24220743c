"""The dialogue's memory is a typed, versioned record with one writer (graph.dialogue_state.apply_update): nodes return
updates, the plan never travels in a message, and a conversation checkpointed by the untyped version resumes."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from graph.context import Context
from graph.dialogue_state import DIALOGUE_VERSION, apply_update, migrate
from shop.models import OrderStatus
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.test_dialogue_changes import audits, first_order

ROOT = Path(__file__).resolve().parents[1]


def test_an_update_changes_only_its_fields_and_stamps_the_version() -> None:
    stored = apply_update({}, {"intent": "cancel_order", "slots": {"order_id": "#W1"}, "awaiting": "cancel_reason"})
    assert stored == {
        "intent": "cancel_order",
        "slots": {"order_id": "#W1"},
        "awaiting": "cancel_reason",
        "version": DIALOGUE_VERSION,
    }
    answered = apply_update(stored, {"awaiting": None})
    assert answered["intent"] == "cancel_order" and answered["slots"] == {"order_id": "#W1"}
    assert answered["awaiting"] is None
    assert stored["awaiting"] == "cancel_reason", "the stored record is never changed in place"


@pytest.mark.parametrize(
    "update",
    [
        {"clarify": True},  # a per-turn flag of the old record: it is SupportState.repair now
        {"intent": 3},
        {"slots": ["order_id"]},
        {"asked": "identity"},
        {"progress_turn": "2"},
    ],
)
def test_an_update_outside_the_schema_is_refused(update: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="dialogue"):
        apply_update({"intent": "order_status"}, update)  # type: ignore[arg-type]


def test_a_record_of_the_untyped_version_is_read_with_its_request_and_open_question() -> None:
    old = {
        "intent": "change_items",
        "slots": {"order_id": "#W2", "options": {"color": "blue"}},
        "awaiting": "confirmation",
        "asked": ["order_id"],
        "progress": False,
        "progress_turn": 3,
        "notice": None,
        "notice_turn": 3,
        "handoff": None,
        "clarify": True,
        "correcting": "change_items",
        "payment_question": True,
    }
    read = migrate(old)
    assert read == {
        "intent": "change_items",
        "slots": {"order_id": "#W2", "options": {"color": "blue"}},
        "awaiting": "confirmation",
        "asked": ["order_id"],
        "progress_turn": None,  # "progress": False said the turn brought nothing new
        "notice": None,
        "notice_turn": 3,
    }
    assert apply_update(old, {"awaiting": None})["version"] == DIALOGUE_VERSION  # type: ignore[arg-type]
    # The same old record edited and sent back whole (Studio's state editor on a conversation of that time).
    edited = apply_update(read, {**old, "awaiting": None})  # type: ignore[arg-type]
    assert edited["awaiting"] is None and edited["slots"] == old["slots"] and "clarify" not in edited
    # A misspelt field in a whole update is still refused, not dropped.
    with pytest.raises(ValueError, match="dialogue"):
        apply_update(read, {"intent": "cancel_order", "slots": {}, "awaitng": None})  # type: ignore[arg-type]


def test_no_node_builds_the_dialogue_record_itself() -> None:
    """Nodes and the dialogue manager return the fields they change; spreading the stored record into an update
    (the old way) would write every field from a stale copy."""
    offenders = []
    for path in [*(ROOT / "graph").rglob("*.py")]:
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    spread = key is None and ast.unparse(value).endswith("state.dialogue")
                    if spread:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


async def test_a_conversation_keeps_its_plan_out_of_the_messages_and_resumes_from_an_old_record(
    app: Settings,
) -> None:
    db = app.shop_database_url
    order = first_order(db, OrderStatus.pending, lambda s, o: o.total < 400)
    context = Context(customer_id=order.customer_id)
    thread = "dialogue-state-1"
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = await chat.send(thread, f"Please cancel order {order.id}", context)
        assert "why" in asked.text.lower(), asked.text
        values = await chat.values(thread)
        assert values["dialogue"]["version"] == DIALOGUE_VERSION
        assert values["dialogue"]["intent"] == "cancel_order"
        assert values["dialogue"]["awaiting"] == "cancel_reason"
        planned = [m for m in values["messages"] if isinstance(m, AIMessage) and m.tool_calls]
        assert planned, "the cancel request read the order"
        assert all("dialogue" not in m.additional_kwargs for m in values["messages"])

        # The same conversation as the untyped version checkpointed it, per-turn flags and all.
        config = Conversations.config(thread)
        saved = await graph.checkpointer.aget_tuple(config)  # type: ignore[union-attr]
        assert saved is not None
        checkpoint = saved.checkpoint
        old = {key: value for key, value in checkpoint["channel_values"]["dialogue"].items() if key != "version"}
        checkpoint["channel_values"]["dialogue"] = {**old, "progress": True, "clarify": True, "handoff": None}
        await graph.checkpointer.aput(  # type: ignore[union-attr]
            saved.config, checkpoint, saved.metadata, checkpoint["channel_versions"]
        )

        proposed = await chat.send(thread, "ordered it by mistake", context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        done = await chat.send(thread, "yes", context)
    assert audits(db) == 1, done.text
    assert "cancel" in done.text.lower(), done.text

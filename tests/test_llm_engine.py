"""The LLM engine over real HTTP against a local OpenAI-compatible server: the model reads each message (one
structured-output call), the same dialogue manager and templates as the local engine do the rest, and every model
failure falls back to the local core."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from sqlalchemy import select

from graph.context import Context
from graph.llm.engine import Situation
from graph.llm.factory import engine_spec, get_engine
from graph.nlu.llm import FALLBACK_SIGNAL, Reading, understanding_of
from shop.db import session_factory
from shop.models import AuditEntry, Order, OrderStatus
from shopdesk.conversations import Conversations, Turn
from shopdesk.runtime import open_graph
from tests.support.app import CLOCK, copy_shop, pending_order, shipped_order, use_app_settings
from tests.support.openai_stub import OpenAIStub


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    server = OpenAIStub().start()
    yield server
    server.stop()


def chat_requests(stub: OpenAIStub, since: int = 0) -> list[dict[str, Any]]:
    return [r for r in stub.requests[since:] if "messages" in r]


def test_engine_is_chosen_from_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = use_app_settings(monkeypatch, tmp_path, "sqlite:///:memory:")
    assert engine_spec(Context(), settings) == "local"
    assert get_engine(Context(engine="local"), settings).name == "local"
    keyed = use_app_settings(monkeypatch, tmp_path, "sqlite:///:memory:", OPENAI_API_KEY="sk-test")
    assert engine_spec(Context(), keyed) == "openai:gpt-4o-mini"
    assert engine_spec(Context(engine="openai:my-model"), keyed) == "openai:my-model"
    with pytest.raises(ValueError, match="unknown engine"):
        engine_spec(Context(engine="claude"), keyed)


async def test_a_status_turn_is_one_model_call_and_the_dialogue_runs_the_tools(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    db_url = copy_shop(demo_db_url, tmp_path)
    settings = use_app_settings(monkeypatch, tmp_path, db_url, OPENAI_BASE_URL=stub.base_url)
    order, email = shipped_order(db_url)
    tracking = order.fulfillments[0].tracking_number

    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        turn = await chat.send("llm-1", f"Hi, I'm {email}. Where is my order {order.id}?", Context(engine="openai:m"))
        values = await chat.values("llm-1")

    assert tracking in turn.text and "shipped" in turn.text
    calls = [c["name"] for m in values["messages"] if isinstance(m, AIMessage) for c in m.tool_calls]
    assert calls == ["find_customer_by_email", "get_order_details"]
    results = {m.name: json.loads(str(m.content)) for m in values["messages"] if isinstance(m, ToolMessage)}
    assert results["get_order_details"]["order_id"] == order.id
    assert values["customer"]["email"] == email
    # One call, the reading (structured output, over HTTP); the tools were the dialogue manager's, none bound.
    (reading,) = chat_requests(stub)
    assert reading.get("response_format") and not reading.get("tools")


# A routine cancellation, turn by turn: what the customer says and what a model reads in it.
CANCEL_TURNS = [
    ("Please cancel my order {order}", {"intent": "cancel_order", "entities": {"order_ids": ["{order}"]}}),
    ("I don't need it anymore", {"intent": "cancel_order", "entities": {"reasons": ["no_longer_needed"]}}),
    ("yes", {"intent": "affirm", "to_proposal": "affirm"}),
]


async def cancel_conversation(
    monkeypatch: pytest.MonkeyPatch, folder: Path, db_url: str, engine: str, stub: OpenAIStub, fail_from: int = 99
) -> tuple[list[Turn], list[dict[str, Any]], str]:
    """The cancellation on a private copy of the shop with `engine`; the model is down from turn `fail_from`.
    Returns the turns, each turn's understanding and the copy's database URL."""
    folder.mkdir()
    copy = copy_shop(db_url, folder)
    settings = use_app_settings(
        monkeypatch, folder, copy, OPENAI_BASE_URL=stub.base_url, SHOPDESK_CLOCK=CLOCK.isoformat()
    )
    order = pending_order(copy)
    context = Context(engine=engine, customer_id=order.customer_id)
    stub.readings = [json.loads(json.dumps(reading).replace("{order}", order.id)) for _, reading in CANCEL_TURNS]
    turns, readings = [], []
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        for index, (text, _) in enumerate(CANCEL_TURNS):
            stub.failing = index >= fail_from
            turns.append(await chat.send("cancel", text.format(order=order.id), context))
            readings.append(turns[-1].understanding)
    return turns, readings, copy


def cancellations(db_url: str) -> list[tuple[str, str, str]]:
    with session_factory(db_url)() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel_order")).all()
        cancelled = session.scalars(select(Order.id).where(Order.status == OrderStatus.cancelled)).all()
        return [(e.action, str(e.entity_id), e.conversation_id or "") for e in entries if e.entity_id in cancelled]


async def test_a_routine_cancellation_reaches_the_same_confirmation_and_write_as_the_local_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    local, _, local_db = await cancel_conversation(monkeypatch, tmp_path / "local", demo_db_url, "local", stub)
    assert chat_requests(stub) == []  # the local engine never calls the model
    llm, readings, llm_db = await cancel_conversation(monkeypatch, tmp_path / "llm", demo_db_url, "openai:m", stub)

    assert [t.status for t in llm] == ["bot", "awaiting_confirmation", "bot"] == [t.status for t in local]
    # The same question, the same proposal word for word, the same write: the core is shared, templates included.
    assert [t.text for t in llm[:2]] == [t.text for t in local[:2]]
    assert "yes or no" in llm[1].text and "no longer needed" in llm[1].text
    assert len(cancellations(llm_db)) == 1 and cancellations(llm_db) == cancellations(local_db)
    assert all(FALLBACK_SIGNAL not in r["emotion"]["signals"] for r in readings)

    # One model call per turn, each a reading of the message against where the conversation stands.
    requests = chat_requests(stub)
    assert len(requests) == len(CANCEL_TURNS)
    assert all(r.get("response_format") and not r.get("tools") for r in requests)
    told = [str(r["messages"][-1]["content"]) for r in requests]
    assert "the assistant asked for: cancel_reason" in told[1]
    assert "proposal waiting for the customer's yes" in told[2] and "no longer needed" in told[2]


async def test_the_model_failing_mid_conversation_falls_back_to_the_local_core(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    turns, readings, db_url = await cancel_conversation(
        monkeypatch, tmp_path / "llm", demo_db_url, "openai:m", stub, fail_from=1
    )
    # The endpoint broke after the first turn: the local analyser read the reason and the yes, the cancellation ran.
    assert [t.status for t in turns] == ["bot", "awaiting_confirmation", "bot"]
    assert all(t.interrupt is None for t in turns)
    assert [FALLBACK_SIGNAL in r["emotion"]["signals"] for r in readings] == [False, True, True]
    assert len(cancellations(db_url)) == 1
    assert "cancel" in turns[-1].text.lower()


async def test_an_unreachable_model_still_answers_from_the_local_core(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str
) -> None:
    settings = use_app_settings(
        monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path), OPENAI_BASE_URL="http://127.0.0.1:9/v1"
    )
    order, email = shipped_order(settings.shop_database_url)
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        turn = await chat.send("llm-2", f"Hi, I'm {email}. Where is my order {order.id}?", Context(engine="openai:m"))
        values = await chat.values("llm-2")
    assert turn.interrupt is None and order.fulfillments[0].tracking_number in turn.text
    assert FALLBACK_SIGNAL in values["understanding"]["emotion"]["signals"]


POLICY_QUESTION = "How long do I have to return something?"
POLICY_READING = {"intent": "refund_policy", "general_question": True}


async def test_a_knowledge_answer_is_written_by_the_model_from_the_evidence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    settings = use_app_settings(monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path), OPENAI_BASE_URL=stub.base_url)
    stub.readings = [POLICY_READING]
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        turn = await chat.send("llm-4", POLICY_QUESTION, Context(engine="openai:m"))
        sent = chat_requests(stub)
        local = await chat.send("local-4", POLICY_QUESTION, Context(engine="local"))
        stub.failing = True
        down = await chat.send("down-4", POLICY_QUESTION, Context(engine="openai:m"))
    assert "30 days" in turn.text and turn.replies[0]["evidence_ids"]
    # Two calls: the reading, then the answer, asked with the passages the local answer cites and that answer.
    reading, answer = sent
    assert reading.get("response_format") and not answer.get("response_format")
    system = str(answer["messages"][0]["content"])
    assert local.text in system and all(f"[{cited}]" in system for cited in local.replies[0]["evidence_ids"])
    assert turn.text == local.text  # the obedient stub phrases it as the draft has it
    # With the endpoint down, the reading and the answer are the local core's: the same answer, no handoff.
    assert down.text == local.text and down.interrupt is None
    assert FALLBACK_SIGNAL in down.understanding["emotion"]["signals"]


async def test_an_invented_claim_from_the_model_is_critiqued_and_rewritten(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    settings = use_app_settings(monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path), OPENAI_BASE_URL=stub.base_url)
    stub.readings = [POLICY_READING]
    stub.invented = "Your refund will definitely arrive on December 24."
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        turn = await chat.send("llm-3", POLICY_QUESTION, Context(engine="openai:m"))
        values = await chat.values("llm-3")
    assert "December 24" not in turn.text and "30 days" in turn.text
    assert values["rewrites"] == 1 and values["critique"]["verdict"] == "pass"
    rewrite = next(r for r in stub.requests if "Rewrite the draft" in str(r["messages"][0]["content"]))
    assert "December 24" in rewrite["messages"][0]["content"]  # the critique named the claim to the model


def test_a_reading_becomes_the_understanding_the_dialogue_manager_reads() -> None:
    proposal = Situation(request="cancel_order", awaiting="confirmation", proposal="Cancel order #W1234567")

    def read(text: str, situation: Situation | None = None, **fields: Any) -> Any:
        return understanding_of(
            Reading.model_validate({"intent": "out_of_scope", "confidence": 0.9, **fields}), text, situation
        )

    # A yes or a no counts as one only while a proposal waits for it; "never mind" drops the request in progress.
    assert read("sure", proposal, intent="cancel_order", to_proposal="affirm").intent == "affirm"
    assert read("sure", None, intent="greeting_thanks", to_proposal="affirm").intent == "greeting_thanks"
    assert read("forget it", Situation(request="return_request"), cancel=True).intent == "deny"
    # "Yes, but the other order" is not a yes: the request in progress, planned again with the new detail.
    assert read("yes but #W7654321", proposal, intent="affirm", to_proposal="correct").intent == "cancel_order"
    # A general question on a personal topic goes to the rules, unless it names an order.
    assert read("how long do refunds take?", intent="refund_status", general_question=True).intent == "refund_policy"
    named = read("how long for #W1234567?", intent="refund_status", general_question=True)
    assert named.intent == "refund_status" and named.entities.order_ids == ["#W1234567"]
    # Identifiers as the tools expect them, whatever the model wrote; scores inside their ranges.
    odd = read(
        "It's W1234567, Max@Example.com",
        entities={"order_ids": ["w1234567"], "emails": ["Max@Example.com"]},
        emotion={"anger": 3.0, "sentiment": -4.0},
        confidence=1.7,
    )
    assert odd.entities.order_ids == ["#W1234567"] and odd.entities.emails == ["max@example.com"]
    assert (odd.emotion.anger, odd.emotion.sentiment, odd.confidence) == (1.0, -1.0, 1.0)
    # Safety is re-checked by pattern: a model that misses "chargeback" does not hide it.
    assert "chargeback" in read("I'll file a chargeback").critical_keywords

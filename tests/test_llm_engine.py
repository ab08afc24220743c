"""The LLM engine over real HTTP against a local OpenAI-compatible server: a tool call is made, run and answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from graph.context import Context
from graph.llm.factory import engine_spec, get_engine
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from tests.support.app import copy_shop, shipped_order, use_app_settings
from tests.support.openai_stub import OpenAIStub


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    server = OpenAIStub().start()
    yield server
    server.stop()


def test_engine_is_chosen_from_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = use_app_settings(monkeypatch, tmp_path, "sqlite:///:memory:")
    assert engine_spec(Context(), settings) == "local"
    assert get_engine(Context(engine="local"), settings).name == "local"
    keyed = use_app_settings(monkeypatch, tmp_path, "sqlite:///:memory:", OPENAI_API_KEY="sk-test")
    assert engine_spec(Context(), keyed) == "openai:gpt-4o-mini"
    assert engine_spec(Context(engine="openai:my-model"), keyed) == "openai:my-model"
    with pytest.raises(ValueError, match="unknown engine"):
        engine_spec(Context(engine="claude"), keyed)


async def test_a_turn_that_needs_a_tool_calls_it_and_answers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    db_url = copy_shop(demo_db_url, tmp_path)
    settings = use_app_settings(monkeypatch, tmp_path, db_url, OPENAI_BASE_URL=stub.base_url)
    order, email = shipped_order(db_url)
    tracking = order.fulfillments[0].tracking_number
    context = Context(engine="openai:stub-model")

    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        turn = await chat.send("llm-1", f"Hi, I'm {email}. Where is my order {order.id}?", context)
        values = await chat.values("llm-1")

    assert tracking in turn.text and "shipped" in turn.text
    calls = [c["name"] for m in values["messages"] if isinstance(m, AIMessage) for c in m.tool_calls]
    assert calls == ["find_customer_by_email", "get_order_details"]
    results = {m.name: json.loads(str(m.content)) for m in values["messages"] if isinstance(m, ToolMessage)}
    assert results["get_order_details"]["order_id"] == order.id
    assert values["customer"]["email"] == email
    # Understanding used structured output; acting bound our tools; both went over HTTP to the stub.
    assert any(r.get("response_format") for r in stub.requests)
    bound = next(r for r in stub.requests if r.get("tools"))
    assert {"get_order_details", "find_customer_by_email", "cancel_order"} <= {
        t["function"]["name"] for t in bound["tools"]
    }


async def test_an_unreachable_model_hands_off_gracefully(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str
) -> None:
    settings = use_app_settings(
        monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path), OPENAI_BASE_URL="http://127.0.0.1:9/v1"
    )
    order, email = shipped_order(settings.shop_database_url)
    async with open_graph(settings) as graph:
        turn = await Conversations(graph).send(
            "llm-2", f"I'm {email}, where is {order.id}?", Context(engine="openai:stub-model")
        )
    assert turn.interrupt is not None and "dependency_failure" in turn.interrupt["reasons"]
    assert "colleague" in turn.text


async def test_an_invented_claim_from_the_model_is_critiqued_and_rewritten(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, stub: OpenAIStub
) -> None:
    settings = use_app_settings(monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path), OPENAI_BASE_URL=stub.base_url)
    order, email = shipped_order(settings.shop_database_url)
    stub.invented = "It will definitely arrive on December 24."
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        turn = await chat.send("llm-3", f"I'm {email}, where is my order {order.id}?", Context(engine="openai:m"))
        values = await chat.values("llm-3")
    assert "December 24" not in turn.text and order.fulfillments[0].tracking_number in turn.text
    assert values["rewrites"] == 1 and values["critique"]["verdict"] == "pass"
    rewrite = next(r for r in stub.requests if "Rewrite the draft" in str(r["messages"][0]["content"]))
    assert "December 24" in rewrite["messages"][0]["content"]  # the critique named the claim to the model

"""`langgraph dev` serves the graphs of langgraph.json offline, with its blocking-call guard on (no
--allow-blocking): the SDK verifies a customer and reads an order, asks a person's approval and resumes it, and walks a
handoff through a reply, a hand-back and a resolve, all on the demo shop the Studio graph seeds for itself."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client
from sqlalchemy import func, select

from shop.db import session_factory
from shop.models import AuditEntry, Return
from shopdesk.profile import load_profile
from shopdesk.settings import Settings
from tests.support.app import CLOCK, delivered_order, shipped_order
from tests.support.cards import files_holding, fresh_card
from tests.support.processes import REPO, free_port, running_server


@dataclass(frozen=True)
class DevServer:
    url: str
    settings: Settings  # what the server runs on: its data folder, and the shop database it seeded there
    log: Path


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    data_dir = tmp_path_factory.mktemp("studio")  # empty: the Studio graph builds the demo shop on import
    port = free_port()
    env = {
        **os.environ,
        "SHOPDESK_DATA_DIR": str(data_dir),
        "SHOPDESK_CLOCK": CLOCK.isoformat(),
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SHOPDESK_ENGINE", "SHOPDESK_DATABASE_URL"):
        env.pop(name, None)
    url = f"http://127.0.0.1:{port}"
    langgraph = str(Path(sys.executable).parent / "langgraph")
    command = [langgraph, "dev", "--port", str(port), "--no-browser", "--no-reload"]
    log = data_dir / "langgraph-dev.log"
    with running_server(command, f"{url}/ok", log, cwd=REPO, env=env):
        yield DevServer(url, Settings(data_dir=data_dir, clock=CLOCK), log)
    # Whatever the runs did, nothing tripped the server's blocking-call guard.
    assert "BlockingError" not in log.read_text(errors="replace")


def said(text: str) -> Any:
    """A run's input: one customer message."""
    return {"messages": [{"role": "user", "content": text}]}


def last_ai(state: Any) -> dict[str, Any]:
    return next(m for m in reversed(state["values"]["messages"]) if m["type"] == "ai" and m["content"])


def status(state: Any) -> str:
    return str(state["values"].get("status", "bot"))  # a field at its default is not in the values


def interrupts(state: Any) -> list[dict[str, Any]]:
    return [i["value"] for task in state["tasks"] for i in task["interrupts"]]


async def test_a_customer_is_verified_and_their_order_read(dev_server: DevServer) -> None:
    order, email = shipped_order(dev_server.settings.shop_database_url, one_parcel=True)
    tracking = order.fulfillments[0].tracking_number
    client = get_client(url=dev_server.url)
    assert await client.assistants.search(graph_id="support"), "the support graph is not served"
    thread = (await client.threads.create())["thread_id"]

    asked = said(f"where is my order {order.id}?")
    await client.runs.wait(thread, "support", input=asked)
    state: Any = await client.threads.get_state(thread)
    assert state["values"].get("customer") is None and "email" in last_ai(state)["content"]

    verified = said(f"my email is {email}")
    await client.runs.wait(thread, "support", input=verified)
    state = await client.threads.get_state(thread)
    assert state["values"]["customer"]["id"] == order.customer_id
    answer = last_ai(state)["content"]
    assert order.status.value in answer and tracking in answer, answer
    assert status(state) == "bot" and not interrupts(state)


async def test_a_storefront_customer_gets_a_person_s_approval_and_the_write_runs_once(dev_server: DevServer) -> None:
    settings = dev_server.settings
    order = delivered_order(settings, above=load_profile("demo", settings.profiles_dir).refunds.auto_approve_limit)
    client = get_client(url=dev_server.url)
    thread = (await client.threads.create())["thread_id"]
    context = {"customer_id": order.customer_id}  # signed in on the storefront: verified from the first message

    asked = said(f"I'd like to return order {order.id}")
    await client.runs.wait(thread, "support", input=asked, context=context)
    state: Any = await client.threads.get_state(thread)
    assert status(state) == "awaiting_confirmation", last_ai(state)["content"]
    assert state["values"]["customer"]["verified_via"] == "storefront"

    await client.runs.wait(thread, "support", input=said("yes"), context=context)
    state = await client.threads.get_state(thread)
    [request] = interrupts(state)
    assert request["type"] == "approval" and status(state) == "awaiting_approval"
    assert any(reason.startswith("refund_over_limit") for reason in request["reasons"])

    await client.runs.wait(
        thread, "support", command={"resume": {"decision": "approve", "by": "studio"}}, context=context
    )
    state = await client.threads.get_state(thread)
    assert status(state) == "bot" and not interrupts(state)
    with session_factory(settings.shop_database_url)() as session:
        assert session.scalar(select(func.count()).select_from(Return).where(Return.order_id == order.id)) == 1
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "return_items")).one()
        assert entry.approved_by == "studio" and entry.conversation_id == thread


async def test_a_person_replies_hands_back_and_later_resolves(dev_server: DevServer) -> None:
    client = get_client(url=dev_server.url)
    thread = (await client.threads.create())["thread_id"]

    async def say(text: str) -> Any:
        await client.runs.wait(thread, "support", input=said(text))
        return await client.threads.get_state(thread)

    async def act(action: dict[str, Any]) -> Any:
        await client.runs.wait(thread, "support", command={"resume": {"agent": "studio", **action}})
        return await client.threads.get_state(thread)

    state = await say("Please get me a human agent")
    [request] = interrupts(state)
    assert request["type"] == "handoff" and not request["answered"]
    assert status(state) == "waiting_human"

    state = await act({"action": "reply", "text": "Hello from the team!"})
    assert last_ai(state)["content"] == "Hello from the team!" and status(state) == "human"
    # The person still holds the case: it waits for their next action, answered (nobody owes the customer).
    [request] = interrupts(state)
    assert request["type"] == "handoff" and request["answered"]

    state = await act({"action": "handback", "text": "The assistant takes it from here."})
    assert status(state) == "bot" and not interrupts(state)
    assert last_ai(state)["content"] == "The assistant takes it from here."
    assert state["values"]["notes"][-1]["text"] == "handed back to the bot"

    state = await say("hello")  # the bot holds the conversation again: it answers, not a person
    assert status(state) == "bot" and not interrupts(state)
    assert last_ai(state)["content"] != "The assistant takes it from here."
    assert last_ai(state)["additional_kwargs"].get("author", "bot") == "bot"

    state = await say("I want to talk to a real person")
    assert [r["type"] for r in interrupts(state)] == ["handoff"]
    state = await act({"action": "resolve"})
    assert status(state) == "resolved" and not interrupts(state)
    assert state["values"]["notes"][-1]["text"] == "resolved"


async def test_a_card_number_sent_through_the_server_is_stored_nowhere(dev_server: DevServer) -> None:
    """The server keeps a run's input and checkpoints it before the graph runs: its door masks the number."""
    card = fresh_card()
    marker = secrets.token_hex(8)  # tells this run's data from earlier runs' in the server's files
    client = get_client(url=dev_server.url)
    thread = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread, "support", input=said(f"my card {card.typed} cvv 737 was charged twice ({marker})"))
    state: Any = await client.threads.get_state(thread)
    first = state["values"]["messages"][0]["content"]
    assert first == f"my card {card.masked} cvv [removed] was charged twice ({marker})"
    [run] = await client.runs.list(thread)
    assert not [trace for trace in card.traces if trace.decode() in str(run)], "the run as the server keeps it"

    # `langgraph dev` writes its runs and checkpoints under the working directory, every few seconds.
    persisted = REPO / ".langgraph_api"
    for _ in range(120):
        if [path for path in persisted.glob(".langgraph_*") if marker.encode() in path.read_bytes()]:
            break
        await asyncio.sleep(0.25)
    else:
        pytest.fail(f"the run never reached {persisted}")
    assert files_holding(card, persisted, dev_server.settings.data_dir) == []

"""The foundation's acceptance: real order facts only after verification, and a takeover that survives restarts."""

from __future__ import annotations

from pathlib import Path

from langchain_core.messages import ToolMessage

from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from tests.support.app import shipped_order
from tests.support.processes import resume_in_new_process

REPO = Path(__file__).resolve().parents[1]


async def test_order_status_needs_verification_then_tells_the_real_status(app) -> None:  # type: ignore[no-untyped-def]
    order, email = shipped_order(app.shop_database_url)
    shipment = order.fulfillments[0]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        first = await chat.send("c1", f"Hi, where is my order {order.id}?")
        assert "verify" in first.text.lower()
        assert shipment.tracking_number not in first.text and "shipped" not in first.text.lower()
        values = await chat.values("c1")
        assert not [m for m in values["messages"] if isinstance(m, ToolMessage) and m.name == "get_order_details"]
        assert values.get("customer") is None

        second = await chat.send("c1", f"sure, it's {email}")
        assert "shipped" in second.text
        assert shipment.carrier in second.text
        assert shipment.tracking_number in second.text
        assert f"order:{order.id}" in second.replies[-1]["evidence_ids"]
        assert (await chat.values("c1"))["customer"]["email"] == email


async def test_verified_customer_cannot_read_someone_elses_order(app) -> None:  # type: ignore[no-untyped-def]
    order, email = shipped_order(app.shop_database_url)
    from sqlalchemy import select

    from shop.db import session_factory
    from shop.models import Order

    with session_factory(app.shop_database_url)() as session:
        other = session.scalars(select(Order).where(Order.customer_id != order.customer_id).limit(1)).one()
        other_tracking = [f.tracking_number for f in other.fulfillments]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("c2", f"my email is {email}, where is my order {order.id}")
        turn = await chat.send("c2", f"and where is order {other.id}?")
        assert other.status.value not in turn.text.split("**")[1:2]
        assert not any(t and t in turn.text for t in other_tracking)


async def test_human_request_hands_off_and_a_reply_from_another_process_reaches_the_customer(app) -> None:  # type: ignore[no-untyped-def]
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send("c3", "I want to talk to a real person please")
        assert turn.interrupt is not None and turn.interrupt["type"] == "handoff"
        assert "human_requested" in turn.interrupt["reasons"]
        assert turn.status == "waiting_human"
        assert turn.replies and ("colleague" in turn.text.lower() or "person" in turn.text.lower())

    # A new process on the same checkpoint file, as after a restart of the server.
    resumed = resume_in_new_process(
        "c3", {"action": "reply", "agent": "maria", "text": "Hi, Maria from the team here. I've got it."}
    )
    assert resumed["status"] == "human"
    assert resumed["replies"][-1]["author"] == "agent:maria"

    async with open_graph(app) as graph:
        values = await Conversations(graph).values("c3")
        assert values["messages"][-1].content.startswith("Hi, Maria from the team")
        # While the person holds the conversation, the customer's next message goes to them, not the bot.
        turn = await Conversations(graph).send("c3", "thanks, I'll wait")
        assert turn.replies == []
        assert turn.interrupt is not None and turn.interrupt["transcript"][-1]["text"] == "thanks, I'll wait"


async def test_routing_decisions_are_not_traced_as_runs_of_their_own(app) -> None:  # type: ignore[no-untyped-def]
    """Nodes appear in a trace; the routing functions between them are plain calls (see graph.routing.routed)."""
    from langchain_core.callbacks import AsyncCallbackHandler

    started: list[str] = []

    class Recorder(AsyncCallbackHandler):
        async def on_chain_start(self, serialized, inputs, **kwargs) -> None:  # type: ignore[no-untyped-def]
            started.append(str(kwargs.get("name") or ""))

    async with open_graph(app) as graph:
        config = Conversations.config("c4") | {"callbacks": [Recorder()]}
        result = await graph.ainvoke({"messages": [("user", "What is your return policy?")]}, config)
    assert "days" in str(result["messages"][-1].content)
    assert {"understand", "gate", "retrieve", "draft", "critique", "respond"} <= set(started)
    assert not [name for name in started if name.startswith("after_")]

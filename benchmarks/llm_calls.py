"""What a turn costs in LLM mode: model calls and prompt tokens per customer turn, over a scripted conversation set.

    python benchmarks/llm_calls.py [--show]    (--show: every turn with its reply and model calls)

The graph runs with the OpenAI engine against the project's local OpenAI-compatible stub (real HTTP; a small,
obedient scripted "model", see tests/support/openai_stub.py), on a private copy of the demo shop. Each customer
message comes with the reading a model would return for it (the stub returns it for the structured-output call);
what the graph does with it is the graph's. Every request the stub receives is counted and its prompt measured in
cl100k tokens: messages, tool schemas and the structured-output schema, as sent.

Conversations are routine (status, verification, cancellation, return, a change of mind, a person asked for, small
talk: replies from templates) or knowledge (policy and product questions: answers written from the shop's
documents). The figures describe the graph's use of the model, not a model's quality: the stub answers instantly.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from graph.context import Context
from knowledge.tokens import count_tokens
from shop.db import session_factory
from shop.models import AuditEntry, Customer, Order
from shop.seed import seed_demo
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from tests.support.app import CLOCK, delivered_order, pending_order, reset_app_caches, shipped_order
from tests.support.openai_stub import OpenAIStub


@dataclass
class Conversation:
    name: str
    routine: bool
    # (what the customer says, what a model reads in it: fields of graph.nlu.llm.Reading)
    turns: list[tuple[str, dict[str, Any]]]


def _ids(*ids: str) -> dict[str, Any]:
    return {"order_ids": list(ids)}


def _email_of(db_url: str, order_id: str) -> str:
    with session_factory(db_url)() as session:
        return str(session.scalar(select(Customer.email).join(Order).where(Order.id == order_id)))


def _conversations(db_url: str) -> list[Conversation]:
    from shopdesk.settings import get_settings

    shipped, email = shipped_order(db_url)
    pending = pending_order(db_url)
    other_pending = pending_order(db_url, above=pending.total)
    # Above the profile's approval limit: the customer's yes puts it to a person (not a customer turn).
    delivered = delivered_order(get_settings())
    who, other, returner = (_email_of(db_url, o.id) for o in (pending, other_pending, delivered))
    status = {"intent": "order_status"}
    return [
        Conversation(
            "status",
            True,
            [
                (f"Hi, I'm {email}. Where is my order {shipped.id}?", {**status, "entities": {"emails": [email]}}),
                ("thanks!", {"intent": "greeting_thanks"}),
            ],
        ),
        Conversation(
            "status-in-two-steps",
            True,
            [
                ("where is my parcel?", status),
                (f"it's {email}", {"intent": "verify_identity", "entities": {"emails": [email]}}),
                (f"order {shipped.id}", {**status, "entities": _ids(shipped.id)}),
            ],
        ),
        Conversation(
            "cancel",
            True,
            [
                (f"I want to cancel my order {pending.id}", {"intent": "cancel_order", "entities": _ids(pending.id)}),
                (who, {"intent": "verify_identity", "entities": {"emails": [who]}}),
                (
                    "I ordered it by mistake",
                    {"intent": "cancel_order", "entities": {"reasons": ["ordered_by_mistake"]}},
                ),
                ("yes please", {"intent": "affirm", "to_proposal": "affirm"}),
                ("great, thanks", {"intent": "greeting_thanks"}),
            ],
        ),
        Conversation(
            "cancel-then-keep",
            True,
            [
                (
                    f"{other} here, please cancel {other_pending.id}, I don't need it anymore",
                    {
                        "intent": "cancel_order",
                        "entities": {**_ids(other_pending.id), "emails": [other], "reasons": ["no_longer_needed"]},
                    },
                ),
                ("actually no, I'll keep it", {"intent": "deny", "to_proposal": "deny"}),
            ],
        ),
        Conversation(
            "return",
            True,
            [
                (
                    f"Hi, I'm {returner}. I'd like to return order {delivered.id}",
                    {"intent": "return_request", "entities": {**_ids(delivered.id), "emails": [returner]}},
                ),
                ("yes", {"intent": "affirm", "to_proposal": "affirm"}),
            ],
        ),
        Conversation(
            "person",
            True,
            [("I'd like to talk to a person please", {"intent": "human_agent", "human_requested": True})],
        ),
        Conversation(
            "policy",
            False,
            [
                ("How long do I have to return something?", {"intent": "refund_policy", "general_question": True}),
                ("and do you ship to Canada?", {"intent": "delivery_options", "general_question": True}),
            ],
        ),
        Conversation("product", False, [("Is the Stormline jacket waterproof?", {"intent": "product_question"})]),
    ]


def _prompt_tokens(request: dict[str, Any]) -> int:
    sent = [request.get("messages", []), request.get("tools", []), request.get("response_format") or {}]
    return sum(count_tokens(json.dumps(part)) for part in sent if part)


def _figures(calls: list[int], tokens: list[int]) -> dict[str, float]:
    return {
        "turns": len(calls),
        "model_calls_per_turn": round(statistics.mean(calls), 2),
        "model_calls_max": max(calls),
        "prompt_tokens_per_turn": round(statistics.mean(tokens)),
        "prompt_tokens_max": max(tokens),
    }


async def _run(folder: Path, stub: OpenAIStub, show: bool) -> dict[str, Any]:
    db_url = f"sqlite:///{folder / 'shop.db'}"
    seed_demo(db_url, 7)
    os.environ.update(
        SHOPDESK_DATA_DIR=str(folder),
        SHOPDESK_DATABASE_URL=db_url,
        OPENAI_BASE_URL=stub.base_url,
        SHOPDESK_CLOCK=CLOCK.isoformat(),
    )
    reset_app_caches()
    from shopdesk.settings import get_settings

    conversations = _conversations(db_url)
    measured: dict[bool, tuple[list[int], list[int]]] = {True: ([], []), False: ([], [])}
    async with open_graph(get_settings()) as graph:
        chat = Conversations(graph)
        for conversation in conversations:
            for text, reading in conversation.turns:
                before = len(stub.requests)
                stub.readings = [reading]
                turn = await chat.send(f"llm-calls-{conversation.name}", text, Context(engine="openai:stub-model"))
                sent = [r for r in stub.requests[before:] if "messages" in r]
                if show:
                    print(f"[{conversation.name}] {text}\n  ({len(sent)} calls, {turn.status}) {turn.text[:300]}")
                measured[conversation.routine][0].append(len(sent))
                measured[conversation.routine][1].append(sum(_prompt_tokens(r) for r in sent))
    with session_factory(db_url)() as session:
        writes = sorted(str(a) for a in session.scalars(select(AuditEntry.action)))
    every = ([*measured[True][0], *measured[False][0]], [*measured[True][1], *measured[False][1]])
    return {
        "conversations": len(conversations),
        # The writes the routine conversations ended in (audit entries): the scripted flows went through.
        "writes": writes,
        "all": _figures(*every),
        "routine": _figures(*measured[True]),
        "knowledge": _figures(*measured[False]),
    }


def main() -> int:
    stub = OpenAIStub().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = asyncio.run(_run(Path(folder), stub, show="--show" in sys.argv))
    finally:
        stub.stop()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

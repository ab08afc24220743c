"""What a turn costs in LLM mode: model calls and prompt tokens per customer turn, over a scripted conversation set.

    python benchmarks/llm_calls.py

The graph runs with the OpenAI engine against the project's local OpenAI-compatible stub (real HTTP; a small,
obedient scripted "model", see tests/support/openai_stub.py), on a private copy of the demo shop. Every request the
stub receives is counted and its prompt measured in cl100k tokens (messages plus tool schemas, as sent). The
figures describe the graph's use of the model, not a model's quality: the stub answers instantly.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.context import Context
from knowledge.tokens import count_tokens
from shop.seed import seed_demo
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from tests.support.app import CLOCK, reset_app_caches, shipped_order
from tests.support.openai_stub import OpenAIStub


def _conversations(email: str, order_id: str) -> dict[str, list[str]]:
    """Routine conversations: order status, policy and product questions, a greeting, a request for a person."""
    return {
        "status": [f"Hi, I'm {email}. Where is my order {order_id}?", "thanks!"],
        "status-in-two-steps": ["where is my parcel?", f"it's {email}", f"order {order_id}"],
        "policy": ["How long do I have to return something?", "and do you ship to Canada?"],
        "product": ["Is the Stormline jacket waterproof?"],
        "person": ["I'd like to talk to a person please"],
    }


def _prompt_tokens(request: dict[str, object]) -> int:
    return count_tokens(json.dumps(request.get("messages", []))) + count_tokens(json.dumps(request.get("tools", [])))


async def _run(folder: Path, stub: OpenAIStub) -> dict[str, float]:
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

    order, email = shipped_order(db_url)
    calls: list[int] = []
    tokens: list[int] = []
    async with open_graph(get_settings()) as graph:
        chat = Conversations(graph)
        for name, turns in _conversations(email, order.id).items():
            for turn in turns:
                before = len(stub.requests)
                await chat.send(f"llm-calls-{name}", turn, Context(engine="openai:stub-model"))
                sent = [r for r in stub.requests[before:] if "messages" in r]
                calls.append(len(sent))
                tokens.append(sum(_prompt_tokens(r) for r in sent))
    return {
        "turns": len(calls),
        "model_calls_per_turn": round(statistics.mean(calls), 2),
        "model_calls_max": max(calls),
        "prompt_tokens_per_turn": round(statistics.mean(tokens)),
        "prompt_tokens_max": max(tokens),
    }


def main() -> int:
    stub = OpenAIStub().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = asyncio.run(_run(Path(folder), stub))
    finally:
        stub.stop()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

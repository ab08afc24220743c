"""Understand: what the customer's message wants, how they feel, what they named."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context
from graph.nlu.schema import Understanding
from graph.nodes.common import context_of, customer_history, engine_of, last_customer_text
from graph.state import SupportState

log = logging.getLogger(__name__)


async def understand(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    text = last_customer_text(state)
    history = customer_history(state)
    try:
        understanding = await (await engine_of(runtime)).understand(text, history)
    except Exception:
        # The model endpoint failing must not cost the customer their turn: the local analyser always works.
        log.exception("understanding failed with engine %s; using the local analyser", context_of(runtime).engine)
        from graph.nlu.local import get_local_understanding

        understanding = await asyncio.to_thread(lambda: get_local_understanding().analyse(text, history))
    data = understanding.model_dump(mode="json")
    # The turn's intent rides along: the handoff's case reads the conversation's needs from it.
    emotion = {**data["emotion"], "turn": len(history) + 1, "intent": data["intent"]}
    updates: dict[str, Any] = {
        "understanding": data,
        "emotion_history": [emotion],
        # Per-turn working state starts empty; the conversation's memory (dialogue, customer) carries over.
        "evidence": [],
        "draft": "",
        "cited": [],
        "critique": {},
        "rewrites": 0,
        "route": "",
    }
    flags = ("clarify", "cancelled_action", "offer_person")
    if any(state.dialogue.get(flag) for flag in flags):
        updates["dialogue"] = {k: v for k, v in state.dialogue.items() if k not in flags}
    return updates


def understanding_of(state: SupportState) -> Understanding:
    return Understanding.model_validate(state.understanding)

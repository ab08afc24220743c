"""Understand: what the customer's message wants, how they feel, what they named."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.llm.engine import situation_of
from graph.nlu.schema import Understanding
from graph.nodes.common import context_of, customer_history, engine_of, last_customer_text
from graph.state import SupportState
from shopdesk.pii import mask_payment_data

log = logging.getLogger(__name__)


def _masked_last_message(state: SupportState) -> HumanMessage | None:
    """The customer's latest message with card data masked, under the same id (add_messages then replaces it), or
    None when there is nothing to mask. The API masks before a message enters the state; this covers whatever
    reaches the graph without it (Studio, `langgraph dev`, an SDK client), for the state from this step on."""
    last = state.messages[-1] if state.messages else None
    if not isinstance(last, HumanMessage) or not isinstance(last.content, str):
        return None
    masked = mask_payment_data(last.content)
    return None if masked == last.content else HumanMessage(masked, id=last.id)


async def understand(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    masked = _masked_last_message(state)
    if masked is not None:
        state = replace(state, messages=[*state.messages[:-1], masked])
    text = last_customer_text(state)
    history = customer_history(state)
    try:
        understanding = await (await engine_of(runtime)).understand(text, history, situation_of(state))
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
        "repair": "",
    }
    if masked is not None:
        updates["messages"] = [masked]
    return updates


def understanding_of(state: SupportState) -> Understanding:
    return Understanding.model_validate(state.understanding)

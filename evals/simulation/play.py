"""Customer messages through the real graph: one per call for a person, or a whole conversation for a model.

The bot runs the way the terminal chat and the server run it: the compiled graph over the SQLite checkpointer
(``shopdesk.runtime.open_graph``), each message a turn of ``shopdesk.conversations.Conversations``, with the run's
engine and the ``taubench`` shop in the turn's Context. A handoff to a person, or a write waiting for a person's
approval, ends the run, as tau-bench ends an episode at a transfer to a human agent.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from evals.simulation.folder import CUSTOMER, RunFolder, RunState, now
from evals.simulation.shop import SHOP_ID, Cache, run_settings
from evals.simulation.user import STOP, ModelUser
from graph.context import Context
from graph.state import HUMAN_HELD
from shopdesk.conversations import Conversations, Turn
from shopdesk.runtime import open_graph

JSONDict = dict[str, Any]
# The rules for players (../shared/PLAYING-A-CUSTOMER.md): stop after 25 messages, or when the bot gives the same
# unhelpful answer three times.
MAX_MESSAGES = 25
STUCK_REPEATS = 3
ENDINGS = ("goal", "handoff", "stuck", "limit")


def handoff_of(turn: Turn) -> JSONDict | None:
    """What a person now has to do in this turn's conversation, if anything: take it over, or approve a write."""
    if turn.interrupt and turn.interrupt.get("type") in ("handoff", "approval"):
        return {"kind": turn.interrupt["type"], "reasons": list(turn.interrupt.get("reasons") or [])}
    if turn.status in HUMAN_HELD:
        return {"kind": "handoff", "reasons": list((turn.escalation or {}).get("reasons", []))}
    return None


def refusal(state: RunState, limit: int = MAX_MESSAGES) -> str | None:
    """Why the run takes no further customer message, or None."""
    if state.ended:
        return f"the run has ended ({state.ended})"
    if state.handoff:
        kind = "asked a person to approve a write" if state.handoff["kind"] == "approval" else "handed you to a person"
        return f"the bot {kind} ({', '.join(state.handoff['reasons']) or 'no reason given'}); the run is over"
    if state.messages >= limit:
        return f"{limit} messages sent, the limit; the run is over"
    return None


def is_stuck(state: RunState, repeats: int = STUCK_REPEATS) -> bool:
    """The bot's last ``repeats`` replies are the same text."""
    replies = [entry["text"] for entry in state.transcript if entry["role"] != CUSTOMER][-repeats:]
    return len(replies) == repeats and len(set(replies)) == 1


def ending(state: RunState, claimed: str, limit: int = MAX_MESSAGES) -> str:
    """How the run ended: a handoff and the message limit are facts the run knows; otherwise the player's word
    (``goal`` when they are done, ``stuck`` when the bot kept failing them)."""
    if state.handoff:
        return "handoff"
    if claimed == "stuck":
        return "stuck"
    return "limit" if state.messages >= limit else "goal"


@asynccontextmanager
async def conversation(folder: RunFolder, cache: Cache) -> AsyncIterator[Conversations]:
    """The bot for this run: its own shop and conversation store, the ``taubench`` profile, the shared cache."""
    folder.ensure_shop(cache)
    with run_settings(folder.shop_url, folder.checkpoints, cache) as settings:
        async with open_graph(settings) as graph:
            yield Conversations(graph)


async def say(conversations: Conversations, folder: RunFolder, text: str) -> JSONDict:
    """The customer's message, the bot's answer; both go into the transcript (the caller saves the folder)."""
    state = folder.state
    state.transcript.append({"role": CUSTOMER, "text": text, "at": now()})
    started = time.perf_counter()
    try:
        turn = await conversations.send(state.thread_id, text, Context(engine=state.engine, shop_id=SHOP_ID))
    except Exception as error:
        # A crash is a finding of the run like any reply: it goes into the transcript (the caller saves it) with
        # the error, and the traceback to the player's terminal, instead of taking the run down with it.
        traceback.print_exc()
        failed = {"role": "bot", "text": "", "at": now(), "error": f"{type(error).__name__}: {error}"}
        state.transcript.append(failed)
        return failed
    entry: JSONDict = {
        "role": "bot",
        "text": turn.text,
        "at": now(),
        "status": turn.status,
        "seconds": round(time.perf_counter() - started, 3),
    }
    handoff = handoff_of(turn)
    if handoff is not None:
        entry["handoff"] = handoff
        state.handoff = state.handoff or {**handoff, "after_messages": state.messages}
    state.transcript.append(entry)
    return entry


async def play_automatically(
    conversations: Conversations, folder: RunFolder, user: ModelUser, instruction: str, limit: int = MAX_MESSAGES
) -> str:
    """The model plays the customer until it says its goal is done, the bot hands over or repeats itself, or the
    limit; returns what the player would claim (``goal`` or ``stuck``). Saves the folder after every turn."""
    while refusal(folder.state, limit) is None:
        text = user.next_message(instruction, folder.state.transcript)
        if STOP in text:
            return "goal"
        await say(conversations, folder, text)
        folder.save()
        if is_stuck(folder.state):
            return "stuck"
    return "goal"

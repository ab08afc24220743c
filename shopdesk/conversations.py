"""Conversations over the compiled graph: what the terminal chat and the API server both call.

A turn returns what the customer should see (the new bot or agent messages) and, when the graph paused, what a
person needs (the interrupt payload: a handoff packet or an approval request).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Durability

from graph.context import Context
from graph.state import HUMAN_HELD
from shopdesk.pii import mask_payment_data

log = logging.getLogger(__name__)
# Where a run's output carries the interrupts it stopped at (LangGraph's documented `result["__interrupt__"]`).
INTERRUPT = "__interrupt__"
# The state a Turn is made of (see Conversations._from_values).
TURN_KEYS = ("messages", "status", "understanding", "escalation")


@dataclass
class Turn:
    thread_id: str
    replies: list[dict[str, Any]]
    status: str
    interrupt: dict[str, Any] | None = None
    understanding: dict[str, Any] = field(default_factory=dict)
    escalation: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(r["text"] for r in self.replies)


def _public(message: AIMessage) -> dict[str, Any]:
    return {
        "text": str(message.content),
        "author": message.additional_kwargs.get("author", "bot"),
        "evidence_ids": message.response_metadata.get("evidence_ids", []),
    }


class Conversations:
    """Turns over a compiled graph.

    `durability` is LangGraph's (None: its default, "async"). The API server passes "exit": a turn's checkpoint is
    written once, when the run ends (normally, at an interrupt, or on an error) instead of after every step, which
    takes several SQLite commits off every turn. The trade-off: a process killed mid-turn loses that turn entirely
    (the customer's message too, and the client got no answer, so it retries), never a finished turn or a pending
    interrupt; an exception inside a run still persists what the run had done. Writes to the shop stay exactly-once
    either way: they execute a pending action (with its call id) that an earlier finished turn or interrupt
    persisted, and they are idempotent on that id, so a retried turn finds the write already done.
    """

    def __init__(self, graph: CompiledStateGraph[Any, Any, Any, Any], durability: Durability | None = None) -> None:
        self.graph = graph
        self.durability = durability

    @staticmethod
    def config(thread_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": thread_id}}

    async def _message_count(self, thread_id: str) -> int:
        snapshot = await self.graph.aget_state(self.config(thread_id))
        return len(snapshot.values.get("messages", [])) if snapshot.values else 0

    async def send(self, thread_id: str, text: str, context: Context | None = None) -> Turn:
        """The customer's message; replies are whatever the bot (or a person) says after it. Card numbers and CVVs
        are masked before the message enters the conversation's state (and so its checkpoints)."""
        message = HumanMessage(mask_payment_data(text), id=str(uuid4()))
        # The run's output is the thread's state after the turn, interrupts included: no extra checkpoint reads.
        output = await self.graph.ainvoke(
            {"messages": [message]},
            self.config(thread_id),
            context=context or Context(),
            durability=self.durability,
            # What a Turn reads: the run then emits only these after each step, not the whole state.
            output_keys=list(TURN_KEYS),
        )
        values = dict(output)
        interrupts = values.pop(INTERRUPT, None) or ()
        messages = values.get("messages", [])
        # What follows the customer's message (found by its id) is this turn's answer.
        since = next((i + 1 for i, m in enumerate(messages) if m.id == message.id), len(messages))
        return self._from_values(thread_id, values, messages[since:], interrupts[0].value if interrupts else None)

    async def resume(self, thread_id: str, value: dict[str, Any], context: Context | None = None) -> Turn:
        """A person's answer to the pending interrupt (a reply, a decision, a hand-back...)."""
        context = context or Context()
        before = await self._message_count(thread_id)
        if "action" in value:
            await self.reopen_handoff(thread_id, context)
        try:
            await self.graph.ainvoke(Command(resume=value), self.config(thread_id), context=context)
        except Exception:
            await self._forget_failed_resume(thread_id, context)
            raise
        return await self._turn(thread_id, before)

    async def _forget_failed_resume(self, thread_id: str, context: Context) -> None:
        """After a resume that raised, pause the thread at the same interrupt again, without that answer.

        LangGraph keeps a resume value as a pending write of the interrupted step, and a node that raised leaves it
        there: every later resume ran the node with the first, failing value again (one malformed tool call made
        every later action on the case fail). A copy of the checkpoint carries no pending writes; running it up to
        the interrupt again (nodes are pure up to interrupt()) gives the person a clean slate."""
        config = self.config(thread_id)
        try:
            await self.graph.aupdate_state(config, None, as_node="__copy__")
            await self.graph.ainvoke(None, config, context=context)
        except Exception:  # the original error is what the caller reports; this one only goes to the log
            log.exception("could not drop the failed resume of %s", thread_id)

    async def reopen_handoff(self, thread_id: str, context: Context) -> None:
        """After a forward the run ends (so does a reply in a conversation checkpointed before replies paused at
        the handoff again); a person's next action pauses it at the handoff node again first, so every human action
        goes through the graph and is audited the same way."""
        if await self.pending_interrupt(thread_id) is not None:
            return
        status = (await self.values(thread_id)).get("status")
        if status in HUMAN_HELD:
            config = self.config(thread_id)
            await self.graph.aupdate_state(config, {}, as_node="escalate")
            await self.graph.ainvoke(None, config, context=context)

    async def finish(self, thread_id: str, context: Context | None = None) -> Turn | None:
        """Finish a run that stopped between steps with nothing pending (a process that died after a person's decision
        and before the write's step was checkpointed); None if there is nothing to finish.

        The unfinished step runs again; a write in it is keyed by its proposing call, so it finds itself done in the
        shop rather than writing twice, and the conversation reaches the state it would have had."""
        snapshot = await self.graph.aget_state(self.config(thread_id))
        if not snapshot.next or any(task.interrupts for task in snapshot.tasks):
            return None
        before = len(snapshot.values.get("messages", [])) if snapshot.values else 0
        await self.graph.ainvoke(None, self.config(thread_id), context=context or Context())
        return await self._turn(thread_id, before)

    async def pending_interrupt(self, thread_id: str) -> dict[str, Any] | None:
        snapshot = await self.graph.aget_state(self.config(thread_id))
        for task in snapshot.tasks:
            for pending in task.interrupts:
                return dict(pending.value)
        return None

    async def values(self, thread_id: str) -> dict[str, Any]:
        snapshot = await self.graph.aget_state(self.config(thread_id))
        return dict(snapshot.values or {})

    async def _turn(self, thread_id: str, since: int) -> Turn:
        values = await self.values(thread_id)
        messages = values.get("messages", [])[since:]
        return self._from_values(thread_id, values, messages, await self.pending_interrupt(thread_id))

    @staticmethod
    def _from_values(thread_id: str, values: dict[str, Any], new: list[BaseMessage], interrupt: Any | None) -> Turn:
        replies = [_public(m) for m in new if isinstance(m, AIMessage) and m.content and not m.tool_calls]
        return Turn(
            thread_id=thread_id,
            replies=replies,
            status=str(values.get("status", "bot")),
            interrupt=dict(interrupt) if interrupt is not None else None,
            understanding=values.get("understanding", {}),
            escalation=values.get("escalation"),
        )

"""Escalation and human takeover: the customer is told what happens next, and a person gets the whole case."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from graph.context import Context
from graph.nodes.common import services_of, thread_id_of, tool_context
from graph.state import Route, Status, SupportState
from shopdesk.learning import Example, record
from shopdesk.pii import configured_kinds, redact
from tools.base import ToolContext, ToolError

log = logging.getLogger(__name__)
HUMAN_ACTIONS = ("reply", "note", "tool", "forward", "handback", "resolve")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def escalate(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    escalation = state.escalation or {"reasons": ["unspecified"], "priority": "normal"}
    text = escalation.get("customer_message") or (
        "I'm passing your conversation to a colleague, who will pick it up with everything you've told me."
    )
    return {"messages": [AIMessage(text)], "status": Status.waiting_human, "escalation": escalation}


def transcript(state: SupportState) -> list[dict[str, str]]:
    lines = []
    for message in state.messages:
        if isinstance(message, HumanMessage):
            lines.append({"role": "customer", "text": str(message.content)})
        elif isinstance(message, AIMessage) and message.content:
            author = message.additional_kwargs.get("author", "bot")
            lines.append(
                {"role": "agent" if author != "bot" else "bot", "author": author, "text": str(message.content)}
            )
    return lines


def orders_in_question(state: SupportState) -> list[dict[str, Any]]:
    orders: dict[str, dict[str, Any]] = {}
    for message in state.messages:
        if isinstance(message, ToolMessage) and message.name == "get_order_details":
            try:
                data = json.loads(str(message.content))
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict) and data.get("order_id"):
                orders[str(data["order_id"])] = data
    wanted = state.dialogue.get("slots", {}).get("order_id")
    if wanted and wanted not in orders:
        orders[str(wanted)] = {"order_id": wanted}
    return list(orders.values())


def summarise(state: SupportState) -> str:
    """A few lines a person can read in ten seconds: who, what, how they feel, why they are here. It is shown at a
    glance in queues and sent with webhooks, so PII in the customer's words is redacted as the settings say."""
    customer = state.customer
    who = f"{customer['name']} ({customer['id']}, verified)" if customer else "An unverified customer"
    wants = state.dialogue.get("intent") or state.understanding.get("intent") or "unknown"
    order = state.dialogue.get("slots", {}).get("order_id")
    peak = max(
        (max(e.get("anger", 0), e.get("frustration", 0), e.get("sarcasm", 0)) for e in state.emotion_history), default=0
    )
    mood = "calm" if peak < 0.3 else "upset" if peak < 0.6 else "very upset"
    reasons = ", ".join((state.escalation or {}).get("reasons", [])) or "n/a"
    customer_turns = [str(m.content) for m in state.messages if isinstance(m, HumanMessage)]
    last = customer_turns[-1] if customer_turns else ""
    return (
        f"{who} wants help with {str(wants).replace('_', ' ')}" + (f" on order {order}" if order else "") + ". "
        f"Mood: {mood} (peak {peak:.2f}). Escalated because: {reasons}. "
        f'{len(customer_turns)} customer message(s); last: "{redact(last, configured_kinds())[:200]}"'
    )


def answered(lines: list[dict[str, str]]) -> bool:
    """A person spoke last: the case waits for the customer now, though the person may still act on it."""
    return bool(lines) and lines[-1]["role"] == "agent"


def handoff_packet(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    escalation = state.escalation or {}
    lines = transcript(state)
    return {
        "type": "handoff",
        "conversation_id": thread_id_of(runtime),
        "status": state.status,
        "summary": summarise(state),
        "reasons": escalation.get("reasons", []),
        "priority": escalation.get("priority", "normal"),
        "emotion_over_time": state.emotion_history,
        "customer": state.customer,
        "orders": orders_in_question(state),
        "actions_taken": state.audit,
        "pending_action": state.pending_action,
        "suggested_reply": suggested_reply(state),
        "notes": state.notes,
        "transcript": lines,
        # False: a person owes the customer an answer (the case is in the queue); True: a person has answered.
        "answered": answered(lines),
    }


def suggested_reply(state: SupportState) -> str:
    """A first line a person can send or edit: it greets, shows the case was read, and names the order."""
    if state.draft:
        return state.draft
    first = str((state.customer or {}).get("name", "")).split(" ")[0]
    order = state.dialogue.get("slots", {}).get("order_id")
    about = f" about order {order}" if order else ""
    return (
        f"Hi{' ' + first if first else ''}, thanks for waiting. I've read through our conversation{about} "
        "and I'm looking into it now."
    )


def learning_example(
    state: SupportState, runtime: Runtime[Context], kind: str, agent: str, action: dict[str, Any]
) -> Example:
    info = runtime.execution_info
    escalation = state.escalation or {}
    return Example(
        key=f"{thread_id_of(runtime)}:{info.checkpoint_id if info else ''}:{info.task_id if info else ''}:{kind}",
        conversation_id=thread_id_of(runtime),
        kind=kind,
        agent=agent,
        human_action=action,
        intent=state.dialogue.get("intent") or state.understanding.get("intent"),
        reasons=tuple(escalation.get("reasons", [])),
        customer_turns=tuple(str(m.content) for m in state.messages if isinstance(m, HumanMessage)),
        bot_proposal={"suggested_reply": suggested_reply(state), "pending_action": state.pending_action},
        why=str(action.get("why") or ", ".join(escalation.get("reasons", []))),
    )


def example_kind(state: SupportState, action: str, command: dict[str, Any]) -> str:
    if action != "reply":
        return action
    if state.status == Status.waiting_human:
        return "takeover"
    return "edit" if command.get("from_suggestion") else "reply"


async def handoff(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    # Pure up to the interrupt: on resume this node starts again from the top.
    command = interrupt(handoff_packet(state, runtime)) or {}
    action = str(command.get("action", ""))
    agent = str(command.get("agent") or "agent")
    if action not in HUMAN_ACTIONS:
        log.warning("ignoring unknown human action %r", action)
        return {"route": Route.handoff}
    services = await services_of(runtime)
    example = learning_example(state, runtime, example_kind(state, action, command), agent, dict(command))
    await asyncio.to_thread(record, services.db_url, example)
    if action == "reply":
        # The person keeps the conversation: the graph pauses here again (an answered handoff), so their next
        # action, another reply, a note, a hand-back or resolve, is a resume like the first one, in Studio too.
        # The customer's next message starts a new run, which the gate brings back here.
        reply = AIMessage(str(command.get("text", "")), additional_kwargs={"author": f"agent:{agent}"})
        return {"messages": [reply], "status": Status.human, "route": Route.handoff}
    if action == "note":
        return {"notes": [{"by": agent, "text": str(command.get("text", "")), "at": _now()}], "route": Route.handoff}
    if action == "tool":
        context = tool_context(state, runtime, services, actor=f"agent:{agent}")
        return {**await asyncio.to_thread(run_human_tool, context, agent, command), "route": Route.handoff}
    if action == "forward":
        note = {
            "by": agent,
            "text": f"Forwarded to the shop team: {command.get('text', '')}",
            "at": _now(),
            "forwarded_to": command.get("team", "shop"),
        }
        return {"notes": [note], "status": Status.forwarded, "route": "end"}
    if action == "handback":
        message = command.get("text")
        updates: dict[str, Any] = {
            "status": Status.bot,
            "escalation": None,
            "route": "end",
            "notes": [{"by": agent, "text": "handed back to the bot", "at": _now()}],
        }
        if message:
            updates["messages"] = [AIMessage(str(message), additional_kwargs={"author": f"agent:{agent}"})]
        return updates
    return {"status": Status.resolved, "route": "end", "notes": [{"by": agent, "text": "resolved", "at": _now()}]}


def run_human_tool(ctx: ToolContext, agent: str, command: dict[str, Any]) -> dict[str, Any]:
    """A person runs the same tools as the bot, under their own identity in the audit log, through the same preview
    and limits: above a limit an agent is refused (a supervisor must approve), and a supervisor's own run counts as
    approved only where the profile allows it, recorded with them as requester and approver."""
    from tools.base import run_write
    from tools.registry import WRITE_ACTIONS, call_read_tool

    name = str(command.get("name", ""))
    args = dict(command.get("args") or {})
    supervisor = command.get("role") == "supervisor"
    try:
        if name in WRITE_ACTIONS:
            key = f"{ctx.conversation_id}:human:{command.get('id') or name + json.dumps(args, sort_keys=True)}"
            approver = f"agent:{agent}" if supervisor else None
            self_approval = supervisor and ctx.profile.approvals.supervisor_self_approval
            result = run_write(WRITE_ACTIONS[name], ctx, args, key, approver, self_approval=self_approval)
        else:
            result = call_read_tool(name, ctx, args)
    except ToolError as refusal:
        result = {"error": str(refusal)}
    record = {"type": "human_tool", "by": agent, "tool": name, "args": args, "result": result, "at": _now()}
    return {"audit": [record], "notes": [{"by": agent, "text": f"ran {name}", "result": result, "at": _now()}]}

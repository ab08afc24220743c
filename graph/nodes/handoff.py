"""Escalation and human takeover: the customer is told what happens next, and a person gets the whole case."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from graph.casefile import build_case, orders_in_play
from graph.context import Context
from graph.locale import speaker_of
from graph.nodes.common import context_of, services_of, thread_id_of, tool_context
from graph.state import Route, Status, SupportState
from shopdesk.i18n import N_, _, speaking
from shopdesk.learning import Example, record
from shopdesk.pii import configured_kinds, redact
from tools.base import ToolContext, ToolError

log = logging.getLogger(__name__)
HUMAN_ACTIONS = ("reply", "note", "tool", "forward", "handback", "resolve", "decide")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def escalate(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    escalation = state.escalation or {"reasons": ["unspecified"], "priority": "normal"}
    message = escalation.get("customer_message") or N_(
        "I'm passing your conversation to a colleague, who will pick it up with everything you've told me."
    )
    customer, loaded = await _case_facts(state, runtime)
    with speaking(speaker_of(state, (await services_of(runtime)).profile)):
        # A catalogue message marked where the handoff was decided is said here, in the conversation's language;
        # one worded already (the escalation policy's) comes through as it is.
        text = _(message)
        # The case stays with the conversation while people hold it: the console reads it after every reply.
        case = build_case(state, escalation, customer, loaded)
    updates: dict[str, Any] = {
        "messages": [AIMessage(text)],
        "status": Status.waiting_human,
        "escalation": escalation,
        "handoff": case,
    }
    if customer is not None and state.customer is None:
        updates["customer"] = customer
    return updates


async def _case_facts(
    state: SupportState, runtime: Runtime[Context]
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """The verified customer (a storefront sign-in counts before any tool ran) and the details of the orders the
    conversation names that it has not read yet. A failing read leaves them out; the handoff itself never fails."""
    from graph.nodes.act import customer_record

    customer = state.customer
    try:
        services = await services_of(runtime)
        signed_in = context_of(runtime).customer_id
        if customer is None and signed_in:
            customer = await services.run_blocking(customer_record, services.db_url, str(signed_in), "storefront")
        if customer is None:
            return None, {}
        details, wanted = orders_in_play(state)
        missing = [order_id for order_id in wanted if order_id not in details]
        if not missing:
            return customer, {}
        context = tool_context(replace(state, customer=customer), runtime, services)
        return customer, await services.run_blocking(_read_orders, context, missing)
    except Exception:
        log.exception("could not complete the handoff case")
        return customer, {}


def _read_orders(context: ToolContext, order_ids: list[str]) -> dict[str, dict[str, Any]]:
    from tools.registry import TOOL_NAMES, call_read_tool

    found: dict[str, dict[str, Any]] = {}
    for order_id in order_ids[:5]:
        try:
            found[order_id] = call_read_tool(TOOL_NAMES.get_order_details, context, {"order_id": order_id})
        except ToolError as refusal:  # not this customer's order, or no such order
            found[order_id] = {"error": str(refusal)}
    return found


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


def case_of(state: SupportState) -> dict[str, Any]:
    """The case built at the handoff, or (a packet asked for without one) built now from the conversation."""
    return state.handoff or build_case(state, state.escalation or {}, state.customer, {})


def summarise(state: SupportState) -> str:
    """A few lines a person can read in ten seconds: who, what they want, how they feel, why they are here.

    It is shown at a glance in queues and sent with webhooks, so PII in the customer's words is redacted as the
    settings say."""
    case = case_of(state)
    customer = case.get("customer") or state.customer
    if customer:
        via = str(customer.get("verified_via") or "").replace("_", " ")
        who = f"{customer.get('name')} ({customer.get('id')}, verified{' via ' + via if via else ''})"
    else:
        who = "An unverified customer"
    why = (
        "; ".join(f"{t.get('reason')} ({t.get('evidence')})" for t in case.get("evidence", []) if t.get("evidence"))
        or ", ".join((state.escalation or {}).get("reasons", []))
        or "n/a"
    )
    did = case.get("bot_did") or []
    proposed = case.get("bot_proposed") or []
    lines = [
        f"{who}. {case.get('wants', '')}",
        f"Mood: {case.get('mood', 'calm')}. Here because: {why}.",
    ]
    if did or proposed:
        done = f"Bot did: {'; '.join(did)}." if did else ""
        offered = f" Bot proposed: {'; '.join(proposed)}." if proposed else ""
        lines.append((done + offered).strip())
    lines.append(f"{sum(isinstance(m, HumanMessage) for m in state.messages)} customer message(s).")
    return redact(" ".join(lines), configured_kinds())


def answered(lines: list[dict[str, str]]) -> bool:
    """A person spoke last: the case waits for the customer now, though the person may still act on it."""
    return bool(lines) and lines[-1]["role"] == "agent"


def handoff_packet(state: SupportState, runtime: Runtime[Context] | None) -> dict[str, Any]:
    return packet(state, thread_id_of(runtime))


def packet(state: SupportState, conversation_id: str) -> dict[str, Any]:
    """What a person sees: the case, the conversation so far, notes and what waits."""
    escalation = state.escalation or {}
    case = case_of(state)
    lines = transcript(state)
    return {
        "type": "handoff",
        "conversation_id": conversation_id,
        "status": state.status,
        "summary": summarise(state),
        "wants": case.get("wants", ""),
        "reasons": escalation.get("reasons", case.get("reasons", [])),
        "evidence": escalation.get("evidence", case.get("evidence", [])),
        "priority": escalation.get("priority", case.get("priority", "normal")),
        "emotion_over_time": state.emotion_history,
        "customer": case.get("customer") or state.customer,
        "orders": list(case.get("orders", [])),
        # What a shop's procedure collected before it handed over (None when no procedure did).
        "procedure": case.get("procedure"),
        "bot_did": case.get("bot_did", []),
        "bot_proposed": case.get("bot_proposed", []),
        "actions_taken": state.audit,
        "pending_action": state.pending_action,
        # A person's write above a limit, waiting for a supervisor other than them (None when nothing waits).
        "approval_request": person_request(state),
        "suggested_reply": suggested_reply(state),
        "notes": state.notes,
        "transcript": lines,
        # False: a person owes the customer an answer (the case is in the queue); True: a person has answered.
        "answered": answered(lines),
    }


def suggested_reply(state: SupportState) -> str:
    """A first line a person can send or edit: it greets, shows the case was read, and names the order."""
    return str(case_of(state).get("suggested_reply") or "")


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
    if action == "decide":
        request = person_request(state)
        if request is None:
            log.warning("ignoring a decision with no person's request waiting")
            return {"route": Route.handoff}
        context = tool_context(state, runtime, services, actor=str(request["requested_by"]))
        return {**await asyncio.to_thread(decide_person_request, context, request, command), "route": Route.handoff}
    if action == "forward":
        note = {
            "by": agent,
            "text": f"Forwarded to the shop team: {command.get('text', '')}",
            "at": _now(),
            "forwarded_to": command.get("team", "shop"),
        }
        return {"notes": [note], "status": Status.forwarded, "route": "end"}
    # A request still waiting for a supervisor leaves with the person who asked: nobody is left to follow it up.
    withdrawn = _withdrawn(state, agent)
    if action == "handback":
        message = command.get("text")
        updates: dict[str, Any] = {
            "status": Status.bot,
            "escalation": None,
            "handoff": None,
            "route": "end",
            "notes": [*withdrawn, {"by": agent, "text": "handed back to the bot", "at": _now()}],
            **({"pending_action": None} if withdrawn else {}),
        }
        if message:
            updates["messages"] = [AIMessage(str(message), additional_kwargs={"author": f"agent:{agent}"})]
        return updates
    return {
        "status": Status.resolved,
        "route": "end",
        "notes": [*withdrawn, {"by": agent, "text": "resolved", "at": _now()}],
        **({"pending_action": None} if withdrawn else {}),
    }


def person_request(state: SupportState) -> dict[str, Any] | None:
    """The write a person asked for that waits for a supervisor's approval, if any (the bot's own proposals are
    the pending action too, but nobody requested those by name)."""
    pending = state.pending_action or {}
    return pending if str(pending.get("requested_by") or "").startswith("agent:") else None


def _withdrawn(state: SupportState, agent: str) -> list[dict[str, Any]]:
    request = person_request(state)
    if request is None:
        return []
    return [{"by": agent, "text": f"withdrew the request for {request['name']} awaiting approval", "at": _now()}]


def run_human_tool(ctx: ToolContext, agent: str, command: dict[str, Any]) -> dict[str, Any]:
    """A person runs the same tools as the bot, under their own identity in the audit log, through the same preview
    and limits. Above a limit the write waits for a supervisor other than the requester: it is queued as the case's
    approval request (one at a time), and runs when one approves it (decide_person_request). A supervisor's own run
    counts as approved where the profile allows it, recorded with them as requester and approver."""
    from tools.base import NeedsApproval, run_write
    from tools.registry import call_read_tool, is_write_tool, write_action

    name = str(command.get("name", ""))
    args = dict(command.get("args") or {})
    supervisor = command.get("role") == "supervisor"
    queued: dict[str, Any] | None = None
    try:
        if is_write_tool(name):
            call_id = f"human:{command.get('id') or name + json.dumps(args, sort_keys=True)}"
            approver = f"agent:{agent}" if supervisor else None
            self_approval = supervisor and ctx.profile.approvals.supervisor_self_approval
            try:
                result = run_write(
                    write_action(name),
                    ctx,
                    args,
                    f"{ctx.conversation_id}:{call_id}",
                    approver,
                    self_approval=self_approval,
                )
            except NeedsApproval:
                preview = write_action(name).preview(ctx, args)
                reasons = "; ".join(preview.approval_reasons)
                queued = {
                    "call_id": call_id,
                    "name": name,
                    "args": args,
                    "preview": preview.as_dict(),
                    "requested_by": ctx.actor,
                    "proposed_at": _now(),
                }
                result = {
                    "queued_for_approval": True,
                    "approval_reasons": preview.approval_reasons,
                    "message": f"This needs the approval of a supervisor other than you ({reasons}). It is waiting "
                    "for one in the approval queue; nothing has been changed yet.",
                }
        else:
            result = call_read_tool(name, ctx, args)
    except ToolError as refusal:
        result = {"error": str(refusal)}
    record = {"type": "human_tool", "by": agent, "tool": name, "args": args, "result": result, "at": _now()}
    said = f"asked a supervisor to approve {name}" if queued else f"ran {name}"
    updates: dict[str, Any] = {
        "audit": [record],
        "notes": [{"by": agent, "text": said, "result": result, "at": _now()}],
    }
    if queued is not None:
        updates["pending_action"] = queued
    return updates


def decide_person_request(ctx: ToolContext, request: dict[str, Any], command: dict[str, Any]) -> dict[str, Any]:
    """A supervisor's decision on a person's request (`ctx` acts as the requester): approve or edit runs the write
    with the supervisor as approver, who must be someone other than the requester; reject records the decision
    under the write's own key. Either way the request leaves the queue, unless the approval itself was refused."""
    from tools.base import NeedsApproval, record_decision, run_write
    from tools.registry import write_action

    verdict = str(command.get("decision", "")).lower()
    supervisor = f"agent:{command.get('agent') or command.get('by') or 'unknown'}"
    name = str(request["name"])
    args = dict(request.get("args") or {})
    key = f"{ctx.conversation_id}:{request['call_id']}"
    decided: dict[str, Any] = {
        "type": "approval",
        "decision": verdict,
        "by": supervisor,
        "requested_by": request["requested_by"],
        "action": name,
        "note": str(command.get("note") or ""),
        "at": _now(),
    }
    keep_waiting = False
    if verdict == "reject":
        applied = record_decision(ctx, name, args, verdict, supervisor, decided["note"], key)
        result: dict[str, Any] = {"rejected": applied is None, **({"already_applied": applied} if applied else {})}
    elif verdict in ("approve", "edit"):
        if verdict == "edit":
            changed = {**args, **dict(command.get("args") or {})}
            decided["changes"] = {k: {"from": args.get(k), "to": v} for k, v in changed.items() if args.get(k) != v}
            args = changed
        edited_by = supervisor if decided.get("changes") else None
        try:
            result = run_write(write_action(name), ctx, args, key, supervisor, edited_by=edited_by)
        except NeedsApproval as refusal:
            # The requester approving their own request: it stays queued for someone else.
            result, keep_waiting = {"error": str(refusal)}, True
        except ToolError as refusal:
            result = {"error": str(refusal)}
    else:
        result, keep_waiting = {"error": f"a decision is approve, edit or reject, not {verdict!r}"}, True
    decided["result"] = result
    note = {"by": supervisor.removeprefix("agent:"), "text": f"{verdict} {name}", "result": result, "at": _now()}
    return {"audit": [decided], "notes": [note], **({} if keep_waiting else {"pending_action": None})}

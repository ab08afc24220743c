"""Approval and execution of a confirmed write: a person approves, edits or rejects; the write runs once."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from graph.context import Context
from graph.dialogue_state import between_requests
from graph.locale import speaker_of
from graph.nodes.act import escalate_for_failure
from graph.nodes.common import services_of, thread_id_of, tool_context
from graph.nodes.handoff import learning_example
from graph.state import Route, Status, SupportState
from shopdesk.i18n import _, speaking
from shopdesk.learning import record as record_example
from tools.base import ToolError

log = logging.getLogger(__name__)
DECISIONS = ("approve", "edit", "reject")


async def request_approval(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Tell the customer a person must approve (or is still approving) before we pause for them."""
    with speaking(speaker_of(state, (await services_of(runtime)).profile)):
        if state.status == Status.awaiting_approval:
            text = _(
                "Your request is still waiting for a colleague's approval. I'll update you here as soon as they decide."
            )
        else:
            text = _(
                "Thanks for confirming. This needs a quick approval from a colleague before I can go ahead; "
                "I'll update you here as soon as they've decided."
            )
    return {"messages": [AIMessage(text)], "status": Status.awaiting_approval}


async def approve(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    pending = state.pending_action or {}
    # Nothing before interrupt() may have effects: this node runs again from the top on resume.
    decision = interrupt(
        {
            "type": "approval",
            "conversation_id": thread_id_of(runtime),
            "action": pending.get("name"),
            "args": pending.get("args"),
            "preview": pending.get("preview"),
            "reasons": (pending.get("preview") or {}).get("approval_reasons", []),
            "customer": state.customer,
        }
    )
    verdict = str((decision or {}).get("decision", "")).lower()
    approver = str((decision or {}).get("by") or "unknown")
    if verdict not in DECISIONS:
        raise ValueError(f"approval decision must be one of {DECISIONS}, got {verdict!r}")
    note = str((decision or {}).get("note") or "")
    services = await services_of(runtime)
    labelled = {**dict(decision or {}), "action": pending.get("name")}
    example = learning_example(state, runtime, "approval", approver, labelled)
    await asyncio.to_thread(record_example, services.db_url, example)
    record = {
        "type": "approval",
        "decision": verdict,
        "by": approver,
        "note": note,
        "action": pending.get("name"),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if verdict == "reject":
        from tools.base import record_decision

        context = tool_context(state, runtime, services, actor=f"agent:{approver}")
        # The write's own key: a rejection and the write exclude each other, whichever committed first stands.
        key = f"{thread_id_of(runtime)}:{pending.get('call_id')}"
        args = dict(pending.get("args") or {})
        applied = await asyncio.to_thread(
            record_decision, context, str(pending.get("name")), args, verdict, approver, note, key
        )
        if applied is not None:
            # The write had already gone through (a retry after a crash between its commit and this state): say so.
            summary = str((pending.get("preview") or {}).get("summary") or pending.get("name")).rstrip(". ")
            with speaking(speaker_of(state, services.profile)):
                told = _(
                    "This had already been done before a colleague's decision to reject it arrived, so it stands: "
                    "{summary}. If you'd like it undone, a colleague can look into that with you.",
                    summary=summary,
                )
            truth = {**applied, "message": told}
            finished = _finished(state, pending, truth, key)
            # The write's own audit line stays (the case shows what was done), then the decision that came too late.
            return {**finished, "audit": [*finished["audit"], {**record, "too_late": True}]}
        # The note is internal (audit log only); the customer reads the reviewer's separate message, if any.
        message = str((decision or {}).get("customer_message") or "")
        evidence = {"id": f"action:{pending.get('name')}:rejected", "kind": "action", "rejected": True}
        evidence["message"] = message
        return {
            "pending_action": None,
            "status": Status.bot,
            "route": Route.draft,
            "evidence": [evidence],
            "audit": [record],
        }
    args = dict(pending.get("args") or {})
    if verdict == "edit":
        edited = {**args, **((decision or {}).get("args") or {})}
        if edited != args:
            return await _edited(state, runtime, pending, edited, {**record, "changes": _changes(args, edited)})
    return {
        "pending_action": {**pending, "args": args, "approved_by": approver},
        "route": Route.execute,
        "audit": [record],
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {key: {"from": before.get(key), "to": value} for key, value in after.items() if before.get(key) != value}


async def _edited(
    state: SupportState,
    runtime: Runtime[Context],
    pending: dict[str, Any],
    args: dict[str, Any],
    record: dict[str, Any],
) -> dict[str, Any]:
    """A person changed the proposed write before approving it: the customer agreed to the proposal, not to the
    change, so the changed proposal is put to them for a yes, approved in advance by the editor. A change the
    policy refuses ends the request (the customer hears that a colleague could not approve it)."""
    from tools.registry import write_action

    services = await services_of(runtime)
    editor = str(record["by"])
    try:
        context = tool_context(state, runtime, services)
        with speaking(speaker_of(state, services.profile)):
            preview = await services.run_blocking(write_action(str(pending["name"])).preview, context, args)
    except ToolError as refusal:
        evidence = {"id": f"action:{pending.get('name')}:rejected", "kind": "action", "rejected": True, "message": ""}
        refused = {**record, "refused": f"{refusal.code}: {refusal}"}
        return {
            "pending_action": None,
            "status": Status.bot,
            "route": Route.draft,
            "evidence": [evidence],
            "audit": [refused],
        }
    proposal = {
        **pending,
        "args": args,
        # The editor approved exactly this write: the customer's yes runs it without asking a person again.
        "preview": {**preview.as_dict(), "needs_approval": False},
        "approved_by": editor,
        "edited_by": editor,
        "proposed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    notice = {"code": "edited_by_colleague"}
    turn = sum(isinstance(message, HumanMessage) for message in state.messages)
    return {
        "pending_action": proposal,
        "status": Status.awaiting_confirmation,
        "route": Route.draft,
        "dialogue": {"notice": notice, "notice_turn": turn, "awaiting": "confirmation"},
        "audit": [record],
    }


async def execute(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    from tools.base import run_write
    from tools.registry import write_action

    pending = state.pending_action
    if not pending:
        return {"route": Route.draft}
    action = write_action(pending["name"])
    # Keyed by conversation and the proposing tool call: a resumed or replayed graph never writes twice.
    key = f"{thread_id_of(runtime)}:{pending['call_id']}"
    call_id = f"exec_{uuid.uuid5(uuid.NAMESPACE_URL, key).hex[:16]}"
    call = AIMessage(
        "", tool_calls=[{"name": action.name, "args": pending["args"], "id": call_id, "type": "tool_call"}]
    )
    try:
        # The audit names who asked (the bot on the customer's behalf, or a person) and who approved, never the
        # approver as the requester.
        requester = str(pending.get("requested_by") or "bot")
        services = await services_of(runtime)
        context = tool_context(state, runtime, services, actor=requester)
        # What the write tells the customer (that it was already done) is in the conversation's language; the thread
        # copies the context.
        with speaking(speaker_of(state, services.profile)):
            result = await asyncio.to_thread(
                run_write,
                action,
                context,
                pending["args"],
                key,
                pending.get("approved_by"),
                edited_by=pending.get("edited_by"),
            )
    except ToolError as refusal:
        answer = ToolMessage(
            json.dumps({"error": str(refusal), "code": refusal.code}),
            tool_call_id=call_id,
            name=action.name,
            status="error",
        )
        return {"messages": [call, answer], "pending_action": None, "status": Status.bot}
    except Exception as error:
        log.exception("write %s failed", action.name)
        return {
            **escalate_for_failure("dependency_failure", f"{action.name} failed: {type(error).__name__}"),
            "pending_action": None,
        }
    return _finished(state, pending, result, key)


def _finished(state: SupportState, pending: dict[str, Any], result: dict[str, Any], key: str) -> dict[str, Any]:
    """The conversation after its write: the result as evidence, the audit line, nothing pending."""
    name = str(pending["name"])
    call_id = f"exec_{uuid.uuid5(uuid.NAMESPACE_URL, key).hex[:16]}"
    call = AIMessage("", tool_calls=[{"name": name, "args": pending["args"], "id": call_id, "type": "tool_call"}])
    evidence = {
        "id": f"action:{name}:{pending['args'].get('order_id', '')}",
        "kind": "action",
        "data": result,
        "summary": (pending.get("preview") or {}).get("summary", name),
        "done": (pending.get("preview") or {}).get("done") or "",
        # What was shown for the yes: a check of it said with the yes ("is that my visa? if so, yes") is answered
        # with the result.
        "preview": pending.get("preview") or {},
    }
    answer = ToolMessage(json.dumps(result, default=str), tool_call_id=call_id, name=name)
    audit = {
        "type": "write",
        "action": name,
        "key": key,
        "approved_by": pending.get("approved_by"),
        "edited_by": pending.get("edited_by"),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return {
        "messages": [call, answer],
        "evidence": [evidence],
        "audit": [audit],
        "pending_action": None,
        "status": Status.bot,
        "route": Route.draft,
        # The request is done: the next message starts afresh, about the same order if it names none.
        "dialogue": between_requests(state.dialogue.get("slots")),
    }

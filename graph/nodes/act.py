"""Act: the tool loop. The engine proposes reads (run by the tool node) and writes (previewed, then confirmed)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from langgraph.runtime import Runtime
from sqlalchemy.orm import Session

from graph.context import Context
from graph.llm.dialogue.names import IDENTITY_TOOLS, LIST_ORDERS, ORDER_DETAILS, RETURN_STATUS
from graph.llm.dialogue.plan import ToolResult, remembered_items, tool_results
from graph.locale import speaker_of
from graph.nodes.common import context_of, engine_of, services_of, tool_context
from graph.state import HUMAN_HELD, Route, Status, SupportState
from shop.db import session_factory
from shop.models import Customer
from shopdesk.i18n import N_, speaking
from shopdesk.profile import ShopProfile
from tools.base import PolicyViolation, ToolError
from tools.identity import check_write_identity

log = logging.getLogger(__name__)


def customer_record(db_url: str, customer_id: str, verified_via: str) -> dict[str, Any] | None:
    with session_factory(db_url)() as session:
        return _customer_dict(session, customer_id, verified_via)


def _customer_dict(session: Session, customer_id: str, verified_via: str) -> dict[str, Any] | None:
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "tier": customer.tier,
        "verified_via": verified_via,
    }


def evidence_id(result: ToolResult) -> str:
    data = result.data if isinstance(result.data, dict) else {}
    if result.name == ORDER_DETAILS:
        return f"order:{data.get('order_id') or data.get('id')}"
    if result.name == RETURN_STATUS:
        return f"returns:{data.get('order_id')}"
    if result.name == LIST_ORDERS:
        return "orders:recent"
    return f"tool:{result.name}:{result.call_id}"


def escalate_for_failure(reason: str, detail: str) -> dict[str, Any]:
    return {
        "route": Route.escalate,
        "escalation": {
            "reasons": [reason],
            "priority": "high",
            # Marked for the catalogue; the escalate node says it in the conversation's language.
            "customer_message": N_(
                "I'm sorry, something on our side isn't working right now, so I can't finish this myself. "
                "I've passed your conversation to a colleague, who will pick it up with everything you've told me."
            ),
            "detail": detail,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }


def _out_of_moves(reason: str) -> dict[str, Any]:
    return {
        "route": Route.escalate,
        "escalation": {
            "reasons": ["repeated_failure"],
            "priority": "normal",
            "customer_message": N_(
                "I couldn't verify your account with the details we've tried, so I've passed your conversation to "
                "a colleague, who will pick it up with everything you've told me."
            ),
            "detail": reason,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }


def _procedure_handoff(declared: dict[str, Any]) -> dict[str, Any]:
    return {
        "route": Route.escalate,
        "escalation": {
            "reasons": [str(declared.get("reason"))],
            "priority": str(declared.get("priority") or "normal"),
            "customer_message": str(declared.get("message") or ""),
            "procedure": declared.get("procedure"),
            "packet": dict(declared.get("packet") or {}),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }


async def act(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    services = await services_of(runtime)
    updates: dict[str, Any] = {"route": ""}
    results = tool_results(state.messages)

    customer = state.customer
    if customer is None and context_of(runtime).customer_id:
        customer = await services.run_blocking(
            customer_record, services.db_url, str(context_of(runtime).customer_id), "storefront"
        )
    for result in results:
        if result.name in IDENTITY_TOOLS and result.ok and isinstance(result.data, dict):
            found = result.data.get("customer_id") or result.data.get("user_id") or result.data.get("id")
            via = str(result.data.get("verified_via") or result.name)
            if customer is None and found:
                customer = await services.run_blocking(customer_record, services.db_url, str(found), via)
            elif customer is not None and found == customer.get("id"):
                customer = {**customer, "verified_via": stronger(services.profile, customer.get("verified_via"), via)}
    if customer is not None and "tier" not in customer:
        # Identity tools report who was found (and how); the tier comes from the shop.
        via = str(customer.get("verified_via") or "identity_tool")
        found_record = await services.run_blocking(customer_record, services.db_url, str(customer["id"]), via)
        customer = found_record or customer
    if customer != state.customer:
        updates["customer"] = customer

    if any(isinstance(r.data, dict) and r.data.get("kind") == "dependency" for r in results):
        return escalate_for_failure("dependency_failure", "a tool could not reach the shop's data")

    evidence = {e["id"]: e for e in state.evidence}
    slots_update: dict[str, Any] = {}
    for result in results:
        # Refusals are evidence too: the reply quotes them, ids and all, and the critic checks against evidence.
        if result.name not in IDENTITY_TOOLS:
            evidence[evidence_id(result)] = {
                "id": evidence_id(result),
                "kind": "tool",
                "tool": result.name,
                "data": result.data,
            }
            if (
                result.ok
                and result.name == ORDER_DETAILS
                and isinstance(result.data, dict)
                and result.data.get("total") is not None
            ):
                slots_update["order_total"] = float(result.data["total"])
                slots_update["order_status"] = str(result.data.get("status") or "")
                # Its items, for a later message that names one ("the kettle, I want the 1.5L one").
                slots_update["order_items"] = remembered_items(result.data)
                slots_update["order_facts_of"] = str(result.data.get("order_id") or "")
    updates["evidence"] = list(evidence.values())

    planning_state = state if customer == state.customer else _with_customer(state, customer)
    try:
        step = await (await engine_of(runtime)).plan(planning_state, services)
    except Exception as error:  # the model endpoint or a dependency failed: hand off gracefully
        log.exception("planning failed")
        return escalate_for_failure("dependency_failure", f"planning failed: {type(error).__name__}")

    if step.dialogue is not None:
        slots = step.dialogue.get("slots", {})
        if slots_update.pop("order_facts_of", None) != slots.get("order_id"):
            # The order read was another than the one in hand (where an address is copied from): its items, status
            # and total are not those of the order in hand (the total decides who approves the write).
            slots_update.pop("order_items", None)
            slots_update.pop("order_status", None)
            slots_update.pop("order_total", None)
        updates["dialogue"] = {**step.dialogue, "slots": {**slots, **slots_update}}
    if isinstance(step.handoff, dict):
        # A procedure ends with a person, as the shop declared it: its reason, its words, and what it collected.
        return {**updates, **_procedure_handoff(step.handoff)}
    if step.handoff:
        # The dialogue has no move left (the details given cannot verify anyone): a person takes over.
        return {**updates, **_out_of_moves(step.handoff)}
    if step.calls:
        updates["messages"] = [AIMessage(content="", tool_calls=step.calls)]
    return updates


def stronger(profile: ShopProfile, current: str | None, new: str) -> str:
    """The verification to keep when the same customer is verified again: one the shop accepts for writes wins."""
    verification = profile.verification
    if verification.allows_writes(current) and not verification.allows_writes(new):
        return str(current)
    return new


def _with_customer(state: SupportState, customer: dict[str, Any] | None) -> SupportState:
    from dataclasses import replace

    return replace(state, customer=customer)


async def confirm(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Preview the proposed write against the policy and ask the customer to confirm the listed details."""
    from tools.registry import is_write_tool, write_action

    message = state.messages[-1]
    assert isinstance(message, AIMessage) and message.tool_calls
    call = next(c for c in message.tool_calls if is_write_tool(c["name"]))
    # Every tool call needs its answer before the conversation goes on (OpenAI rejects it otherwise).
    answers = [
        ToolMessage(json.dumps({"skipped": "one action at a time"}), tool_call_id=str(c["id"]), name=c["name"])
        for c in message.tool_calls
        if c is not call
    ]
    try:
        if state.status in HUMAN_HELD:
            # The case waits for a person (out of hours, the bot still answers questions): changes are theirs, and a
            # proposal here would take the case out of their queue.
            # A catalogue message as the reason: the refusal's wording translates it.
            raise PolicyViolation(N_("A colleague will take care of changes to this; they will see your request."))
        services = await services_of(runtime)
        context = tool_context(state, runtime, services)
        if context.customer_id:
            # The shop's profile says which verifications allow changes (email alone may not).
            verified_via = (state.customer or {}).get("verified_via") or "storefront"
            check_write_identity(services.profile, verified_via)
        # The proposal is worded in the conversation's language (the tools' words are catalogue messages).
        with speaking(speaker_of(state, services.profile)):
            preview = await services.run_blocking(write_action(call["name"]).preview, context, dict(call["args"]))
    except ToolError as refusal:
        answer = ToolMessage(
            json.dumps({"error": str(refusal), "code": refusal.code}),
            tool_call_id=str(call["id"]),
            name=call["name"],
            status="error",
        )
        return {"messages": [*answers, answer], "dialogue": {"intent": None, "awaiting": None}}
    except Exception as error:
        log.exception("preview failed")
        return escalate_for_failure("dependency_failure", f"preview failed: {type(error).__name__}")
    pending = {
        "call_id": str(call["id"]),
        "name": call["name"],
        "args": dict(call["args"]),
        "preview": preview.as_dict(),
        "proposed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    answer = ToolMessage(
        json.dumps({"status": "awaiting customer confirmation", "preview": preview.as_dict()}, default=str),
        tool_call_id=str(call["id"]),
        name=call["name"],
    )
    return {"messages": [*answers, answer], "pending_action": pending, "status": Status.awaiting_confirmation}

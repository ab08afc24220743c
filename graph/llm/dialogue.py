"""The local engine's dialogue policy: which tool to call next, and which slot to ask for when one is missing.

It fills slots across turns (the order id given two messages ago still counts), verifies the customer before any
personal data, reads before it writes, and proposes writes only with every argument known, so that the graph can
list the details and ask the customer to confirm.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AnyMessage, HumanMessage, ToolMessage

from graph.state import SupportState

# Tool names, as the tools package registers them.
FIND_BY_EMAIL = "find_customer_by_email"
FIND_BY_NAME_ZIP = "find_customer_by_name_zip"
ORDER_DETAILS = "get_order_details"
LIST_ORDERS = "list_recent_orders"
RETURN_STATUS = "get_return_status"
CANCEL_ORDER = "cancel_order"
RETURN_ITEMS = "return_items"
RETURN_ELIGIBILITY = "check_return_eligibility"
IDENTITY_TOOLS = frozenset({FIND_BY_EMAIL, FIND_BY_NAME_ZIP})

# Intents that touch a customer's own data: nothing happens before the customer is verified.
PERSONAL_INTENTS = frozenset(
    {
        "order_status",
        "cancel_order",
        "change_order",
        "change_address",
        "return_request",
        "exchange_request",
        "refund_request",
        "refund_status",
        "invoice",
        "payment_issue",
    }
)
# Answers to the bot's own questions: they continue the intent in progress rather than start a new one.
CONTINUATION_INTENTS = frozenset({"verify_identity", "affirm", "deny"})
# A policy question that names one of the customer's orders is a question about that order.
ABOUT_AN_ORDER = {"refund_policy": "return_request", "delivery_options": "order_status"}
CANCEL_REASONS = {"no_longer_needed": "no longer needed", "ordered_by_mistake": "ordered by mistake"}


@dataclass
class ToolResult:
    name: str
    ok: bool
    data: Any
    call_id: str


@dataclass
class Plan:
    intent: str
    slots: dict[str, Any]
    reads: list[dict[str, Any]] = field(default_factory=list)
    write: dict[str, Any] | None = None
    awaiting: str | None = None


def turn_messages(messages: list[AnyMessage]) -> list[AnyMessage]:
    """The messages since the customer's last message."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return messages[index + 1 :]
    return list(messages)


def tool_results(messages: list[AnyMessage]) -> list[ToolResult]:
    results = []
    for message in turn_messages(messages):
        if isinstance(message, ToolMessage):
            try:
                data = json.loads(message.content) if isinstance(message.content, str) else message.content
            except json.JSONDecodeError:
                data = message.content
            ok = message.status != "error" and not (isinstance(data, dict) and data.get("error"))
            results.append(ToolResult(str(message.name), ok, data, message.tool_call_id))
    return results


def fills_awaited_slot(awaiting: str | None, entities: dict[str, Any]) -> bool:
    """Whether this message answers the question we asked (an email after "please verify", an order id...)."""
    if awaiting == "identity":
        return bool(entities.get("emails") or (entities.get("names") and entities.get("zip_codes")))
    if awaiting == "order_id":
        return bool(entities.get("order_ids"))
    if awaiting == "cancel_reason":
        return any(reason in CANCEL_REASONS for reason in entities.get("reasons", []))
    return False


def is_continuation(state: SupportState) -> bool:
    """The message carries on the request in progress rather than starting a new one."""
    if not state.dialogue.get("intent"):
        return False
    understood = str(state.understanding.get("intent", ""))
    entities = state.understanding.get("entities", {})
    return understood in CONTINUATION_INTENTS or fills_awaited_slot(state.dialogue.get("awaiting"), entities)


def active_intent(state: SupportState) -> str:
    understood = str(state.understanding.get("intent", "out_of_scope"))
    in_progress = state.dialogue.get("intent")
    if in_progress and any(isinstance(m, ToolMessage) for m in turn_messages(state.messages)):
        # Mid-way through this turn's tool loop: the intent chosen at its first step stands.
        return str(in_progress)
    if in_progress and is_continuation(state):
        return str(in_progress)
    if in_progress and state.dialogue.get("awaiting") and state.understanding.get("confidence", 0) < 0.6:
        # An unsure reading while we wait for an answer is more likely the answer than a new request.
        return str(in_progress)
    if understood in ABOUT_AN_ORDER and state.understanding.get("entities", {}).get("order_ids"):
        return ABOUT_AN_ORDER[understood]
    return understood


def merged_slots(state: SupportState) -> dict[str, Any]:
    """Slots remembered from earlier turns, overwritten by what this message says."""
    slots = dict(state.dialogue.get("slots", {}))
    entities = state.understanding.get("entities", {})
    if entities.get("order_ids"):
        slots["order_id"] = entities["order_ids"][0]
    if entities.get("emails"):
        slots["email"] = entities["emails"][0]
    if entities.get("names"):
        slots["name"] = entities["names"][0]
    if entities.get("zip_codes"):
        slots["zip"] = entities["zip_codes"][0]
    for reason in entities.get("reasons", []):
        if reason in CANCEL_REASONS:
            slots["cancel_reason"] = CANCEL_REASONS[reason]
        slots.setdefault("reason", reason.replace("_", " "))
    return slots


def _identity_call(slots: dict[str, Any]) -> dict[str, Any] | None:
    if slots.get("email"):
        return {"name": FIND_BY_EMAIL, "args": {"email": slots["email"]}}
    name_parts = str(slots.get("name", "")).split()
    if len(name_parts) >= 2 and slots.get("zip"):
        return {
            "name": FIND_BY_NAME_ZIP,
            "args": {"first_name": name_parts[0], "last_name": " ".join(name_parts[1:]), "zip": slots["zip"]},
        }
    return None


def _done(results: list[ToolResult], name: str) -> ToolResult | None:
    return next((r for r in reversed(results) if r.name == name), None)


def plan_next(state: SupportState) -> Plan:
    intent = active_intent(state)
    slots = merged_slots(state)
    plan = Plan(intent=intent, slots=slots)
    results = tool_results(state.messages)

    if intent not in PERSONAL_INTENTS:
        return plan

    if not state.customer:
        identity = _identity_call(slots)
        tried = _done(results, FIND_BY_EMAIL) or _done(results, FIND_BY_NAME_ZIP)
        if identity and not tried:
            plan.reads.append(identity)
        else:
            # Not given, or given and not found: either way we ask (the draft says which).
            plan.awaiting = "identity"
        return plan

    order_id = slots.get("order_id")
    if intent in ("order_status", "invoice", "payment_issue", "change_order", "change_address", "exchange_request"):
        if order_id and not _done(results, ORDER_DETAILS):
            plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
        elif not order_id and not _done(results, LIST_ORDERS):
            plan.reads.append({"name": LIST_ORDERS, "args": {}})
        elif not order_id:
            plan.awaiting = "order_id"
        return plan

    if intent in ("refund_status", "refund_request"):
        if not order_id:
            if not _done(results, LIST_ORDERS):
                plan.reads.append({"name": LIST_ORDERS, "args": {}})
            plan.awaiting = "order_id"
        elif not _done(results, RETURN_STATUS):
            plan.reads.append({"name": RETURN_STATUS, "args": {"order_id": order_id}})
        return plan

    if intent == "cancel_order":
        if not order_id:
            if not _done(results, LIST_ORDERS):
                plan.reads.append({"name": LIST_ORDERS, "args": {}})
            plan.awaiting = "order_id"
        elif not _done(results, ORDER_DETAILS):
            plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
        elif not slots.get("cancel_reason"):
            plan.awaiting = "cancel_reason"
        else:
            plan.write = {"name": CANCEL_ORDER, "args": {"order_id": order_id, "reason": slots["cancel_reason"]}}
        return plan

    if intent == "return_request":
        if not order_id:
            if not _done(results, LIST_ORDERS):
                plan.reads.append({"name": LIST_ORDERS, "args": {}})
            plan.awaiting = "order_id"
            return plan
        details, eligibility = _done(results, ORDER_DETAILS), _done(results, RETURN_ELIGIBILITY)
        if details is None:
            plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
        if eligibility is None:
            plan.reads.append({"name": RETURN_ELIGIBILITY, "args": {"order_id": order_id}})
        if plan.reads:
            return plan
        assert details is not None and eligibility is not None
        if not (details.ok and eligibility.ok) or not isinstance(eligibility.data, dict):
            return plan
        args = _return_args(details.data, eligibility.data, state)
        if eligibility.data.get("eligible") and args["item_ids"]:
            plan.write = {"name": RETURN_ITEMS, "args": args}
        return plan

    return plan


def _return_args(order: dict[str, Any], eligibility: dict[str, Any], state: SupportState) -> dict[str, Any]:
    """The returnable items the customer named (by product name), or all of them; refund to the original payment."""
    final_sale = {i["item_id"] for i in eligibility.get("items", []) if i.get("final_sale")}
    items = [i for i in order.get("items", []) if i.get("item_id") not in final_sale]
    mentioned = [str(p).lower() for p in state.understanding.get("entities", {}).get("products", [])]
    chosen = [i for i in items if any(m in str(i.get("name", "")).lower() for m in mentioned)] or items
    payments = order.get("payment_history") or []
    original = next((p.get("payment_method_id") for p in payments if p.get("transaction_type") == "payment"), None)
    return {
        "order_id": order.get("order_id"),
        "item_ids": [i.get("item_id") for i in chosen],
        "payment_method_id": original,
    }

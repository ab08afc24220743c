"""The case a person receives at a handoff: built from the whole conversation, not from its last message.

Who the customer is (however they were verified: an identity tool, or a storefront sign-in before any tool ran),
every order and item in play (looked up, named in a message, in a slot, in a proposal), what the customer wants in
one sentence, what the bot already did and proposed, why the case is here (reason, evidence, priority) and a reply
the person can send. The escalate node builds it once, stores it in the state (`SupportState.handoff`) and it stays
with the case while people hold it; the handoff packet and the agents' console read it from there.
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from graph.nlu.entities import shared_entities
from graph.nlu.escalation import complaint_substance
from graph.state import SupportState
from shopdesk.i18n import _

# What a customer asking for this wants, as the end of "wants to ...".
WANTS = {
    "order_status": "know where their order is",
    "cancel_order": "cancel an order",
    "change_order": "change an order",
    "change_address": "change a delivery address",
    "change_default_address": "change their default address",
    "change_items": "change items of an order",
    "change_payment": "change the payment method of an order",
    "delivery_options": "know the delivery options",
    "return_request": "return items",
    "exchange_request": "exchange items",
    "refund_request": "get a refund",
    "refund_status": "know where their refund is",
    "refund_policy": "know the return and refund rules",
    "payment_issue": "sort out a payment",
    "invoice": "get an invoice",
    "discount_voucher": "use or get a voucher",
    "voucher_check": "check a voucher code",
    "goodwill": "get a goodwill credit",
    "product_question": "know more about a product",
    "product_recommendation": "get a product recommendation",
    "account_create": "open an account",
    "account_edit": "change their account",
    "account_delete": "delete their account",
    "password_recovery": "get back into their account",
    "newsletter": "change their newsletter settings",
    "complaint": "complain",
    "human_agent": "talk to a person",
}
# Turns that carry a conversation on rather than say what it is about.
_ROUTINE = frozenset(
    {"greeting_thanks", "affirm", "deny", "verify_identity", "feedback", "out_of_scope", "human_agent"}
)
READS = {
    "get_order_details": "looked up order {order_id}",
    "list_recent_orders": "listed the customer's recent orders",
    "get_customer_details": "read the customer's profile",
    "get_return_status": "checked the return status of order {order_id}",
    "check_return_eligibility": "checked which items of order {order_id} can be returned",
    "get_product_details": "looked up a product",
    "check_voucher": "checked a voucher code",
    "find_customer_by_email": "verified the customer by email",
    "find_customer_by_name_zip": "verified the customer by name and zip code",
}


def _json(message: ToolMessage) -> Any:
    try:
        return json.loads(str(message.content))
    except (json.JSONDecodeError, TypeError):
        return None


def customer_turns(state: SupportState) -> list[str]:
    return [str(m.content) for m in state.messages if isinstance(m, HumanMessage)]


def orders_in_play(state: SupportState) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Orders whose details the conversation has ({id: details}), and every order id in play, in order of mention."""
    details: dict[str, dict[str, Any]] = {}
    wanted: list[str] = []

    def want(order_id: Any) -> None:
        if order_id and str(order_id) not in wanted:
            wanted.append(str(order_id))

    for message in state.messages:
        if isinstance(message, HumanMessage):
            for order_id in shared_entities(str(message.content)).order_ids:
                want(order_id)
        elif isinstance(message, AIMessage):
            for call in message.tool_calls:
                want(call["args"].get("order_id"))
        elif isinstance(message, ToolMessage) and message.name == "get_order_details":
            data = _json(message)
            if isinstance(data, dict) and data.get("order_id"):
                details[str(data["order_id"])] = data
                want(data["order_id"])
    want(state.dialogue.get("slots", {}).get("order_id"))
    if state.pending_action:
        want(state.pending_action.get("args", {}).get("order_id"))
    return details, wanted


def items_in_play(state: SupportState) -> set[str]:
    ids: set[str] = set()
    sources = [state.dialogue.get("slots", {}), (state.pending_action or {}).get("args", {})]
    for message in state.messages:
        if isinstance(message, AIMessage):
            sources += [call["args"] for call in message.tool_calls]
    for source in sources:
        for key in ("item_id", "item_ids", "new_item_ids"):
            value = source.get(key)
            ids.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    return ids


def order_summary(order_id: str, data: dict[str, Any] | None, items: set[str]) -> dict[str, Any]:
    if not data or "error" in data:
        return {"order_id": order_id, "status": "", "note": "named in the conversation; details not loaded"}
    lines = [
        {
            "item_id": item.get("item_id"),
            "name": item.get("name"),
            "options": item.get("options", {}),
            "price": item.get("price"),
            "in_play": str(item.get("item_id")) in items,
        }
        for item in data.get("items", [])
    ]
    return {
        "order_id": order_id,
        "status": data.get("status", ""),
        "total": data.get("total"),
        "currency": data.get("currency"),
        "created_at": data.get("created_at"),
        "items": lines,
        "tracking": [f.get("tracking_number") for f in data.get("fulfillments", []) if f.get("tracking_number")],
    }


def _need(state: SupportState) -> tuple[str, str]:
    """The need the conversation is about (an intent) and the customer's words that said it."""
    turns = customer_turns(state)
    intents: list[str] = [str(e.get("intent") or "") for e in state.emotion_history]
    # The last turn's reading is in `understanding`; earlier ones were recorded with their emotion.
    if turns and len(intents) < len(turns):
        intents += [""] * (len(turns) - len(intents))
    if intents:
        intents[-1] = intents[-1] or str(state.understanding.get("intent") or "")
    ongoing = str(state.dialogue.get("intent") or "")
    pairs = list(zip(intents, turns, strict=False))
    # The latest turn that opened a need (not a yes, a thank you, an email): the request the case is about.
    for intent, text in reversed(pairs):
        if intent and intent not in _ROUTINE:
            return (ongoing if ongoing and ongoing not in _ROUTINE else intent), text
    if ongoing and ongoing not in _ROUTINE:
        return ongoing, next((t for t in turns if len(t) > 12), turns[0] if turns else "")
    return "human_agent" if any(i == "human_agent" for i in intents) else "", turns[-1] if turns else ""


def wants_sentence(state: SupportState, escalation: dict[str, Any], orders: list[str]) -> str:
    """What the customer wants, in one sentence: the need and the orders from the whole conversation, in their words."""
    reasons = list(escalation.get("reasons", []))
    turns = customer_turns(state)
    if "complaint" in reasons:
        lodged = next((t for t in reversed(turns) if complaint_substance(t)), turns[-1] if turns else "")
        return f"Lodges a complaint about “{complaint_substance(lodged)}”."
    intent, words = _need(state)
    about = f" ({', '.join(orders)})" if orders else ""
    quoted = f": “{_clip(words)}”" if words else ""
    if not intent or intent == "human_agent":
        return f"Asks for a person{about}{quoted}."
    sentence = f"Wants to {WANTS.get(intent, intent.replace('_', ' '))}{about}{quoted}."
    if "human_requested" in reasons and intent != "human_agent":
        sentence = sentence.rstrip(".") + ", and asked for a person."
    return sentence


def _clip(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bot_actions(state: SupportState) -> tuple[list[str], list[str]]:
    """What the bot did (reads and writes, as sentences) and what it proposed (and what became of it)."""
    from tools.registry import WRITE_ACTIONS

    did: list[str] = []
    proposed: list[str] = []
    calls: dict[str, dict[str, Any]] = {}
    for message in state.messages:
        if isinstance(message, AIMessage):
            for made in message.tool_calls:
                calls[str(made["id"])] = dict(made)
        if not isinstance(message, ToolMessage):
            continue
        call = calls.get(str(message.tool_call_id), {})
        args = call.get("args", {})
        data = _json(message)
        name = str(message.name or call.get("name") or "")
        if isinstance(data, dict) and "preview" in data and data.get("status") == "awaiting customer confirmation":
            summary = str((data.get("preview") or {}).get("summary") or name)
            proposed.append(summary)
            continue
        failed = message.status == "error" or (isinstance(data, dict) and "error" in data)
        if name in WRITE_ACTIONS:
            line = f"{name.replace('_', ' ')} {args.get('order_id', '')}".strip()
            did.append(f"tried to {line}: refused ({data.get('error')})" if failed and isinstance(data, dict) else line)
        elif name in READS and not (isinstance(data, dict) and data.get("skipped")):
            line = READS[name].format(order_id=args.get("order_id", "")).replace("  ", " ").strip()
            did.append(line + (" (failed)" if failed else ""))
    if state.pending_action:
        summary = str(state.pending_action.get("preview", {}).get("summary") or state.pending_action.get("name"))
        status = "waiting for a person's approval" if state.status == "awaiting_approval" else "not yet confirmed"
        proposed.append(f"{summary} ({status})")
    return list(dict.fromkeys(did)), list(dict.fromkeys(proposed))


def mood(state: SupportState, threshold: float = 0.6) -> str:
    """How the customer felt, from the scores of each turn: calm unless a turn read upset."""
    peak, turn = 0.0, 0
    for entry in state.emotion_history:
        value = max(float(entry.get(k, 0) or 0) for k in ("anger", "frustration", "sarcasm"))
        if value > peak:
            peak, turn = value, int(entry.get("turn") or 0)
    if peak < 0.3:
        return "calm"
    level = "very upset" if peak >= threshold else "somewhat upset"
    return f"{level} (peak {peak:.2f} at message {turn})"


def suggested_reply(state: SupportState, wants: str, orders: list[str], complaint: bool) -> str:
    """A first line a person can send or edit: it greets, shows the case was read, and names the order. It is for
    the customer, so it comes from the catalogue in the conversation's language (the case file around it is the
    team's, in theirs)."""
    first = str((state.customer or {}).get("name", "")).split(" ")[0]
    hello = _("Hi {first_name}", first_name=first) if first else _("Hi")
    if len(orders) == 1:
        about = _(" about order {order_id}", order_id=orders[0])
    else:
        about = _(" about orders {order_ids}", order_ids=", ".join(orders)) if orders else ""
    if complaint:
        return _(
            "{hello}, thank you for telling us, and I'm sorry about what happened. I've read your complaint{about} "
            "and I'm looking into it now.",
            hello=hello,
            about=about,
        )
    return _(
        "{hello}, thanks for waiting. I've read through our conversation{about} and I'm looking into it now.",
        hello=hello,
        about=about,
    )


def last_bot_text(state: SupportState) -> str:
    """The bot's (or a person's) last words to the customer before the current message."""
    for message in reversed(state.messages):
        if isinstance(message, AIMessage) and message.content and not message.tool_calls:
            return str(message.content)
    return ""


def build_case(
    state: SupportState,
    escalation: dict[str, Any],
    customer: dict[str, Any] | None,
    loaded: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The case file. `customer` is the verified customer however verified; `loaded`: order details read for it."""
    details, wanted = orders_in_play(state)
    details = {**loaded, **details}
    items = items_in_play(state)
    did, proposed = bot_actions(state)
    with_customer = state if customer is state.customer else _with(state, customer)
    wants = wants_sentence(with_customer, escalation, wanted)
    case = {
        "customer": customer,
        "verified": bool(customer),
        "wants": wants,
        "orders": [order_summary(order_id, details.get(order_id), items) for order_id in wanted],
        "bot_did": did,
        "bot_proposed": proposed,
        "bot_last_said": last_bot_text(state),
        "reasons": list(escalation.get("reasons", [])),
        "evidence": list(escalation.get("evidence", [])),
        "priority": escalation.get("priority", "normal"),
        "mood": mood(state),
        "suggested_reply": suggested_reply(with_customer, wants, wanted, "complaint" in escalation.get("reasons", [])),
    }
    if escalation.get("procedure"):
        # A shop's procedure handed over: what it collected, as declared in its packet.
        case["procedure"] = {"name": escalation["procedure"], "collected": dict(escalation.get("packet") or {})}
    return case


def _with(state: SupportState, customer: dict[str, Any] | None) -> SupportState:
    from dataclasses import replace

    return replace(state, customer=customer)

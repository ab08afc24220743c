"""The plan a turn produces and the tool results it works from: this turn's messages, what was read, what was done."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AnyMessage, HumanMessage, ToolMessage

from graph.llm.dialogue.names import ALL_ORDERS, LIST_ORDERS, ORDER_DETAILS
from graph.llm.matching import Similarity
from graph.nlu.entities import without_names
from graph.state import SupportState


@dataclass
class ToolResult:
    name: str
    ok: bool
    data: Any
    call_id: str
    # The arguments it was called with (from the call in this turn's messages).
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    intent: str
    slots: dict[str, Any]
    reads: list[dict[str, Any]] = field(default_factory=list)
    write: dict[str, Any] | None = None
    awaiting: str | None = None
    # Something the reply must say that no tool result says by itself: {"code": ..., facts the reply may state}.
    notice: dict[str, Any] | None = None
    # The dialogue has run out of moves (why, as a reason code), or a procedure ends with a person (its reason code,
    # what the customer is told and the packet the person gets): a person takes over.
    handoff: str | dict[str, Any] | None = None
    # How alike phrases are in meaning (the engine's embedder), for things no word of the customer's matches.
    similar: Similarity | None = field(default=None, repr=False, compare=False)


def turn_messages(messages: list[AnyMessage]) -> list[AnyMessage]:
    """The messages since the customer's last message."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return messages[index + 1 :]
    return list(messages)


def tool_results(messages: list[AnyMessage]) -> list[ToolResult]:
    results = []
    calls = {
        str(call.get("id")): dict(call.get("args") or {})
        for message in turn_messages(messages)
        for call in (getattr(message, "tool_calls", None) or [])
    }
    for message in turn_messages(messages):
        if isinstance(message, ToolMessage):
            try:
                data = json.loads(message.content) if isinstance(message.content, str) else message.content
            except json.JSONDecodeError:
                data = message.content
            ok = message.status != "error" and not (isinstance(data, dict) and data.get("error"))
            args = calls.get(str(message.tool_call_id), {})
            results.append(ToolResult(str(message.name), ok, data, message.tool_call_id, args))
    return results


def customer_turns(messages: list[AnyMessage]) -> int:
    return sum(isinstance(m, HumanMessage) for m in messages)


def last_text(state: SupportState) -> str:
    """The words this turn works on: the customer's latest message, or the request of an earlier message that was
    queued and is taken up now on their yes (SupportState.request_text)."""
    if state.request_text:
        return state.request_text
    for message in reversed(state.messages):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return str(state.understanding.get("text", ""))


def without_their_names(text: str, state: SupportState) -> str:
    """The words with the people's names the message gives and the verified customer's own name left out: what an
    item, its options or a payment method is read from ("Anya Brown, zip 10001" names no brown item)."""
    entities = state.understanding.get("entities", {})
    names = [name for name in entities.get("names") or [] if len(name.split()) > 1]
    own = str((state.customer or {}).get("name") or "")
    return without_names(text, names, [own] if len(own.split()) > 1 else [])


def _done(results: list[ToolResult], name: str, args: dict[str, Any] | None = None) -> ToolResult | None:
    """This turn's latest result of the tool (called with these arguments, when given)."""
    return next((r for r in reversed(results) if r.name == name and (args is None or r.args == args)), None)


def _read(plan: Plan, results: list[ToolResult], name: str, args: dict[str, Any]) -> ToolResult | None:
    """This turn's result of a read, or None after adding the read to the plan."""
    done = _done(results, name, args)
    if done is None:
        plan.reads.append({"name": name, "args": args})
    return done


def _order(plan: Plan, results: list[ToolResult]) -> dict[str, Any] | None:
    """The order the request is about, read this turn (so the reply and the critique have it as evidence).

    Without an order id: list the customer's orders and ask. An order the tools refuse (not found, another
    customer's) is forgotten, its refusal is shown, and the customer is asked again.
    """
    details = _done(results, ORDER_DETAILS)
    if details is not None and not details.ok:
        plan.slots.pop("order_id", None)
    order_id = plan.slots.get("order_id")
    if not order_id:
        _read(plan, results, LIST_ORDERS, ALL_ORDERS)
        plan.awaiting = "order_id"
        return None
    details = _read(plan, results, ORDER_DETAILS, {"order_id": order_id})
    if details is None or not isinstance(details.data, dict):
        return None
    # Its items, kept for later turns: a reply to a proposal may name another of them ("also the perfume").
    plan.slots["order_items"] = remembered_items(details.data)
    return details.data


def remembered_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    """An order's items as the dialogue keeps them between turns (the `order_items` slot): enough to tell which item a
    later message names, by its name or its options."""
    return [
        {"item_id": i.get("item_id"), "name": i.get("name"), "options": i.get("options") or {}}
        for i in order.get("items") or []
    ]


def _not_allowed(plan: Plan, order: dict[str, Any], doing: str, allowed: tuple[str, ...] = ("pending",)) -> bool:
    if order.get("status") in allowed:
        return False
    plan.notice = {"code": "wrong_status", "order_id": order.get("order_id"), "status": order.get("status")}
    plan.notice |= {"doing": doing, "allowed": list(allowed)}
    return True

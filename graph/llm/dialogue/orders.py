"""Grounding the order a request is about: the customer's words read against their orders, the reason to cancel, whose
account.
"""

from __future__ import annotations

import re
from typing import Any

from graph.llm.dialogue.intent import wants_their_orders
from graph.llm.dialogue.names import ALL_ORDERS, LIST_ORDERS, ORDER_DETAILS, RETURN_ELIGIBILITY
from graph.llm.dialogue.plan import Plan, ToolResult, _done, _not_allowed, _order, _read
from graph.llm.matching import ground_orders
from graph.nlu.entities import shared_entities
from graph.procedures.interpreter import Run
from graph.procedures.schema import Slot
from graph.state import SupportState


def _grounded_order(plan: Plan, results: list[ToolResult], state: SupportState, allowed: tuple[str, ...] = ()) -> bool:
    """Whether the order the request is about is now known, found among all of the customer's orders by what the
    customer said about it (this message, or earlier: before verification, say). Otherwise the plan reads the
    orders or asks which one, listing only those that fit what was said."""
    listing = _done(results, LIST_ORDERS)
    if listing is None:
        plan.reads.append({"name": LIST_ORDERS, "args": ALL_ORDERS})
        return False
    orders = list(listing.data.get("orders", [])) if listing.ok and isinstance(listing.data, dict) else []
    if other_than := plan.slots.get("other_than_order"):
        # "My other order": not the one in hand when they said it.
        orders = [o for o in orders if str(o.get("order_id")) != str(other_than)]
    every = len(orders)
    if set_aside := plan.slots.get("orders_set_aside"):
        # "Not #W2", "anything but #W2": the orders set aside are no candidates; of the rest, the ones the request may
        # act on (a cancellation's pending orders) when the customer only said which one it is not.
        orders = [o for o in orders if str(o.get("order_id")) not in set_aside]
        actable = [o for o in orders if allowed and o.get("status") in allowed]
        orders = actable or orders
    hint = str(plan.slots.get("order_hint") or "")
    named = shared_entities(hint)
    candidates = ground_orders(orders, hint, named.order_ids, named.products, plan.similar) if hint else orders
    offered = [o for o in orders if o.get("order_id") in (plan.slots.get("order_choices") or [])]
    if hint and offered and (among := ground_orders(offered, hint, named.order_ids, named.products, plan.similar)):
        # An answer to "which of these?" ("the pending one") picks among the orders we offered first.
        candidates = among if len(among) < len(candidates) or not candidates else candidates
    if len(orders) == 1 and not hint:
        candidates = orders  # their only order (or the only one left once they set the others aside)
    if len(candidates) == 1:
        plan.slots["order_id"] = candidates[0].get("order_id")
        plan.slots.pop("order_choices", None)
        return True
    narrowed = len(candidates) < max(len(orders), every)
    plan.slots["order_choices"] = [o.get("order_id") for o in candidates] if narrowed else []
    if hint and orders and not candidates:
        plan.notice = {"code": "no_order_fits", "products": list(named.products)}
    plan.awaiting = "order_id"
    return False


def _from_words(run: Run) -> bool:
    """No order id yet: the order is found among all of the customer's orders by what they said about it. A request
    for the list of their orders has none to find."""
    listing_asked = run.plan.intent == "order_status" and wants_their_orders(run.state)
    if run.plan.slots.get("order_id") or listing_asked:
        return True
    return _grounded_order(run.plan, run.results, run.state, _allowed_statuses(run))


def _allowed_statuses(run: Run) -> tuple[str, ...]:
    """The statuses the procedure's order may be in (its order slot's `options.allowed`), whichever slot asks."""
    for slot in run.procedure.slots:
        if allowed := slot.options.get("allowed"):
            return tuple(str(status) for status in allowed)
    return ()


def _ground_order(run: Run, slot: Slot) -> bool:
    """The order, read this turn, in a status the procedure allows (`options.allowed`, what it does: `doing`)."""
    if not _from_words(run):
        return False
    order = _order(run.plan, run.results)
    if order is None:
        return False
    allowed = tuple(str(status) for status in slot.options.get("allowed") or ())
    if allowed and _not_allowed(run.plan, order, str(slot.options.get("doing") or "changed"), allowed):
        return False
    if slot.options.get("return_window") and order.get("status") == "delivered" and _window_closed(run, order):
        return False
    run.values[slot.name] = run.order = order
    return True


def _window_closed(run: Run, order: dict[str, Any]) -> bool:
    """Whether the return window of a delivered order has closed, read with the order's return eligibility (whose
    reply says so, and what is left: the warranty, a colleague) before options are collected for an exchange the
    tool would refuse. Until the read is done, the slot waits for it."""
    eligibility = _read(run.plan, run.results, RETURN_ELIGIBILITY, {"order_id": order.get("order_id")})
    if eligibility is None:
        return True
    return bool(eligibility.ok and isinstance(eligibility.data, dict) and eligibility.data.get("window_closed"))


def _ground_listed_order(run: Run, slot: Slot) -> bool:
    """The order's id; without one, the customer's orders are listed and they are asked which."""
    if not _from_words(run):
        return False
    order_id = run.plan.slots.get("order_id")
    if not order_id:
        if not _done(run.results, LIST_ORDERS):
            run.plan.reads.append({"name": LIST_ORDERS, "args": ALL_ORDERS})
        run.ask(slot)
        return False
    run.values[slot.name] = order_id
    return True


def _ground_order_lookup(run: Run, slot: Slot) -> bool:
    """The order asked about, read; or, none named (or the list asked for), the list of the customer's orders."""
    if not _from_words(run):
        return False
    listing_asked = run.plan.intent == "order_status" and wants_their_orders(run.state)
    # Asked for the list, the order in hand stays in hand but is not what this turn reads.
    order_id = None if listing_asked else run.plan.slots.get("order_id")
    if order_id and not _done(run.results, ORDER_DETAILS, {"order_id": order_id}):
        run.plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
    elif not order_id and not _done(run.results, LIST_ORDERS):
        run.plan.reads.append({"name": LIST_ORDERS, "args": ALL_ORDERS})
    elif not order_id:
        run.ask(slot)
    else:
        details = _done(run.results, ORDER_DETAILS, {"order_id": order_id})
        run.values[slot.name] = details.data if details is not None and isinstance(details.data, dict) else None
        return True
    return False


def _ground_cancel_reason(run: Run, slot: Slot) -> bool:
    if not run.plan.slots.get("cancel_reason"):
        run.ask(slot)
        return False
    run.values[slot.name] = run.plan.slots["cancel_reason"]
    return True


# Whose account a request names: "the default address of jane@example.com", "for Jane Doe", "Jane Doe's address".
_WHOSE = re.compile(
    r"\b(?:of|for)\s+([\w.+-]+@[\w-]+\.[\w.-]+|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)|\b([A-Z][a-z]+\s+[A-Z][a-z]+)'s\b"
)


def _ground_account_owner(run: Run, slot: Slot) -> bool:
    # Someone named is passed on as named: the tool refuses anyone but the verified customer, and the speaker's own
    # address is never changed in their stead.
    if whose := _WHOSE.search(run.text):
        run.plan.slots["for_customer"] = whose.group(1) or whose.group(2)
    run.values[slot.name] = run.plan.slots.get("for_customer") or None
    return True

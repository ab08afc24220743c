"""Grounding a payment method: the method named or the one paid with, for a change, a difference and a refund."""

from __future__ import annotations

from typing import Any

from graph.llm.dialogue.names import CUSTOMER_DETAILS
from graph.llm.dialogue.plan import Plan, ToolResult, _read
from graph.llm.matching import (
    current_payment_method,
    matching_methods,
    original_payment_method,
    paid_methods,
    payment_mention,
    refused_methods,
)
from graph.procedures.interpreter import Run
from graph.procedures.schema import Slot


def _ground_difference_payment(run: Run, slot: Slot) -> bool:
    """Where the price difference of the swaps goes (with an exchange's return label): the method the customer
    names, else the only one that can take it, else they are asked which; a gift card must cover what it pays."""
    plan, results, order = run.plan, run.results, run.order or {}
    difference = sum(float(s[2]) for s in plan.slots.get("swaps") or [])
    if order.get("status") == "delivered" and run.profile is not None:
        # An exchange settles the return label with the difference (the profile's cost for where the order went).
        country = str((order.get("shipping_address") or {}).get("country") or "")
        difference += float(run.profile.returns.label_cost(country))
    # "What I paid with" is where the order's money sits now ("I just moved it to PayPal" before "and the boots in a
    # 10"), and with no money changing hands it is the method the change is recorded with.
    paid_with = current_payment_method(order)
    plan.slots["paid_with"] = paid_with
    if not plan.slots.get("payment") and abs(difference) < 0.005:
        run.values[slot.name] = paid_with
        return True
    customer = _read(plan, results, CUSTOMER_DETAILS, {})
    if customer is None:
        return False
    methods = _methods_of(customer)

    def covers(method: dict[str, Any]) -> bool:
        # A gift card pays a difference at once and must cover it; any method can receive one.
        return method.get("kind") != "gift_card" or difference <= 0 or float(method.get("balance") or 0) >= difference

    usable = _without_refused(plan, methods, [m for m in methods if covers(m)], run.text)
    usable = _paid_with_first(usable, paid_with)
    purpose = "pay_difference" if difference > 0 else "refund_difference"
    method = _chosen_method(plan, methods, usable, paid_with, purpose)
    if method is None:
        return False
    chosen = next((m for m in methods if m.get("id") == method), {})
    if not covers(chosen):
        plan.notice = {
            "code": "gift_card_short",
            "label": chosen.get("label", "your gift card"),
            "digits": chosen.get("last_four") or str(chosen.get("id") or "")[-4:],
            "balance": float(chosen.get("balance") or 0),
            "difference": round(difference, 2),
            "currency": order.get("currency"),
            # With no other method that can pay it, the question says what they can do instead of listing none.
            "others": bool(usable),
        }
        _ask_which_method(plan, usable, paid_with, purpose)
        return False
    run.values[slot.name] = method
    return True


def _refund_method(run: Run, order: dict[str, Any]) -> str | None:
    """Where a return's refund goes: where the shop's rules let it (`returns.refund_methods`: the original payment,
    the customer's gift cards), the method they named or, with one choice, that one; else None, and they are asked
    which (or told where it cannot go)."""
    plan = run.plan
    allowed = set(run.profile.returns.refund_methods) if run.profile is not None else {"original_payment", "gift_card"}
    paid_with = original_payment_method(order)
    plan.slots["paid_with"] = paid_with
    if not allowed & {"original_payment", "gift_card"}:
        # The shop refunds to none of the customer's methods: nothing to propose, and nothing to ask them.
        plan.notice = {"code": "not_a_refund_method", "allowed": sorted(allowed)}
        return None
    if allowed & {"original_payment", "gift_card"} == {"original_payment"} and not plan.slots.get("payment"):
        return paid_with  # the original payment is the only place it can go
    customer = _read(plan, run.results, CUSTOMER_DETAILS, {})
    if customer is None:
        return None
    methods = _methods_of(customer)
    usable = _paid_with_first(
        _without_refused(
            plan,
            methods,
            [
                m
                for m in methods
                if (m.get("id") == paid_with and "original_payment" in allowed)
                or (m.get("kind") == "gift_card" and "gift_card" in allowed)
            ],
            run.text,
        ),
        paid_with,
    )
    if paid_with and "original_payment" in allowed and not any(m.get("id") == paid_with for m in usable):
        # Paid with a method no longer on their account: it still takes the refund.
        usable.insert(0, {"id": paid_with})
    method = _chosen_method(plan, methods, usable, paid_with, "refund")
    if method is not None and usable and not any(m.get("id") == method for m in usable):
        plan.notice = {"code": "not_a_refund_method", "allowed": sorted(allowed)}
        _ask_which_method(plan, usable, paid_with, "refund")
        return None
    return method


def _without_refused(
    plan: Plan, methods: list[dict[str, Any]], usable: list[dict[str, Any]], text: str
) -> list[dict[str, Any]]:
    """The usable methods less those the customer turned away in this request ("not the visa", "anything but the
    gift card"), remembered for its later turns; all of them when the words would leave none. Only a refusal that
    names no method to use instead counts here (the named one is chosen by its own reading)."""
    refused = set(plan.slots.get("methods_refused") or [])
    if payment_mention(text) is None:
        for mention in refused_methods(text):
            refused |= {str(m.get("id")) for m in matching_methods(methods, mention)}
    if refused:
        plan.slots["methods_refused"] = sorted(refused)
    left = [m for m in usable if str(m.get("id")) not in refused]
    return left or usable


def _methods_of(customer: ToolResult) -> list[dict[str, Any]]:
    data = customer.data if customer.ok and isinstance(customer.data, dict) else {}
    return list(data.get("payment_methods") or [])


def _paid_with_first(methods: list[dict[str, Any]], paid_with: str | None) -> list[dict[str, Any]]:
    return sorted(methods, key=lambda m: m.get("id") != paid_with)


def _chosen_method(
    plan: Plan, methods: list[dict[str, Any]], usable: list[dict[str, Any]], paid_with: str | None, purpose: str
) -> str | None:
    """The method the customer named (this message or earlier in the request); none named, the only usable one, or
    None after asking which of the usable ones (`purpose`: what the money does, for the question's words)."""
    if plan.slots.get("payment"):
        method = _named_method(plan, methods, paid_with)
        if method is None:
            _ask_which_method(plan, usable, paid_with, purpose)
        return method
    if len(usable) == 1:
        return str(usable[0].get("id"))
    if not usable:
        return paid_with  # nothing of theirs can take it: the tool's refusal says why
    _ask_which_method(plan, usable, paid_with, purpose)
    return None


def _ask_which_method(plan: Plan, usable: list[dict[str, Any]], paid_with: str | None, purpose: str) -> None:
    """Ask which method, listing only the usable ones (what was paid with marked as such)."""
    plan.slots["payment_choices"] = {
        "ids": [str(m.get("id")) for m in usable],
        "paid_with": paid_with,
        "purpose": purpose,
    }
    plan.slots.pop("payment", None)
    plan.awaiting = "payment_method"


def _named_method(plan: Plan, methods: list[dict[str, Any]], paid_with: str | None) -> str | None:
    """The one method of the customer's their words name, remembered as chosen ("my other card" afterwards means
    another than it, and than the one paid with); None with a notice of why when the words name none or several."""
    mention = plan.slots.get("payment") or {}
    if mention.get("original") and paid_with:
        plan.slots["payment_chosen"] = paid_with
        return paid_with
    in_play = {str(m) for m in (paid_with, plan.slots.get("payment_chosen")) if m}
    found = matching_methods(methods, mention, in_play, paid_with)
    if len(found) == 1:
        plan.slots["payment_chosen"] = str(found[0]["id"])
        if mention.get("id") and not mention.get("carried") and plan.notice is None:
            # Named by the id of the shop's records: say which of theirs it is, in the words they know it by.
            plan.notice = {"code": "method_by_id", "named": mention["id"], "label": found[0].get("label")}
        return str(found[0]["id"])
    if not found and mention.get("other"):
        # "My other card" with no other one of that kind: say which one is the only one.
        only = [str(m.get("label")) for m in methods if m.get("kind") == mention.get("kind") and m.get("id") in in_play]
        plan.notice = {"code": "no_other_method", "kind": mention.get("kind"), "only": only}
    else:
        plan.notice = {"code": "no_such_method" if not found else "several_methods", "kind": mention.get("kind")}
    plan.slots.pop("payment", None)
    plan.awaiting = "payment_method"
    return None


def _ground_payment_method(run: Run, slot: Slot) -> bool:
    """A method of the customer's the order is not paid with already. "The one I paid with" names the method that
    goes, not the one that comes: the question is asked."""
    plan, order = run.plan, run.order or {}
    if (plan.slots.get("payment") or {}).get("original"):
        plan.slots.pop("payment", None)
    if not plan.slots.get("payment"):
        _read(plan, run.results, CUSTOMER_DETAILS, {})
        run.ask(slot)
        return False
    customer = _read(plan, run.results, CUSTOMER_DETAILS, {})
    if customer is None or not customer.ok:
        return False
    method = _named_method(plan, _methods_of(customer), original_payment_method(order))
    if method is None:
        return False
    if method in paid_methods(order):
        plan.notice = {"code": "already_paid_with", "order_id": order.get("order_id")}
        return False
    run.values[slot.name] = method
    return True

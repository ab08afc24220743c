"""The grounding kinds by name (GROUNDINGS), and the return grounding that runs the cancel procedure through them."""

from __future__ import annotations

import re
from typing import Any

from graph.llm.dialogue.addresses import _ground_address
from graph.llm.dialogue.items import _ground_target_variants, left_out_items
from graph.llm.dialogue.kinds import (
    _ground_amount,
    _ground_choice,
    _ground_free_text,
    _ground_goodwill_amount,
    _ground_goodwill_reason,
    _ground_order_item,
    _ground_remedy,
    _ground_voucher_code,
)
from graph.llm.dialogue.names import FAULTS, ORDER_DETAILS, RETURN_ELIGIBILITY
from graph.llm.dialogue.orders import (
    _ground_account_owner,
    _ground_cancel_reason,
    _ground_listed_order,
    _ground_order,
    _ground_order_lookup,
)
from graph.llm.dialogue.payment import _ground_difference_payment, _ground_payment_method, _refund_method
from graph.llm.dialogue.plan import Plan, _done, last_text, remembered_items
from graph.llm.dialogue.slots import _EVERY_ITEM, _SOME_ITEM, _THE_ORDER_ITSELF, items_counted
from graph.llm.matching import Similarity, matching_items, named_items, original_payment_method
from graph.nlu.entities import order_mention
from graph.procedures.interpreter import Grounding, Run, run_procedure
from graph.procedures.schema import Slot
from graph.state import Repair


def _ground_return_items(run: Run, slot: Slot) -> bool:
    """The items to return and where the refund goes, once the order's details and eligibility are read."""
    plan, results = run.plan, run.results
    order_id = plan.slots["order_id"]
    details, eligibility = _done(results, ORDER_DETAILS), _done(results, RETURN_ELIGIBILITY)
    if details is None:
        plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
    if eligibility is None:
        plan.reads.append({"name": RETURN_ELIGIBILITY, "args": {"order_id": order_id}})
    if plan.reads:
        return False
    assert details is not None and eligibility is not None
    if not (details.ok and eligibility.ok) or not isinstance(eligibility.data, dict):
        return False
    run.order = details.data if isinstance(details.data, dict) else None
    hint = str(plan.slots.get("item_hint") or "")
    said = f"{hint} {run.text}"
    counted = items_counted(said)
    every_counted = counted is not None and counted == len(details.data.get("items", []))
    whole_said = bool(_EVERY_ITEM.search(said) or _THE_ORDER_ITSELF.search(said) or every_counted)
    # The request's own words, for items named without "the" or "my" ("refund earbuds", "Rucksack zurückgeben"):
    # this message, and what was said before the order was found ("refund earbuds" before they verified).
    request = [run.text, str(plan.slots.get("order_hint") or "")]
    # ... unless the whole order was said ("return the whole order, the coffee maker stopped working", "everything
    # except coffee maker"): an item named beside it says why or what stays, never that it alone goes. ("Both" is
    # no whole order: "refund both coffee maker and jacket" of four items names two.)
    whole_order = whole_said and not all(m.group(0).lower() in _TWO for m in _EVERY_ITEM.finditer(said))
    request = [] if whole_order else request
    args = _return_args(details.data, eligibility.data, hint, plan.slots.get("products", []), plan.similar, request)
    if args is None:
        # One thing named that several of the order's items answer to ("the camera": an action camera and a
        # digital one): which of them is theirs to say, never all of them.
        run.ask(slot)
        return False
    proposed = _proposed_ids(plan, details.data) if run.state.repair == Repair.correction else []
    # What is taken out is read in the words that named the items: the phrases' words, or with none the request's own
    # (items the order's names found there, or the whole order: "everything except coffee maker").
    words = hint if hint.strip() else ". ".join(t for t in [run.text, str(plan.slots.get("order_hint") or "")] if t)
    if not narrow_return_items(args, details.data, eligibility.data, words, proposed, whole_said):
        # Every item in play was taken out ("remove all of them", "except the lamp" of a one-item order), or only
        # what stays was said: which items, then?
        run.ask(slot)
        return False
    # Only for an order the customer named for it (one still in hand from another request is no order to cancel),
    # and only for all of it, to where it was paid from: a cancellation can do no less.
    named = any(order_mention(words, order_id) for words in (run.text, last_text(run.state)))
    # (Final-sale items are left out of "every returnable item", but a cancellation takes them too.)
    final_sale = {i.get("item_id") for i in eligibility.data.get("items", []) if i.get("final_sale")}
    every_item = {i.get("item_id") for i in (run.order or {}).get("items", [])}
    whole = not args["named_items"] and set(args["item_ids"]) | final_sale == every_item
    pending = eligibility.data.get("status") == "pending"
    if pending and named and whole and not plan.slots.get("payment") and _cancel_instead(run, order_id):
        return False
    told_of_a_fault = str(plan.slots.get("reason") or "").replace(" ", "_") in FAULTS
    unnamed = not args["named_items"] and len(args["item_ids"]) > 1 and not whole_said
    some_counted = counted is not None and not every_counted
    if unnamed and (told_of_a_fault or plan.slots.get("some_item") or _SOME_ITEM.search(said) or some_counted):
        # "My order arrived damaged", then "my money back"; "I need to return something from one of my orders":
        # which of its items goes back is theirs to say, not every item of the order.
        run.ask(slot)
        return False
    if eligibility.data.get("eligible") and (args["item_ids"] or args["named_items"]):
        # The refund goes where the customer says ("to my gift card"), among where the shop's rules let it go; with
        # a choice left and none said, they are asked (a refund put silently on the wrong method is theirs to undo).
        method = _refund_method(run, details.data)
        if method is None:
            plan.slots["order_items"] = remembered_items(details.data)
            return False
        args["payment_method_id"] = method
        # Named items that are not on the order still go to the tool, whose refusal says so.
        run.values[slot.name] = args
        # What is proposed, for a reply that adds to it ("add the dumbbell set too").
        ids = set(args["item_ids"])
        items = details.data.get("items", [])
        names = [str(i.get("name")) for i in items if i.get("item_id") in ids]
        plan.slots["order_items"] = remembered_items(details.data)
        plan.slots["proposed_items"] = list(dict.fromkeys([*names, *args["named_items"]]))
        return True
    return False


# Of the words for every item, those that say two of them, not the order's all.
_TWO = frozenset({"both", "beide"})


def _proposed_ids(plan: Plan, order: dict[str, Any]) -> list[str]:
    """The items of the order the lapsed proposal returned (kept by name): what a correction narrows."""
    names = set(plan.slots.get("proposed_items") or [])
    return [str(i.get("item_id")) for i in order.get("items", []) if str(i.get("name")) in names]


def narrow_return_items(
    args: dict[str, Any],
    order: dict[str, Any],
    eligibility: dict[str, Any],
    words: str,
    proposed: list[str],
    whole_said: bool,
) -> bool:
    """The return's items without those the customer's words take out of it, sentence by sentence: a correction
    that narrows the items ("only the backpack and the kettle", "the mouse stays with me", "remove the mouse",
    "I'll keep the lamp") changes the proposal, never puts it again unchanged. What is taken out is read against the
    items in play: those the words name and, at a correction, those proposed (so "remove the mouse" keeps the rest
    of the proposal). With nothing in play left, every other returnable item ("return my order, the lamp stays with
    me", "everything except the mouse") -- only when every item or the order itself was said: a customer who named
    only what stays ("I'm keeping the mouse") has not said what goes, and is asked. Changes args in place; False
    when nothing is left to return."""
    items = order.get("items", [])
    ids = [str(i) for i in args["item_ids"]]
    in_play = list(dict.fromkeys([*proposed, *ids]))
    out = left_out_items(items, words, in_play) if in_play else set()
    if not out:
        return True
    final_sale = {str(i.get("item_id")) for i in eligibility.get("items", []) if i.get("final_sale")}
    returnable = [str(i.get("item_id")) for i in items if str(i.get("item_id")) not in final_sale]
    kept = [i for i in ids if i not in out] or [i for i in proposed if i not in out]
    if not kept and whole_said and not proposed:
        kept = [i for i in returnable if i not in out]
    if not kept:
        return False
    chosen = [i for i in items if str(i.get("item_id")) in set(kept)]
    args["item_ids"] = [i.get("item_id") for i in chosen]
    args["named_items"] = list(dict.fromkeys(str(i.get("name")) for i in chosen))
    return True


def _cancel_instead(run: Run, order_id: str) -> bool:
    """Money back for an order that has not shipped ("I'd rather not receive it at all and get my money back", read
    as a return): it comes by cancelling the order, as the refund procedure's own switch does. The cancellation is
    planned in the return's place, with a word on why."""
    cancel = run.procedures.procedures.get("cancel_order")
    if cancel is None or not cancel.enabled:
        return False
    run.procedure = cancel
    run.plan.intent = cancel.name
    run_procedure(run, GROUNDINGS)
    if run.plan.notice is None:
        run.plan.notice = {"code": "refund_means_cancel", "order_id": order_id}
    return True


def _return_args(
    order: dict[str, Any],
    eligibility: dict[str, Any],
    wanted: str,
    phrases: list[str],
    similar: Similarity | None = None,
    request: list[str] | None = None,
) -> dict[str, Any] | None:
    """The items the customer named (by name, synonym, options or meaning, in this message or before, e.g. before
    they were verified), or every returnable item when they named none; refund to the original payment. A named item
    is never swapped for another: "return the earrings" passes the earrings (final sale, so the tool refuses) and the
    tool checks the ids against the names passed; words that name nothing on the order go to the tool as said, whose
    refusal says so. What the customer keeps out ("everything except the backpack") is taken out after, by
    narrow_return_items. None when one thing named stands for several items alike, to be told apart by the
    customer."""
    final_sale = {i["item_id"] for i in eligibility.get("items", []) if i.get("final_sale")}
    items = order.get("items", [])
    mentioned = [m for m in [wanted, *phrases] if m.strip()]
    # A one-item order is matched too: "return the camera" must name what it holds, or the tool says it does not.
    chosen = matching_items(items, mentioned, similar) if mentioned else []
    if not chosen and not any(p.strip() for p in phrases):
        # No phrase the product reader knows ("refund earbuds", "Earbuds - refund please", "den Rucksack
        # zurückgeben"): the order's own item names are read in the request's words, as a change of items does;
        # only an order of several items (a one-item order would match any words).
        chosen = [] if len(items) < 2 else next((found for t in request or [] if (found := named_items(items, t))), [])
    if _one_named_as_several(items, phrases, similar):
        return None
    grounded = bool(chosen)
    named: list[str] = []
    if not chosen:
        # Nothing of the order named: the phrases, as said (the tool refuses what the order does not hold), or
        # every returnable item.
        named = [p for p in phrases if p.strip()]
        chosen = [] if named else [i for i in items if i.get("item_id") not in final_sale]
    # Several units of one variant: all of them go back.
    chosen = [i for i in items if i.get("item_id") in {c.get("item_id") for c in chosen}]
    if grounded:
        # The names of the items the customer's words found: the tool checks the ids against them.
        named = list(dict.fromkeys(str(i.get("name")) for i in chosen))
    return {
        "order_id": order.get("order_id"),
        "item_ids": [i.get("item_id") for i in chosen],
        "payment_method_id": original_payment_method(order),
        "named_items": named,
    }


# Words that take every item a thing's name stands for ("both cameras", "all the watches", "beide Kameras").
_EACH_OF_THEM = re.compile(r"\b(?:both|all|each|every|two|three|four|beide\w*|alle\w*)\b", re.IGNORECASE)


def _one_named_as_several(items: list[dict[str, Any]], phrases: list[str], similar: Similarity | None) -> bool:
    """Whether a thing the customer named ("the camera", "the watch") stands for several different products of the
    order, none of them named better, and not as all of them ("both cameras")."""
    for phrase in phrases:
        if not phrase.strip() or _EACH_OF_THEM.search(phrase):
            continue
        names = {str(i.get("name")) for i in matching_items(items, [phrase], similar)}
        if len(names) > 1:
            return True
    return False


# ------------------------------------------------------------------------------- grounding kinds of the procedures
# Each grounds one slot of a declared procedure (graph/procedures/builtin.yaml, a shop's own): True when grounded
# (its value in run.values), False when this turn's plan is complete (a read first, a question, a notice).
GROUNDINGS: dict[str, Grounding] = {
    "order": _ground_order,
    "listed_order": _ground_listed_order,
    "order_lookup": _ground_order_lookup,
    "order_item": _ground_order_item,
    "return_items": _ground_return_items,
    "target_variants": _ground_target_variants,
    "difference_payment": _ground_difference_payment,
    "payment_method": _ground_payment_method,
    "address": _ground_address,
    "account_owner": _ground_account_owner,
    "cancel_reason": _ground_cancel_reason,
    "voucher_code": _ground_voucher_code,
    "goodwill_amount": _ground_goodwill_amount,
    "goodwill_reason": _ground_goodwill_reason,
    "amount": _ground_amount,
    "choice": _ground_choice,
    "remedy": _ground_remedy,
    "free_text": _ground_free_text,
}

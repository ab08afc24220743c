"""The goodwill and voucher kinds, and the generic kinds a shop's own procedure declares (an item, free text, an amount,
a remedy, a choice).
"""

from __future__ import annotations

import re
from typing import Any

from graph.llm.dialogue.identity import _identity_call
from graph.llm.dialogue.names import DEFAULT_GOODWILL, FIND_BY_EMAIL, FIND_BY_NAME_ZIP
from graph.llm.dialogue.plan import _done
from graph.llm.dialogue.remedies import asks_how_to_fix, named_remedy
from graph.llm.matching import matching_items
from graph.procedures.interpreter import Run, ask_code
from graph.procedures.schema import Slot


def _ground_goodwill_amount(run: Run, slot: Slot) -> bool:
    """The amount named, else the slot's default within the profile's goodwill limit (the tool checks it again)."""
    default = float(slot.options.get("default") or DEFAULT_GOODWILL)
    limit = float(run.profile.refunds.goodwill_max_amount) if run.profile is not None else default
    run.values[slot.name] = float(run.plan.slots.get("amount") or min(default, limit))
    return True


def _ground_goodwill_reason(run: Run, slot: Slot) -> bool:
    run.values[slot.name] = str(run.plan.slots.get("goodwill_reason") or slot.options.get("default") or "")
    return True


def _ground_voucher_code(run: Run, slot: Slot) -> bool:
    plan = run.plan
    identity = _identity_call(plan.slots) if run.state.customer is None else None
    if identity and not (_done(run.results, FIND_BY_EMAIL) or _done(run.results, FIND_BY_NAME_ZIP)):
        # A personal voucher is only shown to its owner: verify first when the customer has told us who they are.
        plan.reads.append(identity)
        return False
    code = plan.slots.get("voucher_code")
    if not code:
        run.ask(slot)
        return False
    run.values[slot.name] = code
    return True


# The generic kinds: what a shop's own procedure collects. Their values are remembered across turns in
# slots["procedure_values"] (a new request starts without them).


def _remembered(run: Run, slot: Slot) -> Any:
    return (run.plan.slots.get("procedure_values") or {}).get(slot.name)


def _remember(run: Run, slot: Slot, value: Any) -> None:
    run.plan.slots["procedure_values"] = {**(run.plan.slots.get("procedure_values") or {}), slot.name: value}
    run.values[slot.name] = value


def _answer(run: Run, slot: Slot) -> str:
    """The customer's answer to our question for this slot, or "" when this turn answers no such question."""
    answer = run.plan.slots.get("procedure_answer") or {}
    return str(answer.get("text") or "") if answer.get("code") == ask_code(run.procedure, slot) else ""


def _ground_order_item(run: Run, slot: Slot) -> bool:
    """One item of the order in hand, by its name, type or options in the customer's words (this answer, or said
    before); an order of one product needs no question."""
    items = list((run.order or {}).get("items", []))
    remembered = _remembered(run, slot)
    found = next((i for i in items if remembered and i.get("item_id") == remembered.get("item_id")), None)
    if found is None:
        named = [str(run.plan.slots.get("item_hint") or ""), *run.plan.slots.get("products", [])]
        named.append(_answer(run, slot))
        chosen = matching_items(items, [n for n in named if n.strip()], run.plan.similar)
        if len({str(i.get("name")) for i in chosen}) != 1 and len({str(i.get("name")) for i in items}) == 1:
            chosen = items
        if len({str(i.get("name")) for i in chosen}) != 1:
            run.ask(slot)
            return False
        found = chosen[0]
    _remember(run, slot, {k: found.get(k) for k in ("item_id", "name", "options", "product_id")})
    return True


def _ground_free_text(run: Run, slot: Slot) -> bool:
    """What the customer answers to the slot's question, as they said it."""
    value = _remembered(run, slot) or _answer(run, slot)
    if not value:
        run.ask(slot)
        return False
    _remember(run, slot, value)
    return True


def _ground_amount(run: Run, slot: Slot) -> bool:
    value = _remembered(run, slot) or run.plan.slots.get("amount")
    if not value:
        run.ask(slot)
        return False
    _remember(run, slot, float(value))
    return True


def _ground_remedy(run: Run, slot: Slot) -> bool:
    """Money back or a new unit for the faulty item, as the customer asks for it (this message or earlier)."""
    value = _remembered(run, slot) or named_remedy(run.text)
    if not value:
        if run.plan.slots.get("remedy_asked") and asks_how_to_fix(run.text):
            # A question of how to fix it: nothing we can do from here but take it back or send a new one.
            run.plan.notice = {"code": "cannot_fix_here", "name": _faulty_item_name(run)}
        run.plan.slots["remedy_asked"] = True
        run.ask(slot)
        return False
    _remember(run, slot, value)
    if value == "exchange":
        # A new unit for a faulty one: their own variant again, unless they name other options.
        run.plan.slots["faulty_unit"] = True
    return True


def _faulty_item_name(run: Run) -> str:
    items = (run.order or {}).get("items") or []
    named = matching_items(items, [str(run.plan.slots.get("item_hint") or ""), *run.plan.slots.get("products", [])])
    return str(named[0].get("name")) if len(named) == 1 else ""


def _ground_choice(run: Run, slot: Slot) -> bool:
    """One of the slot's choices, named in the customer's words (this message or an earlier one of the request)."""
    value = _remembered(run, slot)
    if not value:
        choices = [str(choice) for choice in slot.options.get("choices") or []]
        said = [c for c in choices if re.search(rf"\b{re.escape(c)}\b", run.text, re.IGNORECASE)]
        value = said[0] if len(said) == 1 else None
    if not value:
        run.ask(slot)
        return False
    _remember(run, slot, value)
    return True

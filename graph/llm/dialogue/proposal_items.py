"""The items of the proposal in hand as facts a customer supposes: "still the art theme, right?", "that's the one
with the blue strap, correct?", "immer noch in 1,5 Liter, oder?".

A check of an item is read against the proposal's own items: their names, their options as they are and (for a
change) as they become, and the other values their options come in. It comes out true when every value said is what
the proposal makes of the item, false when one is another value of the same option, and undecided when one is only
what the item is now and the change replaces ("the blue one?" may name the item or suppose what it becomes): a yes
given beside a check that is not true writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.state import SupportState

# The words a check of an item is said with, beside its names and values: "still the X one, right?", "that's the one
# with X, correct?", "noch immer die X-Variante, oder?".
_SAID_WITH = re.compile(
    r"\b(?:so|ok(?:ay)?|still|right|correct|yes|yeah|then|the|a|an|one|ones|with|that'?s|it'?s|its|it|is|that|this"
    r"|in|of|for|and|new|version|variant|model|item|we'?re|talking|about|i|mean|just|to|be|gonna|going|will|stays?"
    r"|will|would|get|getting|order|sure|fine|alright|great|perfect"
    r"|noch|immer|weiterhin|mit|der|die|das|den|dem|des|ein|eine|einen|richtig|stimmt|stimmt'?s|oder|ja|also|es|ist"
    r"|sie|gell|doch|neue[nmrs]?|neu|und|dann|variante|version|modell|artikel|bleibt|wird|bestellung|gut|passt|klar)\b",
    re.IGNORECASE,
)
# What a word's contraction adds ("it'll", "that's", "stimmt's"): nothing a check turns on.
_CONTRACTED = re.compile(r"['’](?:ll|s|re|d|ve|m)\b", re.IGNORECASE)
# A no laid on the item ("not the red one, right?"): the proposal does not answer it as asked.
_NOT = re.compile(r"\b(?:not|no|never|isn'?t|aren'?t|won'?t|doesn'?t|nicht|kein\w*|nie)\b|n'?t\b", re.IGNORECASE)


@dataclass(frozen=True)
class ProposedItem:
    """One item of the proposal: its name, its options now, what they become (None when it does not change), the
    values each option comes in, and the line of the proposal that shows it."""

    name: str
    now: dict[str, str]
    becomes: dict[str, str] | None
    values: dict[str, list[str]] = field(default_factory=dict)
    line: str = ""


def proposed_items(state: SupportState) -> tuple[ProposedItem, ...]:
    """The items the proposal in hand acts on (every item of the order for a write on the whole order), as read
    from the order in focus and the variants the proposal swaps them for."""
    pending = state.pending_action or {}
    args = pending.get("args") or {}
    slots = state.dialogue.get("slots") or {}
    order_items = [i for i in slots.get("order_items") or [] if isinstance(i, dict)]
    if args.get("order_id") and slots.get("order_id") and str(slots["order_id"]) != str(args["order_id"]):
        return ()  # the order in focus is not the one proposed: its items say nothing of the proposal
    ids = [str(i) for i in args.get("item_ids") or []]
    new_ids = [str(i) for i in args.get("new_item_ids") or []]
    becomes = dict(zip(ids, new_ids, strict=False))
    views = slots.get("swap_views") or {}
    known = slots.get("item_option_values") or {}
    lines = [str(line) for line in (pending.get("preview") or {}).get("details") or []]
    found = []
    for item in order_items:
        item_id = str(item.get("item_id"))
        if ids and item_id not in ids:
            continue
        name = str(item.get("name") or "")
        view = views.get(f"{item_id}>{becomes[item_id]}") if item_id in becomes else None
        new = {str(k): str(v) for k, v in (view.get("options") or {}).items()} if isinstance(view, dict) else None
        if item_id in becomes and new is None:
            return ()  # a change whose new version we cannot read: nothing is told as checked
        values = {str(k): [str(v) for v in vs] for k, vs in (known.get(item_id) or {}).items()}
        now = {str(k): str(v) for k, v in (item.get("options") or {}).items()}
        # Its line of the proposal, or (a write on the whole order lists no items) the item as the order has it.
        as_it_is = f"{name} ({', '.join(f'{k} {v}' for k, v in now.items())})" if now else name
        line = next((line for line in lines if name and line.lower().startswith(name.lower())), as_it_is)
        found.append(ProposedItem(name, now, new, values, line))
    return tuple(found)


def _phrase(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(words)}(?![\w.])", re.IGNORECASE)


def supposes_items(question: str, items: tuple[ProposedItem, ...]) -> bool:
    """The question says nothing but names and option values of the proposal's items, and the words a check is
    said with ("still the 1.5 liters one, right?"), and says at least one of them."""
    rest, said = question, False
    for item in items:
        phrases = [item.name, *item.now.values(), *(item.becomes or {}).values()]
        phrases += [value for values in item.values.values() for value in values]
        for phrase in sorted({p for p in phrases if p}, key=len, reverse=True):
            rest, count = _phrase(phrase).subn(" ", rest)
            said = said or bool(count)
        # A word of the item's name ("the kettle" for the Tea Kettle) names it as well as the whole name.
        for word in re.findall(r"\w{3,}", item.name):
            rest, count = _phrase(word).subn(" ", rest)
            said = said or bool(count)
        # The options' own names ("the capacity", "color") say which option, no fact of it.
        for option in sorted(item.now, key=len, reverse=True):
            rest = _phrase(option).sub(" ", rest)
    rest = _NOT.sub(" ", _SAID_WITH.sub(" ", _CONTRACTED.sub(" ", rest)))
    return said and not re.sub(r"[\W_]+", "", rest)


def item_holds(question: str, items: tuple[ProposedItem, ...]) -> bool | None:
    """Whether the proposal makes the items what the question supposes: True when every option value said is what
    an item of it is or becomes, False when one is a value no item of it is or becomes, None when one is only what
    an item is now and the change replaces, or a no is laid on it."""
    if _NOT.search(question):
        return None
    outcomes: list[bool | None] = []
    for item in items:
        for option, values in {**{k: [v] for k, v in item.now.items()}, **item.values}.items():
            for value in {*values, item.now.get(option, ""), (item.becomes or {}).get(option, "")}:
                if not value or not _phrase(value).search(question):
                    continue
                after = (item.becomes or item.now).get(option)
                if value == after:
                    outcomes.append(True)
                elif value == item.now.get(option):
                    outcomes.append(None)  # what it is now, and the change replaces it
                else:
                    outcomes.append(False)
    if False in outcomes:
        return False
    return None if None in outcomes else True


def shown_lines(items: tuple[ProposedItem, ...]) -> str:
    """The proposal's lines for its items, as the customer was shown them."""
    return "; ".join(dict.fromkeys(item.line for item in items if item.line))

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

from graph.llm.matching import named_items, options_in
from graph.nlu.option_words import reads_german
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


# Where one clause of a restatement ends: "glass, 5 ft, brown, plus the white mouse", "shelf: glass. mouse: white".
_CLAUSE = re.compile(r"[.;:!?]+\s*|,\s*|\s+(?:and|plus|but|with|und|sowie)\s+", re.IGNORECASE)


def values_said(text: str, items: tuple[ProposedItem, ...]) -> dict[int, dict[str, str]]:
    """The option values said for each changing item of the proposal: a value goes to the item its clause names
    (the clauses after a name are about it, until another item is named). Clauses where no item is named are about
    the one item whose product alone has some value said there ("glass, 5 ft, white" is the bookshelf's when the
    mouse comes in no glass and no height, though it comes in white); when none or several are, a value goes only
    to the one item that has it."""
    named = [{"item_id": str(n), "name": item.name} for n, item in enumerate(items)]
    changing = [n for n, item in enumerate(items) if item.becomes is not None and item.values]
    # Each clause with the item named last before or in it (None before any, or where several are named at once).
    runs: list[tuple[int | None, list[dict[int, dict[str, str]]]]] = []
    owner: int | None = None
    # German value words are values where the whole message is German, not where a clause of it looks so.
    german = reads_german(text)
    for clause in (c for c in _CLAUSE.split(text) if c and c.strip()):
        here = named_items(named, clause)
        if here:
            owner = int(here[0]["item_id"]) if len({i["name"] for i in here}) == 1 else None
        found = {n: options_in(clause, items[n].values, items[n].now, german=german) for n in changing}
        if runs and runs[-1][0] == owner and not here:
            runs[-1][1].append(found)
        else:
            runs.append((owner, [found]))
    said: dict[int, dict[str, str]] = {}
    for owner, clauses in runs:
        if owner is None:
            alone = {
                n
                for found in clauses
                for n, values in found.items()
                for value in values.values()
                if [m for m, vs in found.items() if value.lower() in (v.lower() for v in vs.values())] == [n]
            }
            owner = alone.pop() if len(alone) == 1 else None
        for found in clauses:
            for n, values in found.items():
                for key, value in values.items():
                    having = [m for m, vs in found.items() if value.lower() in (v.lower() for v in vs.values())]
                    if n == owner or (owner not in having and having == [n]):
                        said.setdefault(n, {})[key] = value
    return said


def said_otherwise(item: ProposedItem, values: dict[str, str]) -> bool:
    """Values said of a changing item differ from what the proposal makes of it: one is neither what it becomes nor
    what it is ("white" for a shelf proposed brown), or, beside a value it becomes ("glass, 5 ft"), one is what it is
    now and the change replaces ("brown" when it is proposed white). Its own values alone describe which item is
    meant ("the brown one"); values that agree with the proposal restate it."""
    becomes = {k.lower(): v.lower() for k, v in (item.becomes or {}).items()}
    now = {k.lower(): v.lower() for k, v in item.now.items()}
    pairs = [(k.lower(), v.lower()) for k, v in values.items() if k.lower() in becomes]
    if any(v not in (becomes.get(k), now.get(k)) for k, v in pairs):
        return True
    restates_new = any(v == becomes.get(k) != now.get(k) for k, v in pairs)
    keeps_old = any(v == now.get(k) != becomes.get(k) for k, v in pairs)
    return restates_new and keeps_old


def contradicts_items(text: str, items: tuple[ProposedItem, ...]) -> bool:
    """The message says of a changing item of the proposal something else than what the proposal makes of it: a
    restatement that differs is a correction, however it ends ("glass, 5 ft, brown, plus the white mouse. Go
    ahead" to a white shelf)."""
    return any(said_otherwise(items[n], values) for n, values in values_said(text, items).items())

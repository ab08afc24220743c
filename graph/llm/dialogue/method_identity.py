"""Whether two names of a payment method mean the same one of the customer's: "is the card ending 1374 my mastercard?".

Customers know their cards by different names: the brand ("my mastercard"), the kind ("my credit card") and the
digits a proposal shows ("visa ending 9182"). Asked at a proposal, such a question is no check of what the proposal
says (its method is shown, and restating it answers nothing) nor a change of it: it asks whether the two names meet
in one method on file. It is answered from the customer's own methods, each name read on its own, and the proposal
keeps waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.llm.matching import matching_methods, payment_mention
from graph.nlu.segment import sentences

# Where a question sets one name of a method against another: "A the same (card) as B", "A and B the same?", "is A
# my B", "A dieselbe Karte wie B", "ist A meine B". The second name follows the joint.
_SAME_AS = re.compile(
    r"\b(?:(?:the\s+)?same\s+(?:\w+\s+)?as|identical\s+to|(?:die|das|der)\s*(?:selbe|gleiche)\w*\s+(?:\w+\s+)?wie)\b",
    re.IGNORECASE,
)
_BOTH_SAME = re.compile(
    r"\b(?:and|und)\b(?=.*\b(?:the\s+same|identical|(?:die|das|der)\s*(?:selbe|gleiche)\w*)\b)", re.IGNORECASE
)
_IS_MY = re.compile(r"\b(?:(?:also|actually|really|just)\s+)?(?:my|meine?[nmrs]?)\b", re.IGNORECASE)
# The question form that sets two names side by side: its clause opens with a verb of being ("is ...", "hang on, is
# ...", "ist ...").
_OPENS_AS_IS = re.compile(
    r"(?:^|[,;:-])\W*(?:(?:so|and|but|wait|hm+|ok(?:ay)?|also)[\s,]+)*(?:is|are|ist|sind)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class SameMethod:
    """The answer to whether two names mean one method: `holds` is True when both name the same single method of
    theirs, False when they name different ones, None when one of them names none of theirs (`missing`) or more than
    one; `first` is the method the first name means (its label), `second` the labels the second name can mean."""

    holds: bool | None
    first: str
    second: tuple[str, ...]


def _sides(question: str) -> tuple[str, str] | None:
    """The two names a question sets against each other, each as its own words; None when it sets none."""
    if joint := _SAME_AS.search(question):
        return question[: joint.start()], question[joint.end() :]
    if both := _BOTH_SAME.search(question):
        return question[: both.start()], question[both.end() :]
    if _OPENS_AS_IS.search(question):
        for my in _IS_MY.finditer(question):
            if my.start() > 0:
                return question[: my.start()], question[my.start() :]
    return None


def compared_names(text: str) -> tuple[dict[str, str], dict[str, str]] | None:
    """The two names of payment methods a question of the message sets against each other ("is the visa ending 9182
    the same as my mastercard?"), each naming a method of its own; None when no question does."""
    for question in sentences(text):
        if not question.rstrip().endswith("?"):
            continue
        sides = _sides(question)
        if sides is None:
            continue
        first, second = (payment_mention(side) for side in sides)
        if first and second and _precise(first) and _precise(second) and first != second:
            return first, second
    return None


def _precise(mention: dict[str, str]) -> bool:
    """A name that picks a method out by itself: PayPal, a gift card, a brand, digits, an id. "That card" and "my
    credit card" name a kind, which the proposal's own check answers ("is that my credit card?")."""
    return mention.get("kind") in ("paypal", "gift_card") or any(mention.get(k) for k in ("id", "last_four", "brand"))


def asks_if_the_same(text: str) -> bool:
    """A question whether two names of a payment method mean the same one of theirs."""
    return compared_names(text) is not None


def same_method(text: str, methods: list[dict[str, Any]]) -> SameMethod | None:
    """The question read against the customer's methods; None when it compares none, or its first name means no
    single method of theirs (the list of their methods answers that)."""
    names = compared_names(text)
    if names is None:
        return None
    first = matching_methods(methods, names[0])
    if len(first) != 1:
        return None
    second = matching_methods(methods, names[1])
    labels = tuple(str(m.get("label") or "") for m in second)
    label = str(first[0].get("label") or "")
    if not second:
        return SameMethod(None, label, ())
    if first[0] in second:
        return SameMethod(True if len(second) == 1 else None, label, labels)
    return SameMethod(False, label, labels)

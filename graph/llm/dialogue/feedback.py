"""Feedback and complaints that ask for nothing: acknowledged, noted for the team, and an unspecific complaint about
an order asked about.

"You should fix that checkout page", "the packaging was awful", "your driver was lovely", "not happy with one of my
orders": none is a question for the knowledge, and searching it answered a random passage or "I don't have reliable
information". A remark is thanked for and noted; a complaint that names no order and says nothing of what went wrong
is asked about (what happened, which order), so that what they need can follow.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from graph.nlu.general import asks_something
from graph.nlu.keywords import not_a_complaint
from shopdesk.i18n import _

# One of the customer's orders as a whole ("one of my orders", "my last delivery", "something I bought"), not the
# shop's ordering (a remark on "your order confirmation emails" or "the order page" is about the shop).
_ABOUT_AN_ORDER = re.compile(
    r"\b(?:my|one\s+of\s+my|an?|the|last|latest|recent)\s+(?:\w+\s+)?(?:orders?|purchases?|parcels?|packages?|"
    r"deliver(?:y|ies)|bestellung(?:en)?|paket)\b(?!\s+(?:confirmation|e-?mails?|page|form|process|system|button))"
    r"|\b(?:something|stuff|things?|what|everything|the\s+(?:last\s+)?(?:thing|item|stuff))\s+(?:that\s+)?I\s+"
    r"(?:ordered|bought|got|purchased|received)\b|\bwas\s+ich\s+bestellt\b",
    re.IGNORECASE,
)
# The intent model's readings of a remark.
FEEDBACK_INTENTS = frozenset({"feedback", "complaint"})
Kind = Literal["praise", "criticism", "vague_order", "item_problem"]


# What a remark never holds: a wish or a search ("I'm looking for boots", "ich suche Wanderschuhe"), a budget ("only
# $140 though") — a request said without a question mark, for the dialogue to serve.
_WISH_OR_BUDGET = re.compile(
    r"\b(?:looking\s+for|search(?:ing)?\s+for|i\s+(?:need|want|would\s+like|'d\s+like)|budget|afford|spend"
    r"|suche|brauche|möchte|hätte\s+gern)\b|[$€£]\s?\d|\d\s?(?:[$€£]|dollars?|euros?|bucks)\b",
    re.IGNORECASE,
)


def is_remark(intent: str, sentiment: float, text: str) -> bool:
    """A remark (praise, criticism, a complaint) that asks nothing: no question, no wish or budget in it; a complaint
    or criticism only when its tone is negative ("the packaging was fine, no complaints" is neither)."""
    if intent not in FEEDBACK_INTENTS or asks_something(text) or _WISH_OR_BUDGET.search(text):
        return False
    if not_a_complaint(text):
        return sentiment > 0.3  # "no complaints, the driver was lovely": praise
    return intent == "feedback" or sentiment < 0.0


def remark_kind(intent: str, sentiment: float, text: str, entities: dict[str, Any]) -> Kind:
    """What the remark is: a problem with something received ("the boots came too small": its remedies are asked),
    a complaint about an order that names neither the order nor what went wrong ("not happy with one of my orders":
    both are asked), praise, or criticism of anything else (noted for the team)."""
    if entities.get("reasons"):
        return "item_problem"
    if intent == "complaint" and not entities.get("order_ids") and _ABOUT_AN_ORDER.search(text):
        return "vague_order"
    if intent == "feedback" and sentiment > 0.3:
        return "praise"
    return "criticism"


def acknowledgement(kind: str) -> str:
    """What the customer reads for each kind of remark."""
    if kind == "vague_order":
        return _("I'm sorry to hear that. What went wrong, and which order is it about?")
    if kind == "item_problem":
        return _(
            "I'm sorry about that. Would you like to return it for a refund, or exchange it for another size or colour?"
        )
    if kind == "praise":
        return _("Thank you, that's kind of you to say! I've noted it for our team.")
    return _(
        "I'm sorry about that, and thank you for telling us: I've noted it for our team. Is there anything I can "
        "help you with right now?"
    )

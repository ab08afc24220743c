"""Questions about the shop's return and refund rules, answered from the shop's own profile, not a passage search.

"Can I still get a full refund though I rode it once and it's chipped?", "will the refund go to my paypal?", "how
long until I see the money?": asked during a return, before one, or on their own. Searched in the documents, the
nearest FAQ story answered ("I wore my boots once..."), or a refund-timing paragraph answered a condition question,
and the proposal was put again beside an answer that said no. Each shop states these rules in its profile
(``returns:``: the condition, whether used items are taken back, what a faulty item gets, the refund methods and
their timing), so the answer is reasoned from them, and whether the return goes on follows from the same rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from graph.nlu.general import asks_something
from shopdesk.i18n import _
from shopdesk.profile import ShopProfile

# The item has been used: worn, ridden, washed, assembled... ("I rode it once", "wore them twice", "after using it").
_USED = re.compile(
    r"\b(?:used|using|wore|worn|wearing|rode|ridden|riding|washed|washing|tried\s+(?:it|them)\s+out|"
    r"assembled|played\s+with|slept\s+in|hiked\s+in|ran\s+in|camped\s+with|cooked\s+with|drove|driven|"
    r"(?:took|taken)\s+(?:it|them)\s+(?:out|outside|camping|hiking))\b"
    r"|\b(?:benutzt|getragen|gewaschen|gefahren)\b",
    re.IGNORECASE,
)
# Not the item's use: "I used my card", "used to", "a used one" said of something else is rare enough; "unused" is
# the rule itself, not a statement about the item.
_NOT_USE = re.compile(r"\b(?:used\s+to|used\s+(?:my|a|the)\s+(?:card|paypal|code|voucher|gift\s+card|coupon))\b", re.I)
# The item is damaged or faulty, however it got so.
_DAMAGED = re.compile(
    r"\b(?:chipped|scratched|scuffed|cracked|dented|torn|ripped|stained|broken|broke|damaged|faulty|defective|"
    r"bent|snapped|split|frayed|leaks?|leaking|peeling|doesn'?t\s+work|won'?t\s+(?:work|turn\s+on|start)|"
    r"not\s+working|stopped\s+working|kaputt|beschädigt|defekt)\b",
    re.IGNORECASE,
)
# The question is whether it can come back, or for how much.
_RETURNABLE = re.compile(
    r"\b(?:return|send\s+(?:it|them)\s+back|refund|money\s+back|take\s+(?:it|them)\s+back|accept|"
    r"zurück(?:geben|schicken)?|erstattung|erstattet)\w*",
    re.IGNORECASE,
)
# Where the money goes: "will the refund go to my paypal?", "does the money go back on my card?".
_REFUND_WORDS = r"(?:refund(?:ed|s)?|money|reimburse(?:d|ment)?|erstattung|geld)"
_WHERE_TO = re.compile(
    rf"\b{_REFUND_WORDS}\b[^.?!]{{0,40}}\b(?:go(?:es|ing)?|sent|paid|come|back|credited|land)\b[^.?!]{{0,20}}"
    r"\b(?:to|on|onto|into|in)\b"
    rf"|\bwhich\s+(?:card|method|account)\b[^.?!]{{0,30}}\b{_REFUND_WORDS}\b"
    rf"|\b{_REFUND_WORDS}\b[^.?!]{{0,30}}\b(?:to|on|onto)\s+(?:my|the)\s+(?:paypal|card|credit\s+card|visa|"
    r"mastercard|amex|gift\s+card|bank|account)\b",
    re.IGNORECASE,
)
# How long: "how long until I see the money?", "how soon is the refund back?", "how many days for a refund?".
_HOW_LONG = re.compile(
    r"\b(?:how\s+(?:long|soon|quickly|fast)|how\s+many\s+(?:business\s+)?days|wie\s+lange|wann)\b", re.IGNORECASE
)
_MONEY_BACK = re.compile(
    rf"\b{_REFUND_WORDS}\b|\bsee\s+(?:the|my|it)\b|\b(?:back|show\s+up|appear|arrive)\b", re.IGNORECASE
)

Asked = Literal["condition", "method", "timing"]


@dataclass(frozen=True)
class RulesQuestion:
    """What the customer asks of the rules: whether an item in the state they describe can come back
    (``condition``), where a refund goes (``method``) or how long it takes (``timing``)."""

    asked: Asked
    used: bool = False
    damaged: bool = False


def rules_question(text: str) -> RulesQuestion | None:
    """The message asks a question of the return and refund rules, as defined above, or None."""
    if not asks_something(text):
        return None
    used = bool(_USED.search(text)) and not _NOT_USE.search(text)
    damaged = bool(_DAMAGED.search(text))
    if (used or damaged) and _RETURNABLE.search(text):
        return RulesQuestion("condition", used=used, damaged=damaged)
    if _HOW_LONG.search(text) and _MONEY_BACK.search(text) and re.search(_REFUND_WORDS + r"|\bsee\b", text, re.I):
        return RulesQuestion("timing")
    if _WHERE_TO.search(text):
        return RulesQuestion("method")
    return None


def allows(question: RulesQuestion, profile: ShopProfile) -> bool:
    """Whether the shop's rules take the item back in the state the customer describes. A used item that is also
    damaged is taken back when the shop takes used items; otherwise only if the damage was there on arrival, which
    the customer has not said: the answer explains both, and nothing is returned on a guess."""
    if question.asked != "condition":
        return True
    return profile.returns.used_items_returnable or not question.used


def condition_answer(question: RulesQuestion, profile: ShopProfile) -> str:
    """Whether the item can come back, from the shop's own condition rules, said plainly."""
    returns = profile.returns
    if returns.used_items_returnable:
        # A shop whose rules set no condition on the item's state: what the customer did with it changes nothing.
        return _(
            "Yes. Our rules set no condition on the state of a returned item, so an item from a delivered order can "
            "be returned even after it's been used or damaged, and the refund is the price you paid for it."
        )
    parts = []
    if question.used:
        parts.append(
            _(
                "A used item can't be returned as a regular return, I'm afraid: returned items must be {condition}, "
                "and used ones are refused when we inspect the return.",
                condition=profile.say(returns.condition),
            )
        )
        if returns.faulty_items_free and question.damaged:
            parts.append(
                _(
                    "If it was already damaged or faulty when it arrived, that's different: it comes back free of "
                    "charge, for a replacement or a full refund including the original shipping."
                )
            )
        if returns.warranty:
            parts.append(_("A defect that shows up with normal use is covered by our warranty instead."))
    elif returns.faulty_items_free:
        parts.append(
            _(
                "Yes. A damaged or faulty item can be returned free of charge, for a replacement or a full refund "
                "including the original shipping."
            )
        )
    else:
        parts.append(_("Yes. A damaged or faulty item from a delivered order can be returned for a refund."))
    return " ".join(parts)


def method_answer(profile: ShopProfile, paid_with: str | None, order_id: str | None) -> str:
    """Where a refund goes under the shop's rules, and for the order in focus, the method it was paid with."""
    gift_card = "gift_card" in profile.returns.refund_methods
    if paid_with and order_id:
        if gift_card:
            return _(
                "Order {order_id} was paid with {method}, so its refund goes back there, or to a gift card if you "
                "prefer.",
                order_id=order_id,
                method=paid_with,
            )
        return _(
            "Order {order_id} was paid with {method}, so its refund goes back there.",
            order_id=order_id,
            method=paid_with,
        )
    if gift_card:
        return _("A refund goes back to the payment method you paid with, or to a gift card if you prefer.")
    return _("A refund goes back to the payment method you paid with.")


def timing_answer(profile: ShopProfile) -> str:
    """How long a refund takes to reach the customer, from the shop's profile."""
    return _(
        "Once a refund is issued, it takes {days} to show up on a card or PayPal account; a refund to a gift card is "
        "there at once.",
        days=profile.say(profile.returns.refund_processing_days),
    )


def describes_pending_return(name: str) -> bool:
    """A proposal whose refund these rules decide: a return (an exchange or a cancellation refunds no item)."""
    return name == "return_items"

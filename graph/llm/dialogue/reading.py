"""The policy's finer reading of a request than the classifier's intent, and whether the shop's procedures serve it."""

from __future__ import annotations

import re

from graph.llm.addresses import looks_like_address
from graph.llm.dialogue.names import (
    CHANGE_DEFAULT_ADDRESS,
    CHANGE_ITEMS,
    CHANGE_PAYMENT,
    FAULTS,
    GOODWILL,
    IDENTIFY,
    NOT_GOODWILL,
    VOUCHER_CHECK,
)
from graph.llm.dialogue.plan import last_text
from graph.llm.dialogue.remedies import named_remedy
from graph.llm.matching import asks_for_goodwill, payment_mention, voucher_code
from graph.nlu.address_source import address_source, changes_default_address
from graph.nlu.billing import tells_of_a_wrong_charge
from graph.procedures.loader import procedures_for
from graph.procedures.reading import procedure_reading
from graph.state import SupportState
from shopdesk.profile import ShopProfile


def refine(understood: str, state: SupportState) -> str:
    """The classifier's intent, read more finely from the message: which change, a code to check, a goodwill ask."""
    text = last_text(state)
    entities = state.understanding.get("entities", {})
    goodwill_asked = asks_for_goodwill(text, entities.get("reasons", []))
    if goodwill_asked and understood not in NOT_GOODWILL:
        return GOODWILL
    if understood in _MONEY_BACK_READINGS and tells_of_a_wrong_charge(text):
        # "I was charged twice, refund the double charge": a billing problem, not money back for the order (no
        # cancellation, no return); the order is shown and a person offered.
        return "payment_issue"
    if understood == "discount_voucher" and voucher_code(text):
        return VOUCHER_CHECK
    faulty = bool(set(entities.get("reasons") or []) & FAULTS)
    remedy = named_remedy(text) if faulty and understood in _REMEDY_READINGS else None
    if remedy is not None:
        # A fault with the remedy the customer names: money back is a return, a new unit an exchange, however the
        # intent model read the words ("the kettle is faulty, just give me a refund" read as an exchange, "my lamp
        # broke, I want a replacement" as a refund). No remedy named: the fault's remedies are offered (repair.py).
        return _REMEDY_REQUESTS[remedy]
    source = address_source(text)
    if understood == "change_address":
        # "Update my default address", not "ship my pending order to my default address" (where it comes from).
        default = changes_default_address(text) and not entities.get("order_ids")
        return CHANGE_DEFAULT_ADDRESS if default else understood
    # A verb of a change in any of its forms: "can the payment method be changed to my visa?", "switching to PayPal".
    paying = re.search(
        r"\b(pay|paid|put|switch\w*|use|instead|chang(?:e|ed|es|ing)|charge|move|(?:be)?zahl\w*|ändern|wechseln|umstellen)\b",
        text,
        re.IGNORECASE,
    )
    names_an_item = bool(entities.get("options") or entities.get("products"))
    if understood in ("change_order", "exchange_request") and names_an_item:
        # "The watch with a blue dial instead, and the difference on my credit card": an item change that says
        # where its difference goes (the payment slot), not a change of how the whole order is paid.
        return CHANGE_ITEMS
    if understood in ("change_order", "payment_issue", "exchange_request") and payment_mention(text) and paying:
        # "Charge the difference to my other card", "I still want the exchange, paid with my visa": the method pays
        # for an item change, it does not change how the order was paid.
        return CHANGE_ITEMS if _PAYS_FOR_AN_ITEM_CHANGE.search(text) else CHANGE_PAYMENT
    changing = re.search(
        r"\b(?:chang(?:e|ed|es|ing)|switch\w*|updat(?:e|ed|es|ing)|instead|different(?:ly)?|another|other)\b",
        text,
        re.IGNORECASE,
    )
    if understood in ("change_order", "payment_issue") and changing and _HOW_IT_IS_PAID.search(text):
        # "I need to change the payment method on #W1", "can I pay for it another way?": how the order is paid.
        return CHANGE_PAYMENT
    if understood in ("change_order", "exchange_request") and (
        entities.get("options") or understood == "exchange_request"
    ):
        return CHANGE_ITEMS
    if understood == "change_order" and entities.get("products"):
        return CHANGE_ITEMS
    # The address a change of the order is about: one written out with a word that moves the order or names its
    # address ("the shipping address: 12 Elm St, ..." answers "what would you like to change?"), or one taken from
    # another order or the account ("ship it to the same address as #W2"; `graph.nlu.address_source`).
    moving = re.search(r"\b(ship|send|deliver|change|update|address|adresse|lieferadresse)\b", text, re.IGNORECASE)
    if understood in ("change_order", "order_status") and (source or (moving and looks_like_address(text))):
        return "change_address"
    return understood


# Readings that move money back for an order or change how it is paid, which a charge taken wrongly asks for
# neither.
_MONEY_BACK_READINGS = frozenset(
    {
        "refund_request",
        "return_request",
        "cancel_order",
        "change_order",
        "exchange_request",
        "refund_status",
        "payment_issue",
        CHANGE_PAYMENT,
    }
)
# Readings of a fault that guess a remedy, and the request each remedy named is.
_REMEDY_READINGS = frozenset({"return_request", "exchange_request", "refund_request", "change_order"})
_REMEDY_REQUESTS = {"return": "return_request", "exchange": "exchange_request"}

# A method named for what the change in hand may cost: "if there's anything to settle", "should anything be owed",
# "for any difference", "whatever it costs", "if anything needs paying".
_PAYS_WHAT_IS_OWED = re.compile(
    r"\b(?:settle|owed?|owing|due|difference|differenz|aufpreis|extra|costs?|pay(?:ing)?\s+for\s+(?:it|that|this)"
    r"|needs?\s+(?:paying|to\s+be\s+paid)|anything|whatever)\b",
    re.IGNORECASE,
)
# A method named for the change asked beside it: a word pointing back at that change ("for that", "charge it to"),
# or what the money is for ("to cover it", "for the upgrade", "since it's pricier", "dafür"). It pays that change;
# it does not change how the whole order was paid ("for that order" does: the order is named, not the change).
_PAYS_FOR_THE_CHANGE_BESIDE = re.compile(
    r"\bfor\s+(?:it|that|this)\b(?!\s+(?:order|purchase|#))"
    r"|\b(?:charge|put|bill)\s+(?:it|that|this)\s+(?:to|on)\b"
    r"|\bcover(?:s|ing)?\b"
    r"|\bfor\s+the\s+(?:upgrade|change|swap|exchange|replacement|new\s+\w+)\b"
    r"|\b(?:more\s+expensive|pricier)\b"
    r"|\bdafür\b|\bdecken\b",
    re.IGNORECASE,
)
# The kinds of payment method in a customer's words, to tell one method named (what pays) from two (a switch).
_METHOD_WORDS = re.compile(r"\b(?:paypal|visa|mastercard|amex|gift\s*card|credit\s*card|debit\s*card|apple\s*pay)\b")
# How an order is paid, named without naming a method: "the payment method", "pay another way", "what I paid with".
_HOW_IT_IS_PAID = re.compile(
    r"\b(?:payment\s+(?:method|option|type|card)|(?:pay|paid|paying)\s+(?:for\s+(?:\S+\s+){1,3})?"
    r"(?:with|by|using|another\s+way|differently|some\s+other\s+way)|how\s+(?:i|it)\s+(?:pay|paid|is\s+paid)"
    r"|zahlungs(?:art|methode|mittel))\b",
    re.IGNORECASE,
)
_PAYS_FOR_AN_ITEM_CHANGE = re.compile(
    r"\b(?:exchang\w*|swap\w*|replac\w*|(?:price\s+)?difference|umtausch\w*|tausch\w*|differenz|aufpreis)\b",
    re.IGNORECASE,
)


def serves(intent: str, profile: ShopProfile | None = None) -> bool:
    """Whether an enabled procedure of the shop carries out this request (the gate sends it to the tools)."""
    if intent == GOODWILL and profile is not None and profile.refunds.goodwill_max_amount <= 0:
        # A shop whose policy gives no goodwill credit (tau-bench's): a coupon or compensation asked for is its own
        # request, answered from the shop's rules (not done here, a person if they like), never read as a change of
        # the order in hand and never tried with the tool only to be refused.
        return False
    return intent != IDENTIFY and procedures_for(profile).for_intent(intent) is not None


def reads_as_shop_procedure(state: SupportState, profile: ShopProfile | None = None) -> bool:
    """The message is closer in meaning to an example of one of the shop's own procedures than to any example of the
    intent bank: a clear request, however unsure the intent model (which has no such intent) is."""
    return procedure_reading(last_text(state), procedures_for(profile)) is not None

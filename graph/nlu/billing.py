"""A charge the customer says was taken wrongly: "I was charged twice", "refund the double charge", "doppelt abgebucht".

Money asked back for a charge is a billing problem, not money back for an order: nothing of the order is to be
cancelled or returned, and none of the shop's writes corrects a charge (a person checks the payments). The refund
words in it ("refund the duplicate charge") say what the customer wants of that charge, not of the order.
"""

from __future__ import annotations

import re

_WRONG_CHARGE = re.compile(
    # Money taken more than once, told as done: "charged twice", "billed two times", "debited double", "paid it twice",
    # "you're charging me twice". A battery "charging twice a day" takes no money: the present tense counts only with
    # the customer as its object.
    r"\b(?:(?:charg|bill|debit|invoic)ed|(?:charg|bill|debit|invoic)ing\s+(?:me|us|my\s+(?:card|account|paypal))\b)"
    r"(?:\s+[\w#]+){0,4}?\s+(?:twice|two\s+times|double|2\s*x|more\s+than\s+once)\b"
    r"|\bpaid\s+(?:for\s+)?(?:it\s+|this\s+|that\s+)?(?:twice|two\s+times|double)\b"
    # The charge itself named as wrong: "the double charge", "a duplicate payment", "an extra transaction". A "second
    # payment method" or "an extra payment option" is a way to pay, not money taken.
    r"|\b(?:double|duplicated?|doubled|repeated)\s+(?:charges?|payments?|billing|transactions?|debits?)\b"
    r"(?!\s+(?:methods?|options?|types?|cards?|details|plans?|means)\b)"
    r"|\b(?:second|extra)\s+(?:charges?|transactions?|debits?)\b"
    r"|\bovercharg\w*"
    # German: "doppelt abgebucht", "zweimal belastet", "die doppelte Abbuchung".
    r"|\b(?:doppelt|zweimal|zwei\s+mal)\s+(?:\w+\s+){0,3}?(?:abgebucht|belastet|berechnet|bezahlt|gezahlt|abgezogen"
    r"|eingezogen)\b|\bdoppelte[nr]?\s+(?:abbuchung|belastung|zahlung|berechnung)\b",
    re.IGNORECASE,
)
# An act on the order asked for in so many words stays the request ("I was charged twice, just cancel the order").
_ACT_ON_THE_ORDER = re.compile(
    r"\b(?:cancel\w*|storn\w*)\b|\b(?:return|send\s+back)\s+(?:it|them|the|this|my\s+(?!money))", re.IGNORECASE
)


def tells_of_a_wrong_charge(text: str) -> bool:
    """The message tells of a charge taken wrongly (twice, double, too much) and asks for no act on the order."""
    return bool(_WRONG_CHARGE.search(text)) and not _ACT_ON_THE_ORDER.search(text)

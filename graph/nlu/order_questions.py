"""Whether a message asks about the order in hand itself: what is in it, or what it was paid with.

"What's in that order again?" or "which card did I pay for it with?" while a cancellation or a return waits for a yes
asks for facts of the customer's own order, not for the help pages and not for a change: the answer comes from the
order as the shop's records have it, and the proposal keeps waiting. The question is read from its structure: a
question (by its mark or its opening) whose subject is the order or its purchase ("that order", "it", "I ordered",
"I paid") and whose object is its contents or its payment, never the shop's rules ("which payment methods do you
take?") nor a product ("what's in the box of the blender?").
"""

from __future__ import annotations

import re
from typing import Literal

from graph.nlu.general import asks_something
from graph.nlu.segment import sentences

OrderQuestion = Literal["contents", "payment"]

# The order itself, as the customer points at it: "that order", "my order", "the order", "it", "#W1234567".
_THE_ORDER = r"(?:(?:that|this|the|my|our)\s+(?:\w+\s+)?order|it|them|#?\s*w\d{5,}|order\s+#?\s*w?\d{5,})"
# After "what did I order/get": the question ends there, or points at the order ("in that order", "on #W…"); "what
# do I get if I return it", "what did I get wrong", "what did I order from you last year" ask something else.
_ENDS_AT_THE_ORDER = rf"(?=\s*(?:[?.!,;]|$|(?:again|there|exactly|then)\b|(?:in|on|with)\s+{_THE_ORDER}\b))"
# What is in it: "what's in that order", "which items are in it again", "what did I order", "what was on it".
_CONTENTS = re.compile(
    rf"\b(?:what|which)(?:'s|\s+is|\s+was|\s+were|\s+are)?\s+(?:\w+\s+){{0,2}}?(?:in|on|inside)\s+{_THE_ORDER}\b"
    r"(?!\s+for\s+(?:me|us|you|them)\b)"
    rf"|\b(?:what|which)\s+(?:items?|things?|products?|stuff|exactly)\s+(?:\w+\s+){{0,3}}?(?:in|on)\s+{_THE_ORDER}\b"
    r"|\bwhat\s+(?:exactly\s+)?(?:did|do|have)\s+(?:i|we)\s+(?:order|buy|purchase|get)(?:ed)?\b"
    + _ENDS_AT_THE_ORDER
    + r"|\bwhat\s+(?:items?|things?|products?)\s+(?:did|do|have)\s+(?:i|we)\s+(?:order|buy|purchase|get)\b"
    + _ENDS_AT_THE_ORDER
    + rf"|\bwhat\s+does\s+{_THE_ORDER}\s+(?:contain|include|have\s+in\s+it)\b"
    rf"|\b(?:items?|contents?)\s+(?:of|in|on)\s+{_THE_ORDER}\b"
    rf"|\bhow\s+much\s+(?:was\s+{_THE_ORDER}|did\s+(?:i|we)\s+pay)\b"
    r"(?!\s+(?:for\s+)?(?:the\s+)?(?:shipping|postage|delivery|(?:return\s+)?labels?|returns?)\b)"
    rf"|\bwhat\s+(?:was|is)\s+(?:the\s+)?(?:total|amount|price)\s+(?:of|for|on)\s+{_THE_ORDER}\b",
    re.IGNORECASE,
)
# "What's in it for me if I wait?", "what would I get if I returned it": a question on a condition, not the contents.
_ON_A_CONDITION = re.compile(r"\b(?:if|unless|when)\s+(?:i|we|you)\b", re.IGNORECASE)
# What it was paid with: "what did I pay with", "which card was that order paid with", "how did I pay for it",
# "what payment method did I use for it".
_PAYMENT = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+){0,2}?(?:did|do)\s+(?:i|we)\s+(?:originally\s+|first\s+)?pay\s+(?:\w+\s+){0,3}?"
    r"(?:with|on|by)\b"
    r"|\bhow\s+did\s+(?:i|we)\s+(?:originally\s+|first\s+)?pay\b(?!\s+(?:for\s+)?(?:shipping|the\s+label|return))"
    r"|\b(?:what|which)\s+(?:card|method|payment(?:\s+method)?|account)\s+(?:was|were|did|is)\s+(?:\w+\s+){0,3}?"
    r"(?:paid|pay|used|charged|billed)\b"
    r"|\b(?:what|which)\s+(?:card|method|payment(?:\s+method)?)\s+(?:did|do)\s+(?:i|we)\s+use\b"
    rf"|\b(?:paid|charged|billed)\s+(?:for\s+)?(?:{_THE_ORDER}\s+)?(?:with|on|to)\s+(?:what|which)\b"
    rf"|\bwhat\s+(?:was|is)\s+{_THE_ORDER}\s+(?:paid|charged|billed)\s+(?:with|on|to)\b",
    re.IGNORECASE,
)
# A question that goes on to ask us to change the payment ("which card did I use? put it on paypal instead") is a
# change, read by the procedures.
_CHANGE = re.compile(r"\b(?:instead|switch|change|swap|use\s+my|put\s+it\s+on|charge\s+(?:it\s+to|my))\b", re.I)


def asks_about_their_order(text: str) -> OrderQuestion | None:
    """What the message asks about the customer's own order, or None: "payment" for what it was paid with,
    "contents" for what is in it (items, options, amounts)."""
    if not asks_something(text) or _CHANGE.search(text):
        return None
    asked = [s for s in sentences(text) if asks_something(s)] or [text]
    if any(_PAYMENT.search(sentence) for sentence in asked):
        return "payment"
    if any(_CONTENTS.search(sentence) and not _ON_A_CONDITION.search(sentence) for sentence in asked):
        return "contents"
    return None

"""Questions of what the proposed act reaches and when: "this only cancels that one order and not the other?", "and
it's definitely cancelled right away after this?", "storniert das nur diese eine Bestellung?".

Before the yes, customers check that the act touches only the order in hand and that it takes effect at once. Both
are facts of the proposal itself: every write we propose acts on one order, and a cancellation or a change of a
pending order takes effect the moment it runs. So such a question is answered from the proposal, not the knowledge;
a yes given on it ("if so, yes") is a yes to what was shown. When the question names another order than the
proposal's, or asks when of an act that only starts something (a return, an exchange) or of its money (a refund takes
its own time, shown in the proposal), it is no check this module settles.
"""

from __future__ import annotations

import re
from typing import Any

from graph.nlu.payment_words import METHOD_NAMES

# "Only that one order", "just this one", "not the other", "none of my other orders", "nur diese Bestellung", "nicht
# die andere"; or the order only by its number ("this only cancels #W123?", "just #W123 and nothing else?").
_SCOPE = re.compile(
    r"\b(?:only|just|solely|nur|lediglich|ausschließlich)\b[^?.!]{0,40}(?:\b(?:order|one|bestellung|eine)\b|#?\bW\d{5,})"
    r"|\b(?:not|nothing|none|nicht|keine?)\b[^?.!]{0,20}\b(?:other|else|andere\w*|sonst)\b"
    r"|\b(?:other|andere\w*)\s+(?:orders?|one|bestellung\w*)\s+(?:stays?|is|are|bleib\w*)\b",
    re.IGNORECASE,
)
# The scope is of orders only when the question speaks of orders: "only the garden hose and not the other item?"
# checks the items (a cancellation takes every item of its order), which this module cannot confirm.
_OF_ORDERS = re.compile(r"\b(?:orders?|bestellung\w*)\b|#?\bW\d{5,}\b", re.IGNORECASE)
# "Right away", "immediately", "sofort": when the act takes effect.
_AT_ONCE = re.compile(
    r"\b(?:right\s+(?:away|now)|immediately|straight\s+away|at\s+once|instantly|sofort|direkt|umgehend|gleich)\b",
    re.IGNORECASE,
)
# The money's own time or a condition: a refund takes the days the proposal shows; "only if", "unless" lay terms on it.
_NOT_THE_ACT = re.compile(
    r"\b(?:refund\w*|money|charg\w*|paid|pay|credit|erstatt\w*|geld|gutschrift|if|unless|wenn|falls)\b|[$€£]",
    re.IGNORECASE,
)
# A question for information ("which order does it cancel?", "when is it done?") supposes nothing to check.
_ASKS_TO_BE_TOLD = re.compile(r"\b(?:which|what|when|how|welche\w*|wann|wie)\b", re.IGNORECASE)
_ORDER_ID = re.compile(r"#?\b(W\d{5,})\b", re.IGNORECASE)
# Acts that are done, whole, when they run (a return or an exchange only starts when it runs).
_AT_ONCE_ACTS = frozenset(
    {"cancel_order", "modify_order_items", "modify_order_address", "modify_order_payment", "modify_default_address"}
)


# "Can I undo it if I change my mind?", "if I cancel, can I reverse it later?", "is there a way back afterwards?",
# "kann ich das rückgängig machen?": whether the act can be taken back once it is done. ("Will you take it back?" asks
# whether the shop takes an item back: a return, not this.)
_UNDO = re.compile(
    r"\b(?:undo|undone|revers\w*|un-?cancel\w*|reinstat\w*|revok\w*|way\s+back|back\s+out"
    # "Go back on it" takes the act back; "go back on my visa" is the money's way back to a method.
    rf"|go\s+back\s+on(?!\s+(?:(?:my|the|your|that|this|a)\s+)?(?:{METHOD_NAMES})\b)"
    r"|(?:what\s+)?if\s+i\s+change\s+my\s+mind|rückgängig|widerruf\w*|zurücknehm\w*|zurückzunehmen"
    r"|es\s+mir\s+anders\s+überleg\w*)\b",
    re.IGNORECASE,
)
# Acts that stay done once they run: no act of ours takes them back. A cancelled order stays cancelled; a return or an
# exchange marks the order as requested, and a delivered order is exchanged, or its items changed, only once.
_FINAL_ACTS = frozenset({"cancel_order", "return_items", "exchange_items", "modify_order_items"})
# Acts that are not taken back but can be done again: a pending order's payment or address can be changed again while
# it is pending (back to the old one too), and the default address at any time.
_DONE_AGAIN_ACTS = frozenset({"modify_order_payment", "modify_order_address", "modify_default_address"})


def asks_to_undo(question: str) -> bool:
    """The question asks whether the act can be taken back once done ("can I reverse it later?")."""
    return bool(_UNDO.search(question))


def undo_answer(question: str, preview: dict[str, Any]) -> tuple[str, bool | None, str] | None:
    """The answer to a question whether the proposed act can be undone, as (fact, holds, value): "undo" with the
    act, for an act that stays done once it runs or one that can be done again (a payment or address change); None
    for another act, or a question of another kind. It is told, never a fact the customer supposed: no yes stands
    on it."""
    action = str(preview.get("action") or "")
    if not asks_to_undo(question) or action not in _FINAL_ACTS | _DONE_AGAIN_ACTS:
        return None
    return ("undo", None, action)


def _scopes_orders(question: str) -> bool:
    return bool(_SCOPE.search(question) and _OF_ORDERS.search(question))


def supposes_reach(question: str) -> bool:
    """The question supposes the act reaches only the order in hand, or takes effect at once, and says no more of
    money or terms."""
    return bool(
        (_scopes_orders(question) or _AT_ONCE.search(question))
        and not _NOT_THE_ACT.search(question)
        and not _ASKS_TO_BE_TOLD.search(question)
    )


def reach_holds(question: str, preview: dict[str, Any]) -> tuple[str, bool | None, str] | None:
    """The check the question makes of the proposal's reach, as (fact, holds, value): "scope" with the proposal's
    order (holds unless it names another order, then told), "timing" (holds for an act done when it runs); None when
    the question makes no such check, or asks when of an act that only starts something."""
    if not supposes_reach(question):
        return None
    action = str(preview.get("action") or "")
    order = str((preview.get("args") or {}).get("order_id") or "")
    if _scopes_orders(question):
        if not order:
            return None
        named = {f"#{m.upper()}" for m in _ORDER_ID.findall(question)}
        return ("scope", True if named <= {order.upper()} else None, order)
    return ("timing", True, "") if action in _AT_ONCE_ACTS else None


def reach_answered(text: str, action: str, order: str) -> list[tuple[str, bool | None, str]]:
    """The checks of reach that hold in a message whose yes was taken ("yes. and it's cancelled right away?"), for the
    act just done on `order`: what the answer to them says beside the result."""
    preview = {"action": action, "args": {"order_id": order}}
    found = [reach_holds(part, preview) for part in re.split(r"(?<=\?)", text) if part.strip().endswith("?")]
    return [check for check in found if check is not None and check[1] is True]

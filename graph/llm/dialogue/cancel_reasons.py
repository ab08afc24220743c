"""A reason to cancel the shop cannot record: the customer's own answer to "why would you like to cancel?".

The shop records two reasons ("no longer needed", "ordered by mistake"). Customers answer "why?" in their own words
("because of your spam emails", "I found it cheaper elsewhere", "weil ich umgezogen bin"). Such a statement answers
our question: it is no new request, no complaint to hand over and no reason to repeat the question word for word.
The words that clearly mean one of the two are read as it by the reason reader (`graph.nlu.entities`); the rest is
answered by saying which two reasons can be recorded and asking which fits.
"""

from __future__ import annotations

from typing import Any

from graph.llm.dialogue.names import CANCEL_REASONS
from graph.nlu.acts import first_named_act
from graph.nlu.confirmation import drops_the_request, gives_a_yes, only_acknowledges, says_only_no, wants_nothing_more
from graph.nlu.drops import dropped_requests
from graph.nlu.general import asks_something, hangs_on_the_shop


def gives_another_reason(text: str, entities: dict[str, Any]) -> bool:
    """After "why would you like to cancel?", a statement that is neither a question, a take-back, an order, nor
    another request: the customer's own reason, not one the shop records."""
    if len(text.split()) < 2 or asks_something(text) or hangs_on_the_shop(text):
        return False
    if any(reason in CANCEL_REASONS for reason in entities.get("reasons", [])) or entities.get("order_ids"):
        return False
    if drops_the_request(text) or dropped_requests(text) or wants_nothing_more(text):
        return False
    if only_acknowledges(text) or gives_a_yes(text) or says_only_no(text):
        return False  # "ok then", "sure", "no": taking in what we said, or a yes or no, is no reason
    return first_named_act(text) in (None, "cancel_order")

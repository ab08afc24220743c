"""A request asked before the customer said who they are, answered from the shop's rules, carried on once they do:
"can the puzzle I got still be returned for a full refund?", answered in general, then "I'm ana@example.com".

A question about a thing of theirs asked before verification is answered from the rules (nothing of theirs can be
looked at yet). When their next message only says who they are, they want it looked at for their own order: the
request the question names is carried on with its own words (the item and order it names), as if it had been asked
after verification. A question that names no thing of theirs ("how long do refunds take?") carries nothing: after
verification we ask what they need.
"""

from __future__ import annotations

from graph.llm.dialogue.identity import asks_beside_identity
from graph.llm.dialogue.names import ABOUT_AN_ORDER, IDENTITY_ONLY_READINGS, PERSONAL_INTENTS
from graph.nlu.schema import Understanding
from graph.state import SupportState


def only_says_who(understanding: Understanding) -> bool:
    """The message gives an identity fact (an email, a name, a zip code) and asks for nothing beside it."""
    told = understanding.entities
    facts = bool(told.emails or told.names or told.zip_codes)
    beside = told.order_ids or told.products or told.options
    return (
        facts
        and not beside
        and understanding.intent in IDENTITY_ONLY_READINGS
        and not asks_beside_identity(understanding.text, told.model_dump())
    )


def waits_for_no_answer(state: SupportState) -> bool:
    """Nobody is verified, nothing is proposed, and we asked for nothing (a request waiting for the identity we
    asked for goes on by itself): the last question was answered in general."""
    return not state.customer and not state.pending_action and not state.dialogue.get("awaiting")


def request_asked(earlier: Understanding) -> str | None:
    """The request a message asked before verification names, read as one of their orders' (a policy question about
    a thing of theirs is that request: "can the puzzle still be refunded?" a return), when it names the thing (an
    item or an order); None otherwise."""
    intent = ABOUT_AN_ORDER.get(earlier.intent, earlier.intent)
    if intent not in PERSONAL_INTENTS:
        return None
    named = earlier.entities.products or earlier.entities.order_ids
    return intent if named else None

"""An order named as a comparison or a source ("similar to #W2", "the same reason as #W2", "like the one in #W2") is
not the order acted on, when the message names another; and order ids without an email, a name or a zip say nothing
about who the customer is."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.nlu.entities import shared_entities
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.nlu import Analyse
from tests.support.people import conversation, people, say


@pytest.mark.parametrize(
    ("text", "acted_on"),
    [
        ("Could #W1112223 be sent by express, similar to #W4445556?", ["#W1112223"]),
        ("Similar to #W4445556, I'd want #W1112223 to arrive quicker", ["#W1112223"]),
        ("cancel W1112223 please, the same reason as order W4445556", ["#W1112223"]),
        ("#W1112223 should come in blue, like the one in #W4445556", ["#W1112223"]),
        ("refund #W1112223 to my paypal as you did with #W4445556", ["#W1112223"]),
        ("return #W1112223 rather than #W4445556", ["#W1112223"]),
        # Orders acted on together stay so; a wish is no comparison; a lone order is the one acted on.
        ("cancel #W1112223 as well as #W4445556", ["#W1112223", "#W4445556"]),
        ("I'd like #W4445556 and #W1112223 both cancelled", ["#W4445556", "#W1112223"]),
        ("the same as #W4445556", ["#W4445556"]),
        ("do the same for #W4445556", ["#W4445556"]),
    ],
)
def test_an_order_named_as_a_comparison_is_not_acted_on(text: str, acted_on: list[str]) -> None:
    assert shared_entities(text).order_ids == acted_on


@pytest.mark.parametrize(
    "text",
    [
        "#W1112223 came much quicker than #W4445556, why?",
        "W1112223 shipped by express, same as W4445556",
        "is #W1112223 going out today like #W4445556 did",
    ],
)
def test_order_ids_in_a_sentence_are_no_identity(analyse: Analyse, text: str) -> None:
    assert analyse(text).intent != "verify_identity"


async def test_the_compared_order_is_never_the_one_cancelled(tau_app: Settings) -> None:
    person = next(
        p for p in people(tau_app.shop_database_url) if sum(o.status is OrderStatus.pending for o in p.orders) >= 2
    )
    first, second = [o for o in person.orders if o.status is OrderStatus.pending][:2]
    said = f"Just like the one in {first.id}, please cancel {second.id}, I ordered it by accident"
    async with conversation(tau_app) as (chat, _):
        reply = await say(chat, "compared", said, context=Context(customer_id=person.id))
    assert reply.status == "awaiting_confirmation", reply.text
    assert second.id in reply.text and first.id not in reply.text

"""A request taken back in a clause of its own, and something else asked in the same message (dialogue friction,
class 5).

Played customers wrote "ok forget the cancellation then, just change the address" after a cancellation was refused,
and the refusal came again: the message was read as the cancellation it names. A clause that only takes a request
back ("never mind cancelling.", "forget the return,") is read as the segment of a request taken back, and what the
rest asks for is the reading. Sentences written after the change.
"""

from __future__ import annotations

import pytest

from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.nlu import Analyse
from tests.support.people import conversation, people, say


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("alright, never mind cancelling it. where is my parcel right now?", "order_status"),
        ("drop the exchange - I'd like to return it for my money back", "return_request"),
        ("no need for the address change anymore, please cancel the order", "cancel_order"),
    ],
)
def test_what_the_rest_asks_is_the_reading(analyse: Analyse, text: str, intent: str) -> None:
    assert analyse(text).intent == intent


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("forget returning it, I'll keep it", None),
        ("never mind the swap, how long does shipping take?", ["never mind the swap,", "how long does shipping take?"]),
        ("where is my order?", None),
    ],
)
def test_a_take_back_in_a_clause_of_its_own(text: str, split: list[str] | None) -> None:
    from graph.nlu.drops import split_at_take_back

    assert split_at_take_back(text) == split


async def test_a_refusal_is_not_repeated_for_a_request_taken_back(tau_app: Settings) -> None:
    def fits(customer: object) -> bool:
        statuses = {order.status for order in customer.orders}  # type: ignore[attr-defined]
        return OrderStatus.pending in statuses and OrderStatus.delivered in statuses

    person = people(tau_app.shop_database_url, fits)[0]
    delivered = next(o for o in person.orders if o.status is OrderStatus.delivered)
    pending = next(o for o in person.orders if o.status is OrderStatus.pending)
    async with conversation(tau_app) as (chat, _):
        refused = await say(chat, "taken-back", person.email, f"please cancel {delivered.id}")
        assert "can't be cancelled" in refused.text, refused.text
        turn = await say(chat, "taken-back", f"oh ok, never mind cancelling then. what's the status of {pending.id}?")
    assert "can't be cancelled" not in turn.text, turn.text
    assert pending.id in turn.text, turn.text

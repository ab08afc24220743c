"""An order described without its number, by its age among the ones that fit (the fix round on conversation repair).

Played customers said "the older one with the lamp", "my most recent order", "the one I just placed". The age is
said outright or compared among the orders the rest of the words fit; and words that picked the order in hand are
not read again, later in the same turn, as pointing at another order than it ("my older order with the skateboard"
found the order, then set it aside as "another order"). Sentences written for these tests after the change.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.llm.matching import ground_orders
from graph.nlu.entities import shared_entities
from shopdesk.settings import Settings
from tests.support.people import conversation, say

ORDERS: list[dict[str, Any]] = [
    {"order_id": "#W1", "status": "pending", "created_at": "2024-09-28", "items": ["Desk Lamp", "Tablet"]},
    {"order_id": "#W2", "status": "processed", "created_at": "2024-09-07", "items": ["Skateboard"]},
    {"order_id": "#W3", "status": "delivered", "created_at": "2024-09-04", "items": ["Desk Lamp", "Sneakers"]},
]


def _picked(text: str) -> list[str]:
    named = shared_entities(text)
    return [str(o["order_id"]) for o in ground_orders(ORDERS, text, named.order_ids, named.products)]


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("it's about the earlier order, the one with the desk lamp", ["#W3"]),
        ("the newer one that has the lamp in it", ["#W1"]),
        ("my more recent purchase with a lamp", ["#W1"]),
        ("the order I only just made", ["#W1"]),
    ],
)
def test_an_age_compared_picks_among_the_orders_that_fit(text: str, picked: list[str]) -> None:
    assert _picked(text) == picked, text


@pytest.mark.parametrize(
    "text",
    [
        "the one with the lamp",  # two fit, no age said: asked
        "the lamp I mentioned earlier",  # "earlier" of the mention, not of the order
        "the lamp order, as I said before",
    ],
)
def test_no_age_said_of_an_order_leaves_both(text: str) -> None:
    assert _picked(text) == ["#W1", "#W3"], text


async def test_an_order_picked_by_its_age_and_item_is_told(tau_app: Settings) -> None:
    context = Context(customer_id="olivia_ito_3591", shop_id="taubench")  # the skateboard only on #W5353646
    async with conversation(tau_app) as (chat, _graph):
        told = await say(chat, "a", "any news on my earlier order, the one with a skateboard in it?", context=context)
    assert "#W5353646" in told.text and "Which order" not in told.text, told.text


@pytest.mark.parametrize(
    "text",
    [
        "it's a copy of the more recent order, the one with the lamp",  # compared with, not meant
        "the lamp one, same as my older order",
        "a lamp order, my earlier order already has one",
    ],
)
def test_an_order_the_words_compare_with_picks_nothing(text: str) -> None:
    assert _picked(text) == ["#W1", "#W3"], text


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("I'd like the older one with the lamp", ["#W3"]),  # "like" of a wish, no comparison
        ("the lamp order, the earlier one rather than the newer one", ["#W3"]),
    ],
)
def test_the_age_said_of_the_order_meant_still_picks(text: str, picked: list[str]) -> None:
    assert _picked(text) == picked, text

"""One reader of what a request on items leaves out, for a return, a change of a pending order's items and an
exchange alike: the object of the words that keep an item out ("apart from the kettle", "the boots stay as they
are", "leave the lamp out"), never a keep-word about something else; a change of "every item" without one takes the
others, and nothing more than the customer said."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.dialogue.items import items_left_out, left_out_items
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import Person, conversation, people, say

_ITEMS = [
    {"item_id": "1", "name": "Desk Lamp", "options": {"color": "white"}},
    {"item_id": "2", "name": "Wireless Mouse", "options": {"color": "black"}},
    {"item_id": "3", "name": "Electric Kettle", "options": {"capacity": "1L"}},
    {"item_id": "4", "name": "Hiking Boots", "options": {"size": "9"}},
]
_ALL = ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("swap all of them except for the wireless mouse", {"2"}),
        ("please modify everything apart from the electric kettle", {"3"}),
        ("change every item, the hiking boots stay as they are", {"4"}),
        ("exchange the whole lot but leave the desk lamp out", {"1"}),
        ("I'm keeping my kettle as it is, the rest can change", {"3"}),
        ("send them all back other than the boots", {"4"}),
        ("all of it goes back, excluding the mouse", {"2"}),
    ],
)
def test_the_same_words_leave_an_item_out_of_any_request(text: str, out: set[str]) -> None:
    assert left_out_items(_ITEMS, text, _ALL) == out
    assert items_left_out(_ITEMS, text, _ALL) == out


@pytest.mark.parametrize(
    "text",
    [
        "swap the wireless mouse, I'm keeping the box though",
        "change the desk lamp, keep me posted on the kettle",
        "don't change the size of the hiking boots, only the colour",
    ],
)
def test_a_keep_word_about_something_else_leaves_no_item_out_of_a_change(text: str) -> None:
    assert left_out_items(_ITEMS, text, _ALL) == set()


@pytest.mark.parametrize(
    ("text", "out"),
    [
        # An option said in a clause of its own is a remark about the item kept, not an option left alone.
        ("send back everything except the desk lamp, its color is fine", {"1"}),
        ("I'm keeping the hiking boots since the size fits, return the rest", {"4"}),
        ("all of it goes back apart from the wireless mouse; I like the color", {"2"}),
        # In the clause of the keeping words, the option is what is left alone.
        ("I don't want the size of the hiking boots changed, only the lamp", {"2", "3", "4"}),
    ],
)
def test_an_option_said_in_another_clause_does_not_keep_the_item_in(text: str, out: set[str]) -> None:
    assert left_out_items(_ITEMS, text, _ALL) == out


def _order(person: Person, status: OrderStatus) -> Order | None:
    return next(
        (o for o in person.orders if o.status is status and len({i.name for i in o.items}) == len(o.items) >= 3),
        None,
    )


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (OrderStatus.pending, "I'd like to modify all the items in {o} apart from the {a}"),
        (OrderStatus.pending, "Change every item of {o}, the {a} stays as it is."),
        (OrderStatus.delivered, "could you exchange everything in {o} other than the {a}?"),
        (OrderStatus.delivered, "For {o} I want to swap all of them, but leave the {a} out of it"),
    ],
)
async def test_a_change_of_every_item_but_one_queues_the_others(
    tau_app: Settings, status: OrderStatus, text: str
) -> None:
    person = next(p for p in people(tau_app.shop_database_url) if _order(p, status))
    order = _order(person, status)
    assert order is not None
    left = order.items[1]
    async with conversation(tau_app) as (chat, graph):
        said = text.format(o=order.id, a=left.name.lower())
        reply = await say(chat, "all-but-one", said, context=Context(customer_id=person.id))
        values = (await graph.aget_state(chat.config("all-but-one"))).values
    queue = set(values["dialogue"]["slots"].get("item_queue") or [])
    assert queue == {i.variant_id for i in order.items} - {left.variant_id}, reply.text
    assert f"The {left.name} is available" not in reply.text

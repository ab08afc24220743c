"""What a return leaves out: only an item that is the object of the words that keep it ("keep the mouse", "the mouse
stays", "except the mouse"); a keep-word about something else ("I'm keeping the receipt") takes nothing out; every
other item is proposed only when every item or the order itself was said; "the 2 items" of a 2-item order is every
item, of a bigger order some of them (asked)."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.dialogue.items import left_out_items
from graph.llm.dialogue.slots import _SOME_ITEM, items_counted
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import Person, conversation, people, say

_ITEMS = [
    {"item_id": "1", "name": "Wireless Earbuds", "options": {}},
    {"item_id": "2", "name": "Water Bottle", "options": {}},
    {"item_id": "3", "name": "Bookshelf", "options": {}},
    {"item_id": "4", "name": "Desk Lamp", "options": {}},
]
_ALL = ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    "text",
    [
        "I want to return the wireless earbuds, I'm keeping the receipt.",
        "I want to return the wireless earbuds because it stays home all day unused",
        "the wireless earbuds is not sending any heat, return them",
        "return the earbuds, I'm keeping the box and the manual",
        "I'd like to send back the bookshelf since it just stays in the garage",
        "return the lamp and keep the warranty card",
        "keep the receipt and return the earbuds",
        "I'll keep you posted, the desk lamp has to go back",
        "please keep me posted about the desk lamp return",
        "I can't keep using the desk lamp, it flickers",
        "return the bookshelf, it doesn't stay upright",
        "return the water bottle, never mind the scratch on the lid",
        "keep in mind the bookshelf arrived scratched, I want my money back for it",
        "I'm keeping my fingers crossed that the earbuds refund is quick",
    ],
)
def test_a_keep_word_about_something_else_takes_no_item_out(text: str) -> None:
    assert left_out_items(_ITEMS, text, _ALL) == set()


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Keep the desk lamp", {"4"}),
        ("the lamp stays with me", {"4"}),
        ("everything except the water bottle", {"2"}),
        ("return everything but not the bookshelf", {"3"}),
        ("without the bookshelf please", {"3"}),
        ("not the lamp, the earbuds", {"4"}),
        ("never mind the water bottle", {"2"}),
        ("I'd rather keep the water bottle", {"2"}),
        ("the bookshelf won't be returned", {"3"}),
        ("all but the bookshelf", {"3"}),
        ("the lamp isn't going back", {"4"}),
        ("I only want to return the lamp", {"1", "2", "3"}),
    ],
)
def test_the_object_of_the_keep_words_is_taken_out(text: str, out: set[str]) -> None:
    assert left_out_items(_ITEMS, text, _ALL) == out


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("I'd like to return the 2 items in my order", 2),
        ("return these three things", 3),
        ("my 2 products need to go back", 2),
        ("I only ordered two things", 2),
        ("I want to send back 2 items", None),
        ("return two of the items", None),
    ],
)
def test_a_number_after_the_counts_the_items_there_are(text: str, count: int | None) -> None:
    assert items_counted(text) == count
    assert bool(_SOME_ITEM.search(text)) is (count is None)


def _order_with(person: Person, size: int) -> Order | None:
    return next(
        (o for o in person.orders if o.status is OrderStatus.delivered and len({i.name for i in o.items}) >= size),
        None,
    )


@pytest.mark.parametrize(
    "text",
    [
        "I want to return the {a} from {o}, I'm keeping the receipt.",
        "Please return the {a} in {o}; it stays home all day unused.",
        "I need to return the {a} from {o}. I'll keep the packaging for it though.",
    ],
)
async def test_a_return_of_one_named_item_proposes_that_item(tau_app: Settings, text: str) -> None:
    person = next(p for p in people(tau_app.shop_database_url) if _order_with(p, 3))
    order = _order_with(person, 3)
    assert order is not None
    a, b, c = list(dict.fromkeys(i.name for i in order.items))[:3]
    async with conversation(tau_app) as (chat, _):
        reply = await say(
            chat, "one-named", text.format(a=a.lower(), o=order.id), context=Context(customer_id=person.id)
        )
    assert reply.status == "awaiting_confirmation", reply.text
    assert a in reply.text and b not in reply.text and c not in reply.text


async def test_keeping_an_item_without_saying_what_goes_is_asked(tau_app: Settings) -> None:
    person = next(p for p in people(tau_app.shop_database_url) if _order_with(p, 3))
    order = _order_with(person, 3)
    assert order is not None
    a = next(iter(dict.fromkeys(i.name for i in order.items)))
    said = f"About a return for {order.id}: I'd rather keep the {a.lower()}."
    async with conversation(tau_app) as (chat, _):
        reply = await say(chat, "keep-only", said, context=Context(customer_id=person.id))
    assert reply.status != "awaiting_confirmation"


async def test_everything_but_one_item_proposes_the_others(tau_app: Settings) -> None:
    person = next(p for p in people(tau_app.shop_database_url) if _order_with(p, 3))
    order = _order_with(person, 3)
    assert order is not None
    a, b, c = list(dict.fromkeys(i.name for i in order.items))[:3]
    said = f"Please return everything in {order.id} except the {a.lower()}."
    async with conversation(tau_app) as (chat, _):
        reply = await say(chat, "all-but", said, context=Context(customer_id=person.id))
    assert reply.status == "awaiting_confirmation"
    assert a not in reply.text and b in reply.text and c in reply.text


async def test_the_items_counted_are_every_item_only_at_the_order_s_count(tau_app: Settings) -> None:
    orders = [o for p in people(tau_app.shop_database_url) for o in p.orders if o.status is OrderStatus.delivered]
    two = next(o for o in orders if len(o.items) == 2)
    three = next(o for o in orders if len(o.items) == 3 and len({i.name for i in o.items}) == 3)
    async with conversation(tau_app) as (chat, _):
        both = await say(
            chat, "two", f"I'd like to return the 2 items in {two.id}", context=Context(customer_id=two.customer_id)
        )
    assert both.status == "awaiting_confirmation"
    assert all(i.name in both.text for i in two.items)
    async with conversation(tau_app) as (chat, _):
        some = await say(
            chat,
            "three",
            f"I'd like to send back the two things in {three.id}",
            context=Context(customer_id=three.customer_id),
        )
    assert some.status != "awaiting_confirmation"


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("Return everything from #W1111111 and the kettle from #W2222222", "everything", "kettle"),
        ("I'd like all of it from W1111111 sent back, plus the desk lamp from W2222222", "all of it", "lamp"),
        ("#W1111111: the notebook and the laptop, and from #W2222222 the puzzle", "laptop", "puzzle"),
        ("the lamp from #W1111111 and the kettle from #W2222222", "lamp", "kettle"),
    ],
)
def test_each_order_gets_the_items_on_its_side(text: str, first: str, second: str) -> None:
    from graph.nlu.entities import own_items_words

    mine, theirs = own_items_words(text, "#W1111111") or "", own_items_words(text, "#W2222222") or ""
    assert first in mine and second not in mine
    assert second in theirs and first not in theirs


@pytest.mark.parametrize(
    "text",
    [
        "#W1111111 and #W2222222: the lamp from the first, the kettle from the second",
        "the lamp from #W1111111, and #W2222222 the kettle",
        "Return #W1111111 and the kettle from #W2222222",
    ],
)
def test_an_unclear_layout_gives_no_order_its_own_words(text: str) -> None:
    from graph.nlu.entities import own_items_words

    assert own_items_words(text, "#W1111111") is None and own_items_words(text, "#W2222222") is None


async def test_everything_from_one_order_and_an_item_from_another(tau_app: Settings) -> None:
    def two(person: Person) -> tuple[Order, Order, str] | None:
        delivered = [
            o for o in person.orders if o.status is OrderStatus.delivered and len({i.name for i in o.items}) > 1
        ]
        if len(delivered) < 2:
            return None
        first, second = delivered[:2]
        only_second = [i.name for i in second.items if i.name not in {j.name for j in first.items}]
        return (first, second, only_second[0]) if only_second else None

    person = next(p for p in people(tau_app.shop_database_url) if two(p))
    found = two(person)
    assert found is not None
    first, second, item = found
    said = f"Return everything from {first.id} and the {item.lower()} from {second.id}"
    async with conversation(tau_app) as (chat, _):
        reply = await say(chat, "every-and-one", said, context=Context(customer_id=person.id))
    assert reply.status == "awaiting_confirmation", reply.text
    assert first.id in reply.text and item not in reply.text
    assert all(i.name in reply.text for i in first.items)

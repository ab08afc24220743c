"""Items of one order told apart, and several items named at once.

Played customers named one of two keyboards by its options ("the 60% one with the RGB backlight") or by its place in
the list just shown ("the last one on that list"), and were shown the list again; they returned "the wristwatch, the
dumbbells and the smart watch" and one watch was dropped (a watch word matched both), and "add the dumbbell set"
replaced the return instead of adding to it. Classes: items alike by name told apart by the options said (any of
them, in the customer's words), their place in the list shown, "the other one" or the price; several items named
at once whose names share words, each its best match; an item added at a proposal. Sentences written for these
tests, after the change.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.llm.matching import described_items, matching_items, named_items
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import conversation, people, say, two_resizable_items

LAMP_WHITE = {"item_id": "1", "name": "Desk Lamp", "price": 80.5, "options": {"color": "white", "power": "USB"}}
TOASTER = {"item_id": "2", "name": "Toaster", "price": 40.0, "options": {"slots": "2"}}
LAMP_BLUE = {"item_id": "3", "name": "Desk Lamp", "price": 95.0, "options": {"color": "navy", "power": "battery"}}
ORDER = [LAMP_WHITE, TOASTER, LAMP_BLUE]
LAMPS = [LAMP_WHITE, LAMP_BLUE]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("the battery one please", "3"),
        ("The USB powered lamp, I'd like it in navy instead", "1"),
        ("the blue one, switch it to white", "3"),
        ("the one that runs on battery, make it USB", "3"),
        ("the bottom one on the list", "3"),
        ("the first one", "1"),
        ("the last item", "3"),
        ("the cheaper one", "1"),
        ("the more expensive lamp", "3"),
        ("the $95 one", "3"),
        ("it's the one for 80.50", "1"),
    ],
)
def test_alike_items_are_told_apart_by_options_place_or_price(text: str, meant: str) -> None:
    assert [i["item_id"] for i in described_items(LAMPS, text, ORDER)] == [meant]


def test_the_other_one_is_the_one_not_in_hand_and_nothing_said_tells_none_apart() -> None:
    assert [i["item_id"] for i in described_items(LAMPS, "now the other one", ORDER, focus="1")] == ["3"]
    assert described_items(LAMPS, "the lamp", ORDER) == []
    assert described_items(LAMPS, "the other one", ORDER) == []


def test_options_said_with_the_name_narrow_alike_items() -> None:
    chosen = matching_items(ORDER, ["the desk lamp that's navy and on battery, in white please"])
    assert [i["item_id"] for i in chosen] == ["3"]


WATCHES = [{"name": "Dumbbell Set"}, {"name": "Smart Watch"}, {"name": "Wristwatch"}]
KETTLES = [{"name": "Electric Kettle"}, {"name": "Tea Kettle"}, {"name": "Toaster"}]


@pytest.mark.parametrize(
    ("items", "text", "expected"),
    [
        (WATCHES, "the smartwatch? no: the wristwatch, the smart watch and the dumbbells", WATCHES),
        (WATCHES, "send back my smart watch plus the wristwatch", WATCHES[1:]),
        (WATCHES, "just the wristwatch", WATCHES[2:]),
        (WATCHES, "the smart watch only", WATCHES[1:2]),
        (WATCHES, "my watch", WATCHES[1:]),  # either watch: asked which
        (KETTLES, "the tea kettle, the electric kettle and the toaster", KETTLES),
        (KETTLES, "only the electric kettle", KETTLES[:1]),
    ],
)
def test_several_items_whose_names_share_words_are_each_their_best_match(
    items: list[dict[str, Any]], text: str, expected: list[dict[str, Any]]
) -> None:
    assert named_items(items, text) == expected


def _alike_pair(order: Order) -> bool:
    """Two items of one product in other options."""
    variants = {(i.name, i.variant_id) for i in order.items}
    names = [name for name, _ in variants]
    return order.status is OrderStatus.delivered and any(names.count(n) == 2 for n in names)


async def test_an_item_alike_another_is_chosen_by_its_options_or_its_place(tau_app: Settings) -> None:
    person = people(tau_app.shop_database_url, lambda c: any(_alike_pair(o) for o in c.orders))[0]
    order = next(o for o in person.orders if _alike_pair(o))
    names = [name for name, _ in {(i.name, i.variant_id) for i in order.items}]
    name = next(n for n in names if names.count(n) == 2)
    one, two = (i for i in order.items if i.name == name)
    told = [str(v) for k, v in two.options.items() if one.options.get(k) != v]
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, _):
        asked = await say(chat, "options", f"I'd like to exchange the {name.lower()} from {order.id}", context=context)
        assert "Which item" in asked.text, asked.text
        by_options = await say(chat, "options", f"the {' and '.join(told)} one", context=context)
        await say(chat, "place", f"I'd like to exchange the {name.lower()} from {order.id}", context=context)
        place = ["first", "second", "third", "fourth", "fifth"][[i.id for i in order.items].index(two.id)]
        by_place = await say(chat, "place", f"the {place} one on that list", context=context)
    for turn in (by_options, by_place):
        assert "Which item" not in turn.text, turn.text
        assert all(value in turn.text for value in told), turn.text


def _shared_word_order(order: Order) -> bool:
    names = list(dict.fromkeys(i.name for i in order.items))
    shared = any(set(a.lower().split()) & set(b.lower().split()) for a in names for b in names if a != b)
    return order.status is OrderStatus.delivered and len(names) == len(order.items) >= 3 and shared


async def test_items_named_together_are_all_returned_and_an_added_one_is_added(tau_app: Settings) -> None:
    person = people(tau_app.shop_database_url, lambda c: any(_shared_word_order(o) for o in c.orders))[0]
    order = next(o for o in person.orders if _shared_word_order(o))
    names = [i.name for i in order.items]
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, _):
        listed = ", the ".join(n.lower() for n in names)
        together = await say(chat, "together", f"please return the {listed} of {order.id}", context=context)
        first = await say(chat, "added", f"I want to send back the {names[0].lower()} from {order.id}", context=context)
        assert f"Return {names[1]} " not in first.text, first.text
        added = await say(chat, "added", f"hold on, put the {names[1].lower()} in there as well", context=context)
    assert together.status == "awaiting_confirmation", together.text
    assert all(f"Return {n} " in together.text for n in names), together.text
    assert added.status == "awaiting_confirmation", added.text
    assert f"Return {names[0]} " in added.text and f"Return {names[1]} " in added.text, added.text


def test_items_taken_out_of_a_change_by_the_words_that_leave_them_alone() -> None:
    """Sentences written for this test: the items a reply takes out, and replies that take none out."""
    from graph.llm.dialogue.items import items_left_out

    items = [
        {"item_id": "1", "name": "Tea Kettle", "options": {"material": "ceramic"}},
        {"item_id": "2", "name": "Electric Kettle", "options": {"capacity": "1.5L"}},
        {"item_id": "3", "name": "Hiking Boots", "options": {"size": "8"}},
        {"item_id": "4", "name": "Bluetooth Speaker", "options": {"color": "black"}},
    ]
    in_play = ["1", "2", "3", "4"]
    assert items_left_out(items, "Please don't touch the electric kettle.", in_play) == {"2"}
    assert items_left_out(items, "The hiking boots can stay as they are, sorry.", in_play) == {"3"}
    assert items_left_out(items, "hmm, take the speaker off that list", in_play) == {"4"}
    assert items_left_out(items, "No. I only want the tea kettle and the boots changed.", in_play) == {"2", "4"}
    assert items_left_out(
        items, "the speaker's fine as is. I only need to swap the boots and the tea kettle", in_play
    ) == {
        "2",
        "4",
    }
    for keeps_all in (
        "yes, the boots and the speaker look right",
        "don't change the size of the boots, only the colour of the speaker",
        "leave everything as it is",
        "the boots in size 10 instead",
    ):
        assert items_left_out(items, keeps_all, in_play) == set(), keeps_all


async def test_an_item_left_alone_at_the_proposal_leaves_the_change(demo_app: Settings) -> None:
    from tools.views import options_text

    db = demo_app.shop_database_url
    order, ((one, one_new), (two, two_new)) = two_resizable_items(db)
    context = Context(customer_id=order.customer_id)
    message = (
        f"for {order.id} please swap the {one.name.lower()} to {one_new.options['size']} and the {two.name.lower()} "
        f"to {two_new.options['size']}"
    )
    async with conversation(demo_app) as (chat, _):
        both = await say(chat, "left-out", message, context=context)
        assert both.status == "awaiting_confirmation", both.text
        assert f"-> {options_text(two_new.options)}" in both.text, both.text
        one_left = await say(
            chat, "left-out", f"on second look, please leave the {two.name.lower()} as it is", context=context
        )
    assert one_left.status == "awaiting_confirmation", one_left.text
    assert f"-> {options_text(one_new.options)}" in one_left.text, one_left.text
    assert two.name not in one_left.text, one_left.text


async def test_an_item_said_to_stay_as_it_is_changes_no_proposal(demo_app: Settings) -> None:
    """The item left alone is described by its own options, and the one proposed by its own: neither is a change."""
    from tools.views import options_text

    db = demo_app.shop_database_url
    order, ((one, one_new), (two, _)) = two_resizable_items(db)
    context = Context(customer_id=order.customer_id)
    own_two = ", ".join(str(v) for v in two.options.values())
    async with conversation(demo_app) as (chat, _):
        first = await say(
            chat, "stays", f"on {order.id} please swap the {one.name} to {one_new.options['size']}", context=context
        )
        assert first.status == "awaiting_confirmation", first.text
        kept = await say(
            chat,
            "stays",
            f"The {two.name.lower()} stays as it is, {own_two}. Only the {one.name.lower()} "
            f"({one.options['size']}) changes.",
            context=context,
        )
    assert kept.status == "awaiting_confirmation", kept.text
    assert f"-> {options_text(one_new.options)}" in kept.text and two.name not in kept.text, kept.text


async def test_the_one_item_proposed_left_alone_is_no_restatement(demo_app: Settings) -> None:
    db = demo_app.shop_database_url
    order, ((one, one_new), _) = two_resizable_items(db)
    context = Context(customer_id=order.customer_id)
    async with conversation(demo_app) as (chat, _):
        await say(
            chat, "no-change", f"on {order.id} please swap the {one.name} to {one_new.options['size']}", context=context
        )
        left = await say(chat, "no-change", f"hmm, actually leave the {one.name.lower()} as it is", context=context)
    assert left.status != "awaiting_confirmation", left.text

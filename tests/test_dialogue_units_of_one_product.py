"""Several units of one product on an order, each with its own wish, in one message or one after the other.

Played customers with two units of one product ("two Bluetooth speakers, different colours") said in one message
what each should become, naming each unit by the options it has now ("the green one should become red, and the
black one I'd like in blue"); the wish went to the wrong unit and the second unit was dropped. Classes: each unit
described by its own options in a part of the message of its own, with the wish said after it (whatever the
words that turn to the wish, and whether the wished value is the other unit's own); the wish said before the unit
("blue for the red one"); the other unit added at the proposal ("and the other one ..."). Both changes in one
proposal, an item change for a pending order and an exchange for a delivered one. Sentences written for these
tests, after the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from graph.context import Context
from graph.llm.matching import described_units, item_segment, matching_items
from shop.db import session_factory
from shop.models import Order, OrderStatus, Product
from shopdesk.settings import Settings
from tests.support.people import conversation, say

GREEN = {"item_id": "g", "name": "Bluetooth Speaker", "options": {"color": "green", "battery life": "10 hours"}}
BLACK = {"item_id": "k", "name": "Bluetooth Speaker", "options": {"color": "black", "battery life": "20 hours"}}
MUG = {"item_id": "m", "name": "Travel Mug", "options": {"color": "red", "capacity": "12 oz"}}
ORDER = [GREEN, MUG, BLACK]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("the green speaker should become red, and the black one I'd like in blue", ["g", "k"]),
        ("please turn the black speaker into a white one while the green one gets 20 hours", ["k", "g"]),
        ("the green speaker should be black and the black one green", ["g", "k"]),
        ("speakers: my 20 hour one -> yellow; my 10 hour one -> purple", ["k", "g"]),
        ("white for the green speaker, and orange for the black one", ["g", "k"]),
    ],
)
def test_each_unit_is_the_one_its_own_options_describe_in_its_part(text: str, meant: list[str]) -> None:
    assert [unit["item_id"] for unit, _ in described_units([GREEN, BLACK], text)] == meant
    assert sorted(i["item_id"] for i in matching_items(ORDER, [text])) == sorted(meant)


def test_a_wish_said_on_its_own_goes_on_about_the_unit_before() -> None:
    # "in white please" points at no unit: it is the wish for the one before, not the other unit.
    assert described_units([GREEN, BLACK], "the black speaker, in green please") == []
    text = "the green speaker should be red, with the longer battery, and the black one in blue"
    assert item_segment(text, GREEN, [], ORDER) == "the green speaker should be red, with the longer battery"
    assert item_segment(text, BLACK, [], ORDER) == "the black one in blue"


@dataclass(frozen=True)
class Pair:
    """Two units of one product in different options on one order, each said by an option of its own, and for
    each another variant that differs from it in one option."""

    customer: str
    order: str
    name: str
    have: tuple[str, str]
    wish: tuple[str, str]
    item_ids: tuple[str, str]
    new_item_ids: tuple[str, str]


def _said(key: str, value: str) -> str:
    return value if key == "color" else f"{value} {key}"


def _one_change(product: Product, options: dict[str, Any], avoid: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(the wished option in words, variant id) of available variants that differ from the unit in one option, to a
    value neither unit has."""
    found = []
    for variant in product.variants:
        changed = [k for k, v in variant.options.items() if options.get(k) != v]
        if variant.available and len(changed) == 1 and variant.options[changed[0]] not in avoid[changed[0]]:
            found.append((_said(changed[0], str(variant.options[changed[0]])), variant.id))
    return found


def unit_pairs(db_url: str, status: OrderStatus) -> list[Pair]:
    found = []
    with session_factory(db_url)() as session:
        orders = session.scalars(
            select(Order).where(Order.status == status).options(selectinload(Order.items)).order_by(Order.id)
        ).all()
        for order in orders:
            for name in sorted({i.name for i in order.items}):
                units = [i for i in order.items if i.name == name]
                if len(units) != 2 or units[0].variant_id == units[1].variant_id:
                    continue
                held = {k: {str(u.options.get(k)) for u in units} for k in units[0].options}
                own = [
                    next(
                        (
                            _said(k, str(u.options[k]))
                            for k in sorted(u.options, key=lambda k: k != "color")
                            if len(held[k]) == 2
                        ),
                        "",
                    )
                    for u in units
                ]
                product = session.get(Product, units[0].product_id)
                assert product is not None
                first = _one_change(product, units[0].options, held)
                second = [c for c in _one_change(product, units[1].options, held) if first and c[0] != first[0][0]]
                if first and second and all(own):
                    found.append(
                        Pair(
                            order.customer_id,
                            order.id,
                            name.lower(),
                            (own[0], own[1]),
                            (first[0][0], second[0][0]),
                            (units[0].variant_id, units[1].variant_id),
                            (first[0][1], second[0][1]),
                        )
                    )
    return found


def _by_colour(pairs: list[Pair]) -> list[Pair]:
    """The pairs whose units are said by a colour of their own ("the silver one")."""
    return [pair for pair in pairs if " " not in "".join(pair.have)]


async def _proposed(graph: Any, chat: Any, thread: str) -> dict[str, Any]:
    pending = (await graph.aget_state(chat.config(thread))).values["pending_action"]
    assert pending, "nothing proposed"
    return dict(pending)


def _swaps(pending: dict[str, Any]) -> dict[str, str]:
    args = pending["args"]
    return dict(zip(args["item_ids"], args["new_item_ids"], strict=True))


@pytest.mark.parametrize(
    ("status", "write", "saying"),
    [
        (
            OrderStatus.pending,
            "modify_order_items",
            "On {order} the {have0} {name} should become {wish0}, and the {have1} one I'd rather have in {wish1}",
        ),
        (
            OrderStatus.delivered,
            "exchange_items",
            "I want to swap both {name}s from {order}: {wish1} for my {have1} one, and {wish0} for the {have0} one",
        ),
    ],
)
async def test_two_units_each_get_the_wish_said_with_them_in_one_proposal(
    tau_app: Settings, status: OrderStatus, write: str, saying: str
) -> None:
    pair = _by_colour(unit_pairs(tau_app.shop_database_url, status))[0]
    text = saying.format(
        order=pair.order, name=pair.name, have0=pair.have[0], have1=pair.have[1], wish0=pair.wish[0], wish1=pair.wish[1]
    )
    async with conversation(tau_app) as (chat, graph):
        turn = await say(chat, "units", text, context=Context(customer_id=pair.customer))
        assert turn.status == "awaiting_confirmation", turn.text
        pending = await _proposed(graph, chat, "units")
    assert pending["name"] == write
    assert _swaps(pending) == dict(zip(pair.item_ids, pair.new_item_ids, strict=True)), turn.text


async def test_the_other_unit_said_at_the_proposal_joins_it(tau_app: Settings) -> None:
    pair = _by_colour(unit_pairs(tau_app.shop_database_url, OrderStatus.delivered))[-1]
    context = Context(customer_id=pair.customer)
    async with conversation(tau_app) as (chat, graph):
        first = await say(
            chat,
            "other",
            f"could the {pair.have[0]} {pair.name} from {pair.order} be {pair.wish[0]} instead?",
            context=context,
        )
        assert first.status == "awaiting_confirmation", first.text
        assert _swaps(await _proposed(graph, chat, "other")) == {pair.item_ids[0]: pair.new_item_ids[0]}
        both = await say(chat, "other", f"oh and the other one should be {pair.wish[1]}", context=context)
        assert both.status == "awaiting_confirmation", both.text
        pending = await _proposed(graph, chat, "other")
    assert _swaps(pending) == dict(zip(pair.item_ids, pair.new_item_ids, strict=True)), both.text


def same_variant_pairs(db_url: str, status: OrderStatus) -> list[tuple[str, str, str, str, list[tuple[str, str]]]]:
    """(customer, order, product name, variant id, [(wish in words, new variant id)...]) for orders holding two units
    of one variant whose product comes in other variants differing in one option."""
    found = []
    with session_factory(db_url)() as session:
        orders = session.scalars(
            select(Order).where(Order.status == status).options(selectinload(Order.items)).order_by(Order.id)
        ).all()
        for order in orders:
            for unit in order.items:
                if sum(i.variant_id == unit.variant_id for i in order.items) != 2:
                    continue
                product = session.get(Product, unit.product_id)
                assert product is not None
                held = {k: {str(v)} for k, v in unit.options.items()}
                wishes = _one_change(product, unit.options, held)
                if len({w[0] for w in wishes}) >= 2:
                    found.append((order.customer_id, order.id, unit.name.lower(), unit.variant_id, wishes[:2]))
                    break
    return found


async def test_units_of_one_variant_each_get_their_own_wish_and_both_are_changed(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    customer, order_id, name, variant, wishes = same_variant_pairs(db, OrderStatus.pending)[0]
    (first, first_id), (second, second_id) = wishes
    context = Context(customer_id=customer)
    async with conversation(tau_app) as (chat, graph):
        turn = await say(
            chat,
            "same",
            f"both {name}s on {order_id} need changing: one in {first}, the other in {second}",
            context=context,
        )
        assert turn.status == "awaiting_confirmation", turn.text
        pending = await _proposed(graph, chat, "same")
        assert pending["args"]["item_ids"] == [variant, variant], turn.text
        assert sorted(pending["args"]["new_item_ids"]) == sorted([first_id, second_id]), turn.text
        await say(chat, "same", "yes please", context=context)
    with session_factory(db)() as session:
        order = session.scalars(select(Order).where(Order.id == order_id).options(selectinload(Order.items))).one()
        held = [i.variant_id for i in order.items]
    assert variant not in held and {first_id, second_id} <= set(held)

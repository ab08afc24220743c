"""An order the customer excludes, said alone at "which order?" ("not #W2", "anything but #W2", "nicht die #W2"), is
never taken as the order meant: it narrows the orders to pick from (one left: that one, still proposed and confirmed;
several: asked again among them). A reviewer found the excluded order proposed. Sentences written for the test."""

from __future__ import annotations

import pytest

from graph.nlu.address_source import orders_set_aside, without_orders_not_acted_on
from graph.nlu.entities import extract_order_ids
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import people, status_of, talk


@pytest.mark.parametrize(
    ("said", "aside", "acted_on"),
    [
        ("not #W3000001 please", ["#W3000001"], []),
        ("anything but W3000001", ["#W3000001"], []),
        ("any order other than #W3000001", ["#W3000001"], []),
        ("some other one than #W3000001, that one stays", ["#W3000001"], []),
        ("the one that isn't #W3000001", ["#W3000001"], []),
        ("alles außer #W3000001", ["#W3000001"], []),
        ("nicht die Bestellung #W3000001", ["#W3000001"], []),
        ("don't cancel #W3000001", ["#W3000001"], []),
        ("#W3000001 can stay as it is, cancel #W3000002", ["#W3000001"], ["#W3000002"]),
        # contrasts: the order said is the one meant
        ("#W3000001", [], ["#W3000001"]),
        ("why not #W3000001?", [], ["#W3000001"]),
        ("not sure, #W3000001 I think", [], ["#W3000001"]),
        ("keep #W3000001 instead", [], ["#W3000001"]),
        ("cancel #W3000002 but not #W3000001", ["#W3000001"], ["#W3000002"]),
    ],
)
def test_an_excluded_order_is_set_aside_even_alone(said: str, aside: list[str], acted_on: list[str]) -> None:
    assert orders_set_aside(said) == aside
    assert extract_order_ids(without_orders_not_acted_on(said)) == acted_on


def _pending(person_orders: tuple, n: int) -> list[str]:  # type: ignore[type-arg]
    return [o.id for o in person_orders if o.status is OrderStatus.pending][:n]


@pytest.mark.parametrize("exclusion", ["not {x}", "any of them except {x}", "nicht die {x} bitte", "other than {x}"])
async def test_excluding_one_of_two_pending_orders_proposes_the_other(tau_app: Settings, exclusion: str) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) == 2)[1]
    excluded, other = _pending(person.orders, 2)
    async with talk(tau_app, "excluded", person.id) as customer:
        await customer.say("I'd like to cancel one of my orders")
        turn = await customer.say(exclusion.format(x=excluded))
        assert excluded not in turn.text.split("\n")[0], turn.text
        if turn.status != "awaiting_confirmation":
            turn = await customer.say("I ordered it by mistake")
        pending = (await customer.values()).get("pending_action") or {}
        assert pending.get("args", {}).get("order_id") == other, turn.text
        await customer.say("yes")
    assert status_of(db, excluded) is OrderStatus.pending
    assert status_of(db, other) is OrderStatus.cancelled


async def test_excluding_one_of_three_asks_again_among_the_rest(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) == 3)[0]
    excluded, *rest = _pending(person.orders, 3)
    async with talk(tau_app, "excluded-3", person.id) as customer:
        await customer.say("I want to cancel an order")
        turn = await customer.say(f"not {excluded}")
        assert turn.status != "awaiting_confirmation", turn.text
        assert excluded not in turn.text and all(o in turn.text for o in rest), turn.text
        assert not (await customer.values()).get("pending_action")
    assert all(status_of(db, o) is OrderStatus.pending for o in [excluded, *rest])


async def test_a_suggested_order_is_still_the_one_meant(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) == 2)[1]
    meant, _ = _pending(person.orders, 2)
    async with talk(tau_app, "suggested", person.id) as customer:
        await customer.say("I want to cancel an order")
        await customer.say(f"{meant} I think")
        turn = await customer.say("no longer needed")
        pending = (await customer.values()).get("pending_action") or {}
        assert pending.get("args", {}).get("order_id") == meant, turn.text

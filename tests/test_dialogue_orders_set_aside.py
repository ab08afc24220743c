"""An order the customer sets aside in the words of a request ("leave #W2 as it is and cancel #W1", "keep #W2 as it
is, cancel #W1 instead", "storniere #W1, nicht #W2") is not the order acted on: a reviewer found the first order
named taken, whatever the words around it said. Sentences written for the test, in English and German."""

from __future__ import annotations

import pytest

from graph.nlu.address_source import without_orders_not_acted_on
from graph.nlu.entities import extract_order_ids
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import people, status_of, talk


@pytest.mark.parametrize(
    ("said", "acted_on"),
    [
        ("please leave #W2000001 the way it is and cancel #W2000002", ["#W2000002"]),
        ("keep #W2000001 as it is, I meant #W2000002", ["#W2000002"]),
        ("#W2000001 stays, cancel #W2000002 instead", ["#W2000002"]),
        ("#W2000001 can stay as it is. #W2000002 has to go", ["#W2000002"]),
        ("storniere #W2000002, nicht #W2000001", ["#W2000002"]),
        ("cancel #W2000001 and #W2000002", ["#W2000001", "#W2000002"]),
        ("keep #W2000001 instead", ["#W2000001"]),  # the only order named is the one meant
    ],
)
def test_an_order_set_aside_is_not_acted_on_when_another_is_named(said: str, acted_on: list[str]) -> None:
    assert extract_order_ids(without_orders_not_acted_on(said)) == acted_on


@pytest.mark.parametrize(
    "correction",
    [
        "hold on, leave {keep} as it is and cancel {cancel}",
        "sorry, keep {keep} as it is and cancel {cancel} instead",
        "Moment, {keep} bleibt so, bitte {cancel} stornieren",
    ],
)
async def test_the_order_set_aside_is_never_proposed(tau_app: Settings, correction: str) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) >= 2)[0]
    keep, cancel = [o.id for o in person.orders if o.status is OrderStatus.pending][:2]
    async with talk(tau_app, "set-aside", person.id) as customer:
        await customer.say(f"I need to cancel {keep}")
        turn = await customer.say(correction.format(keep=keep, cancel=cancel))
        if turn.status != "awaiting_confirmation":
            turn = await customer.say("no longer needed")
        pending = (await customer.values()).get("pending_action") or {}
        assert pending.get("args", {}).get("order_id") == cancel, turn.text
        await customer.say("yes")
    assert status_of(db, keep) is OrderStatus.pending

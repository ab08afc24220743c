"""An order named as the only one meant, or asked about, is never set aside nor acted on as another (review F1,
money): "cancel #W1 alone" proposed the OTHER order; "don't cancel anything except #W1" set aside the only order
wanted; "yes. Is #W2 still pending as well?" became a cancellation of #W2; a reason said before the only order named
was lost. The reviewer's sentences and sentences written after the change, with contrasts that keep their reading."""

from __future__ import annotations

import pytest

from graph.nlu.address_source import orders_set_aside, without_orders_not_acted_on
from graph.nlu.drops import denied_acts
from graph.nlu.entities import extract_order_ids, reasons_for_order
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import people, status_of, talk

A, B = "#W2000001", "#W2000002"


@pytest.mark.parametrize(
    "said",
    [
        # "#ID alone / is fine / stays" with no other order named: a pick, or a question about it
        f"Please cancel {B} alone, I ordered it by mistake.",
        f"{B} is fine",
        f"{B} stays pending right?",
        f"just {B} alone please",
        f"the order {B} alone, please",
        f"{B} is fine by me",
        f"{B} stays open, right?",
        # "except" after a negated whole: only that order
        f"Don't cancel anything except {B}",
        f"cancel nothing except {B}",
        f"none except {B}",
        f"don't touch anything except {B}",
        f"cancel no order but {B}",
        f"I need none of them cancelled except {B}",
        f"nichts stornieren außer {B}",
        # "not" / "isn't" in a question about the order
        f"isn't {B} the one with the lamp?",
        f"is it not {B}?",
        f"was it not order {B} that had the lamp?",
        f"keine Ahnung, nicht die {B}?",
        f"is that not {B}?",
        f"ist das nicht die {B}?",
        f"maybe not {B}?",
    ],
)
def test_the_only_order_named_is_the_one_meant(said: str) -> None:
    assert orders_set_aside(said) == []
    assert extract_order_ids(without_orders_not_acted_on(said)) == [B]


@pytest.mark.parametrize(
    ("said", "aside", "acted_on"),
    [
        # contrasts: words that do leave an order out
        (f"{A} is fine, cancel {B}", [A], [B]),
        (f"{A} alone stays, {B} goes", [A], [B]),
        (f"leave {A} alone", [A], []),
        (f"please leave order {A} as it is", [A], []),
        (f"cancel everything except {A}", [A], []),
        (f"not {A}, the other one", [A], []),
        (f"nicht {A} bitte", [A], []),
        (f"could you cancel one but not {A}?", [A], []),
        (f"can you cancel {B} but not {A}?", [A], [B]),
        (f"the one that isn't {A}", [A], []),
        (f"don't cancel {A}", [A], []),
    ],
)
def test_words_that_leave_an_order_out_still_do(said: str, aside: list[str], acted_on: list[str]) -> None:
    assert orders_set_aside(said) == aside
    assert extract_order_ids(without_orders_not_acted_on(said)) == acted_on


@pytest.mark.parametrize(
    ("said", "denied"),
    [
        (f"Don't cancel anything except {B}", []),
        (f"I don't want to cancel any order other than {B}", []),
        ("do not return any of them but the lamp", []),
        (f"please don't cancel any of my orders except {B}", []),
        # contrasts: the act denied outright
        (f"I don't want to cancel {B}", ["cancel_order"]),
        ("don't cancel anything", ["cancel_order"]),
        ("don't cancel anything yet, except tell me the status", ["cancel_order"]),
    ],
)
def test_an_act_denied_for_all_but_one_is_asked_for_that_one(said: str, denied: list[str]) -> None:
    assert denied_acts(said) == denied


@pytest.mark.parametrize(
    ("said", "reasons"),
    [
        ("Ordered it by mistake, #W1234567", ["ordered_by_mistake"]),
        ("by mistake. #W1234567", ["ordered_by_mistake"]),
        ("I no longer need it. #W1234567", ["no_longer_needed"]),
        ("Bought it by accident; order W1234567", ["ordered_by_mistake"]),
        ("Don't need this anymore! #W1234567 please", ["no_longer_needed"]),
        # contrasts: no reason, or the reason is another order's
        ("#W1234567 please", []),
        ("the first one I ordered by mistake, and #W1234567", []),
        ("#W7654321 I ordered by mistake. And then #W1234567", []),
    ],
)
def test_the_only_order_named_gets_every_reason_said(said: str, reasons: list[str]) -> None:
    assert reasons_for_order(said, "#W1234567") == reasons


def _two_pending(settings: Settings) -> tuple[str, str, str]:
    person = people(settings.shop_database_url, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) == 2)[
        2
    ]
    first, second = [o.id for o in person.orders if o.status is OrderStatus.pending]
    return person.id, first, second


async def _proposed(customer: object) -> dict[str, object]:
    pending = (await customer.values()).get("pending_action") or {}  # type: ignore[attr-defined]
    return dict(pending.get("args") or {})


@pytest.mark.parametrize("pick", ["{x} alone please, I ordered it by mistake", "{x} is fine, ordered it by mistake"])
async def test_an_order_picked_alone_is_the_one_proposed(tau_app: Settings, pick: str) -> None:
    user, first, second = _two_pending(tau_app)
    async with talk(tau_app, "picked-alone", user) as customer:
        await customer.say("I'd like to cancel one of my orders")
        turn = await customer.say(pick.format(x=second))
        assert (await _proposed(customer)).get("order_id") == second, turn.text
        await customer.say("yes")
    assert status_of(tau_app.shop_database_url, second) is OrderStatus.cancelled
    assert status_of(tau_app.shop_database_url, first) is OrderStatus.pending


@pytest.mark.parametrize("only", ["Don't cancel anything except {x}, I ordered it by mistake", "none except {x}"])
async def test_only_the_order_excepted_is_proposed(tau_app: Settings, only: str) -> None:
    user, first, second = _two_pending(tau_app)
    async with talk(tau_app, "only-excepted", user) as customer:
        await customer.say("I want to cancel an order")
        turn = await customer.say(only.format(x=second))
        if turn.status != "awaiting_confirmation":
            turn = await customer.say("ordered it by mistake")
        assert (await _proposed(customer)).get("order_id") == second, turn.text
        await customer.say("yes")
    assert status_of(tau_app.shop_database_url, second) is OrderStatus.cancelled
    assert status_of(tau_app.shop_database_url, first) is OrderStatus.pending


@pytest.mark.parametrize(
    "reply",
    [
        "yes please. Is {other} still pending as well?",
        "yes go ahead. does {other} also have the lamp?",
        "ok do it. Has {other} shipped too?",
    ],
)
async def test_a_question_about_another_order_after_a_yes_cancels_nothing_more(tau_app: Settings, reply: str) -> None:
    user, first, second = _two_pending(tau_app)
    db = tau_app.shop_database_url
    async with talk(tau_app, "yes-and-asks", user) as customer:
        await customer.say(f"cancel {first}, I ordered it by mistake")
        assert (await _proposed(customer)).get("order_id") == first
        turn = await customer.say(reply.format(other=second))
        for _ in range(2):
            # The question is answered; the proposal is carried out, or asked again when the yes was not taken whole.
            assert (await _proposed(customer)).get("order_id") != second, turn.text
            turn = await customer.say("yes")
        assert (await _proposed(customer)).get("order_id") != second, turn.text
    assert status_of(db, first) is OrderStatus.cancelled
    assert status_of(db, second) is OrderStatus.pending

"""Replies to a pending step as played customers gave them (round 24): a yes that says where any money goes, a yes
beside a question about what the act touches or when, "cancel it" at a step of a cancellation, and a question while
a proposal waits. Each class with sentences written for the test, in English and German, in whole conversations."""

from __future__ import annotations

import pytest

from shop.db import session_factory
from shop.models import OrderStatus, PaymentMethodKind, Product
from shopdesk.settings import Settings
from tests.support.people import Person, people, status_of, talk
from tests.test_dialogue_payment_choice import _item_change, _paid_with_one_method, _said

# ------------------------------------------------------------------ a yes that says where any money goes


def _charge_with_paypal_beside(db_url: str):  # type: ignore[no-untyped-def]
    return _item_change(
        db_url,
        lambda paid, methods, cost: (
            cost > 0
            and paid.kind is PaymentMethodKind.credit_card
            and any(m.kind is PaymentMethodKind.paypal for m in methods)
        ),
    )


async def _proposed_on_the_card(customer, change):  # type: ignore[no-untyped-def]
    asked = await customer.say(f"I'd like the {change.item.lower()} in {change.order} as {change.wanted}")
    if asked.status != "awaiting_confirmation":
        asked = await customer.say(f"the card ending {change.paid_with.last_four}")
    assert asked.status == "awaiting_confirmation", asked.text
    assert (await customer.values())["pending_action"]["args"]["payment_method_id"] == change.paid_with.id
    return asked


@pytest.mark.parametrize(
    "reply",
    [
        "ok. if there's anything to pay, take it from my paypal",
        "fine, but charge it to paypal",
        "ja, aber bitte über PayPal",
        "ja, falls was zu zahlen ist, bitte mit PayPal",
    ],
)
async def test_a_yes_naming_another_method_for_the_money_is_proposed_again_with_it(
    tau_app: Settings, reply: str
) -> None:
    change = _charge_with_paypal_beside(tau_app.shop_database_url)
    paypal = next(m for m in change.methods if m.kind is PaymentMethodKind.paypal)
    async with talk(tau_app, "money-other", change.customer) as customer:
        await _proposed_on_the_card(customer, change)
        again = await customer.say(reply)
        written = [c for c in await customer.tool_calls("modify_order_items") if c["id"].startswith("exec_")]
        pending = (await customer.values())["pending_action"]
    assert not written, again.text
    assert again.status == "awaiting_confirmation", again.text
    assert pending["args"]["payment_method_id"] == paypal.id, again.text
    assert "PayPal" in again.text, again.text


@pytest.mark.parametrize(
    "reply",
    [
        "alright. if something gets charged, use the card ending {four}",
        "yes, and charge it to the card ending {four}",
        "ja, wenn eine Differenz fällig wird, auf die Karte mit {four}",
    ],
)
async def test_a_yes_naming_the_proposed_method_writes_and_asks_nothing_after(tau_app: Settings, reply: str) -> None:
    change = _charge_with_paypal_beside(tau_app.shop_database_url)
    async with talk(tau_app, "money-same", change.customer) as customer:
        await _proposed_on_the_card(customer, change)
        done = await customer.say(reply.format(four=change.paid_with.last_four))
        written = [c for c in await customer.tool_calls("modify_order_items") if c["id"].startswith("exec_")]
        pending = (await customer.values()).get("pending_action") or {}
    # The yes is taken: the write runs, or goes to the colleague who approves it, as proposed, on the card.
    assert done.status != "awaiting_confirmation", done.text
    if done.status == "awaiting_approval":
        assert not written and pending["args"]["payment_method_id"] == change.paid_with.id, done.text
    else:
        assert len(written) == 1 and written[0]["args"]["payment_method_id"] == change.paid_with.id, done.text
        # The method is said where the money went.
        assert _said(change.paid_with) in done.text, done.text
    # The remark is no request waiting for a "go on".
    assert "go on with that" not in done.text and "weitermachen" not in done.text, done.text


def _same_unit_exchange(db_url: str) -> tuple[str, str, str]:
    """A delivered order paid by credit card with an item (its name alone on the order) whose own variant is still
    available: the customer, the order and the item's name (an exchange for a new unit moves no money)."""
    with session_factory(db_url)() as session:
        for person, order, paid in _paid_with_one_method(session, OrderStatus.delivered):
            names = [i.name for i in order.items]
            if paid.kind is not PaymentMethodKind.credit_card or len(set(names)) != len(names):
                continue
            for item in order.items:
                product = session.get(Product, item.product_id)
                assert product is not None
                if any(v.id == item.variant_id and v.available for v in product.variants):
                    return person.id, order.id, item.name
    raise AssertionError("no delivered order fits the test")


@pytest.mark.parametrize(
    "reply",
    [
        "sure. if anything ends up being charged, put it on my credit card",
        "ok, if there's any difference just use my card",
        "ja. falls etwas berechnet wird, bitte über meine Kreditkarte",
    ],
)
async def test_a_yes_saying_where_money_would_go_when_none_moves_writes_and_asks_nothing_after(
    tau_app: Settings, reply: str
) -> None:
    person, order, item = _same_unit_exchange(tau_app.shop_database_url)
    async with talk(tau_app, "money-none", person) as customer:
        proposed = await customer.say(f"please exchange the {item.lower()} in {order} for a new one, same options")
        assert proposed.status == "awaiting_confirmation", proposed.text
        done = await customer.say(reply)
        written = [c for c in await customer.tool_calls("exchange_items") if c["id"].startswith("exec_")]
    assert len(written) == 1, done.text
    assert "go on with that" not in done.text and "weitermachen" not in done.text, done.text


# ------------------------------------------------------------------ a yes beside a question of what the act reaches


def _two_pending(db_url: str) -> tuple[Person, str, str]:
    """A customer with two pending orders: the customer, the one to cancel, the other."""
    person = people(db_url, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) >= 2)[0]
    first, other = [o.id for o in person.orders if o.status is OrderStatus.pending][:2]
    return person, first, other


async def _cancel_proposed(customer, order: str):  # type: ignore[no-untyped-def]
    proposed = await customer.say(f"please cancel order {order}, I ordered it by mistake")
    assert proposed.status == "awaiting_confirmation" and order in proposed.text, proposed.text
    return proposed


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("Quick check: this cancels just that one order, not my other one? If so, go ahead.", "touches only order"),
        ("ok and the other order stays as it is? then yes", "touches only order"),
        ("yes please. it's gone immediately after that, right?", "takes effect right away"),
        ("Das storniert nur diese eine Bestellung und nicht die andere? Dann ja.", "betrifft nur die Bestellung"),
        ("Ja. Und sie ist dann sofort storniert?", "sofort wirksam"),
    ],
)
async def test_a_yes_beside_a_check_of_what_the_act_reaches_is_taken_and_answered(
    tau_app: Settings, reply: str, answer: str
) -> None:
    person, order, other = _two_pending(tau_app.shop_database_url)
    async with talk(tau_app, "reach", person.id) as customer:
        await _cancel_proposed(customer, order)
        done = await customer.say(reply)
        written = [c for c in await customer.tool_calls("cancel_order") if c["id"].startswith("exec_")]
    assert len(written) == 1 and written[0]["args"]["order_id"] == order, done.text
    assert status_of(tau_app.shop_database_url, other) is OrderStatus.pending
    assert answer in done.text and order in done.text, done.text


@pytest.mark.parametrize(
    "reply",
    [
        "wait, this only cancels order {other}? if so, yes",
        "Storniert das nur die Bestellung {other}? Falls ja, ja.",
    ],
)
async def test_a_yes_on_a_check_naming_another_order_writes_nothing_and_tells_the_order(
    tau_app: Settings, reply: str
) -> None:
    person, order, other = _two_pending(tau_app.shop_database_url)
    async with talk(tau_app, "reach-other", person.id) as customer:
        await _cancel_proposed(customer, order)
        told = await customer.say(reply.format(other=other))
        written = [c for c in await customer.tool_calls("cancel_order") if c["id"].startswith("exec_")]
    assert not written, told.text
    assert told.status == "awaiting_confirmation" and order in told.text, told.text


def _pending_with_two_products(db_url: str) -> tuple[Person, str, str]:
    """A customer with a pending order of two different products or more: the customer, the order, one product."""
    for person in people(db_url):
        for order in person.orders:
            names = list(dict.fromkeys(item.name for item in order.items))
            if order.status is OrderStatus.pending and len(names) >= 2:
                return person, order.id, names[0]
    raise AssertionError("no customer of the shop fits the test")


@pytest.mark.parametrize(
    "reply",
    [
        "this only cancels the {item} and not the other item? if so, go ahead",
        "so just the {item} goes and nothing else? then yes",
        "Das storniert nur {item} und nicht das andere? Dann ja.",
    ],
)
async def test_a_yes_on_a_check_that_only_one_item_is_cancelled_writes_nothing(tau_app: Settings, reply: str) -> None:
    # A cancellation takes the whole order: a yes on the supposition that it takes one item is no yes to it (a
    # reviewer found it written as a check of the order's scope).
    person, order, item = _pending_with_two_products(tau_app.shop_database_url)
    async with talk(tau_app, "reach-item", person.id) as customer:
        await _cancel_proposed(customer, order)
        told = await customer.say(reply.format(item=item.lower()))
        written = [c for c in await customer.tool_calls("cancel_order") if c["id"].startswith("exec_")]
    assert not written, told.text
    assert status_of(tau_app.shop_database_url, order) is OrderStatus.pending, told.text


# ------------------------------------------------------------------ "cancel it" at a step of a cancellation


@pytest.mark.parametrize(
    ("opening", "reply"),
    [
        ("I need to cancel one of my orders", "Like I said: {order}. Cancel it!"),
        ("i want an order cancelled", "{order}, just cancel the order please"),
        ("Ich möchte eine Bestellung stornieren", "Die {order}. Stornieren Sie sie einfach."),
    ],
)
async def test_cancel_it_at_a_step_of_a_cancellation_goes_on_with_it(
    tau_app: Settings, opening: str, reply: str
) -> None:
    person, order, _other = _two_pending(tau_app.shop_database_url)
    async with talk(tau_app, "cancel-it", person.id) as customer:
        asked = await customer.say(opening)
        assert asked.status != "awaiting_confirmation", asked.text
        went_on = await customer.say(reply.format(order=order))
        state = await customer.values()
        written = [c for c in await customer.tool_calls("cancel_order") if c["id"].startswith("exec_")]
    assert not written, went_on.text
    assert "haven't changed anything" not in went_on.text and "nichts geändert" not in went_on.text, went_on.text
    # The cancellation goes on, on that order: its reason is asked, or it is proposed.
    assert state["dialogue"].get("intent") == "cancel_order", went_on.text
    assert order in went_on.text or state["dialogue"]["slots"].get("order_id") == order, went_on.text


@pytest.mark.parametrize("reply", ["hm, forget it, never mind", "cancel that request, I'll keep it", "lass es, danke"])
async def test_a_withdrawal_at_a_step_of_a_cancellation_drops_it(tau_app: Settings, reply: str) -> None:
    person, order, _other = _two_pending(tau_app.shop_database_url)
    async with talk(tau_app, "cancel-drop", person.id) as customer:
        await customer.say("I need to cancel one of my orders")
        dropped = await customer.say(reply)
        state = await customer.values()
        written = [c for c in await customer.tool_calls("cancel_order") if c["id"].startswith("exec_")]
    assert not written and not state["dialogue"].get("intent"), dropped.text
    assert status_of(tau_app.shop_database_url, order) is OrderStatus.pending


# ------------------------------------------------------------------ a question while a return waits for its yes


@pytest.mark.parametrize(
    ("worry", "yes"),
    [
        (
            "Before I agree: is sending it back a hassle? I don't want to have to deal with a lot of paperwork.",
            "Alright, sounds easy enough. Yes, go ahead with the return.",
        ),
        (
            "Bevor ich zustimme: ist das Zurückschicken kompliziert? Ich habe keine Lust auf viel Aufwand.",
            "Gut, das klingt einfach. Ja, bitte machen Sie die Rücksendung.",
        ),
    ],
)
async def test_a_question_while_a_return_waits_keeps_it_and_the_yes_after_writes_it(
    tau_app: Settings, worry: str, yes: str
) -> None:
    person, order, item = _same_unit_exchange(tau_app.shop_database_url)
    async with talk(tau_app, "return-worry", person) as customer:
        proposed = await customer.say(f"I'd like to return the {item.lower()} from {order}, refund to how I paid")
        assert proposed.status == "awaiting_confirmation", proposed.text
        answered = await customer.say(worry)
        kept = (await customer.values()).get("pending_action")
        assert answered.status == "awaiting_confirmation" and kept, answered.text
        done = await customer.say(yes)
        written = [c for c in await customer.tool_calls("return_items") if c["id"].startswith("exec_")]
    # The yes is taken for the return kept: it is written, or goes to the colleague who approves it.
    if done.status == "awaiting_approval":
        assert not written and kept["args"]["order_id"] == order, done.text
    else:
        assert len(written) == 1 and written[0]["args"]["order_id"] == order, done.text

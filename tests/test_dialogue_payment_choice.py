"""Which payment method a refund or a price difference goes to, when the customer has not said (ShopDesk #15).

Customers played from tau-bench tasks found the bot choosing for them: a return's refund put on the original method
when they wanted their gift card, a difference charged to a card when they wanted their gift card. The shop records
the method, so a silent default is a wrong write for anyone who does not read the proposal closely. Now, with more
than one method that can be used and none named, the bot asks, listing only those (a refund: the original method
and the gift cards, as the shop's profile allows; a difference: every method of theirs, a gift card only if it
covers a difference to pay); with one, it uses it; a method named earlier is used without asking. The answer is read
by kind, digits, "the original one" or in German. Sentences written for these tests after the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop.db import session_factory
from shop.models import (
    Customer,
    Fulfillment,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Product,
)
from shopdesk.profile import load_profile
from shopdesk.settings import Settings
from tests.support.app import CLOCK
from tests.support.people import talk
from tools.views import options_text

# ------------------------------------------------------------------------------------ the words of an answer


@pytest.mark.parametrize(
    ("text", "asked", "mention"),
    [
        # The method paid with, named by that relation: anywhere.
        ("could the money go back onto the original payment method?", False, {"original": "1"}),
        ("same card as the one I paid with please", False, {"original": "1"}),
        ("whichever I paid with, that's fine", False, {"original": "1"}),
        ("just put it back where the money came from", False, {"original": "1"}),
        ("bitte auf die ursprüngliche Zahlungsmethode", False, {"original": "1"}),
        ("die Karte, mit der ich damals bezahlt habe", False, {"original": "1"}),
        # A bare sameness only answers our question which method.
        ("the original one", False, None),
        ("the original one", True, {"original": "1"}),
        ("same as before is fine", True, {"original": "1"}),
        ("dieselbe wie beim Kauf, danke", True, {"original": "1"}),
        # Turned away, it names nothing; a method named by its kind comes first.
        ("not what I paid with, put it on paypal", False, {"kind": "paypal"}),
        ("the gift card rather than the original one", True, {"kind": "gift_card"}),
        # No method: the way of paying asked about, an item's own words.
        ("how did I pay for that order?", False, None),
        ("the lamp I used only twice", False, None),
        ("it isn't what I used to have", False, None),
        ("ship it back where it came from", False, None),
    ],
)
def test_the_method_paid_with_is_named_by_that_relation(text: str, asked: bool, mention: dict[str, str] | None) -> None:
    from graph.llm.matching import payment_mention

    assert payment_mention(text, asked=asked) == mention


def test_digits_name_a_gift_card_as_well_as_a_card() -> None:
    from graph.llm.matching import matching_methods, payment_mention

    methods: list[dict[str, Any]] = [
        {"id": "credit_card_1", "kind": "credit_card", "brand": "visa", "last_four": "3321"},
        {"id": "gift_card_7717", "kind": "gift_card", "last_four": "7717", "balance": 80.0},
        {"id": "paypal_2", "kind": "paypal"},
    ]
    for text, wanted in (
        ("the one ending in 7717", "gift_card_7717"),
        ("use the card ending 7717", "gift_card_7717"),
        ("ending 3321", "credit_card_1"),
    ):
        mention = payment_mention(text, asked=True)
        assert mention is not None, text
        assert [m["id"] for m in matching_methods(methods, mention)] == [wanted], text
    # A brand said with the digits is held to: a visa ending in a gift card's digits is none of theirs.
    assert matching_methods(methods, {"kind": "credit_card", "brand": "visa", "last_four": "7717"}) == []
    assert [m["id"] for m in matching_methods(methods, {"original": "1"}, original="paypal_2")] == ["paypal_2"]


# ------------------------------------------------------------------------------------ conversations


@dataclass(frozen=True)
class Case:
    customer: str
    order: str
    item: str
    paid_with: PaymentMethod
    gift_cards: tuple[PaymentMethod, ...]
    others: tuple[PaymentMethod, ...]


def _paid_with_one_method(session: Session, status: OrderStatus) -> Iterator[tuple[Customer, Order, PaymentMethod]]:
    """Every order in `status` paid with exactly one of its customer's methods, with its customer and that method."""
    customers = session.scalars(
        select(Customer)
        .options(
            selectinload(Customer.payment_methods),
            selectinload(Customer.orders).selectinload(Order.items),
            selectinload(Customer.orders).selectinload(Order.transactions),
        )
        .order_by(Customer.id)
    ).all()
    for person in customers:
        for order in sorted(person.orders, key=lambda o: o.id):
            paid = {t.payment_method_id for t in order.transactions}
            if order.status is not status or len(paid) != 1:
                continue
            paid_with = next((m for m in person.payment_methods if m.id in paid), None)
            if paid_with is not None:
                yield person, order, paid_with


def _returns(db_url: str, fits: object) -> Case:
    """A delivered order of one of its customer's methods (not a gift card) whose customer ``fits`` (called with
    the method paid with, their gift cards and their other methods)."""
    with session_factory(db_url)() as session:
        for person, order, paid_with in _paid_with_one_method(session, OrderStatus.delivered):
            if paid_with.kind is PaymentMethodKind.gift_card:
                continue
            gifts = tuple(m for m in person.payment_methods if m.kind is PaymentMethodKind.gift_card)
            others = tuple(
                m for m in person.payment_methods if m.id != paid_with.id and m.kind is not PaymentMethodKind.gift_card
            )
            names = [i.name for i in order.items]
            if len(set(names)) != len(names) or not callable(fits) or not fits(paid_with, gifts, others):
                continue
            for method in (paid_with, *gifts, *others):
                session.expunge(method)
            return Case(person.id, order.id, order.items[0].name, paid_with, gifts, others)
    raise AssertionError("no delivered order fits the test")


def _said(method: PaymentMethod) -> str:
    """How the bot lists a method (the demo and tau-bench shops' labels)."""
    if method.kind is PaymentMethodKind.gift_card:
        return f"gift card ending {method.id[-4:]}"
    if method.kind is PaymentMethodKind.credit_card:
        return f"ending {method.last_four}"
    return "PayPal"


async def test_a_refund_with_somewhere_to_choose_is_asked_listing_only_where_it_may_go(tau_app: Settings) -> None:
    """Paid with a card, holding a gift card and yet another method: the refund may go to the card or the gift card
    (the benchmark's policy), so the bot asks, and the other method is not offered. Answered by kind."""
    case = _returns(tau_app.shop_database_url, lambda paid, gifts, others: len(gifts) == 1 and others)
    async with talk(tau_app, "where", case.customer) as customer:
        asked = await customer.say(f"hello, I'd like to send the {case.item.lower()} from {case.order} back")
        assert asked.status == "bot" and "The refund can go to:" in asked.text, asked.text
        assert f"{_said(case.paid_with)}" in asked.text and "what you paid with" in asked.text, asked.text
        assert _said(case.gift_cards[0]) in asked.text, asked.text
        for other in case.others:
            assert _said(other) not in asked.text, asked.text
        assert not await customer.tool_calls("return_items")
        proposed = await customer.say("put it on the gift card")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(case.gift_cards[0]) in proposed.text.split("Order:")[-1], proposed.text


async def test_a_refund_with_one_place_to_go_is_proposed_without_a_question(tau_app: Settings) -> None:
    """No gift card: the refund can only go back where it came from, whatever other methods they hold."""
    case = _returns(tau_app.shop_database_url, lambda paid, gifts, others: not gifts and others)
    async with talk(tau_app, "one", case.customer) as customer:
        proposed = await customer.say(f"I want to return my {case.item.lower()}, order {case.order}")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(case.paid_with) in proposed.text.split("Order:")[-1], proposed.text


async def test_a_method_named_before_the_question_is_used_without_asking(tau_app: Settings) -> None:
    """Said in the first message, before the customer was even verified: no question afterwards."""
    case = _returns(tau_app.shop_database_url, lambda paid, gifts, others: len(gifts) == 1)
    with session_factory(tau_app.shop_database_url)() as session:
        person = session.get(Customer, case.customer)
        assert person is not None
        email = person.email
    async with talk(tau_app, "before") as customer:
        await customer.say(
            f"Hello, I need to return the {case.item.lower()} from {case.order}, the refund going to my gift card."
        )
        proposed = await customer.say(f"sure, it's {email}")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(case.gift_cards[0]) in proposed.text.split("Order:")[-1], proposed.text


@pytest.mark.parametrize("answer", ["the original one, please", "same as I paid with", "the one ending in {digits}"])
async def test_the_question_is_answered_by_the_original_or_by_digits(tau_app: Settings, answer: str) -> None:
    case = _returns(
        tau_app.shop_database_url,
        lambda paid, gifts, others: len(gifts) == 1 and paid.kind is PaymentMethodKind.credit_card,
    )
    digits_of = case.gift_cards[0] if "digits" in answer else case.paid_with
    wanted = digits_of if "digits" in answer else case.paid_with
    digits = digits_of.id[-4:] if digits_of.kind is PaymentMethodKind.gift_card else str(digits_of.last_four)
    async with talk(tau_app, "answer", case.customer) as customer:
        asked = await customer.say(f"can I return the {case.item.lower()} from {case.order}?")
        assert "The refund can go to:" in asked.text, asked.text
        proposed = await customer.say(answer.format(digits=digits))
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(wanted) in proposed.text.split("Order:")[-1], proposed.text


async def test_a_refund_named_where_it_cannot_go_is_told_and_asked_again(tau_app: Settings) -> None:
    """PayPal for a card payment: not the original method nor a gift card; said so, and the choices asked again."""
    case = _returns(
        tau_app.shop_database_url,
        lambda paid, gifts, others: len(gifts) == 1 and any(o.kind is PaymentMethodKind.paypal for o in others),
    )
    async with talk(tau_app, "nope", case.customer) as customer:
        told = await customer.say(f"return the {case.item.lower()} from {case.order} please", "paypal")
        assert "can only go back to the payment method you paid with or to a gift card" in told.text, told.text
        assert "The refund can go to:" in told.text and "PayPal" not in told.text, told.text
        dialogue = (await customer.values())["dialogue"]
        assert dialogue["awaiting"] == "payment_method", dialogue


def _demo_return(settings: Settings) -> Case:
    """A delivered order of the demo shop inside its return window, of one item, paid with a card by a customer who
    holds one gift card and a method more (which no refund may go to)."""
    window_start = CLOCK - timedelta(days=load_profile("demo", settings.profiles_dir).returns.window_days)
    with session_factory(settings.shop_database_url)() as session:
        orders = session.scalars(
            select(Order)
            .join(Fulfillment, Fulfillment.order_id == Order.id)
            .where(Order.status == OrderStatus.delivered, Fulfillment.delivered_at > window_start + timedelta(days=2))
            .order_by(Order.id)
        ).unique()
        for order in orders:
            paid = {t.payment_method_id for t in order.transactions}
            methods = list(order.customer.payment_methods)
            paid_with = next((m for m in methods if m.id in paid), None)
            gifts = tuple(m for m in methods if m.kind is PaymentMethodKind.gift_card)
            others = tuple(m for m in methods if m is not paid_with and m not in gifts)
            product = session.get(Product, order.items[0].product_id)
            if (
                len(paid) != 1
                or len(order.items) != 1
                or paid_with is None
                or paid_with.kind is not PaymentMethodKind.credit_card
                or len(gifts) != 1
                or not others
                or product is None
                or product.final_sale
            ):
                continue
            for method in methods:
                session.expunge(method)
            return Case(order.customer_id, order.id, order.items[0].name, paid_with, gifts, others)
    raise AssertionError("no delivered demo order fits the test")


@pytest.mark.parametrize(
    ("answer", "gift_card"), [("die Geschenkkarte, bitte", True), ("auf die ursprüngliche Karte bitte", False)]
)
async def test_the_demo_shop_asks_in_german_and_reads_a_german_answer(
    app: Settings, answer: str, gift_card: bool
) -> None:
    case = _demo_return(app)
    async with talk(app, "de", case.customer) as customer:
        asked = await customer.say(f"Guten Tag, ich würde gern {case.item} aus {case.order} zurückschicken.")
        assert "Die Erstattung ist möglich auf:" in asked.text, asked.text
        assert f"ending {case.paid_with.last_four} (Kreditkarte, damit haben Sie bezahlt)" in asked.text, asked.text
        assert f"Geschenkkarte mit Endziffern {case.gift_cards[0].id[-4:]}" in asked.text, asked.text
        for other in case.others:
            assert _said(other) not in asked.text, asked.text
        proposed = await customer.say(answer)
    assert proposed.status == "awaiting_confirmation", proposed.text
    refund = next(line for line in proposed.text.splitlines() if line.startswith("- Erstattung"))
    wanted = f"Geschenkkarte mit Endziffern {case.gift_cards[0].id[-4:]}" if gift_card else case.paid_with.last_four
    assert str(wanted) in refund, proposed.text


# ------------------------------------------------------------------------------------ a price difference


@dataclass(frozen=True)
class Change:
    customer: str
    order: str
    item: str
    paid_with: PaymentMethod
    methods: tuple[PaymentMethod, ...]
    wanted: str
    difference: float


def _short_gift_card(methods: tuple[PaymentMethod, ...], difference: float) -> bool:
    return any(m.kind is PaymentMethodKind.gift_card and float(m.balance or 0) < difference for m in methods)


def _item_change(db_url: str, fits: Callable[[PaymentMethod, tuple[PaymentMethod, ...], float], bool]) -> Change:
    """A pending order with an item (its name alone on the order) that another available variant, differing in one
    option, replaces at another price, whose customer ``fits`` (called with the method paid with, all their methods
    and the difference)."""
    with session_factory(db_url)() as session:
        for person, order, paid_with in _paid_with_one_method(session, OrderStatus.pending):
            names = [i.name for i in order.items]
            if len(set(names)) != len(names):
                continue
            methods = tuple(person.payment_methods)
            for item in order.items:
                product = session.get(Product, item.product_id)
                assert product is not None
                for variant in product.variants:
                    differs = [k for k, v in variant.options.items() if item.options.get(k) != v]
                    cost = float(Decimal(variant.price) - Decimal(item.price))
                    if not variant.available or len(differs) != 1 or not fits(paid_with, methods, cost):
                        continue
                    for method in methods:
                        session.expunge(method)
                    wanted = options_text(variant.options)
                    return Change(person.id, order.id, item.name, paid_with, methods, wanted, cost)
    raise AssertionError("no pending order fits the test")


async def test_a_difference_to_pay_is_asked_for_among_every_method_that_can_pay_it(tau_app: Settings) -> None:
    """A gift card too small for the difference is not offered (here the one the order was paid with); every other
    method is."""
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: cost > 0 and len(methods) >= 3 and _short_gift_card(methods, cost),
    )
    async with talk(tau_app, "pay", change.customer) as customer:
        asked = await customer.say(f"I'd like to change the {change.item.lower()} in {change.order} to {change.wanted}")
        # The difference is said once, with the change shown above the question.
        assert "It can be charged to:" in asked.text and "There is a price difference" not in asked.text, asked.text
        for method in change.methods:
            covers = method.kind is not PaymentMethodKind.gift_card or float(method.balance or 0) >= change.difference
            assert (_said(method) in asked.text) is covers, asked.text
        other = next(
            m for m in change.methods if m is not change.paid_with and m.kind is not PaymentMethodKind.gift_card
        )
        named = "my paypal" if other.kind is PaymentMethodKind.paypal else f"the card ending {other.last_four}"
        proposed = await customer.say(f"charge {named}")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(other) in proposed.text.split("Order:")[-1], proposed.text


async def test_a_difference_to_refund_may_go_to_any_gift_card(tau_app: Settings) -> None:
    """Money coming back needs no balance: every gift card is offered, and chosen by its kind."""
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: (
            cost < 0
            and paid.kind is not PaymentMethodKind.gift_card
            and len([m for m in methods if m.kind is PaymentMethodKind.gift_card]) == 1
        ),
    )
    gift = next(m for m in change.methods if m.kind is PaymentMethodKind.gift_card)
    async with talk(tau_app, "back", change.customer) as customer:
        asked = await customer.say(
            f"I would like to change the {change.item.lower()} in {change.order} to {change.wanted}"
        )
        assert "to refund to you." in asked.text and "It can go to:" in asked.text, asked.text
        assert asked.text.count("price difference") == 1, asked.text
        assert all(_said(m) in asked.text for m in change.methods), asked.text
        proposed = await customer.say("onto the gift card please")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(gift) in proposed.text.split("Order:")[-1], proposed.text


async def test_a_difference_with_one_method_to_take_it_is_proposed_without_a_question(tau_app: Settings) -> None:
    change = _item_change(tau_app.shop_database_url, lambda paid, methods, cost: cost > 0 and len(methods) == 1)
    async with talk(tau_app, "single", change.customer) as customer:
        proposed = await customer.say(f"I'd like {change.wanted} for the {change.item.lower()} in {change.order}")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert _said(change.paid_with) in proposed.text.split("Order:")[-1], proposed.text


# ------------------------------------------------------------------------- the change before its money (round 18)
# Asked where an item change's money goes, customers asked back what they were paying for ("how much is the
# difference?"), and a customer whose only method was a gift card too small was asked for "another" method while
# the list showed that card alone, three times. The change (new versions, prices, the difference) now comes with the
# question; a gift card that can't pay says its balance and the difference, and with nothing else to pay it the
# customer is told what they can do instead. Sentences written for these tests after the change.


async def test_the_method_question_shows_the_new_version_and_the_difference_first(tau_app: Settings) -> None:
    change = _item_change(tau_app.shop_database_url, lambda paid, methods, cost: cost > 0 and len(methods) >= 2)
    async with talk(tau_app, "first", change.customer) as customer:
        asked = await customer.say(f"please switch the {change.item.lower()} on {change.order} to {change.wanted}")
    assert "It can be charged to:" in asked.text and asked.text.count("price difference") == 1, asked.text
    shown = asked.text.index("The change would be:")
    assert shown < asked.text.index("It can be charged to:"), asked.text
    assert change.wanted in asked.text[shown:], asked.text
    assert f"The price difference is ${change.difference:,.2f} to pay." in asked.text, asked.text


async def test_a_gift_card_too_small_and_alone_says_its_balance_and_what_else_can_be_done(tau_app: Settings) -> None:
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: cost > 0 and len(methods) == 1 and _short_gift_card(methods, cost),
    )
    card = change.methods[0]
    async with talk(tau_app, "short", change.customer) as customer:
        told = await customer.say(f"switch my {change.item.lower()} in {change.order} to {change.wanted}")
        assert f"has ${float(card.balance or 0):,.2f}" in told.text, told.text
        assert f"the price difference is ${change.difference:,.2f}, so it cannot pay it" in told.text, told.text
        assert "None of the payment methods on your account can pay that difference" in told.text, told.text
        assert "Another payment method" not in told.text and "Which one would you like" not in told.text, told.text
        # The card named again, with a doubt about it: the same facts, not a handoff for the colleague offered.
        again = await customer.say("alright, the gift card then. does it have enough on it?")
        assert again.status == "bot", again.text
        assert "so it cannot pay it" in again.text and "The change would be:" in again.text, again.text
        assert not await customer.tool_calls("modify_order_items")


async def test_a_choice_with_a_question_about_the_change_is_taken(tau_app: Settings) -> None:
    """ "PayPal is fine. the rest stays as it is, right?": the method is chosen; the proposal shows the rest."""
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: (
            cost < 0
            and len(methods) >= 2
            and any(m.kind is PaymentMethodKind.paypal for m in methods)
            and paid.kind is not PaymentMethodKind.paypal
        ),
    )
    async with talk(tau_app, "both", change.customer) as customer:
        asked = await customer.say(f"please change my {change.item.lower()} in {change.order} to {change.wanted}")
        assert "It can go to:" in asked.text and asked.text.count("price difference") == 1, asked.text
        proposed = await customer.say("PayPal is fine. and everything else about it stays as it is, right?")
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert "PayPal" in proposed.text.split("Order:")[-1], proposed.text


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        # Where money would go if any is owed: a detail of the proposal, the yes stands.
        ("sounds good, and if there's a difference to pay just use my paypal", True),
        ("go ahead; if any refund is due it can go to the gift card", True),
        ("ok do it, if I owe anything take it from my visa", True),
        # A condition on the yes itself: no yes yet.
        ("yes, if it arrives before friday", False),
        ("ok, if you're sure it's the right size", False),
        ("fine if anything changes tell me first", False),
    ],
)
def test_an_if_about_money_owed_does_not_hold_a_yes_back(text: str, yes: bool) -> None:
    from graph.nlu.confirmation import gives_a_yes

    assert gives_a_yes(text, "modify_order_items") is yes


async def test_a_yes_naming_the_proposals_own_method_writes_and_another_method_is_put_again(tau_app: Settings) -> None:
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: (
            cost > 0
            and paid.kind is PaymentMethodKind.credit_card
            and any(m.kind is PaymentMethodKind.paypal for m in methods)
        ),
    )
    async with talk(tau_app, "yes", change.customer) as customer:
        asked = await customer.say(f"I'd like the {change.item.lower()} in {change.order} as {change.wanted}")
        if asked.status != "awaiting_confirmation":
            asked = await customer.say(f"the card ending {change.paid_with.last_four}")
        assert asked.status == "awaiting_confirmation", asked.text
        # Another method than the proposal's, said with the yes: nothing written, the proposal put again with it.
        again = await customer.say("yes, and if there's anything to pay put it on paypal")
        assert again.status == "awaiting_confirmation", again.text
        assert "PayPal" in again.text.split("Order:")[-1] and "Done" not in again.text, again.text
        done = await customer.say("great, go ahead - if anything needs paying, paypal as shown")
        # The yes goes through: written, or (a large change) sent for a colleague's approval as proposed.
        assert done.status in ("bot", "awaiting_approval"), done.text
        values = await customer.values()
        # The write is the call the execute node made (the proposals' calls are planned, not made).
        written = [c for c in await customer.tool_calls("modify_order_items") if c["id"].startswith("exec_")]
    if done.status == "bot":
        assert len(written) == 1 and done.text.startswith("Done"), (written, done.text)
        assert str(written[0]["args"]["payment_method_id"]).startswith("paypal"), written
    else:
        assert not written and str(values["pending_action"]["args"]["payment_method_id"]).startswith("paypal")

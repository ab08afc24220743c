"""Requests read clause by clause: two requests in one message, a charge taken wrongly, a reason said with a no in it.

Played customers (issue #15) lost one of two requests said in one sentence ("... plus change its payment", "for my
other order, switch the payment"), had the method meant for their other order pay this change's difference, had
"refund the double charge" start a cancellation, and had "yes, I don't need it anymore" put the cancellation again.
Each class is tested with sentences written for these tests after the change, a German one where the readers
support German, and with the wrong write shown not to happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from graph.llm.dialogue.proposal_facts import turns_down
from graph.nlu.billing import tells_of_a_wrong_charge
from graph.nlu.confirmation import gives_a_yes
from graph.nlu.segment import split_requests
from shop.db import session_factory
from shop.models import Order, OrderStatus, PaymentMethod, PaymentMethodKind, Product, Transaction
from shopdesk.settings import Settings
from tests.support.people import talk

# ------------------------------------------------------------------ where one request ends and the next begins


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("swap the kettle on #W1234567 for the white one plus change its payment to my paypal", "change its payment"),
        ("make the lamp on #W1234567 blue. For my other order, switch the payment to my visa", "For my other order"),
        ("exchange the boots for size 9, and on the other order change the address", "on the other order"),
        ("update the address of #W1234567, and for #W7654321 please cancel it", "for #W7654321"),
        ("Bitte die Zahlung für #W1234567 auf PayPal umstellen und die Lampe gegen die blaue tauschen", "die Lampe"),
    ],
)
def test_a_second_request_in_one_sentence_is_a_segment_of_its_own(text: str, second: str) -> None:
    segments = split_requests(text)
    assert len(segments) == 2 and segments[1].startswith(second), segments


@pytest.mark.parametrize(
    "text",
    [
        "the blue one plus size M",
        "swap the lamp for the blue one, on order #W1234567",
        "cancel and refund my order plus the shipping",
        "ich möchte die Lampe tauschen und zwar gegen die blaue",
    ],
)
def test_one_request_stays_whole(text: str) -> None:
    assert split_requests(text) == [text]


# ------------------------------------------------------------------ two requests, two orders, one message


@dataclass(frozen=True)
class TwoOrders:
    customer: str
    changed: str  # the order whose item changes
    other: str  # another pending order of theirs
    card: PaymentMethod  # a credit card the other order was not paid with
    item: str
    wanted: str


def _two_pending_orders(db_url: str) -> TwoOrders:
    """A customer with two pending orders: one small, with an item that comes in a dearer available variant; the
    other paid with anything but one of their credit cards."""
    from tools.views import options_text

    with session_factory(db_url)() as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            if order.total >= 400:
                continue
            others = [
                o
                for o in session.scalars(select(Order).where(Order.customer_id == order.customer_id))
                if o.id != order.id and o.status is OrderStatus.pending
            ]
            if len(others) != 1:
                continue
            paid = set(
                session.scalars(select(Transaction.payment_method_id).where(Transaction.order_id == others[0].id))
            )
            methods = session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == order.customer_id))
            cards = [m for m in methods if m.kind is PaymentMethodKind.credit_card and m.id not in paid]
            names = [i.name for i in order.items]
            for item in order.items:
                if not cards or names.count(item.name) > 1:
                    continue
                product = session.get(Product, item.product_id)
                variants = product.variants if product else []
                now = next((v for v in variants if v.id == item.variant_id), None)
                dearer = next((v for v in variants if v.available and now and v.price > now.price), None)
                if dearer is not None:
                    session.expunge(cards[0])
                    return TwoOrders(
                        order.customer_id,
                        order.id,
                        others[0].id,
                        cards[0],
                        item.name.lower(),
                        options_text(dearer.options),
                    )
    raise AssertionError("no customer fits the test")


@pytest.mark.parametrize(
    "ask",
    [
        "change the {item} on {changed} to {wanted}. For my other order, switch the payment to my credit card ending "
        "{card}.",
        "please change the {item} in {changed} to {wanted}, and on my other order {other} move the payment over to "
        "the card ending {card}",
        "I'd like to swap the {item} from {changed} for {wanted}; as for the other order, change how it's paid to my "
        "credit card ending {card}",
    ],
)
async def test_a_payment_change_for_the_other_order_pays_no_difference_and_waits(tau_app: Settings, ask: str) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    text = ask.format(
        item=case.item, changed=case.changed, other=case.other, wanted=case.wanted, card=case.card.last_four
    )
    async with talk(tau_app, "other", case.customer) as customer:
        await customer.say(text)
        values = await customer.values()
        pending = values.get("pending_action") or {}
        queued = values["dialogue"].get("queued") or []
        # The item change is the request in hand, on its own order, and the card named for the other order does not
        # pay its difference (it waits to be asked which method, or proposes another).
        assert values["dialogue"].get("intent") == "change_items", values["dialogue"]
        assert values["dialogue"]["slots"].get("order_id") == case.changed, values["dialogue"]["slots"]
        assert pending.get("name") in (None, "modify_order_items"), pending
        assert (pending.get("args") or {}).get("payment_method_id") != case.card.id, pending
        assert [r["intent"] for r in queued] == ["change_payment"], queued
        # Whatever follows, the changed order's payment is never proposed for a change.
        await customer.say("the one I paid with", "yes", "yes please")
        paid = await customer.tool_calls("modify_order_payment")
    assert all(c["args"]["order_id"] != case.changed for c in paid), paid


async def test_two_orders_named_each_keep_their_own_request(tau_app: Settings) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    text = (
        f"switch the payment on {case.other} to my credit card ending {case.card.last_four} and swap the {case.item} "
        f"on {case.changed} for {case.wanted}"
    )
    async with talk(tau_app, "two", case.customer) as customer:
        await customer.say(text)
        values = await customer.values()
    slots = values["dialogue"]["slots"]
    assert values["dialogue"].get("intent") == "change_items" and slots.get("order_id") == case.changed, slots
    assert [r["intent"] for r in values["dialogue"].get("queued") or []] == ["change_payment"]
    assert ((values.get("pending_action") or {}).get("args") or {}).get("payment_method_id") != case.card.id


@pytest.mark.parametrize(
    "ask",
    [
        "swap the {item} on {changed} for {wanted} plus change its payment to my credit card ending {card}",
        "Bitte die Zahlung für {changed} auf meine Kreditkarte mit Endung {card} umstellen und die {item} gegen "
        "{wanted} tauschen",
    ],
)
async def test_a_payment_change_of_the_same_order_in_one_sentence_comes_first(tau_app: Settings, ask: str) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    text = ask.format(item=case.item, changed=case.changed, wanted=case.wanted, card=case.card.last_four)
    async with talk(tau_app, "same", case.customer) as customer:
        first = await customer.say(text)
        values = await customer.values()
    assert first.status == "awaiting_confirmation", first.text
    assert values["pending_action"]["name"] == "modify_order_payment", values["pending_action"]
    assert values["pending_action"]["args"] == {"order_id": case.changed, "payment_method_id": case.card.id}
    assert [r["intent"] for r in values["dialogue"]["queued"]] == ["change_items"], values["dialogue"]


# ------------------------------------------------------------------ a refund of the difference pays the change


@pytest.mark.parametrize(
    "reply", ["put the difference back on my credit card ending {card}", "refund the difference to that card {card}"]
)
async def test_the_difference_refunded_to_a_card_is_the_change_s_payment(tau_app: Settings, reply: str) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    async with talk(tau_app, "diff", case.customer) as customer:
        await customer.say(f"change the {case.item} on {case.changed} to {case.wanted}")
        await customer.say(reply.format(card=case.card.last_four))
        values = await customer.values()
    pending = values.get("pending_action") or {}
    assert pending.get("name") == "modify_order_items", pending
    assert pending["args"]["payment_method_id"] == case.card.id, pending


# ------------------------------------------------------------------ a charge taken wrongly


@pytest.mark.parametrize(
    "text",
    [
        "my visa got billed two times for this, please refund the duplicate payment",
        "you charged me twice, I want the extra charge back",
        "there's a double charge on my card, refund it",
        "Ich wurde doppelt belastet, bitte erstatten Sie mir den Betrag",
    ],
)
def test_a_charge_taken_wrongly_is_read_as_such(text: str) -> None:
    assert tells_of_a_wrong_charge(text), text


@pytest.mark.parametrize(
    "text",
    [
        "refund the difference to my visa",
        "I want a refund for the lamp",
        "charged twice? then just cancel the order",
        "can I pay for it with two cards?",
    ],
)
def test_other_money_words_are_no_wrong_charge(text: str) -> None:
    assert not tells_of_a_wrong_charge(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I got billed two times for {order}, refund the second payment please",
        "{order} was charged to my card twice. Please refund the duplicate charge.",
        "Für {order} wurde zweimal abgebucht, bitte die doppelte Abbuchung erstatten",
    ],
)
async def test_a_charge_taken_twice_is_no_cancellation_and_a_person_is_offered(tau_app: Settings, text: str) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    async with talk(tau_app, "twice", case.customer) as customer:
        first = await customer.say(text.format(order=case.changed))
        values = await customer.values()
        assert values.get("pending_action") is None, values.get("pending_action")
        assert values["dialogue"].get("intent") not in ("cancel_order", "return_request", "refund_request")
        assert values["dialogue"].get("awaiting") != "cancel_reason", first.text
        taken = await customer.say("ja bitte" if "wurde" in text else "yes please")
        assert taken.status == "waiting_human", taken.text
        writes = [await customer.tool_calls(n) for n in ("cancel_order", "return_items")]
    assert writes == [[], []]
    with session_factory(tau_app.shop_database_url)() as session:
        assert session.get(Order, case.changed).status is OrderStatus.pending  # type: ignore[union-attr]


# ------------------------------------------------------------------ a no scoped to its clause


@pytest.mark.parametrize(
    "reply",
    [
        "yes, I don't need it anymore",
        "yes cancel it, i dont want it",
        "ok go ahead, I no longer want them",
        "sure, I'd rather not get it at all",
        "yes do it, I don't want to wait",
        "ja, ich brauche sie nicht mehr",
    ],
)
def test_why_the_order_goes_is_no_no_to_its_cancellation(reply: str) -> None:
    assert gives_a_yes(reply, "cancel_order") and not turns_down(reply, "cancel_order"), reply


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("no, I don't want it", "cancel_order"),
        ("I don't want that", "cancel_order"),
        ("yes, but not the helmet", "cancel_order"),
        # Not wanting the thing is a reason only for an act that takes it away: at an item change it holds back.
        ("yes, I don't need it anymore", "modify_order_items"),
    ],
)
def test_a_no_to_the_proposal_stays_a_no(reply: str, action: str) -> None:
    assert not gives_a_yes(reply, action), reply


@pytest.mark.parametrize("reply", ["yes please, I don't need it anymore", "ja, ich will sie nicht mehr"])
async def test_a_yes_with_its_reason_cancels_once_as_proposed(tau_app: Settings, reply: str) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    async with talk(tau_app, "why", case.customer) as customer:
        proposed = await customer.say(f"cancel {case.changed}, I ordered it by mistake")
        assert proposed.status == "awaiting_confirmation", proposed.text
        await customer.say(reply)
        cancels = await customer.tool_calls("cancel_order")
    # The proposal and its execution carry the same arguments: one write, as proposed.
    assert {tuple(sorted(c["args"].items())) for c in cancels} == {
        (("order_id", case.changed), ("reason", "ordered by mistake"))
    }, cancels
    with session_factory(tau_app.shop_database_url)() as session:
        assert session.get(Order, case.changed).status is OrderStatus.cancelled  # type: ignore[union-attr]


# ------------------------------------------------------------------ money back for an order not shipped


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather not receive {order} at all, I just want my money back",
        "please don't ship {order}, refund me instead",
        "Bitte {order} nicht mehr versenden, ich möchte mein Geld zurück",
    ],
)
async def test_money_back_for_a_pending_order_is_its_cancellation(tau_app: Settings, text: str) -> None:
    case = _two_pending_orders(tau_app.shop_database_url)
    async with talk(tau_app, "back", case.customer) as customer:
        await customer.say(text.format(order=case.changed))
        values = await customer.values()
        returns = await customer.tool_calls("return_items")
    pending = values.get("pending_action") or {}
    assert values["dialogue"].get("intent") == "cancel_order" or pending.get("name") == "cancel_order", values
    assert returns == []

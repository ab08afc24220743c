"""Payment methods as customers name them, ask about them and change their mind about them.

Found by customers played from tau-bench tasks (round 8): "my other credit card", a method named by the id on the
customer's account page ("credit_card_4142574"), "can you list the payment methods on my account?", and "charge the
difference to my other card" for an exchange (read as changing how the order was paid). Classes, each with
sentences written for these tests after the change.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage
from sqlalchemy import select

from graph.context import Context
from shop.db import session_factory
from shop.models import Order, OrderStatus, PaymentMethod, PaymentMethodKind, Transaction
from shopdesk.settings import Settings
from tests.support.people import conversation, say


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("put the difference on credit_card_8105988 please", {"kind": "credit_card", "id": "credit_card_8105988"}),
        ("is credit card 8105988 the visa?", {"kind": "credit_card", "id": "credit_card_8105988"}),
        # The digits of an account id: its last four are the ones the customer is shown.
        ("my gift card, the one ending in 2290417", {"kind": "gift_card", "last_four": "0417"}),
        ("refund it to gift_card_1234567", {"kind": "gift_card", "id": "gift_card_1234567"}),
        ("use a different card for it", {"kind": "credit_card", "other": "1"}),
        ("my second credit card, not this one", {"kind": "credit_card", "other": "1"}),
        # The method refused is not the one asked for, whatever words stand between.
        ("not the visa ending 4421, paypal please", {"kind": "paypal"}),
        ("anything but the mastercard ending 9917", None),
        ("my order ending in 4567 is the one", None),
    ],
)
def test_how_people_name_a_payment_method(text: str, mention: dict[str, str] | None) -> None:
    from graph.llm.matching import payment_mention

    assert payment_mention(text) == mention


def test_another_card_is_one_not_in_play() -> None:
    from graph.llm.matching import matching_methods

    methods = [
        {"id": "credit_card_1", "kind": "credit_card", "label": "visa ending 1111"},
        {"id": "credit_card_2", "kind": "credit_card", "label": "mastercard ending 2222"},
        {"id": "paypal_3", "kind": "paypal", "label": "PayPal"},
    ]
    other = {"kind": "credit_card", "other": "1"}
    assert [m["id"] for m in matching_methods(methods, other, {"credit_card_1"})] == ["credit_card_2"]
    assert matching_methods(methods, {"kind": "credit_card", "id": "credit_card_2"})[0]["id"] == "credit_card_2"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("could you show me the cards I've got saved?", True),
        ("please tell me what payment methods are on my account", True),
        ("which of my cards is the visa?", True),
        ("of the two cards I have, which one is the amex one?", True),
        ("which of my saved cards ends in 4421 again?", True),
        ("hang on, which gift card is that one?", True),
        ("charge it to my visa please", False),
        ("use my paypal instead", False),
        # Where the money of a refund may go is a question about their methods too; where a refund is, is not.
        ("so where else could the refund be sent?", True),
        ("are there other choices for the money back?", True),
        ("um which account would my reimbursement land in", True),
        ("what happens to my refund if the box is damaged in transit?", False),
        ("where's my refund at?", False),
        # What, when or which of a refund, not where it may go.
        ("when is the refund going through?", False),
        ("which order is that refund for?", False),
        ("any way to get the refund faster?", False),
        ("could the refund go to another card?", True),
        ("please send the refund to my gift card", False),
    ],
)
def test_a_question_about_ones_payment_methods(text: str, asks: bool) -> None:
    from graph.nlu.confirmation import asks_about_payment_methods

    assert asks_about_payment_methods(text) is asks


@pytest.mark.parametrize(
    ("text", "action", "yes"),
    [
        ("fine, send them back then", "return_items", True),
        ("great. cancel it.", "cancel_order", True),
        ("swap it for that one", "exchange_items", True),
        ("good", "modify_order_items", True),
        # A word more may change what is done: not a yes.
        ("return the lamp", "return_items", False),
        ("swap it for the cheaper one", "exchange_items", False),
        ("change it to the grey one", "modify_order_items", False),
    ],
)
def test_asking_for_the_proposals_own_act_is_a_yes(text: str, action: str, yes: bool) -> None:
    from graph.nlu.confirmation import gives_a_yes

    assert gives_a_yes(text, action) is yes


@pytest.mark.parametrize(
    ("in_progress", "text", "wanted"),
    [
        ("return_request", "hmm no, I'd rather swap it for another colour", "change_items"),
        ("change_items", "forget the swap, I just want to send it back", "return_request"),
        ("exchange_request", "not an exchange, a return", "return_request"),
        ("return_request", "yes I want to return it", None),
        # The exchange's own send-back step, or a yes with a remark: no change of kind (a review found these).
        ("exchange_request", "Yes please, I'll send it back on Monday", None),
        ("exchange_request", "ok, do I send it back in the original box?", None),
        ("exchange_request", "passt, bekomme ich das Geld zurück?", None),
        ("return_request", "Yes, I'll buy a replacement elsewhere", None),
        ("exchange_request", "can I please send the earbuds back and get my money back?", "return_request"),
        ("return_request", "can I return or exchange it?", None),
    ],
)
def test_a_request_on_the_items_restated_as_another(in_progress: str, text: str, wanted: str | None) -> None:
    from graph.llm.dialogue.remedies import restated_item_request

    assert restated_item_request(in_progress, text) == wanted


def _two_card_customer(db_url: str) -> tuple[str, str, str, str]:
    """A customer with two credit cards and a pending order paid with one: (customer, order, paid with, the other)."""
    with session_factory(db_url)() as session:
        orders = session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)).all()
        for order in orders:
            cards = session.scalars(
                select(PaymentMethod).where(
                    PaymentMethod.customer_id == order.customer_id, PaymentMethod.kind == PaymentMethodKind.credit_card
                )
            ).all()
            paid = session.scalars(select(Transaction.payment_method_id).where(Transaction.order_id == order.id)).all()
            if len(cards) == 2 and len(set(paid)) == 1 and paid[0] in {c.id for c in cards}:
                other = next(c for c in cards if c.id != paid[0])
                return order.customer_id, order.id, paid[0], str(other.last_four)
    raise AssertionError("no customer with two cards and a pending order paid with one")


async def test_my_other_card_is_the_one_not_paying_the_order_and_a_list_is_answered_anywhere(
    tau_app: Settings,
) -> None:
    db = tau_app.shop_database_url
    customer, order_id, _paid_with, other_last_four = _two_card_customer(db)
    context = Context(customer_id=customer)
    async with conversation(tau_app) as (chat, _):
        listed = await say(
            chat, "cards", "before anything, could you show me the cards I've got saved?", context=context
        )
        assert other_last_four in listed.text and "on your account" in listed.text, listed.text
        proposed = await say(
            chat, "cards", f"ok. for order {order_id}, I'd like to pay with my other credit card", context=context
        )
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert f"ending {other_last_four}" in proposed.text, proposed.text


def test_words_about_the_conversation_are_no_items() -> None:
    """Saying "forget the question, for the exchange..." named no item: the tool refused the exchange for an item
    "question" the order does not have."""
    from graph.nlu.entities import extract_entities

    text = "never mind the question. about the swap: I'd also like help with the request from before"
    assert extract_entities(text).products == []
    assert extract_entities("give me a minute, first the payment on this order please").products == []
    # An activity in -ing is no item; a thing in -ing still is.
    assert extract_entities("could you help with the syncing? it keeps failing").products == []
    assert extract_entities("my earring is broken").products == ["earring"]


def _customer_with_two_other_methods(db_url: str) -> tuple[str, str, PaymentMethod]:
    """A pending order paid with one method whose customer has two others, a credit card among them: (customer,
    order, that credit card)."""
    with session_factory(db_url)() as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            paid = set(session.scalars(select(Transaction.payment_method_id).where(Transaction.order_id == order.id)))
            others = [
                m
                for m in session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == order.customer_id))
                if m.id not in paid and m.kind is not PaymentMethodKind.gift_card
            ]
            cards = [m for m in others if m.kind is PaymentMethodKind.credit_card]
            if len(paid) == 1 and len(others) >= 2 and cards and order.total < 400:
                session.expunge(cards[0])
                return order.customer_id, order.id, cards[0]
    raise AssertionError("no pending order fits the test")


async def test_a_question_about_the_methods_while_we_ask_which_keeps_the_request(tau_app: Settings) -> None:
    """ "Are both of those credit cards? Can you tell me more about them?" while the bot asked which method to use was
    read as a question about the order, and the request was lost: the card named next (by its account id) was
    never used."""
    customer, order_id, card = _customer_with_two_other_methods(tau_app.shop_database_url)
    context = Context(customer_id=customer)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(chat, "which", f"I need to change the payment method on {order_id}", context=context)
        assert "Which one would you like to use?" in asked.text, asked.text
        answered = await say(
            chat,
            "which",
            "hmm, which of these are credit cards? is there anything more you can tell me?",
            context=context,
        )
        assert "(credit card)" in answered.text, answered.text
        dialogue = (await graph.aget_state(chat.config("which"))).values["dialogue"]
        assert dialogue["intent"] == "change_payment" and dialogue["awaiting"] == "payment_method", dialogue
        proposed = await say(chat, "which", f"all I have noted is {card.id}", context=context)
    assert proposed.status == "awaiting_confirmation" and str(card.last_four) in proposed.text, proposed.text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("I need to change the payment method on #W1234567", "change_payment"),
        ("can I pay for #W1234567 another way?", "change_payment"),
        ("what payment method did I use for #W1234567?", None),
    ],
)
def test_a_change_of_how_an_order_is_paid_without_a_method_named(text: str, reading: str | None) -> None:
    from graph.llm.dialogue.reading import refine
    from graph.nlu.entities import extract_entities
    from graph.state import SupportState

    state = SupportState(
        messages=[HumanMessage(text)],
        understanding={"intent": "change_order", "entities": extract_entities(text).model_dump(mode="json")},
    )
    assert refine("change_order", state) == (reading or "change_order")


async def test_an_item_change_after_a_payment_change_settles_with_the_new_method(tau_app: Settings) -> None:
    """After "pay #W1 with my other card" and its yes, the next item change on #W1 proposed the difference to the
    method the order no longer holds money on (played customers, train-146 and dev-12). The customer has several
    methods, so they are asked which: the new one is what they paid with."""
    from shop.models import Product
    from tools.views import options_text

    db = tau_app.shop_database_url
    customer, order_id, card = _customer_with_two_other_methods(db)
    with session_factory(db)() as session:
        order = session.get(Order, order_id)
        assert order is not None
        item, other = next(
            (i, v)
            for i in order.items
            for v in (session.get(Product, i.product_id) or Product()).variants
            if v.available and v.id != i.variant_id
        )
        item_name, wanted = item.name.lower(), options_text(other.options)
    context = Context(customer_id=customer)
    async with conversation(tau_app) as (chat, _):
        await say(chat, "then-items", f"please pay {order_id} with {card.id} instead", context=context)
        await say(chat, "then-items", "yes", context=context)
        asked = await say(chat, "then-items", f"now change the {item_name} to {wanted}", context=context)
        assert f"ending {card.last_four} (credit card, what you paid with)" in asked.text, asked.text
        proposed = await say(chat, "then-items", "the one I paid with", context=context)
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert f"ending {card.last_four}" in proposed.text.split("Order:")[-1], proposed.text

"""Routine questions answered right through the real graph: the shop's own address, general questions on personal
topics, "do you have any <thing>?", how an order's parcels are described, follow-ups about the order in hand, and
"tell me about the <product>"."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from graph.context import Context
from graph.llm.responses import describe_order
from shop.db import session_factory
from shop.models import Customer, Fulfillment, Order, OrderStatus
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import shipped_order

ORDER_LIST = "Here are your orders, most recent first"
VERIFY = "verify it's you"
OFFER = "If it's about one of your orders, tell me which one and I'll check."


def some_customer(db_url: str) -> str:
    with session_factory(db_url)() as session:
        customer = session.scalars(
            select(Customer).join(Order, Order.customer_id == Customer.id).where(Customer.tier != "vip").limit(1)
        ).one()
        return customer.id


def delivered_orders(db_url: str, parcels: int) -> list[Order]:
    """Delivered orders with exactly `parcels` delivered fulfillments, fulfillments loaded."""
    with session_factory(db_url)() as session:
        several = (
            select(Fulfillment.order_id)
            .where(Fulfillment.delivered_at.is_not(None))
            .group_by(Fulfillment.order_id)
            .having(func.count() == parcels)
        )
        return list(
            session.scalars(
                select(Order)
                .where(Order.status == OrderStatus.delivered, Order.id.in_(several))
                .options(selectinload(Order.fulfillments))
                .order_by(Order.id)
            ).all()
        )


def days_since_delivery(order: Order) -> int:
    from tools.base import shop_now
    from tools.returns import delivered_at

    arrived = delivered_at(order)
    assert arrived is not None
    return (shop_now() - arrived).days


def doc_ids(turn_ids: list[str]) -> list[str]:
    return [i for i in turn_ids if "#" in i and not i.startswith(("order:", "#"))]


async def test_the_shops_own_email_address_is_quoted_not_handed_off(app: Settings) -> None:
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send("delete-1", "How do I delete my account?", Context())
    assert turn.status == "bot" and turn.interrupt is None, turn.interrupt
    assert "orders@northwind.example" in turn.text and "Delete account" in turn.text, turn.text
    assert any(i.startswith("privacy-accounts#") or i.startswith("faq#") for i in turn.replies[-1]["evidence_ids"])


async def test_general_questions_on_personal_topics_are_answered_from_the_policies(app: Settings) -> None:
    customer = some_customer(app.shop_database_url)
    questions = {
        # question -> words the policy answer says
        "Which payment methods do you accept?": "PayPal",
        "How long does a refund take to show up on my card?": "business days",
        "Can I exchange shoes for a different size?": "xchange",
        "Can I cancel an order after it has shipped?": "cancel",
        "Can I change the delivery address after ordering?": "address",
        "Do you send invoices?": "invoice",
    }
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        for who, context in (("guest", Context()), ("member", Context(customer_id=customer))):
            for n, (question, said) in enumerate(questions.items()):
                turn = await chat.send(f"general-{who}-{n}", question, context)
                where = f"{who}: {question!r} -> {turn.text!r}"
                assert turn.status == "bot" and turn.interrupt is None, where
                assert ORDER_LIST not in turn.text and VERIFY not in turn.text and "Which order" not in turn.text, where
                assert said in turn.text, where
                assert doc_ids(turn.replies[-1]["evidence_ids"]), where
                values = await chat.values(f"general-{who}-{n}")
                assert values.get("customer") is None, where  # nothing personal was read
                # Where an order may be behind the question, the customer is offered a look at it; not for ways to pay.
                assert (OFFER in turn.text) == (question != "Which payment methods do you accept?"), where


async def test_a_general_question_mid_conversation_is_not_answered_with_the_order_in_context(app: Settings) -> None:
    # Within the return window, so that the exchange can go on.
    order = next(o for o in delivered_orders(app.shop_database_url, 1) if days_since_delivery(o) < 25)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        first = await chat.send("context-1", f"Where is my order {order.id}?", context)
        assert order.id in first.text
        general = await chat.send("context-1", "Can I exchange shoes for a different size?", context)
        assert order.id not in general.text and "**delivered**" not in general.text, general.text
        assert "xchange" in general.text and OFFER in general.text, general.text
        # Taking up the offer continues the exchange with that order: which item, or which option of its one item.
        followed = await chat.send("context-1", order.id, context)
    assert order.id in followed.text, followed.text
    assert "Which item would you like to change?" in followed.text or "would you like instead?" in followed.text


async def test_a_refund_question_then_an_order_number_reads_that_orders_refund(app: Settings) -> None:
    order = delivered_orders(app.shop_database_url, 1)[0]
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        general = await chat.send("refund-q", "How long does a refund take to show up on my card?", context)
        assert OFFER in general.text, general.text
        followed = await chat.send("refund-q", order.id, context)
    assert f"returns:{order.id}" in followed.replies[-1]["evidence_ids"], followed.text


async def test_personal_requests_still_verify_and_ask_which_order(app: Settings) -> None:
    order = delivered_orders(app.shop_database_url, 1)[0]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        for n, text in enumerate(
            (f"where is my refund for {order.id}", "I want to exchange the boots I got", "my payment failed")
        ):
            turn = await chat.send(f"personal-guest-{n}", text, Context())
            assert VERIFY in turn.text and OFFER not in turn.text, (text, turn.text)
        member = Context(customer_id=order.customer_id)
        exchange = await chat.send("personal-member-1", "I want to exchange the boots I got", member)
        assert ORDER_LIST in exchange.text and "Which order" in exchange.text, exchange.text
        refund = await chat.send("personal-member-2", f"where is my refund for {order.id}", member)
        assert f"returns:{order.id}" in refund.replies[-1]["evidence_ids"], refund.text


async def test_do_you_have_any_thing_gets_the_catalog_and_an_unknown_thing_gets_no_stand_in(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        bottles = await chat.send("stock-1", "Do you have any water bottles?", Context())
        tents = await chat.send("stock-2", "Do you sell tents?", Context())
        kayaks = await chat.send("stock-3", "Do you have kayaks?", Context())
    for turn in (bottles, tents):
        assert "I want to be sure I help with the right thing" not in turn.text, turn.text
        products = [i for i in turn.replies[-1]["evidence_ids"] if i.startswith("product:")]
        # The shop's products of that kind, each with its price (knowledge.product_answers.recommend).
        assert products and "$" in turn.text, turn.text
    assert "Bottle" in bottles.text or "Flask" in bottles.text, bottles.text
    assert "Tent" in tents.text, tents.text
    # The catalog's nearest product to a kayak is a glove: no answer is better than that one.
    assert "$" not in kayaks.text and kayaks.replies[-1]["evidence_ids"] == [], kayaks.text


async def test_a_delivered_order_reads_in_the_past_and_each_parcel_once(app: Settings) -> None:
    single = delivered_orders(app.shop_database_url, 1)[0]
    double = delivered_orders(app.shop_database_url, 2)[0]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        one = await chat.send(
            "parcels-1", f"Can you check on my order {single.id} please", Context(customer_id=single.customer_id)
        )
        two = await chat.send(
            "parcels-2", f"Can you check on my order {double.id} please", Context(customer_id=double.customer_id)
        )
    (parcel,) = single.fulfillments
    assert (
        f"It was shipped with {parcel.carrier} (tracking number {parcel.tracking_number}) and delivered on" in one.text
    )
    assert "ships with" not in one.text, one.text
    assert "ships with" not in two.text and "split into 2 parcels" in two.text, two.text
    for shipment in double.fulfillments:
        assert two.text.count(shipment.tracking_number) == 1, two.text
    assert two.text.count("delivered on") == 2, two.text


def test_parcels_are_described_in_the_tense_of_where_they_are() -> None:
    shipped = {"carrier": "UPS", "tracking_number": "1Z1", "shipped_at": "2026-11-01T09:00:00", "delivered_at": None}
    labelled = {"carrier": "FedEx", "tracking_number": "77", "shipped_at": None, "delivered_at": None}
    eta = {"estimated_delivery": "2026-11-04T12:00:00"}
    today = datetime(2026, 11, 2, 9, 0)
    on_its_way = describe_order({"order_id": "#W1", "status": "shipped", "fulfillments": [shipped | eta]}, now=today)
    assert on_its_way == (
        "Your order #W1 is **shipped**. It is on its way with UPS, tracking number 1Z1. "
        "Estimated delivery: Wednesday, November 4."
    )
    waiting = describe_order({"order_id": "#W2", "status": "processed", "fulfillments": [labelled | eta]}, now=today)
    assert "It will ship with FedEx, tracking number 77. Estimated delivery: Wednesday, November 4." in waiting
    both = describe_order(
        {"order_id": "#W3", "status": "shipped", "fulfillments": [shipped | eta, labelled]}, now=today
    )
    assert both.endswith(
        "It was split into 2 parcels:\n"
        "- UPS, tracking number 1Z1: on its way, estimated delivery Wednesday, November 4.\n"
        "- FedEx, tracking number 77: not shipped yet."
    ), both
    # Days later, the same estimate lies in the past: the parcel is late, and the customer hears what happens next.
    later = datetime(2026, 11, 9, 9, 0)
    late = describe_order({"order_id": "#W1", "status": "shipped", "fulfillments": [shipped | eta]}, now=later)
    assert "running late: it was expected on Wednesday, November 4" in late and "investigation with UPS" in late
    assert "Estimated delivery" not in late
    delivered = shipped | eta | {"delivered_at": "2026-11-06T10:00:00"}
    assert "late" not in describe_order(
        {"order_id": "#W1", "status": "delivered", "fulfillments": [delivered]}, now=later
    )


async def test_a_product_question_naming_a_product_is_answered_even_when_the_intent_is_unsure(app: Settings) -> None:
    # A threshold no message reaches makes every guess "unsure", as "Which colours are there for the Cloudpath
    # Trail Runner?" was (0.39) on the int8 model.
    unsure = Context(confidence_threshold=0.9999)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        named = await chat.send("unsure-1", "Which colours are there for the Cloudpath Trail Runner?", unsure)
        vague = await chat.send("unsure-2", "something about the thing from before", unsure)
    assert named.status == "bot" and "Cloudpath Trail Runner" in named.text and "color" in named.text, named.text
    assert any(i.startswith("product:") for i in named.replies[-1]["evidence_ids"])
    assert "help with the right thing" in vague.text  # naming no product, it is still a clarifying question


async def test_after_a_clarifying_question_the_next_clear_question_is_answered(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("clarify-1", "Do you have any tents?", Context())
        asked = await chat.send(
            "clarify-1", "something about the thing from before", Context(confidence_threshold=0.9999)
        )
        answered = await chat.send("clarify-1", "Do you have any socks?", Context())
        again = await chat.send("clarify-1", "Do you have any gloves?", Context())
    assert "help with the right thing" in asked.text
    for turn, word in ((answered, "Sock"), (again, "Glove")):
        assert turn.status == "bot" and word in turn.text, turn.text
        assert "tell me a little more" not in turn.text


async def test_a_general_question_after_an_expensive_order_is_answered_not_escalated(app: Settings) -> None:
    with session_factory(app.shop_database_url)() as session:
        delivered = session.scalars(select(Order).where(Order.status == OrderStatus.delivered).order_by(Order.id))
        order = next(order for order in delivered if order.total > 500)  # the demo profile's high-value amount
        order_id, customer_id = order.id, order.customer_id
    signed_in = Context(customer_id=customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("value-1", f"Where is my order {order_id}?", signed_in)
        turn = await chat.send("value-1", "Can I exchange shoes for a different size?", signed_in)
    # The high-value rule is about acting on that order; a question about the rules puts nothing at stake.
    assert turn.status == "bot" and turn.interrupt is None, turn.interrupt
    assert doc_ids(turn.replies[-1]["evidence_ids"]), turn.replies


async def test_a_delivery_question_about_the_order_in_hand_is_answered_from_that_order(app: Settings) -> None:
    order, _email = shipped_order(app.shop_database_url, one_parcel=True)
    (parcel,) = order.fulfillments
    signed_in = Context(customer_id=order.customer_id)
    # Each reads as a shipping-policy question (delivery_options) on its own; "it" is the order just looked up.
    follow_ups = ("Which carrier is it with?", "What shipping method is it on?", "Is it shipped by express?")
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        answers = []
        for n, text in enumerate(follow_ups):
            first = await chat.send(f"carrier-{n}", f"Where is my order {order.id}?", signed_in)
            assert parcel.tracking_number in first.text, first.text
            answers.append(await chat.send(f"carrier-{n}", text, signed_in))
        # Without a pronoun it is about the shop, in a new conversation and after the order alike.
        fresh = await chat.send("carriers-fresh", "Which carriers do you use?", signed_in)
        after = await chat.send("carrier-0", "Which carriers do you use?", signed_in)
    for text, turn in zip(follow_ups, answers, strict=True):
        assert turn.status == "bot" and turn.interrupt is None, (text, turn.interrupt)
        assert parcel.carrier in turn.text and parcel.tracking_number in turn.text, (text, turn.text)
        assert f"order:{order.id}" in turn.replies[-1]["evidence_ids"], (text, turn.replies[-1])
    for turn in (fresh, after):
        assert parcel.tracking_number not in turn.text and "**shipped**" not in turn.text, turn.text
        assert any(i.startswith("shipping") for i in doc_ids(turn.replies[-1]["evidence_ids"])), turn.replies[-1]


async def test_tell_me_about_a_product_gets_that_products_facts(app: Settings) -> None:
    products = ("Collapsible Soft Flask", "Trailhead 28 Daypack", "Beacon 400 Headlamp", "Summit Expedition Shell")
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turns = [
            await chat.send(f"about-{n}", f"Tell me about the {name}", Context()) for n, name in enumerate(products)
        ]
        policy = await chat.send("about-policy", "tell me about your return policy", Context())
        broken = await chat.send("about-broken", "the Beacon headlamp broke after two days", Context())
    for name, turn in zip(products, turns, strict=True):
        assert turn.status == "bot" and "help with the right thing" not in turn.text, (name, turn.text)
        # A short profile from the catalog: what it is, its price, whether it can be bought now.
        assert turn.text.startswith(f"The {name}: ") and " costs $" in turn.text, (name, turn.text)
        assert any(i.startswith("product:") for i in turn.replies[-1]["evidence_ids"]), (name, turn.replies[-1])
    assert "30 days" in policy.text and not any(i.startswith("product:") for i in policy.replies[-1]["evidence_ids"])
    # A fault is still a complaint: it is not answered with the product's price list.
    assert "costs $" not in broken.text, broken.text


async def test_a_plain_follow_up_about_the_order_is_answered_not_handed_over(app: Settings) -> None:
    order, _email = shipped_order(app.shop_database_url, one_parcel=True)
    signed_in = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("follow-1", f"Where is my order {order.id}?", signed_in)
        turn = await chat.send("follow-1", "When will it get here?", signed_in)
    assert turn.status == "bot" and turn.interrupt is None, turn.interrupt
    assert order.id in turn.text, turn.text


async def test_asked_for_their_orders_after_one_the_customer_gets_the_list(app: Settings) -> None:
    order, _email = shipped_order(app.shop_database_url, one_parcel=True)
    (parcel,) = order.fulfillments
    signed_in = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("list-1", f"Where is my order {order.id}?", signed_in)
        listed = await chat.send("list-1", "and list my recent orders", signed_in)
        # Read as a change of an order by the intent model; it asks for the list all the same.
        shown = await chat.send("list-2", "show me my orders", signed_in)
        again = await chat.send("list-1", f"where is {order.id} now?", signed_in)
    for turn in (listed, shown):
        assert turn.status == "bot" and turn.text.startswith(ORDER_LIST), turn.text
        assert order.id in turn.text and parcel.tracking_number not in turn.text, turn.text
    assert parcel.tracking_number in again.text, again.text


def test_an_order_too_far_along_and_a_return_too_late_get_why_and_what_instead() -> None:
    from graph.llm.responses import describe_eligibility, describe_notice

    processed = describe_notice(
        {"code": "wrong_status", "status": "processed", "doing": "cancelled", "allowed": ["pending"]}
    )
    assert "packed for shipping" in processed and "can't be cancelled" in processed and "return it" in processed
    past = describe_eligibility(
        {"eligible": False, "reasons": ["the 30-day return window ended on 2026-05-31"], "items": []}
    )
    assert past.startswith("I'm sorry") and "warranty" in past and "colleague" in past


async def test_a_processed_order_is_not_cancelled_and_the_customer_hears_why(app: Settings) -> None:
    with session_factory(app.shop_database_url)() as session:
        order = session.scalars(select(Order).where(Order.status == OrderStatus.processed).order_by(Order.id)).first()
        assert order is not None
        customer_id = order.customer_id
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send(
            "cancel-processed", f"please cancel order {order.id}", Context(customer_id=customer_id)
        )
    assert "can't be cancelled" in turn.text and "return it" in turn.text, turn.text
    assert "why you'd like to cancel" not in turn.text and turn.interrupt is None, turn.text


async def test_upsell_follows_a_met_need_never_a_comparison_or_a_late_parcel(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        found = await chat.send("upsell-1", "Can you recommend a rain jacket for hiking?", Context())
        compared = await chat.send(
            "upsell-2", "Which is warmer, the Harbor Fleece or the Featherlite jacket?", Context()
        )
        care = await chat.send("upsell-3", "How should I wash the Stormline 3L Rain Jacket?", Context())
    assert "Stormline 3L Rain Jacket" in found.text and "go well with" in found.text, found.text
    assert "Featherlite Insulated Jacket is warmer" in compared.text and "go well with" not in compared.text
    assert "technical detergent" in care.text and "go well with" not in care.text, care.text


async def test_a_signed_in_customer_gets_their_own_countrys_figures(app: Settings) -> None:
    from shop.models import Address

    with session_factory(app.shop_database_url)() as session:
        email = session.scalar(
            select(Customer.email)
            .join(Address, Address.customer_id == Customer.id)
            .where(Address.country == "United Kingdom", Address.is_default)
            .limit(1)
        )
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("home-country", f"Can you show me my recent orders? My email is {email}", Context())
        turn = await chat.send("home-country", "what would a return label cost me?", Context())
    assert "$12.95" in turn.text and "$9.95" not in turn.text, turn.text


async def test_a_rule_asked_with_a_request_is_answered_before_verification(app: Settings) -> None:
    """ "I used it on one trip, can I still send it back?" asks the rule (anyone may know it) and is about their own
    order (that needs them verified): the rule comes first, then the question who they are. A request that asks
    nothing gets the question alone."""
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = await chat.send("rule-1", "I took the tent on one camping trip, may I still return it?", Context())
        told = await chat.send("rule-2", "I'd like to return the tent I bought", Context())
    assert VERIFY in asked.text and "used outdoors" in asked.text, asked.text
    assert asked.text.index("used outdoors") < asked.text.index(VERIFY), asked.text
    assert doc_ids(asked.replies[-1]["evidence_ids"]), asked.replies[-1]["evidence_ids"]
    assert VERIFY in told.text and "used outdoors" not in told.text, told.text


async def test_what_a_return_costs_or_until_when_is_answered_before_the_proposal(app: Settings) -> None:
    """ "If I send back order X, what will the label cost me?" asks about the return the dialogue goes on to propose:
    the customer's own country's label cost, or the order's own last return day, comes first."""
    from evals.answers import situation_orders

    chosen = situation_orders(app.shop_database_url, app.now())
    canada = chosen[("recent_delivery", "canada")]
    usa = chosen[("recent_delivery", "usa")]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        cost = await chat.send(
            "label-cost",
            f"{canada['email']} here. If I send back {canada['order']}, what do I pay for the label?",
            Context(),
        )
        until = await chat.send(
            "return-by", f"This is {usa['email']}: by when do I have to return {usa['order']}?", Context()
        )
    assert "$9.95" in cost.text and "$12.95" not in cost.text, cost.text
    if "Shall I go ahead" in cost.text:
        assert cost.text.index("$9.95") < cost.text.index("Shall I go ahead"), cost.text
    assert "You can return items from this order until" in until.text, until.text


async def test_a_sold_out_answer_carries_no_upsell(app: Settings) -> None:
    from knowledge.product_answers import catalog_facts

    catalog = catalog_facts(app.shop_database_url)
    sold_out = next(
        (p, v)
        for p in catalog
        if not p.get("final_sale") and set(p.get("options") or {}) == {"size", "color"}
        for v in p["variants"]
        if not v["in_stock"]
    )
    product, variant = sold_out
    question = f"Is the {product['name']} in stock in {variant['options']['color']}, size {variant['options']['size']}?"
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send("sold-out", question, Context())
    assert "out of stock" in turn.text and "go well with" not in turn.text, turn.text


async def test_questions_asked_together_are_answered_together_not_offered_again(app: Settings) -> None:
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send("together", "Do vouchers expire? Can I use two on one order?", Context())
    assert "90 days" in turn.text and "one voucher" in turn.text, turn.text
    assert "You also asked" not in turn.text, turn.text


async def test_a_calm_question_naming_a_product_is_a_product_question_whatever_the_unsure_reading(
    app: Settings,
) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        packed = await chat.send("packed", "How compact is the Ridgeline 2 once it's packed down?", Context())
        pants = await chat.send("pants", "Stormline rain pants - do they go on without taking my boots off?", Context())
    assert "46 x 15 cm" in packed.text, packed.text
    assert "side zips" in pants.text, pants.text


async def test_whether_a_return_is_still_possible_or_free_is_answered_for_the_customers_order(app: Settings) -> None:
    from evals.answers import situation_orders

    chosen = situation_orders(app.shop_database_url, app.now())
    usa, canada = chosen[("recent_delivery", "usa")], chosen[("recent_delivery", "canada")]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        late = await chat.send("too-late", f"{usa['email']}: is it too late to send back {usa['order']}?", Context())
        cost = await chat.send(
            "cost-anything", f"I'm {canada['email']}. Would returning {canada['order']} cost me anything?", Context()
        )
        free = await chat.send("free-us", f"{usa['email']} - do I pay anything to return {usa['order']}?", Context())
    assert "You can return items from this order until" in late.text, late.text
    assert "$9.95" in cost.text and "$12.95" not in cost.text, cost.text
    assert "free" in free.text and "damaged" not in free.text, free.text


async def test_a_place_inside_a_country_is_served_as_its_country(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        hawaii = await chat.send("hawaii", "Can you deliver to Hawaii?", Context())
        saturday = await chat.send("saturday", "What time does your team start on a Saturday?", Context())
    assert "Alaska and Hawaii" in hawaii.text and "do not currently ship" not in hawaii.text, hawaii.text
    assert "10 am" in saturday.text and "6 pm" not in saturday.text, saturday.text


async def test_an_exchange_past_the_return_window_is_refused_before_any_options_are_collected(app: Settings) -> None:
    orders = delivered_orders(app.shop_database_url, parcels=1)
    late = next(o for o in orders if days_since_delivery(o) > 45)
    recent = next(o for o in orders if days_since_delivery(o) < 20)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = [
            await chat.send(
                "window-1", f"{late.id}: could I trade it in for another colour?", Context(customer_id=late.customer_id)
            ),
            await chat.send("window-2", "I need the next size up of what I got", Context(customer_id=late.customer_id)),
        ]
        asked[1] = await chat.send("window-2", f"it's {late.id}", Context(customer_id=late.customer_id))
        within = await chat.send(
            "window-3",
            f"swap something from {recent.id} for a different size, please",
            Context(customer_id=recent.customer_id),
        )
    for turn in asked:
        assert "can't be returned or exchanged" in turn.text and "window ended" in turn.text, turn.text
        assert "instead?" not in turn.text and turn.interrupt is None, turn.text
    # Within the window the exchange goes on to its options, without a return date nobody asked for.
    assert "window" not in within.text and "can't be" not in within.text, within.text


async def test_a_procedure_asked_of_a_product_group_is_answered_by_that_procedures_rule(app: Settings) -> None:
    """Return windows asked of a kind of product are the return window, not the warranty lines that name the kind;
    "is VAT charged" in the EU is answered by the line that says it is included."""
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        backpack = await chat.send(
            "proc-1", "If I change my mind about a backpack, how many days do I have?", Context()
        )
        deadline = await chat.send("proc-2", "what's the deadline for returning sleeping bags?", Context())
        vat = await chat.send("proc-3", "Are duties and VAT charged on delivery in the Netherlands?", Context())
        both = await chat.send(
            "proc-4", "What's the warranty on backpacks? And how long do I have to return them?", Context()
        )
    assert "30 days" in backpack.text and "2 years" not in backpack.text, backpack.text
    assert "30 days" in deadline.text and "2 years" not in deadline.text, deadline.text
    assert "included" in vat.text and "GST" not in vat.text, vat.text
    assert both.text.index("2 years") < both.text.index("30 days"), both.text


async def test_a_budget_recommendation_offers_nothing_beyond_the_budget(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        found = await chat.send(
            "budget-1", "Can you suggest a hiking rain jacket that costs no more than $240?", Context()
        )
        await chat.send("budget-2", "do you have trail running shoes?", Context())
        later = await chat.send("budget-2", "only up to $140 though", Context())
    assert "Stormline 3L Rain Jacket" in found.text and "go well with" not in found.text, found.text
    assert "Cloudpath Trail Runner" in later.text and "$149" not in later.text and "$189" not in later.text, later.text


@pytest.mark.parametrize(
    "text",
    [
        # An item change asked as a question of the rules: the policy's own reading (an item change) asks it too.
        "is it possible to swap the hiking boots I bought for a tent?",
        # The question opens after a condition, with no comma.
        "if I send my boots back what do I pay for the label?",
    ],
)
async def test_a_rule_asked_with_any_request_of_theirs_is_answered_before_verification(
    app: Settings, text: str
) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = await chat.send("rule-any", text, Context())
    evidence = doc_ids(asked.replies[-1]["evidence_ids"])
    assert evidence, asked.text
    first_paragraph = asked.text.split("\n\n")[0]
    assert "verify" not in first_paragraph.lower() and "bestätigen" not in first_paragraph.lower(), asked.text


@pytest.mark.parametrize(
    ("said", "only_theirs"),
    [
        # Their own email verifies them (as the demo shop verifies), and the figure is their country's.
        ("Good morning, {email} writing. Sending a parcel back, what will the label cost me?", True),
        # Someone else's address verifies no one: the figure would tell where that account's owner lives.
        ("My neighbour's email is {email}. What would a return label cost her?", False),
    ],
)
async def test_a_policy_figure_is_the_verified_customers_own(app: Settings, said: str, only_theirs: bool) -> None:
    from shop.models import Address

    with session_factory(app.shop_database_url)() as session:
        canadian = session.scalars(
            select(Customer).join(Address, Address.customer_id == Customer.id).where(Address.country == "Canada")
        ).first()
    if canadian is None:
        pytest.fail("the seeded shop has no Canadian customer")
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send("label-by-email", said.format(email=canadian.email), Context())
    assert "$9.95" in turn.text and ("$12.95" in turn.text) != only_theirs, turn.text


async def test_rules_asked_with_the_customers_situation_or_in_unfamiliar_words_are_answered_for_anyone(
    app: Settings,
) -> None:
    questions = {
        # The customer's own situation said with the question: the rule for it, no verification.
        "we paid through paypal - how many days does a refund take?": "business days",
        "Which courier takes my parcel to Vancouver?": "Canada Post",
        "do I have to pay for my return label from Dublin?": "$12.95",
        # Words no procedure is made of: the documents answer, not "what is this about?".
        "within how many days must a parcel that came damaged be reported?": "7 days",
        # A German question reads the shop's German documents (knowledge/docs/demo/de), not the English lines.
        "Liefert ihr auch nach Dänemark?": "Dänemark, Spanien",
    }
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        for n, (question, said) in enumerate(questions.items()):
            turn = await chat.send(f"situation-{n}", question, Context())
            where = f"{question!r} -> {turn.text!r}"
            assert turn.status == "bot" and turn.interrupt is None, where
            assert VERIFY not in turn.text and "Which order" not in turn.text and "right thing" not in turn.text, where
            assert "richtig helfe" not in turn.text, where
            assert said in turn.text, where
            assert doc_ids(turn.replies[-1]["evidence_ids"]), where

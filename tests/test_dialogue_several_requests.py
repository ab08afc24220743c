"""Several requests in one message are served in order, each for its own turn once the one before is done.

Played customers often say everything at once ("cancel #W1, and also the other one"); the second request used to be
dropped without a word. Classes: the same change on two orders; two kinds of change; the offer declined or passed
over for something new; more items of the same order (one request, not two); questions asked together (answered
together, nothing queued). Sentences written for these tests, after the change.
"""

from __future__ import annotations

from shop.db import session_factory
from shop.models import Customer, Order, OrderStatus
from shopdesk.conversations import Turn
from shopdesk.settings import Settings
from tests.support.people import Person, people, proposes_options, status_of, talk, two_resizable_items


def pending_orders(person: object) -> list[Order]:
    return [o for o in person.orders if o.status is OrderStatus.pending]  # type: ignore[attr-defined]


def with_pending(db_url: str, count: int, pick: int, *, orders: int = 0) -> tuple[Person, list[Order]]:
    """The pick-th customer with `count` pending orders or more (and `orders` orders in all), and `count` of them."""

    def fits(c: Customer) -> bool:
        return sum(o.status is OrderStatus.pending for o in c.orders) >= count and len(c.orders) >= orders

    person = people(db_url, fits)[pick]
    return person, pending_orders(person)[:count]


async def cancelled_in_turn(
    app: Settings, thread: str, person: Person, first: Order, second: Order, ask: str, yeses: tuple[str, str]
) -> tuple[Turn, Turn]:
    """Two orders to cancel in one message: the first proposed and cancelled on a yes, the second then offered,
    proposed on the next yes and cancelled on a last one. The first proposal and the second are returned."""
    db = app.shop_database_url
    async with talk(app, thread, person.id) as customer:
        proposed = await customer.say(ask)
        assert proposed.status == "awaiting_confirmation" and first.id in proposed.text, proposed.text
        done = await customer.say(yeses[0])
        assert status_of(db, first.id) is OrderStatus.cancelled
        assert status_of(db, second.id) is OrderStatus.pending
        assert second.id in done.text and "go on" in done.text, done.text
        next_one = await customer.say(yeses[1])
        assert next_one.status == "awaiting_confirmation" and second.id in next_one.text, next_one.text
        await customer.say("yes")
    assert status_of(db, second.id) is OrderStatus.cancelled
    return proposed, next_one


async def test_the_same_change_on_two_orders_is_done_for_both_one_after_the_other(tau_app: Settings) -> None:
    person, (first, second) = with_pending(tau_app.shop_database_url, 2, 0)
    ask = (
        f"hey, please cancel {first.id}, I ordered it by mistake. plus, cancel {second.id} too, I don't need it anymore"
    )
    proposed, _ = await cancelled_in_turn(
        tau_app, "two-cancels", person, first, second, ask, ("yes go ahead", "yes please")
    )
    assert second.id not in proposed.text, proposed.text


async def test_a_declined_offer_changes_nothing_more_and_is_not_made_again(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person, (first, second) = with_pending(db, 2, 1)
    async with talk(tau_app, "declined", person.id) as customer:
        await customer.say(
            f"I need {first.id} cancelled (no longer needed), and also could you cancel {second.id}, ordered by mistake"
        )
        offered = await customer.say("yes")
        assert "go on" in offered.text, offered.text
        declined = await customer.say("no, leave that one, thanks")
        assert declined.status != "awaiting_confirmation", declined.text
        assert "go on" not in declined.text, declined.text
        later = await customer.say("thanks, that's all")
    assert status_of(db, second.id) is OrderStatus.pending
    assert "go on" not in later.text, later.text


async def test_something_new_instead_of_a_yes_is_served_and_the_offer_lapses(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person, (first, second) = with_pending(db, 2, 0, orders=3)
    other = next(o for o in person.orders if o.id not in (first.id, second.id))
    async with talk(tau_app, "new-instead", person.id) as customer:
        await customer.say(
            f"Cancel order {first.id} please, no longer needed. Also cancel {second.id}, it was a mistake."
        )
        await customer.say("confirmed")
        asked = await customer.say(f"wait, first tell me what's in {other.id}")
    assert other.id in asked.text and "go on" not in asked.text, asked.text
    assert status_of(db, second.id) is OrderStatus.pending


async def test_more_items_of_the_same_order_are_one_request(tau_app: Settings) -> None:
    db = tau_app.shop_database_url

    def two_distinct_items(order: Order) -> bool:
        return order.status is OrderStatus.delivered and len({i.name for i in order.items}) >= 2

    person = people(db, lambda c: any(two_distinct_items(o) for o in c.orders))[0]
    order = next(o for o in person.orders if two_distinct_items(o))
    names = list(dict.fromkeys(i.name.lower() for i in order.items))[:2]
    async with talk(tau_app, "items", person.id) as customer:
        await customer.say(f"I want to return the {names[0]} from {order.id}, and also the {names[1]}")
        dialogue = (await customer.values())["dialogue"]
    assert dialogue.get("queued", []) == [], dialogue


async def test_questions_asked_together_queue_nothing(tau_app: Settings) -> None:
    async with talk(tau_app, "questions") as customer:
        answer = await customer.say("how long do I have to return something? also, do you ship to Canada?")
        dialogue = (await customer.values())["dialogue"]
    assert dialogue.get("queued", []) == [], dialogue
    assert "go on" not in answer.text, answer.text


async def test_an_item_added_at_the_proposal_joins_the_one_change(demo_app: Settings) -> None:
    """The proposal says items can be changed only once and to say so before the yes: another item named then is
    added to the same change (played customers were shown the one-item proposal again and again)."""
    db = demo_app.shop_database_url
    order, ((one, one_new), (two, two_new)) = two_resizable_items(db)
    async with talk(demo_app, "add-item", order.customer_id) as customer:
        first = await customer.say(f"on {order.id} I'd like the {one.name} in size {one_new.options['size']}")
        assert first.status == "awaiting_confirmation" and two.name not in first.text, first.text
        both = await customer.say(
            f"hold on, before I confirm: the {two.name.lower()} should go to size {two_new.options['size']} as well"
        )
        proposes_options(both, one_new, two_new)
        await customer.say("yes")
    with session_factory(db)() as session:
        changed = session.get(Order, order.id)
        assert changed is not None and {i.variant_id for i in changed.items} >= {one_new.id, two_new.id}


async def test_items_named_by_their_names_alone_each_take_their_own_options(demo_app: Settings) -> None:
    db = demo_app.shop_database_url
    order, ((one, one_new), (two, two_new)) = two_resizable_items(db)
    message = (
        f"order {order.id}: {one.name.lower()} -> size {one_new.options['size']}; "
        f"{two.name.lower()} -> size {two_new.options['size']}"
    )
    async with talk(demo_app, "bare-names", order.customer_id) as customer:
        turn = await customer.say(message)
    proposes_options(turn, one_new, two_new)


async def test_a_request_turned_down_or_someone_elses_is_not_queued(tau_app: Settings) -> None:
    """ "..., and also don't cancel #W2" and "my sister wants to return hers" are no requests of the customer's to
    offer later (a review found the first offered as a cancellation)."""
    db = tau_app.shop_database_url
    person, (first, second) = with_pending(db, 2, 2)
    async with talk(tau_app, "turned-down", person.id) as customer:
        await customer.say(
            f"Please cancel {first.id}, I ordered it by mistake, and also don't cancel {second.id}, I still want it. "
            "Also my sister wants to return her boots, she'll call you herself."
        )
        dialogue = (await customer.values())["dialogue"]
        done = await customer.say("yes")
    assert dialogue.get("queued", []) == [], dialogue
    assert "go on" not in done.text and status_of(db, second.id) is OrderStatus.pending, done.text


def test_a_change_of_several_items_is_told_in_the_plural() -> None:
    """Two items changed in one write were confirmed as "the item on order ... has been changed"."""
    from graph.llm.local import _action_text

    one = _action_text("modify_order_items", {"entity_id": "#W1", "items_changed": 1})
    two = _action_text("modify_order_items", {"entity_id": "#W1", "items_changed": 2})
    exchanged = _action_text("exchange_items", {"entity_id": "#W1", "items_changed": 3})
    assert one is not None and "the item on order #W1 has" in one, one
    assert two is not None and "the 2 items on order #W1 have" in two, two
    assert exchanged is not None and "exchange of 3 items" in exchanged and "send them back" in exchanged, exchanged


async def test_the_same_again_for_another_order_repeats_the_request_just_done(tau_app: Settings) -> None:
    """ "Do the same for the one with the keyboard" after a cancellation was read as an item change of the cancelled
    order. The request just carried out is repeated for the order the customer names (by id or by an item in it)."""
    db = tau_app.shop_database_url
    person, (first, second, third) = with_pending(db, 3, 0)
    item = next(i.name for i in third.items if all(i.name not in (j.name for j in o.items) for o in (first, second)))
    async with talk(tau_app, "again", person.id) as customer:
        await customer.say(f"please cancel {first.id}, we don't need it anymore", "yes")
        assert status_of(db, first.id) is OrderStatus.cancelled
        # (The reason carries over only when said to: a reason is each order's own, asked for when not given.)
        by_id = await customer.say(f"thanks! could you do the same thing for {second.id}, for the same reason?")
        assert by_id.status == "awaiting_confirmation" and second.id in by_id.text, by_id.text
        assert "no longer needed" in by_id.text, by_id.text  # the same reason
        await customer.say("yes please")
        by_item = await customer.say(f"ok, same for the order with the {item.lower()} - same reason")
        assert by_item.status == "awaiting_confirmation" and third.id in by_item.text, by_item.text
    assert status_of(db, second.id) is OrderStatus.cancelled
    assert status_of(db, third.id) is OrderStatus.pending  # not confirmed yet


def test_words_of_sameness_that_ask_for_nothing_again() -> None:
    from graph.llm.dialogue.repair import _SAME_AGAIN

    assert _SAME_AGAIN.search("and the other one too, please")
    assert _SAME_AGAIN.search("same goes for my order from last week")
    assert not _SAME_AGAIN.search("is it the same price as before?")
    assert not _SAME_AGAIN.search("ship it to the same address as #W1234567")
    assert not _SAME_AGAIN.search("I have the same problem")


def test_a_question_of_sameness_repeats_nothing() -> None:
    """ "Thanks. Is it the same for returns?" after a cancellation started another cancellation."""
    from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage

    from graph.llm.dialogue.repair import same_again
    from graph.state import SupportState

    done: list[AnyMessage] = [
        HumanMessage("cancel #W1234567 please"),
        AIMessage("", tool_calls=[{"name": "cancel_order", "args": {"order_id": "#W1234567"}, "id": "c1"}]),
        ToolMessage('{"order_id": "#W1234567", "status": "cancelled"}', name="cancel_order", tool_call_id="c1"),
        AIMessage("Done: order #W1234567 is cancelled."),
    ]
    for text, again in [
        ("thanks. is it the same for returns?", None),
        ("will it be the same with the refund?", None),
        ("great, now do the same for #W7654321", "cancel_order"),
    ]:
        state = SupportState(messages=[*done, HumanMessage(text)])
        assert same_again(state) == again, text


async def test_one_act_asked_for_several_orders_is_done_for_each_in_turn(tau_app: Settings) -> None:
    person, (first, second) = with_pending(tau_app.shop_database_url, 2, 2)
    ask = f"could you cancel both {first.id} and {second.id}? bought by mistake"
    proposed, next_one = await cancelled_in_turn(tau_app, "one-act", person, first, second, ask, ("yes", "sure"))
    assert second.id not in proposed.text.split("\n\n")[0], proposed.text
    assert first.id not in next_one.text, next_one.text


async def test_orders_named_in_a_question_or_as_an_address_source_wait_for_nothing(tau_app: Settings) -> None:
    person, (first, second) = with_pending(tau_app.shop_database_url, 2, 3)
    async with talk(tau_app, "question", person.id) as customer:
        asked = await customer.say(f"have {first.id} and {second.id} shipped yet?")
        assert "go on" not in asked.text, asked.text
        moved = await customer.say(f"please ship {second.id} to the same address as {first.id}")
        assert "go on" not in moved.text, moved.text
        thanks = await customer.say("thanks, that's all")
        assert "go on" not in thanks.text, thanks.text


async def test_a_yes_to_the_next_request_can_carry_its_details(tau_app: Settings) -> None:
    """The second request is joined by a bare "and" before its verb, and the yes to it names the order and the new
    address (sentences written for this test)."""
    db = tau_app.shop_database_url
    person, (first, second) = with_pending(db, 2, 4)
    async with talk(tau_app, "details", person.id) as customer:
        proposed = await customer.say(
            f"I ordered {first.id} by mistake, please cancel it and change the address on another order of mine"
        )
        assert proposed.status == "awaiting_confirmation" and first.id in proposed.text, proposed.text
        done = await customer.say("yes")
        assert status_of(db, first.id) is OrderStatus.cancelled
        assert "go on" in done.text and "change the address on another order" in done.text, done.text
        next_one = await customer.say(f"sure - it's {second.id}, to 12 Harbour Road, Apt 3, Portland, OR 97201, USA")
        assert next_one.status == "awaiting_confirmation", next_one.text
        assert second.id in next_one.text and "12 Harbour Road" in next_one.text, next_one.text


def test_a_yes_with_more_and_a_yes_that_puts_it_off() -> None:
    from graph.nlu.confirmation import yes_with_details

    assert yes_with_details("ok. the one with the lamp, ordered it twice") == "the one with the lamp, ordered it twice"
    assert yes_with_details("yes please - the grey one in size 10 instead") == "the grey one in size 10 instead"
    for put_off in ("yes, but not right now", "sure, wait a sec", "yeah, go ahead", "ok", "no, the grey one"):
        assert yes_with_details(put_off) is None, put_off


def test_a_yes_anywhere_in_the_reply_that_names_an_order_carries_the_order() -> None:
    from graph.nlu.schema import Understanding
    from graph.nodes.understand import more_of_the_request

    calm = Understanding.model_validate({"text": "", "intent": "affirm", "confidence": 0.9})
    said = "meh fine. yes let's do that one now, it's #W4410223 with the blender"
    assert more_of_the_request(calm, said) == said
    # A no naming an order is no yes with details; nor is a reply naming no order.
    assert more_of_the_request(calm, "no, not now. maybe #W4410223 later") is None
    assert more_of_the_request(calm, "hmm ok. yeah go on") is None


def test_another_order_named_as_the_same_address_is_where_it_comes_from() -> None:
    from graph.llm.dialogue.addresses import address_source

    assert address_source("14 Pine St, Denver CO 80203 - same one as my other order #W1234567") == "#W1234567"
    assert address_source("ship it to the same location as order 7654321 please") == "#W7654321"
    assert address_source("not the same address as #W1234567, a new one") is None


async def test_the_same_act_for_other_orders_comes_before_a_request_said_after_it(tau_app: Settings) -> None:
    person, (first, second, third) = with_pending(tau_app.shop_database_url, 3, 0)
    async with talk(tau_app, "order-kept", person.id) as customer:
        await customer.say(
            f"please cancel {first.id} and {second.id}, we don't need them any more, and also change the address "
            f"on {third.id}"
        )
        done = await customer.say("yes")
    assert second.id in done.text.split("\n\n")[-1] and "address" not in done.text.split("\n\n")[-1], done.text


async def test_money_back_asked_with_the_return_or_cancellation_is_not_offered_again(tau_app: Settings) -> None:
    """ "Cancel it and refund me", "send both back and give me a full refund": the refund is what the act gives,
    not a request of its own to offer once the act is done."""
    db = tau_app.shop_database_url
    person, (order,) = with_pending(db, 1, 1)
    async with talk(tau_app, "money-back", person.id) as customer:
        proposed = await customer.say(f"please cancel {order.id}, I don't need it anymore. and then refund my money")
        assert proposed.status == "awaiting_confirmation" and order.id in proposed.text, proposed.text
        done = await customer.say("yes go ahead")
    assert status_of(db, order.id) is OrderStatus.cancelled
    assert "You also asked" not in done.text and "go on" not in done.text, done.text


async def test_a_method_named_for_whatever_the_change_costs_is_not_a_request_of_its_own(demo_app: Settings) -> None:
    """ "..., and should anything be owed, just put it on my paypal": the payment of the change in hand, not a
    payment change to offer once it is done."""
    db = demo_app.shop_database_url
    order, ((one, one_new), _) = two_resizable_items(db)
    async with talk(demo_app, "owed", order.customer_id) as customer:
        turn = await customer.say(
            f"On order {order.id} the {one.name} should be size {one_new.options['size']}. "
            "Should anything be owed, just put it on my paypal."
        )
        dialogue = (await customer.values())["dialogue"]
    # The item change is proposed (or its payment asked for), and nothing waits behind it.
    assert turn.status == "awaiting_confirmation" or "pay" in turn.text.lower(), turn.text
    assert one.name in turn.text, turn.text
    assert dialogue.get("queued", []) == [], dialogue

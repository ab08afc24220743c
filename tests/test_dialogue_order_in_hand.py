"""Questions about the order in hand, requests taken back one at a time, and requests said together.

Played customers asked "what's in that order?" at a pending return and got a help page; "which card was it paid
with?" got the list of their cards; "forget the payment switch, then change the lamp" was handed over; "swap X and
send back Y" lost the second request; the done message said "the payment method you chose" when the bot had picked
it. Classes: a question about the order's contents or payment (answered from the order, the proposal or our question
waits); a clause that takes back one request (that one only is dropped, the rest is read as what they want now);
two acts joined by "and send back" or ", then"; the method of a write named in words. Sentences written for these
tests, after the change.
"""

from __future__ import annotations

import pytest

from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import Person, people, proposes_options, status_of, talk


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("sorry, what's in that order again?", "contents"),
        ("remind me which items are on it?", "contents"),
        ("hm, what exactly did we order there?", "contents"),
        ("what does that order contain?", "contents"),
        ("how much was the order in total?", "contents"),
        ("which card did we pay for it with?", "payment"),
        ("what was that order paid with?", "payment"),
        ("how did I pay for it again?", "payment"),
        ("which payment method did I use?", "payment"),
        # Near misses: the shop's rules, a product, a change, or a claim rather than a question.
        ("which payment methods can I use here?", None),
        ("what's included in the box with the espresso machine?", None),
        ("which items are eligible for a return?", None),
        ("what did you charge for shipping?", None),
        ("how much is the grey one?", None),
        ("which card did I use? charge my paypal instead", None),
        ("I paid with the visa, right", None),
        ("the lamp in that order is broken", None),
        # "What did I order/get" that ends there or points at the order; near misses on a condition, a mistake,
        # a shipping or label cost, or another time.
        ("what did we get in that order?", "contents"),
        ("what did I purchase, exactly?", "contents"),
        ("what would I get back if I cancel it?", None),
        ("what did we get mixed up?", None),
        ("what's in it for us if we keep it?", None),
        ("how much did we pay for the return label?", None),
        ("what items did I buy from you last spring?", None),
    ],
)
def test_questions_about_the_order_in_hand(text: str, asked: str | None) -> None:
    from graph.nlu.order_questions import asks_about_their_order

    assert asks_about_their_order(text) == asked


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        ("ok forget the card switch, then swap the blender", ["change_payment"]),
        ("never mind about the address update", ["change_address"]),
        ("actually scratch the exchange, I'll keep the jacket", ["exchange_request"]),
        ("skip the return please", ["return_request"]),
        ("I don't need the refund to paypal anymore", ["refund_request"]),
        # Near misses: a request itself, or words of the things without taking anything back.
        ("please change the address of my order", []),
        ("cancel my order, it came too late", []),
        ("don't forget to include the return label", []),
        ("I forgot which card I used", []),
        ("my new address is 12 Elm Street", []),
    ],
)
def test_a_clause_that_takes_back_one_request(text: str, dropped: list[str]) -> None:
    from graph.nlu.drops import dropped_requests

    assert dropped_requests(text) == dropped


@pytest.mark.parametrize(
    ("text", "only_a_drop"),
    [
        ("ok scratch the card change", True),
        ("never mind the return on #W4471023, I'll keep them", True),
        ("hold off on the refund for now, thanks", True),
        ("I no longer want the exchange anymore", True),
        # A take-back with a new request beside it: the request is what they want now, not lost.
        ("ignore the address update, I'd rather cancel it", False),
        ("forget the refund; send me a replacement instead", False),
        ("never mind the payment change. just return the toaster", False),
        ("skip the exchange and give my money back to the visa", False),
        ("no need for the swap, change the delivery address instead", False),
    ],
)
def test_a_take_back_is_only_a_drop_with_nothing_asked_beside_it(text: str, only_a_drop: bool) -> None:
    from graph.nlu.drops import drops_one_request

    assert drops_one_request(text) is only_a_drop


def test_a_request_after_a_comma_and_then_or_send_back_is_a_request_of_its_own() -> None:
    from graph.nlu.segment import split_requests

    assert split_requests("drop the card change, then exchange the speaker for the red one") == [
        "drop the card change",
        "exchange the speaker for the red one",
    ]
    assert split_requests("I want to exchange the mug for a bigger one and send back the tea towels") == [
        "I want to exchange the mug for a bigger one",
        "send back the tea towels",
    ]
    # One act and how it is done, or a reason after "then": one request.
    assert len(split_requests("return the rug and send it back by courier")) == 1
    assert len(split_requests("cancel it, then refund me")) == 1


def test_a_drop_clause_does_not_lead_the_reading() -> None:
    from graph.nlu.local import get_local_understanding

    understood = get_local_understanding().analyse("oh never mind the address change, then exchange the kettle please")
    assert understood.intent == "exchange_request", understood


def test_the_done_message_names_the_method_it_used() -> None:
    from graph.llm.local import _action_text

    changed = _action_text(
        "modify_order_items",
        {"entity_id": "#W1", "price_difference": 12.5, "currency": "USD", "payment_method": "visa ending 4242"},
    )
    returned = _action_text(
        "return_items", {"entity_id": "#W1", "refund_amount": 30, "currency": "USD", "payment_method": "PayPal"}
    )
    assert changed is not None and "charged to visa ending 4242" in changed and "you chose" not in changed
    assert returned is not None and "refunded to PayPal" in returned and "you chose" not in returned


def _delivered_with_two_kinds(order: Order) -> bool:
    return order.status is OrderStatus.delivered and len({i.name for i in order.items}) >= 2


async def test_what_is_in_it_and_what_paid_for_it_at_a_return_are_answered_from_the_order(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: any(_delivered_with_two_kinds(o) for o in c.orders))[2]
    order = next(o for o in person.orders if _delivered_with_two_kinds(o))
    first = order.items[0].name.lower()
    others = [i.name for i in order.items if i.name.lower() != first]
    async with talk(tau_app, "in-it", person.id) as customer:
        proposed = await customer.say(f"I'd like to return the {first} from {order.id}")
        assert proposed.status == "awaiting_confirmation", proposed.text
        contents = await customer.say("before I say yes, which items were in that order again?")
        assert contents.status == "awaiting_confirmation", contents.text
        assert all(name in contents.text for name in others), contents.text
        assert "Total:" in contents.text and "paid" in contents.text, contents.text
        paid = await customer.say("and what did I pay for it with?")
        assert paid.status == "awaiting_confirmation", paid.text
        assert "was paid like this" in paid.text and "_" not in paid.text.split("\n\n")[0], paid.text
        near = await customer.say("which payment methods do you accept for returns?")
        assert "was paid like this" not in near.text, near.text


def _pending_with_two_kinds(db_url: str, pick: int) -> tuple[Person, Order, list[str]]:
    """The pick-th customer with a pending order of two differently named items or more, that order, and the names
    of its items (lower case, each once)."""

    def two_kinds_pending(order: Order) -> bool:
        return order.status is OrderStatus.pending and len({i.name for i in order.items}) >= 2

    person = people(db_url, lambda c: any(two_kinds_pending(o) for o in c.orders))[pick]
    order = next(o for o in person.orders if two_kinds_pending(o))
    return person, order, list(dict.fromkeys(i.name.lower() for i in order.items))


def _address_and_colour(order: Order, item: str) -> str:
    """Two requests on one order: its address changed, and one of its items in another colour."""
    return f"on {order.id} I need the delivery address changed, and also the {item} swapped for another colour"


async def test_taking_back_one_request_keeps_the_other(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person, order, names = _pending_with_two_kinds(db, 3)
    async with talk(tau_app, "take-back", person.id) as customer:
        await customer.say(_address_and_colour(order, names[0]))
        before = (await customer.values())["dialogue"]
        assert before.get("intent") == "change_address", before
        turn = await customer.say(f"hmm, skip the address change, then change the {names[1]} instead")
        after = (await customer.values())["dialogue"]
    assert turn.status not in ("escalated", "human"), turn.text
    assert after.get("intent") in ("change_items", "change_order"), after
    assert all(r.get("intent") != "change_address" for r in after.get("queued") or []), after
    assert status_of(db, order.id) is OrderStatus.pending


async def test_taking_back_a_waiting_request_keeps_the_proposal(tau_app: Settings) -> None:
    db = tau_app.shop_database_url

    def delivered(order: Order) -> bool:
        return order.status is OrderStatus.delivered

    def pending(order: Order) -> bool:
        return order.status is OrderStatus.pending

    person = people(db, lambda c: any(map(delivered, c.orders)) and any(map(pending, c.orders)))[1]
    returned = next(o for o in person.orders if delivered(o))
    kept = next(o for o in person.orders if pending(o))
    item = returned.items[0].name.lower()
    async with talk(tau_app, "queued-drop", person.id) as customer:
        proposed = await customer.say(f"send back the {item} from {returned.id}, and also cancel {kept.id} please")
        assert proposed.status == "awaiting_confirmation", proposed.text
        before = (await customer.values())["dialogue"]
        assert any(r.get("intent") == "cancel_order" for r in before.get("queued") or []), before
        again = await customer.say("oh wait, drop the cancellation")
        after = (await customer.values())["dialogue"]
    assert again.status == "awaiting_confirmation" and returned.id in again.text, again.text
    assert all(r.get("intent") != "cancel_order" for r in after.get("queued") or []), after
    assert status_of(db, kept.id) is OrderStatus.pending


async def test_a_take_back_with_a_new_request_serves_the_new_one(tau_app: Settings) -> None:
    person, order, names = _pending_with_two_kinds(tau_app.shop_database_url, 4)
    async with talk(tau_app, "drop-and-ask", person.id) as customer:
        await customer.say(_address_and_colour(order, names[0]))
        turn = await customer.say("ignore the address update; I'd rather cancel the whole order")
    assert "haven't changed anything" not in turn.text, turn.text
    assert turn.status not in ("escalated", "human"), turn.text


def test_a_gift_card_too_small_says_what_it_has_and_what_is_owed() -> None:
    from graph.llm.responses import describe_notice

    said = describe_notice(
        {"code": "gift_card_short", "label": "gift card", "digits": "3312", "balance": 8.4, "difference": 61.2}
    )
    assert "3312" in said and "$8.40" in said and "$61.20" in said and "cannot pay" in said, said


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("31 Birch Lane, Portland, OR 97201", True),
        ("send it to 9 Rue Lepic, 75018 Paris, France", True),
        ("Lindenweg 14, 04109 Leipzig", True),
        # Descriptions of items, split by commas like an address's parts.
        ("the 2TB grey one, not the silver", False),
        ("size 9, brown leather", False),
        ("the 10 inch pan, cast iron, no lid", False),
    ],
)
def test_an_address_needs_a_street_or_a_postcode(text: str, address: bool) -> None:
    from graph.llm.addresses import looks_like_address

    assert looks_like_address(text) is address


@pytest.mark.parametrize(
    ("text", "fills"),
    [
        ("Canada", True),
        ("94110", True),
        ("Austin, TX", True),
        ("the 5-cup black one, dishwasher safe", False),
        ("not the waterproof one", False),
        ("size XL please", False),
    ],
)
def test_only_a_place_fills_a_gap_of_an_address(text: str, fills: bool) -> None:
    from graph.llm.addresses import completes_address

    assert completes_address(text) is fills


def test_a_clause_about_one_unit_wishes_something_only_with_an_option() -> None:
    from graph.llm.matching import wishes_per_unit

    assert wishes_per_unit("one in navy and the other in olive") == ["one in navy", "the other in olive"]
    assert wishes_per_unit("the first to 32GB, the second to 64GB") == ["the first to 32GB", "the second to 64GB"]
    assert wishes_per_unit("one is for my niece, the other is for me") == []
    assert wishes_per_unit("one came scratched and the other is fine") == []


def test_a_unit_wish_said_by_a_size_a_known_value_or_should_be() -> None:
    from graph.llm.matching import wishes_per_unit

    values = frozenset({"Bluetooth", "USB-C", "oak", "walnut"})
    assert wishes_per_unit("one medium, one xl") == ["one medium", "one xl"]
    assert wishes_per_unit("the first needs to be small and the second extra large") == [
        "the first needs to be small",
        "the second extra large",
    ]
    assert wishes_per_unit("one has to be the usb-c one, the other bluetooth", values) == [
        "one has to be the usb-c one",
        "the other bluetooth",
    ]
    assert wishes_per_unit("one oak and the other walnut", values) == ["one oak", "the other walnut"]
    # Near misses: a unit left as it is, a state, or "should be" with no option after it.
    assert wishes_per_unit("one in walnut and the other as it was", values) == []
    assert wishes_per_unit("one should be fine, the other should be fine too") == []
    assert wishes_per_unit("one's cracked, the other's ok") == []
    assert wishes_per_unit("one arrived late and the other early", values) == []


def test_the_one_i_paid_with_is_no_yes_when_what_was_paid_with_is_unknown() -> None:
    from graph.llm.dialogue.repair import _proposal_says

    pending = {"args": {"payment_method_id": "paypal_1"}, "preview": {"details": ["Refund $5.00 to PayPal"]}}
    assert not _proposal_says(pending, {"original": "1"}, None)
    assert _proposal_says(pending, {"original": "1"}, "paypal_1")
    assert not _proposal_says(pending, {"original": "1"}, "credit_card_2")


@pytest.mark.parametrize(
    ("text", "wish"),
    [
        ("the armchair should be velvet", True),
        ("and the rug needs to be the round one", True),
        ("the speaker has to be the portable kind", True),
        ("I'd take the walnut finish instead", True),
        ("the jeans should be a medium", True),
        ("the drive needs to be 4TB", True),
        # How its delivery, its working, its price or its state should be: no wish for another version.
        ("the armchair should be here by now", False),
        ("the rug needs to be returned", False),
        ("the speaker should be working fine", False),
        ("the blender should be quieter for what it cost", False),
        ("the mattress must be still under guarantee, no?", False),
        ("the desk should be in one piece when it arrives", False),
        ("the rug ought to be softer honestly", False),
    ],
)
def test_how_an_item_should_be_is_a_wish_for_another_version(text: str, wish: bool) -> None:
    from graph.llm.dialogue.repair import said_otherwise

    # The option values of the items named (their own and their products'), as the dialogue knows them.
    values = {"velvet", "linen", "round", "square", "portable", "walnut", "oak"}
    assert said_otherwise(text, values) is wish


async def test_two_items_said_as_they_should_be_are_one_change_of_both(demo_app: Settings) -> None:
    from tests.support.people import two_resizable_items

    order, ((one, one_new), (two, two_new)) = two_resizable_items(demo_app.shop_database_url)
    async with talk(demo_app, "should-be", order.customer_id) as customer:
        await customer.say(f"what's in order {order.id}?")
        turn = await customer.say(
            f"ok so the {one.name.lower()} should be a {one_new.options['size']}, and the {two.name.lower()} needs "
            f"to be {two_new.options['size']} instead"
        )
    proposes_options(turn, one_new, two_new)

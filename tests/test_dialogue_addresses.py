"""The local dialogue policy's readers: free-text addresses, payment methods, voucher codes, variants."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from graph.context import Context
from graph.llm.addresses import missing, parse_address
from graph.llm.matching import matching_items, matching_variants, payment_mention, voucher_code
from shop.db import session_factory
from shop.models import Customer, Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import conversation, people, say


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1 Main St, Apt 4, Springfield, IL 62704, USA",
            ("1 Main St", "Apt 4", "Springfield", "IL", "USA", "62704"),
        ),
        (
            "Please send it to 705 Elm Street Suite 140, Portland OR 97232",
            ("705 Elm Street", "Suite 140", "Portland", "OR", "USA", "97232"),
        ),
        ("94 Mill Lane, London SW17 4WG, UK", ("94 Mill Lane", "", "London", "", "United Kingdom", "SW17 4WG")),
        ("Schillerstraße 144, 10428 Berlin, Germany", ("Schillerstraße 144", "", "Berlin", "", "Germany", "10428")),
        (
            "71 avenue Jean Jaurès, Appartement 11, 38048 Grenoble, France",
            ("71 avenue Jean Jaurès", "Appartement 11", "Grenoble", "", "France", "38048"),
        ),
        ("Dorpsstraat 119, 3528 GE Utrecht", ("Dorpsstraat 119", "", "Utrecht", "", "Netherlands", "3528 GE")),
        (
            "654 Queen Street, Calgary, AB T9Z 2E4, Canada",
            ("654 Queen Street", "", "Calgary", "AB", "Canada", "T9Z 2E4"),
        ),
    ],
)
def test_addresses_of_several_countries_parse_into_the_tool_fields(text: str, expected: tuple[str, ...]) -> None:
    address = parse_address(text)
    assert tuple(address[k] for k in ("address1", "address2", "city", "state", "country", "zip")) == expected
    assert missing(address) == []


def test_an_incomplete_address_says_what_is_missing() -> None:
    assert missing(parse_address("12 rue de Rivoli, 75001 Paris")) == ["country"]
    assert missing(parse_address("1 Main St")) == ["city", "country", "zip"]


def test_payment_methods_and_codes_are_read_from_the_message() -> None:
    assert payment_mention("I'd like to pay with PayPal instead") == {"kind": "paypal"}
    assert payment_mention("use my gift card") == {"kind": "gift_card"}
    assert payment_mention("the visa ending in 4242") == {"kind": "credit_card", "last_four": "4242", "brand": "visa"}
    assert payment_mention("where is my order?") is None
    # A card that is a thing sold (written after the change): no way to pay.
    for thing in ("swap the camera to the XQD card storage", "it needs a micro-SD card", "a graphics card upgrade"):
        assert payment_mention(thing) is None, thing
    assert payment_mention("put the difference on the card ending 1234") == {"kind": "credit_card", "last_four": "1234"}
    assert voucher_code("Is the code WELCOME10 still valid?") == "WELCOME10"
    assert voucher_code("does voucher nw-2r38lj work") == "NW-2R38LJ"
    assert voucher_code("where is order #W1234567") is None


def test_variants_keep_the_options_the_customer_did_not_name() -> None:
    product = {
        "variants": [
            {"item_id": "1", "options": {"size": "M", "color": "Grey"}, "available": True},
            {"item_id": "2", "options": {"size": "L", "color": "Grey"}, "available": True},
            {"item_id": "3", "options": {"size": "L", "color": "Red"}, "available": True},
            {"item_id": "4", "options": {"size": "XL", "color": "Grey"}, "available": False},
        ]
    }
    current = {"item_id": "1", "options": {"size": "M", "color": "Grey"}}
    assert [v["item_id"] for v in matching_variants(product, current, {"size": "l"})[0]] == ["2"]
    assert [v["item_id"] for v in matching_variants(product, current, {"color": "red"})[0]] == ["3"]
    assert matching_variants(product, current, {"size": "XL"})[0] == []  # not available
    items = [{"product_id": "a", "name": "Merino Tee"}, {"product_id": "b", "name": "Trail Sock (3-Pack)"}]
    assert matching_items(items, ["socks"]) == [items[1]]
    assert matching_items(items, []) == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("send #W1111111 to where my order #W2222222 went", "#W2222222"),
        ("could you just copy the address from W2222222?", "#W2222222"),
        ("reuse the address of my previous order 2222222 please", "#W2222222"),
        ("ship it to my saved address instead", "default"),
        # The order to change, or the account's own address to change: no source.
        ("what's the delivery address of order #W1111111?", None),
        ("please update my default address to 12 Elm St, Austin TX 78701", None),
        # Where a parcel went, and a source turned down, are no source.
        ("Also I want to know where my order #W6893533 went", None),
        ("please don't use my default address", None),
        ("It should not go to the same address as #W1234567", None),
        # An order named as the source of the address, in the ways customers say it (round 18: "the address that
        # order X was sent to", "the same address that order X was shipped to" were read as the order to change).
        ("could you redirect it to the address my order #W2222222 was delivered to?", "#W2222222"),
        ("I want it going to the same address that W2222222 went to", "#W2222222"),
        ("please mail it wherever #W2222222 got sent", "#W2222222"),
        ("ship it there just like my other order #W2222222, please", "#W2222222"),
        ("use #W2222222's shipping address for this one", "#W2222222"),
        ("Bitte liefern Sie an die gleiche Adresse wie Bestellung #W2222222.", "#W2222222"),
        ("Schicken Sie es bitte an die Adresse aus meiner Bestellung W2222222", "#W2222222"),
        ("switch it to the address on my profile", "default"),
        ("Bitte an meine Standardadresse schicken", "default"),
        # Asked about, or the order itself sent somewhere, or an item like another order's: no source.
        ("which address did #W2222222 go to?", None),
        ("is the address the same as #W2222222?", None),
        ("I'd like #W2222222 sent to 4 Elm Road, Dover, DE 19901", None),
        ("I want the same one as in order #W2222222, in red", None),
        ("Bitte ändern Sie die Lieferadresse von Bestellung #W2222222.", None),
        # "like" another order with no place named may be its speed or its method: asked, not copied.
        ("ship it just like my other order #W2222222, please", None),
    ],
)
def test_where_an_address_is_to_be_copied_from(text: str, source: str | None) -> None:
    from graph.nlu.address_source import address_source

    assert address_source(text) == source


@pytest.mark.parametrize(
    ("text", "orders", "requests"),
    [
        ("Let's begin with #W1111111. I want it delivered to the same address my order #W2222222 went to.", 1, 1),
        ("About #W1111111: please change its address to the one that #W2222222 was shipped to", 1, 1),
        ("Bitte schicken Sie #W1111111 an die Adresse von Bestellung #W2222222.", 1, 1),
        # Two orders to act on are still two ("... and #W2222222 I want to return the lamp from").
        ("Let's begin with #W1111111, cancel it please. Then from #W2222222 I want to return the lamp.", 2, 2),
    ],
)
def test_an_order_named_as_the_address_source_is_no_order_to_act_on(text: str, orders: int, requests: int) -> None:
    """The entity reader and the segmenter leave the order an address is copied from out of the orders a message is
    about: every reader after them sees the order to change (the bot changed the delivered source order)."""
    from graph.nlu.entities import shared_entities
    from graph.nlu.segment import split_requests

    assert shared_entities(text).order_ids[:1] == ["#W1111111"]
    assert len(shared_entities(text).order_ids) == orders
    assert len(split_requests(text)) == requests


@pytest.mark.parametrize(
    ("text", "elsewhere"),
    [
        ("wait, can you deliver it to my office instead?", True),
        ("I'd prefer you send them to my mum's", True),
        ("please use another shipping address", True),
        ("could you redirect it to my boyfriend's flat?", True),
        # A yes to the address proposed, in words that name it: no other place.
        ("yes please, ship it to my new address", False),
        ("great, send it to the house", False),
        # An address given, a source named, or a question about where it goes: not "somewhere still unsaid".
        ("send it to 9 Harbor Rd, Salem, MA 01970, USA instead", False),
        ("ship it to the same address as #W1234567", False),
        ("which address is it going to?", False),
        ("hmm, is it going to my home address?", False),
    ],
)
def test_somewhere_else_not_yet_said(text: str, elsewhere: bool) -> None:
    from graph.llm.dialogue.addresses import names_another_destination

    assert names_another_destination(text) is elsewhere


async def test_another_place_at_an_address_proposal_asks_for_that_address(tau_app: Settings) -> None:
    """At the proposal, "could you ship it to my office instead?" was read as a question and the proposal put again."""
    person = people(tau_app.shop_database_url, lambda c: any(o.status is OrderStatus.pending for o in c.orders))[0]
    order = next(o for o in person.orders if o.status is OrderStatus.pending)
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, _):
        first = await say(
            chat, "elsewhere", f"please ship {order.id} to 5 Birch Road, Apt 2, Austin, TX 78701, USA", context=context
        )
        assert first.status == "awaiting_confirmation" and "Birch" in first.text, first.text
        asked = await say(
            chat, "elsewhere", "on second thought, can it go to my sister's place instead?", context=context
        )
        assert asked.status != "awaiting_confirmation" and "Birch" not in asked.text, asked.text
        assert "address" in asked.text, asked.text
        second = await say(chat, "elsewhere", "44 Pine Street, Boston, MA 02110, USA", context=context)
    assert second.status == "awaiting_confirmation" and "44 Pine Street" in second.text, second.text


def _pending_and_delivered_elsewhere(db_url: str) -> tuple[str, Order, Order]:
    """(customer id, a pending order, a delivered order of theirs shipped to another street)."""
    with session_factory(db_url)() as session:
        customers = session.scalars(select(Customer).options(selectinload(Customer.orders)).order_by(Customer.id))
        for customer in customers.all():
            for target in (o for o in customer.orders if o.status is OrderStatus.pending):
                source = next(
                    (
                        o
                        for o in customer.orders
                        if o.status is OrderStatus.delivered and o.ship_line1 != target.ship_line1
                    ),
                    None,
                )
                if source is not None:
                    return customer.id, target, source
    raise AssertionError("no customer with a pending order and a delivered one shipped elsewhere")


async def _proposed_address(chat: Any, graph: Any, thread: str) -> dict[str, Any]:
    pending = (await graph.aget_state(chat.config(thread))).values["pending_action"]
    assert pending is not None
    return dict(pending["args"])


@pytest.mark.parametrize(
    "request_words",
    [
        "For {target}: could you redirect it to the address that {source} was delivered to?",
        "Now {target}, please. I want its delivery address to be the same one that {source} went to.",
        "{target} should go out to wherever my order {source} got shipped",
    ],
)
async def test_a_delivered_order_named_as_the_address_source_gives_the_pending_order_its_address(
    tau_app: Settings, request_words: str
) -> None:
    """Round 18: "change it to the address that order X was sent to" and "the same address that order X was shipped
    to" took the delivered X as the order to change and refused. X is where the address comes from: the pending
    order is proposed with X's address in full, X stays as it is."""
    customer_id, target, source = _pending_and_delivered_elsewhere(tau_app.shop_database_url)
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(chat, "source", request_words.format(target=target.id, source=source.id), context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        assert target.id in proposed.text and source.ship_line1 in proposed.text, proposed.text
        args = await _proposed_address(chat, graph, "source")
    assert args["order_id"] == target.id and args["address1"] == source.ship_line1
    assert args["city"] == source.ship_city and args["zip"] == source.ship_zip


async def test_the_shipping_address_answers_what_to_change_with_a_source_or_a_written_address(
    tau_app: Settings,
) -> None:
    """ "What would you like to change on it?" answered "the shipping address" and an address with no verb that moves
    the order, or with the order it is to be copied from: an address change of the order in hand."""
    customer_id, target, source = _pending_and_delivered_elsewhere(tau_app.shop_database_url)
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(chat, "what-1", f"I need to make a change to {target.id}", context=context)
        assert asked.status != "awaiting_confirmation", asked.text
        copied = await say(
            chat, "what-1", f"The delivery address. It should be the one my order {source.id} went to.", context=context
        )
        assert copied.status == "awaiting_confirmation" and source.ship_line1 in copied.text, copied.text
        assert (await _proposed_address(chat, graph, "what-1"))["order_id"] == target.id
        await say(chat, "what-2", f"I need to make a change to {target.id}", context=context)
        written = await say(
            chat, "what-2", "the shipping address: 77 Birch Lane, Apt 4, Portland, OR 97205, USA", context=context
        )
        assert written.status == "awaiting_confirmation" and "77 Birch Lane" in written.text, written.text
        args = await _proposed_address(chat, graph, "what-2")
    assert args["order_id"] == target.id and args["address1"] == "77 Birch Lane"


async def test_the_accounts_address_is_copied_onto_the_pending_order(tau_app: Settings) -> None:
    """ "Send it to the address on my account": the account's default address is the value, the order in hand is the
    one to change (not a change of the default address)."""
    with session_factory(tau_app.shop_database_url)() as session:
        customers = session.scalars(
            select(Customer).options(selectinload(Customer.orders), selectinload(Customer.addresses))
        ).all()
        found = next(
            (c.id, o, c.default_address.line1)
            for c in customers
            for o in c.orders
            if o.status is OrderStatus.pending and c.default_address and c.default_address.line1 != o.ship_line1
        )
    customer_id, target, default_line = found
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(
            chat, "account", f"please send {target.id} to the address on my account instead", context=context
        )
        assert proposed.status == "awaiting_confirmation" and default_line in proposed.text, proposed.text
        args = await _proposed_address(chat, graph, "account")
    assert args["order_id"] == target.id and args["address1"] == default_line


async def test_a_complete_address_written_beside_the_source_wins(tau_app: Settings) -> None:
    """A literal address in the same message wins over the order named only when it is complete."""
    customer_id, target, source = _pending_and_delivered_elsewhere(tau_app.shop_database_url)
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(
            chat,
            "both",
            f"ship {target.id} to 9 Harbor Rd, Salem, MA 01970, USA - not the same address as {source.id}",
            context=context,
        )
        assert proposed.status == "awaiting_confirmation" and "9 Harbor Rd" in proposed.text, proposed.text
        args = await _proposed_address(chat, graph, "both")
    assert args["order_id"] == target.id and args["address1"] == "9 Harbor Rd"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # Review 7: another order named for comparison, in a status question or a complaint, is no source.
        ("I'd like #W3196599 delivered faster, same as #W3223435", None),
        ("Like #W3223435, order #W3196599 will probably get shipped late, can you check?", None),
        ("Same issue as with #W7654321: it was never delivered.", None),
        ("Same as #W7654321, the parcel for #W1234567 was delivered damaged.", None),
        ("The courier took it to where #W7654321 went last month, which is wrong.", None),
        ("Please send me the invoice, same as for #W7654321", None),
        # The same classes, said anew.
        ("Just like #W5550001, my order #W5550002 arrived with a cracked screen.", None),
        ("My parcel #W5550002 got delivered late, like #W5550001 did.", None),
        ("Could you email me the receipt, same as on #W5550001?", None),
        ("#W5550002 was shipped to the same place as #W5550001, that is my old flat.", None),
        ("It ended up where #W5550001 went, but that is not my address any more, it's incorrect.", None),
        # The address moved away from, or the one the order goes to now, is the old one.
        ("Please change the shipping address of #W1234567 from my default address to 5 Oak Avenue, Apt 2", None),
        ("#W1234567 keeps going to my default address, please change that to 5 Oak Avenue", None),
        ("Move #W5550002 from the same address as #W5550001 to 9 Birch Road, Austin TX 73301", None),
        ("It still goes to my saved address, but I need it at 3 Elm Street now.", None),
        ("My parcels keep getting shipped to my default address, please change #W5550002 to 6 Ash Road", None),
        ("Please keep it going to my default address", "default"),
        ("#W5550002 is set to the address on my account; it should go to 8 Pine Way instead", None),
        # An order also named as the one to act on is no source.
        ("Use the address of #W1234567 for the return label? No, I mean change #W1234567 itself", None),
        ("Take the address of #W5550001... actually, just update #W5550001 to 4 Lake Rd", None),
        # Still a source: a request to send it somewhere, with the place or the address named.
        ("same address as the one for #W7654321 please", "#W7654321"),
        ("the same address as the one on #W5550001 works for me", "#W5550001"),
        ("Send #W5550002 there too, same as #W5550001.", "#W5550001"),
        ("Can you deliver #W5550002 to the same place as #W5550001?", "#W5550001"),
        ("Like my other order #W5550001, please send this one to that address.", "#W5550001"),
        ("Please send #W5550002 to my default address.", "default"),
    ],
)
def test_an_order_named_for_comparison_or_as_the_old_address_is_no_source(text: str, source: str | None) -> None:
    from graph.nlu.address_source import address_source

    assert address_source(text) == source


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("I need to update my default address", True),
        ("I've moved, the address on my profile is out of date", True),
        ("Please change my address from my default one to 5 Oak Avenue, Apt 2", True),
        ("ship my pending order to my default address", False),
        ("the pending one, to the address on my account please", False),
        ("use my saved address for #W5550002", False),
    ],
)
def test_a_change_of_the_default_address_is_told_from_sending_to_it(text: str, changes: bool) -> None:
    from graph.nlu.address_source import changes_default_address

    assert changes_default_address(text) is changes


@pytest.mark.parametrize(
    "words",
    [
        "Please change the shipping address of {target} from my default address to 5 Oak Avenue, Apt 2",
        "{target} keeps going to my default address, please change that to 5 Oak Avenue",
        "Please ship {target} to 5 Oak Avenue; it went to the same address as {source} before, which is wrong",
        # Said anew: the typed street line is what they want, however an old address is named beside it.
        "Redirect {target} to 41 Maple Street, not where {source} went",
        "{target} is still set to my default address, it should go to 18 Cedar Road",
        # A street line beside a source that still reads as one: the street line wins, its city and zip are asked.
        "Send {target} to 27 Spruce Lane, the same address as {source}",
    ],
)
async def test_a_typed_street_line_is_never_replaced_by_an_old_address(tau_app: Settings, words: str) -> None:
    """Review 7: an address the customer typed (without its city or zip) was replaced by the address they were moving
    away from. The typed street line stays theirs: the rest is asked for, no other address is proposed."""
    customer_id, target, source = _pending_and_delivered_elsewhere(tau_app.shop_database_url)
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, _graph):
        reply = await say(chat, "typed", words.format(target=target.id, source=source.id), context=context)
    assert reply.status != "awaiting_confirmation", reply.text
    assert source.ship_line1 not in reply.text, reply.text


async def test_a_source_from_an_earlier_turn_is_forgotten_for_a_typed_address(tau_app: Settings) -> None:
    """A source said earlier, then an address written out without one: the written address is the one wanted."""
    customer_id, target, source = _pending_and_delivered_elsewhere(tau_app.shop_database_url)
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "later", f"Please ship {target.id} to the same address as {source.id}", context=context)
        reply = await say(chat, "later", "Actually no, make it 62 Willow Court please", context=context)
    assert source.ship_line1 not in reply.text or reply.status != "awaiting_confirmation", reply.text


@pytest.mark.parametrize(
    "words",
    [
        "I'd like {target} delivered faster, same as {source}",
        "Like {source}, order {target} will probably get shipped late, can you check?",
        "Same as for {source}: please send me the invoice for {target} by mail",
        # Said anew: another order named beside a question or a complaint about this one.
        "Just like {source}, {target} seems stuck in the warehouse. Any news?",
        "{target} is taking ages, same as {source} did",
    ],
)
async def test_an_order_named_for_comparison_proposes_no_address_change(tau_app: Settings, words: str) -> None:
    """Review 7: an order named for comparison became the source of an address, and a status question produced an
    address-change proposal with that order's address."""
    customer_id, target, source = _pending_and_delivered_elsewhere(tau_app.shop_database_url)
    context = Context(customer_id=customer_id)
    async with conversation(tau_app) as (chat, _graph):
        reply = await say(chat, "compare", words.format(target=target.id, source=source.id), context=context)
    # (A status reply may show the other order's address as it stands: that is no proposal.)
    assert reply.status != "awaiting_confirmation", reply.text

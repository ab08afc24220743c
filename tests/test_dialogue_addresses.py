"""The local dialogue policy's readers: free-text addresses, payment methods, voucher codes, variants."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.addresses import missing, parse_address
from graph.llm.matching import matching_items, matching_variants, payment_mention, voucher_code
from shop.models import OrderStatus
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
    ],
)
def test_where_an_address_is_to_be_copied_from(text: str, source: str | None) -> None:
    from graph.llm.dialogue.addresses import address_source

    assert address_source(text) == source


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

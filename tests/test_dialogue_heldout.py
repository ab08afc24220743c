"""A held-out set for identity and grounding, written after the code, in phrasings the code was not tuned to.

Each case is one conversation on the imported tau-bench shop (or the demo shop for German), with the customer and
the order taken from the data, and one expected outcome: verified as the right person, the request carried out
after verification, or the right order / items found. Cases that failed on the first run are marked xfail with
what broke, so that the suite shows the figure rather than hiding it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from graph.context import Context
from shop.models import Customer, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import Person, conversation, people, say, verified_id


def _typo(word: str) -> str:
    """The word with one letter dropped from its middle ("Purifier" -> "Purfier")."""
    return word[: len(word) // 2] + word[len(word) // 2 + 1 :] if len(word) >= 6 else word


@dataclass
class Case:
    id: str
    messages: list[str]
    expect: str  # verified | cancel | return_only | order | items
    shop: str = "tau"
    signed_in: bool = False
    who: Callable[[Customer], bool] = lambda c: len(c.orders) >= 2
    pick: int = 0


def fill(template: str, person: Person, extra: dict[str, Any]) -> str:
    values = {
        "first": person.first,
        "last": person.last,
        "zip": person.zip,
        "email": person.email,
        "FIRST": person.first.upper(),
        "LAST": person.last.upper(),
        "EMAIL": person.email.upper(),
        "first_l": person.first.lower(),
        "last_l": person.last.lower(),
        "bad_email": person.email.replace("@", "1@"),
        "bad_zip": f"{(int(person.zip) + 7) % 100000:05d}" if person.zip.isdigit() else person.zip[::-1],
        **extra,
    }
    return template.format(**values)


def pending_small(c: Customer) -> bool:
    return any(o.status is OrderStatus.pending and o.total < 400 for o in c.orders)


def delivered_varied(c: Customer) -> bool:
    return any(
        o.status is OrderStatus.delivered and len({i.name for i in o.items}) == len(o.items) >= 3 for o in c.orders
    )


def one_pending(c: Customer) -> bool:
    return [o.status for o in c.orders].count(OrderStatus.pending) == 1 and len(c.orders) >= 3


def german(c: Customer) -> bool:
    return bool(c.orders) and bool(c.addresses) and c.addresses[0].country == "Germany"


def holds(name: str) -> Callable[[Customer], bool]:
    return lambda c: sum(any(i.name == name for i in o.items) for o in c.orders) == 1 and len(c.orders) >= 2


CASES = [
    # --- identity: name and zip, every which way -------------------------------------------------------------
    Case("slash", ["hi, where's my order?", "{first} {last} / {zip}"], "verified", pick=10),
    Case("yeah-colon", ["can you check my orders", "yeah sure: {first} {last}, {zip}"], "verified", pick=11),
    Case(
        "its-dot-zipcode",
        ["I have a question about an order", "It's {first} {last}. Zip code {zip}."],
        "verified",
        pick=12,
    ),
    Case(
        "find-me-under",
        ["order question", "You can find me under {first} {last}, postal code {zip}"],
        "verified",
        pick=13,
    ),
    Case("all-caps", ["where is my parcel", "{FIRST} {LAST} {zip}"], "verified", pick=14),
    Case("name-zip-thanks", ["status of my order pls", "name {first} {last} zip {zip} thanks!"], "verified", pick=15),
    Case("hello-from", ["need help with an order", "hello! {first} {last} from {zip}"], "verified", pick=16),
    Case(
        "and-the-zip", ["I want to check on my purchase", "{first} {last}, and the zip is {zip}"], "verified", pick=17
    ),
    Case("zip-first", ["where are my things", "Zip is {zip} and my name is {first} {last}"], "verified", pick=18),
    Case("newline", ["my order?", "{first_l} {last_l}\n{zip}"], "verified", pick=19),
    Case("postcodes", ["order status", "Sure thing - I'm {first} {last} and my postcode's {zip}"], "verified", pick=20),
    Case("email-caps", ["check my order please", "my email address is {EMAIL}"], "verified", pick=21),
    Case("email-colon", ["where's my stuff", "email: {email}."], "verified", pick=22),
    Case("here-you-go", ["order status please", "Here you go: {email}"], "verified", pick=23),
    Case(
        "long-first",
        ["Good morning, this is {first} {last}, zip {zip}. I'd like to see the status of my recent orders please."],
        "verified",
        pick=24,
    ),
    Case("parenthesis", ["Hey, {first} {last} ({zip}) here, where are my orders?"], "verified", pick=25),
    Case(
        "zip-corrected", ["where is my order", "{first} {last} {bad_zip}", "no wait, it's {zip}"], "verified", pick=26
    ),
    Case("email-corrected", ["where is my order", "{bad_email}", "sorry I meant {email}"], "verified", pick=27),
    Case(
        "typo-then-name",
        ["I'd like to check an order", "{bad_email}", "let's try name and zip instead: {first} {last}, {zip}"],
        "verified",
        pick=28,
    ),
    Case("pieces", ["where is my order", "{first} {last}", "zip's {zip}"], "verified", pick=29),
    Case(
        "german-cue",
        ["Wo bleibt meine Bestellung?", "Mein Name ist {first} {last} und meine PLZ ist {zip}"],
        "verified",
        shop="demo",
        who=german,
        pick=0,
    ),
    Case(
        "german-hier",
        ["Ich habe eine Frage zu meiner Bestellung", "Hallo, {first} {last} hier, Postleitzahl {zip}"],
        "verified",
        shop="demo",
        who=german,
        pick=1,
    ),
    Case(
        "german-lower",
        ["wo ist mein paket?", "ich bin {first_l} {last_l}, {zip}"],
        "verified",
        shop="demo",
        who=german,
        pick=2,
    ),
    # --- the request made before verification, carried out after it ------------------------------------------
    Case(
        "cancel-after",
        ["Could you cancel my order {order}? I no longer need it", "{first} {last} {zip}"],
        "cancel",
        who=pending_small,
    ),
    Case(
        "return-after", ["I need to return the {item} I got in {order}", "{email}"], "return_only", who=delivered_varied
    ),
    Case("status-digits-after", ["where is order {digits}", "{first} {last}, {zip}."], "order", pick=30),
    # --- grounding in the customer's orders (signed in) --------------------------------------------------------
    Case("has-the-item", ["Can you tell me about the order that has the {item_l}?"], "order", signed_in=True, pick=31),
    Case("containing", ["what are my orders?", "the one containing the {item_l}"], "order", signed_in=True, pick=32),
    Case("bare-digits", ["what are my orders?", "what about {digits}"], "order", signed_in=True, pick=33),
    Case("what-did-i-order", ["what did I order in {order}?"], "items", signed_in=True, pick=34),
    Case("oldest", ["my oldest order please"], "order", signed_in=True, pick=35),
    Case("only-pending", ["show me my pending order"], "order", signed_in=True, who=one_pending),
    Case("third", ["list my orders", "the third one"], "order", signed_in=True, who=lambda c: len(c.orders) >= 4),
    Case("item-typo", ["where's the order with the {item_typo}?"], "order", signed_in=True, pick=36),
    Case(
        "two-items",
        ["I want to return both the {item_l} and the {item2_l} from {order}"],
        "return_only",
        signed_in=True,
        who=delivered_varied,
        pick=1,
    ),
    Case("bike", ["is the bike shipped yet?"], "order", signed_in=True, who=holds("Bicycle")),
    Case("hoover", ["any news on the hoover I ordered?"], "order", signed_in=True, who=holds("Vacuum Cleaner")),
    Case("shades", ["when do my shades arrive?"], "order", signed_in=True, who=holds("Sunglasses")),
]

# First run (38 cases, written after the code; harness bugs fixed, sentences and code untouched): 32 passed.

# A second held-out batch, written after the fixes that the first batch prompted, in new phrasings.
SECOND_BATCH = [
    # identity
    Case("b2-hyphen", ["help with my order please", "{first} {last} - {zip}"], "verified", pick=40),
    Case("b2-thats-me", ["where's my package", "that's me: {first} {last}, zip {zip}"], "verified", pick=41),
    Case("b2-zip-of-mine", ["could you look up my order", "{first} {last}. my zip code? {zip}"], "verified", pick=42),
    Case("b2-registered", ["order status", "the account is under {email}"], "verified", pick=43),
    Case("b2-email-angle", ["order question", "<{email}>"], "verified", pick=44),
    Case("b2-lower-comma", ["hi", "{first_l}, {last_l}, {zip}"], "verified", pick=45),
    Case(
        "b2-intro-long",
        [
            "Hi! My name is {first} {last} and my zip is {zip} - I placed an order a while ago and "
            "want to know where it is"
        ],
        "verified",
        pick=46,
    ),
    Case(
        "b2-email-then-email",
        ["can you check an order for me", "{bad_email}", "hmm, then {email}"],
        "verified",
        pick=47,
    ),
    Case(
        "b2-name-zip-after-two-emails",
        ["track my order", "{bad_email}", "{first_l}@example.org", "ok, {first} {last} {zip} then"],
        "verified",
        pick=48,
    ),
    Case(
        "b2-german-email",
        ["Hallo, wo ist meine Lieferung?", "Meine E-Mail ist {email}"],
        "verified",
        shop="demo",
        who=german,
        pick=3,
    ),
    # the request before verification
    Case(
        "b2-cancel-reason-later",
        ["I'd like to cancel {order} please", "{email}", "ordered it by mistake"],
        "cancel",
        who=pending_small,
        pick=1,
    ),
    Case(
        "b2-return-item-before",
        ["The {item_l} from {order} has to go back", "{first} {last}, {zip}"],
        "return_only",
        who=delivered_varied,
        pick=2,
    ),
    Case("b2-status-item-before", ["where is the order with my {item_l}?", "{email}"], "order", pick=49),
    # grounding (signed in)
    Case("b2-which-has", ["show my orders", "which one has the {item_l} in it?"], "order", signed_in=True, pick=50),
    Case("b2-number-only", ["list my orders", "{digits}"], "order", signed_in=True, pick=51),
    Case("b2-w-no-hash", ["what's in W{digits}?"], "items", signed_in=True, pick=52),
    Case("b2-newest", ["what's the status of my newest order?"], "order", signed_in=True, pick=53),
    Case("b2-first-in-list", ["my orders please", "the first one"], "order", signed_in=True, pick=54),
    Case("b2-item-capital", ["Where is my {item}?"], "order", signed_in=True, pick=55),
    Case("b2-earbuds", ["did the earphones ship?"], "order", signed_in=True, who=holds("Wireless Earbuds")),
    Case("b2-kindle", ["has my kindle been delivered?"], "order", signed_in=True, who=holds("E-Reader")),
    Case("b2-coffee", ["any update on the coffee machine?"], "order", signed_in=True, who=holds("Coffee Maker")),
    Case(
        "b2-return-three",
        ["please return the {item_l}, the {item2_l} and nothing else from {order}"],
        "return_only",
        signed_in=True,
        who=delivered_varied,
        pick=3,
    ),
]


def one_delivered(c: Customer) -> bool:
    return [o.status for o in c.orders].count(OrderStatus.delivered) == 1 and len(c.orders) >= 3


# A third batch, written after every change to the code, mostly items and orders.
THIRD_BATCH = [
    Case(
        "b3-zip-code-is",
        ["need some help with an order", "{first} {last}, zip code is {zip}, thank you"],
        "verified",
        pick=60,
    ),
    Case("b3-under", ["where is my order", "it should be under {first} {last}... {zip}"], "verified", pick=61),
    Case("b3-zip-dash-name", ["order status", "{zip} - {first} {last}"], "verified", pick=62),
    Case("b3-fields", ["my order", "First name {first}, last name {last}, zip {zip}"], "verified", pick=63),
    Case("b3-email-is-my", ["can you look up an order", "{email} is my email"], "verified", pick=64),
    Case("b3-email-think", ["order help", "E-mail address: {email} (I think)"], "verified", pick=65),
    Case(
        "b3-return-before",
        ["I want to return the {item_l}, order {order}", "{first} {last} {zip}"],
        "return_only",
        who=delivered_varied,
        pick=4,
    ),
    Case("b3-cancel-digits", ["cancel {digits} pls, no longer needed", "{email}"], "cancel", who=pending_small, pick=2),
    Case("b3-which-order-was", ["which order was the {item_l} in?"], "order", signed_in=True, pick=66),
    Case(
        "b3-delivered-one",
        ["list my orders", "the one that's already been delivered"],
        "order",
        signed_in=True,
        who=one_delivered,
    ),
    Case("b3-order-number", ["show me order number {digits} please"], "items", signed_in=True, pick=67),
    Case(
        "b3-two-no-article",
        ["the {item_l} and {item2_l} from {order} need to go back"],
        "return_only",
        signed_in=True,
        who=delivered_varied,
        pick=5,
    ),
    Case(
        "b3-except",
        ["return everything from {order} except the {item_l}"],
        "return_except",
        signed_in=True,
        who=delivered_varied,
        pick=6,
    ),
    Case("b3-my-last-order", ["how is my last order doing?"], "order", signed_in=True, pick=68),
    Case("b3-most-recent-one", ["what orders do I have?", "the most recent one"], "order", signed_in=True, pick=69),
]

FAILED_FIRST_TIME: dict[str, str] = {
    "all-caps": "an identity in capitals read as shouting (anger 0.6) and handed off",
    "hello-from": "identity facts with no personal request in progress read as a greeting",
    "german-hier": "the same, in German",
    "has-the-item": "'the order that has the X' read as a product question, answered from the catalogue",
    "what-did-i-order": "a signed-in customer's order id read as an identity answer, answered from the policy",
    "bike": "'is the bike shipped yet?' taken as a general question about shipping",
}
# Second batch (23 cases, written after those fixes): 20 passed on its first run.
FAILED_FIRST_TIME |= {
    "b2-lower-comma": "'chen, johnson, 77004' (commas between the words of a lowercase name) not read as a name",
    "b2-first-in-list": "'the first one' after the list read as the oldest order, not the first listed",
    "b2-coffee": "'any update on the coffee machine?' answered from the catalogue, not from their order",
}
# Third batch (15 cases, written after every change to the code so far): 12 passed on its first run.
FAILED_FIRST_TIME |= {
    "b3-fields": "'First name Emma, last name Kim, zip 94142' (form field labels) not read as a name",
    "b3-which-order-was": "'which order was the electric kettle in?' answered from the catalogue",
    "b3-except": "'return everything from #W... except the backpack' returned only the backpack",
}
# Cases still failing after the mechanisms behind the failures were fixed (xfail, so the suite shows them): none.
# They pass now, but they are no longer held out: the figures that count are the first runs'.
STILL_FAILING: dict[str, str] = {}


# Cases that name an item no other order of the customer holds.
UNIQUE_ITEM_CASES = (
    "has-the-item",
    "containing",
    "item-typo",
    "b2-status-item-before",
    "b2-which-has",
    "b2-item-capital",
    "b3-which-order-was",
)


def _target(case: Case, person: Person) -> tuple[Any, dict[str, Any]]:
    """The order the case is about, and the values its messages name (items, ids)."""
    orders = list(person.orders)
    if case.expect == "cancel":
        order = next(o for o in orders if o.status is OrderStatus.pending and o.total < 400)
    elif case.expect in ("return_only", "return_except"):
        order = next(
            o
            for o in orders
            if o.status is OrderStatus.delivered and len({i.name for i in o.items}) == len(o.items) >= 3
        )
    elif case.id == "oldest":
        order = orders[-1]
    elif case.id in ("b2-newest", "b2-first-in-list", "b3-my-last-order", "b3-most-recent-one"):
        order = orders[0]
    elif case.id == "b3-delivered-one":
        order = next(o for o in orders if o.status is OrderStatus.delivered)
    elif case.id == "only-pending":
        order = next(o for o in orders if o.status is OrderStatus.pending)
    elif case.id == "third":
        order = orders[2]
    elif case.id in ("bike", "hoover", "shades", "b2-earbuds", "b2-kindle", "b2-coffee"):
        wanted = {
            "bike": "Bicycle",
            "hoover": "Vacuum Cleaner",
            "shades": "Sunglasses",
            "b2-earbuds": "Wireless Earbuds",
            "b2-kindle": "E-Reader",
            "b2-coffee": "Coffee Maker",
        }[case.id]
        order = next(o for o in orders if any(i.name == wanted for i in o.items))
    elif case.id in UNIQUE_ITEM_CASES:
        # An order holding an item whose words no other order of theirs has.
        others = {
            o.id: {w for p in orders if p.id != o.id for i in p.items for w in i.name.lower().split()} for o in orders
        }
        order = next(o for o in orders if any(not set(i.name.lower().split()) & others[o.id] for i in o.items))
    else:
        order = orders[min(1, len(orders) - 1)]
    items = [i.name for i in order.items]
    if case.id in UNIQUE_ITEM_CASES:
        elsewhere = {w for p in orders if p.id != order.id for i in p.items for w in i.name.lower().split()}
        items = [i for i in items if not set(i.lower().split()) & elsewhere] + items
    longest = max(items[0].split(), key=len)
    extra = {
        "order": order.id,
        "digits": re.sub(r"\D", "", order.id),
        "item": items[0],
        "item_l": items[0].lower(),
        "item2_l": items[1].lower() if len(items) > 1 else "",
        "item_typo": items[0].lower().replace(longest.lower(), _typo(longest.lower())),
    }
    return order, extra


@pytest.mark.parametrize(
    "case", CASES + SECOND_BATCH + THIRD_BATCH, ids=[c.id for c in CASES + SECOND_BATCH + THIRD_BATCH]
)
async def test_heldout(case: Case, request: pytest.FixtureRequest) -> None:
    if case.id in STILL_FAILING:
        pytest.xfail(STILL_FAILING[case.id])
    # One shop per case: both fixtures would point the application at whichever came last.
    app: Settings = request.getfixturevalue("tau_app" if case.shop == "tau" else "demo_app")
    candidates = people(app.shop_database_url, case.who)
    person = candidates[case.pick % len(candidates)]
    order, extra = _target(case, person)
    context = Context(customer_id=person.id) if case.signed_in else Context()
    async with conversation(app) as (chat, graph):
        turn = await say(chat, case.id, *(fill(m, person, extra) for m in case.messages), context=context)
        who = await verified_id(graph, chat, case.id)
    evidence = list(turn.replies[-1]["evidence_ids"]) if turn.replies else []
    if case.expect == "verified":
        assert who == person.id and turn.status == "bot", turn.text
    elif case.expect == "cancel":
        assert turn.status == "awaiting_confirmation" and f"Cancel order {order.id}" in turn.text, turn.text
    elif case.expect == "return_only":
        named = [extra["item"]] + (
            [next(i.name for i in order.items if i.name.lower() == extra["item2_l"])]
            if "{item2_l}" in " ".join(case.messages)
            else []
        )
        assert turn.status == "awaiting_confirmation", turn.text
        for item in order.items:
            assert (f"Return {item.name} " in turn.text) == (item.name in named), turn.text
    elif case.expect == "return_except":
        assert turn.status == "awaiting_confirmation", turn.text
        for item in order.items:
            assert (f"Return {item.name} " in turn.text) == (item.name != extra["item"]), turn.text
    elif case.expect == "order":
        assert f"order:{order.id}" in evidence, turn.text
    elif case.expect == "items":
        assert f"order:{order.id}" in evidence and all(i.name in turn.text for i in order.items), turn.text

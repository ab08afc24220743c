"""Identity that reads people, through the real graph, on the imported tau-bench shop and the demo shop.

Classes of messages: a name and a zip code however they are punctuated, led in or cased, anywhere in a message,
in pieces over turns, in German; a corrected zip or email replacing the wrong one; a name and zip after a mistyped
email; the request made before verification carried out after it; no repeated-failure handoff while the customer
keeps giving new details (but no endless guessing either).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from graph.context import Context
from graph.llm.dialogue.names import FIND_BY_EMAIL, FIND_BY_NAME_ZIP, MAX_IDENTITY_ATTEMPTS
from shop.db import session_factory
from shop.models import OrderStatus, Product
from shopdesk.settings import Settings
from tests.support.people import (
    Person,
    conversation,
    people,
    say,
    small_pending,
    tool_calls,
    verified_id,
)

ASK_WHICH = "Which order is this about?"


def someone(db_url: str, n: int = 0) -> Person:
    return people(db_url, lambda c: len(c.orders) >= 2)[n]


# Shapes of "here is my name and zip code": punctuation, lead-ins, order, case, cue words.
NAME_ZIP_SHAPES = [
    "{first} {last}, {zip}.",
    "Sure, {first} {last}, zip {zip}",
    "{first_lower} {last_lower} {zip}",
    "zip {zip}, name {first} {last}",
    "Name: {first} {last} - postcode {zip}!",
    "ok. it's {first} {last} and my zip code is {zip}",
    "{first} {last} here, {zip}",
    "My name is {first_lower} {last_lower}; zip code: {zip}",
]


def shaped(shape: str, person: Person) -> str:
    return shape.format(
        first=person.first,
        last=person.last,
        zip=person.zip,
        first_lower=person.first.lower(),
        last_lower=person.last.lower(),
    )


@pytest.mark.parametrize("shape", NAME_ZIP_SHAPES)
async def test_a_name_and_zip_are_read_however_they_are_written(tau_app: Settings, shape: str) -> None:
    person = someone(tau_app.shop_database_url, NAME_ZIP_SHAPES.index(shape))
    async with conversation(tau_app) as (chat, graph):
        turn = await say(chat, "id", "Hi, I need help with one of my orders, where is it?", shaped(shape, person))
        assert await verified_id(graph, chat, "id") == person.id, (shape, turn.text)
    assert ASK_WHICH in turn.text and person.orders[0].id in turn.text, turn.text


async def test_name_and_zip_inside_the_first_long_message_verify_and_serve_the_request(tau_app: Settings) -> None:
    person = someone(tau_app.shop_database_url, 3)
    message = (
        f"Hello there! I'm {person.first} {person.last} (zip {person.zip}). I'd like to know what is going on with "
        "my orders, could you check for me?"
    )
    async with conversation(tau_app) as (chat, graph):
        turn = await say(chat, "long", message)
        assert await verified_id(graph, chat, "long") == person.id, turn.text
    assert "verify" not in turn.text and person.orders[0].id in turn.text, turn.text


async def test_a_name_and_zip_in_german_verify_a_german_customer(demo_app: Settings) -> None:
    person = people(demo_app.shop_database_url, lambda c: bool(c.orders) and c.addresses[0].country == "Germany")[0]
    async with conversation(demo_app) as (chat, graph):
        await say(chat, "de", "Wo ist meine Bestellung?", f"Ich heiße {person.first} {person.last}, PLZ {person.zip}")
        assert await verified_id(graph, chat, "de") == person.id


async def test_the_name_and_the_zip_may_come_in_separate_messages(tau_app: Settings) -> None:
    person = someone(tau_app.shop_database_url, 4)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(chat, "pieces", "where's my stuff?", person.name.lower())
        assert "zip code" in asked.text and await verified_id(graph, chat, "pieces") is None, asked.text
        await say(chat, "pieces", person.zip)
        assert await verified_id(graph, chat, "pieces") == person.id


async def test_a_name_and_zip_after_a_mistyped_email_are_tried_and_the_email_is_not_tried_again(
    tau_app: Settings,
) -> None:
    person = someone(tau_app.shop_database_url, 5)
    wrong = person.email.replace("@", "x@")
    async with conversation(tau_app) as (chat, graph):
        failed = await say(chat, "typo", "I want to check an order", wrong)
        assert await verified_id(graph, chat, "typo") is None and "double-check" in failed.text, failed.text
        await say(chat, "typo", f"oh sorry, try {person.first} {person.last} with zip {person.zip} then")
        assert await verified_id(graph, chat, "typo") == person.id
        emails = await tool_calls(graph, chat, "typo", FIND_BY_EMAIL)
    assert [c["args"]["email"] for c in emails] == [wrong]


async def test_a_corrected_zip_or_email_replaces_the_wrong_one(tau_app: Settings) -> None:
    zip_person, email_person = someone(tau_app.shop_database_url, 6), someone(tau_app.shop_database_url, 7)
    wrong_zip = f"{(int(zip_person.zip) + 1) % 100000:05d}"
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "zip", "where is my order", f"{zip_person.name} {wrong_zip}")
        assert await verified_id(graph, chat, "zip") is None
        await say(chat, "zip", f"sorry, my zip is actually {zip_person.zip}")
        assert await verified_id(graph, chat, "zip") == zip_person.id
        tried = await tool_calls(graph, chat, "zip", FIND_BY_NAME_ZIP)
        assert [c["args"]["zip"] for c in tried] == [wrong_zip, zip_person.zip]

        await say(chat, "email", "where is my order", email_person.email.replace(".", "", 1))
        await say(chat, "email", f"Oops, typo. It's {email_person.email}")
        assert await verified_id(graph, chat, "email") == email_person.id


async def test_no_handoff_while_the_customer_keeps_giving_new_details(tau_app: Settings) -> None:
    person = someone(tau_app.shop_database_url, 8)
    guesses = [f"{person.first.lower()}{n}@example.org" for n in range(3)]
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "many", "I need to cancel an order")
        for guess in guesses:
            turn = await say(chat, "many", f"maybe {guess}?")
            assert turn.status == "bot" and "double-check" in turn.text, turn.text
        turn = await say(chat, "many", f"{person.first} {person.last}, {person.zip}")
        assert turn.status == "bot" and await verified_id(graph, chat, "many") == person.id, turn.text


async def test_the_same_wrong_details_again_and_endless_guessing_end_with_a_person(tau_app: Settings) -> None:
    async with conversation(tau_app) as (chat, graph):
        turns = [await say(chat, "same", "I need to cancel an order")]
        for _ in range(3):
            turns.append(await say(chat, "same", "nobody@example.org"))
        assert turns[-1].status != "bot", turns[-1].text
        # Each new guess is new, but guesses are limited: someone trying names and zips gets a person.
        guessing = [await say(chat, "guess", "I need to cancel an order")]
        for n in range(MAX_IDENTITY_ATTEMPTS + 3):
            guessing.append(await say(chat, "guess", f"Jane Doe {10000 + n}"))
            if guessing[-1].status != "bot":
                break
        assert guessing[-1].status != "bot", guessing[-1].text
        assert len(await tool_calls(graph, chat, "guess", FIND_BY_NAME_ZIP)) == MAX_IDENTITY_ATTEMPTS


async def test_a_cancellation_asked_before_verification_is_carried_out_after_it(tau_app: Settings) -> None:
    person = people(tau_app.shop_database_url, lambda c: small_pending(c) is not None)[0]
    order = next(o for o in person.orders if o.status is OrderStatus.pending and o.total < 400)
    async with conversation(tau_app) as (chat, _):
        asked = await say(chat, "cancel", f"Please cancel {order.id.lstrip('#')}, I ordered it by mistake.")
        assert "verify" in asked.text, asked.text
        turn = await say(chat, "cancel", f"{person.first} {person.last}, {person.zip}.")
    assert turn.status == "awaiting_confirmation" and f"Cancel order {order.id}" in turn.text, turn.text
    assert "ordered by mistake" in turn.text


async def test_an_item_to_return_named_before_verification_is_the_one_returned(tau_app: Settings) -> None:
    def returnable(c: object) -> bool:
        return any(
            o.status is OrderStatus.delivered and len({i.name for i in o.items}) >= 3 and o.total < 3000
            for o in c.orders  # type: ignore[attr-defined]
        )

    person = people(tau_app.shop_database_url, returnable)[0]
    order = next(o for o in person.orders if o.status is OrderStatus.delivered and len({i.name for i in o.items}) >= 3)
    names = [i.name for i in order.items]
    item = next(n for n in names if names.count(n) == 1)
    async with conversation(tau_app) as (chat, _):
        await say(chat, "return", f"hi, I'd like to return the {item.lower()} from order {order.id}")
        turn = await say(chat, "return", f"sure - {person.name}, {person.zip}", context=Context())
    assert turn.status == "awaiting_confirmation" and f"Return {item}" in turn.text, turn.text
    assert all(f"Return {other} " not in turn.text for other in names if other != item), turn.text


async def test_an_identity_given_with_the_need_serves_the_need(tau_app: Settings) -> None:
    """After a name and zip that found nobody, "it's <email>, and can I send back something I got?" verified the
    customer and asked "what can I help you with?": the need in the same answer was lost."""
    person = people(tau_app.shop_database_url, lambda c: any(o.status is OrderStatus.delivered for o in c.orders))[0]
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "both", "hello there")
        await say(chat, "both", f"{person.first} {person.last}, 00000")
        turn = await say(chat, "both", f"try {person.email} - and could I send back something I received?")
        assert await verified_id(graph, chat, "both") == person.id
    assert "What can I help you with" not in turn.text, turn.text


async def test_a_question_after_a_sentence_of_identity_is_answered_in_general(tau_app: Settings) -> None:
    person = someone(tau_app.shop_database_url, 1)
    async with conversation(tau_app) as (chat, _):
        turn = await say(
            chat, "general", f"Hi! My email is {person.email}. How long does a refund to a gift card take?"
        )
    assert ASK_WHICH not in turn.text and "gift card" in turn.text, turn.text


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("Hi, my email is ana@example.com. Can I still cancel?", "Can I still cancel?"),
        ("Ana Ruiz 10234. I'd like to swap the boots.", "I'd like to swap the boots."),
        # One sentence with both: the words around the details ...
        ("it's ana@example.com and where is my parcel?", "where is my parcel?"),
        (
            "ana@example.com order #W4304475 was supposed to be here already",
            "order #W4304475 was supposed to be here already",
        ),
        ("ana@example.com here, I need to cancel #W1 asap", "I need to cancel #W1 asap"),
        # ... unless too little is left to say a need: the message is what is read.
        ("ana@example.com.", "ana@example.com."),
        ("my email is ana@example.com thanks", "my email is ana@example.com thanks"),
    ],
)
def test_the_need_beside_a_sentence_of_identity(text: str, need: str) -> None:
    from graph.nlu.entities import beyond_identity, extract_entities

    said = extract_entities(text)
    assert beyond_identity(text, said.emails, said.zip_codes) == need


async def test_an_identity_answer_the_model_misreads_is_still_an_identity_answer(tau_app: Settings) -> None:
    """After an email found nobody, "it might be under my old address, zip ..., <name>" read as an address change."""
    person = someone(tau_app.shop_database_url, 2)
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "misread", "hi, my email is nobody.here@example.com")
        turn = await say(
            chat, "misread", f"It might be under my old address, zip {person.zip}, {person.first} {person.last}"
        )
        assert await verified_id(graph, chat, "misread") == person.id
    assert "found your account" in turn.text, turn.text


def test_a_name_that_begins_like_a_greeting_or_a_yes_is_read_whole() -> None:
    """Lowercase names whose first letters spell a lead-in ("ja", "hi", "ok", "yes"): written for this test."""
    from graph.nlu.entities import shared_entities

    for text, name in (
        ("james lee, 95161", "James Lee"),
        ("hilary stone 80280", "Hilary Stone"),
        ("okko virtanen, zip 10001", "Okko Virtanen"),
        ("yesenia cruz 33101", "Yesenia Cruz"),
        ("ok, jasmine park 60614", "Jasmine Park"),
        ("ja, jannik bauer 10115", "Jannik Bauer"),
    ):
        assert shared_entities(text).names[:1] == [name], (text, shared_entities(text).names)


# A name and zip in lower case inside a message that carries the request too: read, verified, the request served.
REQUEST_WITH_LOWERCASE_IDENTITY = [
    "hey, a few things to go through today. {first} {last} {zip}. where is {order} right now?",
    "{zip} {first} {last} - could you tell me what's in order {order}",
    "need the status of {order}, {first} {last}, {zip}, thanks",
]


@pytest.mark.parametrize("shape", REQUEST_WITH_LOWERCASE_IDENTITY)
async def test_a_lower_case_name_and_zip_beside_a_request_verify_and_the_request_is_served(
    tau_app: Settings, shape: str
) -> None:
    person = someone(tau_app.shop_database_url, 10 + REQUEST_WITH_LOWERCASE_IDENTITY.index(shape))
    order = person.orders[-1]
    message = shape.format(
        first=person.first.lower(), last=person.last.lower(), zip=person.zip, order=order.id.lstrip("#")
    )
    async with conversation(tau_app) as (chat, graph):
        turn = await say(chat, "lower", message)
        assert await verified_id(graph, chat, "lower") == person.id, turn.text
    assert order.id in turn.text and "What can I help you with" not in turn.text, turn.text


async def test_a_name_said_again_with_a_complaint_is_read_as_the_name(tau_app: Settings) -> None:
    person = someone(tau_app.shop_database_url, 13)
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "again", "I'd like to send something back")
        asked = await say(chat, "again", f"{person.first.lower()} {person.last.lower()}. like I told you already")
        assert asked.status == "bot" and "zip code" in asked.text, asked.text
        await say(chat, "again", person.zip)
        assert await verified_id(graph, chat, "again") == person.id


def _two_word_products(db_url: str) -> list[str]:
    with session_factory(db_url)() as session:
        names = session.scalars(select(Product.name).order_by(Product.name)).all()
    return [name.lower() for name in names if len(name.split()) == 2 and name.replace(" ", "").isalpha()]


async def test_the_shops_product_words_beside_a_zip_or_as_an_answer_are_no_name(tau_app: Settings) -> None:
    product = _two_word_products(tau_app.shop_database_url)[0]
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "things", "I need to return an item")
        turn = await say(chat, "things", f"{product} 30301")
        assert "first and last name" in turn.text, turn.text
        await say(chat, "alone", "where is my parcel?")
        await say(chat, "alone", product)
        looked_up = [
            *await tool_calls(graph, chat, "things", FIND_BY_NAME_ZIP),
            *await tool_calls(graph, chat, "alone", FIND_BY_NAME_ZIP),
        ]
    assert looked_up == [], looked_up


@pytest.mark.parametrize("close", ["Nope, that's everything. Thanks so much!", "no thank you, I'm all set"])
async def test_a_no_with_thanks_after_a_served_request_closes_with_a_goodbye(tau_app: Settings, close: str) -> None:
    person = someone(tau_app.shop_database_url, 14)
    async with conversation(tau_app) as (chat, _):
        served = await say(chat, "bye", f"Hi, {person.name}, zip {person.zip}. Where is order {person.orders[0].id}?")
        assert person.orders[0].id in served.text, served.text
        turn = await say(chat, "bye", close)
    assert turn.status == "bot" and "have a great day" in turn.text, turn.text
    assert person.orders[0].id not in turn.text and "help with next" not in turn.text, turn.text


# A name, a zip and a request with numbers in it: shaped like a street line and a town to an address reader, but
# no request here collects an address.
IDENTITY_THEN_A_REQUEST_WITH_NUMBERS = [
    "{first} {last}, {zip}. Want to cancel order #{order}, ordered it by mistake.",
    "{first} {last} {zip} - need to return 2 things from order {order}",
    "{zip}, {first} {last}. Please exchange something in order #{order}",
]


@pytest.mark.parametrize("shape", IDENTITY_THEN_A_REQUEST_WITH_NUMBERS)
async def test_an_identity_before_a_request_with_numbers_is_no_address(tau_app: Settings, shape: str) -> None:
    person = someone(tau_app.shop_database_url, 20 + IDENTITY_THEN_A_REQUEST_WITH_NUMBERS.index(shape))
    order = person.orders[-1]
    message = shape.format(first=person.first, last=person.last, zip=person.zip, order=order.id.lstrip("#"))
    async with conversation(tau_app) as (chat, graph):
        turn = await say(chat, "numbers", message)
        assert await verified_id(graph, chat, "numbers") == person.id, turn.text
        slots = (await graph.aget_state({"configurable": {"thread_id": "numbers"}})).values["dialogue"]["slots"]
    assert "address" not in slots, slots
    assert "verify it's you" not in turn.text, turn.text


async def test_a_reason_given_before_any_order_is_named_is_that_orders(tau_app: Settings) -> None:
    """ "I bought something by accident, can it be cancelled?", then who they are and the order: the reason was
    said for the order named next, and is not asked for again."""
    person = people(tau_app.shop_database_url, lambda c: small_pending(c) is not None)[1]
    order = next(o for o in person.orders if o.status is OrderStatus.pending and o.total < 400)
    async with conversation(tau_app) as (chat, _):
        await say(chat, "reason-first", "hello - bought something by accident, can it still be cancelled?")
        turn = await say(chat, "reason-first", f"{person.first} {person.last} {person.zip}, it's order {order.id}")
    assert turn.status == "awaiting_confirmation" and f"Cancel order {order.id}" in turn.text, turn.text
    assert "ordered by mistake" in turn.text, turn.text

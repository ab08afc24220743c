"""Two readings of a request's words. An amount before "of" ("a bunch of", "a handful of", "a couple of") counts
what follows it, and the nouns of a request ("changes", "edits", "tweaks") are no items: neither is looked for in the
customer's orders. A return said from the shop's side ("could you collect the X", "you can have the X back") is a
return of X; said of oneself ("can I pick up my order") it is none."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.nlu.entities import extract_products
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.nlu import Analyse
from tests.support.people import Person, conversation, people, say


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("there are a handful of tweaks I need on my order", []),
        ("I've got a load of amendments for the pending one", []),
        ("just a number of corrections to make", []),
        ("a couple of modifications, if that's ok", []),
        ("can I send back a couple of the candles", ["candles"]),
        ("I ordered a bunch of hangers by mistake", ["hangers"]),
        ("a handful of the mugs arrived chipped", ["mugs"]),
    ],
)
def test_an_amount_counts_what_follows_it_and_requests_are_no_items(text: str, products: list[str]) -> None:
    assert extract_products(text) == products


@pytest.mark.parametrize(
    "text",
    [
        "Could your courier collect the blender? It's faulty.",
        "would you please take my rain jacket back",
        "I'd rather you came and picked the desk up, I don't want it",
        "you may have the air fryer back, it's useless to me",
        "Please fetch the treadmill back from my flat",
    ],
)
def test_a_return_said_from_the_shop_s_side_is_a_return(analyse: Analyse, text: str) -> None:
    assert analyse(text).intent == "return_request"


@pytest.mark.parametrize(
    "text",
    [
        "can I pick up my order at your store instead of delivery?",
        "could you get my money back to my card faster",
        "will the courier pick the parcel up from the depot tomorrow?",
    ],
)
def test_taking_said_of_something_else_is_no_return(analyse: Analyse, text: str) -> None:
    assert analyse(text).intent != "return_request"


@pytest.mark.parametrize(
    "text",
    [
        "could you get the trail shoes back in stock before summer?",
        "please have the green fleece back on sale soon",
        "when will you have the 2-person tent back available?",
    ],
)
def test_a_product_back_on_the_shelf_gives_no_return_cue(text: str) -> None:
    from graph.nlu.cues import cue_logits
    from graph.nlu.schema import INTENTS

    assert cue_logits(text)[INTENTS.index("return_request")] == 0.0


def _delivered(person: Person) -> Order | None:
    return next(
        (
            o
            for o in person.orders
            if o.status is OrderStatus.delivered and len({i.name for i in o.items}) == len(o.items) >= 2
        ),
        None,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Would you be able to collect the {a} from {o}?",
        "You can have the {a} from {o} back, I've no use for it",
    ],
)
async def test_taking_back_one_item_proposes_its_return(tau_app: Settings, text: str) -> None:
    person = next(p for p in people(tau_app.shop_database_url) if _delivered(p))
    order = _delivered(person)
    assert order is not None
    a, b = list(dict.fromkeys(i.name for i in order.items))[:2]
    async with conversation(tau_app) as (chat, _):
        said = text.format(a=a.lower(), o=order.id)
        reply = await say(chat, "taken-back", said, context=Context(customer_id=person.id))
    assert reply.status == "awaiting_confirmation", reply.text
    assert a in reply.text and b not in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I have a handful of tweaks for {o}",
        "{o} needs a load of amendments",
    ],
)
async def test_an_amount_of_changes_is_not_looked_for_among_the_items(tau_app: Settings, text: str) -> None:
    person = next(
        p for p in people(tau_app.shop_database_url) if any(o.status is OrderStatus.pending for o in p.orders)
    )
    order = next(o for o in person.orders if o.status is OrderStatus.pending)
    async with conversation(tau_app) as (chat, graph):
        reply = await say(chat, "amount", text.format(o=order.id), context=Context(customer_id=person.id))
        values = (await graph.aget_state(chat.config("amount"))).values
    slots = (values.get("dialogue") or {}).get("slots") or {}
    assert not slots.get("products"), reply.text
    assert "handful" not in reply.text and "load" not in reply.text

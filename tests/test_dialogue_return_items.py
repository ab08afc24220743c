"""Which items a return is about, and corrections that narrow them at the proposal.

A played customer asked to return "a couple of items" and was proposed every item of the order; then "I only want
the backpack and the kettle, the mouse stays with me" and "remove the mouse" put the same three-item proposal again,
word for word. Classes: an unnamed number of items ("two things", "a few pieces", "several products") is asked
about, never read as all; a correction at a proposal that takes items out ("only X and Y", "Z stays with me", "take
Z off", "I'll keep Z", "without Z", "Z won't be returned") changes the proposal. Sentences written for these tests,
after the change.
"""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.dialogue.items import items_left_out
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import Person, conversation, people, say

KETTLE = {"item_id": "1", "name": "Tea Kettle", "options": {"color": "red"}}
SPEAKER = {"item_id": "2", "name": "Bluetooth Speaker", "options": {"color": "black"}}
BOOTS = {"item_id": "3", "name": "Hiking Boots", "options": {"size": "9"}}
ITEMS = [KETTLE, SPEAKER, BOOTS]


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Just the kettle and the speaker please.", {"3"}),
        ("I'm keeping the boots, they fit fine.", {"3"}),
        ("the boots stay with me", {"3"}),
        ("Send them back without the boots.", {"3"}),
        ("I won't return the hiking boots after all", {"3"}),
        ("Skip the speaker, it works.", {"2"}),
        ("I only want to send back the boots", {"1", "2"}),
    ],
)
def test_words_that_keep_an_item_take_it_out_of_what_is_in_play(text: str, out: set[str]) -> None:
    assert items_left_out(ITEMS, text, ["1", "2", "3"]) == out


def _three_items(person: Person) -> Order | None:
    return next(
        (o for o in person.orders if o.status is OrderStatus.delivered and len({i.name for i in o.items}) >= 3), None
    )


@pytest.mark.parametrize(
    "correction",
    [
        "hmm no. I'm keeping the {c}, just the {a} and the {b} go back",
        "no, take the {c} off that list please, the rest is right",
        "Not like that: the {c} won't be returned.",
    ],
)
async def test_a_correction_that_takes_an_item_out_changes_the_return_proposal(
    tau_app: Settings, correction: str
) -> None:
    """The correction is applied: the item kept is no longer proposed, the others still are."""
    db = tau_app.shop_database_url
    person = next(p for p in people(db) if _three_items(p))
    order = _three_items(person)
    assert order is not None
    a, b, c = list(dict.fromkeys(i.name for i in order.items))[:3]
    async with conversation(tau_app) as (chat, _):
        first = await say(
            chat, f"narrow-{correction[:6]}", f"return everything in {order.id}", context=Context(customer_id=person.id)
        )
        assert first.status == "awaiting_confirmation" and f"Return {c}" in first.text, first.text
        turn = await say(
            chat,
            f"narrow-{correction[:6]}",
            correction.format(a=a.lower(), b=b.lower(), c=c.lower()),
            context=Context(customer_id=person.id),
        )
    assert turn.status == "awaiting_confirmation", turn.text
    assert f"Return {c}" not in turn.text and f"Return {a}" in turn.text and f"Return {b}" in turn.text, turn.text


def test_items_said_after_an_order_id_are_that_orders() -> None:
    from graph.nlu.entities import own_items_words

    after = "W1111111 - the lamp and the toaster; then W2222222: the kettle and the lamp"
    assert "toaster" in (own_items_words(after, "#W1111111") or "")
    assert "kettle" not in (own_items_words(after, "#W1111111") or "")
    assert "toaster" not in (own_items_words(after, "W2222222") or "")
    before = "the lamp from W1111111, and the kettle from W2222222 please"
    assert "kettle" not in (own_items_words(before, "W1111111") or "")
    assert "kettle" in (own_items_words(before, "W2222222") or "")
    assert own_items_words("the lamp from W1111111", "W1111111") is None


async def test_a_bare_list_of_the_orders_items_answers_which_items(tau_app: Settings) -> None:
    """ "Which of them?" answered by the items' names alone, no "the", is the answer, not a product question."""
    db = tau_app.shop_database_url
    person = next(p for p in people(db) if _three_items(p))
    order = _three_items(person)
    assert order is not None
    a, b, c = list(dict.fromkeys(i.name for i in order.items))[:3]
    async with conversation(tau_app) as (chat, _):
        asked = await say(
            chat, "bare", f"want to send a few pieces of {order.id} back", context=Context(customer_id=person.id)
        )
        assert "Which of them" in asked.text, asked.text
        turn = await say(chat, "bare", f"{b.lower()} + {c.lower()}", context=Context(customer_id=person.id))
    assert turn.status == "awaiting_confirmation", turn.text
    assert f"Return {a}" not in turn.text and f"Return {b}" in turn.text and f"Return {c}" in turn.text, turn.text

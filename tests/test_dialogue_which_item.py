"""Which item a change is about, from words said before and the item's own options.

A played customer wrote "I ordered some wireless earbuds... can I still change them?" before verifying, and was
shown every order (the product reader knows no "some ..."); then "the first one. I got the blue ones with 4 hour
battery and IPX7, I'd rather have the 8 hour ones" and was asked which item. Classes: words said before we could
read their orders name the order and item they mean, whatever the determiner; options only one item of the order
has, said of theirs before the wish, pick that item. Sentences written for these tests, after the change.
"""

from __future__ import annotations

import pytest

from graph.llm.matching import by_options
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import conversation, people, say, unique_item_orders

ORDER = [
    {"item_id": "1", "name": "Trail Shoes", "options": {"size": "10", "color": "grey"}},
    {"item_id": "2", "name": "Desk Fan", "options": {"color": "white", "speed": "3"}},
    {"item_id": "3", "name": "Headset", "options": {"color": "red", "connectivity": "wireless"}},
]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("mine is the red wireless one, but I'd prefer it wired", ["3"]),
        ("the grey size 10 pair: I need an 11 instead", ["1"]),
        # The values after the wish are what is wanted, not which item it is.
        ("I'd like it in white", []),
        ("could it be red instead?", []),
        ("white please", []),
    ],
)
def test_options_said_of_theirs_before_a_wish_pick_the_one_item_that_has_them(text: str, meant: list[str]) -> None:
    from graph.llm.dialogue.items import _POINTS_AT_THEIRS

    picked = by_options(ORDER, text, before_a_wish=True) if _POINTS_AT_THEIRS.search(text) else []
    assert [i["item_id"] for i in picked] == meant


async def test_an_item_named_before_verification_picks_its_order_and_item(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person, order, name = next(
        (p, o, n)
        for p in people(db, lambda c: len(c.orders) > 1)
        for o, n in unique_item_orders(p)
        if o.status is OrderStatus.pending and len(n.split()) > 1
    )
    async with conversation(tau_app) as (chat, _):
        await say(chat, "before", f"hey! bought some {name.lower()} recently, could they still be swapped?")
        turn = await say(chat, "before", f"{person.first} {person.last}, {person.zip}")
    assert "Which order" not in turn.text and order.id in turn.text, turn.text
    assert "Which item" not in turn.text, turn.text

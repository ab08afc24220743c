"""Requests the intent model reads as something else: a need after an opening pleasantry, and an item of the order in
hand named with how the customer wants it.

Played customers were told "I don't have reliable information" for "Hey there! Hope your day is going great :) I
would like to send back a couple things" (read as a remark) and for "then the kettle, i want the 1.5L one, still
plastic and white" (read as a product question). Sentences written for these tests, after the change.
"""

from __future__ import annotations

from graph.context import Context
from shopdesk.settings import Settings
from tests.support.people import conversation, say, two_resizable_items


async def test_a_need_after_an_opening_pleasantry_is_the_need(demo_app: Settings) -> None:
    order, _ = two_resizable_items(demo_app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with conversation(demo_app) as (chat, _):
        cancel = await say(
            chat,
            "pleasantry",
            f"Good morning!! Lovely weather today :) I'd like to cancel my order {order.id} please",
            context=context,
        )
        thanks = await say(
            chat, "thanks-only", "Hi there! Thanks so much for the quick help last week.", context=context
        )
    assert order.id in cancel.text and "reliable information" not in cancel.text, cancel.text
    assert "cancel" in cancel.text.lower(), cancel.text
    assert "reliable information" not in thanks.text and thanks.status == "bot", thanks.text


async def test_an_item_of_the_order_in_hand_named_with_what_they_want_is_a_change(demo_app: Settings) -> None:
    from tools.views import options_text

    db = demo_app.shop_database_url
    order, ((one, one_new), _) = two_resizable_items(db)
    context = Context(customer_id=order.customer_id)
    async with conversation(demo_app) as (chat, _):
        shown = await say(chat, "version", f"what's in order {order.id}?", context=context)
        assert one.name in shown.text, shown.text
        wanted = await say(
            chat,
            "version",
            f"right. the {one.name.lower()} - I'd rather have it in {one_new.options['size']}, same everything else",
            context=context,
        )
        assert wanted.status == "awaiting_confirmation", wanted.text
        assert f"-> {options_text(one_new.options)}" in wanted.text, wanted.text
    async with conversation(demo_app) as (chat, _):
        await say(chat, "asked", f"what's in order {order.id}?", context=context)
        asked = await say(
            chat, "asked", f"does the {one.name.lower()} come in {one_new.options['size']}?", context=context
        )
    assert asked.status != "awaiting_confirmation", asked.text


async def test_an_item_of_another_order_named_after_a_request_moves_to_that_order(tau_app: Settings) -> None:
    """After a return of one order, "now the <item> on my other order" is about the order holding that item, not the
    one just returned (it was told the returned order "can't be changed any more"). Written after the change."""
    from shop.models import OrderStatus
    from tests.support.people import people

    def fits(person: object) -> bool:
        orders = person.orders  # type: ignore[attr-defined]
        delivered = [o for o in orders if o.status is OrderStatus.delivered and len(o.items) == 1 and o.total < 150]
        pending = [o for o in orders if o.status is OrderStatus.pending]
        return bool(delivered and pending)

    person = people(tau_app.shop_database_url, fits)[0]
    returned = next(
        o for o in person.orders if o.status is OrderStatus.delivered and len(o.items) == 1 and o.total < 150
    )
    pending = next(o for o in person.orders if o.status is OrderStatus.pending)
    other = next(i for i in pending.items if i.name not in {j.name for j in returned.items})
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, _):
        proposed = await say(chat, "moves", f"I want to return the {returned.items[0].name.lower()}", context=context)
        assert proposed.status == "awaiting_confirmation" and returned.id in proposed.text, proposed.text
        assert "\n\n\n" not in proposed.text and "tracking number" not in proposed.text, proposed.text
        await say(chat, "moves", "yes", context=context)
        moved = await say(
            chat, "moves", f"next, the {other.name.lower()} on my other order - I'd like to change it", context=context
        )
    assert pending.id in moved.text and "can't be changed" not in moved.text, moved.text

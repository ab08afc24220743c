"""Each item's wish said in the request is kept while another item of the same request takes a question.

A played customer asked for two items in one message, each with its target ("the hose for the blue one in 50ft and
the mouse for the black one"); the first needed a question (its wish did not exist), and once answered, the second
was asked for again as if nothing had been said of it. Sentences written for these tests, after the change.
"""

from __future__ import annotations

from graph.context import Context
from shopdesk.settings import Settings
from tests.support.people import conversation, say, two_resizable_items


async def test_the_second_items_wish_survives_the_first_items_question(demo_app: Settings) -> None:
    order, ((one, _one_new), (two, two_new)) = two_resizable_items(demo_app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with conversation(demo_app) as (chat, graph):
        asked = await say(
            chat,
            "kept",
            f"on {order.id} can I get the {one.name} changed (not sure to what yet) "
            f"and the {two.name} changed to size {two_new.options['size']}?",
            context=context,
        )
        assert asked.status != "awaiting_confirmation", asked.text
        answered = await say(
            chat, "kept", f"for the {one.name}, just the size {_one_new.options['size']}", context=context
        )
        pending = (await graph.aget_state(chat.config("kept"))).values.get("pending_action")
    assert answered.status == "awaiting_confirmation", (asked.text, answered.text)
    args = pending["args"]
    swaps = dict(zip(args["item_ids"], args["new_item_ids"], strict=True))
    assert swaps == {one.variant_id: _one_new.id, two.variant_id: two_new.id}, answered.text

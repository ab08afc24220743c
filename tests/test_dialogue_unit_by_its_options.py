"""Which of two units of one product is meant: told by their own options, never by the options wished for.

A played customer (train-197) had two espresso machines on one order and said "the automatic 9 bar one. I'd like it
as a 15 bar manual one with 1L capacity": the wished values were the other unit's own, so the other unit was taken.
With the unit not said at all ("change the espresso machine to a 15 bar manual one"), the bot took one of them
instead of asking which; and the answer to "which item?" by an option ("the automatic one") was not understood,
and the wish said before it was forgotten. Sentences written for these tests, after the change.
"""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.matching import matching_items
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import conversation, say
from tests.test_dialogue_units_of_one_product import ORDER, _by_colour, _proposed, _swaps, unit_pairs


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        # What "a ... one" is (to the end of its clause) is the wish: it describes no unit of theirs.
        ("please change my bluetooth speaker to a black one with the 10 hour battery", ["g", "k"]),
        # ... also past a comma, while what follows points at none of theirs ("if possible": still the wish).
        ("could the speaker become an orange one, 20 hours if possible", ["g", "k"]),
        ("my speaker should be a yellow one, preferably 20 hours, thanks", ["g", "k"]),
        ("the speaker: I'd take a purple one, 10 hour battery if you have it", ["g", "k"]),
        # A part after the comma that opens on a unit of theirs describes it.
        ("swap the speaker for a white one, the 20 hour one I have is too quiet", ["k"]),
        ("I'd like a red one, then the green speaker can go", ["g"]),
        ("for the speaker I'm after another one, in green with 20 hours", ["g", "k"]),
        # Their unit said first, the wish after it in other unit's values.
        ("the green speaker please. I'd rather get a black one with 20 hours of battery", ["g"]),
        ("my 20 hour speaker, I want it swapped for a green one", ["k"]),
    ],
)
def test_the_options_wished_for_tell_no_unit_apart(text: str, meant: list[str]) -> None:
    assert sorted(i["item_id"] for i in matching_items(ORDER, [text])) == meant


async def test_an_unsaid_unit_is_asked_for_and_the_answer_keeps_the_wish(tau_app: Settings) -> None:
    pair = _by_colour(unit_pairs(tau_app.shop_database_url, OrderStatus.pending))[0]
    context = Context(customer_id=pair.customer)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(
            chat,
            "which-unit",
            f"I'd like to switch the {pair.name} in {pair.order} to a {pair.wish[0]} one",
            context=context,
        )
        assert asked.status != "awaiting_confirmation", asked.text
        assert pair.have[0] in asked.text and pair.have[1] in asked.text, asked.text
        proposed = await say(chat, "which-unit", f"the {pair.have[0]} one", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        pending = await _proposed(graph, chat, "which-unit")
    assert _swaps(pending) == {pair.item_ids[0]: pair.new_item_ids[0]}, proposed.text

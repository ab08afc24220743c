"""An option the customer asks about is no option they chose. "Glass, 5 ft: what colours does that come in?" fits
several versions that differ in colour; the bot proposed the customer's own colour ("color brown") as if chosen. A
question naming an option left open (its values asked: "which colours", "what heights are there") shows the versions
that fit what was said, with their prices, and lets the customer choose; a wish without such a question still keeps
their own value and says so."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.dialogue.items import _asks_which_values
from shopdesk.settings import Settings
from tests.support.people import conversation, say

TAU = "taubench"
# Omar Lopez's delivered order #W7273336 holds a metal bookshelf, brown, 4 ft; metal at 6 ft comes in brown and black.
OMAR = "omar_lopez_3107"


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("metal and 6 ft tall. which colours are there?", True),
        ("wood please - what colors does it come in?", True),
        ("any other sizes in the red one?", True),
        ("is it only available in brown?", False),  # names a value, not the option
        ("metal and 6 ft tall, in black please", False),
        ("what does the metal 6 ft one cost?", False),
    ],
)
def test_a_question_naming_an_open_option_asks_its_values(text: str, asked: bool) -> None:
    assert _asks_which_values(text, {"color": ["brown", "black"], "size": ["S", "M"]}) is asked


async def test_the_versions_are_shown_when_the_open_option_is_asked_about(tau_app: Settings) -> None:
    context = Context(customer_id=OMAR, shop_id=TAU)
    async with conversation(tau_app) as (chat, _):
        turn = await say(
            chat,
            "open",
            "I'd like to exchange the bookshelf from #W7273336 for a metal one, 6 feet high. what colours are there?",
            context=context,
        )
    assert turn.status != "awaiting_confirmation", turn.text
    assert "color black, height 6 ft" in turn.text and "color brown, height 6 ft" in turn.text, turn.text
    assert "color white" not in turn.text, turn.text


async def test_a_wish_without_the_question_keeps_their_own_value_and_says_so(tau_app: Settings) -> None:
    context = Context(customer_id=OMAR, shop_id=TAU)
    async with conversation(tau_app) as (chat, _):
        turn = await say(
            chat,
            "kept",
            "I'd like to exchange the bookshelf from #W7273336 for a metal one, 6 feet high",
            context=context,
        )
    assert turn.status == "awaiting_confirmation", turn.text
    assert "I kept color brown" in turn.text, turn.text

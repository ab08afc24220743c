"""Closings that played tau-bench customers got "anything else?" for (the fix round on conversation repair).

A closing says there is nothing more, often with what the "all" was ("that's all I needed", "that was everything I
came for"), a hedge ("I think") or a courtesy ("thanks for your help", "take care"): it is read as the closing it is.
Said with thanks or a goodbye to a question for a detail of a request ("which order?", "why?"), which it does not
answer, the customer leaves the request and the conversation. Sentences written for these tests after the change.
"""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.nlu.confirmation import takes_leave, wants_nothing_more
from shopdesk.settings import Settings
from tests.support.people import conversation, say

PAYER = "olivia_ito_3591"


@pytest.mark.parametrize(
    "text",
    [
        "lovely, that was all I needed today. cheers",
        "I guess that's everything we wanted to sort out, thank you",
        "thanks for all your help, that's it for me",
        "nope, that'll be all I came for. take care",
    ],
)
def test_a_closing_with_what_the_all_was_is_a_closing(text: str) -> None:
    assert wants_nothing_more(text), text


@pytest.mark.parametrize(
    "text",
    [
        "that's all I needed to know, now can you cancel #W5442520?",
        "I think I want another color",
        "thanks for your help, could you also look at my other order?",
        "is that everything I need to send back?",
        "that's all I had in the box, the charger was missing",
    ],
)
def test_more_said_beside_it_is_no_closing(text: str) -> None:
    assert not wants_nothing_more(text), text


@pytest.mark.parametrize(
    ("text", "leaves"),
    [
        ("ah ok, that's all I wanted then, bye", True),
        ("thank you, nothing else for now", True),
        ("no", False),  # may answer the question asked
        ("that's all", False),  # no thanks nor goodbye: "all" of what was asked, maybe
    ],
)
def test_taking_leave_needs_the_closing_and_thanks_or_a_goodbye(text: str, leaves: bool) -> None:
    assert takes_leave(text) is leaves, text


async def test_a_closing_at_a_question_for_a_detail_closes(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        asked = await say(chat, "c", "I'd like to cancel one of my orders", context=context)
        assert "Which order" in asked.text, asked.text
        closed = await say(chat, "c", "hmm actually, thanks - that's all I needed. bye", context=context)
    assert "have a great day" in closed.text, closed.text
    assert "anything else" not in closed.text, closed.text


async def test_a_closing_after_a_done_request_closes(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "d", "please cancel #W5442520, I no longer need it", "yes", context=context)
        closed = await say(chat, "d", "brilliant, that is everything I wanted to do today, thank you", context=context)
    assert "have a great day" in closed.text, closed.text


@pytest.mark.parametrize(
    ("first", "answer"),
    [
        # An answer to "why?" (a reason of the shop's or their own) said with the closing.
        ("please cancel #W5442520", "Bought it twice by accident, that's everything, thank you"),
        ("please cancel #W5442520", "I don't need it anymore. That's all I wanted, cheers"),
        # An order named at "which order?" with the closing.
        ("I'd like to cancel one of my orders", "the one numbered #W7941031. That was all I came for, thanks"),
        # A value said at "what would you like to change?" with the closing.
        (
            "I want to change something in #W5442520",
            "just the address to 12 Elm St, Denver, CO 80202, USA. That's all, thanks!",
        ),
    ],
)
async def test_an_answer_said_with_a_closing_is_taken(tau_app: Settings, first: str, answer: str) -> None:
    """ "I ordered it by mistake. That's all I needed, thanks!": the question is answered and the request goes on (the
    closing says nothing more is wanted after it); only a closing that answers nothing leaves the request."""
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "e", first, context=context)
        turn = await say(chat, "e", answer, context=context)
    assert "have a great day" not in turn.text and "anything else" not in turn.text.lower(), turn.text
    assert turn.status == "awaiting_confirmation" or "Could you tell me why" in turn.text, turn.text


@pytest.mark.parametrize(
    ("first", "closing"),
    [
        ("please cancel #W5442520", "oh well, that's all then, thanks, bye"),
        ("I want to change something in #W5442520", "that's all I needed, thank you. bye"),
    ],
)
async def test_a_closing_that_answers_nothing_still_leaves(tau_app: Settings, first: str, closing: str) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "f", first, context=context)
        turn = await say(chat, "f", closing, context=context)
    assert "have a great day" in turn.text, turn.text

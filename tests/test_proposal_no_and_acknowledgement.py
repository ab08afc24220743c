"""A no with a question turns the proposal down (only a wait puts it off); after a question is answered at a
proposal, an acknowledgement ("ok thanks") is no yes to it, while a clear yes still is."""

from __future__ import annotations

import pytest

from graph.llm.dialogue.proposal_facts import puts_off, turns_down
from graph.nlu.confirmation import only_acknowledges
from shopdesk.settings import Settings
from tests.support.people import conversation, say
from tests.test_dialogue_proposal_repair import RETURNER, _context, _return_proposed, _written


@pytest.mark.parametrize(
    "reply",
    [
        "No, I don't want that. What's in that order again?",
        "nope. how long would the refund take?",
        "nah, changed my mind - which cards do I have?",
        "Nein, das will ich nicht. Was ist in der Bestellung?",
    ],
)
def test_a_no_with_a_question_is_no_put_off(reply: str) -> None:
    assert turns_down(reply) and not puts_off(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "no, not yet. how long would the refund take?",
        "hold on, which card is that?",
        "nein, noch nicht. geht das auf PayPal?",
        "just a moment - is that the blue one?",
    ],
)
def test_a_wait_with_a_question_is_a_put_off(reply: str) -> None:
    assert puts_off(reply) and not turns_down(reply)


@pytest.mark.parametrize(
    "reply", ["ok thanks", "ok, got it", "alright, thanks!", "I see, thank you", "alles klar, danke"]
)
def test_acknowledgements(reply: str) -> None:
    assert only_acknowledges(reply)


@pytest.mark.parametrize("reply", ["ok, do it", "yes thanks", "ok go ahead", "ja, bitte machen", "confirm"])
def test_a_yes_is_no_mere_acknowledgement(reply: str) -> None:
    assert not only_acknowledges(reply)


@pytest.mark.parametrize(
    "turns",
    [
        ["No, I don't want that. What's in that order again?", "ok, got it"],
        ["no, forget it. how long do refunds usually take?", "ok thanks"],
        ["no, I changed my mind. which payment methods do I have?", "alright, thanks"],
        # new
        ["nope. do I have a gift card on file?", "ok cool, thanks"],
        ["how long until I see the money?", "ok thanks"],
        ["which card would that go to?", "got it, thank you"],
        ["hold on, how long do refunds take?", "alright, I see"],
    ],
)
async def test_nothing_is_written_on_an_acknowledgement_after_a_no_or_an_answer(tau_app: Settings, turns) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "c")
        for text in turns:
            done = await say(chat, "c", text, context=_context(RETURNER))
        written = await _written(graph, chat, "c", "return_items")
    assert not written, done.text


@pytest.mark.parametrize(
    "turns",
    [["how long until I see the money?", "ok, do it"], ["hold on, which card would that go to?", "yes, go ahead"]],
)
async def test_a_clear_yes_after_an_answer_writes_once(tau_app: Settings, turns) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "c")
        for text in turns:
            done = await say(chat, "c", text, context=_context(RETURNER))
        written = await _written(graph, chat, "c", "return_items")
    assert len(written) == 1, done.text

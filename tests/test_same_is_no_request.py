"""Sameness told of another order ("#W2 has the same", "I got the same") is a likeness, not a request: nothing is
proposed or written for it. Asked for in a request frame ("do the same for #W2"), it is the last request again, with
the payment method carried over shown in the proposal."""

from __future__ import annotations

import pytest

from graph.llm.dialogue.repair import says_the_same_for_another_order
from shopdesk.settings import Settings
from tests.support.people import conversation, say
from tests.test_dialogue_proposal_repair import PAYER, _context, _written

_OTHER = ["#W7941031"]


@pytest.mark.parametrize(
    "text",
    [
        "My order #W7941031 has the same.",
        "#W7941031 arrived today, I got the same.",
        # new
        "I had the same with #W7941031 last month.",
        "#W7941031 is exactly the same.",
        "I've got the same on #W7941031, weird.",
        "Bei #W7941031 habe ich das gleiche.",
        "I ordered the same in #W7941031.",
    ],
)
def test_a_likeness_told_is_no_request(text: str) -> None:
    assert not says_the_same_for_another_order(text, _OTHER)


@pytest.mark.parametrize(
    "text",
    [
        "do the same for #W7941031",
        "same for #W7941031 please",
        "likewise for #W7941031",
        "ditto for #W7941031",
        "#W7941031, same please",
        "the same with #W7941031 please",
        "next is #W7941031, same change",
        "dasselbe für #W7941031",
    ],
)
def test_a_request_frame_asks_again(text: str) -> None:
    assert says_the_same_for_another_order(text, _OTHER)


@pytest.mark.parametrize(
    "reply",
    ["My order #W7941031 has the same.", "#W7941031 arrived today, I got the same.", "#W7941031 came, it's the same"],
)
async def test_nothing_is_written_on_a_likeness(tau_app: Settings, reply: str) -> None:
    ctx = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "s", "please pay order #W5442520 with my paypal instead", context=ctx)
        await say(chat, "s", "yes", context=ctx)
        before = len(await _written(graph, chat, "s", "modify_order_payment"))
        for text in [reply, "ok thanks"]:
            done = await say(chat, "s", text, context=ctx)
        after = len(await _written(graph, chat, "s", "modify_order_payment"))
    assert before == 1 and after == 1, done.text


async def test_a_request_frame_proposes_with_the_method_shown(tau_app: Settings) -> None:
    ctx = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "s", "please pay order #W5442520 with my paypal instead", context=ctx)
        await say(chat, "s", "yes", context=ctx)
        done = await say(chat, "s", "do the same for #W7941031 please", context=ctx)
        written = await _written(graph, chat, "s", "modify_order_payment")
    assert len(written) == 1
    assert done.status == "awaiting_confirmation", done.text
    assert "#W7941031" in done.text and "paypal" in done.text.lower(), done.text

"""A check of the proposal's figure or method lets the yes beside it stand only when it supposes that figure or
method and nothing else: a condition, a quantity, a no or another currency laid on it is answered, and no write."""

from __future__ import annotations

import pytest

from graph.llm.dialogue.proposal_facts import check_facts
from shopdesk.settings import Settings
from tests.support.people import conversation, say
from tests.test_dialogue_proposal_repair import RETURNER, _context, _return_proposed, _written

_PREVIEW = {
    "action": "return_items",
    "refund": {"amount": 327.57, "currency": None},
    "summary": "Return 2 items, refund $327.57",
    "details": ["Refund to PayPal"],
}


@pytest.mark.parametrize(
    "reply",
    [
        # the reviewer's
        "$327.57 each? then yes",
        "$327.57 without the restocking fee? then yes",
        "$327.57 before tax? then yes",
        "327.57 euros? then yes",
        # new ones of the same classes
        "$327.57 plus shipping? go ahead",
        "$327.57 per item? ok do it",
        "$327.57 after the fee? yes",
        "so $327.57 and I keep the box? yes please",
        "€327.57? then yes",
        "$327.57 as a voucher? then go ahead",
        "it's not $327.57, is it? then yes",
        "$327.57 by bank transfer? fine, go ahead",
    ],
)
def test_a_check_with_more_to_it_cannot_be_told(reply: str) -> None:
    checks = check_facts(reply, _PREVIEW, [])
    assert checks is not None and [c.holds for c in checks] == [None]


@pytest.mark.parametrize(
    "reply", ["$327.57 is everything? then yes", "so it's $327.57 in total, right? yes", "that's $327.57 altogether?"]
)
def test_a_bare_check_still_holds(reply: str) -> None:
    checks = check_facts(reply, _PREVIEW, [])
    assert checks is not None and [c.holds for c in checks] == [True]


@pytest.mark.parametrize(
    "reply",
    [
        "52.01 and I get to keep the puzzle? then yes",
        "it won't go to paypal, right? then yes",
        "$52.01 as store credit? then yes",
        "so $52.01 for both of my orders? then yes",
        "52.01 euros? then yes",
        "$52.01 in cash? ok go ahead",
        # new
        "$52.01 even if I keep the box? yes",
        "52.01 to my paypal and not my visa? then yes",
        "it's never going to paypal, correct? go ahead",
        "$52.01 minus the label fee? then do it",
    ],
)
async def test_no_return_is_written_on_a_conditional_check(tau_app: Settings, reply: str) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "c")
        done = await say(chat, "c", reply, context=_context(RETURNER))
        written = await _written(graph, chat, "c", "return_items")
    assert not written, done.text
    assert done.status == "awaiting_confirmation", done.text

"""Four holes in reading a reply to a proposal, closed by mechanism (sentences written after the change):

1. a yes beside a check of the total went ahead while a payment method said with the total was not checked (the
   proposal refunds to two methods, or the method is named by digits none of theirs has): now a method said beside
   the sum counts as supposed, and is checked or held;
2. the proposal's own act asked for ("...and cancel it" at a cancellation) beside a check read as a no;
3. a no said of anything more ("nah, nothing else") beside a question dropped the proposal;
4. "thanks" after an answer at a proposal got "You're welcome" and dropped the proposal: now the thanks is returned
   and the proposal put again in one line.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph.llm.dialogue.proposal_facts import check_facts, no_to_something_else, turns_down, yes_stands
from graph.llm.responses import describe_fact_checks
from shopdesk.settings import Settings
from tests.support.people import conversation, say
from tests.test_dialogue_proposal_repair import (
    METHODS,
    PAYER,
    RETURNER,
    _context,
    _return_proposed,
    _written,
)

_CANCEL = {
    "action": "cancel_order",
    "args": {"order_id": "#W9", "reason": "ordered by mistake"},
    "summary": "Cancel order #W9 (ordered by mistake) and refund $145.20.",
    "details": [
        "Order: #W9",
        "Reason: ordered by mistake",
        "Refund $145.20 to amex ending 1009 (in 5-7 business days)",
    ],
}
# Paid partly with a gift card: the cancellation refunds each payment to where it came from.
_SPLIT = {
    **_CANCEL,
    "details": [
        "Order: #W9",
        "Reason: ordered by mistake",
        "Refund $20.00 to gift card ending 7001 (balance $12.00) (immediately)",
        "Refund $125.20 to amex ending 1009 (in 5-7 business days)",
    ],
}

# ------------------------------------------------------------------------------ 1. the method said beside the sum


@pytest.mark.parametrize(
    "reply",
    [
        "the $145.20 all lands on my amex? then yes",
        "$145.20 back to paypal? ok do it",
        "so $145.20 goes onto my card? go ahead",
        "it's $145.20 on the 1009? yes please",
    ],
)
def test_a_method_said_with_the_total_of_a_split_refund_holds_the_yes(reply: str) -> None:
    checks = check_facts(reply, _SPLIT, METHODS)
    assert checks is not None and not yes_stands(reply, "cancel_order", checks), (reply, checks)
    # The answer tells where each part goes, and asks again.
    answer = describe_fact_checks(checks)
    assert "gift card ending 7001" in answer and "amex ending 1009" in answer and "yes or no" in answer, answer


@pytest.mark.parametrize("reply", ["$145.20 back on the one ending 5555? yes", "all $145.20 onto 8080? go ahead"])
def test_digits_no_method_of_theirs_has_hold_the_yes(reply: str) -> None:
    checks = check_facts(reply, _CANCEL, METHODS)
    assert checks is not None and not yes_stands(reply, "cancel_order", checks), (reply, checks)


@pytest.mark.parametrize(
    ("reply", "preview"),
    [
        ("so that's $145.20 back in all? then go ahead", _SPLIT),  # the total only, the methods as shown
        ("$145.20 in total, right? yes please", _SPLIT),
        ("$145.20 back onto the amex? yes", _CANCEL),  # the one method shown, checked
    ],
)
def test_a_total_supposing_nothing_else_still_stands(reply: str, preview: dict[str, Any]) -> None:
    checks = check_facts(reply, preview, METHODS)
    assert checks and all(c.holds for c in checks) and yes_stands(reply, "cancel_order", checks), (reply, checks)


async def test_no_cancellation_on_a_total_said_with_digits_none_of_their_methods_has(tau_app: Settings) -> None:
    context = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(chat, "d", "I'd like to cancel #W5442520, ordered it by mistake", context=context)
        total = re.search(r"refund (\$[\d,.]+)", proposed.text)
        assert proposed.status == "awaiting_confirmation" and total, proposed.text
        held = await say(chat, "d", f"{total[1]} back onto the card ending 3030? then yes", context=context)
        assert not await _written(graph, chat, "d", "cancel_order"), held.text
    assert held.status == "awaiting_confirmation" and "visa ending" in held.text, held.text


# ------------------------------------------------------------------------------ 2. the proposal's own act asked for


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("alright, go ahead and cancel it. the refund is $145.20 in total?", "cancel_order"),
        ("please do cancel it. $145.20 all in all?", "cancel_order"),
        ("just cancel that please. $145.20 altogether, right?", "cancel_order"),
        ("ja, bitte stornieren. insgesamt 145,20 $, richtig?", "cancel_order"),
        ("ok go ahead and return them. $145.20 is everything?", "return_items"),
    ],
)
def test_the_own_act_asked_for_is_no_refusal(reply: str, action: str) -> None:
    assert not turns_down(reply, action), reply
    preview = {**_CANCEL, "action": action}
    assert yes_stands(reply, action, check_facts(reply, preview, METHODS)), reply


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("don't cancel it. is it $145.20 in total?", "cancel_order"),
        ("no, cancel that. $145.20 is the total?", "cancel_order"),
        ("forget it, cancel it - was that $145.20?", "cancel_order"),
        ("cancel it. $52.01 is the total?", "return_items"),  # at a return, "cancel it" is the return's no
    ],
)
def test_a_refusal_beside_the_verb_still_refuses(reply: str, action: str) -> None:
    assert turns_down(reply, action), reply


async def test_a_cancellation_named_beside_a_check_of_its_total_writes_once(tau_app: Settings) -> None:
    context = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(chat, "a", "cancel order #W5442520 please, I don't need it anymore", context=context)
        total = re.search(r"refund (\$[\d,.]+)", proposed.text)
        assert proposed.status == "awaiting_confirmation" and total, proposed.text
        done = await say(chat, "a", f"sure, please do cancel it. {total[1]} altogether, right?", context=context)
        written = await _written(graph, chat, "a", "cancel_order")
    assert len(written) == 1 and written[0]["args"]["order_id"] == "#W5442520", done.text


# ------------------------------------------------------------------------------ 3. a no said of anything more


@pytest.mark.parametrize(
    "reply",
    [
        "nah, nothing else. is the label free?",
        "no thank you, that's it - when will the money show up?",
        "nein, das war's. bekomme ich eine Bestätigung?",
    ],
)
def test_a_no_to_anything_more_beside_a_question_is_no_refusal(reply: str) -> None:
    assert no_to_something_else(reply) and not turns_down(reply, "return_items"), reply


@pytest.mark.parametrize(
    "reply", ["no, that's all, thanks", "no. is the label free?", "no, nothing else, I changed my mind. how long?"]
)
def test_a_no_to_the_proposal_still_refuses(reply: str) -> None:
    assert turns_down(reply, "return_items") or not no_to_something_else(reply), reply


@pytest.mark.parametrize(
    "reply", ["Nah, nothing else. What was in that order?", "no thanks, that's it - which card did I pay with?"]
)
async def test_the_proposal_waits_after_a_no_to_anything_more_and_a_question(tau_app: Settings, reply: str) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "m")
        answered = await say(chat, "m", reply, context=_context(RETURNER))
        assert answered.status == "awaiting_confirmation", answered.text
        assert not await _written(graph, chat, "m", "return_items"), answered.text
        done = await say(chat, "m", "yes, go ahead", context=_context(RETURNER))
        assert len(await _written(graph, chat, "m", "return_items")) == 1, done.text


async def test_a_bare_no_that_is_all_still_turns_the_proposal_down(tau_app: Settings) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "b")
        closed = await say(chat, "b", "nope, that's all, thank you", context=_context(RETURNER))
        assert not await _written(graph, chat, "b", "return_items"), closed.text
    assert closed.status != "awaiting_confirmation", closed.text


# ------------------------------------------------------------------------------ 4. thanks at a proposal


@pytest.mark.parametrize(
    "turns",
    [
        ["how soon would the refund arrive?", "great, thank you!"],
        ["what's in that order again?", "cheers"],
        ["thanks a lot"],
    ],
)
async def test_thanks_at_a_proposal_is_returned_and_the_proposal_put_again(tau_app: Settings, turns: list[str]) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "t")
        for text in turns:
            thanked = await say(chat, "t", text, context=_context(RETURNER))
        assert not await _written(graph, chat, "t", "return_items"), thanked.text
        assert thanked.status == "awaiting_confirmation", thanked.text
        assert thanked.text.startswith("You're welcome!") and "Shall I go ahead" in thanked.text, thanked.text
        assert "Return Jigsaw Puzzle" not in thanked.text, thanked.text  # one line, not the whole proposal
        done = await say(chat, "t", "yes please", context=_context(RETURNER))
        assert len(await _written(graph, chat, "t", "return_items")) == 1, done.text

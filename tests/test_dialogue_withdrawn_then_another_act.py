"""A request withdrawn as not needed, with another act in the same message (ShopDesk #15), found by customers played
from tau-bench tasks: "No changes needed on that one after all, just cancel #W…" asked what to change. A request
said to be no longer needed by its noun ("no changes needed", "no return necessary", "keine Änderung mehr nötig") or
by the verb of a change on the order in hand ("no need to change that one") is taken back, and the other act is done.

Sentences written for these tests after the change, not the ones of the report.
"""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.nlu.drops import dropped_requests, split_at_take_back
from shopdesk.settings import Settings
from tests.support.people import conversation, say


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        ("hmm, no changes are necessary on it after all - cancel #W1234567 please", ["change_order"]),
        ("ok no need to change this one, I'd like to return #W1234567 instead", ["change_order"]),
        ("no exchange needed anymore. could you cancel #W1234567?", ["exchange_request"]),
        ("Doch keine Änderungen nötig, stornier bitte #W1234567", ["change_order"]),
    ],
)
def test_a_request_said_to_be_not_needed_is_taken_back_and_the_rest_stands(text: str, dropped: list[str]) -> None:
    assert dropped_requests(text) == dropped, text
    parts = split_at_take_back(text)
    assert parts is not None and "#W1234567" in parts[1], parts


@pytest.mark.parametrize(
    "text",
    [
        # Contrasts: a change said beside "no other change", and a "no need" about something else, withdraw nothing.
        "make the kettle 2 liters, no other changes needed",
        "change the lamp to white, no need to hurry",
        "I need no changes to the address but the kettle should be red",
    ],
)
def test_words_of_no_need_about_something_else_withdraw_nothing(text: str) -> None:
    assert dropped_requests(text) == [], text


PENDING_PAIR = "daiki_johnson_9523"  # pending #W1436802 (a Tea Kettle) and #W5282037


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("I'd like to update the shipping address of #W1436802", "ok no need to change that one. cancel #W5282037"),
        ("something on #W1436802 needs changing", "Hmm, no changes necessary on it after all - cancel #W5282037"),
        (
            "change the tea kettle in #W1436802 to the glass 2 liters electric one",
            "sorry, no changes needed for that order, just cancel #W5282037 please",
        ),
    ],
)
async def test_a_withdrawn_change_and_a_cancellation_cancel(tau_app: Settings, first: str, then: str) -> None:
    context = Context(customer_id=PENDING_PAIR, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "w", first, context=context)
        turn = await say(chat, "w", then, context=context)
    assert "#W5282037" in turn.text, turn.text
    assert "what would you like to change" not in turn.text.lower(), turn.text
    assert turn.status == "awaiting_confirmation" or "why" in turn.text.lower(), turn.text

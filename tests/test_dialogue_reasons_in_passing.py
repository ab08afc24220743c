"""A reason to cancel given in passing, before the order is known (the fix round on conversation repair).

"I'll be away when it arrives, so I don't want to receive it" says the order is not wanted as it stands: it is the
"no longer needed" of a cancellation, and the reason question is not asked again once the order is named. Being
away or not home said of something else (an address to change, a question) gives no reason. Sentences written for
these tests after the change.
"""

from __future__ import annotations

import pytest

from graph.nlu.entities import extract_reasons
from shopdesk.settings import Settings
from tests.support.people import conversation, say


@pytest.mark.parametrize(
    "text",
    [
        "we're going abroad and will be away when the package is delivered",
        "I won't be around to receive it anyway",
        "honestly I do not want to accept the delivery any more",
    ],
)
def test_not_there_to_take_it_in_is_no_longer_needed(text: str) -> None:
    assert extract_reasons(text) == ["no_longer_needed"], text


@pytest.mark.parametrize(
    "text",
    [
        "I'll be away next week, could you ship it to my sister instead?",
        "will someone need to be home to receive it?",
        "I'm travelling a lot, what's your return window?",
        "I want to get it before my trip",
    ],
)
def test_being_away_said_of_something_else_gives_no_reason(text: str) -> None:
    assert extract_reasons(text) == [], text


async def test_the_reason_given_before_the_order_is_not_asked_again(tau_app: Settings) -> None:
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "r", "hello, we will be abroad when the parcel comes, so please cancel it")
        await say(chat, "r", "Olivia Ito, 80218")
        proposed = await say(chat, "r", "#W5442520 please")
    assert proposed.status == "awaiting_confirmation" and "no longer needed" in proposed.text, proposed.text

"""Withdrawing the item at the option picker, and closing the conversation (issues #15 and #16, round 24).

Played customers kept the item as it was while its versions were listed ("I'll just keep the kettle as it is. No
exchange on that one."), and got the list again; their "None of them, I've changed my mind" and "No need, that's all.
Bye!" got "I don't have reliable information... a colleague". The classes: at a picker, keeping the item as it is,
turning every version down or changing one's mind withdraws it; a closing ("that's all", "nothing else", "bye", "das
war's", "tschüss"), with or without such a withdrawal, gets a goodbye, never a menu or the offer of a colleague.
Sentences written after the change.
"""

from __future__ import annotations

import pytest

from graph.nlu.confirmation import drops_the_request, ends_with_a_closing, wants_nothing_more, withdraws_and_closes
from shopdesk.settings import Settings
from tests.support.people import talk
from tests.test_dialogue_picker_drop import _exchangeable, _options_listed

_DEAD_ENDS = ("reliable information", "colleague", "Kollegin", "is this about an order", "Which one would you like")


def _no_dead_end(text: str) -> None:
    assert not any(words in text for words in _DEAD_ENDS), text


@pytest.mark.parametrize(
    "withdrawal",
    [
        "hmm, I've changed my mind about this one",
        "none of those work for me, I'll hang on to the bottle as it is",
        "I'd rather leave my bottle unchanged, no swap on it",
        "keins davon, ich habe es mir anders überlegt",
        "nee, ich behalte meine Flasche lieber so wie sie ist",
    ],
)
async def test_keeping_the_item_at_the_picker_withdraws_it(tau_app: Settings, withdrawal: str) -> None:
    person, order, item = _exchangeable(tau_app.shop_database_url)
    async with talk(tau_app, "withdraw") as customer:
        await _options_listed(customer, person, order, item)
        withdrawn = await customer.say(withdrawal)
    _no_dead_end(withdrawn.text)
    assert "haven't changed anything" in withdrawn.text or "nichts geändert" in withdrawn.text, withdrawn.text
    assert withdrawn.status != "awaiting_confirmation", withdrawn.text


@pytest.mark.parametrize(
    ("withdrawal", "goodbye"),
    [
        ("Alright, leave the bottle as it is then. That's everything, thank you!", "have a great day"),
        ("On second thought none of them. Nothing else for today, bye.", "have a great day"),
        ("Ich behalte die Flasche doch so. Das war's, danke und tschüss!", "schönen Tag"),
    ],
)
async def test_a_withdrawal_with_a_closing_says_goodbye(tau_app: Settings, withdrawal: str, goodbye: str) -> None:
    person, order, item = _exchangeable(tau_app.shop_database_url)
    async with talk(tau_app, "withdraw-close") as customer:
        await _options_listed(customer, person, order, item)
        closed = await customer.say(withdrawal)
    _no_dead_end(closed.text)
    assert goodbye in closed.text, closed.text
    assert "anything else" not in closed.text and "sonst noch" not in closed.text, closed.text
    assert closed.status != "awaiting_confirmation", closed.text


@pytest.mark.parametrize(
    ("withdrawal", "closing", "goodbye"),
    [
        ("I changed my mind, I'm keeping my bottle", "No need, I'm all set. Goodbye!", "have a great day"),
        ("keine davon, danke", "Nein, das war's. Tschüss!", "schönen Tag"),
    ],
)
async def test_a_closing_after_a_withdrawal_says_goodbye(
    tau_app: Settings, withdrawal: str, closing: str, goodbye: str
) -> None:
    person, order, item = _exchangeable(tau_app.shop_database_url)
    async with talk(tau_app, "close-after") as customer:
        await _options_listed(customer, person, order, item)
        await customer.say(withdrawal)
        closed = await customer.say(closing)
    _no_dead_end(closed.text)
    assert goodbye in closed.text, closed.text


def test_closings_are_read_by_their_last_sentence() -> None:
    assert wants_nothing_more("no need, nothing else. bye")
    assert ends_with_a_closing("The bottle can stay as it is. That's all from me, thanks!")
    assert withdraws_and_closes("Keep the bottle as it is then. All good, bye!")
    # A closing that goes on to ask something is no closing; a withdrawal without one asks what else.
    assert not ends_with_a_closing("That's all I wanted to change. Where is my parcel though?")
    assert not withdraws_and_closes("I've changed my mind, none of them.")
    # A wish said with a change of mind is no withdrawal of the request by the words alone (the gate checks values).
    assert drops_the_request("I changed my mind, I'd like it in red")
    assert wants_nothing_more("Das war's, danke und tschüss!")
    # The thing kept said as the subject: "the lamp can stay as it is", "die Lampe bleibt so".
    assert withdraws_and_closes("Then the lamp can stay the way it is. Nothing more, thanks!")
    assert withdraws_and_closes("Gut, dann bleibt die Lampe eben so. Das war's.")


# A goodwill ask (coupon, voucher, discount, compensation for the trouble) is its own request. The tau-bench shop's
# policy gives none (goodwill limit zero): it is said plainly, with a person offered, never an order-change refusal.
# Sentences written after the change.
@pytest.mark.parametrize(
    "ask",
    [
        "the whole thing was quite a nuisance, any chance of a discount code for the inconvenience?",
        "one part was missing when it came. Could you send me a voucher as compensation?",
        "Ich hätte gern einen Rabatt für die Unannehmlichkeiten.",
    ],
)
async def test_a_goodwill_ask_gets_the_shops_policy(tau_app: Settings, ask: str) -> None:
    # Signed in, in the tau-bench shop's own profile; they have just asked for a return of the jigsaw puzzle.
    async with talk(tau_app, "goodwill", "isabella_brown_3584", shop_id="taubench") as customer:
        proposed = await customer.say(
            "the jigsaw puzzle from #W7752779 came with pieces missing, I'd like to return it"
        )
        assert proposed.status == "awaiting_confirmation", proposed.text
        await customer.say("yes")
        answered = await customer.say(ask)
    assert "can't issue a coupon" in answered.text, answered.text
    assert "can't be changed" not in answered.text and answered.status != "awaiting_confirmation", answered.text


def test_goodwill_is_read_by_what_it_is_for() -> None:
    from graph.llm.matching import asks_for_goodwill

    assert asks_for_goodwill("could you throw in a small credit for all this hassle?", [])
    assert asks_for_goodwill("einen Gutschein als Entschädigung wäre nett", [])
    # A code to check, or a discount asked about in general, is no goodwill ask.
    assert not asks_for_goodwill("my coupon SPRING5 isn't accepted at checkout", [])
    assert not asks_for_goodwill("do you have any discount for students?", [])

"""A value noted as missing from the listed versions is no wish (issue #15, round 25, class 2).

A played customer asked for a green kettle, was shown the versions (none green) and said "I don't see a green one
there. Actually, never mind - I'll keep the kettle as it is. No exchange for that one."; the green was read as a wish
and the versions listed again. The class: a value named in a clause that notes its absence (not seeing or finding it,
there being none, it not being listed or available) wishes for nothing, so the withdrawal beside it stands; a value
asked for in its own words still answers the question. Sentences written after the change.
"""

from __future__ import annotations

import pytest

from graph.nlu.absent_values import without_absent_values
from shopdesk.settings import Settings
from tests.support.people import talk
from tests.test_dialogue_picker_drop import _options_listed, _the_water_bottle


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Hmm, I can't find a purple one in that list.", "purple"),
        ("there's no 2 liter version, so forget it", "2 liter"),
        ("orange isn't listed. I'll keep mine", "orange"),
        ("Ich sehe da keine rote, also lassen wir das", "rote"),
    ],
)
def test_a_value_noted_as_missing_is_blanked(text: str, gone: str) -> None:
    assert gone not in without_absent_values(text), without_absent_values(text)


@pytest.mark.parametrize("text", ["never mind the size, make it purple", "I'd like the orange one", "no, red please"])
def test_a_value_asked_for_stays(text: str) -> None:
    assert without_absent_values(text) == text


@pytest.mark.parametrize(
    "withdrawal",
    [
        "I can't see a 1500ml one in there. Oh well, I'll keep the bottle as it is.",
        "There's no 1500ml option, so never mind, no swap for that one.",
    ],
)
async def test_a_withdrawal_after_a_missing_value_is_a_withdrawal(tau_app: Settings, withdrawal: str) -> None:
    person, order, item = _the_water_bottle(tau_app.shop_database_url)
    async with talk(tau_app, "absent") as customer:
        await _options_listed(customer, person, order, item)
        withdrawn = await customer.say(withdrawal)
    assert "haven't changed anything" in withdrawn.text, withdrawn.text
    assert "Which one would you like" not in withdrawn.text, withdrawn.text
    assert withdrawn.status != "awaiting_confirmation", withdrawn.text


async def test_a_value_wished_after_a_missing_one_answers_the_question(tau_app: Settings) -> None:
    person, order, item = _the_water_bottle(tau_app.shop_database_url)
    async with talk(tau_app, "absent-wish") as customer:
        await _options_listed(customer, person, order, item)
        answered = await customer.say("I don't see a 1500ml one. Never mind the size then, make it red.")
    assert "haven't changed anything" not in answered.text, answered.text
    assert "red" in answered.text.lower(), answered.text

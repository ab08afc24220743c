"""Replies inside a picker (versions, payment methods, remedies) and at a proposal, found by played customers on the
tau-bench shop (ShopDesk #15). Classes, each tested with sentences written for these tests after the change:

1. option values that fit several versions ("the 9 bar capsule one") listed the whole catalogue again: now only the
   versions that fit are listed, and the next words add to what was said; values measured in an item's own units
   ("30MP with 5x zoom") say which of two items the same word names ("the camera") is meant;
2. a bare "no" to the versions listed put the same list again: now we ask what they would like instead, or whether
   to keep theirs, and nothing narrows the next wish;
3. a payment method turned away ("not the visa") stayed among the choices (or got a policy snippet): now it leaves
   the list, and the one left is proposed for a yes;
4. "what are my options here?" while we wait for a choice we offered got "I don't have reliable information": now it
   gets our question again, with its choices;
5. a yes with thanks whose words of time tell what we did ("thanks for asking before doing it"), or restating the
   version proposed, was held back: now it confirms; a condition, a wait or another version still holds it back;
6. the price difference was said twice when the change above the method question said it already.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from graph.llm.matching import fitting_variants, matching_items
from graph.nlu.confirmation import gives_a_yes, says_only_no
from graph.nlu.general import asks_for_the_choices
from shopdesk.settings import Settings
from tests.support.people import Talk, talk

# ------------------------------------------------------------------------------ the readers, on their own

ACTION = {"item_id": "a", "name": "Action Camera", "options": {"resolution": "4K", "waterproof": "yes"}}
DIGITAL = {"item_id": "d", "name": "Digital Camera", "options": {"resolution": "24MP", "zoom": "3x"}}
HELMET = {"item_id": "h", "name": "Cycling Helmet", "options": {"size": "M", "color": "red"}}


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("could the camera be a 20MP one with 10x zoom", ["d"]),
        ("my camera should go to 5K", ["a"]),
        ("switch the camera to 1080p resolution", ["a", "d"]),  # in the unit of neither item's own value: we ask
        ("the camera, in silver", ["a", "d"]),  # nothing measured: both stay, and we ask
        ("the helmet to size L", ["h"]),
    ],
)
def test_values_in_an_items_own_units_say_which_item_one_word_names(text: str, meant: list[str]) -> None:
    assert sorted(i["item_id"] for i in matching_items([ACTION, DIGITAL, HELMET], [text])) == meant


def test_the_versions_that_fit_are_those_with_every_value_said() -> None:
    product = {
        "variants": [
            {"item_id": "1", "available": True, "options": {"pressure": "9 bar", "type": "capsule", "capacity": "1L"}},
            {"item_id": "2", "available": True, "options": {"pressure": "9 bar", "type": "capsule", "capacity": "2L"}},
            {"item_id": "3", "available": True, "options": {"pressure": "9 bar", "type": "manual", "capacity": "1L"}},
            {"item_id": "4", "available": False, "options": {"pressure": "9 bar", "type": "capsule", "capacity": "3L"}},
        ]
    }
    fit = fitting_variants(product, {"pressure": "9 bar", "type": "capsule"})
    assert [v["item_id"] for v in fit] == ["1", "2"]
    assert fitting_variants(product, {"size": "L"}) == []  # an option the product does not have narrows nothing


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("hm, which choices do I have?", True),
        ("what are the options again?", True),
        ("ok so what can I choose from?", True),
        ("remind me of my options", True),
        ("welche Optionen gibt es?", True),
        ("what options does the blender come in?", False),
        ("what can I do to make it charge again?", False),
        ("what are my options for getting it faster?", False),
    ],
)
def test_a_question_for_the_choices_is_only_that(text: str, asks: bool) -> None:
    assert asks_for_the_choices(text) is asks


@pytest.mark.parametrize(
    ("text", "only"),
    [("nope", True), ("no, thanks", True), ("nah sorry", True), ("no, the blue one", False), ("not really", True)],
)
def test_a_bare_no_says_nothing_of_what_instead(text: str, only: bool) -> None:
    assert says_only_no(text) is only


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("yes that's it, thank you for checking with me before going ahead", True),
        ("yep - I appreciate you confirming before you change anything", True),
        ("yes please, thanks for asking once more", True),
        # A condition, a wait or a later time of theirs still holds the yes back, thanks or not.
        ("yes, thanks, but only once my refund for the other order is through", False),
        ("thanks for asking before, but hold on a second", False),
        ("yes thank you, do it after I check my balance", False),
        ("thanks for checking first, if it's under $300 then yes", False),
    ],
)
def test_thanks_for_what_we_did_holds_no_yes_back(text: str, yes: bool) -> None:
    assert gives_a_yes(text, "modify_order_items") is yes


# ------------------------------------------------------------------------------ through the graph, on the tau shop

ESPRESSO = "ethan_lopez_6291"  # pending #W6779827: an Espresso Machine 19 bar / 2L / manual; gift card, mastercard
SPEAKER = "isabella_sanchez_2068"  # pending #W4386313: a Bluetooth Speaker black / 10 hours / not water resistant
CAMERAS = "olivia_ito_3591"  # pending #W3657213: an Action Camera and a Digital Camera; delivered #W5866402 espresso
RETURNER = "isabella_brown_3584"  # delivered #W7752779: a jigsaw puzzle


def _talk(settings: Settings, thread: str, customer: str) -> AbstractAsyncContextManager[Talk]:
    return talk(settings, thread, customer, shop_id="taubench")


async def _written(customer: Talk, tool: str) -> list[dict[str, Any]]:
    """The calls of a write tool that ran (not those only proposed)."""
    return [c for c in await customer.tool_calls(tool) if c["id"].startswith("exec_")]


async def test_values_that_fit_several_versions_list_only_those_and_the_next_words_add_to_them(
    tau_app: Settings,
) -> None:
    async with _talk(tau_app, "n", ESPRESSO) as customer:
        await customer.say("I need to change the espresso machine in order #W6779827")
        listed = await customer.say("a capsule model with 9 bar please")
        assert listed.status == "bot", listed.text
        assert "capacity 1.5L, type capsule" in listed.text and "capacity 1L, type capsule" in listed.text
        assert "type manual:" not in listed.text and "type automatic:" not in listed.text, listed.text
        asked = await customer.say("1 liter please")
        assert "pressure 9 bar, capacity 1L, type capsule" in asked.text, asked.text
        assert not await _written(customer, "modify_order_items"), asked.text


async def test_a_bare_no_to_the_versions_asks_what_instead_and_keeping_it_writes_nothing(tau_app: Settings) -> None:
    async with _talk(tau_app, "d", SPEAKER) as customer:
        listed = await customer.say("I'd like a different version of the speaker in #W4386313")
        assert "color blue, battery life 20 hours" in listed.text, listed.text
        asked = await customer.say("nah")
        assert "keep yours as it is" in asked.text, asked.text
        assert "color blue, battery life 20 hours" not in asked.text, asked.text  # not the list again
        kept = await customer.say("I'll stick with my current one then")
        assert kept.status == "bot", kept.text
        assert not await _written(customer, "modify_order_items"), kept.text


async def test_a_method_turned_away_leaves_the_choices(tau_app: Settings) -> None:
    async with _talk(tau_app, "m", CAMERAS) as customer:
        asked = await customer.say(
            "the espresso machine from #W5866402 is faulty, please exchange it for the 9 bar 1L capsule version"
        )
        assert "- visa ending 9182" in asked.text and asked.text.count("price difference") == 1, asked.text
        again = await customer.say("anything but the visa")
        assert again.status == "bot", again.text
        assert "- visa ending 9182" not in again.text and "- PayPal" in again.text, again.text
        assert not await _written(customer, "exchange_items"), again.text


async def test_the_one_method_left_is_proposed_for_a_yes_and_written_once(tau_app: Settings) -> None:
    async with _talk(tau_app, "g", ESPRESSO) as customer:
        await customer.say("change the espresso machine in #W6779827 to 9 bar, 1L, capsule")
        proposed = await customer.say("not onto the gift card")
        assert proposed.status == "awaiting_confirmation", proposed.text
        assert "Refund $461.09 to mastercard ending 1020" in proposed.text, proposed.text
        assert not await _written(customer, "modify_order_items"), proposed.text
        await customer.say("yes")
        written = await _written(customer, "modify_order_items")
    assert len(written) == 1 and written[0]["args"]["payment_method_id"] == "credit_card_9789590", written


async def test_a_question_for_the_choices_puts_our_question_again(tau_app: Settings) -> None:
    async with _talk(tau_app, "o", RETURNER) as customer:
        offered = await customer.say("my jigsaw puzzle arrived with pieces missing")
        assert "refund you, or exchange it" in offered.text, offered.text
        again = await customer.say("ok so what can I choose from?")
        assert "refund you, or exchange it" in again.text and "reliable information" not in again.text, again.text
        assert not await _written(customer, "return_items"), again.text


async def test_the_camera_the_values_are_measured_for_is_the_one_changed(tau_app: Settings) -> None:
    async with _talk(tau_app, "c", CAMERAS) as customer:
        asked = await customer.say("on #W3657213 I want the camera changed to 20MP with 5x zoom and a CF card")
    assert "Digital Camera: resolution 20MP, zoom 5x, storage CF card" in asked.text, asked.text
    assert "Action Camera" not in asked.text, asked.text


async def test_a_yes_that_restates_the_proposed_version_is_a_yes_and_another_version_is_not(
    tau_app: Settings,
) -> None:
    async with _talk(tau_app, "y", SPEAKER) as customer:
        await customer.say("I want the speaker on #W4386313 in red")
        other = await customer.say("yes, correct, the blue one is what I'm after")
        # Another colour than proposed: proposed again, changed, and nothing is written on the "yes".
        assert other.status == "awaiting_confirmation" and "color blue" in other.text, other.text
        assert not await _written(customer, "modify_order_items"), other.text
        done = await customer.say("yep, blue is right - thanks for checking before you did it")
        written = await _written(customer, "modify_order_items")
    assert len(written) == 1 and written[0]["args"]["new_item_ids"] == ["6704763132"], done.text

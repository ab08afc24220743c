"""A no followed by a correction at a proposal (ShopDesk #15), found by customers played from tau-bench tasks: "no,
make it 1L in white" was read as a plain no when a value said (the 1L, or a material the item has now) was one the
proposal or the item already had. A no that goes on to say values other than the proposal's new version corrects
the proposal (it is put again with them); a bare no, or one that says the proposal's own values, changes nothing.

Sentences written for these tests after the change, not the ones of the report.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.llm.dialogue.proposal_facts import keeps_what_they_have
from shopdesk.settings import Settings
from tests.support.people import conversation, say

KETTLE_OWNER = "raj_santos_9079"  # delivered #W1630030: Electric Kettle, 2L stainless steel white
FIRST = "exchange the kettle in #W1630030 for the 1L glass black one"


@pytest.mark.parametrize(
    ("correction", "becomes"),
    [
        ("nope - 1L but stainless steel", "capacity 1L, material stainless steel, color black"),
        ("no, stainless steel please, still 1L", "capacity 1L, material stainless steel, color black"),
        ("nah, the 1.5L plastic one", "capacity 1.5L, material plastic, color black"),
    ],
)
async def test_a_no_then_other_values_puts_the_corrected_proposal(
    tau_app: Settings, correction: str, becomes: str
) -> None:
    context = Context(customer_id=KETTLE_OWNER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        first = await say(chat, "n", FIRST, context=context)
        assert first.status == "awaiting_confirmation", first.text
        turn = await say(chat, "n", correction, context=context)
    assert turn.status == "awaiting_confirmation", turn.text
    assert f"-> {becomes}" in turn.text, turn.text


@pytest.mark.parametrize("reply", ["no", "no thanks", "no, 1L glass black is what I said but I changed my mind"])
async def test_a_no_without_other_values_is_no_correction(tau_app: Settings, reply: str) -> None:
    context = Context(customer_id=KETTLE_OWNER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "b", FIRST, context=context)
        turn = await say(chat, "b", reply, context=context)
    # Whatever is said next, the same version is not put again as a new proposal, nor another one made up.
    assert "-> capacity 1L, material stainless steel" not in turn.text, turn.text
    assert "-> capacity 1.5L" not in turn.text, turn.text


# A no whose values are all the item's own keeps the item as it is (review F2): the wristwatch of #W7941031 is leather
# and white; "no, I'll keep the white one after all" to silicone and blue is no new silicone-and-white version that
# charges money, it is a plain no.
WATCH_OWNER = "olivia_ito_3591"  # pending #W7941031: Wristwatch, strap material leather, dial color white
WATCH_CHANGE = "for #W7941031 I want the wristwatch with a silicone strap and blue dial instead"


async def _watch_change_proposed(chat: Any, thread: str, context: Context) -> None:
    await say(chat, thread, WATCH_CHANGE, context=context)
    proposed = await say(chat, thread, "the refund to my visa please", context=context)
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert "-> strap material silicone, dial color blue" in proposed.text, proposed.text


@pytest.mark.parametrize(
    "reply",
    [
        # The review's sentences.
        "no, I'll keep the white one after all",
        "no, leave it as it is with the leather strap",
        # New ones: a no and then only what the watch has now.
        "nah, I'd rather stay with the white dial",
        "no - the leather one is fine as it is, thanks",
        "nope, leather and white, just like it is now",
        "nein, ich behalte doch lieber das weiße Zifferblatt",
    ],
)
async def test_a_no_with_only_the_items_own_values_keeps_it(tau_app: Settings, reply: str) -> None:
    context = Context(customer_id=WATCH_OWNER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await _watch_change_proposed(chat, "k", context)
        turn = await say(chat, "k", reply, context=context)
    assert turn.status != "awaiting_confirmation", turn.text
    assert "->" not in turn.text and "to pay" not in turn.text and "Charge" not in turn.text, turn.text
    # A plain no, whatever the intent model made of the words: nothing changed, and nothing else answered.
    assert "haven't changed anything" in turn.text, turn.text


@pytest.mark.parametrize(
    "reply",
    [
        "no, I'll keep it after all",
        "nah, just leave it as it is",
        "no thanks, I'm sticking with what I have",
        "nein, lass es so wie es ist",
    ],
)
def test_a_no_that_keeps_what_they_have_is_a_plain_no(reply: str) -> None:
    assert keeps_what_they_have(reply, "modify_order_items"), reply


@pytest.mark.parametrize(
    "reply",
    [
        "yes, keep the refund on my visa",  # a yes
        "no, I'll keep it, cancel the whole order instead",  # another request beside it
        "no, can I keep the old strap and still get the blue dial?",  # a question
        "no, make it black",  # no keeping said
    ],
)
def test_other_replies_are_no_plain_keeping_no(reply: str) -> None:
    assert not keeps_what_they_have(reply, "modify_order_items"), reply


@pytest.mark.parametrize(
    ("reply", "becomes"),
    [
        # Contrasts: a no with a value neither the proposal's nor the watch's own is still a correction.
        ("no, silicone is fine but with the black dial", "strap material silicone, dial color black"),
        ("no, make it the metal strap with the white dial", "strap material metal, dial color white"),
    ],
)
async def test_a_no_with_a_value_of_neither_still_corrects(tau_app: Settings, reply: str, becomes: str) -> None:
    context = Context(customer_id=WATCH_OWNER, shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        await _watch_change_proposed(chat, "c", context)
        turn = await say(chat, "c", reply, context=context)
    assert turn.status == "awaiting_confirmation", turn.text
    assert f"-> {becomes}" in turn.text, turn.text

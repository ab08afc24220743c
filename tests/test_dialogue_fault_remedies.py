"""A fault with the remedy the customer names (dialogue friction, class 3).

Played customers said "it arrived broken, I want my money back" and got an exchange: the intent model guessed the
remedy from the fault. Now the remedy the words name decides (money back: a return; a new unit: an exchange), with
no remedy named the remedies are offered, and a fault told while an exchange or return is under way is its reason,
not another request. Sentences written after the change.
"""

from __future__ import annotations

import pytest

from shopdesk.settings import Settings
from tests.support.people import conversation, say
from tests.test_dialogue_item_problems import _delivered_with_unique_item


@pytest.mark.parametrize(
    ("told", "expected"),
    [
        ("the {item} I got is faulty, just give me a refund", "return"),
        ("my {item} showed up cracked - reimburse me please", "return"),
        ("the {item} stopped working after a day, I'd like a working unit sent", "exchange"),
        ("the {item} came damaged, send me the same one again please", "exchange"),
        ("the {item} is defective", "ask"),
    ],
)
async def test_the_remedy_named_with_a_fault_decides(tau_app: Settings, told: str, expected: str) -> None:
    person, order, item = _delivered_with_unique_item(tau_app.shop_database_url, own_variant_available=True)
    async with conversation(tau_app) as (chat, _):
        await say(chat, "remedy", person.email)
        turn = await say(chat, "remedy", f"{told.format(item=item.name.lower())}, order {order.id}")
    returning = turn.status == "awaiting_confirmation" and f"Return {item.name}" in turn.text
    if expected == "return":
        assert returning, turn.text
    elif expected == "exchange":
        assert not returning and "refund you, or exchange" not in turn.text, turn.text
        assert "Exchange" in turn.text or "Which one would you like" in turn.text, turn.text
    else:
        assert turn.status != "awaiting_confirmation" and "Which would you prefer" in turn.text, turn.text


async def test_a_fault_told_during_an_exchange_is_its_reason(tau_app: Settings) -> None:
    person, order, item = _delivered_with_unique_item(tau_app.shop_database_url, own_variant_available=True)
    async with conversation(tau_app) as (chat, _):
        await say(chat, "reason", person.email)
        await say(chat, "reason", f"I'd like to exchange the {item.name.lower()} from {order.id}")
        turn = await say(chat, "reason", f"the {item.name.lower()} is defective, it keeps cutting out")
    assert turn.status != "awaiting_confirmation" or f"Return {item.name}" not in turn.text, turn.text
    assert "reliable information" not in turn.text, turn.text


@pytest.mark.parametrize("guessed", ["exchange_request", "refund_request", "return_request", "change_order"])
@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("the blender is faulty, I'd rather have my money back", "return_request"),
        ("the rug came torn, please refund it", "return_request"),
        ("the speaker doesn't turn on - could you send a replacement?", "exchange_request"),
        ("the headphones broke, I need another pair", "exchange_request"),
    ],
)
def test_the_remedy_named_overrides_the_reading_guessed(guessed: str, text: str, wanted: str) -> None:
    from langchain_core.messages import HumanMessage

    from graph.llm.dialogue.reading import refine
    from graph.nlu.entities import extract_entities
    from graph.state import SupportState

    understanding = {"intent": guessed, "entities": extract_entities(text).model_dump(mode="json")}
    assert refine(guessed, SupportState(messages=[HumanMessage(text)], understanding=understanding)) == wanted

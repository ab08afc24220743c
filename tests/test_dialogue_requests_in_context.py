"""Requests read in the conversation's context (ShopDesk #15), found by customers played from tau-bench tasks:

1. an address change whose new value is another order's address, described by what was done to that order ("the
   one you just cancelled"), read as a cancellation: the act verb inside the description is no request; and a
   customer's plain denial of the act the bot asks about ("I don't want to cancel") drops that reading at once;
2. "same thing" beside an explicit request of another kind ("next #W2, same thing, put the payment on paypal"): the
   request said wins; sameness names the previous act only when no act is said;
3. a cancel reason and an order, right after a cancellation was done ("Now #W2. I ordered that one by mistake."):
   the same act, on the new order;
4. a reason said for several orders ("neither is needed", "for both of them") fills each one's reason.

Sentences written for these tests after the change, not the ones of the report.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.nlu.drops import denied_acts
from graph.nlu.entities import extract_reasons
from shopdesk.settings import Settings
from tests.support.people import conversation, say, tool_calls

ADDRESSER = "mia_jackson_2250"  # pending #W7807323 (to Indianapolis) and #W2618034 (to Jacksonville)
PAYER = "olivia_ito_3591"  # pending #W5442520 and #W7941031 paid with a visa; PayPal on file too
CANCELLER = "evelyn_ahmed_3960"  # pending #W3746173 and #W1416704
PAIR = "yusuf_garcia_1670"  # pending #W7639559 and #W3691773


def _context(customer: str) -> Context:
    return Context(customer_id=customer, shop_id="taubench")


async def _written(graph: Any, chat: Any, thread: str, tool: str) -> list[dict[str, Any]]:
    return [c for c in await tool_calls(graph, chat, thread, tool) if c["id"].startswith("exec_")]


# ------------------------------------------------------------------------------ the readers, on their own


@pytest.mark.parametrize(
    "text",
    [
        "please cancel #W1 and #W2, I don't need either one anymore",
        "cancel #W1 and #W2 - neither of them is needed now",
        "I don't need any of them anymore, cancel #W1 and #W2",
        "bitte #W1 und #W2 stornieren, ich brauche keine von beiden mehr",
    ],
)
def test_a_reason_said_for_several_orders_is_read(text: str) -> None:
    assert extract_reasons(text) == ["no_longer_needed"], text


# ------------------------------------------------------------------------------ through the graph, on the tau shop


async def _cancelled_first(chat: Any, thread: str, context: Context, order: str, asked: str) -> None:
    proposed = await say(chat, thread, asked, context=context)
    assert proposed.status == "awaiting_confirmation" and order in proposed.text, proposed.text
    done = await say(chat, thread, "yes", context=context)
    assert "Done" in done.text or "done" in done.text.lower(), done.text


@pytest.mark.parametrize(
    "asked",
    [
        "and #W2618034: please send it to wherever the order I just cancelled was supposed to go",
        "could you ship #W2618034 to the address of the order that got cancelled a minute ago?",
        "#W2618034 soll bitte an die Adresse der Bestellung gehen, die du gerade storniert hast",
    ],
)
async def test_another_orders_address_described_by_what_was_done_to_it_is_an_address_change(
    tau_app: Settings, asked: str
) -> None:
    context = _context(ADDRESSER)
    async with conversation(tau_app) as (chat, graph):
        await _cancelled_first(chat, "a", context, "#W7807323", "cancel #W7807323 please, I ordered it by mistake")
        turn = await say(chat, "a", asked, context=context)
        # The one cancellation asked for, none for the order whose address changes.
        assert len(await _written(graph, chat, "a", "cancel_order")) == 1, turn.text
    assert turn.status == "awaiting_confirmation", turn.text
    assert "#W2618034" in turn.text and "Indianapolis" in turn.text, turn.text
    assert "cancel" not in turn.text.lower(), turn.text


@pytest.mark.parametrize(
    ("asked", "status"),
    [
        ("ok, #W7941031 now, same deal, but cancel that one, I no longer need it", "cancel"),
        ("jetzt #W7941031, das gleiche, aber bitte stornieren, brauche ich nicht mehr", "cancel"),
    ],
)
async def test_an_explicit_request_beside_same_thing_wins(tau_app: Settings, asked: str, status: str) -> None:
    context = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(chat, "p", "please pay order #W5442520 with my paypal instead", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        await say(chat, "p", "yes", context=context)
        turn = await say(chat, "p", asked, context=context)
        assert len(await _written(graph, chat, "p", "modify_order_payment")) == 1, turn.text
    assert turn.status == "awaiting_confirmation", turn.text
    assert "#W7941031" in turn.text and status in turn.text.lower(), turn.text


@pytest.mark.parametrize(
    ("asked", "reason"),
    [
        ("And #W1416704 - got that one by accident as well.", "ordered by mistake"),
        ("next: W1416704, don't need that one any more either", "no longer needed"),
        ("Dann noch W1416704, den habe ich aus Versehen bestellt.", "ordered by mistake"),
    ],
)
async def test_a_reason_and_an_order_after_a_cancellation_cancel_that_order(
    tau_app: Settings, asked: str, reason: str
) -> None:
    context = _context(CANCELLER)
    async with conversation(tau_app) as (chat, _graph):
        await _cancelled_first(chat, "c", context, "#W3746173", "cancel #W3746173, I don't need it anymore")
        turn = await say(chat, "c", asked, context=context)
    assert turn.status == "awaiting_confirmation", turn.text
    assert "#W1416704" in turn.text and reason in turn.text, turn.text


@pytest.mark.parametrize(
    "denial",
    [
        "no no, I'm not cancelling #W2618034, I want its delivery address changed",
        "nein, ich will #W2618034 nicht stornieren, nur die Lieferadresse ändern",
    ],
)
async def test_a_denied_act_is_dropped_at_once(tau_app: Settings, denial: str) -> None:
    context = _context(ADDRESSER)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(chat, "d", "I want to cancel #W2618034", context=context)
        assert "why" in asked.text.lower() or "warum" in asked.text.lower(), asked.text
        turn = await say(chat, "d", denial, context=context)
        assert not await _written(graph, chat, "d", "cancel_order"), turn.text
    assert "no longer needed" not in turn.text.lower() and "nicht mehr benötigt" not in turn.text.lower(), turn.text
    assert "address" in turn.text.lower() or "adresse" in turn.text.lower(), turn.text


@pytest.mark.parametrize(
    "reply",
    [
        "ordered by mistake, that goes for both",
        "no longer needed - same for each of them",
        "brauche ich nicht mehr, gilt für beide",
    ],
)
async def test_a_reason_said_for_both_orders_fills_each_ones_reason(
    tau_app: Settings, reply: str, taubench_db_url: str
) -> None:
    context = _context(PAIR)
    async with conversation(tau_app) as (chat, _graph):
        asked = await say(chat, "b", "I need #W7639559 and #W3691773 cancelled", context=context)
        assert asked.status == "bot", asked.text
        first = await say(chat, "b", reply, context=context)
        assert first.status == "awaiting_confirmation" and "#W7639559" in first.text, first.text
        offered = await say(chat, "b", "yes", context=context)
        assert "#W3691773" in offered.text, offered.text
        second = await say(chat, "b", "sure, go on", context=context)
    assert second.status == "awaiting_confirmation" and "#W3691773" in second.text, second.text


async def test_a_reason_for_neither_order_said_up_front_asks_no_reason(tau_app: Settings) -> None:
    context = _context(PAIR)
    async with conversation(tau_app) as (chat, _graph):
        first = await say(
            chat, "n", "cancel #W7639559 and #W3691773 for me, I don't need either one now", context=context
        )
        assert first.status == "awaiting_confirmation" and "#W7639559" in first.text, first.text
        offered = await say(chat, "n", "yes", context=context)
        second = await say(chat, "n", "yes please", context=context)
    assert second.status == "awaiting_confirmation" and "#W3691773" in second.text, (offered.text, second.text)


@pytest.mark.parametrize(
    "asked",
    [
        "now #W7941031 - same thing, but put the payment on my paypal",
        "jetzt #W7941031, das gleiche, aber die Zahlung bitte auf PayPal umstellen",
    ],
)
async def test_a_payment_change_said_beside_same_thing_after_a_cancellation_is_the_payment_change(
    tau_app: Settings, asked: str
) -> None:
    context = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        await _cancelled_first(chat, "q", context, "#W3657213", "please cancel #W3657213, I no longer need it")
        turn = await say(chat, "q", asked, context=context)
        assert len(await _written(graph, chat, "q", "cancel_order")) == 1, turn.text
    assert turn.status == "awaiting_confirmation", turn.text
    assert "#W7941031" in turn.text and "PayPal" in turn.text and "cancel" not in turn.text.lower(), turn.text


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("no, I'm not trying to cancel it - the address is what needs fixing", ["cancel_order"]),
        ("ich möchte die Bestellung nicht stornieren", ["cancel_order"]),
        ("I don't want to send it back, can I swap it instead?", ["return_request"]),
        ("no, cancel it please", []),
        ("how come I can't cancel it?", []),
        ("storniere #W1, nicht die andere", []),
    ],
)
def test_an_act_denied_by_its_verb_is_taken_back(text: str, denied: list[str]) -> None:
    assert denied_acts(text) == denied, text

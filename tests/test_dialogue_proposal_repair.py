"""Repair at a pending proposal and right after one (ShopDesk #15), found by customers played from tau-bench tasks:

1. a "no, not yet" with a question got the whole proposal again as if nothing was said: now the question is
   answered, the proposal keeps waiting and is asked again in one line;
2. a yes beside a question that checks the proposal's own figure or method ("...is everything? then yes") was held
   back and the proposal repeated: now the check is answered from the proposal, and when every check holds the yes
   is a yes to exactly what was shown; a check that fails or can't be told is answered and the yes waits;
3. "same thing" beside another order after a payment change read as a status request: now it is the last request
   again, for that order, with the method chosen for it;
4. a method turned away with a question about the others ("not the visa, which other cards?") chose the other card
   or listed the refused one again: now it lists the others only, and nothing is chosen.

Sentences written for these tests after the change, not the ones of the report.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph.context import Context
from graph.llm.dialogue.proposal_facts import check_facts, checks_the_proposal, puts_off, yes_stands
from graph.llm.dialogue.repair import says_the_same_for_another_order
from graph.llm.matching import payment_mention, refused_methods
from graph.llm.responses import describe_fact_checks, describe_payment_methods_asked
from graph.nodes.gate import asks_about_methods_in_a_question, names_one_method
from shop.models import OrderStatus
from shopdesk.conversations import Turn
from shopdesk.settings import Settings
from tests.support.people import conversation, say, tool_calls
from tests.test_dialogue_changes import audits, first_order

# ------------------------------------------------------------------------------ the readers, on their own

RETURN = {
    "action": "return_items",
    "args": {"order_id": "#W1", "item_ids": ["1"], "payment_method_id": "paypal_1"},
    "summary": "Return 2 item(s) of order #W1 for a refund of $327.57.",
    "details": ["Order: #W1", "Return Lamp: $127.57", "Return Kettle: $200.00", "Refund $327.57 to PayPal"],
    "refund": {"amount": 327.57, "currency": "USD", "method": "PayPal"},
}
METHODS: list[dict[str, Any]] = [
    {"id": "paypal_1", "kind": "paypal", "label": "PayPal"},
    {"id": "credit_card_2", "kind": "credit_card", "brand": "visa", "last_four": "4417", "label": "visa ending 4417"},
    {"id": "credit_card_3", "kind": "credit_card", "brand": "amex", "last_four": "1009", "label": "amex ending 1009"},
    {"id": "gift_card_4", "kind": "gift_card", "last_four": "7001", "balance": 12.0, "label": "gift card ending 7001"},
]


@pytest.mark.parametrize(
    "reply",
    [
        "327.57 altogether? alright then, go ahead",
        "so the refund is $327.57 in total? then yes",
        "and that's back on my paypal, right? ok, do it",
        "it all goes to paypal? if so, go ahead",
        "$327.57 and to paypal? yes please",
    ],
)
def test_a_yes_on_checks_that_hold_stands(reply: str) -> None:
    checks = check_facts(reply, RETURN, METHODS)
    assert checks and all(c.holds for c in checks), reply
    assert yes_stands(reply, "return_items", checks), reply


@pytest.mark.parametrize(
    ("reply", "holds"),
    [
        ("so I get $340 back? then yes", False),  # another figure
        ("is it going on my visa? ok go ahead", False),  # another method
        ("the lamp is $127.57? then yes", None),  # one line's figure, not the total
        ("that's under 400 dollars? yes then", None),  # a bound: not told by the proposal
        ("on my card? then yes", False),  # the proposal's method is no card
        ("paypal or the gift card? yes", None),  # a choice asked about, not a supposition
        ("is it 327.57 or more? ok then", None),
    ],
)
def test_a_yes_on_a_check_that_fails_or_cannot_be_told_waits(reply: str, holds: bool | None) -> None:
    checks = check_facts(reply, RETURN, METHODS)
    assert checks is not None and any(c.holds is holds for c in checks), (reply, checks)
    assert not yes_stands(reply, "return_items", checks), reply
    # The answer names what the proposal says, and asks again in one line.
    answer = describe_fact_checks(checks)
    assert ("$327.57" in answer or "PayPal" in answer) and "yes or no" in answer, answer
    assert "Return Lamp" not in answer, answer


def test_a_method_is_checked_against_the_one_the_lines_name_when_the_write_names_none() -> None:
    # A cancellation refunds to what the order was paid with: its arguments name no method, its lines do.
    cancel = {
        "action": "cancel_order",
        "args": {"order_id": "#W1", "reason": "no longer needed"},
        "summary": "Cancel order #W1 (no longer needed) and refund $80.00.",
        "details": ["Order: #W1", "Reason: no longer needed", "Refund $80.00 to visa ending 4417 (in 5-7 days)"],
    }
    held = check_facts("back onto the visa, right? then yes please", cancel, METHODS)
    assert held and [c.holds for c in held] == [True], held
    wrong = check_facts("it goes to my amex? then yes", cancel, METHODS)
    assert wrong and [c.holds for c in wrong] == [False] and wrong[0].value.startswith("visa ending 4417"), wrong


@pytest.mark.parametrize(
    "reply",
    [
        "how long will it take? yes",  # a question about something else: no check of the proposal
        "ok go ahead",  # no question at all
        "is it $327.57? and will I get an email? then yes",  # one of the questions is no check
    ],
)
def test_only_checks_of_the_proposal_are_read_against_it(reply: str) -> None:
    assert check_facts(reply, RETURN, METHODS) is None, reply


@pytest.mark.parametrize(
    "reply",
    [
        "no, not yet. the refund is the whole $327.57? then yes",
        "hold on - it's paypal? then go ahead",
        "nein, noch nicht. geht alles auf PayPal? dann ja",
    ],
)
def test_put_off_a_yes_beside_checks_is_no_yes(reply: str) -> None:
    assert puts_off(reply), reply
    assert not yes_stands(reply, "return_items", check_facts(reply, RETURN, METHODS)), reply


@pytest.mark.parametrize(
    ("text", "order_named", "same"),
    [
        ("#W2 next, same thing please", True, True),
        ("then #W2, same change", True, True),
        ("and #W2 - likewise", True, True),
        ("now #W2, the same as the first one", True, True),
        ("#W2 bitte dasselbe", True, True),
        ("same thing please", False, False),  # no order to do it for: not this reading
        ("the same thing happened with #W2", True, False),  # a story, not a request
        ("#W2 is the same", True, False),  # a likeness told
    ],
)
def test_sameness_beside_another_order_asks_for_the_same_again(text: str, order_named: bool, same: bool) -> None:
    assert says_the_same_for_another_order(text, ["#W2"] if order_named else []) is same, text


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Not the amex. What other cards are there?", "amex"),
        ("not the visa please, which others do I have?", "visa"),
        ("I'd rather not use paypal - what else is there?", "paypal"),
    ],
)
def test_a_refused_method_beside_which_others_chooses_nothing_and_lists_the_rest(text: str, refused: str) -> None:
    assert payment_mention(text) is None and not names_one_method(text), text
    assert asks_about_methods_in_a_question(text), text
    assert refused_methods(text), text
    listed = describe_payment_methods_asked({"payment_methods": METHODS}, text, [])
    others = [m["label"] for m in METHODS if refused not in m["label"].lower()]
    assert all(label in listed for label in others), listed
    assert refused not in listed.lower(), listed


def test_another_card_asked_for_plainly_is_still_a_choice() -> None:
    # "Not the visa, my other card" chooses; only a question about the others asks for the list.
    assert (payment_mention("not the visa, put it on my other card") or {}).get("other") == "1"


# ------------------------------------------------------------------------------ through the graph, on the tau shop

RETURNER = "isabella_brown_3584"  # one delivered order with a jigsaw puzzle, paid with PayPal (her only method)
PAYER = "olivia_ito_3591"  # two pending orders paid with a visa; PayPal and a gift card on file too
SECOND_PAYER = "yusuf_garcia_3055"  # a pending order paid with PayPal; a mastercard and a gift card on file


def _context(customer: str) -> Context:
    return Context(customer_id=customer, shop_id="taubench")


async def _written(graph: Any, chat: Any, thread: str, tool: str) -> list[dict[str, Any]]:
    return [c for c in await tool_calls(graph, chat, thread, tool) if c["id"].startswith("exec_")]


async def _return_proposed(chat: Any, thread: str) -> Turn:
    asked = "the puzzle I got has pieces missing, I'd like to send it back"
    turn = await say(chat, thread, asked, context=_context(RETURNER))
    assert turn.status == "awaiting_confirmation" and "Jigsaw Puzzle" in turn.text, turn.text
    return turn


@pytest.mark.parametrize(
    "reply",
    [
        "not yet, sorry. would the money go to my paypal?",
        "no, wait. how soon would I see the refund?",
        "hang on, is the refund really $52.01?",
    ],
)
async def test_put_off_with_a_question_is_answered_and_the_proposal_waits_briefly(
    tau_app: Settings, reply: str
) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "p")
        answered = await say(chat, "p", reply, context=_context(RETURNER))
        assert not await _written(graph, chat, "p", "return_items"), answered.text
        assert answered.status == "awaiting_confirmation", answered.text
        # Answered, and asked again in one line: not the whole proposal as if nothing was said.
        assert "Nothing is done yet" in answered.text and "Return Jigsaw Puzzle" not in answered.text, answered.text
        done = await say(chat, "p", "ok, yes please", context=_context(RETURNER))
        assert len(await _written(graph, chat, "p", "return_items")) == 1, done.text


@pytest.mark.parametrize(
    "reply",
    ["and the refund is 52.01 all in all? ok go ahead", "it goes back to paypal, right? then yes"],
)
async def test_a_yes_on_checks_that_hold_writes_once(tau_app: Settings, reply: str) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "y")
        done = await say(chat, "y", reply, context=_context(RETURNER))
        written = await _written(graph, chat, "y", "return_items")
    assert len(written) == 1 and written[0]["args"]["payment_method_id"] == "paypal_2143483", done.text


@pytest.mark.parametrize(
    ("reply", "told"),
    [("so I'm getting $60 back? then yes", "$52.01"), ("it'll be less than 50 dollars? then go ahead", "$52.01")],
)
async def test_a_yes_on_a_check_that_fails_writes_nothing_and_is_answered(
    tau_app: Settings, reply: str, told: str
) -> None:
    async with conversation(tau_app) as (chat, graph):
        await _return_proposed(chat, "n")
        answered = await say(chat, "n", reply, context=_context(RETURNER))
        assert not await _written(graph, chat, "n", "return_items"), answered.text
    assert answered.status == "awaiting_confirmation" and told in answered.text, answered.text
    assert "Return Jigsaw Puzzle" not in answered.text, answered.text


@pytest.mark.parametrize(
    "reply", ["ok and now #W7941031, same thing", "then #W7941031 please - same change", "#W7941031 likewise"]
)
async def test_the_same_again_for_another_order_proposes_it_with_the_same_method(tau_app: Settings, reply: str) -> None:
    context = _context(PAYER)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(chat, "s", "please pay order #W5442520 with my paypal instead", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        await say(chat, "s", "yes", context=context)
        again = await say(chat, "s", reply, context=context)
        assert len(await _written(graph, chat, "s", "modify_order_payment")) == 1, again.text
    assert again.status == "awaiting_confirmation", again.text
    assert "#W7941031" in again.text and "with PayPal" in again.text, again.text


@pytest.mark.parametrize(
    ("customer", "order", "reply", "refused", "others"),
    [
        (PAYER, "#W5442520", "Not paypal. Which other ones have I got?", "PayPal", ["gift card ending 4233"]),
        (SECOND_PAYER, "#W6885344", "not the mastercard - what other cards are there?", "mastercard", ["PayPal"]),
    ],
)
async def test_a_refused_method_with_a_question_lists_the_others_and_chooses_nothing(
    tau_app: Settings, customer: str, order: str, reply: str, refused: str, others: list[str]
) -> None:
    context = _context(customer)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(chat, "m", f"I need to switch the payment method on {order}", context=context)
        assert asked.status == "bot", asked.text
        listed = await say(chat, "m", reply, context=context)
        dialogue = (await graph.aget_state(chat.config("m"))).values.get("dialogue") or {}
    assert listed.status != "awaiting_confirmation", listed.text
    assert dialogue.get("awaiting") == "payment_method", dialogue
    first = listed.text.split("Which one")[0].split("was paid with")[0]
    assert all(label in first for label in others), listed.text
    assert f"- {refused}" not in first, listed.text


def test_money_figures_compare_as_amounts() -> None:
    # "$1,203.50" is the sum 1203.5 the proposal refunds; "1203" is another sum.
    big = {**RETURN, "refund": {"amount": 1203.5, "currency": "USD"}, "summary": "refund of $1,203.50"}
    same = check_facts("it's $1,203.50? yes", big, METHODS)
    assert same and [c.holds for c in same] == [True], same
    other = check_facts("so $1203 then? yes", big, METHODS)
    assert other and [c.holds for c in other] == [False] and other[0].value == "$1,203.50", other


# ------------------------------------------------------------------------------ through the graph, on the demo shop


async def test_a_cancellation_goes_ahead_on_a_yes_beside_a_check_of_its_card(app: Settings) -> None:
    """The demo shop: a cancellation's refund goes to the card paid with; "the refund goes back to the <card>? then
    yes please" checks it against the proposal's own line and writes once; a "not yet" beside the same check writes
    nothing."""
    db = app.shop_database_url
    order = first_order(db, OrderStatus.pending, lambda s, o: o.total < 400)
    context = Context(customer_id=order.customer_id)
    async with conversation(app) as (chat, _graph):
        proposed = await say(chat, "c", f"please cancel {order.id}", "no longer needed", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        card = re.search(r"Refund \$[\d,.]+ to (.+?) \(", proposed.text)
        assert card is not None, proposed.text
        held = await say(chat, "c", f"wait, not yet: that's the {card[1]}, right?", context=context)
        assert held.status == "awaiting_confirmation" and audits(db) == 0, held.text
        assert "Nothing is done yet" in held.text and "Reason:" not in held.text, held.text
        done = await say(chat, "c", f"the refund goes back to the {card[1]}? then yes please", context=context)
    assert audits(db) == 1, done.text


@pytest.mark.parametrize(
    ("text", "supposes"),
    [
        ("which card does that refund go back to?", False),
        ("and where does the $52.01 end up?", False),
        ("wohin geht das Geld, auf die Visa?", False),
        ("it was $52.01 in total? then yes", True),
        ("that's my mastercard, right?", True),
    ],
)
def test_a_question_that_asks_to_be_told_supposes_nothing(text: str, supposes: bool) -> None:
    assert checks_the_proposal(text) is supposes

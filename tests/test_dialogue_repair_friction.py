"""Conversation repair found in played tau-bench conversations (ShopDesk #15), each a class of messages:

1. a question about a thing of theirs answered from the rules before verification, then only who they are: the
   request the question named is carried on after verification (not "what can I help you with?");
2. a question about which or how many payment methods they hold at a proposal ("is that the only card I have?") was
   read as a check of the proposal's method, or as a change of it: now their methods are listed at the first ask and
   the proposal keeps waiting;
3. "can I undo it later?" at a cancellation or a return got the general help text: now it is told from the act
   (it stays done once it runs) and the proposal keeps waiting;
4. a check of scope that names only the order's number beside a yes ("this only cancels #W1 right? if so go ahead"):
   read as the check of scope it is; the yes stands when the proposal is that order, else it is told and waits.

Sentences written for these tests after the change, not the ones of the report.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.llm.dialogue.asked_before import request_asked
from graph.llm.dialogue.proposal_facts import check_facts, checks_the_proposal, yes_stands
from graph.llm.dialogue.proposal_reach import asks_to_undo
from graph.llm.responses import describe_fact_checks
from graph.nlu.confirmation import asks_about_payment_methods, asks_what_they_hold
from graph.nlu.schema import Entities, Understanding
from shopdesk.settings import Settings
from tests.support.people import conversation, say, tool_calls

CANCEL = {
    "action": "cancel_order",
    "args": {"order_id": "#W1234567", "reason": "no longer needed"},
    "summary": "Cancel order #W1234567 (no longer needed) and refund $80.00.",
    "details": ["Order: #W1234567", "Reason: no longer needed", "Refund $80.00 to visa ending 4417 (in 5-7 days)"],
}
RETURN = {
    "action": "return_items",
    "args": {"order_id": "#W7654321", "item_ids": ["1"], "payment_method_id": "paypal_1"},
    "summary": "Return 1 item(s) of order #W7654321 for a refund of $52.01.",
    "details": ["Order: #W7654321", "Return Lamp: $52.01", "Refund $52.01 to PayPal"],
    "refund": {"amount": 52.01, "currency": "USD", "method": "PayPal"},
}
ADDRESS = {
    "action": "modify_order_address",
    "args": {"order_id": "#W1234567"},
    "summary": "Ship order #W1234567 to 1 Elm St.",
    "details": ["Order: #W1234567"],
}
METHODS: list[dict[str, Any]] = [
    {"id": "paypal_1", "kind": "paypal", "label": "PayPal"},
    {"id": "credit_card_2", "kind": "credit_card", "brand": "visa", "last_four": "4417", "label": "visa ending 4417"},
]

# ------------------------------------------------------------------------------ 2. what they hold, asked at a proposal


@pytest.mark.parametrize(
    "text",
    [
        "wait, is the visa the only card I've got with you?",
        "do I have any other credit cards on my account?",
        "how many cards do I have saved?",
        "hmm, isn't there another payment method on file?",
        "habe ich noch eine andere Karte hinterlegt?",
    ],
)
def test_a_question_of_what_they_hold_is_no_check_of_the_proposal(text: str) -> None:
    assert asks_what_they_hold(text), text
    assert asks_about_payment_methods(text), text
    assert not checks_the_proposal(text), text


@pytest.mark.parametrize(
    "text",
    [
        "that goes back to my visa, right? then yes",  # a check of the proposal's method
        "the refund is $80 on the visa? ok go ahead",
        "put it on my other card instead please",  # a change, not a question
        "I have a new card now",  # a remark, asks nothing
    ],
)
def test_checks_and_changes_of_the_method_are_not_questions_of_what_they_hold(text: str) -> None:
    assert not asks_what_they_hold(text), text


# ------------------------------------------------------------------------------ 3. can it be undone


@pytest.mark.parametrize(
    "text",
    [
        "once it's cancelled, could I reverse that if I need the stuff after all?",
        "and if I regret it tomorrow, can it be undone?",
        "is there any way back once I say yes?",
        "what if I change my mind after that?",
        "lässt sich das danach wieder rückgängig machen?",
    ],
)
@pytest.mark.parametrize("preview", [CANCEL, RETURN])
def test_whether_a_final_act_can_be_undone_is_told_from_the_act_and_no_yes_stands(
    text: str, preview: dict[str, Any]
) -> None:
    checks = check_facts(text, preview, METHODS)
    assert checks and [(c.fact, c.holds) for c in checks] == [("undo", None)], (text, checks)
    assert not yes_stands(f"{text} ok yes", str(preview["action"]), checks), text
    answer = describe_fact_checks(checks)
    assert answer.startswith("No:") and "Nothing is done yet" in answer, answer


PAYMENT = {
    "action": "modify_order_payment",
    "args": {"order_id": "#W1234567", "payment_method_id": "paypal_1"},
    "summary": "Pay order #W1234567 ($80.00) with PayPal instead of visa ending 4417.",
    "details": ["Order: #W1234567", "Charge $80.00 to PayPal", "Refund $80.00 to visa ending 4417"],
}
DEFAULT_ADDRESS = {
    "action": "modify_default_address",
    "args": {},
    "summary": "Make 1 Elm St your default address.",
    "details": ["To: 1 Elm St"],
}


@pytest.mark.parametrize(
    "text",
    [
        # The review's sentence (F2), and new ones.
        "yes, but can I undo it later if I change my mind?",
        "sure, though could I reverse it afterwards?",
        "ok - and is there a way back if it turns out wrong?",
        "kann ich das später wieder rückgängig machen?",
    ],
)
@pytest.mark.parametrize(
    ("preview", "told"),
    [(PAYMENT, "change its payment method again"), (ADDRESS, "shipping address again"), (DEFAULT_ADDRESS, "again")],
)
def test_an_act_that_can_be_done_again_is_told_so_and_no_yes_stands(
    text: str, preview: dict[str, Any], told: str
) -> None:
    # A payment or address change is not taken back, but can be done again: told from the act, never the returns
    # help, and a yes in the same message waits for the answer.
    checks = check_facts(text, preview, METHODS)
    assert checks and [(c.fact, c.holds) for c in checks] == [("undo", None)], (text, checks)
    assert not yes_stands(text, str(preview["action"]), checks), text
    answer = describe_fact_checks(checks)
    assert told in answer and not answer.startswith("No:") and "Nothing is done yet" in answer, answer
    assert "returned" not in answer, answer


async def test_undo_asked_with_a_yes_at_a_payment_change_is_answered_and_nothing_is_done(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, graph):
        first = await say(chat, "u", "please pay #W7941031 with my paypal instead", context=context)
        assert first.status == "awaiting_confirmation", first.text
        turn = await say(chat, "u", "alright, but can I reverse that later on if needed?", context=context)
        written = _written(await tool_calls(graph, chat, "u", "modify_order_payment"))
    assert turn.status == "awaiting_confirmation", turn.text
    assert "change its payment method again" in turn.text, turn.text
    assert "returned" not in turn.text, turn.text
    assert not written, written


@pytest.mark.parametrize(
    "text",
    [
        "will you take the lamp back even if it's scratched?",  # a return's conditions
        "I changed my mind, I'll keep it",  # a no, not a question
        "can I change the reason to ordered by mistake?",
        "ok yes, go ahead",
    ],
)
def test_other_messages_ask_nothing_of_undoing(text: str) -> None:
    assert not asks_to_undo(text), text


# ------------------------------------------------------------------------------ 4. scope checked by the order number


@pytest.mark.parametrize(
    "text",
    [
        "so this only affects #W1234567, correct? then go ahead",
        "you're only cancelling W1234567 here, right? if so yes",
        "just #W1234567 gets cancelled and nothing else? ok do it",
    ],
)
def test_a_scope_check_by_the_proposal_s_own_number_lets_the_yes_stand(text: str) -> None:
    checks = check_facts(text, CANCEL, METHODS)
    assert checks and [(c.fact, c.holds) for c in checks] == [("scope", True)], (text, checks)
    assert yes_stands(text, "cancel_order", checks), text


@pytest.mark.parametrize(
    "text",
    ["this only cancels #W7777777, right? if so go ahead", "only #W7777777 and none of the others? then yes"],
)
def test_a_scope_check_naming_another_order_is_told_and_waits(text: str) -> None:
    checks = check_facts(text, CANCEL, METHODS)
    assert checks and [(c.fact, c.holds) for c in checks] == [("scope", None)], (text, checks)
    assert not yes_stands(text, "cancel_order", checks), text
    assert "#W1234567" in describe_fact_checks(checks)


def test_a_check_of_one_item_is_still_no_check_of_the_order() -> None:
    # "Only the lamp": the items, which a cancellation's scope does not settle (it takes the whole order).
    assert check_facts("this only cancels the lamp and not the rest? if so go ahead", CANCEL, METHODS) is None


# ------------------------------------------------------------------------------ 1. the request asked before verifying


def _read(intent: str, **entities: Any) -> Understanding:
    return Understanding(text="", intent=intent, confidence=0.9, entities=Entities(**entities))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reading", "carried"),
    [
        (_read("refund_policy", products=["kettle"]), "return_request"),  # a policy question on a thing of theirs
        (_read("return_request", products=["boots"]), "return_request"),
        (_read("delivery_options", order_ids=["#W1234567"]), "order_status"),
        (_read("refund_policy"), None),  # "how long do refunds take?": nothing of theirs named
        (_read("product_question", products=["kettle"]), None),  # a question about the catalogue
        (_read("greeting_thanks"), None),
    ],
)
def test_the_request_a_question_before_verifying_names(reading: Understanding, carried: str | None) -> None:
    assert request_asked(reading) == carried


# ------------------------------------------------------------------------------ through the graph, on the tau shop

RETURNER = "isabella_brown_3584"  # delivered #W7752779 (a jigsaw puzzle) and #W7868134 (a tablet among five items)
PAYER = "olivia_ito_3591"  # pending #W5442520 and #W7941031 paid with a visa; PayPal and a gift card on file too


def _written(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in calls if c["id"].startswith("exec_")]


@pytest.mark.parametrize(
    ("question", "identity", "item"),
    [
        ("is a puzzle that was opened already still refundable in full?", "isabella.brown8771@example.com", "Jigsaw"),
        ("Is a tablet still returnable for a full refund after two weeks?", "Isabella Brown, 80257", "Tablet"),
    ],
)
async def test_a_question_answered_before_verifying_is_carried_on_after_it(
    tau_app: Settings, question: str, identity: str, item: str
) -> None:
    async with conversation(tau_app) as (chat, graph):
        answered = await say(chat, "q", question)
        assert answered.status == "bot", answered.text
        carried = await say(chat, "q", identity)
        assert not _written(await tool_calls(graph, chat, "q", "return_items")), carried.text
    assert "What can I help you with" not in carried.text, carried.text
    assert carried.status == "awaiting_confirmation" and f"Return {item}" in carried.text, carried.text


@pytest.mark.parametrize("opening", ["hello there", "do you charge anything for sending a return back?"])
async def test_nothing_is_carried_when_nothing_of_theirs_was_named(tau_app: Settings, opening: str) -> None:
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "n", opening)
        verified = await say(chat, "n", "isabella.brown8771@example.com")
    assert "What can I help you with today?" in verified.text, verified.text
    assert verified.status != "awaiting_confirmation", verified.text


async def _cancellation_proposed(chat: Any, thread: str, context: Context) -> None:
    proposed = await say(chat, thread, "please cancel #W5442520, I no longer need it", context=context)
    assert proposed.status == "awaiting_confirmation" and "#W5442520" in proposed.text, proposed.text


async def test_their_methods_are_listed_at_the_first_ask_and_the_proposal_waits(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, graph):
        await _cancellation_proposed(chat, "m", context)
        listed = await say(chat, "m", "hold on, is the visa the only card I've got on my account?", context=context)
        assert listed.status == "awaiting_confirmation", listed.text
        assert all(m in listed.text for m in ("PayPal", "gift card ending 4233", "visa ending 9182")), listed.text
        assert not _written(await tool_calls(graph, chat, "m", "cancel_order")), listed.text
        undo = await say(chat, "m", "and if I regret it next week, can it be reversed?", context=context)
        assert undo.status == "awaiting_confirmation" and "can't be undone" in undo.text, undo.text
        assert "we need its order ID" not in undo.text, undo.text
        assert not _written(await tool_calls(graph, chat, "m", "cancel_order")), undo.text
        done = await say(chat, "m", "so it only cancels W5442520? if so, go ahead", context=context)
        written = _written(await tool_calls(graph, chat, "m", "cancel_order"))
    assert len(written) == 1 and written[0]["args"]["order_id"] == "#W5442520", done.text


async def test_a_scope_check_naming_another_order_writes_nothing(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, graph):
        await _cancellation_proposed(chat, "o", context)
        told = await say(chat, "o", "this just cancels #W7941031 right? then yes", context=context)
        assert not _written(await tool_calls(graph, chat, "o", "cancel_order")), told.text
    assert told.status == "awaiting_confirmation" and "#W5442520" in told.text, told.text

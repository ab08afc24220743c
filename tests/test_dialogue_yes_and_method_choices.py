"""Review 7 findings on yeses and choices: a yes on a condition about money, a payment method turned away, a yes to
an offered colleague that mentions a payment, "the same specs" asked about or changed, a wished option read as the
customer's own, and a wished status of several orders. Each class with the reviewer's sentences and new ones."""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.llm.dialogue.items import _POINTS_AT_THEIRS
from graph.llm.matching import _statuses_said, asks_for_the_same_item, by_options, payment_mention, refuses_a_method
from graph.nlu.confirmation import gives_a_yes
from graph.nlu.escalation import ConversationFacts, EscalationPolicy, accepts_offer, decide_escalation
from graph.nodes.gate import asks_about_methods_in_a_question, names_one_method
from shop.models import PaymentMethodKind
from shopdesk.settings import Settings
from tests.support.nlu import Analyse
from tests.support.people import conversation, say, tool_calls
from tests.test_dialogue_payment_choice import _item_change

# ------------------------------------------------------------------ a yes on a condition about money


@pytest.mark.parametrize(
    "reply",
    [
        # the reviewer's
        "ok, if any charge is under $20",
        "yes if a refund comes back to me",
        "sure, if anything is owed tell me the amount first",
        "yes, if a difference is due I'd want to think",
        "yes, if i owe nothing",
        "Yes, if any refund will be issued within 3 days",
        "yes, but only if any difference gets refunded",
        "yes if any charge is less than 10 dollars",
        # new: a limit, a time, a person, a receipt, a refusal beside the method
        "fine, if any payment is needed, over 50 ask me",
        "go ahead if anything is owed it's under a tenner",
        "ok if any charge is made send me a receipt",
        "yes, if anything is due use paypal, not the visa",
        "yes if there's a difference my husband will pay it",
        "sure, if a refund is due, by friday please",
    ],
)
def test_a_yes_with_a_condition_about_money_is_no_yes(reply: str) -> None:
    assert not gives_a_yes(reply, "modify_order_items"), reply


@pytest.mark.parametrize(
    "reply",
    [
        "yes, and if anything needs charging use my card",
        "yes. if there's a difference, PayPal",
        "go ahead, if anything is owed put it on the visa ending 4242",
        "sure, if a charge is due, my mastercard please",
        "yes if I owe anything, gift card",
    ],
)
def test_an_if_followed_only_by_the_method_to_use_keeps_the_yes(reply: str) -> None:
    assert gives_a_yes(reply, "modify_order_items"), reply


@pytest.mark.parametrize(
    "reply",
    ["ok, if any charge is under $20", "alright, if the charge is below 15 euros", "yes if I owe nothing more"],
)
async def test_a_conditional_yes_to_a_charge_writes_nothing_and_is_asked_again(tau_app: Settings, reply: str) -> None:
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: cost > 25 and paid.kind is PaymentMethodKind.credit_card,
    )
    context = Context(customer_id=change.customer)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(
            chat, "c", f"I'd like the {change.item.lower()} in {change.order} as {change.wanted}", context=context
        )
        if asked.status != "awaiting_confirmation":
            asked = await say(chat, "c", f"the card ending {change.paid_with.last_four}", context=context)
        assert asked.status == "awaiting_confirmation", asked.text
        again = await say(chat, "c", reply, context=context)
        written = [c for c in await tool_calls(graph, chat, "c", "modify_order_items") if c["id"].startswith("exec_")]
    assert not written, again.text
    assert again.status == "awaiting_confirmation", again.text


# ------------------------------------------------------------------ a payment method turned away


@pytest.mark.parametrize(
    "text",
    [
        "I don't want paypal. What else is on my account?",
        "Not paypal. Which other ones do I have?",
        "my visa got declined. what else could I use?",
        "the gift card is maxed out, which others are there?",
        "I'd rather not use the amex. anything else?",
        "we never pay with paypal. what are the other options?",
    ],
)
def test_a_refused_method_is_no_choice_and_the_question_asks_for_the_list(text: str) -> None:
    assert payment_mention(text) is None and refuses_a_method(text), text
    assert asks_about_methods_in_a_question(text) and not names_one_method(text), text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("use paypal because the visa is expired", "paypal"),
        ("paypal please, not the visa", "paypal"),
        ("I don't want the visa, put it on paypal", "paypal"),
        ("the gift card please", "gift_card"),
    ],
)
def test_the_method_beside_a_refused_one_is_the_choice(text: str, kind: str) -> None:
    assert (payment_mention(text) or {}).get("kind") == kind, text


@pytest.mark.parametrize(
    "reply", ["I don't want paypal. What else is on my account?", "Not paypal. Which other ones do I have?"]
)
async def test_a_refused_method_at_which_one_gets_the_list_again(tau_app: Settings, reply: str) -> None:
    change = _item_change(
        tau_app.shop_database_url,
        lambda paid, methods, cost: (
            cost > 0 and len(methods) >= 3 and any(m.kind is PaymentMethodKind.paypal for m in methods)
        ),
    )
    context = Context(customer_id=change.customer)
    async with conversation(tau_app) as (chat, graph):
        asked = await say(
            chat, "m", f"please switch the {change.item.lower()} on {change.order} to {change.wanted}", context=context
        )
        assert asked.status == "bot" and "PayPal" in asked.text, asked.text
        again = await say(chat, "m", reply, context=context)
        dialogue = (await graph.aget_state(chat.config("m"))).values.get("dialogue") or {}
    assert again.status != "awaiting_confirmation" and "Shall I go ahead" not in again.text, again.text
    assert dialogue.get("awaiting") == "payment_method", dialogue


# ------------------------------------------------------------------ a yes to an offered colleague

POLICY = EscalationPolicy()


@pytest.mark.parametrize(
    "yes",
    [
        "yes please, someone needs to look at why my card was charged twice",
        "yes, a human please, paypal keeps failing",
        "ok yes, get me a person, I can't pay with my gift card",
        "yes please, my visa was billed but the order shows unpaid",
        "sure, hand it over, the gift card balance looks wrong",
    ],
)
def test_a_yes_to_a_colleague_stays_a_yes_beside_a_payment_word(analyse: Analyse, yes: str) -> None:
    offered = ConversationFacts(person_offered=True)
    assert accepts_offer(analyse(yes)) and decide_escalation(analyse(yes), POLICY, offered).escalate, yes


def test_a_method_named_while_we_ask_for_one_answers_the_question(analyse: Analyse) -> None:
    asked = ConversationFacts(person_offered=True, names_the_method_asked_for=True)
    for answer in ("ok the gift card then", "yes, paypal"):
        assert not decide_escalation(analyse(answer), POLICY, asked).escalate, answer
    assert decide_escalation(analyse("yes, a person please, paypal keeps failing"), POLICY, asked).escalate


# ------------------------------------------------------------------ "the same specs"


@pytest.mark.parametrize(
    "text",
    [
        "same specs but 16GB RAM",
        "Is the new one the same specs?",
        "Does it have the same specs as the old one?",
        "the same configuration except with a bigger screen",
        "same style with more storage please",
        "would the replacement be the same model?",
        "same setup, better battery",
    ],
)
def test_sameness_asked_about_or_changed_is_no_wish_for_the_same(text: str) -> None:
    assert not asks_for_the_same_item(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I want the exact same one again",
        "can you send me the same model again?",
        "same specs please",
        "a replacement, it broke",
    ],
)
def test_the_same_item_wished_for_is_still_read(text: str) -> None:
    assert asks_for_the_same_item(text), text


# ------------------------------------------------------------------ a wished option is not theirs

_EARBUDS: list[dict[str, Any]] = [
    {"name": "Earbuds", "item_id": "1", "options": {"battery": "4 hours", "water": "IPX4"}},
    {"name": "Earbuds", "item_id": "2", "options": {"battery": "8 hours", "water": "IPX7"}},
]


@pytest.mark.parametrize(
    "text",
    [
        "In my order I'd like the IPX7 version instead",
        "for my earbuds I want the 8 hours battery",
        "my order: could I get IPX7 please",
    ],
)
def test_an_option_after_a_wish_describes_nothing_of_theirs(text: str) -> None:
    assert not _POINTS_AT_THEIRS.search(text) or by_options(_EARBUDS, text, before_a_wish=True) == [], text


def test_an_option_said_of_theirs_before_the_wish_still_picks_it() -> None:
    text = "Mine are the IPX4 ones, I'd rather have IPX7"
    assert _POINTS_AT_THEIRS.search(text)
    assert by_options(_EARBUDS, text, before_a_wish=True) == [_EARBUDS[0]]


# ------------------------------------------------------------------ a wished status of several orders


@pytest.mark.parametrize(
    "text", ["want those orders cancelled", "I need these orders cancelled", "I'd like both orders cancelled"]
)
def test_a_status_wished_for_several_orders_describes_none(text: str) -> None:
    assert _statuses_said(text) == [], text


def test_a_status_said_of_an_order_still_describes_it() -> None:
    assert _statuses_said("my cancelled order") == ["cancelled"]

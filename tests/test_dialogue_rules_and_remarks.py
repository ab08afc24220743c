"""Questions of the shop's return and refund rules, remarks that ask nothing, and requests no tool of ours carries out.

Played customers asked "can I still get a full refund though I rode it once and it's chipped?" during a return and
read "Yes... items must be unused", then "I don't have reliable information" until a handoff; "will the refund go to
my paypal?" listed their orders; "you should fix that checkout page" and "not happy with one of my orders" got a
knowledge miss; "unsubscribe me" got the generic fallback twice. Now the rules are reasoned from each shop's profile
(the tau-bench policy sets no condition on a returned item's state; the demo shop takes back unused items only), a
remark is acknowledged and noted (a vague complaint asks what went wrong), and a request we can't carry out says so.
Every sentence below was written after the change.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from shop.models import OrderStatus
from shopdesk.profile import load_profile
from shopdesk.settings import Settings
from tests.support.app import delivered_order
from tests.support.people import conversation, people, say

TAU = "taubench"


@pytest.mark.parametrize(
    ("text", "asked", "used", "damaged"),
    [
        ("is a refund still possible if I've worn the jacket twice on the trail?", "condition", True, False),
        ("I washed it once, will you still take it back?", "condition", True, False),
        ("the lid is cracked, can I send it back for my money?", "condition", False, True),
        ("we assembled the shelf and one board is bent, can it still be returned?", "condition", True, True),
        ("does the refund get paid back onto my visa?", "method", False, False),
        ("which card does the money go to?", "method", False, False),
        ("how soon would I see the refund on my statement?", "timing", False, False),
        ("how many business days until the money shows up?", "timing", False, False),
    ],
)
def test_what_a_question_asks_of_the_rules(text: str, asked: str, used: bool, damaged: bool) -> None:
    from graph.llm.dialogue.refund_rules import rules_question

    question = rules_question(text)
    assert question is not None and (question.asked, question.used, question.damaged) == (asked, used, damaged)


@pytest.mark.parametrize(
    "text",
    [
        "I want to return the jacket I wore once",  # a request, no question: the return procedure takes it
        "how long does shipping to Canada take?",
        "is the tent waterproof?",
        "I used my visa for that order, right",
        "how long until it's back in stock?",
    ],
)
def test_no_question_of_the_rules(text: str) -> None:
    from graph.llm.dialogue.refund_rules import rules_question

    assert rules_question(text) is None


def test_each_shop_answers_the_condition_from_its_own_rules(demo_app: Settings) -> None:
    from graph.llm.dialogue.refund_rules import RulesQuestion, allows, condition_answer

    demo, tau = load_profile("demo", demo_app.profiles_dir), load_profile(TAU, demo_app.profiles_dir)
    used_and_chipped = RulesQuestion("condition", used=True, damaged=True)
    # tau-bench's policy returns a delivered order's items and says nothing of their state.
    assert allows(used_and_chipped, tau) and condition_answer(used_and_chipped, tau).startswith("Yes")
    # The demo shop takes back unused items only; damage on arrival and defects have their own way.
    said = condition_answer(used_and_chipped, demo)
    assert not allows(used_and_chipped, demo) and not said.startswith("Yes"), said
    assert demo.returns.condition in said and "warranty" in said and "arrived" in said, said
    faulty = RulesQuestion("condition", damaged=True)
    assert allows(faulty, demo) and condition_answer(faulty, demo).startswith("Yes")


def _tau_person_with_one_delivered_item(db_url: str) -> tuple[Any, Any]:
    for person in people(db_url, lambda c: len(c.orders) >= 1):
        delivered = [o for o in person.orders if o.status is OrderStatus.delivered]
        if len(delivered) == 1 and len(delivered[0].items) == 1:
            return person, delivered[0]
    raise AssertionError("no customer with one delivered single-item order")


async def test_tau_a_used_and_scratched_item_is_returned_and_the_proposal_stands(tau_app: Settings) -> None:
    person, order = _tau_person_with_one_delivered_item(tau_app.shop_database_url)
    item = order.items[0].name.lower()
    context = Context(shop_id=TAU)
    async with conversation(tau_app) as (chat, _graph):
        await say(chat, "used", f"hello, I'd like to send back the {item} from my last delivery", context=context)
        proposed = await say(chat, "used", person.email, context=context)
        if "Where would you like it to go?" in proposed.text:  # a customer with a gift card chooses
            proposed = await say(chat, "used", "back to what I paid with", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        asked = await say(
            chat,
            "used",
            "before I confirm: I've used it a few times and there's a scratch on it now, do I still get a refund?",
            context=context,
        )
        assert asked.status == "awaiting_confirmation" and asked.text.startswith("Yes"), asked.text
        assert "reliable information" not in asked.text and "Shall I go ahead?" in asked.text, asked.text
        done = await say(chat, "used", "great, go ahead", context=context)
    assert done.text.startswith("Done: your return"), done.text


async def test_demo_a_worn_item_is_not_returned_against_the_rules(demo_app: Settings) -> None:
    order = delivered_order(demo_app)
    item = order.items[0].name
    context = Context(customer_id=order.customer_id)
    async with conversation(demo_app) as (chat, graph):
        proposed = await say(chat, "worn", f"I want to return the {item} from order {order.id}", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        asked = await say(
            chat,
            "worn",
            "I wore it on two walks and it's got a small tear now, can I still return it?",
            context=context,
        )
        values = (await graph.aget_state(chat.config("worn"))).values
    assert asked.status == "bot" and values["pending_action"] is None, asked.text
    assert "unused" in asked.text and "Shall I go ahead?" not in asked.text, asked.text
    assert not asked.text.startswith("Yes"), asked.text


async def test_where_the_refund_goes_is_the_orders_own_payment(demo_app: Settings) -> None:
    order = delivered_order(demo_app)
    context = Context(customer_id=order.customer_id)
    async with conversation(demo_app) as (chat, _):
        general = await say(
            chat, "where", "hi! if I return something, does the money go back onto my card?", context=context
        )
        assert "gift card" in general.text and "reliable information" not in general.text, general.text
        assert "Here are your orders" not in general.text, general.text
        await say(chat, "where", f"I want to return the {order.items[0].name} from order {order.id}", context=context)
        asked = await say(chat, "where", "and which card is that refund paid back to?", context=context)
        timing = await say(chat, "where", "how many days until I see it?", context=context)
    # With the return proposed, where its refund goes is what the proposal says.
    assert "In what I proposed, the refund goes to" in asked.text and "Shall I go ahead?" in asked.text, asked.text
    assert "5-7 business days" in timing.text and "Shall I go ahead?" in timing.text, timing.text


@pytest.mark.parametrize(
    ("intent", "sentiment", "text", "entities", "kind"),
    [
        ("complaint", -0.3, "really unhappy with something I bought from you", {}, "vague_order"),
        ("complaint", -0.5, "my parcel last week was a total mess", {}, "vague_order"),
        ("complaint", -0.5, "the wrapping was cheap and flimsy", {}, "criticism"),
        ("complaint", -0.5, "the order page on your site keeps timing out", {}, "criticism"),
        ("complaint", -0.5, "honestly every single thing I bought from you disappointed me", {}, "vague_order"),
        ("feedback", 0.0, "your search bar never finds anything", {}, "criticism"),
        ("feedback", 0.8, "the support team was lovely last time", {}, "praise"),
        ("complaint", -0.4, "the gloves came a size too big", {"reasons": ["wrong_size"]}, "item_problem"),
        ("complaint", -0.4, "order #W1234567 was a disappointment", {"order_ids": ["#W1234567"]}, "criticism"),
    ],
)
def test_what_kind_of_remark(intent: str, sentiment: float, text: str, entities: dict[str, Any], kind: str) -> None:
    from graph.llm.dialogue.feedback import is_remark, remark_kind

    assert is_remark(intent, sentiment, text)
    assert remark_kind(intent, sentiment, text, entities) == kind


def test_a_question_is_no_remark() -> None:
    from graph.llm.dialogue.feedback import is_remark

    assert not is_remark("complaint", -0.5, "why is my parcel still not here?")
    assert not is_remark("order_status", -0.5, "my order is late")


@pytest.mark.parametrize(
    ("intent", "sentiment", "text"),
    [
        # A wish, a search or a budget is a request said without a question mark (review).
        ("feedback", -0.2, "Ich suche eine warme Mütze für den Winter"),
        ("complaint", -0.3, "I'm after a rain shell but I can only spend $120"),
        ("feedback", 0.0, "I need a pair of trail runners for the weekend"),
        # Said as no complaint, in a plain tone: nothing to note or to ask about.
        ("complaint", 0.1, "the wrapping on my last parcel was okay, no complaints"),
        # A complaint in a calm or positive tone is no complaint.
        ("complaint", 0.5, "my delivery came two days early, nice surprise"),
    ],
)
def test_a_request_or_a_calm_message_is_no_remark(intent: str, sentiment: float, text: str) -> None:
    from graph.llm.dialogue.feedback import is_remark

    assert not is_remark(intent, sentiment, text)


async def test_a_remark_is_noted_and_a_vague_complaint_asks_what_went_wrong(tau_app: Settings) -> None:
    context = Context(shop_id=TAU)
    async with conversation(tau_app) as (chat, graph):
        noted = await say(chat, "remark", "your order confirmation emails are really hard to read", context=context)
        vague = await say(chat, "remark", "and honestly I'm unhappy with something I ordered recently", context=context)
        values = (await graph.aget_state(chat.config("remark"))).values
    for turn in (noted, vague):
        assert "reliable information" not in turn.text and turn.status == "bot", turn.text
    assert "noted it for our team" in noted.text, noted.text
    assert "What went wrong" in vague.text and "which order" in vague.text, vague.text
    assert [n["text"] for n in values["notes"] if n.get("by") == "bot"][:1] == [
        "your order confirmation emails are really hard to read"
    ]


async def test_a_request_we_cannot_carry_out_says_so_and_how(demo_app: Settings) -> None:
    async with conversation(demo_app) as (chat, _):
        turn = await say(chat, "unsub", "stop emailing me your newsletter please")
    assert turn.text.startswith("I can't do that for you from this chat"), turn.text
    assert "Unsubscribe" in turn.text, turn.text


async def test_tau_a_request_outside_its_actions_is_declined_plainly_and_the_customer_goes_on(
    tau_app: Settings,
) -> None:
    """A request no tool carries out ("unsubscribe me", "close my account") is told plainly as one the chat can't
    do, with a colleague offered; the customer decides, and can go on with what the bot can do (a played tau-bench
    customer, dev-15, was handed over at the first message and never got to the cancellation she came for)."""
    context = Context(shop_id=TAU)
    async with conversation(tau_app) as (chat, _):
        declined = await say(chat, "close", "take me off every one of your mailing lists right now", context=context)
        went_on = await say(chat, "close", "fine. then I want to cancel an order instead", context=context)
    assert declined.status != "waiting_human", declined.text
    assert "reliable information" not in declined.text and "colleague" in declined.text, declined.text
    assert went_on.status != "waiting_human" and "verify" in went_on.text, went_on.text


async def test_the_product_named_now_wins_over_the_one_in_focus(tau_app: Settings) -> None:
    """While an exchange of the sneakers waits for the new size, a price question names another product: its price
    is given, not the sneakers'. (Class 5 of the played conversations; it did not reproduce on this branch, so the
    test guards the behaviour.)"""
    context = Context(customer_id="noah_ito_3850", shop_id=TAU)
    async with conversation(tau_app) as (chat, _):
        asked = await say(chat, "focus", "could I swap the sneakers in #W3445693 for another size?", context=context)
        assert "Sneakers" in asked.text, asked.text
        price = await say(chat, "focus", "quick one first, what does the bookshelf go for?", context=context)
    assert "Bookshelf" in price.text and "Sneakers" not in price.text, price.text


async def test_where_the_refund_of_a_proposed_cancellation_goes_is_what_the_proposal_says(
    tau_app: Settings,
) -> None:
    """A cancellation refunds to what the order was paid with: asked at its proposal where the money goes, the
    answer is the proposal's own method, with no gift card offered that the cancellation cannot use (review)."""
    from tests.test_dialogue_proposal_repair import PAYER, _context

    async with conversation(tau_app) as (chat, _):
        await say(chat, "cx", "please cancel order #W5442520, I ordered it by mistake", context=_context(PAYER))
        asked = await say(chat, "cx", "and which account does that money land back in?", context=_context(PAYER))
    assert asked.status == "awaiting_confirmation", asked.text
    assert "In what I proposed, the refund goes to" in asked.text and "gift card" not in asked.text, asked.text


async def test_a_question_read_as_feedback_is_answered_and_praise_is_still_noted(demo_app: Settings) -> None:
    # Written after the change (issue #17): the team's hours asked in words the intent model reads as feedback.
    async with conversation(demo_app) as (chat, _):
        hours = await say(chat, "hours-de", "Wann ist euer Kundenservice erreichbar?")
        both = await say(
            chat, "hours-en", "I'd like to know when your team works, and also what your email address is."
        )
        praise = await say(chat, "praise", "The delivery was fast, nice job")
    assert "Samstag" in hours.text or "samstags" in hours.text, hours.text
    assert "9 am" in both.text and "orders@northwind.example" in both.text, both.text
    assert "noted it for our team" in praise.text, praise.text


async def test_when_the_team_can_be_reached_is_answered_and_a_person_asked_for_now_hands_over(
    demo_app: Settings,
) -> None:
    async with conversation(demo_app) as (chat, _):
        when = await say(chat, "when", "On which days can I speak to someone from your team?")
        now = await say(chat, "now", "I need a human. When can I reach one?")
    assert when.escalation is None and "Saturday" in when.text, when.text
    assert now.escalation is not None, now.text

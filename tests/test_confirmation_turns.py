"""A proposal waiting for the customer's yes: only a yes writes, and answering the bot is never held against them.

Found by customers played from tau-bench tasks: "before I say yes... is sending it back complicated?" carried out a
return, and a plain "yes" to a corrected proposal handed the conversation to a person because earlier turns of the
same request had gone badly.
"""

from __future__ import annotations

from graph.context import Context
from shop.models import OrderStatus
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.test_dialogue_changes import audits, first_order, shipping_address

NEW_ADDRESS = "1 Main St, Apt 4, Springfield, IL 62704, USA"


async def test_a_question_that_mentions_yes_writes_nothing_and_the_proposal_stands(app: Settings) -> None:
    db = app.shop_database_url
    order = first_order(db, OrderStatus.pending, lambda s, o: o.total < 400)
    context = Context(customer_id=order.customer_id)
    # Each opens like a yes (the intent model reads them as one) and asks something.
    questions = [
        "yes? is it free?",
        "ok, is that the cheaper one?",
        "sure, will I get an email?",
        "before i say yes... is changing it going to be complicated? i'm not great with this stuff",
    ]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("confirm-1", f"I need to change the shipping address of order {order.id}", context)
        listed = await chat.send("confirm-1", NEW_ADDRESS, context)
        assert listed.status == "awaiting_confirmation", listed.text
        for question in questions:
            turn = await chat.send("confirm-1", question, context)
            assert audits(db) == 0, question
            assert shipping_address(db, order.id)["address1"] == order.ship_line1, question
            assert turn.status == "awaiting_confirmation" and "yes or no" in turn.text, (question, turn.text)
        done = await chat.send("confirm-1", "yes", context)
    assert "will now ship to 1 Main St" in done.text, done.text
    assert audits(db) == 1


def test_a_corrected_proposal_is_a_new_question_and_the_same_one_again_is_not() -> None:
    """Failure is counted when the bot asks the very same thing again; a proposal with other details (after "no,
    the blue one") is progress."""
    from graph.nodes.answer import asked_question
    from graph.state import SupportState

    def proposing(summary: str) -> SupportState:
        preview = {"summary": summary, "details": ["Order: #W1"]}
        return SupportState(dialogue={"awaiting": "confirmation"}, pending_action={"preview": preview})

    white, blue = asked_question(proposing("Watch: white dial")), asked_question(proposing("Watch: blue dial"))
    assert white and blue and white != blue
    assert asked_question(proposing("Watch: white dial")) == white
    assert asked_question(SupportState(dialogue={"awaiting": "order_id"})) == "order_id"
    assert asked_question(SupportState()) is None


async def test_a_correction_at_the_confirmation_changes_that_detail_and_keeps_the_request(app: Settings) -> None:
    """A new address given while the old proposal waits, with or without a leading "no", is the same request with
    that detail changed: a new proposal, and only the last one is carried out on the yes."""
    db = app.shop_database_url
    order = first_order(db, OrderStatus.pending, lambda s, o: o.total < 400)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("confirm-3", f"I need to change the shipping address of order {order.id}", context)
        first = await chat.send("confirm-3", NEW_ADDRESS, context)
        assert first.status == "awaiting_confirmation", first.text
        second = await chat.send("confirm-3", "actually make it 5 Oak Ave, Springfield, IL 62704, USA", context)
        assert second.status == "awaiting_confirmation" and "5 Oak Ave" in second.text, second.text
        third = await chat.send("confirm-3", "no, sorry: 7 Elm Road, Springfield, IL 62704, USA", context)
        assert third.status == "awaiting_confirmation" and "7 Elm Road" in third.text, third.text
        # A yes that changes a detail is not a yes to the proposal as it stands.
        fourth = await chat.send("confirm-3", "yes, but to 9 Pine St, Springfield, IL 62704, USA", context)
        assert fourth.status == "awaiting_confirmation" and "9 Pine St" in fourth.text, fourth.text
        assert audits(db) == 0
        done = await chat.send("confirm-3", "yes", context)
    assert done.interrupt is None and "will now ship to 9 Pine St" in done.text, done.text
    assert audits(db) == 1 and shipping_address(db, order.id)["address1"] == "9 Pine St"


async def test_a_question_at_a_proposal_is_answered_and_the_proposal_waits(app: Settings) -> None:
    """Digression with resume: "how long does the refund take?" while a cancellation waits for a yes gets the rule
    and the proposal again; a question nothing answers says so plainly; a yes afterwards still writes once."""
    db = app.shop_database_url
    order = first_order(db, OrderStatus.pending, lambda s, o: o.total < 400)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        await chat.send("digress-1", f"please cancel {order.id}", context)
        proposed = await chat.send("digress-1", "no longer needed", context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        answered = await chat.send("digress-1", "hmm, and how long until the refund shows up?", context)
        assert answered.status == "awaiting_confirmation" and "yes or no" in answered.text, answered.text
        assert "day" in answered.text.lower() and audits(db) == 0, answered.text
        unknown = await chat.send("digress-1", "is the warehouse staff unionised?", context)
        assert unknown.status == "awaiting_confirmation" and "yes or no" in unknown.text, unknown.text
        # A question about their card with a remark beside it: answered, nothing appended about "reliable
        # information" or a colleague, and the next yes is for the proposal (a played customer was handed over).
        card = await chat.send(
            "digress-1", "which card does the money go back to? I want it back on my credit card.", context
        )
        assert card.status == "awaiting_confirmation" and "reliable information" not in card.text, card.text
        done = await chat.send("digress-1", "ok yes", context)
    assert audits(db) == 1, done.text
    assert done.status != "waiting_human", done.text

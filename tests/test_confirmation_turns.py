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

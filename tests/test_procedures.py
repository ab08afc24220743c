"""Procedures as data: the built-in declarations, a shop's own procedure run through the real graph, overrides, and
the errors a bad declaration gets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from graph.context import Context
from graph.llm.dialogue.groundings import GROUNDINGS
from graph.llm.dialogue.names import PERSONAL_INTENTS
from graph.llm.dialogue.reading import serves
from graph.procedures.loader import ProcedureError, builtin_procedures, procedures_for
from graph.procedures.schema import GROUNDING_KINDS
from shop.db import session_factory
from shop.models import Customer, Order, OrderStatus
from shopdesk.conversations import Conversations
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import PROJECT_ROOT, Settings
from tests.support.app import delivered_order, reset_app_caches

DEMO_PROFILE = PROJECT_ROOT / "shopdesk" / "profiles" / "demo.yaml"

# A shop's own procedure: an item arrived damaged. The bot collects the order, the item and what happened, then a
# person decides (a replacement, a refund): nothing in it is Python.
DAMAGED_ITEM_CLAIM = """
procedures:
  - name: damaged_item_claim
    description: An item arrived damaged; a person decides on a replacement or a refund.
    examples:
      - my item arrived damaged
      - the product was broken when it came
      - I received a damaged item
      - the parcel arrived and the thing inside is smashed
      - it came with a crack in it
      - the box was crushed and the contents are ruined
      - what I ordered showed up dented and scratched
    slots:
      - {name: order, ground: order, ask_text: "I'm sorry to hear that. Which order was it in?"}
      - {name: item, ground: order_item, ask_text: "Which of these items arrived damaged?"}
      - {name: description, ground: free_text, ask_text: "Could you describe the damage in a few words?"}
    end:
      handoff:
        reason: damaged_item_claim
        message: Thank you. I've passed your claim to a colleague, who will decide on a replacement or refund.
        packet: [order.order_id, item.name, description]
"""


def shop_with_procedures(monkeypatch: pytest.MonkeyPatch, folder: Path, files: dict[str, str]) -> Path:
    """A profiles folder holding the demo profile and, next to it, a folder of its own procedures."""
    profiles = folder / "profiles"
    (profiles / "demo.procedures").mkdir(parents=True)
    shutil.copy(DEMO_PROFILE, profiles / "demo.yaml")
    for name, text in files.items():
        (profiles / "demo.procedures" / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PROFILES_DIR", str(profiles))
    reset_app_caches()
    return profiles


def delivered_order_with_two_products(db_url: str) -> Order:
    with session_factory(db_url)() as session:
        orders = session.scalars(
            select(Order)
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.status == OrderStatus.delivered, Customer.tier != "vip")
            .options(selectinload(Order.items))
            .order_by(Order.id)
        ).all()
        for order in orders:
            if len({item.name for item in order.items}) == 2:
                return order
    raise AssertionError("the demo shop has no delivered order of two products")


def test_the_built_in_procedures_serve_every_routine_request() -> None:
    procedures = builtin_procedures()
    assert {
        "order_status",
        "cancel_order",
        "change_order",
        "change_address",
        "return_request",
        "exchange_request",
        "refund_request",
        "refund_status",
        "invoice",
        "payment_issue",
        "change_default_address",
        "change_items",
        "change_payment",
        "voucher_check",
        "goodwill",
        "item_problem",
    } == PERSONAL_INTENTS
    assert set(GROUNDINGS) == set(GROUNDING_KINDS)  # every kind a declaration may name is implemented
    assert procedures.for_intent("exchange_request").name == "change_items"  # type: ignore[union-attr]
    assert procedures.for_intent("invoice").name == "order_status"  # type: ignore[union-attr]
    assert not procedures.examples()  # built-ins start on the intent model's intents, at no cost
    assert not serves("verify_identity") and not serves("product_question") and serves("cancel_order")


async def test_a_shop_procedure_collects_order_item_and_description_and_hands_over_with_them(
    app: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shop_with_procedures(monkeypatch, tmp_path, {"claims.yaml": DAMAGED_ITEM_CLAIM})
    from shopdesk.settings import get_settings

    settings = get_settings()
    order = delivered_order_with_two_products(settings.shop_database_url)
    damaged = order.items[-1]
    with session_factory(settings.shop_database_url)() as session:
        email = session.get_one(Customer, order.customer_id).email
    context = Context()
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        opened = await chat.send("claim-1", "Hello, something I ordered turned up smashed to pieces", context)
        assert opened.understanding["intent"] != "damaged_item_claim"  # the intent model has no such intent...
        assert "verify" in opened.text, opened.text  # ...the shop's procedure does, and it needs to know who they are
        verified = await chat.send("claim-1", f"sure, it's {email}", context)
        assert "Which order was it in?" in verified.text and order.id in verified.text, verified.text
        which = await chat.send("claim-1", f"it was {order.id}", context)
        assert "Which of these items arrived damaged?" in which.text, which.text
        assert all(item.name in which.text for item in order.items), which.text
        described = await chat.send("claim-1", f"the {damaged.name.lower()}", context)
        assert "describe the damage" in described.text, described.text
        assert described.status == "bot"
        handed = await chat.send("claim-1", "The lid is dented and the paint is scratched along one side.", context)
    assert handed.status == "waiting_human", handed.text
    assert "passed your claim to a colleague" in handed.text
    assert handed.interrupt is not None and handed.interrupt["reasons"] == ["damaged_item_claim"]
    assert handed.interrupt["procedure"] == {
        "name": "damaged_item_claim",
        "collected": {
            "order.order_id": order.id,
            "item.name": damaged.name,
            "description": "The lid is dented and the paint is scratched along one side.",
        },
    }
    assert order.id in [summary["order_id"] for summary in handed.interrupt["orders"]]


OVERRIDES = """
procedures:
  - name: cancel_order
    slots:
      - {name: cancel_reason, ask_text: "Before I cancel it: has it become unnecessary, or was it a mistake?"}
  - name: change_payment
    enabled: false
  - name: return_request
    end:
      handoff:
        reason: returns_by_people
        message: A colleague sets up returns here; they have your order and will write to you.
"""


def pending_order_of_a_standard_customer(db_url: str) -> Order:
    with session_factory(db_url)() as session:
        orders = session.scalars(
            select(Order)
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.status == OrderStatus.pending, Customer.tier != "vip")
            .options(selectinload(Order.items), selectinload(Order.transactions))
            .order_by(Order.id)
        ).all()
        # Below the approval limit: the cancellation waits for the customer's yes only.
        return next(order for order in orders if order.total < 400)


async def test_a_shop_rewords_a_question_switches_a_procedure_off_and_hands_returns_to_people(
    app: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    profiles = shop_with_procedures(monkeypatch, tmp_path, {"overrides.yaml": OVERRIDES})
    profile = load_profile("demo", profiles)
    procedures = procedures_for(profile)
    assert not serves("change_payment", profile) and serves("change_payment")
    assert procedures.procedures["cancel_order"].slots[-1].ground == "cancel_reason"  # only the wording changed

    from shopdesk.settings import get_settings

    settings = get_settings()
    pending = pending_order_of_a_standard_customer(settings.shop_database_url)
    delivered = delivered_order(settings)  # inside the return window: the return is grounded, then handed over
    async with open_graph(settings) as graph:
        chat = Conversations(graph)
        context = Context(customer_id=pending.customer_id)
        asked = await chat.send("over-1", f"Please cancel order {pending.id}", context)
        assert "has it become unnecessary, or was it a mistake?" in asked.text, asked.text
        confirm = await chat.send("over-1", "it was ordered by mistake", context)
        assert confirm.status == "awaiting_confirmation", confirm.text  # the reworded question still takes the answer

        paying = await chat.send("over-2", f"Can I pay order {pending.id} with my PayPal instead?", context)
        assert paying.status != "awaiting_confirmation" and "Which one would you like to use?" not in paying.text

        context = Context(customer_id=delivered.customer_id)
        returning = await chat.send("over-3", f"I'd like to return the items of order {delivered.id}", context)
    assert returning.status == "waiting_human", returning.text
    assert "A colleague sets up returns here" in returning.text
    assert returning.interrupt is not None and returning.interrupt["reasons"] == ["returns_by_people"]
    collected = returning.interrupt["procedure"]["collected"]
    assert collected["returned"]["order_id"] == delivered.id and collected["returned"]["item_ids"]


@pytest.mark.parametrize(
    ("declaration", "field"),
    [
        ("  - {name: claim, slots: [{name: order, ground: telepathy}]}", "field slots.0.ground"),
        ("  - {name: claim, slots: [{name: what, ground: free_text, ask_txt: 'What happened'}]}", "slots.0.ask_txt"),
        ("  - {name: claim, slots: [{name: what, ground: free_text}]}", "needs `ask` or `ask_text`"),
        ("  - {name: claim, end: {write: {tool: refund_everything}}}", "field end.write.tool"),
        ("  - {name: claim, end: {switch: {by: order.status, cases: {x: {procedure: nope}}}}}", "end.switch.cases.x"),
        ("  - {name: claim, end: {answer: {}, handoff: {reason: x, message: y}}}", "field end"),
    ],
)
def test_a_bad_declaration_stops_the_profile_with_the_file_and_the_field(
    declaration: str, field: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    profiles = shop_with_procedures(monkeypatch, tmp_path, {"broken.yaml": f"procedures:\n{declaration}\n"})
    with pytest.raises(ProcedureError) as raised:
        load_profile("demo", profiles)
    message = str(raised.value)
    assert str(profiles / "demo.procedures" / "broken.yaml") in message and "'claim'" in message, message
    assert field in message, message

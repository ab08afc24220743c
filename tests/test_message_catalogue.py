"""The message catalogue: every customer-facing sentence of the core is in it, German is complete, and a German
conversation is answered in German while an English one keeps its words."""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from graph.context import Context
from shop.db import session_factory
from shop.models import Order, OrderStatus, PaymentMethod, PaymentMethodKind
from shopdesk.conversations import Conversations
from shopdesk.i18n import Speaker, locale_for, speaking
from shopdesk.i18n.__main__ import TEMPLATE, extract
from shopdesk.i18n.catalogue import LOCALE_DIR, compile_po, po_path, translations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.test_tools_small_shop import Make, make_ctx, small_shop  # noqa: F401
from tools.base import PolicyViolation

ROOT = Path(__file__).resolve().parents[1]
# The modules whose words reach customers (the server's customer-facing texts are HTTP details, see the report).
CORE = [
    "graph/llm/responses.py",
    "graph/llm/local.py",
    "graph/llm/critic.py",
    "graph/casefile.py",
    "graph/nlu/escalation.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "graph/nodes").glob("*.py")),
    # The writes' proposals, confirmations and already-done answers.
    "tools/access.py",
    "tools/base.py",
    "tools/discounts.py",
    "tools/identity.py",
    "tools/item_changes.py",
    "tools/orders.py",
    "tools/returns.py",
    "tools/views.py",
]
MARKERS = {"_", "ngettext", "N_"}
# Calls whose texts go to the model or the audit, never to the customer: a tool message's content, the internal
# detail of a handoff for failure (the customer's words are the catalogue's), the JSON a tool answers with.
# Field descriptions document a schema for developers, and a tool's description is the model's. A refusal for what
# was not found or not verified is worded by its kind (responses.describe_error), never quoted; a missing approval is
# the team's refusal.
MACHINE_FACING = {
    "ToolMessage",
    "dumps",
    "escalate_for_failure",
    "_out_of_moves",
    "Field",
    "read_tool",
    "write_tool",
    "NotFound",
    "NotVerified",
    "NeedsApproval",
}
# Text in those modules that is not for customers, by the function it is in: the case file and summary are the
# team's (the console's language), log and exception texts are for developers.
NOT_FOR_CUSTOMERS = {
    ("graph/casefile.py", "wants_sentence"),
    ("graph/casefile.py", "bot_actions"),
    ("graph/casefile.py", "order_summary"),
    ("graph/casefile.py", "mood"),
    ("graph/nodes/handoff.py", "summarise"),
    ("graph/nodes/handoff.py", "handoff"),
    ("graph/nodes/handoff.py", "run_human_tool"),
    # Notes and audit lines on a person's request waiting for a supervisor: for the team.
    ("graph/nodes/handoff.py", "decide_person_request"),
    ("graph/nodes/handoff.py", "_withdrawn"),
    ("graph/nodes/tools.py", "run_read"),  # its answers are the model's (tool messages)
    ("graph/nlu/escalation.py", "decide_escalation"),  # the evidence of a decision is the team's
    # A payment method's label in the shop's data, which the grounding matches; replies and proposals word it.
    ("tools/views.py", "method_text"),
    # A change refused for a verification the shop doesn't accept for writes: the reply words it by its kind.
    ("tools/identity.py", "stronger_identity_request"),
}
# Module-level tables the team reads (what a customer wants, what the bot did), not the customer, and codes the shop
# records (a cancellation's reason is stored in English; the customer reads it worded by the catalogue).
TEAM_TABLES = {
    ("graph/casefile.py", "WANTS"),
    ("graph/casefile.py", "READS"),
    ("tools/orders.py", "CancelReasonValue"),
}


def _sentences_outside_the_catalogue(path: str) -> list[str]:
    """String literals that read as prose (three words or more, a letter first) and are not a marked message,
    a docstring, a log line or an exception's text."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if (
                name in MARKERS
                or name in MACHINE_FACING
                or owner == "log"
                or name.endswith(("Error", "Exception", "Violation"))
            ):
                skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (path, node.name) in NOT_FOR_CUSTOMERS:
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and (path, t.id) in TEAM_TABLES for t in node.targets
        ):
            skip.update(id(n) for n in ast.walk(node))
        if (
            isinstance(node, ast.Tuple)
            and node.elts
            and isinstance(node.elts[0], ast.Name)
            and node.elts[0].id.isupper()
        ):
            # An approval finding, (REFUND_OVER_LIMIT, "refund 80 is above 50"): its code and the evidence the
            # approver reads.
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Compare):  # "window" in reason: a test on data, not wording
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Dict):  # keys are codes ("shipped to another address"); values are checked
            skip.update(id(n) for key in node.keys if key is not None for n in ast.walk(key))
            skip.update(id(n) for key in node.keys if isinstance(key, ast.Tuple) for n in ast.walk(key))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            skip.update(id(v) for v in node.values)
        else:
            continue
        if re.match(r"\s*[A-Za-z]", text) and len(re.findall(r"[A-Za-z']+", text)) >= 3 and " " in text.strip():
            found.append(f"{path}:{node.lineno}: {text!r}")
    return found


def test_no_customer_facing_sentence_is_left_outside_the_catalogue() -> None:
    left = [line for path in CORE for line in _sentences_outside_the_catalogue(path)]
    assert not left, "\n".join(left)


def test_the_shipped_template_is_what_the_code_marks(tmp_path: Path) -> None:
    """Babel's extractor over the code finds exactly the template's messages: none unmarked, none stale."""
    fresh = extract(tmp_path / "fresh.pot")
    with fresh.open("rb") as found, TEMPLATE.open("rb") as shipped:
        assert {m.id for m in read_po(found)} == {m.id for m in read_po(shipped)}


def _fields(text: object) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(str(text or "")) if name}


def test_every_message_has_a_german_translation_with_the_same_placeholders() -> None:
    with TEMPLATE.open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    for locale in ("en", "de"):
        assert po_path(locale).is_file(), locale
    with po_path("de").open("rb") as source:
        german = read_po(source, locale="de")
    assert {m.id for m in german if m.id} == template
    for message in german:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"untranslated: {message.id!r}"
        expected = set().union(*(_fields(i) for i in ids))
        for translated in strings:
            assert _fields(translated) <= expected | {"count"}, (message.id, translated)
            assert _fields(translated) >= _fields(ids[0]) - {"count"}, (message.id, translated)


def test_the_shipped_mo_files_are_the_po_files_compiled() -> None:
    """The bot loads the .mo files; `python -m shopdesk.i18n compile` must have been run after the .po changed."""
    assert translations("de").gettext("Shall I go ahead? Please reply yes or no.").startswith("Soll ich")
    shipped = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/shopdesk.po"))
    assert shipped == ["de", "en"]
    for locale in shipped:
        built = po_path(locale).with_suffix(".mo")
        assert built.is_file() and built.read_bytes() == compile_po(po_path(locale), locale), (
            f"{built} is stale: run python -m shopdesk.i18n compile"
        )


def test_plural_forms_money_and_dates_follow_the_locale() -> None:
    german, english = Speaker("de", "EUR"), Speaker("en", "USD")
    one, many = "It was split into {count} parcel:", "It was split into {count} parcels:"
    assert german.plural(one, many, 1) == "Sie wurde auf 1 Paket aufgeteilt:"
    assert german.plural(one, many, 3) == "Sie wurde auf 3 Pakete aufgeteilt:"
    assert english.plural(one, many, 3) == "It was split into 3 parcels:"
    assert german.money(1234.5) == "1.234,50\xa0€" and english.money(1234.5) == "$1,234.50"
    assert english.money(10, "EUR") == "€10.00"
    assert german.day("2026-11-03T10:00:00") == "Dienstag, 3. November"
    assert english.day("2026-11-03T10:00:00") == "Tuesday, November 3"
    assert german.day("2027-11-01", with_year=True) == "1. November 2027"


def test_the_locale_is_the_customers_language_within_the_shops() -> None:
    assert locale_for("de", ["en", "de"]) == "de"
    assert locale_for("fr", ["en", "de"]) == "en"  # not a shop language: the shop's default
    assert locale_for("fr", ["de", "en"]) == "de"
    assert locale_for(None, ["en"]) == "en"


def test_a_tool_refusal_is_worded_by_its_kind_not_shown_raw() -> None:
    from graph.llm.dialogue.plan import ToolResult
    from graph.llm.responses import describe_error

    raw = {
        "ok": False,
        "error": "Bad arguments for get_order_details: order_id: Field required",
        "code": "bad_arguments",
    }
    told = describe_error(ToolResult("get_order_details", False, raw, "c1"))
    assert "Field required" not in told and "details" in told
    missing = {"ok": False, "error": "There is no order #W1.", "code": "not_found"}
    assert describe_error(ToolResult("get_order_details", False, missing, "c2", {"order_id": "#W1"})) == (
        "I couldn't find an order with that number on your account."
    )
    policy = {"ok": False, "error": "Only a pending order can be cancelled.", "code": "policy"}
    assert describe_error(ToolResult("cancel_order", False, policy, "c3")) == (
        "I couldn't set that up: only a pending order can be cancelled."
    )
    with speaking(Speaker("de")):
        german = describe_error(ToolResult("get_order_details", False, missing, "c2", {"order_id": "#W1"}))
        refused = describe_error(ToolResult("cancel_order", False, policy, "c3"))
    assert german == "Ich konnte in Ihrem Konto keine Bestellung mit dieser Nummer finden."
    assert refused.startswith("Das konnte ich nicht veranlassen: ")


def _pending_order(db_url: str) -> Order:
    with session_factory(db_url)() as session:
        order = session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)).first()
        assert order is not None
        return order


async def test_a_german_conversation_is_asked_in_german_and_an_english_one_keeps_its_words(app: Settings) -> None:
    order = _pending_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        unverified = await chat.send("de-1", "Hallo, ich möchte meine Bestellung stornieren.", Context())
        # An email address shows no language: the conversation stays German.
        email = await chat.send("de-1", "kein-konto@example.org", Context())
        asked = await chat.send("de-2", f"Hallo, ich möchte meine Bestellung {order.id} stornieren.", context)
        english = await chat.send("en-1", f"Hi, I want to cancel my order {order.id}.", context)
    assert "Zuerst muss ich bestätigen, dass Sie es sind" in unverified.text, unverified.text
    assert "Ich konnte kein Konto mit dieser E-Mail-Adresse finden." in email.text, email.text
    assert "Darf ich fragen, warum Sie stornieren möchten" in asked.text, asked.text
    assert "Could you tell me why you'd like to cancel: is it no longer needed" in english.text, english.text


async def test_a_german_conversations_confirmation_is_in_german(app: Settings) -> None:
    """The proposal put to a German customer (the draft node, as the graph runs it when a write awaits a yes)."""
    from langchain_core.messages import HumanMessage
    from langgraph.runtime import Runtime

    from graph.nodes.answer import draft
    from graph.state import Status, SupportState

    preview = {
        "action": "modify_order_items",
        "summary": "Change 1 item of order #W1",
        "details": ["Commuter Roll-Top Pack: Black -> Olive"],
        "needs_approval": True,
    }
    state = SupportState(
        messages=[HumanMessage("Bitte tauschen Sie den Rucksack gegen den olivgrünen.")],
        understanding={"intent": "change_items", "language": "de"},
        pending_action={"call_id": "c1", "name": "modify_order_items", "args": {}, "preview": preview},
        status=Status.awaiting_confirmation,
    )
    runtime: Runtime[Context] = Runtime(context=Context())
    german = (await draft(state, runtime))["draft"]
    assert "Bitte beachten Sie: Die Artikel einer Bestellung können nur einmal geändert werden." in german, german
    assert "muss eine Kollegin oder ein Kollege es freigeben" in german, german
    assert german.endswith("Soll ich das so machen? Bitte antworten Sie mit Ja oder Nein."), german
    english_state = SupportState(
        messages=[HumanMessage("Please swap the backpack for the olive one.")],
        understanding={"intent": "change_items", "language": "en"},
        pending_action=state.pending_action,
        status=Status.awaiting_confirmation,
    )
    english = (await draft(english_state, runtime))["draft"]
    assert english.endswith("Shall I go ahead? Please reply yes or no."), english


def test_the_critics_empathy_check_accepts_the_empathy_opener_in_every_language() -> None:
    """An upset customer's reply gets the catalogue's opener; the critic must recognise it in each language, or a
    German rewrite would never pass."""
    from graph.llm.critic import EMPATHY
    from graph.llm.local import EMPATHY_OPENER
    from shopdesk.i18n import available_locales

    for locale in available_locales():
        assert EMPATHY.search(Speaker(locale).text(EMPATHY_OPENER)), locale


def test_reasons_told_in_german_are_the_reasons_the_shop_records() -> None:
    """Sentences written for this test: the bot asks in German, so the answers come in German."""
    from graph.nlu.entities import shared_entities

    told = {
        "die brauchen wir jetzt doch nicht mehr": "no_longer_needed",
        "Wird nicht mehr gebraucht.": "no_longer_needed",
        "hab ich aus Versehen zweimal bestellt": "ordered_by_mistake",
        "irrtümlich bestellt, sorry": "ordered_by_mistake",
        "der Reißverschluss ist gerissen": "damaged",
        "die Stirnlampe geht nicht mehr an": "defective",
        "es fehlen zwei Schrauben": "incomplete",
        "die Schuhe sind zu eng": "wrong_size",
        "ich habe die falsche Farbe bekommen": "wrong_item",
        "meine Bestellung ist nie angekommen": "not_received",
    }
    for text, reason in told.items():
        found = shared_entities(text).reasons
        assert (reason in found) if reason else True, (text, found)
    # Wanting something no more is a reason; waiting no more, or a question, is none.
    for text in ("Ich möchte nicht mehr warten, wo bleibt mein Paket?", "Brauche ich dafür ein Konto?"):
        assert "no_longer_needed" not in shared_entities(text).reasons, text


async def test_a_german_cancellation_takes_its_reason_in_german_and_a_handoff_stays_german(app: Settings) -> None:
    order = _pending_order(app.shop_database_url)
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = await chat.send("de-why", f"Bitte stornieren Sie die Bestellung {order.id}.", context)
        proposed = await chat.send("de-why", "brauche ich nicht mehr", context)
        person = await chat.send("de-person", f"Bitte stornieren Sie die Bestellung {order.id}.", context)
        person = await chat.send("de-person", "Mitarbeiter bitte", context)
    assert "Darf ich fragen, warum Sie stornieren möchten" in asked.text, asked.text
    assert proposed.status == "awaiting_confirmation", proposed.text
    assert "no longer needed" in proposed.text or "nicht mehr benötigt" in proposed.text, proposed.text
    assert person.status != "bot", person.text
    assert "Team" in person.text and "passing this conversation" not in person.text, person.text


# Words of the tools' English proposals: none may be left in a German one.
_ENGLISH_TOOL_WORDS = re.compile(
    r"\b(?:Cancel|Order|Reason|Refund|Charge|Return|Exchange|Ship|Make|Issue|Pay|From|To|Value|Valid|Single|Price"
    r"|ending|balance|item\(s\)|immediately|business days|no longer needed|by mistake|You will get|instead of"
    r"|same options|default address|Account)\b"
)
_ADDRESS = {"address1": "Hauptstr. 1", "address2": "", "city": "Berlin", "state": "", "country": "DE", "zip": "10115"}


def test_every_writes_proposal_is_worded_in_the_conversations_language(make_ctx: Make) -> None:  # noqa: F811
    """Each write the tools offer, proposed to a German customer: every line of it is the catalogue's German, the
    amounts as German writes them; the same proposal to an English customer is the tool's English."""
    from tools.registry import write_action

    proposals: dict[str, dict[str, Any]] = {
        "cancel_order": {"order_id": "#P2", "reason": "ordered by mistake"},
        "modify_order_address": {"order_id": "#P1", **_ADDRESS},
        "modify_order_items": {
            "order_id": "#P1",
            "item_ids": ["shoe-42"],
            "new_item_ids": ["shoe-43"],
            "payment_method_id": "gc_alice",
        },
        "modify_order_payment": {"order_id": "#P2", "payment_method_id": "cc_alice"},
        "modify_default_address": _ADDRESS,
        "return_items": {"order_id": "#D1", "item_ids": ["shoe-42"], "payment_method_id": "cc_alice"},
        "exchange_items": {
            "order_id": "#D1",
            "item_ids": ["shoe-42"],
            "new_item_ids": ["shoe-42"],
            "payment_method_id": "gc_alice",
        },
        "issue_voucher": {"order_id": "#DL", "kind": "amount", "value": 5, "reason": "late delivery"},
    }
    for name, args in proposals.items():
        english = write_action(name).preview(make_ctx(), args)
        with speaking(Speaker("de", "USD")):
            german = write_action(name).preview(make_ctx(), args)
        english_lines = [english.summary, *english.details]
        german_lines = [german.summary, *german.details]
        assert len(german_lines) == len(english_lines), (name, german_lines)
        for said, source in zip(german_lines, english_lines, strict=True):
            assert said != source and not _ENGLISH_TOOL_WORDS.search(said), (name, said)
        assert english.as_dict()["args"] == german.as_dict()["args"]
    refused = {"order_id": "#S1", "reason": "no longer needed"}
    with speaking(Speaker("de")), pytest.raises(PolicyViolation) as german_refusal:
        write_action("cancel_order").preview(make_ctx(), refused)
    with pytest.raises(PolicyViolation) as english_refusal:
        write_action("cancel_order").preview(make_ctx(), refused)
    assert str(german_refusal.value) == (
        "Bestellung #S1 ist „verschickt“; nur eine ausstehende Bestellung kann storniert werden."
    ), german_refusal.value
    assert str(english_refusal.value) == "Order #S1 is 'shipped'; only a pending order can be cancelled."


@dataclass(frozen=True)
class _Paid:
    id: str
    customer_id: str
    total: Decimal
    gift_card: bool
    label: str


def _pending_orders_paid_once(db_url: str) -> list[_Paid]:
    """Two pending orders paid with one method each: their proposal has one refund line."""
    found = []
    with session_factory(db_url)() as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            if len(order.transactions) != 1:
                continue
            method = session.get(PaymentMethod, order.transactions[0].payment_method_id)
            assert method is not None
            gift_card = method.kind is PaymentMethodKind.gift_card
            found.append(_Paid(order.id, order.customer_id, order.total, gift_card, method.label))
            if len(found) == 2:
                return found
    raise AssertionError("the demo shop has no two pending orders paid once")


async def test_a_german_cancellation_is_proposed_and_confirmed_in_german_and_an_english_one_keeps_its_words(
    app: Settings,
) -> None:
    german_order, english_order = _pending_orders_paid_once(app.shop_database_url)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        german_context = Context(customer_id=german_order.customer_id)
        await chat.send("de-cancel", f"Bitte stornieren Sie die Bestellung {german_order.id}.", german_context)
        proposed = await chat.send("de-cancel", "Die brauche ich nicht mehr.", german_context)
        done = await chat.send("de-cancel", "Ja, bitte.", german_context)
        english_context = Context(customer_id=english_order.customer_id)
        await chat.send("en-cancel", f"Please cancel my order {english_order.id}.", english_context)
        english = await chat.send("en-cancel", "I don't need it anymore.", english_context)
        english_done = await chat.send("en-cancel", "Yes, please.", english_context)
    assert proposed.status == "awaiting_confirmation", proposed.text
    for line in proposed.text.splitlines():
        assert not _ENGLISH_TOOL_WORDS.search(line), line
    german_total = Speaker("de").money(german_order.total)
    assert proposed.text.startswith(
        f"Bestellung {german_order.id} stornieren (nicht mehr benötigt) und {german_total} erstatten:\n"
        f"- Bestellung: {german_order.id}\n- Grund: nicht mehr benötigt\n- Erstattung von {german_total} auf "
    ), proposed.text
    assert done.text.startswith(
        f"Erledigt: Bestellung {german_order.id} ist storniert (nicht mehr benötigt), "
        f"und {german_total} werden erstattet."
    ), done.text
    assert not _ENGLISH_TOOL_WORDS.search(done.text), done.text
    # The order records the reason as the shop's code, whatever language it was given in.
    with session_factory(app.shop_database_url)() as session:
        cancelled = session.get(Order, german_order.id)
        assert cancelled is not None and cancelled.cancel_reason == "no longer needed"
    total = Speaker("en").money(english_order.total)
    assert not english_order.gift_card, "the English order's refund line is written for a card or PayPal"
    method, timing = english_order.label, "in 5-7 business days"
    assert english.text == (
        f"Cancel order {english_order.id} (no longer needed) and refund {total}:\n"
        f"- Order: {english_order.id}\n- Reason: no longer needed\n- Refund {total} to {method} ({timing})\n\n"
        "Shall I go ahead? Please reply yes or no."
    ), english.text
    assert english_done.text.startswith(
        f"Done: Cancel order {english_order.id} (no longer needed) and refund {total}."
    ), english_done.text

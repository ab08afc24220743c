"""Rule-based critique of a draft against this turn's evidence, the shop's policy and the customer's mood.

Both engines use these rules: whether a number, date or tracking id is backed by evidence is a string question,
and a deterministic check is cheaper and more reliable than asking a model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from graph.llm.engine import Critique
from graph.nlu.confirmation import mentions_payment_methods

MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)")
MONTH_DAY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2})\b"
)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")
LONG_ID = re.compile(r"#?[A-Z]{0,3}\d{6,}\b")
PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s?%")
# Requests the knowledge answers; a multi-part message needs one of these answered from documents or the catalog.
KNOWLEDGE_INTENTS = frozenset(
    {
        "refund_policy",
        "delivery_options",
        "product_question",
        "product_recommendation",
        "payment_issue",
        "discount_voucher",
        "account_create",
        "account_edit",
        "account_delete",
        "password_recovery",
        "newsletter",
        "invoice",
    }
)
DURATION = re.compile(r"\b(\d+(?:\s?(?:-|to)\s?\d+)?)\s+(business\s+|working\s+)?days?\b", re.IGNORECASE)
# The domain ends on a label, not on the full stop that ends the sentence ("... at orders@shop.example.").
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Passages the shop wrote itself (policies, FAQ, catalog): the addresses in them are the shop's, public by design.
# Tool results are not among them: they carry customers' records.
SHOP_AUTHORED = frozenset({"doc", "product"})
# In the catalogue's languages: a German reply's apology is one too (its empathy opener says "tut mir leid").
EMPATHY = re.compile(
    r"\b(sorry|apolog|understand|frustrat|i hear you|that's not ok|my fault|tut mir leid|entschuldig|verstehe)",
    re.IGNORECASE,
)
BLAME = re.compile(r"\b(your fault|you should have|you failed to|you didn't read)\b", re.IGNORECASE)
PROMISE = re.compile(r"\b(guarantee|promise|definitely arrive|will arrive (?:by|on|tomorrow))\b", re.IGNORECASE)


def _number(text: str) -> str:
    return f"{float(text.replace(',', '')):.2f}"


def evidence_text(evidence: Sequence[dict[str, Any]], extra: Sequence[Any] = ()) -> str:
    return json.dumps([*evidence, *extra], default=str, ensure_ascii=False)


MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ),
        start=1,
    )
}  # fmt: skip


def _evidence_dates(blob: str) -> set[tuple[int, int]]:
    found = {(int(m.group(2)), int(m.group(3))) for m in ISO_DATE.finditer(blob)}
    found.update((MONTHS[m.group(1)], int(m.group(2))) for m in MONTH_DAY.finditer(blob))
    return found


def _evidence_numbers(blob: str) -> set[str]:
    numbers = set()
    for token in re.findall(r"\d[\d,]*\.?\d*", blob):
        try:
            numbers.add(_number(token.rstrip(".")))
        except ValueError:
            continue
    return numbers


def unsupported_claims(draft: str, blob: str | Callable[[], str]) -> list[str]:
    """Facts in the draft that no evidence backs: prices, dates, ids and durations.

    The evidence is only scanned for a kind of fact the draft states: most replies state none, and the evidence
    (whole policy sections, order records) is many times longer than the draft. `blob` may be a function that
    writes the evidence out: it is called only when the draft states a fact at all."""
    prices = list(MONEY.finditer(draft))
    month_days, iso_dates = list(MONTH_DAY.finditer(draft)), list(ISO_DATE.finditer(draft))
    ids, percents = list(LONG_ID.finditer(draft)), list(PERCENT.finditer(draft))
    durations = list(DURATION.finditer(draft))
    if not (prices or month_days or iso_dates or ids or percents or durations):
        return []
    if callable(blob):
        blob = blob()
    claims: list[str] = []
    if prices:
        numbers = _evidence_numbers(blob)
        claims += [m.group(0) for m in prices if _number(m.group(1)) not in numbers]
    if month_days or iso_dates:
        dates = _evidence_dates(blob)
        claims += [m.group(0) for m in month_days if (MONTHS[m.group(1)], int(m.group(2))) not in dates]
        claims += [m.group(0) for m in iso_dates if (int(m.group(2)), int(m.group(3))) not in dates]
    claims += [m.group(0) for m in ids if m.group(0).lstrip("#") not in blob]
    claims += [m.group(0) for m in percents if m.group(1) not in blob]
    if durations:
        stated = {re.sub(r"\D+", "-", m.group(1)) for m in DURATION.finditer(blob)}
        # "5-7 business days" is backed by "5 to 7 days" but not by a stray 5 somewhere in the evidence.
        claims += [m.group(0) for m in durations if re.sub(r"\D+", "-", m.group(1)) not in stated]
    return claims


def critique_draft(
    draft: str,
    evidence: list[dict[str, Any]],
    *,
    understanding: dict[str, Any],
    customer: dict[str, Any] | None,
    min_score: float,
    extra_evidence: Sequence[Any] = (),
    today: date | None = None,
    shop_emails: Iterable[str] = (),
) -> Critique:
    """`shop_emails`: the shop's own public addresses (the profile's contact details), which a reply may give."""
    reasons: list[str] = []
    # The evidence written out is only read for facts the draft states (most drafts state none).
    unsupported = unsupported_claims(draft, lambda: evidence_text(evidence, list(extra_evidence)))
    if unsupported:
        reasons.append("unsupported_fact")
    if PROMISE.search(draft):
        reasons.append("promise_outside_policy")
    emotion = understanding.get("emotion", {})
    upset = max(float(emotion.get("anger", 0)), float(emotion.get("frustration", 0)), float(emotion.get("sarcasm", 0)))
    if upset >= 0.4 and not EMPATHY.search(draft):
        reasons.append("tone_missing_empathy")
    if BLAME.search(draft):
        reasons.append("tone_blame")
    if foreign_emails(draft, evidence, customer, shop_emails):
        reasons.append("safety_other_customer_data")
    if "internal note" in draft.lower():
        reasons.append("safety_internal_note")
    if not draft.strip():
        reasons.append("empty_draft")
    missing = unanswered_parts(understanding, evidence)
    if missing:
        reasons.append("incomplete_answer")

    penalties = {
        "unsupported_fact": 0.35 * max(1, len(unsupported)),
        "promise_outside_policy": 0.3,
        "tone_missing_empathy": 0.2,
        "tone_blame": 0.3,
        "safety_other_customer_data": 1.0,
        "safety_internal_note": 1.0,
        "empty_draft": 1.0,
        "incomplete_answer": 0.35,
    }
    score = max(0.0, 1.0 - sum(penalties[r] for r in reasons))
    verdict = "pass" if score >= min_score and not any(r.startswith("safety") for r in reasons) else "rewrite"
    return Critique(score=round(score, 3), verdict=verdict, reasons=reasons, unsupported=unsupported, missing=missing)


def foreign_emails(
    draft: str, evidence: Sequence[dict[str, Any]], customer: dict[str, Any] | None, shop_emails: Iterable[str] = ()
) -> list[str]:
    """Addresses in the draft that are neither the customer's own nor the shop's: someone else's data."""
    # An address has an "@": most drafts have none, and then no passage needs scanning for the shop's own.
    found = EMAIL.findall(draft) if "@" in draft else []
    if not found:
        return []
    allowed = {e.lower() for e in shop_emails if e}
    allowed.add(str((customer or {}).get("email") or "").lower())
    for item in evidence:
        text = str(item.get("text", "")) if item.get("kind") in SHOP_AUTHORED else ""
        if "@" in text:
            allowed.update(e.lower() for e in EMAIL.findall(text))
    return [e for e in found if e.lower() not in allowed]


def unanswered_parts(understanding: dict[str, Any], evidence: list[dict[str, Any]]) -> list[str]:
    """Further requests of a multi-part message that ask the knowledge, when no knowledge was looked up."""
    parts = understanding.get("intents") or []
    if len(parts) < 2:
        return []
    primary = understanding.get("intent")
    has_knowledge = any(e.get("kind") in ("doc", "product", "facts") for e in evidence)
    return [
        str(part.get("segment") or "")
        for part in parts
        if part.get("intent") in KNOWLEDGE_INTENTS
        and part.get("intent") != primary
        and not has_knowledge
        # "Is the visa my credit card?", "I want it on my credit card": their own payment methods, which the
        # dialogue reads from their account, are no question for the shop's documents.
        and not mentions_payment_methods(str(part.get("segment") or ""))
    ]


def strip_unsupported(draft: str, unsupported: list[str]) -> str:
    """Drop every sentence that carries an unsupported claim; what remains is backed by evidence."""
    sentences = re.split(r"(?<=[.!?])\s+", draft)
    kept = [s for s in sentences if not any(claim in s for claim in unsupported)]
    return " ".join(kept).strip()

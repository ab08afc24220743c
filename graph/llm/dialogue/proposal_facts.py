"""Questions that check a fact of the proposal in hand: "$52.01 is everything?", "that goes to my paypal, right?".

At a proposal the customer often checks one of its figures or its payment method before the yes, and gives the yes
on it in the same breath ("...$327.57 is everything? then yes, go ahead"). Such a question is answered from the
proposal's own facts (what was shown, and the customer's own payment methods), never from the knowledge. When every
question of the message is such a check and each comes out as the customer supposed, the yes beside them is a yes
to exactly what was shown; when one comes out otherwise or cannot be told ("is it under $60?", "my card" with two
cards), the answer is given and the yes is held back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.llm.dialogue.method_identity import asks_if_the_same
from graph.llm.dialogue.proposal_items import ProposedItem, item_holds, shown_lines, supposes_items
from graph.llm.dialogue.proposal_reach import asks_to_undo, reach_holds, supposes_reach, undo_answer
from graph.llm.matching import matching_methods, payment_mention
from graph.nlu.confirmation import (
    NO_WORD,
    OPENING_SOUND,
    WAIT_WORDS,
    asks_for_the_act_at,
    asks_what_they_hold,
    gives_a_yes,
    holds_back,
    no_more_wanted,
    says_why_it_goes,
)
from graph.nlu.general import asks_something
from graph.nlu.segment import sentences
from shopdesk.i18n import _, money

_FIGURE = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# A sum of money as people write it: with its currency sign or word, before or after it ("52,01 €?"), or with cents
# ("is the refund 52.01?").
_MONEY = re.compile(
    rf"[$€£]\s?(?P<a>{_FIGURE})|(?P<b>{_FIGURE})\s?(?:[$€£]|(?:dollars?|bucks|usd|eur(?:o|os)?)\b)"
    rf"|(?<![\w#.,])(?P<c>\d+\.\d{{2}})\b",
    re.IGNORECASE,
)
# A bound rather than a figure ("is it under $60?"): what the proposal says does not make it true or false as asked.
_BOUND = re.compile(
    r"\b(?:under|below|less|more|over|above|at\s+(?:least|most)|max(?:imum)?|min(?:imum)?|within|up\s+to|unter"
    r"|über|weniger|mehr|höchstens|mindestens)\b",
    re.IGNORECASE,
)
# "Paypal or the gift card?", "52 or 60?": a choice asked about, not a supposition to check.
_EITHER = re.compile(r"\b(?:or|oder)\b", re.IGNORECASE)
# Money going back ("refund", "back", "zurück"): at a change of payment method, a check of where it goes is about the
# old payment's refund, which goes to its other method. (Not refund_rules' words for the refund itself: "back" and
# "return" count here, as the money's way, and "money" alone does not.)
_GOES_BACK = re.compile(r"\b(?:refund\w*|back|return\w*|erstatt\w*|zurück\w*)\b", re.IGNORECASE)
# Opening the reply with a "not yet" or a wait: the customer puts the proposal off while asking. A no is not a put-off
# ("No, I don't want that. What's in that order?"): it turns the proposal down, whatever it asks beside; only a no
# followed by a wait ("no, not yet", "nein, noch nicht") puts it off.
_PUTS_OFF = re.compile(
    rf"^\s*{OPENING_SOUND}(?:{NO_WORD}[\s,.!]+)?(?:not\s+(?:yet|now|so\s+fast)|{WAIT_WORDS}"
    r"|one\s+(?:sec(?:ond)?|moment)|just\s+a\s+(?:sec(?:ond)?|moment|minute)|noch\s+nicht|moment)\b",
    re.IGNORECASE,
)

# Opening the reply with a no ("no", "nope", "nein", not "no problem"), or turning the proposal down anywhere in it
# ("forget it", "I don't want that", "changed my mind"): whatever it asks beside, the proposal is not wanted.
_TURNS_DOWN = re.compile(
    rf"^\s*{OPENING_SOUND}{NO_WORD}\b(?!\s+(?:problem|worries|rush|hurry|issue))"
    # "I don't want to go ahead", "...to return it": the act not wanted. ("I don't want to have to deal with a lot of
    # hassle" is a worry on the way to the yes, no no.)
    r"|\b(?:forget\s+(?:it|that|about\s+it)|(?:don'?t|do\s+not)\s+want\s+(?:that|this|it|to\s+(?:do|go|proceed"
    r"|continue|cancel|return|exchange|change|send|swap|switch|modify))|changed\s+my\s+mind"
    r"|cancel\s+(?:it|that|this)|never\s*mind|vergiss\s+es|will\s+ich\s+nicht|doch\s+nicht)\b",
    re.IGNORECASE,
)


# A question for information rather than a supposition: it opens with (or turns on) a question word. (Not
# confirmation's question which of their methods is meant, nor matching's question which others there are.)
_ASKS_TO_BE_TOLD = re.compile(r"\b(?:which|what|where|how|when|welche[rsmn]?|wohin|wie|wann|worauf)\b", re.IGNORECASE)


# What leads from the question on to the yes ("...? then yes", "...? if so, go ahead", "...? dann ja"): it points at
# the question just answered, and holds nothing back of its own.
_LEADS_ON = re.compile(
    r"^\s*(?:(?:then|so|and|if\s+so|in\s+that\s+case|dann|also|wenn\s+ja|falls\s+ja)[\s,]+)+", re.IGNORECASE
)


# The words a check of a figure or method is said with, and nothing more: "so it's $52.01 in total, right?", "that
# goes back to my paypal, correct?", "also insgesamt 52,01 €, richtig?". What a question says beyond them (a condition,
# another order, an item kept, another way of paying) is not something the proposal's figures can settle.
_FILLER = re.compile(
    r"\b(?:so|ok(?:ay)?|well|i|we|ich|is|does|do|it'?s|its|it|that'?s|that|this|the|refund(?:ed)?|total|in\s+total|in\s+all|altogether"
    r"|all\s+in\s+all|everything|all|back|to|on|onto|my|right|correct|then|goes|go(?:ing)?|will|be|gets?|amount"
    r"|sum|usd|dollars?|bucks|payment|method|also|ist|es|das|die|der|den|dem|erstattung|rückerstattung|betrag|insgesamt"
    r"|alles|zurück|auf|meine?[nmrs]?|richtig|stimmt|dann|geht|gehts|wird|so)\b",
    re.IGNORECASE,
)
# The words a payment method is named by, taken out with the sums before the rest of the question is read.
_METHOD_WORDS = re.compile(
    r"\b(?:pay\s?pal|gift\s?card|(?:credit|debit)\s+card|card|visa|master\s?card|amex|american\s+express|discover"
    r"|ending(?:\s+in)?|account|geschenkkarte|kreditkarte|karte|konto|endend\s+(?:auf|mit))\b|\b\d{4}\b",
    re.IGNORECASE,
)
# A no, or a quantity or condition laid on the sum ("$52.01 each?", "without the restocking fee?", "for both
# orders?", "it won't go to paypal?"): the proposal's total does not answer it as asked.
_QUALIFIED = re.compile(
    r"\b(?:not|no|never|won'?t|isn'?t|doesn'?t|don'?t|aren'?t|can'?t|nicht|kein\w*|nie|each|both|per|plus|without"
    r"|before|after|and|except|minus|including|excluding|je|jeweils|beide\w*|pro|ohne|vor|nach|und|außer)\b|n'?t\b",
    re.IGNORECASE,
)
_SIGNS = {
    "$": "$",
    "€": "€",
    "£": "£",
    "dollar": "$",
    "dollars": "$",
    "bucks": "$",
    "usd": "$",
    "eur": "€",
    "euro": "€",
    "euros": "€",
}


def _currency_said(question: str) -> set[str]:
    """The currency signs the question's sums are said in ("52.01 euros" is in €); none for a bare figure."""
    found = set()
    for match in _MONEY.finditer(question):
        for word in re.findall(r"[$€£]|[a-z]+", match.group(0).lower()):
            if word in _SIGNS:
                found.add(_SIGNS[word])
    return found


# An "and" that opens the question ("and that's back on my paypal?") or joins the sum to the method ("$327.57 and to
# paypal?") adds no condition: each side is checked on its own.
_JOINS_FACTS = re.compile(
    r"^\W*(?:and|und)\b|\b(?:and|und)\b(?=(?:\s+(?:to|on|onto|back|my|the|it'?s|that'?s|auf|meine?\w*))*\s*(?:[$€£\d]"
    r"|pay\s?pal|gift|credit|debit|card|visa|master|amex|discover|karte|kreditkarte|geschenkkarte))",
    re.IGNORECASE,
)


def _qualified(question: str) -> bool:
    """A no, a quantity or a condition laid on the sum or method: the proposal does not answer it as asked."""
    return bool(_QUALIFIED.search(_JOINS_FACTS.sub(" ", question)))


def _only_the_fact(question: str, method_checked: bool = True) -> bool:
    """Nothing is left of the question once its sums, its method and the words a check is said with are taken out:
    it supposes the figure or the method, and nothing beside them. The method's words are taken out only when the
    method is checked on its own (`method_checked`): a method the proposal's lines cannot be read against (a refund
    split over two methods, digits no method of theirs has) is something more the sum is supposed with."""
    rest = _MONEY.sub(" ", _JOINS_FACTS.sub(" ", question))
    if method_checked:
        rest = _METHOD_WORDS.sub(" ", rest)
    rest = _FILLER.sub(" ", rest)
    return not re.sub(r"[\W_]+", "", rest)


@dataclass(frozen=True)
class FactCheck:
    """One question of the message read against the proposal: `holds` is True when the proposal says what the
    customer supposed, False when it says otherwise, None when it cannot be told; `fact` is what was checked
    ("total", "method", or "methods" for a refund split over several, "items", "scope" or "timing") and `value`
    what the proposal says of it, as the customer reads it (the answer's words are
    graph.llm.responses.describe_fact_checks)."""

    holds: bool | None
    fact: str
    value: str


def puts_off(text: str) -> bool:
    """ "No, not yet - does the refund go back to my card?": the reply opens by putting the proposal off, and asks."""
    return bool(_PUTS_OFF.search(text)) and any(asks_something(s) for s in sentences(text))


def turns_down(text: str, action: str = "") -> bool:
    """ "No, I don't want that. What's in that order again?": the proposal is turned down, not put off. The proposal's
    own act asked for ("ok go ahead and cancel it", "please do cancel" at a cancellation) turns nothing down, nor
    does a no said of anything more, beside a question (see `no_to_something_else`)."""
    beside = no_more_wanted(text) if no_to_something_else(text) else 0
    why = says_why_it_goes(text, action)
    return any(
        m.start() >= beside
        and not asks_for_the_act_at(text, m.start(), action)
        and not any(start <= m.start() < end for start, end in why)
        for m in _TURNS_DOWN.finditer(text)
    ) and not puts_off(text)


# What they have now, kept: "keep the white one", "stay with the leather", "leave it as it is", "after all", "ich
# behalte", "lass es so".
_KEEPS_WHAT_IS = re.compile(
    r"\b(?:keep(?:ing)?|stay(?:ing)?\s+with|stick(?:ing)?\s+with|leave\s+it|as\s+it\s+is|as\s+is|like\s+it\s+is"
    r"|the\s+way\s+it\s+is|after\s+all|behalte\w*|lass(?:e|en)?\s+(?:es|sie|ihn)|so\s+wie\s+(?:es|sie|er)\s+ist)\b",
    re.IGNORECASE,
)
# Another act asked for beside it ("no, keep it, cancel the order instead"): that request is theirs to make, not a no.
_ANOTHER_ACT = re.compile(
    r"\b(?:cancel\w*|return\w*|exchang\w*|refund\w*|send\s+(?:it\s+)?back|track\w*|address|storn\w*"
    r"|zurück(?:geben|schicken|senden)|umtausch\w*)\b",
    re.IGNORECASE,
)


def keeps_what_they_have(text: str, action: str = "") -> bool:
    """ "No, I'll keep the white one after all", "nah, leave it as it is": the proposal turned down by keeping what
    they have now, and nothing else asked or asked for: a plain no, whatever else the words are close to."""
    return (
        turns_down(text, action)
        and bool(_KEEPS_WHAT_IS.search(text))
        and not _ANOTHER_ACT.search(text)
        and not any(asks_something(s) for s in sentences(text))
    )


def no_to_something_else(text: str) -> bool:
    """ "Nope, that's everything - how long does the refund take?": the no is said of anything more ("that's
    everything", "nothing else"), not of the proposal, and the customer goes on to ask: the proposal is not turned
    down; the question is answered and the proposal put again. Said alone, "no, that's all" is the whole reply to
    the one question put, the proposal, and turns it down."""
    return bool(no_more_wanted(text)) and any(asks_something(s) for s in sentences(text))


def _amount(raw: str) -> Decimal | None:
    cleaned = raw.replace(",", "") if re.search(r",\d{3}", raw) else raw.replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _amounts(text: str) -> list[Decimal]:
    found = (_amount(m.group("a") or m.group("b") or m.group("c") or "") for m in _MONEY.finditer(text))
    return [a for a in found if a is not None]


# A dash sets a clause off as a sentence would: "ok go ahead - that's the one with the blue strap, right?".
_DASH = re.compile(r"\s[-–—]+\s")


def _parts(text: str) -> list[str]:
    """The message's sentences, a clause set off by a dash counting as one."""
    return [part.strip() for s in sentences(text) for part in _DASH.split(s) if part.strip()]


def _questions(text: str) -> list[str]:
    return [s for s in _parts(text) if asks_something(s) or s.rstrip().endswith("?")]


def checks_the_proposal(text: str, items: tuple[ProposedItem, ...] = ()) -> bool:
    """Every question of the message supposes a sum of money, a payment method or what the proposal's items are or
    become (`items`, graph.llm.dialogue.proposal_items), and there is one: a check of the proposal's own facts (read
    against it by `check_facts`). A question that asks which or where ("which card does that go back to?") supposes
    nothing: it asks to be told, and is answered as any question is."""
    asked = _questions(text)
    return bool(asked) and all(
        # Whether the act can be undone once done is the act's own fact too, however it is asked ("how do I reverse
        # it if I change my mind?").
        asks_to_undo(q)
        or (
            (_amounts(q) or payment_mention(q) or supposes_items(q, items) or supposes_reach(q))
            and not _ASKS_TO_BE_TOLD.search(q)
            # "Is that the only card I have?" names a method and supposes it, but asks to be told what they hold.
            and not asks_what_they_hold(q)
            # "Is the visa ending 9182 my mastercard?" sets two names of theirs side by side: their methods answer it.
            and not asks_if_the_same(q)
        )
        for q in asked
    )


def checks_only_items(text: str, items: tuple[ProposedItem, ...]) -> bool:
    """Every question of the message supposes what the proposal's items are or become, and nothing of its money
    ("still the 1.5 liters one, right?"): a check, whose values are no correction of the proposal."""
    asked = _questions(text)
    return bool(asked) and all(
        supposes_items(q, items) and not _amounts(q) and not payment_mention(q) and not _ASKS_TO_BE_TOLD.search(q)
        for q in asked
    )


def _headline(preview: dict[str, Any]) -> Decimal | None:
    """The proposal's own total: the refund it makes, else the first sum its summary names."""
    refund = preview.get("refund")
    if isinstance(refund, dict) and refund.get("amount") is not None:
        return Decimal(str(refund["amount"])).quantize(Decimal("0.01"))
    found = _amounts(str(preview.get("summary") or ""))
    return found[0].quantize(Decimal("0.01")) if found else None


def _figures(preview: dict[str, Any]) -> set[Decimal]:
    shown = " ".join([str(preview.get("summary") or ""), *(str(line) for line in preview.get("details") or [])])
    return {a.quantize(Decimal("0.01")) for a in _amounts(shown)}


def _label(method_id: str, methods: list[dict[str, Any]]) -> str:
    for method in methods:
        if str(method.get("id")) == method_id and method.get("label"):
            return str(method["label"])
    return ""


def _label_with_kind(method_id: str, methods: list[dict[str, Any]]) -> str:
    """The method's words with what kind of method it is where the words do not say it: "is the mastercard my
    credit card?" is answered by the kind, which "mastercard ending 4971" alone leaves the customer to guess."""
    label = _label(method_id, methods)
    kind = next((str(m.get("kind") or "") for m in methods if str(m.get("id")) == method_id), "")
    if label and kind == "credit_card" and "card" not in label.lower():
        return _("{method}, a credit card", method=label)
    return label


def _the_one_shown(preview: dict[str, Any], methods: list[dict[str, Any]]) -> str:
    """The one method of the customer's the proposal's lines name (a cancellation refunds to what the order was paid
    with, and its arguments do not name it); none when they name none or several."""
    shown = " ".join(str(line) for line in preview.get("details") or [])
    named = {str(m.get("id")) for m in methods if m.get("label") and str(m["label"]) in shown}
    return named.pop() if len(named) == 1 else ""


def proposed_method(preview: dict[str, Any], methods: list[dict[str, Any]]) -> str:
    """The customer's own words for the method the proposal pays or refunds with ("visa ending 4321"), or ""."""
    chosen = str((preview.get("args") or {}).get("payment_method_id") or "") or _the_one_shown(preview, methods)
    return _label(chosen, methods) if chosen else ""


def _check_amount(question: str, preview: dict[str, Any], method_checked: bool) -> FactCheck | None:
    asked = [a.quantize(Decimal("0.01")) for a in _amounts(question)]
    total = _headline(preview)
    if not asked or total is None:
        return None
    currency = str((preview.get("refund") or {}).get("currency") or "") or None
    said = money(total, currency)
    other_currency = any(sign not in said for sign in _currency_said(question))
    if (
        _BOUND.search(question)
        or _EITHER.search(question)
        or any(a != total and a in _figures(preview) for a in asked)
        or other_currency
        or _qualified(question)
        or not _only_the_fact(question, method_checked)
    ):
        # A bound, another figure of the proposal (one item's price), another currency, or a condition or anything
        # else said beside the sum ("$52.01 as store credit?", "...each?"): the total is told, the yes waits.
        return FactCheck(None, "total", said)
    return FactCheck(all(a == total for a in asked), "total", said)


def _check_method(question: str, preview: dict[str, Any], methods: list[dict[str, Any]]) -> FactCheck | None:
    mention = payment_mention(question)
    chosen = str((preview.get("args") or {}).get("payment_method_id") or "") or _the_one_shown(preview, methods)
    if not mention or not chosen:
        return None
    label = _label_with_kind(chosen, methods)
    if not label:
        return None
    if (
        mention.get("original")
        or _EITHER.search(question)
        or _qualified(question)
        or not _only_the_fact(question)
        or (preview.get("action") == "modify_order_payment" and _GOES_BACK.search(question))
    ):
        # "The one I paid with?", "paypal or the gift card?", or where a payment change refunds the old payment:
        # told, not decided here.
        return FactCheck(None, "method", label)
    meant = {str(m.get("id")) for m in matching_methods(methods, mention)}
    if meant == {chosen}:
        return FactCheck(True, "method", label)
    if meant and chosen not in meant:
        return FactCheck(False, "method", label)
    return FactCheck(None, "method", label)


def _methods_shown(preview: dict[str, Any], methods: list[dict[str, Any]]) -> list[str]:
    """The customer's methods the proposal's lines name, in the order they are shown."""
    shown = " ".join(str(line) for line in preview.get("details") or [])
    named = [(shown.find(str(m["label"])), str(m["label"])) for m in methods if m.get("label")]
    return [label for at, label in sorted(named) if at >= 0]


def _names_a_method(question: str) -> bool:
    return bool(payment_mention(question) or _METHOD_WORDS.search(_MONEY.sub(" ", question)))


def check_facts(
    text: str, preview: dict[str, Any], methods: list[dict[str, Any]], items: tuple[ProposedItem, ...] = ()
) -> list[FactCheck] | None:
    """Each question of the message read against the proposal, or None when one of them is no check of its facts.

    A method named beside the sum is part of what the customer supposes: when the proposal has no one method to
    read it against (a cancellation refunding two payments, "4417" matching none of theirs), the sum is not told
    as checked either, and the methods the proposal does name are told ("$80 back to my paypal? yes" to $30 on a
    gift card and $50 on a visa is no yes)."""
    if not checks_the_proposal(text, items):
        return None
    checks: list[FactCheck] = []
    for question in _questions(text):
        if asks_to_undo(question):
            # "Can I undo it if I change my mind?": told from the act, and no yes stands on it (it asks to be told).
            final = undo_answer(question, preview)
            if final is None:
                return None
            checks.append(FactCheck(final[1], final[0], final[2]))
            continue
        if supposes_reach(question):
            # "This only cancels that one order?", "it's cancelled right away?": what the act reaches, and when.
            reach = reach_holds(question, preview)
            if reach is None:
                return None
            checks.append(FactCheck(reach[1], reach[0], reach[2]))
            continue
        if not _amounts(question) and not payment_mention(question):
            # "Still the 1.5 liters one, right?": what the proposal makes of its items, told from its own lines.
            checks.append(FactCheck(item_holds(question, items), "items", shown_lines(items)))
            continue
        method = _check_method(question, preview, methods)
        named = _names_a_method(question)
        found = [c for c in (_check_amount(question, preview, method is not None or not named), method) if c]
        if not found:
            return None
        if named and method is None:
            shown = _methods_shown(preview, methods)
            if len(shown) > 1:
                found.append(FactCheck(None, "methods", ", ".join(shown)))
            elif shown:
                found.append(FactCheck(None, "method", shown[0]))
        checks.extend(found)
    return checks


def yes_beside_the_questions(text: str, action: str) -> bool:
    """What the message says besides its questions gives the yes, unheld ("...? then yes, go ahead")."""
    asked = set(_questions(text))
    rest = " ".join(_LEADS_ON.sub("", s) for s in _parts(text) if s not in asked)
    return (
        bool(rest.strip())
        and not puts_off(text)
        and not turns_down(text, action)
        and gives_a_yes(rest, action)
        and not holds_back(rest, action)
    )


def yes_stands(text: str, action: str, checks: list[FactCheck] | None) -> bool:
    """A yes given on checks of the proposal that all come out as the customer supposed: a yes to what was shown."""
    return bool(checks) and all(c.holds is True for c in checks or []) and yes_beside_the_questions(text, action)

"""Reading what the customer named against what the tools returned: items, variants, payment methods, codes.

Pure functions over the tools' JSON (order_view, product_view, customer_view), so the dialogue policy stays a
sequence of decisions and these rules can be tested on their own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from graph.nlu.entities import extract_options
from graph.nlu.option_words import reads_german, value_spans, values_in_english
from graph.nlu.payment_words import METHOD_NAMES
from graph.nlu.product_types import type_words
from graph.nlu.segment import sentences
from knowledge.catalog import COLOUR_FAMILIES

# How alike a phrase is to each of some names (cosine of sentence embeddings): the last resort of grounding.
Similarity = Callable[[str, list[str]], list[float]]
# A name is meant by a phrase that no word of it matches when it is this alike and clearly more than the next one.
SIMILAR_ENOUGH = 0.5
SIMILAR_MARGIN = 0.08

# ------------------------------------------------------------------------------------------------ payment methods

_PAYMENT_WORDS = re.compile(rf"\b({METHOD_NAMES})\b", re.IGNORECASE)
# A card that is a thing, by the word before it: a storage or SIM card ("SD", "CF", "XQD"), or a kind of card no one
# pays with. (Banks' short names are cards to pay with: "EC-Karte", "HSBC card".)
_OTHER_CARD = re.compile(
    r"\b(?:micro\s?-?sd|sd|cf|cfexpress|xqd|mmc|sim|memory|storage|graphics|video|sound|network|greeting|birthday"
    r"|business|loyalty|library|key|playing|trading|index|flash|speicher|grafik)[\s-]?$",
    re.IGNORECASE,
)
# "Ending in 8512"; "ending in 1675628" reads the digits of an account id, whose last four are the card's.
# German says the same as "mit (der) Endung 8512", "endet auf 8512", "die auf 8512 endet".
_LAST_FOUR = re.compile(
    r"\b(?:ending|ends|endung|endet)\s+(?:in\s+|with\s+|auf\s+|mit\s+)?\d*(\d{4})\b|\bauf\s+\d*(\d{4})\s+endet\b",
    re.IGNORECASE,
)
_BRANDS = {"visa": "visa", "mastercard": "mastercard", "master card": "mastercard", "amex": "amex"}
_BRANDS |= {"american express": "amex", "discover": "discover"}
# Words just before a method that turn it away: "not PayPal", "instead of my visa", "rather than the card", and the
# verbs that leave one out ("skip the visa", "avoid paypal", "without the gift card", "ohne PayPal").
_REFUSED_METHOD = re.compile(
    r"\b(?:not|no|never|instead\s+of|rather\s+than|other\s+than|except|anything\s+but|apart\s+from|besides"
    r"|skip(?:ping)?|avoid(?:ing)?|exclud(?:e|ing)|without|minus|but\s+not|steer\s+clear\s+of|stay\s+away\s+from"
    r"|forget(?:\s+about)?|drop|ditch|scrap|cut|nix"
    r"|nicht|kein(?:e|en)?|statt|au(?:ß|ss)er|ohne"
    # "I don't want paypal", "we'd rather not use the visa": the method named as the one not to use.
    r"|(?:don'?t|do\s+not|not|never|won'?t|can'?t|cannot)\s+(?:want(?:\s+to\s+(?:use|pay\s+with))?|use|like|pay\s+with"
    r"|charge|bill|touch|put\s+(?:it|this|that|anything)\s+on))\s+"
    r"(?:(?:to|on|onto|with|via|through|the|my|your|that|this|auf|die|meine[rn]?)\s+){0,2}$",
    re.IGNORECASE,
)
# Words just after a method that say it cannot pay: "paypal is maxed out", "my visa got declined", "the gift card
# doesn't work anymore". Only linking words between: "paypal because the visa is expired" refuses the visa only.
_REFUSED_AFTER = re.compile(
    r"^(?:\s+(?:card|account|balance|ending\s+\d+|is|was|has|have|had|got|gets|keeps|kept|been|getting|just|already"
    r"|now|always|totally|completely|also|still|again))*\s+(?:expired|maxed\s+out|declined|blocked|off[\s-]limits"
    # Left out of it: "leave the visa out of this", "keep paypal out", "lass PayPal weg".
    r"|out(?:\s+of\s+(?:it|this|that))?(?=\s*(?:[,.;!?]|$|please|pls|and|but|thanks))|weg|raus|aus\s+dem\s+spiel|(?:doesn'?t|does\s+not|won'?t|isn'?t|is\s+not)"
    r"\s+(?:work\w*|go\s+through)|no\s+longer\s+work\w*|abgelaufen|gesperrt)\b",
    re.IGNORECASE,
)


# A method by the id the shop's records give it ("credit_card_4142574"): a customer reading from their account page.
_METHOD_ID = re.compile(r"\b(credit[_ ]card|gift[_ ]card|paypal)[_ ](\d{5,})\b", re.IGNORECASE)
# "My other card", "a different credit card": a method of this kind, but not the one just proposed or used.
_OTHER_METHOD = re.compile(
    r"\b(?:other|another|different|second|separate|andere[nmr]?|zweite[nmr]?)\s+"
    r"(?:(?:credit|debit)\s*)?(?:cards?|karten?|kreditkarten?)\b",
    re.IGNORECASE,
)
# A brand or card word just before "ending ...": the refusal is read before it ("not the mastercard ending 2340").
_CARD_BEFORE_DIGITS = re.compile(
    r"(?:\b(?:visa|master\s?card|amex|discover|credit\s+card|debit\s+card|card)\s*)+$", re.IGNORECASE
)


_NOT_A_CARD_BEFORE = re.compile(r"\b(?:order|subscription|number|zip|phone)\s+(?:#?\w+\s+)?$", re.IGNORECASE)
# Where a bare "card" sends money ("to my card", "use a card"): without such words "I got a new card" names none.
DIRECTS_MONEY = re.compile(
    r"\b(?:to|on|onto|use|using|with|via|charge|back\s+to|auf|mit)\s+(?:my|the|a|meine?)?\s*(?:credit\s+|debit\s+)?"
    r"(?:card|karte|kreditkarte)\b",
    re.IGNORECASE,
)


def _refused(text: str, start: int, end: int | None = None) -> bool:
    """The method at text[start:end] is turned away: by a no before it, or (with `end`) by what is said of it after."""
    if _REFUSED_METHOD.search(text[max(0, start - 30) : start]):
        return True
    return end is not None and bool(_REFUSED_AFTER.search(text[end : end + 60]))


# Asking which others there are, rather than choosing another one ("which other cards?", "what other ones do I have?").
_ASKS_WHICH_OTHER = re.compile(
    r"\b(?:which|what|any|other|else|welche\w*|andere\w*)\b[^.!?]*\?",
    re.IGNORECASE,
)


def refused_methods(text: str) -> list[dict[str, str]]:
    """The methods the message turns away ("not the visa", "I don't want paypal"), each as payment_mention says it."""
    found = []
    for match in _PAYMENT_WORDS.finditer(text):
        if _refused(text, match.start(), match.end()) and (named := _named_payment_method(match.group(0))):
            found.append(named)
    return found


def refuses_a_method(text: str) -> bool:
    """The message names a payment method only to turn it away ("I don't want paypal", "not the visa", "my
    mastercard is maxed out"): no choice of it, and a question beside it asks which other ones there are."""
    named = [m for m in _PAYMENT_WORDS.finditer(text)]
    return any(_refused(text, m.start(), m.end()) for m in named)


# The method the order was paid with, named by that relation rather than by its kind or digits: "the original payment
# method", "same card as I paid with", "whatever I paid with", "the account I used", "where the money came from",
# "die ursprüngliche Zahlungsart", "mit der ich bezahlt habe". Not "how I paid" (the way of paying is asked about),
# nor "the one I used" alone (an item can be that).
_PAID = r"(?:i|we)\s+(?:originally\s+|first\s+|initially\s+|had\s+|actually\s+)?(?:paid|payed)\b"
_THE_ORIGINAL = re.compile(
    r"\b(?:original|initial|same|usual|ursprünglich\w*|gleiche[nmr]?|selbe[nmr]?)\s+"
    r"(?:payment\s+(?:method|option|card|account)|method(?:\s+of\s+payment)?|form\s+of\s+payment|card|account"
    r"|zahlungs\w+|karte|konto)\b"
    rf"|\b(?:what(?:ever)?|which(?:ever)?|the\s+(?:one|way)|(?:the\s+)?same(?:\s+(?:one|way))?(?:\s+(?:as|that))?)\s+{_PAID}"
    rf"|\b(?:card|method|account)\s+(?:that\s+|which\s+)?(?:{_PAID}|(?:i|we)\s+used\b(?!\s+to\s+(?!pay)))"
    r"|\b(?:i|we)\s+used\s+(?:to\s+pay|for\s+(?:the\s+)?(?:payment|order|purchase))\b"
    r"|\b(?:where|wherever)\s+(?:the\s+money|the\s+payment|my\s+money)\s+came\s+from\b"
    r"|\b(?:womit|mit\s+(?:der|dem|denen)|so\s+wie)\s+ich\s+(?:\w+\s+){0,3}?(?:bezahlt|gezahlt)\b",
    re.IGNORECASE,
)
# Said in answer to our question which method to use, a bare sameness names the one paid with too: "the original
# one", "same as before", "dieselbe wie beim Kauf".
_THE_ORIGINAL_WHEN_ASKED = re.compile(
    r"\b(?:original(?:ly)?|same|usual|ursprünglich\w*|dieselbe|derselben|die\s+gleiche"
    r"|wie\s+(?:bisher|vorher|beim\s+kauf|immer))\b",
    re.IGNORECASE,
)


# A verb that chooses a method ("use the other card", "put it on", "charge", "pay with", "nimm die andere Karte").
_CHOOSES = re.compile(
    r"\b(?:use|using|take|put\s+it\s+on|charge|pay\s+with|switch\s+to|go\s+with|nimm|nehmen?|verwende\w*"
    r"|benutze\w*)\b",
    re.IGNORECASE,
)


def _chooses(text: str) -> bool:
    """A method is chosen in a sentence that asks nothing ("use the other card."; not "which cards can I use?")."""
    return any(_CHOOSES.search(part) for part in re.findall(r"[^.!?]+[.!?]*", text) if "?" not in part)


def payment_mention(text: str, asked: bool = False) -> dict[str, str] | None:
    """The payment method the message names: {"kind": ...} and maybe {"id": ...}, {"brand": ...},
    {"last_four": ...} or {"other": "1"} (another one of that kind than the one in play); or {"original": "1"}, the
    one the order was paid with ("same as I paid with"), which the caller resolves against the order. With `asked`
    (we asked which method to use), a bare "the original one" names it too. A method named by its kind, brand or
    digits comes before the relation, unless it says no more than "card" ("the card I paid with")."""
    named = _named_payment_method(text)
    if (
        named == {"kind": "credit_card", "other": "1"}
        and refuses_a_method(text)
        and _ASKS_WHICH_OTHER.search(text)
        and not _chooses(text)
    ):
        # "Not the visa. Which other cards?": the other ones are asked for beside the one turned away, none chosen.
        # ("Not my visa, use the other card. Which one is that?" chooses it, and asks which it is.)
        return None
    if named is not None and named != {"kind": "credit_card"}:
        return named
    relations = (_THE_ORIGINAL, _THE_ORIGINAL_WHEN_ASKED) if asked else (_THE_ORIGINAL,)
    if _NOT_THE_ORIGINAL.search(text):
        return named  # "not on the card I paid with", "the original one is expired", "the card of my other order"
    if any(not _refused(text, m.start()) for relation in relations for m in relation.finditer(text)):
        return {"original": "1"}
    return named


# What turns the relation away or points it elsewhere: a no anywhere before it in the clause, another one wanted, a
# method that no longer works, another order's or person's method.
_NOT_THE_ORIGINAL = re.compile(
    r"\b(?:not|don'?t|do\s+not|never|rather\s+not|instead\s+of|nicht|kein\w*)\b[^.!?;,]{0,40}?"
    r"\b(?:original|same|paid|used|ursprünglich\w*|gleiche|bezahlt)"
    r"|\b(?:expired|cancel(?:l)?ed|closed|blocked|lost|stolen|abgelaufen|gesperrt)\b"
    r"|\b(?:another|other|different)\s+(?:one|card|method|order)\b|\banderen?\b"
    r"|\bsame\s+(?:card|method|account|one)\s+as\s+(?:my|her|his)\s+(?!order\b|purchase\b)\w+",
    re.IGNORECASE,
)


def _named_payment_method(text: str) -> dict[str, str] | None:
    for match in _METHOD_ID.finditer(text):
        if not _refused(text, match.start(), match.end()):
            kind = match.group(1).lower().replace(" ", "_")
            return {"kind": kind, "id": f"{kind}_{match.group(2)}"}
    found: dict[str, str] = {}
    for last in _LAST_FOUR.finditer(text):
        if re.search(
            r"\b(?:order|subscription|number|zip|phone)\s+(?:#?\w+\s+)?$", text[: last.start()], re.IGNORECASE
        ):
            continue  # "my order ending in 4567": no card
        before = _CARD_BEFORE_DIGITS.sub("", text[: last.start()].rstrip())
        if not _refused(before, len(before)):
            found = {"kind": "credit_card", "last_four": last.group(1) or last.group(2)}
            break
    if (other := _OTHER_METHOD.search(text)) and not found and not _refused(text, other.start()):
        found = {"kind": "credit_card", "other": "1"}
    for match in _PAYMENT_WORDS.finditer(text):
        if _refused(text, match.start(), match.end()):
            continue  # "to my gift card, not PayPal": the method named to be avoided is not the one asked for
        word = " ".join(match.group(1).lower().split())
        if word in ("card", "karte") and _OTHER_CARD.search(text[: match.start()]):
            continue  # "the CF card storage", "a memory card": a thing sold, not a way to pay
        if word in ("paypal", "pay pal"):
            return {"kind": "paypal"}
        if word.replace(" ", "") in ("giftcard", "geschenkkarte", "geschenkgutschein"):
            # "The gift card ending 1047": its digits stay with it.
            return {"kind": "gift_card", **({"last_four": found["last_four"]} if found.get("last_four") else {})}
        if word in _BRANDS:
            found = {**found, "kind": "credit_card", "brand": _BRANDS[word]}
        else:
            found.setdefault("kind", "credit_card")
    return found or None


def matching_methods(
    methods: list[dict[str, Any]],
    mention: dict[str, str],
    in_play: set[str] | frozenset[str] = frozenset(),
    original: str | None = None,
) -> list[dict[str, Any]]:
    """The customer's methods the mention can mean; `in_play` are the ones already proposed or used, which "my other
    card" rules out; `original` is the one the order was paid with, which "the one I paid with" means."""
    if mention.get("id"):
        return [m for m in methods if str(m.get("id", "")).lower() == mention["id"]]
    if mention.get("original"):
        return [m for m in methods if original and m.get("id") == original]
    chosen = [m for m in methods if m.get("kind") == mention.get("kind")]
    if mention.get("other"):
        chosen = [m for m in chosen if m.get("id") not in in_play]
    if mention.get("brand"):
        chosen = [m for m in chosen if str(m.get("brand", "")).lower() == mention["brand"]]
    if mention.get("last_four"):
        by_digits = [m for m in methods if str(m.get("last_four", "")) == mention["last_four"]]
        chosen = [m for m in chosen if m in by_digits]
        if not chosen and not mention.get("brand") and not mention.get("other"):
            # "The one ending 1047", "the card ending 1047": the digits say which method better than the card kind
            # guessed from them (a gift card shows its digits too).
            chosen = by_digits
    return chosen


def original_payment_method(order: dict[str, Any]) -> str | None:
    payments = order.get("payment_history") or []
    return next((p.get("payment_method_id") for p in payments if p.get("transaction_type") == "payment"), None)


def current_payment_method(order: dict[str, Any]) -> str | None:
    """The method the order's money sits on now: the last payment not refunded since (after a change of payment
    method, the new one), else the original one."""
    held = paid_methods(order)
    payments = [p for p in order.get("payment_history") or [] if p.get("transaction_type") == "payment"]
    latest = next(
        (str(p.get("payment_method_id")) for p in reversed(payments) if p.get("payment_method_id") in held), None
    )
    return latest or original_payment_method(order)


def paid_methods(order: dict[str, Any]) -> set[str]:
    """The methods with money still on the order (payments net of refunds)."""
    net: dict[str, float] = {}
    for payment in order.get("payment_history") or []:
        sign = 1 if payment.get("transaction_type") == "payment" else -1
        method = str(payment.get("payment_method_id"))
        net[method] = net.get(method, 0.0) + sign * float(payment.get("amount") or 0)
    return {method for method, amount in net.items() if amount > 0.005}


# ------------------------------------------------------------------------------------------------------ vouchers

_CODE_AFTER_WORD = re.compile(
    r"\b(?:code|voucher|coupon|promo)\s*(?:code\s*)?(?:is\s+)?[:\"'“]?\s*([A-Za-z0-9][A-Za-z0-9-]{3,})", re.IGNORECASE
)
_CODE_SHAPE = re.compile(r"\b([A-Z]{2,}[A-Z0-9]*\d[A-Z0-9]*|[A-Z]{2,}-[A-Z0-9]{3,})\b")
_ORDER_LIKE = re.compile(r"^#?W?\d{4,8}$", re.IGNORECASE)
_NOT_CODES = frozenset({"valid", "still", "work", "works", "working", "expired", "code", "for", "the", "that", "this"})


def voucher_code(text: str) -> str | None:
    for match in _CODE_AFTER_WORD.finditer(text):
        code = match.group(1)
        if code.lower() not in _NOT_CODES and not _ORDER_LIKE.match(code) and any(c.isdigit() for c in code):
            return code.upper()
        if code.isupper() and code.lower() not in _NOT_CODES and len(code) >= 4:
            return code
    for match in _CODE_SHAPE.finditer(text):
        if not _ORDER_LIKE.match(match.group(1)):
            return match.group(1)
    return None


# ------------------------------------------------------------------------------------------------------ goodwill

GOODWILL_CUE = re.compile(
    r"\b(voucher|compensat\w*|credit|goodwill|discount|something\s+for|make\s+(?:it\s+)?up|gesture|coupon"
    r"|gutschein\w*|rabatt\w*|entschädigung|kulanz\w*)\b",
    re.IGNORECASE,
)
# What a goodwill ask is for, where no reason the profile knows is named: the trouble, compensation ("a coupon for the
# hassle", "a voucher as compensation", "einen Gutschein für den Ärger"). (A discount on a next order alone may ask
# about promotions: not read as goodwill.)
_FOR_THE_TROUBLE = re.compile(
    r"\b(?:for\s+(?:the|all\s+(?:the|this|that)|my|this|that)\s+(?:trouble|hassle|inconvenience|bother|nuisance|wait)"
    r"|(?:as|in|by\s+way\s+of)\s+(?:a\s+)?compensation|to\s+make\s+up\s+for"
    r"|für\s+(?:den|die|das|diesen|diese)\s+(?:ärger|umstände|aufwand|unannehmlichkeiten|mühe)|als\s+entschädigung)\b",
    re.IGNORECASE,
)


def asks_for_goodwill(text: str, reasons: list[str]) -> bool:
    """A coupon, voucher, discount or compensation asked for a reason the profile knows or for the trouble."""
    return bool(GOODWILL_CUE.search(text)) and bool(goodwill_reason(text, reasons) or _FOR_THE_TROUBLE.search(text))


_PACKAGING = re.compile(r"\b(box|packag\w*|parcel|package)\b", re.IGNORECASE)


def goodwill_reason(text: str, reasons: list[str]) -> str | None:
    """The profile's goodwill reason the message gives, if any."""
    if "late_delivery" in reasons or re.search(r"\b(late|delayed|took\s+(?:so|too)\s+long)\b", text, re.IGNORECASE):
        return "late delivery"
    if "damaged" in reasons and _PACKAGING.search(text):
        return "damaged packaging"
    if "not_received" in reasons or re.search(r"\bmissing\b", text, re.IGNORECASE):
        return "missing item"
    return None


# ------------------------------------------------------------------------------------------------- items, variants


def _stem(word: str) -> str:
    word = word.lower().strip(".,!?()'\"")
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.split(r"[\s/()-]+", text) if len(w) > 1}


def _item_key(item: dict[str, Any]) -> Any:
    return item.get("item_id") or item.get("product_id") or item.get("name")


def matching_items(
    items: list[dict[str, Any]], mentions: list[str], similar: Similarity | None = None
) -> list[dict[str, Any]]:
    """The order's items (one per variant: several units of one are one choice) the mentions name, by product name
    and then by the options said when two items share a name ("the portable grill"); every item when the order
    holds a single one."""
    distinct = list({_item_key(item): item for item in reversed(items)}.values())[::-1]
    if len(distinct) == 1:
        return distinct
    text = " , ".join(mentions)
    chosen = _measured_like(named_items(distinct, text, [m for m in mentions if len(m.split()) <= 4], similar), text)
    kept: list[dict[str, Any]] = []
    for name in dict.fromkeys(str(item.get("name")) for item in chosen):
        # Two items of one name: the options said tell them apart ("the portable grill"), or both stay.
        group = [item for item in chosen if str(item.get("name")) == name]
        # Each described in a part of its own ("the red one to blue, and the black one in white"): all of them.
        units = [unit for unit, _ in described_units(group, text)] if len(group) > 1 else []
        kept += (units or by_options(group, text) or group) if len(group) > 1 else group
    return [item for item in chosen if item in kept]


def _units_said(text: str, options: dict[str, Any]) -> int:
    """How many of an item's options the message gives a value for in that option's own unit ("30MP" for a
    resolution of 24MP, "5x" for a zoom of 3x, "9 bar" for a pressure of 19 bar)."""
    count = 0
    for value in options.values():
        quantity = _QUANTITY.match(str(value).strip())
        if quantity is None:
            continue
        pattern = _value_pattern(str(value)).replace(re.escape(quantity.group(1)), r"\d+(?:\.\d+)?", 1)
        count += bool(re.search(pattern, text, re.IGNORECASE))
    return count


def _measured_like(items: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Of items the same words name ("the camera": an Action Camera and a Digital Camera), the one whose options the
    values said are measured in ("30MP with 5x zoom" is a resolution in MP and a zoom in x: the Digital Camera's, not
    the 4K Action Camera's). All of them when the values fit none, or fit two alike."""
    names = list(dict.fromkeys(str(item.get("name")) for item in items))
    if len(names) < 2 or len({frozenset(_name_match(text, name)[1]) for name in names}) > 1:
        return items
    counts = {
        name: max(_units_said(text, i.get("options") or {}) for i in items if i.get("name") == name) for name in names
    }
    best = max(counts.values())
    if not best or list(counts.values()).count(best) > 1:
        return items
    return [item for item in items if counts[str(item.get("name"))] == best]


# Where the customer turns from the item they have to the one they want ("the 60% one, I want it in 80%", "the white
# one to RGB"): options said after it describe the wanted item, not theirs.
# ("Instead of" and "rather than" turn away from what follows: "mesh instead of leather/EVA" names theirs after it.)
_WANTED = re.compile(
    r"\b(?:to|into|instead(?!\s+of\b)|for\s+(?:a|an|the|one|another)|i\s+(?:want|need|would\s+like)|i'd\s+like"
    r"|i'd\s+prefer|make\s+it|rather(?!\s+than\b)|but\s+(?:in|with)|becomes?|should\s+(?:be|get|have|come)|needs?\s+to\s+be|gets?|goes)\b"
    r"|->|=>|→",
    re.IGNORECASE,
)


def _said_words(text: str, german: bool | None = None) -> set[str]:
    """The words of a message as option values are looked for in them, a value said in the customer's language
    ("die weiße", "aus Glas") as the catalogue's English words for it (`german`: the whole message is German)."""
    return set(_name_tokens(text)) | {t for value in values_in_english(text, german) for t in _name_tokens(value)}


def _value_said(value: Any, said: set[str]) -> bool:
    """An option value in the customer's words: all its words ("RGB", "60%", "stainless steel"), or the colour it is
    a shade of ("blue" for "Cobalt")."""
    words = set(_name_tokens(str(value)))
    if words and words <= said:
        return True
    # A size by its letters or in words: "M" is "medium", "XL" "extra large".
    if any(set(name.replace("-", " ").split()) <= said for name in _SIZE_NAMES.get(str(value).lower(), ())):
        return True
    return any(words & set(_COLOUR_FAMILIES.get(word, "").split()) for word in said)


# "A 15 bar manual one with 1L capacity", "another one in blue": a thing not had yet, to the end of its clause, is
# the wish, not a unit of theirs. The wish goes on past a comma while what follows points at nothing of theirs and
# starts nothing new ("an orange one, 20 hours if possible", "a black one, ideally with the longer battery"); a part
# that opens on a unit ("..., the green one stays") or a new clause ("..., and", "..., I'd") ends it.
_CLAUSE_GOES_ON = r"(?:(?!\b(?:and|but|while|whereas|plus)\b)[^,.;!?])*"
_NOTHING_NEW = (
    r"(?!\s*(?:the|my|that|this|these|those|mine|its?|i|i'?[dm]|i'?ll|you|we|they|and|but|or|while|whereas|plus|then|so"
    r"|because|since|as|also|one|ones|other)\b)"
)
_A_NEW_ONE = re.compile(
    rf"\b(?:a|an|another)\s+(?:[\w.%-]+\s+){{0,5}}?ones?\b{_CLAUSE_GOES_ON}(?:,{_NOTHING_NEW}{_CLAUSE_GOES_ON})*",
    re.IGNORECASE,
)


def by_options(items: list[dict[str, Any]], text: str, before_a_wish: bool = False) -> list[dict[str, Any]]:
    """Of items alike by name, the one the options said describe ("the 60% one with the RGB backlight"): the values
    said that not all of them share, read up to where the message turns to what is wanted; the one with most of
    them. None when the options said do not tell them apart. `before_a_wish`: only the words before a wish that
    follows them describe (the values wished for are another item's, maybe, not theirs)."""
    values = [(item, (item.get("options") or {}).values()) for item in items]
    # "Swap it for a 1L manual one": what "a ... one" is, is wished for, not theirs (spaces keep the places).
    text = _A_NEW_ONE.sub(lambda found: " " * len(found.group()), text)
    shared = {str(v).lower() for v in set.intersection(*(set(map(str, vs)) for _, vs in values))} if values else set()
    # German value words are values in a German message, judged on the whole of it, not a part or a word.
    german = reads_german(text)

    def count(part: str) -> list[int]:
        said = _said_words(part, german)
        return [sum(_value_said(v, said) for v in vs if str(v).lower() not in shared) for _, vs in values]

    # Up to the first turn to a wish after an option was said; then the whole message.
    # Where the first of their values is said (a colour word for its shade too).
    said_at = (
        m.start()
        for m in re.finditer(r"[^\s,.!?;:()]+", text)
        if any(
            _value_said(v, _said_words(m.group(), german)) for _, vs in values for v in vs if len(str(v).split()) == 1
        )
    )
    # With `before_a_wish`, a wish said before any option ("I'd like the IPX7 version instead") leaves nothing of
    # theirs described: the turn is looked for from the start.
    first = 0 if before_a_wish else next(said_at, len(text))
    turn = _WANTED.search(text, first)
    if before_a_wish and not turn:
        return []
    for part in (text[: turn.start()],) if before_a_wish and turn else (text[: turn.start()] if turn else text, text):
        counts = count(part)
        best = max(counts, default=0)
        if best and counts.count(best) == 1:
            return [items[counts.index(best)]]
    return []


# Where the words about one unit end and those about the next may begin: a sentence's end, a comma, or a joining word
# before words that name a unit again ("..., and the black one I'd like in blue", "while the other").
_UNIT_BREAK = re.compile(
    r"[.;:!?]+(?:\s+|$)|,\s*(?:(?:and|but|while|whereas|plus)\s+)?"
    r"|\s+(?:and|but|while|whereas|plus)\s+(?=(?:the|my|that|this|one|for|as|then)\b)",
    re.IGNORECASE,
)


_POINTS_AT_A_UNIT = re.compile(r"\b(?:the|my|that|this|one|ones|mine)\b", re.IGNORECASE)


def _first_described(units: list[dict[str, Any]], clause: str) -> list[dict[str, Any]]:
    """The unit whose own option value the clause says first, when only that unit has it ("the black one green":
    black, whatever colour it is to become)."""
    own = [{str(v).lower() for v in (u.get("options") or {}).values()} for u in units]
    for match in re.finditer(r"[^\s,.!?;:()]+", clause):
        said = set(_name_tokens(match.group()))
        having = [u for u, values in zip(units, own, strict=True) if any(_value_said(v, said) for v in values)]
        if len(having) == 1 and len(units) > 1:
            return having
    return []


def described_units(units: list[dict[str, Any]], text: str) -> list[tuple[dict[str, Any], str]]:
    """Units of one product in different options, each described in its own part of the message by the options it
    has now, with the words about it: from its description to the next unit's ("the green one should become red
    with the longer battery, and the black one I'd like in blue" gives the green unit "the green one should become
    red with the longer battery"). Each part is read up to where it turns to the wish, so a wished value that is
    another unit's own ("the green one should become black") describes nothing. Empty unless it describes at
    least two units."""
    distinct = list({_item_key(u): u for u in units}.values())
    if len(distinct) < 2:
        return []
    parts: list[tuple[dict[str, Any], str]] = []
    for clause in _UNIT_BREAK.split(text):
        if not clause.strip():
            continue
        # Only words that point at a thing describe a unit ("the navy one", "my black one"); "in white please"
        # goes on with the wish.
        # "I'd like it as a 15 bar manual one with 1L capacity" points at none: the one it names is the wish.
        pointing = _POINTS_AT_A_UNIT.search(_A_NEW_ONE.sub(" ", clause))
        described = (by_options(distinct, clause) or _first_described(distinct, clause)) if pointing else []
        if described and all(_item_key(described[0]) != _item_key(unit) for unit, _ in parts):
            parts.append((described[0], clause.strip()))
        elif parts:
            # Words about no unit in particular ("with the longer battery") go on about the one before.
            unit, said = parts[-1]
            parts[-1] = (unit, f"{said}, {clause.strip()}")
    return parts if len(parts) > 1 else []


_PLACES = {"first": 0, "top": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1, "bottom": -1}
_PLACES |= {"1st": 0, "2nd": 1, "3rd": 2, "4th": 3, "5th": 4, "final": -1}
# "The last one on that list", "the second item", "the first of them": a place in the list of items just shown.
_PLACE = re.compile(
    rf"\b({'|'.join(_PLACES)})\s+(?:one|item|thing|product|entry|line|(?:one\s+)?(?:on|in|of)\s+(?:the|that|this"
    r"|your)\s+list|of\s+(?:them|these|those)|listed)\b",
    re.IGNORECASE,
)
_OTHER_ONE = re.compile(r"\b(?:the\s+other\s+(?:one|item|\w+)?|the\s+other\b)", re.IGNORECASE)
# The other unit left as it is, or meant instead of the one proposed ("no, the other one"): not one to add.
_OTHER_LEFT_ALONE = re.compile(
    r"\b(?:stays?|leave|left|alone|keep|kept|as\s+it\s+is|untouched|don'?t|not|no)\b|^\s*no\b", re.IGNORECASE
)
_NOT_A_UNIT = frozenset({"day", "days", "time", "order", "orders", "week", "month", "way", "side"})
_CHEAPER = re.compile(r"\b(?:cheap(?:er|est)|less\s+expensive|least\s+expensive|lower\s+price)", re.IGNORECASE)
_DEARER = re.compile(
    r"\b(?:(?:more|most)\s+expensive|pricier|priciest|dearer|higher\s+price|expensive\s+one)", re.IGNORECASE
)
_PRICE = re.compile(r"(?<![\w.])\$?\s?(\d{1,6}(?:[.,]\d{2})?)(?![\w%])")


def described_items(
    candidates: list[dict[str, Any]], text: str, shown: list[dict[str, Any]], focus: str | None = None
) -> list[dict[str, Any]]:
    """The one of ``candidates`` (items of one order) the message describes without telling them apart by name: by
    the options said ("the RGB one"), by its place in the list ``shown`` ("the last one on that list"), by "the
    other one" than the item in ``focus``, or by its price ("the $54.99 one", "the cheaper one"). None otherwise."""
    if len(candidates) < 2:
        return []
    if found := by_options(candidates, text):
        return found
    ids = [item.get("item_id") for item in candidates]
    if place := _PLACE.search(text):
        index = _PLACES[place.group(1).lower()]
        listed = shown if any(item.get("item_id") in ids for item in shown) else candidates
        if -len(listed) <= index < len(listed):
            meant = listed[index]
            # A place among the candidates when the list shown holds another item there.
            if meant.get("item_id") in ids:
                return [meant]
            if -len(candidates) <= index < len(candidates):
                return [candidates[index]]
    if focus and _OTHER_ONE.search(text):
        others = [item for item in candidates if item.get("item_id") != focus]
        if len(others) == 1 and len(others) < len(candidates):
            return others
    prices = [float(item.get("price") or 0) for item in candidates]
    said = {float(m.group(1).replace(",", ".")) for m in _PRICE.finditer(text)}
    if said and len(by_price := [i for i, p in zip(candidates, prices, strict=True) if round(p, 2) in said]) == 1:
        return by_price
    for pattern, pick in ((_CHEAPER, min), (_DEARER, max)):
        if pattern.search(text) and prices.count(pick(prices)) == 1:
            return [candidates[prices.index(pick(prices))]]
    return []


# Words that point at one unit among alike ones: "one in red", "the first", "the other", "another".
_ONE_OF_THEM = re.compile(
    r"^\W*(?:(?:and|but|then|while|plus)\s+)?(?:one|the\s+(?:first|second|other)|another)\b", re.I
)


# What makes a clause about one unit a wish for its options: a value said with a preposition ("in vinyl", "to 50ft",
# "as a medium"), a word of an option, a colour, size or quantity; not "one for my son, the other for my daughter".
_WISHES_AN_OPTION = re.compile(
    r"\b(?:in|to|into|as)\s+(?!(?:the|my|your|our|a|an)\s+(?:box|bag|order|garage|house|car|mail|post|closet)\b)\w+"
    r"|\b(?:size|colou?r|material|length|capacity|style|version|model|finish|smaller|bigger|larger|longer|shorter"
    r"|xx?s|x{1,3}l|medium|small|large|extra\s+large)\b"
    r"|\b\d+(?:[.,]\d+)?\s?(?:ft|feet|inch(?:es)?|in|cm|mm|l|ml|gb|tb|oz|kg|lbs?)?\b",
    re.IGNORECASE,
)
# "One should be the wireless one": how a unit should be, said with a verb of being rather than a preposition.
_SHOULD_BE = re.compile(r"^\W*(?:should|needs?\s+to|has\s+to|must|ought\s+to)\s+be\s+(?:the\s+|an?\s+)?(\w+)", re.I)
# "The other as it is", "the other stays": a unit left as it is wishes nothing.
_UNIT_LEFT_AS_IT_IS = re.compile(
    r"\b(?:as\s+(?:it|they)\s+(?:is|are|was)|stays?|remains?|unchanged|the\s+same|alone|untouched|keep|kept)\b", re.I
)
_NO_OPTION_WORD = frozenset({"fine", "ok", "okay", "broken", "damaged", "mine", "for", "gift", "same", "one", "other"})


def wishes_per_unit(text: str, values: frozenset[str] = frozenset()) -> list[str]:
    """The parts of a message that each wish something for one of several units alike ("both hoses, one in vinyl and
    one in latex": "one in vinyl", "one in latex"), in the order said; empty unless there are two or more. `values`
    are the option values known for the item ("wired", "wireless"), for wishes said by the value alone ("one large,
    the other the wired one"). A clause that points at a unit without saying how it should be ("one is a gift, the
    other is mine", "the other as it is") wishes nothing."""
    known = {value.lower() for value in values}

    def wishes(clause: str) -> bool:
        rest = _ONE_OF_THEM.sub("", clause)
        if _UNIT_LEFT_AS_IT_IS.search(rest):
            return False
        said = set(re.findall(r"[\w-]+", rest.lower()))
        should = _SHOULD_BE.search(rest)
        return bool(
            _WISHES_AN_OPTION.search(rest)
            or extract_options(clause)
            or said & known
            or (should and should.group(1).lower() not in _NO_OPTION_WORD)
        )

    parts = [clause.strip() for clause in _UNIT_BREAK.split(text) if _ONE_OF_THEM.search(clause) and wishes(clause)]
    return parts if len(parts) > 1 else []


def the_other_unit(items: list[dict[str, Any]], text: str, in_play: list[str]) -> list[dict[str, Any]]:
    """The unit "the other one" means while items are in play ("and the other one in blue" after the red speaker was
    settled): the one unit of an in-play item's product that is not in play itself. None when the message does not
    say "the other", or when that leaves no single unit."""
    mention = _OTHER_ONE.search(text)
    said_of = mention.group(0).split()[-1].lower() if mention else ""
    if mention is None or _OTHER_LEFT_ALONE.search(text) or said_of in _NOT_A_UNIT:
        # "The other one stays as it is", "no, the other one", "the other day": no other unit to change too.
        return []
    names = {str(i.get("name")) for i in items if str(i.get("item_id")) in in_play}
    others = [i for i in items if str(i.get("name")) in names and str(i.get("item_id")) not in in_play]
    distinct = list({_item_key(i): i for i in others}.values())
    return distinct if len(distinct) == 1 else []


def item_segment(text: str, item: dict[str, Any], phrases: list[str], items: list[dict[str, Any]] | None = None) -> str:
    """The part of the message about this item when it names several ("the jacket in XL and the speaker in black":
    "jacket in XL" for the jacket): from the words naming it to the next item named. The whole message otherwise.

    Only phrases that name one of `items` (the order's) end a part: "mine is the purple crew neck, I'd like a red
    v-neck" describes the t-shirt, it does not start another item."""
    # Units of the item's product in other options: the words about this unit ("the red one to blue, and the black
    # one in white": "the red one to blue" for the red one).
    alike = [i for i in items or [] if str(i.get("name")) == str(item.get("name"))]
    own = (words for unit, words in described_units(alike, text) if _item_key(unit) == _item_key(item))
    return next(own, None) or _named_part(text, item, phrases, items)


_TRAILING_JOIN = re.compile(r"(?:[\s,;]+(?:and|but|while|whereas|plus)?)+\s*$", re.IGNORECASE)


def _named_part(text: str, item: dict[str, Any], phrases: list[str], items: list[dict[str, Any]] | None) -> str:
    lowered = text.lower()
    naming = [p for p in phrases if p and (items is None or named_items(items, p))]
    # The order's own item names said as they are ("Air purifier -> small room. Perfume -> woody") start parts too.
    naming += [str(i.get("name")) for i in items or [] if i.get("name") and str(i["name"]).lower() in lowered]
    starts = sorted({(lowered.find(p.lower()), p) for p in naming if lowered.find(p.lower()) >= 0})
    starts = sorted({*starts, *_head_nouns_said(text, items or [], starts)})
    if len(starts) < 2:
        return text
    # A part runs to the clause break before the next item named: the words after that break are said with the
    # next item ("the t-shirt in XL, and red for the speaker": "red for the speaker").
    bounds = [start for start, _ in starts]
    for index in range(1, len(starts)):
        named_end = starts[index - 1][0] + len(starts[index - 1][1])
        breaks = [m.end() for m in _UNIT_BREAK.finditer(text, named_end, starts[index][0])]
        bounds[index] = breaks[-1] if breaks else starts[index][0]
    parts = []
    for index, (_, phrase) in enumerate(starts):
        end = bounds[index + 1] if index + 1 < len(starts) else len(text)
        if named_items([item], phrase):
            parts.append(_TRAILING_JOIN.sub("", text[bounds[index] : end]).strip())
    return " ".join(parts) or text


def _head_nouns_said(text: str, items: list[dict[str, Any]], starts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Items named by the main word of their name alone ("bookshelf: glass, brown. mouse: white" names the Gaming
    Mouse by "mouse", "the shelf in glass" the Bookshelf): each such word starts the part about its item, unless a
    longer phrase already starts there. A word that is only a qualifier of the name ("gaming", "leather" of a Leather
    Jacket) starts nothing: said next to another item, it may be that item's option."""
    found = []
    for item in items:
        tokens = [t for t in _name_tokens(str(item.get("name") or "")) if t not in _WEAK_NAME_WORDS and len(t) > 2]
        if not tokens:
            continue
        head = tokens[-1]
        for match in re.finditer(r"[^\W\d_]{3,}", text):
            if any(start <= match.start() < start + len(phrase) for start, phrase in starts):
                continue
            word = match.group()
            if _name_match(word, head)[0] >= 1.0 and item in named_items(items, word):
                found.append((match.start(), word))
    return found


# Colours by family (a shop's shades for a customer's colour words): one table for the catalog's answers and here.
_COLOUR_FAMILIES = COLOUR_FAMILIES


def _same(value: Any, wanted: Any, loose: bool = False) -> bool:
    """Whether an option value is what the customer asked for: "US 10" is size 10, "Glacier Blue" is blue; loosely,
    a shade of the colour asked for ("Cobalt" for blue)."""
    have, want = str(value).strip().lower(), str(wanted).strip().lower()
    if have == want or want in have.split() or have.replace(" ", "") == want.replace(" ", ""):
        return True
    return loose and bool(set(re.split(r"[\s-]+", have)) & set(_COLOUR_FAMILIES.get(want, "").split()))


def wished_options(said: dict[str, Any], current: dict[str, Any]) -> dict[str, str]:
    """The options said that the item does not have already: a wish. Its own values ("keep my 1000ml one", "the blue
    one I have") describe what they have and wish for nothing."""
    theirs = {str(key).lower(): value for key, value in current.items()}
    return {
        str(key): str(value)
        for key, value in said.items()
        if str(key).lower() not in theirs or not _same(theirs[str(key).lower()], value)
    }


def matching_variants(
    product: dict[str, Any], current: dict[str, Any], wanted: dict[str, str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Available variants with the wanted options (and otherwise the current item's), plus the wanted options that
    this product has at all. Keys the product does not have are ignored ("size" for a water bottle)."""
    variants = [v for v in product.get("variants", []) if v.get("available")]
    keys = {key.lower(): key for v in product.get("variants", []) for key in v.get("options", {})}
    relevant = {keys[k.lower()]: v for k, v in wanted.items() if k.lower() in keys}
    if not relevant:
        return [], {}
    found = [v for v in variants if all(_same(v.get("options", {}).get(key), value) for key, value in relevant.items())]
    if not found:
        # No variant called so: the shades of the colour asked for ("blue": Cobalt, Navy) are the closest.
        found = [
            v
            for v in variants
            if all(_same(v.get("options", {}).get(key), value, loose=True) for key, value in relevant.items())
        ]
    # Several left ("size L" in grey and in red): keep the current item's other options where that decides it.
    current_options = current.get("options", {})
    for key, value in current_options.items():
        if len(found) <= 1 or key in relevant:
            continue
        narrowed = [v for v in found if _same(v.get("options", {}).get(key), value)]
        found = narrowed or found
    return found, relevant


def fitting_variants(product: dict[str, Any], wanted: dict[str, str]) -> list[dict[str, Any]]:
    """The available variants that have every wanted option the product has (by name, else by shade), whatever
    their other options: the versions to choose among when what was said fits more than one."""
    found, relevant = matching_variants(product, {}, wanted)
    return found if relevant else []


def option_values(product: dict[str, Any]) -> dict[str, list[str]]:
    """Each option of the product with the values its available variants have: what a reply can be read against."""
    values: dict[str, list[str]] = {}
    for variant in product.get("variants", []):
        if variant.get("available"):
            for key, value in (variant.get("options") or {}).items():
                values.setdefault(key, [])
                if str(value) not in values[key]:
                    values[key].append(str(value))
    return values


def options_in(
    text: str,
    values: dict[str, list[str]],
    current: dict[str, Any] | None = None,
    turned: bool = False,
    german: bool | None = None,
) -> dict[str, str]:
    """The product's option values the message names: "Stone", "waist 34", "US 10", "size S" (short letters only
    after their option's name, so that the "s" of "it's" is no size, or as a word of a short answer: "M please").

    Values that are answers rather than names ("yes", "no", "none", "not resistant") count only next to their
    option's name ("waterproof: no", "no backlight", "the water resistant one"): a bare "yes" confirms, it picks no
    variant. `current` is the item's own options, when the message may describe it as well as the wanted one.
    `german`: whether the whole message, when `text` is a part of it, is German (its German value words are values)."""
    turn = _WANTED.search(text) if current and not turned else None
    if current and turn is not None and turn.start() > 0:
        # "The red one, not water resistant -> blue and water resistant": what is said after the turn to the wish is
        # the wish, even where it says the same option as the description of theirs before it; before the turn,
        # only a value theirs does not have can be part of the wish ("in blue for the 10 hour one").
        theirs = {str(key).lower(): str(value).lower() for key, value in current.items()}
        german = reads_german(text) if german is None else german
        described = options_in(text[: turn.start()], values, current, turned=True, german=german)
        wished = options_in(text[turn.start() :], values, current, turned=True, german=german)
        kept = {key: value for key, value in described.items() if theirs.get(key.lower()) != value.lower()}
        return {**kept, **wished}
    found: dict[str, str] = {}
    # Values said in German words, where the message (`german`: the whole one this text is part of) is German.
    in_german = value_spans(text, german)
    words = {w.lower() for w in re.split(r"[\s,.!?;:]+", text) if w}
    turned_away = [m.span() for m in _INSTEAD_OF.finditer(text)]
    short_answer = len(text.split()) <= 4
    # A bare "none" answers "which backlight?" when only one option can be none; "yes" and "no" never pick.
    bare = [key for key, candidates in values.items() if any(v.lower() == "none" for v in candidates)]
    for key, candidates in values.items():
        answers = [value for value in candidates if _is_answer_value(value, key)]
        if sum(not _is_negative(value) for value in answers) > 1:
            # An option named by its values ("bagged/bagless"): each is a name to choose, not a yes to its option.
            answers = [value for value in answers if _is_negative(value)]
        if answers and (value := _answer_for(text, key, answers)) is not None:
            found[key] = value
            continue
        if bare == [key] and short_answer and "none" in words:
            found[key] = next(v for v in candidates if v.lower() == "none")
            continue
        said: list[str] = []
        refused: set[str] = set()
        taken: list[tuple[int, int]] = []  # where longer values were read ("warm white" holds no "white" of its own)
        others = {v.lower() for other, vs in values.items() if other != key for v in vs}
        other_sizes = {w for other, vs in values.items() if other != key for v in vs for w in _size_words(other, v)}
        longest_first = sorted(candidates, key=lambda v: max(len(w) for w in (v, *_size_words(key, v))), reverse=True)
        for value in longest_first:
            if value in answers:
                continue
            escaped = re.escape(value)
            short = len(value) <= 2 and value.isalpha()
            pattern = rf"\b{re.escape(key)}\s+({escaped})(?!\w)" if short else _value_pattern(value)
            # A value another option has too ("medium" size or ventilation) is that option's when it sits next to
            # its name; a value only this option has is this option's wherever it is said.
            shared = value.lower() in others or value.lower() in other_sizes
            # The value in the customer's language is the value ("weiß", "Glas" for white, glass), where a German
            # message says it as one (option_words: not "ich weiß", not "eine große Hilfe").
            worded = [(a, b) for a, b, english in in_german if english == " ".join(value.lower().split())]
            spans = [
                span
                for span in [m.span(1) for m in re.finditer(pattern, text, re.IGNORECASE)] + worded
                if not (shared and _names_another_option(text, span, key, values))
            ]
            if short and value.isupper() and value != "I":
                # A size code written as the catalogue writes it ("XS in navy", "an L"): the capitals make it one.
                spans += [m.span(1) for m in re.finditer(rf"(?<![\w'.&-])({escaped})(?![\w'.&-])", text)]
            for word in _size_words(key, value):
                # "small", "extra large" for S and XL, said as a size ("in small", "small, red please", "the small
                # one"), not as a word of the sentence ("a small thing"); a word another option has as a value of
                # its own ("medium" ventilation) counts for the size only next to the word "size".
                near = rf"(?:\bsize\s+({re.escape(word)})|({re.escape(word)})[\s-]+size)(?![\w-])"
                alone = rf"(?<![\w-])({re.escape(word)})(?![\w-]){_as_a_size(others)}"
                hits = re.finditer(near if word in others else alone, text, re.IGNORECASE)
                # "Too small", "a bit large", "I normally wear medium": how the one they have fits, no choice.
                spans += [
                    m.span(m.lastindex or 1)
                    for m in hits
                    if not _SAYS_HOW_IT_FITS.search(text[max(0, m.start() - 25) : m.start()])
                ]
            free = [span for span in spans if not any(a <= span[0] and span[1] <= b for a, b in taken)]
            if free or (short and short_answer and value.lower() in words and not spans):
                said.append(value)
                if free and all(
                    _VALUE_REFUSED.search(text[max(0, a - 40) : a])
                    or _VALUE_REFUSED_AFTER.search(text[b : b + 40])
                    or any(c <= a < d for c, d in turned_away)
                    for a, b in free
                ):
                    refused.add(value)
            taken.extend(spans)
        # "The 20 hour battery, not the 10 hour one": a value said only to be turned away is not the wish.
        said = [value for value in said if value not in refused]
        # "Mine is the purple XL, I'd like a red one in L": of two values of one option, the wanted one is the one
        # the customer does not have.
        have = str((current or {}).get(key, "")).lower()
        wanted = [value for value in said if value.lower() != have] or said
        if wanted:
            found[key] = wanted[0]
    return found


# Words just before an option value that turn it away: "not the 10 hour one", "instead of black", "rather than L".
# A list joined by slashes is one thing turned away ("instead of leather/EVA": both theirs).
# A choice denied is no choice either: "I never picked brown", "I didn't ask for the white one", "I don't want black".
_VALUE_REFUSED = re.compile(
    r"\b(?:not|never|instead\s+of|rather\s+than|other\s+than|except|nicht|statt"
    r"|(?:never|didn'?t|did\s+not|don'?t|do\s+not|haven'?t|have\s+not|never\s+(?:once\s+)?)\s+(?:ever\s+|really\s+)?"
    r"(?:pick(?:ed)?|cho(?:o)?se|chosen|select(?:ed)?|sa(?:y|id)|ask(?:ed)?\s+for|want(?:ed)?|order(?:ed)?|agree(?:d)?\s+to))"
    r"\s+(?:(?:the|a|an|that|this|in|with|my|size|die|den|das)\s+){0,2}(?:[\w-]+\s*/\s*){0,3}$",
    re.IGNORECASE,
)
# The same denial said after the value: "brown was never my choice", "white isn't what I picked".
_VALUE_REFUSED_AFTER = re.compile(
    r"^(?:\s+(?:one|ones))?\s+(?:was|is|were|are)(?:\s+never|\s+not|n'?t)\s+(?:my\s+(?:choice|pick|idea)|what\s+i"
    r"\s+(?:picked|chose|wanted|asked\s+for|said|ordered))\b",
    re.IGNORECASE,
)


# "12 inch in white instead of the 14 inch black", "statt der schwarzen mit 14 Zoll": every value from "instead of" to
# the end of its clause (or to where the wish starts again) is the item they have, none is wished for.
_INSTEAD_OF = re.compile(
    r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of|(?:an)?statt|anstelle)\b"
    r"(?:(?!\b(?:i'?d|i\s+(?:want|would|need|prefer)|ich|but|aber|please|bitte)\b)[^,.;!?])*",
    re.IGNORECASE,
)


# A quantity's unit as people write it: "3ft", "3-foot", "3 feet" are the catalogue's "3 ft".
_UNIT_WORDS = {
    "ft": r"ft|foot|feet|'",
    "feet": r"ft|foot|feet|'",
    "inch": r"inch(?:es)?|in|zoll|\"",
    "inches": r"inch(?:es)?|in|zoll|\"",
    "ml": r"ml|millilit(?:er|re)s?",
    "l": r"l|lit(?:er|re)s?|ltr",
    "oz": r"oz|ounces?",
    "kg": r"kg|kilos?|kilograms?",
    "lbs": r"lbs?|pounds?",
    "lb": r"lbs?|pounds?",
    "hours": r"hours?|hrs?|h",
    "piece": r"pieces?|pcs?",
    "pieces": r"pieces?|pcs?",
    "%": r"%|\s?percent",
}
_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)[\s-]*([a-z%'\"]+)$", re.IGNORECASE)


def _value_pattern(value: str) -> str:
    """The pattern of an option value in a message, its one group the value as written. A quantity ("3 ft", "1000ml",
    "60%", "4 piece") is read however its number and unit are joined and its unit spelt."""
    quantity = _QUANTITY.match(value.strip())
    if quantity is None:
        # "non polarized", "non-polarized" and "nonpolarized" are one value, however its words are joined.
        words = r"[\s-]*".join(re.escape(word) for word in re.split(r"[\s-]+", value.strip()))
        return rf"(?<![\w-])({words})(?![\w-])"
    number, unit = quantity.groups()
    # A unit word is read in the singular and the plural ("a 2-cup one" for "2 cups").
    stem = unit[:-1] if unit.lower().endswith("s") and len(unit) > 2 else unit
    units = _UNIT_WORDS.get(
        unit.lower(), rf"{re.escape(stem)}s?" if stem.isalpha() and len(stem) > 1 else re.escape(unit)
    )
    return rf"(?<![\w.-])({re.escape(number)}[\s-]*(?:{units}))(?![\w-])"


# Sizes as people say them, for the letters a catalogue uses.
_SIZE_NAMES = {
    "xxs": ("extra extra small", "xx-small"),
    "xs": ("extra small", "x-small", "extra-small"),
    "s": ("small",),
    "m": ("medium",),
    "l": ("large",),
    "xl": ("extra large", "x-large", "extra-large"),
    "xxl": ("extra extra large", "xx-large", "2xl"),
}


# What may follow a size said in words: the end of a phrase, a word that goes on choosing ("the large one",
# "medium please"), or another option's value ("a large red one"); "a small thing" is no size.
_GOES_ON_CHOOSING = "one|ones|size|sized|please|pls|instead|and|or|but|then|with|in|for|too|version|variant|thanks|if"


_SAYS_HOW_IT_FITS = re.compile(
    r"\b(?:too|bit|very|quite|rather|slightly|way|wear|wore|was|were|is|are|'s|it's|runs?|feels?)\s+$", re.IGNORECASE
)


def _as_a_size(other_values: set[str]) -> str:
    values = "|".join(re.escape(v) for v in sorted(other_values, key=len, reverse=True) if v)
    return rf"(?=\s*(?:$|[,.;:!?)/]|(?:{_GOES_ON_CHOOSING}{'|' + values if values else ''})\b))"


def _names_another_option(text: str, span: tuple[int, int], key: str, values: dict[str, list[str]]) -> bool:
    """The value read at `span` is said with the name of another option than `key`: "medium size" is a size, not
    the ventilation's "medium"; "frame color black, lens color brown" gives each colour to its own option, and
    "black frame" is the frame's. The name standing closest wins: the option whose name's words match most of the
    words right before the value (its name's end) or right after it (its name's start); a tie with `key` keeps it."""
    # Up to three words on each side, within the phrase: a comma ends it ("black, lens color brown").
    following = re.match(r"[\s-]*((?:[a-z]+[\s-]*){0,3})", text[span[1] : span[1] + 60], re.IGNORECASE)
    # (Read from the last few words only: a pattern over the whole text backtracks without end on a run of letters.)
    preceding = re.search(r"((?:[a-z]+[\s-]*){0,3})[\s:=-]*$", text[max(0, span[0] - 60) : span[0]], re.IGNORECASE)
    after = re.findall(r"[a-z]+", following.group(1).lower()) if following else []
    before = re.findall(r"[a-z]+", preceding.group(1).lower()) if preceding else []

    def closeness(option: str) -> int:
        words = [w.lower() for w in re.findall(r"[a-z]+", option, re.IGNORECASE)]
        starts = next((n for n in range(len(words), 0, -1) if _same_words(after[:n], words[:n])), 0)
        ends = next(
            (n for n in range(len(words), 0, -1) if n <= len(before) and _same_words(before[-n:], words[-n:])), 0
        )
        return max(starts, ends)

    scores = {option: closeness(option) for option in values}
    best = max(scores.values(), default=0)
    return best > 0 and scores.get(key, 0) < best


def _same_words(said: list[str], named: list[str]) -> bool:
    """Word for word the same, a plural or another ending of a word counting as the word ("lenses", "frames")."""
    return len(said) == len(named) and all(
        a[:4] == b[:4] and abs(len(a) - len(b)) <= 2 for a, b in zip(said, named, strict=True)
    )


def _size_words(key: str, value: str) -> tuple[str, ...]:
    return _SIZE_NAMES.get(value.lower(), ()) if "size" in key.lower() else ()


_ANSWER_WORDS = frozenset({"yes", "no", "none", "not", "non", "without", "true", "false", "with"})
_NEGATIVE_VALUES = frozenset({"no", "none", "false"})
# "no water resistance", "not waterproof", "isn't backlit", "doesn't have a backlight", "non-waterproof".
_NEGATION = (
    r"(?:no|not|non|without|zero|isn'?t|aren'?t|(?:doesn'?t|don'?t)\s+(?:have|need|want)(?:\s+it)?(?:\s+to\s+be)?"
    r"|(?:doesn'?t|don'?t)\s+have\s+to\s+be)[\s-]+(?:\w+[\s-]+)?"
)


def _stems(phrase: str) -> list[str]:
    # "water resistance" and "water resistant", "backlight" and "backlit": the same word to a shopper.
    return [word[:6] for word in re.findall(r"[a-z0-9]+", phrase.lower())]


def _is_answer_value(value: str, key: str) -> bool:
    """A value made of answer words and the option's own name: "yes", "none", "not resistant" (of water resistance)."""
    key_stems = set(_stems(key))
    return all(word in _ANSWER_WORDS or word[:6] in key_stems for word in re.findall(r"[a-z0-9]+", value.lower()))


def _is_negative(value: str) -> bool:
    words = set(re.findall(r"[a-z]+", value.lower()))
    return bool(words & (_NEGATIVE_VALUES | {"not", "non", "without"}))


def _answer_for(text: str, key: str, answers: list[str]) -> str | None:
    """Which of an option's answer values the message gives, read only where it names the option."""
    stems = _stems(key)
    if not stems:
        return None
    # The option's name as the shopper may type it: each word's stem, then any ending ("water resistant").
    name = r"[\s-]*".join(rf"{re.escape(stem)}\w*" for stem in stems)
    lowered = text.lower()
    for value in sorted(answers, key=len, reverse=True):
        # Written out in full next to the name: "water resistance: not resistant".
        written = len(value) > 3 and re.search(rf"(?<![\w-]){re.escape(value.lower())}(?![\w-])", lowered)
        if written and (not _is_negative(value) or re.search(name, lowered)):
            return value
    negative = next((value for value in answers if _is_negative(value)), None)
    positive = next((value for value in answers if not _is_negative(value)), None)
    if negative and (
        re.search(rf"\b{_NEGATION}{name}", lowered) or re.search(rf"\b{name}\s*[:=]?\s*(?:no|none|false)\b", lowered)
    ):
        return negative
    if positive and re.search(rf"\b{name}", lowered):
        return positive
    return None


# "Swap it for the same one", "an identical new one", "a replacement": the customer wants their own variant again
# (a faulty unit replaced), which the shop allows as an exchange. "The same size but another colour" or "a
# replacement in a bigger size" want something else: words of difference or of an option rule it out.
_SAME_ITEM = re.compile(
    # "The same style/specs/configuration": their own variant, said by the word for all its options together.
    r"\b(?:(?:the\s+)?(?:exact(?:ly)?\s+)?same\s+(?:one|model|item|thing|variant|exact\s+one|again|style|specs?"
    r"|specifications?|options|configuration|config|version|setup)|exact\s+same"
    r"|identical|replacement|an?\s+(?:new|fresh|working|other)\s+(?:one|pair|set|unit)|(?:de[nmr]|das|die)\s+(?:gleiche|selbe)\w*"
    # "One just like it", "exactly like mine", "the same kind": sameness said of the thing as a whole.
    r"|(?:exactly|just)\s+like\s+(?:it|this|that|mine|the\s+old\s+one)|same\s+(?:kind|type)"
    r"|identisch\w*|baugleich\w*)\b",
    re.IGNORECASE,
)
_DIFFERENT = re.compile(
    r"\b(?:bigger|smaller|larger|longer|shorter|cheaper|different|other|another|else|(?<!same\s)colou?rs?"
    r"|(?<!same\s)sizes?|instead|in\s+(?:a|an|the|size|black|white|red|blue|green|grey|gray)|größe\w*|farbe\w*"
    r"|andere\w*)\b",
    re.IGNORECASE,
)


# "The same specs but 16GB RAM", "same style except in leather", "same config with more storage": sameness with a
# difference beside it wants something else.
_BUT_DIFFERENT = re.compile(
    r"\b(?:but|except|apart\s+from|other\s+than|with\s+(?:more|less|a\s+(?:bigger|larger|smaller|better))|more|better"
    r"|upgraded?|aber|au(?:ß|ss)er|mehr|besser\w*)\b",
    re.IGNORECASE,
)
# A question about sameness asks, it wants nothing ("Is the new one the same specs?", "Does it have the same specs as
# the old one?", "the old one was great, will the new one be identical?"): a question opening that asks about the
# thing, not one that asks us or lets them ("can I swap it for an identical new one?", "would you send the same one?").
# Read by its opening, as the message may reach here cut to a part ("... for an identical new one?").
_ASKS_ABOUT_SAMENESS = re.compile(
    r"(?:^|[,;:-])\W*(?:(?:so|and|but|also|ok(?:ay)?|um+|hm+|wait)\W+)*"
    r"(?:is|are|was|were|will|would|does|do|did|has|have|should|shall|ist|sind|hat|wird)\b(?!\s+(?:you|i|we|sie|du)\b)",
    re.IGNORECASE,
)


def asks_for_the_same_item(text: str) -> bool:
    """The customer asks for their own variant again: a new unit of the same item, and nothing different, not
    asked about."""
    if not _SAME_ITEM.search(text) or _DIFFERENT.search(text) or _BUT_DIFFERENT.search(text):
        return False
    return not any(_SAME_ITEM.search(part) and _ASKS_ABOUT_SAMENESS.search(part) for part in sentences(text))


def says_the_same_again(text: str) -> bool:
    """Words of sameness ("the exact same one again"), whatever options are said beside them: with the item's own
    options ("the 5000mAh USB-C in white"), the same item again."""
    return bool(_SAME_ITEM.search(text))


# ------------------------------------------------------------------------------ naming things the customer owns
# Words a customer uses for a thing, beside the words a catalogue uses for it (both ways where they are the same
# thing). A product's own name always matches itself; these only widen what counts as the same word.
_SYNONYM_GROUPS = (
    "jacket parka coat shell softshell anorak windbreaker",
    "shoe sneaker trainer runner moc",
    "boot boots",
    # (German names of the catalogue's English types are data: graph/nlu/data/product_types.yaml.)
    "earbud earphone headphone headset airpod",
    "phone smartphone cellphone mobile iphone",
    "watch wristwatch smartwatch",
    "shirt tee t-shirt tshirt top",
    "bottle flask",
    "headlamp torch flashlight",
    "e-reader ereader kindle",
    "tablet ipad",
    "laptop notebook computer macbook",
    "pants trousers",
    "hat beanie cap",
    "glove mitt mitten",
    "charger powerbank battery",
    "luggage suitcase",
    "bicycle bike",
    "sofa couch",
    "hoodie hoody sweatshirt",
    "pack backpack rucksack daypack",
    "mat yoga-mat",
    "coffee espresso",
    "vacuum hoover",
    "thermostat nest",
    "speaker soundbar",
    "tent shelter",
)
_SYNONYMS: dict[str, set[str]] = {}
for _group in _SYNONYM_GROUPS:
    for _word in _group.split():
        _SYNONYMS.setdefault(_word, set()).update(_group.split())


# Words in product names that say little about which product it is: they count half.
def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WEAK_NAME_WORDS = _word_set(
    "set kit pro pack system machine electric smart portable wireless digital mini max plus classic basic "
    "everyday family kids men women unisex the and with of for"
)
# Words of a message that name no product, however a product name may contain them.
_NOT_A_MENTION = _word_set(
    "order orders item items product products thing things one ones the a an my your this that these those it "
    "with has have had contains containing which what where is are was were of in on for and or to from i me "
    "want would like please can could you return exchange cancel change modify refund status track check "
    "show tell see know where when bought ordered got received purchase purchased"
)


def _name_tokens(text: str) -> list[str]:
    words = re.split(r"[\s/(),.!?;:'\"]+", text.lower())
    tokens = []
    for word in words:
        if not word:
            continue
        tokens.append(_stem(word))
        if "-" in word:
            # "T-Shirt" is also "tshirt" and "shirt"; "E-Reader" is also "ereader" and "reader".
            tokens.append(word.replace("-", ""))
            tokens += [_stem(part) for part in word.split("-") if len(part) > 1]
    return tokens


def _word_strength(said: str, named: str) -> int:
    """How closely a word the customer said stands for a word of a product name: 2 for the word itself, its typo
    ("purifer") or the generic word for a compound ("phone" of "smartphone", "watch" of "wristwatch"); 1 for a
    synonym or a compound said for its generic word ("wristwatch" of the "watch" of a Smart Watch); 0 for none."""
    if said == named:
        return 2
    if len(said) >= 4 and len(named) >= 4 and named.endswith(said):
        return 2
    typo = len(said) >= 5 and len(named) >= 5 and said[0] == named[0]
    if typo and difflib.SequenceMatcher(None, said, named).ratio() >= 0.85:
        return 2
    if named in _SYNONYMS.get(said, ()):
        return 1
    if len(said) >= 4 and len(named) >= 4 and said.endswith(named):
        return 1
    return 0


def _same_word(said: str, named: str) -> bool:
    """Whether a word the customer said stands for a word of a product name: the same word, a synonym, the end or
    start of a compound ("phone" of "smartphone"), or a typo of it ("purifer")."""
    return _word_strength(said, named) > 0


def _name_match(text: str, name: str) -> tuple[float, dict[str, int]]:
    """The score of a product name in the message and the words said that count for it, each with how closely."""
    said = {t for t in _name_tokens(text) if t not in _NOT_A_MENTION and len(t) > 1}
    # A type said in the customer's language ("die Wanduhr") counts as the catalogue's own words for it.
    said |= {t for word in list(said) for t in _name_tokens(" ".join(type_words(word)))}
    score, used = 0.0, dict[str, int]()
    for named in set(_name_tokens(name)):
        words = {word: strength for word in said if len(named) > 1 and (strength := _word_strength(word, named))}
        if words:
            score += 0.5 if named in _WEAK_NAME_WORDS else 1.0
            for word, strength in words.items():
                used[word] = max(used.get(word, 0), strength)
    return score, used


def _outnamed(score: float, used: dict[str, int], other: float, others: dict[str, int]) -> bool:
    """Whether another item is named better by the same words: each word counts for it at least as closely, and it
    scores more or some word counts for it more closely ("wristwatch" is the Wristwatch's own word, only a synonym
    of the Smart Watch's "watch"). Equally close words keep both ("the watch": the Wristwatch and the Smart Watch)."""
    if not used or any(others.get(word, 0) < strength for word, strength in used.items()):
        return False
    return other > score or any(others[word] > strength for word, strength in used.items())


def name_score(text: str, name: str) -> float:
    """How well the message names a product: each word of its name said counts (weak words half)."""
    return _name_match(text, name)[0]


def named_items(
    items: list[dict[str, Any]], text: str, phrases: list[str] | None = None, similar: Similarity | None = None
) -> list[dict[str, Any]]:
    """The items the message names; several when it names several ("the keyboard and the thermostat"), and of two
    that share the words said, the one named better ("electric kettle": the Electric Kettle, not the Tea Kettle).
    When no word matches, each phrase naming a thing (``phrases``) may still mean the item its meaning is clearly
    closest to ("the fitness tracker": the Smart Watch), by ``similar``."""
    matches = [(*_name_match(text, str(item.get("name", ""))), item) for item in items]
    matches = [(score, used, item) for score, used, item in matches if score >= 1.0]
    found = [item for score, used, item in matches if not any(_outnamed(score, used, *match[:2]) for match in matches)]
    if found or not similar or not phrases or not items:
        return found
    names = list(dict.fromkeys(str(item.get("name", "")) for item in items))
    meant: set[str] = set()
    for phrase in phrases:
        scores = similar(phrase, names)
        ranked = sorted(zip(scores, names, strict=True), reverse=True)
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if ranked and ranked[0][0] >= SIMILAR_ENOUGH and ranked[0][0] - runner_up >= SIMILAR_MARGIN:
            meant.add(ranked[0][1])
    return [item for item in items if str(item.get("name", "")) in meant]


# --------------------------------------------------------------------------------------------- finding an order

_STATUS_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern, re.IGNORECASE))
    for status, pattern in (
        ("pending", r"\b(pending|not\s+(?:yet\s+)?(?:been\s+)?(?:shipped|sent|processed)|hasn'?t\s+shipped)\b"),
        ("processed", r"\bprocess(?:ed|ing)\b"),
        ("shipped", r"\b(shipped|on\s+(?:its|the)\s+way|in\s+transit|out\s+for\s+delivery)\b"),
        ("delivered", r"\b(delivered|arrived|received|got\s+(?:it|them))\b"),
        ("cancelled", r"\b(cancell?ed)\b"),
    )
)
# A status said as what the customer wants done, not as what the order is ("I want it cancelled", "need this order
# cancelled", "should be shipped by now"... is the order's; "to be cancelled" is the wish): it picks no order.
_WISHED_STATUS = re.compile(
    r"\b(?:want|wanted|need|needs|like|get|getting|got\s+to\s+be|have\s+to\s+be|to\s+be)\s+"
    r"(?:(?:it|this|that|them|those|these|(?:the|my|this|that|these|those|both|all)(?:\s+\w+)?\s+orders?)\s+)?(?:to\s+be\s+)?"
    r"(?:cancell?ed|processed|shipped|delivered)\b",
    re.IGNORECASE,
)


def _statuses_said(text: str) -> list[str]:
    """The statuses the message describes an order by, leaving out a status it wishes for."""
    described = _WISHED_STATUS.sub(" ", text)
    return [status for status, pattern in _STATUS_WORDS if pattern.search(described)]


# The age of the order said outright ("my latest order") or compared among the orders that fit the rest of what is said
# ("the older one with the lamp", "the more recent order"): of those, the newest or the oldest.
_NEWEST = re.compile(
    r"\b(latest|newest|most\s+recent|last|recent|just\s+(?:placed|ordered|made)"
    r"|(?:newer|more\s+recent)\s+(?:one|order|purchase))\b",
    re.IGNORECASE,
)
_OLDEST = re.compile(r"\b(oldest|earliest|first|(?:older|earlier)\s+(?:one|order|purchase))\b", re.IGNORECASE)
# Another order named by its age as what this one is compared with, not as the one meant: "it's a duplicate of my
# earlier order", "same as the newer one", "my older order already covers this". It picks nothing.
_AGE_COMPARED_WITH = re.compile(
    r"\b(?:duplicate|copy|repeat|double)\s+of|\b(?:same|identical|similar)\s+(?:\w+\s+)?(?:as|to)|\bthan"
    r"|\b(?:already|also)\s+(?:\w+\s+)?(?:in|on)",
    re.IGNORECASE,
)
_AGE_PHRASE = r"(?:my|the|that|an?)\s+(?:older|earlier|newer|more\s+recent|previous)\s+(?:one|order|purchase)\b"
_AGE_AS_A_REFERENCE = re.compile(
    rf"(?:{_AGE_COMPARED_WITH.pattern})\s+{_AGE_PHRASE}|\b{_AGE_PHRASE}(?=\s+(?:already|also)\b)", re.IGNORECASE
)


def _age_said(pattern: re.Pattern[str], text: str) -> bool:
    """The message picks an order by this age, leaving out another order it only compares this one with."""
    return bool(pattern.search(_AGE_AS_A_REFERENCE.sub(" ", text)))


_ORDINALS = {"second": 1, "third": 2, "fourth": 3, "fifth": 4, "2nd": 1, "3rd": 2, "4th": 3, "5th": 4}
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)})\b", re.IGNORECASE)
# "The first one", "the last of them", "the top one": a place in the list we showed (newest first), where "my first
# order" and "my last order" are its age.
_LIST_END = re.compile(
    r"\b(first|top|last|bottom)\s+(?:one|of\s+(?:them|these|those)|on\s+the\s+list|listed|in\s+the\s+list)\b",
    re.IGNORECASE,
)
_ENDS_IN = re.compile(r"\b(?:end(?:s|ing)?|finish(?:es|ing)?)\s+(?:in|with|on)\s+#?(\d{1,7})\b", re.IGNORECASE)
_DIGITS = re.compile(r"(?<![\d.,$€£])#?\s?W?(\d{4,8})\b", re.IGNORECASE)


def _digits(order_id: str) -> str:
    return re.sub(r"\D", "", order_id)


def orders_by_id(orders: list[dict[str, Any]], text: str, order_ids: list[str]) -> list[dict[str, Any]]:
    """The orders the message names by number: "#W4967593", "W4967593", "4967593", "the one ending in 93"."""
    said = {_digits(o) for o in order_ids} | {m.group(1) for m in _DIGITS.finditer(text)}
    chosen = [o for o in orders if _digits(str(o.get("order_id"))) in said]
    if not chosen and (ending := _ENDS_IN.search(text)):
        chosen = [o for o in orders if _digits(str(o.get("order_id"))).endswith(ending.group(1))]
    return chosen


def _as_item(item: Any) -> dict[str, Any]:
    return item if isinstance(item, dict) else {"name": str(item)}


def order_signals(text: str) -> bool:
    """Whether the message points at one of the customer's orders by something other than its id: a status, its
    age, its place in the list, or a number it ends in ("the delivered one", "my latest order", "the second")."""
    return bool(
        _statuses_said(text)
        or _age_said(_NEWEST, text)
        or _age_said(_OLDEST, text)
        or _ORDINAL.search(text)
        or _ENDS_IN.search(text)
    )


def refers_to_an_order(text: str, order_ids: list[str], products: list[str]) -> bool:
    """Whether the message can pick one of the customer's orders: by id or number, or by what it holds, its status,
    its age or its place in the list."""
    return bool(order_ids or products or _DIGITS.search(text) or order_signals(text))


def ground_orders(
    orders: list[dict[str, Any]],
    text: str,
    order_ids: list[str] | None = None,
    products: list[str] | None = None,
    similar: Similarity | None = None,
) -> list[dict[str, Any]]:
    """The customer's orders the message can mean, narrowed by each thing it says: the id, the items in it, the
    status, how recent it is, its place in the list (orders listed newest first). Every order when it says nothing
    that narrows them; none when it names things (``products``) that no order holds and says nothing else."""
    by_id = orders_by_id(orders, text, order_ids or [])
    if by_id:
        return by_id
    chosen = list(orders)
    # The orders holding an item the message names (listings give item names; details give item dicts).
    holding = [o for o in chosen if named_items([_as_item(i) for i in o.get("items", [])], text)]
    if not holding and products and similar:
        # No word of any item said: the item closest in meaning across all the orders ("the fitness tracker").
        every = [_as_item(i) for o in chosen for i in o.get("items", [])]
        meant = {str(i.get("name")) for i in named_items(every, text, products, similar)}
        holding = [o for o in chosen if meant & {str(_as_item(i).get("name")) for i in o.get("items", [])}]
    if holding:
        chosen = holding
    elif products and not order_signals(text):
        return []
    statuses = _statuses_said(text)
    if statuses:
        # "my delivered order" picks by status; "is the bike shipped yet?" asks about it: a status narrows the
        # orders the item found, never down to none.
        by_status = [o for o in chosen if o.get("status") in statuses]
        chosen = by_status if by_status or not holding else chosen
    newest_first = sorted(chosen, key=lambda o: str(o.get("created_at", "")), reverse=True)
    if (end := _LIST_END.search(text)) and newest_first:
        return newest_first[:1] if end.group(1).lower() in ("first", "top") else newest_first[-1:]
    if _age_said(_NEWEST, text) and newest_first:
        return newest_first[:1]
    if _age_said(_OLDEST, text) and newest_first:
        return newest_first[-1:]
    if (ordinal := _ORDINAL.search(text)) and len(newest_first) > _ORDINALS[ordinal.group(1).lower()]:
        return [newest_first[_ORDINALS[ordinal.group(1).lower()]]]
    return chosen

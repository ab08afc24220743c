"""Where an address is to be taken from, when the customer names its source instead of saying it.

Class of messages: an order named as the SOURCE of an address ("ship it to the same address as my order #W2", "the
address that order #W2 was sent to", "send it where #W2 went", "like my other order #W2", German "an die Adresse von
Bestellung #W2"), or the account's own address ("my default address", "the address on my account"). Such an order is
the address slot's value, never the order to change: the entity reader leaves it out of the orders a message names
(`graph.nlu.entities`), so every reader after it (the segmenter, the queue of requests, the slots, the gate) sees the
order in hand, or the other order named, as the one to change. One reader here, so that what counts as a source is
the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# An order as a source names it ("my order #W2", "my other order W2", "order number 2222222", "Bestellung #W2"):
# the words between the link and the id, then the id (group "id"; a bare number only with the shop's seven digits).
_ORDER_WORDS = (
    r"(?:(?:my|the|that|this|other|another|order|orders|one|previous|earlier|last|older|first|second|number|no\.?|nr\.?"
    r"|meiner|meine|der|die|anderen|andere|bestellung|bestellnummer)\s+)*"
)
_ORDER_ID = r"(?P<id>#\s?W?\d{4,8}|W\d{4,8}|\d{7})\b"
_ORDER = _ORDER_WORDS + _ORDER_ID
# How an order's parcel went out: "went", "was sent", "got shipped", "ships", "has", "used".
_WENT = (
    r"(?:went|goes|go|ended\s+up|(?:was|were|got|is|gets|has\s+been)\s+(?:sent|shipped|delivered|mailed|going)"
    r"|ships|shipped|was\s+addressed|has|had|used)"
)
# A verb or preposition that makes "the address ..." a destination or a thing to use, not the order to change:
# "(change it) to the address of #W2", "use the address on #W2"; "change the address of #W1" changes #W1.
_TAKES = r"(?:to|use|using|take|reuse|copy)"

_FROM_ORDER = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "the same address as my order #W2", "the same address that order #W2 was shipped to", "the same
        # shipping address as for #W2".
        r"\bsame\s+(?:shipping\s+|delivery\s+|mailing\s+)?address\s+"
        r"(?:(?:as|like|that|which|where|than|of|from|for|on|in|with|by|used|the|one|my)\s+)*" + _ORDER,
        # "(to) the address (that) order #W2 was sent to", "use the address on #W2", "to the address of my
        # other order #W2".
        rf"\b{_TAKES}\s+(?:the|that)\s+(?:shipping\s+|delivery\s+|same\s+)?address\s+"
        r"(?:(?:that|which|where|of|on|from|for|in|used\s+(?:for|on|by))\s+)*" + _ORDER,
        # "change its address to the one that #W2 was shipped to", "it should be the one #W2 went to": the place an
        # order went to ("change it to the one in #W2" may be an item).
        r"\b(?:the|that)\s+(?:same\s+)?(?:one|address|place)\s+(?:(?:that|which|where)\s+)?"
        + _ORDER
        + r"\s+(?:went|goes|(?:was|were|got|is|has\s+been)\s+(?:sent|shipped|delivered|mailed)|shipped)\s+to\b",
        # "copy the address from #W2", "copy it over from my order W2".
        r"\bcopy\s+(?:it\s+|the\s+address\s+|that\s+)?(?:over\s+)?from\s+" + _ORDER,
        # "the address of my other order #W2", said of another order than the one to change.
        r"\baddress\s+(?:of|on|from|for)\s+(?:my\s+)?(?:other|previous|earlier|last|older)\s+orders?\s+" + _ORDER,
        # "to where my order #W2 went", "send it wherever #W2 was shipped", "same place as where #W2 went".
        r"\b(?:to|same\s+place\s+as|just|ship\w*|send|sent|deliver\w*|mail|forward\w*|it|them)\s+where(?:ver)?\s+"
        + _ORDER
        + rf"\s+{_WENT}",
        # "(to) #W2's address", "my order W2's shipping address".
        rf"\b{_TAKES}\s+" + _ORDER + r"['’]s\s+(?:shipping\s+|delivery\s+)?address",
        # German: "an die Adresse von Bestellung #W2", "an dieselbe Adresse wie bei #W2", "die gleiche
        # Lieferadresse wie Bestellung #W2", "die Adresse aus #W2 übernehmen", "dorthin, wohin #W2 ging".
        r"\b(?:an|auf|zu)\s+(?:die|dieselbe|die\s+gleiche|die\s+selbe)\s+(?:liefer|versand)?adresse\s+"
        r"(?:(?:von|aus|der|bei|wie|für)\s+)+" + _ORDER,
        r"\b(?:gleiche|selbe|dieselbe|gleichen|selben|derselben)\s+(?:liefer|versand)?adresse\s+wie\s+"
        r"(?:(?:bei|für|von|in)\s+)?" + _ORDER,
        r"\b(?:liefer|versand)?adresse\s+(?:von|aus)\s+" + _ORDER + r"\s+(?:übernehm|verwend|nehm|nutz)\w*",
        r"\bwohin\s+" + _ORDER + r"\s+(?:ging|gegangen|geliefert|geschickt|verschickt|versandt)",
    )
)
# "Like my other order #W2", "same as order #W2", "as with #W2", "the same place as #W2": a source only in a
# sentence about where it goes ("the same one as in #W2" may be an item), and "like" not as a verb ("I'd like #W2
# shipped to ...").
_LIKE_ORDER = re.compile(
    r"\b(?:(?P<like>like)|same\s+as|as\s+(?:with|for|on|in)|same\s+(?:place|location|destination|spot|one)\s+"
    r"(?:(?:as|like|that|where|for|of|on)\s+)*)\s*(?:my\s+|the\s+)?(?:other\s+)?(?:order\s+)?(?:for\s+|on\s+)?"
    + _ORDER_ID,
    re.IGNORECASE,
)
_LIKE_AS_A_VERB = re.compile(r"(?:\b(?:i|we|you|they|would|do|don'?t|really|also)|['’]d)\s*$", re.IGNORECASE)
# A request to send something somewhere, which a like-order match needs beside it: a verb that moves the parcel (not
# its past form, which describes: "it was delivered damaged, same as #W2") with a destination word after it ("ship it
# there, like #W2"; "send me the invoice" names no place), or the address itself named.
_ABOUT_WHERE_IT_GOES = re.compile(
    r"\b(?:ship|shipping|send|sending|deliver|delivering|mail|post|forward|redirect|move|schick\w*|liefer\w*"
    r"|versend\w*)\b[^.?!]{0,60}?\b(?:to(?!\s+(?:me|us|you)\b)|there|an|dorthin|nach)\b"
    r"|\b(?:address|adresse|lieferadresse)\b"
    # or a street beside it ("14 Pine St, Denver CO 80203 - same one as my other order #W2")
    r"|\b\d{1,5}\s+\w+(?:\s+\w+)?\s+(?:st|street|rd|road|ave|avenue|lane|ln|drive|dr|way|blvd|court|ct|place|pl)\b",
    re.IGNORECASE,
)
# Another order of theirs named without its number: "the same address as my other order", "use the address of my
# previous order", "where my last order went", "die gleiche Adresse wie bei meiner anderen Bestellung". The source is
# that order (`OTHER_ORDER`: the dialogue picks it among their orders, the one in hand left out), never the order to
# change.
OTHER_ORDER = "other"
_UNNAMED_ORDER_EN = (
    r"(?P<other>(?:my|the|our)\s+(?:other|previous|earlier|last|older|first|second)\s+(?:order|one|purchase))"
    r"(?!\s*(?:#|number|no\.|w?\d))"
)
_UNNAMED_ORDER_DE = (
    r"(?P<other>(?:meiner|meine|der|die|unserer)\s+(?:anderen?|vorherigen?|letzten?|früheren?|ersten?)\s+bestellung)"
    r"(?!\s*(?:#|nummer|nr\.|w?\d))"
)
_FROM_UNNAMED_ORDER = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bsame\s+(?:shipping\s+|delivery\s+|mailing\s+)?(?:address|place|location|destination)\s+"
        r"(?:(?:as|like|that|which|where|than|of|from|for|on|in|with|by|used)\s+){0,3}" + _UNNAMED_ORDER_EN,
        rf"\b{_TAKES}\s+(?:the|that)\s+(?:shipping\s+|delivery\s+|same\s+)?address\s+"
        r"(?:(?:that|which|where|of|on|from|for|in|used\s+(?:for|on|by))\s+){1,2}" + _UNNAMED_ORDER_EN,
        r"\b(?:to|ship\w*|send|sent|deliver\w*|it|them)\s+where(?:ver)?\s+" + _UNNAMED_ORDER_EN + rf"\s+{_WENT}",
        r"\b(?:gleiche|selbe|dieselbe|gleichen|selben|derselben)\s+(?:liefer|versand)?adresse\s+wie\s+"
        r"(?:(?:bei|für|von|in)\s+)?" + _UNNAMED_ORDER_DE,
        r"\b(?:an|auf|zu)\s+(?:die|dieselbe|die\s+gleiche|die\s+selbe)\s+(?:liefer|versand)?adresse\s+"
        r"(?:(?:von|aus|bei|wie)\s+)+" + _UNNAMED_ORDER_DE,
        r"\b(?:liefer|versand)?adresse\s+(?:von|aus)\s+" + _UNNAMED_ORDER_DE + r"\s+(?:übernehm|verwend|nehm|nutz)\w*",
    )
)
# Another order of theirs named by what was done to it in this conversation: "the address the one you just cancelled
# was going to", "ship it to the order that got cancelled a minute ago", "an die Adresse der Bestellung, die du gerade
# storniert hast". The act's verb describes the source; it is no request (an address change is asked for, with that
# order's address as the new one). `DONE_ORDER` + the request: the dialogue takes the order of the last such write.
DONE_ORDER = "done:"
_DONE_ACTS = {
    "cancel_order": r"cancel+(?:ed|led)|storniert|storniert\s+(?:hast|habt|haben|wurde)",
    "change_address": r"(?:changed|updated|redirected|moved)|geändert",
    "change_items": r"(?:modified|swapped)",
}
_DONE_DESCRIBED = re.compile(
    # the address, or where it went, then the order described by the act done to it
    r"\b(?:address|adresse|lieferadresse|where(?:ver)?|wohin|dorthin)\b[^.?!]{0,40}?"
    r"\b(?:the|that|der|die|den)\s+(?:one|order|parcel|package|bestellung)\b[^.?!]{0,30}?"
    r"(?:\b(?:you|we|i|du|ihr|wir|ich|sie)\s+(?:just\s+|already\s+|have\s+(?:just\s+)?|'ve\s+(?:just\s+)?|eben\s+|gerade\s+)?"
    r"|\b(?:that|which|die|den)\s+(?:just\s+)?(?:got|was|has\s+been|wurde|ist)\s+(?:just\s+|eben\s+|gerade\s+)?"
    r"|\b(?:just|eben|gerade)\s+)"
    r"(?P<act>" + "|".join(f"(?P<{act}>{words})" for act, words in _DONE_ACTS.items()) + r")\b",
    re.IGNORECASE,
)


def _done_act(match: re.Match[str]) -> str:
    return next(act for act in _DONE_ACTS if match[act])


# The account's own address: "to my default address", "use my saved one", "the address on my account", German "an
# meine Standardadresse", "an die Adresse in meinem Konto".
_FROM_PROFILE = re.compile(
    r"\b(?:to|use|using|same\s+as|back\s+to)\s+(?:my|the)\s+(?:default|account'?s?|profile'?s?|saved|primary"
    r"|main)\s+(?:(?:shipping|delivery|home)\s+)?(?:address|one)\b"
    r"|\b(?:to|use|using|same\s+as|back\s+to)\s+the\s+address\s+(?:(?:i\s+have\s+|you\s+have\s+)?(?:on|in)"
    r"\s+(?:my\s+)?(?:file|account|profile|record)|(?:saved\s+)?(?:on|in)\s+my\s+(?:account|profile))\b"
    r"|\b(?:an|auf)\s+(?:meine|die)\s+(?:standard|haupt|hinterlegte\s+)-?(?:liefer)?adresse\b"
    r"|\b(?:an|auf)\s+die\s+(?:liefer)?adresse\s+(?:in|aus|von)\s+meinem\s+(?:kunden)?(?:konto|profil)\b",
    re.IGNORECASE,
)
# "Not to the same address as #W2", "don't use my default address", "I moved away from my saved address"; the
# address moved away from ("change it from my default address to ...", "from the same address as #W2 to ..."), and
# the one the order goes to now ("it keeps going to my default address, change that"): the old address, not the new.
_REFUSED = re.compile(
    r"\b(?:not|don'?t|do\s+not|never|no\s+longer|away\s+from|instead\s+of|rather\s+than|nicht|kein\w*)\b[^.?!]{0,30}$"
    r"|\bfrom\s+(?:the\s+|my\s+)?$"
    r"|\b(?:keeps?|kept)\s+(?:getting|going|being|ending)\b[^.?!,;]{0,30}$"
    r"|\b(?:keeps|still|currently|always|went|goes|(?:is|are)\s+(?:going|set|being\s+\w+))\b[^.?!,;]{0,16}$",
    re.IGNORECASE,
)
# "It went to the same address as #W2, which is wrong", "the courier took it to where #W2 went, no longer my home": a
# complaint about where something went names an address the customer does not want.
_COMPLAINT = re.compile(
    r"\b(?:wrong|incorrect|mistake|no\s+longer|not\s+(?:my|the\s+right)|old\s+(?:address|flat|house|home|place)"
    r"|falsch\w*)\b",
    re.IGNORECASE,
)
# "Did #W1 go to the same address as #W2?", "what's the address #W2 was sent to?": asked about, not asked for.
# ("Is it possible to ship it to the same address as #W2?" asks for it.)
_ASKED_ABOUT = re.compile(
    r"^\W*(?:(?:so|and|but|ok(?:ay)?|wait)\W+)*(?:is|are|was|were|does|did|do|has|which|what(?!\s+about)|where|why"
    r"|how)\b(?!\s+(?:it|there)\s+(?:possible|a\s+way))",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"[.?!]\s+")
_ANY_ORDER_ID = re.compile(r"(?<![\w#])" + _ORDER_ID, re.IGNORECASE)


@dataclass(frozen=True)
class AddressSource:
    """Where the address comes from: an order id (as the tools write it) or "default" (the account's own address),
    and where the message names the order (start, end), empty for the account."""

    source: str
    start: int = 0
    end: int = 0
    # Read from "like #W2" / "same as #W2" beside a request to send it somewhere, not from words naming an address.
    by_likeness: bool = False


def _sentence_start(text: str, at: int) -> int:
    ends = [m.end() for m in _SENTENCE_START.finditer(text, 0, at)]
    return ends[-1] if ends else 0


def _order_id(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    written_w = "w" in raw.lower()
    return f"#W{digits}" if written_w or len(digits) == 7 else f"#{digits}"


def _sentence_of(text: str, match: re.Match[str]) -> str:
    ends = _SENTENCE_START.search(text, match.end())
    return text[_sentence_start(text, match.start()) : ends.start() + 1 if ends else len(text)]


def _counts(text: str, match: re.Match[str], refusal_end: int) -> bool:
    """A source said for the order in hand: not turned down before it, not in a question about where things went."""
    if _REFUSED.search(text[_sentence_start(text, match.start()) : refusal_end]):
        return False
    sentence = _sentence_of(text, match)
    if _COMPLAINT.search(sentence):
        return False
    return not (_ASKED_ABOUT.search(sentence) and sentence.rstrip().endswith("?"))


@lru_cache(maxsize=512)
def find_address_source(text: str) -> AddressSource | None:
    """The source of the address the message names, if it names one (the first, read in order)."""
    found: list[tuple[int, AddressSource]] = []
    for pattern in _FROM_ORDER:
        for match in pattern.finditer(text):
            if _counts(text, match, match.start()):
                found.append((match.start(), AddressSource(_order_id(match["id"]), match.start("id"), match.end("id"))))
                break
    for match in _LIKE_ORDER.finditer(text):
        if match["like"] and _LIKE_AS_A_VERB.search(text[: match.start()]):
            continue
        if _ABOUT_WHERE_IT_GOES.search(_sentence_of(text, match)) and _counts(text, match, match.start()):
            source = AddressSource(_order_id(match["id"]), match.start("id"), match.end("id"), by_likeness=True)
            found.append((match.start(), source))
            break
    for pattern in _FROM_UNNAMED_ORDER:
        for match in pattern.finditer(text):
            if _counts(text, match, match.start()):
                # The whole phrase names the source (no item, no order to act on): it is blanked for the other
                # readers ("an dieselbe Adresse wie meine andere Bestellung": no product "Adresse").
                found.append((match.start(), AddressSource(OTHER_ORDER, match.start(), match.end())))
                break
    for match in _DONE_DESCRIBED.finditer(text):
        if _counts(text, match, match.start()):
            # The description is blanked for the other readers: its act's verb asks for nothing.
            found.append((match.start(), AddressSource(DONE_ORDER + _done_act(match), match.start("act"), match.end())))
            break
    for match in _FROM_PROFILE.finditer(text):
        # "don't use my default address": the refusal may sit right before the address words.
        if _counts(text, match, min(match.start() + 4, len(text))):
            found.append((match.start(), AddressSource("default")))
            break
    if not found:
        return None
    first = min(found, key=lambda pair: pair[0])[1]
    # "Use the address of #W1 for the label? No, I mean change #W1 itself": an order named again elsewhere in the
    # message is (also) the one to act on, so it is no source (`without_address_source` blanks one mention only).
    if first.end > first.start and any(
        _order_id(other["id"]) == first.source and other.start("id") != first.start
        for other in _ANY_ORDER_ID.finditer(text)
    ):
        return None
    return first


def address_source(text: str) -> str | None:
    """Where the customer says the address is to be copied from: another order's id ("same address as #W2"),
    `OTHER_ORDER` for another order not named by its id ("same address as my other order"), or "default" for their
    account's address; None when they say neither."""
    found = find_address_source(text)
    return found.source if found else None


# Words for the account's own address ("my default address", "the one on my account", "I've moved").
_DEFAULT_ADDRESS_WORDS = re.compile(
    r"\b(default|account|profile|on\s+file|billing|i(?:'ve|\s+have)?\s+moved)\b", re.IGNORECASE
)


def changes_default_address(text: str) -> bool:
    """The message is about the account's own address itself ("update my default address", "I've moved"), not about
    sending an order to it ("ship my pending order to my default address", which names it as a source)."""
    return bool(_DEFAULT_ADDRESS_WORDS.search(text)) and address_source(text) != "default"


def without_address_source(text: str) -> str:
    """The message with the order named as an address's source blanked out: the orders left are the ones to act on
    ("ship #W1 to the same address as #W2" names #W1 only)."""
    found = find_address_source(text)
    if found is None or found.end <= found.start:
        return text
    return f"{text[: found.start]}{' ' * (found.end - found.start)}{text[found.end :]}"


# An order named as what another is compared with or modelled on: "#W1 delivered faster, same as #W2", "can #W1 go
# express like the one in #W2?", "the same reason as #W2", "as with #W2", "similar to #W2", "rather than #W2", "same
# as I did with #W2". Its id is no order to act on (the order the message acts on is the other one named), whatever
# is compared: an address is one case (`find_address_source`), a speed, a reason or an item others.
_COMPARED_ORDER = re.compile(
    r"\b(?:(?P<like>like)|same\s+(?:[\w-]+\s+){0,2}?(?:as|like)|similar\s+to|as\s+(?:with|in|on)|than"
    r"|as(?=\s+(?:i|we|you|it|they)\s+(?:did|had|got|asked|was|were)\b))\s+"
    r"(?:(?:i|we|you|it|they)\s+(?:did|had|got|asked|was|were)\s+(?:with|for|on|in)?\s*)?"
    r"(?:(?:the|that|my)\s+(?:one|ones|item|items|thing|things)\s+(?:in|from|on|of|for)\s+)?" + _ORDER,
    re.IGNORECASE,
)


def _compared_orders(text: str) -> list[tuple[int, int]]:
    """Where the message names an order only as what another is compared with, when it names another order besides
    (a message naming one order acts on it, however it is said: "same as #W2" alone may answer "which order?")."""
    spans: list[tuple[int, int]] = []
    for match in _COMPARED_ORDER.finditer(text):
        if match["like"] and _LIKE_AS_A_VERB.search(text[: match.start()]):
            continue  # "I'd like #W2 changed": a wish, no comparison
        spans.append((match.start("id"), match.end("id")))
    ids = {_order_id(m["id"]) for m in _ANY_ORDER_ID.finditer(text)}
    compared = {_order_id(text[start:end]) for start, end in spans}
    return spans if ids - compared else []


# An order set aside by the customer's words: kept as it is, left alone, "not" or "except" it ("leave #W2 as it is and
# cancel #W1", "keep #W2 as it is, cancel #W1 instead", "not #W2", "storniere #W1, nicht #W2"). Its id is no order to
# act on when the message names another besides.
_SET_ASIDE_ORDERS = (
    re.compile(
        r"\b(?P<word>leave|leaving|keep|keeping|(?:don'?t|do\s+not)\s+(?:cancel|change|touch|return)|not|nicht|except"
        r"|außer|lass\w*|(?:anything|any|everything|all|any\s+(?:order|one))\s+(?:but|except)|other\s+than"
        r"|andere\w*\s+als)\s+(?:(?:the|that|my|die|meine)\s+)?(?:order\s+|bestellung\s+)?"
        + _ORDER_ID
        + r"(?!\s*(?:instead|stattdessen))",
        re.IGNORECASE,
    ),
    # Only beside another order named: alone, "#W2 alone", "#W2 is fine" or "#W2 stays pending?" picks or asks about
    # the order it names.
    re.compile(_ORDER_ID + r"\s+(?:as\s+it\s+is|alone|stays|can\s+stay|is\s+fine|bleibt|so\s+lassen)\b", re.IGNORECASE),
)
# An exclusion that says on its own which order is NOT meant, with no other order named: "not #W2", "anything but
# W2", "any order other than #W2", "don't cancel #W2", "the one that isn't #W2", "leave #W2 alone", "nicht die #W2",
# "außer #W2". Said
# alone at "which order?", it narrows the orders to pick from; it never picks the excluded one. ("Keep #W2" or "leave
# #W2" alone may be the order meant -- "keep #W2 instead" -- and "why not #W2?" suggests it: neither is an exclusion
# on its own.)
_EXCLUDED_ALONE = (
    re.compile(
        r"(?<!\bwhy\s)(?<!\bwhy\snot\s)\b(?P<word>not|(?:that|which)\s+isn'?t|nicht|except|au(?:ß|ss)er|(?:don'?t"
        r"|do\s+not|never)\s+(?:cancel|change|touch|return|exchange|modify)|(?:anything|any|everything|all|any\s+"
        r"(?:order|one)|(?:any|some)\s+other(?:\s+(?:order|one))?)\s+(?:but|except|besides|apart\s+from)"
        r"|other(?:\s+(?:order|one))?\s+than"
        r"|apart\s+from|excluding|andere\w*\s+als|alle\s+au(?:ß|ss)er)\s+"
        r"(?:(?:the|that|my|die|meine|der)\s+)?(?:order\s+|one\s+|bestellung\s+)?"
        + _ORDER_ID
        + r"(?!\s*(?:instead|stattdessen))",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:leave|leaving|lass\w*)\s+(?:(?:the|that|my|die|meine)\s+)?(?:order\s+|bestellung\s+)?"
        + _ORDER_ID
        + r"\s+(?:alone|as\s+it\s+is|the\s+way\s+it\s+is|be\b|in\s+ruhe|so\b)",
        re.IGNORECASE,
    ),
)
# A bare "not" excludes an order when it opens the words about it: at the start of a sentence or clause, after "but"
# or "and", or after a verb of an act ("cancel #W1, not #W2", "not #W2 please", "storniere nicht die #W2"). After other
# words it belongs to a question about the order ("is it not #W2?", "was it not #W2 that had the lamp?").
_NOT = re.compile(r"(?:not|nicht|isn'?t)$", re.IGNORECASE)
_NOT_OPENS = re.compile(
    r"(?:^|[.;:!?,(-]|\b(?:but|and|or|please|aber|und|oder|bitte|that|which|cancel|change|return|exchange|modify"
    r"|touch|stornier\w*|storniere|änder\w*|tausch\w*))\s*$",
    re.IGNORECASE,
)
# The words of an act, which make a question a request ("can you cancel #W1 but not #W2?") rather than a question
# about an order ("keine Ahnung, nicht die #W2?").
_ACT_VERB = re.compile(
    r"\b(?:cancel\w*|change|modify|return|exchange|swap|refund|stornier\w*|änder\w*|tausch\w*|zurück\w*)\b",
    re.IGNORECASE,
)
# A negated whole before "except"/"but"/"außer": "don't cancel anything except #W2", "cancel nothing but #W2", "none
# except #W2", "nichts außer #W2" say which order is the only one meant, not which one is left out.
_NEGATED_WHOLE = re.compile(r"\b(?:nothing|none|no|not|don'?t|do\s+not|never|nichts|kein\w*|nicht)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.;!?,]")
_BUT = re.compile(r"\b(?:but|except|besides|apart\s+from|au(?:ß|ss)er|other\s+than|als|excluding)$", re.IGNORECASE)
_RELATIVE = re.compile(r"(?:that|which)\b", re.IGNORECASE)


def _excludes(text: str, match: re.Match[str]) -> bool:
    """Whether the exclusion word found really leaves the order out (see `_NOT_OPENS`, `_NEGATED_WHOLE`)."""
    word = match["word"] if "word" in match.re.groupindex else None
    if word is None:
        return True
    before = text[: match.start("word")]
    sentence_start = max((m.end() for m in re.finditer(r"[.!?]", before)), default=0)
    rest = re.search(r"[.!?]|$", text[match.end() :])
    sentence_end = match.end() + (rest.end() if rest else 0)
    sentence = text[sentence_start:sentence_end]
    if _NOT.search(word):
        if not (_NOT_OPENS.search(before) or _RELATIVE.match(word)):
            return False
        return not sentence.rstrip().endswith("?") or bool(_ACT_VERB.search(sentence))
    if not (but := _BUT.search(word)):
        return True  # "don't cancel #W2", "leave #W2": said outright
    clause = text[max((m.end() for m in _CLAUSE_BREAK.finditer(before)), default=0) : match.start("word")]
    return not _NEGATED_WHOLE.search(clause + word[: but.start()])


def _set_aside_orders(text: str) -> list[tuple[int, int]]:
    alone = {
        (m.start("id"), m.end("id"))
        for pattern in _EXCLUDED_ALONE
        for m in pattern.finditer(text)
        if _excludes(text, m)
    }
    spans = {
        (m.start("id"), m.end("id"))
        for pattern in _SET_ASIDE_ORDERS
        for m in pattern.finditer(text)
        if _excludes(text, m)
    }
    ids = {_order_id(m["id"]) for m in _ANY_ORDER_ID.finditer(text)}
    set_aside = {_order_id(text[start:end]) for start, end in spans | alone}
    # Another order named besides: every order set aside is blanked; nothing else named, only the words that exclude
    # on their own set an order aside.
    return sorted(spans | alone if ids - set_aside else alone)


def orders_set_aside(text: str) -> list[str]:
    """The orders the message sets aside ("not #W2", "anything but #W2", "leave #W2 as it is and cancel #W1"), as the
    tools write their ids: none of them is the order to act on, whatever else the message names."""
    text = without_address_source(text)
    return list(dict.fromkeys(_order_id(text[start:end]) for start, end in sorted(_set_aside_orders(text))))


def without_orders_not_acted_on(text: str) -> str:
    """The message with the orders it names as a source (of an address), as a comparison or as set aside ("leave #W2
    as it is") blanked out: the orders left are the ones to act on ("#W1 delivered faster, same as #W2" acts on #W1
    only)."""
    text = without_address_source(text)
    for start, end in [*_compared_orders(text), *_set_aside_orders(text)]:
        text = f"{text[:start]}{' ' * (end - start)}{text[end:]}"
    return text

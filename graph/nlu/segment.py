"""Split a message that asks for several things into one segment per request.

Only explicit connectors split ("and also", "also", "plus", a question mark followed by more text), and a bare "and"
only before the verb of another act on an order: otherwise it joins parts of one request far more often than two
("cancel and refund my order", "the blue one and in size M").
"""

from __future__ import annotations

import re
from functools import lru_cache

from graph.nlu.address_source import without_orders_not_acted_on

_SPLIT = re.compile(
    r"(?<=\?)\s+(?=\S)"  # "Where is my parcel? Also ..." / "... in stock? Do you ship ..."
    r"|[.;!]+\s+(?=(?:also|plus|and\s+also|oh\s+and|btw|by\s+the\s+way|another\s+thing|one\s+more\s+thing)\b)"
    r"|,?\s+and\s+also\s+"
    r"|,\s*(?:also|plus)\s+"
    r"|\s+plus,\s+"
    # A bare "and" before another act on an order ("change the address and swap a puzzle on it"): "cancel and
    # refund" stays whole (a refund is how a cancellation ends), and a fragment too short to be a request rejoins.
    # (Not when the second act is about the first's thing: "send it back and replace it", "return the boots and
    # exchange them", "cancel the order and return the money".)
    # The act may come with its asking ("and I want to exchange the watch", "and could you also swap the lamp").
    r"|,?\s+(?:and|plus)\s+(?=(?:then\s+)?(?:also\s+)?(?:please\s+)?"
    r"(?:(?:i|we)\s+(?:also\s+)?(?:want|wanna|would\s+like|'d\s+like|need)\s+(?:you\s+)?to\s+(?:also\s+)?"
    r"|(?:can|could|would)\s+you\s+(?:also\s+|please\s+)*)?"
    r"(?:swap|exchange|return|cancel|change|update|modify|switch|replace|move"
    r"|send\s+(?:back|the|my)\b)"
    r"\b(?!\s+(?:it|them|that|this|one|those|these|the\s+money|my\s+money|the\s+refund)\b))"
    # "... and pay it with PayPal": how the order is paid, a request of its own ("and pay the difference with
    # PayPal" pays the request before it, and stays with it).
    r"|,?\s+and\s+(?=(?:then\s+)?(?:also\s+)?(?:please\s+)?pay\s+(?:for\s+)?(?:(?:it|that|this|the\s+order"
    r"|this\s+order|that\s+order)\s+)?(?:with|by|using|via|through|on)\b)"
    # "..., and for my other order, switch the payment to PayPal": a clause that turns to another order is that
    # order's request, whatever its verb (an order id said first, then what to do with it, as well).
    r"|[,.;]\s*(?:and\s+)?(?:also\s+)?(?=(?:for|on|with|as\s+for)\s+(?:(?:my|the)\s+(?:other|second)|another)\s+order\b"
    r"|(?:for|on|with)\s+(?:order\s+)?#?W?\d{7}\b,?\s+(?:please\s+)?(?:can\s+you\s+)?(?:swap|exchange|return|cancel"
    r"|change|update|modify|switch|replace|move|put|pay)\b|(?:für|bei)\s+(?:meine|die)\s+(?:andere|zweite)\s+bestellung\b)"
    # German closes a clause with its verb ("die Zahlung auf PayPal ändern und die Lampe in Blau tauschen"): an "und"
    # right after the verb of a change starts the next request.
    r"|(?:(?<=ändern)|(?<=tauschen)|(?<=stornieren)|(?<=zurückgeben)|(?<=zurückschicken)|(?<=wechseln)"
    r"|(?<=umstellen)|(?<=ersetzen))\s*,?\s+und\s+(?!zwar\b)(?:auch\s+)?"
    # "Forget the payment switch, then change the lamp": what comes next after a comma is a request of its own.
    r"|,\s*(?:and\s+)?(?:then|instead|just|rather)\s+(?=(?:please\s+)?(?:swap|exchange|return|cancel|change|update"
    r"|modify|switch|replace|send|make)\b)",
    re.IGNORECASE,
)
_LEADING_CONNECTOR = re.compile(r"^(?:also|plus|and\s+also|oh\s+and|btw|by\s+the\s+way)[,:]?\s+", re.IGNORECASE)
_MIN_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# ... and, read more loosely, a semicolon's clause or a line of its own ("I called; nobody answered\nwhere is it").
_SENTENCE_OR_LINE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(text: str, *, at_semicolons_and_lines: bool = False) -> list[str]:
    """The message's sentences, each stripped, none empty (a reading that holds sentence by sentence); with
    `at_semicolons_and_lines`, a clause after a semicolon and each line count as sentences too."""
    end = _SENTENCE_OR_LINE_END if at_semicolons_and_lines else _SENTENCE_END
    return [part.strip() for part in end.split(text) if part.strip()]


# "On my other order", "another order", "the second order", "meine andere Bestellung": not the order in hand.
_ANOTHER_ORDER_EN = (
    r"(?:(?:my|the|an)\s+(?:other|second|previous|older|earlier|newer)|another|a\s+different|the\s+different)\s+order\b"
)
_ANOTHER_ORDER_DE = r"(?:meine[rnm]?|die|der|einer?)\s+(?:anderen?|zweiten?)\s+bestellung\b"
ANOTHER_ORDER = re.compile(rf"\b{_ANOTHER_ORDER_EN}|\b{_ANOTHER_ORDER_DE}", re.IGNORECASE)
# The other order as what a request is about: after a preposition or the verb of an act ("for my other order, switch
# the payment", "cancel my other order too", "the payment of my other order"), not named in passing ("cancel this
# one, my previous order already has what I need": the reason of a request for the order in hand).
ADDRESSES_ANOTHER_ORDER = re.compile(
    r"\b(?:for|on|of|with|in|from|about|as\s+for|cancel|change|switch|return|exchange|modify|update|pay|swap|move)\s+"
    r"(?:(?:the\s+)?(?:payment|items?|address)\s+(?:of|on|for|in)\s+)?"
    rf"{_ANOTHER_ORDER_EN}"
    r"|\b(?:für|bei|in|von|auf|mit|storniere|ändere)\s+" + _ANOTHER_ORDER_DE,
    re.IGNORECASE,
)
# The order in hand pointed at ("cancel this one", "this order", "diese hier"): the request is for it.
# So does the act said of "it" ("cancel it please, it's a duplicate of my earlier order": the other order is the
# reason's), unless the same words go on to place it on another order ("switch it on my other order").
POINTS_AT_THE_ORDER_IN_HAND = re.compile(
    r"\b(?:this|that)\s+(?:one|order)\b|\bdiese[ns]?\s+(?:hier|bestellung)\b"
    r"|\b(?:cancel|return|refund)\s+it\b(?!\s+(?:too|as\s+well|for|on|of|in|from|with|instead)\b)",
    re.IGNORECASE,
)


# A sentence that says a request of its own for its own order: the order and enough words for what to do with it.
# (The entity reader's order ids are not used: graph.nlu.entities reads sentences with this module.)
_ORDER_ID = re.compile(r"#?\bW?\d{7}\b", re.IGNORECASE)
_OWN_REQUEST_WORDS = 5
# What to do, or with what: an act's verb, or a thing of the order ("the makeup kit").
_SAYS_WHAT = re.compile(
    r"\b(?:return|exchang|swap|cancel|chang|refund|send|replac|modif|switch|updat|storn|umtausch|zurück)\w*"
    r"|\b(?:the|my|both|die|den|das|meine?n?)\s+(?!order\b|bestellung\b)[a-zäöü]{3,}",
    re.IGNORECASE,
)


def _per_order(part: str) -> list[str]:
    """ "From #W1 the pet bed, refund to my gift card. From #W2 the makeup kit, refund to my card.": sentences that
    each name another order than the sentences before them, with words enough to say what to do with it, are
    requests of their own ("Cancel #W1. And #W2 too." is one act for two orders, said in the first sentence)."""
    groups: list[list[str]] = []
    named: set[str] = set()
    for sentence in sentences(part):
        # An order named as where an address comes from ("... to the same address as #W2") is no order of its own.
        ids = {found.lstrip("#").upper() for found in _ORDER_ID.findall(without_orders_not_acted_on(sentence))}
        own = (
            ids
            and named
            and not ids & named
            and len(sentence.split()) >= _OWN_REQUEST_WORDS
            and _SAYS_WHAT.search(_ORDER_ID.sub(" ", sentence))
        )
        if groups and not own:
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
        named = ids if own or not named else named | ids
    return [" ".join(group) for group in groups]


def split_requests(text: str) -> list[str]:
    """Segments of the message, each one request; a message with one request comes back as a single segment."""
    return list(_segments(text.strip()))


# The analyser, the gate, the dialogue and the knowledge each split the same message in one turn: it is read once.
@lru_cache(maxsize=1024)
def _segments(text: str) -> tuple[str, ...]:
    split = [_LEADING_CONNECTOR.sub("", part.strip()) for part in _SPLIT.split(text) if part and part.strip()]
    parts = [piece for part in split for piece in _per_order(part)]
    segments: list[str] = []
    for part in parts:
        # Fragments too short to be a request ("seriously??", "why?") belong to their neighbour.
        if segments and (len(part.split()) < _MIN_WORDS or len(segments[-1].split()) < _MIN_WORDS):
            segments[-1] = f"{segments[-1]} {part}"
        else:
            segments.append(part)
    return tuple(segments) or (text,)


# Where a sentence ends without a full stop: an emoticon or an emoji ("going great :) I'd like...").
_EMOTICON_END = re.compile(r"\s*(?:[:;]-?[)D(P]|<3|[\U0001F300-\U0001FAFF\u2600-\u27BF])+\s+")


def beyond_the_opening(text: str) -> str:
    """The message without its first sentence ("Hey there! Hope you're well :) I'd like to return..." -> "I'd like
    to return..."), an emoticon ending a sentence too; the message itself when it has one sentence."""
    parts = sentences(_EMOTICON_END.sub(". ", text))
    return " ".join(parts[1:]) if len(parts) > 1 else text

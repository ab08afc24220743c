"""Repair readings: a correction at a proposal, the same again, another version of an item, a fault reported, a
question about a variant's price.
"""

from __future__ import annotations

import re
from typing import Any

from graph.llm.addresses import looks_like_address
from graph.llm.dialogue.addresses import names_another_destination
from graph.llm.dialogue.items import _LEFT_OUT, _ONLY, _WANTS_IT_OTHERWISE, items_left_out, left_out_items
from graph.llm.dialogue.names import (
    _REQUEST_OF_WRITE,
    CANCEL_REASONS,
    CHANGE_DEFAULT_ADDRESS,
    CHANGE_ITEMS,
    CHANGE_PAYMENT,
    CONTINUATION_INTENTS,
    FAULTS,
    MONEY_MOVING_FLOWS,
    PERSONAL_INTENTS,
)
from graph.llm.dialogue.other_requests import _ASKS_FOR_A_CHANGE, last_done_request
from graph.llm.dialogue.plan import last_text, without_their_names
from graph.llm.dialogue.proposal_items import contradicts_items, proposed_items
from graph.llm.dialogue.reading import _PAYS_FOR_AN_ITEM_CHANGE
from graph.llm.dialogue.remedies import named_remedy, restated_item_request
from graph.llm.matching import DIRECTS_MONEY, matching_items, named_items, options_in, payment_mention, the_other_unit
from graph.nlu.address_source import address_source
from graph.nlu.confirmation import asks_what_they_hold, gives_a_yes
from graph.nlu.entities import extract_options, extract_reasons, shared_entities
from graph.nlu.general import asks_about_the_rules, asks_something
from graph.nlu.segment import sentences
from graph.state import SupportState

_QUANTITY = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:l|ml|liters?|litres?|inch(?:es)?|in|ft|feet|foot|gb|tb|mah|w|cm|mm|oz|kg|lbs?|hours?|mp|x)\b",
    re.I,
)
_OPTION_WORDS = re.compile(
    r"\b(?:size|colou?r|material|capacity|length|width|style|version|model|design|finish)\b", re.I
)


# How it should be, in any option's words ("should be leather", "needs to be the mountain one instead"): the
# form says a wish for the item only when what follows is one of its option values or an option word ("should be
# size M", "has to be the 2TB one"); not how its delivery, its working or its price should be ("should be here by
# now", "should be brighter for that price", "should be under warranty").
_SHOULD_BE = re.compile(
    r"\b(?:should|needs?\s+to|has\s+to|must|ought\s+to)\s+be\s+(?:the\s+|an?\s+|in\s+)?((?:[\w.-]+\s*){1,3})",
    re.IGNORECASE,
)
# Asking for it another way: "instead", "rather", or a change verb ("make it the blue one", "swap it for 2TB"). One
# pattern for both readers: said_otherwise, and a question about a variant that is still a change.
_ANOTHER_WAY = re.compile(r"\b(?:instead|rather|change|switch|swap|make\s+it|stattdessen|lieber)\b", re.IGNORECASE)


def said_otherwise(text: str, values: set[str]) -> bool:
    """The message says how an item should be in its options' words: another way (_ANOTHER_WAY), or "should/needs to be"
    followed by one of `values` (the item's option values, lower case) or an option word, size or quantity."""
    if _ANOTHER_WAY.search(text):
        return True
    for match in _SHOULD_BE.finditer(text):
        after = match.group(1)
        words = re.findall(r"[\w.-]+", after.lower())
        phrases = {" ".join(words[:n]) for n in range(1, len(words) + 1)} | set(words)
        if phrases & values or _OPTION_WORDS.search(after) or _QUANTITY.search(after) or extract_options(match[0]):
            return True
    return False


def wants_another_version(state: SupportState) -> str | None:
    """ "Then the kettle, I want the 1.5L one, still plastic and white": an item of the order in hand, named with how
    the customer wants it, and not asked about. A change of that item (an exchange once the order is delivered),
    however the intent model read the words (a product question, a remark)."""
    understood = str(state.understanding.get("intent", ""))
    slots = state.dialogue.get("slots", {})
    items = slots.get("order_items") or []
    if understood in PERSONAL_INTENTS or understood in CONTINUATION_INTENTS or not items or not state.customer:
        return None
    text = last_text(state)
    if asks_something(text) or not _WANTS_IT_OTHERWISE.search(text) or _LEFT_OUT.search(text):
        return None
    named = named_items(items, text)
    # How they want it said in options ("the 1.5L one", "medium room size, carbon filter", "in blue"), not "I'd
    # like to know the warranty on the boots".
    own = {str(v).lower() for i in named for v in (i.get("options") or {}).values()}
    said = {str(v).lower() for v in extract_options(text).values()}
    # Its product's option values, once read, tell "should be velvet" from "should be brighter".
    known = slots.get("item_option_values") or {}
    values = own | {
        str(v).lower() for i in named for vs in (known.get(str(i.get("item_id"))) or {}).values() for v in vs
    }
    if not named or not (
        said - own or _QUANTITY.search(text) or _OPTION_WORDS.search(text) or said_otherwise(text, values)
    ):
        return None
    status = slots.get("order_status")
    if status == "delivered":
        return "exchange_request"
    return CHANGE_ITEMS if status in (None, "", "pending") else None


# "Do the same for #W2", "same with the one that has the keyboard", "and the other one too": the request just carried
# out, again, for another order.
_SAME_AGAIN = re.compile(
    r"\b(?:(?:do|did|doing)\s+(?:the\s+)?same(?:\s+thing)?|(?:the\s+)?same\s+(?:thing\s+)?(?:for|with|goes\s+for|on)"
    r"|(?:the\s+)?other\s+(?:one|order)\s+(?:too|as\s+well)|(?:that|this)\s+one\s+(?:too|as\s+well)"
    r"|(?:dasselbe|das\s+gleiche|genauso)\s+(?:für|mit|bei))\b",
    re.IGNORECASE,
)


# "Next is #W2, same thing", "#W2 too, same change", "likewise for #W2": sameness said on its own, beside the order it
# is for. Only with another order named is it a request again ("same thing happened with the lamp" tells a story).
_SAME_BESIDE_AN_ORDER = re.compile(
    r"\b(?:(?:the\s+)?same\s+(?:thing|change|request|deal|again|here|please|as\s+(?:before|last\s+time|the\s+(?:other|first|last)"
    r"(?:\s+one|\s+order)?))(?!\s+(?:happened|happens|is\s+happening|went|goes\s+wrong|problem|issue))|likewise|ditto"
    r"|(?:the\s+)?same(?=\s*(?:,\s*)?(?:too|as\s+well|for\s+(?:it|that|this)|please)\b)"
    r"|(?:dasselbe|das\s+gleiche|genauso|ebenso)(?:\s+(?:bitte|nochmal|auch))?(?=\s*(?:[.,;:!?]|$)))",
    re.IGNORECASE,
)


# A likeness told rather than asked for: what something is or has ("#W2 is the same", "my order #W2 has the same",
# "I got the same", "ich habe das gleiche").
_IS_THE_SAME = re.compile(
    r"\b(?:is|are|was|were|looks?|seems?|stays?|remains?|ist|sind|bleibt|have|has|had|having|'ve|got|get|gets|received"
    r"|ordered|bought|saw|see|experienced|habe|hat|hatte|haben|bekommen|erhalten)\s+(?:(?:ich|wir|es|er|sie|got|exactly|just|still|also"
    r"|genau|auch)\s+)*(?:the\s+|das\s+|den\s+|die\s+)?(?:same|gleiche\w*|selbe\w*|dasselbe)\b",
    re.IGNORECASE,
)


def says_the_same_for_another_order(text: str, order_ids: list[str]) -> bool:
    """ "Do the same for #W2", or sameness said beside another order named ("next is #W2, same thing")."""
    # "#W2 is the same", "I have the same with #W2", "the address stays the same": a likeness told, not a request.
    if _IS_THE_SAME.search(text):
        return False
    if _SAME_AGAIN.search(text):
        return True
    if not order_ids:
        return False
    return bool(_SAME_BESIDE_AN_ORDER.search(text))


# The acts a message asks for by their own verb, not taken back ("cancel that one", "send it back", "umtauschen").
_ACT_VERBS = {
    "cancel_order": re.compile(r"\b(?:cancel\w*|storn\w*)\b", re.IGNORECASE),
    "return_request": re.compile(r"\b(?:return\w*|send\s+\w+\s+back|zurücksenden|zurückschicken)\b", re.IGNORECASE),
    "exchange_request": re.compile(r"\b(?:exchang\w*|umtausch\w*)\b", re.IGNORECASE),
}
_TAKEN_BACK = re.compile(r"\b(?:don'?t|do\s+not|not|no|never\s*mind|nicht|kein\w*)\s+(?:\w+\s+){0,3}?$", re.IGNORECASE)
# How the order is paid, named as what is to change ("put the payment on paypal", "pay it with my visa").
_THE_PAYMENT = re.compile(r"\b(?:payment|pay|paid|charge|zahlung\w*|bezahl\w*|zahlen)\b", re.IGNORECASE)


def _own_acts(text: str) -> set[str]:
    """The acts the words ask for themselves: by an act's verb, or by a value only one act takes (a cancel reason, a
    new way to pay the order, an address). Sameness beside them ("same thing, but cancel it") does not name the act."""
    rest = _SAME_BESIDE_AN_ORDER.sub(" ", _SAME_AGAIN.sub(" ", text))
    acts = {
        act
        for act, verb in _ACT_VERBS.items()
        if any(not _TAKEN_BACK.search(rest[: found.start()]) for found in verb.finditer(rest))
    }
    if set(extract_reasons(rest)) & set(CANCEL_REASONS):
        acts.add("cancel_order")
    if payment_mention(rest) and _THE_PAYMENT.search(rest) and not _PAYS_FOR_AN_ITEM_CHANGE.search(rest):
        acts.add(CHANGE_PAYMENT)
    if looks_like_address(rest) or address_source(rest) is not None:
        acts.add("change_address")
    return acts


def same_again(state: SupportState) -> str | None:
    """Between requests, "the same for the other order": the request last carried out, for the order they name.

    Sameness names the act only when the message says none of its own: "next #W2, same thing, put the payment on
    paypal" asks for the payment change whatever was done last. And when the message gives, beside another order, a
    value only the act just done takes ("Now #W2. Ordered that one by mistake." right after a cancellation), that act
    goes on, on the new order, as if "same thing" had been said."""
    if state.dialogue.get("intent") or state.pending_action:
        return None
    text = last_text(state)
    named = list(state.understanding.get("entities", {}).get("order_ids") or [])
    done = last_done_request(state.messages)
    own = _own_acts(text)
    if not says_the_same_for_another_order(text, named):
        return done if named and own == {done} and _values_only(text, done) else None
    if asks_about_the_rules(text):
        return None  # "is it the same for returns?" asks how things work, it asks for nothing again
    if own - {done}:
        return None  # the request said in words is theirs, not the one done last
    return done


def _values_only(text: str, done: str | None) -> bool:
    """A cancel reason said beside an order, with no act's verb and no question: the reason, for the next order."""
    return done == "cancel_order" and not asks_something(text) and not any(v.search(text) for v in _ACT_VERBS.values())


_NOT_GOODS = re.compile(
    r"\b(?:password|log\s?in|sign\s?in|link|code|coupon|voucher|discount|promo|app|account|website|site|page|checkout"
    r"|email|tracking|portal|payment|card|order\s+status)\b",
    re.IGNORECASE,
)
_RECEIVED = re.compile(
    r"\b(?:arrived|came|delivered|received|got|package|parcel|box|delivery|shipment)\b", re.IGNORECASE
)


def reports_a_fault(state: SupportState) -> bool:
    """The message tells of a fault with something the customer received and asks for nothing we do by name (no
    return, refund or exchange requested, no question about the rules): what they want is still to be asked."""
    understood = str(state.understanding.get("intent", ""))
    text = last_text(state)
    # "My earbuds that came last week won't pair" may read as a delivery question, or as the return or exchange the
    # intent model guesses is wanted while the words ask for neither; any other request is theirs.
    guessed_remedy = understood in ("return_request", "exchange_request") and named_remedy(text) is None
    if (understood in PERSONAL_INTENTS and understood != "order_status" and not guessed_remedy) or (
        understood in CONTINUATION_INTENTS
    ):
        return False
    entities = state.understanding.get("entities", {})
    reasons = set(entities.get("reasons") or [])
    if not reasons & FAULTS or asks_about_the_rules(text) or _ASKS_FOR_A_CHANGE.search(text):
        return False
    # Something they received: a thing named that is no login, link or code ("my password isn't working", "the
    # tracking link is broken" are no faulty goods), or a delivery that came so ("it arrived damaged").
    things = [p for p in entities.get("products") or [] if not _NOT_GOODS.search(str(p))]
    return bool(things) or bool(_RECEIVED.search(text) and not _NOT_GOODS.search(text))


def corrected_request(state: SupportState) -> str | None:
    """At a proposal waiting for a yes, the request it belongs to when the message changes one of its details (where
    the money goes, an option, the address) rather than answering yes or no to the whole of it; else None.

    Read from the proposed write itself, not from how the conversation named the request ("change my order")."""
    pending = state.pending_action or {}
    request = _REQUEST_OF_WRITE.get(str(pending.get("name")))
    if request is None:
        return None
    text = without_their_names(last_text(state), state)
    mention = payment_mention(text)
    # With no money changing hands, where it would go is no detail of the proposal ("yes, and if anything needs
    # paying, use my credit card" to a swap at the same price is a yes).
    moves_money = (pending.get("preview") or {}).get("moves_money", True)
    # A bare "card" names where money goes only with words that send it there ("to my card", "use a card"): "fyi I
    # got a new card" changes nothing.
    specific = bool(mention) and (bool(set(mention or {}) - {"kind"}) or (mention or {}).get("kind") != "credit_card")
    directed = specific or bool(DIRECTS_MONEY.search(text))
    # With none, a method named in so many words without a yes ("please use my gift card for that" at a new unit of
    # the same item) is still the one the change is recorded with: the proposal is made again with it.
    records_it = not moves_money and specific and not gives_a_yes(text) and not asks_something(text)
    pays = request in MONEY_MOVING_FLOWS | {CHANGE_PAYMENT} and ((moves_money and directed) or records_it)
    paid_with = state.dialogue.get("slots", {}).get("paid_with")
    # "Do I have any other cards saved?" names another card but asks what they hold: a question on the way to the
    # yes, answered from their methods; it sends the money nowhere.
    if pays and mention and not _proposal_says(pending, mention, paid_with) and not asks_what_they_hold(text):
        return request
    if restated := restated_item_request(request, text):
        # "No, not a return: I want to exchange it": the proposal's kind is what they correct.
        return restated
    if request in (CHANGE_ITEMS, "exchange_request"):
        order_items = state.dialogue.get("slots", {}).get("order_items") or []
        slots = state.dialogue.get("slots", {})
        # Every proposed item's option values, not only the last one settled ("the 10 hour battery" is the speaker's
        # though the t-shirt was settled after it).
        known = _every_value([slots.get("option_values") or {}, *(slots.get("item_option_values") or {}).values()])
        # "The black watch stays as it is, black silicone LCD": options said of an item left alone change nothing.
        changing = " ".join(
            sentence
            for sentence in sentences(text)
            if not (_LEFT_OUT.search(sentence) and matching_items(order_items, [sentence]))
        )
        proposed = [str(i) for i in (pending.get("args") or {}).get("item_ids") or []]
        if asks_what_a_variant_costs(changing):
            # "How much is the white one in wireless?": a question about another variant, asked on the way to the
            # yes; it changes nothing until they ask for it.
            return None
        # The products' own option names win over the generic ones: "the white one" of a watch is its dial color
        # white, not also a "color" that no item has, which would read as a value not theirs.
        named = options_in(changing, known)
        generic = {
            key: value
            for key, value in shared_entities(changing).options.items()
            if str(value).lower() not in {str(v).lower() for v in named.values()}
        }
        said = {**generic, **named}
        # "Only the silver one changes": a proposed item's own options say which item is meant, they change nothing.
        own = {
            (str(key).lower(), str(value).lower())
            for item in order_items
            if str(item.get("item_id")) in proposed
            for key, value in (item.get("options") or {}).items()
        }
        # "Yes, that's correct, the red one is what I want": what the proposal makes of them, said again, changes
        # nothing either (the new versions proposed, as the change shown says them).
        new_ids = [str(i) for i in (pending.get("args") or {}).get("new_item_ids") or []]
        becomes = {
            (str(key).lower(), str(value).lower())
            for pair, view in (slots.get("swap_views") or {}).items()
            if isinstance(view, dict) and tuple(str(pair).split(">", 1)) in set(zip(proposed, new_ids, strict=False))
            for key, value in (view.get("options") or {}).items()
        }
        own |= becomes
        asked = asks_about_the_rules(changing) and not _ANOTHER_WAY.search(changing)
        if not asked and contradicts_items(changing, proposed_items(state)):
            # "Glass, 5 ft, brown, plus the white mouse. Go ahead" to a white shelf: each value read against the item
            # it is said of (the mouse's white is not the shelf's), and one differs from what the proposal makes of
            # it: a correction, never a yes, whatever assent it ends with.
            return request
        if not asked and any((str(k).lower(), str(v).lower()) not in own for k, v in said.items()):
            # ("Is the red one in stock?" asks about the proposal; it changes nothing, and is answered.)
            return request
        proposed_values = dict(becomes)
        current_values = {
            str(key).lower(): str(value).lower()
            for item in order_items
            if str(item.get("item_id")) in proposed
            for key, value in (item.get("options") or {}).items()
        }
        said_values = {str(k).lower(): str(v).lower() for k, v in said.items()}
        if (
            len(set(proposed)) == 1
            and _NO_THEN.match(changing)
            and any(proposed_values.get(k, v) != v for k, v in said_values.items())
            and any(current_values.get(k, v) != v for k, v in said_values.items())
        ):
            # "No, make it 1L in stainless steel": a no and then values that make another version than both the
            # proposal's and the item's own correct it, even when one of them is what the item has now (the
            # stainless steel it is made of): "no" does not name the item, it turns the proposal down for another
            # version. Values that are all the item's own ("no, I'll keep the white one after all", "no, leave it
            # with the leather strap") keep the item as it is: a plain no, never a new version that moves money.
            # (Of one item only: of several, an item's own value may say which of them is meant.)
            return request
        if _adds_an_item(state, pending, changing) or the_other_unit(order_items, changing, proposed):
            # "Also the perfume", "and the other one in blue": another item, or the other unit of one proposed.
            return request
        if len(proposed) > 1 and items_left_out(order_items, text, proposed):
            return request  # "leave the boots as they are": the change without them
        return None
    if request == "return_request":
        # "Add the dumbbell set too", "the wristwatch is missing", "all three: the X, the Y and the Z": the items.
        return request if _adds_an_item(state, pending, text) or _names_other_items(state, pending, text) else None
    if request in ("change_address", CHANGE_DEFAULT_ADDRESS):
        # A new address, or another place still to be named ("ship it to my office instead"): the address changes.
        return request if looks_like_address(text) or names_another_destination(text) else None
    return None


# A no that goes on to say something ("no, make it 1L", "nope - the 2L one", "nein, lieber in Weiß"): not a bare no.
_NO_THEN = re.compile(r"^\s*(?:no+|nope|nah|nein|not\s+(?:that|this)(?:\s+one)?)\b[\s,.!:;-]+\w", re.IGNORECASE)


def _every_value(option_lists: list[dict[str, list[str]]]) -> dict[str, list[str]]:
    """Several products' option values as one: each option with the values any of them has."""
    merged: dict[str, list[str]] = {}
    for values in option_lists:
        for key, listed in values.items():
            merged[key] = list(dict.fromkeys([*merged.get(key, []), *listed]))
    return merged


# What a variant costs or whether it is there, asked: "how much is it in wireless?", "is the black one in stock?".
_ASKS_PRICE_OR_STOCK = re.compile(
    r"\b(?:how much|price|prices|cost|costs|costing|pricier|cheaper|in stock|available|availability)\b", re.IGNORECASE
)
# ... and asked for: "make it the wireless one", "I'd rather have black, how much is that?".
_ASKS_FOR_IT = re.compile(
    r"\b(?:instead|make it|change (?:it|that)|switch|swap|i(?:'d| would) (?:rather|prefer|like|want)|i want|let'?s do"
    r"|go with|take the)\b",
    re.IGNORECASE,
)


def asks_what_a_variant_costs(text: str) -> bool:
    """The message asks what a variant costs or whether it is in stock, and asks for no change: every part of it
    is the question ("red please, is that in stock?" asks for red, then asks)."""
    parts = [part.strip() for part in re.split(r"[,;:.!?]+|\s+-\s+|\s+(?:and|but|then)\s+", text) if part.strip()]
    if any(not asks_something(part) for part in parts):
        return False
    return asks_about_the_rules(text) and bool(_ASKS_PRICE_OR_STOCK.search(text)) and not _ASKS_FOR_IT.search(text)


def restates_the_proposal(state: SupportState) -> bool:
    """At a proposal of an item change, the reply says what stays and what changes, as the proposal already has it
    ("the black watch stays as it is, only the silver one changes"): no correction, no yes yet; it is put again."""
    pending = state.pending_action or {}
    if _REQUEST_OF_WRITE.get(str(pending.get("name"))) not in (CHANGE_ITEMS, "exchange_request"):
        return False
    text = last_text(state)
    order_items = state.dialogue.get("slots", {}).get("order_items") or []
    proposed = [str(i) for i in (pending.get("args") or {}).get("item_ids") or []]
    named = matching_items(order_items, [text])
    if not (_LEFT_OUT.search(text) or _ONLY.search(text)) or not named:
        return False
    in_play = list(dict.fromkeys([*proposed, *(str(i.get("item_id")) for i in named)]))
    return not left_out_items(order_items, text, in_play) & set(proposed)


def _adds_an_item(state: SupportState, pending: dict[str, Any], text: str) -> bool:
    """The reply to an item change names another item of the same order ("wait, also the perfume, to oriental"):
    the change is to take it too (it can be made only once)."""
    order_items = state.dialogue.get("slots", {}).get("order_items") or []
    proposed = set((pending.get("args") or {}).get("item_ids") or [])
    # Said to be added ("also", "as well", "too"), not kept ("the socks stay as they are", "not the perfume").
    if not _ADDS.search(text) or _KEEPS.search(text):
        return False
    return any(item.get("item_id") not in proposed for item in named_items(order_items, text))


# Said to be added, or missing from what we proposed ("the wristwatch is missing", "you forgot the mat").
def _names_other_items(state: SupportState, pending: dict[str, Any], text: str) -> bool:
    """The reply says which items of the order they mean: others than proposed, or the same ones again without a
    yes ("I need all three in one return: the X, the Y and the Z"), which puts the proposal again."""
    order_items = state.dialogue.get("slots", {}).get("order_items") or []
    proposed = set((pending.get("args") or {}).get("item_ids") or [])
    named = {item.get("item_id") for item in named_items(order_items, text)}
    return bool(named) and (named != proposed or not gives_a_yes(text, str(pending.get("name"))))


_ADDS = re.compile(r"\b(?:also|as\s+well|too|add|plus|another|missing|forgot(?:ten)?|auch|noch|fehlt)\b", re.IGNORECASE)
_KEEPS = re.compile(
    r"\b(?:stays?|keep|not\s+(?:the|my|that|this)|no\s+change|as\s+it\s+is|as\s+they\s+are|leave|love|bleibt|behalte"
    r"|nicht\s+(?:die|den|das))\b",
    re.IGNORECASE,
)


def _proposal_says(pending: dict[str, Any], mention: dict[str, str], paid_with: str | None = None) -> bool:
    """The proposal already sends the money where the customer says ("yes, PayPal is fine" to a refund to PayPal):
    a yes, not a correction. Read from the lines the customer was shown, or for "the one I paid with", from the
    method the proposal uses and the one the order was paid with (`paid_with`)."""
    if mention.get("other"):
        return False  # "my other card": not the one shown
    proposed = str((pending.get("args") or {}).get("payment_method_id", ""))
    if mention.get("original"):
        return paid_with is not None and proposed == paid_with
    if mention.get("id"):
        return proposed.lower() == mention["id"]
    shown = " ".join(str(line) for line in (pending.get("preview") or {}).get("details", [])).lower()
    if mention.get("last_four"):
        return mention["last_four"] in shown
    if mention.get("brand"):
        return mention["brand"] in shown
    # The lines are in the conversation's language: a gift card is named in each.
    words = {"paypal": ("paypal",), "gift_card": ("gift card", "gift_card", "geschenkkarte")}.get(
        mention.get("kind", ""), ("visa", "mastercard", "amex", "discover", "card ending", "credit card")
    )
    if mention.get("kind") not in ("paypal", "gift_card"):
        # A gift card is no credit card: "gift card ending 1047" must not read as the card the customer names.
        shown = re.sub(r"gift\s*card\s+ending|geschenkkarte\s+mit\s+endziffern", "", shown)
    return any(word in shown for word in words)

"""Grounding the items and variants of a change: which items the customer names, which they leave alone, and settling
each item on one variant.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from graph.llm.dialogue.names import PRODUCT_DETAILS
from graph.llm.dialogue.plan import Plan, ToolResult, _read
from graph.llm.dialogue.proposal_items import ProposedItem, said_otherwise, values_said
from graph.llm.dialogue.remedies import asks_for_a_new_unit
from graph.llm.matching import (
    asks_for_the_same_item,
    by_options,
    described_items,
    described_units,
    fitting_variants,
    item_segment,
    matching_items,
    matching_variants,
    named_items,
    option_values,
    options_in,
    says_the_same_again,
    the_other_unit,
    wishes_per_unit,
)
from graph.nlu.confirmation import says_only_no
from graph.nlu.entities import extract_options
from graph.nlu.segment import sentences
from graph.procedures.interpreter import Run
from graph.procedures.schema import Slot
from graph.state import Repair

_WANTS_IT_OTHERWISE = re.compile(
    r"\b(?:want|wanna|would\s+like|'d\s+like|prefer|rather|instead|make\s+(?:it|that|them)|should\s+be"
    r"|needs?\s+to\s+be|change|swap|switch|möchte|hätte\s+gern\w*|lieber|stattdessen)\b",
    re.IGNORECASE,
)


def _ground_target_variants(run: Run, slot: Slot) -> bool:
    """Another option of the same product: modify a pending order, exchange a delivered one. Several items named
    ("the keyboard and the thermostat") are settled one after the other and changed in one write."""
    plan, order = run.plan, run.order or {}
    items = order.get("items", [])
    settled = [s[0] for s in plan.slots.get("swaps") or []]
    in_play = list(dict.fromkeys([*settled, *(plan.slots.get("item_queue") or [])]))
    if len(in_play) > 1 and (out := items_left_out(items, run.text, in_play)):
        # "Leave the electric kettle as it is", "I only want the boots and the speaker changed": the items in play
        # that the customer takes out of this change; the rest stays as settled or still to be settled.
        plan.slots["swaps"] = [s for s in plan.slots.get("swaps") or [] if s[0] not in out]
        plan.slots["item_queue"] = [i for i in in_play if i not in out]
        settled = [s[0] for s in plan.slots["swaps"]]
        waiting = [i for i in plan.slots["item_queue"] if i not in settled]
        if plan.slots.get("item_id") in out or not waiting:
            plan.slots.pop("options", None)
            plan.slots.pop("option_values", None)
        if waiting:
            plan.slots["item_id"] = waiting[0]
        elif settled:
            swaps = plan.slots["swaps"]
            run.values[slot.name] = {"item_ids": [s[0] for s in swaps], "new_item_ids": [s[1] for s in swaps]}
            plan.slots["used_text"] = [settled[-1], run.text]
            return True
    named_now = [str(i.get("item_id")) for i in matching_items(items, [run.text])] if settled else []
    again = [item_id for item_id in named_now if item_id in settled]
    # Read once, at the turn's start: a later step of the turn finds the item to settle again still waiting.
    waiting = [i for i in plan.slots.get("item_queue") or [] if i not in settled]
    correcting = run.state.repair == Repair.correction and bool(settled) and not waiting
    if correcting and not again and not the_other_unit(items, run.text, settled):
        # "Sorry, the 10 hour battery, not the 20 hour one" names no item: the option names it, the one item
        # proposed whose product has the value said, other than its own.
        again = _items_an_option_names(
            items, run.text, settled, plan.slots.get("item_option_values") or {}, plan.slots.get("item_wishes") or {}
        )
    if correcting:
        # "Glass, 5 ft, brown, plus the white mouse" at a proposal of a white shelf: each value read against the item
        # it is said of; the items it says otherwise of are settled again, with those values.
        swapped = _proposed_swaps(plan, items, settled)
        bound = values_said(run.text, tuple(item for _, item in swapped))
        bound_wishes = {swapped[n][0]: values for n, values in bound.items()}
        differing = [swapped[n][0] for n, values in bound.items() if said_otherwise(swapped[n][1], values)]
        again = list(dict.fromkeys([*again, *differing]))
        if len(swapped) > 1:
            # Binding matters only between items; one item's new wish is settled as any wish is (what it cannot
            # have of the earlier one goes: "hmm no, the 1.5L glass one" after a black 1L).
            plan.slots["bound_wishes"] = [run.text, bound_wishes]
    if correcting and again and (plan.slots.get("item_id") not in again or len(settled) > 1):
        # "No, the bookshelf should be 3 ft" at a proposal of two items: the item named is settled again with these
        # words and what was asked for it before; the others keep what was settled for them.
        plan.slots["swaps"] = [s for s in plan.slots.get("swaps") or [] if s[0] not in again]
        plan.slots["item_queue"] = again
        plan.slots["item_id"] = again[0]
        plan.slots["options"] = dict((plan.slots.get("item_wishes") or {}).get(again[0]) or {})
        plan.slots.pop("option_values", None)
        plan.slots.pop("used_text", None)
        settled = [s[0] for s in plan.slots["swaps"]]
    # Items of one name are told apart by the options said: naming the one settled is no other one.
    # Read once, as the words arrive: a later step of the same turn finds them already used to settle an item, and
    # its option values ("electric" for a kettle's stovetop) would name other items ("Electric Kettle").
    fresh = (plan.slots.get("used_text") or [])[1:] != [run.text]
    more = _newly_named(matching_items(items, [run.text]), settled, run.text) if settled and fresh else []
    if settled and fresh and not more:
        # "And the other one in blue" after the red speaker was settled: the other unit of that product.
        more = the_other_unit(items, run.text, settled)
    if more and not any(i.get("item_id") == plan.slots.get("item_id") for i in more):
        # "Also the perfume, to oriental": the items already settled stay, those still waiting keep their turn, and
        # the newly named ones are settled next.
        waiting = [i for i in plan.slots.get("item_queue") or [] if i not in settled]
        queue = [*settled, *(i.get("item_id") for i in more), *waiting]
        plan.slots["item_queue"] = list(dict.fromkeys(queue))
        plan.slots["item_id"] = more[0].get("item_id")
        plan.slots.pop("options", None)
        plan.slots.pop("option_values", None)
    if not plan.slots.get("item_id"):
        # Several units of one variant are one choice: the first unit is changed.
        named = [str(plan.slots.get("item_hint") or ""), *plan.slots.get("products", [])]
        # Items named without "the" or "my" ("Air purifier -> small room. Perfume -> woody") are still named: the
        # order's own item names are read in the message itself.
        chosen = matching_items(items, [n for n in named if n], plan.similar) or named_items(items, run.text)
        if not chosen and plan.slots.get("order_hint"):
            # "I ordered some wireless earbuds, can I change them?" before we knew who they were: the words that
            # picked the order name the item too (the product reader knew no word of them); it is not asked again.
            chosen = named_items(items, str(plan.slots["order_hint"]))
        if not chosen and _POINTS_AT_THEIRS.search(run.text):
            # "Mine are the blue ones with the 4 hour battery and IPX7, I'd rather have 8 hours": options only one
            # item of the order has, said of theirs before the wish, say which item it is (asking would ask again
            # what was said); the wish after them is what it should become. ("Could it be red instead?" points at
            # nothing of theirs: red is the wish.)
            chosen = by_options(_distinct(items), run.text, before_a_wish=True)
        chosen = _without_items_left_out(items, chosen, f"{plan.slots.get('item_hint') or ''} {run.text}")
        names = [str(i.get("name")) for i in chosen]
        alike = [i for i in chosen if names.count(str(i.get("name"))) > 1]
        if alike and len(described_units(alike, run.text)) == len(_distinct(alike)):
            # Each unit described in its own words ("the red one to blue, and the black one in white"): all of them,
            # each settled with the words about it.
            names = list(dict.fromkeys(names))
        elif len(set(names)) < len(names) or (not chosen and plan.slots.get("item_answer") == run.text):
            # Alike by name, or none named in the answer to "which item?": told apart by the options said, the
            # place in the list shown, "the other one" or the price ("the 60% one", "the last one on that list").
            alike = [i for i in chosen if names.count(str(i.get("name"))) > 1] or _distinct(items)
            chosen = described_items(alike, run.text, items, _last_item(plan)) or chosen
            names = [str(i.get("name")) for i in chosen]
        if not chosen or len(set(names)) < len(names):
            # None named, or two of one product that the words said do not tell apart: ask which.
            plan.awaiting = "item"
            return False
        plan.slots["item_queue"] = [i.get("item_id") for i in chosen]
        plan.slots["item_id"] = chosen[0].get("item_id")
        if len(chosen) > 1:
            # Each item's part of the request's words: its wish, if a question about an item before it comes first.
            phrases = list(plan.slots.get("products") or [])
            plan.slots["item_words"] = {
                str(i.get("item_id")): item_segment(run.text, i, phrases, items) for i in chosen
            }
        units = sum(i.get("item_id") == chosen[0].get("item_id") for i in items)
        # The item's option values known so far (its own, and its product's once read) tell a wish said by the
        # value alone ("one wired, the other wireless").
        known = (plan.slots.get("item_option_values") or {}).get(str(chosen[0].get("item_id"))) or {}
        values = {str(v) for v in (chosen[0].get("options") or {}).values()}
        values |= {str(v) for vs in known.values() for v in vs}
        wishes = wishes_per_unit(run.text, frozenset(values)) if len(chosen) == 1 and units > 1 else []
        if 1 < len(wishes) <= units:
            # "Both hoses, one in vinyl and one in latex": units of one variant, each with its own wish, in turn.
            plan.slots["item_queue"] = [chosen[0].get("item_id")] * len(wishes)
            plan.slots["unit_wishes"] = wishes
    if not _settle_item(plan, run.results, order, run.text):
        # (Our last question, as the reply put it: the turn's first step may have moved what we await already.)
        listed = (run.state.dialogue.get("asked") or [])[-1:] == ["options"]
        if plan.awaiting == "options" and listed and says_only_no(run.text):
            # A bare "no" to the versions listed: none of them, but nothing said instead. The list is not put again;
            # we ask what they would like, or whether to keep theirs as it is.
            item: dict[str, Any] = next((i for i in items if i.get("item_id") == plan.slots.get("item_id")), {})
            plan.notice = {"code": "options_declined", "name": item.get("name")}
            # What narrowed the list is turned down with it: what they say next starts the wish afresh.
            plan.slots.pop("options", None)
        return False
    swaps = plan.slots.get("swaps") or []
    run.values[slot.name] = {"item_ids": [s[0] for s in swaps], "new_item_ids": [s[1] for s in swaps]}
    return True


# Every item of the order said: "everything", "all of them", "all 3 items", "every item", "each of them", "the whole
# order", "both".
_EVERY_ITEM = re.compile(
    r"\b(?:everything|all\s+(?:of\s+)?(?:the\s+|my\s+|its\s+|these\s+|those\s+)?(?:\d+|two|three|four|five|six)?\s*"
    r"(?:items|things|products|of\s+them|of\s+it)|all\s+(?:\d+|two|three|four|five|six)\b|(?:the\s+)?(?:whole|entire)"
    r"\s+order|(?:every|each)\s+(?:single\s+)?(?:item|thing|product|piece)|each\s+of\s+(?:them|these|those)"
    r"|(?:return|refund|send)\s+(?:them\s+|it\s+)?all|both|alles|beide"
    # German says the whole order with its adjective ("die ganze Bestellung", "Rückgabe der gesamten Bestellung")
    # or every article ("alle Artikel", "alle drei Sachen"), or the return as complete ("komplett zurückgeben"; not
    # "komplett kaputt", a fault).
    r"|(?:ganzen?|gesamten?|kompletten?)\s+(?:bestellung|lieferung|paket)|komplett\s+(?:zurück\w*|retournieren)"
    r"|alle\s+(?:\d+\s+|zwei\s+|drei\s+|vier\s+|meine\s+)?(?:artikel|sachen|teile|produkte|dinge))\b"
    r"|^\s*all\b\s*(?:[,.!?]|please|$)",
    re.IGNORECASE,
)


# Words that point at what the customer has: "mine are", "I got the", "the blue ones", "the 10 size pair". Not a
# bare "my": "in my order I'd like the IPX7 version" points at the order, and the option after it is the wish.
_POINTS_AT_THEIRS = re.compile(
    r"\b(?:mine|i\s+(?:got|have|own|ordered|bought)|i'?ve\s+got|currently|the\s+(?:[\w-]+\s+){1,5}?(?:one|ones|pair))\b",
    re.IGNORECASE,
)


# Words that take an item out of a change or a return: "leave it as it is", "don't touch the kettle", "remove the
# lamp", "I never asked for that", "that line is wrong", "stays the same"; of a return also what the customer keeps
# ("the lamp stays with me", "I'll keep the mouse", "without the mouse", "don't send the lamp back").
_LEFT_OUT = re.compile(
    r"\b(?:leave\s+(?:\S+\s+){0,6}?(?:as\s+(?:it|they)\s+(?:is|are)|alone|unchanged|out|be)"
    r"|(?:remove|drop|delete|exclude|skip|take\s+(?:\w+\s+){0,3}?(?:out|off))\b"
    r"|(?:don'?t|do\s+not|did\s+not|didn'?t|never|won'?t|will\s+not)\s+(?:touch|change|swap|modify|return|send"
    r"|(?:want(?:ed)?|ask(?:ed)?)\s+(?:\S+\s+){0,5}?(?:changed|swapped|touched|returned|sent\s+back"
    r"|to\s+(?:change|swap|return|send|be\s+changed|be\s+returned)|for\b))"
    r"|not\s+(?:returning|sending)|(?:won'?t|will\s+not|is\s*n[o']t|are\s*n[o']t)\s+(?:be\s+)?(?:returned|going\s+back|sent\s+back)|line\s+is\s+(?:wrong|not\s+right)|without\s+(?:the|my|that|this)\b"
    r"|stays?\s+(?:as\s+(?:it\s+is|is)|the\s+same|unchanged|as\s+they\s+are|with\s+me|here|home)"
    r"|keep\s+(?:\S+\s+){0,6}?as\s+(?:it|they)\s+(?:is|are)"
    r"|(?:i'?ll|i\s+will|i'?d\s+like\s+to|i\s+want\s+to|i'?m\s+going\s+to|i'?m)\s+keep(?:ing)?\b"
    r"|nicht\s+(?:ändern|anfassen|tauschen|zurück)|so\s+lassen|bleibt\s+(?:so|wie|bei\s+mir)|behalte)",
    re.IGNORECASE,
)
# "Only the boots", "just the backpack and the kettle", "I only want to return the lamp": the items named after it
# are the ones in play, the rest are left out.
_ONLY = re.compile(
    r"\b(?:only|just|nur)\s+(?:(?:want|need|wanted)\s+)?(?:(?:to\s+)?(?:change|swap|exchange|return|send\s+back)\s+)?"
    r"(?:the|my|that|this|den|die|das)\b",
    re.IGNORECASE,
)


# Of any request on items (a return, a change, an exchange), also what the customer excepts or sets aside: "everything
# except the mouse", "not the mouse", "never mind the mouse", "forget the mouse", "I'd rather keep the mouse". Read
# only with the object rule of `left_out_items` (the words' own object).
_LEFT_OUT_WORDS = re.compile(
    _LEFT_OUT.pattern + r"|\b(?:except(?:\s+for)?|but\s+not|apart\s+from|other\s+than|excluding|not\s+(?:the|my)"
    r"|all\s+but|everything\s+but|never\s+mind|keep(?:ing)?"
    # Giving up on an item by name, as "never mind the mouse" does: "forget the mouse", "scratch the pet bed".
    r"|forget(?:\s+about)?|scratch|skip|ditch|vergiss"
    # German excepts as English does, the item after the word: "alles außer dem Laptop", "die ganze Bestellung
    # ohne die Uhr", "bis auf den Rucksack", "ausgenommen die Kopfhörer", "abgesehen von der Lampe".
    r"|au(?:ß|ss)er|ohne|bis\s+auf|ausgenommen|abgesehen\s+von)\b",
    re.IGNORECASE,
)
# A negation just before words that leave an item out turns them round: "don't forget the jacket", "please don't skip
# the mouse", "I don't want to keep the lamp", "bitte nicht vergessen" keep the item in the request. (Words that carry
# their own negation, "don't touch the kettle", start at it, so nothing stands before them.) German puts it after
# the verb too: "vergiss die Jacke nicht".
_NEGATED_BEFORE = re.compile(
    r"\b(?:don'?t|dont|do\s+not|never|not|nicht|bitte\s+nicht)\s+(?:[\w']+\s+){0,3}$", re.IGNORECASE
)
_NOT_AFTER = re.compile(r"^[^,;.!?]*\bnicht\b", re.IGNORECASE)


def _negated(sentence: str, words: re.Match[str]) -> bool:
    """The leave-out words are turned round by a negation in their own clause."""
    if _NEGATED_BEFORE.search(sentence[: words.start()]):
        return True
    return words.group(0).lower().startswith("vergiss") and bool(_NOT_AFTER.match(sentence[words.end() :]))


# Words of _LEFT_OUT whose item comes before them, as their subject ("the mouse stays with me", "the lamp won't be
# returned"); the others take it after them, as their object ("keep the mouse", "without the mouse").
_SUBJECT_BEFORE = re.compile(
    r"(?:stays?|bleibt|line\s+is|(?:won'?t|will\s+not|is\s*n[o']t|are\s*n[o']t)\s+(?:be\s+)?(?:returned|going|sent))\b",
    re.IGNORECASE,
)
# Where the words about one thing end: a new clause ("..., I'm keeping the receipt", "because it stays home", "my
# fingers crossed that the refund is quick") or a new verb of the request ("keep the receipt and return the earbuds").
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\b(?:but|because|since|so|while|as|though|although|when|if|and\s+(?:i|i'?m|i'?ll|we|it|they|you)"
    r"|that\s+(?:i|i'?m|we|it|they|you|the|my)"
    r"|(?:return|send|refund|exchange|want|need|would|like)\w*"
    r"|aber|weil|denn|da(?:ss|ß)|zurück\w*|möchte|brauche)\b",
    re.IGNORECASE,
)

# What follows a keep-word when its object is no item ("keep me posted", "keep in mind", "keep it up", "can't keep
# using the lamp").
_NOT_AN_ITEM_OBJECT = re.compile(
    r"\s+(?:me|you|us|him|her|them|it\s+(?:up|in)|in\s+(?:mind|touch)|on|up|going|track|(?:using|doing|trying|getting|looking|waiting|buying|ordering|checking)|an?\s+eye|calm|quiet)\b",
    re.IGNORECASE,
)


def left_out_items(items: list[dict[str, Any]], text: str, in_play: list[str]) -> set[str]:
    """The items in play that the customer's words keep out of the request, whichever it is (a return, a change of
    items, an exchange): only an item that is the object of the words that keep it, in their own clause ("keep the
    mouse", "the mouse stays", "without the mouse", "everything except the lamp", "leave the kettle as it is"). A
    keep-word about something else ("I'm keeping the receipt", "it stays home all day unused") takes no item out;
    "only the lamp" takes out all but the lamp; an option left alone ("don't change the size of the jacket") or
    another wish for the item ("I don't want the kettle in white, make it black") takes out no item."""
    out: set[str] = set()
    for sentence in sentences(text):
        named = [i for i in matching_items(items, [sentence]) if i.get("item_id") in in_play]
        if not named:
            continue
        keys = {str(key).lower() for i in named for key in (i.get("options") or {})}
        keys |= {"colour" for key in keys if key == "color"}
        if _an_option_left_alone(sentence, keys):
            continue  # "don't change the size of the jacket": an option left alone, not the item
        if _WANTS_IT_OTHERWISE.search(sentence) and not _ONLY.search(sentence) and extract_options(sentence):
            continue  # "I don't want the kettle in white, make it black": another wish for the item, not none
        if only := _ONLY.search(sentence):
            # What follows "only" is kept ("the speaker stays as it is, I only need the kettle and the boots").
            kept = _meant(named, sentence[only.start() :], items)
            out |= set(in_play) - kept if kept else set()
        breaks = [b.start() for b in _CLAUSE_BREAK.finditer(sentence)] + [
            b.end() for b in _CLAUSE_BREAK.finditer(sentence)
        ]
        for words in _LEFT_OUT_WORDS.finditer(sentence):
            if _negated(sentence, words):
                continue  # "don't forget the jacket": kept in, not left out
            if _SUBJECT_BEFORE.match(words.group(0)):
                start = max([b for b in breaks if b <= words.start()], default=0)
                said_of = sentence[start : words.start()]
            elif _NOT_AN_ITEM_OBJECT.match(sentence, words.end()):
                continue  # "keep me posted about the lamp", "keep in mind": the object is no item
            else:
                end = min([b for b in breaks if b > words.end()], default=len(sentence))
                said_of = sentence[words.start() : end]
            if _THE_REST.search(said_of) and not named_items(items, said_of):
                continue  # "change the kettle, keep the rest as it is": the rest is what the request leaves alone
            out |= _meant(named, said_of, items)
    return out


# What is kept as "the rest": the items other than those the request names, never one of them.
_THE_REST = re.compile(
    r"\b(?:the\s+rest|everything\s+else|all\s+(?:the\s+)?(?:rest|others)|the\s+others|(?:the\s+)?other\s+(?:items|things"
    r"|ones)|anything\s+else|alles\s+andere|den\s+rest|die\s+anderen)\b",
    re.IGNORECASE,
)


# Where one clause ends and another begins, for what leaves an option alone ("don't want the size changed" is one).
_BETWEEN_CLAUSES = re.compile(r"[,;:()]|\b(?:but|because|since|so|while|though|although|when|if|and)\b", re.IGNORECASE)


def _an_option_left_alone(sentence: str, keys: set[str]) -> bool:
    """The words that leave something alone have an option as their object, in their own clause ("don't change the
    size of the jacket"). An option said in another clause ("everything except the backpack, its size is fine",
    "I'm keeping the backpack since the color is nice") leaves the item itself out."""
    clauses = _BETWEEN_CLAUSES.split(sentence)
    return any(
        _LEFT_OUT_WORDS.search(clause)
        and any(re.search(rf"\b{re.escape(key)}\b", clause, re.IGNORECASE) for key in keys)
        for clause in clauses
    )


def _meant(named: list[dict[str, Any]], words: str, items: list[dict[str, Any]]) -> set[str]:
    """The ids of the items named that these words name; of two units of one product, the one the options said tell
    ("the black smart watch stays as it is")."""
    found = [i for i in matching_items(items, [words]) if i in named]
    names = [str(i.get("name")) for i in found]
    if len(set(names)) < len(names):
        found = described_items(found, words, items) or found
    return {str(i.get("item_id")) for i in found}


def items_left_out(items: list[dict[str, Any]], text: str, in_play: list[str]) -> set[str]:
    """The items in play (settled or still to settle) that the message takes out of the change. None when that
    would leave nothing: a change without any item is no change, and it is said as a no."""
    out = left_out_items(items, text, in_play)
    return out if out != set(in_play) else set()


def _items_an_option_names(
    items: list[dict[str, Any]],
    text: str,
    settled: list[str],
    values: dict[str, dict[str, list[str]]],
    wishes: dict[str, dict[str, str]],
) -> list[str]:
    """The one settled item whose product has an option value the message names, other than the item's own ("the
    10 hour battery" of the speaker beside a t-shirt). Of several, the one whose wish named that option ("red, not
    blue" corrects the item asked to be blue, though both come in red). None when that leaves no single item."""
    meant: dict[str, set[str]] = {}
    for item in _distinct([i for i in items if str(i.get("item_id")) in settled]):
        own = {str(k).lower(): str(v).lower() for k, v in (item.get("options") or {}).items()}
        said = options_in(text, values.get(str(item.get("item_id"))) or {}, item.get("options") or {})
        if any(own.get(str(k).lower()) != str(v).lower() for k, v in said.items()):
            meant[str(item.get("item_id"))] = {str(k).lower() for k in said}
    if len(meant) > 1:
        wished = {i: keys for i, keys in meant.items() if keys & {str(k).lower() for k in wishes.get(i) or {}}}
        meant = wished
    return list(meant) if len(meant) == 1 else []


def _proposed_swaps(plan: Plan, items: list[dict[str, Any]], settled: list[str]) -> list[tuple[str, ProposedItem]]:
    """The items settled so far, each as the proposal shows it: what it is, what it becomes, its product's values."""
    views = plan.slots.get("swap_views") or {}
    values = plan.slots.get("item_option_values") or {}
    found = []
    for old, new, *_ in plan.slots.get("swaps") or []:
        view = views.get(f"{old}>{new}")
        item = next((i for i in items if str(i.get("item_id")) == str(old)), None)
        if str(old) not in settled or not isinstance(view, dict) or item is None:
            continue
        now = {str(k): str(v) for k, v in (item.get("options") or {}).items()}
        becomes = {str(k): str(v) for k, v in (view.get("options") or {}).items()}
        known = {str(k): [str(v) for v in vs] for k, vs in (values.get(str(old)) or {}).items()}
        found.append((str(old), ProposedItem(str(item.get("name") or ""), now, becomes, known)))
    return found


def _newly_named(named: list[dict[str, Any]], settled: list[str], text: str) -> list[dict[str, Any]]:
    """The items a message names beyond those already settled. A word shared with a settled item the message also
    names is that item's ("for the kettle: glass, 1 liter, electric" settles the Tea Kettle; the Electric Kettle
    of the same order is not named by "kettle", nor by an option value that happens to be in its name)."""
    said = set(re.findall(r"[\w-]+", text.lower()))
    words = {str(i.get("item_id")): set(str(i.get("name", "")).lower().split()) & said for i in named}
    held = set().union(*(words[str(i.get("item_id"))] for i in named if i.get("item_id") in settled))
    # Named apart from the settled items only by a word of its own ("the smart thermostat" beside the Smart Watch).
    return [i for i in named if i.get("item_id") not in settled and not words[str(i.get("item_id"))] <= held]


def _what_still_fits(
    product: dict[str, Any], item: dict[str, Any], now: dict[str, str], before: dict[str, str]
) -> dict[str, str] | None:
    """The most of the options asked before that, with those asked now, still name one variant; None when none do,
    or when two different choices of them would (which of the earlier wishes to keep is then theirs to say)."""
    for size in range(len(before), -1, -1):
        fitting = []
        for keys in itertools.combinations(sorted(before), size):
            subset = {key: before[key] for key in keys}
            variants, _ = matching_variants(product, item, {**subset, **now})
            if len(variants) == 1:
                fitting.append(subset)
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            return None
    return None


def _without_items_left_out(
    items: list[dict[str, Any]], chosen: list[dict[str, Any]], said: str
) -> list[dict[str, Any]]:
    """The items a change takes, read as a return's are: those named, without those the words leave out ("change
    all of them but keep the mouse as is", "exchange everything except the lamp"); every other item only when every
    item was said. Nothing is added that the customer did not say: with only what stays named, none is chosen and
    they are asked which item."""
    whole = bool(_EVERY_ITEM.search(said))
    in_play = list(dict.fromkeys(str(i.get("item_id")) for i in (items if whole else chosen)))
    out = left_out_items(items, said, in_play) if in_play else set()
    if not out:
        return chosen
    kept = [i for i in chosen if str(i.get("item_id")) not in out]
    if not kept and whole:
        kept = [i for i in _distinct(items) if str(i.get("item_id")) not in out]
    return kept


def _left_open(fits: list[dict[str, Any]], wished: dict[str, str]) -> dict[str, list[str]]:
    """The options not wished for in which the versions that fit the wish differ, each with their values there."""
    values: dict[str, list[str]] = {}
    for variant in fits:
        for key, value in (variant.get("options") or {}).items():
            if key not in wished and str(value) not in values.setdefault(key, []):
                values[key].append(str(value))
    return {key: found for key, found in values.items() if len(found) > 1}


# The words of a question about the values of an option: "what colours", "which sizes does it come in", "is it only
# brown?", "are there other colors".
_ASKS_VALUES = re.compile(
    r"\b(?:what|which|any|other|only|available|choices?|options?)\b[^.!?]*\?|\bcomes?\s+in\b[^.!?]*\?", re.IGNORECASE
)


def _asks_which_values(text: str, open_options: dict[str, list[str]]) -> bool:
    """The customer asks which values an option left open has ("what colors does that come in?", "which heights
    are there?"): a question that names the option (or its British spelling), so no value of it is chosen yet."""
    for sentence in sentences(text):
        if not _ASKS_VALUES.search(sentence):
            continue
        words = {w.rstrip("s") for w in re.findall(r"[a-z]+", sentence.lower().replace("colour", "color"))}
        if any(set(key.lower().split()) & words or key.lower().replace(" ", "") in words for key in open_options):
            return True
    return False


def _distinct(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({str(i.get("item_id")): i for i in items}.values())


def _last_item(plan: Plan) -> str | None:
    """The item last settled in this request: "the other one" is another."""
    swaps = plan.slots.get("swaps") or []
    return str(swaps[-1][0]) if swaps else None


def _settle_item(plan: Plan, results: list[ToolResult], order: dict[str, Any], text: str) -> bool:
    """The new variant of the item in hand; then the next named item, until every named item has one."""
    items = order.get("items", [])
    item = next((i for i in items if i.get("item_id") == plan.slots.get("item_id")), None)
    if item is None:
        plan.slots.pop("item_id", None)
        plan.awaiting = "item"
        return False
    queue = plan.slots.get("item_queue") or []
    alike_units = queue.count(item.get("item_id")) if len(queue) > 1 else 0
    settled_units = [s for s in plan.slots.get("swaps") or [] if s[0] == item.get("item_id")]
    if alike_units > 1 and len(settled_units) >= alike_units:
        return True  # every unit of this variant already has its own new variant
    used = plan.slots.get("used_text") or []
    # [the item the words settled, the words]: only another item leaves them alone (a re-plan of the same item in
    # the same turn reads them again).
    bound = plan.slots.get("bound_wishes") or []
    # A correction read item by item (`values_said`) holds values for each item it speaks of, named or not.
    bound_here = bool(text) and bound[:1] == [text] and str(item.get("item_id")) in bound[1]
    if (
        text
        and used[1:] == [text]
        and used[0] != item.get("item_id")
        and not named_items([item], text)
        and not bound_here
    ):
        # The words that just settled another item are not this one's unless they name it too ("the gold one with
        # the leather band" settles the watch; the camera's options come in the next message), nor are the
        # options read from them.
        text = ""
        plan.slots.pop("options", None)
    plan.slots["product_id"] = item.get("product_id")
    product = _read(plan, results, PRODUCT_DETAILS, {"product_id": item.get("product_id")})
    if product is None or not product.ok or not isinstance(product.data, dict):
        return False
    plan.slots["option_values"] = option_values(product.data)
    # Each item's own option values, kept past the next item's: a correction at the proposal ("the 10 hour battery")
    # is read against every item proposed, and goes to the one whose product has what it names.
    remembered = plan.slots.get("item_option_values") or {}
    plan.slots["item_option_values"] = {**remembered, str(item.get("item_id")): plan.slots["option_values"]}
    # The part of the message about this item, when it names several.
    segment = item_segment(text, item, list(plan.slots.get("products") or []), items)
    unit_wishes = plan.slots.get("unit_wishes") or []
    if alike_units > 1 and len(settled_units) < len(unit_wishes):
        # The next of several units of one variant: the words of its own wish ("one in latex").
        segment = unit_wishes[len(settled_units)]
    if len(plan.slots.get("item_queue") or []) > 1:
        # Several items named: each takes the options said next to it ("the jacket in XL and the speaker in black").
        have = item.get("options") or {}
        said_options = {**extract_options(segment), **options_in(segment, plan.slots["option_values"], have)}
        its_words = str((plan.slots.get("item_words") or {}).get(str(item.get("item_id"))) or "")
        if not said_options and not plan.slots.get("options") and its_words and its_words != text:
            # "The hose for the blue one in 50ft and the mouse for the black one": the hose took a question of its
            # own, and its answer says nothing of the mouse; the mouse's wish is its part of the request's words.
            said_options = {**extract_options(its_words), **options_in(its_words, plan.slots["option_values"], have)}
        wanted = said_options if segment != text else {**(plan.slots.get("options") or {}), **said_options}
        fresh_wish = said_options
    else:
        # Read the message again against this product's own options ("300 ml" is its volume, "Stone" its colour).
        earlier = plan.slots.get("options") or {}
        have = {str(k).lower(): str(v).lower() for k, v in (item.get("options") or {}).items()}
        hint = str(plan.slots.get("item_hint") or "")
        first_reading = str(item.get("item_id")) not in (plan.slots.get("item_wishes") or {})
        if hint and hint != text and (plan.slots.get("item_answer") == text or first_reading):
            # "The automatic one", answering which of two espresso machines, or "#W1812830" answering which order:
            # the wish was said with the request ("... to a 15 bar manual one with 1L capacity", "12 inch in white
            # instead of the 14 inch black"), before we knew the item's options to read it by.
            hinted = options_in(hint, plan.slots["option_values"], item.get("options") or {})
            wished = {k: v for k, v in hinted.items() if have.get(str(k).lower()) != str(v).lower()}
            # Their own value in the answer ("automatic") says which item, it takes no wish back.
            still = {
                k: v for k, v in earlier.items() if not (k in wished and have.get(str(k).lower()) == str(v).lower())
            }
            earlier = {**wished, **still}
        said = options_in(text, plan.slots["option_values"], item.get("options") or {})
        # The item's own values said after another was asked for describe which item it is ("the clicky, RGB, 60%
        # one" after "in 80% instead"): they do not take the wish back.
        said = {k: v for k, v in said.items() if not (k in earlier and have.get(str(k).lower()) == str(v).lower())}
        wanted = {**earlier, **said}
        fresh_wish = said
    if bound_here:
        # This item's values are those bound to it, not every value of the message its product happens to have (the
        # mouse's "white" is not the shelf's).
        # What was asked for it before stays where these values say nothing of it.
        fresh_wish = dict(bound[1][str(item.get("item_id"))])
        asked_before = (plan.slots.get("item_wishes") or {}).get(str(item.get("item_id"))) or {}
        wanted = {**asked_before, **(plan.slots.get("options") or {}), **fresh_wish}
    # Options of another product ("clicky" said for the keyboard) are not this one's.
    keys = {key.lower() for key in plan.slots["option_values"]}
    own = {key: value for key, value in wanted.items() if key.lower() in keys}
    if wanted and not own and not plan.slots.get("swaps"):
        plan.notice = {"code": "no_variant", "wanted": wanted, "name": item.get("name")}
    wanted = own
    own_values = {str(k).lower(): str(v).lower() for k, v in (item.get("options") or {}).items()}
    # "The exact same one again, the 5000mAh USB-C in white": their own options said with words of sameness.
    restates_own = bool(wanted) and all(own_values.get(str(k).lower()) == str(v).lower() for k, v in wanted.items())
    # The request's own words, when this message only answers who they are or which order ("a new one of the same,
    # mine stopped working" said before they were verified).
    request = str(plan.slots.get("item_hint") or "")
    unread = str(item.get("item_id")) not in (plan.slots.get("item_wishes") or {})
    request = request if request and request != text and unread else ""
    same_asked = (
        asks_for_the_same_item(segment)
        or bool(request and asks_for_the_same_item(request))
        or bool(plan.slots.get("faulty_unit"))
        # Their own values, named as the one wanted for a new unit ("the black optical wired one, mine is broken"),
        # the words of a new unit read in the whole message when it speaks of this item alone ("replace the lamp").
        or (restates_own and any(says_the_same_again(w) or asks_for_a_new_unit(w) for w in (segment, request) if w))
        or (restates_own and len(plan.slots.get("item_queue") or []) < 2 and asks_for_a_new_unit(text))
    )
    describes_theirs = restates_own and len(wanted) < len(own_values) and not same_asked
    if describes_theirs and plan.slots.get("told_same") != item.get("item_id"):
        # "My phone, the gold one I got": a part of their own options says which item it is, it asks for no other
        # variant (read as a wish, it found the gold ones they do not have, and told them gold is not available).
        wanted = {}
        plan.slots.pop("options", None)
    if not wanted and same_asked:
        # "The same one again": the item's own options are what is wanted.
        wanted = {str(k): str(v) for k, v in (item.get("options") or {}).items()}
    if wanted:
        plan.slots["options"] = wanted
    if not wanted:
        plan.awaiting = "options"
        return False
    variants, relevant = matching_variants(product.data, item, wanted)
    now = {key: value for key, value in fresh_wish.items() if key.lower() in keys}
    if not variants and now and set(wanted) - set(now):
        # "Actually, the 1.5L glass one instead" after "a 1L black one": what is said now is the wish, with as much
        # of what was asked before as still fits it (the black goes; a size asked before stays when it can).
        kept = _what_still_fits(product.data, item, now, {k: v for k, v in wanted.items() if k not in now})
        if kept is not None:
            wanted = plan.slots["options"] = {**kept, **now}
            variants, relevant = matching_variants(product.data, item, wanted)
    own_variant = len(variants) == 1 and variants[0].get("item_id") == item.get("item_id")
    # Their own variant again, asked for in so many words or insisted on after we said it is the one they have:
    # a new unit of the same item, which the shop allows.
    # (What we told them stays remembered for the turn's later steps: the read of a payment method re-plans the item.)
    insisted = plan.slots.get("told_same") == item.get("item_id")
    if own_variant and (same_asked or insisted):
        # Settled as their own variant again: a re-plan of the request (a corrected payment method) keeps it so.
        plan.slots["told_same"] = item.get("item_id")
    elif len(variants) != 1 or own_variant:
        code = "same_variant" if variants and variants[0].get("item_id") == item.get("item_id") else "no_variant"
        if len(variants) > 1:
            code = "several_variants"
        plan.notice = {"code": code, "wanted": relevant or wanted, "name": item.get("name")}
        if code == "same_variant":
            plan.slots["told_same"] = item.get("item_id")
        if code != "several_variants":
            # "The 9 bar capsule one" fits two: what was said stays, so the next words ("the 1L") only add to it
            # and the list shown is of the versions that fit it.
            plan.slots.pop("options", None)
        plan.awaiting = "options"
        return False
    # What was wished for fits several versions that differ in an option not said ("1L black": glass or stainless
    # steel): theirs is kept where every such option can stay as it is, and said; else they choose, never silently.
    open_options = _left_open(fitting_variants(product.data, relevant), relevant)
    theirs = item.get("options") or {}
    own_open = {key: str(theirs.get(key)) for key in open_options}
    gives_theirs_up = any(str((variants[0].get("options") or {}).get(k)) != v for k, v in own_open.items())
    asked_open = _asks_which_values(segment or text, open_options)
    if open_options and (gives_theirs_up or asked_open) and not (same_asked or insisted):
        # Theirs given up, or the very option asked about ("glass, 5 ft: what colours does that come in?"): the
        # customer has chosen no value of it, so none is picked for them; they are shown the versions and choose.
        plan.notice = {"code": "several_variants", "wanted": relevant, "name": item.get("name")}
        plan.awaiting = "options"
        return False
    # The closest variant may differ in options not asked about ("XL" comes only in navy): say so, never silently.
    also = {
        key: value
        for key, value in (variants[0].get("options") or {}).items()
        if key not in relevant and str(theirs.get(key)) != str(value)
    }
    if open_options and not (same_asked or insisted):
        others = {key: [v for v in values if v != own_open[key]] for key, values in open_options.items()}
        plan.notice = {
            "code": "kept_yours",
            "name": item.get("name"),
            "wanted": relevant,
            "kept": own_open,
            "others": others,
            "also": also,
        }
    elif also:
        plan.notice = {"code": "also_changes", "name": item.get("name"), "wanted": relevant, "also": also}
    difference = float(variants[0].get("price") or 0) - float(item.get("price") or 0)
    # A unit of a variant the order holds several of, each with its own wish, adds its swap beside the others'.
    swaps = [s for s in plan.slots.get("swaps") or [] if alike_units > 1 or s[0] != item.get("item_id")]
    plan.slots["swaps"] = [*swaps, [item.get("item_id"), variants[0].get("item_id"), difference]]
    # What the swap is, as the customer is shown it before its money is settled (the reads are this turn's only).
    view = {
        "name": item.get("name"),
        "options": variants[0].get("options") or {},
        "price": variants[0].get("price"),
        "old_options": item.get("options") or {},
        "old_price": item.get("price"),
        "currency": order.get("currency"),
    }
    views = plan.slots.get("swap_views") or {}
    plan.slots["swap_views"] = {**views, f"{item.get('item_id')}>{variants[0].get('item_id')}": view}
    # What was asked for this item: a correction of one of its options later keeps the rest of the wish.
    plan.slots["item_wishes"] = {**(plan.slots.get("item_wishes") or {}), str(item.get("item_id")): wanted}
    if text:
        plan.slots["used_text"] = [item.get("item_id"), text]
    # What is still to settle, unit by unit: a variant queued twice needs two swaps.
    rest = list(plan.slots.get("item_queue") or [])
    for swap in plan.slots["swaps"]:
        if swap[0] in rest:
            rest.remove(swap[0])
    if rest:
        # The next item named: its own options, read from what the customer says next (or said already).
        plan.slots["item_id"] = rest[0]
        plan.slots.pop("options", None)
        plan.slots.pop("option_values", None)
        return _settle_item(plan, results, order, text)
    return True

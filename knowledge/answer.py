"""Grounded answers for the local engine: the most relevant sentences of retrieved passages plus live product facts.

Nothing here writes a fact of its own: every sentence of an answer is copied from a cited passage or rendered from
the shop database. When the evidence is too far from the question (its best dense similarity is below a threshold
tuned on the evaluation set and a list of out-of-scope questions), the answer says so with ``supported=False`` and
the graph offers a person instead of guessing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from knowledge.catalog import sqlite_file_missing, variant_label
from knowledge.chunking import PATH_SEPARATOR, split_sentences
from knowledge.embeddings import Embedder, get_embedder
from knowledge.followups import completed, elliptic, with_subject
from knowledge.lexical import tokenize
from knowledge.policy_focus import (
    asks_amount,
    asks_duration,
    days_in,
    first_day_at,
    for_key,
    for_service,
    groups_in,
    other_groups_only,
    service_in,
    specific_overlap,
    term_weights,
    unit_terms,
)
from knowledge.products import find_products, products_facts
from knowledge.retriever import Evidence, Retriever, heading
from knowledge.translations import Translation
from shopdesk.i18n import N_, _

logger = logging.getLogger(__name__)

# Best dense cosine similarity between question and evidence below which we do not answer. Tuned with MiniLM on
# evals/datasets/retrieval.jsonl: its out-of-scope rows top out at 0.38, all but 4 of 186 in-scope rows reach 0.39.
SUPPORT_THRESHOLD = 0.39
# A second passage joins the answer only if it is nearly as relevant as the first.
SECOND_PASSAGE_MARGIN = 0.05
MAX_SENTENCES = 2
# The retriever's order already weighs the whole section; sentence similarity must beat it by this much.
FIRST_PASSAGE_BONUS = 0.05
# How much a passage's heading counts next to its best sentence when choosing what to quote. An FAQ answer ("30
# days from the day your order was delivered.") says little on its own; its heading ("How long do I have to return
# something?") says what it answers. On evals/datasets/retrieval.jsonl, answers quoting an expected section:
# 0.844 without it, 0.882 at 0.5.
HEADING_WEIGHT = 0.5
PRODUCT_EVIDENCE_THRESHOLD = 0.5
MAX_LISTED_VARIANTS = 4

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_DONT_KNOW = (
    "I'm sorry, I don't have reliable information about that in our shop's policies or catalog, and I'd rather not "
    "guess. Would you like me to pass your question to a person on our team?"
)

# One part of a message with several that nothing reliable answers.
_PART_UNKNOWN = N_("On part of what you asked, I don't have reliable information.")


class GroundedAnswer(BaseModel):
    text: str
    cited_ids: list[str] = Field(default_factory=list)
    supported: bool
    confidence: float = Field(0.0, description="Best dense similarity of the evidence to the question.")


def citation_label(evidence: Evidence) -> str:
    """ "Returns & refunds › Return window"; FAQ entries drop their group, products read "product: <name>"."""
    if evidence["kind"] == "product":
        return f"product: {evidence['title']}"
    if evidence["section"] and evidence["section"] != evidence["title"]:
        return f"{evidence['title']}{PATH_SEPARATOR}{evidence['section']}"
    return evidence["title"]


def quote(units: Sequence[str], item: Evidence, translation: Translation | None = None) -> str:
    """Lines of a passage with their citation; in the customer's language when the shop wrote the passage's
    document in it too (the same lines of the translation, see ``knowledge.translations``)."""
    if translation is not None and item["kind"] == "doc":
        doc_id, position = str(item["metadata"].get("doc_id", "")), int(item["metadata"].get("position") or 0)
        lines = [translation.line(doc_id, position, unit) for unit in units]
        label = translation.label(doc_id, position)
        if label and all(lines):
            cited = _("(see {source})", source=label)
            return f"{' '.join(line for line in lines if line)} {cited}"
    cited = _("(see {source})", source=citation_label(item))
    return f"{' '.join(units)} {cited}"


def _units(text: str) -> list[str]:
    """Sentences and list items: the pieces an answer may quote (the caller's own list)."""
    return list(_split_units(text))


# The shop's passages are few and each is cut into its pieces several times an answer (weights, quotes, leads).
@lru_cache(maxsize=2048)
def _split_units(text: str) -> tuple[str, ...]:
    return tuple(unit for _, units in _lines(text) for unit in units)


def _lines(text: str) -> list[tuple[bool, list[str]]]:
    """The passage's lines (a list item, a paragraph), each cut into its sentences, and whether it is a list item."""
    lines = ((bool(_BULLET.match(line)), _BULLET.sub("", line).strip()) for line in text.splitlines())
    return [(item, split_sentences(line)) for item, line in lines if line]


@lru_cache(maxsize=2048)
def _owners(text: str) -> tuple[frozenset[str], ...]:
    """For each unit of a passage (as ``_units`` cuts it), the countries of the list item it belongs to: on the line
    "- United States: UPS Ground for standard delivery. PO boxes are delivered by USPS." the second sentence is the
    United States' though it names no country, and no answer for Ireland may quote it. A paragraph is no country's:
    "Returns within the United States are free: ... Original shipping charges are not refunded ..." speaks of all."""
    owners: list[frozenset[str]] = []
    for item, units in _lines(text):
        label = _label_of(units[0]) if item and units else ""
        owners.extend([_countries(label) if label else frozenset()] * len(units))
    return tuple(owners)


def prepare_quotes(retriever: Retriever) -> int:
    """Embed every sentence an answer may quote, in one batched pass; returns how many.

    For a server's warm-up: otherwise the first customers to ask about a section pay for embedding its ten-odd
    sentences during their turn. The embedder remembers them (they fit its cache many times over)."""
    units = list(dict.fromkeys(unit for text in retriever.passage_texts() for unit in _units(text)))
    retriever.embedder.embed(units + retriever.headings())
    return len(units)


def dense_score(evidence: Evidence) -> float:
    score = evidence["metadata"].get("dense_score")
    return float(score) if score is not None else 0.0


# How much the question's telling words in a line count next to its meaning (MiniLM cosine): one word that only this
# line of the candidates has ("final-sale", "processed") is worth about 0.06.
SPECIFIC_WEIGHT = 0.02


def _best_units(
    question_vec: np.ndarray,
    question_terms: set[str],
    units: list[str],
    embedder: Embedder,
    weights: dict[str, float] | None = None,
) -> list[float]:
    vectors = embedder.embed(units)
    similarity = vectors @ question_vec
    if weights is None:
        overlap = np.array([len(question_terms & set(tokenize(unit))) for unit in units], dtype=np.float32)
        return list(similarity + 0.03 * overlap)
    # Lexical overlap nudges, weighted by how telling each shared word is among the candidate lines: it separates
    # near-ties such as "5-7 business days" vs "within 2 business days", and finds the line about the asked
    # condition ("Final-sale items can't be exchanged" for an exchange of a final-sale item).
    specific = np.array([specific_overlap(question_terms, unit, weights) for unit in units], dtype=np.float32)
    return list(similarity + SPECIFIC_WEIGHT * specific)


# Where the shop's documents name countries: a question about one wants that country's figures, not the others'.
# "US" only in capitals: "us" is a pronoun. The EU group covers the member states the documents name.
_EU = (
    "EU",
    "European Union",
    "Europe",
    "Germany",
    "France",
    "Netherlands",
    "Belgium",
    "Luxembourg",
    "Austria",
    "Ireland",
    "Denmark",
    "Spain",
    "Italy",
    "Sweden",
)
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "USA", "US", "U.S."),
    "CA": ("Canada", "Canadian", "Canadians"),
    "UK": (
        "United Kingdom",
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "British",
    ),
    "EU": (*_EU, "German", "French", "Dutch"),
}


def _pattern(names: Sequence[str], *, capitals: bool) -> re.Pattern[str] | None:
    """Abbreviations in capitals only ("US", not the pronoun "us"); names in any case."""
    chosen = [re.escape(n) for n in names if n.isupper() == capitals]
    if not chosen:
        return None
    if capitals:
        return re.compile(r"(?<![\w.])(?:" + "|".join(chosen) + r")(?![\w])")
    return re.compile(r"\b(?:" + "|".join(chosen) + r")\b", re.IGNORECASE)


_COUNTRY_PATTERNS = {
    code: [p for p in (_pattern(names, capitals=True), _pattern(names, capitals=False)) if p is not None]
    for code, names in COUNTRY_NAMES.items()
}
_ASKS_MONEY = re.compile(r"\b(?:how much|cost|costs|price|fee|fees|charge)\b", re.IGNORECASE)
# ... or names the duration ("the standard shipping time to Spain", "delivery times for Canada").
_ASKS_TIME = re.compile(
    r"\b(?:how long|how many days|when|how soon|how fast|take|(?:shipping|delivery|transit|processing) times?)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"\$\s?\d")
_WHEN_WILL = re.compile(r"\bwhen (?:will|do|does|would|should) (?:i|we|my|the|it|they|you)\b", re.IGNORECASE)
_TIME = re.compile(
    r"\b\d+(?:\s?[–-]\s?\d+)?[\s-]+(?:business\s+|working\s+)?(?:days?|weeks?|hours?|minutes?|months?|years?)\b"
    r"|\b\d{1,2}\s?(?:am|pm)\b",
    re.I,
)


# A country's name inside another's ("Ireland" in "Northern Ireland", the UK's): it names only the longer one's.
def _shadowing(code: str) -> re.Pattern[str] | None:
    longer = [
        name
        for other, names in COUNTRY_NAMES.items()
        if other != code
        for name in names
        if any(own != name and re.search(rf"\b{re.escape(own)}\b", name) for own in COUNTRY_NAMES[code])
    ]
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in longer) + r")\b", re.I) if longer else None


_SHADOWING = {code: _shadowing(code) for code in COUNTRY_NAMES}


def _names(code: str, text: str) -> bool:
    shadowing = _SHADOWING[code]
    own = shadowing.sub(" ", text) if shadowing else text
    return any(p.search(own) for p in _COUNTRY_PATTERNS[code])


@lru_cache(maxsize=4096)
def _countries(text: str) -> frozenset[str]:
    return frozenset(code for code in _COUNTRY_PATTERNS if _names(code, text))


_PLACE_NAMES = {name for names in COUNTRY_NAMES.values() for name in names if not name.isupper()}
_PLACE_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in sorted(_PLACE_NAMES, key=len, reverse=True)) + r")\b", re.I
)


# "Do you ship to Spain?", "can I get delivery in Scotland?": whether a place is served, a yes or no.
_SHIPS_TO = re.compile(r"\b(?:ship|shipping|deliver|delivery|send|post)\w*\b[^.?!]{0,30}\b(?:to|in)\b", re.I)


# ... unless it asks who carries it: "which carrier delivers orders to Italy?", "who brings parcels to Ireland?" asks
# for the carrier of that place's line, not whether we go there.
_ASKS_WHO = re.compile(
    r"\b(?:which|what)\s+(?:carriers?|couriers?|compan(?:y|ies)|(?:delivery|shipping|parcel|postal)\s+"
    r"(?:company|companies|service|services|provider|providers))\b|^\W*who\b",
    re.IGNORECASE,
)


# Who carries the parcel, in the shop's words (``in_shop_words``: "who delivers", "which courier" read "which carrier").
_ASKS_CARRIER = re.compile(r"\b(?:which|what)\s+carriers?\b", re.IGNORECASE)


_CARRIER_WORD = re.compile(r"\bcarriers?\b", re.IGNORECASE)


def asks_carrier(question: str) -> bool:
    """Whether a question asks who carries the parcel ("Who brings orders to Ireland?", "which courier ...?")."""
    return bool(_ASKS_CARRIER.search(in_shop_words(question)))


def asks_where_we_ship(question: str) -> bool:
    """A question whether the shop ships to a place: the line naming the place answers it. A place decides the line
    only then: an amount or a duration for Spain is the EU's, on the line the topic chooses, and "do I pay duties if
    I order to France?" or "are duties charged on delivery in the Netherlands?" is answered by the duties line,
    which names the EU, not by the list of countries (a question what is paid asks no yes or no to a place)."""
    asks_other = asks_amount(question) or asks_duration(question) or _ASKS_PAYING.search(question)
    return bool(_SHIPS_TO.search(question)) and not asks_other and not _ASKS_WHO.search(question)


def shipped_to(question: str) -> str:
    """The words after "ship ... to" in a question whether we ship somewhere: where the parcel would go."""
    found = _SHIPS_TO.search(question)
    return question[found.end() :] if found else question


@lru_cache(maxsize=4096)
def _places(text: str) -> frozenset[str]:
    return frozenset(found.group(0).lower() for found in _PLACE_PATTERN.finditer(text))


def places_in(text: str) -> set[str]:
    """The places a text names in words ("Spain", "Scotland"), more precise than their country group."""
    return set(_places(text))


def countries_in(text: str) -> set[str]:
    """The countries (US, CA, UK, EU) a text names."""
    return set(_countries(text))


# Places inside a country the customer may name instead of it ("I'm in Ohio", "shipping to Toronto"). Read in the
# customer's words only: the shop's documents name its own warehouse town ("Portland, Maine") without meaning the
# country a figure is for.
REGIONS: dict[str, tuple[str, ...]] = {
    "US": (
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
        "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
        "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
        "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
        "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
        "Vermont", "Virginia", "West Virginia", "Wisconsin", "Wyoming", "Chicago", "Los Angeles", "San Francisco",
        "Seattle", "Boston", "Denver", "Houston", "Dallas", "Miami", "Atlanta", "Philadelphia", "Phoenix",
    ),
    "CA": (
        "Ontario", "Quebec", "Québec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia",
        "New Brunswick", "Newfoundland", "Prince Edward Island", "Yukon", "Nunavut", "Northwest Territories",
        "Toronto", "Vancouver", "Montreal", "Montréal", "Calgary", "Ottawa", "Edmonton", "Winnipeg", "Halifax",
    ),
    "UK": (
        "London", "Manchester", "Edinburgh", "Glasgow", "Birmingham", "Liverpool", "Leeds", "Bristol", "Cardiff",
        "Belfast",
    ),
    "EU": (
        "Berlin", "Munich", "München", "Hamburg", "Frankfurt", "Cologne", "Paris", "Lyon", "Marseille", "Amsterdam",
        "Rotterdam", "Utrecht", "Brussels", "Vienna", "Dublin", "Copenhagen", "Madrid", "Barcelona", "Rome", "Milan",
        "Stockholm",
    ),
}  # fmt: skip
_REGION_PATTERNS = [
    (code, re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"))
    for code, names in REGIONS.items()
]


@lru_cache(maxsize=4096)
def _customer_countries(text: str) -> frozenset[str]:
    found: set[str] = set()
    for code, pattern in _REGION_PATTERNS:
        if pattern.search(text):
            found.add(code)
            # "British Columbia" is Canada, not the "British" of the UK.
            text = pattern.sub(" ", text)
    return frozenset(found | _countries(text))


def customer_countries(text: str) -> set[str]:
    """The countries a customer's message is about: named ("Canada"), or by a place in them ("Ohio", "Toronto")."""
    return set(_customer_countries(text))


# Policy lines are few and customers' countries fewer: a line is cut for a country once (see policy_focus.for_key).
@lru_cache(maxsize=4096)
def for_country(unit: str, country: str) -> str:
    """A sentence listing figures for several countries, cut to the asked country's: "($9.95 for Canada, $12.95
    for the UK and EU)" becomes "($12.95 for the UK and EU)" for a customer in the UK."""

    def keep(part: str) -> bool:
        named = countries_in(part)
        return not named or country in named or not (_MONEY.search(part) or _TIME.search(part))

    def trim(match: re.Match[str]) -> str:
        parts = [p.strip() for p in match.group(1).split(",")]
        kept = [p for p in parts if keep(p)]
        return f"({', '.join(kept)})" if kept and len(kept) < len(parts) else match.group(0)

    trimmed = re.sub(r"\(([^()]*)\)", trim, unit)
    # "at any UPS location (US), Canada Post office (Canada) or DHL service point (UK and EU)": a list whose items
    # each name their country in brackets, cut to the asked country's item.
    trimmed = _PER_COUNTRY_LIST.sub(lambda m: _country_item(m.group(0), country), trimmed)
    # "standard $19.95 to the UK and $17.95 to the EU": the list outside parentheses too.
    return for_key(trimmed, country, countries_in, _first_country_at, _FIGURE)


_PER_COUNTRY_ITEM = r"(?:[\w'-]+\s+){0,3}[\w'-]+\s+\([^()]+\)"
_PER_COUNTRY_LIST = re.compile(
    rf"{_PER_COUNTRY_ITEM}(?:(?:,\s+(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+){_PER_COUNTRY_ITEM})+"
)
_ITEM_SEPARATOR = re.compile(r",\s+(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+(?![^()]*\))")
# The words that lead into the list ("at any"), which belong to whichever item is kept.
_LEAD = re.compile(r"^(?:(?:at|to|from|with|by|in|any|the|a|an|your|our)\s+)+")


def _country_item(listed: str, country: str) -> str:
    items = [i for i in _ITEM_SEPARATOR.split(listed) if i.strip()]
    named = [countries_in(i[i.rfind("(") :]) for i in items]
    kept = [i for i, n in zip(items, named, strict=True) if country in n]
    if not kept or len(kept) == len(items) or not all(named):
        return listed
    lead = _LEAD.match(items[0])
    own = _LEAD.match(kept[0])
    # "at a UPS store (US), a Canada Post counter (Canada)": the kept item with the list's lead, once.
    first = kept[0] if kept[0] is items[0] or not lead else lead.group(0) + kept[0][own.end() if own else 0 :]
    return " or ".join([first, *kept[1:]])


# A figure a country's item of a list gives: an amount or a duration ("the UK 5–7" alone says too little to keep).
_FIGURE = re.compile(_MONEY.pattern + "|" + _TIME.pattern, re.IGNORECASE)


def _first_country_at(text: str) -> int | None:
    starts = [m.start() for patterns in _COUNTRY_PATTERNS.values() for p in patterns if (m := p.search(text))]
    return min(starts) if starts else None


# A line that holds only under a condition ("If something arrived damaged or faulty, ...") the question does not
# state: as much below the others as a clearly better line is above.
CONDITION_PENALTY = 0.1
_CONDITION = re.compile(r"^\s*(?:if|when|unless|where)\s+(?P<condition>[^,:;]{3,120}?)(?:,|\s+then\b)", re.IGNORECASE)


def unmet_condition(unit: str, question_terms: set[str]) -> bool:
    """Whether the line opens with a condition none of whose words the question has."""
    found = _CONDITION.match(unit)
    if not found:
        return False
    condition = set(tokenize(found.group("condition")))
    return bool(condition) and not condition & question_terms


# What an item is sold as, which the rules treat apart: a final-sale item, which clearance items usually are.
_STATUS = {"final sale": re.compile(r"\bfinal[- ]sale\b|\bclearance\b", re.I)}
# How much more a line naming the item's status counts than one that does not (about a clearly better line's lead).
STATUS_BONUS = 0.15


_STATUS_TERMS = frozenset(tokenize("final sale clearance item items"))


def _stems(terms: Any) -> set[str]:
    """Words by their first letters ("exchanged" and "exchange" alike), the sale status's own words left out."""
    return {t[:5] for t in terms if t not in _STATUS_TERMS and len(t) > 2}


def status_in(text: str) -> set[str]:
    """The sale statuses a text names ("final-sale", "clearance")."""
    return {name for name, pattern in _STATUS.items() if pattern.search(text)}


def for_status(unit: str, question_terms: set[str], status: set[str]) -> bool:
    """Whether a line gives the rule for an item of the asked sale status on the question's topic: "Final-sale items
    can't be exchanged" for an exchange; not "clearance prices are excluded" (price adjustments) for a warranty."""
    return bool(status_in(unit) & status) and bool(_stems(question_terms) & _stems(tokenize(unit)))


def _passage_sentences(
    question_vec: np.ndarray,
    question_terms: set[str],
    evidence: Evidence,
    embedder: Embedder,
    limit: int,
    question: str = "",
    countries: set[str] | None = None,
    weights: dict[str, float] | None = None,
    told: frozenset[str] = frozenset(),
) -> tuple[list[str], float]:
    """The lines of a passage that answer the question, and the passage's best line score. ``told``: the words of
    what the customer told of their situation (see ``situation_terms``)."""
    units = _units(evidence["text"])
    if not units:
        return [], 0.0
    scores = _best_units(question_vec, question_terms, units, embedder, weights)
    owners = _owners(evidence["text"])
    asked = countries if countries is not None else countries_in(question)
    groups = groups_in(question)
    money, time = bool(_ASKS_MONEY.search(question)), bool(_ASKS_TIME.search(question))
    # A place decides the line only for a yes or no ("do you ship to Spain?"); an amount or a duration for Spain is
    # the EU's, on the line the topic chooses.
    places = places_in(question) if asks_where_we_ship(question) else set()
    status = status_in(question)
    boosted: set[int] = set()
    for i, unit in enumerate(units):
        if places and places & places_in(unit):
            # "Do you ship to Spain?": the line that names Spain, not the summary that names its neighbours.
            scores[i] += 0.1
        # A line that names no country is still its list item's ("PO boxes are delivered by USPS." under the US).
        named = countries_in(unit) or set(owners[i])
        if asked and named:
            # A line about other countries only does not answer ("- Canada: standard $14.95" for the UK); one
            # about the asked country is a little more to the point than one about none.
            scores[i] += 0.05 if asked & named else -1.0
        if groups and other_groups_only(unit, groups):
            # The same for product groups: "Footwear ... covered for 1 year" does not answer for a tent.
            scores[i] -= 1.0
        if (money and _MONEY.search(unit)) or (time and _TIME.search(unit)):
            scores[i] += 0.05
        if status and for_status(unit, question_terms, status):
            # "Can I exchange a final-sale item?": the line for that kind of item on the question's topic is the
            # exception that applies, not the general rule ("You can exchange an item ..."); a line on another topic
            # ("clearance prices are excluded" from price adjustments) does not answer a warranty question.
            scores[i] += STATUS_BONUS
            boosted.add(i)
        if unmet_condition(unit, question_terms):
            # "If something arrived damaged ..., you don't pay anything to return it" answers "do I pay anything to
            # return it?" only for a customer who says it arrived damaged.
            scores[i] -= CONDITION_PENALTY
    # The passage counts with the line for the item's sale status; the lines quoted are the ones that answer for any
    # item, and that line beside them ("Jackets ... are covered for 2 years. Final-sale and clearance items have the
    # same warranty").
    best = max(scores)
    scores = [score - (STATUS_BONUS if i in boosted else 0.0) for i, score in enumerate(scores)]
    ranked = sorted(range(len(units)), key=lambda i: -scores[i])
    # Take the best unit, plus the next ones only when they are close: answers stay short and on point.
    chosen = [i for i in ranked[:limit] if scores[i] >= scores[ranked[0]] - 0.12 and scores[i] > -0.5]
    if boosted and not boosted & set(chosen):
        chosen.append(max(boosted, key=lambda i: scores[i]))
    if all(units[i].endswith(":") for i in chosen):
        # "We deliver to these countries:" only introduces the answer: its best list line says it.
        following = [i for i in ranked if not units[i].endswith(":") and scores[i] > -0.5]
        chosen = [*chosen, following[0]] if following else chosen
    if told:
        # "My order came in two parcels. When does the return window start?": the line about the customer's own
        # situation ("Items that arrive in several parcels each get their own 30 days") joins the general rule: a
        # line with a word of the situation that no quoted line has and no other line of the passage either.
        said = set().union(*(unit_terms(units[i]) for i in chosen)) if chosen else set()
        own = {t for t in told - said if sum(t in unit_terms(unit) for unit in units) == 1}
        extra = [i for i in ranked if i not in chosen and scores[i] > -0.5 and own & unit_terms(units[i])]
        chosen = [*chosen, extra[0]] if extra else chosen
    quoted = _introducing_nothing_dropped([units[i] for i in sorted(chosen)])
    if len(asked) == 1:
        quoted = [for_country(unit, next(iter(asked))) for unit in quoted]
    level = service_in(question)
    if level:
        quoted = [for_service(unit, level) for unit in quoted]
    days = days_in(question)
    if len(days) == 1:
        # "... on Saturdays?": the hours of that day, not the week's.
        quoted = [for_key(unit, next(iter(days)), days_in, first_day_at) for unit in quoted]
    return quoted, float(best)


def _introduces(unit: str) -> bool:
    """Whether a line only introduces what follows it ("We deliver to these countries:")."""
    return unit.rstrip().endswith(":")


def _introducing_nothing_dropped(quoted: list[str]) -> list[str]:
    """A quote never ends on a line that introduces what it does not quote: the line after it says it."""
    while len(quoted) > 1 and _introduces(quoted[-1]):
        quoted = quoted[:-1]
    return quoted


def _opening(quoted: Sequence[str]) -> list[str]:
    """The first line of a quote, to add as a second passage; with the line it introduces when it only introduces
    ("We deliver to these countries:" alone says nothing), none when the quote has no such line."""
    if not quoted or not _introduces(quoted[0]):
        return list(quoted[:1])
    following = [unit for unit in quoted[1:] if not _introduces(unit)]
    return [quoted[0], following[0]] if following else []


def _join_values(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


def describe_facts(facts: dict[str, Any]) -> str:
    """One or two sentences of live product facts: price range, options and what is in stock."""
    parts = [f"{facts['name']} costs {facts['price_range']}."]
    options: dict[str, list[str]] = facts.get("options", {})
    if options:
        listed = "; ".join(f"{name}: {_join_values(values)}" for name, values in options.items())
        parts.append(f"Available options: {listed}.")
    variants: list[dict[str, Any]] = facts.get("variants", [])
    missing = [variant_label(variant["options"]) for variant in variants if not variant["in_stock"]]
    available = [variant_label(variant["options"]) for variant in variants if variant["in_stock"]]
    if not available:
        parts.append("It is currently out of stock.")
    elif not missing:
        parts.append("Everything is in stock." if len(variants) > 1 else "It is in stock.")
    elif len(missing) <= MAX_LISTED_VARIANTS:
        parts.append(f"In stock except {', '.join(missing)}.")
    else:
        more = len(available) - MAX_LISTED_VARIANTS
        listed = ", ".join(available[:MAX_LISTED_VARIANTS]) + (f" and {more} more" if more > 0 else "")
        parts.append(f"In stock: {listed}.")
    if facts.get("final_sale"):
        parts.append("It is a final-sale item, so it can't be returned or exchanged.")
    return " ".join(parts)


def product_facts_for(db_url: str | None, question: str, evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    """Live facts for the products a question is about: named in it, or else the top evidence if it is a product."""
    if not db_url or sqlite_file_missing(db_url):  # opening a missing SQLite file would create an empty shop
        return []
    product_ids = find_products(db_url, question)[:2]
    top = evidence[0] if evidence else None
    if not product_ids and top and top["kind"] == "product" and dense_score(top) >= PRODUCT_EVIDENCE_THRESHOLD:
        product_ids = [str(top["metadata"]["product_id"])]
    return products_facts(db_url, product_ids)


def foreign_figures(unit: str, asked: set[str]) -> bool:
    """Whether the line gives a figure (an amount, a duration) for another country and not for the asked one:
    "Canada takes 5–8 business days, the UK 5–7..." does, for the UK; "(... $12.95 for the UK and EU)" does not."""
    # "standard $19.95 to the UK and $17.95 to the EU": each country's figure is a clause of its own ("$12.95 for
    # the UK and EU" is one figure for both).
    for clause in re.split(r"[,;()]|\band\b(?=\s*\$?\d)", unit):
        named = countries_in(clause)
        if named and not named & asked and (_MONEY.search(clause) or _TIME.search(clause) or re.search(r"\d", clause)):
            return True
    return False


def _label_of(unit: str) -> str:
    """What a list line is about, before its colon ("United States: all 50 states ..."); "" for other lines."""
    head, colon, _ = unit.partition(":")
    return head if colon and len(head) <= LABEL_LENGTH else ""


# How long a list line's label may be ("European Union", "Germany, France and the Netherlands").
LABEL_LENGTH = 80


# The shop's procedures, by the words that name them in a question and in a policy's title. A question that names
# one is answered by that procedure's policy (or the FAQ), never by another procedure's that happens to name the same
# product group: "how long do I have to return a tent?" is the return window, not "tents are covered for 2 years".
PROCEDURES: dict[str, re.Pattern[str]] = {
    "return": re.compile(r"\b(?:returns?|returning|returned|refunds?|refunded)\b", re.I),
    "exchange": re.compile(r"\bexchang", re.I),
    "warranty": re.compile(r"\b(?:warrant|guarantee|defect|faulty|broke|broken|repair)", re.I),
    "shipping": re.compile(r"\b(?:ship|deliver|carrier|customs|duties|dut(?:y|ies)|vat|tracking|parcel)", re.I),
}


def procedures_in(text: str) -> set[str]:
    """The shop's procedures a text names (the customer's words for them read in the shop's, ``in_shop_words``)."""
    # The shipping of a return ("is return shipping free?", "ship it back") is the return's, not the shipping
    # policy's: "Is shipping free?" does not answer it.
    text = _RETURN_SHIPPING.sub(" return ", in_shop_words(text))
    return {name for name, pattern in PROCEDURES.items() if pattern.search(text)}


_RETURN_SHIPPING = re.compile(
    r"\b(?:return|returns|returning)\s+(?:shipping|postage|delivery|parcels?|packages?)\b"
    r"|\b(?:ships?|send(?:ing)?|post(?:ing)?|mail(?:ing)?)\s+(?:\w+\s+){0,2}back\b",
    re.IGNORECASE,
)


def _of_another_procedure(candidate: Any, asked: set[str]) -> bool:
    """A quote from a policy whose title names only procedures the question does not ask about, or from an FAQ
    entry whose own question does ("Is shipping free?" does not answer what a return label costs)."""
    item = candidate[2]
    kind = item["metadata"].get("type")
    if kind == "policy":
        own = procedures_in(str(item["metadata"].get("title") or heading(item).split("›")[0]))
    elif kind == "faq" and item["section"]:
        own = procedures_in(str(item["section"]))
    else:
        return False
    return bool(own) and not own & asked


def _only_other_procedures(unit: str, asked: set[str]) -> bool:
    """A line that names procedures, none of them asked ("covered by our 1-year warranty" asked about returns)."""
    own = procedures_in(unit)
    return bool(asked) and bool(own) and not own & asked


def _names_procedure(item: Any, asked: set[str]) -> bool:
    """Whether a passage's title or heading names one of the asked procedures."""
    title = str(item["metadata"].get("title") or "") if item["metadata"].get("type") == "policy" else ""
    return bool(procedures_in(f"{title} {heading(item)}") & asked)


def _answering(candidates: list[Any], question: str, countries: set[str] | None) -> list[Any]:
    """The candidate quotes that can answer the question's kind: an amount for "how much", a duration for "how
    long", the asked country's own line rather than a line about several. When none can, all stay."""
    kept = candidates
    if asked_procedures := procedures_in(question):
        kept = [c for c in kept if not _of_another_procedure(c, asked_procedures)] or kept
        # ... and among the rest, a passage whose heading or quote names the asked procedure: "can I return it if it
        # doesn't fit?" is answered under "Returns", not by the FAQ entry "Is this jacket waterproof?".
        kept = [
            c
            for c in kept
            if _names_procedure(c[2], asked_procedures) or procedures_in(" ".join(c[3])) & asked_procedures
        ] or kept
    if asks_carrier(question):
        # "What delivery company brings my stuff to Italy?": the section on the carriers answers, not the one on
        # where we ship or the order statuses that mention a carrier in passing.
        kept = [c for c in kept if _CARRIER_WORD.search(heading(c[2]))] or kept
    if asks_amount(question):
        kept = [c for c in kept if any(_MONEY.search(unit) for unit in c[3])] or kept
        # "How much is standard shipping?": what is charged answers, not only from when it is free.
        kept = [c for c in kept if any(charges(unit) for unit in c[3])] or kept
    if asks_duration(question) or _WHEN_WILL.search(question):
        # "How long", "when will it arrive": a duration answers. "Until when can I cancel?" asks for a condition.
        kept = [c for c in kept if any(_TIME.search(unit) for unit in c[3])] or kept
        # ... the asked procedure's duration: "how many days do I have to send back boots?" is not answered by the
        # boots' "1-year footwear warranty" (a line that names only another procedure).
        kept = [
            c for c in kept if any(_TIME.search(u) and not _only_other_procedures(u, asked_procedures) for u in c[3])
        ] or kept
    places = places_in(question) if asks_where_we_ship(question) else set()
    if places and not _ASKS_TIME.search(question):
        # "Do you ship to Spain?": the quote that names Spain answers it; a summary naming its neighbours does not.
        # (An amount or a duration for Spain is the EU's: the topic chooses the line, the country its figures.)
        kept = [c for c in kept if any(places & places_in(unit) for unit in c[3])] or kept
    status = status_in(question)
    if status:
        # "Can I exchange a clearance item?": a quote with the rule for such items answers; the general rule does not.
        terms = set(tokenize(question))
        kept = [c for c in kept if any(for_status(unit, terms, status) for unit in c[3])] or kept
    asked = countries if countries is not None else countries_in(question)
    if asked and not places and asks_where_we_ship(question) and not _ASKS_TIME.search(question):
        # "Do you ship to Hawaii?", "... to Ohio?": a place in a country is served as its country is; the line that
        # names that country answers, not the list of countries that are not served.
        kept = [c for c in kept if any(countries_in(_label_of(unit)) & asked for unit in c[3])] or kept
    if asked and _ASKS_PAYING.search(question) and not asks_amount(question):
        # "Is returning it free?", "do I pay anything?" from a country: the line that says what that country pays
        # (free, or its amount), not one that only says how it goes ("drop the parcel at any UPS location (US)").
        # ... on the question's own topic: "will I be charged customs?" is not answered by what shipping costs.
        topic = set(tokenize(question)) - _PAYING_TERMS - {t for c in asked for t in _COUNTRY_TERMS[c]}
        country = next(iter(asked))
        priced = [
            c
            for c in kept
            if topic & _terms_of(c[2])
            and any(
                countries_in(unit) & asked
                # what it costs, that it is free, or that the customer pays (duties "to the carrier")
                and (
                    _MONEY.search(for_country(unit, country))
                    or _FREE.search(unit)
                    or _ASKS_PAYING.search(unit)
                    or _NOTHING_TO_PAY.search(unit)
                )
                for unit in c[3]
            )
            and not any(foreign_figures(unit, asked) for unit in c[3])
        ]
        kept = priced or kept
    if asked and (asks_amount(question) or _ASKS_TIME.search(question)):
        # A figure for the asked country: its own line ("- United Kingdom: standard 5–7 business days") rather
        # than a sentence that gives other countries' figures too.
        alone = [
            c
            for c in kept
            if any(countries_in(unit) & asked for unit in c[3])
            and not any(foreign_figures(unit, asked) for unit in c[3])
        ]
        kept = alone or kept
    return kept


GENERAL_POLICY = re.compile(
    r"\bpolic(?:y|ies)\b|\bhow do(?:es)? (?:the )?(?:returns?|exchanges?|shipping|refunds?|warranty) work|"
    r"\b(?:rules|terms) (?:for|on)\b",
    re.IGNORECASE,
)


def _policy_lead(question: str, passages: Sequence[Evidence], first: Evidence) -> tuple[str, Evidence] | None:
    """For a general policy question, the first sentence of the policy's first retrieved section, when the quoted
    passage is another section of the same policy."""
    if not GENERAL_POLICY.search(question) or first["metadata"].get("type") != "policy":
        return None
    doc = first["metadata"].get("doc_id")
    same = [p for p in passages if p["metadata"].get("doc_id") == doc and p["metadata"].get("position") is not None]
    if not same:
        return None
    lead = min(same, key=lambda p: int(p["metadata"]["position"]))
    if lead["id"] == first["id"] or int(lead["metadata"]["position"]) >= int(first["metadata"].get("position") or 0):
        return None
    units = _units(lead["text"])
    return (units[0], lead) if units else None


def _category_exception(
    question: str, passages: Sequence[Evidence], quoted: Sequence[str]
) -> tuple[str, Evidence] | None:
    """For a general policy question about a kind of product ("return policy for shoes"), the passage sentence
    that names that kind (footwear, shoe box), when the quoted answer does not."""
    from knowledge.product_answers import CATEGORY_WORDS

    if not GENERAL_POLICY.search(question):
        return None
    lowered = question.lower()
    words = [
        (category, (category, category.rstrip("s"), *names))
        for category, names in CATEGORY_WORDS.items()
        if any(re.search(rf"\b{re.escape(w)}s?\b", lowered) for w in (category.rstrip("s"), *names))
    ]
    if not words:
        return None
    _, names = words[0]
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in names) + r")s?\b", re.IGNORECASE)
    if any(pattern.search(unit) for unit in quoted):
        return None
    for item in passages:
        for unit in _units(item["text"]):
            if pattern.search(unit):
                return unit, item
    return None


def situation_terms(question: str) -> frozenset[str]:
    """The words of what the customer tells before asking ("My order came in two parcels. When does the return
    window start?"): the line about their situation may join the rule for everyone."""
    sentences = split_sentences(question)
    told = [s for s in sentences if not s.rstrip().endswith("?")]
    if not told or len(told) == len(sentences):
        return frozenset()
    return frozenset(tokenize(" ".join(told))) - _HOW_MANY_TERMS


def grounded_answer(
    question: str,
    evidence: Sequence[Evidence],
    facts: Sequence[dict[str, Any]] = (),
    *,
    embedder: Embedder | None = None,
    threshold: float = SUPPORT_THRESHOLD,
    countries: set[str] | None = None,
    translation: Translation | None = None,
) -> GroundedAnswer:
    """A short answer quoting the best sentences of the evidence and the product facts, with citations.

    ``countries``: the countries the question is about, when the message says so elsewhere ("how much does it
    cost?" after "how long does shipping to Canada take?"); by default the ones the question names."""
    confidence = max((dense_score(item) for item in evidence), default=0.0)
    sentences: list[str] = []
    cited: list[str] = []
    # ``translation``: the shop's documents in the customer's language, when it wrote them (quoted instead).

    for fact in facts[:2]:
        sentences.append(f"{describe_facts(fact)} (see product: {fact['name']})")
        cited.append(str(fact["id"]))

    passages = [item for item in evidence if dense_score(item) >= threshold and item["id"] not in cited]
    if facts:
        # With live facts at hand, only a passage that is clearly about the question adds anything.
        passages = [item for item in passages if item["kind"] == "doc" or item["id"] in cited][:1]
    if passages and GENERAL_POLICY.search(question):
        # "What is your return policy?" asks for the policy, not for one customer's FAQ story ("I wore my boots
        # once..."): quote the policy's own sections when they are among the evidence.
        policies = [item for item in passages if item["metadata"].get("type") == "policy"]
        passages = policies or passages
    if passages:
        embedder = embedder or get_embedder()
        question_vec = embedder.embed([question])[0]
        # "each", "both" say how many alternatives are asked, not what about ("an email at each step" is no answer).
        terms = set(tokenize(question)) - _HOW_MANY_TERMS
        # The passage to quote is the one holding the single most relevant sentence among the top three: the
        # best-ranked section can be about the right topic yet answer a neighbouring question.
        candidates = []
        # A question about a country, an amount or a duration may be answered by a list line further down the
        # ranking (the FAQ summarises every country; the policy has a line per country): look a little deeper.
        # So may whether a country's customer pays at all ("do I pay for the label from Toronto?"); and whatever
        # `_answering` then keeps an amount or a duration for ("what do I pay for the label?") must be looked for that
        # deep, or whether the line with the figure is quoted hangs on its rank among neighbours.
        asks_figure = (
            _ASKS_MONEY.search(question)
            or _ASKS_TIME.search(question)
            or _ASKS_PAYING.search(question)
            or asks_amount(question)
            or asks_duration(question)
        )
        depth = 5 if (asks_figure or asks_where_we_ship(question)) else 3
        headings = embedder.embed([heading(item) for item in passages[:depth]]) @ question_vec
        weights = term_weights(unit for item in passages[:depth] for unit in _units(item["text"]))
        # "How long does each option take?", "what do both cost?": every alternative the section lists is asked.
        most = MAX_SENTENCES + 1 if _EACH.search(question) else MAX_SENTENCES
        told = situation_terms(question)
        for rank, item in enumerate(passages[:depth]):
            quoted, best = _passage_sentences(
                question_vec, terms, item, embedder, most, question, countries, weights, told
            )
            if quoted:
                bonus = (FIRST_PASSAGE_BONUS if rank == 0 else 0.0) + HEADING_WEIGHT * float(headings[rank])
                candidates.append((best + bonus, rank, item, quoted, best))
        candidates = _answering(candidates, question, countries)
        if candidates:
            candidates.sort(key=lambda c: (-c[0], c[1]))
            first_score, _, first, quoted, _ = candidates[0]
            sentences.append(quote(quoted, first, translation))
            cited.append(first["id"])
            # "Which carrier delivers to Denmark?" is answered by the carriers' lines alone: another section close
            # behind it (where we ship) answers whether, not who.
            seconds = [] if asks_carrier(question) else candidates[1:]
            for extra_score, _, other, extra, _ in seconds:
                if other["kind"] != first["kind"] or dense_score(other) < dense_score(first) - SECOND_PASSAGE_MARGIN:
                    continue
                lines = _opening(extra)
                if lines and extra_score >= first_score - 0.02 and not set(lines) & set(quoted):
                    sentences.append(quote(lines, other, translation))
                    cited.append(other["id"])
                    break
            lead = _policy_lead(question, passages, first)
            if lead is not None:
                # "What is your return policy?": its main rule first (the window), then what answers the rest.
                unit, item = lead
                sentences.insert(0, quote([unit], item, translation))
                cited.insert(0, item["id"])
            exception = _category_exception(question, passages, quoted)
            if exception is not None:
                # "... for shoes": the rule for that kind of product, after the general one.
                unit, item = exception
                sentences.append(quote([unit], item, translation))
                if item["id"] not in cited:
                    cited.append(item["id"])

    if not sentences:
        return GroundedAnswer(text=_DONT_KNOW, cited_ids=[], supported=False, confidence=round(confidence, 4))
    return GroundedAnswer(text=" ".join(sentences), cited_ids=cited, supported=True, confidence=round(confidence, 4))


class MessageAnswer(BaseModel):
    """The answer to every question of a message, in order, with what backs it."""

    text: str
    cited_ids: list[str] = Field(default_factory=list)
    supported: bool
    # One per question: "facts", "buying", "sold_out", "comparison", "recommendation", "within_budget" (a
    # recommendation within a stated budget), "no_fit", "policy" or "unknown".
    kinds: list[str] = Field(default_factory=list)
    # Product facts the answer states, as graph evidence ({"id", "kind": "facts", "data"}), for the critique.
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    confidence: float = 0.0


# "bought 3 weeks ago", "received it 10 days ago": the customer's own dates, not what the question is about.
ELAPSED = re.compile(
    r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>days?|weeks?|months?)\s+ago\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
RETURNING = re.compile(r"\b(?:return|send (?:[\w-]+ )?back|refund|exchange)", re.IGNORECASE)


# Who the customer is and which order they mean: facts for the tools, words no passage of the rules has.
_IDENTIFIERS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|#?\bW\d{5,}\b")


def without_identifiers(text: str) -> str:
    """The text to search the rules with: "lucas@example.org here. If I send back #W9551757, what do I pay for the
    label?" searches "here. If I send back , what do I pay for the label?"."""
    return _IDENTIFIERS.sub(" ", text)


def topic_of(question: str) -> str:
    """The question without the customer's elapsed times, which are facts to compare, not words to search, and in
    the shop's words for what it asks to do (``in_shop_words``)."""
    return in_shop_words(ELAPSED.sub(" ", question).strip())


# How customers say the shop's procedures in other words: "send it back" is a return, "swap it" an exchange, "get my
# money back" a refund. The policies name them by the shop's word, and so does a search that should find them.
_SHOP_WORDS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        # ... of anything ("send things back", "send both jackets back"), not of a person ("send me back").
        # ... or shipped, posted or mailed back ("ship back a sleeping bag").
        re.compile(
            r"\b(?:send(?:ing|s)?|ships?|post(?:ing|s)?|mail(?:ing|s)?)\s+"
            r"((?:(?!me\b|us\b|him\b|her\b)[\w-]+\s+){0,3})?back\b",
            re.I,
        ),
        lambda m: f"return {m.group(1) or ''}".rstrip(),
    ),
    (
        re.compile(r"\b(?:sent|shipped|posted|mailed)\s+((?:(?!me\b|us\b|him\b|her\b)[\w-]+\s+){0,3})?back\b", re.I),
        lambda m: f"returned {m.group(1) or ''}".rstrip(),
    ),
    (re.compile(r"\b(?:get|have|got)\s+(?:my|the|our|your)\s+money\s+back\b", re.I), "get a refund"),
    (re.compile(r"\bswap(?:ping|ped|s)?\b", re.I), "exchange"),
    # Who takes the parcel, in the customer's words: the documents call it the carrier.
    (
        re.compile(
            r"\b(?:couriers?|delivery\s+(?:company|companies|firm|service)|shipping\s+(?:company|companies|firm|provider"
            r"|partner)|postal\s+service|parcel\s+service)\b",
            re.I,
        ),
        "carrier",
    ),
    (re.compile(r"\bwhich\s+company\b", re.I), "which carrier"),
    # ... also as a German question reads in the glossary's English ("Wer liefert ..." reads "who ship ...").
    (re.compile(r"\bwho\s+(?:ship|deliver|carr(?:y|ie)|bring)s?\b", re.I), "which carrier ships"),
    # "If I change my mind about it": the returns policy's own reason for a return ("changed my mind").
    (re.compile(r"\b(?:change|changed|changing) (?:my|our) minds?\b", re.I), "want to return it"),
)


def in_shop_words(text: str) -> str:
    """The text with the customer's words for a return, a refund or an exchange in the shop's own."""
    for pattern, replacement in _SHOP_WORDS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s{2,}", " ", text)


def elapsed_days(question: str) -> tuple[int, str] | None:
    """Days since the event the customer dates ("3 weeks ago" -> 21), and how they said it."""
    found = ELAPSED.search(question)
    if not found:
        return None
    count = found.group("n").lower()
    number = int(count) if count.isdigit() else _NUMBER_WORDS[count]
    unit = found.group("unit").lower()
    days = number * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
    return days, found.group(0)


def window_sentence(question: str, window_days: int | None) -> str:
    """For "can I return something I bought 3 weeks ago?": the customer's time against the return window."""
    elapsed = elapsed_days(question)
    if not elapsed or not window_days or not RETURNING.search(question):
        return ""
    days, said = elapsed
    if days <= window_days:
        return (
            f"Yes, you can: that was {said}, within our return window of {window_days} days, which counts from the "
            "day the order was delivered. Items must be unused, with their tags on."
        )
    return (
        f"I'm sorry: that was {said}, past our return window of {window_days} days, which counts from the day the "
        "order was delivered, so a normal return isn't possible. A defect is still covered by our warranty, and a "
        "colleague can look at your case if you'd like."
    )


# The customer's own amount ("my basket is $60", "$170 of gear"), not a figure they ask about ("free over $75?").
_CUSTOMER_AMOUNT = re.compile(
    r"(?<!over )(?<!above )(?<!from )(?<!least )(?<!than )(?<!under )(?<!below )"
    r"(?:\$\s?(?P<a>\d[\d,]*(?:\.\d{1,2})?)|\b(?P<b>\d[\d,]*(?:\.\d{1,2})?)\s*(?:dollars|usd|bucks)\b)",
    re.IGNORECASE,
)
# "free on orders of $75 or more", "it's free from $150": a policy's threshold for free standard shipping.
_FREE_FROM = re.compile(r"\bfree\b[^.;$]{0,25}?\b(?:of|from|over)\s+\$\s?(?P<t>\d[\d,]*(?:\.\d{1,2})?)", re.I)
_AMOUNTS = re.compile(r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)")
_FREE = re.compile(r"\bfree\b", re.IGNORECASE)
# Words that ask what something costs, and the words of each country's names: neither says what it is about.
_PAYING_TERMS = frozenset(tokenize("free pay paying paid cost costs charge charged charges fee fees anything price"))
_COUNTRY_TERMS = {code: frozenset(tokenize(" ".join(names))) for code, names in COUNTRY_NAMES.items()}


def _terms_of(evidence: Evidence) -> frozenset[str]:
    return frozenset(tokenize(f"{heading(evidence)} {evidence['text']}"))


# "Duties and VAT are included in our prices", "nothing is collected on delivery": the answer is that they pay nothing.
_NOTHING_TO_PAY = re.compile(r"\b(?:included|nothing is (?:collected|charged)|no (?:extra )?charge)\b", re.I)
_ASKS_PAYING = re.compile(r"\b(?:free|pay|paying|cost|costs|charge|charged|how much|fee)\b", re.I)


def charges(unit: str) -> bool:
    """Whether a line states an amount charged, besides any threshold from which something is free ("free on orders
    of $75 or more" states none; "... and $6.95 below that" does)."""
    return bool(_MONEY.search(_FREE_FROM.sub(" ", unit)))


def states_threshold(text: str) -> bool:
    """Whether a passage gives an amount from which something is free ("free on orders of $75 or more")."""
    return bool(_FREE_FROM.search(text))


def customer_amount(question: str) -> Decimal | None:
    found = _CUSTOMER_AMOUNT.search(question)
    if not found:
        return None
    return Decimal((found.group("a") or found.group("b")).replace(",", ""))


def threshold_sentence(question: str, countries: set[str] | None, passages: Sequence[Evidence]) -> tuple[str, str]:
    """For "my basket is $60 and I'm in Ohio, do I pay shipping?": the customer's amount against the free-shipping
    threshold of their country's line, with the standard charge that applies; and the id of the passage it comes
    from. ("", "") when the question has no amount, no single country, or no passage gives a threshold for it."""
    from shopdesk.i18n import _, money

    amount = customer_amount(question)
    if amount is None or not countries or len(countries) != 1 or not _ASKS_PAYING.search(question):
        return "", ""
    if service_in(question) == "express":
        return "", ""  # the thresholds are for standard shipping
    country = next(iter(countries))
    for item in passages:
        for unit in _units(item["text"]):
            if countries_in(unit) != {country}:
                continue
            standard = for_service(unit, "standard")
            free = _FREE_FROM.search(standard)
            if not free:
                continue
            threshold = Decimal(free.group("t").replace(",", ""))
            charges = [Decimal(m.replace(",", "")) for m in _AMOUNTS.findall(standard)]
            charges = [c for c in charges if c != threshold]
            place = _(_COUNTRY_PLACES[country])
            if amount >= threshold:
                text = _(
                    "Standard shipping to {place} is free for your order of {amount}: it is free on orders of "
                    "{threshold} or more.",
                    place=place,
                    amount=money(amount),
                    threshold=money(threshold),
                )
            elif charges:
                text = _(
                    "Your order of {amount} is below the {threshold} for free standard shipping to {place}, so "
                    "standard shipping costs {charge}.",
                    place=place,
                    amount=money(amount),
                    threshold=money(threshold),
                    charge=money(charges[0]),
                )
            else:
                continue
            return f"{text} (see {citation_label(item)})", str(item["id"])
    return "", ""


# The country groups as a sentence names them ("free standard shipping to Canada").
_COUNTRY_PLACES = {
    "US": N_("the United States"),
    "CA": N_("Canada"),
    "UK": N_("the United Kingdom"),
    "EU": N_("the EU"),
}


# "Do you ship to Canada and how long does it take?": a second question joined by "and".
# ... or after a semicolon ("shipping to the UK; do I pay duties there?"), or numbered ("1) is it rechargeable
# 2) how bright is it").
# ... or joined by "plus" or "also" ("what carrier do you use plus do I pay duties there"); in German by "und" or
# "außerdem" before a question word or a verb that opens a question ("... nach Deutschland und was kostet Express?",
# "außerdem: gibt es Zoll?"). A bare "und" before anything else joins one question's parts ("Schuhe und Socken").
_GERMAN_ASKING = (
    r"(?:wie|was|wann|wo|wohin|woher|welche[rsmn]?|wer|warum|wieso|weshalb"
    r"|(?:kann|k[öo]nnen|muss|m[üu]ssen|darf|bekomme|bekommt|gibt|habt|haben|liefert|nehmt|ist|sind|wird|werden"
    r"|zahle|zahlt|kostet|dauert)\s+(?:ich|man|es|ihr|sie|wir|das|der|die|den)\b)"
)
_AND_QUESTION = re.compile(
    r"(?:,?\s+and\s+|\s*;\s*|\s+\d[.)]\s+|,?\s+(?:plus|also)\s+)(?=(?:how|what|what's|whats|when|where|which|who|why|do"
    r"|does|did|is|are|can|could|will|would|should|may)\b)"
    rf"|,?\s+(?:und\s+)?(?:au(?:ß|ss)erdem|zudem|dazu\s+noch)\b[,:]?\s*|,?\s+und\s+(?={_GERMAN_ASKING})",
    re.IGNORECASE,
)
# A question that ends with a full stop, and another after it ("How long is the return window. How much is the
# label?"): split where the second opens with a question word, kept only when the part before asks too ("I'm in
# Austria. What do I pay?" is one question with its country).
_SENTENCE_QUESTION = re.compile(
    r"(?<=[.!])\s+(?=(?:how|what|what's|whats|when|where|which|who|why|do|does|did|is|are|can|could|will|would"
    rf"|should|may)\b|{_GERMAN_ASKING})",
    re.IGNORECASE,
)


def _sentence_questions(piece: str) -> list[str]:
    parts = _SENTENCE_QUESTION.split(piece)
    joined = [parts[0]]
    for part in parts[1:]:
        if _ASKS.match(joined[-1]) or _GERMAN_ASKS.match(joined[-1]):
            joined.append(part)
        else:
            joined[-1] = f"{joined[-1]} {part}"
    return joined


# "is it waterproof?", "which is cheaper?": short, yet a question of its own (a verb, what it is about, what is
# asked).
_WHOLE_QUESTION = re.compile(
    r"^\s*(?:(?:is|are|was|does|do|did|can|could|will|would)\s+\w+\s+\w+"
    r"|(?:which|what|who|where|when|how)(?:\s+(?:is|are|was|does|do|did|can|will|would)|'s|s)\s+\w+"
    # "gibt es Zoll?", "wie lange dauert es?": a German verb or question word with what it asks of.
    rf"|{_GERMAN_ASKING}\s*\w+)",
    re.IGNORECASE,
)
# "Außerdem wüsste ich gern, ...": the word that joins it to the question before says nothing of what is asked.
_LEADING_ALSO = re.compile(r"^\s*(?:und\s+)?(?:au(?:ß|ss)erdem|zudem)\b[,:]?\s*", re.IGNORECASE)
_QUESTION_WORD = (
    r"(?:how|what|what's|whats|when|where|which|who|why|do|does|did|is|are|can|could|will|would|should|may)\b"
)
# "how long is shipping to Germany, do I pay duties, and what does express cost?": questions listed with commas.
_COMMA_QUESTION = re.compile(rf",\s+(?:and\s+)?(?={_QUESTION_WORD})", re.IGNORECASE)
# ... when the part before the comma is a question itself, after an introduction ("three questions: how ..."); "if I
# return it, do I get a refund?" is one question.
_ASKS = re.compile(rf"^\s*(?:[^:?]{{0,40}}:\s*)?{_QUESTION_WORD}", re.IGNORECASE)
_GERMAN_ASKS = re.compile(rf"^\s*{_GERMAN_ASKING}", re.IGNORECASE)
# How many words the part before a comma needs to be a question of its own ("do you know, is it ..." is not).
COMMA_QUESTION_WORDS = 4


def _listed_questions(piece: str) -> list[str]:
    parts = _COMMA_QUESTION.split(piece)
    joined = [parts[0]]
    for part in parts[1:]:
        if _ASKS.match(joined[-1]) and len(joined[-1].split()) >= COMMA_QUESTION_WORDS:
            joined.append(part)
        else:
            joined[-1] = f"{joined[-1]}, {part}"
    return joined


def questions_of(segments: Sequence[str], shortest: int = 4) -> list[str]:
    """The questions to answer one by one: each segment, split again where "and" or a comma starts a new question
    ("... to Canada and how long does it take?"); a fragment too short to be a question of its own ("how many days")
    belongs to the one before it. An elliptic question ("What about Hawaii?") is the one before asked of something
    else, and is asked so in full ("Can you deliver to Hawaii?")."""
    pieces = [
        listed
        for segment in segments
        for sentence in _sentence_questions(segment)
        for piece in _AND_QUESTION.split(_LEADING_ALSO.sub("", sentence))
        if piece.strip()
        for listed in _listed_questions(piece)
    ]
    questions: list[str] = []
    for segment in pieces:
        if questions and elliptic(segment):
            questions.append(completed(segment, questions[-1]))
        elif questions and len(segment.split()) < shortest and not _WHOLE_QUESTION.match(segment):
            questions[-1] = f"{questions[-1]} {segment}"
        elif questions and states_only_budget(segment):
            # "A headlamp for running? No more than $60.": the budget is the request's, never a request of its own
            # (which would list anything under $60, and leave the request before it without its budget).
            questions[-1] = f"{questions[-1].rstrip()} {segment.strip()}"
        else:
            questions.append(segment)
    return questions


# Words that say nothing beside a budget: "my budget is $60 though", "no more than 80 euros, please".
_BUDGET_ONLY_WORDS = frozenset(
    tokenize(
        "my our the a budget is it should be can could i we you spend around about max maximum and but also price "
        "total ok okay then so just that thats keep to only though please up tops at most or less under below "
        "not more than over above go pay have got need want would like something one ideally preferably"
    )
)


def states_only_budget(text: str) -> bool:
    """Whether a piece of a message only states a budget ("no more than $60 though"), with nothing asked of its own."""
    from knowledge.product_answers import read_budget

    spans = read_budget(text)[3]
    if not spans:
        return False
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return not set(tokenize(text)) - _BUDGET_ONLY_WORDS


_EACH = re.compile(r"\b(?:each|both|either|all of them|each of them|the two)\b", re.IGNORECASE)
_HOW_MANY_TERMS = frozenset(tokenize("each both either all"))
_REFERS_BACK = re.compile(r"\b(?:it|that|there|them|this|those|they|these)\b", re.IGNORECASE)
# Words that ask something without saying about what ("how much does it cost?").
_ASKING_ONLY = frozenset(
    tokenize(
        "how much many long does do is are it cost costs price take takes pay charge get will there that this "
        "they them these those and also plus what when where which much"
    )
)


def asks_only(question: str) -> bool:
    """Whether a question says nothing of what it is about but a country ("how much is it from the UK?"): it points
    back to the question before."""
    countries = {t for terms in _COUNTRY_TERMS.values() for t in terms}
    return not set(tokenize(question)) - _ASKING_ONLY - countries


def search_texts(questions: Sequence[str]) -> list[str]:
    """What to search for each question: a short one that points back ("How much does it cost?") is searched with
    the question before it, which says what "it" is; it is still answered on its own."""
    texts: list[str] = []
    for index, question in enumerate(questions):
        if index:
            # "Do gift cards expire? Can I return one?": searched as "can I return gift cards?".
            question = with_subject(question, questions[index - 1])
        if index and asks_only(question) and _REFERS_BACK.search(question):
            # The question before as it was searched: "Do you ship to Canada? How long does it take? And what does it
            # cost?" searches the cost with Canada, two questions back.
            texts.append(f"{texts[index - 1]} {question}")
        else:
            texts.append(question)
    return texts


def topic_words(question: str) -> str:
    """What a question is about, without the words that only ask ("how long does it take"): "standard shipping
    Canada" for "How long does standard shipping take to Canada?"."""
    words = re.findall(r"[\w'-]+", question)
    return " ".join(w for w in words if set(tokenize(w)) - _ASKING_ONLY)


def stated_facts(product: dict[str, Any]) -> dict[str, Any]:
    """What a product answer may state of a product, for the critique to check: no per-variant records (they
    travel with every checkpoint of the turn), but every price a variant has."""
    keep = ("product_id", "name", "category", "price_range", "price_min", "price_max", "attributes", "options")
    prices = sorted({str(v.get("price")) for v in product.get("variants", [])})
    return {**{k: product.get(k) for k in keep}, "prices": prices}


def segment_of(item: Any) -> int:
    return int(item.get("segment", 0) or 0) if isinstance(item, dict) else 0


def answer_message(
    segments: Sequence[str],
    evidence: Sequence[Any],
    db_url: str | None,
    *,
    embedder: Embedder | None = None,
    threshold: float = SUPPORT_THRESHOLD,
    general: frozenset[str] = frozenset(),
    window_days: int | None = None,
    intent: str = "",
    home_country: str | Callable[[], str] = "",
    translation: Translation | None = None,
) -> MessageAnswer:
    """Each question of the message answered on its own, in order: products from the catalog's facts (one
    product's attributes, a comparison, a recommendation), anything else from the policy passage that answers it.

    ``evidence`` holds the retrieved passages, each tagged with the index of its question (``segment``); the
    product answers read the catalog themselves. ``home_country`` may be a function: it is then asked only when a
    policy question names no country of its own (it reads the customer's address). ``translation``: the shop's
    documents in the customer's language, quoted in place of the originals the answer chose its lines from."""
    from knowledge.product_answers import answer_products, catalog_facts, compares_again, follows_up_on_product

    catalog: list[dict[str, Any]] = []
    # A fault reported about a product ("the headlamp broke") is answered by the rules (warranty, returns), never
    # with the product's price and options.
    if db_url and not sqlite_file_missing(db_url) and intent != "complaint":
        catalog = catalog_facts(db_url)
    several = len(segments) > 1
    texts: list[str] = []
    cited: list[str] = []
    kinds: list[str] = []
    facts: list[dict[str, Any]] = []
    supported = False
    confidence = 0.0
    from knowledge.glossary import in_document_language

    # The rules are asked in the documents' language (a German question's words for them glossed in English).
    asked_segments = [in_document_language(segment) for segment in segments]
    # A country named anywhere in the message holds for its other questions ("... to Canada? How much is it?").
    message_countries = set().union(*(customer_countries(segment) for segment in asked_segments)) if segments else set()
    previous: list[dict[str, Any]] = []
    compared: list[dict[str, Any]] = []
    home: set[str] | None = None

    def home_countries() -> set[str]:
        nonlocal home
        if home is None:
            country = home_country() if callable(home_country) else home_country
            home = countries_in(country) if country else set()
        return home

    for index, question in enumerate(segments):
        hits = [item for item in evidence if segment_of(item) == index and item.get("kind") in ("doc", "product")]
        confidence = max([confidence, *(dense_score(h) for h in hits)])
        dense = {
            str(h["metadata"].get("product_id")): dense_score(h)
            for h in hits
            if h.get("kind") == "product" and dense_score(h) >= threshold
        }
        # "Is the Harbor Fleece warm, and how much is it?": "it" is the product of the question before; so is the
        # subject of a product question that names none ("... Merino 150 Tee? Which sizes are left in white?").
        carried = (
            compared
            if compared and (_EACH.search(question) or compares_again(question, catalog, general))
            else previous
            if previous
            and (_REFERS_BACK.search(question) or follows_up_on_product(question, catalog, general, previous))
            else []
        )
        product = (
            answer_products(question, carried, catalog, hits=dense, embedder=embedder, general=general, intent=intent)
            if catalog
            else None
        )
        # What a comparison or a recommendation puts first is what "it" means next ("the cheapest tent, and is it
        # waterproof?"); after a policy answer, "it" is the policy's subject ("ship to Canada, how long does it take?").
        previous = (
            []
            if product is None
            else product.products
            if product.kind in ("facts", "buying", "sold_out")
            else product.products[:1]
        )
        # "... and how much is each?": all the products the answer before was about.
        compared = [] if product is None else list(product.products)
        if product is not None:
            texts.append(product.text)
            cited += [c for c in product.cited if c not in cited]
            kinds.append(product.kind)
            facts += [{"id": p["id"], "kind": "facts", "data": stated_facts(p)} for p in product.products]
            facts += [{"id": f"computed:{index}", "kind": "computed", "text": line} for line in product.computed]
            supported = True
            continue
        docs = [h for h in hits if h.get("kind") == "doc"]
        question = asked_segments[index]
        # Whether we ship to a place is asked of that place alone: "Do you ship to Norway? And how much is it to
        # Ireland?" must not read the first as a question about Ireland's country, nor "I'm in Toronto. Do you ship
        # to Mexico?" the second as one about Canada.
        borrows = not asks_where_we_ship(question)
        if index and borrows:
            question = with_subject(question, asked_segments[index - 1])
            if _REFERS_BACK.search(question) and asks_only(question):
                # "How long does standard shipping to Canada take? And how much does it cost?": "it" is standard
                # shipping to Canada, and the line that answers is chosen for it (its charge, not its threshold).
                question = f"{question} ({topic_words(asked_segments[index - 1])})"
        # "We live in Ohio, can you send stuff to Switzerland?": the place shipped to, not the one they live in.
        own = customer_countries(question if borrows else shipped_to(question))
        asked = (
            own
            or (borrows and ((message_countries if len(message_countries) == 1 else None) or home_countries()))
            or None
        )
        applied, source = threshold_sentence(question, asked, docs)
        if applied:
            # The customer's own amount against the threshold answers it; the policy line would leave the sum to them.
            texts.append(applied)
            cited += [source] if source not in cited else []
            kinds.append("policy")
            supported = True
            continue
        answer = grounded_answer(
            topic_of(question),
            docs,
            (),
            embedder=embedder,
            threshold=threshold,
            # The question's country, else the message's, else the verified customer's own (their label cost).
            countries=asked,
            translation=translation,
        )
        dated = window_sentence(question, window_days)
        if dated:
            # The customer's own date against the shop's return window answers it; a quote would only blur it.
            texts.append(dated)
            kinds.append("policy")
            facts.append(
                {"id": "profile:returns", "kind": "profile", "text": f"return window: {window_days} days from delivery"}
            )
            supported = True
            continue
        if answer.supported and answer.text in texts:
            kinds.append("policy")  # the same passage answers both: said once
            continue
        if answer.supported:
            texts.append(answer.text)
            cited += [c for c in answer.cited_ids if c not in cited]
            kinds.append("policy")
            supported = True
        else:
            kinds.append("unknown")
            # Said once, never quoting the customer's words back at them (a complaint quoted reads as mockery).
            unknown = _(_PART_UNKNOWN) if several else _DONT_KNOW
            if unknown not in texts:
                texts.append(unknown)
    if not supported:
        return MessageAnswer(text=_DONT_KNOW, supported=False, kinds=kinds, confidence=round(confidence, 4))
    return MessageAnswer(
        text="\n\n".join(texts),
        cited_ids=cited,
        supported=True,
        kinds=kinds,
        evidence=facts,
        confidence=round(confidence, 4),
    )

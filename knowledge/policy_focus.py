"""What a policy question asks, and a policy line cut to it.

A policy section answers several questions at once: "Jackets, tents, backpacks and sleeping bags are covered for 2
years ... Footwear, clothing and accessories for 1 year", "Canada: standard 5–8 business days, express 2–4 business
days". A customer asks one of them. This module reads from the question what kind of answer it wants (an amount, a
duration, or a yes or no), which product group (as the policies name them) and which service level (standard or
express) it is about; ``knowledge.answer`` uses them to choose the line and to cut it to the figures that apply.
Countries are read by ``knowledge.answer.countries_in``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from knowledge.lexical import tokenize

# "How much is...", "what does express to Germany cost?": the answer is an amount. "Do I get my shipping cost back?"
# mentions a cost but asks yes or no.
_AMOUNT = re.compile(
    r"\bhow much\b"
    r"|\bwhat(?:'s|s| is| are| does| do| would| will)?\b[^?.!]{0,50}?\b(?:cost|costs|price|fee|fees|charge|pay)\b"
    r"|^\W*(?:the\s+)?(?:cost|price|fee|charge) (?:of|for|to)\b"
    # "What's standard shipping to Ireland?": a service's rate, unless its time is asked.
    r"|\bwhat(?:'s|s| is| are)\s+(?:the\s+)?(?:standard|express)\s+(?:shipping|delivery)\b(?!\s+times?\b)",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\bhow (?:long|many (?:days|weeks|hours|months|years)|soon|fast|quickly)\b"
    r"|\b(?:shipping|delivery|transit) times?\b"
    # "What's the return window?", "is there a deadline?": a length of time.
    r"|\b(?:window|deadline|time limit|time frame|timeframe)\b",
    re.IGNORECASE,
)

# The product groups the shop's policies name, and the catalog words that belong to each. A question about gloves is
# answered by the line about accessories; the group's own words count too ("footwear").
POLICY_GROUPS: dict[str, tuple[str, ...]] = {
    "jackets": ("jacket", "coat", "parka", "shell", "anorak", "raincoat", "fleece"),
    "tents": ("tent", "shelter"),
    "backpacks": ("backpack", "daypack", "rucksack", "pack"),
    "sleeping bags": ("sleeping bag",),
    "footwear": ("footwear", "shoe", "boot", "sneaker", "trainer", "trail runner", "moc"),
    "clothing": ("clothing", "clothes", "pants", "trousers", "shirt", "t-shirt", "tee", "hoodie", "base layer", "sock"),
    "accessories": (
        "accessory",
        "accessories",
        "glove",
        "mitt",
        "mitten",
        "beanie",
        "hat",
        "headlamp",
        "bottle",
        "flask",
        "stove",
    ),
    "gift cards": ("gift card",),
    "underwear": ("underwear", "boxer", "brief", "bralette"),
    "earrings": ("earring",),
}


def _any_of(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|es)?\b", re.IGNORECASE)


_GROUP_PATTERNS = {group: _any_of({group, *words}) for group, words in POLICY_GROUPS.items()}
_SERVICES = {"express": re.compile(r"\bexpress\b", re.I), "standard": re.compile(r"\bstandard\b", re.I)}
_FIGURE = re.compile(r"\$\s?\d|\d")
_LABEL = re.compile(r"^(?P<label>[^:]{2,80}):\s+(?P<rest>.+)$")


@lru_cache(maxsize=4096)
def _groups(text: str) -> frozenset[str]:
    return frozenset(group for group, pattern in _GROUP_PATTERNS.items() if pattern.search(text))


def groups_in(text: str) -> set[str]:
    """The product groups (as the policies name them) a text speaks of."""
    return set(_groups(text))


def without_groups(text: str) -> str:
    """The text without the product groups it names: "what's the return window for sleeping bags?" searched as a
    question about the return window (the product words pull it toward the lines that list product groups)."""
    for pattern in _GROUP_PATTERNS.values():
        text = pattern.sub(" ", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def service_in(text: str) -> str | None:
    """The service level a question asks about, when it names exactly one."""
    named = [level for level, pattern in _SERVICES.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def asks_amount(question: str) -> bool:
    return bool(_AMOUNT.search(question))


def asks_duration(question: str) -> bool:
    return bool(_DURATION.search(question))


_DEPTH = {"(": 1, ")": -1}


def _clauses(text: str) -> list[str]:
    """Clauses split at commas and semicolons outside parentheses ("EU countries (including Germany, France ...)")."""
    clauses, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += _DEPTH.get(char, 0)
        if char in ",;" and depth == 0:
            clauses.append(text[start : index + 1].strip())
            start = index + 1
    clauses.append(text[start:].strip())
    return [c for c in clauses if c]


# The shop's policy lines are few, and the same line is cut for the same country, service or day turn after turn.
@lru_cache(maxsize=4096)
def for_service(unit: str, level: str) -> str:
    """A line giving figures for both service levels, cut to the asked one: "Canada: standard 5–8 business days,
    express 2–4 business days." becomes "Canada: express 2–4 business days." for an express question."""
    other = "standard" if level == "express" else "express"
    if not (_SERVICES[level].search(unit) and _SERVICES[other].search(unit)):
        return unit
    found = _LABEL.match(unit)
    label, rest = (found.group("label") + ": ", found.group("rest")) if found else ("", unit)
    clauses = _clauses(rest)
    kept = [c for c in clauses if not (_SERVICES[other].search(c) and not _SERVICES[level].search(c))]
    if not kept or len(kept) == len(clauses) or not any(_FIGURE.search(c) for c in kept):
        return unit
    text = " ".join(kept).strip().rstrip(",;")
    if not text.endswith((".", "!", "?")):
        text += "."
    if not label:
        return text[:1].upper() + text[1:]
    # "Standard 5–8 business days" reads on after its label in lower case; a name ("UPS 2nd Day Air") keeps its own.
    return label + (text if text[1:2].isupper() else text[:1].lower() + text[1:])


def other_groups_only(unit: str, asked: set[str]) -> bool:
    """Whether a line gives a figure for other product groups and not for the asked one ("Footwear, clothing and
    accessories are covered for 1 year." for a question about tents)."""
    named = groups_in(unit)
    return bool(asked) and bool(named) and not named & asked and bool(_FIGURE.search(unit))


@lru_cache(maxsize=4096)
def unit_terms(unit: str) -> frozenset[str]:
    """A line's words (the policy lines are few and read on every policy answer)."""
    return frozenset(tokenize(unit))


def term_weights(units: Iterable[str]) -> dict[str, float]:
    """How telling each word is among the lines that could answer: a word in one line of twenty ("final-sale",
    "processed", "clearance") says more about which line answers than a word in most ("return", "days")."""
    pool = [unit_terms(u) for u in units]
    frequency: dict[str, int] = {}
    for terms in pool:
        for term in terms:
            frequency[term] = frequency.get(term, 0) + 1
    count = len(pool) or 1
    return {term: math.log(1 + count / seen) for term, seen in frequency.items()}


# What a product group is called says which line of a list applies (see other_groups_only), not which section answers:
# "how long do I have to return a jacket?" is answered by the return window, not by "Jackets ... 2 years".
_GROUP_TERMS = frozenset(tokenize(" ".join(w for group, words in POLICY_GROUPS.items() for w in (group, *words))))


def specific_overlap(question_terms: set[str], unit: str, weights: dict[str, float]) -> float:
    """The question's words this line shares, each weighted by how telling it is (product group names aside)."""
    return sum(weights.get(term, 0.0) for term in (question_terms - _GROUP_TERMS) & unit_terms(unit))


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = re.compile(r"\b(" + "|".join(_DAY_NAMES) + r")s?\b", re.IGNORECASE)
_DAY_RANGE = re.compile(
    r"\b(" + "|".join(_DAY_NAMES) + r")\s+(?:to|through|till|until|[–-])\s+(" + "|".join(_DAY_NAMES) + r")\b",
    re.IGNORECASE,
)


def days_in(text: str) -> set[int]:
    """The days of the week a text names (0 is Monday), a range counting every day in it ("Monday to Thursday")."""
    days = {_DAY_NAMES.index(m.group(1).lower()) for m in _DAY.finditer(text)}
    for found in _DAY_RANGE.finditer(text):
        first, last = _DAY_NAMES.index(found.group(1).lower()), _DAY_NAMES.index(found.group(2).lower())
        days |= set(range(first, last + 1))
    return days


def first_day_at(text: str) -> int | None:
    found = _DAY.search(text)
    return found.start() if found else None


def _items(clause: str, figure: re.Pattern[str]) -> list[str]:
    """A clause's items, split at "and" when each side has a figure ("$19.95 to the UK and $17.95 to the EU")."""
    parts = re.split(r"\s+and\s+", clause)
    return parts if len(parts) > 1 and all(figure.search(part) for part in parts) else [clause]


@lru_cache(maxsize=4096)
def for_key(
    unit: str,
    asked: object,
    keys_of: Callable[[str], set[object]] | Callable[[str], set[int]] | Callable[[str], set[str]],
    first_key_at: Callable[[str], int | None],
    figure: re.Pattern[str] = _FIGURE,
) -> str:
    """A line listing a figure per key (a country, a day of the week), cut to the asked key's: "Our team works Monday
    to Thursday 9 am to 6 pm, Friday 9 am to 5 pm, and Saturday 10 am to 2 pm." becomes "Our team works Saturday
    10 am to 2 pm." for Saturday. The line is left as it is unless it has a figure for the asked key and for another."""
    found = _LABEL.match(unit)
    label, rest = (found.group("label") + ": ", found.group("rest")) if found else ("", unit)
    clauses = [part for clause in _clauses(rest) for part in _items(clause, figure) if part.strip()]
    if len(clauses) < 2:
        return unit

    def other(clause: str) -> bool:
        keys = keys_of(clause)
        return bool(keys) and asked not in keys and bool(figure.search(clause))

    own = [c for c in clauses if asked in keys_of(c) and figure.search(c)]
    dropped = [c for c in clauses if other(c)]
    if not own or not dropped:
        return unit
    kept: list[str] = []
    for index, clause in enumerate(clauses):
        if not other(clause):
            kept.append(re.sub(r"^(?:and|or)\s+", "", clause.strip().rstrip(",;")))
        elif index == 0 and (at := first_key_at(clause)) and not figure.search(clause[:at]):
            # What the list is of ("Our team works ...") stays before the asked key's item.
            kept.append(clause[:at].rstrip() + " ")
    text = ", ".join(kept).replace(" , ", " ").strip()
    if not text.endswith((".", "!", "?")):
        text += "."
    return label + text if label else text[:1].upper() + text[1:]

"""Product answers from the catalog's structured facts: one product's facts, comparisons, recommendations.

A product question is answered from what the shop's database says about the product (its attributes such as
material, weight, waterproof rating or care, its options, prices and the stock of each variant) before any FAQ:
a product that is fully seam-taped must not be described by the FAQ's general sentence about water-resistant
jackets. What the question asks is read from its words (``ASPECTS``: which fact; ``COMPARATIVES``: which measure and
which direction), the products from their names or, for "which tent is lightest" and recommendations, from the
category it names; every number an answer states is a product's own, or computed from them (how many variants are
in stock). Recommendations keep every stated constraint (budget, use, size, colour, in stock) and say so when
nothing fits, offering the closest product and what it misses.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from knowledge.catalog import COLOUR_FAMILIES, format_money
from knowledge.chunking import split_sentences
from knowledge.lexical import tokenize
from shopdesk.i18n import N_, _, ngettext

CATALOG_TTL_S = 60.0
# A product the question describes without naming it is answered when the search finds it this close (MiniLM
# cosine; the support threshold of knowledge.answer is 0.39: "do you have kayaks?" must not get gloves).
DESCRIBED_SIMILARITY = 0.5
# A description sentence joins the attribute facts when it is this close to the question (MiniLM cosine).
DESCRIPTION_SIMILARITY = 0.5
# ... and leads when the question asks no fact but by a word of the product's name (the support threshold of
# knowledge.answer is 0.39: a passage that close answers a policy question).
NAMED_ONLY_SIMILARITY = 0.39
MAX_LISTED = 3
# The warmth (of 5) from which a product answers a request for a warm one.
WARM_ENOUGH = 3

# Which fact a question asks for: cue words per attribute name (the attribute names a catalog uses for them).
ASPECTS: dict[str, tuple[str, ...]] = {
    "waterproof": (
        r"waterproof",
        r"\bseams?\b",
        r"\btaped\b",
        r"water[- ]?(?:resistant|repellent|proof)",
        r"\brain",
        r"\bwet\b",
        r"\bdry\b(?! ?clean)",
        r"downpour",
        r"\bmm\b",
        r"splash",
    ),
    "material": (
        r"made (?:of|from|out of)",
        r"\bmaterials?\b",
        r"\bfabric",
        r"real leather",
        r"pure wool",
        r"\bwool\b",
        r"\bcotton\b",
        r"\bdown\b(?! to)",
        r"\bsynthetic",
        r"what metal",
        r"\bmetal\b",
    ),
    "weight": (r"\bweigh", r"\bheavy\b", r"\bheavier", r"\blight(?:er|est)?\b(?!ing)", r"\bgrams?\b", r"\bkg\b"),
    "care": (r"\bwash", r"\bclean", r"dishwasher", r"\bcare\b", r"tumble", r"\bdryer\b"),
    "warmth": (r"\bwarm", r"\bcold\b", r"\binsulat"),
    "temperature rating": (r"temperature", r"\brated\b", r"how cold", r"°\s*[fc]\b", r"comfort rating"),
    "capacity": (
        r"\bcapacit",
        r"\bvolume\b",
        r"\blit(?:re|er)s?\b",
        r"how (?:big|much (?:does it|will it) hold)",
        r"\bholds?\b",
        r"how many people",
        r"\bperson\b",
    ),
    "fit": (r"true to size", r"\bfit\b", r"\bfits\b", r"run(?:s)? (?:small|large|big)", r"which size", r"sizing"),
    "compatibility": (r"compatib", r"\bfit\b", r"\bfits\b", r"work with", r"\buse\b.*\bon\b", r"laptop", r"suede"),
    "brightness": (r"\bbright", r"lumens?"),
    "battery": (r"batter", r"recharg", r"\busb"),
    "fuel": (r"\bfuel", r"\bburn", r"\bgas\b", r"canister"),
    "boil time": (r"\bboil",),
    "drop": (r"\bdrop\b",),
    "insulation": (r"\bhot\b", r"\bcold for\b", r"keep[s]? .* (?:hot|cold|warm)"),
    "filter": (r"\bfilter", r"bacteria", r"protozoa", r"virus"),
    "validity": (r"expire", r"\bvalid"),
    "delivery": (r"delivered", r"how do(?:es)? (?:it|they|i) (?:get|receive)"),
    "packed size": (r"pack(?:s|ed)? down", r"packed", r"how small"),
    "dimensions": (r"dimension", r"how (?:long|wide|big)", r"\bsize of\b"),
    "seasons": (r"season", r"\bwinter\b"),
    "contents": (r"what(?:'s| is) in", r"\bcomes with", r"\binclude"),
    "coverage": (r"how many pairs", r"\btreats?\b"),
    "volume": (r"\bml\b",),
}
_ASPECT_CUES = {name: re.compile("|".join(cues), re.IGNORECASE) for name, cues in ASPECTS.items()}
# Facts that are not attributes.
PRICE = re.compile(
    r"\b(?:price|cost|costs|how much (?:is|are|does|do|would|will|for)|expensive|cheap)\b|\$", re.IGNORECASE
)
STOCK = re.compile(
    r"\b(?:in stock|stock|available|availability|sold out|(?:can i|i can) (?:still )?(?:buy|order|get)"
    r"|buy (?:right )?now|have (?:it|them|the|you)"
    r"|do you have|back in|left|any left|still have)\b",
    re.IGNORECASE,
)
COUNT = re.compile(
    r"\bhow many\b.*\b(?:variant|version|combo|combination|option|size|colou?r|model|kind|in stock"
    r"|available|buy)",
    re.IGNORECASE,
)
OPTIONS = re.compile(
    r"\b(?:colou?rs?|sizes?|options?|versions?|variants?|come in|comes in|capacities)\b", re.IGNORECASE
)

# "Which is lighter / warmer / cheaper": the measure and whether the smaller value wins.
COMPARATIVES: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    (re.compile(r"\b(?:lighter|lightest|weighs? less|less heavy|lower weight)\b", re.I), "weight", True),
    (re.compile(r"\b(?:heavier|heaviest|weighs? more)\b", re.I), "weight", False),
    (re.compile(r"\b(?:warmer|warmest|more insulat|best insulat)", re.I), "warmth", False),
    (
        re.compile(
            r"\b(?:cheaper|cheapest|less expensive|least expensive|lower price|lowest price|lower[- ]cost"
            r"|lowest[- ]cost|(?:more|most) (?:affordable|inexpensive|budget[- ]friendly)|costs? (?:less|the least))\b",
            re.I,
        ),
        "price",
        True,
    ),
    (
        re.compile(r"\b(?:more expensive|most expensive|pricier|priciest|dearer|costs? (?:more|the most))\b", re.I),
        "price",
        False,
    ),
    (
        re.compile(r"\b(?:bigger|biggest|larger|largest|holds? more|more room|roomier|more capacity)\b", re.I),
        "capacity",
        False,
    ),
    (re.compile(r"\b(?:smaller|smallest|holds? less)\b", re.I), "capacity", True),
    (re.compile(r"\b(?:brighter|brightest)\b", re.I), "brightness", False),
    (re.compile(r"\bmore waterproof|most waterproof|better in (?:the )?rain|drier\b", re.I), "waterproof", False),
    # German comparatives and superlatives ("welcher ist leichter?", "der wärmste", "am günstigsten"). A form in -er
    # after an article is the plain adjective, a wish rather than a comparison ("ein leichter Schlafsack").
    *(
        (re.compile(rf"(?<!ein ){comparative}\b|\b{superlative}\w*\b|\bam {superlative}n\b", re.I), measure, smaller)
        for comparative, superlative, measure, smaller in (
            (r"\b(?:günstiger|billiger|preiswerter)", r"(?:günstigste|billigste|preiswerteste)", "price", True),
            (r"\b(?:teurer)", r"(?:teuerste)", "price", False),
            (r"\b(?:leichter)", r"(?:leichteste)", "weight", True),
            (r"\b(?:schwerer)", r"(?:schwerste)", "weight", False),
            (r"\b(?:wärmer)", r"(?:wärmste)", "warmth", False),
            (r"\b(?:größer|grösser)", r"(?:größte|grösste)", "capacity", False),
            (r"\b(?:heller)", r"(?:hellste)", "brightness", False),
            (r"\b(?:wasserdichter)", r"(?:wasserdichteste)", "waterproof", False),
        )
    ),
)
# "Compare X and Y on ...", "X vs Y": a comparison that names the measure but not the direction; each measure's
# usual direction (True: the smaller wins).
COMPARE_ON = re.compile(r"\bcompar(?:e|es|ed|ing|ison)\b|\bvs\.?(?!\w)|\bversus\b|\bstack up\b", re.I)
NEUTRAL: dict[str, bool] = {
    "weight": True,
    "warmth": False,
    "capacity": False,
    "brightness": False,
    "waterproof": False,
}
# "How much cheaper is X than Y?", "what's the price difference between X and Y?": the gap itself is asked.
DIFFERENCE = re.compile(
    r"\b(?:difference|gap)\b|\bhow much (?:more|less|cheaper|lighter|heavier|pricier)\b|\bby how much\b", re.I
)
RECOMMEND = re.compile(
    r"\b(?:recommend|suggest|suggestion|looking for|look(?:ing)? at|need (?:a|an|some|new)|want (?:a|an|some)|"
    r"would like (?:a|an|some)|i'?d like (?:a|an|some)|after (?:a|an|some)|searching for|gift idea|idea for|"
    r"what (?:\w+ )?(?:should|would|do you)|which (?:\w+ )*should|what'?s a good|a good|best \w+ for|any \w+ (?:under|"
    r"below|for)|do you (?:have|sell) (?:a|an|any)|what do you have|good for|for (?:hiking|camping|running|winter))",
    re.IGNORECASE,
)
# A money amount as customers write it: "$150", "150 dollars", "120 euros", "130 €", "EUR 80", "£60".
_CURRENCY_BEFORE = r"(?:USD|EUR|GBP|\$|€|£)"
_CURRENCY_AFTER = r"(?:\$|€|£|dollars?|bucks|usd|euros?|eur|pounds?|gbp)"
# The whole figure: "for 450 people" must not read as "for 45".
_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)(?!\d|[.,]\d)"
_MONEY = rf"(?:{_CURRENCY_BEFORE}\s*)?{_AMOUNT}\s*{_CURRENCY_AFTER}?"
# A figure with a unit of measure after it is no money: "for 4 people", "a comfort limit of 15°F", "under 2 kg",
# "up to 400 lumens", "bis 20 Grad".
_NOT_MONEY = (
    r"(?!\s*(?:people|persons?|personen|kids|nights?|days?|weeks?|months?|years?|hours?|°|degrees?|grad\b|[fc]\b"
    r"|k?g\b|grams?|gramm|kilos?|kilograms?|lbs?\b|oz\b|ounces?|m?l\b|litres?|liters?|liter\b|lumens?|lm\b|mm\b|cm\b"
    r"|m\b|km\b|miles?|meters?|metres?|inch(?:es)?|ft\b|feet|%))"
)
BUDGET = re.compile(
    r"(?:under|below|less than|up to|no more than|(?:nothing|not) (?:over|above|more than)|max(?:imum)?|"
    r"budget(?: is| of)?|within|cheaper than|at most|(?:my |a |the )?(?:spending )?limit(?: is| of)?|"
    r"(?:can'?t|cannot|won'?t|don'?t want to|do not want to|not) (?:go|spend|pay) (?:over|above|more than)|"
    # German: "bis 100 €", "unter 80 Euro", "höchstens 50", "maximal 120", "nicht mehr als 90"
    r"bis(?: zu)?|unter|höchstens|maximal|nicht mehr als|"
    rf"for)\s*(?:about |around |ca\. )?{_MONEY}{_NOT_MONEY}"
    rf"|{_CURRENCY_BEFORE}\s*{_AMOUNT}\s*(?:or less|max|tops|and under|or under|at most)",
    re.IGNORECASE,
)
# "between $50 and $100", "from 200 to 300 dollars", "$80-$120", "zwischen 50 und 100 €": a price range; the lower
# end is part of what the customer asked (a $30 tent is not what "between 250 and 400" wants).
BUDGET_RANGE = re.compile(
    rf"\b(?:between|from|zwischen|von)\s+{_MONEY}\s*(?:and|to|und|bis|-|–)\s*{_MONEY}"
    rf"|{_CURRENCY_BEFORE}\s*{_AMOUNT}\s*(?:-|–|to)\s*{_CURRENCY_BEFORE}?\s*{_AMOUNT}\b",
    re.IGNORECASE,
)
# "Cheap", "affordable", "budget" with no figure: the cheaper end of the kind asked for.
CHEAP = re.compile(
    r"\b(?:cheap|cheapish|inexpensive|affordable|budget(?:-friendly)?|low[- ]cost|low[- ]priced|not too expensive"
    r"|günstige?[nmrs]?|billige?[nmrs]?|preiswerte?[nmrs]?)\b(?!\s*(?:of|is|:))",
    re.IGNORECASE,
)
# "I only have 120 dollars", "can spend $80": money the customer has, with its currency said.
SPEND = re.compile(
    r"\b(?:have|spend|afford|got|pay)\b[^.?!$€£\d]{0,20}"
    rf"(?:{_CURRENCY_BEFORE}\s*{_AMOUNT}|{_AMOUNT}\s*(?:dollars|bucks|usd|euros?|eur|€|pounds)\b)",
    re.IGNORECASE,
)
# "around 50 bucks", "about $80": a price the customer has in mind, a little over it still fits.
AROUND = re.compile(
    rf"\b(?:around|about|roughly|approximately|approx\.?|circa|~)\s*(?:{_CURRENCY_BEFORE}\s*{_AMOUNT}"
    rf"|{_AMOUNT}\s*(?:\$|€|£|dollars|bucks|usd|euros?|eur)\b)",
    re.IGNORECASE,
)
# How far over a price "around" it still fits.
AROUND_MARGIN = Decimal("1.1")
# Words customers use for a category besides its own name; a shop's categories come from its database.
# German is a shop language: its words for each kind, singular and plural (German plurals rarely end in -s), and the
# compounds customers use most ("Regenjacke", "Wanderschuhe").
GERMAN_KINDS: dict[str, tuple[str, ...]] = {
    "jackets": ("jacke", "jacken", "regenjacke", "regenjacken", "daunenjacke", "winterjacke", "mantel"),
    "shoes": ("schuh", "schuhe", "wanderschuh", "wanderschuhe", "stiefel", "wanderstiefel", "laufschuhe", "turnschuhe"),
    "tents": ("zelt", "zelte"),
    "sleeping bags": ("schlafsack", "schlafsäcke", "schlafsacks"),
    "beanies": ("mütze", "mützen", "wintermütze"),
    "gloves": ("handschuh", "handschuhe", "fäustlinge"),
    "backpacks": ("rucksäcke", "tagesrucksack", "wanderrucksack"),
    "water bottles": ("flasche", "flaschen", "trinkflasche", "trinkflaschen", "wasserflasche"),
    "headlamps": ("stirnlampe", "stirnlampen", "taschenlampe"),
    "pants": ("hose", "hosen", "wanderhose", "regenhose"),
    "camping stoves": ("kocher", "campingkocher", "gaskocher"),
    "socks": ("socke", "socken", "wandersocken"),
    "base layers": ("funktionsshirt", "unterhemd", "shirt"),
    "earrings": ("ohrring", "ohrringe"),
    "underwear": ("unterwäsche", "unterhose", "unterhosen"),
    "gift cards": ("gutschein", "geschenkgutschein", "geschenkkarte"),
}
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "jackets": ("jacket", "coat", "parka", "shell", "anorak", "raincoat", *GERMAN_KINDS["jackets"]),
    "shoes": ("shoe", "boot", "sneaker", "trainer", "footwear", "trail runner", *GERMAN_KINDS["shoes"]),
    "tents": ("tent", "shelter", *GERMAN_KINDS["tents"]),
    "sleeping bags": ("sleeping bag", "sleeping-bag", *GERMAN_KINDS["sleeping bags"]),
    "beanies": ("beanie", "hat", "cap", "toque", *GERMAN_KINDS["beanies"]),
    "gloves": ("glove", "mitt", "mitten", *GERMAN_KINDS["gloves"]),
    "backpacks": ("backpack", "daypack", "rucksack", "pack", *GERMAN_KINDS["backpacks"]),
    "water bottles": ("bottle", "flask", *GERMAN_KINDS["water bottles"]),
    "headlamps": ("headlamp", "head torch", "headtorch", "torch", "flashlight", *GERMAN_KINDS["headlamps"]),
    "pants": ("pants", "trousers", "trouser", *GERMAN_KINDS["pants"]),
    "camping stoves": ("stove", *GERMAN_KINDS["camping stoves"]),
    "socks": ("sock", *GERMAN_KINDS["socks"]),
    "base layers": ("base layer", "baselayer", "tee", "t-shirt", "hoodie", "top", *GERMAN_KINDS["base layers"]),
    "earrings": ("earring", *GERMAN_KINDS["earrings"]),
    "underwear": ("underwear", "boxer", "brief", "bralette", *GERMAN_KINDS["underwear"]),
    "gift cards": ("gift card", *GERMAN_KINDS["gift cards"]),
}
# The part of the body a kind of product is worn on ("something warm for my hands"): it names the kind wanted, never
# an item the customer has ("my hands" are not their gloves).
WORN_ON: dict[str, tuple[str, ...]] = {"gloves": ("hands", "fingers"), "beanies": ("ears",)}
# What customers say for a use that the catalog words differently.
USE_WORDS: dict[str, tuple[str, ...]] = {
    "rain": ("rain", "rainy", "wet", "downpour", "storm", "drizzle", "regen", "regenjacke", "regenhose"),
    "kids": ("kid", "kids", "child", "children", "year old", "son", "daughter", "toddler"),
    "winter": ("winter", "cold", "freezing", "snow", "sub-zero", "below zero", "kalt", "kälte", "schnee"),
    "skiing": ("ski", "skiing", "ski touring", "snowboard"),
    "cycling": ("bike", "cycling", "cycle", "bicycle", "ride"),
    "running": ("run", "running", "jog", "jogging"),
    "car camping": ("car camping", "family", "campground"),
    "backpacking": ("backpacking", "thru-hik", "multi-day", "trekking"),
    "commuting": ("commut", "office", "work"),
}
WANTED_FEATURES: dict[str, re.Pattern[str]] = {
    "waterproof": re.compile(r"\bwaterproof\b|\brain\b|\brainy\b|\bwet\b|\bdownpour|\bwasserdicht|\bregen", re.I),
    "rechargeable": re.compile(r"recharg|usb", re.I),
    "down": re.compile(r"\bdown\b(?! to)", re.I),
    "merino": re.compile(r"\bmerino|\bwool\b", re.I),
    "warm": re.compile(r"\bwarm|\binsulated\b|\bwärmend|\bgefüttert", re.I),
    "lightweight": re.compile(r"\blight(?:weight)?\b|\bultralight", re.I),
}


@dataclass
class Question:
    text: str
    aspects: list[str] = field(default_factory=list)
    price: bool = False
    stock: bool = False
    count: bool = False
    options: bool = False
    comparative: tuple[str, bool] | None = None
    recommend: bool = False
    budget: Decimal | None = None
    categories: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    option_values: dict[str, list[str]] = field(default_factory=dict)
    # The coldest night a sleeping bag must handle, in °F ("it gets down to -5°F").
    coldest_f: float | None = None
    # The budget was said as "around $50": it allows a little over, and is said back as the customer said it.
    around: bool = False
    # The least the customer wants to pay ("between $250 and $400").
    budget_min: Decimal | None = None
    # "Cheap", "affordable" with no figure: the cheaper end of the kind asked for.
    cheap: bool = False

    @property
    def asks_a_fact(self) -> bool:
        return bool(self.aspects or self.price or self.stock or self.count or self.options)


def _aspects(text: str) -> list[str]:
    """The facts a question asks for, by their cues; a cue inside another fact's longer cue is that fact's ("down" in
    "how small does it pack down" asks the packed size, not the material)."""
    found = {name: [m.span() for m in cue.finditer(text)] for name, cue in _ASPECT_CUES.items()}
    spans = [(name, span) for name, matches in found.items() for span in matches]

    def inside(name: str, span: tuple[int, int]) -> bool:
        return any(
            other != name and o[0] <= span[0] and span[1] <= o[1] and o[1] - o[0] > span[1] - span[0]
            for other, o in spans
        )

    return [name for name, matches in found.items() if matches and not all(inside(name, s) for s in matches)]


def _words(text: str) -> str:
    # German letters are letters: "Mütze" is one word, not "m tze".
    return " " + re.sub(r"[^a-z0-9äöüß'\-°$ ]+", " ", text.lower()) + " "


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-zäöüß]){re.escape(word)}(?:s|es)?(?![a-zäöüß])")


def _mentions(text: str, word: str) -> bool:
    """Whole word or phrase, singular or plural ("boot" in "boots", "sleeping bag" in "sleeping bags")."""
    # The pattern matches the word as written, so a text without it as a substring cannot match: no regex search.
    return word in text and bool(_word_pattern(word).search(text))


@lru_cache(maxsize=1024)
def _terms(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def _product_text(product: dict[str, Any]) -> str:
    """Everything a product's page says, as one lower-case string (cached on the product's facts)."""
    cached = product.get("_text")
    if cached is None:
        attributes = product.get("attributes") or {}
        parts = [product["name"], product.get("description", ""), " ".join(product.get("tags", []))]
        cached = _words(" ".join([*parts, " ".join(str(v) for v in attributes.values())]))
        product["_text"] = cached
    return str(cached)


@dataclass
class _Vocabulary:
    """What question reading needs of a catalog, computed once per catalog snapshot."""

    categories: list[str]
    uses: list[str]
    # Each option value: its option's name, the value, the value in lower case and its whole-word pattern.
    option_values: list[tuple[str, str, str, re.Pattern[str]]]
    sizes: set[str]
    weak: set[str]
    # Each product with the words of its name, and how many names each word is in.
    names: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    frequency: dict[str, int] = field(default_factory=dict)
    # Two neighbouring words of a name ("sun hoodie") and how many names have them side by side.
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    # The hyphenated words of the names ("roll-top", "half-zip"), in lower case.
    compounds: set[str] = field(default_factory=set)


_vocabularies: dict[int, tuple[Sequence[dict[str, Any]], _Vocabulary]] = {}
_questions: dict[tuple[str, int], Question] = {}


def _vocabulary(catalog: Sequence[dict[str, Any]]) -> _Vocabulary:
    found = _vocabularies.get(id(catalog))
    if found is not None and found[0] is catalog:
        return found[1]
    values = {
        (name, value)
        for product in catalog
        for name, vals in (product.get("options") or {}).items()
        for value in vals
        if len(value) > 1
    }
    vocabulary = _Vocabulary(
        categories=sorted({str(p["category"]) for p in catalog}),
        uses=_catalog_uses(catalog),
        option_values=[
            (name, value, value.lower(), re.compile(rf"(?<![\w]){re.escape(value.lower())}(?![\w])"))
            for name, value in sorted(values)
        ],
        sizes={str(value) for product in catalog for value in (product.get("options") or {}).get("size", [])},
        weak=_weak_terms(catalog),
        names=[(p, [t for t in dict.fromkeys(tokenize(p["name"])) if len(t) > 1 or t.isdigit()]) for p in catalog],
        compounds={w for p in catalog for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", str(p["name"]).lower())},
    )
    for _name, terms in vocabulary.names:
        for term in terms:
            vocabulary.frequency[term] = vocabulary.frequency.get(term, 0) + 1
        for pair in set(itertools.pairwise(terms)):
            vocabulary.pairs[pair] = vocabulary.pairs.get(pair, 0) + 1
    if len(_vocabularies) > 8:
        _vocabularies.clear()
        _questions.clear()
    _vocabularies[id(catalog)] = (catalog, vocabulary)
    return vocabulary


def read_question(text: str, catalog: Sequence[dict[str, Any]] = ()) -> Question:
    """What a question asks (facts, comparison, recommendation) and its constraints, read against the catalog."""
    key = (text, id(catalog))
    if key in _questions and _vocabularies.get(id(catalog), ((),))[0] is catalog:
        return _questions[key]
    q = _read_question(text, catalog)
    if len(_questions) > 2048:
        _questions.clear()
    _questions[key] = q
    return q


def _money(found: str | None) -> Decimal | None:
    return Decimal(found.replace(",", "")) if found else None


def read_budget(text: str) -> tuple[Decimal | None, Decimal | None, bool, list[tuple[int, int]]]:
    """The most and the least the customer will pay, whether the most was said as "around" it, and where in the text
    the money was said.

    Every stated bound is kept: "a tent for 4 people under $500" has its budget after "for 4" (which is not money),
    "between 250 and 400" has a floor too."""
    if ranged := BUDGET_RANGE.search(text):
        figures = [_money(g) for g in ranged.groups() if g]
        if len(figures) == 2 and figures[0] is not None and figures[1] is not None:
            low, high = sorted((figures[0], figures[1]))
            if high > 0:
                return high, low or None, False, [ranged.span()]
    for budget in BUDGET.finditer(text):
        amount = _money(budget.group(1) or budget.group(2)) or Decimal(0)
        said = budget.group(0).lower()
        # "for 5 people", "for 2": a small bare number after "for" is not money.
        money_said = any(mark in said for mark in ("$", "€", "£", "dollar", "euro", "buck", "usd", "eur", "pound"))
        if money_said or amount >= 10 or not said.startswith("for"):
            return (amount if amount > 0 else None), None, False, [budget.span()]
    if spend := SPEND.search(text):
        return _money(spend.group(1) or spend.group(2)) or None, None, False, [spend.span()]
    if around := AROUND.search(text):
        amount = _money(around.group(1) or around.group(2)) or Decimal(0)
        return (amount * AROUND_MARGIN) or None, None, True, [around.span()]
    return None, None, False, []


def _read_question(text: str, catalog: Sequence[dict[str, Any]]) -> Question:
    vocabulary = _vocabulary(catalog)
    q = Question(text=text)
    lowered = _words(text)
    q.aspects = _aspects(text)
    q.price = bool(PRICE.search(text))
    q.stock = bool(STOCK.search(text))
    q.count = bool(COUNT.search(text))
    q.options = bool(OPTIONS.search(text))
    for pattern, measure, smaller in COMPARATIVES:
        if pattern.search(text):
            q.comparative = (measure, smaller)
            break
    if q.comparative is None and DIFFERENCE.search(text):
        # A difference in a measure the question names ("the price difference", "difference in weight"): the same
        # comparison, with the gap said.
        if q.price:
            q.comparative = ("price", True)
        elif "weight" in q.aspects:
            q.comparative = ("weight", True)
    if (
        q.comparative is None
        and COMPARE_ON.search(text)
        and len(q.aspects) == 1
        and q.aspects[0] in NEUTRAL
        and not (q.price or q.stock or q.count or q.options)
    ):
        # "Compare X and Y on waterproofing", "how do X and Y compare for weight?": the comparison on that measure,
        # said the way that measure is usually wanted (the lighter, the warmer, the more waterproof). Only when that
        # measure is all that is asked: "X vs Y, warmth and price?" wants both facts of both, which a comparison on
        # one measure would drop.
        q.comparative = (q.aspects[0], NEUTRAL[q.aspects[0]])
    if q.comparative and q.comparative[0] == "weight":
        q.aspects = [a for a in q.aspects if a != "weight"] + ["weight"]
    q.budget, q.budget_min, q.around, spans = read_budget(text)
    # "Cheap" as a wish, not as a comparison: "the most affordable tent", "welcher ist günstiger?" ask which one costs
    # least (a comparison, answered with the one), not for the cheaper half of a kind.
    q.cheap = q.budget is None and q.comparative is None and bool(CHEAP.search(text))
    q.recommend = bool(RECOMMEND.search(text)) or q.budget is not None or q.cheap
    kinds = _without_name_parts(lowered, vocabulary)
    for category in vocabulary.categories:
        words = (category, category.rstrip("s"), *CATEGORY_WORDS.get(category, ()), *WORN_ON.get(category, ()))
        if any(_mentions(kinds, w) for w in words):
            q.categories.append(category)
    if len(q.categories) > 1:
        # "sleeping bag" also says "bag"; "rain jacket" never means shoes: keep the category named most precisely.
        best = max(
            q.categories,
            key=lambda c: max(
                len(w)
                for w in (c, *CATEGORY_WORDS.get(c, ()), *WORN_ON.get(c, ()))
                if _mentions(kinds, w) or _mentions(kinds, w.rstrip("s"))
            ),
        )
        q.categories = [best]
    q.uses = [use for use, words in USE_WORDS.items() if any(_mentions(lowered, w) for w in words)]
    q.uses += [t for t in vocabulary.uses if _mentions(lowered, t) and t not in q.uses]
    q.features = [name for name, pattern in WANTED_FEATURES.items() if pattern.search(text)]
    if cold := re.search(r"(-?\d+)\s*°?\s*(F|C)\b", text):
        degrees = float(cold.group(1))
        q.coldest_f = degrees if cold.group(2).upper() == "F" else degrees * 9 / 5 + 32
    values: dict[str, set[str]] = {}
    # The budget's figure is money, not an option value: "under $200" does not ask for the $200 gift card.
    lowered_text = text.lower()
    for start, end in spans:
        lowered_text = lowered_text[:start] + " " * (end - start) + lowered_text[end:]
    for name, value, lowered_value, pattern in vocabulary.option_values:
        if lowered_value not in lowered_text:
            continue  # the pattern matches the value as written: a text without it cannot match, no regex search
        # A bare number ("30") is an option value only next to its option's name ("waist 30"), not in "$30".
        if value.isdigit() and not re.search(rf"\b{re.escape(name)}\s*{value}\b", lowered_text):
            continue
        if pattern.search(lowered_text):
            values.setdefault(name, set()).add(value)
    # "For 6 people", "a 3 person tent": the capacity option that holds them, when the shop sells one.
    for people in re.finditer(r"\b(\d{1,2})[\s-]*(?:people|persons?|man)\b", text, re.I):
        for name, value, lowered_value, _pattern in vocabulary.option_values:
            if lowered_value == f"{people.group(1)}-person":
                values.setdefault(name, set()).add(value)
    # "in small", "a large", "size medium": the size by its word, when the shop sells that size.
    if said := _SIZE_WORD.search(text):
        size_value = SIZE_WORDS[said.group("word").lower().replace("-", " ")]
        if size_value in vocabulary.sizes:
            values.setdefault("size", set()).add(size_value)
    if size := re.search(r"\bsize\s+([a-z0-9]{1,3}(?:\s?\d+)?)\b", text, re.I):
        wanted = size.group(1).upper()
        for value in vocabulary.sizes:
            if value.upper() == wanted or value.upper().replace("US ", "") == wanted:
                values.setdefault("size", set()).add(value)
    q.option_values = {name: sorted(vals) for name, vals in values.items()}
    return q


# How long a fact's cue may be to be taken out of the words that name a kind of product.
SHORT_CUE = 15


def _without_name_parts(lowered: str, vocabulary: _Vocabulary) -> str:
    """The question's words that may name a kind of product: without the words that say something else. A word
    joined into a compound of a product's name ("roll-top", "pop-up") is part of that name, not a kind of top; a
    word that asks for a fact ("how small does it pack down") asks, it names no backpack."""
    for compound in vocabulary.compounds:
        if compound in lowered:
            lowered = lowered.replace(compound, " ")
    # Each cue read on the question as it is (one cue's word, "down", may be part of another's, "pack down"); a short
    # cue only: a long one ("use ... on ...") spans the words that may name the kind.
    spans = [m.span() for cue in _ASPECT_CUES.values() for m in cue.finditer(lowered) if len(m.group(0)) <= SHORT_CUE]
    for start, end in spans:
        lowered = lowered[:start] + " " * (end - start) + lowered[end:]
    return lowered


SIZE_WORDS = {
    "extra small": "XS",
    "small": "S",
    "medium": "M",
    "large": "L",
    "extra large": "XL",
    "xx large": "XXL",
    "double extra large": "XXL",
}
_SIZE_WORD = re.compile(
    r"\b(?:(?:in|size)\s+(?:[a-z]+\s+)?|an?\s+|the\s+)(?P<word>extra[- ]small|small|medium|extra[- ]large|xx[- ]large|"
    r"double extra[- ]large|large)\b(?!\s+(?:pack|tent|bag|bottle|group|family|pot)s?\b)",
    re.IGNORECASE,
)


def _catalog_uses(catalog: Sequence[dict[str, Any]]) -> list[str]:
    uses: set[str] = set()
    for product in catalog:
        for use in str((product.get("attributes") or {}).get("use", "")).split(","):
            if use.strip():
                uses.add(use.strip().lower())
    return sorted(uses, key=len, reverse=True)


# --- numbers out of attribute values --------------------------------------------------------------------------------

_QUANTITY = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s*(kg|g|lb|lbs|oz|l|ml|lumens|mm|°f|°c|people|person)\b", re.I)
_RATING = re.compile(r"(\d+)\s*/\s*5")
_TO_GRAMS = {"kg": 1000.0, "g": 1.0, "lb": 453.6, "lbs": 453.6, "oz": 28.35}


def measure(product: dict[str, Any], name: str) -> float | None:
    """A product's value on a comparable scale (grams, litres, lumens, mm, warmth), or None when it has none."""
    attributes = product.get("attributes") or {}
    if name == "price":
        return float(product["price_min"]) if product.get("price_min") is not None else None
    if name == "weight":
        found = _QUANTITY.search(attributes.get("weight", ""))
        if found and found.group(2).lower() in _TO_GRAMS:
            return float(found.group(1).replace(",", "")) * _TO_GRAMS[found.group(2).lower()]
        return None
    if name == "warmth":
        rating = re.search(r"(-?\d+)\s*°\s*F", attributes.get("temperature rating", ""))
        if rating:  # a sleeping bag rated lower keeps you warm in colder nights: map onto "more is warmer"
            return 100.0 - float(rating.group(1))
        found = _RATING.search(attributes.get("warmth", ""))
        return float(found.group(1)) if found else None
    if name == "capacity":
        numbers = [float(m.group(1).replace(",", "")) for m in _QUANTITY.finditer(attributes.get("capacity", ""))]
        numbers += [float(n) for n in re.findall(r"(\d+)\s*(?:or|to)\s*\d+\s*people", attributes.get("capacity", ""))]
        return max(numbers) if numbers else None
    if name == "brightness":
        found = re.search(r"(\d[\d,]*)\s*lumens", attributes.get("brightness", ""))
        return float(found.group(1).replace(",", "")) if found else None
    if name == "waterproof":
        value = attributes.get("waterproof", "").lower()
        rated = re.search(r"(\d[\d,]*)\s*mm", value)
        if rated:
            return float(rated.group(1).replace(",", ""))
        if value.startswith("waterproof"):
            return 1.0
        return 0.0 if value else None
    return None


def _shown(product: dict[str, Any], name: str) -> str:
    """The value a comparison cites, as the catalog prints it."""
    attributes = product.get("attributes") or {}
    if name == "price":
        return str(product["price_range"])
    if name == "warmth":
        return attributes.get("temperature rating") or f"warmth {attributes.get('warmth', '?')}"
    return str(attributes.get(name, ""))


# --- the catalog, cached --------------------------------------------------------------------------------------------


class _Catalog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    def facts(self, db_url: str) -> list[dict[str, Any]]:
        with self._lock:
            cached = self._cache.get(db_url)
            if cached and time.monotonic() - cached[0] < CATALOG_TTL_S:
                return cached[1]
        from sqlalchemy import select

        from knowledge.products import products_facts
        from shop.db import session_scope
        from shop.models import Product

        with session_scope(db_url) as session:
            ids = list(session.scalars(select(Product.id).order_by(Product.id)))
        found = products_facts(db_url, ids)
        with self._lock:
            self._cache[db_url] = (time.monotonic(), found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


_catalog = _Catalog()


def catalog_facts(db_url: str) -> list[dict[str, Any]]:
    """Every product's facts (attributes, options, prices, stock), refreshed every CATALOG_TTL_S."""
    return _catalog.facts(db_url)


def clear_catalog_cache() -> None:
    _catalog.clear()


def product_words(db_url: str) -> frozenset[str]:
    """The words of the shop's product names and categories, lower case, singular and plural ("hiking", "boot",
    "boots"): what a customer's words name when they name a thing the shop sells."""
    return _product_words(tuple((str(p["name"]), str(p.get("category") or "")) for p in catalog_facts(db_url)))


@lru_cache(maxsize=8)
def _product_words(names: tuple[tuple[str, str], ...]) -> frozenset[str]:
    words = {word for pair in names for part in pair for word in re.findall(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*", part.lower())}
    return frozenset(words | {f"{word}s" for word in words} | {word[:-1] for word in words if word.endswith("s")})


# --- answers --------------------------------------------------------------------------------------------------------


@dataclass
class ProductAnswer:
    text: str
    products: list[dict[str, Any]]
    # "facts", "buying" (price, stock or options asked), "sold_out" (the asked product or option can't be bought
    # now), "comparison", "recommendation", "within_budget" (a recommendation within a stated budget), "no_fit"
    kind: str
    # Figures the answer worked out from the products' facts (the gap between two prices): evidence of their own.
    computed: list[str] = field(default_factory=list)

    @property
    def cited(self) -> list[str]:
        return [str(p["id"]) for p in self.products]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


_GENERIC_ASPECT = N_("{label} of the {name}: {value}")
_ASPECT_SENTENCES = {
    "waterproof": N_("{name}: {value}"),
    "material": N_("The {name} is made of {value}"),
    "weight": N_("The {name} weighs {value}"),
    "care": N_("Care for the {name}: {value}"),
    "warmth": N_("Warmth of the {name}: {value}"),
    "temperature rating": N_("The {name} is rated to {value}"),
    "capacity": N_("The {name} holds {value}"),
    "fit": N_("Fit of the {name}: {value}"),
    "compatibility": N_("The {name} works with {value}"),
    "brightness": N_("The {name} gives {value}"),
    "battery": N_("The {name} runs on {value}"),
    "fuel": N_("The {name} burns {value}"),
    "boil time": N_("The {name} boils water in {value}"),
    "insulation": N_("The {name} keeps drinks {value}"),
    "validity": N_("The {name} {value}"),
}


def wanted_options(product: dict[str, Any], q: Question) -> dict[str, list[str]]:
    """The option values of this product the question asks for: the ones it names ("Glacier Blue", "size M"), else
    the ones a word of the question is part of ("gold" for "14k gold vermeil", "blue" for "Glacier Blue"), else the
    shades of a colour it names ("green" for Forest). A value another product has ("Green", a bottle's) is read as
    the colour it says when this product has no such value: the fleece in Forest is green."""
    options: dict[str, list[str]] = product.get("options") or {}
    wanted: dict[str, list[str]] = {}
    for name, values in q.option_values.items():
        if name not in options:
            continue
        own = [str(v) for v in options[name]]
        mapped = [found for value in values for found in (_shades(own, value) if value not in own else [value])]
        wanted[name] = list(dict.fromkeys(mapped or values))
    words = {w for w in re.findall(r"[a-z0-9]+", q.text.lower()) if len(w) >= 3} - _name_words(product)
    for name, values in options.items():
        if name in wanted or len(values) < 2:
            continue
        partial = [v for v in values if words & set(re.findall(r"[a-z0-9]+", str(v).lower()))]
        if not partial and name in _COLOUR_OPTIONS:
            partial = [v for word in words & set(COLOUR_FAMILIES) for v in _shades([str(x) for x in values], word)]
        if partial and len(partial) < len(values):
            wanted[name] = list(dict.fromkeys(partial))
    return wanted


# The options whose values are colours, as catalogs name them.
_COLOUR_OPTIONS = frozenset({"color", "colour", "colors", "colours"})


def _shades(values: Sequence[str], colour: str) -> list[str]:
    """This product's values that are the colour said: by a word of theirs ("Glacier Blue" for blue), else as a shade
    of it ("Cobalt" for blue); none when the word is not a colour or the product has no shade of it."""
    said = colour.lower()
    family = set(COLOUR_FAMILIES.get(said, "").split())
    if not family:
        return []
    words = {v: set(re.split(r"[\s-]+", v.lower())) for v in values}
    return [v for v in values if said in words[v]] or [v for v in values if words[v] & family]


def _name_words(product: dict[str, Any]) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", str(product["name"]).lower()))


def _variants_in_stock(product: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in product.get("variants", []) if v.get("in_stock")]


def _options_text(options: dict[str, Any]) -> str:
    return " / ".join(str(v) for v in options.values()) or "standard"


def _stock_sentence(product: dict[str, Any], q: Question) -> str:
    variants = product.get("variants", [])
    available = _variants_in_stock(product)
    name = product["name"]
    wanted = wanted_options(product, q)
    if wanted:
        matching = [v for v in variants if all(v["options"].get(k) in vals for k, vals in wanted.items())]
        label = " / ".join(", ".join(vals) for vals in wanted.values())
        if not matching:
            # What it does come in instead of a value it lacks, so that the customer can choose.
            options = product.get("options") or {}
            choices = [
                [str(v) for v in options.get(k, [])]
                for k, vals in wanted.items()
                if not set(vals) <= {str(v) for v in options.get(k, [])}
            ]
            listed = "; ".join(_join(values) for values in choices if values)
            if listed:
                return _(
                    "The {name} doesn't come in {label}; it comes in {listed}.", name=name, label=label, listed=listed
                )
            return _("The {name} doesn't come in {label}.", name=name, label=label)
        in_stock = [v for v in matching if v["in_stock"]]
        if len({Decimal(str(v["price"])) for v in in_stock}) > 1:
            # Versions of the values said at different prices: each with what tells it apart, never one price as if
            # it were all of theirs.
            apart = [k for k in product.get("options") or {} if len({str(v["options"].get(k)) for v in in_stock}) > 1]
            versions = _versions_text(in_stock, apart)
            return _("Yes, the {name} in {label} is in stock: {versions}.", name=name, label=label, versions=versions)
        if in_stock:
            price = format_money(Decimal(str(in_stock[0]["price"])))
            return _("Yes, the {name} in {label} is in stock, at {price}.", name=name, label=label, price=price)
        nearby = _nearby(product, wanted)
        if nearby:
            return _(
                "The {name} in {label} is out of stock right now; {nearby}.", name=name, label=label, nearby=nearby
            )
        return _("The {name} in {label} is out of stock right now.", name=name, label=label)
    if not available:
        return _("The {name} is out of stock right now.", name=name)
    if len(variants) == 1:
        return _("The {name} is in stock.", name=name)
    if len(available) == len(variants):
        return ngettext(
            "Yes, the {count} version of the {name} is in stock.",
            "Yes, all {count} versions of the {name} are in stock.",
            len(variants),
            name=name,
        )
    return ngettext(
        "Yes, {available} of the {count} version of the {name} is in stock right now.",
        "Yes, {available} of the {count} versions of the {name} are in stock right now.",
        len(variants),
        available=len(available),
        name=name,
    )


# The option a question asks about by its name ("which sizes", "what colours"), as catalogs name options.
_OPTION_WORDS: dict[str, re.Pattern[str]] = {
    "size": re.compile(r"\bsizes?\b", re.I),
    "color": re.compile(r"\bcolou?rs?\b", re.I),
    "length": re.compile(r"\blengths?\b", re.I),
    "capacity": re.compile(r"\bcapacit(?:y|ies)\b|\bvolumes?\b", re.I),
    "volume": re.compile(r"\bvolumes?\b|\bsizes?\b", re.I),
    "waist": re.compile(r"\bwaists?\b|\bsizes?\b", re.I),
    "metal": re.compile(r"\bmetals?\b|\bfinish(?:es)?\b", re.I),
    "amount": re.compile(r"\bamounts?\b|\bvalues?\b", re.I),
    "pot size": re.compile(r"\bsizes?\b", re.I),
}


def asked_option(product: dict[str, Any], q: Question) -> str | None:
    """The option whose values the question asks for ("which sizes are left?"): one the product has."""
    options = product.get("options") or {}
    named = [name for name in options if (cue := _OPTION_WORDS.get(name)) and cue.search(q.text)]
    # "What colours ... in size S?": the option given a value is a filter; the other one is asked.
    given = wanted_options(product, q)
    return next((name for name in named if name not in given), None)


def _join(values: Sequence[str], conjunction: str = "and") -> str:
    """Values as a sentence lists them, in the speaker's language ("a, b and c"; "a or b")."""
    if len(values) <= 1:
        return "".join(values)
    head, last = ", ".join(values[:-1]), values[-1]
    if conjunction == "or":
        return _("{items} or {last}", items=head, last=last)
    return _("{items} and {last}", items=head, last=last)


def _sold_out(values: Sequence[str]) -> str:
    """ "Black is sold out right now", "Black and Navy are sold out right now"."""
    return ngettext("{items} is sold out right now", "{items} are sold out right now", len(values), items=_join(values))


# How the values of an option are counted in a sentence, by the option's name.
_OPTION_PLURALS = {
    "color": N_("colours"),
    "size": N_("sizes"),
    "capacity": N_("capacities"),
    "length": N_("lengths"),
}


def _values_sentence(product: dict[str, Any], q: Question, option: str) -> str:
    """Which values of one option can be bought now, within the other options asked ("in White"), and which are
    sold out: counted on the variants, not on the option lists."""
    wanted = {k: v for k, v in wanted_options(product, q).items() if k != option}
    variants = [
        v for v in product.get("variants", []) if all(v["options"].get(k) in vals for k, vals in wanted.items())
    ]
    values = [str(v) for v in (product.get("options") or {}).get(option, [])]
    available = [x for x in values if any(v["in_stock"] and str(v["options"].get(option)) == x for v in variants)]
    sold_out = [x for x in values if x not in available and any(str(v["options"].get(option)) == x for v in variants)]
    label = " / ".join(", ".join(vals) for vals in wanted.values())
    name = _("{name} in {label}", name=product["name"], label=label) if wanted else product["name"]
    word = _(_OPTION_PLURALS[option]) if option in _OPTION_PLURALS else _("{option} options", option=option)
    if not available:
        return _("The {name} is sold out in every {option} right now.", name=name, option=option)
    if sold_out:
        return _(
            "The {name} is in stock in {available}; {sold_out}.",
            name=name,
            available=_join(available),
            sold_out=_sold_out(sold_out),
        )
    if len(available) > 1:
        return _(
            "The {name} is in stock in {available} (all {count} {word}).",
            name=name,
            available=_join(available),
            count=len(available),
            word=word,
        )
    return _("The {name} is in stock in {available}.", name=name, available=_join(available))


COMBINATIONS = re.compile(r"\b(?:variants?|versions?|combos?|combinations?|options?|kinds?|models?)\b", re.I)


def _named_options(product: dict[str, Any], q: Question) -> list[str]:
    """The product's options the question names ("colours and sizes")."""
    text = q.text.lower()
    return [name for name in (product.get("options") or {}) if name in text or (name == "color" and "colour" in text)]


def _option_count_sentence(product: dict[str, Any], option: str, *, in_stock_only: bool = False) -> str:
    values = [str(v) for v in (product.get("options") or {}).get(option, [])]
    in_stock = {str(v) for v in (product.get("in_stock_options") or {}).get(option, [])}
    word = _(_OPTION_PLURALS[option]) if option in _OPTION_PLURALS else option
    gone = [v for v in values if v not in in_stock]
    fields = {"name": product["name"], "count": len(values), "word": word, "values": _join(values)}
    if in_stock_only and gone and len(gone) < len(values):
        buyable = [v for v in values if v in in_stock]
        return _(
            "You can buy the {name} in {available} of its {count} {word} right now: {listed} ({sold_out}).",
            available=len(buyable),
            listed=_join(buyable),
            sold_out=_sold_out(gone),
            **{k: v for k, v in fields.items() if k != "values"},
        )
    if gone:
        return _("The {name} comes in {count} {word}: {values} ({sold_out}).", sold_out=_sold_out(gone), **fields)
    return _("The {name} comes in {count} {word}: {values}.", **fields)


def _nearby(product: dict[str, Any], wanted: dict[str, list[str]]) -> str:
    """What can be bought next to a sold-out choice, keeping one of its options ("in Black: S, M and XL")."""
    available = _variants_in_stock(product)
    found = []
    for name, values in wanted.items():
        others = [k for k in (product.get("options") or {}) if k != name]
        if not others:
            continue
        kept = [v for v in available if v["options"].get(name) in values]
        listed = list(dict.fromkeys(" / ".join(str(v["options"][k]) for k in others) for v in kept))
        if listed:
            found.append(_("in {values} it is in stock in {listed}", values=", ".join(values), listed=_join(listed)))
    if not found and available:
        examples = ", ".join(_options_text(v["options"]) for v in available[:3])
        found.append(_("in stock are, for example, {examples}", examples=examples))
    return "; ".join(found)


def _count_sentence(product: dict[str, Any]) -> str:
    variants = product.get("variants", [])
    available = _variants_in_stock(product)
    options = product.get("options") or {}
    what = " and ".join(options) if options else "version"
    listed = ", ".join(_options_text(v["options"]) for v in available[:6])
    if len(available) > 6:
        listed = ngettext("{items} and {count} more", "{items} and {count} more", len(available) - 6, items=listed)
    fields = {"available": len(available), "count": len(variants), "what": what, "name": product["name"]}
    if available:
        return _(
            "You can buy {available} of the {count} {what} combinations of the {name} right now: {listed}.",
            listed=listed,
            **fields,
        )
    return _("You can buy {available} of the {count} {what} combinations of the {name} right now.", **fields)


def _options_sentence(product: dict[str, Any], q: Question) -> str:
    options = product.get("options") or {}
    text = q.text.lower()
    asked = [name for name in options if name in text or (name == "color" and "colour" in text)]
    if "capacit" in text and "capacity" in options:
        asked = ["capacity"]
    shown = {name: options[name] for name in (asked or list(options))}
    listed = "; ".join(f"{name}: {', '.join(values)}" for name, values in shown.items())
    in_stock: dict[str, list[str]] = product.get("in_stock_options") or {}
    gone = [str(v) for name in shown for v in shown[name] if name in in_stock and v not in in_stock[name]]
    if gone:
        return _(
            "The {name} comes in {listed} ({sold_out}).", name=product["name"], listed=listed, sold_out=_sold_out(gone)
        )
    return _("The {name} comes in {listed}.", name=product["name"], listed=listed)


def _price_sentence(product: dict[str, Any], q: Question) -> str:
    wanted = wanted_options(product, q)
    if wanted:
        return _price_of_versions(product, wanted)
    if q.budget is not None and product.get("price_min") != product.get("price_max"):
        # A budget said of a product whose versions cost different amounts: the versions within it, not the whole
        # range (whose low end would look like the price of all of them).
        return _price_within_budget(product, q)
    return _("The {name} costs {price}.", name=product["name"], price=product["price_range"])


# At most this many versions are listed with their prices: the ones said fit, or the closest to them.
_VERSIONS_LISTED = 3


def _price_of_versions(product: dict[str, Any], wanted: dict[str, list[str]]) -> str:
    """The price of the versions that have EVERY value asked for ("the white glass one" is white and glass, never a
    white wooden one), among those one can buy. When they differ in price, each is listed with what tells it apart;
    when none has all the values, it is said, and the versions closest to them (most values asked) are offered."""
    variants = [v for v in product.get("variants", []) if v.get("available", True)]
    label = ", ".join(v for vals in wanted.values() for v in vals)

    def fits(variant: dict[str, Any]) -> int:
        return sum(variant["options"].get(k) in vals for k, vals in wanted.items())

    fitting = [v for v in variants if fits(v) == len(wanted)]
    if fitting:
        prices = {Decimal(str(v["price"])) for v in fitting}
        if len(prices) == 1:
            return _(
                "The {name} ({label}) costs {price}.",
                name=product["name"],
                label=label,
                price=format_money(min(prices)),
            )
        # The options that tell the fitting versions apart ("5 ft", "6 ft"): what the customer still chooses.
        apart = [k for k in product.get("options") or {} if len({str(v["options"].get(k)) for v in fitting}) > 1]
        return _(
            "The {name} ({label}) comes in several versions: {versions}.",
            name=product["name"],
            label=label,
            versions=_versions_text(fitting, apart),
        )
    closest = sorted((v for v in variants if fits(v)), key=lambda v: (-fits(v), Decimal(str(v["price"]))))
    if not closest:
        return _("The {name} doesn't come in {label}.", name=product["name"], label=label)
    return _(
        "The {name} does not come in {label} together. Closest: {versions}.",
        name=product["name"],
        label=label,
        versions=_versions_text(closest[:_VERSIONS_LISTED], list(product.get("options") or {})),
    )


def _versions_text(variants: list[dict[str, Any]], options: list[str]) -> str:
    """Versions by the options named and their prices, cheapest first: "5 ft at $504.65; 6 ft at $531.57"."""
    ordered = sorted(variants, key=lambda v: Decimal(str(v["price"])))
    return "; ".join(
        _(
            "{options} at {price}",
            options=", ".join(str(v["options"].get(k)) for k in options if v["options"].get(k) is not None),
            price=format_money(Decimal(str(v["price"]))),
        )
        for v in ordered
    )


def _price_within_budget(product: dict[str, Any], q: Question) -> str:
    variants = product.get("variants", [])
    fitting = [v for v in variants if within_budget(Decimal(str(v["price"])), q)]
    if not fitting:
        cheapest = min(Decimal(str(v["price"])) for v in variants)
        return _(
            "The {name} starts at {price}, over your budget of {budget}.",
            name=product["name"],
            price=format_money(cheapest),
            budget=_budget_said(q),
        )
    # The options that tell the versions within the budget from the others ("500 ml").
    values = {
        name: sorted({str(v["options"].get(name)) for v in fitting})
        for name in (product.get("options") or {})
        if {v["options"].get(name) for v in fitting} != {v["options"].get(name) for v in variants}
    }
    label = ", ".join(value for vals in values.values() for value in vals)
    price = min(Decimal(str(v["price"])) for v in fitting)
    name = _("{name} in {label}", name=product["name"], label=label) if label else product["name"]
    return _(
        "Within your budget of {budget}: the {name} at {price}; the other versions cost more.",
        budget=_budget_said(q),
        name=name,
        price=format_money(price),
    )


def _description_sentence(product: dict[str, Any], q: Question, embedder: Any | None) -> tuple[str, float]:
    """The description's sentence closest to the question and its similarity (MiniLM when given, else 0)."""
    # Split as knowledge.answer splits passages, so the server's warm-up (prepare_quotes) has embedded them.
    sentences = split_sentences(product.get("description", "").strip())
    if not sentences or not q.text:
        return "", 0.0
    if embedder is not None:
        vectors = embedder.embed([q.text, *sentences])
        scores = [float(x) for x in vectors[1:] @ vectors[0]]
    else:
        terms = set(tokenize(q.text))
        scores = [0.1 * len(terms & set(tokenize(s))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: scores[i])
    return sentences[best], scores[best]


def _without_name(text: str, name: str) -> str:
    """The question without the words that only say the product's name: two or more of its words in their order
    ("the Alpenglow Down Parka", "the down parka"). A name's "Down" or "Waterproof" says which product, not which
    fact is asked; "is the Ridgeback waterproof?" still asks whether it is."""
    for pattern in _name_phrases(name):
        text = pattern.sub(" ", text)
    return text


@lru_cache(maxsize=1024)
def _name_phrases(name: str) -> tuple[re.Pattern[str], ...]:
    """The runs of two or more words of a product's name, longest first, compiled once per name."""
    words = re.findall(r"[\w°'-]+", name.lower())
    patterns = []
    for length in range(len(words), 1, -1):
        for start in range(len(words) - length + 1):
            phrase = r"\W+".join(re.escape(w) for w in words[start : start + length])
            patterns.append(re.compile(rf"(?<![\w-]){phrase}(?![\w-])", re.IGNORECASE))
    return tuple(patterns)


def _asked_outside_name(product: dict[str, Any], q: Question) -> list[str]:
    rest = _without_name(q.text, str(product["name"]))
    return [aspect for aspect in q.aspects if _ASPECT_CUES[aspect].search(rest)]


def asked_aspects(product: dict[str, Any], q: Question) -> list[str]:
    """The facts the question asks of this product, read outside its name."""
    if not q.aspects:
        return []
    outside = _asked_outside_name(product, q)
    if outside or q.price or q.stock or q.count or q.options:
        return outside
    # Nothing else asked ("what does the Trail Filter Bottle remove?"): the name's word is the only clue there is.
    return list(q.aspects)


def names_product_or_kind(
    question: str, catalog: Sequence[dict[str, Any]], general: frozenset[str] = frozenset()
) -> bool:
    """Whether a question names one of the shop's products by its own name, or a kind of product the shop sells
    ("which of your headlamps is brightest?", "any gloves I can use my phone with?"): clear enough to answer."""
    if not catalog:
        return False
    return name_products(question, catalog, general).strong or bool(read_categories(question, catalog))


def mentions_catalog(db_url: str | None, question: str) -> bool:
    """Whether a question names a product of the shop (by its name, as ``knowledge.products.find_products`` finds
    them) or a kind of product it sells."""
    from knowledge.catalog import sqlite_file_missing
    from knowledge.products import find_products

    if not db_url or sqlite_file_missing(db_url):
        return False
    return bool(find_products(db_url, question)) or names_product_or_kind(question, catalog_facts(db_url))


# "Can I order the Stormline in XL?" buys: the verb is not a question about an order.
_BUYING_ORDER = re.compile(r"\b(?:can|could|may|to|want to|like to)\s+(?:i\s+|we\s+)?order\b", re.IGNORECASE)


# "if it doesn't fit", "in case the colour is off": a condition of what is asked, up to its comma or the end.
_CONDITION = re.compile(r"\b(?:if|in case|unless)\b[^,;?!.]*", re.IGNORECASE)


def asked_outside_condition(question: str, catalog: Sequence[dict[str, Any]]) -> bool:
    """Whether a question asks a product fact outside its conditions: "can I return it if it doesn't fit?" names the
    fit only as the condition of a return, which the policy answers; "how does it fit?" asks it."""
    stripped = _CONDITION.sub(" ", question)
    return read_question(stripped if stripped.strip() else question, catalog).asks_a_fact


def asks_policy(question: str) -> bool:
    """Whether a question speaks of the shop's rules or an order (returns, shipping, warranty...), not of buying; in
    the customer's words for them too ("swap a jacket for another size" is an exchange)."""
    from knowledge.answer import in_shop_words
    from knowledge.glossary import in_document_language

    # ... in German too ("Garantie", "Rücksendung"): its words for the rules read in the documents' language.
    return bool(POLICY.search(_BUYING_ORDER.sub(" ", in_shop_words(in_document_language(question)))))


def shopping_intent(question: str, catalog: Sequence[dict[str, Any]], general: frozenset[str] = frozenset()) -> str:
    """The product intent of a question that names one of the shop's products by its own name and asks about it
    ("Stormline rain pants - can I pull them on over my boots?"), or asks for a kind of product the shop sells
    ("I'm after a pair of waterproof pants"), with nothing of an order, a policy or the customer's own item in it;
    "" for any other. For a reading of the need that is unsure of itself."""
    if not catalog or asks_policy(question):
        return ""
    q = read_question(question, catalog)
    if owns(question, q):
        return ""
    if q.recommend and q.categories:
        return "product_recommendation"
    named = name_products(question, catalog, general)
    # "is the down parka warm?": one product fits what it is called, and a fact of it is asked.
    return "product_question" if named.strong or (len(named.products) == 1 and q.asks_a_fact) else ""


def sold_out(product: dict[str, Any], q: Question) -> bool:
    """Whether what the question asks to buy (the product, or the option values it names) can't be bought now."""
    wanted = wanted_options(product, q)
    if not (q.stock or wanted):
        return False
    variants = [
        v for v in product.get("variants", []) if all(v["options"].get(k) in vals for k, vals in wanted.items())
    ]
    return not any(v.get("in_stock") for v in variants)


def describe_product(product: dict[str, Any], q: Question, embedder: Any | None = None) -> str:
    """What this question asks about one product, from its facts; a short profile when it asks nothing specific."""
    attributes = product.get("attributes") or {}
    name = product["name"]
    parts: list[str] = []
    aspects = asked_aspects(product, q)
    for aspect in aspects:
        value = attributes.get(aspect)
        if aspect == "warmth" and not value and attributes.get("temperature rating"):
            aspect, value = "temperature rating", attributes["temperature rating"]
        if aspect == "material" and not value:
            continue
        if not value:
            continue
        template = _ASPECT_SENTENCES.get(aspect, _GENERIC_ASPECT)
        sentence = _sentence(_(template, name=name, value=value, label=aspect.capitalize()))
        if sentence not in parts:
            parts.append(sentence)
    quoted, similarity = _description_sentence(product, q, embedder)
    # The description joins when the attributes are silent, or when it is close to the question and says
    # something the attribute sentences don't ("does it still insulate when wet?": "stays warm even when damp").
    said = set(tokenize(" ".join(parts)))
    new = set(tokenize(quoted)) - said - set(tokenize(name)) - _GENERIC_NAME_WORDS
    only_named = bool(aspects) and not _asked_outside_name(product, q)
    if quoted and only_named and similarity >= NAMED_ONLY_SIMILARITY and len(new) >= 2:
        # The question asks nothing the facts are named for ("Stormline Rain Pants: can I pull them on over my
        # boots?": "rain" is the name's): the description's sentence that comes closest answers, first.
        parts.insert(0, _("About the {name}: {quoted}", name=name, quoted=quoted))
    elif quoted and aspects and (not parts or (similarity >= DESCRIPTION_SIMILARITY and len(new) >= 2)):
        parts.append(_("About the {name}: {quoted}", name=name, quoted=quoted))
    option = asked_option(product, q) if q.options else None
    if q.count and option and not COMBINATIONS.search(q.text) and len(_named_options(product, q)) < 2:
        # "How many colours does it come in?": the values of that option, not the size-and-colour combinations;
        # "how many colours are in stock?": those of them one can buy. (Two options named, "how many colours and
        # sizes can I buy?", count the combinations one can buy, below.)
        parts.append(_option_count_sentence(product, option, in_stock_only=q.stock))
    elif q.count and not q.stock and not COMBINATIONS.search(q.text) and len(named := _named_options(product, q)) > 1:
        # "How many sizes and colours does it come in?": each option's values.
        parts += [_option_count_sentence(product, name) for name in named]
    elif q.count:
        parts.append(_count_sentence(product))
    elif option and (q.stock or wanted_options(product, q)):
        # "Which sizes are left in Cobalt?", "what colours does it come in, in XL?": the values of that option one
        # can buy (within the other option named), not a yes or no.
        parts.append(_values_sentence(product, q, option))
    elif q.stock or (wanted_options(product, q) and not q.price):
        parts.append(_stock_sentence(product, q))
    if q.options and not q.count and not q.stock and not wanted_options(product, q):
        parts.append(_options_sentence(product, q))
    if q.price:
        parts.append(_price_sentence(product, q))
    if not parts:
        summary = _sentence(product.get("description", "").split(". ")[0]) if product.get("description") else ""
        parts.append(_("The {name}: {summary}", name=name, summary=summary) if summary else _("The {name}.", name=name))
        parts.append(_("It costs {price}.", price=product["price_range"]))
        parts.append(_stock_sentence(product, Question(text="")))
    if product.get("final_sale") and (q.stock or q.price or not q.asks_a_fact):
        parts.append(_("It is final sale, so it can't be returned or exchanged."))
    return " ".join(parts)


def compare(products: Sequence[dict[str, Any]], q: Question) -> ProductAnswer | None:
    assert q.comparative is not None
    name, smaller_wins = q.comparative
    valued = [(measure(p, name), p) for p in products]
    known = [(v, p) for v, p in valued if v is not None]
    if len(known) < 2:
        return None
    known.sort(key=lambda item: item[0] if smaller_wins else -item[0])
    best_value, best = known[0]
    ties = [p for v, p in known if v == best_value]
    word, superlative = _COMPARATIVES.get((name, smaller_wins), _BETTER_FIT)
    if len(ties) > 1:
        listed = _join([_("the {name} ({value})", name=p["name"], value=_shown(p, name)) for p in ties])
        return ProductAnswer(
            _("They are the same on that: {listed}.", listed=listed), [p for _, p in known], "comparison"
        )
    others = "; ".join(
        _("the {name}: {value}", name=p["name"], value=_shown(p, name)) for _value, p in known[1 : 1 + MAX_LISTED]
    )
    if len(known) == 2:
        second = known[1][1]
        gap = _gap(best, second, name)
        facts = {
            "name": best["name"],
            "comparison": _(word),
            "value": _shown(best, name),
            "other_value": _shown(second, name),
            "other": second["name"],
        }
        text = (
            _(
                "The {name} is {comparison}: {value}, against {other_value} for the {other}, a difference of {gap}.",
                gap=gap,
                **facts,
            )
            if gap
            else _("The {name} is {comparison}: {value}, against {other_value} for the {other}.", **facts)
        )
        computed = [f"{name} difference between {best['name']} and {second['name']}: {gap}"] if gap else []
        return ProductAnswer(text, [p for _, p in known[:2]], "comparison", computed)
    text = _(
        "The {superlative} is the {name} ({value}); then {others}.",
        superlative=_(superlative),
        name=best["name"],
        value=_shown(best, name),
        others=others,
    )
    return ProductAnswer(text, [p for _, p in known[: 1 + MAX_LISTED]], "comparison")


# What a comparison says of the winner, and of the first of several, per measure and direction.
_COMPARATIVES: dict[tuple[str, bool], tuple[str, str]] = {
    ("weight", True): (N_("lighter"), N_("lightest")),
    ("weight", False): (N_("heavier"), N_("heaviest")),
    ("warmth", False): (N_("warmer"), N_("warmest")),
    ("price", True): (N_("cheaper"), N_("cheapest")),
    ("price", False): (N_("more expensive"), N_("most expensive")),
    ("capacity", False): (N_("bigger"), N_("biggest")),
    ("capacity", True): (N_("smaller"), N_("smallest")),
    ("brightness", False): (N_("brighter"), N_("brightest")),
    ("waterproof", False): (N_("more waterproof"), N_("most waterproof")),
}
_BETTER_FIT = (N_("the better fit"), N_("best fit"))


def _gap(first: dict[str, Any], second: dict[str, Any], name: str) -> str:
    """How far apart two products are on a price or a weight, when each has one value (not a range of variants)."""
    if name == "price":
        if first.get("price_min") != first.get("price_max") or second.get("price_min") != second.get("price_max"):
            return ""
        return f"${abs(Decimal(str(first['price_min'])) - Decimal(str(second['price_min']))):,.2f}"
    if name == "weight":
        values = [_QUANTITY.findall((p.get("attributes") or {}).get("weight", "")) for p in (first, second)]
        if any(len(found) != 1 for found in values):
            return ""
        grams = [measure(p, "weight") or 0.0 for p in (first, second)]
        return f"{abs(grams[0] - grams[1]):,.0f} g"
    return ""


def _relevance(product: dict[str, Any], q: Question, weak: set[str] | frozenset[str] = frozenset()) -> float:
    """How well a product fits the uses and features the customer named (0 when they named none)."""
    attributes = product.get("attributes") or {}
    uses = [u.strip().lower() for u in attributes.get("use", "").split(",") if u.strip()]
    text = _product_text(product)
    score = 0.0
    for use in q.uses:
        if any(_mentions(_words(u), use) or use in u for u in uses):
            score += 2.0
        elif _mentions(text, use):
            score += 1.0
    # Other words of the question the product's text has ("my laptop") count a little.
    extra = _terms(q.text) - weak - _GENERIC_NAME_WORDS
    score += 0.5 * len(extra & _terms(text))
    for feature in q.features:
        if feature == "waterproof":
            score += 2.0 if (measure(product, "waterproof") or 0) >= 1 else -1.0
        elif feature == "warm":
            # Warm clothing has a warmth rating; an insulated bottle keeps things warm by its insulation.
            score += (measure(product, "warmth") or 0) / 2 + (1.0 if attributes.get("insulation") else 0.0)
        elif feature == "lightweight":
            weight = measure(product, "weight")
            score += 1.0 if weight is not None and weight < 1000 else 0.0
        elif _mentions(text, feature):
            score += 2.0
    return score


def _states_other(product: dict[str, Any], q: Question) -> bool:
    """The product has no option for an asked value but its facts state another one: a tent "for 2 people" with no
    capacity option is not a 6-person tent."""
    options = product.get("options") or {}
    attributes = product.get("attributes") or {}
    for name, values in q.option_values.items():
        stated = str(attributes.get(name) or "")
        numbers = {n for value in values for n in re.findall(r"\d+", value)}
        if name not in options and stated and numbers and not numbers & set(re.findall(r"\d+", stated)):
            return True
    return False


def _fits_options(product: dict[str, Any], q: Question) -> list[dict[str, Any]]:
    if _states_other(product, q):
        return []
    wanted = wanted_options(product, q)
    return [
        v
        for v in _variants_in_stock(product)
        if all(v["options"].get(k) in vals for k, vals in wanted.items()) and within_budget(Decimal(str(v["price"])), q)
    ]


def within_budget(price: Decimal, q: Question) -> bool:
    """The price is one the customer said they would pay (at most the budget, at least its floor)."""
    return (q.budget is None or price <= q.budget) and (q.budget_min is None or price >= q.budget_min)


def _affordable(product: dict[str, Any], q: Question) -> list[dict[str, Any]]:
    """The product's variants in stock at a price the customer said they would pay (options aside)."""
    return [v for v in _variants_in_stock(product) if within_budget(Decimal(str(v["price"])), q)]


def _cheaper_half(products: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """ "Cheap" with no figure: the products priced at or below the middle price of those asked about."""
    prices = sorted(Decimal(str(p.get("price_min") or 0)) for p in products)
    if not prices:
        return []
    middle = prices[(len(prices) - 1) // 2]
    return [p for p in products if Decimal(str(p.get("price_min") or 0)) <= middle]


# Properties a product either has or lacks (a filter, insulation, a battery, a drop): asked for in a recommendation,
# they are a constraint. Not the ones every product states with a value that may be "no" ("not waterproof") or a
# degree (weight, warmth).
PRESENCE_ASPECTS = frozenset({"insulation", "filter", "battery", "compatibility", "brightness", "boil time", "drop"})


def recommend(catalog: Sequence[dict[str, Any]], q: Question, hits: dict[str, float] | None = None) -> ProductAnswer:
    """Products that meet every stated constraint, best fit first; or why nothing does, and the closest."""
    hits = hits or {}
    pool = [p for p in catalog if not q.categories or p["category"] in q.categories]
    if not pool:
        pool = list(catalog)

    weak = _vocabulary(catalog).weak

    def fit(product: dict[str, Any]) -> float:
        return _relevance(product, q, weak) + 2.0 * hits.get(str(product["product_id"]), 0.0)

    relevant = [p for p in pool if not (q.uses or q.features) or _relevance(p, q, weak) > 0]
    # Nothing of the kind is made for the asked use ("a jacket for skiing"): the closest are offered as such.
    unmatched = not relevant and bool(q.uses or q.features)
    if not relevant:
        relevant = pool
    for aspect in q.aspects:
        if aspect not in PRESENCE_ASPECTS:
            continue
        # "A bottle that keeps my coffee hot": only the products that have the asked property (insulation) fit.
        having = [p for p in relevant if (p.get("attributes") or {}).get(aspect)]
        if having:
            relevant = having
    if "warm" in q.features and q.coldest_f is None:
        # "A warm hat": a product rated 1 or 2 of 5 for warmth is not warm, whatever else fits.
        scored = [p for p in relevant if _RATING.search((p.get("attributes") or {}).get("warmth", ""))]
        warm = [p for p in scored if (measure(p, "warmth") or 0) >= WARM_ENOUGH]
        # Only while something warm meets the rest (budget, size, colour); else the closest is what fits the rest.
        if any(_fits_options(p, q) for p in warm):
            relevant = [p for p in relevant if p not in scored or p in warm]
    if q.coldest_f is not None:
        rated = [p for p in relevant if _rating_f(p) is not None]
        if rated:
            warm_enough = [p for p in rated if (_rating_f(p) or 0.0) <= (q.coldest_f or 0.0)]
            relevant = warm_enough or sorted(rated, key=lambda p: _rating_f(p) or 0.0)[:1]
    if q.cheap:
        # "Cheap headlamps": the cheaper half of what else fits, cheapest first.
        relevant = _cheaper_half([p for p in relevant if _fits_options(p, q)]) or relevant
    fitting = [(fit(p), p) for p in relevant if _fits_options(p, q)]
    fitting.sort(key=lambda item: (-item[0], measure(item[1], "price") or 0))
    if q.cheap:
        fitting.sort(key=lambda item: measure(item[1], "price") or 0)
    if fitting:
        best = max(score for score, _ in fitting)
        top = [p for score, p in fitting if score >= best - 1.0][:MAX_LISTED]
        lines = []
        for product in top:
            variants = _fits_options(product, q)
            price = min(Decimal(str(v["price"])) for v in variants)
            why = _why(product, q)
            money = format_money(price)
            lines.append(
                _("- **{name}**, {price}: {why}", name=product["name"], price=money, why=why)
                if why
                else _("- **{name}**, {price}", name=product["name"], price=money)
            )
        said = _constraints(q)
        if unmatched:
            kinds = _join(q.categories, "or") or _("products")
            wanted = _join([*q.uses, *q.features])
            intro = _(
                "None of our {kinds} is made for {wanted} as such; these come closest:", kinds=kinds, wanted=wanted
            )
            return ProductAnswer(f"{intro}\n" + "\n".join(lines), top, "no_fit")
        if said:
            intro = (
                _("Here is what fits {constraints}:", constraints=said)
                if len(top) > 1
                else _("This one fits {constraints}:", constraints=said)
            )
        else:
            intro = _("Here is what fits:") if len(top) > 1 else _("This one fits:")
        # A stated budget is all the customer means to spend: no add-ons suggested after it ("within_budget").
        kind = "within_budget" if q.budget is not None or q.cheap else "recommendation"
        return ProductAnswer(f"{intro}\n" + "\n".join(lines), top, kind)
    # Nothing meets everything: say which constraint fails and offer the closest. Within a budget, the closest is one
    # the customer can pay for that has something of what they want (water-resistant for a waterproof wish); when
    # nothing within the budget has, or nothing of the kind is within it, the customer hears that plainly, and the
    # closest of the kind that has what they want is offered marked as over their budget (issue #17: a shopper
    # would rather see what the budget misses than a dead end).
    ranked = sorted(relevant, key=lambda p: (-fit(p), _distance(p, q)))
    closest = min(ranked[:5], key=lambda p: _distance(p, q)) if ranked else None
    beyond = ""
    if q.budget is not None or q.budget_min is not None:
        affordable = [p for p in relevant if _affordable(p, q)]
        # A use the kind has products for ("a backpacking tent") is not traded for the budget: a beach shelter within
        # it is no closest backpacking tent; the one made for it, over the budget, is.
        for_the_use = bool(q.uses) and not unmatched and not affordable
        affordable = affordable or ([] if for_the_use else [p for p in pool if _affordable(p, q)])
        partial = [p for p in affordable if not _lacks_a_wish(p, q)]
        closest = max(partial, key=lambda p: (fit(p), _closeness(p, q), -_distance(p, q))) if partial else None
        if closest is None:
            kinds = _join(q.categories, "or") or _("products")
            wished = _join(q.features) if affordable else ""
            budget = _budget_said(q)
            beyond = " " + (
                _("None of our {kinds} within {budget} is {wished}.", kinds=kinds, budget=budget, wished=wished)
                if wished
                else _(
                    "None of our {kinds} for {uses} is priced within {budget}.",
                    kinds=kinds,
                    uses=_join(q.uses, "or"),
                    budget=budget,
                )
                if for_the_use
                else _("None of our {kinds} is priced within {budget}.", kinds=kinds, budget=budget)
            )
            # Over the budget, the closest is the least over it.
            over = [p for p in ranked if not _lacks_a_wish(p, q) and _variants_in_stock(p)] if q.categories else []
            closest = min(over, key=lambda p: _distance(p, q)) if over else None
            if closest is None:
                beyond += " " + _("If a higher budget works for you, tell me how much and I'll look again.")
    said = _constraints(q)
    text = (
        _("I'm sorry, nothing in our shop fits {constraints} right now.", constraints=said)
        if said
        else _("I'm sorry, nothing in our shop fits all of that right now.")
    ) + beyond
    products: list[dict[str, Any]] = []
    if closest is not None:
        why = _why(closest, q)
        # The price of what the customer can pay for, not the product's whole range.
        paid = _affordable(closest, q)
        over_budget = q.budget is not None and not paid
        # Over the budget, its lowest price: the least it would take.
        shown = format_money(min(Decimal(str(v["price"])) for v in (paid or closest.get("variants") or [])))
        shown = shown if paid or over_budget else str(closest["price_range"])
        # What the reason in brackets already says is not said again as a miss.
        misses = _join([said_miss for fact, said_miss in _misses(closest, q) if fact not in why])
        facts = {"name": closest["name"], "price": shown, "why": why, "misses": misses}
        if why:
            closest_said = (
                _("The closest is the **{name}** at {price} ({why}), but {misses}.", **facts)
                if misses
                else _("The closest is the **{name}** at {price} ({why}).", **facts)
            )
        else:
            closest_said = (
                _("The closest is the **{name}** at {price}, but {misses}.", **facts)
                if misses
                else _("The closest is the **{name}** at {price}.", **facts)
            )
        text += " " + closest_said
        products.append(closest)
    return ProductAnswer(text, products, "no_fit")


def _closeness(product: dict[str, Any], q: Question) -> float:
    """How much of the wished features a product has, each from 0 (none) to 1 (all): water-resistant is half of
    waterproof, a warmth of 3 of 5 is 0.6 of warm."""
    attributes = product.get("attributes") or {}
    score = 0.0
    for feature in q.features:
        if feature == "waterproof":
            value = str(attributes.get("waterproof") or "").lower()
            score += 1.0 if (measure(product, "waterproof") or 0) >= 1 else 0.5 if "resistant" in value else 0.0
        elif feature == "warm":
            score += min(1.0, (measure(product, "warmth") or 0) / 5) + (1.0 if attributes.get("insulation") else 0.0)
        elif feature in ("down", "merino", "rechargeable"):
            score += 1.0 if _mentions(_product_text(product), feature) else 0.0
    return score


def _lacks_a_wish(product: dict[str, Any], q: Question) -> bool:
    """The product has nothing of a feature the customer wants (a fleece for a waterproof jacket)."""
    return any(_closeness(product, Question(text="", features=[f])) == 0.0 for f in q.features if f in _WISHES)


# The features a product either has something of or lacks entirely (a weight is always "something").
_WISHES = frozenset({"waterproof", "down", "merino", "rechargeable", "warm"})


def _rating_f(product: dict[str, Any]) -> float | None:
    found = re.search(r"(-?\d+)\s*°\s*F", (product.get("attributes") or {}).get("temperature rating", ""))
    return float(found.group(1)) if found else None


def _distance(product: dict[str, Any], q: Question) -> float:
    """How far a product is from the stated constraints: money over budget, missing option, out of stock."""
    price = Decimal(str(product.get("price_min") or 0))
    over = float(max(Decimal(0), price - q.budget)) if q.budget is not None else 0.0
    available = _variants_in_stock(product)
    penalty = 0.0 if available else 1000.0
    wanted = wanted_options(product, q)
    if wanted and not any(all(v["options"].get(k) in vals for k, vals in wanted.items()) for v in available):
        penalty += 500.0
    return over + penalty


def _misses(product: dict[str, Any], q: Question) -> list[tuple[str, str]]:
    """What the product lacks of the request: each as the fact it rests on (to leave out one already given as the
    product's reason) and as said to the customer."""
    misses: list[tuple[str, str]] = []

    def miss(said: str, fact: str = "") -> None:
        misses.append((fact or said, said))

    if (q.budget is not None or q.budget_min is not None) and not _affordable(product, q):
        budget = _budget_said(q)
        miss(
            _("it is not priced between {budget}", budget=budget)
            if q.budget_min
            else _("it is over your budget of {budget}", budget=budget)
        )
    attributes = product.get("attributes") or {}
    if ("waterproof" in q.features or "rain" in q.uses) and (measure(product, "waterproof") or 0) < 1:
        value = attributes.get("waterproof") or _("not waterproof")
        miss(_("it is {value}", value=value), value)
    for feature in ("down", "merino", "rechargeable"):
        if feature in q.features and not _mentions(_product_text(product), feature):
            miss(_("it is not {feature}", feature=feature))
    warmth = measure(product, "warmth")
    if "warm" in q.features and q.coldest_f is None and warmth is not None and warmth < WARM_ENOUGH:
        miss(_("its warmth is only {value}", value=attributes.get("warmth")))
    if q.coldest_f is not None and (rating := _rating_f(product)) is not None and rating > q.coldest_f:
        rated, wanted_f = format(rating, "g"), format(q.coldest_f, "g")
        miss(_("it is rated to {rating}°F, not {wanted}°F", rating=rated, wanted=wanted_f))
    if not _variants_in_stock(product):
        miss(_("it is out of stock"))
    else:
        wanted = wanted_options(product, q)
        said = ", ".join(v for vals in wanted.values() for v in vals)
        if wanted and not _fits_options(product, Question(text="", option_values=wanted)):
            miss(_("not in {options} right now", options=said))
        elif wanted and not _fits_options(product, q) and _affordable(product, q):
            miss(_("not in {options} within your budget", options=said))
    return misses


def _constraints(q: Question) -> str:
    parts = []
    if q.categories:
        parts.append(_join(q.categories, "or"))
    if q.uses:
        parts.append(_("for {uses}", uses=_join(q.uses)))
    if q.option_values:
        parts.append(_("in {options}", options=", ".join(v for vals in q.option_values.values() for v in vals)))
    if q.budget is not None:
        budget = _budget_said(q)
        parts.append(
            _("between {budget}", budget=budget)
            if q.budget_min is not None
            else _("around {budget}", budget=budget)
            if q.around
            else _("under {budget}", budget=budget)
        )
    elif q.cheap:
        parts.append(_("at the cheaper end"))
    return " ".join(parts)


def _budget_said(q: Question) -> str:
    """The budget as the customer said it ("around $50", though a little over it still fits)."""
    assert q.budget is not None
    if q.budget_min is not None:
        return _("{low} and {high}", low=format_money(q.budget_min), high=format_money(q.budget))
    return format_money(q.budget / AROUND_MARGIN if q.around else q.budget)


def _why(product: dict[str, Any], q: Question) -> str:
    """The facts that show the product meets what the customer asked for; its uses when they asked for none."""
    attributes = product.get("attributes") or {}
    wanted = {
        "waterproof": "waterproof" in q.features or "rain" in q.uses,
        "temperature rating": q.coldest_f is not None or "warm" in q.features,
        "warmth": "warm" in q.features and not attributes.get("temperature rating"),
        "weight": "lightweight" in q.features or "weight" in q.aspects,
        "capacity": "capacity" in q.aspects,
        "brightness": "brightness" in q.aspects,
        "battery": "rechargeable" in q.features or "battery" in q.aspects,
        "material": any(f in q.features for f in ("down", "merino")) or "material" in q.aspects,
        "compatibility": "compatibility" in q.aspects,
    }
    shown = []
    for key, asked in wanted.items():
        value = attributes.get(key)
        if asked and value:
            shown.append(
                _("rated to {value}", value=value)
                if key == "temperature rating"
                else _("warmth {value}", value=value)
                if key == "warmth"
                else value
            )
    use = attributes.get("use")
    if use and not shown:
        shown.append(_("made for {use}", use=use))
    return ", ".join(shown[:3])


# Words in product names that say what a thing is rather than which thing it is.
_GENERIC_NAME_WORDS = frozenset(
    tokenize("men women kids unisex jacket boot shoe sock tent backpack pack bag bottle hat glove pants the of with")
)
POLICY = re.compile(
    r"\b(?:return|refund|ship|shipping|deliver|delivery|warranty|exchange|policy|cancel|order|pay|payment|voucher|"
    r"discount|coupon|label|customs|duties|invoice|account|password|price match|send (?:it |them )?back|expire)",
    re.IGNORECASE,
)


# Intents under which a kind of product alone is a request to find one ("headlamp with usb-c charging"); under
# others ("swap colour of a jacket") it is the subject of a policy question. Unknown intent ("") counts as shopping.
SHOPPING_INTENTS = frozenset({"product_question", "product_recommendation", ""})
# The customer's own item ("my jacket", "the boots I bought"): a policy or order matter, not a shopping one.
# ... or a fault of one they have ("came chipped", "it's cracked", "stopped working").
OWNED = re.compile(
    r"\b(?:i (?:bought|ordered|got|received)|arrived|broke|broken|came off|torn|chipped|cracked|scratched|dented"
    r"|ripped|faulty|defective|stopped working|doesn'?t work|not working)\b",
    re.IGNORECASE,
)


def owns(question: str, q: Question) -> bool:
    """The question is about the customer's own item ("my jacket", "the boots I bought"), not about buying one."""
    if OWNED.search(question):
        return True
    words = tuple(w for c in q.categories for w in (c, c.rstrip("s"), *CATEGORY_WORDS.get(c, ())))
    return bool(words) and bool(_my_thing(words).search(question))


@lru_cache(maxsize=256)
def _my_thing(words: tuple[str, ...]) -> re.Pattern[str]:
    """The customer's own thing of these kinds ("my ... jacket"), compiled once per set of category words."""
    return re.compile(r"\bmy\s+(?:\w+\s+){0,2}(?:" + "|".join(re.escape(w) for w in words) + r")", re.I)


@dataclass
class Named:
    products: list[dict[str, Any]]
    strong: bool  # named by a word only its own name has ("the Aurora"), not by shared words ("a down bag")


def name_products(question: str, catalog: Sequence[dict[str, Any]], general: frozenset[str] = frozenset()) -> Named:
    """The products a question names, best first, and whether the naming is unambiguous.

    A product is named by the words of its name that say which thing it is: not what kind of thing (its category,
    "jacket") nor what it is for (its uses, "hiking", "rain"), unless the question has its whole name ("Trail Kids
    Headlamp"). A word no other name has, two such words, or the whole name make the naming strong; products tied
    on the best match are all kept, unless the category the question names settles it ("the Stormline jacket",
    not the Stormline rain pants). ``general``: the shop's everyday words (its policies' vocabulary); a name word
    among them ("long", "two") names a product only with another word of its name or its category."""
    tokens = tokenize(question)
    words = set(tokens)
    vocabulary = _vocabulary(catalog)
    weak, names, frequency = vocabulary.weak, vocabulary.names, vocabulary.frequency
    asked = read_categories(question, catalog)
    said = [t for t in tokens if len(t) > 1 or t.isdigit()]
    said_pairs = set(itertools.pairwise(said))
    scored: list[tuple[float, bool, dict[str, Any]]] = []
    matched: dict[Any, set[str]] = {}
    for product, terms in names:
        if words.isdisjoint(terms):
            continue  # a name none of whose words the question has names nothing (nor does its first pair)
        present = [t for t in terms if t in words]
        key = [t for t in present if t not in weak and t not in _GENERIC_NAME_WORDS and not t.isdigit()]
        # Words that say what a thing is can still name it together: the first two words of one name only, side by
        # side ("the Sun Hoodie": "sun" is a use, "hoodie" a kind of top). Not a name's last words, which say what
        # kind of thing it is ("rain jacket", "sleeping bag").
        lead = tuple(terms[:2])
        if len(lead) == 2 and lead in said_pairs and vocabulary.pairs.get(lead) == 1:
            key += [t for t in lead if t not in key]
        if key:
            # A model number ("Beacon 900") tells two products of a line apart, though it names nothing alone.
            key += [t for t in present if t.isdigit()]
        full = bool(terms) and len(present) == len(terms)
        if not key and not full:
            continue
        if asked and product["category"] not in asked and not full:
            continue
        in_category = product["category"] in asked
        if key and all(t in general for t in key) and len(key) < 2 and not in_category and not full:
            continue
        strong = full or len(key) >= 2 or any(frequency[t] == 1 for t in key)
        scored.append((len(key) + (2.0 if full else 0.0) + (0.5 if in_category else 0.0), strong, product))
        matched[product["id"]] = set(present)
    if not scored:
        return Named([], False)
    scored.sort(key=lambda item: -item[0])
    best = scored[0][0]
    top = [item for item in scored if item[0] >= best - 1e-9]
    if _asks_about_several(question, [p for _, _, p in scored[:2]]):

        def own_words(item: tuple[float, bool, dict[str, Any]]) -> set[str]:
            return matched[item[2]["id"]] - weak - _GENERIC_NAME_WORDS

        # A name shared by several products ("Stormline") still names one when the others sharing it are ruled out
        # (by the category asked: the Stormline jacket, not the pants): no other candidate has its words.
        several = [
            item
            for item in scored
            if item[1] or not any(own_words(item) & own_words(other) for other in scored if other is not item)
        ]
        # "Is the merino 200 crew dearer than the grid fleece?": the words that name the Merino 200 Crew Base Layer
        # do not name the Merino Hiker Crew Sock too; a name whose matched words another name's include is shadowed.
        several = [
            item
            for item in several
            if not any(matched[item[2]["id"]] < matched[other[2]["id"]] for other in several if other is not item)
        ]
        if len(several) > 1:
            return Named([p for _, _, p in several], True)
    return Named([p for _, _, p in top], len(top) == 1 and top[0][1])


def _weak_terms(catalog: Sequence[dict[str, Any]]) -> set[str]:
    """Words that say what a product is or is for, not which one it is."""
    text = " ".join(
        [
            "waterproof waterproofing water resistant insulated light lightweight warm",
            *CATEGORY_WORDS,
            *(w for words in CATEGORY_WORDS.values() for w in words),
        ]
        + [*USE_WORDS, *(w for words in USE_WORDS.values() for w in words)]
        + [str(p["category"]) for p in catalog]
        + [str((p.get("attributes") or {}).get("use", "")) for p in catalog]
    )
    return set(tokenize(text))


def read_categories(question: str, catalog: Sequence[dict[str, Any]]) -> list[str]:
    return read_question(question, catalog).categories if catalog else []


def answer_products(
    question: str,
    named: Sequence[dict[str, Any]],
    catalog: Sequence[dict[str, Any]],
    *,
    hits: dict[str, float] | None = None,
    embedder: Any | None = None,
    general: frozenset[str] = frozenset(),
    intent: str = "",
) -> ProductAnswer | None:
    """The answer to a product question, or None when the catalog's facts don't answer it (policy questions)."""
    q = read_question(question, catalog)
    strong = True
    if not named:
        found = name_products(question, catalog, general)
        named, strong = found.products, found.strong
    if asks_policy(question) and not (
        named and strong and (asked_outside_condition(question, catalog) or q.comparative)
    ):
        return None  # "what is your return policy for shoes?" is the policy's to answer
    if owns(question, q) and not q.aspects and (not q.comparative or len(named) < 2):
        # "My skateboard came chipped, can I get my money back?": the rules answer for their own item; what the
        # shop has in stock or what it costs now does not. (A fact of it still does: "I bought the Stormline, how do
        # I wash it?") Nor is "I bought a tent and now it's cheaper" a comparison of tents: with no second product
        # named, the comparative is their item's price then and now (a comparison of two named ones still is).
        return None
    if q.cheap and q.comparative is None and strong and len(named) >= 2 and _asks_about_several(question, named):
        # "The budget pick, Jetstream or Firelite?": a wish for the cheap one said of a choice between named products
        # is the question which of them costs less.
        q.comparative = ("price", True)
    if (q.comparative and not q.recommend) or (q.comparative and len(named) >= 2):
        products = list(named) if len(named) >= 2 else [p for p in catalog if p["category"] in q.categories]
        if len(products) >= 2:
            compared = compare(products, q)
            if compared is not None:
                return compared
    if named and (strong or not q.recommend) and (q.asks_a_fact or not q.recommend or strong):
        several = _asks_about_several(question, named) or (not strong and q.asks_a_fact)
        chosen = list(named[:MAX_LISTED]) if several else list(named[:1])
        text = " ".join(describe_product(p, q, embedder) for p in chosen)
        if all(sold_out(p, q) for p in chosen):
            # Nothing to buy yet: no "goes well with it" after a "sold out".
            return ProductAnswer(text, chosen, "sold_out")
        return ProductAnswer(text, chosen, "buying" if q.price or q.stock or q.count or q.options else "facts")
    # A recommendation needs a request for one, a budget, or a kind of product for a use ("which stove for car
    # camping?"); "do gift cards expire?" names a category and asks the policy.
    # A recommendation needs a request for one, a budget, or a kind of product ("which stove for car camping?",
    # "headlamp with usb-c charging"); "do gift cards expire?" names a category too, but the policy cue sends it
    # to the policy above.
    shopping = (
        q.recommend or q.budget is not None or (q.categories and intent in SHOPPING_INTENTS and not owns(question, q))
    )
    if shopping and (q.categories or q.uses or q.features or q.budget is not None):
        return recommend(catalog, q, hits)
    # Described rather than named ("rain overtrousers"): the catalog's nearest product, when it is close.
    if owns(question, q):
        return None  # "my jacket arrived torn" is about the customer's own item: the policy answers
    close = [(score, pid) for pid, score in (hits or {}).items() if score >= DESCRIBED_SIMILARITY]
    if close:
        best = max(close)[1]
        product = next((p for p in catalog if str(p["product_id"]) == best), None)
        if product is not None:
            return ProductAnswer(describe_product(product, q, embedder), [product], "facts")
    return None


def follows_up_on_product(
    question: str,
    catalog: Sequence[dict[str, Any]],
    general: frozenset[str] = frozenset(),
    previous: Sequence[dict[str, Any]] = (),
) -> bool:
    """A product question that names no product nor another kind of product: it is about the product just talked
    about ("which sizes are left in white?", "what does the 65 L cost?")."""
    if not catalog or asks_policy(question):
        return False
    q = read_question(question, catalog)
    kinds = {str(p["category"]) for p in previous}
    if q.recommend or q.comparative or (q.categories and not set(q.categories) <= kinds):
        return False
    if name_products(question, catalog, general).products:
        return False
    values = {str(v).lower() for p in previous for vals in (p.get("options") or {}).values() for v in vals}
    said = {v for vals in q.option_values.values() for v in vals}
    return q.asks_a_fact or bool({v.lower() for v in said} & values)


def with_earlier_request(
    question: str, earlier: str, catalog: Sequence[dict[str, Any]], general: frozenset[str] = frozenset()
) -> str | None:
    """A message that only states a budget ("my budget is $160 though") after a request for a kind of product ("I'm
    looking for hiking boots"): the request with its budget, as one question. None when the message asks something of
    its own (a kind, a use, a product) or the earlier message asked for no kind of product."""
    if not catalog or not earlier.strip():
        return None
    q = read_question(question, catalog)
    if q.budget is None and not q.cheap:
        return None
    if q.categories or q.uses or q.features or q.option_values or name_products(question, catalog, general).products:
        return None
    before = read_question(earlier, catalog)
    if not (before.categories or before.uses or before.features) or asks_policy(earlier):
        return None
    # The new budget replaces one said before ("a rain jacket under $100?" ... "ok, up to $250 then").
    for start, end in reversed(read_budget(earlier)[3]):
        earlier = earlier[:start] + earlier[end:]
    return f"{earlier.strip().rstrip('.!?, ')}, {question.strip()}"


def compares_again(question: str, catalog: Sequence[dict[str, Any]], general: frozenset[str] = frozenset()) -> bool:
    """A comparison that names no product nor kind of product ("which one is cheaper?"): it compares the products
    of the comparison before it."""
    if not catalog:
        return False
    q = read_question(question, catalog)
    return bool(q.comparative) and not q.categories and not name_products(question, catalog, general).products


def _asks_about_several(question: str, named: Sequence[dict[str, Any]]) -> bool:
    return len(named) > 1 and bool(
        re.search(r"\b(?:and|or|vs\.?|versus|both|compare|each|than|between)\b|,|/", question, re.I)
    )

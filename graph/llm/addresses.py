"""Free-text postal addresses into the address fields the order tools take.

Customers write addresses the way their country does: "1 Main St, Apt 4, Springfield, IL 62704, USA",
"Schillerstraße 144, 10428 Berlin, Germany", "94 Mill Lane, London SW17 4WG, UK", "Dorpsstraat 119, 3528 GE Utrecht",
"654 Queen Street, Calgary, AB T9Z 2E4, Canada". The parser reads the postcode by its country's shape, the street line
by its house number, an apartment line by its keyword, and leaves out what it cannot tell, so that the dialogue can
ask for the missing part rather than guess it.
"""

from __future__ import annotations

import re
from typing import Final

FIELDS: Final = ("address1", "address2", "city", "state", "country", "zip")
REQUIRED: Final = ("address1", "city", "country", "zip")

# Country names as the shop stores them, and the ways customers write them.
COUNTRIES: Final = {
    "usa": "USA",
    "us": "USA",
    "u.s.": "USA",
    "u.s.a.": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "america": "USA",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "united kingdom": "United Kingdom",
    "great britain": "United Kingdom",
    "england": "United Kingdom",
    "scotland": "United Kingdom",
    "wales": "United Kingdom",
    "germany": "Germany",
    "deutschland": "Germany",
    "de": "Germany",
    "france": "France",
    "fr": "France",
    "netherlands": "Netherlands",
    "the netherlands": "Netherlands",
    "holland": "Netherlands",
    "nederland": "Netherlands",
    "nl": "Netherlands",
    "canada": "Canada",
    "ca": "Canada",
}
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
)
US_STATES: Final = frozenset((_STATE_CODES + "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC").split(" "))
CA_PROVINCES: Final = frozenset(["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"])

_US_ZIP = re.compile(r"\b(\d{5}(?:-\d{4})?)\b")
_CA_POSTCODE = re.compile(r"\b([A-Z]\d[A-Z])\s?(\d[A-Z]\d)\b", re.IGNORECASE)
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s?(\d[A-Z]{2})\b", re.IGNORECASE)
_NL_POSTCODE = re.compile(r"\b(\d{4})\s?([A-Z]{2})\b")
_EU_ZIP = re.compile(r"\b(\d{5})\b")
_UNIT = re.compile(
    r"^(?:apt\.?|apartment|appartement|suite|ste\.?|unit|flat|floor|fl\.?|room|rm\.?|bldg\.?|building|#)\s*\S+",
    re.IGNORECASE,
)
_UNIT_INLINE = re.compile(
    r"\s+((?:apt\.?|apartment|appartement|suite|ste\.?|unit|flat|#)\s*[\w-]+)$",
    re.IGNORECASE,
)
# Words that introduce the address in a sentence: "please ship it to ...", "my new address is ...".
_LEAD_IN = re.compile(
    r"^.*?\b(?:(?:ship|send|deliver|change|update|move|set)\b.*?\b(?:to|is)|(?:new\s+)?address(?:\s+is)?\s*:?|"
    r"it'?s|is)\s+(?=\S*\d)",
    re.IGNORECASE,
)
# A house number followed by a word: where a street line written number-first begins.
STREET_START = re.compile(r"(?<![\w-])\d+[a-z]?\s+[^\W\d_]", re.IGNORECASE)
_HOUSE_NUMBER = re.compile(r"(^\d+[a-z]?\b|\b\d+[a-z]?$)", re.IGNORECASE)


def _country(part: str) -> str | None:
    return COUNTRIES.get(part.strip().strip(".").lower()) or COUNTRIES.get(part.strip().lower())


# Words after the address that belong to the request, not to its last line ("..., CO 80218 instead, please").
_TRAILING_WORDS = re.compile(r"(?:[\s,]+(?:instead|please|pls|thanks|thank\s+you|now|then|too))+$", re.IGNORECASE)


def _strip_lead_in(text: str) -> str:
    text = _TRAILING_WORDS.sub("", " ".join(text.strip().rstrip(".!").split()))
    first_digit = re.search(r"\d", text)
    if first_digit is None:
        return text
    match = _LEAD_IN.match(text)
    if match:
        return text[match.end() :]
    # Any other words before the street line ("actually make it 12 Oak Ave", "no, sorry: 7 Elm Road"): the street
    # line starts at its house number, unless what comes before holds a number or a unit ("Apt 4, 12 Main St").
    street = STREET_START.search(text)
    if (
        street
        and street.start()
        and not re.search(r"\d", text[: street.start()])
        and not _UNIT.search(text[: street.start()])
    ):
        return text[street.start() :]
    return text


def parse_address(text: str) -> dict[str, str]:
    """The address fields found in ``text`` (each of FIELDS, "" when not found). See ``missing`` for what lacks."""
    address = dict.fromkeys(FIELDS, "")
    parts = [p.strip() for p in re.split(r"[,\n;]", _strip_lead_in(text)) if p.strip()]
    if not parts:
        return address

    if (country := _country(parts[-1])) is not None:
        address["country"] = country
        parts = parts[:-1]
    rest: list[str] = []
    for part in parts:
        if not address["zip"] and (found := _postcode(part, address)) is not None:
            remainder = found
            if remainder:
                rest.append(remainder)
            continue
        rest.append(part)

    # The street line carries a house number; a unit line starts with its keyword.
    for part in list(rest):
        if not address["address1"] and _HOUSE_NUMBER.search(part) and not _UNIT.match(part):
            inline = _UNIT_INLINE.search(part)
            if inline:
                address["address2"] = inline.group(1)
                part_clean = part[: inline.start()].strip()
            else:
                part_clean = part
            address["address1"] = part_clean
            rest.remove(part)
        elif not address["address2"] and _UNIT.match(part):
            address["address2"] = part
            rest.remove(part)
    for part in rest:
        if not address["city"]:
            address["city"] = part
        elif not address["state"]:
            state = part.upper() if len(part) == 2 else part
            address["state"] = state
    _infer_country(address)
    return address


def _postcode(part: str, address: dict[str, str]) -> str | None:
    """Take the postcode (and a US state or a Canadian province next to it) out of ``part``; None if it has none."""
    country = address["country"]
    tokens = part.split()
    if country in ("", "USA"):
        us = re.fullmatch(r"(?:([A-Za-z]{2})\s+)?(\d{5}(?:-\d{4})?)", part)
        if us and (us.group(1) is None or us.group(1).upper() in US_STATES):
            address["zip"] = us.group(2)
            if us.group(1):
                address["state"] = us.group(1).upper()
                address["country"] = address["country"] or "USA"
            return ""
        city_state = re.fullmatch(r"(.+?)\s+([A-Za-z]{2})\s+(\d{5}(?:-\d{4})?)", part)
        if city_state and city_state.group(2).upper() in US_STATES:
            address["zip"], address["state"] = city_state.group(3), city_state.group(2).upper()
            address["country"] = address["country"] or "USA"
            return city_state.group(1)
    if country in ("", "Canada"):
        canadian = _CA_POSTCODE.search(part)
        if canadian:
            address["zip"] = f"{canadian.group(1)} {canadian.group(2)}".upper()
            before = part[: canadian.start()].strip()
            words = before.split()
            if words and words[-1].upper() in CA_PROVINCES:
                address["state"] = words[-1].upper()
                before = " ".join(words[:-1])
            address["country"] = address["country"] or "Canada"
            return before
    if country in ("", "Netherlands"):
        dutch = _NL_POSTCODE.search(part)
        if dutch and (country or len(tokens) >= 2):
            address["zip"] = f"{dutch.group(1)} {dutch.group(2)}"
            address["country"] = address["country"] or "Netherlands"
            return (part[: dutch.start()] + part[dutch.end() :]).strip()
    if country in ("", "United Kingdom"):
        british = _UK_POSTCODE.search(part)
        if british and not _HOUSE_NUMBER.match(part):
            address["zip"] = f"{british.group(1)} {british.group(2)}".upper()
            address["country"] = address["country"] or "United Kingdom"
            return (part[: british.start()] + part[british.end() :]).strip()
    if country in ("", "Germany", "France", "USA"):
        european = _EU_ZIP.search(part)
        if european and re.fullmatch(r"\d{5}\s+\D.*|\D.*\s+\d{5}|\d{5}", part):
            address["zip"] = european.group(1)
            return (part[: european.start()] + part[european.end() :]).strip()
    return None


def _infer_country(address: dict[str, str]) -> None:
    if address["country"]:
        return
    if address["state"].upper() in US_STATES and re.fullmatch(r"\d{5}(?:-\d{4})?", address["zip"]):
        address["country"] = "USA"


def missing(address: dict[str, str]) -> list[str]:
    """The required fields the tools need that the address lacks."""
    return [field for field in REQUIRED if not address.get(field)]


# The word of a street line ("Elm Street", "Oak Ave", "Hauptstraße", "rue de la Paix"): with a house number, what
# tells a street from "size 10" or "the 5K black one".
_STREET_WORD = re.compile(
    r"\b(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|terrace|ter|parkway"
    r"|pkwy|highway|hwy|circle|cir|square|sq|trail|trl|loop|row|crescent|close|plaza|alley|route|rte|suite|apt"
    r"|stra(?:ss|ß)e|str|weg|allee|platz|gasse|ring|damm|rue|calle|via|avenida|laan|straat|gracht|plein)\b\.?"
    r"|\w(?:stra(?:ss|ß)e|str\.|weg|allee|platz|gasse|straat|laan)\b",
    re.IGNORECASE,
)


def looks_like_address(text: str) -> bool:
    """Whether the message carries an address worth parsing: a street line with a number, and a postcode or a town.
    The street line needs a street's word unless a postcode comes with it: "size 10, black" or "the 5K black one,
    not waterproof" are no address, however their commas split them."""
    address = parse_address(text)
    if not (address["address1"] and (address["zip"] or address["city"])):
        return False
    return bool(_STREET_WORD.search(address["address1"]) or (address["zip"] and STREET_START.search(text)))


def completes_address(text: str) -> bool:
    """Whether a short reply can fill a gap of an address we hold ("France", "75001", "Springfield, IL"): a postcode
    or a country, or a few words without a digit that say nothing of an item's options."""
    address = parse_address(f"1 Street, {text}")
    if address["zip"] or (address["country"] and address["country"] != "USA"):
        return True
    words = text.split()
    return 0 < len(words) <= 4 and not re.search(r"\d", text) and not _NOT_A_PLACE.search(text)


# Words of an item or a wish, never of a town: "the black one", "not waterproof", "in size M".
_NOT_A_PLACE = re.compile(
    r"\b(?:one|ones|the|size|colou?r|not|black|white|red|blue|green|grey|gray|pink|silver|waterproof|wireless|instead"
    r"|please|thanks|yes|no|item|order|it|them)\b",
    re.IGNORECASE,
)


def one_line(address: dict[str, str]) -> str:
    parts = [address.get(key, "") for key in ("address1", "address2", "city", "state", "zip", "country")]
    return ", ".join(p for p in parts if p)


FIELD_NAMES: Final = {"address1": "street and number", "city": "city", "country": "country", "zip": "postcode"}

"""Countries as ISO 3166-1 alpha-2 codes, whatever way a shop's addresses write them, and the EU as a group.

Shops hold a country as a code ("US", "GB"), an alpha-3 code ("USA") or a name ("United Kingdom", "Deutschland"):
the demo shop writes names and "USA", the tau-bench shop "USA", an export from a shop system codes. A profile keys
its per-country figures by code, so every spelling is read to one code here (CLDR's names and aliases, through
Babel). "EU" names the member states as a group: a profile may give one figure for all of them.
"""

from __future__ import annotations

from functools import cache

from babel.core import Locale, get_global

# The member states of the European Union (since 1 February 2020).
EU_MEMBERS = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
        "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
EU = "EU"
# How people and older systems write a country that CLDR names otherwise.
_COLLOQUIAL = {
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "the netherlands": "NL",
    "holland": "NL",
}


@cache
def _names() -> dict[str, str]:
    """Country names in the shop languages' spellings (English and German), lower-cased, to their codes."""
    names: dict[str, str] = {}
    for language in ("de", "en"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.lower()] = code
    return names


@cache
def country_code(country: str) -> str | None:
    """The ISO code of a country as an address writes it ("USA", "United Kingdom", "gb"); None when unknown."""
    written = " ".join(country.split()).strip()
    if not written:
        return None
    upper = written.upper()
    if len(upper) == 2 and upper.isalpha() and upper in Locale.parse("en").territories:
        return upper
    aliases = get_global("territory_aliases")
    if aliases.get(upper):
        return str(aliases[upper][0])
    lower = written.lower()
    return _COLLOQUIAL.get(lower) or _names().get(lower)


def in_eu(code: str) -> bool:
    return code in EU_MEMBERS

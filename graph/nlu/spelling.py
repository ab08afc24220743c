"""Cue words read through typos: "speek to a humen", "real persn", "bitte einen Vorgesetzen", "ich moechte".

The escalation readers (graph/nlu/keywords.py) are patterns over a few dozen cue words: the people a customer asks
for, the verbs of asking for them, the words of a complaint, a fraud or a legal step. A customer in a hurry misspells
exactly those, or types German without its umlauts ("moechte", "ueber"), and a pattern that knows one spelling misses
every other. Listing the misspellings would never end; instead each word of the message that is not itself a cue word
and lies within a small edit distance of one is read as that cue word before the patterns run.

Guards, so that an ordinary word is never read as a cue: only words of five letters or more are corrected (short words
sit within one edit of too many others); the first letter must agree (typos rarely hit it); the distance allowed grows
with the cue's length (one edit up to eight letters, two from nine); the closest cue wins, and a word equally close
to two cues is left alone;
and the ordinary words that lie within reach of a cue ("stuff" of "staff", "steak" of "speak", "humane" of "human")
are listed and never corrected. German umlauts typed as two letters or dropped ("ue", "u") are no edit at all.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The cue words the escalation patterns key on, in their usual spelling. Inflected forms that the patterns read with
# `\w*` need only their stem's common form here; a form listed is never corrected into another.
CUE_WORDS: tuple[str, ...] = (
    # People of the shop's, and asking for them.
    "human",
    "humans",
    "person",
    "someone",
    "somebody",
    "anyone",
    "manager",
    "supervisor",
    "representative",
    "operator",
    "employee",
    "colleague",
    "specialist",
    "agent",
    "speak",
    "mitarbeiter",
    "mitarbeiterin",
    "mitarbeitern",
    "mitarbeitende",
    "vorgesetzten",
    "vorgesetzter",
    "vorgesetzte",
    "kollegen",
    "kollegin",
    "menschen",
    "mensch",
    "ansprechpartner",
    "sachbearbeiter",
    "kundenservice",
    "kundendienst",
    "zuständigen",
    "sprechen",
    "rückruf",
    "möchte",
    "möchten",
    "würde",
    "über",
    "für",
    # A complaint lodged.
    "complaint",
    "complain",
    "beschwerde",
    "beschweren",
    # Fraud, legal steps, data protection.
    "unauthorised",
    "unauthorized",
    "authorised",
    "authorized",
    "fraud",
    "hacked",
    "lawyer",
    "chargeback",
    "betrug",
    "gehackt",
    "anwalt",
    "datenschutz",
)
# The words the mood readers (graph/nlu/emotion.py) key on, in their usual spelling: anger, exasperation and
# disappointment, and the counts and verbs by which a customer says how often they have asked. "wuetend",
# "unverschaemt", "fuenfmal erklaert" and "rediculous" are these words, typed without umlauts or in a hurry.
MOOD_WORDS: tuple[str, ...] = (
    "furious",
    "ridiculous",
    "absolutely",
    "unacceptable",
    "disgraceful",
    "pathetic",
    "incompetent",
    "useless",
    "terrible",
    "horrible",
    "outrageous",
    "unbelievable",
    "frustrated",
    "frustrating",
    "annoyed",
    "annoying",
    "disappointed",
    "disappointing",
    "seriously",
    "again",
    "another",
    "nobody",
    "wütend",
    "unverschämt",
    "unverschämtheit",
    "ärgerlich",
    "ärgert",
    "verärgert",
    "geärgert",
    "enttäuscht",
    "enttäuschend",
    "enttäuschung",
    "lächerlich",
    "unmöglich",
    "unfähig",
    "frechheit",
    "katastrophe",
    "katastrophal",
    "inakzeptabel",
    "frustriert",
    "genervt",
    "stinksauer",
    "zumutung",
    "schlechteste",
    "unglaublich",
    "unfassbar",
    "gestresst",
    "zweimal",
    "dreimal",
    "viermal",
    "fünfmal",
    "sechsmal",
    "zehnmal",
    "mehrmals",
    "erklärt",
    "geschrieben",
    "angerufen",
    "nachgefragt",
    "entschädigung",
)
# Ordinary words within reach of a cue word that must stay what they are. Found by reading the words of an English
# vocabulary (the MiniLM tokenizer's 30,000, and the whole words of the cl100k tokenizer in knowledge/data, which a
# test reads again), the development sets, the intent and tone examples, the shop's documents and the German catalogue
# through the corrector and listing what it changed.
ORDINARY_WORDS: frozenset[str] = frozenset(
    {
        "humane",
        "stuff",
        "steak",
        "speck",
        "spear",
        "spent",
        "sneak",
        "speed",
        "manage",
        "manages",
        "managed",
        "manner",
        "managers",
        "parson",
        "prison",
        "persons",
        "agents",
        "agency",
        "operate",
        "operated",
        "operates",
        "operation",
        "operators",
        "supervise",
        "supervised",
        "supervises",
        "supervision",
        "employer",
        "employed",
        "employees",
        "colleges",
        "college",
        "colleagues",
        "specialty",
        "speciality",
        "specialists",
        "persona",
        "representation",
        "representatives",
        "employ",
        "employs",
        "specialise",
        "specialize",
        "specialised",
        "specialized",
        "supervisors",
        "betrag",
        "gepackt",
        "mitarbeiten",
        "sprachen",
        "sprache",
        "werde",
        "werden",
        "arent",
        "superior",
        "supervisory",
        "socialist",
        "specials",
        "pearson",
        "freud",
        "argent",
        "anhalt",
        "hunan",
        "machte",
        "machten",
        "mächte",
        "wunde",
        "complaints",
        "complains",
        "complained",
        "compliant",
        "complaining",
        "hacker",
        "hackers",
        "lawyers",
        "layer",
        "flawyer",
        "frauds",
        "sprechend",
        "versprechen",
        "menschlich",
        "wurde",
        "wurden",
        "mochte",
        "mochten",
        "kollege",
        "beschwert",
        "beschwerden",
        "betrogen",
        "anwalts",
        "anwälte",
        "verbindung",
        "verbindlich",
        "mitarbeit",
        # Within reach of a mood word.
        "absolute",
        "alain",
        "angeblich",
        "anrufen",
        "appealing",
        "disappoint",
        "disappoints",
        "entschuldigung",
        "frustration",
        "horribly",
        "incompetence",
        "ridiculously",
        "serious",
        "stocksauer",
        "terribly",
        "unbelievably",
        "unhöflich",
        "veralbert",
        "ärger",
        # Within reach of a cue word (a sweep of the tokenizer's words found these).
        "collage",
        "collages",
        "complying",
    }
)
# Letters only: "colleague's" keeps its "'s", which the patterns read (a person's, not a person).
_WORD = re.compile(r"[^\W\d_]+")
# Umlauts as a customer without them types them: two letters, or the bare vowel.
_UMLAUT_PAIRS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_BARE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
SHORTEST = 5


def _allowed_edits(cue: str) -> int:
    return 1 if len(cue) <= 8 else 2


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of two neighbours is one edit), or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _spellings(word: str) -> set[str]:
    """The ways a word is typed with its umlauts written out or dropped."""
    return {word, word.translate(_UMLAUT_PAIRS), word.translate(_UMLAUT_BARE)}


_CUES = {cue.lower() for cue in CUE_WORDS + MOOD_WORDS}
# Every spelling of every cue, exact: the umlaut spellings are the cue itself, no edit.
_EXACT = {spelling: cue for cue in _CUES for spelling in _spellings(cue)}


def _by_initial() -> dict[str, list[tuple[str, int, tuple[str, ...]]]]:
    """The cues a typo can reach, by the first letter of their spellings (a typo keeps the first letter): each cue
    with its edit allowance and its spellings under that letter. Built once, so a new word is compared with the
    cues it can reach only, not spelt out again for every cue."""
    table: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {}
    for cue in sorted(_CUES):
        if len(cue) < SHORTEST:
            continue
        for initial in sorted({spelling[0] for spelling in _spellings(cue)}):
            spellings = tuple(sorted(s for s in _spellings(cue) if s[0] == initial))
            table.setdefault(initial, []).append((cue, _allowed_edits(cue), spellings))
    return table


_REACHABLE = _by_initial()


@lru_cache(maxsize=8192)
def cue_word(token: str) -> str | None:
    """The cue word `token` is a misspelling of, or None (it is a cue word itself, an ordinary word, too short, or
    within reach of several cues)."""
    word = token.lower()
    if word in _CUES or word in ORDINARY_WORDS:
        return None
    if word in _EXACT:
        return _EXACT[word]
    if len(word) < SHORTEST:
        return None
    near: dict[str, int] = {}
    for cue, limit, spellings in _REACHABLE.get(word[0], ()):
        edits = min(_distance(word, spelling, limit) for spelling in spellings)
        if edits <= limit:
            near[cue] = edits
    if not near:
        return None
    closest = min(near.values())
    best = [cue for cue, edits in near.items() if edits == closest]
    return best[0] if len(best) == 1 else None


@lru_cache(maxsize=4096)
def with_cue_spellings(text: str) -> str:
    """`text` with every misspelt cue word written as the cue (the rest as typed), for the escalation patterns."""
    return _WORD.sub(lambda match: cue_word(match.group(0)) or match.group(0), text)


def _corrections(text: str) -> list[tuple[int, int, int, int]]:
    """Each corrected word as (start, end) in `text` and (start, end) in its cue spelling, in order."""
    spans: list[tuple[int, int, int, int]] = []
    shift = 0
    for match in _WORD.finditer(text):
        cue = cue_word(match.group(0))
        if cue is None:
            continue
        start, end = match.span()
        spans.append((start, end, start + shift, start + shift + len(cue)))
        shift += len(cue) - (end - start)
    return spans


def _typed_at(spans: list[tuple[int, int, int, int]], at: int, closing: bool) -> int:
    """The offset in the typed text of offset `at` of the cue spelling (a corrected word maps to the whole word)."""
    shift = 0
    for start, end, cue_start, cue_end in spans:
        if at < cue_start or (closing and at == cue_start):
            break
        if at < cue_end or (closing and at == cue_end):
            return end if closing else start
        shift = end - cue_end
    return at + shift


def as_typed(text: str, words: str) -> str:
    """`words`, read from the cue spelling of `text`, as the customer typed them: evidence quotes the customer, not
    the corrector ("a collage kit" is never quoted as "a colleague kit")."""
    spans = _corrections(text)
    if not spans:
        return words
    at = with_cue_spellings(text).find(words)
    if at >= 0:
        return text[_typed_at(spans, at, closing=False) : _typed_at(spans, at + len(words), closing=True)]
    # Words read from a version of the message with parts left out: each corrected word back to what was typed.
    typed = {text[start:end].lower(): text[start:end] for start, end, _, _ in spans}
    back = {cue_word(word) or word: original for word, original in typed.items()}
    return _WORD.sub(lambda match: back.get(match.group(0).lower(), match.group(0)), words)

"""A small in-memory BM25 index: the lexical half of hybrid retrieval.

Dense retrieval misses exact words that matter in support questions (a country, "PayPal", a product's name) and
lexical retrieval misses paraphrases; fusing both beats either. The corpus is a few hundred chunks, so a plain
Python inverted index answers in well under a millisecond. Words are lower-cased, stop words dropped and a light
suffix stemmer folds "returns"/"returned"/"returning"; query words the index has never seen are mapped to a
known word one edit away ("refnud" -> "refund"), a symmetric-delete look-up that costs a few dict probes.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")

_STOPWORDS = """a about above after again all am an and any are as at be been before being below between both but by can
    could did do does doing down during each few for from further had has have having he her here hers him his how i
    if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with would you your yours
    yourself hi hello hey please thanks thank im ive id dont doesnt cant u ur pls plz also get got one"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Words customers use for the same thing; folding them helps the lexical side match policy wording.
_SYNONYMS = {
    "package": "parcel",
    "packag": "parcel",
    "delivery": "deliver",
    "shipment": "ship",
    "postage": "ship",
    "money": "refund",
    "reimburs": "refund",
    "cost": "price",
    "pric": "price",
    "fee": "price",
    "coupon": "voucher",
    "promo": "voucher",
    "discount": "voucher",
    "giftcard": "gift",
    "uk": "kingdom",
    "britain": "kingdom",
    "england": "kingdom",
    "usa": "state",
    "us": "state",
    "america": "state",
}


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Strip common English inflections; aggressive enough to fold plurals and tenses, never below 3 letters."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            stemmed = word[: len(word) - len(suffix)] + replacement
            # "shipping" -> "shipp" -> "ship": undo the doubled consonant that -ing/-ed leave behind.
            if (
                suffix in ("ing", "ed")
                and len(stemmed) >= 4
                and stemmed[-1] == stemmed[-2]
                and stemmed[-1] not in "lsz"
            ):
                stemmed = stemmed[:-1]
            return stemmed
    return word


def tokenize(text: str) -> list[str]:
    terms = []
    for word in _WORD.findall(text.lower().replace("'", "").replace("’", "")):
        if word in STOPWORDS:
            continue
        term = stem(word)
        terms.append(_SYNONYMS.get(term, term))
    return terms


def _deletes(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


class BM25Index:
    """Okapi BM25 over (id, text) pairs with one-edit typo correction of unknown query terms."""

    def __init__(self, documents: Iterable[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.ids: list[str] = []
        self._lengths: list[int] = []
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, text in documents:
            terms = Counter(tokenize(text))
            index = len(self.ids)
            self.ids.append(doc_id)
            self._lengths.append(sum(terms.values()))
            for term, frequency in terms.items():
                self._postings[term].append((index, frequency))
        self._average_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        count = len(self.ids)
        self._idf = {
            term: math.log(1 + (count - len(posts) + 0.5) / (len(posts) + 0.5))
            for term, posts in self._postings.items()
        }
        self._near: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            if len(term) >= 4:
                for variant in (term, *_deletes(term)):
                    self._near[variant].append(term)
        self._corrections: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def correct(self, term: str) -> str | None:
        """The term itself if indexed, else the most common indexed term one edit away, else None."""
        if term in self._postings:
            return term
        if len(term) < 4:
            return None
        if term not in self._corrections:
            candidates = {match for variant in (term, *_deletes(term)) for match in self._near.get(variant, [])}
            best = max(candidates, key=lambda c: (len(self._postings[c]), c), default=None)
            self._corrections[term] = best
        return self._corrections[term]

    def query_terms(self, query: str) -> list[str]:
        return [term for term in (self.correct(t) for t in tokenize(query)) if term]

    def search(
        self, query: str, limit: int = 20, allow: Callable[[str], bool] | None = None
    ) -> list[tuple[str, float]]:
        """(id, score) pairs with a positive score, best first, restricted to ids that ``allow`` accepts."""
        scores: dict[int, float] = defaultdict(float)
        for term in set(self.query_terms(query)):
            idf = self._idf[term]
            for index, frequency in self._postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self._lengths[index] / (self._average_length or 1.0))
                scores[index] += idf * frequency * (self.k1 + 1) / (frequency + norm)
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        results: list[tuple[str, float]] = []
        for index, score in ranked:
            doc_id = self.ids[index]
            if allow is None or allow(doc_id):
                results.append((doc_id, score))
                if len(results) >= limit:
                    break
        return results

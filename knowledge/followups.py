"""A question that leans on the one before it: "Do gift cards expire? And can I return one?".

Each question of a message is answered on its own, so a follow-up has to carry what it leaves out. "One", "it" or
"them" stands for the product group the question before named ("can I return gift cards?"), "there" for its country
("how much is express to Italy?"); an elliptic question ("What about Hawaii?", "and on boots?") is the question before
asked of what it names ("Can you deliver to Hawaii?"). The rewritten question is what is searched and what the answer
is chosen for; the customer's own words are kept everywhere else.
"""

from __future__ import annotations

import re

from knowledge.policy_focus import POLICY_GROUPS, groups_in, service_in

# A pronoun for a thing ("can I return one?", "do they expire?"); "it" in "is it possible" stands for nothing.
_THING = re.compile(r"\b(?:its|it|one|ones|them|they|those|these|their)\b", re.IGNORECASE)
_IDLE_IT = re.compile(
    r"\b(?:is|was|would|will|does|do)\s+it\s+(?:be\s+)?(?:possible|ok|okay|allowed|take|cost)\b", re.IGNORECASE
)
_THERE = re.compile(r"\b(?:to|from|in)?\s*there\b", re.IGNORECASE)
# "ship to Italy", "from the UK", "in Canada": a place with its preposition, as the customer said it.
_PLACE = re.compile(
    r"\b(?:to|from|in|into)\s+(?:the\s+)?(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)",
)


def _group_phrase(text: str) -> str | None:
    """The product group the text names, in the words the policies use ("gift cards", "tents")."""
    named = groups_in(text)
    if len(named) != 1:
        return None
    group = next(iter(named))
    return group if group in POLICY_GROUPS else None


def _place(text: str) -> str | None:
    from knowledge.answer import countries_in

    for found in _PLACE.finditer(text):
        if countries_in(found.group("place")):
            return found.group(0).strip()
    return None


def with_subject(question: str, earlier: str) -> str:
    """The question with a pronoun that stands for the earlier question's subject replaced by it; unchanged when it
    names a subject of its own, or the earlier question has none."""
    from knowledge.answer import countries_in

    text = question
    if not countries_in(text) and _THERE.search(text) and (place := _place(earlier)):
        text = _THERE.sub(" " + place, text, count=1).replace("  ", " ")
    if groups_in(text) or _IDLE_IT.search(text):
        return text.strip()
    group = _group_phrase(earlier)
    if group and _THING.search(text):
        text = _THING.sub(group, text, count=1)
    return text.strip()


# "What about Hawaii?", "and on boots?", "how about a jacket I bought 2 weeks ago?": the question before, asked of
# something else. Not "and can I return one?", which asks a question of its own.
_ELLIPSIS = re.compile(
    r"^\s*(?:(?:and|also|but|ok|okay|so)[,\s]+)*(?:(?:what|how)\s+about\s+|(?<=and )|(?<=also )|(?<=and, ))"
    r"(?P<subject>(?!(?:how|what|what's|whats|when|where|which|who|why|do|does|did|is|are|can|could|will|would"
    r"|should|may|i|you|we|it|that|this|there)\b)[^?!.,;:]+?)\s*[?!.]*\s*$",
    re.IGNORECASE,
)
_PREPOSITION = r"(?:to|on|for|in|from|into|with|at)"
# The last object of a preposition in the question before ("... deliver to an APO address", "warranty on tents").
_LAST_OBJECT = re.compile(rf"\b(?P<prep>{_PREPOSITION})\s+(?P<object>[^,;:?!.]+?)\s*[?!.]*\s*$", re.IGNORECASE)
# "Can I return earrings": who does what, before its object.
_HEAD = re.compile(
    r"^\s*(?P<head>(?:can|could|may|do|does|will|would|should|is|are)\s+(?:i|we|you)\s+[\w-]+)\s+\S", re.IGNORECASE
)
_NAMED = re.compile(r"\b(?!I\b)[A-Z]")


def _kind(text: str) -> str:
    """A place (a country, a region, a capitalised name such as "APO") or a thing ("tents", "a jacket I bought")."""
    from knowledge.answer import customer_countries

    return "place" if customer_countries(text) or _NAMED.search(text) else "thing"


# How many words an elliptic question naming a service level may have ("what about express shipping?").
SERVICE_WORDS = 3
# How many words the thing an elliptic question names may have ("a jacket I bought 2 weeks ago").
ELLIPSIS_WORDS = 10


def elliptic(question: str) -> bool:
    """Whether the question only names what the question before is now asked of ("What about Hawaii?")."""
    found = _ELLIPSIS.match(question)
    return found is not None and len(found.group("subject").split()) <= ELLIPSIS_WORDS


def completed(question: str, earlier: str) -> str:
    """An elliptic question asked in full, with the question before's words: "What about Hawaii?" after "Can you
    deliver to an APO address?" is "Can you deliver to Hawaii?"; "and on boots?" after "What's the warranty on
    tents?" is "What's the warranty on boots?". Unchanged when the question before has no object of the same kind
    to stand in for ("How long does shipping to Canada take? What about returns?" is about returns)."""
    found = _ELLIPSIS.match(question)
    if not found or not earlier.strip() or len(found.group("subject").split()) > ELLIPSIS_WORDS:
        return question
    subject = found.group("subject").strip()
    before = earlier.strip().rstrip("?!. ")
    level = service_in(subject)
    if level and len(subject.split()) <= SERVICE_WORDS:
        # "How long is delivery to Belgium? What about express?": the same question for the other service level.
        said = service_in(before)
        if said:
            return re.sub(rf"\b{said}\b", level, before, count=1, flags=re.IGNORECASE) + "?"
        return f"{before}, {level}?"
    prep = re.match(rf"(?P<prep>{_PREPOSITION})\s+(?P<rest>.+)$", subject, re.IGNORECASE)
    last = _LAST_OBJECT.search(before)
    if prep and last and last.group("prep").lower() == prep.group("prep").lower():
        if _kind(prep.group("rest")) == _kind(last.group("object")):
            return f"{before[: last.start()].rstrip()} {subject}?"
        return question
    if not prep and last and _kind(subject) == _kind(last.group("object")):
        return f"{before[: last.start('object')].rstrip()} {subject}?"
    head = _HEAD.match(before)
    if not prep and not last and head and _kind(subject) == _kind(before[head.end("head") :]):
        return f"{head.group('head')} {subject}?"
    return question

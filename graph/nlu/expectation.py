"""What the customer was led to expect, set against what happened: a deadline gone by, a promise not kept, a wait
worse than last time or than elsewhere.

Customers rarely say they are upset when a promise was broken; they state the two facts side by side ("The page said
2-3 days. It has been 11.", "Sie haben Freitag versprochen. Heute ist Mittwoch der Woche danach.") and let the reader
do the sum. This module does the sum: it reads an expectation (a promise, an estimate, a guarantee, the last order's
wait, another shop's) and the present (days elapsed, today's date, "nobody did", "still nothing"), and says whether
the present is past the expectation. The same two facts with the present inside the expectation ("it has been 2",
"today is the 19th" before "the 24th", "and they did") are calm: the sum comes out the other way.

English and German; numbers as digits or words. Pure functions of the text, so the emotion scores can weigh them.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "few": 3,
    "couple": 2, "several": 3, "ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
    "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "vierzig": 40, "dreißig": 30, "paar": 2,
    "einigen": 3, "mehreren": 3,
}  # fmt: skip
_UNIT_DAYS = {"hour": 1 / 24, "stunde": 1 / 24, "day": 1.0, "tag": 1.0, "werktag": 1.4, "week": 7.0, "woche": 7.0,
              "month": 30.0, "monat": 30.0, "business day": 1.4, "working day": 1.4}  # fmt: skip
_NUMBER = r"(?:\d+(?:\s*[-–]\s*\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = (
    r"(?:business\s+days?|working\s+days?|hours?|days?|weeks?|months?|werktage?n?|stunden?|tagen?|tage"
    r"|wochen?|monate?n?)"
)
_SPAN = re.compile(rf"\b({_NUMBER})\s+(?:more\s+|weitere\w*\s+)?({_UNIT})\b", re.IGNORECASE)
# Spans that mean "at once": the reference a slow order is held against.
_INSTANT = re.compile(
    r"\b(?:overnight|over\s+night|[üu]ber\s+nacht|same[\s-]day|next[\s-]day|am\s+selben\s+tag)\b", re.IGNORECASE
)

# An expectation somebody set: a promise, an estimate, a guarantee, what the page or a colleague said.
_EXPECTED = re.compile(
    r"\b(?:promis\w*|guarantee\w*|assured|estimated?|expected|due|supposed\s+to|meant\s+to|said|says|told|quoted"
    r"|arriving\s+today|versprochen|verspricht|zugesagt|garantiert\w*|voraussichtlich\w*|angek[üu]ndigt|angegeben"
    r"|sagte|gesagt|hie(?:ß|ss)\s+es|hei(?:ß|ss)t\s+es|stand|sollte)\b",
    re.IGNORECASE,
)
# The present, stated: how long it has been, what day it is.
# A bare number counts as days only after words that count days ("it has been 11", "we're on day 20"); after "after"
# or "seit" it needs its unit ("after 5" may be five o'clock).
_ELAPSED = re.compile(
    rf"\b(?:(?:it'?s\s+been|it\s+has\s+been|we'?re\s+on\s+day|now\s+on\s+day|day|es\s+sind(?:\s+jetzt)?"
    rf"|jetzt\s+sind\s+es|heute\s+ist\s+tag)\s+({_NUMBER})(?:\s+({_UNIT}))?"
    rf"|(?:been\s+waiting|seit|warte\s+ich\s+seit|after|nach|now|jetzt|already|schon)\s+(?:jetzt\s+|now\s+|for\s+)?"
    rf"({_NUMBER})\s+({_UNIT}))\b",
    re.IGNORECASE,
)
# The shop's word given: by the shop, its people or its pages, never the customer's own ("that's what I said").
_PROMISED = re.compile(
    r"\b(?:(?:you|your\s+(?:\w+\s+)?(?:colleague|agent|team|staff|chat|email|site|page|website|shop|store)|they|he|she"
    r"|(?:the|your)\s+(?:page|site|website|email|confirmation|chat|app|listing))\s+(?:\w+\s+){0,2}?"
    r"(?:promised|guaranteed|assured|told|said|says)|(?:i|we)\s+(?:was|were)\s+(?:\w+\s+){0,2}?(?:told|promised|assured)"
    r"|told\s+me|promised\s+me|(?:sagte|sagten|versprach|versprachen)\s+(?:mir|uns)|(?:Sie|Ihr\w*\s+\w+)\s+(?:\w+\s+)?sagte"
    r"|(?:wurde|hat|haben)\s+(?:mir|uns|man\s+mir)\s+(?:\w+\s+){0,6}(?:gesagt|versprochen|zugesagt|garantiert)"
    r"|(?:Sie|ihr)\s+haben\s+(?:mir\s+|uns\s+)?(?:\w+\s+){0,6}(?:gesagt|versprochen|zugesagt|garantiert|angegeben)"
    r"|(?:Seite|Website|Mail|E-Mail|Bestätigung)\s+(?:stand|sagte|hie(?:ß|ss)\s+es)|stand\s+auf\s+der\s+(?:Seite|Website)"
    r"|auf\s+der\s+(?:Seite|Website)\s+stand|versprochen|zugesagt)\b",
    re.IGNORECASE,
)
# A day of the month: "the 4th", "der 19.", "4th"; a bare "5" may be an hour.
_ORDINAL = r"(?:(?:the|der|den)\s+(\d{1,2})(?:st|nd|rd|th|\.)?|(\d{1,2})(?:st|nd|rd|th))"
_DUE_DATE = re.compile(
    rf"\b(?:was|were|by|for|on|until|bis\s+(?:zum|am)?|war|ist|is|f[üu]r|zum|am)\s+{_ORDINAL}(?!\s*(?:days?|weeks?|tage|wochen|\d))",
    re.IGNORECASE,
)
_TODAY = re.compile(
    rf"\b(?:today\s+is|today'?s|it'?s\s+(?:now\s+)?|it\s+is\s+(?:now\s+)?|now\s+it'?s|heute\s+ist|wir\s+haben\s+(?:heute\s+)?"
    rf"|inzwischen\s+ist)\s*{_ORDINAL}(?!\s*(?:days?|weeks?|tage|wochen|\d))",
    re.IGNORECASE,
)
_CHRISTMAS = re.compile(r"\b(?:before|by|for|vor|bis|zu)\s+(?:christmas|xmas|weihnachten)\b", re.IGNORECASE)
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag"
    r"|samstag|sonntag)"
)
# A day of the week gone by a whole week: "it's Wednesday of the following week", "heute ist Mittwoch der Woche danach".
_WEEK_LATER = re.compile(
    rf"\b(?:it'?s|it\s+is|today\s+is|now|heute\s+ist|jetzt\s+ist|wir\s+haben)\s+(?:now\s+|schon\s+)?{_WEEKDAY}\s+"
    r"(?:of\s+the\s+(?:following|next)\s+week|der\s+(?:woche\s+danach|folgewoche|n[äa]chsten\s+woche))\b",
    re.IGNORECASE,
)
# The time the expectation fell due, in the past: "the refund would be done last week", "three days ago".
_DUE_PAST = re.compile(
    rf"\b(?:last\s+(?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday"
    rf"|{_NUMBER}\s+{_UNIT}\s+ago|letzte\s+woche|letzten\s+monat|gestern|vorgestern|vor\s+{_NUMBER}\s+{_UNIT})\b",
    re.IGNORECASE,
)
# What happened instead, said as the end of the matter: nothing, nobody, never. "It hasn't arrived yet" is a delivery
# question the bot answers, not a promise given up on.
_NOT_KEPT = re.compile(
    r"\b(?:nobody\s+(?:did|has|called|came|rang|replied|answered)|no\s+one\s+(?:did|has|called|came|replied|answered)"
    r"|never\s+(?:did|was|were|got|came|arrived|happened|heard|called|showed)|still\s+(?:nothing|on\s+its\s+way)"
    r"|(?:gemeldet|angerufen|zur[üu]ckgerufen|geantwortet)\s+hat\s+(?:sich\s+)?(?:niemand|keiner)"
    r"|(?:niemand|keiner)\s+hat\s+sich|bis\s+heute\s+(?:nichts|nicht|kein\w*)|immer\s+noch\s+(?:nichts|unterwegs)"
    r"|nie\s+(?:angekommen|gekommen|bekommen|erhalten|passiert))\b",
    re.IGNORECASE,
)
# What was expected, kept: the sum comes out calm.
_KEPT = re.compile(
    r"\b(?:and\s+(?:they|it|she|he)\s+did|(?:which|as)\s+(?:it|they)\s+did|it\s+did\b|und\s+das\s+hat\s+(?:geklappt"
    r"|funktioniert)|hat\s+geklappt|(?:is|it'?s|ist|sind)\s+(?:only|just|erst|jetzt\s+erst)|so\s+far|next\s+week"
    r"|n[äa]chste\s+woche)\b",
    re.IGNORECASE,
)
# Held against an earlier case or another shop: "last time it took two days", "other shops deliver overnight".
_BEFORE = re.compile(
    r"\b(?:last\s+time|the\s+time\s+before|previously|(?:the|my)\s+previous\s+(?:order|one|delivery|parcel)|before|you\s+used\s+to|used\s+to|other\s+(?:shops|stores"
    r"|sites|retailers|companies)|(?:every|any)\s+other\s+(?:shop|store|site)|letztes\s+mal|beim\s+letzten\s+mal"
    r"|(?:die|meine)\s+vorherige\s+(?:bestellung|lieferung)"
    r"|fr[üu]her|sonst\s+immer|(?:bei\s+)?andere[nm]?\s+(?:shops|h[äa]ndler\w*|l[äa]den|firmen|anbieter\w*))\b",
    re.IGNORECASE,
)
_NOW = re.compile(
    r"\b(?:this\s+time|now|you\s+take|takes?\s+you|it\s+(?:takes|has\s+taken)|it'?s\s+been|diesmal|dieses\s+mal"
    r"|jetzt|nun|bei\s+(?:ihnen|euch)|warte\s+ich|seit)\b",
    re.IGNORECASE,
)
# Someone who ordered later was served first: "my friend ordered after me and already has hers".
_SERVED_FIRST = re.compile(
    r"\b(?:ordered|bestellt)\b[^.!?]{0,40}\b(?:after\s+me|nach\s+mir)\b[^.!?]{0,60}\b(?:already|schon|bereits|yesterday"
    r"|days\s+ago|last\s+week|gestern|letzte\s+woche|vor\s+\w+\s+tagen)\b",
    re.IGNORECASE,
)
# The bot's answer heard before: "told me exactly the same thing", "das Gleiche hat man mir ... gesagt".
_SAME_WORDS = re.compile(
    r"\b(?:(?:exactly\s+)?the\s+same(?:\s+thing)?|exactly\s+that|that'?s\s+what|(?:genau\s+)?(?:das\s+gleiche|dasselbe"
    r"|genau\s+das))\b",
    re.IGNORECASE,
)
# Words in quotes, not an apostrophe: "said 'arriving today'", not "hasn't".
_QUOTED = re.compile(r"(?<!\w)['\"‘“„]\w[^'\"’”“]{0,40}['\"’”“](?!\w)")
_ASKS = re.compile(r"\?|\b(?:can\s+you|could\s+you|k[öo]nnen\s+sie|k[öo]nnten\s+sie)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


# Days past a promised date from which the customer is kept waiting, not just a parcel a day or two late.
LATE_DAYS = 3


def _day_of(match: re.Match[str]) -> int:
    return int(next(group for group in match.groups() if group))


def _amount(number: str) -> float:
    number = number.lower().strip()
    if number in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[number])
    # "2-3 days": the upper bound is what was promised.
    return float(re.split(r"\s*[-–]\s*", number)[-1])


def _days(number: str, unit: str | None) -> float:
    unit = (unit or "day").lower()
    for name, days in _UNIT_DAYS.items():
        if unit.startswith(name) or unit.replace("tagen", "tag").startswith(name):
            return _amount(number) * days
    return _amount(number)


def _spans(text: str) -> list[tuple[int, float]]:
    """(position, days) of every length of time in `text`, "overnight" as one day."""
    found = [(m.start(), _days(m.group(1), m.group(2))) for m in _SPAN.finditer(text)]
    found += [(m.start(), 1.0) for m in _INSTANT.finditer(text)]
    return sorted(found)


# The shop's estimate held up in quotes, with no word saying whose it was: "Oh sure, 'two to three business days'."
_QUOTED_ESTIMATE = re.compile(
    rf"['\"‘“„](?:\w+\s+){{0,3}}?{_NUMBER}\s+(?:to\s+|bis\s+|or\s+|oder\s+)?(?:{_NUMBER}\s+)?{_UNIT}[^'\"’”“]{{0,20}}['\"’”“]",
    re.IGNORECASE,
)


def overdue(text: str) -> str | None:
    """The words by which the message says a promise or an estimate has gone by unkept, or None. A message that
    asks something ("it was due on the 4th, can you check?") still counts: the caller decides what a question weighs."""
    expected = _EXPECTED.search(text) or _QUOTED_ESTIMATE.search(text)
    if not expected or _KEPT.search(text):
        return None
    # From the start of the sentence that sets the expectation: German puts the verb last ("2-3 Tage versprochen").
    starts = [0, *(m.end() for m in _SENTENCE.finditer(text) if m.end() <= expected.start())]
    after = text[starts[-1] :]
    # A length promised, and a longer one gone by: "delivery in 2-3 days. It has been 11."
    promised = [days for _, days in _spans(after)[:1]]
    for match in _ELAPSED.finditer(after):
        if match.start() <= (_SPAN.search(after) or match).start():
            continue
        number, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        elapsed = _days(number, unit or None)
        if promised and elapsed > promised[0] * 1.5 and elapsed - promised[0] >= 2:
            return f"{expected.group(0)} … {match.group(0)}"
    # A date promised, and a later one today: "Estimated delivery was the 4th. Today is the 19th."
    due = _DUE_DATE.search(after)
    today = _TODAY.search(after)
    due_day = _day_of(due) if due else 25 if _CHRISTMAS.search(after) else None
    if today and due_day is not None and _day_of(today) - due_day >= LATE_DAYS:
        return f"{expected.group(0)} … {today.group(0)}"
    # A day promised, and the same day a week later: "by Friday. It's Wednesday of the following week."
    later = _WEEK_LATER.search(after)
    if later:
        return f"{expected.group(0)} … {later.group(0)}"
    # A person promised, and nothing came: "the refund would be done last week. Still nothing." An estimate not met
    # ("the tracking said Monday, nothing yet") is a late parcel.
    not_kept = _NOT_KEPT.search(after)
    if not_kept and _PROMISED.search(after):
        return f"{expected.group(0)} … {not_kept.group(0)}"
    past = _DUE_PAST.search(text)
    said_again = _QUOTED.search(text) or _SAME_WORDS.search(after)
    if past and past.start() > expected.start() and said_again and _PROMISED.search(text):
        # "The email said 'arriving today' three days ago", "you told me the same thing three weeks ago": the
        # promise quoted or said again, dated in the past.
        return f"{expected.group(0)} … {past.group(0)}"
    return None


# A faster service paid for is a promise bought: "I paid for next-day delivery", "für Express bezahlt".
_PAID_FOR = re.compile(
    r"\b(?:paid|pay|paying)\s+(?:extra\s+)?for\s+(?:the\s+)?(?:next[\s-]day|express|premium|priority|same[\s-]day"
    r"|expedited|fast|quick)\w*|(?:f[üu]r\s+)?(?:express|premium|priority|schnell)\w*\s+(?:\w+\s+){0,2}bezahlt"
    r"|bezahlt\s+f[üu]r\s+(?:den\s+)?(?:express|premium|schnell)\w*",
    re.IGNORECASE,
)
# What the customer got for it: days gone by, or the slow kind.
_GOT_SLOW = re.compile(
    r"\b(?:snail\s+mail|standard\s+(?:delivery|shipping|post)|schneckenpost|standardversand)\b", re.I
)
# Money held and nothing for it: "you have had my money for seven weeks", "Sie haben mein Geld seit sieben Wochen".
_MONEY_HELD = re.compile(
    rf"\b(?:(?:had|have|kept|holding|held)\s+my\s+money\s+for|(?:haben|hat|halten)\s+mein\s+Geld\s+(?:seit|schon\s+seit))"
    rf"\s+({_NUMBER})\s+({_UNIT})",
    re.IGNORECASE,
)


def paid_for_and_not_given(text: str) -> str | None:
    """A faster service paid for and not delivered ("I paid for next day delivery and it's been 6 days"), or the
    customer's money held for weeks with nothing for it; None otherwise."""
    paid = _PAID_FOR.search(text)
    if paid:
        rest = text[paid.end() :]
        slow = _GOT_SLOW.search(rest)
        if slow:
            return f"{paid.group(0)} … {slow.group(0)}"
        spans = [days for _, days in _spans(rest)] + [
            _days(m.group(1) or m.group(3), m.group(2) or m.group(4)) for m in _ELAPSED.finditer(rest)
        ]
        if spans and max(spans) >= 3:
            return paid.group(0)
    held = _MONEY_HELD.search(text)
    if held and _days(held.group(1), held.group(2)) >= 14:
        return held.group(0)
    return None


def promise_broken(text: str) -> str | None:
    """`overdue`, where the expectation was a promise somebody made ("you promised", "I was told", "the page said"),
    not an estimate ("estimated delivery was the 4th"): the customer was let down, not just kept waiting."""
    found = overdue(text)
    return found if found and _PROMISED.search(text) else paid_for_and_not_given(text)


def worse_than_before(text: str) -> str | None:
    """The words by which the message holds this case against an earlier one or another shop and finds it worse
    ("Last time it took two days. This time it's been two weeks."), or None. A question about this time ("How long
    will it take this time?") compares nothing yet."""
    served = _SERVED_FIRST.search(text)
    if served:
        return served.group(0)
    before = _BEFORE.search(text)
    if not before:
        return None
    rest = text[before.start() :]
    now = _NOW.search(rest, before.end() - before.start())
    if not now:
        return None
    reference = [days for pos, days in _spans(rest) if pos < now.start()]
    current = [days for pos, days in _spans(rest) if pos >= now.start()]
    if not reference or not current:
        return None
    tail = rest[now.start() :]
    if _ASKS.search(tail.split(".")[0] if "?" not in tail else tail):
        return None
    if max(current) >= 2 * max(reference) and max(current) - max(reference) >= 2:
        return f"{before.group(0)} … {now.group(0)}"
    return None

"""Which waiting request the customer wants done first: "do the payment switch first", "erst die Zahlung ändern".

With several requests under way one is proposed and the others wait in line, in the order the bot chose. The
customer may put a waiting one ahead ("before that, the address", "can we start with the exchange?", "zuerst die
Zahlung, dann der Umtausch"): a word of order beside the name of a request (graph.nlu.drops names requests by their
thing). The request named goes first; the one in hand is not dropped, it waits behind it.
"""

from __future__ import annotations

import re

from graph.nlu.drops import REQUESTS

# A word of order that puts what it is said with ahead ("the payment first", "start with the exchange", "erst die
# Zahlung"), or what comes after it behind ("the payment before the exchange": `_BEFORE`).
_FIRST = re.compile(
    r"\b(?:first(?:ly)?|start(?:ing)?\s+with|begin(?:ning)?\s+with|before\s+(?:that|this|anything(?:\s+else)?|you\s+do"
    r"|we\s+do)|prioriti[sz]e|erst(?!\s+(?:\d|gestern|heute|morgen|vorgestern|seit|vor|nach|am|um|im|in|letzt\w*|nächst\w*"
    r"|kürzlich|jetzt|später|wenn|sobald|als|dann|ab|bei)\b)|zuerst|zunächst|vorher|als\s+erst\w*|(?:anfangen|beginnen)\s+mit"
    r"|mit\s+(?:der|dem|den)\s+\w+\s+(?:anfangen|beginnen))\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(r"\b(?:before|ahead\s+of|vor)\s+(?=(?:the|my|der|dem|den)\b)", re.IGNORECASE)
# A request put ahead is named in a frame of asking for it done, and nothing else: the bare thing ("before that, the
# payment please", "erst die Zahlung"), or the thing with a verb of doing or starting it ("let's do the cancellation
# first", "could we start with the return?", "mit der Rückgabe beginnen"). What may stand beside it is a closed
# class: courtesy, a yes or a pause, the persons and modals of a request, those verbs, articles, the order's number.
# Any other word says something of its own: that a thing happened first ("I paid first with paypal"), or what they
# want to know first ("first tell me how long the cancellation refund takes", "before that, is the return free?").
_FRAME = re.compile(
    r"(?:\s|[,;.!?:\-–—'’]|#?[a-z]?\d+|\b(?:please|pls|kindly|ok(?:ay)?|yes|yeah|yep|sure|fine|but|and|so|also|oh|hmm+"
    r"|well|hold\s+on|wait|actually|just|rather|maybe|perhaps|instead|now|then|after(?:wards)?|later|next|right\s+away"
    r"|if\s+possible|change"
    r"|i(?:'d|\s+would|'ll|\s+will)?|i'm|we(?:'d|\s+would)?|you|let'?s|let\s+us|can|could|would|will|shall|should|may"
    r"|want(?:\s+to)?|wanna|like\s+to|prefer(?:\s+to)?|need\s+to|go\s+ahead\s+with|proceed\s+with|move\s+on\s+to"
    r"|do|doing|done|handle|handling|take\s+care\s+of|deal\s+with|process|sort\s+out|get|go\s+with|put"
    r"|the|my|that|this|it|one|order|of|on|for|to|with"
    r"|bitte|ja|aber|und|also|moment|mal|lieber|gern[e]?|doch|jetzt|dann|danach|später|anschließend|änderung|ich|wir|sie|lass|lasst|lassen|uns"
    r"|möchte|möchten|würde|würden|will|wollen|können|könnten|kann|bitte|machen|mache|erledigen|bearbeiten"
    r"|die|der|den|dem|das|des|meine?[rnms]?|diese[rnms]?|bestellung|mit|von|für)\b)*",
    re.IGNORECASE,
)
# Asking to be told something, in any clause of the message, asks for an answer first, not for another request.
_WANTS_TO_KNOW = re.compile(
    r"\b(?:tell\s+me|let\s+me\s+know|(?:need|want|like|have)\s+to\s+know|wondering|wonder|explain|quick\s+question"
    r"|question|sag(?:en\s+sie)?\s+mir|erklär\w*|wissen|frage)\b",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"[,;.!?:]+|\s[-–—]+\s|\s+(?:and\s+)?then\s+|\s+(?:und\s+)?dann\s+", re.IGNORECASE)
_NAMED = {intent: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for intent, words in REQUESTS.items()}


def _named_in(clause: str) -> list[tuple[int, str]]:
    """The requests a clause names, by where they are named."""
    return sorted((found.start(), intent) for intent, pattern in _NAMED.items() if (found := pattern.search(clause)))


def _in_a_frame(clause: str) -> bool:
    """The clause asks for the requests it names, and says nothing else."""
    bare = _FIRST.sub(" ", _BEFORE.sub(" ", clause))
    for pattern in _NAMED.values():
        bare = pattern.sub(" ", bare)
    return _FRAME.fullmatch(bare) is not None


def put_first(text: str) -> str | None:
    """The request (by intent) the message asks to be done before the others, or None: the one named in the clause
    of the word of order ("do the payment switch first, then the exchange"), or in the clause after a word of order
    said alone ("before that, the address change"); with "before the ..." only what is named ahead of it."""
    if _WANTS_TO_KNOW.search(text):
        return None
    clauses = [clause for clause in _CLAUSES.split(text) if clause and clause.strip()]
    for index, clause in enumerate(clauses):
        order = _FIRST.search(clause) or _BEFORE.search(clause)
        if order is None:
            continue
        named = _named_in(clause)
        if _BEFORE.match(clause, order.start()):
            named = [(at, intent) for at, intent in named if at < order.start()]
        framed = _in_a_frame(clause)
        if not named and index + 1 < len(clauses) and not re.sub(r"\W+", "", clause[order.end() :]):
            named = _named_in(clauses[index + 1])
            framed = _in_a_frame(clauses[index + 1])
        if named and framed:
            return named[0][1]
    return None

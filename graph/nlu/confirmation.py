"""A reply to a proposal that waits for a yes: does it say yes, with whatever else the customer adds?

The intent model reads a message on its own, and a long reply ("yep that's the one, refund to the gift card is fine,
go ahead") looks like a request, not an answer. At a pending confirmation the question is narrower: does some clause
of the reply give the yes, and does no clause take it back? Clauses are read one by one, so a yes buried after a
complaint ("5-7 days is so long though, ugh. go ahead") still counts, and "yes... actually wait" does not.

What the reply changes (another payment method, another colour) and whether it asks something are read by the
caller: those keep the proposal from running even when a yes is in the words.
"""

from __future__ import annotations

import re

from graph.nlu.segment import sentences

# The words shared by the readers of a reply's no or wait (here and in graph.llm.dialogue.proposal_facts): a no ("no",
# "nope", "nein"), the sound a reply may open with before it ("oh, no", "hm, wait"), and a wait ("hold on", "warte").
NO_WORD = r"(?:no(?:pe)?|nah|nein)"
OPENING_SOUND = r"(?:(?:oh|hm+|um+|well|ok(?:ay)?)[\s,]+)?"
WAIT_WORDS = r"wait|hold\s+on|hang\s+on|warte\w*"

_CLAUSES = re.compile(r"[.,;:!\n]+|\s+(?:and|but|so|then|und|aber|dann)\s+", re.IGNORECASE)

# A clause that gives the yes: it opens with a clear yes ("yes", "yep", "ja"), or is nothing but a short assent
# ("ok", "sure", "fine" alone: "ok never mind" or "sure, let me check first" opens with one and means something
# else), or says "do it" in one of the ways people do.
_STRONG_YES = re.compile(
    r"^\s*(?:(?:ok|okay|alright|well|oh|so|right|hm+|um+|ah)[\s,!.]+)?(?:yes|yeah|yea|yep|yup|ya|absolutely|definitely|of\s+course|confirm(?:ed)?|ja|jawohl|genau|gerne"
    r"|einverstanden|richtig|oui|s[ií])\b",
    re.IGNORECASE,
)
_SHORT_ASSENT = re.compile(
    r"^\s*(?:ok|okay|k|alright|all\s+right|sure|fine|good|great|perfect|correct|klar|passt(?:\s+so)?|gut)"
    r"(?:\s+(?:then|so|please|thanks|thank\s+you|bitte|danke))?\s*$",
    re.IGNORECASE,
)
_DO_IT = re.compile(
    r"\b(?:go\s+ahead|go\s+for\s+it|do\s+it|please\s+do|proceed|please\s+proceed|let'?s\s+do\s+(?:it|that)"
    r"|i\s+confirm|sounds\s+(?:good|great|right|fine)|that\s+works|works\s+for\s+me"
    r"|(?:that'?s|that\s+is|this\s+is)\s+(?:the\s+one|right|correct|fine|good|ok(?:ay)?|perfect|it)"
    r"|mach\s+(?:das|es)|bitte\s+(?:ausführen|machen)|leg\s+los|in\s+ordnung"
    # "that'd be great", "das wäre super": the wish for it said as how good it would be, as the whole clause ("that
    # would be helpful to know before I decide", "that'd be perfect if..." say something else).
    r"|(?:that(?:'?d|\s+would)\s+be\s+(?:(?:really|very|so|super|most|extremely)\s+)?(?:great|good|helpful|nice|lovely"
    r"|perfect|fine|ideal|brilliant|best|awesome)|i'?d\s+appreciate\s+(?:it|that)|(?:das\s+)?w[äa]re\s+(?:(?:echt|sehr"
    r"|wirklich|total)\s+)?(?:super|gut|toll|nett|prima|klasse|hilfreich|perfekt|sch[öo]n)|klingt\s+(?:gut|super|prima))"
    r"(?=\W*(?:thanks|thank\s+you|please|danke|bitte)?\W*$))\b",
    re.IGNORECASE,
)
# Anywhere in the reply, what holds the yes back: a no, a wait, a change of mind, a "later", a change ("instead").
_HOLDS_BACK = re.compile(
    r"\b(?:no(?!\s+(?:problem|worries|rush|hurry|issue|longer))|nope|nah|nein|not|don'?t|do\s+not|wait|hold\s+on"
    r"|hang\s+on|hold\s+off|stop|actually|instead|rather|never\s*mind|forget\s+(?:it|that|about)|cancel\w*"
    r"|leave\s+it|later|think\s+(?:about|it\s+over)|check\s+with|get\s+back|changed\s+my\s+mind"
    r"|on\s+second\s+thought|keep\s+it|i'?ll\s+keep|wrong|twice|moment|warte\w*|halt|doch\s+nicht"
    # "Helmet is right, but before you do it, I also want...": the "do it" is put off, not given.
    r"|before\s+(?:you|we|that|this|doing|going|proceeding|confirming|i\s+(?:say|confirm))|bevor|vorher"
    # "yes, the price is fine but the colour...": a reservation about the thing itself holds the yes back.
    r"|but\s+(?:the|its?|that|this|i'?m|i\s+(?:think|guess|wonder))"
    # "yes, if it's the cheaper one", "ok unless it costs more": a yes on a condition is no yes yet.
    r"|if|unless|provided|wenn|falls|sofern|to\s+know|zu\s+wissen|gewesen"
    # ... said with a time or a term: "yes once the other order ships", "as long as shipping is free", "assuming the
    # label is free", "yes when you get it back", "sobald das Paket da ist".
    r"|once|after|as\s+long\s+as|so\s+long\s+as|assuming|on\s+condition|only\s+when|when\s+(?:you|it|the|my|i|we)"
    r"|sobald|solange|vorausgesetzt|nachdem|unter\s+der\s+bedingung"
    # ... or for more than was shown: "yes, for both orders", "für beide".
    r"|for\s+both|both\s+(?:orders|of\s+(?:them|my\s+orders))|all\s+(?:of\s+)?my\s+orders|für\s+beide"
    r"|lieber|nicht|noch\s+nicht|später|stattdessen|abbrechen|storn\w*)\b",
    re.IGNORECASE,
)


_CANCELLING = re.compile(r"cancel\w*|storn\w*|abbrechen", re.IGNORECASE)

# Why the thing goes, said beside the yes to a proposal that takes it away (a cancellation, a return): "yes, I don't
# need it anymore", "cancel it, I no longer want them", "I'd rather not get it at all", "ja, ich brauche sie nicht
# mehr". Its negation is scoped to that clause: it says why, it turns nothing down.
_TAKES_THE_THING_AWAY = frozenset({"cancel_order", "return_items"})
# The thing, never the act or its money: "I don't want the refund on paypal" is about the proposal, not the thing.
_NOT_THE_ACT = (
    r"(?!(?:refund|money|return|cancel|exchange|label|credit|payment|change|voucher|gift|rückerstattung|erstattung"
    r"|storn|rücksend|zahlung|gutschrift|umtausch)\w*\b)"
)
_NO_LONGER_WANTED = re.compile(
    r"\b(?:(?:do\s+not|don'?t|dont|no\s+longer|not)\s+(?:really\s+|even\s+)?(?:want|need|use|like)\s+"
    # ("I don't want that" alone may be the proposal not wanted: "that" counts only with "anymore".)
    rf"(?:it|them|these|those|the\s+{_NOT_THE_ACT}\w+|my\s+{_NOT_THE_ACT}\w+|any\s+of\s+(?:it|them)"
    r"|(?:this|that)(?=\s+any\s*more|\s+at\s+all))"
    r"|(?:would|'d)\s+rather\s+not\s+(?:get|receive|have|keep)\s+"
    rf"(?:it|them|this|that|the\s+{_NOT_THE_ACT}\w+)"
    r"|(?:it'?s|they'?re|it\s+is|they\s+are)\s+(?:not|no\s+longer)\s+(?:needed|wanted)"
    r"|(?:brauche|will|möchte|benötige|nutze|mag)\s+(?:ich\s+)?"
    rf"(?:es|sie|ihn|das|(?:die|den|das)\s+{_NOT_THE_ACT}\w+)\s+"
    r"(?:doch\s+|eh\s+|gar\s+)?nicht\s+mehr|nicht\s+mehr\s+(?:nötig|gebraucht|benötigt|gewollt))\b"
    r"(?:\s+(?:any\s*more|any\s+longer|at\s+all|after\s+all))?"
    # ... and it ends its clause: what follows the thing would say what is not wanted of it ("I don't want it
    # cancelled", "I don't want the boots returned", "ich will sie nicht mehr zurückschicken"): a no to the act.
    r"(?=\s*(?:$|[,.;:!?)\-–—]|(?:and|so|because|cause|since|as|but|anyway|though|thanks?|thank|please|now"
    r"|honestly|really|actually|i|we|denn|weil|und|aber|also|danke|bitte|jetzt|eh|sowieso|ich|wir)\b))",
    re.IGNORECASE,
)
# Haste, which urges the act on: "do it, I don't want to wait", "can't wait any longer", "ich will nicht warten".
_IN_A_HURRY = re.compile(
    r"\b(?:(?:do\s+not|don'?t|dont)\s+want\s+to\s+wait|can'?t\s+wait|cannot\s+wait|(?:will|möchte)\s+nicht\s+"
    r"(?:länger\s+)?warten)\b(?:\s+(?:any\s*more|any\s+longer|longer))?",
    re.IGNORECASE,
)


def says_why_it_goes(text: str, action: str) -> list[tuple[int, int]]:
    """Where the reply says why the proposal's act is wanted (the thing no longer wanted, at a proposal that takes it
    away; haste, at any): spans whose no or not turns nothing down."""
    spans = [(m.start(), m.end()) for m in _IN_A_HURRY.finditer(text)]
    if action in _TAKES_THE_THING_AWAY:
        spans += [(m.start(), m.end()) for m in _NO_LONGER_WANTED.finditer(text)]
    return spans


def _clauses(text: str) -> list[str]:
    return [clause.strip() for clause in _CLAUSES.split(text) if clause and clause.strip()]


# "If" about whether money is owed at all, followed by nothing but the method to use ("yes, and if anything needs
# charging use my card", "if there's a difference, PayPal"): where the money would go, a detail of the proposal read
# by its own check (a method other than the proposal's is a correction, put again), not a condition on the yes. Any
# other word after it is a condition on the money ("if any charge is under $20", "if a refund comes back to me", "if
# anything is owed tell me the amount first"): the yes waits, and we ask again.
_IF_MONEY_IS_OWED = re.compile(
    r"if\s+(?:there(?:'s|\s+is|\s+are)\s+)?(?:anything|something|any|some|a)\b[^,.;!?]{0,30}?"
    r"\b(?:charg\w*|pay\w*|paid|owed?|due|refund\w*|difference)\b"
    r"|if\s+(?:i|we)\s+owe\b"
    r"|(?:falls|wenn)\s+(?:es\s+)?(?:etwas|was|irgendwas|eine?)\b[^,.;!?]{0,30}?\b(?:zu\s+zahlen|zahl\w*|bezahl\w*"
    r"|fällig|berechnet|erstatt\w*|differenz|aufpreis)(?:\s+(?:ist|sind|wird|werden|gibt))?",
    re.IGNORECASE,
)
# What may stand beside the method after such an "if": the rest of the if-clause ("is owed", "needs charging") and
# the words that point the money at the method ("use", "put it on", "take it from my", "as shown"). No amount, no
# time, no person, no wish about the money.
_ONLY_THE_METHOD_WORDS = frozenset(
    re.findall(
        r"\S+",
        "there is are anything any a difference left remaining owed due charged charging charge needs need needed "
        "to be comes up then just please use put it on onto go goes with via my the that card account ending "
        "thanks thank you file can could should will take from send sent back as shown listed proposed said fine ok "
        "bitte mit über auf per meiner meine meinen die der den fällig anfällt ist sind wird werden",
    )
)


def _names_only_a_method(rest: str) -> bool:
    """The words after an "if" about money, up to the sentence's end, name a method to use and say nothing else."""
    clause = re.split(r"[.;!?\n]", rest, maxsplit=1)[0]
    if not _PAYMENT_WORDS.search(clause):
        return False
    left = _PAYMENT_WORDS.sub(" ", clause)
    left = re.sub(r"\b(?:(?:ending|ends)\s+(?:in\s+|with\s+)?\d+|\d{4})\b", " ", left, flags=re.IGNORECASE)
    return all(word in _ONLY_THE_METHOD_WORDS for word in re.findall(r"[\w']+", left.lower()))


# Beside a yes, a clause that says no more than where the money goes ("if anything gets charged use my credit card",
# "charge it to my visa", "aber bitte über PayPal"): a detail of the proposal, read against it by the correction
# reader (another method than proposed is put again with it), never a request of its own to go on with afterwards.
_POINTS_THE_MONEY = re.compile(
    r"^\W*(?:(?:and|but|also|just|please|und|aber|auch|bitte)\W+)*"
    r"(?:(?:charge|refund|bill|pay|put|send|use|take|go|goes)\b|(?:über|auf|mit|per|via|to|on|onto|with)\s)",
    re.IGNORECASE,
)
_THE_MONEY_WORDS = _ONLY_THE_METHOD_WORDS | frozenset(
    re.findall(r"\S+", "charge refund refunded bill pay paid money difference and but also aber und auch")
)


def only_says_where_money_goes(text: str) -> bool:
    """The words name a payment method to use for whatever money the proposal moves, and say nothing else."""
    rest = text.strip()
    if (owed := _IF_MONEY_IS_OWED.search(rest)) and not re.search(r"\w", rest[: owed.start()].replace("and", "")):
        rest = rest[owed.end() :]
    elif not _POINTS_THE_MONEY.match(rest):
        return False
    if not _PAYMENT_WORDS.search(rest) or re.search(r"[.;!?\n]\s*\w", rest):
        return False
    left = _PAYMENT_WORDS.sub(" ", rest)
    left = re.sub(r"\b(?:(?:ending|ends)\s+(?:in\s+|with\s+)?\d+|\d{4})\b", " ", left, flags=re.IGNORECASE)
    return all(word in _THE_MONEY_WORDS for word in re.findall(r"[\w']+", left.lower()))


_ON_A_CONDITION = re.compile(r"if|unless|provided|wenn|falls|sofern", re.IGNORECASE)


def holds_back(text: str, action: str = "") -> bool:
    """Something in the reply takes the yes back or puts it off ("ok never mind", "sure, let me check with my wife
    first", "yes but ship it to my office instead"). Naming the proposal's own act is no holding back: "yes, please
    cancel it" to a cancellation."""
    return bool(_held_back_by(text, action))


# A clause of thanks for what we did ("thanks for asking before doing it", "I appreciate you checking first",
# "danke fürs Nachfragen"): its words of time ("before", "after", "once", "when you") tell what we did, they put
# nothing off. Any other word in it (a no, a wait, an "if") still holds the yes back.
_THANKS_FOR = re.compile(
    r"^\s*(?:(?:and|also|oh|ok(?:ay)?)\s+)?(?:(?:many|much|big|great)\s+)?(?:thanks?|thank\s+you|thx|ty|cheers"
    r"|(?:i\s+)?(?:really\s+|do\s+|truly\s+)?appreciate|danke|vielen\s+dank)\b"
    r"(?:\s+(?:so|very)\s+much|\s+a\s+lot)?\s+(?:you\s+|it\s+|that\s+)?(?:(?:for|f[üu]rs?|f[üu]r\s+das)\s+)?"
    # ... for the asking or checking, which is what we did: thanks "for doing it after Friday" thanks for a term of
    # the act, which is no yes now.
    r"(?:(?:double[-\s]?)?check(?:ing)?|asking|confirming|verifying|making\s+sure|nachfragen|nachzufragen"
    r"|fragen|prüfen|überprüfen|bestätigen|absichern)\b",
    re.IGNORECASE,
)
_WORDS_OF_TIME = re.compile(r"(?:before|after|once|when|bevor|vorher|nachdem)\b", re.IGNORECASE)


# Clauses as read for thanks: a dash sets one off too ("yes - thanks for asking before you do it").
_THANKS_CLAUSES = re.compile(rf"{_CLAUSES.pattern}|\s[-–—]+\s", re.IGNORECASE)


def _thanks_spans(text: str) -> list[tuple[int, int]]:
    """Where the reply's clauses of thanks stand."""
    spans, start = [], 0
    for boundary in [*_THANKS_CLAUSES.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        if _THANKS_FOR.match(text[start:end]):
            spans.append((start, end))
        start = boundary.end() if boundary else len(text)
    return spans


# A clause that asks to be assured the act is done ("make sure it's actually cancelled", "please confirm once it's
# done", "let me know when it went through", "stell sicher, dass es wirklich storniert ist"): no condition on the
# yes but part of it, answered by the result we report. Its words of time and its "actually" say when or how surely
# they hear of the act, they put nothing off; any other word in it (a no, a wait, an "if") still holds the yes back.
_ASSURANCE = re.compile(
    r"^\s*(?:(?:and|also|oh|ok(?:ay)?|just|then|please|bitte|und|dann|auch)\s+)*"
    r"(?:make\s+sure|ensure|be\s+sure|double[-\s]?check|(?:please\s+)?confirm(?:\s+(?:to\s+me|for\s+me))?"
    r"|let\s+me\s+know|tell\s+me|(?:send|give)\s+me\s+(?:a\s+)?(?:confirmation|note|message)"
    r"|stell\w*\s+sicher|sorg\w*\s+(?:bitte\s+)?dafür|bestätig\w*(?:\s+mir)?|sag\w*\s+mir|gib\s+mir\s+bescheid)\b",
    re.IGNORECASE,
)
# ... and of the words that hold a yes back, those such a clause may carry: a time or a "really" whose own predicate
# is the act being done ("once it's done", "when it went through", "actually cancelled", "sobald es erledigt ist").
# Said of anything else ("once my replacement has shipped", "after Friday", "once I have checked with my wife"), it
# puts the act off, and the yes waits.
_ASSURED_WORDS = re.compile(
    r"(?:actually|really|definitely|once|after|when\s+(?:you|it|the|my|i|we)|sobald|nachdem|wirklich|tatsächlich)",
    re.IGNORECASE,
)
_THE_ACT_DONE = re.compile(
    r"(?:actually|really|definitely|once|after|when|sobald|nachdem|wirklich|tatsächlich)"
    # ... its subject, the act or the thing it is done to, or us doing it ...
    r"(?:\s+(?:(?:it|that|this|they|everything|all|the\s+(?:order|cancellation|change|exchange|return|refund|swap)"
    r"|es|das|sie|alles|die\s+(?:bestellung|stornierung|änderung))(?:'s|'re|\s+is|\s+are|\s+has|\s+have|\s+was"
    r"|\s+were|\s+gets|\s+got)?|you(?:'ve|'re|\s+have|\s+are)?)(?:\s+been)?)?"
    r"(?:\s+(?:actually|really|definitely|fully|properly|wirklich|tatsächlich|auch))?"
    # ... and the act done, nothing else, to the end of its clause.
    r"\s+(?:done|through|gone\s+through|went\s+through|goes\s+through|processed|complete[d]?|finished"
    r"|cancell?ed|returned|exchanged|changed|swapped|updated|erledigt|storniert|durch|durchgegangen|durchgeht"
    r"|bearbeitet|abgeschlossen|geändert|umgetauscht)"
    r"(?:\s+(?:it|them|ist|sind|wurde|wurden|hat|haben|wird))?(?=\s*(?:[,.!?;\n]|$|and\b|und\b|please\b|bitte\b"
    r"|thanks?\b|danke\b))",
    re.IGNORECASE,
)
# What puts the act itself off inside such a clause, whatever its time says: "make sure it is only cancelled once ...",
# "stell sicher, dass sie erst storniert wird", "not until", "then do it".
# ("Only" puts it off with a time after it: "make sure only the kettle is changed" is an assurance.) Such a clause
# holds the yes back even with no other word of time ("stell sicher, dass es erst nach dem Wochenende passiert").
_PUTS_THE_ACT_OFF = re.compile(
    r"\b(?:(?:only|nur)\b(?:\s+\S+){0,4}?\s+(?:once|after|when|on|at|from|by|tomorrow|next|sobald|nachdem|wenn|am|ab"
    r"|nach|morgen)|not\s+(?:until|till|before)|until|till|erst|then\s+(?:do|go|cancel|proceed))\b",
    re.IGNORECASE,
)


def _assured_of_the_act(text: str, at: int, span: tuple[int, int]) -> bool:
    """The word at `at`, inside an assurance clause, says when or how surely they hear of the act done, and nothing in
    the clause puts the act off."""
    start, end = span
    return bool(_THE_ACT_DONE.match(text, at)) and not _PUTS_THE_ACT_OFF.search(text, start, end)


def _assurance_spans(text: str) -> list[tuple[int, int]]:
    """Where the reply's clauses asking to be assured the act is done stand, each to the end of its sentence (what
    they want to hear of may follow in a clause of its own: "bestätige mir bitte, sobald es erledigt ist")."""
    spans, start = [], 0
    for boundary in [*_THANKS_CLAUSES.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        if _ASSURANCE.match(text[start:end]):
            sentence_end = re.compile(r"[.!?;\n]").search(text, end)
            spans.append((start, sentence_end.start() if sentence_end else len(text)))
        start = boundary.end() if boundary else len(text)
    return spans


def asks_to_be_assured(text: str) -> bool:
    """Some clause of the reply asks to be assured the act is done ("and make sure it really goes through")."""
    return bool(_assurance_spans(text))


def _held_back_by(text: str, action: str) -> list[str]:
    """The words that hold the yes back."""
    held: list[str] = []
    thanks = _thanks_spans(text)
    assured = _assurance_spans(text)
    why = says_why_it_goes(text, action)
    for found in _HOLDS_BACK.finditer(text):
        if action == "cancel_order" and _CANCELLING.fullmatch(found.group(0)):
            continue
        if _WORDS_OF_TIME.match(found.group(0)) and any(a <= found.start() < b for a, b in thanks):
            continue
        if any(start <= found.start() < end for start, end in why):
            continue  # "yes, I don't need it anymore": why it goes, not a no
        if _ASSURED_WORDS.fullmatch(found.group(0)) and any(
            a <= found.start() < b and _assured_of_the_act(text, found.start(), (a, b)) for a, b in assured
        ):
            continue  # "and make sure it's actually cancelled": how surely they hear of it, no holding back
        if (
            found.group(0).lower() in ("if", "falls", "wenn")
            and (money := _IF_MONEY_IS_OWED.match(text, found.start()))
            and _names_only_a_method(text[money.end() :])
        ):
            continue
        held.append(found.group(0))
    held += [off.group(0) for a, b in assured if (off := _PUTS_THE_ACT_OFF.search(text, a, b))]
    return held


def gives_a_yes_on_a_condition(text: str, action: str = "") -> bool:
    """A yes held back by nothing but a condition ("ok, if any charge is under $20", "yes unless it costs more"): a
    yes to the proposal not given yet, which is put again (the reply moved nowhere else)."""
    held = _held_back_by(text, action)
    return (
        bool(held)
        and all(_ON_A_CONDITION.fullmatch(word) for word in held)
        and any(_STRONG_YES.search(c) or _SHORT_ASSENT.search(c) or _DO_IT.search(c) for c in _clauses(text))
    )


# The proposal's own act, asked for again in so many words ("please exchange it for that one", "return them
# please", "bitte stornieren"): a yes to that proposal. By the write proposed.
_ACT_VERBS = {
    "cancel_order": r"cancel|storn\w*",
    "return_items": r"return|send\s+(?:it|them)\s+back|zurückschicken|retournieren",
    "exchange_items": r"exchange|swap|replace|umtauschen|tauschen",
    "modify_order_items": r"change|swap|switch|exchange|modify|ändern|tauschen",
    "modify_order_address": r"change|update|ship|send|ändern",
    "modify_default_address": r"change|update|ändern",
    "modify_order_payment": r"change|switch|pay|charge|ändern",
}


# After the verb, only what points back at the proposal: "it", "them", "for that one", "please". A word more ("return
# the jacket" to a proposal of two items, "swap it for the bigger one") may change what is done: not a yes.
_BACK_AT_THE_PROPOSAL = (
    r"(?:\s+(?:it|them|this|that|these|those|everything|all(?:\s+of\s+(?:it|them))?|es|sie|das))?"
    r"(?:\s+(?:for|to|with|into)\s+(?:that|this|the)\s+one)?"
    r"(?:\s+(?:please|now|then|thanks|thank\s+you|for\s+me|as\s+(?:you\s+)?(?:said|proposed|listed|shown)|bitte))*\s*$"
)


def _asks_for_the_act(clause: str, action: str) -> bool:
    verbs = _ACT_VERBS.get(action)
    # "please do cancel it", "ja, bitte stornieren": an emphatic "do" is part of the asking ("don't" is not).
    opening = (
        r"^\s*(?:(?:please|bitte|just|then|so|ok(?:ay)?|do|yes|yeah|yep|yup|sure|ja)[\s,!.]+)*(?:go\s+ahead\s+and\s+)?"
    )
    return bool(verbs) and bool(re.match(rf"{opening}(?:{verbs}){_BACK_AT_THE_PROPOSAL}", clause, re.IGNORECASE))


def asks_for_the_act_at(text: str, position: int, action: str) -> bool:
    """The clause of `text` around `position` asks for the proposal's own act and for nothing more ("ok go ahead
    and cancel it" at a cancellation): words found there that would otherwise turn something down name the act."""
    start = 0
    # (A dash ends a clause too: "ok cancel it - that's the one with the glass lid, right?".)
    for boundary in _THANKS_CLAUSES.finditer(text):
        if boundary.start() > position:
            return _asks_for_the_act(text[start : boundary.start()], action)
        start = boundary.end()
    return _asks_for_the_act(text[start:], action)


# A reply that only takes in what it was told: "ok thanks", "got it", "alright, thanks", "I see", "alles klar, danke".
# Right after an answer to their question it acknowledges the answer; it says nothing of the proposal asked again.
_ACKNOWLEDGES = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|k|alright|all\s+right|cool|great|good|fine|nice|perfect|i\s+see|got\s+(?:it|that)|gotcha"
    r"|understood|makes\s+sense|noted|(?:many\s+)?thanks?(?:\s+(?:a\s+lot|so\s+much|very\s+much))?"
    r"|thank\s+you(?:\s+(?:so|very)\s+much|\s+a\s+lot)?|thx|ty|cheers|ah|oh|right"
    r"|danke(?:\s+(?:schön|sehr))?|vielen\s+dank|alles\s+klar|verstehe|verstanden|ach\s+so|gut)\W*)+$",
    re.IGNORECASE,
)


def only_acknowledges(text: str) -> bool:
    """The reply is nothing but an acknowledgement ("ok, got it"): no yes of its own ("yes", "go ahead", "do it")."""
    return bool(_ACKNOWLEDGES.match(text.strip()))


def gives_a_yes(text: str, action: str = "") -> bool:
    """Some clause says yes, or asks for the proposal's own act, and nothing in the reply holds it back."""
    if holds_back(text, action):
        return False
    return any(
        _STRONG_YES.search(clause)
        or _SHORT_ASSENT.search(clause)
        or _DO_IT.search(clause)
        or _asks_for_the_act(clause, action)
        for clause in _clauses(text)
    )


# A question about the customer's own payment methods ("which cards do I have on file?", "is the visa ending 7285 my
# credit card?", "what did I pay with?"), as opposed to a request to use one ("refund it to my visa instead").
_PAYMENT_WORDS = re.compile(
    r"\b(?:payment\s+methods?|pay(?:ment)?|paid|cards?|credit\s+card|debit\s+card|gift\s*cards?|paypal|visa"
    r"|mastercard|amex|zahlungs\w*|karten?|kreditkarte|bezahlt)\b"
    # A method by its id, as the shop's records name it ("gift_card_9368765").
    r"|\b(?:credit_card|debit_card|gift_card|paypal|apple_pay|bank_account)_\d+\b",
    re.IGNORECASE,
)
_ASKS_WHICH = re.compile(
    r"\b(?:which|what)\b.*\b(?:have|got|on\s+file|saved|paid|pay|use[d]?|account)\b"
    r"|\b(?:do|did)\s+i\s+(?:have|pay|use)\b|\bon\s+file\b"
    r"|\bwhich\s+(?:of\s+(?:my|the|these|those)(?:\s+\w+){1,2}|(?:\w+\s+)?(?:one|card|method))\b.{0,40}"
    r"\b(?:is|was|has)\b"
    r"|^\s*(?:(?:um+|uh+|hm+|oh|ok(?:ay)?|so|and|but|well|sorry|wait)[\s,.]+)*(?:is|was|are|isn'?t)\b.*"
    r"\b(?:my|mine|the\s+one|what|which|on\s+file)\b|\bbalance\b"
    r"|\b(?:welche|womit|habe\s+ich|ist\s+(?:das|die|es))\b",
    re.IGNORECASE,
)
_USE_INSTEAD = re.compile(
    r"\b(?:instead|switch|change|use\s+(?:my|the)|put\s+it|refund\s+(?:it\s+)?to|charge\s+(?:it\s+)?to|send\s+it\s+to"
    r"|can\s+you|could\s+you|please|stattdessen|lieber|bitte)\b",
    re.IGNORECASE,
)


# "Can you list my payment methods?", "show me the cards on my account": a request for the list is a question too.
_LIST_ASK = re.compile(
    r"\b(?:list|show|tell|remind|read\s+out|go\s+through|zeig\w*|nenn\w*|auflist\w*)\b.{0,40}"
    r"\b(?:payment\s+methods?|(?:credit\s+|debit\s+|gift\s*)?cards|zahlungs\w*|karten)\b",
    re.IGNORECASE,
)


# "What other refund options do I have?", "where can the money go?": where money may go is a question about their
# payment methods too, asked in terms of the refund.
_WHERE_MONEY_MAY_GO = re.compile(
    r"\b(?:options?|choices?|(?:other|another|different)\s+ways?|methods?|somewhere\s+else|what\s+other"
    r"|which\s+(?:card|account|method|payment)|where\s+(?:can|could|would|will|should|do|does|else))"
    r"\b.{0,40}\b(?:refund\w*|money\s+back|reimburs\w*|erstattung\w*)\b"
    r"|\b(?:refund\w*|the\s+money|reimburs\w*)\b.{0,30}\b(?:be\s+sent\s+(?:to|somewhere)|go\s+(?:somewhere|elsewhere|to\s+(?:another|a\s+different|my\s+other))"
    r"|options?|choices?|methods?)\b",
    re.IGNORECASE,
)
_QUESTION_OPENING = re.compile(
    r"^\s*(?:(?:h+m+|u+m+|u+h+|ok(?:ay)?|so|and|well|oh|right)\W+)*(?:what|where|which|how|can|could|do|does|is|are)\b",
    re.IGNORECASE,
)


# "Is that the only credit card I have?", "don't I have another card on file?", "any other cards on my account?", "how
# many cards have I got?": what the customer holds, asked by how many or which others, beside the words of holding.
# Asked at a proposal it checks nothing of the proposal: it asks to be told their methods.
_HOW_MANY = re.compile(
    r"\b(?:only|other|others|another|any|else|more|how\s+many|all|einzige\w*|andere\w*|noch\s+eine\w*|wie\s*viele)\b",
    re.IGNORECASE,
)
_HELD = re.compile(
    r"\bi\s*(?:have|'?ve\s+got|got|own|hold)\b|\b(?:have|has|got)\s+i\b|\bdo\s+i\s+have\b"
    r"|\bon\s+(?:file|my\s+account|the\s+account|record)\b|\b(?:saved|stored|registered)\b"
    r"|\b(?:habe\s+ich|ich\s+habe|hinterlegt|gespeichert)\b",
    re.IGNORECASE,
)


def asks_what_they_hold(text: str) -> bool:
    """A question of the message asks which or how many payment methods the customer holds ("is that the only card
    I have?", "do I have any other cards saved?"), not which one something is paid with."""
    return any(
        _PAYMENT_WORDS.search(sentence)
        and _HOW_MANY.search(sentence)
        and _HELD.search(sentence)
        and (sentence.rstrip().endswith("?") or _QUESTION_OPENING.search(sentence) is not None)
        and not _USE_INSTEAD.search(sentence)
        for sentence in sentences(text)
    )


def mentions_payment_methods(text: str) -> bool:
    """The message speaks of cards, payment methods, PayPal..."""
    return bool(_PAYMENT_WORDS.search(text))


def asks_about_payment_methods(text: str) -> bool:
    """The reply asks which payment methods the customer has or which one something is, or asks for their list, or
    where a refund may go, and asks for no change."""
    if _LIST_ASK.search(text) or asks_what_they_hold(text):
        return True
    if any(
        _WHERE_MONEY_MAY_GO.search(sentence)
        and (sentence.rstrip().endswith("?") or _QUESTION_OPENING.search(sentence))
        and not _USE_INSTEAD.search(sentence)
        for sentence in sentences(text)
    ):
        return True
    # Sentence by sentence: "Hm. The card I want is credit_card_6361025. Is that the mastercard or the visa?"
    return any(
        _PAYMENT_WORDS.search(sentence) and _ASKS_WHICH.search(sentence) and not _USE_INSTEAD.search(sentence)
        for sentence in sentences(text)
    )


# While we ask for a detail of a request (which variant, which item), the customer drops the request. Three ways:
# giving it up ("never mind", "forget it", "leave it", "scrap that", "don't bother"), keeping what they have ("I'll
# keep it", "I'll stick with my current one", "happy with what I've got") and refusing every choice ("I don't want a
# different one", "none of those"). What they keep or leave ends the clause: "keep it" keeps the thing, "keep it on the
# card I paid with" and "keep it black" keep a detail of it.
_WHAT_THEY_HAVE = (
    r"(?:it|them|mine|that|this|(?:what|the\s+ones?|the\s+\w+)\s+i\s*(?:have|had|got|'?ve\s+got|already\s+(?:have|got))"
    r"|(?:my|the)\s+(?:current|original|old|own|existing|present)(?:\s+\w+)?|es|ihn|sie|meine?n?)"
    r"(?:\s+as\s+(?:it|they)\s+(?:is|are)|\s+the\s+way\s+(?:it|they)\s+(?:is|are))?"
    + r"(?=\s*(?:[,.;!?)]|$)|\s+(?:then"
    r"|thanks|thank|please|pls|after\s+all|for\s+now|anyway|honestly|actually|really|though|and\s+(?:that'?s|leave)))"
)
_DROPS = re.compile(
    r"\b(?:never\s*mind|nevermind|don'?t\s+bother|forget\s+(?:about\s+)?(?:it|that|this|them|the\s+\w+)"
    r"|(?:skip|drop|scrap|scratch|ditch|leave|cancel)\s+(?:it|that|this|them|the\s+(?:whole\s+)?(?:thing|idea|request"
    r"|exchange|swap|change|return))(?=\s*(?:[,.;!?)]|$)|\s+(?:then|thanks|please|altogether|entirely))|let\s+it\s+be|leave\s+it\s+(?:as\s+it\s+is|alone|be)"
    r"|(?:keep|keeping|stick\s+(?:with|to)|sticking\s+(?:with|to)|stay\s+with|staying\s+with)\s+"
    + _WHAT_THEY_HAVE
    + r"|(?:good|happy|fine|ok(?:ay)?|content|set)\s+with\s+"
    + _WHAT_THEY_HAVE
    + r"|(?:don'?t|do\s+not)\s+(?:really\s+)?(?:want|need)\s+(?:a\s+|to\s+)?(?:different|another|other|any|new|change"
    r"|exchange|swap|replace|pick)\w*|none\s+of\s+(?:those|them|these|the\s+\w+)|not\s+(?:a\s+)?(?:replacement"
    r"|different\s+one)|no\s+longer\s+want\s+to\s+(?:change|exchange|swap)|doch\s+nicht|vergiss\s+(?:es|das)"
    r"|lass\s+(?:es|das|mal|gut\s+sein)|lassen\s+wir\s+das|behalte\w*\s+(?:es|ihn|sie|meine?n?|das))\b"
    # Changing one's mind, turning every choice down, or keeping the thing asked about as it is: "I've had a change
    # of heart", "keins davon", "no swap for that one", "I'll hold on to the lamp the way it is", "ich behalte die
    # Lampe doch so". (A value wished beside it still answers the question: graph.nodes.gate.)
    r"|\b(?:changed\s+my\s+mind|change\s+of\s+heart|(?:es\s+)?(?:mir\s+)?anders\s+überlegt"
    r"|kein(?:e|en|er|s)?\s+(?:davon|von\s+(?:denen|diesen))"
    r"|no\s+(?:exchange|swap|change|replacement|umtausch|tausch)\s+(?:on|for|of)\s+(?:that|this|it|the)\b"
    r"|(?:keep|keeping|leave|leaving|(?:hold|holding|hang|hanging)\s+on(?:to|\s+to)|stick(?:ing)?\s+with)\s+(?:the|my|that|this)\s+[\w-]+(?:\s+[\w-]+)?"
    r"\s+(?:as\s+(?:it|they)\s+(?:is|are)|the\s+way\s+(?:it|they)\s+(?:is|are)|unchanged|alone)"
    r"|\b(?:the|my|that|this)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:(?:can|will|should|may)\s+)?stays?\s+(?:just\s+)?"
    r"(?:as\s+(?:it|they)\s+(?:is|are)|the\s+way\s+(?:it|they)\s+(?:is|are)|unchanged)(?!\s*,?\s*right)"
    r"|\b(?:(?:die|der|das|meine?)\s+\w+\s+(?:kann\s+)?bleib\w*|bleib\w*\s+(?:die|der|das|meine?)\s+\w+)\s+"
    r"(?:(?:doch|lieber|einfach|eben|halt)\s+){0,2}(?:so\b|wie\s+(?:sie|er|es)\s+ist|unverändert)"
    r"|behalte\w*\s+(?:den|die|das|meine?n?)\s+\w+\s+(?:(?:doch|lieber|einfach|so)\s+){0,2}"
    r"(?:so\b|wie\s+(?:er|sie|es)\s+ist|unverändert))",
    re.IGNORECASE,
)
# Two more ways of withdrawing, said of the whole order rather than of the thing asked about: leaving the order as it
# is ("I'll leave that order as it is", "that order is fine", "no changes after all", "lass die Bestellung so") and
# keeping everything ("I'm keeping the kettle and everything else", "I'll keep all of it", "ich behalte alles"). The
# order stays as it is, so the request on it is over, whatever item is named beside.
_AS_IT_IS = r"(?:as\s+(?:it\s+is|is|it\s+was)|unchanged|alone|the\s+way\s+it\s+is|like\s+(?:it\s+is|that))"
_LEAVES_THE_ORDER = re.compile(
    r"\b(?:leave|leaving|keep|keeping)\s+(?:it|that|this|the|my)(?:\s+(?:one|order))?\s+"
    + _AS_IT_IS
    + r"|\b(?:the|that|this|my)\s+order\s+(?:is|'s|stays|(?:can|will|should|may)\s+stay)\s+"
    r"(?:(?:just\s+)?(?:fine|ok(?:ay)?|good|alright)|" + _AS_IT_IS + r")"
    r"|\b(?:it'?s|it\s+is|it\s+stays|it\s+can\s+stay)\s+(?:fine\s+)?"
    + _AS_IT_IS
    + r"|\b(?:(?:don'?t|do\s+not)\s+(?:want|need)\s+to\s+change\s+anything|no\s+changes?\s+(?:needed|after\s+all|then"
    r"|for\s+now)|nothing\s+to\s+change)"
    r"|\b(?:keep|keeping|behalte\w*|(?:hold|holding|hang|hanging)\s+on(?:to|\s+to)|stick(?:ing)?\s+with)\b"
    r"[^.;!?]{0,40}?\b(?:everything|all\s+of\s+(?:it|them)|all\s+(?:the\s+)?items"
    r"|the\s+(?:whole|entire)\s+(?:order|thing|lot)|alles)\b(?!\s+(?:else|andere))"
    # "The rest", "everything else" presume an exception: they keep everything only beside the thing kept in the same
    # words ("I'm keeping the kettle and everything else"), never by themselves ("change the kettle, keep the rest").
    r"|\b(?:keep|keeping|behalte\w*)\s+(?:the|my|that|this|den|die|das|meine?n?)\s+[^.;!?,]{1,40}?\s+(?:and|und|plus)"
    r"\s+(?:also\s+|auch\s+)?(?:everything\s+else|(?:all\s+)?the\s+rest|alles\s+andere|(?:all\s+)?the\s+others)\b"
    r"|\blass\w*\s+(?:die|diese|meine|sie)\s+(?:bestellung\s+)?(?:(?:lieber|doch|einfach|mal|bitte|ruhig)\s+){0,2}"
    r"(?:so|wie\s+sie\s+ist|unverändert|in\s+ruhe)\b"
    r"|\bbestellung\s+(?:bleibt|kann\s+so\s+bleiben|ist\s+(?:in\s+ordnung|gut\s+so))"
    r"|\b(?:möchte|will)\s+(?:doch\s+)?nichts\s+(?:mehr\s+)?ändern",
    re.IGNORECASE,
)


# What turns a "keep everything" or "the order is fine" into a part of a request: "I'll keep everything except the
# kettle", "the order is fine, but the address is wrong", "alles andere behalte ich, nur den Kessel nicht".
_BUT = re.compile(
    r"\b(?:but|except|apart\s+from|other\s+than|aber|außer"
    r"|(?:only|just|nur)\s+(?:the|my|change|swap|want|need|den|die|das|meine?n?))\b",
    re.IGNORECASE,
)


def drops_the_request(text: str) -> bool:
    """The reply to our question about a request's detail drops the request itself."""
    # "Don't forget the kettle", "please don't skip it": a negation before the words turns them round.
    dropped = [m for m in _DROPS.finditer(text) if not _NEGATED_BEFORE.search(text[: m.start()])]
    # Another act asked for beside the words that keep a thing ("leave that order as it is and cancel #W… instead",
    # "change the kettle to 2 liters, keep the rest as it is"): the message asks for it, it drops nothing. An act
    # turned down ("no exchange on that one") is no other act.
    if dropped:
        beside = _DROPS.sub(" ", text)
        if _ANOTHER_ACT.search(_ACT_TURNED_DOWN.sub(" ", beside)):
            dropped = []
    return bool(dropped) or withdraws_from_the_order(text)


_ACTS = (
    r"(?:cancel\w*|change\w*|swap\w*|exchange\w*|return\w*|refund\w*|storn\w*|änder\w*|tausch\w*|umtausch\w*"
    r"|zurück\w*|send\w*\s+(?:it\s+|them\s+|anything\s+|something\s+)?back)"
    # The act's paperwork is no act: "no return label came", "no refund email yet".
    r"(?!\s+(?:label|window|policy|period|fee|address|shipping|costs?|slip|form|instructions|status|email|e-mail"
    r"|confirmation|number|code))"
)
_ACT_TURNED_DOWN = re.compile(
    r"\b(?:no|not|don'?t|dont|do\s+not|never|neither|kein\w*|nicht|weder)\s+(?:[\w']+\s+){0,2}?" + _ACTS + r"\b"
    # Several acts turned down in one breath ("no return or exchange", "no returns, no exchanges", "neither a return
    # nor an exchange", "keine Rückgabe und kein Umtausch"): each of them is turned down.
    # ("Not a return, an exchange" corrects: after a comma or an "and", only a new no carries on.)
    r"(?:\s*(?:(?:/|\bor\b|\bnor\b|\boder\b|\bnoch\b)\s*(?:(?:no|an?|any|kein\w*|ein\w*)\s+)?"
    r"|(?:,|\band\b|\bund\b)\s*(?:no|nor|not|kein\w*)\s+(?:an?\s+|any\s+)?)" + _ACTS + r"\b)*"
    # The request itself called off ("cancel that request", "cancel the change"): the withdrawal, no other act.
    r"|\b(?:cancel\w*|storn\w*)\s+(?:that|this|the|my|die|den|das|meine\w*)\s+(?:request|cancellation|change|return"
    r"|exchange|anfrage|änderung|stornierung|rückgabe)\b",
    re.IGNORECASE,
)


_NEGATED_BEFORE = re.compile(r"\b(?:don'?t|dont|do\s+not|never|not|nicht)\s+(?:[\w']+\s+){0,3}$", re.IGNORECASE)


# Another act beside the order left as it is ("leave that order as it is and cancel #W5282037 instead", "no changes
# needed on that one, just cancel my other order"): the message asks for something, it withdraws nothing.
_ANOTHER_ACT = re.compile(
    r"\b(?:cancel|change(?!\s+(?:of|my\s+mind))|swap|switch|exchange|return|refund|modify|update|replace|send\s+back"
    r"|instead|storn\w*|ändern|änder|tausch\w*|umtausch\w*|zurückgeben|zurückschicken|stattdessen)\b"
    r"|(?<![\w#])(?:#\s?W?\d{4,8}|W\d{4,8})\b",
    re.IGNORECASE,
)


def turns_down_every_act(text: str) -> bool:
    """The reply turns the acts down and asks for none ("No return or exchange.", "I don't want to return anything",
    "neither a refund nor a swap, thanks"): a no to whatever is proposed, however it is worded."""
    # Said, not asked: "so no return or exchange has been made?" checks what happened, it turns nothing down.
    if "?" in text or not _ACT_TURNED_DOWN.search(text) or _BUT.search(text):
        return False
    return not _ANOTHER_ACT.search(_ACT_TURNED_DOWN.sub(" ", text))


def withdraws_from_the_order(text: str, items: list[str] | None = None) -> bool:
    """The reply leaves the whole order as it is or keeps everything in it, and asks for nothing beside: the
    request on that order is withdrawn, even where it names an item ("I'm keeping the kettle and everything else").
    Anything else it asks for outside those words (a write, another order, "instead", one of `items` named) makes it
    no withdrawal."""
    # Said, not asked: "and everything else stays as it is, right?" checks the proposal, it withdraws nothing.
    said = [part for part in re.split(r"(?<=[.!?])\s+", text) if not part.rstrip().endswith("?")]
    if not any(_LEAVES_THE_ORDER.search(part) for part in said) or _BUT.search(text):
        return False
    # An act turned down beside it ("I'm keeping everything, no return or exchange") is no act asked for.
    beside = _ACT_TURNED_DOWN.sub(" ", _LEAVES_THE_ORDER.sub(" ", text))
    named = [item for item in items or [] if item.strip() and re.search(re.escape(item.strip()), beside, re.IGNORECASE)]
    return not _ANOTHER_ACT.search(beside) and not named


# "Never mind, I'll keep the kettle": the thing named after a keep is what stays, no item to act on.
_KEPT_THING = re.compile(
    r"\b(?:keep|keeping|stick\s+with|sticking\s+with|stay\s+with|(?:hold|holding|hang|hanging)\s+on(?:to|\s+to)|behalte\w*)"
    r"\s+(?:the|my|that|this|den|die|das|meine?n?)"
    r"\s+(?P<thing>[\w -]{3,40}?)"
    r"(?=\s*(?:[,.;!?)]|$|\s+(?:then|after\s+all|and|und|but|aber|thanks|please|instead|for\s+now|as\s+it\s+is"
    r"|the\s+way\s+it\s+is|so|doch|lieber)\b))",
    re.IGNORECASE,
)


def kept_things(text: str) -> list[str]:
    """The things the reply says the customer keeps ("I'll keep the espresso machine" keeps "espresso machine")."""
    return [m["thing"].strip().lower() for m in _KEPT_THING.finditer(text)]


# A reply that wants nothing more: a no, "that's all", "nothing else", with thanks or a goodbye around them.
_NO = re.compile(rf"\b{NO_WORD}\b", re.IGNORECASE)
_THAT_IS_ALL = re.compile(
    r"\b(?:no\s+more|(?:that'?s|that\s+is|that\s+was|that'?ll\s+be|that\s+will\s+be)\s+(?:all|it|everything)"
    r"|nothing\s+(?:else|more)|no\s+need|(?:i'?m|we'?re|i\s+am)\s+(?:all\s+)?(?:set|good|done|fine)|all\s+(?:set|good|done)"
    r"|das\s+war'?s|das\s+wär'?s|das\s+war\s+(?:alles|es)|sonst\s+nichts|nichts\s+mehr|alles\s+erledigt)\b"
    # What the "all" was: "that's all I needed", "that's everything I wanted to do", "that was all I came for".
    r"(?:\s+(?:for\s+(?:now|today|me|us)|then|(?:from\s+)?me|(?:that\s+)?(?:i|we)\s+(?:really\s+)?(?:needed|need|wanted"
    r"|want|had|have|came\s+for|was\s+after)(?:\s+to\s+(?:do|ask|know|sort\s+out))?(?:\s+(?:today|help\s+with))?))*",
    re.IGNORECASE,
)
_THANKS_OR_BYE = re.compile(
    r"\b(?:ok(?:ay)?|great|perfect|awesome|cool|alright|thank\s+you|thanks?|thx|ty|cheers|appreciate\s+it|so\s+much"
    # Hedges and courtesies around a closing: "I think that's everything", "thanks for your help", "take care".
    r"|i\s+(?:think|guess|believe)|actually|oh|ah|well|hm+|um+|lovely|brilliant|wonderful|excellent|fantastic|nice|(?:for\s+(?:your|the|all\s+(?:your|the))\s+(?:help|time|assistance))|take\s+care"
    r"|very\s+much|a\s+lot|(?:good)?bye|see\s+you|have\s+a\s+(?:nice|good|great)\s+(?:day|one|evening|weekend)"
    r"|danke(?:\s+schön|\s+sehr)?|vielen\s+dank|tschüss|schönen\s+tag)\b",
    re.IGNORECASE,
)


# A no that goes straight on to say there is nothing more ("nope, that's everything", "no thanks, nothing else",
# "nein, das war's"): it answers an "anything else?", not a proposal of one thing.
_NO_THEN_THAT_IS_ALL = re.compile(
    rf"^\W*{OPENING_SOUND}{NO_WORD}\b[\s,.!;:–—-]*"
    r"(?:(?:thanks?|thank\s+you|danke)\b[\s,.!;:–—-]*)?"
    rf"(?:{_THAT_IS_ALL.pattern})",
    re.IGNORECASE,
)


def no_more_wanted(text: str) -> int:
    """Where a reply's opening "no, that's all" ends (0 when it does not open so): that no says nothing more is
    wanted, it is no answer to a proposal."""
    found = _NO_THEN_THAT_IS_ALL.match(text)
    return found.end() if found else 0


_THANKS = re.compile(r"\b(?:thanks?|thank\s+you|thx|ty|cheers|appreciate\s+it|danke\w*|vielen\s+dank)\b", re.IGNORECASE)


# A reply that is a no and nothing else: "no", "nope, thanks", "nah", "nein danke", "not really".
_ONLY_NO = re.compile(
    rf"^\W*{OPENING_SOUND}(?:{NO_WORD}|not\s+really|no\s+thanks?|no\s+thank\s+you)\b"
    r"(?:[\s,.!;:–—-]*(?:thanks?|thank\s+you|danke|sorry))?\W*$",
    re.IGNORECASE,
)


def says_only_no(text: str) -> bool:
    """The reply is a bare no ("nope", "no thanks"): it turns down what was offered and says nothing of what instead."""
    return bool(_ONLY_NO.match(text.strip()))


def says_thanks(text: str) -> bool:
    """The reply thanks ("thanks", "ok thank you", "danke")."""
    return bool(_THANKS.search(text))


def wants_nothing_more(text: str) -> bool:
    """The customer closes: "No, that's all. Thank you!", "nothing else, thanks", "nope, all good - bye". The reply
    is only a no, a "that's all" and thanks or a goodbye, and says they want nothing more (thanks alone may come
    before the next request)."""
    closing = _NO.search(text) or _THAT_IS_ALL.search(text)
    # ("No need, that's all" is a closing whole: its no is read after the closing words it opens.)
    rest = _THANKS_OR_BYE.sub(" ", _NO.sub(" ", _THAT_IS_ALL.sub(" ", text)))
    rest = re.sub(r"\b(?:and|und)\b", " ", rest, flags=re.IGNORECASE)  # "das war's, danke und tschüss"
    return bool(closing) and not re.search(r"\w", rest)


def takes_leave(text: str) -> bool:
    """ "Thanks, that's all I needed, bye": a closing that says there is nothing more and thanks or says goodbye. It
    answers no question of a request ("which order?", "why?"), so said at one the customer is done with it (a bare
    "no" or "that's all" may still answer the question asked)."""
    return ends_with_a_closing(text) and bool(_THAT_IS_ALL.search(text)) and bool(_LEAVE_TAKING.search(text))


# Thanks or a goodbye proper (not the hedges and "ok"s a closing may carry).
_LEAVE_TAKING = re.compile(
    r"\b(?:thank\s+you|thanks?|thx|ty|cheers|appreciate\s+it|(?:good)?bye|see\s+you|take\s+care|have\s+a\s+(?:nice|good"
    r"|great)\s+(?:day|one|evening|weekend)|danke|vielen\s+dank|tschüss|schönen\s+tag)\b",
    re.IGNORECASE,
)


def ends_with_a_closing(text: str) -> bool:
    """The message's last sentence closes the conversation ("... leave the lamp as it is. That's all, thanks!",
    "keins davon. Das war's, tschüss"): whatever comes before, nothing more is asked after it."""
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if re.search(r"\w", part)]
    # A goodbye or thanks of its own after the closing ("No, that's all. Bye!") ends it too; alone, thanks may come
    # before the next request, so the sentence before it decides.
    while len(sentences) > 1 and not re.search(r"\w", _THANKS_OR_BYE.sub(" ", sentences[-1])):
        sentences.pop()
    return bool(sentences) and wants_nothing_more(sentences[-1])


def withdraws_and_closes(text: str) -> bool:
    """ "I'll keep the kettle as it is then. That's all, thank you": the request in hand is withdrawn and the
    conversation closed in one message."""
    return ends_with_a_closing(text) and drops_the_request(text)


# What takes back a yes to our offer to go on with another request: a no, a "not now", a wait. (Not "instead" or
# "rather": said after the yes, they describe the request: "yes, the 34 inch one instead".)
_NOT_NOW = re.compile(
    r"\b(?:no(?!\s+(?:problem|worries|rush|hurry|issue|longer))|nope|nah|not\s+(?:now|yet|today|right\s+now)|later"
    rf"|{WAIT_WORDS}|never\s*mind|forget\s+(?:it|that|about)|skip|nein|später|nicht\s+jetzt|doch\s+nicht)\b",
    re.IGNORECASE,
)
_TAKES_IT_BACK = re.compile(
    r"\b(?:actually|keep|think\s+(?:about|it\s+over)|check\s+with|changed\s+my\s+mind|on\s+second\s+thought"
    r"|don'?t|do\s+not|doesn'?t|not\s+(?:the|that|this|it|them|yet|now)|behalte\w*|nicht)\b",
    re.IGNORECASE,
)
_PREFERENCE = re.compile(r"\b(?:instead|rather\s+(?:than|have)|i'?d\s+rather)\b", re.IGNORECASE)
_OPENING_CLAUSE = re.compile(r"^\s*(.+?)(?:[.,;:!?\n]+|\s[-–—]+\s)\s*(\S.*)$", re.DOTALL)


def yes_with_details(text: str) -> str | None:
    """ "Yes please. The order is #W8296441, I no longer need it.", "yes. the 34 inch one with a graphic design": a
    reply that opens with a yes and goes on to say more of what is wanted; the more, or None."""
    opening = _OPENING_CLAUSE.match(text)
    if opening is None or _NOT_NOW.search(text):
        return None
    first, rest = opening.group(1), opening.group(2).strip()
    yes = _STRONG_YES.search(first) or _SHORT_ASSENT.search(first) or _DO_IT.search(first)
    if not yes or len(rest.split()) < 2 or gives_a_yes(rest):
        return None  # "sure, go ahead": a yes twice over, nothing more
    # "Yes, actually I'd rather keep it", "sure, let me think about it first": the yes is taken back. A preference
    # said of the request itself ("the 34 inch one instead") is no step back.
    if _TAKES_IT_BACK.search(_PREFERENCE.sub(" ", rest)):
        return None
    return rest

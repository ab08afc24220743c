"""Phrases that matter regardless of intent: critical keywords and explicit requests for a person.

These are patterns rather than embeddings because a missed "chargeback" or "I want a human" costs far more than a
false alarm, and patterns are predictable and auditable. Canonical names match the escalation policy's defaults.
"""

from __future__ import annotations

import re

from graph.nlu import lexicon

_CRITICAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (canonical, re.compile(pattern, re.IGNORECASE))
    for canonical, pattern in (
        (
            "formal complaint",
            r"\b(?:formal|official)\s+complaint\b|\blodge\s+a\s+complaint\b"
            r"|\b(?:offizielle|formelle)\s+beschwerde\b|\b(?:plainte|r[ée]clamation)\s+formelle\b"
            r"|\b(?:reclamaci[oó]n|queja)\s+formal\b|\bformele\s+klacht\b|\breclamo\s+formale\b",
        ),
        (
            "cancel subscription",
            r"\bcancel\s+(?:my\s+|the\s+|your\s+)?(?:subscription|membership|contract|service)\b"
            r"|\bend\s+my\s+(?:subscription|membership)\b|\bk[üu]ndig",
        ),
        (
            "legal action",
            r"\b(?:legal\s+action|lawyers?|attorneys?|solicitors?|su(?:e|ing|ed)\s+(?:you|your|them)"
            r"|i(?:'ll|\s+will)\s+sue|lawsuit|court|small\s+claims|anwalt|avocat|abogado|advocaat"
            r"|avvocato|porter\s+plainte|rechtliche\s+schritte|(?:false|misleading)\s+advertising|irref[üu]hrende\s+werbung"
            r"|(?:straf)?anzeige\s+(?:erstatten|erstatte|stellen)|erstatte\s+(?:ich\s+)?(?:straf)?anzeige)\b",
        ),
        (
            "chargeback",
            r"\b(?:charge\s?-?backs?|dispute\s+the\s+(?:charge|payment|transaction)|disputing\s+the\s+"
            r"(?:charge|payment)|(?:going|go|contacting|contact|call(?:ing)?)\s+(?:to\s+)?my\s+bank"
            r"|r[üu]ckbuchung|zur[üu]ck\s?buch\w*|r[üu]cklastschrift|(?:open|opened|opening|file|filed|filing|raise|raised"
            r"|start|started)\s+a\s+(?:payment\s+)?(?:dispute|claim)\s+(?:with|on|at|through)|dispute\s+(?:with|via|through)"
            r"\s+(?:paypal|my\s+bank|visa|amex|mastercard|klarna)|reverse\s+(?:the|this|my)\s+(?:payment|charge|transaction)"
            r"|(?:zahlung|geld|betrag)\s+(?:bei|über|ueber)\s+(?:paypal|klarna|meine[rm]?\s+bank|der\s+bank)\s+zur[üu]ck\w*"
            r"|k[äa]uferschutz)\b",
        ),
        (
            "fraud",
            # A parcel stolen from a doorstep is a lost delivery, not fraud against the customer's account.
            r"\b(?:fraud\w*|scam\w*|(?<!parcel\s)(?<!package\s)(?<!delivery\s)(?:theft|thie(?:f|ves))"
            r"|(?:stole|stolen)(?!\s+(?:from\s+(?:my|the|our)\s+(?:porch|doorstep|door|step|mailbox|hallway|lobby"
            r"|garden|front)))|unauthori[sz]ed|betrug|arnaque|estafa|oplichting|truffa"
            r"|(?:someone|somebody)\s+(?:else\s+)?(?:logged|got|broke|has\s+been|is)\s+(?:in(?:to)?|using)\s+my\s+account"
            r"|account\s+(?:was\s+|has\s+been\s+|got\s+)?(?:hacked|compromised|taken\s+over)|(?:hacked|compromised)\s+account"
            r"|(?:wasn'?t|was\s+not|not)\s+me\s+who\s+(?:ordered|placed|paid)|nicht\s+autorisiert\w*"
            r"|(?:never|didn'?t|did\s+not)\s+authori[sz]e\w*|nie\s+(?:autorisiert|genehmigt|freigegeben)"
            r"|(?:someone|somebody)\s+(?:else\s+)?used\s+my\s+(?:account|card)"
            r"|jemand\w*\s+(?:hat\s+)?(?:\w+\s+){0,3}(?:mit|[üu]ber|von)\s+meine[mr]\s+(?:kunden)?(?:konto|account|karte))\b",
        ),
        (
            "data protection",
            # Or a data subject's request told without the law's name: a copy or the erasure of what the shop
            # holds on the customer ("delete all the data you hold on me", "Welche Daten haben Sie über mich?").
            r"\b(?:gdpr|dsgvo|rgpd|data\s+protection|privacy\s+(?:violation|breach|law)"
            r"|data\s+(?:breach|leak)|datenschutz|subject\s+access|right\s+to\s+(?:be\s+forgotten|erasure|access)"
            r"|(?:data|information|details|records?|files?)\s+(?:that\s+)?(?:you|your\s+\w+)(?:\s+have|'ve)?\s+(?:hold\w*|have|has|keep\w*|stor\w+|held"
            r"|kept|collect\w*|process\w*)\s+(?:\w+\s+)?(?:on|about|of)\s+me"
            r"|personal\s+(?:data|information)\s+(?:that\s+)?(?:you|your\s+\w+)\s+(?:hold\w*|have|has|keep\w*|stor\w+"
            r"|held|kept|collect\w*|process\w*)|personenbezogene\w*\s+daten"
            r"|alle\s+(?:meine\w*\s+)?(?:pers[öo]nlichen\s+|gespeicherten\s+)?daten"
            r"|welche\s+(?:pers[öo]nlichen|gespeicherten)\s+daten|what\s+personal\s+(?:data|information|details)|daten\s*,?\s+(?:\w+\s+){0,4}[üu]ber\s+mich"
            r"|recht\s+auf\s+(?:vergessen\w*|l[öo]schung|auskunft)|auskunftsersuchen)\b",
        ),
        (
            "consumer protection",
            r"\b(?:consumer\s+(?:protection|rights|ombudsman)|trading\s+standards"
            r"|better\s+business\s+bureau|bbb|ombudsman|verbraucherzentrale|report(?:ing)?\s+you)\b",
        ),
        ("police", r"\b(?:police|polizei)\b"),
    )
)

_HUMAN = re.compile(
    r"\b(?:human|humans|real\s+person|actual\s+person|real\s+human|live\s+(?:agent|person|chat)|agent|representative"
    r"|operator|supervisor|manager|member\s+of\s+staff|staff\s+member|someone\s+from\s+your\s+team"
    r"|(?:speak|talk|chat)\s+(?:to|with)\s+(?:someone|somebody|a\s+person|staff|a\s+real|an?\s+actual|a\s+human)"
    r"|(?:call|ring)\s+me(?:\s+back)?|transfer\s+me|put\s+me\s+through|not\s+(?:a|the)\s+bot|no\s+bots?"
    r"|(?:this|the)\s+(?:bot|robot)(?!\s+(?!(?:is|isn't|keeps?|can'?t|cannot|doesn'?t|does|did|won'?t|again|any|here"
    r"|please|and|but|that|which|who|to|with|just|only|never|always)\b)[a-z])|phone\s+number.*\b(?:speak|talk)|anyone\s+(?:actually\s+)?there"
    r"|mit\s+(?:einem|einer)\s+(?:echten\s+|richtigen\s+)?(?:menschen|mitarbeiter\w*|kolleg\w+|berater\w*|person)"
    r"|ruf(?:t|en)?\s+(?:sie\s+)?mich\s+(?:\w+\s+){0,4}zur[üu]ck"
    r"|(?:bitte|um)\s+(?:um\s+)?(?:einen\s+)?r[üu]ckruf|r[üu]ckruf\s+(?:bitte|erbeten|anfordern)"
    r"|verbinden\s+sie\s+mich|jemand\w*\s+(?:aus\s+dem|vom)\s+(?:team|kundenservice|support|kundendienst)|(?:mich|mir)\s+(?:bitte\s+)?zur[üu]ckrufen|zur[üu]ckrufen\s+(?:lassen|bitte)|parler\s+[àa]\s+(?:un|une)\s+(?:humain|conseill\w+|agent|personne)"
    r"|hablar\s+con\s+(?:una\s+persona|un\s+agente|alguien)|medewerker|iemand\s+van\s+de\s+klantenservice"
    r"|operatore|persona\s+vera)\b",
    re.IGNORECASE,
)
# Words that mention a person without asking for one ("your delivery agent was rude", "my manager ordered it").
_HUMAN_FALSE = re.compile(
    r"\b(?:delivery|shipping|travel|estate)\s+agent|\bmy\s+manager\b|\bhuman\s+rights\b"
    # A call from whoever brings the parcel is a delivery arrangement, not a person from the team.
    r"|\b(?:courier|driver|delivery\s+\w+|fahrer\w*|(?:paket)?bote\w*|paketdienst\w*)\s+(?:to\s+)?(?:\w+\s+){0,3}"
    r"(?:call|ring|phone|text|anruf\w*|ruft)\b"
    # A suggestion to offer a live chat is feedback, not a request for a person now.
    r"|\b(?:add|offer|have|introduce|get)\s+(?:a\s+)?live\s+chat\b|\blive\s+chat\b[^.?!]*\b(?:would|could)\s+be\b",
    re.IGNORECASE,
)


def find_critical_keywords(text: str) -> list[str]:
    """Canonical critical keywords present in the text, in the order of the table."""
    return [canonical for canonical, pattern in _CRITICAL if pattern.search(text)]


def human_requested(text: str) -> bool:
    """True when the customer asks for a person, in any of the supported languages."""
    return human_request_words(text) is not None


def declines_person(text: str) -> bool:
    """The customer says they need no person ("no, I don't need a call", "nicht weiterleiten")."""
    return lexicon.find("declines_person", text) is not None


# Lodging a complaint, as a speech act: the customer asks for their grievance to be recorded and judged ("I want to
# complain about the driver", "I have to lodge a consumer complaint", "Ich möchte mich beschweren"). A report of what
# went wrong without it ("the box was dented") is a problem the bot can work on; "not a complaint" is feedback.
_COMPLAINT_ACT = re.compile(
    r"\b(?:(?:make|makes|making|made|file|filing|filed|lodge|lodging|lodged|raise|raising|submit|submitting|register"
    r"|registering|log|logging|open|opening|put\s+in|send|sending|write|writing|escalate|have)\s+(?:a|an|my|this|the"
    r"|another)\s+(?:\w+\s+){0,2}complaint"
    r"|(?:i|we)\s+(?:have|had|got)\s+(?:a|an|one|another)\s+(?:\w+\s+)?complaint"
    r"|this\s+is\s+(?:a|an|my)\s+(?:\w+\s+)?complaint|complaint\s+(?:about|against|regarding|concerning)"
    # "Please record this as a complaint", "treat my email as a formal complaint": the message named as one.
    r"|(?:record|log|register|note|treat|count|take|file|handle|enter)\w*\s+(?:this|it|that|my)(?:\s+\w+)?\s+as\s+(?:a|an)\s+"
    r"(?:\w+\s+)?complaint"
    r"|complain(?:s|ed|ing)?|report\s+(?:your|the|this|that)\s+(?:driver|courier|delivery\s+\w+|staff|employee"
    r"|assistant|agent)"
    r"|beschwer(?:en|e|de|t|ung)\w*|beschwerde|reklamation\s+einreichen"
    r"|reklamier\w*\s+(?:hiermit\s+)?(?:offiziell|formell)|(?:offizielle|formelle)\s+reklamation"
    r"|(?:porter|d[ée]poser|faire)\s+(?:une\s+)?(?:plainte|r[ée]clamation)|presentar\s+una\s+(?:queja|reclamaci[oó]n)"
    r"|(?:een\s+)?klacht\s+indienen|presentare\s+un\s+reclamo)\b",
    re.IGNORECASE,
)
_NOT_A_COMPLAINT = re.compile(
    r"\b(?:not\s+(?:a\s+|to\s+)?complain\w*|(?:don'?t|do\s+not|didn'?t|never)\s+(?:want\s+to\s+|mean\s+to\s+)?complain\w*"
    r"|no\s+complaints?|nothing\s+to\s+complain|can'?t\s+complain|not\s+(?:a\s+)?(?:formal\s+)?"
    r"complaint|keine\s+beschwerden?|nicht\s+beschweren)\b",
    re.IGNORECASE,
)
_HUMAN_FALSE_SPAN = _HUMAN_FALSE


def complaint_act(text: str) -> str | None:
    """The words by which the customer lodges a complaint, or None: the word itself, or the act without it (putting
    it on record, asking management for a response, "beanstanden"; the lexicon's `complaint_record`)."""
    if _NOT_A_COMPLAINT.search(text):
        return None
    found = _COMPLAINT_ACT.search(text)
    if found:
        return found.group(0)
    if lexicon.find("praise", text) and not lexicon.find("trouble", text):
        # "Whoever is in charge of packing did a lovely job": praise for the people responsible, nothing to record.
        return None
    return lexicon.find("complaint_record", text)


def human_request_words(text: str) -> str | None:
    """The words asking for a person, or None: a person named ("agent", "human"), or asked for without the word
    ("someone who can actually decide", "jemand aus Ihrem Team"; the lexicon's `person_request`). A person declined
    ("I don't need a call") is no request."""
    if declines_person(text):
        return None
    plain = _HUMAN_FALSE_SPAN.sub(" ", text)
    found = _HUMAN.search(plain)
    if found and _reported(plain, found.start()):
        found = None
    if found:
        return found.group(0)
    # The lexicon reads the message without the mentions of a person that ask for none (the courier's call).
    words = lexicon.find("person_request", plain)
    if words and _reported(plain, plain.find(words), words):
        return None
    return words


# A promise of a person told as what happened ("I was told someone would call me back, and they did"): a report,
# not a request. What became of it is for the emotion scores (a promise not kept) to weigh.
_REPORTED = re.compile(
    r"\b(?:told|said|promised|assured|supposed|versprochen|zugesagt|hie(?:ß|ss)\s+es|gesagt)\b[^.!?]*\b(?:would|will"
    r"|was\s+going\s+to|w[üu]rde|werde|wird)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


_PROMISER = re.compile(r"^\w+\s+(?:would|will|was\s+going\s+to|w[üu]rde|werde|wird)\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:told|said|promised|assured|versprochen|zugesagt|hie(?:ß|ss)\s+es|gesagt)\b", re.IGNORECASE
)


def _reported(text: str, at: int, words: str = "") -> bool:
    """The words at `at` tell what somebody said would happen ("I was told someone would call me back")."""
    sentence_start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    before = text[sentence_start:at]
    return bool(_REPORTED.search(before) or (_PROMISER.search(words) and _REPORTING.search(before)))


def critical_keyword_words(text: str) -> dict[str, str]:
    """Canonical critical keyword -> the words of the text that matched it."""
    found: dict[str, str] = {}
    for canonical, pattern in _CRITICAL:
        match = pattern.search(text)
        if match:
            found[canonical] = match.group(0)
    return found

"""Whether a message asks for the customer's own money back on a thing of theirs, however it is put.

A wish for money back is not always said with "I want a refund". Customers ask for it as a question ("can I get
refunded on the earbuds?", "could you refund me for the backpack?", "is it possible to get my money back for the
lamp?"), name it bare ("refund for the earbuds", "refunds on the kettle + the lamp"), or in German as an imperative or
a noun ("Bitte erstatten Sie mir das Parfüm", "Erstattung für die Kopfhörer bitte"). The intent model, the general
question reader and the rules reader took the question forms for questions about the rules, and the German forms for
nothing at all.

What tells such a wish from a question about how refunds work is whose money and which thing: the wish names the
customer as who gets the money ("me", "my money", "mir"), a thing of theirs as what it is for ("the earbuds", "my
order", "die Kopfhörer", an order id), or says it as a wish ("please", "want", "bitte"). A question of the rules asks
how, when or what ("how long do refunds take?"), sets a condition ("... if I opened it?", "wenn ...", "without a
receipt"), asks whether it is still allowed ("can I still get a refund?"), names the rules ("refund policy"), or asks
what the shop does for anyone ("do you refund the postage?", "Erstatten Sie auch die Versandkosten?"), and those stay
questions for the knowledge. A kind of thing ("a refund on sale items?") is no thing of theirs.
"""

from __future__ import annotations

import re

from graph.nlu.entities import shared_entities
from graph.nlu.segment import sentences

# Money back, by its words: refund(s/ed), money back, reimburse(ment); German erstatten / (Rück)erstattung, Geld ...
# zurück, zurückzahlen.
_MONEY = re.compile(
    r"\b(?:refund(?:s|ed|ing)?|reimburs\w*|money\s+back|pay\s+(?:me|us)\s+back"
    r"|(?:zu)?(?:r[üu]ck)?erstatt\w*|zur[üu]ckerstatt\w*|zur[üu]ckzahl\w*|r[üu]ckzahlung|geld\b[^.!?;]{0,40}?\bzur[üu]ck\w*)",
    re.IGNORECASE,
)
# The customer as who gets the money, or theirs as what it is: "refund me", "my money", "mir", "mein Geld".
_THEM = re.compile(
    r"\b(?:me|us|my|our|mir|uns|mein\w*|unser\w*)\b",
    re.IGNORECASE,
)
# A thing of theirs as what the money is for: "on the earbuds", "for these", "für die Kopfhörer", "das Parfüm
# erstatten"; or the thing as the verb's object ("refund the backpack", "refund it").
_THEIR_THING = re.compile(
    r"\b(?:on|for|of|with)\s+(?:the|these|those|this|that|both|it|them|all)\b"
    r"|\brefund(?:ed)?\s+(?:the|these|those|this|that|both|it|them)\b"
    r"|\b(?:für|auf|von)\s+(?:den|die|das|dem|der|diese[nmrs]?)\b"
    r"|\b(?:den|die|das|diese[nmrs]?)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:zu)?(?:r[üu]ck)?erstatt\w*"
    r"|\berstatt\w*\s+(?:sie|ihr|du)?\s*(?:mir|uns)?\s*(?:bitte\s+)?(?:den|die|das|diese[nmrs]?)\b",
    re.IGNORECASE,
)
# Said as a wish rather than asked: "please", "want", "need", "I'd like", "bitte", "möchte", "hätte gern".
_WISH = re.compile(
    r"\b(?:please|pls|plz|want|wanna|need|would\s+like|'d\s+like|bitte|möchte|moechte|will|hätte\s+gerne?"
    r"|haette\s+gerne?|brauche)\b",
    re.IGNORECASE,
)
# Opening with the money itself, as a bare noun phrase or an imperative: "refund for the earbuds", "refunds on the
# lamp + the kettle", "Erstattung für die Kopfhörer", "erstatten Sie mir ...".
_OPENS_WITH_MONEY = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hallo|guten\s+tag|so|ok(?:ay)?)\b[\s,.!-]*)?(?:(?:a|an|the|eine|die)\s+)?"
    r"(?:full\s+|volle\s+)?(?:refunds?|reimbursement|money\s+back|(?:r[üu]ck)?erstattung|erstatten|erstattet)\b",
    re.IGNORECASE,
)
# How, what, when, where, which, why: a question for a fact of the rules, or of one refund already under way.
_WH_OPENER = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hallo|so|and|also|ok(?:ay)?|just\s+wondering)\b[\s,.!-]*)?(?:how|what|when|where|which"
    r"|why|who|wie|was|wann|wo|welche[rsmn]?|warum|wieso|weshalb|wohin)\b",
    re.IGNORECASE,
)
# A question asked indirectly, anywhere in the sentence ("yes, but first tell me how long the refund takes", "I'd
# like to know when my money comes back", "sag mir bitte, wie lange die Erstattung dauert"): a fact asked for, no wish.
_INDIRECT_QUESTION = re.compile(
    r"\b(?:(?:tell|show|explain\s+to)\s+me|let\s+me\s+know|(?:need|want|like|love)\s+to\s+know|wondering|curious)"
    r"\s*,?\s+(?:how|when|what|why|which|where)\b"
    r"|\b(?:sag|sagen\s+sie|erkl[äa]r(?:e|en)?(?:\s+sie)?)\s+(?:mir|uns)\s*,?\s+(?:bitte\s*,?\s+)?(?:wie|wann|was|warum|wo)\b"
    r"|\bwissen\s*,?\s+(?:wie|wann|was|warum|wo)\b",
    re.IGNORECASE,
)
# A condition set on the refund ("... if I opened it?", "without a receipt", "Bekomme ich mein Geld zurück, wenn ...").
# Said before the money, it is one only when it opens the sentence ("If I opened it, ..."): "my order came without
# the charger, can I get a refund for that part?" tells what happened, and asks for the money.
_CONDITION = re.compile(
    r"\b(?:if|unless|even\s+though|though|although|without|once|in\s+case|provided|wenn|falls|sofern|obwohl|ohne"
    r"|nachdem|auch\s+dann)\b",
    re.IGNORECASE,
)
_OPENING_CONDITION = re.compile(
    rf"^\W*(?:(?:hi|hello|hey|hallo|so|and|also|ok(?:ay)?)\b[\s,.!-]*)?{_CONDITION.pattern}", re.IGNORECASE
)
# Whether it is still allowed, asked: "can I still get a refund on it?", "bekomme ich noch mein Geld zurück?".
_STILL = re.compile(r"\b(?:still|noch)\b", re.IGNORECASE)
# The rules named, or what is refundable in general.
_RULES = re.compile(
    r"\b(?:polic(?:y|ies)|rules?|terms|conditions|window|period|refundable|returnable|richtlinie\w*|regel\w*"
    r"|bedingungen|frist\w*|erstattungsfähig\w*|grundsätzlich|generell|allgemein|normally|usually|in\s+general)\b",
    re.IGNORECASE,
)
# What the shop does for anyone: "do you refund ...", "does the shop reimburse ...", "erstatten Sie auch ...?",
# "erstattet ihr ...?". Asked of the customer's own money ("will you refund me"), it is their wish after all.
_WHAT_THE_SHOP_DOES = re.compile(
    r"^\W*(?:(?:do|does|will|would)\s+(?:you|you\s+guys|they|the\s+shop|your\s+shop|the\s+store)\s+(?:also\s+)?"
    r"(?:refund|reimburse|pay\s+back|give\s+refunds)"
    r"|(?:erstatten|zahlen|übernehmen)\s+sie\s+(?:auch\s+)?|(?:erstattet|zahlt|übernehmt)\s+ihr\s+(?:auch\s+)?)",
    re.IGNORECASE,
)

# A refund already asked for or paid: "my refund hasn't arrived", "the refund was approved", "you refunded me only
# half", "meine Erstattung ist noch nicht da": how it is going, not a wish for one.
_UNDER_WAY = re.compile(
    r"\b(?:my|our|the|that|this|meine|die|diese)\s+(?:(?:r[üu]ck)?erstattung|refund)\b"
    # "Refunded" of a refund done ("you refunded me half", "an email saying refunded"), not one wished for ("get
    # refunded", "to be refunded").
    r"|(?<!\bget\s)(?<!\bbe\s)(?<!\bgot\s)(?<!\bgets\s)(?<!\bbeing\s)(?<!\bgetting\s)(?<!\bme\s)(?<!\bus\s)"
    r"\brefunded\b"
    # The money's own progress ("the money hasn't arrived", "still waiting for the refund"); not the order's ("my
    # order arrived without the charger").
    r"|\b(?:refunds?|money|(?:r[üu]ck)?erstattung|geld)\b[^.?!]{0,40}\b(?:arrived?|received|processed|issued|approved"
    r"|pending|yet|gone\s+through|come\s+through|show(?:s|ed|n)?\s+up|angekommen|eingegangen|bearbeitet)\b"
    r"|\b(?:waiting|warte\w*|haven'?t|hasn'?t|didn'?t|never|status|update|wo\s+bleibt|immer\s+noch"
    r"|noch\s+(?:keine?n?|nicht))\b[^.?!]{0,40}"
    r"\b(?:refunds?|money|(?:r[üu]ck)?erstattung|geld)\b",
    re.IGNORECASE,
)

# Money back turned down: "no, don't refund it", "not a refund", "keine Erstattung", "bitte nicht erstatten".
_REFUSED = re.compile(
    r"\b(?:don'?t|do\s+not|not|never|no|rather\s+than|instead\s+of|nicht|keine?[nm]?|statt)\s+(?:[\w']+\s+){0,2}?"
    r"(?:refund|reimburs|money\s+back|(?:r[üu]ck)?erstatt|zur[üu]ckerstatt|geld)",
    re.IGNORECASE,
)

# A return asked for, with the money as what it is for: "I'd like to return it for my money back", "send the lamp back
# for a refund". The act is the return (the intent model reads it so); the money is its end, not a request of its own.
_RETURN_FIRST = re.compile(
    r"\b(?:return|send\s+(?:[\w-]+\s+){0,3}?back|zur[üu]ck(?:schicken|senden|geben))\b[^.?!]*?"
    r"\b(?:for|to\s+get|gegen|für)\s+(?:a|an|my|the|mein\w*|eine?n?)?\s*(?:full\s+)?(?:refund|money|erstattung|geld)",
    re.IGNORECASE,
)


def _wishes_money_back(sentence: str) -> bool:
    if (
        not _MONEY.search(sentence)
        or _RETURN_FIRST.search(sentence)
        or _asks_of_the_rules(sentence)
        or _UNDER_WAY.search(sentence)
        or _REFUSED.search(sentence)
    ):
        return False
    own = bool(_THEM.search(sentence)) or bool(shared_entities(sentence).order_ids)
    asked = sentence.rstrip().endswith("?")
    if _WHAT_THE_SHOP_DOES.search(sentence) and not own and (asked or not _WISH.search(sentence)):
        # "Do you refund the postage?" asks what the shop does; "Erstatten Sie bitte die Lampe." asks it done.
        return False
    if own or _THEIR_THING.search(sentence):
        return True
    # Neither the customer nor a thing of theirs: only a plain wish ("want refunds on earbuds + backpack",
    # "Erstattung für Kopfhörer bitte") is one, never a question ("refunds on sale items?").
    return not asked and bool(_WISH.search(sentence) or _OPENS_WITH_MONEY.search(sentence))


def _sets_terms(sentence: str) -> bool:
    """Money back asked for on a condition, whether still allowed, or in the rules' own words."""
    money = _MONEY.search(sentence)
    if money is None:
        return False
    asked = sentence.rstrip().endswith("?")
    conditioned = _OPENING_CONDITION.search(sentence) or any(
        found.start() > money.start() for found in _CONDITION.finditer(sentence)
    )
    return bool(conditioned or _RULES.search(sentence) or (asked and _STILL.search(sentence)))


def _asks_of_the_rules(sentence: str) -> bool:
    return bool(_MONEY.search(sentence)) and (
        bool(_WH_OPENER.search(sentence) or _INDIRECT_QUESTION.search(sentence)) or _sets_terms(sentence)
    )


def asks_how_refunds_work(text: str) -> bool:
    """Some sentence of the message asks whether money comes back on terms, not how one refund is going: on a
    condition ("can I get my money back if I opened it?", "Bekomme ich mein Geld zurück, wenn ..."), whether still
    allowed, or in the rules' own words ("refund policy")."""
    return any(_sets_terms(sentence) and not _UNDER_WAY.search(sentence) for sentence in sentences(text))


def asks_for_their_money(text: str) -> bool:
    """Some sentence of the message asks for the customer's own money back on a thing of theirs (a question, a bare
    noun phrase, an imperative; English or German), not how refunds work in general."""
    return any(_wishes_money_back(sentence) for sentence in sentences(text))

"""Emotion scores from VADER plus the rules a lexicon misses: capitals, '!!!', repeat requests, sarcasm.

VADER reads "love waiting 3 weeks" as happy and "third time I'm asking" as neutral; the cues below catch what matters
for support. Each cue adds a weight to one dimension and the weights combine as a noisy-or, so two moderate cues
outweigh one and no score exceeds 1. The weights were tuned on the dev split against the 0.6 default threshold.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from graph.nlu import expectation, lexicon
from graph.nlu.entities import shared_entities
from graph.nlu.language import detect_language
from graph.nlu.patterns import compile_words
from graph.nlu.schema import Emotion
from graph.nlu.spelling import with_cue_spellings


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The tone model's probability counts from UPSET_MIN on, scaled by UPSET_WEIGHT (both tuned on dev).
UPSET_MIN = 0.4
UPSET_WEIGHT = 0.8
# VADER compound score from which a message reads as clearly pleased.
UPSET_PLEASED_SENTIMENT = 0.3
# The most the tone model adds on its own: below the default emotion threshold (0.6) of the escalation policy.
UPSET_ALONE_MAX = 0.55
# Below this (and above 0, where the model reads the message at all), the tone model finds the writer calm: praise
# is then sincere, whatever the classifier hears in its subject.
PRAISE_CALM_TONE = 0.1

Dimension = str  # "anger" | "frustration" | "sarcasm" | "urgency"

_CUE_TABLE: tuple[tuple[str, Dimension, float, str], ...] = (
    (
        "profanity",
        "anger",
        0.6,
        r"\b(?:fuck\w*|f\*+\w*|shit\w*|wtf|damn|bullshit|bs|crap|bloody|the\s+hell|piss\w*|bollocks|screw\s+(?:this|you)"
        r"|for\s+(?:god'?s|heaven'?s|christ'?s|pete'?s)\s+sake|for\s+crying\s+out\s+loud|schei(?:ß|ss)\w*|verdammt\w*"
        r"|zum\s+teufel|verflucht\w*)\b|f\*{2,}",
    ),
    (
        "hostile_language",
        "anger",
        0.6,
        r"\b(?:garbage|junk|useless|pathetic|incompetent|inept|clueless|idiots?|stupid|dumb|morons?|clowns|cowboys"
        r"|crooks?|con\s+artists"
        r"|disgrace\w*|disgust\w*|outrageous|unacceptable|ridiculous|absurd|laughable|shambl\w*|sham|trash|rubbish"
        r"|(?<!tell\sme\s)(?:a|what\s+a|absolute|complete|total|beyond\s+a|such\s+a)\s+joke|nightmare|disaster|worst"
        r"|hopeless|unprofessional|amateur\w*|thie(?:f|ves)|stole|steal\w*|liars?|lying|theft|rip[\s-]?off|robbery"
        r"|cheat\w*|(?:scam\w*|frauds?)(?!\s+(?:protection|prevention|checks?|screening|team|department))|shameful|shame\s+on\s+you|ashamed|appall\w*|shocking|dreadful|abysmal|atrocious"
        r"|diabolical|woeful|insult\w*|unbelievabl[ey](?!\s+(?:quick|fast|good|kind|helpful|friendly|easy|cheap))|unreal|terrible|horrible|awful)\b",
    ),
    (
        "hostile_language",
        "anger",
        0.6,
        r"\b(?:unversch[äa]mt\w*|frechheit|betrug|skandal\w*|katastroph\w*|saftladen|sauer|inakzeptabel|nicht\s+akzeptabel"
        r"|unm[öo]glich|l[äa]cherlich|zumutung|armselig|mies\w*|schlechteste\w*|fassungslos|kann\s+doch\s+nicht\s+wahr\s+sein"
        # Insults and outrage said to the shop: "ihr seid das Letzte", "unfähig", "stinksauer", "unfassbar!".
        r"|(?:seid|sind|ist|echt|wirklich|einfach)\s+das\s+(?:aller)?letzte(?!\s+\w)|unf[äa]hig\w*|st[üu]mper\w*|versager|witzverein"
        r"|stink(?:sauer|w[üu]tend|wuetend)"
        r"|keine\s+lust\s+mehr|hinterher(?:zu)?(?:laufen|rennen)|[äa]rgerlich\w*"
        r"|(?:unglaublich|unfassbar)(?!,?\s+(?:(?:wie|so)\s+)?(?:schnell|gut|einfach|toll|sch[öo]n|g[üu]nstig|fr[üu]h"
        r"|freundlich|hilfsbereit|nett|praktisch))|inadmissible|scandaleu\w*"
        r"|honte|arnaque|nul(?:le)?s?|furieu\w*|marre|verg[üu]enza|vergonzoso|estafa|p[ée]sim\w*|desastre|hart[oa]"
        r"|enfadad\w*|belachelijk|schandalig|schande|waardeloo\w*|klaar\s+mee|pessimo|vergogn\w*|schifo|truffa"
        r"|stuf[oa])\b",
    ),
    (
        "anger_word",
        "anger",
        0.65,
        r"\b(?:angry|furious|fuming|livid|outraged|enraged|pissed|mad\s+at|so\s+mad|w[üu]tend|ver[äa]rgert|stinksauer"
        r"|en\s+col[eè]re"
        r"|furioso|woedend|arrabbiat\w*)\b",
    ),
    (
        "exasperation",
        "frustration",
        0.6,
        r"\b(?:i'?m\s+(?:so\s+)?done(?!\s+with\s+(?:the|my)\b)|had\s+enough|fed\s+up(?!\s+with\s+(?:my|our)\s+(?:old|own))|sick\s+(?:of|to\s+death)|sick\s+and\s+tired|done\s+with\s+you"
        r"|never\s+(?:again|(?:shopping|buying|ordering)\s+(?:here|from\s+you))|los(?:ing|t)\s+my\s+(?:patience|mind)"
        r"|losing\s+it|enough\s+is\s+enough|(?:waited|waiting)\s+long\s+enough|i\s+give\s+up|wits'?\s+end|end\s+of\s+my\s+tether|had\s+it\s+(?:with|up)"
        r"|(?:a\s+)?million\s+times|over\s+and\s+over|nobody\s+cares|no\s+one\s+cares|give\s+me\s+a\s+break"
        r"|(?:can'?t|cannot)\s+believe(?!\s+how\s+(?:quick|fast|easy|well|good|nice|great|lovely|soon|cheap|early|simple"
        r"|friendly|helpful|kind)\w*)|how\s+hard\s+can\s+it|what\s+is\s+wrong\s+with\s+you"
        # "How hard is it to send the right size" is rhetorical; "how hard is it to assemble, can I do it myself?"
        # asks about the customer's own effort.
        r"|how\s+hard\s+is\s+it(?![^.!]*\b(?:myself|yourself|on\s+my\s+own|(?:can|could|should|do|would)\s+i|for\s+me"
        r"|for\s+a\s+beginner|to\s+(?:assemble|install|set\s+up|put\s+together|use|clean|fit|build|learn))\b)"
        r"|what\s+is\s+wrong\s+with\s+your\s+\w+|getting\s+(?:silly|ridiculous|absurd)|beyond\s+(?:a\s+joke|frustrat\w*|annoyed)|(?:really|so)\s+frustrat\w*"
        r"|my\s+patience|more\s+than\s+patient|(?:messed|mess(?:ing)?)\s+(?:up|it\s+up)|not\s+good\s+enough"
        r"|do(?:ing)?\s+nothing|waste\s+of\s+time|wasting\s+my|wasted\s+my|another\s+(?:apology|excuse)|(?:your|more)\s+(?:apologies|excuses)"
        r"|(?:the\s+)?last\s+time\s+(?:i|we)\s+(?:order(?!ed)|buy|shop(?!ped)|use(?!d))\w*|(?:final|last)\s+straw|end\s+of\s+my\s+rope"
        r"|(?:going|go|goes|went)\s+(?:round|around)\s+in\s+circles|at\s+my\s+limit|nobody\s+(?:has\s+)?bothered"
        r"|why\s+(?:is|does|do)\s+(?:it|everything|this)\s+(?:have\s+to\s+be\s+)?so\s+(?:hard|difficult|impossible"
        r"|complicated)|wie\s+oft\s+(?:noch|soll|muss)|(?:langsam\s+)?reicht\s+(?:es|'?s)"
        # "Es reicht!" said as a sentence of its own ("es reicht, wenn Sie die Rechnung schicken" is "it suffices").
        r"|es\s+reicht(?:\s+(?:jetzt|mir|endg[üu]ltig))?(?=\s*[!.]|\s*$)|keiner\s+k[üu]mmert"
        r"|was\s+ist\s+(?:das\s+)?f[üu]r\s+ein\w*\s+(?:service|laden|saftladen|firma|kundenservice)"
        r"|nie\s+wieder\s+(?:bestell|kauf)\w*|immer\s+wieder\s+(?:das\s+gleiche|dasselbe)|ausreden|nicht\s+zu\s+fassen|ich\s+warte\s+seit|seit\s+(?:\w+\s+){1,2}warte\s+ich"
        r"|ich\s+gebe\s+auf|zeitverschwendung|(?:dreh\w*|geht)\s+(?:sich\s+)?(?:alles\s+)?im\s+kreis"
        r"|(?:meine\s+)?geduld\s+ist\s+(?:am\s+ende|vorbei|aufgebraucht)|das\s+letzte\s+mal,?\s+dass\s+ich"
        r"|(?:jetzt|damit)\s+ist\s+(?:(?:aber|jetzt|nun)\s+)*schluss(?!\s+mit\s+(?!lustig))|schluss\s+(?:jetzt|damit|mit\s+lustig))\b",
    ),
    (
        "exasperation",
        "anger",
        0.6,
        r"\b(?:are\s+you\s+(?:kidding|serious|joking|having\s+a\s+laugh)|you\s+must\s+be\s+joking|seriously\?"
        r"|do\s+you\s+even|you'?ve\s+got\s+to\s+be\s+kidding|echt\s+jetzt(?=\s*\?)|soll\s+das\s+ein\s+witz\s+sein"
        r"|was\s+soll\s+das|machen\s+sie\s+witze|ist\s+das\s+ihr\s+ernst|soll\s+das\s+ein\s+scherz\s+sein"
        # The shop called a farce: "what kind of circus are you running?", "das ist der reinste Kindergarten".
        r"|(?:what\s+(?:kind|sort)\s+of\s+(?:a\s+)?|what\s+a\s+|this\s+is\s+(?:a|an\s+absolute|a\s+complete|a\s+total)\s+)"
        r"(?:circus|clown\s+show|farce|mickey\s+mouse\s+\w+)|(?:was\s+f[üu]r\s+ein(?:en)?|so\s+ein(?:en)?|(?:das|dies)\s+ist\s+"
        r"(?:ein|der\s+reinste|das\s+reinste))\s+(?:zirkus|affentheater|kasperle?theater|kindergarten|irrenhaus))\b",
    ),
    (
        "intensified",
        "anger",
        0.35,
        r"\b(?:absolutely|totally|completely|utterly|extremely|incredibly|so|beyond|truly|really)\s+(?:useless|disgust\w*"
        r"|disgrace\w*|ridiculous|pathetic|unacceptable|terrible|horrible|awful|appall\w*|incompetent|hopeless|rude"
        r"|shocking|livid|fed\s+up|bad|upset|angry|annoyed)\b"
        r"|\b(?:absolut|v[öo]llig|total|extrem|wirklich|echt|so|unglaublich)\s+(?:nutzlos|inakzeptabel|schlecht"
        r"|entt[äa]uscht|unversch[äa]mt|l[äa]cherlich|w[üu]tend|ver[äa]rgert|genervt|frustriert|gestresst|unfreundlich"
        r"|inkompetent)\b",
    ),
    (
        "demand",
        "anger",
        0.2,
        r"\b(?:i\s+demand|right\s+now|immediately|ich\s+(?:verlange|fordere)|sofort|umgehend|imm[ée]diatement)\b",
    ),
    (
        "still_waiting",
        "frustration",
        0.35,
        r"\bstill\s+(?:waiting|no\b|not\b|nothing|hasn'?t|haven'?t|doesn'?t|don'?t|isn'?t|can'?t|won'?t|missing)"
        r"|\bstill\s+\w+\s+(?:no|not)\b|\b(?:immer\s+noch|noch\s+immer)\s+(?:nicht|kein\w*|nichts|warte\w*)\b"
        r"|\b(?:weiterhin|nach\s+wie\s+vor)\s+(?:auf|nicht|kein\w*|nichts)\b|\b(?:fehlt|fehlen)\s+(?:\w+\s+)?(?:immer\s+noch|noch\s+immer)\b|\b(?:immer\s+noch\s+(?:nicht|kein\w*)|toujours\s+pas|todav[ií]a\s+no|nog\s+steeds\s+(?:niet|geen)"
        r"|ancora\s+(?:non|niente|nessun\w*))\b",
    ),
    (
        "repeat_request",
        "frustration",
        0.55,
        r"\b(?:(?:\d+|two|three|four|five|six|several|many|multiple)\s+times|(?:second|third|fourth|fifth|\d+(?:st|nd"
        r"|rd|th))\s+time|how\s+many\s+(?:more\s+)?times|for\s+the\s+last\s+time|keep\s+(?:asking|telling|ignoring"
        r"|getting\s+fobbed)|(?:asked|told|said)\s+(?:you\s+)?(?:this\s+)?(?:already|before|repeatedly|twice|yesterday)"
        r"|already\s+(?:told|asked|said)|(?:i\s+)?said\s+this\s+already|repeatedly|once\s+again|yet\s+again"
        r"|heard\s+(?:that|this|it)\s+(?:one\s+)?before|not\s+again|schon\s+wieder|zum\s+(?:zweiten|dritten|vierten|f[üu]nften|\d+\.?|x-ten)\s+mal"
        r"|(?:das|der)\s+(?:zweite|dritte|vierte|f[üu]nfte)\s+mal|schon\s+(?:zweimal|dreimal|mehrmals|x-mal)"
        r"|(?:habe|hab)\s+(?:ihnen\s+|es\s+)?(?:doch\s+)?(?:schon|bereits)\s+(?:gesagt|geschrieben|erkl[äa]rt|mitgeteilt)"
        # Told or asked a counted number of times: "ich habe es fünfmal erklärt", "dreimal angerufen".
        r"|(?:zwei|drei|vier|f[üu]nf|sechs|sieben|acht|zehn|zig|x|\d+)\s*-?mal\s+(?:\w+\s+){0,2}?(?:gesagt|geschrieben"
        r"|erkl[äa]rt|angerufen|gefragt|nachgefragt|gemeldet|gemailt|mitgeteilt|reklamiert|geschildert)"
        r"|bereits\s+(?:mehrfach|mehrmals)|wie\s+oft\s+denn\s+noch|i\s+(?:said|told\s+you)\s+(?:to\s+)?(?-i:[A-Z]{3,}))\b",
    ),
    (
        # A third attempt or more, counted by the customer: more than a repeat.
        "repeat_request",
        "frustration",
        0.25,
        r"\b(?:(?:third|fourth|fifth|sixth|\d+(?:rd|th))\s+time\s+(?:that\s+)?(?:i'?m|i\s+am|i'?ve|i\s+have|i)\s+"
        r"(?:\w+\s+)?(?:ask|writ|wrote|contact|chas|call|messag|email|explain|tell|told|report)\w*"
        r"|(?:zum\s+)?(?:dritten|vierten|f[üu]nften|x-ten|\d+\.)\s+mal,?\s+(?:dass\s+)?(?:ich\s+)?(?:\w+\s+)?(?:frage|schreibe"
        r"|melde|erkl[äa]re|rufe|nachfrage|anrufe)\w*)\b",
    ),
    (
        "every_time",
        "frustration",
        0.35,
        r"\b(?:(?:each\s+and\s+)?every\s+(?:single\s+)?time|jedes\s+(?:einzelne\s+)?mal|immer\s+wieder)\b",
    ),
    (
        "again",
        "frustration",
        0.25,
        r"(?<!thanks\s)(?<!thank\syou\s)(?<!hi\s)(?<!order\s)(?<!buy\s)(?<!shop\s)\b(?:again|another|yet\s+another)\b",
    ),
    ("again", "frustration", 0.25, r"\b(?:erneut|abermals)\b"),
    (
        "ignored",
        "frustration",
        0.4,
        r"\b(?:(?:nobody|no\s+one)\s+(?:\w+\s+){0,2}(?:answer|repl|respon|help|care|gets?\s+back|got\s+back|bother"
        r"|read|call|contact|tell|told|listen|fix|sort)\w*|no\s+answer|no\s+response|no\s+reply|not\s+responding|never\s+answer\w*"
        # Ignored, not the customer's "ignore my last message / what I said" taking their own words back.
        r"|ignor(?:ed|es|ing|ance|e(?!\s+(?:that|this|what\s+i|my|the\s+(?:last|previous|above|earlier|first))\b))"
        r"|never\s+respond\w*|does\s+anyone\s+read|is\s+anyone\s+(?:working|even|going|there|reading)|anyone\?+"
        r"|fob\w*\s+off|(?:keiner|niemand)\s+(?:meldet|antwortet|reagiert|hilft|tut|unternimmt|k[üu]mmert)|keine\s+(?:antwort|reaktion)"
        r"|(?:nobody|no\s+one)\s+knows|(?:keiner|niemand)\s+wei(?:ß|ss)|without\s+(?:a\s+word|an\s+answer|a\s+reply)"
        r"|ohne\s+(?:ein\s+wort|antwort|r[üu]ckmeldung|reaktion)"
        r"|liest\s+(?:das\s+)?(?:hier\s+)?(?:[üu]berhaupt\s+)?(?:jemand|irgendwer))\b",
    ),
    (
        "long_wait",
        "frustration",
        0.25,
        r"\b(?:(?:\d+|two|three|four|five|six|several|many)\s+(?:weeks|months)|a\s+month|forever|for\s+ages|since"
        r"\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|last\s+\w+)"
        r"|\d{2,}\s+days|(?:drei|trois|tres)\s+(?:wochen|semaines|semanas)|seit\s+(?:wochen|monaten|einem\s+monat|\d+\s+tagen)|un\s+mois|wasted|hours"
        r"|(?:\d+|zwei|vier|f[üu]nf|sechs|mehreren?)\s+(?:wochen|monaten?)|\d{2,}\s+tage\w*|eine\s+ewigkeit|ewig|viel\s+zu\s+lange|stundenlang"
        r"|far\s+too\s+long|way\s+too\s+long)\b",
    ),
    (
        "frustration_word",
        "frustration",
        0.45,
        r"\b(?:frustrat\w*|annoy\w*|infuriat\w*|upset|stress\w*|exhaust\w*|dissatisfied|desperate|panick\w*"
        r"|extremely\s+disappointed|so\s+disappointed|never\s+works|nothing\s+(?:ever\s+)?works|regret\w*|cheated"
        r"|ruin\w*|gutted|gestresst|genervt|nervt|nervig|[äa]rgert\s+mich|bereue\w*|entsetzt|(?:sehr|so|total|extrem|echt|wirklich)\s+entt[äa]uscht|frustriert|verzweifelt|mir\s+reicht'?s|es\s+reicht|habe\s+(?:die\s+)?nase\s+voll)\b",
    ),
    (
        "frustration_word",
        "frustration",
        0.2,
        r"\b(?:disappoint\w*|not\s+happy|not\s+satisfied|unhappy|rude|entt[äa]uscht|unzufrieden|nicht\s+zufrieden)\b",
    ),
    (
        "contacted_before",
        "frustration",
        0.35,
        r"\b(?:i'?ve|i\s+have)\s+(?:emailed|called|written|contacted|messaged|tried|reported|asked|been\s+trying"
        r"|been\s+waiting|been\s+chasing)\b"
        r"|\bich\s+habe\s+(?:ihnen\s+)?(?:bereits\s+|schon\s+)(?:geschrieben|angerufen|gemailt|nachgefragt|versucht|gewartet)\b",
    ),
    (
        "sarcasm_phrase",
        "sarcasm",
        0.8,
        # Only phrases that are sarcastic whatever follows; praise that may be sincere is `_IRONIC_PRAISE`.
        r"\b(?:thanks\s+for\s+(?:absolutely\s+)?nothing|(?:oh\s+)?great,?\s+just\s+great|just\s+shocking"
        r"|yeah\s+right|real(?:ly)?\s+fair|love\s+waiting"
        r"|thanks\s+to\s+you(?:r\s+\w+)?(?=\s*[.!]|\s*$)|thanks\s+(?:so\s+much|a\s+lot)\s+for\s+(?:ruining|nothing|losing|the\s+['\"‘“])"
        r"|wow,?\s+just\s+wow|what\s+a\s+(?:joke|surprise)|congrat\w*\s+on\s+the\s+worst"
        r"|never\s+fail\s+to\s+disappoint|classic\s+bait|as\s+always\.?\s+not"
        r"|cheers\s+for\s+(?:wasting|nothing|ruining|losing)|danke\s+f[üu]r\s+nichts|vielen\s+dank\s+auch"
        # Help that left one knowing as little as before: "jetzt weiß ich genauso viel wie vorher".
        r"|(?:genauso|so|ebenso)\s+(?:viel|schlau|klug)\s+wie\s+(?:vorher|zuvor)|none\s+the\s+wiser"
        r"|ganz\s+gro(?:ß|ss)es\s+kino|(?:ganz|echt)\s+toll,?\s+(?:jetzt|wieder|schon|und\s+jetzt)|(?:only|just)\s+(?:took|takes|taking)\s+(?:\d+|two|three|four|five|six|several|a\s+few)\s+(?:days|weeks|months)|na\s+(?:toll|super|prima|klasse|bravo|gro(?:ß|ss)artig|wunderbar))\b|[.,]\s*not\.?\s*$",
    ),
    (
        # A question about whether the shop can do its job at all is no question: "are you people even capable of
        # reading an address?", "does anyone there actually know how to pack?", "Könnt ihr überhaupt irgendwas richtig
        # machen?". The "even / at all" is what makes it rhetorical; "can you check the address?" asks.
        "rhetorical_competence",
        "sarcasm",
        0.7,
        r"\b(?:(?:are|is|can|could|do|does|did)\s+(?:you|y'?all|your\s+\w+|any\s*(?:one|body)(?:\s+(?:there|at\s+\w+))?"
        r"|(?:some|no)\s*(?:one|body)(?:\s+there)?)\s+(?:people\s+|guys\s+|lot\s+|folks\s+)?(?:even|actually|ever|at\s+all"
        r"|seriously|honestly)\s+(?:capable|able|competent|trained|qualified|awake|read|count|spell|listen\w*|manage"
        r"|know\s+(?:how|what)|do\s+(?:anything|one\s+thing)|get\s+(?:anything|one\s+thing)|check|care|think)"
        r"|(?:k[öo]nn(?:t|en)|seid|sind|kann|gibt\s+es)\s+(?:ihr|sie|man|da|bei\s+(?:euch|ihnen))\s+(?:\w+\s+){0,2}?"
        r"(?:[üu]berhaupt|eigentlich|auch\s+nur|jemals)\s+(?:\w+\s+){0,2}?(?:irgendwas|irgendetwas|etwas|was|lesen|z[äa]hlen"
        r"|richtig|in\s+der\s+lage|f[äa]hig|jemand\w*|einen?\s+\w+,?\s+der))\b",
    ),
    (
        "scare_quotes",
        "sarcasm",
        0.35,
        r"['\"‘“](?:fast|express|next\s+day[^'\"’”]*|free|quick|doesn'?t\s+apply|delivery\s+exception|premium"
        r"|guaranteed|service|it\s+will\s+arrive[^'\"’”]*|express\w*|schnell\w*|kostenlos\w*|garantiert\w*"
        r"|service\w*|kundenservice)['\"’”„“]",
    ),
    (
        "urgency_word",
        "urgency",
        0.55,
        r"\b(?:urgent\w*|asap|emergency|as\s+soon\s+as\s+possible|immediately|right\s+now|dringend|urgente|urgence"
        r"|deadline|desperate\w*|eilig|notfall|schnellstm[öo]glich|so\s+schnell\s+wie\s+m[öo]glich)\b",
    ),
    (
        "urgency_date",
        "urgency",
        0.35,
        r"\b(?:today|tonight|tomorrow|funeral|wedding|birthday|in\s+time\s+for|event|party|heute|morgen|hochzeit"
        r"|geburtstag|beerdigung|rechtzeitig|feier|veranstaltung)\b",
    ),
)
_CUES = tuple(
    (signal, dimension, weight, compile_words(pattern, re.IGNORECASE))
    for signal, dimension, weight, pattern in _CUE_TABLE
)
# Cues from the tone lexicon (data/tone_lexicon.yaml, every language alike): moods said in neutral words.
# Resignation ("this is the last order I place with you", "ich kaufe woanders") ends a relationship: a strong cue on
# its own. Chasing ("I've written four times") weighs like an explicit repeat request; a promise recalled as broken
# is upset only with another cue beside it; mock patience ("sure, I'll just wait another month") is sarcasm.
_LEXICON_CUES: tuple[tuple[str, Dimension, float, str], ...] = (
    ("resignation", "frustration", 0.6, "resignation"),
    ("repeated_contact", "frustration", 0.55, "repeated_contact"),
    ("broken_promise", "frustration", 0.35, "broken_promise"),
    ("mock_acceptance", "sarcasm", 0.7, "mock_acceptance"),
    # Anger and exhaustion said as idioms, in any language the lexicon lists ("die Nase voll", "verarscht", "taking
    # the mick", "unfassbar, wie man mit Kunden umgeht"): the tone model reads English only, so these carry German.
    ("fed_up", "frustration", 0.6, "fed_up"),
    ("taken_for_a_fool", "anger", 0.6, "taken_for_a_fool"),
    ("mistreatment", "anger", 0.6, "mistreatment"),
    ("ultimatum", "anger", 0.6, "ultimatum"),
    # "Refund. Now.": a demand cut to its last word; upset, a takeover only with another cue.
    ("curt_demand", "anger", 0.45, "curt_demand"),
    ("missed_occasion", "frustration", 0.45, "missed_occasion"),
    ("canned_reply", "frustration", 0.5, "canned_reply"),
)

# Praise that is sarcastic only next to something going wrong: "great job on the packaging" is feedback,
# "great job, broken again" is not.
_IRONIC_PRAISE = re.compile(
    r"\b(?:thanks\s+a\s+bunch|just\s+(?:brilliant|wonderful|perfect|great)"
    r"|oh\s+(?:great|wonderful|perfect|brilliant|lovely|fantastic|sure|joy|look)|love\s+(?:how|that|it\s+when|being)"
    r"|amazing\s+service,?\s+really|really\s+impressive|you\s+(?:guys|people)\s+are\s+(?:incredible|amazing|unbelievable)"
    r"|great\s+job|good\s+job|well\s+done|bravo|just\s+what\s+i\s+needed|cool\s+cool|nice\s+one,?\s+you"
    r"|such\s+great\s+service|perfect\s+timing|(?:amazing|incredible|impressive|great|wonderful|brilliant|fantastic)"
    r"\s+how|herzlichen\s+gl[üu]ckwunsch|respekt|super\s+service|toller\s+service|echt\s+(?:super|toll|klasse))\b",
    re.IGNORECASE,
)
# Words that praise (sarcastic next to something going wrong). Thanks, "please", "sure", "cool" are politeness, not
# praise: "Thanks. And the other one, please cancel that too" is a plain request.
_POSITIVE = re.compile(
    r"\b(?:great|wonderful|fantastic|brilliant|amazing|lovely|perfect|awesome|love|loving|impressive|incredible"
    r"|congrat\w*|superb|excellent|wow|super|toll\w*|prima|klasse|gro(?:ß|ss)artig\w*|wunderbar\w*|fantastisch\w*"
    r"|perfekt\w*|spitze|bravo|respekt|splendid|genius|thoughtful|so\s+glad|good\s+to\s+know|sch[öo]n,?\s+dass"
    r"|sehr\s+witzig|classic|wie\s+sch[öo]n)\b",
    re.IGNORECASE,
)
# Things going wrong. Request verbs ("cancel that"), "still", "again" and "wait" are neutral on their own.
_NEGATIVE_CONTEXT = re.compile(
    r"\b(?:delay\w*|(?:\d+|two|three|four|five|six|few|several)\s+(?:weeks?|months?)|a\s+(?:week|month|fortnight)"
    # More waiting on top: "wait another fortnight", "noch eine Woche warten".
    r"|(?:another|yet\s+another|one\s+more)\s+(?:\w+\s+)?(?:week|month|fortnight|day)s?|noch\s+(?:eine|einen|ein\s+paar)\s+"
    r"(?:woche|monat|tag)\w*"
    r"|forever|ages|broken|broke|break\w*|smash\w*|late|never|nothing|wrong|wasting|ruin\w*|worst|exception|excuses?"
    r"|disappoint\w*|fail\w*|lost|los(?:ing|es|e)|missing|took\s+\w+|stuck|damaged|cancell?ed|refund\w*\s+(?:takes|took)"
    r"|doesn'?t\s+(?:work|apply)|hasn'?t|(?:can'?t|cannot|won'?t|not)\s+even|no\s+parcel|no\s+refund|versp[äa]tet\w*|verloren|kaputt\w*|zerrissen"
    r"|besch[äa]digt\w*|falsch\w*|schon\s+wieder|nie|nichts|wochen|monat\w*|zu\s+sp[äa]t|weg"
    # A product that failed at what it was for: "soaked through", "fell apart", "stopped working", "ging kaputt".
    r"|soaked|leak(?:ed|s|ing)|fell\s+apart|falling\s+apart|stopped\s+working|tore|torn|ripped|cracked|shrank|snapped"
    # What should be there is not: an empty box or doorstep, a delivery only "allegedly" made.
    r"|empty|leer|angeblich"
    r"|peel(?:ed|ing)|rusted|durchn[äa]sst|undicht|zerfallen|gerissen|eingelaufen|ging\s+kaputt)\b",
    re.IGNORECASE,
)
# A request or a question is asked, not mocked: praise beside it is politeness ("Perfect, can you also check the
# late one?"). And thanks for the bot's help or news is acknowledgement, whatever the news.
_ASKS = re.compile(
    r"\?|\b(?:please|pls|can\s+you|could\s+you|would\s+you|will\s+you|let\s+me\s+know|bitte|k[öo]nnen\s+sie"
    r"|k[öo]nnten\s+sie|w[üu]rden\s+sie)\b",
    re.IGNORECASE,
)
_ACKNOWLEDGES = re.compile(
    r"\bappreciate\s+(?:you|it|your|the)\b"
    r"|\b(?:thanks?|thank\s+you|cheers)\s+(?:\w+\s+){0,2}for\s+(?:letting\s+me\s+know|the\s+(?:update|info\w*|heads[\s-]up"
    r"|explanation|quick\s+reply|help)|checking|looking|explaining|telling\s+me|your\s+help|helping|clarifying)"
    r"|danke\s+f[üu]r\s+(?:die\s+(?:info\w*|auskunft|nachricht|r[üu]ckmeldung)|ihre\s+hilfe|den\s+hinweis)\b"
    r"|\bdanke\s+f[üu]rs\s+(?:nachsehen|nachschauen|pr[üu]fen|bescheid\s+geben|helfen)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
# The most the learned and lexicon signals (tone model, VADER) give when nothing in the words backs them: below what a
# summary calls upset (0.3) and what asks a reply for empathy (0.4). A calm "no, ordered by mistake" stays calm.
SOFT_ONLY_MAX = 0.25
# With only mild words (weight below STRONG_CUE) behind them: upset, worth empathy, not a takeover.
MILD_ONLY_MAX = 0.45
STRONG_CUE = 0.3
# The tone model sure and the lexicon negative: upset without a cue word.
TONE_SURE = 0.8
AGREEING_SENTIMENT = -0.25


# A sentence of praise and nothing else ("Love it.", "Well done.", "Respekt."), or words that mark irony whatever
# their neighbours ("said no one ever", "totally normal", "as always").
_PRAISE_ALONE = re.compile(
    r"^\W*(?:oh\s+|wow\s+|just\s+|really\s+|so\s+)?(?:great|wonderful|fantastic|brilliant|amazing|lovely|perfect"
    r"|awesome|superb|excellent|love\s+(?:it|that)|well\s+done|good\s+job|great\s+job|bravo|nice\s+one|impressive"
    r"|toll|super|prima|klasse|respekt|bravo|gro(?:ß|ss)artig|wunderbar"
    # Encouragement to go on, said of a failure: "Keep it up.", "Weiter so.".
    r"|keep\s+(?:it|this)\s+up|keep\s+up\s+the\s+good\s+work|weiter\s+so|machen\s+sie\s+weiter\s+so)\W*$",
    re.IGNORECASE,
)
_IRONY_MARKER = re.compile(
    r"\b(?:said\s+no\s+one\s+ever|(?:totally|perfectly|completely)\s+(?:normal|fine|acceptable|reasonable)"
    r"|as\s+(?:always|usual)[.!]|wie\s+immer[.!]|what\s+a\s+surprise|who\s+would\s+have\s+thought"
    r"|v[öo]llig\s+normal|was\s+f[üu]r\s+eine\s+[üu]berraschung|wer\s+h[äa]tte\s+das\s+gedacht|wie\s+(?:immer|gewohnt)\s+nicht"
    # "Typical." as a sentence of its own: the failure expected of the shop.
    r"|(?:^|[.!?]\s*)(?:how\s+|so\s+|just\s+|wie\s+|echt\s+|mal\s+wieder\s+)?typi(?:cal|sch)(?:\s+(?:of\s+you|f[üu]r\s+euch))?[.!]*\s*$)",
    re.IGNORECASE,
)
# A few words in quotes, next to something going wrong, are the shop's own words held up: "'processing' for weeks".
_QUOTED = re.compile(r"['\"‘“„]([^'\"’”“]{3,30})['\"’”“]")


def _ironic(text: str) -> bool:
    """Praise and something going wrong in one sentence that neither asks nor thanks for help; or a sentence of
    bare praise beside one that reports something going wrong."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    wrong = [s for s in sentences if _NEGATIVE_CONTEXT.search(s) and not _ASKS.search(s)]
    for sentence in sentences:
        if _ASKS.search(sentence) or _ACKNOWLEDGES.search(sentence):
            continue
        if _POSITIVE.search(sentence) and _NEGATIVE_CONTEXT.search(sentence):
            return True
        alone = _PRAISE_ALONE.search(sentence) or (len(_WORD.findall(sentence)) <= 2 and _praise_word(sentence))
        if alone and any(other is not sentence for other in wrong):
            return True
    return False


# "The third replacement, broken like the others", "seit sieben Wochen ... nichts": how long or how often, and what
# went wrong, in one sentence that asks nothing. A mood, not yet a takeover on its own.
COUNTED_FAILURE = 0.35


BROKEN_PROMISE = 0.6
KEPT_WAITING = 0.45
DISTRESS = 0.6
_DISTRESS = re.compile(
    r"(?<!freude\s)(?<!gl[üu]ck\s)\b(?:cried|crying|in\s+tears|weinen|weint|weinte|geweint|in\s+tr[äa]nen)\b"
    r"(?!\s+(?:with|of|vor)\s+(?:joy|happiness|freude|gl[üu]ck))",
    re.IGNORECASE,
)


def _expectation_broken(text: str) -> str | None:
    return expectation.promise_broken(text) or expectation.overdue(text) or expectation.worse_than_before(text)


def _resolved(text: str) -> bool:
    return lexicon.find("resolved", text) is not None


def _counted_failure(text: str) -> bool:
    if not lexicon.find("counts", text):
        return False  # most messages: no sentence to look at
    return any(
        lexicon.find("counts", s) and lexicon.find("trouble", s) and not _ASKS.search(s)
        for s in _SENTENCE.split(text)
        if s.strip()
    ) and not _resolved(text)


def _situational_irony(text: str) -> bool:
    """Praise over a situation that is going wrong, in any sentence of the message: "Toll, jetzt warte ich schon die
    dritte Woche. Wirklich super Service.", "Impressive how a two-day delivery turns into three weeks". Praise that
    comes with a request or a question, thanks for help or news, or a good outcome ("Lovely, it arrived after all")
    is sincere."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    # Sentence by sentence: "Again." on its own is trouble wherever in the message it stands.
    if _resolved(text) or not any(lexicon.find("trouble", s) or lexicon.find("counts", s) for s in sentences):
        return False
    plain = [s for s in sentences if not _ASKS.search(s) and not _ACKNOWLEDGES.search(s)]
    praised = any(lexicon.find("praise", s) or _PRAISE_ALONE.search(s) for s in plain)
    wrong = any(lexicon.find("trouble", s) or lexicon.find("counts", s) for s in plain)
    return praised and wrong


# Assent over more of what went wrong, with no irony marker: "sure, let's just wait another month, why not", "great,
# another week then". The opening word agrees; what it agrees to is the grievance prolonged (more time to wait,
# nothing again, still no answer). Patience offered sincerely ("sure, I can wait another day, no problem"), thanks, or
# a question or request beside it keep it calm.
# Contempt and resignation share these words and differ in the agreement: praise over the grievance ("great",
# "wonderful", "na super"), or an "oh" before the yes, mocks it; a plain yes ("fine", "ok", "alright", "na gut") that
# takes more waiting upon oneself is resignation ("fine, I'll keep waiting then", "na gut, dann warte ich eben noch
# eine Woche"), unless it belittles the wait or the asker ("just", "why not", "shall I?", "I've nothing better to do").
_PRAISING_ASSENT = re.compile(
    r"^\W*(?:oh\s+(?:sure|fine|of\s+course|yes|yeah|ok(?:ay)?|right)|(?:(?:oh|well|ok(?:ay)?|na|ach)\W+)?(?:great|perfect"
    r"|wonderful|lovely|brilliant|fantastic|awesome|super|toll|prima|klasse|wunderbar|perfekt|of\s+course|sicher\s+doch))\b",
    re.IGNORECASE,
)
_PLAIN_ASSENT = re.compile(
    r"^\W*(?:(?:well|ok(?:ay)?|na|also|dann)\W+)?(?:sure|fine|ok(?:ay)?|alright|all\s+right|right|gut|okay|klar|sch[öo]n)\b",
    re.IGNORECASE,
)
# What turns a plain yes into contempt: the wait made small or the customer's time made nothing.
_BELITTLES = re.compile(
    r"\b(?:just|why\s+not|shall\s+i|should\s+i|(?:nothing|not\s+like\s+i\s+have\s+anything)\s+better\s+to\s+do|all\s+the"
    r"\s+time\s+in\s+the\s+world|as\s+usual|as\s+always|like\s+always|forever|great\s+plan|good\s+plan|what\s+else\s+is"
    r"\s+new|not\s+like\s+i|warum\s+(?:auch\s+)?nicht|wie\s+immer|wie\s+(?:sonst|gewohnt)|(?:habe|hab)\s+ja\s+(?:sonst\s+)?"
    r"(?:nichts|zeit)|ich\s+hab\w*\s+ja\s+zeit|soll\s+ich|ewig)\b|🙄|😒|🙃",
    re.IGNORECASE,
)


def _assent_mocks(text: str) -> bool:
    """The message opens with a yes that mocks what it agrees to, rather than accepting it."""
    return bool(_PRAISING_ASSENT.search(text) or (_PLAIN_ASSENT.search(text) and _BELITTLES.search(text)))


_MORE_OF_IT = re.compile(
    r"\b(?:(?:another|yet\s+another|one\s+more|a\s+few\s+more|even\s+more|noch\s+(?:eine[nm]?|ein\s+paar|mal\s+eine?n?))\s+"
    r"(?:\w+\s+)?(?:weeks?|months?|fortnights?|years?|wochen?|monate?n?|jahre?)"
    r"|(?:keep|kept|go\s+on|carry\s+on)\s+(?:on\s+)?waiting|wait\s+(?:even\s+)?(?:longer|forever|some\s+more)|weiter\s+warten"
    r"|(?:again|still|wieder|schon\s+wieder|immer\s+noch|noch\s+immer)\s+(?:\w+\s+)?(?:nothing|no|not|nobody|broken|nichts"
    r"|kein\w*|nicht|niemand|kaputt))\b",
    re.IGNORECASE,
)
_SINCERE_PATIENCE = re.compile(
    r"\b(?:no\s+(?:problem|worries|rush|hurry)|i\s+(?:can|don'?t\s+mind\s+to|could)\s+wait|happy\s+to\s+wait|that'?s\s+(?:fine"
    r"|ok(?:ay)?)|kein\s+(?:problem|stress)|(?:kann|k[öo]nnte)\s+(?:gerne\s+)?warten|warte\s+gerne)\b",
    re.IGNORECASE,
)


def _mock_assent(text: str) -> bool:
    return bool(
        _assent_mocks(text)
        and _MORE_OF_IT.search(text)
        and not (_SINCERE_PATIENCE.search(text) or _ASKS.search(text) or _THANKS.search(text) or _resolved(text))
    )


# Praise given as such ("I'd like to compliment your driver"): the classifier may hear a grievance in its subject,
# but the praise is the point, not a mask.
_COMPLIMENTS = re.compile(
    r"\b(?:compliment\w*|commend\w*|kudos|shout[\s-]?out|pass\s+on\s+my\s+thanks|lob(?:en)?|bedanken|meinen\s+dank)\b",
    re.IGNORECASE,
)
# Politeness words the lexicon rates positive but nobody uses to praise.
_POLITE = frozenset({"thanks", "thank", "please", "sure", "ok", "okay", "like", "yes", "yeah", "cheers", "welcome"})
# A word the lexicon rates at least this positive is praise ("marvelous" 2.9, "splendid" 2.8, "glad" 2.0).
PRAISE_VALENCE = 1.9


def _praise_word(sentence: str) -> bool:
    lexicon = _vader().lexicon
    # "not happy" praises nothing: a negated word is left out.
    plain = re.sub(r"\b(?:not|never|no|nicht|kein\w*)\s+(?:\w+\s+)?\w+|\w+n't\s+(?:\w+\s+)?\w+", " ", sentence.lower())
    words = re.findall(r"[a-z]+", plain.replace("marvellous", "marvelous"))
    return any(word not in _POLITE and lexicon.get(word, 0.0) >= PRAISE_VALENCE for word in words)


def _praises_unasked(text: str) -> bool:
    """Praise in a sentence that neither asks for something nor thanks for help or news."""
    return any(
        (
            _POSITIVE.search(sentence)
            or _IRONIC_PRAISE.search(sentence)
            or _PRAISE_ALONE.search(sentence)
            or _praise_word(sentence)
            or lexicon.find("praise", sentence)
        )
        and not _ASKS.search(sentence)
        and not _ACKNOWLEDGES.search(sentence)
        for sentence in _SENTENCE.split(text)
    )


# Thanks for something the shop did wrong ("thanks a bunch for charging me twice", "danke, dass Sie mir zwei Rechnungen
# geschickt haben"): what is thanked for is the grievance. Thanks for a remedy ("for sorting out the double charge",
# "for the replacement of the broken one") or for news is sincere, whatever went wrong before.
_THANKS_FOR = re.compile(
    r"\b(?:thanks?|thank\s+you|cheers|danke|(?:vielen|herzlichen|besten|tausend)\s+dank)\b(?:\s+(?:so\s+much|a\s+(?:bunch|lot|million)|again|auch|sehr"
    r"|sch[öo]n))*,?\s+(?:for|f[üu]rs?|dass)\s+([^.!?;]+)",
    re.IGNORECASE,
)
_REMEDY = re.compile(
    r"\b(?:sort\w*|fix\w*|refund\w*|replac\w*|resolv\w*|handl\w*|deal\w*|look\w*\s+into|exchang\w*|swap\w*|correct\w*"
    r"|help\w*|check\w*|explain\w*|(?<!me\s)chas\w+\s+(?:it|this|that|them|up|the\s+\w+)|follow\w*\s+up|let(?:ting)?\s+me\s+know|tell\w*\s+me|updat\w*|info\w*|credit\w*|voucher|apolog\w*"
    r"|compensat\w*|new\s+one|return\s+label|gutschrift|erstatt\w*|ersatz\w*|umtausch\w*|gekl[äa]rt|erledigt|behoben"
    r"|korrigiert|hilfe|auskunft|nachricht|r[üu]ckmeldung|entschuldig\w*|repl\w*|answer\w*|respon\w*|get(?:ting)?\s+back"
    r"|heads[\s-]up|patience|understanding|support\w*|effort\w*|attention|offer\w*|antwort\w*|k[üu]mmer\w*|bem[üu]h\w*"
    r"|geduld|verst[äa]ndnis|unterst[üu]tz\w*|hinweis|bescheid|angebot\w*)\b",
    re.IGNORECASE,
)
# What the thanks is about is not what is thanked for: "thanks for the quick reply about the missing parcel".
_ABOUT_CLAUSE = re.compile(
    r"\b(?:about|regarding|concerning|re|on|with\s+(?:my|the)|wegen|bez[üu]glich|zu[mr]?|mit\s+(?:meine\w*|der|dem|den))\b.*",
    re.IGNORECASE,
)


def _thanks_for_harm(text: str) -> str | None:
    for match in _THANKS_FOR.finditer(text):
        thanked = _ABOUT_CLAUSE.sub("", match.group(1))
        # Thanks for news or help is acknowledgement; "really appreciate it" after a harm is part of the sarcasm.
        acknowledged = _ACKNOWLEDGES.search(match.group(0))
        if _REMEDY.search(match.group(1)) or (
            acknowledged and not acknowledged.group(0).lower().startswith("appreciate")
        ):
            continue
        harm = lexicon.find("trouble", thanked) or lexicon.find("counts", thanked) or _NEGATIVE_CONTEXT.search(thanked)
        if harm:
            return match.group(0)
    return None


# Words of repetition and time that only complain beside something going wrong: "every single time I order it arrives
# fast, nice work" praises the shop's consistency.
_MILD_REPEATS = frozenset({"every_time", "again", "long_wait"})


# Swearing as an intensifier of thanks ("damn that was easy, cheers", "holy crap that was fast, thank you"): with
# thanks or praise, nothing going wrong and the rest of the message reading pleased, it is delight, not anger. Harsh
# words that judge ("useless", "a joke") are no intensifier and keep counting.
_STRONG_WORDS = frozenset({"profanity", "hostile_language"})
KINDLY_SENTIMENT = 0.3
# The customer as the one called names: "I'm terrible with numbers", "I'm so stupid, I ordered the wrong size". Only
# words that judge a person's doing; a feeling said of oneself ("ich bin echt sauer", "I'm disgusted") is the mood.
_SELF_JUDGED = re.compile(
    r"(?:terrible|awful|horrible|useless|hopeless|stupid|dumb|clueless|rubbish|idiots?|pathetic|inept|incompetent"
    r"|amateur\w*|unf[äa]hig\w*)$",
    re.IGNORECASE,
)
_SELF_AIMED = re.compile(
    r"\b(?:i'?m|im|i\s+am|i\s+was|i\s+feel|i\s+felt|i'?ve\s+been|me|myself|ich\s+bin|ich\s+war|ich\s+komme\s+mir)\s+"
    r"(?:(?:so|such|an?|really|just|a\s+bit|bit|pretty|totally|too|being|zu|echt|total|wirklich|ein\s+bisschen|ganz|vor\s+wie)"
    r"\s+){0,3}$",
    re.IGNORECASE,
)


# Thanks taken back ("thanks, but ...", "danke, aber ...") or turned by a sigh ("as usual", "wie immer").
_CONTRAST = re.compile(
    r"\b(?:but|though|however|except|although|as\s+(?:usual|always|ever)|typical|aber|jedoch|allerdings|trotzdem"
    r"|wie\s+(?:immer|[üu]blich)|typisch)\b",
    re.IGNORECASE,
)
_PROFANITY = re.compile(next(pattern for signal, _, _, pattern in _CUE_TABLE if signal == "profanity"), re.IGNORECASE)


def _said_kindly(text: str) -> bool:
    """Thanks or praise, nothing going wrong, and a pleased message overall: its strong words only intensify."""
    pleased = _THANKS.search(text) or _POSITIVE.search(text) or lexicon.find("praise", text)
    return bool(pleased) and (
        not (lexicon.find("trouble", text) or lexicon.find("counts", text) or _NEGATIVE_CONTEXT.search(text))
        and _thanks_for_harm(text) is None
        and not _CONTRAST.search(text)
        # Another sign of a mood beside the swearing ("damn slow, as usual") makes it the mood's.
        and not any(
            signal != "profanity" and dimension in ("anger", "frustration") and pattern.search(text)
            for signal, dimension, _, pattern in _CUES
        )
        and not any(lexicon.find(name, text) for _, dimension, _, name in _LEXICON_CUES if dimension != "urgency")
        and _sentiment(_PROFANITY.sub(" ", text)) >= KINDLY_SENTIMENT
    )


def _contented(text: str) -> bool:
    """Praise, and nothing going wrong anywhere in the message."""
    praised = _POSITIVE.search(text) or lexicon.find("praise", text)
    return bool(praised) and not (
        lexicon.find("trouble", text) or lexicon.find("counts", text) or _NEGATIVE_CONTEXT.search(text)
    )


def _irony_marked(text: str) -> bool:
    if _IRONY_MARKER.search(text):
        return True
    quoted = [q for q in _QUOTED.findall(text) if len(q.split()) <= 4]
    if not quoted:
        return False
    rest = _QUOTED.sub(" ", text)
    # The shop's word held up in quotes beside something going wrong, or after an opening cry of praise that asks
    # nothing ("Nice, the 'waterproof' jacket soaked through"): the quotes say the claim failed even where the failure
    # has no trouble word. A claim the message bears out ("the 'express' option really was next day, great") is
    # sincere.
    return bool(_NEGATIVE_CONTEXT.search(rest)) or (
        bool(_PRAISE_OPENING.search(text))
        and not _ASKS.search(text)
        and not _resolved(text)
        and not _CLAIM_BORNE_OUT.search(text)
    )


# Praise echoed with an intensifier: "Toll, wirklich toll", "perfect, just perfect", "lovely, really lovely". Sincere
# praise is said once; said twice, it is held up to be looked at.
_ECHOED_PRAISE = re.compile(
    r"\b(great|wonderful|fantastic|brilliant|amazing|lovely|perfect|awesome|superb|excellent|nice|marvell?ous|splendid"
    r"|toll|super|prima|klasse|wunderbar|gro(?:ß|ss)artig|fantastisch|perfekt|spitze)\b\W+(?:(?:just|really|truly|simply"
    r"|absolutely|so|wirklich|echt|einfach|ganz|richtig|total|sehr)\s+)+\1\b",
    re.IGNORECASE,
)
# The shop's line recalled as heard before: "'your refund is on its way', heard that one before", "Das kenne ich schon:
# 'morgen wird versendet'". With the line quoted (or nothing else said) it is disbelief, not a memory.
_HEARD_BEFORE = re.compile(
    r"\b(?:(?:i'?ve\s+)?heard\s+(?:that|this|it)\s+(?:one\s+)?(?:before|already)|(?:das|den|die)\s+(?:spruch\s+)?kenne?\s+ich"
    r"\s+(?:schon|bereits)|(?:das|den\s+spruch)\s+(?:habe|hab)\s+ich\s+(?:schon|bereits)\s+(?:\w+\s+)?(?:geh[öo]rt|gelesen))\b",
    re.IGNORECASE,
)
# Words in quotes, the quotes standing apart from words ("I've" and "it's" hold no quote).
_QUOTED_LINE = re.compile(r"(?:^|(?<=[\s:,(]))['\"‘“„][^'\"’”“]{3,40}['\"’”“](?=$|[\s.,!?;:)])")
_THANKS = re.compile(r"\b(?:thanks?|thank\s+you|cheers|danke\w*)\b", re.IGNORECASE)
# A cry of praise opening the message ("Nice,", "Great.", "Wow, just wow", "Toll,"), the sarcastic opener.
_PRAISE_OPENING = re.compile(
    r"^\W*(?:oh\s+|wow,?\s+|just\s+)?(?:great|wonderful|fantastic|brilliant|amazing|lovely|perfect|awesome|superb"
    r"|excellent|nice|splendid|marvell?ous|impressive|wow|bravo|toll|super|prima|klasse|wunderbar|gro(?:ß|ss)artig"
    r"|fantastisch|perfekt|spitze)\s*[,.!:;-]",
    re.IGNORECASE,
)
# The claim in quotes held true: "really is waterproof", "as promised", "hielt, was versprochen".
_CLAIM_BORNE_OUT = re.compile(
    r"\b(?:really|truly|actually|indeed)\s+(?:is|was|are|were|did)|as\s+(?:promised|advertised|described|stated|said)"
    r"|lives?\s+up|lived\s+up|true\s+to|wie\s+versprochen|wie\s+beschrieben|h[äa]lt,?\s+was|hielt,?\s+was"
    r"|(?:ist|war)\s+(?:wirklich|tats[äa]chlich)",
    re.IGNORECASE,
)


# "!!" after thanks or praise is enthusiasm, and a single "!" only sharpens anger that words already show.
_CHEERFUL = re.compile(
    r"^\W*(?:thanks?|thank\s+you|great|perfect|awesome|amazing|brilliant|yes|wow|love|danke|super|toll|perfekt|ja|prima)\b[^?]*$",
    re.I,
)
_WORD_ANGER = frozenset({"profanity", "hostile_language", "anger_word", "intensified", "exasperation"})
# "A bit disappointed", "just so you know": customers who say it is minor mean it.
_SOFTENER = re.compile(
    r"\b(?:a\s+(?:bit|little|tad)|slightly|somewhat|just\s+so\s+you\s+know|fyi|just\s+letting\s+you\s+know|minor"
    r"|small\s+issue|no\s+big\s+deal|not\s+a\s+big\s+deal|ein\s+(?:bisschen|wenig)|nur\s+zur\s+info"
    r"|kleine[sr]?\s+(?:problem|sache|fehler)|kein\s+(?:gro(?:ß|ss)es\s+)?(?:problem|drama)|nicht\s+schlimm)\b",
    re.IGNORECASE,
)
_NOT_HERE = re.compile(
    r"\b(?:not\s+here|hasn'?t\s+(?:arrived|come)|didn'?t\s+(?:arrive|come)|not\s+arrived|(?:noch\s+)?nicht\s+(?:angekommen|da"
    r"|geliefert)|kam\s+nicht\s+an)\b",
    re.I,
)
# Acronyms and ids are written in capitals by everybody; they say nothing about the writer's mood.
_CAPS_IGNORE = _words(
    "GDPR DSGVO VAT PDF USD EUR GBP UK US USA EU XL XXL XS ID OK SMS BBB FAQ ETA ASAP PS DHL UPS FEDEX TNT GLS DPD "
    "IBAN BIC SKU TV PC USB LED GB TB AM PM NYC LA HR CEO II III IOS IPHONE"
)
_NEGATABLE = frozenset({"anger_word", "frustration_word", "hostile_language"})
_TONED_DOWN = re.compile(
    r"\b(?:a\s+(?:bit|little|tad)|slightly|somewhat|mildly|kind\s+of|etwas|ein\s+(?:bisschen|wenig|klein\s+wenig)|leicht)\s+$",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|n't|never|no|nicht|kein\w*|nie)\s+(?:\w+\s+)?$|n't\s+(?:\w+\s+)?$", re.IGNORECASE)
# Short words people shout ("I want it NOW"); other three-letter capitals are mostly codes and brands.
_SHOUTED_SHORT = _words("NOW NOT YOU WHY HOW ANY YET ALL OUT WTF DID WAS GET PAY ASK")
_CAPS_WORD = re.compile(r"\b[A-ZÄÖÜ]{2,}\b")
_WORD = re.compile(r"\b[A-Za-zÄÖÜäöüß]{2,}\b")


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


# The languages VADER's lexicon knows. Elsewhere it reads false friends ("die", the German article, is "to die" to
# it: "Nein, die rote" scored -0.6), so a message in another language gets no lexicon sentiment at all.
_SENTIMENT_LANGUAGES = frozenset({"en"})


def _sentiment(text: str) -> float:
    if detect_language(text) not in _SENTIMENT_LANGUAGES:
        return 0.0
    return float(_vader().polarity_scores(text)["compound"])


def _noisy_or(weights: list[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 4)


def _caps_shouting(text: str) -> float:
    """Share of words written in capitals, or 0.0 when the capitals are not shouting. A name or an email in capitals
    is how people fill in forms ("ETHAN GARCIA 80280"), not shouting: those words do not count."""
    entities = shared_entities(text)
    for email in entities.emails:
        text = re.sub(re.escape(email), " ", text, flags=re.IGNORECASE)
    for name in entities.names:
        text = re.sub(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b", " ", text, flags=re.IGNORECASE)
    words = [w for w in _WORD.findall(text) if w.upper() not in _CAPS_IGNORE]
    shouted = [w for w in _CAPS_WORD.findall(text) if w not in _CAPS_IGNORE]
    if not words or not shouted:
        return 0.0
    share = len(shouted) / len(words)
    # One shouted word in a long sentence ("I asked THREE times") counts; "OK" or a lone "I" never does.
    if (len(shouted) >= 2 and share >= 0.25) or any(len(w) >= 4 or w in _SHOUTED_SHORT for w in shouted):
        return share
    return 0.0


# A count of the customer's own custom ("the fourth time I'm ordering from you", "ich bestelle jetzt zum vierten Mal
# bei euch") measures loyalty, not a request repeated: its words are no cue of a mood, unless something went wrong
# again ("zum dritten Mal bestellt und wieder kaputt").
_ORDINAL = (
    r"(?:second|third|fourth|fifth|sixth|seventh|tenth|\d+(?:st|nd|rd|th)|zweite[nm]?|dritte[nm]?|vierte[nm]?"
    r"|f[üu]nfte[nm]?|sechste[nm]?|zehnte[nm]?|x-te[nm]?|\d+\.)"
)
_CUSTOM = r"(?:order|buy|bought|shop|purchas|visit|bestell|kauf|einkauf)\w*"
_OWN_CUSTOM = re.compile(
    rf"\b(?:(?:zum\s+|for\s+the\s+|the\s+)?{_ORDINAL}\s+(?:time|mal),?\s+(?:that\s+|dass\s+)?(?:i'?m|i\s+am|i'?ve|i\s+have"
    rf"|i|we|we'?re|we\s+are|ich|wir)?\s*(?:\w+\s+){{0,2}}?{_CUSTOM}"
    rf"|{_CUSTOM}\s+(?:\w+\s+){{0,4}}?(?:zum|for\s+the)\s+{_ORDINAL}\s+(?:time|mal)"
    rf"|{_CUSTOM}\s+(?:\w+\s+){{0,3}}?(?:\d+|two|three|four|five|six|several|many|multiple)\s+times"
    rf"|(?:\d+|zwei|drei|vier|f[üu]nf|sechs|x|mehr|zig)\s*-?mal\s+(?:\w+\s+){{0,2}}?(?:bestellt|gekauft|eingekauft))\b",
    re.IGNORECASE,
)


def _without_own_custom(text: str) -> str:
    rest = _OWN_CUSTOM.sub(" ", text)
    if rest == text or _NEGATIVE_CONTEXT.search(rest) or lexicon.find("trouble", rest):
        return text
    return rest


def score_emotion(text: str, repeated: bool = False, upset: float = 0.0, grievance: bool = False) -> Emotion:
    """Emotion for one message.

    `repeated` says the same need was already asked in this conversation; `upset` is the tone model's probability
    that the writer is upset (0 when no model is at hand), which counts as a frustration cue once it is likely;
    `grievance` says the intent classifier reads the message as a complaint. Praise on a grievance is sarcasm
    ("Splendid, the box was empty"), whatever words tell of the problem; and the tone model sure of upset on a
    grievance is backed by it.
    """
    # The mood words are read through the same typos and umlaut-less spellings as the escalation cues ("wuetend",
    # "unverschaemt", "furius"): one normaliser, so no pattern below lists a spelling.
    text = _without_own_custom(with_cue_spellings(text))
    weights: dict[str, list[float]] = {"anger": [], "frustration": [], "sarcasm": [], "urgency": []}
    signals: list[str] = []

    def fire(signal: str, dimension: str, weight: float) -> None:
        weights[dimension].append(weight)
        if signal not in signals:
            signals.append(signal)

    contented = _contented(text)
    kindly = _said_kindly(text)
    for signal, dimension, weight, pattern in _CUES:
        if contented and signal in _MILD_REPEATS:
            continue
        if kindly and signal == "profanity":
            continue
        # Each occurrence counts (up to three): "worst service ... disgraceful" is angrier than either word alone.
        # A feeling said not to be there ("I'm not upset", "nicht sauer") is not there, nor a harsh word the customer
        # aims at themself ("sorry, I'm terrible with numbers").
        found = [
            m
            for m in pattern.finditer(text)
            if not (signal in _NEGATABLE and _NEGATED.search(text[: m.start()]))
            and not (_SELF_JUDGED.match(m.group(0)) and _SELF_AIMED.search(text[: m.start()]))
        ]
        for match in found[:3]:
            # A mood word the customer tones down ("etwas ärgerlich", "a bit annoying") is half the mood.
            toned_down = signal in _NEGATABLE and _TONED_DOWN.search(text[: match.start()])
            fire(signal, dimension, weight / 2 if toned_down else weight)
    for signal, dimension, weight, name in _LEXICON_CUES:
        if lexicon.find(name, text):
            fire(signal, dimension, weight)
    if _counted_failure(text):
        fire("counted_failure", "frustration", COUNTED_FAILURE)
    if _expectation_broken(text) and not _ASKS.search(text):
        # A promise not kept, an estimate gone by or a wait worse than last time or than elsewhere, stated as two
        # facts side by side and nothing asked ("Estimated delivery was the 4th. Today is the 19th."), is a customer
        # who has done the sum and leaves the reader to draw it: let down. Softened ("no big deal, just so you know")
        # it is a customer kept waiting: upset, worth empathy, a takeover only with another cue. Asked about ("it was
        # due on the 4th, can you check?"), either is a question to answer.
        fire("expectation_broken", "frustration", KEPT_WAITING if _SOFTENER.search(text) else BROKEN_PROMISE)
    if _DISTRESS.search(text):
        # Tears over what went wrong; tears alone may be of joy.
        went_wrong = _NEGATIVE_CONTEXT.search(text) or lexicon.find("trouble", text)
        fire("distress", "frustration", DISTRESS if went_wrong else 0.2)

    resolved = _resolved(text)
    if _thanks_for_harm(text) or (
        _IRONIC_PRAISE.search(text)
        and (_NEGATIVE_CONTEXT.search(text) or weights["anger"] or weights["frustration"])
        and not resolved
    ):
        fire("sarcasm_phrase", "sarcasm", 0.8)
    elif (
        grievance
        # The classifier reads the subject of a grievance; the tone model, where it reads the message at all, the
        # mood. Both are needed: "the driver texted to say he was outside, very helpful" is about a driver, calmly.
        and not 0.0 < upset < PRAISE_CALM_TONE
        and "sarcasm_phrase" not in signals
        and _praises_unasked(text)
        and not resolved
        and not _COMPLIMENTS.search(text)
    ):
        fire("praise_on_grievance", "sarcasm", 0.6)
    if _HEARD_BEFORE.search(text) and (_QUOTED_LINE.search(text) or len(text.split()) <= 6):
        fire("heard_before", "sarcasm", 0.7)
    # Echoed praise is held up to be looked at, unless more praise follows it: "Toll, wirklich toll, die Jacke passt
    # perfekt!" is delight.
    echoed = _ECHOED_PRAISE.search(text)
    delight = echoed is not None and bool(lexicon.find("praise", text[: echoed.start()] + " " + text[echoed.end() :]))
    if echoed and not delight and not (_THANKS.search(text) or _ASKS.search(text) or resolved):
        fire("echoed_praise", "sarcasm", 0.8)

    shouting = _caps_shouting(text)
    if shouting:
        fire("all_caps", "anger", 0.6 if shouting >= 0.5 else 0.45)
        fire("all_caps", "frustration", 0.2)
    if re.search(r"!{2,}", text) and not _CHEERFUL.search(text):
        fire("repeated_punctuation", "anger", 0.3)
    if re.search(r"\?{2,}|\?!|!\?", text):
        fire("repeated_punctuation", "frustration", 0.35)
    if repeated:
        fire("repeat_request", "frustration", 0.55)
    softened = bool(_SOFTENER.search(text))
    # Nothing in the words themselves, or only mild ones ("not happy", "disappointed"): the tone model and the
    # lexicon's sentiment are guesses, and guesses alone never make a customer upset enough to hand over.
    strongest = max((w for ws in weights.values() for w in ws), default=0.0)
    cues = sum(len(ws) for ws in weights.values())
    sentiment = _sentiment(text)
    if upset >= UPSET_MIN:
        # The tone model hears upset in some plainly friendly lines ("Hey, good morning"). Alone, against a clearly
        # pleased wording and no other cue, it counts half, as it does when the customer softens their words.
        # Urgency backs nothing: a date named ("that's all for today", "für morgen") is no word of upset.
        alone = not any(weights[dimension] for dimension in ("anger", "frustration", "sarcasm"))
        damp = 0.5 if softened or (alone and sentiment >= UPSET_PLEASED_SENTIMENT) else 1.0
        weight = upset * UPSET_WEIGHT * damp
        if alone:
            # A learned guess with nothing in the words to back it ("When will it get here?" scored 0.92) is not
            # enough to hand a customer over by itself; backed by any cue, it counts in full.
            weight = min(weight, UPSET_ALONE_MAX)
        fire("upset_tone", "frustration", round(weight, 4))
    if softened:
        signals.append("softened")
    if "!" in text and any(signal in signals for signal in _WORD_ANGER):
        fire("exclamation", "anger", 0.2)

    ironic = _ironic(text) or _irony_marked(text) or _situational_irony(text) or _mock_assent(text)
    if "sarcasm_phrase" not in signals and ironic and not resolved:
        # Praise wrapped around a complaint is the commonest written sarcasm in support ("love waiting 3 weeks").
        fire("sarcasm_pattern", "sarcasm", 0.6)
    if sentiment <= -0.6:
        fire("negative_sentiment", "anger", 0.2)
    if sentiment <= -0.3:
        fire("negative_sentiment", "frustration", 0.2)
    if _noisy_or(weights["urgency"]) >= 0.6 and (
        "repeated_punctuation" in signals
        or sentiment <= -0.2
        or _NEGATIVE_CONTEXT.search(text)
        or _NOT_HERE.search(text)
    ):
        # An urgent need that is going wrong is a stressed customer even without a single angry word.
        fire("urgent_problem", "frustration", 0.6)
    sarcastic = bool(weights["sarcasm"])
    # Two independent guesses agreeing (the tone model sure, the lexicon negative) are evidence: "What is wrong with
    # this company?" has no angry word but reads upset to both.
    agree = upset >= TONE_SURE and (sentiment <= AGREEING_SENTIMENT or grievance)
    # One mild word ("again", "not happy") is how calm people talk; two of them, or a strong one, is a mood.
    cap = None if agree or strongest >= STRONG_CUE else SOFT_ONLY_MAX if cues <= 1 else MILD_ONLY_MAX
    if cap is not None and not sarcastic and not weights["urgency"]:
        for dimension in ("anger", "frustration"):
            if _noisy_or(weights[dimension]) > cap:
                weights[dimension] = [cap]
    if sarcastic:
        # The literal sentiment of a sarcastic message is upside down.
        sentiment = min(sentiment, -abs(sentiment) if sentiment else -0.3)
        fire("sarcasm", "frustration", 0.3)

    return Emotion(
        anger=_noisy_or(weights["anger"]),
        frustration=_noisy_or(weights["frustration"]),
        sarcasm=_noisy_or(weights["sarcasm"]),
        urgency=_noisy_or(weights["urgency"]),
        sentiment=max(-1.0, min(1.0, sentiment)),
        signals=signals,
    )


def upset_words(text: str) -> list[str]:
    """The words behind the anger, frustration and sarcasm cues (misspelt ones as the word meant): a decision's
    evidence."""
    text = with_cue_spellings(text)
    words: list[str] = []
    for _, dimension, _, pattern in _CUES:
        if dimension == "urgency":
            continue
        for match in pattern.finditer(text):
            word = match.group(0).strip()
            if word and word not in words:
                words.append(word)
    found = [lexicon.find(name, text) for _, _, _, name in _LEXICON_CUES]
    found.append(_expectation_broken(text))
    if _situational_irony(text):
        found += [lexicon.find("praise", text), lexicon.find("trouble", text) or lexicon.find("counts", text)]
    words += [w for w in dict.fromkeys(found) if w and w not in words]
    ironic = _IRONIC_PRAISE.search(text)
    if ironic and ironic.group(0) not in words:
        words.append(ironic.group(0))
    if _caps_shouting(text):
        words += [w for w in _CAPS_WORD.findall(text) if w not in _CAPS_IGNORE and w not in words][:3]
    for marks in re.findall(r"[!?]{2,}", text)[:1]:
        words.append(marks)
    return words[:6]

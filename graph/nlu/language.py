"""Cheap language identification: stopword and cue-word counts, with English as the tie-breaker.

Support messages are short, so n-gram models misfire; a handful of function words per language is both faster and,
on one-line messages, about as good.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """the a an and or is are was were i you my me your it this that to of in on for with not no yes do does
        did can could would please thanks thank hi hello where when what how why order have has be"""
    ),
    # German questions about the shop are short and verb-first ("Bieten Sie Afterpay an?"): its verbs of offering,
    # taking, delivering and costing count as much as its function words.
    "de": _words(
        """der die das und oder ist sind war ich du sie mein meine meinen ihr nicht nein ja bitte danke hallo
        wo wann was wie warum bestellung ein eine einen mit für auf zu von möchte habe kann können ist es sich
        seit warte noch guten tag schön vielen dank mir mich bei nach sehr schon heute gestern leider
        muss müssen als dem den auch aus wird werden gibt wenn dass kein keine welche welcher welches
        wer euer eure euch uns bietet bieten nehmt nehmen akzeptiert akzeptieren liefert liefern verschickt
        versendet kostet dauert braucht"""
    ),
    "fr": _words(
        """le la les et ou est sont je tu vous mon ma mes votre pas non oui merci bonjour où quand quoi comment
        pourquoi commande un une avec pour sur de du des ce cette suis veux voudrais bonsoir beaucoup c'est
        j'ai d'une d'un au aux très quel quelle mais avez ai été"""
    ),
    "es": _words(
        """el la los las y o es son yo tú usted mi mis su no sí gracias hola dónde cuándo qué cómo por pedido un
        una con para en de del quiero puedo muchas buenos días cuál esto sus muy fue estoy encanta encantan
        que se lo al nos hay pero ya tengo hace buenas tardes noches veces servicio"""
    ),
    "nl": _words(
        """de het een en of is zijn ik jij u mijn niet nee ja alstublieft bedankt dank hallo hoi waar wanneer wat
        hoe waarom bestelling met voor op van wil kan graag jullie je wel goedemiddag
        nog steeds geen dit dat maar ook er deze heb om te naar bij uit geweldige"""
    ),
    "it": _words(
        """il lo la i gli le e o è sono io tu lei mio mia non no sì grazie ciao buongiorno dove quando cosa come
        perché ordine un una con per su di del vorrei posso mille per favore voglio miei mie che della dalla
        dal dei ho ottimo domani servizio"""
    ),
}
# Letters that only some of the languages use; each hit counts like a stopword.
_LETTERS: dict[str, str] = {"de": "ßäöü", "fr": "çèêëàâîôû", "es": "ñ¿¡áíóú", "it": "ìò"}
_TOKEN = re.compile(r"[a-zà-ÿß']+")


# One message is read for its language by the analyser, the intent cues, the sentiment and the reply's locale.
@lru_cache(maxsize=4096)
def detect_language(text: str) -> str:
    """ISO 639-1 code of the most likely language among en, de, fr, es, nl, it."""
    lowered = text.lower()
    tokens = _TOKEN.findall(lowered)
    scores = {lang: float(sum(map(words.__contains__, tokens))) for lang, words in _WORDS.items()}
    for lang, letters in _LETTERS.items():
        scores[lang] += 0.75 * sum(lowered.count(letter) for letter in letters)
    best = max(scores, key=lambda lang: scores[lang])
    # English wins ties: most traffic is English and shared words ("no", "in", "de") are ambiguous.
    return "en" if scores[best] <= scores["en"] else best


def cue_words(text: str, language: str) -> int:
    """How many of the message's words are the language's own function words (the evidence detect_language counts)."""
    words = _WORDS.get(language, frozenset())
    return sum(map(words.__contains__, _TOKEN.findall(text.lower())))

"""Fraud read by what the customer disowns, typo evidence quoted as typed, and a wrong charge read as money taken.

Each class is tested with the reviewer's sentences and with new ones of the same class.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from graph.nlu.billing import tells_of_a_wrong_charge
from graph.nlu.keywords import complaint_act, critical_keyword_words, human_request_words
from graph.nlu.spelling import as_typed, cue_word, with_cue_spellings


@pytest.mark.parametrize(
    "text",
    [
        # A relative clause with "nicht" that disowns nothing: a missing parcel, an order no longer wanted.
        "Wo ist meine Bestellung, die ich nicht bekommen habe?",
        "Ich möchte die Bestellung stornieren, die ich nicht mehr brauche",
        "Die Zahlung, die ich nicht finden kann, war per PayPal",
        "Meine Bestellung, die ich noch nicht erhalten habe, ist seit zwei Wochen unterwegs",
        # A deal word next to some other thing not done or approved.
        "My order came in a different colour, I never approved that change",
        "My order is still pending because I didn't make the payment yet",
        "the order was a duplicate, I didn't make two orders",
        "The payment failed and I didn't make a second attempt",
        "My order shipped to the old address, I never approved the new delivery date either",
        # An extra of an order charged without being asked for: a billing dispute.
        "I was charged for express shipping I didn't order",
        "You billed me for gift wrapping I didn't order",
        # Disowned, with the owner named: a family matter.
        "That order isn't mine, it's my husband's",
        "These orders aren't mine, they are my daughter's",
        "Somebody in my family ordered with my account, I want to return it",
        "someone from my household bought this with my account, can I send it back?",
    ],
)
def test_ordinary_messages_are_no_fraud(text: str) -> None:
    assert "fraud" not in critical_keyword_words(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I never placed this order",
        "someone used my card",
        "there's a charge I didn't authorise",
        "diese Bestellung habe ich nie getätigt",
        "I didn't make these payments, please look into it",
        "There is an order that I never placed on my account",
        "There's a payment on my account I never made",
        "Eine Abbuchung über 40 Euro, die ich nie veranlasst habe",
        "Ich habe diesen Kauf nicht getätigt",
        "You charged me for an order I never placed",
        "charged me for two blue vases I never bought",
        "Somebody has been buying things with my PayPal",
        "These orders aren't mine and I don't know who placed them",
    ],
)
def test_disowned_purchases_are_still_fraud(text: str) -> None:
    assert "fraud" in critical_keyword_words(text), text


# --- the spelling corrector ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I would like a collage kit for my daughter",
        "Do you sell photo collages?",
        "Is this charger complying with EU rules?",
    ],
)
def test_ordinary_words_near_a_cue_stay_what_they_are(text: str) -> None:
    assert with_cue_spellings(text) == text
    assert human_request_words(text) is None
    assert critical_keyword_words(text) == {}


_VOCAB = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "cl100k_base.tiktoken"
# What the corrector changes among the whole words of a broad vocabulary: fragments and typos of a cue, and its own
# inflections, never an ordinary word of another meaning.
_CORRECTED_ON_PURPOSE = {
    "acent",
    "agens",
    "agenta",
    "agento",
    "agment",
    "agnet",
    "alent",
    "ament",
    "angent",
    "avent",
    "authorize",
    "perso",
    "persone",
    "personn",
    "persön",
    "speaks",
    # Of the mood words read through the same corrector: "ärgert" typed without its umlaut and fragments of it,
    # a fragment of "seriously", and an inflection of "frustrating".
    "arger",
    "argest",
    "arget",
    "frustrations",
    "sciously",
}


def test_the_corrector_changes_no_ordinary_word_of_a_broad_vocabulary() -> None:
    words: set[str] = set()
    for line in _VOCAB.read_bytes().splitlines():
        try:
            token = base64.b64decode(line.split()[0]).decode("utf-8").strip().lower()
        except UnicodeDecodeError:
            continue
        if re.fullmatch(r"[a-zäöüß]{5,}", token):
            words.add(token)
    assert len(words) > 20000
    assert {word for word in words if cue_word(word)} <= _CORRECTED_ON_PURPOSE


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("can I speek to a humen please", "speek to a humen"),
        ("there's a charge I didn't authorise", "charge I didn't authorise"),
        ("I want to file a formal complant about the courier", "complant"),
        ("bitte einen Vorgesetzen, sofort", "Vorgesetzen"),
    ],
)
def test_evidence_quotes_what_the_customer_typed(text: str, quoted: str) -> None:
    evidence = [human_request_words(text), complaint_act(text), *critical_keyword_words(text).values()]
    found = [words for words in evidence if words]
    assert found, text
    for words in found:
        assert words in text, (words, text)
    assert any(quoted in words for words in found), found


def test_as_typed_maps_spans_around_corrections() -> None:
    text = "ok speek now to a humen, thanks"
    assert with_cue_spellings(text) == "ok speak now to a human, thanks"
    assert as_typed(text, "speak now to a human") == "speek now to a humen"
    assert as_typed(text, "now to") == "now to"
    assert as_typed(text, ", thanks") == ", thanks"


# --- a wrong charge is money taken ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "For #W6779827 can I pay with a second payment method, the mastercard instead of the gift card?",
        "Order #W7728728: the wireless earbuds need charging twice a day, I want a refund",
        "I'd like to add a second payment method to order #W1234567",
        "My phone needs charging twice a night since the update, can I return it?",
        "Is there an extra payment option like PayPal?",
        "the tablet stopped charging, double check it please",
    ],
)
def test_no_money_taken_is_no_wrong_charge(text: str) -> None:
    assert not tells_of_a_wrong_charge(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I was charged twice",
        "please refund the double charge",
        "you charged me twice for one order",
        "zweimal abgebucht",
        "you're charging me twice for the same lamp",
        "I see a second charge on my card for #W1234567",
        "there is a duplicate payment on my statement",
        "Mir wurde der Betrag doppelt belastet",
    ],
)
def test_money_taken_twice_is_a_wrong_charge(text: str) -> None:
    assert tells_of_a_wrong_charge(text), text

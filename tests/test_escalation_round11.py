"""Escalation round 11 (issue #16): the mood readers see the same typo and umlaut normaliser as the cue words; assent
over more of what went wrong is sarcasm; a count of the customer's own custom is no repeat; compensation claimed is a
complaint while the way to complain, asked, is answered; a harm asked about by meaning is no harm told. Sentences
written after the change, English and German, an escalating one beside a calm one that shares its words."""

from __future__ import annotations

import pytest

from graph.nlu.emotion import score_emotion
from graph.nlu.keywords import complaint_act, find_critical_keywords
from graph.nlu.spelling import cue_word
from tests.support.nlu import POLICY, Analyse, decision_for


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("wuetend", "wütend"),
        ("veraergert", "verärgert"),
        ("unverschaemt", "unverschämt"),
        ("enttaeuscht", "enttäuscht"),
        ("fuenfmal", "fünfmal"),
        ("rediculous", "ridiculous"),
        ("incompetant", "incompetent"),
        ("frustated", "frustrated"),
    ],
)
def test_a_misspelt_mood_word_is_read_as_the_word(typed: str, read: str) -> None:
    assert cue_word(typed) == read


@pytest.mark.parametrize("word", ["terribly", "ridiculously", "serious", "wasting", "writing", "entschuldigung"])
def test_ordinary_words_near_a_mood_word_stay_as_typed(word: str) -> None:
    assert cue_word(word) is None


@pytest.mark.parametrize(
    ("upset", "calm"),
    [
        (
            "ich bin total enttaeuscht und veraergert ueber diesen service",
            "ich bin nicht enttaeuscht, die lampe ist schoen",
        ),
        (
            "ich habe es euch dreimal geschrieben und nichts passiert",
            "ich habe das buch dreimal gelesen, gibt es teil zwei?",
        ),
        ("you guys are compleetly incompetant, this is rediculous", "is the completely waterproof version in stock?"),
        (
            "das ist aergerlich und inakzeptabel, schon wieder zu spaet",
            "ein bisschen aergerlich, aber halb so wild. koennen sie die lieferung pruefen?",
        ),
    ],
)
def test_mood_words_typed_without_umlauts_or_with_typos_hand_over(analyse: Analyse, upset: str, calm: str) -> None:
    assert any(r.startswith("emotion_") for r in decision_for(analyse, upset)), upset
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    ("sarcastic", "sincere"),
    [
        ("sure, let's wait another month for the refund, great plan", "sure, please refund it to my visa"),
        ("perfect, another three weeks of waiting for a kettle", "perfect, the kettle arrived, thanks"),
        ("wonderful, still no word from anyone about my refund", "wonderful, the refund is already on my card"),
        ("toll, jetzt warte ich noch einen monat auf das sofa", "toll, das sofa ist da und passt perfekt"),
        (
            "of course, let's just wait one more month for the sofa",
            "of course, I can wait one more week for the sofa, no problem",
        ),
    ],
)
def test_assent_over_more_of_what_went_wrong_is_sarcasm(analyse: Analyse, sarcastic: str, sincere: str) -> None:
    assert score_emotion(sarcastic).sarcasm >= POLICY.emotion_threshold, sarcastic
    assert decision_for(analyse, sarcastic), sarcastic
    assert decision_for(analyse, sincere) == [], sincere


@pytest.mark.parametrize(
    ("repeated", "loyal"),
    [
        (
            "I've written three times this week and nobody got back to me, I want this fixed today",
            "I've ordered three times this year and it always came fast",
        ),
        (
            "zum dritten mal frage ich nach meiner erstattung, jetzt reicht es",
            "zum dritten mal bestelle ich diese schuhe, weil sie so bequem sind",
        ),
    ],
)
def test_a_request_repeated_hands_over_and_a_purchase_repeated_does_not(
    analyse: Analyse, repeated: str, loyal: str
) -> None:
    assert "emotion_frustration" in decision_for(analyse, repeated), repeated
    assert decision_for(analyse, loyal) == [], loyal


def test_a_purchase_repeated_that_failed_again_still_counts() -> None:
    assert score_emotion("zum dritten mal bestellt und wieder kaputt").frustration >= 0.6


@pytest.mark.parametrize(
    ("claimed", "asked"),
    [
        (
            "we expect compensation for the missed flight caused by your late delivery",
            "what compensation do you give for late deliveries?",
        ),
        ("ich fordere eine entschaedigung fuer die beschaedigte wand", "gibt es eine entschaedigung bei verspaetung?"),
    ],
)
def test_compensation_claimed_goes_to_a_person_and_asked_about_is_answered(
    analyse: Analyse, claimed: str, asked: str
) -> None:
    assert "complaint" in decision_for(analyse, claimed), claimed
    assert decision_for(analyse, asked) == [], asked


@pytest.mark.parametrize(
    ("lodged", "asked"),
    [
        (
            "I'd like to make an official complaint about the parcel service",
            "how can I file a complaint about a courier?",
        ),
        (
            "ich möchte mich offiziell über den kundendienst beschweren",
            "wie kann ich mich beim kundendienst beschweren?",
        ),
        (
            "ich möchte eine offizielle beschwerde gegen den fahrer einreichen",
            "wo kann ich eine beschwerde über den fahrer einreichen?",
        ),
    ],
)
def test_a_complaint_lodged_hands_over_and_the_way_to_complain_asked_is_answered(
    analyse: Analyse, lodged: str, asked: str
) -> None:
    assert "complaint" in decision_for(analyse, lodged), lodged
    assert complaint_act(asked) is None and find_critical_keywords(asked) == [], asked
    assert decision_for(analyse, asked) == [], asked


@pytest.mark.parametrize(
    ("told", "asked"),
    [
        ("my son had an asthma attack from the fumes of the rug", "does the rug give off any fumes?"),
        ("I burned my fingers on the lid, it gets far too hot", "does the lid get hot enough to burn your fingers?"),
        (
            "mein kind hat eine kleine batterie verschluckt, wir sind im krankenhaus",
            "ist die batterie im spielzeug verschraubt?",
        ),
        (
            "the delivery driver made racist comments to my wife",
            "can the delivery driver call my wife when he arrives?",
        ),
    ],
)
def test_harm_told_hands_over_and_a_safety_question_is_answered(analyse: Analyse, told: str, asked: str) -> None:
    assert "sensitive_topic" in decision_for(analyse, told), told
    assert decision_for(analyse, asked) == [], asked

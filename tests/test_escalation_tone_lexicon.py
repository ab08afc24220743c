"""Moods, requests for a person and complaints said in neutral words, English and German (issue #16, round 2)."""

from __future__ import annotations

import pytest

from graph.nlu.emotion import score_emotion
from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.lexicon import LANGUAGES, concept, load_lexicon
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()
OPEN = ConversationFacts()


def upset(text: str) -> float:
    emotion = score_emotion(text)
    return max(emotion.anger, emotion.frustration, emotion.sarcasm)


def test_every_concept_of_the_lexicon_speaks_every_shop_language() -> None:
    lexicon = load_lexicon()
    assert {"praise", "trouble", "resignation", "person_request", "complaint_record"} <= set(lexicon)
    for name, languages in lexicon.items():
        for language in LANGUAGES:
            assert languages.get(language), f"{name} has no {language} entries"
        assert concept(name).pattern  # compiles


def test_a_concept_matches_whole_words_only() -> None:
    assert concept("praise").search("Great, it broke.")
    assert not concept("praise").search("greatly reduced")


@pytest.mark.parametrize(
    "text",
    [
        "Superb. Nine days and the parcel hasn't moved an inch.",
        "Splendid, my refund has been 'processing' for five weeks.",
        "Wunderbar, seit neun Tagen bewegt sich die Sendung nicht.",
        "Herrlich, zum dritten Mal die falsche Farbe.",
    ],
)
def test_praise_over_a_situation_going_wrong_is_sarcasm(text: str) -> None:
    assert score_emotion(text).sarcasm >= 0.6, score_emotion(text)


@pytest.mark.parametrize(
    "text",
    [
        "Superb, the parcel arrived after all, thanks.",
        "Great, could you check the late one as well?",
        "Super, thanks for letting me know about the delay",
        "Wunderbar, es funktioniert jetzt. Danke!",
        "Prima, können Sie auch die zweite Bestellung prüfen?",
        "Nein, die grüne, nicht die graue.",
    ],
)
def test_praise_with_a_good_outcome_a_request_or_thanks_reads_calm(text: str) -> None:
    assert upset(text) < 0.3, score_emotion(text)


def test_german_gets_no_english_lexicon_sentiment() -> None:
    # VADER reads the German article "die" as "to die".
    emotion = score_emotion("Nein, die grüne, nicht die graue.")
    assert emotion.sentiment == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "You won't see me again, I'm getting it somewhere else.",
        "There's no point writing to you any more.",
        "I'll be posting this on social media so people know.",
        "Hätte ich bloß woanders bestellt. Das bringt doch alles nichts.",
        "Ich erwarte von Ihnen nichts mehr, ich kaufe ab jetzt anderswo.",
    ],
)
def test_resignation_and_leaving_go_to_a_person_with_the_words(analyse: Analyse, text: str) -> None:
    d = decide_escalation(analyse(text), POLICY, OPEN)
    assert d.escalate and "emotion_frustration" in d.reasons, d
    assert any('"' in t.evidence for t in d.evidence if t.reason == "emotion_frustration")


@pytest.mark.parametrize(
    "text",
    [
        "I'll think about it and come back next week.",
        "Ich überlege es mir noch und melde mich dann.",
        "Leave it for now please, I'll decide later.",
    ],
)
def test_putting_a_matter_off_is_not_leaving(analyse: Analyse, text: str) -> None:
    u = analyse(text)
    assert not decide_escalation(u, POLICY, ConversationFacts(answers_our_question=True)).escalate, u.emotion


@pytest.mark.parametrize(
    "text",
    [
        "Could someone more senior look at this?",
        "I'd like a call-back from your team about this.",
        "Is there somebody I can explain this to?",
        "Können Sie mich bitte an jemanden Zuständigen weiterleiten?",
        "Ich hätte gern einen Rückruf von Ihnen.",
        "Ich möchte das mit jemandem aus Ihrem Kundenservice besprechen.",
    ],
)
def test_a_person_asked_for_without_the_word_is_a_request(analyse: Analyse, text: str) -> None:
    d = decide_escalation(analyse(text), POLICY, OPEN)
    assert d.escalate and "human_requested" in d.reasons, d


@pytest.mark.parametrize(
    "text",
    [
        "No, I don't need a call, the chat is fine.",
        "Nein, ich brauche keinen Rückruf, danke.",
        "No need to pass this on.",
    ],
)
def test_a_person_declined_is_no_request(analyse: Analyse, text: str) -> None:
    d = decide_escalation(analyse(text), POLICY, ConversationFacts(person_offered=True))
    assert not d.escalate, d


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I want it on record that the courier was rude to my mother.", "on record"),
        ("I expect a reply from your management on how this was handled.", "management"),
        ("Ich möchte die Abwicklung meiner Reklamation förmlich beanstanden.", "beanstanden"),
        ("Bitte geben Sie das an Ihre Geschäftsleitung weiter.", "Geschäftsleitung"),
    ],
)
def test_a_complaint_lodged_without_the_word_goes_to_a_person(analyse: Analyse, text: str, words: str) -> None:
    d = decide_escalation(analyse(text), POLICY, OPEN)
    assert d.escalate and "complaint" in d.reasons, d
    assert any(words in t.evidence for t in d.evidence if t.reason == "complaint"), d.evidence


@pytest.mark.parametrize(
    "text",
    [
        "The lid was cracked, could you look into a replacement?",
        "Der Deckel war gesprungen, können Sie mir Ersatz schicken?",
        "I've written twice about my refund, could you check where it is?",
    ],
)
def test_a_problem_reported_calmly_stays_with_the_bot(analyse: Analyse, text: str) -> None:
    d = decide_escalation(analyse(text), POLICY, OPEN)
    assert not d.escalate, (d, analyse(text).emotion)


def test_the_tone_model_counts_by_how_well_it_knows_the_language(analyse: Analyse) -> None:
    from graph.nlu.local import get_local_understanding

    analyser = get_local_understanding()
    vector = analyser.embedder.embed(["Das ist wirklich das Allerletzte"])
    probability = float(analyser.tone.upset_probability(vector)[0])
    assert analyser.tone.upset(vector, "de") == pytest.approx(probability * 0.5)
    assert analyser.tone.upset(vector, "en") == pytest.approx(probability)
    assert analyser.tone.upset(vector, "fr") == 0.0


@pytest.mark.parametrize(
    ("text", "lodged"),
    [
        ("before I say yes, is that the only credit card I have on file?", False),
        ("what address do you have on record for me", False),
        ("please put this on record", True),
        ("for the record, this is the second broken one", True),
    ],
)
def test_a_thing_kept_on_file_is_no_complaint(text: str, lodged: bool) -> None:
    from graph.nlu.keywords import complaint_act

    assert (complaint_act(text) is not None) is lodged

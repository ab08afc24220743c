"""What the customer was led to expect against what happened, and the other round 3 mechanisms of issue #16:
sentences written after the change, each escalating one beside a calm one that shares its words."""

from __future__ import annotations

import pytest

from graph.nlu.emotion import score_emotion
from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.expectation import overdue, promise_broken, worse_than_before
from graph.nlu.keywords import human_request_words
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()


def escalates(analyse: Analyse, text: str) -> bool:
    understanding = analyse(text)
    return decide_escalation(understanding, POLICY, ConversationFacts(language=understanding.language)).escalate


@pytest.mark.parametrize(
    "text",
    [
        "Your support team said the credit note would take 48 hours. That was nine days ago and still nothing.",
        "The website said dispatch within 1 working day. It has been 8.",
        "You told me the technician would ring on Tuesday. Nobody did.",
        "Mir wurde eine Gutschrift bis Ende der Woche zugesagt. Bis heute nichts.",
        "Sie haben Versand in 24 Stunden versprochen. Es sind jetzt 6 Tage.",
    ],
)
def test_a_promise_of_the_shop_gone_by_is_a_takeover(analyse: Analyse, text: str) -> None:
    assert promise_broken(text), text
    assert escalates(analyse, text)


@pytest.mark.parametrize(
    "text",
    [
        "Your support team said the credit note would take 48 hours. It's been one day, so I'll wait.",
        "The website said dispatch within 1 working day, and it did. Could I add gift wrap?",
        "You told me the technician would ring on Tuesday; today is only Monday.",
        "Mir wurde eine Gutschrift bis Ende der Woche zugesagt, und das hat geklappt.",
        "Sie haben Versand in 24 Stunden versprochen. Wann kommt die Sendungsnummer?",
    ],
)
def test_the_same_promise_kept_or_not_yet_due_or_asked_about_is_calm(analyse: Analyse, text: str) -> None:
    assert not escalates(analyse, text)


@pytest.mark.parametrize(
    "text",
    [
        "That's what I said yesterday: the green one, not the grey one.",
        "I said last week I'd pick it up myself, same as always.",
    ],
)
def test_the_customer_recalling_their_own_words_is_no_broken_promise(text: str) -> None:
    assert not overdue(text) or not promise_broken(text)
    assert score_emotion(text).frustration < 0.6


def test_an_estimate_missed_or_a_slower_wait_stated_as_facts_is_a_takeover_and_softened_a_mood() -> None:
    # Two facts side by side and nothing asked: the customer has done the sum (issue #16, round 5: the labelled sets
    # hand these over). Softened, the same facts are a customer kept waiting, not yet a takeover.
    late = "The estimated arrival was the 2nd. Today is the 14th."
    slower = "The previous order took 3 days. This time it has taken 12 days."
    assert overdue(late) and not promise_broken(late)
    assert worse_than_before(slower)
    for text in (late, slower):
        assert score_emotion(text).frustration >= 0.6, text
        softened = f"{text} Not a big deal, just so you know."
        assert 0.3 <= score_emotion(softened).frustration < 0.6, softened
    assert not worse_than_before("The previous order took 3 days. How long does it take this time?")
    assert not worse_than_before("The previous order took 3 days and this one took 2. Lovely.")


@pytest.mark.parametrize(
    ("upset_text", "calm_text"),
    [
        (
            "Marvellous, the lamp came without its shade. Just what I wanted.",
            "Marvellous, the lamp came with a spare shade. Just what I wanted.",
        ),
        ("Lovely, the delivery slot has been pushed back again.", "Lovely, the delivery slot is confirmed."),
        (
            "Brilliant, the cake stand turned up after the party.",
            "Brilliant, the cake stand turned up after the party, which is fine, we'll use it at Easter.",
        ),
        (
            "Klasse, die Lampe kam ohne Schirm. Genau das, was ich bestellt hatte.",
            "Klasse, die Lampe kam mit Ersatzschirm. Genau das, was ich wollte.",
        ),
        ("Prima, der Liefertermin wurde schon wieder verschoben.", "Prima, der Liefertermin passt mir gut."),
    ],
)
def test_praise_over_something_gone_wrong_is_sarcasm_and_over_a_good_outcome_is_not(
    upset_text: str, calm_text: str
) -> None:
    assert score_emotion(upset_text).sarcasm >= 0.6, score_emotion(upset_text)
    assert score_emotion(calm_text).sarcasm < 0.6, score_emotion(calm_text)


@pytest.mark.parametrize(
    ("upset_text", "calm_text"),
    [
        ("That's it, I'm deleting my account. Enough.", "That's it, thanks. Could I update my phone number too?"),
        ("I honestly don't care anymore what you do with it.", "Whichever colour you pick is fine, I don't mind."),
        ("That was my last purchase from you, believe me.", "Could you check my last purchase from you, please?"),
        ("Ich habe zwanzig Jahre hier gekauft und so werde ich behandelt.", "Ich habe zwanzig Jahre hier gekauft."),
        ("Das ist mir inzwischen alles egal.", "Die Farbe ist mir egal, Hauptsache Größe L."),
    ],
)
def test_resignation_said_as_an_end_and_the_same_words_said_calmly(upset_text: str, calm_text: str) -> None:
    assert score_emotion(upset_text).frustration >= 0.6, score_emotion(upset_text)
    emotion = score_emotion(calm_text)
    assert max(emotion.frustration, emotion.anger, emotion.sarcasm) < 0.6, emotion


@pytest.mark.parametrize(
    "text",
    [
        "I can't believe how fast the refund came through.",
        "Unglaublich, wie freundlich der Fahrer war.",
        "My nephew cried with joy when he unwrapped it.",
        "I'd like to commend the courier who brought it up four flights of stairs.",
    ],
)
def test_astonishment_at_good_news_tears_of_joy_and_compliments_are_calm(text: str) -> None:
    emotion = score_emotion(text)
    assert max(emotion.frustration, emotion.anger, emotion.sarcasm) < 0.6, emotion


def test_tears_over_what_went_wrong_are_distress() -> None:
    assert score_emotion("My son was in tears, the bike for his birthday never came.").frustration >= 0.6


def test_a_callback_reported_is_no_request_for_a_person_and_one_asked_for_is() -> None:
    assert human_request_words("They told me somebody would phone me by noon, and they did.") is None
    assert human_request_words("Mir wurde gesagt, jemand würde mich zurückrufen, und das hat geklappt.") is None
    assert human_request_words("Could somebody phone me about this please?")


@pytest.mark.parametrize(
    ("escalating", "calm"),
    [
        (
            "Der Wasserkocher ist geschmolzen und hat die Arbeitsplatte angekokelt.",
            "Der Wasserkocher wird außen etwas warm, ist das normal?",
        ),
        (
            "Der Zusteller ist mir bis ins Treppenhaus gefolgt und hat anzügliche Sprüche gemacht.",
            "Ich bin der Aufbauanleitung gefolgt, aber ein Teil fehlt.",
        ),
        (
            "Jemand hat über mein Kundenkonto drei Bestellungen aufgegeben.",
            "Meine Frau hat über unser gemeinsames Konto bestellt, ist das in Ordnung?",
        ),
        ("I never authorised the second charge on my card.", "I authorised the charge, when will it ship?"),
    ],
)
def test_german_topics_in_words_and_the_calm_messages_sharing_them(
    analyse: Analyse, escalating: str, calm: str
) -> None:
    assert escalates(analyse, escalating)
    assert not escalates(analyse, calm)


def test_the_handoff_message_comes_from_the_catalogue_in_the_customers_language() -> None:
    from graph.nlu.escalation import PASSED, REPLY_WHEN_OPEN, customer_message
    from shopdesk.i18n import speaker

    german = customer_message(
        ["complaint"], ConversationFacts(language="de"), "normal", "Ich beschwere mich über den Zusteller, er war grob."
    )
    assert "Beschwerde" in german and "den Zusteller" in german and "Kollegin" in german
    closed = ConversationFacts(language="de", business_hours_open=False, next_open="Montag um 9:00")
    assert speaker("de").text(REPLY_WHEN_OPEN, next_open="Montag um 9:00") in customer_message(
        ["human_requested"], closed, "normal"
    )
    # A language without a catalogue is answered in the source language, whole sentences and all.
    assert customer_message(["emotion_anger"], ConversationFacts(language="fr"), "high").startswith(PASSED)


@pytest.mark.parametrize(
    ("escalating", "calm"),
    [
        (
            "We paid extra for priority shipping and the rug has now been on the way for 9 days.",
            "We paid extra for priority shipping and the rug arrived the next morning. Thank you!",
        ),
        (
            "Your shop has kept my money for five weeks and not a single item has come.",
            "You have had my money for a day, when will the order ship?",
        ),
        (
            "Ich habe extra für Expressversand bezahlt und warte nun seit acht Tagen.",
            "Ich habe extra für Expressversand bezahlt, kommt das Paket morgen?",
        ),
    ],
)
def test_a_faster_service_paid_for_and_not_given_is_a_promise_broken(
    analyse: Analyse, escalating: str, calm: str
) -> None:
    assert escalates(analyse, escalating)
    assert not escalates(analyse, calm)

"""Escalation round 12 (issue #16): a person asked for by a nickname ("a hooman", "a real bloke") or asked to take
the case up ("could a colleague take this over?"); calm resignation told apart from a mocking yes; a purchase or a
change on the account that the customer never agreed to; a person of the shop's named only as what a complaint is
about; a grievance put on record without the word "complaint"; harm told by what happened (swallowed, skin turned
sore). Sentences written after the change, English and German, each beside a calm one that shares its words."""

from __future__ import annotations

import pytest

from graph.nlu.keywords import complaint_act, find_critical_keywords, human_request_words
from tests.support.nlu import POLICY, Analyse, decision_for


@pytest.mark.parametrize(
    ("asks", "calm"),
    [
        ("could a hooman have a look at this please", "is the hooman figurine in the photo sold separately?"),
        (
            "I'd like a word with a real bloke, not an auto-reply",
            "a really nice bloke delivered it. when does box two come?",
        ),
        ("is there a living soul I could talk to about this?", "the living room lamp arrived, thanks"),
        ("could one of your colleagues take this over?", "could someone else take the parcel in for me?"),
        ("I'd rather settle this with someone on your team", "I'd rather settle the bill with paypal"),
        ("Könnte sich vielleicht eine Kollegin meinen Fall ansehen?", "Kann eine Kollegin von mir das Paket abholen?"),
        ("Kann das bitte jemand anderes aus Ihrem Team übernehmen?", "Kann jemand anderes das Paket annehmen?"),
    ],
)
def test_a_person_asked_for_by_nickname_or_to_take_the_case_up_hands_over(
    analyse: Analyse, asks: str, calm: str
) -> None:
    assert "human_requested" in decision_for(analyse, asks), asks
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    "resigned",
    [
        "alright, I'll carry on waiting then",
        "okay, I'll wait another couple of weeks then",
        "na gut, dann warte ich noch eine Woche",
        "ok, dann warte ich eben weiter",
    ],
)
def test_calm_resignation_is_no_sarcasm(analyse: Analyse, resigned: str) -> None:
    assert analyse(resigned).emotion.sarcasm < POLICY.emotion_threshold, resigned
    assert decision_for(analyse, resigned) == [], resigned


@pytest.mark.parametrize(
    "mocking",
    [
        "sure, I'll just keep on waiting, why not",
        "oh fine, another fortnight, lovely",
        "klar, dann warte ich halt noch eine Woche, ich hab ja sonst nichts zu tun",
        "wunderbar, noch einen Monat warten",
    ],
)
def test_a_yes_that_mocks_more_waiting_is_sarcasm(analyse: Analyse, mocking: str) -> None:
    assert "emotion_sarcasm" in decision_for(analyse, mocking), mocking


@pytest.mark.parametrize(
    ("disowned", "own"),
    [
        # Someone unknown paid with the customer's card without their say: fraud. One of their own people did: a family
        # matter the bot's own remedies (cancel, return) settle; the policy hands it over only on other grounds.
        (
            "an order was paid with my card without my consent",
            "my grandson bought a console with my paypal without asking, please cancel it",
        ),
        (
            "Es wurde ohne meine Zustimmung mit meiner Karte bezahlt",
            "Meine Enkelin hat ohne mich zu fragen mit meiner Kreditkarte bestellt",
        ),
        (
            "the password on my account was reset and it wasn't me",
            "I reset the password on my account, it works now, thanks",
        ),
        (
            "Jemand hat meine Telefonnummer im Konto geändert",
            "Ich habe meine Telefonnummer im Konto geändert, wird sie übernommen?",
        ),
        (
            "die E-Mail-Änderung habe ich nie veranlasst",
            "die Änderung der Größe habe ich nicht veranlasst, es kam M statt L",
        ),
        (
            "my ex-girlfriend still logs into my account",
            "my ex-girlfriend recommended your shop, do you ship to Austria?",
        ),
        (
            "Mein ehemaliger Mitbewohner hat immer noch Zugang zu meinem Konto",
            "Mein Mitbewohner hat auch Zugang zu meinem Konto, können wir beide bestellen?",
        ),
        # A change the customer disowns but knows one of their own people made: no stranger in the account. An ex
        # is no longer one of theirs.
        (
            "somebody swapped the phone number on my account, that wasn't me",
            "my partner swapped the phone number on my account, that wasn't me, hope that's fine",
        ),
        (
            "my ex-wife updated the email on my account, I didn't do that",
            "my dad updated the email on my account, I didn't do that myself, is it saved?",
        ),
        (
            "Die Lieferadresse wurde geändert, das war nicht ich",
            "Mein Sohn hat gestern die Lieferadresse geändert, das war nicht ich. Passt das so?",
        ),
    ],
)
def test_what_the_customer_never_agreed_to_is_fraud_and_their_own_doing_is_not(
    analyse: Analyse, disowned: str, own: str
) -> None:
    assert "fraud" in find_critical_keywords(disowned), disowned
    assert "critical_keyword" in decision_for(analyse, disowned), disowned
    assert "fraud" not in find_critical_keywords(own), own
    assert decision_for(analyse, own) == [], own


@pytest.mark.parametrize(
    ("lodged", "asked"),
    [
        (
            "I want to complain about one of your staff, he was rude on the phone",
            "where do I send a complaint about one of your staff?",
        ),
        (
            "Ich beschwere mich über Ihre Mitarbeiterin, sie hat einfach aufgelegt",
            "Wie beschwere ich mich über eine Mitarbeiterin?",
        ),
        ("Please log my strong dissatisfaction with the installation", "what's the procedure for a complaint?"),
        ("Ich erhebe hiermit offiziell Einspruch gegen die Bearbeitung", "Wie reiche ich eine Reklamation ein?"),
        (
            "I am formally registering my displeasure at how the return was handled",
            "I'm a little dissatisfied with the colour, can I swap it?",
        ),
    ],
)
def test_a_complaint_lodged_hands_over_and_the_way_to_complain_asked_is_answered(
    analyse: Analyse, lodged: str, asked: str
) -> None:
    assert "complaint" in decision_for(analyse, lodged), lodged
    assert decision_for(analyse, asked) == [], asked
    # A person of the shop's named as what the complaint is about is no person asked for.
    assert human_request_words(asked) is None, asked
    assert complaint_act(asked) is None, asked


@pytest.mark.parametrize(
    ("harm", "calm"),
    [
        (
            "my nephew swallowed one of the beads from the bracelet kit",
            "are the beads too small for a two-year-old, could he swallow them?",
        ),
        ("her eyes started stinging after she used the face cream", "does the face cream sting on sensitive skin?"),
        ("meine Haut ist nach der Creme gerötet", "Ist die Creme für gerötete Haut geeignet?"),
        ("the seller keeps threatening me over the review I left", "is the threat of rain a problem for delivery?"),
    ],
)
def test_harm_told_by_what_happened_is_a_sensitive_topic(analyse: Analyse, harm: str, calm: str) -> None:
    assert "sensitive_topic" in decision_for(analyse, harm), harm
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    ("asks", "errand"),
    [
        (
            "is there someone else who can help me with this?",
            "is there someone else who can collect the parcel for me?",
        ),
        ("Gibt es jemand anderes, mit dem ich reden kann?", "Gibt es ein anderes Modell, mit dem ich grillen kann?"),
    ],
)
def test_someone_else_asked_for_is_a_person_and_someone_to_receive_the_parcel_is_not(
    analyse: Analyse, asks: str, errand: str
) -> None:
    assert "human_requested" in decision_for(analyse, asks), asks
    assert decision_for(analyse, errand) == [], errand


@pytest.mark.parametrize(
    ("harm", "calm"),
    [
        (
            "my hands blistered after using the cleaning spray",
            "does the cleaning spray need gloves for sensitive hands?",
        ),
        ("Nach dem Duschgel ist mein Gesicht angeschwollen", "Ist das Duschgel auch für das Gesicht geeignet?"),
    ],
)
def test_a_body_that_reacted_is_a_sensitive_topic(analyse: Analyse, harm: str, calm: str) -> None:
    assert "sensitive_topic" in decision_for(analyse, harm), harm
    assert decision_for(analyse, calm) == [], calm


def test_an_ex_reading_the_account_is_fraud_and_a_former_flatmate_named_is_not(analyse: Analyse) -> None:
    assert "fraud" in find_critical_keywords("my former husband reads my orders through my account")
    assert decision_for(analyse, "my former flatmate left a jumper here, is it one of yours?") == []


@pytest.mark.parametrize(
    "asked",
    ["how long does a complaint usually take to be looked at?", "Wann wird eine Reklamation normalerweise bearbeitet?"],
)
def test_how_long_complaints_take_is_a_question(analyse: Analyse, asked: str) -> None:
    assert complaint_act(asked) is None, asked
    assert decision_for(analyse, asked) == [], asked


@pytest.mark.parametrize(
    ("refused", "product"),
    [
        (
            "honestly I refuse to chat with a computer about my money",
            "I refuse to chat with a computer that has no keyboard light, which laptop has one?",
        ),
        (
            "I no longer want to talk to the bot",
            "I no longer want the robot vacuum, can I return it?",
        ),
    ],
)
def test_the_bot_refused_asks_for_a_person_and_a_machine_described_is_a_product(
    analyse: Analyse, refused: str, product: str
) -> None:
    assert "human_requested" in decision_for(analyse, refused), refused
    assert "human_requested" not in decision_for(analyse, product), product


@pytest.mark.parametrize(
    ("patient", "mocking"),
    [
        ("fine, I'll just wait for the replacement then", "fine, I'll just wait here until next year then"),
        ("sure, I'll just wait until the courier rings", "sure, I'll just sit here and wait, nothing else to do"),
    ],
)
def test_waiting_for_a_thing_named_is_patience_and_waiting_on_and_on_mocks(
    analyse: Analyse, patient: str, mocking: str
) -> None:
    assert decision_for(analyse, patient) == [], patient
    assert "emotion_sarcasm" in decision_for(analyse, mocking), mocking


def test_a_formal_objection_raised_is_a_complaint(analyse: Analyse) -> None:
    assert "complaint" in decision_for(analyse, "We are filing a written objection to the cleaning fee you added")
    assert decision_for(analyse, "Is there a cleaning fee if I object to the assembly?") == []


def test_the_case_taken_up_is_a_person_asked_for_and_a_detail_looked_up_is_not(analyse: Analyse) -> None:
    assert "human_requested" in decision_for(analyse, "could a colleague please take a look at my case")
    assert decision_for(analyse, "could someone have a look at my delivery date?") == []


def test_a_cost_swallowed_is_no_harm(analyse: Analyse) -> None:
    assert decision_for(analyse, "we swallowed the delivery fee last year, is it still charged?") == []
    assert "sensitive_topic" in decision_for(analyse, "our puppy swallowed a button off the dog coat")


@pytest.mark.parametrize(
    ("when", "now"),
    [
        ("When can I reach a real person on your support team?", "Can I talk to a real person now?"),
        ("what hours is a live agent available on Fridays?", "I want a live agent. When can I get one?"),
        (
            "Wann kann ich mit einem Mitarbeiter sprechen?",
            "Ich möchte jetzt mit einem Mitarbeiter sprechen, wann geht das?",
        ),
    ],
)
def test_when_the_team_can_be_reached_is_a_question_and_a_person_asked_for_now_hands_over(
    analyse: Analyse, when: str, now: str
) -> None:
    # Written after the change (issue #17): the hours answer the first; the second asks for someone now.
    assert human_request_words(when) is None, when
    assert "human_requested" not in decision_for(analyse, when), when
    assert "human_requested" in decision_for(analyse, now), now

"""Escalation round 5 (issue #16): moods told by idiom, sarcasm as thanks for a harm or praise over a failure, curt
demands and ultimatums, deadlines and comparisons stated as facts, complaints named as such, and the calm messages that
share their words (praise of consistency, a question about the customer's own effort, a product asked about for
someone's allergy). Sentences written after the change, English and German, an escalating one beside a calm one."""

from __future__ import annotations

import pytest

from graph.nlu.emotion import score_emotion
from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.keywords import complaint_act
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()
OPEN = ConversationFacts()


def upset(text: str) -> float:
    emotion = score_emotion(text)
    return max(emotion.anger, emotion.frustration, emotion.sarcasm)


@pytest.mark.parametrize(
    ("idiom", "calm"),
    [
        ("Mir steht es bis hier, ich habe die Schnauze gestrichen voll.", "Die Nase des Teddys ist etwas lose."),
        ("Langsam bin ich echt bedient von eurem Service.", "Mir reicht die Lieferung am Montag völlig."),
        ("Ihr haltet mich wohl für blöd.", "Halten Sie mir den Artikel bis Freitag zurück?"),
        ("Da wird man doch nach Strich und Faden veräppelt.", "Ich fühle mich bei der Größenberatung gut aufgehoben."),
        ("Wie Sie hier mit Ihren Kunden umspringen, ist erschreckend.", "Toll, wie Sie mit Kunden umgehen, danke!"),
        (
            "Das ist garantiert die letzte Bestellung, die ich bei euch aufgebe.",
            "Meine letzte Bestellung bei euch kam gestern an, danke.",
        ),
        ("I've had it up to here with your excuses.", "I've had it delivered to my office before."),
        ("You're treating me like an idiot.", "You've treated me really well, thanks."),
        ("Honestly, I feel completely ripped off.", "I feel like I got a great deal on the sofa."),
        ("Shocking how this company treats its loyal customers.", "Is the sofa fabric treated against stains?"),
    ],
)
def test_anger_told_by_idiom_is_upset_in_either_language(idiom: str, calm: str) -> None:
    assert upset(idiom) >= 0.6, score_emotion(idiom)
    assert upset(calm) < 0.6, score_emotion(calm)


@pytest.mark.parametrize(
    ("harm", "remedy"),
    [
        (
            "Cheers for shipping my sofa to the wrong city, much appreciated.",
            "Thanks for sorting out the wrong delivery so fast.",
        ),
        (
            "Danke auch, dass Sie mir den Betrag doppelt abgebucht haben.",
            "Danke, dass Sie die doppelte Abbuchung so schnell erstattet haben.",
        ),
        ("Many thanks for losing my parcel twice.", "Thanks a lot for chasing the courier for me."),
    ],
)
def test_thanks_for_a_harm_is_sarcasm_and_thanks_for_a_remedy_is_not(harm: str, remedy: str) -> None:
    assert score_emotion(harm).sarcasm >= 0.6, score_emotion(harm)
    assert upset(remedy) < 0.3, score_emotion(remedy)


@pytest.mark.parametrize(
    ("failure", "calm"),
    [
        (
            "Wonderful, the app says refunded but my bank says otherwise.",
            "Wonderful, the app says refunded and my bank shows it too.",
        ),
        (
            "Klasse, laut App angeblich zugestellt, hier ist aber nichts.",
            "Klasse, laut App zugestellt, das Paket liegt vor der Tür.",
        ),
        ("Fantastic, the lamp went to Leeds instead of Bristol.", "Fantastic, I'd like the lamp in green instead."),
        ("Super, der Shop ist schon wieder offline.", "Super, der Kurier kam genau dann, als ich zu Hause war."),
        ("Brilliant, the checkout is down again.", "Brilliant, the courier came right when I got home."),
    ],
)
def test_praise_over_a_described_failure_is_sarcasm(failure: str, calm: str) -> None:
    assert score_emotion(failure).sarcasm >= 0.6, score_emotion(failure)
    assert upset(calm) < 0.6, score_emotion(calm)


@pytest.mark.parametrize(
    ("demand", "calm"),
    [
        ("I won't ask again. Replace it. Today.", "I'll ask again tomorrow if it hasn't come."),
        ("Ich frage nicht noch einmal. Geld zurück. Sofort.", "Ich frage morgen noch einmal nach."),
        ("This is your last chance. Refund me. Now.", "Thanks, that's all for now."),
    ],
)
def test_an_ultimatum_cut_to_a_curt_demand_is_anger(demand: str, calm: str) -> None:
    assert score_emotion(demand).anger >= 0.6, score_emotion(demand)
    assert upset(calm) < 0.3, score_emotion(calm)


@pytest.mark.parametrize(
    ("overdue", "calm"),
    [
        ("Expected arrival was the 3rd. It's the 12th now.", "Expected arrival is the 20th. Today is the 12th."),
        (
            "Angekündigt war die Lieferung für den 2., heute ist der 15.",
            "Angekündigt ist die Lieferung für den 20., heute ist der 15.",
        ),
        ("They said 'three to five days'. It's been fourteen.", "They said 'three to five days'. It's been two."),
        (
            "A friend ordered the same lamp a week after me and got it days ago.",
            "A friend ordered the same lamp and loves it.",
        ),
        (
            "Other retailers ship within 2 days, with you it's been 9 days.",
            "Other shops deliver in 2 days, how long do you take?",
        ),
        (
            "Bei anderen Händlern dauert es zwei Tage, bei Ihnen jetzt schon zwölf Tage.",
            "Bei anderen Händlern dauert es zwei Tage, wie lange dauert es bei Ihnen?",
        ),
    ],
)
def test_a_deadline_or_a_comparison_stated_as_facts_hands_over(analyse: Analyse, overdue: str, calm: str) -> None:
    assert decide_escalation(analyse(overdue), POLICY, OPEN).escalate, analyse(overdue).emotion
    assert not decide_escalation(analyse(calm), POLICY, OPEN).escalate, analyse(calm).emotion


@pytest.mark.parametrize(
    ("lodged", "calm"),
    [
        ("Kindly log this as a formal complaint about the courier.", "Log this as a gift order please."),
        ("I'd like you to treat this message as an official complaint.", "Please record my new delivery address."),
        (
            "I want whoever is responsible for this mess to call me back.",
            "Please tell whoever is responsible for the website that it's brilliant.",
        ),
        (
            "Ich möchte, dass der Verantwortliche sich das ansieht, die Ware war beschädigt.",
            "Bitte richten Sie dem Verantwortlichen aus, dass die Verpackung toll war.",
        ),
    ],
)
def test_a_complaint_named_as_such_is_lodged_and_praise_for_the_people_responsible_is_not(
    lodged: str, calm: str
) -> None:
    assert complaint_act(lodged)
    assert not complaint_act(calm)


@pytest.mark.parametrize(
    "text",
    [
        "Every time I order from you it turns up the next day, brilliant.",
        "Jedes Mal kommt die Lieferung pünktlich, super!",
        "Meine letzte Bestellung bei euch war super, ich bestelle gern wieder.",
        "How hard is it to fit the shelf brackets, could I do it myself?",
        "Impressive how quickly your team answered my email.",
        "Beeindruckend, wie zügig Sie meine Rücksendung bearbeitet haben.",
        "Last time it took two days; this time it came in three, all good.",
    ],
)
def test_praise_of_consistency_or_speed_and_a_question_about_ones_own_effort_read_calm(
    analyse: Analyse, text: str
) -> None:
    assert not decide_escalation(analyse(text), POLICY, OPEN).escalate, analyse(text).emotion


def test_a_rhetorical_how_hard_is_it_stays_exasperation() -> None:
    assert upset("How hard is it to put the right label on a box?!") >= 0.6


@pytest.mark.parametrize(
    ("harm", "question"),
    [
        (
            "My toddler choked on a piece that snapped off the rattle.",
            "Is the teething ring safe, or could a baby choke on it?",
        ),
        (
            "Mein Sohn hat nach dem Essen einen allergischen Ausschlag bekommen.",
            "Ist das Spielzeug gefährlich für Kleinkinder?",
        ),
        (
            "My partner's lips swelled up after the first spoonful.",
            "My partner is allergic to wool, does the jumper contain any?",
        ),
        ("Die Kerze hat Feuer gefangen, ist das normal?", "Ist die Creme für Allergiker geeignet?"),
        (
            "The charger burned my hand, is that normal?",
            "I need to know if the gloves contain latex, my son is allergic.",
        ),
    ],
)
def test_a_product_asked_about_for_a_condition_is_a_question_and_harm_told_is_sensitive(
    analyse: Analyse, harm: str, question: str
) -> None:
    assert "sensitive_topic" in decide_escalation(analyse(harm), POLICY, OPEN).reasons
    assert "sensitive_topic" not in decide_escalation(analyse(question), POLICY, OPEN).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the quick reply about the missing parcel.",
        "Danke für die schnelle Antwort wegen der fehlenden Lieferung.",
        "Cheers for getting back to me about the lost parcel.",
        "Vielen Dank, dass Sie sich um die falsche Lieferung kümmern.",
    ],
)
def test_thanks_for_help_about_a_failure_is_not_thanks_for_the_failure(text: str) -> None:
    assert score_emotion(text).sarcasm < 0.6, score_emotion(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm fed up with my old kettle, which new one do you recommend?",
        "Ich habe die Nase voll von meinem alten Staubsauger, welchen empfehlen Sie?",
    ],
)
def test_fed_up_with_ones_own_old_thing_asks_for_a_recommendation(text: str) -> None:
    assert upset(text) < 0.6, score_emotion(text)

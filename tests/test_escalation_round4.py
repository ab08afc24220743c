"""Escalation round 4 (issue #16): topics told by what happened, not by the law's or the hazard's name; the tone model
never heard alone; praise read through the tone model. Sentences written after the change, each escalating
one beside a calm one that shares its words."""

from __future__ import annotations

import pytest

from graph.nlu.emotion import UPSET_ALONE_MAX, score_emotion
from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.keywords import find_critical_keywords, human_requested
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()
OPEN = ConversationFacts()


@pytest.mark.parametrize(
    ("asks", "calm"),
    [
        ("Please send me a copy of the details your shop stores about me.", "Please store my details for next time."),
        ("I want every record you have kept on me erased.", "Can you keep the record of my old address?"),
        ("Welche gespeicherten Daten führen Sie über mich?", "Welche Daten brauchen Sie noch für die Rücksendung?"),
        ("Löschen Sie bitte alle meine persönlichen Daten.", "Können Sie meine persönlichen Daten aktualisieren?"),
    ],
)
def test_a_data_request_without_the_laws_name_is_a_data_protection_matter(asks: str, calm: str) -> None:
    assert "data protection" in find_critical_keywords(asks)
    assert "data protection" not in find_critical_keywords(calm)


@pytest.mark.parametrize(
    ("harm", "calm"),
    [
        (
            "My mother was taken to hospital after the step stool folded under her.",
            "Do you deliver to the hospital on Park Road?",
        ),
        ("He needed four stitches after the mandoline slipped.", "The stitches on the cushion cover are coming loose."),
        ("There were glass fragments in the jar of pesto.", "Is the pesto jar glass or plastic?"),
        (
            "Meine Tochter musste nach dem Sturz mit dem Roller ins Krankenhaus.",
            "Liefern Sie den Roller auch ins Krankenhaus?",
        ),
        ("Die Lichterkette fing nachts Feuer.", "Ist die Lichterkette für draußen geeignet?"),
    ],
)
def test_a_products_harm_is_sensitive_when_told_as_what_happened(analyse: Analyse, harm: str, calm: str) -> None:
    told = decide_escalation(analyse(harm), POLICY, OPEN)
    assert "sensitive_topic" in told.reasons, told
    assert "sensitive_topic" not in decide_escalation(analyse(calm), POLICY, OPEN).reasons


@pytest.mark.parametrize(
    ("breach", "calm"),
    [
        (
            "The confirmation I got lists another customer's address and phone number.",
            "Can I send the parcel to another address?",
        ),
        (
            "Im Karton lag der Lieferschein mit der Adresse eines anderen Kunden.",
            "Bitte schicken Sie den Karton an eine andere Adresse.",
        ),
    ],
)
def test_another_customers_data_shown_is_a_data_breach(analyse: Analyse, breach: str, calm: str) -> None:
    assert "sensitive_topic" in decide_escalation(analyse(breach), POLICY, OPEN).reasons
    assert not decide_escalation(analyse(calm), POLICY, OPEN).escalate


@pytest.mark.parametrize(
    ("abuse", "calm"),
    [
        (
            "The fitter swore at me when I asked him to take his shoes off.",
            "The fitter asked me where to put the boxes.",
        ),
        ("Ihr Bote hat meinen Sohn an der Tür angeschrien.", "Ihr Bote hat meinem Sohn das Paket gegeben."),
    ],
)
def test_staff_who_insult_or_shout_at_a_customer_is_harassment(analyse: Analyse, abuse: str, calm: str) -> None:
    assert "sensitive_topic" in decide_escalation(analyse(abuse), POLICY, OPEN).reasons
    assert not decide_escalation(analyse(calm), POLICY, OPEN).escalate


@pytest.mark.parametrize(
    ("person", "courier"),
    [
        (
            "Kann mich jemand aus Ihrem Team heute zurückrufen? 0171 2223344",
            "Kann der Fahrer mich vorher anrufen? 0171 2223344",
        ),
        (
            "Rufen Sie mich bitte zurück, ich erkläre es lieber am Telefon.",
            "Der Paketbote soll mich bitte anrufen, wenn er da ist.",
        ),
        (
            "Could someone from customer service ring me back today?",
            "Could you ask the driver to ring me when he's outside?",
        ),
    ],
)
def test_a_call_from_the_team_is_a_request_for_a_person_a_call_from_the_courier_is_not(
    person: str, courier: str
) -> None:
    assert human_requested(person)
    assert not human_requested(courier)


def test_the_tone_model_alone_never_hands_over_even_when_sure() -> None:
    # It reads a calm problem report ("so the bottle came with a couple of parts missing") as sure as real anger
    # ("this is taking the mick now"): alone, it stays below the threshold.
    assert score_emotion("so the kettle came with a couple of parts missing", upset=0.99).frustration <= UPSET_ALONE_MAX


@pytest.mark.parametrize(
    ("upset", "calm"),
    [
        (
            "i swear i have never dealt with a shop this hopeless at answering emails",
            "i have never dealt with a shop this quick at answering emails",
        ),
        (
            "Do you even read what I send you? Third message, same non-answer.",
            "Did you get what I sent you? Third message today, sorry!",
        ),
        (
            "ich bin stinksauer, die bestellung ist schon wieder nicht gekommen",
            "ich bin froh, die bestellung ist schon gekommen",
        ),
    ],
)
def test_upset_and_calm_messages_that_share_their_words(analyse: Analyse, upset: str, calm: str) -> None:
    assert decide_escalation(analyse(upset), POLICY, OPEN).escalate, analyse(upset).emotion
    assert not decide_escalation(analyse(calm), POLICY, OPEN).escalate, analyse(calm).emotion


def test_praise_on_a_grievance_is_sincere_when_the_tone_model_reads_the_writer_calm() -> None:
    text = "The driver rang ahead to say he was ten minutes away, very thoughtful."
    assert score_emotion(text, upset=0.05, grievance=True).sarcasm == 0.0
    assert score_emotion(text, upset=0.6, grievance=True).sarcasm >= 0.6
    # No reading at all (a language the model does not know): the rules decide as before.
    assert score_emotion(text, upset=0.0, grievance=True).sarcasm >= 0.6

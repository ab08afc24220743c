"""Escalation round 9 (issue #16): a payment disputed whatever the determiner, German legal steps and direct debits
sent back; a person qualified by where they belong or preferred to the bot, and a person asked about for later; praise
opening over a wait told by its ordinal day, words that vanish, encouragement and "typical." over a failure; a short
span promised is no wait; a "no" to the offer of a colleague goes on. Sentences written after the change, English and
German, an escalating one beside a calm one."""

from __future__ import annotations

import pytest

from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()
OPEN = ConversationFacts()


def hands_over(analyse: Analyse, text: str, facts: ConversationFacts = OPEN) -> bool:
    return decide_escalation(analyse(text), POLICY, facts).escalate


@pytest.mark.parametrize(
    ("legal", "calm"),
    [
        ("we'll be disputing these charges with our bank", "Is there a way to dispute a price before I order?"),
        ("Dann sehen wir uns vor Gericht.", "Welches Gericht empfehlen Sie zu dem Wok?"),
        ("Ich lasse das jetzt gerichtlich klären.", "Kann ich das online klären?"),
        ("Ich habe der Lastschrift widersprochen.", "Kann ich die Lastschrift auch für die zweite Bestellung nutzen?"),
    ],
)
def test_legal_steps_and_payment_disputes_told_by_the_step(analyse: Analyse, legal: str, calm: str) -> None:
    assert hands_over(analyse, legal), legal
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    ("asked", "calm"),
    [
        ("could someone at your end phone me about the missing sofa leg", "Someone from my office will collect it."),
        (
            "please let somebody from your company look into it rather than the assistant",
            "Can I track it in the app instead of the website?",
        ),
        (
            "Verbinden Sie mich bitte mit jemandem aus Ihrer Rechnungsabteilung.",
            "Lassen Sie mich kurz nachsehen, welche Größe ich habe.",
        ),
        (
            "Lassen Sie bitte einen Mitarbeiter die Fotos ansehen.",
            "Falls ich später Fragen habe, gibt es eine Hotline?",
        ),
        (
            "I need somebody with real decision-making power on this",
            "Someone with authority to sign for it will be at the office.",
        ),
        (
            "Please kick this upstairs, I've had three different answers.",
            "Is there a number I can call in case I have questions later?",
        ),
    ],
)
def test_a_person_of_the_shops_asked_for_now_and_one_asked_about_for_later(
    analyse: Analyse, asked: str, calm: str
) -> None:
    assert hands_over(analyse, asked), asked
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    ("sarcastic", "calm"),
    [
        (
            "Wie nett, dass mein Paket nun am zehnten Tag unterwegs ist.",
            "Schön zu wissen, dass die Lieferung am 3. Tag kommt, danke.",
        ),
        ("Good to know my complaints go into the void.", "Good to know, I'll put the old one in the bin then."),
        (
            "Marvellous. Three weeks and not a word from you. Keep up the good work.",
            "Keep up the good work, the delivery was super quick.",
        ),
        (
            "Weiter so. Das dritte Paket in Folge kommt beschädigt an.",
            "Fabulous, it arrived today and fits perfectly, thank you!",
        ),
        (
            "Ich liebe es, wenn meine Erstattung nach sechs Wochen immer noch nicht da ist.",
            "Ich liebe es, wie weich der Pullover ist!",
        ),
        ("The driver left it in the rain again. Typical.", "Is it typical for the leather to darken a bit over time?"),
        ("Jetzt reicht es mir wirklich, seit einem Monat nur Ausreden.", "Mir reicht die Größe M, danke."),
        ("Brilliant, day 12 and the tracking hasn't moved.", "Great, it should be with you in two days then."),
    ],
)
def test_sarcasm_and_anger_in_plain_words_beside_the_same_words_said_calmly(
    analyse: Analyse, sarcastic: str, calm: str
) -> None:
    assert hands_over(analyse, sarcastic), sarcastic
    assert not hands_over(analyse, calm), calm


def test_a_no_to_the_offer_of_a_colleague_goes_on_however_unclear_its_words() -> None:
    from graph.nlu.schema import Understanding

    no = Understanding(text="Nein danke, ich zahle dann mit Karte.", intent="complaint", confidence=0.3)
    offered = ConversationFacts(person_offered=True, clarifications_asked=1)
    decision = decide_escalation(no, POLICY, offered)
    assert not decision.escalate and not decision.clarify
    # Not offered, the same unclear words after a clarifying question are the bot out of moves.
    assert decide_escalation(no, POLICY, ConversationFacts(clarifications_asked=1)).escalate


@pytest.mark.parametrize(
    ("asked", "calm"),
    [
        ("Anyone reading this? I need real help from a human.", "Is the hotline number free to call from abroad?"),
        ("Ich will jetzt mit einem echten Menschen sprechen.", "Ist die Service-Nummer kostenlos?"),
        (
            "I want to complain about how you handle complaints, three emails and no reply.",
            "Before I order, I'm curious how you deal with complaints about late parcels.",
        ),
    ],
)
def test_a_person_or_a_complaint_asked_for_and_the_shop_asked_about(analyse: Analyse, asked: str, calm: str) -> None:
    assert hands_over(analyse, asked), asked
    assert not hands_over(analyse, calm), calm

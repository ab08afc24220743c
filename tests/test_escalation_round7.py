"""Escalation round 7 (issue #16): requests for a person read by structure (a verb of asking or being passed on with a
person as its object) and offers of a person accepted by any yes; sarcasm as scare quotes, an opening cry of praise or a
rhetorical question about competence; sensitive topics told as what happened (a body harmed, a fall, a foreign body,
an illness after use, discrimination, a death in the family) beside innocent product questions with the same words;
and the calm messages that named a keyword or a person without asking for one. Sentences written after the change,
English and German, an escalating one beside a calm one."""

from __future__ import annotations

import pytest

from graph.nlu.escalation import (
    DEFAULT_CRITICAL_KEYWORDS,
    ConversationFacts,
    EscalationPolicy,
    accepts_offer,
    decide_escalation,
    offers_a_person,
)
from graph.nlu.keywords import asks_for_person, find_critical_keywords, human_requested
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()
OPEN = ConversationFacts()


def hands_over(analyse: Analyse, text: str) -> bool:
    return decide_escalation(analyse(text), POLICY, OPEN).escalate


@pytest.mark.parametrize(
    ("asking", "mention"),
    [
        ("Could you pass me on to somebody in your returns team?", "Does somebody in your returns team open the box?"),
        ("I want to discuss this with a real person", "Will a real person see my feedback?"),
        ("get me someone who can authorise a refund", "can someone else collect the parcel for me?"),
        ("Is there any chance of talking to a supervisor today?", "do your supervisors approve every refund?"),
        ("a human, please", "no human needed, the bot is fine"),
        ("Please could one of your colleagues ring me this evening", "my colleague will ring you about the invoice"),
        ("I'd like a callback about the missing chair", "I don't need to talk to anyone, just send the label"),
        ("Ich möchte bitte mit einem Menschen telefonieren", "Ich brauche keinen Menschen, nur die Rechnung"),
        ("Leiten Sie mich bitte an einen Vorgesetzten weiter", "Mein Chef hat die Bestellung aufgegeben"),
        ("Kann mich heute noch jemand von Ihnen anrufen?", "Kann jemand anderes die Lieferung annehmen?"),
        ("Gibt es jemanden, mit dem ich das klären kann?", "Muss jemand unterschreiben, wenn das Paket kommt?"),
    ],
)
def test_a_person_asked_for_by_structure_hands_over_and_a_person_mentioned_does_not(
    analyse: Analyse, asking: str, mention: str
) -> None:
    assert human_requested(asking) and hands_over(analyse, asking), asking
    assert not human_requested(mention) and not hands_over(analyse, mention), mention


@pytest.mark.parametrize(
    "text",
    [
        "is the manager desk available in oak?",
        "I'm an office manager, can I order on account?",
        "Kann ich mit Ihnen auf Englisch schreiben?",
    ],
)
def test_a_person_word_as_a_name_role_or_language_is_no_request(analyse: Analyse, text: str) -> None:
    assert asks_for_person(text) is None
    assert not hands_over(analyse, text), text


@pytest.mark.parametrize(
    "offer",
    [
        "I can't see that here. Shall I ask one of our team to check it for you?",
        "That needs a person. Want me to hand this over?",
        "Ich kann das leider nicht prüfen. Soll sich eine Kollegin darum kümmern?",
        "Wenn Sie möchten, gebe ich das gern an unser Team weiter.",
    ],
)
def test_an_offer_of_a_person_is_read_whatever_its_wording(offer: str) -> None:
    assert offers_a_person(offer)


@pytest.mark.parametrize(
    "not_an_offer",
    [
        "Shall I pass this on to the courier?",
        "Soll ich die Rechnung an Ihre E-Mail weiterleiten?",
        "Shall I cancel it?",
    ],
)
def test_passing_something_to_a_carrier_or_an_inbox_is_no_offer_of_a_person(not_an_offer: str) -> None:
    assert not offers_a_person(not_an_offer)


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        ("go on then", "nah you're alright"),
        ("that would help, thanks", "maybe later"),
        ("sounds good to me", "not now thanks"),
        ("gerne doch", "passt schon, danke"),
        ("machen Sie das", "lieber nicht"),
        ("das wäre super", "nö, danke"),
    ],
)
def test_any_yes_accepts_the_offer_and_any_no_declines_it(analyse: Analyse, yes: str, no: str) -> None:
    offered = ConversationFacts(person_offered=True)
    assert accepts_offer(analyse(yes)) and decide_escalation(analyse(yes), POLICY, offered).escalate, yes
    assert not decide_escalation(analyse(no), POLICY, offered).escalate, no


@pytest.mark.parametrize(
    "goes_on",
    [
        "ah ok. it's maria.lopez@example.com by the way",
        "alright, I'm Tom Becker, 60614",
        "okay then. meine E-Mail ist j.weber@example.de",
    ],
)
def test_a_yes_that_says_who_they_are_goes_on_with_their_request(analyse: Analyse, goes_on: str) -> None:
    """At the offer of a colleague, "ok" with their email or name and zip goes on with what they asked for: who they
    are is given to us, not to a colleague (round 20, train-370 was handed over here)."""
    assert not accepts_offer(analyse(goes_on)), goes_on
    assert accepts_offer(analyse("yes, a colleague please, I'm maria.lopez@example.com"))


@pytest.mark.parametrize(
    ("sarcastic", "sincere"),
    [
        ("Lovely, my 'fragile' sticker clearly meant throw it", "Lovely, thanks for wrapping it so carefully"),
        ("Brilliant, the 'non-stick' pan is welded to my eggs", "Brilliant, the pan is as non-stick as promised"),
        ("Great, so I get to wait another week for a charger", "Great, I'll wait for the charger then, thanks"),
        ("can anyone there actually count? I ordered six glasses", "can you count the glasses again before sending?"),
        (
            "Seid ihr überhaupt in der Lage, eine Adresse abzuschreiben?",
            "Sind Sie in der Lage, bis Freitag zu liefern?",
        ),
        ("Na klasse, der 'Blitzversand' dauert schon neun Tage", "Klasse, der Blitzversand kam am nächsten Tag"),
    ],
)
def test_sarcasm_by_quotes_opening_praise_or_rhetorical_question_hands_over(
    analyse: Analyse, sarcastic: str, sincere: str
) -> None:
    assert hands_over(analyse, sarcastic), analyse(sarcastic).emotion
    assert not hands_over(analyse, sincere), analyse(sincere).emotion


@pytest.mark.parametrize(
    ("happened", "asked"),
    [
        ("my son sprained his ankle when the trampoline net tore", "what's the age range for the trampoline?"),
        ("Grandpa slipped off the step stool and fell onto the tiles", "how high is the step stool?"),
        ("there were bits of plastic in the soup I gave the kids", "is the soup pot plastic-free?"),
        ("I've had stomach cramps since eating the protein bars", "do the protein bars contain sweeteners?"),
        ("the extension lead smells of burning and the plug is black", "how long is the extension lead?"),
        (
            "the delivery driver made a racist remark about my neighbour",
            "can the delivery driver leave it with my neighbour?",
        ),
        ("My wife passed away in October; please close her account", "please close my account, I don't use it anymore"),
        ("Meine Tochter hat sich am Deckel geschnitten, es blutet", "Ist der Deckel aus Glas?"),
        ("Nach dem Tee hatte ich Übelkeit und Kopfschmerzen", "Ist der Tee koffeinfrei?"),
        ("Im Brot war ein Metallsplitter", "Ist das Brot vegan?"),
        ("Mein Mann ist verstorben, das Abo läuft auf seinen Namen", "Das Abo läuft auf den Namen meines Mannes"),
    ],
)
def test_harm_told_as_what_happened_hands_over_and_the_product_question_does_not(
    analyse: Analyse, happened: str, asked: str
) -> None:
    decision = decide_escalation(analyse(happened), POLICY, OPEN)
    assert decision.escalate and "sensitive_topic" in decision.reasons, (happened, decision.reasons)
    assert not hands_over(analyse, asked), asked


@pytest.mark.parametrize(
    ("keyword", "calm"),
    [
        ("Erase every piece of my data from your systems", "How do I remove my saved address?"),
        ("Löschen Sie alle meine Daten", "Wie lösche ich meine Wunschliste?"),
        ("I want to cancel my membership", "actually, please don't cancel my membership"),
        ("Ich kündige mein Abo hiermit", "Wie kündige ich die Newsletter-Mails?"),
        ("someone committed fraud with my card on your site", "do you have fraud protection for card payments?"),
    ],
)
def test_a_keyword_asked_for_counts_and_one_undone_or_named_as_a_feature_does_not(
    analyse: Analyse, keyword: str, calm: str
) -> None:
    # Cancelling a subscription hands over only where the shop lists it (no longer by default).
    shop = EscalationPolicy(critical_keywords=[*DEFAULT_CRITICAL_KEYWORDS, "cancel subscription"])
    assert find_critical_keywords(keyword) and decide_escalation(analyse(keyword), shop, OPEN).escalate, keyword
    assert not decide_escalation(analyse(calm), shop, OPEN).escalate, calm


@pytest.mark.parametrize(
    "calm",
    [
        "ignore what I said about lodging a complaint, the parcel just came",
        "how does your complaints process work?",
        "scratch that, keep the order as it is",
        "Ach, vergessen Sie's, ich behalte die Lampe",
        "Can I change the card on the $2,700 order?",
    ],
)
def test_changes_of_mind_and_questions_stay_with_the_bot(analyse: Analyse, calm: str) -> None:
    assert not hands_over(analyse, calm), calm

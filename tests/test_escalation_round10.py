"""Escalation round 10 (issue #16): cue words read through typos and German typed without umlauts; a purchase the
customer disowns (an order never placed, a charge not made, someone else paying with their card) handed to a person.
Sentences written after the change, English and German, lowercase, an escalating one beside a calm one that shares
its words."""

from __future__ import annotations

import pytest

from graph.nlu.escalation import EscalationPolicy, decide_escalation
from graph.nlu.spelling import cue_word, with_cue_spellings
from tests.support.nlu import OPEN, Analyse, decision_for


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("supervsior", "supervisor"),
        ("reprsentative", "representative"),
        ("managr", "manager"),
        ("peson", "person"),
        ("mitarbieter", "mitarbeiter"),
        ("vorgesezten", "vorgesetzten"),
        ("beschwerd", "beschwerde"),
        ("moechte", "möchte"),
        ("zustaendigen", "zuständigen"),
        ("compalint", "complaint"),
    ],
)
def test_a_misspelt_cue_word_is_read_as_the_cue(typed: str, read: str) -> None:
    assert cue_word(typed) == read


@pytest.mark.parametrize(
    "word",
    # Ordinary words one or two edits from a cue: left as typed.
    [
        "stuff",
        "steak",
        "humane",
        "manage",
        "compliant",
        "werde",
        "wurde",
        "arent",
        "superior",
        "betrag",
        "task",
        "münchen",
    ],
)
def test_ordinary_words_near_a_cue_stay_as_typed(word: str) -> None:
    assert cue_word(word) is None


def test_only_the_misspelt_words_change_and_possessives_stay() -> None:
    assert with_cue_spellings("pls get me a supervsior, the colleague's answer was wrong") == (
        "pls get me a supervisor, the colleague's answer was wrong"
    )


@pytest.mark.parametrize(
    ("asked", "calm"),
    [
        ("could i speek with a reprsentative", "could i get a receipt for the speaker"),
        ("i just want a real peson to look at this", "is the personal engraving free?"),
        ("ich moechte bitte mit einem mitarbieter sprechen", "ich moechte die groesse aendern"),
        ("verbinden sie mich mit ihrem vorgesezten", "wann kommt mein paket?"),
        ("ok then get me your managr", "ok then change it to the managed plan"),
    ],
)
def test_typed_requests_for_a_person_hand_over(analyse: Analyse, asked: str, calm: str) -> None:
    assert "human_requested" in decision_for(analyse, asked), asked
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    ("complaint", "calm"),
    [
        ("i want to lodge a compalint about the way my refund was handled", "is the refund already handled?"),
        ("ich moechte eine beschwerd einreichen ueber ihren kundendienst", "ich moechte die rechnung nochmal haben"),
    ],
)
def test_typed_complaints_hand_over(analyse: Analyse, complaint: str, calm: str) -> None:
    assert "complaint" in decision_for(analyse, complaint), complaint
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    ("disowned", "calm"),
    [
        ("theres a charge from you on my visa for an order we never made", "can i pay the order with my visa?"),
        ("i did not authorise that payment, please check", "did the payment go through?"),
        ("those purchases on my account are not mine", "can i see my purchases on my account?"),
        ("you billed me for a lamp i never ordered", "you sent me a lamp i never ordered, can i send it back?"),
        ("a stranger has been shopping with my account", "my sister has been shopping with my account for me"),
        ("jemand hat meine kreditkarte bei ihnen benutzt", "kann ich meine kreditkarte bei ihnen benutzen?"),
        ("ich habe diese zahlung nie autorisiert", "ich habe die zahlung noch nicht gemacht"),
        ("die abbuchung vom dienstag ist nicht von mir", "die abbuchung vom dienstag ist doppelt"),
    ],
)
def test_a_purchase_the_customer_disowns_goes_to_a_person(analyse: Analyse, disowned: str, calm: str) -> None:
    assert "critical_keyword" in decision_for(analyse, disowned), disowned
    assert "critical_keyword" not in decision_for(analyse, calm), calm


@pytest.mark.parametrize(
    ("asked", "question"),
    [
        ("is a supervisor around? i need one", "does a supervisor have to sign off a refund over 100?"),
        ("could the manager ring me about this", "what is the manager of the outlet store called?"),
        ("can a representative help me with the invoice", "can a representative change a delivery date?"),
    ],
)
def test_a_person_asked_about_is_answered_and_one_asked_for_hands_over(
    analyse: Analyse, asked: str, question: str
) -> None:
    assert "human_requested" in decision_for(analyse, asked), asked
    assert decision_for(analyse, question) == [], question


@pytest.mark.parametrize(
    "text",
    [
        "please cancel my wine subscription from march",
        "i'd like to end my membership",
        "ich moechte meinen newsletter kuendigen",
        "unsubscribe me please",
    ],
)
def test_cancelling_a_subscription_is_answered_by_default(analyse: Analyse, text: str) -> None:
    assert decision_for(analyse, text) == [], text


def test_a_shop_that_lists_cancellations_still_hands_them_over(analyse: Analyse) -> None:
    shop = EscalationPolicy(critical_keywords=["cancel subscription"])
    decision = decide_escalation(analyse("please cancel my wine subscription from march"), shop, OPEN)
    assert decision.escalate and decision.reasons == ["critical_keyword"]


def test_erasure_of_ones_data_still_hands_over(analyse: Analyse) -> None:
    assert "critical_keyword" in decision_for(analyse, "cancel my account and erase all my personal data please")


@pytest.mark.parametrize(
    ("kindly", "upset"),
    [
        ("holy crap that was quick, thanks a lot", "holy crap, three weeks and still no refund"),
        ("damn, you guys are good. thank you", "thanks, but damn, this is the third wrong parcel"),
        ("oops my bad, i'm so dumb, wrong order number", "ich bin stinksauer, das ist die dritte falsche lieferung"),
    ],
)
def test_strong_words_said_kindly_or_of_oneself_are_calm(analyse: Analyse, kindly: str, upset: str) -> None:
    assert decision_for(analyse, kindly) == [], kindly
    assert decision_for(analyse, upset), upset

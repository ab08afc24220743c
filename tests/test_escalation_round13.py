"""Escalation round 13 (issue #16): legal words read as a legal step only when one is taken (a lawyer who acts, not
a lawyer's trade, a recommender or a tennis court); German legal words inside compounds; harm told by the medical
help sought, by a needle or a flash, by a reaction on the skin, by sickness that came over someone; several charges
disowned at once; and a box or doorstep found empty under praise. Sentences written after the change, English and
German, each beside a calm one that shares its words."""

from __future__ import annotations

import pytest

from graph.nlu.keywords import find_critical_keywords
from tests.support.nlu import POLICY, Analyse, decision_for


@pytest.mark.parametrize(
    ("threat", "calm"),
    [
        ("my attorney is sending you a letter next week", "my neighbour is an attorney and she loves your rugs"),
        ("I've passed everything to my solicitor", "as a solicitor I need invoices with your VAT number"),
        ("we'll settle this in court then", "is the mat big enough for a badminton court?"),
        ("Meine Anwältin schreibt Ihnen morgen", "Meine Freundin ist Anwältin und kauft gern bei euch"),
        (
            "Die Sache liegt jetzt bei meinem Fachanwalt",
            "Ein Anwaltskollege hat euch empfohlen, wie lange dauert der Versand?",
        ),
    ],
)
def test_a_legal_word_is_a_threat_when_a_step_is_taken_not_when_it_names_a_trade(threat: str, calm: str) -> None:
    assert "legal action" in find_critical_keywords(threat), threat
    assert "legal action" not in find_critical_keywords(calm), calm


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("Sie bekommen eine Abmahnung, das ist unlauterer Wettbewerb", "legal action"),
        ("Notfalls reiche ich eine Klage beim zuständigen Amtsgericht ein", "legal action"),
        ("Ich habe den Fall an den Verbraucherschutzverein gegeben", "legal action"),
        ("Ich melde das der Datenschutzbehörde", "consumer protection"),
        ("Ich habe einen PayPal-Käuferschutzantrag gestellt", "chargeback"),
    ],
)
def test_german_legal_words_are_read_inside_compounds(text: str, keyword: str) -> None:
    assert keyword in find_critical_keywords(text), text


@pytest.mark.parametrize(
    "calm",
    [
        "Was ist heute das Hauptgericht im Kochbuch?",
        "Ich brauche die Rechnung für unsere Kanzlei",
        "Ist das ein Fertiggericht?",
    ],
)
def test_a_dish_or_an_office_is_no_legal_step(calm: str) -> None:
    assert find_critical_keywords(calm) == [], calm


@pytest.mark.parametrize(
    ("harm", "calm"),
    [
        ("the puppy chewed the toy and we had to rush him to the vet", "is the chew toy vet approved?"),
        ("we phoned the GP after she drank some of the cleaner", "can I phone you to change my order?"),
        (
            "Wir mussten mit dem Kleinen zum Kinderarzt, er hat den Magnet verschluckt",
            "Ab welchem Alter ist der Magnet geeignet?",
        ),
        ("I pricked myself on a loose pin sticking out of the cushion", "are the cushion covers pinned or zipped?"),
        ("the toaster gave a loud bang and a flash and tripped the fuses", "is the flash sale still on?"),
        ("Der Föhn hat geknistert und jetzt ist da eine Schmorstelle am Kabel", "Gibt es den Föhn auch in Schwarz?"),
        ("her arms broke out in angry red welts after wearing the jumper", "does the jumper come in red?"),
        (
            "Nach dem Saft ist mir schlecht geworden und ich musste mich übergeben",
            "Der Kurier hat mir das Paket übergeben, danke",
        ),
        ("Meine Tochter hat eine Brandblase vom Glätteisen", "Wird das Glätteisen sehr heiß?"),
    ],
)
def test_harm_told_by_what_followed_is_a_sensitive_topic(analyse: Analyse, harm: str, calm: str) -> None:
    assert "sensitive_topic" in decision_for(analyse, harm), harm
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    "spent",
    ["we burned through the whole voucher in a day, can I buy another?", "I burnt out my points, any new offers?"],
)
def test_money_burned_through_is_no_burn(analyse: Analyse, spent: str) -> None:
    assert decision_for(analyse, spent) == [], spent


def test_several_charges_disowned_at_once_are_fraud() -> None:
    assert "fraud" in find_critical_keywords("I see three charges from you this week and none of them were me")
    assert "fraud" in find_critical_keywords("Jemand hat sich auf mein Konto eingeloggt und bestellt")
    assert "fraud" not in find_critical_keywords("I see three charges, all of them were me, which one is the gift?")


@pytest.mark.parametrize(
    ("mocking", "sincere"),
    [
        ("Oh lovely, the box arrived empty. Just what I needed.", "Lovely, the box arrived today, thanks!"),
        ("Ach wie schön, die Packung war leer.", "Ach wie schön, die Packung ist da, danke!"),
        ("Danke, jetzt bin ich genauso schlau wie vorher.", "Danke, jetzt weiß ich Bescheid."),
    ],
)
def test_praise_over_an_empty_box_or_no_help_is_sarcasm(analyse: Analyse, mocking: str, sincere: str) -> None:
    assert "emotion_sarcasm" in decision_for(analyse, mocking), mocking
    assert decision_for(analyse, sincere) == [], sincere


@pytest.mark.parametrize(
    ("step", "keyword"),
    [
        ("Right, I'm lodging this with the ACCC tomorrow", "consumer protection"),
        ("I've already written to the CCPC about the missing refund", "consumer protection"),
        ("Expect a claim at the consumer tribunal", "consumer protection"),
        ("Consider this email my letter before action", "legal action"),
        ("My card issuer is handling it as a section 75 claim", "chargeback"),
        ("I'm exercising my right of access to the data you keep", "data protection"),
        ("Hiermit mache ich meinen Auskunftsanspruch nach der DSGVO geltend", "data protection"),
        ("Ich habe ein Verfahren bei der Online-Streitbeilegung eröffnet", "legal action"),
    ],
)
def test_the_authorities_and_rights_of_other_markets_are_read(step: str, keyword: str) -> None:
    assert keyword in find_critical_keywords(step), step


@pytest.mark.parametrize(
    "calm",
    [
        "Is the fair trading badge at the bottom of your site genuine?",
        "Which consumer protection rules apply to sale items?",
        "Do you have the smoked paprika in a bigger tin?",
    ],
)
def test_a_keyword_named_as_a_thing_or_a_flavour_is_no_step(analyse: Analyse, calm: str) -> None:
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    ("harm", "calm"),
    [
        ("the kitchen filled with thick smoke from the air fryer", "does the air fryer come with a smoke filter?"),
        ("we had to call the fire brigade because of the heater", "is the heater approved by the fire service?"),
        ("Aus dem Ladegerät kam Rauch und es roch nach Brandgeruch", "Ist das Ladegerät rauchfrei verpackt?"),
    ],
)
def test_smoke_and_fire_told_as_happened_are_a_sensitive_topic(analyse: Analyse, harm: str, calm: str) -> None:
    assert "sensitive_topic" in decision_for(analyse, harm), harm
    assert decision_for(analyse, calm) == [], calm


@pytest.mark.parametrize(
    "closing",
    [
        "Nah, that'll be everything for today",
        "Nein danke, das wäre dann alles für heute",
        "no more questions tonight, bye",
    ],
)
def test_a_closing_no_that_names_a_day_is_calm(analyse: Analyse, closing: str) -> None:
    # A date backs no upset: the tone model's guess on a curt "no" stays a guess.
    assert analyse(closing).emotion.frustration < POLICY.emotion_threshold, closing
    assert decision_for(analyse, closing) == [], closing

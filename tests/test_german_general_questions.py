"""A German question about how the shop works is read as one for anyone, in German word order: it opens with an
interrogative ("Wie viele Tage...?", "Ab welchem Betrag...?") or with its verb and the shop or anyone as subject
("Verkauft ihr...?", "Akzeptieren Sie...?", "Gibt es...?"). What is theirs (their order, a parcel said with "das",
something that happened, "es" for the thing) still needs to know who they are."""

from __future__ import annotations

import pytest

from graph.nlu.general import asks_in_general
from graph.nlu.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Wie viele Tage dauert Expressversand nach Frankreich?",
        "Ab welchem Bestellwert ist der Versand nach Kanada gratis?",
        "Mit welchen Karten kann man bei euch bezahlen?",
        "Wer verschickt Pakete nach Irland?",
        "Versendet ihr auch nach Dänemark?",
        "Akzeptieren Sie American Express?",
        "Nimmt man bei euch Gutscheine an?",
        "Gibt es einen Rabatt für Studenten?",
        "Darf ich getragene Schuhe zurückschicken?",
        "Hallo, verkauft ihr Geschenkkarten?",
        "Können Sie mir sagen, ob man Schuhe umtauschen kann?",
        "Können Sie mir erklären, wie lange eine Erstattung dauert?",
    ],
)
def test_a_german_question_about_the_rules_is_general(text: str) -> None:
    assert detect_language(text) == "de"
    assert asks_in_general(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wann kommt meine Bestellung in Frankreich an?",
        "Ist das Paket nach Irland schon unterwegs?",
        "Welcher Paketdienst hat unsere Sendung?",
        "Ich habe Schuhe bestellt, kann ich sie zurückschicken?",
        "Wurde die Erstattung schon überwiesen?",
        "Ist es schon verschickt worden?",
        "Warum ist die Zahlung fehlgeschlagen?",
        "Könnt ihr meine Adresse ändern?",
        # An act asked for them, in the form of a question to the shop.
        "Können Sie mir die Wanderschuhe erstatten?",
        "Könnt ihr mir den Betrag für die Lampe gutschreiben?",
        "Kannst du uns die beiden Kissen umtauschen?",
        "Können Sie mir die Jacke noch stornieren?",
        "Storniert mir bitte die letzte Bestellung.",
        "Erstatten Sie uns bitte die zwei Tassen?",
    ],
)
def test_a_german_question_about_their_own_order_is_not_general(text: str) -> None:
    assert not asks_in_general(text)


@pytest.mark.parametrize(
    "text",
    [
        # The review's sentences (F2): "sie"/"es" for their order, subject or object.
        "Kann ich sie noch stornieren?",
        "Wann kommt sie an?",
        "Wann wird sie geliefert?",
        "Wo bleibt sie?",
        "Ist sie schon unterwegs?",
        "Wie lange dauert es noch?",
        "Kann ich es zurückgeben?",
        # New ones of the same class: "er"/"ihn", "sie" after a verb of one thing, "das" with noch/schon.
        "Wann kommt er endlich an?",
        "Kann man ihn noch umtauschen?",
        "Wird sie heute noch zugestellt?",
        "Kann sie noch geändert werden?",
        "Dürfen wir es zurückschicken?",
        "Ist das schon bezahlt?",
        "Wie lange braucht es denn noch?",
    ],
)
def test_a_german_question_with_a_pronoun_for_their_thing_is_not_general(text: str) -> None:
    assert not asks_in_general(text), text


@pytest.mark.parametrize(
    "text",
    [
        # Contrasts: the formal "Sie" is the shop; an "es" that stands for nothing, or a thing a condition supposes,
        # is anyone's.
        "Kann man bei euch mit Klarna zahlen?",
        "Kann ich Sie telefonisch erreichen?",
        "Liefern Sie auch sonntags?",
        "Bieten sie Ratenzahlung an?",
        "Wie lange dauert es, bis eine Erstattung ankommt?",
        "Was kostet es, nach Österreich zu liefern?",
        "Gibt es noch Rabatte für Studenten?",
        "Kann ich zurückschicken, wenn es nicht passt?",
        "Was passiert, falls sie verloren geht?",
    ],
)
def test_a_german_question_to_the_shop_with_a_pronoun_stays_general(text: str) -> None:
    assert detect_language(text) == "de"
    assert asks_in_general(text), text


@pytest.mark.parametrize(
    "text",
    ["Bieten Sie Ratenzahlung an?", "Nehmt ihr Apple Pay?", "Liefert ihr nach Belgien?", "Wer bringt Pakete?"],
)
def test_a_short_verb_first_german_question_is_read_as_german(text: str) -> None:
    assert detect_language(text) == "de"


@pytest.mark.parametrize(
    "text", ["Do you offer Afterpay?", "Who delivers to Ireland?", "Can I pay with Amex?", "Does shipping cost extra?"]
)
def test_english_questions_stay_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Akzeptieren Sie Mastercard?", ["accept"]),
        ("Bietet ihr Geschenkverpackung an?", ["offer", "you"]),
        ("Wer bringt Bestellungen nach Schweden?", ["deliver", "orders", "Sweden"]),
        ("In welchem Zustand nehmt ihr Rückgaben an?", ["condition", "accept", "return"]),
        ("Ist euer Kundendienst samstags erreichbar?", ["your", "customer service", "Saturday", "available"]),
        ("Bis wann antwortet ihr freitags?", ["until when", "do you reply", "Friday"]),
    ],
)
def test_the_glossary_reads_a_question_to_the_shop(text: str, words: list[str]) -> None:
    from knowledge.glossary import in_document_language

    read = in_document_language(text)
    assert all(word in read for word in words), read


@pytest.mark.parametrize(
    "text",
    [
        "Which courier takes parcels to Belgium?",
        "What delivery company do you ship with to France?",
        "Who delivers to Luxembourg?",
        "which shipping provider delivers orders in Austria?",
    ],
)
def test_a_question_for_the_carrier_of_a_place_is_not_whether_we_ship_there(text: str) -> None:
    from knowledge.answer import asks_where_we_ship

    assert not asks_where_we_ship(text)


@pytest.mark.parametrize(
    "text", ["Do you deliver to Belgium?", "Can you ship to Luxembourg?", "Is delivery in Austria possible?"]
)
def test_whether_we_ship_to_a_place_is_still_asked_so(text: str) -> None:
    from knowledge.answer import asks_where_we_ship

    assert asks_where_we_ship(text)

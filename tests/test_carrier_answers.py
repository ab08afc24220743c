"""Who carries a parcel to a place is answered by the carriers' lines for that place alone: no second section that
answers whether we ship there, never a quote that ends on a line introducing what it leaves out ("We deliver to
these countries:"), and no line of another country's list item, even one that names no country itself ("PO boxes
are delivered by USPS." is the United States'). Whether we ship to a place still lists the countries.

The questions here were written after the code, in other words than the answer sets' (evals/datasets)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from knowledge.answer import _introducing_nothing_dropped, _opening, _owners, asks_carrier
from knowledge.retriever import Retriever
from tests.support.knowledge import demo_retriever, policy_reply


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Retriever]:
    with demo_retriever(tmp_path_factory.mktemp("carriers")) as built:
        yield built


def reply(retriever: Retriever, text: str) -> str:
    return policy_reply(retriever, text)


def ends_on_an_introduction(text: str) -> bool:
    # A quote's line before its citation: "... countries: (see ...)" ends on what it introduces.
    return ": (see " in text or ": (siehe " in text or text.rstrip().endswith(":")


@pytest.mark.parametrize(
    ("question", "carrier", "not_said"),
    [
        ("Which carrier do you use for parcels going to Austria?", "DHL Parcel", ["We deliver to", "USPS"]),
        ("Who carries orders to Sweden?", "DHL Parcel", ["We deliver to", "USPS"]),
        ("Which shipping company handles deliveries to Luxembourg?", "DHL Parcel", ["We deliver to", "USPS"]),
        ("Which courier delivers to Dublin?", "DHL Parcel", ["We deliver to", "USPS"]),
        ("Which carrier takes parcels to Canada?", "Canada Post", ["We deliver to", "USPS"]),
        ("Who ships to the UK?", "Royal Mail", ["We deliver to", "USPS"]),
        ("Wer liefert Pakete nach Schweden?", "DHL Parcel", ["Wir liefern in", "USPS"]),
        ("Mit welchem Paketdienst verschickt ihr nach Belgien?", "DHL Parcel", ["Wir liefern in", "USPS"]),
        ("Welcher Zusteller bringt Bestellungen nach Italien?", "DHL Parcel", ["Wir liefern in", "USPS"]),
        ("Wer bringt Pakete nach Kanada?", "Canada Post", ["Wir liefern in", "USPS"]),
        ("Welcher Versanddienstleister liefert nach Großbritannien?", "Royal Mail", ["Wir liefern in", "USPS"]),
    ],
)
def test_who_carries_to_a_place_is_that_places_carrier_line_alone(
    retriever: Retriever, question: str, carrier: str, not_said: list[str]
) -> None:
    text = reply(retriever, question)
    assert carrier in text, text
    assert not any(words in text for words in not_said), text
    assert not ends_on_an_introduction(text), text


@pytest.mark.parametrize(
    "question",
    [
        "Who delivers to PO boxes in the US?",
        "Which carrier brings parcels to a PO box in Ohio?",
        "Wer liefert an Postfächer in den USA?",
    ],
)
def test_the_us_po_box_line_still_answers_for_the_us(retriever: Retriever, question: str) -> None:
    assert "USPS" in reply(retriever, question)


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("Can I get delivery in Sweden?", "Sweden"),
        ("Do you ship to Denmark?", "Denmark"),
        ("Liefert ihr nach Italien?", "Italien"),
        ("Versendet ihr auch nach Schweden?", "Schweden"),
    ],
)
def test_whether_we_ship_to_a_place_still_lists_the_countries(retriever: Retriever, question: str, listed: str) -> None:
    text = reply(retriever, question)
    assert listed in text and "DHL" not in text, text
    assert not ends_on_an_introduction(text), text


@pytest.mark.parametrize(
    "question",
    [
        "Which courier do you use for Spain?",
        "what delivery service takes orders to France?",
        "Who brings parcels to Vienna?",
        "Welcher Paketdienst liefert nach Irland?",
        "Wer verschickt Bestellungen nach Dänemark?",
    ],
)
def test_a_question_who_carries_is_read_so(question: str) -> None:
    from knowledge.glossary import in_document_language

    assert asks_carrier(in_document_language(question))


@pytest.mark.parametrize(
    "question",
    [
        "Do you ship to Spain?",
        "Who do I contact about a damaged parcel?",
        "Wer zahlt den Zoll?",
        "Liefert ihr nach Irland?",
    ],
)
def test_other_questions_do_not_ask_who_carries(question: str) -> None:
    from knowledge.glossary import in_document_language

    assert not asks_carrier(in_document_language(question))


def test_a_quote_never_ends_on_a_line_that_introduces_what_it_leaves_out() -> None:
    intro, line = "Our opening hours are:", "Monday to Friday, 9 am to 5 pm."
    assert _opening([intro, line]) == [intro, line]
    assert _opening([intro]) == []
    assert _opening([line, intro]) == [line]
    assert _introducing_nothing_dropped([line, intro]) == [line]
    assert _introducing_nothing_dropped([intro, line]) == [intro, line]


def test_a_sentence_belongs_to_its_list_items_country() -> None:
    text = (
        "Carriers by country:\n"
        "- Canada: Purolator for standard. Rural routes take longer.\n"
        "- United Kingdom: Evri. Signature on request.\n"
        "Parcels are insured.\n"
        "Shipping within Canada is free: we pay the label. Oversized parcels cost extra."
    )
    assert _owners(text) == (
        frozenset(),
        frozenset({"CA"}),
        frozenset({"CA"}),
        frozenset({"UK"}),
        frozenset({"UK"}),
        frozenset(),
        # A paragraph speaks of all, even when it opens on one country.
        frozenset(),
        frozenset(),
    )

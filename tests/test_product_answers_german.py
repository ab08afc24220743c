"""Product answers speak the conversation's language: their sentences come from the message catalogue (German
customers got English stock, option and price sentences). Facts written for this test after the change."""

from __future__ import annotations

from typing import Any

from shopdesk.i18n.catalogue import speaker, speaking


def _kettle() -> dict[str, Any]:
    variants = [
        {"options": {"capacity": "1L"}, "in_stock": True, "price": 40},
        {"options": {"capacity": "1.5L"}, "in_stock": True, "price": 45},
        {"options": {"capacity": "2L"}, "in_stock": False, "price": 50},
    ]
    return {
        "name": "Glass Kettle",
        "options": {"capacity": ["1L", "1.5L", "2L"]},
        "in_stock_options": {"capacity": ["1L", "1.5L"]},
        "variants": variants,
        "price_range": "$40.00–$50.00",
        "attributes": {"material": "borosilicate glass"},
        "description": "A glass kettle. It boils fast.",
    }


def test_a_product_answer_in_german_comes_from_the_catalogue() -> None:
    from knowledge.product_answers import Question, _option_count_sentence, _stock_sentence, _values_sentence

    kettle = _kettle()
    with speaking(speaker("de")):
        stock = _stock_sentence(kettle, Question(text=""))
        values = _values_sentence(kettle, Question(text="welche Füllmengen gibt es?"), "capacity")
        count = _option_count_sentence(kettle, "capacity")
    assert stock == "Ja, 2 der 3 Ausführungen von Glass Kettle sind gerade vorrätig.", stock
    assert values == "Glass Kettle ist vorrätig in 1L und 1.5L; 2L ist gerade ausverkauft.", values
    assert count == "Glass Kettle gibt es in 3 Füllmengen: 1L, 1.5L und 2L (2L ist gerade ausverkauft).", count


def test_the_english_answer_reads_as_before() -> None:
    from knowledge.product_answers import Question, _option_count_sentence, _stock_sentence

    kettle = _kettle()
    assert (
        _stock_sentence(kettle, Question(text=""))
        == "Yes, 2 of the 3 versions of the Glass Kettle are in stock right now."
    )
    assert _option_count_sentence(kettle, "capacity") == (
        "The Glass Kettle comes in 3 capacities: 1L, 1.5L and 2L (2L is sold out right now)."
    )

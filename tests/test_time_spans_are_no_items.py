"""A span of time or a degree said with "a" is no item. "A little while ago", "a good while back": after a determiner
and its modifiers, "while" is the noun of a span of time, so nothing in it is looked for in the customer's orders
("I couldn't find the little in your orders"). "A little" before a word said of a state ("a little confused") is a
degree. A "little" thing named by its noun ("the little speaker", "a little lamp") still is an item."""

from __future__ import annotations

import pytest

from graph.nlu.entities import extract_products


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("I bought something a short while back and want my money back", []),
        ("we ordered a good while ago, nothing arrived", []),
        ("a little while back I got the desk lamp", ["desk lamp"]),
        ("sorry, I'm a little confused about my delivery", []),
        ("my parcel came a little late and the kettle is leaking", ["kettle"]),
        ("I'm a bit worried, the mixer was ordered a long while ago", ["mixer"]),
    ],
)
def test_a_span_of_time_or_a_degree_names_no_item(text: str, products: list[str]) -> None:
    assert extract_products(text) == products


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("I want to return the little speaker", ["little speaker"]),
        ("I got a little lamp and it flickers", ["little lamp"]),
        ("the lamp broke while I was out", ["lamp"]),
    ],
)
def test_a_little_thing_named_by_its_noun_still_is_an_item(text: str, products: list[str]) -> None:
    assert extract_products(text) == products

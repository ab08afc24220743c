"""Options said for one of several items bind to that item when it is named by the main word of its name alone.

A played customer exchanging a bookshelf and a gaming mouse wrote "bookshelf: glass, 5 ft, brown. mouse: white,
optical, wired": "mouse" alone did not start the part about the Gaming Mouse, so the whole message was the
bookshelf's, and the mouse's "white" overrode its "brown" (a white glass bookshelf was proposed). Class: an item named
by its main word ("mouse", "shelf", "kettle") in a message naming several items, in any layout (labels, clauses,
"and"); contrasts: a qualifier word of another item's name ("leather" of a Leather Jacket) said as an option starts
no part, and a message naming one item keeps all of its words. Sentences written for these tests, after the change.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.llm.matching import item_segment, options_in

SHELF: dict[str, Any] = {
    "item_id": "s",
    "name": "Bookshelf",
    "options": {"material": "metal", "color": "brown", "height": "4 ft"},
}
MOUSE: dict[str, Any] = {"item_id": "m", "name": "Gaming Mouse", "options": {"color": "black", "sensor type": "laser"}}
KETTLE: dict[str, Any] = {"item_id": "k", "name": "Electric Kettle", "options": {"color": "silver", "capacity": "1L"}}
JACKET: dict[str, Any] = {"item_id": "j", "name": "Leather Jacket", "options": {"color": "brown", "size": "M"}}
BOOTS: dict[str, Any] = {"item_id": "b", "name": "Hiking Boots", "options": {"material": "synthetic", "size": "10"}}
ITEMS = [SHELF, MOUSE, KETTLE, JACKET, BOOTS]
SHELF_VALUES = {
    "material": ["metal", "glass", "wood"],
    "color": ["brown", "white", "black"],
    "height": ["4 ft", "5 ft"],
}
MOUSE_VALUES = {"color": ["black", "white"], "sensor type": ["laser", "optical"]}


@pytest.mark.parametrize(
    ("text", "shelf_color", "mouse_color"),
    [
        ("shelf -> wood, black; mouse -> white, optical", "black", "white"),
        ("For the mouse I'd take white optical, and the shelf in glass 5 ft brown.", "brown", "white"),
        ("the bookshelf should be glass and white. The mouse black with an optical sensor", "white", "black"),
        ("Mouse: white. Bookshelf: wood, 5 ft, black.", "black", "white"),
    ],
)
def test_each_item_named_by_its_main_word_takes_its_own_colour(text: str, shelf_color: str, mouse_color: str) -> None:
    phrases = ["bookshelf", "gaming mouse"]
    shelf = item_segment(text, SHELF, phrases, ITEMS)
    mouse = item_segment(text, MOUSE, phrases, ITEMS)
    assert options_in(shelf, SHELF_VALUES, SHELF["options"]).get("color") == shelf_color
    assert options_in(mouse, MOUSE_VALUES, MOUSE["options"]).get("color") == mouse_color


def test_a_qualifier_of_another_name_said_as_an_option_starts_no_part() -> None:
    text = "the boots in leather and the jacket in black"
    assert item_segment(text, BOOTS, ["boots", "jacket"], ITEMS) == "boots in leather"
    assert item_segment(text, JACKET, ["boots", "jacket"], ITEMS) == "the jacket in black"


@pytest.mark.parametrize(
    "text", ["I'd like the bookshelf in glass, 5 ft, white please", "glass, 5 ft and white for the shelf"]
)
def test_one_item_named_keeps_all_its_words(text: str) -> None:
    shelf = item_segment(text, SHELF, ["bookshelf"], ITEMS)
    wish = {"material": "glass", "height": "5 ft", "color": "white"}
    assert options_in(shelf, SHELF_VALUES, SHELF["options"]) == wish

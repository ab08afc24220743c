"""A restatement at a pending proposal that differs from it is a correction, never a yes; a denied choice is none.

Found by a played customer: at a proposal of a white glass bookshelf and a white mouse, "glass, 5 ft, brown, plus the
white optical mouse. go ahead" was taken as a yes and the white shelf was written: "brown" is what the shelf is now,
and "white" was the mouse's, and every value said was some proposed item's own. And "I never picked brown" was read
as a wish for brown. Classes: values said at a proposal are read item by item (the clause that names an item, else
the only item whose product has them); a value other than what an item becomes, or a value it has now beside values
it becomes, is a correction; agreeing values restate it; an item's own values alone describe it. A value said under
a denied choice ("never picked", "didn't ask for", "don't want", "was never my choice") is not the wish.
Sentences written for these tests, after the change.
"""

from __future__ import annotations

import pytest

from graph.llm.dialogue.proposal_items import ProposedItem, contradicts_items, values_said
from graph.llm.matching import options_in

SHELF = ProposedItem(
    "Bookshelf",
    {"material": "metal", "color": "brown", "height": "4 ft"},
    {"material": "glass", "color": "white", "height": "5 ft"},
    {"material": ["metal", "glass", "wood"], "color": ["brown", "white", "black"], "height": ["4 ft", "5 ft", "6 ft"]},
)
MOUSE = ProposedItem(
    "Gaming Mouse",
    {"color": "black", "sensor type": "laser"},
    {"color": "white", "sensor type": "optical"},
    {"color": ["black", "white"], "sensor type": ["laser", "optical"]},
)
BOTH = (SHELF, MOUSE)


@pytest.mark.parametrize(
    "text",
    [
        "5 ft glass in brown, and the optical white mouse - go ahead",  # brown: what it is now, beside what it becomes
        "shelf: glass, 5 feet, black. mouse: white optical. yes please",  # black: neither now nor proposed
        "ok the mouse white and optical, the bookshelf 6 ft glass, go ahead",  # 6 ft, said of the shelf by name
        "the glass 5 ft one but brown please, do it",
    ],
)
def test_a_restatement_that_differs_for_an_item_is_a_correction(text: str) -> None:
    assert contradicts_items(text, BOTH)


@pytest.mark.parametrize(
    "text",
    [
        "glass, 5 ft, white, plus the white optical mouse. go ahead",  # all as proposed: the mouse's white too
        "yes, the white glass shelf and the optical mouse, go ahead",
        "the brown shelf and the black mouse: yes, change both",  # their own values: which items, no wish
        "yes go ahead",
    ],
)
def test_a_restatement_that_agrees_or_describes_is_no_correction(text: str) -> None:
    assert not contradicts_items(text, BOTH)


def test_values_where_no_item_is_named_go_to_the_one_item_that_has_some_of_them() -> None:
    said = values_said("glass, 5 ft, white, plus the white optical mouse", BOTH)
    assert said[0] == {"material": "glass", "height": "5 ft", "color": "white"}
    assert said[1] == {"color": "white", "sensor type": "optical"}


VALUES = {"color": ["brown", "white", "black"], "material": ["glass", "wood"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wait, I never chose black - what other colours are there?", {}),
        ("I didn't ask for the white one, I want glass", {"material": "glass"}),
        ("I don't want black, make it wood in white", {"material": "wood", "color": "white"}),
        ("white was never my choice", {}),
        # Contrasts: a choice said, or a denial of something else, still chooses.
        ("I didn't pick anything yet, but black sounds good", {"color": "black"}),
        ("I said white", {"color": "white"}),
        ("I don't mind brown", {"color": "brown"}),
    ],
)
def test_a_value_under_a_denied_choice_is_not_the_wish(text: str, expected: dict[str, str]) -> None:
    assert options_in(text, VALUES) == expected

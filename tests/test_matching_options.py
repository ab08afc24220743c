"""Reading option values from a customer's words: answer-like values ("yes", "no", "none") only next to their
option's name, so that a bare "yes" confirms and picks no variant."""

from __future__ import annotations

import pytest

from graph.llm.matching import options_in

CAMERA = {"resolution": ["4K", "1080p", "5K"], "waterproof": ["yes", "no"], "color": ["black", "silver"]}
SPEAKER = {"color": ["blue", "red"], "battery life": ["10 hours", "20 hours"], "water resistance": ["yes", "no"]}
KEYBOARD = {"switch type": ["clicky", "linear"], "backlight": ["RGB", "none", "white"]}
WATCH = {"water resistance": ["IPX4", "IPX7", "no", "not resistant", "yes"], "color": ["black", "gold"]}


@pytest.mark.parametrize(
    "text",
    ["yes", "Yes please", "yep that's the one, go ahead", "no", "no thanks", "ok yes, the gift card is fine"],
)
def test_a_bare_answer_picks_no_option(text: str) -> None:
    assert options_in(text, CAMERA) == {}
    assert options_in(text, SPEAKER) == {}


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        (
            "the 5K in black, the one that is not waterproof",
            CAMERA,
            {"resolution": "5K", "waterproof": "no", "color": "black"},
        ),
        ("non-waterproof, 4K", CAMERA, {"resolution": "4K", "waterproof": "no"}),
        ("waterproof: yes, silver", CAMERA, {"waterproof": "yes", "color": "silver"}),
        ("I'd like it waterproof", CAMERA, {"waterproof": "yes"}),
        (
            "the red 20 hours one without water resistance",
            SPEAKER,
            {"color": "red", "battery life": "20 hours", "water resistance": "no"},
        ),
        ("blue and water resistant", SPEAKER, {"color": "blue", "water resistance": "yes"}),
        ("linear switches, no backlight", KEYBOARD, {"switch type": "linear", "backlight": "none"}),
        ("one that doesn't have a backlight", KEYBOARD, {"backlight": "none"}),
        ("none", KEYBOARD, {"backlight": "none"}),
        ("water resistance: not resistant, gold", WATCH, {"water resistance": "not resistant", "color": "gold"}),
        ("the IPX7 one", WATCH, {"water resistance": "IPX7"}),
    ],
)
def test_answer_values_next_to_their_option(text: str, values: dict[str, list[str]], expected: dict[str, str]) -> None:
    assert options_in(text, values) == expected

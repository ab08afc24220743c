"""Reading option values from a customer's words: answer-like values ("yes", "no", "none") only next to their
option's name, so that a bare "yes" confirms and picks no variant."""

from __future__ import annotations

import pytest

from graph.llm.matching import options_in, wished_options

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
        ("red; it doesn't need to be water resistant", SPEAKER, {"color": "red", "water resistance": "no"}),
        ("no no, I do want it water resistant", SPEAKER, {"water resistance": "yes"}),
        ("linear switches, no backlight", KEYBOARD, {"switch type": "linear", "backlight": "none"}),
        ("one that doesn't have a backlight", KEYBOARD, {"backlight": "none"}),
        ("none", KEYBOARD, {"backlight": "none"}),
        ("water resistance: not resistant, gold", WATCH, {"water resistance": "not resistant", "color": "gold"}),
        ("the IPX7 one", WATCH, {"water resistance": "IPX7"}),
    ],
)
def test_answer_values_next_to_their_option(text: str, values: dict[str, list[str]], expected: dict[str, str]) -> None:
    assert options_in(text, values) == expected


SHIRT = {"color": ["blue", "purple", "red"], "size": ["M", "L", "XL"], "style": ["crew neck", "v-neck"]}


def test_of_two_values_of_one_option_the_wanted_one_is_the_one_not_owned() -> None:
    mine = {"color": "purple", "size": "XL", "style": "crew neck"}
    said = "mine is the purple crew neck in size XL, I'd like a red v-neck in size L instead"
    assert options_in(said, SHIRT, mine) == {"color": "red", "size": "L", "style": "v-neck"}
    # Without knowing what they own, the message alone cannot tell.
    assert options_in("red, v-neck", SHIRT, mine) == {"color": "red", "style": "v-neck"}


# Options whose name lists their values: each value is a name to choose, not a yes to the option.
VACUUM = {"type": ["robotic", "upright"], "bagged/bagless": ["bagged", "bagless"], "mount": ["wall", "desk"]}
LAMP = {"wall/desk": ["wall", "desk"], "colour": ["black", "brass"]}


@pytest.mark.parametrize(
    ("text", "values", "mine", "expected"),
    [
        (
            "mine's the upright bagless, could I get a robotic one that takes bags, so bagged",
            VACUUM,
            {"type": "upright", "bagged/bagless": "bagless", "mount": "wall"},
            {"type": "robotic", "bagged/bagless": "bagged"},
        ),
        ("a bagless robotic please", VACUUM, None, {"type": "robotic", "bagged/bagless": "bagless"}),
        (
            "I have the desk one in brass; the wall version in black would suit me better",
            LAMP,
            {"wall/desk": "desk", "colour": "brass"},
            {"wall/desk": "wall", "colour": "black"},
        ),
    ],
)
def test_values_an_option_is_named_after_are_chosen_like_any_value(
    text: str, values: dict[str, list[str]], mine: dict[str, str] | None, expected: dict[str, str]
) -> None:
    assert options_in(text, values, mine) == expected


GLASSES = {
    "frame colour": ["gold", "black"],
    "lens colour": ["brown", "grey"],
    "lens type": ["polarized", "non-polarized"],
}
JACKET = {"size": ["XS", "S", "M", "L", "XL"], "color": ["olive", "sand"], "zipper": ["full", "half"]}
HELMET = {"size": ["S", "M", "L"], "ventilation": ["low", "medium", "high"]}


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        # A value's words joined by a space, a hyphen or nothing are one value.
        (
            "gold frame with grey lenses, the non polarized kind",
            GLASSES,
            {"frame colour": "gold", "lens colour": "grey", "lens type": "non-polarized"},
        ),
        ("nonpolarized and black", GLASSES, {"frame colour": "black", "lens type": "non-polarized"}),
        # A value only one option has belongs to it next to another option's name ("gold frame grey lenses").
        ("black frame, brown lens", GLASSES, {"frame colour": "black", "lens colour": "brown"}),
        # A size code in capitals is a size wherever it stands.
        ("XL in sand with the half zip", JACKET, {"size": "XL", "color": "sand", "zipper": "half"}),
        ("could I have an S, olive?", JACKET, {"size": "S", "color": "olive"}),
        ("is it ok if i go with olive", JACKET, {"color": "olive"}),
        # A word both a size and another option's value goes to the option it is said with.
        ("high ventilation, medium size", HELMET, {"size": "M", "ventilation": "high"}),
    ],
)
def test_values_however_they_are_written_and_wherever_they_stand(
    text: str, values: dict[str, list[str]], expected: dict[str, str]
) -> None:
    assert options_in(text, values) == expected


# Two options whose values and name words overlap ("color", "frame"): each value goes to the option named with it.
SHADES = {
    "frame color": ["black", "tortoise", "brown"],
    "lens color": ["brown", "black", "green"],
    "frame material": ["acetate", "metal"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frame color tortoise, lens color black", {"frame color": "tortoise", "lens color": "black"}),
        ("lens color: green and frame color: brown", {"frame color": "brown", "lens color": "green"}),
        ("a black frame and green lenses", {"frame color": "black", "lens color": "green"}),
        ("brown lenses in a metal frame", {"lens color": "brown", "frame material": "metal"}),
    ],
)
def test_a_value_goes_to_the_option_whose_name_stands_with_it(text: str, expected: dict[str, str]) -> None:
    assert options_in(text, SHADES) == expected


def test_a_part_of_a_message_ends_only_where_another_item_of_the_order_is_named() -> None:
    from graph.llm.matching import item_segment

    shirt = {"item_id": "1", "name": "T-Shirt", "options": {}}
    charger = {"item_id": "2", "name": "Portable Charger", "options": {}}
    text = "the charger again as it is, and for the t-shirt, mine is the purple crew neck, I'd like a red v-neck"
    phrases = ["charger", "t-shirt", "purple crew neck", "red v-neck"]
    assert item_segment(text, shirt, phrases, [shirt, charger]).endswith("I'd like a red v-neck")
    assert "t-shirt" not in item_segment(text, charger, phrases, [shirt, charger])


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("can I get the exact same one again?", True),
        ("a new identical unit please", True),
        ("just a replacement, mine is broken", True),
        ("ich möchte den gleichen nochmal", True),
        ("the blue one in M please", False),
        ("something cheaper", False),
        ("a replacement but one size bigger", False),
        ("same size, just a different colour", False),
        # Sameness said option by option (written after the change).
        ("a fresh unit of the same model, same capacity, same colour", True),
        ("same colour but in a bigger size", False),
    ],
)
def test_asking_for_the_same_item(text: str, same: bool) -> None:
    from graph.llm.matching import asks_for_the_same_item

    assert asks_for_the_same_item(text) is same


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        # Sizes in words for a catalogue's letters; the one they have is told from the one they want.
        ("mine's a large navy, could I get the small instead", {"size": "S"}),
        ("swap it for an extra large one", {"size": "XL"}),
        ("i'd go one up, so large, still in grey", {"size": "L", "color": "grey"}),
        ("medium, same colour", {"size": "M"}),
        # Words of the sentence, not sizes.
        ("sorry, small question: is the grey one warm?", {"color": "grey"}),
        ("it's a large order, I just need the coat in grey", {"color": "grey"}),
    ],
)
def test_sizes_said_in_words(text: str, wanted: dict[str, str]) -> None:
    from graph.llm.matching import options_in

    values = {"size": ["XS", "S", "M", "L", "XL"], "color": ["navy", "grey", "olive"]}
    found = options_in(text, values, {"size": "L", "color": "navy"})
    assert {k: v for k, v in found.items() if k in wanted or k == "size"} == wanted, found


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("the medium size with high airflow", {"size": "M", "ventilation": "high"}),
        ("size large, ventilation medium", {"size": "L", "ventilation": "medium"}),
        ("medium vents are fine but make it size small", {"size": "S", "ventilation": "medium"}),
    ],
)
def test_a_word_two_options_share_goes_to_the_option_named_beside_it(text: str, wanted: dict[str, str]) -> None:
    from graph.llm.matching import options_in

    values = {"size": ["S", "M", "L"], "ventilation": ["low", "medium", "high"]}
    found = options_in(text, values, {"size": "L", "ventilation": "low"})
    assert {k: found.get(k) for k in wanted} == wanted, found


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("the medium was too small, I want a large", "L"),
        ("yes, the current one is too large for me", None),
        ("It's a bit large and the sleeves are long", None),
        ("I normally wear medium but this one runs big", None),
    ],
)
def test_a_size_that_says_how_it_fits_is_no_choice(text: str, size: str | None) -> None:
    from graph.llm.matching import options_in

    found = options_in(text, {"size": ["S", "M", "L", "XL"]}, {"size": "M"})
    assert found.get("size") == size, found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the glass one in black, 3ft tall", {"height": "3 ft", "color": "black", "material": "glass"}),
        ("make it a 6-foot one", {"height": "6 ft"}),
        ("4 feet is what I need", {"height": "4 ft"}),
        ("the 15ft one", {}),  # no such height: the 5 ft is not inside it
    ],
)
def test_a_quantity_is_read_however_its_unit_is_written(text: str, expected: dict[str, str]) -> None:
    from graph.llm.matching import options_in

    values = {"material": ["glass", "wood"], "color": ["white", "black"], "height": ["3 ft", "4 ft", "5 ft", "6 ft"]}
    assert options_in(text, values, {"material": "wood", "color": "white", "height": "5 ft"}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 750 ml bottle please", {"capacity": "750ml"}),
        ("1 litre", {"capacity": "1L"}),
        ("a 60 percent board", {"size": "60%"}),
    ],
)
def test_quantities_of_other_units(text: str, expected: dict[str, str]) -> None:
    from graph.llm.matching import options_in

    assert options_in(text, {"capacity": ["500ml", "750ml", "1L"], "size": ["60%", "80%", "full size"]}) == expected


def test_the_other_unit_left_alone_or_meant_instead_is_not_added() -> None:
    from graph.llm.matching import the_other_unit

    lamps = [
        {"item_id": "1", "name": "Desk Lamp", "options": {"color": "white"}},
        {"item_id": "2", "name": "Desk Lamp", "options": {"color": "black"}},
    ]
    for kept in ("ok go ahead, the other one stays the way it is", "no, the other one", "leave the other lamp alone"):
        assert the_other_unit(lamps, kept, ["1"]) == [], kept
    assert the_other_unit(lamps, "I ordered the other day", ["1"]) == []
    assert [i["item_id"] for i in the_other_unit(lamps, "and the other one in silver", ["1"])] == ["2"]


def test_a_wish_said_with_a_question_is_a_wish() -> None:
    from graph.llm.dialogue.repair import asks_what_a_variant_costs

    for wish in ("black please, is it in stock?", "I'll take the XL then - what does it cost?"):
        assert not asks_what_a_variant_costs(wish), wish
    for question in ("what does the black one cost?", "is the XL available?"):
        assert asks_what_a_variant_costs(question), question


def test_the_method_paid_with_turned_away_or_someone_elses_is_not_named() -> None:
    from graph.llm.matching import payment_mention

    for away in (
        "please don't put it back on the card I paid with",
        "the card I used for my other order",
        "the original card got cancelled, so something else",
    ):
        assert payment_mention(away, asked=True) != {"original": "1"}, away
    for original in ("no - the original one", "not the gift card, the one I paid with"):
        assert payment_mention(original, asked=True) == {"original": "1"}, original


def test_a_long_run_of_letters_before_a_value_is_read_at_once() -> None:
    # A pattern over the whole text before a value backtracked without end on a run of letters.
    said = "h" + "e" * 400 + "y!!! black in M please"
    assert options_in(said, {"color": ["black", "white"], "size": ["S", "M"]}) == {"color": "black", "size": "M"}


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("my green one, not insulated => black and insulated", {"colour": "black", "insulated": "yes"}),
        ("the 1L green bottle, I'd like it insulated in 2L", {"volume": "2L", "insulated": "yes"}),
        ("green, 1L, no insulation; make it black", {"colour": "black"}),
    ],
)
def test_what_follows_the_turn_to_the_wish_is_the_wish(text: str, wanted: dict[str, str]) -> None:
    values = {"colour": ["green", "black", "white"], "volume": ["1L", "2L"], "insulated": ["yes", "no"]}
    theirs = {"colour": "green", "volume": "1L", "insulated": "no"}
    assert options_in(text, values, theirs) == wanted


@pytest.mark.parametrize(
    ("said", "wished"),
    [
        ({"capacity": "1000ML"}, {}),
        ({"color": "blue", "capacity": "750ml"}, {"capacity": "750ml"}),
        ({"capacity": "1000 ml"}, {}),
        ({"color": "red"}, {"color": "red"}),
        ({"size": "L"}, {"size": "L"}),
    ],
)
def test_only_a_value_they_do_not_have_is_a_wish(said: dict[str, str], wished: dict[str, str]) -> None:
    theirs = {"capacity": "1000ml", "material": "stainless steel", "color": "Glacier Blue"}
    assert wished_options(said, theirs) == wished

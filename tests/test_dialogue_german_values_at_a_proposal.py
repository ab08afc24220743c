"""Option values said in German at a proposal are values: "Regal: Glas, 5 ft, weiß. Passt so" to a proposed brown
metal shelf is a correction, never a yes. A played customer's German restatement was read as a plain yes and the
brown shelf written, though they named glass and white. Class: an option value in the customer's language (data:
graph/nlu/data/option_values.yaml) counts wherever the English value is read (a restatement, a wish, a description of
an item); a restatement that differs from the proposal is a correction, one that agrees with it is a yes. Sentences
written for these tests, after the change."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.llm.dialogue.proposal_items import ProposedItem, contradicts_items
from graph.llm.matching import by_options, options_in
from graph.nlu.product_types import type_words
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import conversation, say, status_of

SHELF = ProposedItem(
    "Bookshelf",
    {"material": "metal", "color": "brown", "height": "4 ft"},
    {"material": "metal", "color": "brown", "height": "6 ft"},
    {"material": ["metal", "glass", "wood"], "color": ["brown", "white", "black"], "height": ["4 ft", "5 ft", "6 ft"]},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lieber aus Glas in Weiß", {"material": "glass", "color": "white"}),
        ("das weisse aus Holz bitte", {"material": "wood", "color": "white"}),
        ("in schwarzem Metall, 6 ft", {"material": "metal", "color": "black", "height": "6 ft"}),
        ("die Schwarze", {"color": "black"}),
        # contrasts: words that only look like values, and values the product does not come in
        ("weißt du, ob das geht?", {}),
        ("in Rot bitte", {}),
    ],
)
def test_german_value_words_are_the_values(text: str, expected: dict[str, str]) -> None:
    assert options_in(text, SHELF.values) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Regal: Glas, 5 ft, weiß. Passt so",
        "Das Regal bitte in Holz und schwarz, 6 ft, dann ja",
        "6 ft, Metall, aber weiss. Ok so",
    ],
)
def test_a_german_restatement_that_differs_is_a_correction(text: str) -> None:
    assert contradicts_items(text, (SHELF,))


@pytest.mark.parametrize(
    "text",
    [
        "Regal: Metall, 6 ft, braun. Passt so",
        "ja, das braune Metallregal mit 6 ft, bitte so machen",
        "Ja, passt so",
    ],
)
def test_a_german_restatement_that_agrees_is_no_correction(text: str) -> None:
    assert not contradicts_items(text, (SHELF,))


def test_regal_names_a_bookshelf_and_compounds_of_it_too() -> None:
    assert type_words("Regal") == ("bookshelf",)
    assert type_words("Glasregal") == ("bookshelf",)


def test_an_item_is_told_apart_by_its_german_values() -> None:
    items = [
        {"item_id": "1", "name": "Bookshelf", "options": {"material": "glass", "color": "white"}},
        {"item_id": "2", "name": "Bookshelf", "options": {"material": "wood", "color": "black"}},
    ]
    assert by_options(items, "das schwarze Regal") == [items[1]]
    assert by_options(items, "das aus Glas") == [items[0]]


TAU = "taubench"
# Omar Lopez's delivered order #W7273336 holds a metal bookshelf, brown, 4 ft; metal at 6 ft comes in brown and black.
OMAR, ORDER = "omar_lopez_3107", "#W7273336"


@pytest.mark.parametrize(
    ("reply", "written"),
    [
        ("Regal: Glas, 5 ft, weiß. Passt so", False),
        ("Moment, Holz und schwarz bitte, sonst ja", False),
        # contrasts: the proposal said again in German, or a plain yes
        ("Regal: Metall, 6 ft, braun. Passt so", True),
        ("Ja, passt so", True),
    ],
)
async def test_a_german_restatement_writes_only_what_was_proposed(tau_app: Settings, reply: str, written: bool) -> None:
    context = Context(customer_id=OMAR, shop_id=TAU)
    async with conversation(tau_app) as (chat, _):
        proposal = await say(
            chat,
            "de-values",
            f"I'd like to exchange the bookshelf from {ORDER} for a metal one, 6 feet high",
            context=context,
        )
        assert proposal.status == "awaiting_confirmation" and "color brown, height 6 ft" in proposal.text, proposal.text
        turn = await say(chat, "de-values", reply, context=context)
    status = status_of(tau_app.shop_database_url, ORDER)
    assert (status is OrderStatus.exchange_requested) is written, turn.text


# A German value word is a value only in a German message and only where it says the value: "weiß" after a person,
# "nicht" or "ob" is the verb wissen; klein/mittel/groß are sizes only where they describe the item ("in groß",
# "Größe mittel", "die große Variante", "klein, schwarz"); a capitalised word after "ich bin" or a first name is a
# name. English words that look German ("gross", "rote", a surname "Weiss") are no values. Reviewer 26 found "ja ich
# weiß, das ist teurer" read as white at a proposal. Sentences written for the test.
@pytest.mark.parametrize(
    "text",
    [
        "Ok, das weiß ich doch, mach bitte weiter",
        "Wer weiß, ob das hält. Egal, bitte machen",
        "weiss nicht genau, aber ja, los",
        "Danke, das war schon mal eine große Erleichterung",
        "Mein Name ist Jonas Weiß, ja bitte so",
        "Viele Grüße, Lena Braun",
        "Mittel und Wege gibt es immer, ja machen Sie",
        "Das ist mir alles zu klein gedacht, aber ja",
    ],
)
def test_german_words_of_a_sentence_are_no_values(text: str) -> None:
    assert not contradicts_items(text, (SHELF,)), text


@pytest.mark.parametrize(
    "text",
    [
        "sounds gross but fine, go ahead",
        "I learned it all by rote, yes please",
        "Thanks, Braun here, please go ahead",
        "Schwarz, Peter - yes do it",
    ],
)
def test_english_messages_say_no_german_values(text: str) -> None:
    assert not contradicts_items(text, (SHELF,)), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich weiß schon, aber lieber in Schwarz", {"color": "black"}),
        ("Doch lieber das weiße aus Glas", {"color": "white", "material": "glass"}),
        ("Holz, schwarz", {"material": "wood", "color": "black"}),
    ],
)
def test_german_values_beside_the_verb_and_names_still_count(text: str, expected: dict[str, str]) -> None:
    assert options_in(text, SHELF.values) == expected


def test_a_german_size_counts_where_it_describes_the_item() -> None:
    sizes = {"size": ["small", "medium", "large"]}
    assert options_in("Ich nehme sie dann in groß", sizes) == {"size": "large"}
    assert options_in("Größe mittel, bitte", sizes) == {"size": "medium"}
    assert options_in("Die kleine Variante wäre mir lieber", sizes) == {"size": "small"}
    assert options_in("Das war eine große Hilfe, danke", sizes) == {}
    assert options_in("Hallo, ich bin Tom Klein", sizes) == {}

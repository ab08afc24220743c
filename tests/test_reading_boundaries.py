"""Readings that must not reach further than what they stand for.

Each reading below was added for a class of messages played customers wrote; a reviewer then wrote messages at its
edges that it must leave alone (a new unit "sent over", an exchange said with "and replace it", an order the customer
keeps, a yes taken back, a new wish for an item rather than none). Sentences written after the readings.
"""

from __future__ import annotations

import pytest

from graph.llm.dialogue.items import items_left_out
from graph.llm.dialogue.other_requests import _listed_together
from graph.llm.dialogue.remedies import named_remedy
from graph.llm.matching import payment_mention
from graph.nlu.confirmation import yes_with_details
from graph.nlu.segment import split_requests


@pytest.mark.parametrize(
    ("text", "remedy"),
    [
        ("Could you send over a new one?", "exchange"),
        ("Please ship over a replacement", "exchange"),
        ("I'd prefer a refund over an exchange", "return"),
    ],
)
def test_over_passes_a_remedy_over_only_after_another(text: str, remedy: str) -> None:
    assert named_remedy(text) == remedy


@pytest.mark.parametrize(
    "text",
    [
        "Please send the jacket back and replace it with a medium",
        "I want to return the boots and exchange them for a size 10",
        "cancel the order and return the money to my visa",
    ],
)
def test_a_second_act_on_the_same_thing_is_one_request(text: str) -> None:
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("please cancel #W1234567 and #W7654321", 2),
        ("cancel both W1234567 and order 7654321", 2),
        ("Please cancel #W1234567, not #W7654321", 1),
        ("cancel #W1234567 instead of #W7654321", 1),
        ("cancel #W1234567, it is a duplicate of #W7654321 which I want to keep", 1),
        ("First #W1234567, I ordered that by mistake. And then #W7654321, which I no longer need.", 2),
    ],
)
def test_only_orders_listed_together_share_one_act(text: str, listed: int) -> None:
    assert len(_listed_together(text, ["#W1234567", "#W7654321"])) == listed


@pytest.mark.parametrize(
    "text",
    [
        "Yes, actually I would rather keep that order",
        "Sure, let me think about it first",
        "ok. I will keep it after all",
        "ok, I will check with my wife first",
    ],
)
def test_a_yes_taken_back_carries_no_details(text: str) -> None:
    assert yes_with_details(text) is None


def test_a_new_wish_for_an_item_leaves_nothing_out() -> None:
    items = [
        {"item_id": "1", "name": "Electric Kettle", "options": {"color": "white"}},
        {"item_id": "2", "name": "Bluetooth Speaker", "options": {"color": "red"}},
    ]
    for text in (
        "I do not want the kettle in white, make it black",
        "I never wanted the speaker in red, make it blue",
        "The speaker is a mistake, I meant blue not red",
    ):
        assert items_left_out(items, text, ["1", "2"]) == set(), text
    assert items_left_out(items, "I did not ask for the kettle to be changed", ["1", "2"]) == {"1"}


@pytest.mark.parametrize("text", ["Bitte auf meine EC-Karte erstatten", "put the difference on my HSBC card"])
def test_a_bank_card_by_its_short_name_is_a_way_to_pay(text: str) -> None:
    assert payment_mention(text) == {"kind": "credit_card"}


def test_each_order_keeps_the_reason_said_of_it() -> None:
    from graph.nlu.entities import own_reasons

    text = "First #W1234567, bought it by accident. Then #W7654321 - we don't need it any more."
    assert own_reasons(text, "#W1234567") == ["ordered_by_mistake"]
    assert own_reasons(text, "#W7654321") == ["no_longer_needed"]
    assert own_reasons("cancel #W1234567 and #W7654321, both ordered by mistake", "#W7654321") == ["ordered_by_mistake"]


def test_a_unit_is_read_in_the_singular_and_the_plural() -> None:
    from graph.llm.matching import options_in

    values = {"capacity": ["1 cup", "2 cups", "4 cups"], "color": ["black", "white"]}
    assert options_in("the black 2 cup one", values) == {"capacity": "2 cups", "color": "black"}
    assert options_in("a 4-cup one please", values) == {"capacity": "4 cups"}


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("For #W1111111 send back the rug, refund on paypal. For #W2222222 the lamp and the vase, refund on visa.", 2),
        ("W3333333: cancel it please. W4444444: the kettle should be the glass one.", 2),
        ("Cancel #W5555555 please. Also #W6666666 too.", 1),
        ("Return the boots from #W7777777. #W8888888 is fine as it is, thanks.", 1),
        ("Cancel #W5555555, wrong size. And #W6666666, which I no longer need.", 1),
    ],
)
def test_sentences_for_other_orders_are_requests_of_their_own(text: str, parts: int) -> None:
    from graph.nlu.segment import split_requests

    assert len(split_requests(text)) == parts, split_requests(text)


@pytest.mark.parametrize(
    ("text", "products"),
    [
        # Small talk names no product (written after "Hope your day's going well" was looked up as an item).
        ("Morning! Hope the week's treating you kindly. I have an exchange to sort out", []),
        ("hey, your team's been great so far, I'd like to return my toaster", ["toaster"]),
        ("is the blender's jar dishwasher safe?", ["blender's jar dishwasher safe"]),
    ],
)
def test_a_word_with_an_apostrophe_s_that_names_no_product_is_no_item(text: str, products: list[str]) -> None:
    from graph.nlu.entities import extract_products

    assert extract_products(text) == products


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        # A status wished for is what they want done, not the order they mean (written after "I placed an order by
        # mistake and want it cancelled" found no cancelled order and said so).
        ("bought this by accident, I'd like it cancelled please", []),
        ("can you get that order cancelled for me", []),
        ("it has to be cancelled before it ships", []),
        ("what happened to my cancelled order?", ["cancelled"]),
        ("the one that was delivered yesterday", ["delivered"]),
    ],
)
def test_a_status_wished_for_picks_no_order(text: str, statuses: list[str]) -> None:
    from graph.llm.matching import _statuses_said

    assert _statuses_said(text) == statuses

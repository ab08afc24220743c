"""A reply to a proposal that waits for a yes: a yes inside a longer reply counts; a reply that holds back does not."""

from __future__ import annotations

import pytest

from graph.nlu.confirmation import gives_a_yes, wants_nothing_more


@pytest.mark.parametrize(
    "text",
    [
        "yes that's right, the visa is fine, please go ahead",
        "ugh ok. it's annoying it takes a week, but go for it",
        "Alright, sounds good to me",
        "sure, that is correct",
        "that works, thanks!",
        "ok then let's do it",
        "Ja, das passt so, bitte ausführen",
        "genau, mach das",
        # An opener before the yes.
        "oh yes, that's it",
        "hmm, yeah go on then",
    ],
)
def test_a_yes_within_a_longer_reply(text: str) -> None:
    assert gives_a_yes(text)


@pytest.mark.parametrize(
    "text",
    [
        "yes, hmm, actually hold on a second",
        "no, the other order",
        "not yet, I need to check with my wife",
        "ok wait, I changed my mind",
        "I'd rather keep it",
        "what colour is it again",
        "nein, doch nicht",
        "the green one please",
        # An assent that opens a refusal or a delay is no yes.
        "ok forget about it",
        "fine, leave it for now",
        "sure, I'll think it over and come back",
        "okay no thank you",
        "alright, cancel it",
        "great, so that's wrong again",
        "yes but send it to my work address instead",
        "the current one is fine actually",
        "ja, aber lieber später",
        # Right, but first something else: the "do it" is put off, not given.
        "the size is right, but before you do it I need the address changed as well",
        "looks good. before we go ahead, swap the card too",
        "passt, aber bevor du es machst, bitte noch die Zahlung ändern",
    ],
)
def test_a_reply_that_holds_back_or_says_nothing(text: str) -> None:
    assert not gives_a_yes(text)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("which cards have I got saved with you?", True),
        ("was the mastercard ending 4410 the one I used?", True),
        ("what did I originally pay with", True),
        ("how much is left on my gift card balance?", True),
        ("put the refund on my visa instead please", False),
        ("could you charge it to PayPal?", False),
        ("is it the blue one?", False),
    ],
)
def test_a_question_about_ones_payment_methods(text: str, asks: bool) -> None:
    from graph.nlu.confirmation import asks_about_payment_methods

    assert asks_about_payment_methods(text) is asks


def test_an_offer_of_a_person_is_recognised_in_every_language_of_the_catalogue() -> None:
    from graph.llm.responses import OFFER_PERSON
    from graph.nlu.escalation import offers_a_person
    from shopdesk.i18n import _, available_locales, speaker, speaking

    for locale in available_locales():
        with speaking(speaker(locale)):
            assert offers_a_person(_(OFFER_PERSON)), locale


def test_naming_the_proposals_own_act_is_no_holding_back() -> None:
    assert gives_a_yes("Yes, please cancel it. Thank you!", "cancel_order")
    assert gives_a_yes("ja, bitte stornieren", "cancel_order")
    # To another proposal, "cancel" takes the yes back.
    assert not gives_a_yes("yes... no, cancel that", "return_items")
    assert not gives_a_yes("alright, cancel it", "modify_order_address")


@pytest.mark.parametrize(
    ("text", "queued", "taken"),
    [
        ("yes, cancel that one too", "cancel_order", True),
        ("sure, go on", "return_request", True),
        ("yes go on, and after that I want to speak to a human agent", "cancel_order", False),
        ("hmm, wait, is that a good idea?", "cancel_order", False),
    ],
)
def test_taking_up_a_queued_request(text: str, queued: str, taken: bool) -> None:
    from graph.nlu.local import get_local_understanding
    from graph.nodes.understand import takes_up

    assert takes_up(get_local_understanding().analyse(text), text, queued) is taken


@pytest.mark.parametrize(
    ("text", "drops"),
    [
        ("ugh, none of these work for me, I'll keep the one I have", True),
        ("you know what, forget it", True),
        ("I don't want to swap it anymore", True),
        ("das passt doch nicht, vergiss es", True),
        ("the green one, please", False),
        ("not the grey, the navy one", False),
        ("which of these is the warmest?", False),
        # Written after the families (giving up, keeping what one has, refusing every choice) replaced the phrases.
        ("nah, let's just leave it as it is", True),
        ("on second thought I'm fine with the one I've got", True),
        ("I'll stick with my original one, thanks", True),
        ("ok scratch the whole thing", True),
        ("don't bother, honestly", True),
        ("ach, lass mal", True),
        ("leave it in the 6 ft height then", False),
        ("keep the material, just a taller one", False),
    ],
)
def test_dropping_a_request_while_asked_for_a_detail(text: str, drops: bool) -> None:
    from graph.nlu.confirmation import drops_the_request

    assert drops_the_request(text) is drops


@pytest.mark.parametrize(
    "text", ["Well yes, I suppose the price is fine but the colour", "ok yes, but I wonder if it fits"]
)
def test_a_yes_with_a_reservation_about_the_thing_is_held_back(text: str) -> None:
    from graph.nlu.confirmation import gives_a_yes

    assert not gives_a_yes(text, "exchange_items")


def test_a_question_whether_the_proposal_can_be_done() -> None:
    """Written after the change: asked of the thing on the table, not of another thing."""
    from graph.nlu.general import asks_if_it_can_be_done

    for asked in ("Great. Would that be possible?", "so can you do that for me?", "is this doable?"):
        assert asks_if_it_can_be_done(asked), asked
    for other in ("is it possible to pay by invoice?", "can it be delivered by Monday?", "is that the blue one?"):
        assert not asks_if_it_can_be_done(other), other


@pytest.mark.parametrize(
    "text",
    [
        "Nope, that'll be everything. Thanks a lot!",
        "no thank you, I'm all set",
        "nothing else for now, bye",
        "That's it, cheers",
        "Nein danke, das war alles",
    ],
)
def test_a_reply_that_wants_nothing_more(text: str) -> None:
    assert wants_nothing_more(text)


@pytest.mark.parametrize(
    "text",
    [
        "thanks!",
        "no, the other order",
        "no, but can you check my refund?",
        "that's all I needed on the return, now the exchange",
        "ok",
    ],
)
def test_a_reply_that_goes_on_or_only_thanks_is_no_close(text: str) -> None:
    assert not wants_nothing_more(text)


@pytest.mark.parametrize(
    "text",
    [
        "that would be good to know before I say yes",
        "That'd be great if it could ship on Monday",
        "I'd appreciate it if you told me the fee first",
        "das wäre gut gewesen",
        "Das wäre super, falls es günstiger ist",
        "yes, provided the refund goes to my card",
    ],
)
def test_how_good_it_would_be_on_a_condition_is_no_yes(text: str) -> None:
    assert not gives_a_yes(text)


@pytest.mark.parametrize("text", ["that'd be lovely, thank you", "Das wäre wirklich hilfreich!", "I'd appreciate that"])
def test_how_good_it_would_be_said_alone_is_a_yes(text: str) -> None:
    assert gives_a_yes(text)


@pytest.mark.parametrize(
    "text",
    [
        # A yes on a time or a term is no yes yet (a review found each of these wrote the return).
        "yes, but only after the refund for the jacket has landed",
        "go ahead once I've found the receipt",
        "fine so long as I don't pay for the label",
        "ok, assuming the money goes back to my card",
        "yes when the courier has picked up the old one",
        "ja, vorausgesetzt das Porto ist kostenlos",
        "ja, nachdem die andere Bestellung angekommen ist",
        # A yes for more than was shown.
        "yes, do it for both of my orders",
    ],
)
def test_a_yes_on_a_time_a_term_or_a_wider_scope_is_held_back(text: str) -> None:
    from graph.nlu.confirmation import holds_back

    assert holds_back(text), text

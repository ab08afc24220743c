"""Escalation after review 26: a lawyer the customer goes to or hands over to ("is my lawyer", "war beim Anwalt", "as
my lawyer advised") is a legal step, a lawyer's trade or a lawyer recommending the shop is not; harm is told by a
person hurt or a device failing, not by a camera's flash, a flash sale, a drink kept fizzing, photos "gestochen
scharf" or a parcel not handed over; a robot vacuum is no bot refused and what "you people" keep doing is no person
asked for. The reviewer's sentences, and sentences written after the change, each beside a calm one."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.nlu.keywords import human_request_words
from shopdesk.settings import Settings
from tests.support.nlu import Analyse, decision_for
from tests.support.people import conversation, say

THREATS = [
    # The reviewer's.
    "Fine. The next thing you hear from me is my lawyer.",
    "Ich war beim Anwalt, der Brief ist unterwegs.",
    "Ich bin beim Anwalt, Sie hören von uns.",
    # New.
    "The only person you'll be dealing with from now on is my solicitor.",
    "As my attorney advised, I'm giving you seven days to refund me.",
    "My lawyer recommended I contact you once more before we proceed.",
    "Wir waren gestern bei der Anwältin, das geht jetzt seinen Weg.",
    "Mein Anwalt hat mir empfohlen, Ihnen eine letzte Frist zu setzen.",
]
LEGAL_CALM = [
    "My neighbour is a lawyer, can I order a second desk for her?",
    "A lawyer friend recommended your shop, do you deliver to Leeds?",
    "I work as a family lawyer and need an invoice with my firm's name.",
    "Mein Bruder ist Anwalt und hat mir euren Laden empfohlen.",
]
HARM = [
    "The toaster gave a loud bang and the fuse tripped.",
    "There was a flash and smoke came out of the charger.",
    "The plug was crackling and sparking when I switched it on.",
    "Eine Wespe aus dem Paket hat mich gestochen.",
    "Mein Sohn hat sich nach den Gummibärchen zweimal übergeben.",
]
HARM_CALM = [
    # The reviewer's.
    "Does the digital camera come with a flash?",
    "There was a flash sale last week, is the price still valid?",
    "Die Fotos der Kamera sind gestochen scharf, gibt es die auch in Schwarz?",
    "Does the soda maker keep the water fizzing for long?",
    "Der Bote hat sich geweigert das zu übergeben, wann kommt er wieder?",
    # New.
    "Is the speaker flash sale still on, and does it ship with a flash drive?",
    "Will the ring light work with a camera with a hot-shoe flash?",
    "Does the sparkling water maker stop fizzing after a day?",
    "Das Display ist gestochen scharf, aber gibt es eine größere Version?",
    "Die Nachbarin wollte das Paket nicht übergeben, können Sie neu liefern?",
]


@pytest.mark.parametrize("text", THREATS + HARM)
def test_a_legal_step_or_harm_is_handed_over(analyse: Analyse, text: str) -> None:
    assert decision_for(analyse, text), text


@pytest.mark.parametrize("text", LEGAL_CALM + HARM_CALM)
def test_a_trade_or_a_product_word_stays_with_the_bot(analyse: Analyse, text: str) -> None:
    assert decision_for(analyse, text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        # The played tau-bench customers'.
        "#W7128968 - the pet bed and the vacuum cleaner. I'd like the pet bed in grey instead of brown, and the vacuum "
        "as a canister one instead of the robot",
        "I want off your marketing email list. You people email me like every single day, it's ridiculous.",
        # New.
        "Please swap the stick vacuum for the robot one in my last order.",
        "Rather than the robot, I'd take the upright vacuum.",
        "Stop the promo texts, you people text me constantly.",
    ],
)
def test_a_product_or_a_complaint_about_mails_asks_for_no_person(text: str) -> None:
    assert human_request_words(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "This robot keeps repeating itself, I want a person.",
        "the robot can't understand me",
        "Can someone from your team email me back about the refund?",
        "Have your people call me today please.",
    ],
)
def test_a_person_asked_for_is_still_asked_for(text: str) -> None:
    assert human_request_words(text), text


async def test_mailing_list_on_taubench_is_answered_not_handed_over(tau_app: Settings) -> None:
    """The tau-bench shop can't change mailing preferences here: the bot says so and points to its team (a colleague
    offered, or what its documents say is passed on), it does not hand over unasked."""
    context = Context(customer_id="olivia_ito_3591", shop_id="taubench")
    async with conversation(tau_app) as (chat, _graph):
        turn = await say(chat, "mail", "Take me off your promo emails, you people mail me every day.", context=context)
    assert not turn.escalation, turn.escalation
    assert "can't" in turn.text and ("colleague" in turn.text or "team" in turn.text), turn.text

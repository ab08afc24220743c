"""A reply that says the act itself is not wanted is no yes, whatever "don't want" or "thanks" stands in it.

A review of the clause-scoped no (a reason beside a yes: "yes, I don't need it anymore") found replies that say
what is not wanted OF the thing ("I don't want it cancelled", "I don't want the boots returned", "I don't want the
refund on paypal") and thanks for doing the act later ("I appreciate you doing it after Friday") read as yes, and
written. A reason ends its clause; thanks for our checking is no term of the act. And an order named in passing
("my previous order already has what I need") is no request about that order. Sentences written after the fix, beside
the reviewer's.
"""

from __future__ import annotations

import pytest

from graph.llm.dialogue.proposal_facts import turns_down
from graph.nlu.confirmation import gives_a_yes, holds_back
from shop.db import session_factory
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import talk

# Tau-bench customers whose orders fit: one pending order to cancel; a delivered order of two items to return; a
# customer with two pending orders, the first asked about.
CANCELLER, PENDING = "ethan_lopez_6291", "#W6779827"
RETURNER, DELIVERED = "aarav_nguyen_7344", "#W7728728"
TWO_ORDERS, IN_HAND, OTHER = "aarav_lee_1982", "#W3586556", "#W3361211"


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("Yes, I understand. I don't want it cancelled.", "cancel_order"),
        ("ok thanks. I don't need it cancelled", "cancel_order"),
        ("alright, I don't need the order cancelled after all", "cancel_order"),
        ("yes, I appreciate you doing it after Friday", "cancel_order"),
        ("sure, thank you for handling it once my parcel is back", "cancel_order"),
        ("yes, but I don't want the hiking boots returned, only the earbuds", "return_items"),
        ("ok. I don't want them returned anymore", "return_items"),
        ("sure. I don't want the refund on paypal", "return_items"),
        ("ok, I don't want the earbuds sent back", "return_items"),
        ("ja, ich will sie nicht mehr zurückschicken", "return_items"),
    ],
)
def test_what_is_not_wanted_of_the_thing_holds_the_yes_back(reply: str, action: str) -> None:
    assert holds_back(reply, action) or turns_down(reply, action), reply
    assert not gives_a_yes(reply, action) or holds_back(reply, action), reply


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("yes, I don't need it anymore", "cancel_order"),
        ("go ahead please, I really don't want them any longer", "return_items"),
        ("yes, I don't want it because I found it cheaper", "cancel_order"),
        ("yes - I appreciate you checking first", "cancel_order"),
        ("yes, thanks for double checking before you do it", "return_items"),
        ("ja, danke fürs Nachfragen, ich brauche es nicht mehr", "cancel_order"),
    ],
)
def test_a_reason_or_thanks_for_checking_beside_the_yes_still_confirms(reply: str, action: str) -> None:
    assert gives_a_yes(reply, action) and not holds_back(reply, action) and not turns_down(reply, action), reply


def _status(settings: Settings, order_id: str) -> OrderStatus:
    with session_factory(settings.shop_database_url)() as session:
        order = session.get(Order, order_id)
        assert order is not None
        return order.status


@pytest.mark.parametrize(
    "reply",
    ["ok. I don't want the order cancelled", "yes, thank you for doing it after the weekend"],
)
async def test_a_cancellation_refused_in_its_own_words_is_not_written(tau_app: Settings, reply: str) -> None:
    async with talk(tau_app, "refuse", CANCELLER) as customer:
        proposed = await customer.say(f"please cancel order {PENDING}, I ordered it by mistake")
        assert proposed.status == "awaiting_confirmation", proposed.text
        await customer.say(reply)
    assert _status(tau_app, PENDING) is OrderStatus.pending


@pytest.mark.parametrize(
    "reply",
    ["yes, but I don't want the hiking boots returned, only the earbuds", "sure. I don't want the refund on paypal"],
)
async def test_a_return_refused_in_its_own_words_is_not_written(tau_app: Settings, reply: str) -> None:
    async with talk(tau_app, "refuse", RETURNER) as customer:
        proposed = await customer.say(f"I want to return the wireless earbuds and the hiking boots from {DELIVERED}")
        if proposed.status != "awaiting_confirmation":
            proposed = await customer.say("refund to paypal please")
        assert proposed.status == "awaiting_confirmation", proposed.text
        await customer.say(reply)
    assert _status(tau_app, DELIVERED) is OrderStatus.delivered


@pytest.mark.parametrize(
    "request_",
    [
        "Ok cancel this one, I ordered by mistake - my previous order already has what I need",
        "please cancel it, my older order already covers this",
    ],
)
async def test_another_order_named_in_the_reason_leaves_the_order_in_hand_meant(
    tau_app: Settings, request_: str
) -> None:
    async with talk(tau_app, "passing", TWO_ORDERS) as customer:
        await customer.say(f"what's the status of {IN_HAND}?")
        proposed = await customer.say(request_)
        assert IN_HAND in proposed.text and OTHER not in proposed.text, proposed.text
        if proposed.status != "awaiting_confirmation":  # asked why: the request has no reason of its own
            proposed = await customer.say("no longer needed")
        assert proposed.status == "awaiting_confirmation", proposed.text
        assert IN_HAND in proposed.text and OTHER not in proposed.text, proposed.text
        await customer.say("yes")
    assert _status(tau_app, IN_HAND) is OrderStatus.cancelled
    assert _status(tau_app, OTHER) is OrderStatus.pending


async def test_another_order_named_in_the_reason_is_never_proposed_instead(tau_app: Settings) -> None:
    """ "A duplicate of my earlier order" is read as a thing to find among their orders (they are asked which order):
    clumsy, but the other order is not proposed."""
    async with talk(tau_app, "passing", TWO_ORDERS) as customer:
        await customer.say(f"what's the status of {IN_HAND}?")
        replied = await customer.say("cancel it please, it's a duplicate of my earlier order")
        pending = (await customer.values()).get("pending_action") or {}
    assert (pending.get("args") or {}).get("order_id") != OTHER, replied.text
    assert _status(tau_app, OTHER) is OrderStatus.pending


@pytest.mark.parametrize(
    "request_",
    [
        "just cancel it, it's a copy of the earlier order",
        "please cancel it - same thing as my older order",
    ],
)
async def test_the_act_said_of_it_stays_with_the_order_in_hand(tau_app: Settings, request_: str) -> None:
    """The order in hand is cancelled when the act is said of "it", whatever other order its reason compares it with."""
    async with talk(tau_app, "of-it", TWO_ORDERS) as customer:
        await customer.say(f"what's the status of {IN_HAND}?")
        replied = await customer.say(request_)
        pending = (await customer.values()).get("pending_action") or {}
    assert (pending.get("args") or {}).get("order_id") != OTHER, replied.text
    assert IN_HAND in replied.text and OTHER not in replied.text, replied.text

"""Dropping a request while the bot lists the variants to choose from (dialogue friction, class 2).

Played customers said "actually no, leave it" or "I'll just keep what I have" when the options were listed, and the
bot listed them again. A drop is read by its families (giving up, keeping what one has, refusing every choice), not
by phrases; an option said with it ("keep it black but taller") still answers the question. Sentences written after
the change.
"""

from __future__ import annotations

from typing import Any

import pytest

from shop.db import session_factory
from shop.models import OrderStatus, Product
from shopdesk.settings import Settings
from tests.support.people import conversation, people, say


def _exchangeable(db_url: str) -> tuple[Any, Any, Any]:
    """A customer with a delivered order holding one unit of an item that comes in several other variants."""
    with session_factory(db_url)() as session:
        for person in people(db_url):
            for order in person.orders:
                if order.status is not OrderStatus.delivered:
                    continue
                for item in order.items:
                    product = session.get(Product, item.product_id)
                    assert product is not None
                    alone = [i.name for i in order.items].count(item.name) == 1
                    if alone and len([v for v in product.variants if v.available]) >= 3:
                        return person, order, item
    raise AssertionError("no delivered item with other variants")


@pytest.mark.parametrize("drop", ["nah, let's just leave it as it is", "hmm, I'm fine with the one I've got"])
async def test_a_drop_in_the_option_picker_ends_the_request(tau_app: Settings, drop: str) -> None:
    person, order, item = _exchangeable(tau_app.shop_database_url)
    async with conversation(tau_app) as (chat, _):
        listed = await say(chat, "picker", f"{person.email} - can I swap the {item.name.lower()} from {order.id}?")
        assert "Which one would you like" in listed.text, listed.text
        dropped = await say(chat, "picker", drop)
    assert "Which one would you like" not in dropped.text, dropped.text
    assert "anything else" in dropped.text, dropped.text
    assert dropped.status != "awaiting_confirmation", dropped.text

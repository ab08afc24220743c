"""Routine questions answered right through the real graph: the shop's own address is not a leak."""

from __future__ import annotations

from graph.context import Context
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings


async def test_the_shops_own_email_address_is_quoted_not_handed_off(app: Settings) -> None:
    async with open_graph(app) as graph:
        turn = await Conversations(graph).send("delete-1", "How do I delete my account?", Context())
    assert turn.status == "bot" and turn.interrupt is None, turn.interrupt
    assert "orders@northwind.example" in turn.text and "Delete account" in turn.text, turn.text
    assert any(i.startswith("privacy-accounts#") or i.startswith("faq#") for i in turn.replies[-1]["evidence_ids"])

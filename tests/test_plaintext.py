"""A terminal shows the bot's Markdown subset as plain text, losing nothing the customer needs."""

from __future__ import annotations

import pytest

from shopdesk.chat import _show
from shopdesk.conversations import Turn
from shopdesk.plaintext import as_plain_text


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        ("Your order is **shipped** with **UPS**.", "Your order is shipped with UPS."),
        (
            "Start it on [our returns page](https://shop.example/returns).",
            "Start it on our returns page (https://shop.example/returns).",
        ),
        ("Write to [help@shop.example](mailto:help@shop.example).", "Write to help@shop.example."),
        ("- **Hiking Shoe**, size US 9\n- Rain Jacket", "- Hiking Shoe, size US 9\n- Rain Jacket"),
        # Not the subset: left as written.
        ("Rated 5* by 2 * 3 customers", "Rated 5* by 2 * 3 customers"),
        ("[a link](javascript:alert(1))", "[a link](javascript:alert(1))"),
        ("Nothing to render.", "Nothing to render."),
    ],
)
def test_the_widgets_markdown_subset_reads_as_plain_text(reply: str, shown: str) -> None:
    assert as_plain_text(reply) == shown


def test_the_terminal_chat_prints_replies_without_emphasis_marks(capsys: pytest.CaptureFixture[str]) -> None:
    _show(Turn("t-1", [{"author": "bot", "text": "It is **delivered**.", "evidence_ids": []}], status="answered"))
    assert "bot> It is delivered." in capsys.readouterr().out

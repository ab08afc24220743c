"""A payment method named to be left out is not the one chosen (dialogue friction, class 4).

Played customers wrote "skip the visa" or "anything but PayPal", and the visa was read as the method chosen. The
words that leave a method out are read as a family (skipping, avoiding, excluding, going without, leaving it out of
it, "ohne"), before or after the method; a method chosen beside one left out is the one chosen. Sentences written
after the change.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "mention", "refused"),
    [
        ("please avoid my amex for this one", None, [{"kind": "credit_card", "brand": "amex"}]),
        ("skip paypal and use the gift card", {"kind": "gift_card"}, [{"kind": "paypal"}]),
        ("excluding the mastercard, whatever you like", None, [{"kind": "credit_card", "brand": "mastercard"}]),
        ("can we do it without paypal?", None, [{"kind": "paypal"}]),
        ("keep the visa out of it please", None, [{"kind": "credit_card", "brand": "visa"}]),
        ("ditch the gift card, charge my visa", {"kind": "credit_card", "brand": "visa"}, [{"kind": "gift_card"}]),
        ("don't bill my mastercard", None, [{"kind": "credit_card", "brand": "mastercard"}]),
        ("bitte ohne Geschenkkarte", None, [{"kind": "gift_card"}]),
        # Chosen, not left out.
        ("charge it to my visa", {"kind": "credit_card", "brand": "visa"}, []),
        ("I'd check out with paypal", {"kind": "paypal"}, []),
        ("put it on the gift card, thanks", {"kind": "gift_card"}, []),
    ],
)
def test_a_method_left_out_is_not_chosen(
    text: str, mention: dict[str, str] | None, refused: list[dict[str, str]]
) -> None:
    from graph.llm.matching import payment_mention, refused_methods

    assert payment_mention(text) == mention
    assert payment_mention(text, asked=True) == mention
    assert refused_methods(text) == refused

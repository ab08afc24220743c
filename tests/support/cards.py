"""A card number nobody used before, and where it could be found on disk afterwards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from shopdesk.pii import luhn_valid


@dataclass(frozen=True)
class Card:
    digits: str

    @property
    def typed(self) -> str:
        """As a customer types it, in groups of four."""
        return " ".join(self.digits[i : i + 4] for i in range(0, len(self.digits), 4))

    @property
    def masked(self) -> str:
        return f"[card ending {self.digits[-4:]}]"

    @property
    def traces(self) -> tuple[bytes, ...]:
        """What would betray the number in stored bytes: the first twelve digits (the masked form keeps only the
        last four), grouped or not."""
        head = self.digits[:12]
        return head.encode(), " ".join(head[i : i + 4] for i in range(0, 12, 4)).encode()


def fresh_card() -> Card:
    """A Luhn-valid 16-digit number, random per call: a trace on disk is this run's, not an earlier run's."""
    head = "4" + "".join(secrets.choice("0123456789") for _ in range(14))
    digits = next(head + check for check in "0123456789" if luhn_valid(head + check))
    return Card(digits)


def files_holding(card: Card, *roots: Path) -> list[Path]:
    """Every file under the roots whose bytes hold a trace of the card."""
    return [
        path
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file() and any(trace in path.read_bytes() for trace in card.traces)
    ]

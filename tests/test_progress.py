"""Progress bars are for a person at a terminal; a log gets the one-line messages only."""

from __future__ import annotations

import io

import pytest

from shopdesk.progress import stage_bars


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def seed_like(description: str) -> None:
    with stage_bars(description) as report:
        for stage, total in (("catalog", 3), ("orders", 5)):
            for done in range(1, total + 1):
                report(stage, done, total)


def test_a_terminal_gets_one_bar_per_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    seed_like("Seeding demo shop")
    drawn = screen.getvalue()
    assert "Seeding demo shop: catalog" in drawn and "Seeding demo shop: orders" in drawn and "%|" in drawn


def test_a_log_gets_no_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    log = io.StringIO()  # not a terminal, like a file or a pipe
    monkeypatch.setattr("sys.stderr", log)
    seed_like("Seeding demo shop")
    assert log.getvalue() == ""

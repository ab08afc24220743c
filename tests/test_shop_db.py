"""The shop database handle: one engine and pool per URL for the whole process."""

from __future__ import annotations

from pathlib import Path

from shop.db import engine_for, session_factory


def test_one_engine_per_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    # A new engine per call would mean a new pool per query, and connections a dispose() never reaches.
    assert engine_for(url) is engine_for(url)
    assert session_factory(url).kw["bind"] is engine_for(url)
    assert session_factory(url) is session_factory(url)
    assert engine_for(f"sqlite:///{tmp_path / 'other.db'}") is not engine_for(url)

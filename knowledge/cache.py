"""Where derived files that any process may rebuild live: exported models, embedded banks, fitted weights."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """``$XDG_CACHE_HOME/shopdesk/<kind>`` (``~/.cache/shopdesk/<kind>``); not created here."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shopdesk" / kind

"""The local analyser as the escalation and emotion tests call it: text in, understanding out."""

from __future__ import annotations

from collections.abc import Callable

from graph.nlu.schema import Understanding

Analyse = Callable[[str], Understanding]

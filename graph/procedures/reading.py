"""Which of a shop's own procedures a message starts, by its example sentences (graph.nlu.classifier.ExtraExamples).

Only procedures a shop declares or changes with examples take part: the built-in ones are started by the intent
model's intents, so a shop without procedures of its own pays nothing here.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from graph.nlu.classifier import ExtraExamples
from graph.procedures.loader import ProcedureSet

_lock = threading.Lock()


def procedure_reading(text: str, procedures: ProcedureSet) -> str | None:
    """The shop procedure the message is closest to in meaning (see ExtraExamples.read), or None."""
    examples = procedures.examples()
    if not examples or not text.strip():
        return None
    return _reader(tuple(examples)).read(text)


def _reader(examples: tuple[tuple[str, str], ...]) -> ExtraExamples:
    with _lock:  # concurrent first turns would each embed the examples
        return _cached_reader(examples)


@lru_cache(maxsize=16)
def _cached_reader(examples: tuple[tuple[str, str], ...]) -> ExtraExamples:
    from graph.nlu.local import get_local_understanding

    return ExtraExamples(get_local_understanding().classifier, examples)

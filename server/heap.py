"""Garbage-collector settings for a long-running server process.

After warm-up a worker holds a few hundred thousand long-lived objects (models, the knowledge mirror, compiled
graphs, imported modules). With CPython's default thresholds, every full collection walks all of them again: on the
load benchmark that was about 1.3 ms of CPU per turn and a 100-160 ms pause every few dozen turns, all of it on the
event loop. Freezing what exists after warm-up takes it out of every later collection, and a larger young-generation
threshold lets most short-lived cycles of a turn (request objects, graph tasks) die in far fewer, still short,
collections (0.2 ms per turn and pauses near 10 ms on the same benchmark).
"""

from __future__ import annotations

import gc

# Allocations (minus deallocations) between young-generation collections; CPython's default is 700.
YOUNG_THRESHOLD = 10_000
# How many young collections make a middle one, and middle ones a full one (CPython's defaults are 10 and 10).
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 10


def settle_after_warm_up() -> int:
    """Collect what warm-up left behind, freeze the survivors and raise the thresholds; returns the frozen count.

    Call it once per process, after warm-up and before serving. Frozen objects are never collected, which is right
    for what a server keeps for its lifetime; the collection first means warm-up's garbage is not frozen with them.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
    return gc.get_freeze_count()

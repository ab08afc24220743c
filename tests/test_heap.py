"""The server's garbage-collector settings, checked in a fresh interpreter (they are process-wide)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import gc, json, weakref
from server.heap import YOUNG_THRESHOLD, settle_after_warm_up

class Node:
    pass

# Warm-up garbage in a cycle: it must be collected, not frozen for the life of the process.
a, b = Node(), Node()
a.other, b.other = b, a
dead = weakref.ref(a)
del a, b
kept = [Node() for _ in range(100)]
frozen = settle_after_warm_up()
print(json.dumps({
    "frozen": frozen,
    "garbage_collected": dead() is None,
    "threshold": gc.get_threshold(),
    "young_threshold": YOUNG_THRESHOLD,
    "still_tracked_young": sum(1 for o in gc.get_objects(0) if isinstance(o, Node)),
}))
"""


def test_settling_collects_warm_up_garbage_freezes_the_rest_and_raises_the_young_threshold() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    assert result["garbage_collected"]
    assert result["frozen"] > 1000  # the interpreter's and our modules' objects, and the 100 kept nodes
    assert result["threshold"][0] == result["young_threshold"] > 700
    # Frozen objects left every generation: later collections no longer walk them.
    assert result["still_tracked_young"] == 0

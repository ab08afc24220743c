"""What the commands tell a person while they work: one-line messages always, progress bars only on a terminal.

In a log (`make run > log`, CI, a service manager) a tqdm bar is redrawn into the file at every step: one first run
wrote 370 KB of bars around a dozen useful lines. The messages before and after each long step say all a log needs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# (stage, done, total), as shop.seed and shop.taubench report it.
Progress = Callable[[str, int, int], None]


def say(message: str) -> None:
    print(f"[shopdesk] {message}", file=sys.stderr, flush=True)


def shows_progress() -> bool:
    """Bars go to stderr; draw them only where a person watches it redraw in place."""
    return sys.stderr.isatty()


def _ignore(stage: str, done: int, total: int) -> None:
    return None


@contextmanager
def stage_bars(description: str) -> Iterator[Progress]:
    """A progress callback drawing one bar per stage (catalog, customers, orders...) on a terminal; elsewhere it
    does nothing."""
    if not shows_progress():
        yield _ignore
        return
    from tqdm import tqdm  # only where a bar is drawn

    current: list[tuple[str, tqdm]] = []

    def report(stage: str, done: int, total: int) -> None:
        if not current or current[0][0] != stage:
            for _, bar in current:
                bar.close()
            current[:] = [(stage, tqdm(total=total, desc=f"{description}: {stage}", unit="step", leave=False))]
        bar = current[0][1]
        bar.update(done - bar.n)

    try:
        yield report
    finally:
        for _, bar in current:
            bar.close()

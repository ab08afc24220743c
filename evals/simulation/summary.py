"""``python -m evals simulate-summary runs/``: every run under a folder, one line each, and the totals a report
needs: pass rate over the scored runs with the number of runs and distinct tasks, handoffs, writes not in the gold.
A run that was not ended is listed but not counted: a pass rate over unfinished runs would mean nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evals.simulation.folder import RUN_FILE, RunFolder


def find_runs(root: Path) -> list[RunFolder]:
    """The run folders at or below ``root``, in path order."""
    return [RunFolder.load(path.parent) for path in sorted(root.rglob(RUN_FILE))]


@dataclass
class Summary:
    rows: list[tuple[str, ...]] = field(default_factory=list)
    scored: int = 0
    passed: int = 0
    tasks: set[str] = field(default_factory=set)
    handoffs: int = 0
    writes_not_in_gold: int = 0
    runs_with_writes_not_in_gold: int = 0
    unfinished: int = 0

    @property
    def pass_rate(self) -> float:
        return self.passed / self.scored if self.scored else 0.0

    def lines(self) -> list[str]:
        header = ("run", "task", "player", "result", "messages", "ended", "writes not in gold")
        table = [header, *self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        out = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in table]
        out.append(
            f"passed {self.passed}/{self.scored} scored runs ({self.pass_rate:.2f}) over {len(self.tasks)} task(s); "
            f"handoffs {self.handoffs}; writes not in the gold {self.writes_not_in_gold} "
            f"(in {self.runs_with_writes_not_in_gold} run(s)); not ended {self.unfinished}"
        )
        return out


def summarise(runs: list[RunFolder], root: Path) -> Summary:
    summary = Summary()
    for run in runs:
        state, result = run.state, run.state.result
        where = str(run.path.relative_to(root)) if run.path != root else str(run.path)
        if result is None:
            summary.unfinished += 1
            row = (where, state.label, state.player, "-", str(state.messages), "(not ended)", "-")
        else:
            summary.scored += 1
            summary.passed += bool(result["passed"])
            summary.tasks.add(state.label)
            summary.handoffs += state.ended == "handoff"
            summary.writes_not_in_gold += int(result["writes_not_in_gold"])
            summary.runs_with_writes_not_in_gold += result["writes_not_in_gold"] > 0
            verdict = "PASS" if result["passed"] else "FAIL"
            writes = str(result["writes_not_in_gold"])
            row = (where, state.label, state.player, verdict, str(state.messages), str(state.ended), writes)
        summary.rows.append(row)
    return summary

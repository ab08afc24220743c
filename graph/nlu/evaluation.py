"""Scoring the understanding layer on the labelled intent sets (evals/datasets/intents_{dev,test}.jsonl).

Shared by the benchmark, the calibration fit and the regression tests, so all three count the same way.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.local import LocalUnderstanding
from graph.nlu.schema import Intent, Understanding

DATASETS_DIR = Path(__file__).resolve().parents[2] / "evals" / "datasets"


class Expected(BaseModel):
    intent: Intent
    escalate: bool


class Case(BaseModel):
    id: str
    turns: list[str]
    expected: Expected
    style: str = ""


def load_cases(split: str) -> list[Case]:
    """The cases of one split ("dev" or "test")."""
    path = DATASETS_DIR / f"intents_{split}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Case.model_validate_json(line) for line in lines if line.strip()]


@dataclass
class Outcome:
    case: Case
    understanding: Understanding
    escalate: bool
    latency_ms: float


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        hits = sum(o.understanding.intent == o.case.expected.intent for o in self.outcomes)
        return hits / max(1, len(self.outcomes))

    @property
    def escalation_recall(self) -> float:
        must = [o for o in self.outcomes if o.case.expected.escalate]
        return sum(o.escalate for o in must) / max(1, len(must))

    @property
    def false_escalation_rate(self) -> float:
        must_not = [o for o in self.outcomes if not o.case.expected.escalate]
        return sum(o.escalate for o in must_not) / max(1, len(must_not))

    def latency_percentile(self, q: float) -> float:
        latencies = sorted(o.latency_ms for o in self.outcomes)
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))]

    def errors(self) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if o.understanding.intent != o.case.expected.intent or o.escalate != o.case.expected.escalate
        ]

    def summary(self) -> dict[str, float]:
        return {
            "cases": float(len(self.outcomes)),
            "intent_accuracy": round(self.intent_accuracy, 4),
            "escalation_recall": round(self.escalation_recall, 4),
            "false_escalation_rate": round(self.false_escalation_rate, 4),
            "latency_p50_ms": round(self.latency_percentile(0.5), 2),
            "latency_p95_ms": round(self.latency_percentile(0.95), 2),
        }


def evaluate(
    analyser: LocalUnderstanding,
    cases: Sequence[Case],
    policy: EscalationPolicy | None = None,
    facts: ConversationFacts | None = None,
) -> Report:
    """Run every case through the analyser and the policy (default policy, team available, no other facts)."""
    policy = policy or EscalationPolicy()
    facts = facts or ConversationFacts(business_hours_open=True)
    report = Report()
    for case in cases:
        start = time.perf_counter()
        understanding = analyser.analyse(case.turns[-1], history=case.turns[:-1])
        elapsed = (time.perf_counter() - start) * 1000
        decision = decide_escalation(understanding, policy, facts)
        report.outcomes.append(Outcome(case, understanding, decision.escalate, elapsed))
    return report


def dump_errors(report: Report) -> str:
    """One line per wrong case, for tuning on the dev split."""
    lines = []
    for o in report.errors():
        u = o.understanding
        lines.append(
            json.dumps(
                {
                    "text": o.case.turns[-1],
                    "expected": o.case.expected.model_dump(),
                    "got": {"intent": u.intent, "confidence": u.confidence, "escalate": o.escalate},
                    "emotion": u.emotion.model_dump(exclude={"sentiment"}),
                    "keywords": u.critical_keywords,
                    "human": u.human_requested,
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines)

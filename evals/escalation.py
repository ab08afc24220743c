"""Score the escalation policy on labelled messages and conversations (format: evals/README.md, "Escalation sets").

    python -m evals escalation evals/datasets/escalation_dev.jsonl [MORE.jsonl ...] [--errors] [--json]

Every customer turn with an `escalate` label is run through the local analyser (with the customer's earlier turns as
history) and the shop's escalation policy (default policy, team available), with what the bot said before it: a
"yes" right after the bot offered a colleague accepts the offer, and the clarifying questions the policy asks are
counted as in the graph. Once a person rightly takes over, the rest of that conversation is theirs and not scored.

Prints recall on must-escalate turns, the false-escalation rate on the others, handoffs on benign turns of
multi-turn conversations, and how the emotion scores read calm and upset messages; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, model_validator

TARGETS = {"recall": 0.98, "false_escalation_rate": 0.02, "multi_turn_benign_handoffs": 0}
# Classes of the calm side whose emotion scores must read calm, and of the upset side that must read upset.
CALM_CLASSES = frozenset({"thanks", "calm_followup", "correction", "polite_no", "change_of_mind", "answer"})
UPSET_CLASSES = frozenset({"upset", "sarcasm"})
# Below this, a summary calls the customer calm and no reply opens with an apology for their frustration.
CALM_BELOW = 0.3


class Turn(BaseModel):
    role: Literal["customer", "bot"]
    text: str
    escalate: bool | None = None
    # What kind of message it is (thanks, correction, polite_no, upset, sarcasm, complaint ...): for the breakdown.
    # Lower case, free-form; README lists the ones the sets use.
    cls: str = ""

    @model_validator(mode="before")
    @classmethod
    def _class_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "class" in data:
            data = {**data, "cls": data["class"]}
            del data["class"]
        return data


class Case(BaseModel):
    id: str
    lang: str = "en"
    turns: list[Turn]


@dataclass
class Scored:
    case_id: str
    lang: str
    cls: str
    text: str
    expected: bool
    got: bool
    multi_turn: bool
    reasons: list[str]
    evidence: list[dict[str, Any]]
    emotion: dict[str, float]
    history: list[str] = field(default_factory=list)


def load(paths: list[Path]) -> list[Case]:
    cases: list[Case] = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                cases.append(Case.model_validate_json(line))
            except ValidationError as error:
                raise SystemExit(f"{path}:{number}: not an escalation case: {error}") from error
    return cases


def score(cases: list[Case]) -> list[Scored]:
    from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation, offers_a_person
    from graph.nlu.local import get_local_understanding

    analyser = get_local_understanding()
    policy = EscalationPolicy()
    out: list[Scored] = []
    for case in cases:
        multi = sum(turn.role == "customer" for turn in case.turns) > 1
        history: list[str] = []
        last_bot = ""
        clarifications = 0
        for turn in case.turns:
            if turn.role == "bot":
                last_bot = turn.text
                continue
            understanding = analyser.analyse(turn.text, history)
            facts = ConversationFacts(
                clarifications_asked=clarifications,
                person_offered=offers_a_person(last_bot),
                answers_our_question=last_bot.rstrip().endswith("?"),
                language=understanding.language,
            )
            decision = decide_escalation(understanding, policy, facts)
            # As in the gate: an unclear message adds the question it gets; one understood starts the count afresh.
            unclear = decision.clarify or "low_confidence" in decision.reasons
            clarifications = clarifications + decision.clarify if unclear else 0
            if turn.escalate is not None:
                emotion = understanding.emotion
                out.append(
                    Scored(
                        case.id,
                        case.lang,
                        turn.cls or "unlabelled",
                        turn.text,
                        turn.escalate,
                        decision.escalate,
                        multi,
                        list(decision.reasons),
                        [t.model_dump() for t in decision.evidence],
                        {"anger": emotion.anger, "frustration": emotion.frustration, "sarcasm": emotion.sarcasm},
                        list(history),
                    )
                )
            if decision.escalate and turn.escalate:
                break  # a person has the conversation now
            history.append(turn.text)
            last_bot = ""
    return out


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def summarise(results: list[Scored], cases: list[Case]) -> dict[str, Any]:
    must = [r for r in results if r.expected]
    must_not = [r for r in results if not r.expected]
    multi_benign = [r for r in must_not if r.multi_turn]
    calm = [r for r in results if r.cls in CALM_CLASSES]
    upset = [r for r in results if r.cls in UPSET_CLASSES]
    by_class: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "escalated": 0})
    for r in results:
        by_class[r.cls]["n"] += 1
        by_class[r.cls]["escalated"] += r.got
    langs = Counter(r.lang for r in results)
    return {
        "labelled_turns": len(results),
        "cases": len(cases),
        "multi_turn_conversations": sum(sum(t.role == "customer" for t in c.turns) > 1 for c in cases),
        "languages": dict(langs),
        "must_escalate": len(must),
        "recall": _rate(sum(r.got for r in must), len(must)),
        "must_not_escalate": len(must_not),
        "false_escalation_rate": _rate(sum(r.got for r in must_not), len(must_not)),
        "multi_turn_benign_turns": len(multi_benign),
        "multi_turn_benign_handoffs": sum(r.got for r in multi_benign),
        "emotion": {
            "calm_messages": len(calm),
            "calm_read_as_upset": sum(max(r.emotion.values()) >= CALM_BELOW for r in calm),
            "upset_messages": len(upset),
            "upset_read_at_threshold": sum(max(r.emotion.values()) >= 0.6 for r in upset),
        },
        "by_class": {name: dict(counts) for name, counts in sorted(by_class.items())},
    }


def missed_targets(summary: dict[str, Any]) -> dict[str, str]:
    missed = {}
    if summary["recall"] < TARGETS["recall"]:
        missed["recall"] = f"{summary['recall']} (target >= {TARGETS['recall']})"
    if summary["false_escalation_rate"] > TARGETS["false_escalation_rate"]:
        missed["false_escalation_rate"] = (
            f"{summary['false_escalation_rate']} (target <= {TARGETS['false_escalation_rate']})"
        )
    if summary["multi_turn_benign_handoffs"] > TARGETS["multi_turn_benign_handoffs"]:
        missed["multi_turn_benign_handoffs"] = f"{summary['multi_turn_benign_handoffs']} (target 0)"
    return missed


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("escalation", help="score the escalation policy on labelled messages")
    parser.add_argument("files", nargs="+", type=Path, help="escalation sets (JSONL, see evals/README.md)")
    parser.add_argument("--errors", action="store_true", help="print every wrong decision")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON only")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    cases = load(list(args.files))
    results = score(cases)
    summary = summarise(results, cases)
    if args.errors:
        for r in results:
            if r.got != r.expected:
                line = {"id": r.case_id, "class": r.cls, "expected": r.expected, "got": r.got, "text": r.text}
                line |= {"reasons": r.reasons, "emotion": r.emotion}
                print(json.dumps(line, ensure_ascii=False))
    print(json.dumps(summary, indent=None if args.json else 2, ensure_ascii=False))
    missed = missed_targets(summary)
    if not args.json:
        print("targets met" if not missed else f"targets missed: {missed}")
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.escalation", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_parser(subparsers)
    args = parser.parse_args(["escalation", *(sys.argv[1:] if argv is None else argv)])
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())

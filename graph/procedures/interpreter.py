"""Running a procedure for one step of a turn: ground its slots in order, run its reads, then end as declared.

Each slot is grounded by a kind registered in Python (graph.llm.dialogue.groundings.GROUNDINGS). A kind either grounds
its slot (the value goes to ``Run.values`` for the reads and the end to use) or completes the turn's plan: a read to
run first, a question to ask, or a notice that rules the request out. The plan is the dialogue's
(graph.llm.dialogue.plan.Plan); the interpreter only fills it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.procedures.loader import ProcedureSet
from graph.procedures.schema import DEFAULT_ASKS, Argument, Constant, End, Procedure, Slot

if TYPE_CHECKING:
    from graph.llm.dialogue.plan import Plan, ToolResult
    from graph.state import SupportState
    from shopdesk.profile import ShopProfile


@dataclass
class Run:
    """One procedure's step in this turn: what the dialogue knows, and what its slots grounded so far."""

    plan: Plan
    state: SupportState
    results: list[ToolResult]
    profile: ShopProfile | None
    procedures: ProcedureSet
    procedure: Procedure
    # This turn's read of a tool: its result, or None after adding the read to the plan.
    read: Callable[[str, dict[str, Any]], ToolResult | None]
    text: str
    values: dict[str, Any] = field(default_factory=dict)
    # The order in hand, once a slot grounded it (a write's tool may depend on its status).
    order: dict[str, Any] | None = None

    def ask(self, slot: Slot) -> None:
        """Ask for the slot: by its question's code (the kind's usual question unless the declaration names one),
        or, for a question only the declaration words, by the slot's own code."""
        self.plan.awaiting = ask_code(self.procedure, slot)

    def resolve(self, reference: Argument) -> Any:
        """A grounded value ("order.order_id"), a remembered slot, the customer ("customer.first_name"), a literal."""
        if isinstance(reference, Constant):
            return reference.value
        head, *path = reference.split(".")
        if head in self.values:
            value: Any = self.values[head]
        elif head == "customer":
            customer = dict(self.state.customer or {})
            value = {**customer, "first_name": str(customer.get("name") or "").split(" ")[0]}
        else:
            value = self.plan.slots.get(head)
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        return value


# A slot's grounding: True when grounded, False when the plan for this turn is complete (read, question, notice).
Grounding = Callable[[Run, Slot], bool]


def ask_code(procedure: Procedure, slot: Slot) -> str:
    """The awaited-slot code the dialogue remembers while it waits for this slot."""
    return slot.ask or DEFAULT_ASKS.get(slot.ground) or custom_code(procedure.name, slot.name)


def custom_code(procedure: str, slot: str) -> str:
    """The awaited-slot code of a question worded in a declaration (not one the dialogue words by code)."""
    return f"{procedure}.{slot}"


def split_code(code: str) -> tuple[str, str] | None:
    procedure, dot, slot = code.partition(".")
    return (procedure, slot) if dot else None


def run_procedure(run: Run, groundings: dict[str, Grounding]) -> Plan:
    for slot in run.procedure.slots:
        if not groundings[slot.ground](run, slot):
            return run.plan
    waiting = False
    for read in run.procedure.reads:
        args = {name: run.resolve(value) for name, value in read.args.items()}
        waiting |= run.read(read.tool, args) is None
    if waiting:
        return run.plan
    return _end(run, run.procedure.end, groundings)


def _end(run: Run, end: End, groundings: dict[str, Grounding]) -> Plan:
    plan = run.plan
    if end.write is not None:
        order = run.order or {}
        tool = end.write.tool or end.write.tool_by_status.get(str(order.get("status")))
        if tool is not None:
            args = {name: run.resolve(value) for name, value in end.write.args.items()}
            plan.write = {"name": tool, "args": {name: value for name, value in args.items() if value is not None}}
    elif end.answer is not None:
        if end.answer.notice:
            facts = {name: run.resolve(value) for name, value in end.answer.facts.items()}
            plan.notice = {"code": end.answer.notice, **facts}
        if end.answer.ask:
            plan.awaiting = end.answer.ask
    elif end.handoff is not None:
        refs = end.handoff.packet or [slot.name for slot in run.procedure.slots]
        plan.handoff = {
            "reason": end.handoff.reason,
            "message": end.handoff.message,
            "priority": end.handoff.priority,
            "procedure": run.procedure.name,
            "packet": {ref: packet_value(run.resolve(ref)) for ref in refs},
        }
    elif end.switch is not None:
        branch = end.switch.cases.get(str(run.resolve(end.switch.by))) or end.switch.otherwise
        if branch is None:
            return plan
        facts = {name: run.resolve(value) for name, value in branch.facts.items()}
        run.procedure = run.procedures.procedures[branch.procedure]
        plan.intent = run.procedure.name
        run_procedure(run, groundings)
        if branch.notice and plan.awaiting and plan.write is None and plan.notice is None:
            plan.notice = {"code": branch.notice, **facts}
    return plan


def packet_value(value: Any) -> Any:
    """A grounded value as a person reads it in the case: an order by its id and status, an item by its name."""
    if isinstance(value, dict) and "order_id" in value and "items" in value:
        return {"order_id": value.get("order_id"), "status": value.get("status")}
    if isinstance(value, dict) and "item_id" in value:
        return {key: value.get(key) for key in ("item_id", "name", "options") if key in value}
    return value

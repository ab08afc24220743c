"""The procedure format: one routine task as data (what starts it, the slots it fills, the reads, how it ends).

A procedure is a YAML mapping validated by :class:`Procedure`; a file holds a list of them under ``procedures:``.
The format is documented in graph/procedures/README.md. Policy stays in the tools: a procedure only says which
write to propose with which arguments, and the tool refuses what the shop's rules forbid.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

# How a slot is grounded. Each kind is Python (graph.llm.dialogue.groundings registers them): reading the customer's
# words against their own orders, items, variants, payment methods and addresses is code, what to collect is data.
GroundingKind = Literal[
    # One of the customer's orders, found by its id or by what they said about it ("the one with the tablet"),
    # read (its details) and, with `options: {allowed: [...], doing: ...}`, checked to be in an allowed status.
    "order",
    # The order the request is about, known by id or the customer's words; asks when it is not known (no read).
    "listed_order",
    # An order to report on: its details when one is named, else the list of the customer's orders.
    "order_lookup",
    # One item of the order in hand, by its name, type or options in the customer's words; asks listing them.
    "order_item",
    # Items of the order to return: those named (by name, synonym, meaning), or every returnable one.
    "return_items",
    # For each item named, the product's variant closest to the options the customer asked for.
    "target_variants",
    # Where a price difference is charged or refunded: the method named, or the order's original one.
    "difference_payment",
    # A payment method of the customer's other than the one the order is paid with.
    "payment_method",
    # A postal address, parsed from free text; asks for the parts still missing.
    "address",
    # Whose account a change is for, when the customer names someone ("the address of jane@example.com").
    "account_owner",
    # Why an order is cancelled: one of the reasons the cancel tool takes.
    "cancel_reason",
    # A voucher code as typed; before it, the customer's identity when they gave one (personal vouchers).
    "voucher_code",
    # An amount of money the customer named, or the slot's `options.default` capped at the goodwill limit.
    "goodwill_amount",
    # Why a goodwill credit is given (late delivery, damaged packaging...), `options.default` otherwise.
    "goodwill_reason",
    # An amount of money the customer named.
    "amount",
    # What the customer wants done about a faulty item they received: `return` (money back) or `exchange` (a new one
    # or other options of the same product), however they say it.
    "remedy",
    # One of `options.choices`, as the customer words it.
    "choice",
    # Whatever the customer answers when asked, as they said it.
    "free_text",
]
GROUNDING_KINDS: tuple[str, ...] = get_args(GroundingKind)

# The questions graph.llm.responses.ask_for knows how to word (the awaited-slot codes of the dialogue).
AskCode = Literal[
    "identity",
    "stronger_identity",
    "order_id",
    "cancel_reason",
    "address",
    "item",
    "options",
    "payment_method",
    "change_what",
    "voucher_code",
    "remedy",
]
ASK_CODES: tuple[str, ...] = get_args(AskCode)
# The question each grounding kind asks unless a slot names another; kinds not listed need `ask` or `ask_text`, or
# never ask (they have a default). The generic kinds are not listed: worded by the declaration, their question takes
# any answer (an item described in the customer's words is matched by meaning).
DEFAULT_ASKS: dict[str, str] = {
    "order": "order_id",
    "listed_order": "order_id",
    "order_lookup": "order_id",
    "return_items": "item",
    "target_variants": "options",
    "difference_payment": "payment_method",
    "payment_method": "payment_method",
    "address": "address",
    "remedy": "remedy",
    "cancel_reason": "cancel_reason",
    "voucher_code": "voucher_code",
}
NEVER_ASK = frozenset({"account_owner", "goodwill_amount", "goodwill_reason"})
# Kinds that need the order in hand: an earlier slot of the procedure must ground it.
NEEDS_THE_ORDER = frozenset({"order_item", "target_variants", "difference_payment", "payment_method"})
ORDER_KINDS = frozenset({"order", "return_items"})

# An argument of a read or a write: a reference to a grounded value ("order.order_id", "address.city",
# "cancel_reason": a slot's value, or a field of it), or a literal given as {value: ...}.
Reference = str


class _Strict(BaseModel):
    # A misspelt key is an error that names it, not a setting silently ignored.
    model_config = ConfigDict(extra="forbid")


class Constant(_Strict):
    value: Any


Argument = Reference | Constant


class Slot(_Strict):
    """One thing the procedure needs, in the order it is collected."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    ground: GroundingKind
    # How to ask when it is missing: a question the dialogue knows by code, or the wording itself (`ask_text`).
    ask: AskCode | None = None
    ask_text: str | None = None
    # Settings of the grounding kind (an order's allowed statuses, the choices of a choice...).
    options: dict[str, Any] = Field(default_factory=dict)


class Read(_Strict):
    """A read tool run once the slots are grounded; its result is what the reply states."""

    tool: str
    args: dict[str, Argument] = Field(default_factory=dict)


class Write(_Strict):
    """The write proposed to the customer for a yes (the tool checks the shop's rules at preview and at run)."""

    tool: str | None = None
    # The write tool by the status of the order in hand ("pending": modify the items, "delivered": exchange them).
    tool_by_status: dict[str, str] = Field(default_factory=dict)
    # Tool argument -> where its value comes from; an argument whose value is unknown (None) is left out.
    args: dict[str, Argument] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_tool(self) -> Write:
        if bool(self.tool) == bool(self.tool_by_status):
            raise ValueError("give either `tool` or `tool_by_status`")
        return self


class Answer(_Strict):
    """The procedure ends in what the reads found, a notice the dialogue words by code, and/or a question."""

    notice: str | None = None
    facts: dict[str, Argument] = Field(default_factory=dict)
    ask: AskCode | None = None


class Handoff(_Strict):
    """The procedure ends with a person: the reason code, what the customer is told, and what the person gets."""

    reason: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: str
    priority: Literal["low", "normal", "high"] = "normal"
    # The grounded values handed over (references); all of the procedure's slots when not given.
    packet: list[Reference] = Field(default_factory=list)


class Branch(_Strict):
    procedure: str
    # Said only when the procedure branched to asks the customer something (it explains why it asks).
    notice: str | None = None
    facts: dict[str, Argument] = Field(default_factory=dict)


class Switch(_Strict):
    """The procedure continues as another one, chosen by a grounded value (a refund is a return once delivered)."""

    # (`by`, not `on`: YAML reads a bare `on` as true.)
    by: Reference
    cases: dict[str, Branch]
    otherwise: Branch | None = None


class End(_Strict):
    write: Write | None = None
    answer: Answer | None = None
    handoff: Handoff | None = None
    switch: Switch | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> End:
        given = [name for name in ("write", "answer", "handoff", "switch") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"an end is exactly one of write, answer, handoff, switch (got {given or 'none'})")
        return self


class Procedure(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    # The readings of a message that start it (the intent model's intents, or the dialogue's finer readings); the
    # procedure's own name always starts it.
    intents: list[str] = Field(default_factory=list)
    # Sentences customers say to start it: the intent reading matches messages against them by meaning.
    examples: list[str] = Field(default_factory=list)
    # Only for a verified customer: the dialogue verifies them first (any verification the profile accepts).
    verified: bool = True
    enabled: bool = True
    slots: list[Slot] = Field(default_factory=list)
    reads: list[Read] = Field(default_factory=list)
    end: End = Field(default_factory=lambda: End(answer=Answer()))

    @model_validator(mode="after")
    def _slots_consistent(self) -> Procedure:
        names = [slot.name for slot in self.slots]
        if len(set(names)) != len(names):
            raise ValueError(f"slot names repeat: {names}")
        for index, slot in enumerate(self.slots):
            if slot.ground not in DEFAULT_ASKS and slot.ground not in NEVER_ASK and not (slot.ask or slot.ask_text):
                raise ValueError(f"slots.{index} ({slot.name}): a {slot.ground} slot needs `ask` or `ask_text`")
            if slot.ground in NEEDS_THE_ORDER and not any(s.ground in ORDER_KINDS for s in self.slots[:index]):
                raise ValueError(f"slots.{index} ({slot.name}): a {slot.ground} slot needs an order slot before it")
            if slot.ground == "choice" and not slot.options.get("choices"):
                raise ValueError(f"slots.{index} ({slot.name}): a choice slot needs `options: {{choices: [...]}}`")
        return self

    def starts_on(self) -> list[str]:
        return list(dict.fromkeys([self.name, *self.intents]))


class ProcedureFile(_Strict):
    procedures: list[dict[str, Any]]

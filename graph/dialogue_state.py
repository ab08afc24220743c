"""The dialogue's memory from turn to turn: a typed, versioned record with one writer.

Nodes never build the record. They return a :class:`DialogueUpdate` (only the fields they change) under the state's
``dialogue`` key, and :func:`apply_update`, the channel's reducer, is the only code that writes it: it reads what is
stored (migrating a record an older version wrote), applies the update, checks it against the schema and stamps the
version. A reducer rather than a node of its own, because the dialogue moves at several points of one turn (the gate
lets a proposal lapse, the dialogue manager plans, the reply asks a question) and each later step reads the record as
the earlier ones left it.

The record is plain JSON (checkpoints stay readable in Studio and portable between checkpointers). What the gate
decides for this turn only (a correction, a question at a proposal...) is not memory: it is ``SupportState.repair``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, NotRequired

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

# 1: an untyped dict, with the gate's per-turn flags and the plan's hand-off in it. 2: this schema.
DIALOGUE_VERSION: Final = 2


class QueuedRequest(TypedDict):
    """A request the customer made beside the one in hand ("..., and also cancel #W2"), kept for its own turn."""

    # Its procedure's intent as the message read, and the customer's own words for it.
    intent: str
    text: str
    # The order it is for, when the words name several for an act on one order ("cancel #W1 and #W2"): the words
    # are the same for each, the order is not.
    order_id: NotRequired[str]
    # Not a request of its own: the one in hand announced several changes ("a few changes to make to an order"), so
    # once its first change is written the bot asks what else to change on that order before going on to the next.
    more_of_the_order: NotRequired[bool]


class Dialogue(TypedDict, total=False):
    version: int
    # The request in focus, by its procedure's intent ("cancel_order", "change_items"...); None between requests.
    intent: str | None
    # What the dialogue collected and grounded: the order and items in focus, options, address, payment, identity...
    slots: dict[str, Any]
    # The detail the bot asked for last ("identity", "order_id", "confirmation", a shop procedure's question...).
    awaiting: str | None
    # The questions asked since the need last moved on (asking the same one again is a repeated failure).
    asked: list[str]
    # The customer turn that told us something new (another email, a corrected zip): asking again then is progress.
    progress_turn: int | None
    # Something this turn's reply must say that no tool result says ({"code": ..., facts}), and the turn it is for.
    notice: dict[str, Any] | None
    notice_turn: int | None
    # The customer turn whose question was answered at a proposal that keeps waiting: an "ok thanks" on the next
    # turn acknowledges the answer, it is no yes to the proposal.
    answered_turn: int | None
    # The customer's other requests of one message, in their order, each taken up once the one in hand is done.
    queued: list[QueuedRequest]


class DialogueUpdate(Dialogue, total=False):
    """The fields a node changes; the rest of the record stays as it is."""


# What `awaiting` holds while the bot offers to go on with the first queued request.
NEXT_REQUEST: Final = "next_request"

FIELDS: Final = frozenset(Dialogue.__annotations__)
# The fields only the untyped version wrote (the gate's per-turn flags, the plan's hand-off, the progress flag).
VERSION_1_FIELDS: Final = frozenset(
    {"progress", "handoff", "clarify", "correcting", "payment_question", "digression", "cancelled", "offer_person"}
)
_SCHEMA: Final = TypeAdapter(Dialogue)

# Between two requests: nothing in focus, nothing asked, nothing to say. Slots are kept (the order talked about).
BETWEEN_REQUESTS: Final[DialogueUpdate] = {
    "intent": None,
    "awaiting": None,
    "asked": [],
    "progress_turn": None,
    "notice": None,
    "notice_turn": None,
}
# The items the request just done named: the next request names its own ("the second return is from #W2: the
# bottle and the puzzle"), and the old ones must not stand in for items its words do not make out.
DONE_REQUEST_ITEMS: Final = frozenset({"products", "item_hint", "proposed_items", "item_answer", "some_item"})


def between_requests(slots: Mapping[str, Any] | None) -> DialogueUpdate:
    """The update once a request is done: nothing in focus, and of the slots only what is not the done request's
    items (the order talked about stays)."""
    kept = {key: value for key, value in (slots or {}).items() if key not in DONE_REQUEST_ITEMS}
    return {**BETWEEN_REQUESTS, "slots": kept}


def migrate(stored: Mapping[str, Any] | None) -> Dialogue:
    """A stored record as this version reads it. Version 1 kept the gate's per-turn flags and the plan's hand-off in
    the record and a progress flag beside its turn; a conversation checkpointed then resumes with its request, slots
    and open question intact."""
    record = dict(stored or {})
    if record.get("version") == DIALOGUE_VERSION:
        return record  # type: ignore[return-value]
    if "progress" in record and not record.pop("progress"):
        record["progress_turn"] = None
    return {key: value for key, value in record.items() if key in FIELDS}  # type: ignore[return-value]


def apply_update(stored: Dialogue | None, update: DialogueUpdate | None) -> Dialogue:
    """The reducer of ``SupportState.dialogue``: the stored record with the update applied, checked and stamped."""
    record = migrate(stored)
    if not update:
        return record
    stray = set(update) - FIELDS
    if "version" not in update and {"intent", "slots"} <= set(update) and stray and stray <= VERSION_1_FIELDS:
        # A whole record an older version wrote, sent back as the update (a conversation checkpointed before this
        # schema, its state edited in Studio): read as a stored record of that version is. A partial update with a
        # field that is not the dialogue's stays an error.
        update = {key: value for key, value in migrate(update).items() if key != "version"}  # type: ignore[assignment]
    unknown = set(update) - FIELDS
    if unknown:
        raise ValueError(f"not a field of the dialogue state: {sorted(unknown)}")
    merged = {**record, **update, "version": DIALOGUE_VERSION}
    try:
        return _SCHEMA.validate_python(merged, strict=True)
    except ValidationError as error:
        raise ValueError(f"invalid dialogue update {sorted(update)}: {error}") from error

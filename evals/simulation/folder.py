"""A run folder: one simulated conversation that outlives the process that played each of its messages.

    run.json            the task, who plays, the transcript, how it ended and, once scored, the result
    shop.db             the run's own copy of the imported shop (the bot's writes land here, and are scored)
    checkpoints.sqlite  the graph's conversation state, so the next call continues the same conversation
    .lock               held for a whole call: two calls on one run wait for each other instead of interleaving

``run.json`` is written whole (to a temporary file, then renamed) after every call, so an interrupted call leaves
the previous state readable.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.simulation import SimulationError
from evals.simulation.shop import Cache, exclusive

JSONDict = dict[str, Any]
RUN_FILE = "run.json"
CUSTOMER = "customer"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunState:
    task: int
    split: str
    user_id: str
    thread_id: str
    # The bot's engine ("local", or "openai:<model>") and who played the customer (a name, or "model:<name>").
    engine: str
    player: str
    started_at: str = field(default_factory=now)
    # {"role": "customer" | "bot" | "agent", "text", "at", ...}; bot entries add the status, a handoff and seconds.
    transcript: list[JSONDict] = field(default_factory=list)
    # The first handoff to a person (or approval request): {"kind", "reasons", "after_messages"}.
    handoff: JSONDict | None = None
    # goal | handoff | stuck | limit, once the run is over.
    ended: str | None = None
    result: JSONDict | None = None

    @property
    def messages(self) -> int:
        """Messages the customer sent."""
        return sum(entry["role"] == CUSTOMER for entry in self.transcript)

    @property
    def label(self) -> str:
        return f"{self.split}-{self.task}"

    @classmethod
    def from_json(cls, data: JSONDict) -> RunState:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


class RunFolder:
    def __init__(self, path: Path, state: RunState) -> None:
        self.path = path
        self.state = state

    @property
    def shop_path(self) -> Path:
        return self.path / "shop.db"

    @property
    def shop_url(self) -> str:
        return f"sqlite:///{self.shop_path.resolve()}"

    @property
    def checkpoints(self) -> Path:
        return self.path / "checkpoints.sqlite"

    @staticmethod
    def exists(path: Path) -> bool:
        return (path / RUN_FILE).is_file()

    @classmethod
    def load(cls, path: Path) -> RunFolder:
        if not cls.exists(path):
            raise SimulationError(f"no run in {path} (start one with --task N --say ...)")
        return cls(path, RunState.from_json(json.loads((path / RUN_FILE).read_text(encoding="utf-8"))))

    @classmethod
    def create(cls, path: Path, task: JSONDict, index: int, split: str, *, engine: str, player: str) -> RunFolder:
        thread_id = f"simulate-{split}-{index}-{uuid.uuid4().hex[:8]}"
        state = RunState(
            task=index, split=split, user_id=task["user_id"], thread_id=thread_id, engine=engine, player=player
        )
        folder = cls(path, state)
        path.mkdir(parents=True, exist_ok=True)
        folder.save()
        return folder

    def save(self) -> None:
        partial = self.path / f".{RUN_FILE}.partial"
        partial.write_text(json.dumps(asdict(self.state), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, self.path / RUN_FILE)

    def ensure_shop(self, cache: Cache) -> None:
        if not self.shop_path.is_file():
            cache.copy_shop(self.shop_path)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One call at a time on a run folder."""
    path.mkdir(parents=True, exist_ok=True)
    with exclusive(path / ".lock"):
        yield

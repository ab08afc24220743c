"""Reading the JSONL datasets of the evaluations: each line with its place, and the checks every dataset shares.

Each loader raises its own error class (the message names the file and line), so the callers' handling stays theirs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def jsonl_rows(path: Path, error: type[ValueError]) -> Iterator[tuple[str, int, Any]]:
    """(where, line number, parsed row) of each non-blank line; a line that is not JSON raises `error`."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as failure:
                raise error(f"{where}: not valid JSON ({failure.msg})") from failure
            yield where, number, row


def checked_turns(turns: Any, where: str, error: type[ValueError]) -> list[str]:
    """The customer's messages of a row: a non-empty list of non-empty strings, else `error`."""
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        raise error(f"{where}: 'turns' must be a non-empty list of non-empty strings")
    return [str(t) for t in turns]


def unique_id(row: dict[str, Any], number: int, seen: set[str], where: str, error: type[ValueError]) -> str:
    """The row's id (its line when it has none), added to `seen`; an id seen before raises `error`."""
    row_id = str(row.get("id") or f"line-{number}")
    if row_id in seen:
        raise error(f"{where}: duplicate id {row_id!r}")
    seen.add(row_id)
    return row_id

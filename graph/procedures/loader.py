"""Loading procedures: the built-in ones, then a shop's own file or folder, which may override or add to them.

A shop's procedure with the name of a built-in one overrides it field by field (its slots by slot name: a slot given
with only `ask_text` rewords that question); `enabled: false` switches a procedure off. Any other name adds a
procedure. Every procedure is validated after merging; an error names the file, the procedure and the field.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from graph.procedures.schema import Branch, Procedure, ProcedureFile

if TYPE_CHECKING:
    from shopdesk.profile import ShopProfile

BUILTIN_PATH = Path(__file__).parent / "builtin.yaml"


class ProcedureError(ValueError):
    """A procedure declaration that cannot be used, with where it is and what is wrong."""


@dataclass(frozen=True)
class ProcedureSet:
    """The procedures one shop runs: by name, by the readings that start them, and the example sentences."""

    procedures: dict[str, Procedure]
    # Where each procedure was declared last (the built-in file or the shop's), for messages.
    sources: dict[str, Path] = field(default_factory=dict)
    # Procedures the shop declared or changed (their examples reach the intent reading).
    shop_names: frozenset[str] = frozenset()

    def enabled(self) -> list[Procedure]:
        return [p for p in self.procedures.values() if p.enabled]

    @cached_property
    def _by_reading(self) -> dict[str, Procedure]:
        """Reading -> the enabled procedure it starts: its name first, then the shop's declarations' intents, then
        the built-in ones'. (Looked up several times a turn: built once.)"""
        index: dict[str, Procedure] = {}
        ordered = sorted(self.enabled(), key=lambda p: p.name not in self.shop_names)
        for procedure in ordered:
            index.setdefault(procedure.name, procedure)
        for procedure in ordered:
            for intent in procedure.intents:
                index.setdefault(intent, procedure)
        return index

    def for_intent(self, intent: str | None) -> Procedure | None:
        """The enabled procedure a reading starts: the shop's own declarations first, then the built-in ones."""
        return self._by_reading.get(intent) if intent else None

    def intents(self) -> frozenset[str]:
        """Every reading an enabled procedure starts on."""
        return frozenset(self._by_reading)

    @cached_property
    def _examples(self) -> list[tuple[str, str]]:
        return [(text, p.name) for p in self.enabled() if p.name in self.shop_names for text in p.examples]

    def examples(self) -> list[tuple[str, str]]:
        """(sentence, procedure) for the shop's enabled procedures that give examples."""
        return self._examples


def _read_file(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ProcedureError(f"{path}: cannot read procedures: {error}") from error
    try:
        return ProcedureFile.model_validate(data).procedures
    except ValidationError as error:
        raise ProcedureError(f"{path}: {_first_problem(error)} (a procedures file is `procedures: [...]`)") from error


def _first_problem(error: ValidationError, prefix: str = "") -> str:
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        problems.append(f"field {prefix}{where}: {problem['msg']}")
    return "; ".join(problems)


def _merged(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """A built-in declaration with a shop's changes: fields replaced, slots changed or added by slot name."""
    merged = {**base, **{k: v for k, v in change.items() if k != "slots"}}
    if "slots" in change:
        slots = [dict(slot) for slot in base.get("slots", [])]
        for changed in change["slots"] or []:
            if not isinstance(changed, dict):
                raise ProcedureError(f"a slot must be a mapping, not {changed!r}")
            index = next((i for i, s in enumerate(slots) if s.get("name") == changed.get("name")), None)
            if index is None:
                slots.append(dict(changed))
            else:
                slots[index] = {**slots[index], **changed}
        merged["slots"] = slots
    return merged


def _shop_files(location: Path) -> list[Path]:
    if location.is_dir():
        return sorted([*location.glob("*.yaml"), *location.glob("*.yml")])
    if location.is_file():
        return [location]
    raise ProcedureError(f"{location}: no such procedures file or folder")


def _validated(name: str, data: dict[str, Any], path: Path) -> Procedure:
    try:
        return Procedure.model_validate(data)
    except ValidationError as error:
        raise ProcedureError(f"{path}: procedure {name!r}: {_first_problem(error)}") from error


def build_set(declared: Iterable[tuple[Path, list[dict[str, Any]]]], builtin: list[dict[str, Any]]) -> ProcedureSet:
    raw: dict[str, dict[str, Any]] = {str(p["name"]): p for p in builtin}
    sources = dict.fromkeys(raw, BUILTIN_PATH)
    shop: set[str] = set()
    for path, declarations in declared:
        for index, data in enumerate(declarations):
            name = data.get("name") if isinstance(data, dict) else None
            if not isinstance(name, str) or not name:
                raise ProcedureError(f"{path}: procedures.{index}: field name: every procedure needs a name")
            try:
                raw[name] = _merged(raw[name], data) if name in raw else dict(data)
            except ProcedureError as error:
                raise ProcedureError(f"{path}: procedure {name!r}: {error}") from error
            sources[name] = path
            shop.add(name)
    procedures = {name: _validated(name, data, sources[name]) for name, data in raw.items()}
    found = ProcedureSet(procedures, sources, frozenset(shop))
    for procedure in procedures.values():
        _check_references(procedure, found)
    return found


def _check_references(procedure: Procedure, found: ProcedureSet) -> None:
    """What a declaration names must exist: its tools, and the procedures it continues as."""
    from tools.registry import all_langchain_tools, is_write_tool

    path = found.sources.get(procedure.name, BUILTIN_PATH)
    where = f"{path}: procedure {procedure.name!r}"
    tools = {tool.name for tool in all_langchain_tools()}
    for index, read in enumerate(procedure.reads):
        if read.tool not in tools or is_write_tool(read.tool):
            raise ProcedureError(f"{where}: field reads.{index}.tool: {read.tool!r} is not a read tool")
    end = procedure.end
    if end.write is not None:
        by_status = [(f"tool_by_status.{status}", tool) for status, tool in end.write.tool_by_status.items()]
        for label, tool in [("tool", end.write.tool), *by_status]:
            if tool is not None and not is_write_tool(tool):
                raise ProcedureError(f"{where}: field end.write.{label}: {tool!r} is not a write tool")
    if end.switch is not None:
        branches: list[tuple[str, Branch]] = [(f"cases.{k}", b) for k, b in end.switch.cases.items()]
        if end.switch.otherwise is not None:
            branches.append(("otherwise", end.switch.otherwise))
        for label, branch in branches:
            if branch.procedure not in found.procedures:
                raise ProcedureError(f"{where}: field end.switch.{label}.procedure: no procedure {branch.procedure!r}")


_lock = threading.Lock()


def load_procedures(location: Path | None = None) -> ProcedureSet:
    """The built-in procedures, with a shop's file or folder of procedures (when given) over them."""
    with _lock:
        return _load(location.resolve() if location is not None else None)


@lru_cache(maxsize=32)
def _load(location: Path | None) -> ProcedureSet:
    builtin = _read_file(BUILTIN_PATH)
    declared = [(path, _read_file(path)) for path in _shop_files(location)] if location is not None else []
    return build_set(declared, builtin)


def builtin_procedures() -> ProcedureSet:
    return load_procedures(None)


# Profile -> its procedures, by the profile object (loaded profiles are cached, so this is read once per shop and
# every later call of a turn is a dict look-up). The profile is kept with them, so its id stays its own.
_by_profile: dict[int, tuple[ShopProfile, ProcedureSet]] = {}
MAX_PROFILES = 64


def procedures_for(profile: ShopProfile | None) -> ProcedureSet:
    """The procedures a shop runs: the built-in ones, with its own over them (see ShopProfile.procedures_path)."""
    if profile is None:
        return builtin_procedures()
    known = _by_profile.get(id(profile))
    if known is not None and known[0] is profile:
        return known[1]
    found = load_procedures(profile.procedures_path())
    if len(_by_profile) >= MAX_PROFILES:
        _by_profile.clear()
    _by_profile[id(profile)] = (profile, found)
    return found

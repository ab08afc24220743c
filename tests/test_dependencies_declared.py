"""Every third-party package the project imports is declared in pyproject.toml, not merely pulled in by another.

A package that only arrives as someone else's dependency disappears the day that dependency drops it, and a user's
fresh install then fails at import time far from the cause.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from shopdesk.settings import PROJECT_ROOT

OUR_PACKAGES = {"graph", "tools", "knowledge", "shop", "shopdesk", "server", "evals", "tests", "benchmarks"}
# Modules of the benchmarks folder that its scripts import from beside them.
SCRIPT_SIBLINGS = {path.stem for path in (PROJECT_ROOT / "benchmarks").glob("*.py")}
SKIPPED_DIRS = {".venv", ".git", "build", ".data", "node_modules"}


def _imported_top_levels() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in PROJECT_ROOT.rglob("*.py"):
        if SKIPPED_DIRS & set(path.relative_to(PROJECT_ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], path)
    return found


def _declared() -> set[str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {_normalise(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]) for requirement in requirements}


def _normalise(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_every_imported_package_is_declared() -> None:
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    missing = {}
    for module, where in _imported_top_levels().items():
        if module in sys.stdlib_module_names or module in OUR_PACKAGES or module in SCRIPT_SIBLINGS:
            continue
        providers = {_normalise(name) for name in distributions.get(module, [])}
        assert providers, f"{module} (imported in {where}) is not installed"
        if not providers & declared:  # e.g. langgraph's namespace spans several distributions: one declared suffices
            missing[module] = (sorted(providers), str(where.relative_to(PROJECT_ROOT)))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"

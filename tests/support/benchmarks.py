"""Benchmark scripts are scripts, not a package: tests load them from their files."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support.processes import REPO


def load_benchmark(name: str) -> ModuleType:
    """benchmarks/<name>.py as a module named `name` (registered, since dataclasses look their module up by name)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

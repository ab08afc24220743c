"""The shop a simulation runs on: the tau-bench retail shop and its tasks, imported and indexed once per dataset in a
cache folder, and this process's settings pointed at one run's copy of it under the ``taubench`` shop profile.

Every call of ``python -m evals simulate`` is a new process; the cache is what keeps a call to a few seconds. The
import (about a second) and the knowledge index (the shop's documents and the catalog, a few seconds of embedding)
are built once, under a lock so that several players starting at the same moment do not build them twice; a run
folder then starts from a plain file copy of the imported shop.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.simulation import SimulationError
from evals.taubench import build_template
from knowledge.cache import exclusive
from shop.db import engine_for
from shop.taubench import DATASET_DIR
from shopdesk.profile import ShopProfile, load_profile
from shopdesk.runtime import reset_caches
from shopdesk.settings import Settings, environment, get_settings

JSONDict = dict[str, Any]

# The shop profile that mirrors the benchmark's policy (shopdesk/profiles/taubench.yaml); its documents are
# knowledge/docs/taubench.
SHOP_ID = "taubench"
SPLITS = {"dev": "tasks_dev.json", "train": "tasks_train.json"}
# The import dates the orders from 2026-09-01, 41 minutes apart, the last on 2026-09-29: the shop's clock stands
# just after them, so "recent orders" and every date the bot states are the same in every run, whenever it is played.
CLOCK = datetime(2026, 9, 30, 10, 0)
_DATA_FILES = ("users.json", "orders.json", "products.json")


def load_task(split: str, index: int, dataset_dir: Path = DATASET_DIR) -> JSONDict:
    if split not in SPLITS:
        raise SimulationError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    tasks: list[JSONDict] = json.loads((dataset_dir / SPLITS[split]).read_text(encoding="utf-8"))
    if not 0 <= index < len(tasks):
        raise SimulationError(f"the {split} split has tasks 0 to {len(tasks) - 1}, not {index}")
    return tasks[index]


def taubench_profile(settings: Settings | None = None) -> ShopProfile:
    settings = settings or get_settings()
    return load_profile(SHOP_ID, settings.profiles_dir)


def _digest(paths: list[Path], *extra: str) -> str:
    hashed = hashlib.sha256()
    for path in paths:
        hashed.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        hashed.update(text.encode() + b"\0")
    return hashed.hexdigest()[:12]


@dataclass(frozen=True)
class Cache:
    """What every run of one dataset shares: the imported shop (a SQLite template) and the knowledge index.

    It is also the data folder of the simulated bot (its Chroma index lives in ``folder/chroma``), kept apart from
    the shop the project serves."""

    folder: Path
    dataset_dir: Path = DATASET_DIR

    @property
    def dataset_digest(self) -> str:
        return _digest([self.dataset_dir / name for name in _DATA_FILES])

    @property
    def template(self) -> Path:
        # Named after the data it holds: a changed dataset gets a new import, never a stale one.
        return self.folder / f"taubench-{self.dataset_digest}.db"

    def prepare(self, settings: Settings | None = None) -> Cache:
        """Import the shop and index its knowledge unless done already (fast when they are)."""
        settings = settings or get_settings()
        docs = sorted((settings.knowledge_dir / SHOP_ID).glob("*.md"))
        marker = self.folder / f"knowledge-{_digest(docs, self.dataset_digest, settings.embedding_provider)}.done"
        if self.template.is_file() and marker.is_file():
            return self
        with exclusive(self.folder / ".lock"):
            if not self.template.is_file():
                self._import()
            if not marker.is_file():
                self._index(settings)
                marker.touch()
        return self

    def _import(self) -> None:
        # Built aside and renamed into place: a reader never sees half a database.
        with tempfile.TemporaryDirectory(dir=self.folder, prefix="import-") as scratch:
            built = build_template(self.dataset_dir, Path(scratch))
            os.replace(built, self.template)

    def _index(self, settings: Settings) -> None:
        from knowledge.ingest import index_knowledge

        url = f"sqlite:///{self.template}"
        index_knowledge(settings, shop_id=SHOP_ID, db_url=url, chroma_path=self.folder / "chroma", progress=False)
        engine_for(url).dispose()

    def copy_shop(self, target: Path) -> None:
        """A run's own shop, as imported (the template is in rollback-journal mode: the file is the database)."""
        partial = target.with_suffix(".partial")
        shutil.copyfile(self.template, partial)
        os.replace(partial, target)


def default_cache() -> Cache:
    """The cache beside the project's data (``<SHOPDESK_DATA_DIR>/simulate``)."""
    return Cache(get_settings().data_dir / "simulate")


@contextmanager
def run_settings(shop_url: str, checkpoints: Path, cache: Cache) -> Iterator[Settings]:
    """This process's settings (which tools and nodes read) pointed at a run's shop and conversation store under the
    ``taubench`` profile, and back to what they were afterwards."""
    # What a run changes in this process's settings; everything else (endpoints, keys, embeddings) stays as configured.
    values = {
        "SHOPDESK_SHOP_ID": SHOP_ID,
        "SHOPDESK_DATABASE_URL": shop_url,
        "SHOPDESK_CHECKPOINT_URL": str(checkpoints),
        "SHOPDESK_DATA_DIR": str(cache.folder),
        "SHOPDESK_CLOCK": CLOCK.isoformat(),
    }
    try:
        with environment(values):
            reset_caches()
            yield get_settings()
    finally:
        reset_caches()

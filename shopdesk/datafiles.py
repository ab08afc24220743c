"""The data directory is private: the shop database, checkpoints, the Chroma index and secrets are 0600 (0700 for
folders), readable by the service's user only. They hold customers' names, addresses and conversations.

`make_private` sets the process's umask, so whatever SQLite, Chroma or we create from then on is private, and
tightens what an earlier run (or a copy) left world-readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from shopdesk.settings import Settings

PRIVATE_UMASK = 0o077


def _sqlite_file(url_or_path: str) -> Path | None:
    if url_or_path.startswith("sqlite"):
        path = url_or_path.split("///", 1)[-1]
        return Path(path) if path and path != ":memory:" else None
    if "://" in url_or_path:  # PostgreSQL: not a file of ours
        return None
    return Path(url_or_path)


def _tighten(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        return
    if path.is_symlink():
        return
    wanted = mode & (0o700 if path.is_dir() else 0o600)
    if path.is_dir():
        wanted |= 0o700
    if wanted != mode:
        os.chmod(path, wanted)


def make_private(settings: Settings) -> None:
    os.umask(PRIVATE_UMASK)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _tighten(settings.data_dir)
    for root, folders, files in os.walk(settings.data_dir):
        for name in (*folders, *files):
            _tighten(Path(root) / name)
    # Databases configured outside the data directory, with SQLite's journal files beside them.
    for target in (settings.shop_database_url, settings.checkpoint_target):
        found = _sqlite_file(target)
        if found is not None:
            for path in (found, found.with_name(found.name + "-wal"), found.with_name(found.name + "-shm")):
                _tighten(path)

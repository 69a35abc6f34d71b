"""Noticing edits to a story folder by polling (no extra dependency, works on every filesystem)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def fingerprint(folder: str | Path) -> tuple:
    """What changes when any story file in the folder is saved, added or removed."""
    entries = []
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def watch(folders: list[Path], on_change: Callable[[], None], interval: float = 0.5, rounds: int | None = None) -> None:
    """Call `on_change` now and after every change; until interrupted (or for `rounds` polls, for tests)."""
    last = None
    count = 0
    while rounds is None or count < rounds:
        current = tuple(fingerprint(f) for f in folders)
        if current != last:
            last = current
            on_change()
        count += 1
        time.sleep(interval)

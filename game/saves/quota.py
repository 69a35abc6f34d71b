"""A cap on what a saves folder may hold, for a folder given to a stranger (a player of `escape serve`):
set by $ESCAPE_SAVES_QUOTA (bytes), unset for a player's own folder. A new run's file and a named save are
refused with the reason when the folder is full; the run goes on, unsaved, and says so."""

from __future__ import annotations

import os
from pathlib import Path

from game.errors import SaveError
from game.i18n import _

ENVIRONMENT = "ESCAPE_SAVES_QUOTA"


def saves_quota() -> int | None:
    """The cap in bytes from the environment; None for none (or a value that is not a whole number)."""
    value = os.environ.get(ENVIRONMENT, "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def used_bytes(folder: Path) -> int:
    """The bytes of the files directly in the folder (saves, the endings record, lock files)."""
    total = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
    except OSError:
        return 0
    return total


def check_room(folder: Path, quota: int | None, adding: int = 0) -> None:
    """SaveError when `adding` more bytes would take the folder past `quota` (None: no cap)."""
    if quota is None:
        return
    used = used_bytes(folder)
    if used + adding > quota:
        raise SaveError(
            _(
                "the saves folder is full ({used:,} of the {quota:,} bytes it may hold); "
                "delete saves you no longer need (Load, then d)"
            ).format(used=used, quota=quota)
        )

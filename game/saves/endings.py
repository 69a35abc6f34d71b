"""The record of the endings a player has found, per story, kept beside the saves (`endings.json`).

Stories are named by their key (see `game.saves.files.story_key`), so a pack that reuses a bundled story's
id keeps a record of its own. A record that cannot be read is never written over."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from game.errors import SaveError
from game.saves.files import read_bytes, write_atomic
from game.saves.locks import FileLock

ENDINGS_FILE = "endings.json"


def endings_found(saves: str | Path | None, key: str) -> list[str]:
    """The ids of the endings of the story `key` names reached in any run so far (kept in the saves folder)."""
    if saves is None:
        return []
    try:
        data = _read_endings(Path(saves))
    except SaveError:
        return []
    return list(data.get("stories", {}).get(key, []))


def _read_endings(folder: Path) -> dict[str, Any]:
    path = folder / ENDINGS_FILE
    if not (path.exists() or path.is_symlink()):
        return {"version": 1, "stories": {}}
    raw = read_bytes(path)  # never a link, a FIFO or a device
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise SaveError(f"{path}: unreadable ({err})") from None
    stories = data.get("stories") if isinstance(data, dict) else None
    if not isinstance(stories, dict) or not all(
        isinstance(v, list) and all(isinstance(e, str) for e in v) for v in stories.values()
    ):
        raise SaveError(f"{path}: not an endings record of this game")
    return data


def record_ending(saves: str | Path, key: str, ending_id: str) -> None:
    """Add an ending to the record; a damaged record is left alone (SaveError). Locked, so that games
    finishing at the same moment do not lose each other's endings."""
    folder = Path(saves)
    with _locked(folder):
        data = _read_endings(folder)
        found = data["stories"].setdefault(key, [])
        if ending_id not in found:
            found.append(ending_id)
            write_atomic(folder / ENDINGS_FILE, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


class _locked:
    """The endings record's lock, held for one read and write."""

    def __init__(self, folder: Path):
        self.lock = FileLock(folder / ".endings.lock")

    def __enter__(self) -> None:
        try:
            self.lock.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
        except OSError as err:
            raise SaveError(f"cannot record endings in {self.lock.path.parent}: {err.strerror or err}") from err

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def merge_endings(source: Path, folder: Path) -> int:
    """Add the endings recorded in another saves folder to this one's record; returns how many were new.
    Either record unreadable: nothing is merged (SaveError)."""
    theirs = _read_endings(source)["stories"]
    new = 0
    with _locked(folder):
        data = _read_endings(folder)
        for key, found in theirs.items():
            mine = data["stories"].setdefault(key, [])
            for ending in found:
                if ending not in mine:
                    mine.append(ending)
                    new += 1
        if new:
            write_atomic(folder / ENDINGS_FILE, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return new

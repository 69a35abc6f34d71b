"""The record of the endings a player has found, per story, kept beside the saves (`endings.json`).

Stories are named by their key (see `game.saves.files.story_key`), so a pack that reuses a bundled story's
id keeps a record of its own. A record that cannot be read is never written over.

Version 2 keeps version 1's `stories` (each key's ending ids, in the order found, which older games still
read and keep) and adds, per key, `found` (each ending's first finding: `when` (UTC, ISO 8601), `turns`
and `play_seconds` of the run that found it) and `runs` (how many runs reached an ending). A version 1
record reads as it is: its endings have no date, and no runs are counted."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.errors import SaveError
from game.i18n import _
from game.saves.files import read_bytes, write_atomic
from game.saves.locks import FileLock

ENDINGS_FILE = "endings.json"


VERSION = 2


@dataclass(frozen=True)
class Found:
    """The first finding of an ending: when (UTC, ISO 8601), after how many choices and how much play
    (None when not recorded: a version 1 record)."""

    when: str | None = None
    turns: int | None = None
    play_seconds: int | None = None


@dataclass(frozen=True)
class StoryRecord:
    """What the record says of one story: the endings found (in the order found) and the runs finished."""

    found: dict[str, Found] = field(default_factory=dict)
    runs: int = 0


@dataclass(frozen=True)
class Record:
    """The whole record, read once: each story's part (`story`), and why it cannot be read (`problem`,
    None when it can or there is none yet)."""

    data: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    def story(self, key: str) -> StoryRecord:
        """One story's part (empty when the record has none of it, or cannot be read)."""
        details = self.data.get("found", {}).get(key, {})
        found = {ending: _found(details.get(ending)) for ending in self.data.get("stories", {}).get(key, [])}
        return StoryRecord(found, _count(self.data.get("runs", {}).get(key)))


def read_record(saves: str | Path | None) -> Record:
    """The endings record of the saves folder (empty when saving is off)."""
    if saves is None:
        return Record()
    try:
        return Record(_read_endings(Path(saves)))
    except SaveError as err:
        return Record(problem=str(err))


def endings_found(saves: str | Path | None, key: str) -> list[str]:
    """The ids of the endings of the story `key` names reached in any run so far (kept in the saves folder)."""
    return list(story_record(saves, key).found)


def story_record(saves: str | Path | None, key: str) -> StoryRecord:
    """The record of one story (empty when there is none, or it cannot be read)."""
    return read_record(saves).story(key)


def _count(value: Any) -> int:
    """A count from the record; anything damaged reads as 0 (counts are only shown)."""
    return value if type(value) is int and 0 <= value <= 10**9 else 0


def _found(entry: Any) -> Found:
    """One ending's details; damaged fields read as unknown (they are only shown)."""
    if not isinstance(entry, dict):
        return Found()
    when = entry.get("when")
    turns, seconds = entry.get("turns"), entry.get("play_seconds")
    return Found(
        when[:40] if isinstance(when, str) else None,
        turns if type(turns) is int and 0 <= turns <= 10**9 else None,
        seconds if type(seconds) is int and 0 <= seconds <= 10**9 else None,
    )


def _read_endings(folder: Path) -> dict[str, Any]:
    path = folder / ENDINGS_FILE
    if not (path.exists() or path.is_symlink()):
        return {"version": VERSION, "stories": {}, "found": {}, "runs": {}}
    raw = read_bytes(path)  # never a link, a FIFO or a device
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise SaveError(f"{path}: " + _("unreadable ({reason})").format(reason=err)) from None
    stories = data.get("stories") if isinstance(data, dict) else None
    if not isinstance(stories, dict) or not all(
        isinstance(v, list) and all(isinstance(e, str) for e in v) for v in stories.values()
    ):
        raise SaveError(f"{path}: " + _("not an endings record of this game"))
    found, runs = data.setdefault("found", {}), data.setdefault("runs", {})
    if not (
        isinstance(found, dict)
        and all(isinstance(v, dict) and all(isinstance(e, dict) for e in v.values()) for v in found.values())
        and isinstance(runs, dict)
    ):
        raise SaveError(f"{path}: " + _("not an endings record of this game"))
    return data


def _write(folder: Path, data: dict[str, Any]) -> None:
    data["version"] = VERSION
    write_atomic(folder / ENDINGS_FILE, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def now() -> str:
    """The time now, as the record keeps it (UTC, ISO 8601)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def record_ending(
    saves: str | Path,
    key: str,
    ending_id: str,
    *,
    turns: int | None = None,
    play_seconds: int | None = None,
    new_run: bool = False,
) -> None:
    """Add an ending to the record, with when, after how many choices and how much play it was first found;
    `new_run` also counts a run finished. A damaged record is left alone (SaveError). Locked, so that games
    finishing at the same moment do not lose each other's endings."""
    folder = Path(saves)
    with _locked(folder):
        data = _read_endings(folder)
        found = data["stories"].setdefault(key, [])
        changed = new_run
        if ending_id not in found:
            found.append(ending_id)
            entry: dict[str, Any] = {"when": now()}
            if turns is not None:
                entry["turns"] = turns
            if play_seconds is not None:
                entry["play_seconds"] = play_seconds
            data["found"].setdefault(key, {})[ending_id] = entry
            changed = True
        if new_run:
            data["runs"][key] = _count(data["runs"].get(key)) + 1
        if changed:
            _write(folder, data)


class _locked:
    """The endings record's lock, held for one read and write."""

    def __init__(self, folder: Path):
        self.lock = FileLock(folder / ".endings.lock")

    def __enter__(self) -> None:
        try:
            self.lock.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
        except OSError as err:
            raise SaveError(
                _("cannot record endings in {folder}: {reason}").format(
                    folder=self.lock.path.parent, reason=err.strerror or err
                )
            ) from err

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def merge_endings(source: Path, folder: Path) -> int:
    """Add the endings recorded in another saves folder to this one's record (with their details, the
    earlier finding kept; of the runs counted, the larger count, so that importing twice counts nothing
    twice); returns how many endings were new. Either record unreadable: nothing is merged (SaveError)."""
    theirs = _read_endings(source)
    new = 0
    with _locked(folder):
        data = _read_endings(folder)
        changed = False
        for key, found in theirs["stories"].items():
            mine = data["stories"].setdefault(key, [])
            their_details = theirs["found"].get(key, {})
            my_details = data["found"].setdefault(key, {})
            for ending in found:
                if ending not in mine:
                    mine.append(ending)
                    new += 1
                theirs_found, mine_found = _found(their_details.get(ending)), _found(my_details.get(ending))
                if theirs_found.when is not None and (mine_found.when is None or theirs_found.when < mine_found.when):
                    my_details[ending] = their_details[ending]
                    changed = True
            runs = _count(theirs["runs"].get(key))
            if runs > _count(data["runs"].get(key)):
                data["runs"][key] = runs
                changed = True
        if new or changed:
            _write(folder, data)
    return new

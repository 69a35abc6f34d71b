"""Save files: versioned, human-readable JSON, written atomically, read as untrusted input.

A save holds the story id and content hash, when the run started and was saved, how long it has been
played, and the run state (seed, scene, variables, items, draws and the log of choices). Reading checks
the whole file, run state included, and never changes or deletes it; writing goes through a temporary
file, fsync and rename.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.engine.game import Game
from game.engine.replay import Divergence, replay
from game.engine.state import STATE_VERSION, state_from_data
from game.errors import EngineError, SaveError
from game.model import Story

SAVE_FORMAT = "escape-lines-save"
SAVE_VERSION = 2
MAX_SAVE_BYTES = 4 * 1024 * 1024


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept the log at the top level as [scene, choice] pairs, and visit and choice counts and
    the turn in the state; version 2 keeps the log in the state as "scene.choice" and counts the rest."""
    state, log = data.get("state"), data.get("log")
    if not isinstance(state, dict) or not isinstance(log, list):
        raise SaveError("the field 'state' or 'log' is missing or of the wrong type")
    steps = []
    for entry in log:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)):
            raise SaveError(f"the log holds {str(entry)[:60]!r}, which is not a step")
        steps.append(f"{entry[0]}.{entry[1]}")
    upgraded = {key: value for key, value in data.items() if key not in ("log", "seed")}
    upgraded["version"] = 2
    upgraded["state"] = {
        "version": STATE_VERSION,
        "story": state.get("story"),
        "seed": state.get("seed"),
        "scene": state.get("scene"),
        "ending": state.get("ending"),
        "draws": state.get("draws"),
        "variables": state.get("variables"),
        "items": state.get("items"),
        "log": steps,
    }
    return upgraded


# Older save formats are upgraded in memory (never on disk) one version at a time: {old version: upgrade}.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_version_1}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")


@dataclass(frozen=True, slots=True)
class SaveInfo:
    path: Path
    name: str
    story: str
    scene: str
    saved: str
    play_seconds: int


def save_path(folder: str | Path, story_id: str, name: str) -> Path:
    """The file for a named save; names are letters, digits, spaces, _ and -, so they stay in the folder."""
    if not _NAME.match(name):
        raise SaveError(f"a save name is 1-64 letters, digits, spaces, '_' or '-', not {name!r}")
    slug = name.strip().lower().replace(" ", "_")
    return Path(folder) / f"{story_id}--{slug}.json"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def save_game(
    game: Game,
    folder: str | Path,
    name: str = "autosave",
    started: str | None = None,
    play_seconds: int = 0,
    check_existing: bool = True,
) -> Path:
    """Write the run atomically; returns the file written. An existing file that is not a readable save
    of this game (damaged, foreign, newer) is never overwritten: SaveError says why."""
    path = save_path(folder, game.story.id, name)
    if check_existing and (path.exists() or path.is_symlink()):
        try:
            read_save(path)
        except SaveError as err:
            raise SaveError(
                f"{err}; it is left as it is and will not be overwritten (move it away to save here)"
            ) from None
    write_atomic(path, save_text(game, name, started, play_seconds))
    return path


def save_text(game: Game, name: str, started: str | None, play_seconds: int) -> str:
    """The save file's text for the game's run."""
    payload = {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "name": name,
        "story": game.story.id,
        "story_hash": game.story.content_hash,
        "started": started or _now(),
        "saved": _now(),
        "play_seconds": int(play_seconds),
        "state": game.snapshot(),
    }
    return _readable_json(payload)


def _readable_json(payload: dict[str, Any]) -> str:
    """One field per line (the run state's too), each value compact: readable, diffable and small."""
    lines = []
    for key, value in payload.items():
        if isinstance(value, dict):
            inner = ",\n".join(
                f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
                for k, v in value.items()
            )
            lines.append(f" {json.dumps(key)}: {{\n{inner}\n }}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash at any instant leaves either the old or the new file.

    The new text goes to a new hidden file beside it (created exclusively, never through a link), is
    flushed to disk, and is renamed over the old one; then the folder is flushed."""
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            raise SaveError(f"{path} is a symbolic link; saves are not written through links")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW, 0o644)
        try:
            try:
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as err:
        raise SaveError(f"cannot write {path}: {err.strerror or err}") from err


def read_save(path: str | Path) -> dict[str, Any]:
    """The save's data, checked for shape; raises SaveError with the reason. Never modifies the file."""
    path = Path(path)
    try:
        if path.is_symlink():
            raise SaveError(f"{path}: a symbolic link, not a save file")
        # never blocks: a FIFO opened without O_NONBLOCK waits for a writer; it is refused below anyway
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SaveError(f"{path}: not a regular file (a FIFO, device or socket is never read as a save)")
            raw = handle.read(MAX_SAVE_BYTES + 1)
    except OSError as err:
        raise SaveError(f"{path}: cannot read: {err.strerror or err}") from err
    return parse_save(raw, path)


def parse_save(raw: bytes, path: str | Path) -> dict[str, Any]:
    """A save's data from its bytes, checked as `read_save` checks a file (SaveError with the reason)."""
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"{path}: larger than {MAX_SAVE_BYTES:,} bytes; not a save of this game")
    if not raw.strip():
        raise SaveError(f"{path}: the file is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise SaveError(f"{path}: not a readable save (truncated or corrupt): {err}") from None
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise SaveError(f"{path}: not an Escape Lines save")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError(f"{path}: the save has no format version")
    if version > SAVE_VERSION:
        raise SaveError(
            f"{path}: made by a newer version of the game (save format {version}; this game reads {SAVE_VERSION})"
        )
    while version < SAVE_VERSION:
        if version not in MIGRATIONS:
            raise SaveError(f"{path}: save format {version} is too old to read")
        try:
            data = MIGRATIONS[version](data)
        except SaveError as err:
            raise SaveError(f"{path}: {err}") from None
        version = data["version"]
    for key, kind in (("story", str), ("story_hash", str), ("name", str), ("state", dict)):
        if not isinstance(data.get(key), kind):
            raise SaveError(f"{path}: the field '{key}' is missing or of the wrong type")
    try:
        state = state_from_data(data["state"])
    except EngineError as err:
        raise SaveError(f"{path}: the run state is damaged: {err}") from None
    if state.story_id != data["story"]:
        raise SaveError(f"{path}: the run state belongs to '{state.story_id}', not '{data['story']}'")
    seconds = data.get("play_seconds")  # only shown: a damaged count ("abc", NaN, [1]) reads as 0
    data["play_seconds"] = seconds if type(seconds) is int and 0 <= seconds <= 10**9 else 0
    return data


def restore_game(game: Game, data: dict[str, Any], path: str | Path, partial: bool = False) -> Divergence | None:
    """Continue the saved run in `game` (a Game of the save's story).

    When the story has changed since the save, the log is replayed; a step that no longer works raises
    SaveError, or with `partial=True` leaves the game at the last step that works and returns the Divergence."""
    story: Story = game.story
    if data["story"] != story.id:
        raise SaveError(f"{path}: a save of '{data['story']}', not of '{story.id}'")
    if data["story_hash"] == story.content_hash:
        try:
            game.restore(data["state"])
            return None
        except EngineError as err:
            raise SaveError(f"{path}: {err}") from None
    return replay_log(game, data, path, partial)


def saved_steps(data: dict[str, Any], path: str | Path) -> tuple[int, list[tuple[str, str]]]:
    """The seed and the log of a save read by `read_save` (SaveError if its run state is damaged)."""
    try:
        state = state_from_data(data["state"])
    except EngineError as err:
        raise SaveError(f"{path}: the run state is damaged: {err}") from None
    return state.seed, state.log


def saved_end(data: dict[str, Any]) -> tuple[str, str | None]:
    """Where the run of a save read by `read_save` stands: its scene, and its ending if it is over."""
    state = data["state"]
    return state["scene"], state.get("ending")


def replay_log(game: Game, data: dict[str, Any], path: str | Path, partial: bool) -> Divergence | None:
    """Re-execute the save's choices against the current story, and check that the last ends where the save
    does; at the first that fails, raise SaveError (or, with `partial`, stop there and return the Divergence)."""
    seed, log = saved_steps(data, path)
    _, divergence = replay(game.story, seed, log, into=game, end=saved_end(data))
    if divergence is not None and not partial:
        raise SaveError(f"{path}: the story has changed: {divergence}")
    return divergence


def list_saves(folder: str | Path) -> list[SaveInfo]:
    """Every readable save in the folder, newest first; unreadable files are skipped."""
    infos = []
    for path in sorted(Path(folder).glob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            data = read_save(path)
        except SaveError:
            continue
        infos.append(
            SaveInfo(
                path,
                data["name"],
                data["story"],
                str(data["state"].get("scene")),
                str(data.get("saved", "")),
                int(data.get("play_seconds", 0) or 0),
            )
        )
    return sorted(infos, key=lambda i: i.saved, reverse=True)

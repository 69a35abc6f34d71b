"""Save files: versioned, human-readable JSON, written atomically, read as untrusted input.

A save holds the story id and content hash, when the run started and was saved, how long it has been
played, and the run state (seed, scene, variables, items, draws and the log of choices). Reading checks
the whole file, run state included, and never changes or deletes it; writing goes through a temporary
file, fsync and rename.
"""

from __future__ import annotations

import hashlib
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
from game.i18n import _
from game.model import Story

SAVE_FORMAT = "escape-lines-save"
SAVE_VERSION = 3
MAX_SAVE_BYTES = 4 * 1024 * 1024  # the reader refuses larger files, so the writer never makes one
WARN_SAVE_BYTES = 3 * 1024 * 1024  # past this a run is told that its saves are near the limit
COMPACT_LOG_BYTES = 64 * 1024  # a longer log is written as a table of steps and their numbers
RUN = "run"  # a run's own file, written after every choice (Continue lists these)
NAMED = "save"  # a save the player named; never written again unless the player says so
BUNDLED = "bundled"  # the origin of a story that comes with the game
UNRECORDED = ""  # no origin: a walkthrough or a tool's save, portable, replayed with its story given


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept the log at the top level as [scene, choice] pairs, and visit and choice counts and
    the turn in the state; version 2 keeps the log in the state as "scene.choice" and counts the rest."""
    state, log = data.get("state"), data.get("log")
    if not isinstance(state, dict) or not isinstance(log, list):
        raise SaveError(_("the field 'state' or 'log' is missing or of the wrong type"))
    steps = []
    for entry in log:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)):
            raise SaveError(_("the log holds {entry}, which is not a step").format(entry=repr(str(entry)[:60])))
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


_OLD_RUN_NAMES = re.compile(r"^(autosave(-[0-9]+)?|branch)$")


def _from_version_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 had autosave slots ("autosave", "autosave-2", "branch") and no origin: each slot becomes
    a run of its own, and the story is taken to be the one with its id that comes with the game."""
    upgraded = dict(data, version=3)
    name = data.get("name")
    upgraded["kind"] = RUN if isinstance(name, str) and _OLD_RUN_NAMES.match(name) else NAMED
    upgraded["origin"] = BUNDLED
    return upgraded


# Older save formats are upgraded in memory (never on disk) one version at a time: {old version: upgrade}.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_version_1, 2: _from_version_2}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,127}(@[0-9a-f]{12})?$")


def story_key(story_id: str, origin: str) -> str:
    """What a story's files are named by: its id for a story that comes with the game, its id and a hash
    of its folder for any other, so that a pack reusing a bundled id never touches the bundled story's
    runs or endings record."""
    if origin in (BUNDLED, UNRECORDED):
        return story_id
    return f"{story_id}@{hashlib.sha256(origin.encode('utf-8', 'replace')).hexdigest()[:12]}"


def story_origin(story: Story) -> str:
    """`BUNDLED` for a story that comes with the game, else the absolute path of its folder."""
    return folder_origin(Path(story.path))  # (a story built in memory has no path: "" is the current folder)


def folder_origin(folder: Path) -> str:
    """The origin of the story in `folder` (see `story_origin`)."""
    from game.compiler.bundled import scenes_root

    folder = folder.resolve()
    return BUNDLED if folder.parent == scenes_root().resolve() else str(folder)


def save_path(folder: str | Path, key: str, name: str) -> Path:
    """The file for a named save; names are letters, digits, spaces, _ and -, so they stay in the folder."""
    if not _NAME.match(name):
        raise SaveError(
            _("a save name is 1-64 letters, digits, spaces, '_' or '-', not {name}").format(name=repr(name))
        )
    slug = name.strip().lower().replace(" ", "_")
    return Path(folder) / f"{key}--{slug}.json"


def run_path(folder: str | Path, key: str, run_id: str) -> Path:
    """The file of one run; a run id has a dot, which a save's name cannot, so the two never meet."""
    return Path(folder) / f"{key}--run.{run_id}.json"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True, slots=True)
class Header:
    """What a save says about itself besides the run state."""

    name: str
    kind: str = NAMED  # RUN or NAMED
    origin: str = BUNDLED
    started: str | None = None
    play_seconds: int = 0


def save_game(
    game: Game,
    folder: str | Path,
    name: str = "autosave",
    started: str | None = None,
    play_seconds: int = 0,
    check_existing: bool = True,
) -> Path:
    """A portable save of the run under `name` in `folder`: walkthroughs and the saves tools write. It names
    no folder (so it is the same file on every machine) and is replayed with its story given; its file is
    `<story id>--<name>.json`. An existing file of that name is replaced only if it is a readable save."""
    path = save_path(folder, game.story.id, name)
    write_save(game, path, Header(name.strip(), NAMED, UNRECORDED, started, play_seconds), check_existing)
    return path


def write_save(game: Game, path: Path, header: Header, check_existing: bool = True) -> int:
    """Write the run to `path` atomically; returns the file's size. An existing file that is not a readable
    save of this game (damaged, foreign, newer) is never overwritten: SaveError says why, as it does for a
    run too long for a save file (nothing is written then either)."""
    if check_existing and (path.exists() or path.is_symlink()):
        try:
            read_save(path)
        except SaveError as err:
            raise SaveError(
                _("{problem}; it is left as it is and will not be overwritten (move it away to save here)").format(
                    problem=err
                )
            ) from None
    data = save_text(game, header).encode("utf-8")
    write_atomic(path, data)
    return len(data)


def save_text(game: Game, header: Header) -> str:
    """The save file's text for the game's run; SaveError if it would be larger than a save may be."""
    return payload_text(
        {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "name": header.name,
            "kind": header.kind,
            "story": game.story.id,
            "origin": header.origin,
            "story_hash": game.story.content_hash,
            "started": header.started or _now(),
            "saved": _now(),
            "play_seconds": int(header.play_seconds),
            "state": game.snapshot(),
        }
    )


def payload_text(payload: dict[str, Any]) -> str:
    """A save's text from its data (a long log written compactly); SaveError if it is too large to read.
    `payload` is a save's data at this version (from `save_text`, or read by `read_save`, which upgrades)."""
    text = _readable_json(payload)
    log = payload["state"].get("log")
    if len(text) > COMPACT_LOG_BYTES and isinstance(log, list):  # long runs repeat steps: name each once
        text = _readable_json({**payload, "state": {**payload["state"], "log": compact_log(log)}})
    size = len(text.encode("utf-8"))
    if size > MAX_SAVE_BYTES:
        raise SaveError(
            _(
                "this run needs {size:,} bytes, more than the {most:,} a save file may hold, so it can no "
                "longer be saved (its last save is kept); a story with shorter loops or text variables avoids this"
            ).format(size=size, most=MAX_SAVE_BYTES)
        )
    return text


def compact_log(log: list[str]) -> dict[str, Any]:
    """A log as its distinct steps and, in order, the number of each step taken (space-separated)."""
    numbers: dict[str, int] = {}
    order = [numbers.setdefault(step, len(numbers)) for step in log]
    return {"steps": list(numbers), "order": " ".join(map(str, order))}


def expand_log(value: Any) -> Any:
    """The log of a save as a list of steps; a compact log (see `compact_log`) is expanded, checked."""
    if not isinstance(value, dict):
        return value  # a list, or something `state_from_data` refuses with the reason
    steps, order = value.get("steps"), value.get("order")
    if not isinstance(steps, list) or not isinstance(order, str) or set(value) != {"steps", "order"}:
        raise SaveError(_("the compact log must have a list 'steps' and a string 'order'"))
    if len(order) > MAX_SAVE_BYTES or not steps and order:
        raise SaveError(_("the compact log's 'order' does not fit its steps"))
    log = []
    for number in order.split():
        if not number.isascii() or not number.isdigit() or len(number) > 9 or int(number) >= len(steps):
            raise SaveError(
                _("the compact log numbers a step {number} that it does not list").format(number=repr(number[:12]))
            )
        log.append(steps[int(number)])
    return log


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


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` so that a crash at any instant leaves either the old or the new file.

    The new text goes to a new hidden file beside it (created exclusively, never through a link), is
    flushed to disk, and is renamed over the old one; then the folder is flushed."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            raise SaveError(_("{path} is a symbolic link; saves are not written through links").format(path=path))
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
        raise SaveError(_("cannot write {path}: {reason}").format(path=path, reason=err.strerror or err)) from err


def read_save(path: str | Path) -> dict[str, Any]:
    """The save's data, checked for shape; raises SaveError with the reason. Never modifies the file."""
    path = Path(path)
    return parse_save(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """A save file's bytes (at most one more than a save may have), never following a link and never
    waiting on a FIFO; SaveError for anything but a regular file."""
    try:
        if path.is_symlink():
            raise SaveError(f"{path}: " + _("a symbolic link, not a save file"))
        # never blocks: a FIFO opened without O_NONBLOCK waits for a writer; it is refused below anyway
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                why = _("not a regular file (a FIFO, device or socket is never read as a save)")
                raise SaveError(f"{path}: {why}")
            return handle.read(MAX_SAVE_BYTES + 1)
    except OSError as err:
        why = _("cannot read: {reason}").format(reason=err.strerror or err)
        raise SaveError(f"{path}: {why}") from err


def parse_save(raw: bytes, path: str | Path) -> dict[str, Any]:
    """A save's data from its bytes, checked as `read_save` checks a file (SaveError with the reason)."""
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(
            f"{path}: " + _("larger than {most:,} bytes; not a save of this game").format(most=MAX_SAVE_BYTES)
        )
    if not raw.strip():
        raise SaveError(f"{path}: " + _("the file is empty"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise SaveError(
            f"{path}: " + _("not a readable save (truncated or corrupt): {reason}").format(reason=err)
        ) from None
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise SaveError(f"{path}: " + _("not an Escape Lines save"))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError(f"{path}: " + _("the save has no format version"))
    if version > SAVE_VERSION:
        newer = _("made by a newer version of the game (save format {version}; this game reads {readable})")
        raise SaveError(f"{path}: " + newer.format(version=version, readable=SAVE_VERSION))
    while version < SAVE_VERSION:
        if version not in MIGRATIONS:
            raise SaveError(f"{path}: " + _("save format {version} is too old to read").format(version=version))
        try:
            data = MIGRATIONS[version](data)
        except SaveError as err:
            raise SaveError(f"{path}: {err}") from None
        version = data["version"]
    for key, kind in (("story", str), ("story_hash", str), ("name", str), ("origin", str), ("state", dict)):
        if not isinstance(data.get(key), kind):
            raise SaveError(f"{path}: " + _("the field '{field}' is missing or of the wrong type").format(field=key))
    if data.get("kind") not in (RUN, NAMED):
        raise SaveError(f"{path}: " + _("the field 'kind' must be '{run}' or '{named}'").format(run=RUN, named=NAMED))
    if not _KEY.match(story_key(data["story"], data["origin"])) or len(data["origin"]) > 4096:
        raise SaveError(f"{path}: " + _("the story id or origin is not one a story can have"))
    try:
        data["state"] = dict(data["state"], log=expand_log(data["state"].get("log")))
        state = state_from_data(data["state"])
    except (EngineError, SaveError) as err:
        raise SaveError(f"{path}: " + _("the run state is damaged: {reason}").format(reason=err)) from None
    if state.story_id != data["story"]:
        belongs = _("the run state belongs to '{state}', not '{story}'")
        raise SaveError(f"{path}: " + belongs.format(state=state.story_id, story=data["story"]))
    seconds = data.get("play_seconds")  # only shown: a damaged count ("abc", NaN, [1]) reads as 0
    data["play_seconds"] = seconds if type(seconds) is int and 0 <= seconds <= 10**9 else 0
    return data


def restore_game(game: Game, data: dict[str, Any], path: str | Path, partial: bool = False) -> Divergence | None:
    """Continue the saved run in `game` (a Game of the save's story), with its undo history.

    When the story has changed since the save, the log is replayed; a step that no longer works raises
    SaveError, or with `partial=True` leaves the game at the last step that works and returns the Divergence."""
    story: Story = game.story
    if data["story"] != story.id:
        raise SaveError(
            f"{path}: " + _("a save of '{saved}', not of '{story}'").format(saved=data["story"], story=story.id)
        )
    if data["story_hash"] == story.content_hash:
        try:
            game.restore(data["state"])
            game.rebuild_history()  # every choice of the run can be undone again
            return None
        except EngineError as err:
            raise SaveError(f"{path}: {err}") from None
    return replay_log(game, data, path, partial)


def saved_steps(data: dict[str, Any], path: str | Path) -> tuple[int, list[tuple[str, str]]]:
    """The seed and the log of a save read by `read_save` (SaveError if its run state is damaged)."""
    try:
        state = state_from_data(data["state"])
    except EngineError as err:
        raise SaveError(f"{path}: " + _("the run state is damaged: {reason}").format(reason=err)) from None
    return state.seed, state.log


def saved_end(data: dict[str, Any]) -> tuple[str, str | None]:
    """Where the run of a save read by `read_save` stands: its scene, and its ending if it is over."""
    state = data["state"]
    return state["scene"], state.get("ending")


def replay_log(game: Game, data: dict[str, Any], path: str | Path, partial: bool) -> Divergence | None:
    """Re-execute the save's choices against the current story, and check that the last ends where the save
    does; at the first that fails, raise SaveError (or, with `partial`, stop there and return the Divergence)."""
    seed, log = saved_steps(data, path)
    _game, divergence = replay(game.story, seed, log, into=game, end=saved_end(data))
    if divergence is not None and not partial:
        raise SaveError(f"{path}: " + _("the story has changed: {change}").format(change=divergence))
    return divergence

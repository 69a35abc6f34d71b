"""The saves folder as a player sees it: the runs and named saves of each story, the files that cannot be
read and why, and deleting, renaming and importing saves.

A run is one play-through with a file of its own (`<story>--run.<id>.json`), written after every choice by
the one game that holds its lock; a named save is a copy the player made, written again only when the
player says so. Nothing here writes over a file it could not read, and special files (FIFOs, devices,
sockets) and links are reported without being opened.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from game.errors import SaveError, SaveExists
from game.i18n import _, ngettext
from game.saves.endings import ENDINGS_FILE, merge_endings
from game.saves.files import (
    NAMED,
    RUN,
    parse_save,
    payload_text,
    read_bytes,
    read_save,
    save_path,
    story_key,
    write_atomic,
)
from game.saves.locks import FileLock

MAX_LISTED = 2_000  # files read to list a folder; more are reported, not read
LOCKS = ".locks"  # the folder of the runs' lock files, inside the saves folder


@dataclass(frozen=True, slots=True)
class SaveInfo:
    """One readable save, as a list shows it."""

    path: Path
    name: str
    kind: str  # RUN or NAMED
    story: str  # the story's id
    key: str  # the story's id and origin (see `story_key`)
    origin: str
    scene: str
    ending: str | None
    turns: int
    saved: str
    play_seconds: int
    in_use: bool = False  # a running game holds it
    modified: int = 0  # the file's time of last change, in nanoseconds (orders saves made in one second)

    @property
    def finished(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file in the saves folder that is not a save this game can read, and why."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class Listing:
    saves: list[SaveInfo]
    unreadable: list[Unreadable]


def run_lock(path: Path) -> FileLock:
    """The lock a game holds on a run's file while it plays that run."""
    return FileLock(path.parent / LOCKS / f"{path.name}.lock")


def in_use(path: Path) -> bool:
    """Whether a running game (this one included) holds the run's file."""
    lock = run_lock(path)
    try:
        if not lock.acquire(wait=False):
            return True
    except OSError:
        return False  # no lock folder can be made (read-only): then no game holds one either
    lock.release()
    return False


def _drop_lock(lock_path: Path) -> None:
    """Remove a run's lock file when no game holds it (a held lock is left alone)."""
    lock = FileLock(lock_path)
    try:
        if lock.acquire(wait=False):
            lock_path.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        lock.release()


def sweep_locks(folder: Path, limit: int = 200) -> int:
    """Remove the lock files of runs whose file is gone (deleted, renamed), at most `limit` a call, so
    `.locks` does not grow with every run ever played. Returns how many were removed."""
    try:
        names = [n for n in os.listdir(folder / LOCKS) if n.endswith(".json.lock")][: limit * 5]
    except OSError:
        return 0
    removed = 0
    for name in names:
        if removed == limit:
            break
        run = folder / name.removesuffix(".lock")
        if not (run.exists() or run.is_symlink()):
            _drop_lock(folder / LOCKS / name)
            removed += not (folder / LOCKS / name).exists()
    return removed


def _why_not_a_file(path: Path) -> str | None:
    """Why `path` is not even opened as a save (a link, FIFO, device, socket or folder), else None."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as err:
        return _("cannot read: {reason}").format(reason=err.strerror or err)
    if stat.S_ISLNK(mode):
        return _("a symbolic link, not a save file (links are never followed)")
    if not stat.S_ISREG(mode):
        return _("not a regular file (a FIFO, device, socket or folder is never opened as a save)")
    return None


def info_of(path: Path, data: dict) -> SaveInfo:
    """The list entry of a save read by `read_save`."""
    state = data["state"]
    return SaveInfo(
        path,
        data["name"],
        data["kind"],
        data["story"],
        story_key(data["story"], data["origin"]),
        data["origin"],
        str(state.get("scene")),
        state.get("ending"),
        len(state.get("log") or ()),
        str(data.get("saved", ""))[:40],
        data["play_seconds"],
        data["kind"] == RUN and in_use(path),
        _modified(path),
    )


def _modified(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def list_saves(folder: str | Path) -> Listing:
    """Every save in the folder, newest first, and every other `.json` file with the reason it cannot be
    read (damaged, foreign, newer, too large, not a regular file). Hidden files and the endings record
    are the game's own."""
    folder = Path(folder)
    try:
        names = sorted(
            name
            for name in os.listdir(folder)
            if name.endswith(".json") and not name.startswith(".") and name != ENDINGS_FILE
        )
    except OSError:
        return Listing([], [])
    sweep_locks(folder)
    saves: list[SaveInfo] = []
    unreadable: list[Unreadable] = []
    for number, name in enumerate(names):
        path = folder / name
        if number == MAX_LISTED:
            more = len(names) - number
            too_many = ngettext(
                "and {count:,} more file, not read (too many)", "and {count:,} more files, not read (too many)", more
            )
            unreadable.append(Unreadable(path, too_many.format(count=more)))
            break
        why = _why_not_a_file(path)
        if why is not None:
            unreadable.append(Unreadable(path, why))
            continue
        try:
            data = read_save(path)
        except SaveError as err:
            unreadable.append(Unreadable(path, _without_path(str(err), path)))
            continue
        saves.append(info_of(path, data))
    saves.sort(key=lambda info: (info.saved, info.modified), reverse=True)
    return Listing(saves, unreadable)


def _without_path(message: str, path: Path) -> str:
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def runs_waiting(folder: str | Path | None, key: str) -> list[SaveInfo]:
    """The unfinished runs of a story (by its key), the most recently played first."""
    return [info for info in unfinished_runs(folder) if info.key == key]


def unfinished_runs(folder: str | Path | None) -> list[SaveInfo]:
    """The unfinished runs of every story in the folder (one reading of it), the most recently played first."""
    if folder is None:
        return []
    return [info for info in list_saves(folder).saves if info.kind == RUN and not info.finished]


def unreadable_of(folder: str | Path | None, story_id: str) -> list[Unreadable]:
    """The files named as saves of a story with this id (of any origin) that cannot be read, and why."""
    if folder is None:
        return []
    names = (f"{story_id}--", f"{story_id}@")
    return [bad for bad in list_saves(folder).unreadable if bad.path.name.startswith(names)]


def _inside(path: Path, folder: Path) -> Path:
    """`path` if it names a file directly in `folder` (a save is never looked for anywhere else)."""
    path = Path(path)
    if (
        path.parent.resolve() != folder.resolve()
        or path.name.startswith(".")
        or not path.name.endswith(".json")
        or path.name == ENDINGS_FILE  # the record of endings found is the game's, not a save
    ):
        why = _("not a save in {folder} (give the file name that `escape saves` lists)").format(folder=folder)
        raise SaveError(f"{path.name}: {why}")
    return folder / path.name


def find_save(folder: str | Path, name: str) -> Path:
    """A save in the folder by its file name, with or without `.json` (SaveError when there is none)."""
    folder = Path(folder)
    file_name = name if name.endswith(".json") else f"{name}.json"
    if "/" in file_name or "\\" in file_name or file_name.startswith("."):
        raise SaveError(f"{name!r}: " + _("give the file name that `escape saves` lists, not a path"))
    path = folder / file_name
    if file_name == ENDINGS_FILE:
        raise SaveError(_("{file} is the record of the endings you have found, not a save").format(file=file_name))
    if not (path.exists() or path.is_symlink()):
        raise SaveError(_("there is no save {file} in {folder}").format(file=repr(file_name), folder=folder))
    return path


def delete_save(folder: str | Path, path: Path) -> None:
    """Delete one file of the saves folder, readable or not (a link is removed, never followed); a run
    that a running game holds is refused."""
    path = _inside(path, Path(folder))
    if _why_not_a_file(path) is None and in_use(path):
        raise SaveError(f"{path.name}: " + _("a running game is playing this run; leave it there first"))
    try:
        path.unlink()
    except OSError as err:
        raise SaveError(_("cannot delete {file}: {reason}").format(file=path.name, reason=err.strerror or err)) from err
    _drop_lock(run_lock(path).path)


def rename_save(folder: str | Path, path: Path, new_name: str, replace: bool = False) -> Path:
    """Give a readable save a new name (a run renamed becomes a named save, kept as it is now). Another
    save of that name is replaced only with `replace` (SaveExists otherwise); a file that cannot be read
    is never replaced."""
    folder = Path(folder)
    path = _inside(path, folder)
    data = read_save(path)
    if data["kind"] == RUN and in_use(path):
        raise SaveError(f"{path.name}: " + _("a running game is playing this run; leave it there first"))
    target = save_path(folder, story_key(data["story"], data["origin"]), new_name)
    if target == path:
        return path
    if target.exists() or target.is_symlink():
        read_save(target)  # an unreadable file there is never replaced: SaveError says why
        if not replace:
            raise SaveExists(
                _("there is already a save named {name} ({file})").format(name=repr(new_name), file=target.name)
            )
    write_atomic(target, payload_text(dict(data, name=new_name.strip(), kind=NAMED)))
    path.unlink(missing_ok=True)
    _drop_lock(run_lock(path).path)
    return target


def import_saves(source: str | Path, folder: str | Path) -> tuple[list[Path], list[Unreadable]]:
    """Copy the readable saves of another folder (an older game's `./saves`) into this one, byte for
    byte; a file whose name is taken here, or that cannot be read, is left where it is, with the reason.
    The endings record is merged."""
    source, folder = Path(source), Path(folder)
    if source.resolve() == folder.resolve():
        raise SaveError(_("{folder} is the saves folder itself").format(folder=source))
    listing = list_saves(source)
    copied: list[Path] = []
    skipped = list(listing.unreadable)
    for info in listing.saves:
        target = folder / info.path.name
        if target.exists() or target.is_symlink():
            skipped.append(Unreadable(info.path, _("{file} is already there; left as it is").format(file=target)))
            continue
        try:
            raw = read_bytes(info.path)
            parse_save(raw, info.path)
        except SaveError as err:  # changed since it was listed
            skipped.append(Unreadable(info.path, _without_path(str(err), info.path)))
            continue
        write_atomic(target, raw)
        copied.append(target)
    try:
        merge_endings(source, folder)
    except SaveError as err:
        why = _("the endings found were not merged: {reason}").format(reason=err)
        skipped.append(Unreadable(source / "endings.json", why))
    return copied, skipped

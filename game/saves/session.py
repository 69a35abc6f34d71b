"""A player's session with one run: the engine plus the I/O around it (autosave, named saves,
the endings found so far). Shared by every front end; the engine itself stays pure."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from game.engine.game import Game, Step
from game.errors import SaveError
from game.model import Story
from game.saves.files import (
    MAX_SAVE_BYTES,
    read_save,
    restore_game,
    save_game,
    save_path,
    write_atomic,
)
from game.saves.locks import FileLock

ENDINGS_FILE = "endings.json"


def endings_found(saves: str | Path | None, story_id: str) -> list[str]:
    """The ids of the endings of `story_id` reached in any run so far (kept in the saves folder)."""
    if saves is None:
        return []
    try:
        data = _read_endings(Path(saves))
    except SaveError:
        return []
    return list(data.get("stories", {}).get(story_id, []))


def _read_endings(folder: Path) -> dict[str, Any]:
    path = folder / ENDINGS_FILE
    if not path.exists():
        return {"version": 1, "stories": {}}
    if path.is_symlink() or path.stat().st_size > MAX_SAVE_BYTES:
        raise SaveError(f"{path}: not a file this game wrote")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise SaveError(f"{path}: unreadable ({err})") from None
    stories = data.get("stories") if isinstance(data, dict) else None
    if not isinstance(stories, dict) or not all(
        isinstance(v, list) and all(isinstance(e, str) for e in v) for v in stories.values()
    ):
        raise SaveError(f"{path}: not an endings record of this game")
    return data


def record_ending(saves: str | Path, story_id: str, ending_id: str) -> None:
    """Add an ending to the record; a damaged record is left alone (SaveError). Locked, so that games
    finishing at the same moment do not lose each other's endings."""
    folder = Path(saves)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / ".endings.lock")
        lock.acquire()
    except OSError as err:
        raise SaveError(f"cannot record the ending in {folder}: {err.strerror or err}") from err
    try:
        data = _read_endings(folder)
        found = data["stories"].setdefault(story_id, [])
        if ending_id not in found:
            found.append(ending_id)
            write_atomic(folder / ENDINGS_FILE, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    finally:
        lock.release()


class Session:
    """One run with saving: every choice autosaves; reaching an ending records it."""

    def __init__(self, story: Story, saves: str | Path | None, autosave_name: str = "autosave"):
        self.story = story
        self.autosave_name = autosave_name
        self.game = Game(story)
        self.saves = Path(saves) if saves is not None else None
        self.save_problem: str | None = None if saves is not None else "no saves folder"
        self.started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self._clock = time.monotonic()
        self._earlier_seconds = 0
        self._checked_autosave = False  # the existing autosave file was checked before the first overwrite
        self._slot: FileLock | None = None  # the autosave slot this game holds while it runs

    @property
    def saving(self) -> bool:
        return self.save_problem is None

    @property
    def play_seconds(self) -> int:
        return self._earlier_seconds + int(time.monotonic() - self._clock)

    def start(self, seed: int | None = None) -> None:
        self.game.start(seed)

    def resume(self, path: str | Path | None = None, partial: bool = False):  # noqa: ANN201
        """Continue a saved run (the autosave by default). With `partial`, a save that no longer replays to
        its end continues from its last working step, and the Divergence is returned."""
        if path is None:
            if self.saves is None:
                raise SaveError("there is no saves folder to continue from")
            path = save_path(self.saves, self.story.id, "autosave")
        data = read_save(path)
        divergence = restore_game(self.game, data, path, partial)
        self.started = str(data.get("started") or self.started)
        seconds = data.get("play_seconds")
        self._earlier_seconds = seconds if isinstance(seconds, int) and seconds >= 0 else 0
        self._clock = time.monotonic()
        return divergence

    def _claim_slot(self, folder: Path) -> None:
        """Hold an autosave slot of our own: `autosave`, or `autosave-2`... when another game holds it."""
        folder.mkdir(parents=True, exist_ok=True)
        base = self.autosave_name
        for number in range(1, 100):
            name = base if number == 1 else f"{base}-{number}"
            lock = FileLock(folder / f".{save_path(folder, self.story.id, name).stem}.lock")
            if lock.acquire(wait=False):
                self._slot, self.autosave_name = lock, name
                if number > 1:
                    self._checked_autosave = False
                return
        raise SaveError("every autosave slot of this story is held by another running game")

    def close(self) -> None:
        """Let go of the autosave slot (it is let go anyway when the process ends)."""
        if self._slot is not None:
            self._slot.release()
            self._slot = None

    def _autosave(self) -> None:
        folder = self.saves
        if folder is None or not self.saving:
            return
        try:
            if self._slot is None:
                self._claim_slot(folder)
            save_game(
                self.game,
                folder,
                self.autosave_name,
                self.started,
                self.play_seconds,
                check_existing=not self._checked_autosave,
            )
            self._checked_autosave = True
            ending = self.game.run.ending
            if ending is not None:
                record_ending(folder, self.story.id, ending)
        except SaveError as err:
            self.save_problem = str(err)
        except OSError as err:
            self.save_problem = f"cannot write to {self.saves}: {err.strerror or err}"

    def choose(self, choice_id: str) -> Step:
        step = self.game.choose(choice_id)
        self._autosave()
        return step

    def undo(self) -> None:
        self.game.undo()
        self._autosave()

    def save_as(self, name: str) -> Path:
        """A named save (raises SaveError with the reason)."""
        if self.saves is None:
            raise SaveError("saving is off: there is no saves folder")
        return save_game(self.game, self.saves, name, self.started, self.play_seconds)

    def reload(self, story: Story):  # noqa: ANN201 - returns game.replay.Divergence | None
        """Carry the run over to a new version of the story: replay its choices as far as they still work."""
        from game.engine.replay import replay

        seed, log = self.game.run.seed, list(self.game.run.log)
        game = Game(story)
        _, divergence = replay(story, seed, log, into=game)
        self.story, self.game = story, game
        return divergence

    def endings_found(self) -> list[str]:
        return endings_found(self.saves, self.story.id)

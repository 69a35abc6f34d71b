"""A player's session with one run: the engine plus the I/O around it (the run's own file, named saves,
the endings found so far). Shared by every front end; the engine itself stays pure."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from game.engine.game import Game, Step
from game.errors import EngineError, RunInUse, SaveError, SaveExists
from game.i18n import _
from game.model import Story
from game.saves.endings import endings_found, record_ending
from game.saves.files import (
    MAX_SAVE_BYTES,
    NAMED,
    RUN,
    WARN_SAVE_BYTES,
    Header,
    read_save,
    restore_game,
    run_path,
    save_path,
    story_key,
    story_origin,
    write_save,
)
from game.saves.locks import FileLock
from game.saves.quota import check_room, saves_quota
from game.saves.runs import run_lock

MIN_SAVE_BYTES = 1024  # about what the smallest save takes: a folder with less room than this is full


class Session:
    """One run with saving: every choice is written to the run's own file (made at the first choice, never
    over another file); reaching an ending records it. A continued run keeps its file; a run started from
    a named save, a replay or a new game gets a new one."""

    def __init__(self, story: Story, saves: str | Path | None, origin: str | None = None):
        self.story = story
        self.origin = story_origin(story) if origin is None else origin
        self.key = story_key(story.id, self.origin)
        self.game = Game(story)
        self.saves = Path(saves) if saves is not None else None
        self.save_problem: str | None = None if saves is not None else _("no saves folder")
        self.save_warning: str | None = None  # said once, when the run's file nears the size limit
        self.quota = saves_quota()  # the most the saves folder may hold (a served game's player), or None
        self.started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self._clock = time.monotonic()
        self._earlier_seconds = 0
        self.run_file: Path | None = None  # this run's own file, once it has one
        self._checked_run_file = False  # the run's existing file was read before the first overwrite
        self._lock: FileLock | None = None  # held on the run's file while this game plays it
        self._redo: list[str] = []  # choices taken back by undo, the latest last
        self._counted = False  # this run's reaching an ending was counted in the endings record
        self._said: set[tuple[str, str]] = set()  # what `news` has told already (not a folder never asked for)
        if self.save_problem is not None:
            self._said.add(("off", self.save_problem))

    @property
    def saving(self) -> bool:
        return self.save_problem is None

    def news(self) -> list[str]:
        """What the player should hear about saving that was not said before: that saving is off, and why;
        that the run's file nears the size limit. Each is returned once."""
        news = []
        for kind, detail, message in (
            ("off", self.save_problem, _("Saving is off: {reason}")),
            ("full", self.save_warning, _("Saves are nearly full: {reason}")),
        ):
            if detail and (kind, detail) not in self._said:
                self._said.add((kind, detail))
                news.append(message.format(reason=detail))
        return news

    @property
    def counted(self) -> bool:
        """Whether this run's reaching an ending was counted in the endings record."""
        return self._counted

    def carry_on(self, counted: bool, started: str, seconds: int) -> None:
        """For a front end that opens the run anew for each step (the plain page of `escape serve`): what one
        session would otherwise remember between two steps, so that the run is counted once, keeps when it
        began, and is timed from `seconds` on."""
        self._counted = self._counted or counted
        self.started = started[:40]
        self._earlier_seconds, self._clock = max(0, seconds), time.monotonic()

    @property
    def play_seconds(self) -> int:
        return self._earlier_seconds + int(time.monotonic() - self._clock)

    def start(self, seed: int | None = None) -> None:
        """A new run: it gets a file of its own at its first choice (the last run's file stays as it is)."""
        self.close()
        self.run_file, self._redo, self._counted = None, [], False
        self.game.start(seed)
        self.started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self._earlier_seconds, self._clock = 0, time.monotonic()

    def resume(self, path: str | Path, partial: bool = False):  # noqa: ANN201
        """Continue a saved run. A run's own file goes on being written (while this game holds it); from a
        named save the run goes on in a new file and the save stays as it is. Every choice of the run can
        be undone again. With `partial`, a save that no longer replays to its end continues from its last
        working step, and the Divergence is returned."""
        path = Path(path)
        data = read_save(path)
        own = (
            data["kind"] == RUN
            and self.saves is not None
            and path.parent.resolve() == self.saves.resolve()
            and story_key(data["story"], data["origin"]) == self.key
        )
        if own:
            self._hold(path)
        try:
            divergence = restore_game(self.game, data, path, partial)
        except BaseException:
            self.close()
            raise
        if own and divergence is None:
            self.run_file, self._checked_run_file = path, True
        elif own:  # the run goes on from an earlier step: its file keeps the whole run
            self.close()
        self.started = str(data.get("started") or self.started)[:40]
        self._earlier_seconds = data["play_seconds"]
        self._clock = time.monotonic()
        self._counted = self.game.is_over  # a finished run was counted when it ended
        return divergence

    def _hold(self, path: Path) -> None:
        lock = run_lock(path)
        try:
            lock.path.parent.mkdir(exist_ok=True)
            held = lock.acquire(wait=False)
        except OSError:
            held = True  # a read-only folder: nothing will be written there anyway
            lock = None  # type: ignore[assignment]
        if not held:
            raise RunInUse(f"{path.name}: " + _("this run is open in another game; carry on there, or leave it first"))
        self.close()
        self._lock = lock

    def _new_run_file(self, folder: Path) -> None:
        """A file of its own for this run: a new id whose file and lock nobody has."""
        folder.mkdir(parents=True, exist_ok=True)
        check_room(folder, self.quota, MIN_SAVE_BYTES)
        for _attempt in range(100):
            path = run_path(folder, self.key, secrets.token_hex(4))
            if path.exists() or path.is_symlink():
                continue
            self._hold(path)
            if path.exists() or path.is_symlink():  # taken between the look and the lock
                self.close()
                continue
            self.run_file, self._checked_run_file = path, False
            return
        raise SaveError(
            _("cannot find a free file name for a new run in {folder}").format(folder=folder)
        )  # pragma: no cover

    def close(self) -> None:
        """Let go of the run's file (it is let go anyway when the process ends)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def keep(self) -> None:
        """Write the run now (a take-over does, before its first choice)."""
        self._autosave()

    def _autosave(self) -> None:
        folder = self.saves
        if folder is None or not self.saving:
            return
        try:
            if self.run_file is None:
                self._new_run_file(folder)
            assert self.run_file is not None
            header = Header("autosave", RUN, self.origin, self.started, self.play_seconds)
            size = write_save(self.game, self.run_file, header, check_existing=not self._checked_run_file)
            self._checked_run_file = True
            if size > WARN_SAVE_BYTES and self.save_warning is None:
                self.save_warning = _(
                    "this run's save is {size:,} bytes; at {most:,} it can no longer be saved "
                    "(a save under a name of your own keeps it as it is now)"
                ).format(size=size, most=MAX_SAVE_BYTES)
            ending = self.game.run.ending
            if ending is not None:
                turns, seconds = self.game.run.turn, self.play_seconds
                record_ending(folder, self.key, ending, turns=turns, play_seconds=seconds, new_run=not self._counted)
                self._counted = True
        except SaveError as err:
            self.save_problem = str(err)
        except OSError as err:
            self.save_problem = _("cannot write to {folder}: {reason}").format(
                folder=self.saves, reason=err.strerror or err
            )

    def choose(self, choice_id: str) -> Step:
        step = self.game.choose(choice_id)
        if self._redo and self._redo[-1] == choice_id:
            self._redo.pop()  # the same choice again: what is left to redo still follows from here
        else:
            self._redo.clear()
        self._autosave()
        return step

    def undo(self) -> None:
        """Take back the last choice; `redo` makes it again."""
        choice_id = self.game.run.log[-1][1] if self.game.can_undo() else None
        self.game.undo()
        if choice_id is not None:
            self._redo.append(choice_id)
        self._autosave()

    def can_redo(self) -> bool:
        return bool(self._redo)

    def redo(self) -> Step:
        """Make again the choice last taken back (with the same draws: the run replays exactly)."""
        if not self._redo:
            raise EngineError(_("nothing to redo"))
        return self.choose(self._redo[-1])

    def save_path(self, name: str) -> Path:
        """The file a save under `name` goes to (SaveError for a name that cannot be one)."""
        if self.saves is None:
            raise SaveError(_("saving is off: there is no saves folder"))
        return save_path(self.saves, self.key, name)

    def save_as(self, name: str, replace: bool = False) -> Path:
        """A named save. Another save of that name is replaced only with `replace` (SaveExists otherwise,
        so that the front end can ask); a file there that cannot be read is never replaced."""
        path = self.save_path(name)
        if not replace and (path.exists() or path.is_symlink()):
            read_save(path)  # an unreadable file: SaveError with the reason, whatever the answer would be
            raise SaveExists(_("there is already a save named {name}").format(name=repr(name)))
        header = Header(name.strip(), NAMED, self.origin, self.started, self.play_seconds)
        check_room(path.parent, self.quota, MIN_SAVE_BYTES)
        write_save(self.game, path, header)
        return path

    def reload(self, story: Story):  # noqa: ANN201 - returns game.replay.Divergence | None
        """Carry the run over to a new version of the story: replay its choices as far as they still work."""
        from game.engine.replay import replay

        seed, log = self.game.run.seed, list(self.game.run.log)
        game = Game(story)
        _game, divergence = replay(story, seed, log, into=game)
        self.story, self.game = story, game
        return divergence

    def endings_found(self) -> list[str]:
        return endings_found(self.saves, self.key)

    def runs_waiting(self) -> list:  # noqa: ANN201 - list[SaveInfo]
        """The unfinished runs of this story in the saves folder, newest first."""
        from game.saves.runs import runs_waiting

        return runs_waiting(self.saves, self.key)

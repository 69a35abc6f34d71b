"""`escape replay SAVE`: watch a saved run step by step, or (--check) re-make every choice and report
the first step that no longer works, with what its conditions read."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from game.cli import saves_dir
from game.compiler.bundled import bundled_stories, find_story, story_by_id
from game.compiler.folder import MANIFEST_NAME
from game.compiler.loader import load_story, read_manifest
from game.engine.replay import Divergence, Reading, replay
from game.errors import EscapeError, SaveError, StoryError
from game.i18n import _, language, ngettext
from game.model import Story, Value
from game.model.shown import shown
from game.saves.files import BUNDLED, UNRECORDED, read_save, saved_end, saved_steps
from game.saves.runs import find_save

MAX_LEVELS = 32  # how far up from a save its story folder is looked for


def run(args: argparse.Namespace) -> int:
    args.save = str(save_file(args.save, saves_dir(args.saves)))
    if args.check:
        return run_replay_check(args.save, args.story)
    read_save(args.save)  # a save that is not there, or not readable, is an error before any screen is drawn
    from game.tui import make_app

    stories = None
    if args.story:
        stories = {**bundled_stories(), Path(args.story).name: find_story(args.story)}
    elif (home := story_folder_above(Path(args.save))) is not None:  # the app picks the story by the save's id
        stories = {**bundled_stories(), home.name: home}
    app = make_app(saves=saves_dir(args.saves), replay_save=args.save, stories=stories)
    app.run()
    return app.return_code or 0


def save_file(name: str, saves: str) -> Path:
    """The save to replay: a path, or a file name as `escape saves` lists it (looked for in the saves folder)."""
    path = Path(name)
    if path.exists() or path.is_symlink() or path.parent != Path("."):
        return path
    try:
        return find_save(saves, name)
    except SaveError:
        return path  # reading it says it is not there


def run_replay_check(path: str | Path, story_folder: str | None = None) -> int:
    """Re-execute every choice of a save against the current story: OK, or the first step whose choice is
    refused or now leads elsewhere, with the state its conditions read (exit 1). Errors: `path: error: ...`."""
    try:
        data = read_save(path)
        story = story_for_save(Path(path), data["story"], story_folder, data["origin"])
        seed, log = saved_steps(data, path)
        game, divergence = replay(story, seed, log, end=saved_end(data))
    except StoryError as err:
        errors = [d for d in err.diagnostics if d.is_error]
        problem = errors[0] if errors else err
        if len(errors) > 1:
            more = len(errors) - 1
            message = ngettext(
                "the story does not load: {problem} (and {count} more: escape validate lists them)",
                "the story does not load: {problem} (and {count} more: escape validate lists them)",
                more,
            ).format(problem=problem, count=more)
        else:
            message = _("the story does not load: {problem}").format(problem=problem)
        _say(f"{path}: error: {message}")
        return 1
    except EscapeError as err:
        _say(f"{path}: error: {str(err).removeprefix(f'{Path(path)}: ')}")
        return 1
    if divergence is not None:
        _say(_("{path}: FAILED at {divergence}").format(path=path, divergence=divergence))
        for line in state_lines(divergence, data["state"]):
            _say(f"    {line}")
        return 1
    scene, ending = saved_end(data)
    if not log and (game.run.scene, game.run.ending) != (scene, ending):
        message = _("{path}: FAILED: the story now starts in '{scene}', not '{saved}'")
        _say(message.format(path=path, scene=game.run.scene, saved=scene))
        return 1
    if game.run.ending:
        message = ngettext(
            "{path}: OK ({count} step replayed, ending '{ending}')",
            "{path}: OK ({count} steps replayed, ending '{ending}')",
            len(log),
        )
    else:
        message = ngettext("{path}: OK ({count} step replayed)", "{path}: OK ({count} steps replayed)", len(log))
    _say(message.format(path=path, count=len(log), ending=game.run.ending))
    return 0


def _say(line: str) -> None:
    """One line of the check's report: the file's name, and ids and values from the save, made safe to print."""
    print(shown(line, None))


def story_for_save(save: Path, story_id: str, folder: str | None, origin: str = BUNDLED) -> Story:
    """The story a save is checked against: `folder` (--story); else the story folder the save sits in,
    which must be of the save's story; else the folder the save was played from, if it is still there;
    else the bundled story of that id."""
    if folder:
        story = load_story(find_story(folder), lang=language())
        if story.id != story_id:
            raise EscapeError(
                _("a save of '{saved}', not of '{story}' (the story in {folder})").format(
                    saved=story_id, story=story.id, folder=folder
                )
            )
        return story
    home = story_folder_above(save)
    if home is not None:
        info = read_manifest(home)
        if info is not None and info.id != story_id:
            raise EscapeError(
                _(
                    "a save of '{saved}', but it is inside the folder of the story '{story}' ({folder}); "
                    "pass --story FOLDER to check it against another story"
                ).format(saved=story_id, story=info.id, folder=_from_here(home))
            )
        return load_story(home, lang=language())  # an unreadable manifest: loading says why
    if origin not in (BUNDLED, UNRECORDED) and Path(origin).is_dir():
        info = read_manifest(Path(origin))
        if info is not None and info.id == story_id:
            return load_story(Path(origin), lang=language())
    try:
        return story_by_id(story_id, lang=language())
    except EscapeError:
        raise EscapeError(
            _(
                "cannot find the story '{story}': the save is in no story folder and no bundled story has that id; "
                "pass --story FOLDER"
            ).format(story=story_id)
        ) from None


def story_folder_above(save: Path) -> Path | None:
    """The nearest folder above the save that holds a story manifest, walking up by name: a link (folder
    or manifest) is never followed, and the walk stops at the root or after MAX_LEVELS folders."""
    folder = Path(os.path.abspath(save)).parent
    for _level in range(MAX_LEVELS):
        if folder.is_symlink():
            return None
        manifest = folder / MANIFEST_NAME
        if manifest.is_file() and not manifest.is_symlink():
            return folder
        if folder.parent == folder:
            return None
        folder = folder.parent
    return None


def _from_here(folder: Path) -> str:
    """The folder as a path from here when it is below here, else in full."""
    relative = os.path.relpath(folder)
    return folder.as_posix() if relative.startswith("..") else relative


def state_lines(divergence: Divergence, saved: dict[str, Any]) -> list[str]:
    """What the failing step's conditions read, in the replay at that step and in the save at its end."""
    readings = divergence.readings
    if not readings:
        return []
    read = ", ".join(_now(r) for r in readings)
    lines = [_("replayed, at step {step}: {values}").format(step=divergence.step, values=read)]
    recorded = [(r.name, value) for r in readings if (value := _saved(r, saved)) is not None]
    if recorded:
        values = ", ".join(f"{name} = {_value(value)}" for name, value in recorded)
        where = _("saved, at the end of the run (after step {step}; a save keeps only its final state): {values}")
        lines.append(where.format(step=len(saved["log"]), values=values))
    return lines


def _now(reading: Reading) -> str:
    shown = f"{reading.name} = {_value(reading.offered)}"
    if reading.decided != reading.offered:
        after = _("({value} after the choice's effects)").format(value=_value(reading.decided))
        shown += f" {after}"
    return shown


def _saved(reading: Reading, state: dict[str, Any]) -> Value | None:
    """The value in the save's final run state, when the save records it (visits it does not)."""
    kind, key = reading.kind, reading.key
    value: Value | None = None
    if kind == "variable":
        value = state["variables"].get(key)
    elif kind == "item":
        value = key in state["items"]
    elif kind == "choice":
        value = state["log"].count(key)
    elif kind == "turn":
        value = len(state["log"])
    return value


def _value(value: Value) -> str:
    """A value as a story writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)

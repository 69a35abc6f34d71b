"""`escape saves` and `escape replay SAVE --check`: the non-UI save commands."""

from __future__ import annotations

from pathlib import Path

from game.compiler.bundled import find_story, story_by_id
from game.compiler.loader import load_story
from game.engine.replay import replay
from game.errors import SaveError
from game.saves.files import list_saves, read_save, saved_steps


def run_saves(folder: str) -> int:
    saves = list_saves(folder)
    if not saves:
        print(f"No saves in {folder}.")
        return 0
    rows = [("story", "name", "scene", "saved", "played")]
    rows += [
        (i.story, i.name, i.scene, i.saved.replace("T", " ").rstrip("Z"), f"{i.play_seconds // 60} min") for i in saves
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def run_replay_check(path: str | Path, story_folder: str | None = None) -> int:
    """Re-execute every choice of a save against the current story: OK, or the first step that fails (exit 1)."""
    try:
        data = read_save(path)
    except SaveError as err:
        print(f"escape: error: {err}")
        return 1
    if story_folder:
        story = load_story(find_story(story_folder))
        if story.id != data["story"]:
            print(f"{path}: a save of '{data['story']}', not of '{story.id}'")
            return 1
    else:
        story = story_by_id(data["story"])
    seed, log = saved_steps(data, path)  # read_save has checked the run state's shape
    game, divergence = replay(story, seed, log)
    if divergence is not None:
        print(f"{path}: FAILED at {divergence}")
        return 1
    saved_scene, saved_ending = data["state"].get("scene"), data["state"].get("ending")
    if (game.run.scene, game.run.ending) != (saved_scene, saved_ending):
        now = f"ending '{game.run.ending}'" if game.run.ending else f"scene '{game.run.scene}'"
        then = f"ending '{saved_ending}'" if saved_ending else f"scene '{saved_scene}'"
        print(
            f"{path}: FAILED: every step replays, but the run now reaches {now}, not {then} "
            "(a random draw or a condition at the last step differs)"
        )
        return 1
    ending = f", ending '{game.ending.id}'" if game.is_over else ""
    print(f"{path}: OK ({len(log)} steps replayed{ending})")
    return 0

"""`escape saves` and `escape replay SAVE --check`: the non-UI save commands."""

from __future__ import annotations

from pathlib import Path

from game.bundled import find_story, story_by_id
from game.errors import SaveError
from game.loader import load_story
from game.replay import replay
from game.saves import list_saves, read_save, saved_steps


def run_saves(folder: str) -> int:
    saves = list_saves(folder)
    if not saves:
        print(f"No saves in {folder}.")
        return 0
    rows = [("story", "name", "scene", "saved", "played")]
    rows += [(i.story, i.name, i.scene, i.saved.replace("T", " ").rstrip("Z"), f"{i.play_seconds // 60} min") for i in saves]
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _shape_problem(state: dict) -> str | None:
    """Whether the saved run state has the types a run state has (its names are checked by replaying the log,
    since the story may have changed since the save)."""
    kinds = {"scene": str, "turn": int, "draws": int, "seed": int, "variables": dict, "items": list,
             "visits": dict, "chosen": dict}
    for key, kind in kinds.items():
        value = state.get(key)
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 0):
            return f"'{key}' must be {'a whole number of 0 or more' if kind is int else kind.__name__}"
    if state.get("ending") is not None and not isinstance(state["ending"], str):
        return "'ending' must be an ending id or null"
    return None


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
    try:
        seed, log = saved_steps(data, path)
    except SaveError as err:
        print(err)
        return 1
    problem = _shape_problem(data["state"])
    if problem:
        print(f"{path}: the save's run state is damaged: {problem}")
        return 1
    game, divergence = replay(story, seed, log)
    if divergence is not None:
        print(f"{path}: FAILED at {divergence}")
        return 1
    saved_scene, saved_ending = data["state"].get("scene"), data["state"].get("ending")
    if (game.run.scene, game.run.ending) != (saved_scene, saved_ending):
        now = f"ending '{game.run.ending}'" if game.run.ending else f"scene '{game.run.scene}'"
        then = f"ending '{saved_ending}'" if saved_ending else f"scene '{saved_scene}'"
        print(f"{path}: FAILED: every step replays, but the run now reaches {now}, not {then} "
              "(a random draw or a condition at the last step differs)")
        return 1
    ending = f", ending '{game.ending.id}'" if game.is_over else ""
    print(f"{path}: OK ({len(log)} steps replayed{ending})")
    return 0

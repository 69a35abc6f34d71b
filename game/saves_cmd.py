"""`escape saves` and `escape replay SAVE --check`: the non-UI save commands."""

from __future__ import annotations

from pathlib import Path

from game.bundled import find_story, story_by_id
from game.errors import EngineError, SaveError
from game.loader import load_story
from game.replay import replay
from game.saves import list_saves, read_save
from game.state import state_from_data


def run_saves(folder: str) -> int:
    saves = list_saves(folder)
    if not saves:
        print(f"No saves in {folder}.")
        return 0
    print(f"{'story':<16} {'name':<20} {'scene':<24} {'saved':<20} played")
    for info in saves:
        played = f"{info.play_seconds // 60} min"
        print(f"{info.story:<16} {info.name:<20} {info.scene:<24} {info.saved.replace('T', ' ').rstrip('Z'):<20} {played}")
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
    seed = data["state"].get("seed")
    log = data["log"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e) for e in log):
        print(f"{path}: the save's seed or log is malformed")
        return 1
    try:
        state_from_data(dict(data["state"], log=[]), story)  # the log itself is checked by replaying it
    except EngineError as err:
        print(f"{path}: the save's run state is damaged: {err}")
        return 1
    game, divergence = replay(story, seed, [(s, c) for s, c in log])
    if divergence is not None:
        print(f"{path}: FAILED at {divergence}")
        return 1
    ending = f", ending '{game.ending.id}'" if game.is_over else ""
    print(f"{path}: OK ({len(log)} steps replayed{ending})")
    return 0

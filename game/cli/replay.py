"""`escape replay SAVE`: watch a saved run step by step, or (--check) re-make every choice and report
the first that no longer works."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.cli import saves_dir
from game.compiler.bundled import bundled_stories, find_story, story_by_id
from game.compiler.loader import load_story
from game.engine.replay import replay
from game.errors import SaveError
from game.saves.files import read_save, saved_steps


def run(args: argparse.Namespace) -> int:
    if args.check:
        return run_replay_check(args.save, args.story)
    from game.tui import make_app

    stories = None
    if args.story:
        stories = {**bundled_stories(), Path(args.story).name: find_story(args.story)}
    app = make_app(saves=saves_dir(args.saves), replay_save=args.save, stories=stories)
    app.run()
    return app.return_code or 0


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
    ending = f", ending '{game.run.ending}'" if game.run.ending else ""
    print(f"{path}: OK ({len(log)} steps replayed{ending})")
    return 0

"""`escape new story|scene`: write from a template, validate, say what to do next."""

from __future__ import annotations

import argparse
import sys

from game.compiler.loader import check_story, display_path
from game.model.shown import shown
from game.tools.output import shown_path
from game.tools.scaffold import AddedScene, SceneRefused, new_scene, new_story


def run(args: argparse.Namespace) -> int:
    return run_new(args)


def run_new(args: argparse.Namespace) -> int:
    if args.kind == "story":
        folder = new_story(args.name)
        _, diagnostics = check_story(folder)
        for diag in diagnostics:
            print(diag)
        where = shown_path(display_path(folder))
        print(
            f"Created the story '{folder.name}' in {where}: story.yaml and scenes.yaml, "
            f"{'and it validates cleanly' if not diagnostics else 'with the problems above'}."
        )
        print("Next:")
        print(f"  1. Edit {where}/story.yaml: the title, the blurb, your variables, items and endings.")
        print(f"  2. Edit {where}/scenes.yaml, or add scenes with: escape new scene {where} SCENE_ID")
        print(f"  3. Check as you write:  escape validate --watch {where}")
        print(f"  4. Play it as you write: escape play {where} --watch")
        print(
            "  The format is in docs/FORMAT.md; editors with yaml-language-server complete and check fields as you type."
        )
        return 1 if any(d.is_error for d in diagnostics) else 0
    return run_new_scene(args.story, args.id, args.file)


def run_new_scene(story: str, scene_id: str, file: str | None = None) -> int:
    """Add the scene; on a refusal, print the story's errors (if they are why) before the reason."""
    try:
        added = new_scene(story, scene_id, file)
    except SceneRefused as err:
        for diag in err.diagnostics:  # a stranger's pack: its file names reach the terminal made safe
            print(shown(str(diag), None), file=sys.stderr)
        raise
    where = shown_path(display_path(added.path))
    if added.created:
        print(f"Created {where} with the scene '{scene_id}'.")
    else:
        print(f"Added the scene '{scene_id}' to {where}, at line {added.line}.")
    if added.fixed:
        print(f"The story had {added.fixed} error{'s' * (added.fixed != 1)}, which the new scene resolves.")
    print(f"Next: write its text{_way_in(scene_id, added)}")
    return 0


def _way_in(scene_id: str, added: AddedScene) -> str:
    """What leads to the new scene, or how to lead to it."""
    if added.starts_here:
        return "; the story starts here."
    keys = added.leads_in
    if not keys:
        return (
            f", and lead to it from another scene with a choice whose goto is '{scene_id}'; "
            "until then escape validate warns that it cannot be reached."
        )
    shown = [*keys[:3], f"{len(keys) - 3} more"] if len(keys) > 4 else list(keys)
    named = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
    return f"; {named} already lead{'s' * (len(keys) == 1)} to it."

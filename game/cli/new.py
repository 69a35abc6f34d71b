"""`escape new story|scene`: write from a template, validate, say what to do next."""

from __future__ import annotations

import argparse

from game.compiler.loader import check_story, display_path
from game.tools.scaffold import new_scene, new_story


def run(args: argparse.Namespace) -> int:
    return run_new(args)


def run_new(args: argparse.Namespace) -> int:
    if args.kind == "story":
        folder = new_story(args.name)
        _, diagnostics = check_story(folder)
        for diag in diagnostics:
            print(diag)
        where = display_path(folder)
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
    target = new_scene(args.story, args.id)
    _, diagnostics = check_story(args.story)
    errors = [d for d in diagnostics if d.is_error]
    for diag in errors:
        print(diag)
    print(f"Created {display_path(target)} with the scene '{args.id}'.")
    unreachable = any(d.code == "unreachable-scene" and f"'{args.id}'" in d.message for d in diagnostics)
    if unreachable:
        print(
            f"Next: write its text, and lead to it from another scene with a choice whose goto is '{args.id}'; "
            "until then escape validate warns that it cannot be reached."
        )
    else:
        print("Next: write its text; a scene already leads to it.")
    return 1 if errors else 0

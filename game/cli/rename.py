"""`escape rename KIND OLD NEW STORY`: rename a scene, choice, variable or item in every file of a story and
in its walkthroughs; `--dry-run` shows the changes as a diff and writes nothing."""

from __future__ import annotations

import argparse
import sys

from game.compiler.bundled import find_story
from game.compiler.checker import display_path
from game.model.shown import shown
from game.tools.rename import RenameRefused, apply_rename, plan_rename


def run(args: argparse.Namespace) -> int:
    return run_rename(args.kind, args.old, args.new, args.story, dry_run=args.dry_run)


def run_rename(kind: str, old: str, new: str, story: str, dry_run: bool = False) -> int:
    folder = find_story(story)
    try:
        plan = plan_rename(folder, kind, old, new)
        if not dry_run:
            apply_rename(plan)
    except RenameRefused as err:
        for diagnostic in err.diagnostics:
            print(shown(str(diagnostic), None), file=sys.stderr)
        print(f"escape: error: {shown(str(err), None, multiline=True)}", file=sys.stderr)
        return 1
    for note in plan.notes:
        print(shown(str(note), None), file=sys.stderr)
    if dry_run:
        print(shown(plan.diff(), None, multiline=True), end="")
        print(
            shown(
                f"Would rename {kind} '{plan.old}' to '{plan.new}': {plan.summary()} (dry run: nothing written)", None
            )
        )
        return 0
    for change in (*plan.files, *plan.walkthroughs):
        print(shown(f"  {change.display}: {change.references} reference{'s' * (change.references != 1)}", None))
    print(shown(f"Renamed {kind} '{plan.old}' to '{plan.new}' in {display_path(folder)}: {plan.summary()}", None))
    return 0

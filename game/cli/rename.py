"""`escape rename KIND OLD NEW STORY`: rename a scene, choice, variable or item in every file of a story and
in its walkthroughs; `--dry-run` shows the changes as a diff and writes nothing."""

from __future__ import annotations

import argparse
import sys

from game.compiler.bundled import find_story
from game.compiler.checker import display_path
from game.i18n import N_, _, ngettext
from game.model.shown import shown
from game.tools.rename import RenameRefused, apply_rename, plan_rename

# what was (or would be) done, one message per kind (translated where shown: a kind has its own gender)
WOULD_RENAME = {
    "scene": N_("Would rename scene '{old}' to '{new}': {summary} (dry run: nothing written)"),
    "choice": N_("Would rename choice '{old}' to '{new}': {summary} (dry run: nothing written)"),
    "variable": N_("Would rename variable '{old}' to '{new}': {summary} (dry run: nothing written)"),
    "item": N_("Would rename item '{old}' to '{new}': {summary} (dry run: nothing written)"),
}
RENAMED = {
    "scene": N_("Renamed scene '{old}' to '{new}' in {folder}: {summary}"),
    "choice": N_("Renamed choice '{old}' to '{new}' in {folder}: {summary}"),
    "variable": N_("Renamed variable '{old}' to '{new}' in {folder}: {summary}"),
    "item": N_("Renamed item '{old}' to '{new}' in {folder}: {summary}"),
}


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
        print(shown(_(WOULD_RENAME[kind]).format(old=plan.old, new=plan.new, summary=plan.summary()), None))
        return 0
    for change in (*plan.files, *plan.walkthroughs):
        references = ngettext("{count} reference", "{count} references", change.references)
        print(shown(f"  {change.display}: {references.format(count=change.references)}", None))
    renamed = _(RENAMED[kind]).format(old=plan.old, new=plan.new, folder=display_path(folder), summary=plan.summary())
    print(shown(renamed, None))
    return 0

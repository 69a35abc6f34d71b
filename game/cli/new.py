"""`escape new story|scene`: write from a template, validate, say what to do next."""

from __future__ import annotations

import argparse
import sys

from game.compiler.loader import check_story, display_path
from game.i18n import _, ngettext
from game.model.shown import shown
from game.tools.output import shown_path
from game.tools.scaffold import AddedScene, SceneRefused, new_scene, new_story


def run(args: argparse.Namespace) -> int:
    return run_new(args)


def run_new(args: argparse.Namespace) -> int:
    if args.kind == "story":
        folder = new_story(args.name)
        _story, diagnostics = check_story(folder)
        for diag in diagnostics:
            print(diag)
        where = shown_path(display_path(folder))
        if not diagnostics:
            created = _("Created the story '{name}' in {folder}: story.yaml and scenes.yaml, and it validates cleanly.")
        else:
            created = _("Created the story '{name}' in {folder}: story.yaml and scenes.yaml, with the problems above.")
        print(created.format(name=folder.name, folder=where))
        print(_("Next:"))
        steps = [
            _("1. Edit {folder}/story.yaml: the title, the blurb, your variables, items and endings."),
            _("2. Edit {folder}/scenes.yaml, or add scenes with: escape new scene {folder} SCENE_ID"),
            _("3. Check as you write:  escape validate --watch {folder}"),
            _("4. Play it as you write: escape play {folder} --watch"),
            _(
                "The format is in docs/FORMAT.md; editors with yaml-language-server complete and check fields as "
                "you type."
            ),
        ]
        for step in steps:
            print("  " + step.format(folder=where))
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
        print(_("Created {file} with the scene '{id}'.").format(file=where, id=scene_id))
    else:
        print(_("Added the scene '{id}' to {file}, at line {line}.").format(id=scene_id, file=where, line=added.line))
    if added.fixed:
        print(
            ngettext(
                "The story had {count} error, which the new scene resolves.",
                "The story had {count} errors, which the new scene resolves.",
                added.fixed,
            ).format(count=added.fixed)
        )
    print(_way_in(scene_id, added))
    return 0


def _way_in(scene_id: str, added: AddedScene) -> str:
    """What to do next: write the scene's text, and what leads to it or how to lead to it."""
    if added.starts_here:
        return _("Next: write its text; the story starts here.")
    keys = added.leads_in
    if not keys:
        return _(
            "Next: write its text, and lead to it from another scene with a choice whose goto is '{id}'; "
            "until then escape validate warns that it cannot be reached."
        ).format(id=scene_id)
    if len(keys) > 4:
        more = ngettext("{count} more", "{count} more", len(keys) - 3).format(count=len(keys) - 3)
        names = [*keys[:3], more]
    else:
        names = list(keys)
    if len(names) == 1:
        return _("Next: write its text; {choice} already leads to it.").format(choice=names[0])
    named = _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
    return _("Next: write its text; {choices} already lead to it.").format(choices=named)

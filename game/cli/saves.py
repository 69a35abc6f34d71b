"""`escape saves`: the saves folder (where it is, its runs and named saves, newest first, and the files in
it that cannot be read, with the reason); `--delete`, `--rename` and `--import` manage it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.cli import is_yes, saves_dir
from game.errors import SaveError, SaveExists
from game.i18n import _, ngettext, pgettext
from game.model.shown import shown
from game.saves.files import RUN
from game.saves.location import older_saves
from game.saves.runs import SaveInfo, delete_save, find_save, import_saves, list_saves, rename_save


def run(args: argparse.Namespace) -> int:
    folder = saves_dir(args.saves)
    if getattr(args, "delete", None):
        return run_delete(folder, args.delete, args.yes)
    if getattr(args, "rename", None):
        return run_rename(folder, args.rename[0], args.rename[1], args.yes)
    if getattr(args, "import_from", None):
        return run_import(folder, args.import_from)
    return run_saves(folder)


def _status(info: SaveInfo) -> str:
    if info.finished:
        return _("ended: {ending}").format(ending=info.ending)
    return _("open in another game") if info.in_use else _("in progress")


def run_saves(folder: str) -> int:
    listing = list_saves(folder)
    print(_("Saves in {folder}:").format(folder=shown(folder, 300)))
    if not listing.saves:
        print("  " + _("none yet."))
    rows = [
        (
            pgettext("saves column", "file"),
            pgettext("saves column", "story"),
            pgettext("saves column", "kind"),
            pgettext("saves column", "choices"),
            pgettext("saves column", "where"),
            pgettext("saves column", "saved"),
            pgettext("saves column", "played"),
        )
    ]
    rows += [
        (
            shown(info.path.name, 60),
            shown(info.story, 60),
            pgettext("kind of save", "run")
            if info.kind == RUN
            else _("save '{name}'").format(name=shown(info.name, 64)),
            str(info.turns),
            f"{shown(info.scene, 60)} ({shown(_status(info), 60)})",
            shown(info.saved.replace("T", " ").rstrip("Z"), 30),
            _("{minutes} min").format(minutes=info.play_seconds // 60),
        )
        for info in listing.saves
    ]
    if listing.saves:
        widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
        for row in rows:
            print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if listing.unreadable:
        count = len(listing.unreadable)
        heading = ngettext(
            "Cannot be read ({count}; left as it is, never written over):",
            "Cannot be read ({count}; left as they are, never written over):",
            count,
        )
        print("\n" + heading.format(count=count))
        for bad in listing.unreadable:
            print(f"  {shown(bad.path.name, 80)}: {shown(bad.reason, 300)}")
        print("  " + _("(escape saves --delete FILE removes one)"))
    older = older_saves(Path(folder))
    if older is not None:
        where, count = older
        older_text = ngettext(
            "{folder} holds {count} file from an earlier version of the game; "
            "`escape saves --import {folder}` copies its saves here.",
            "{folder} holds {count} files from an earlier version of the game; "
            "`escape saves --import {folder}` copies its saves here.",
            count,
        )
        print("\n" + older_text.format(folder=shown(str(where), 300), count=count))
    return 0


def _confirm(question: str, yes: bool) -> bool:
    """Whether to go ahead: --yes, or 'y' typed at a terminal (never assumed without one). The question is
    printed as it is: its file names have been through `shown`."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise SaveError(
            _("{question} Nothing was changed: there is no terminal to ask at; add --yes to do it").format(
                question=question
            )
        )
    return is_yes(input(_("{question} [y/N] ").format(question=question)))


def run_delete(folder: str, name: str, yes: bool) -> int:
    path = find_save(folder, name)
    if not _confirm(_("Delete {file}?").format(file=shown(path.name, 80)), yes):
        print(_("Nothing was deleted."))
        return 1
    delete_save(folder, path)
    print(_("Deleted {file}.").format(file=shown(path.name, 80)))
    return 0


def run_rename(folder: str, name: str, new_name: str, yes: bool) -> int:
    path = find_save(folder, name)
    try:
        target = rename_save(folder, path, new_name)
    except SaveExists as err:
        message = shown(str(err), 300)
        if not _confirm(_("{problem}. Replace it?").format(problem=f"{message[:1].upper()}{message[1:]}"), yes):
            print(_("Nothing was renamed."))
            return 1
        target = rename_save(folder, path, new_name, replace=True)
    print(_("Renamed {old} to {new}.").format(old=shown(path.name, 80), new=shown(target.name, 80)))
    return 0


def run_import(folder: str, source: str) -> int:
    copied, skipped = import_saves(source, folder)
    copied_text = ngettext(
        "Copied {count} save from {source} to {folder}.", "Copied {count} saves from {source} to {folder}.", len(copied)
    )
    print(copied_text.format(count=len(copied), source=shown(source, 300), folder=shown(folder, 300)))
    for bad in skipped:
        print(
            "  "
            + _("not copied: {file}: {reason}").format(file=shown(bad.path.name, 80), reason=shown(bad.reason, 300))
        )
    return 0

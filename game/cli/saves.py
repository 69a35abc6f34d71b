"""`escape saves`: the saves folder (where it is, its runs and named saves, newest first, and the files in
it that cannot be read, with the reason); `--delete`, `--rename` and `--import` manage it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.cli import saves_dir
from game.errors import SaveError, SaveExists
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
        return f"ended: {info.ending}"
    return "open in another game" if info.in_use else "in progress"


def run_saves(folder: str) -> int:
    listing = list_saves(folder)
    print(f"Saves in {shown(folder, 300)}:")
    if not listing.saves:
        print("  none yet.")
    rows = [("file", "story", "kind", "choices", "where", "saved", "played")]
    rows += [
        (
            shown(info.path.name, 60),
            shown(info.story, 60),
            "run" if info.kind == RUN else f"save '{shown(info.name, 64)}'",
            str(info.turns),
            f"{shown(info.scene, 60)} ({shown(_status(info), 60)})",
            shown(info.saved.replace("T", " ").rstrip("Z"), 30),
            f"{info.play_seconds // 60} min",
        )
        for info in listing.saves
    ]
    if listing.saves:
        widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
        for row in rows:
            print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if listing.unreadable:
        print(f"\nCannot be read ({len(listing.unreadable)}; left as they are, never written over):")
        for bad in listing.unreadable:
            print(f"  {shown(bad.path.name, 80)}: {shown(bad.reason, 300)}")
        print("  (escape saves --delete FILE removes one)")
    older = older_saves(Path(folder))
    if older is not None:
        where, count = older
        print(
            f"\n{shown(str(where), 300)} holds {count} file{'s' * (count != 1)} from an earlier version of the game; "
            f"`escape saves --import {shown(str(where), 300)}` copies its saves here."
        )
    return 0


def _confirm(question: str, yes: bool) -> bool:
    """Whether to go ahead: --yes, or 'y' typed at a terminal (never assumed without one). The question is
    printed as it is: its file names have been through `shown`."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise SaveError(f"{question} Nothing was changed: there is no terminal to ask at; add --yes to do it")
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def run_delete(folder: str, name: str, yes: bool) -> int:
    path = find_save(folder, name)
    if not _confirm(f"Delete {shown(path.name, 80)}?", yes):
        print("Nothing was deleted.")
        return 1
    delete_save(folder, path)
    print(f"Deleted {shown(path.name, 80)}.")
    return 0


def run_rename(folder: str, name: str, new_name: str, yes: bool) -> int:
    path = find_save(folder, name)
    try:
        target = rename_save(folder, path, new_name)
    except SaveExists as err:
        message = shown(str(err), 300)
        if not _confirm(f"{message[:1].upper()}{message[1:]}. Replace it?", yes):
            print("Nothing was renamed.")
            return 1
        target = rename_save(folder, path, new_name, replace=True)
    print(f"Renamed {shown(path.name, 80)} to {shown(target.name, 80)}.")
    return 0


def run_import(folder: str, source: str) -> int:
    copied, skipped = import_saves(source, folder)
    print(f"Copied {len(copied)} save{'s' * (len(copied) != 1)} from {shown(source, 300)} to {shown(folder, 300)}.")
    for bad in skipped:
        print(f"  not copied: {shown(bad.path.name, 80)}: {shown(bad.reason, 300)}")
    return 0

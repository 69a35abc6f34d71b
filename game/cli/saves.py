"""`escape saves`: the saves in the saves folder, newest first."""

from __future__ import annotations

import argparse

from game.cli import saves_dir
from game.saves.files import list_saves


def run(args: argparse.Namespace) -> int:
    return run_saves(saves_dir(args.saves))


def run_saves(folder: str) -> int:
    saves = list_saves(folder)
    if not saves:
        print(f"No saves in {folder}.")
        return 0
    rows = [("story", "name", "scene", "saved", "played")]
    rows += [
        (i.story, i.name, i.scene, i.saved.replace("T", " ").rstrip("Z"), f"{i.play_seconds // 60} min") for i in saves
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0

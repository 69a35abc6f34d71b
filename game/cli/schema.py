"""`escape schema`: write the JSON Schemas of story files, for editors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from game.tools.output import NOTHING, Folder, OutputError, shown_path
from game.tools.scaffold import write_schemas


def run(args: argparse.Namespace) -> int:
    return run_schema(args.out, args.force)


def run_schema(out: str, force: bool = False) -> int:
    """Write both schemas into the folder `out` (made if missing); a schema file already there is replaced
    only with `force`, and nothing is written if either is in the way."""
    if out == "":
        raise OutputError(f"--out: the folder name is empty; name a folder; {NOTHING}")
    if os.path.lexists(out) and not os.path.isdir(out):
        raise OutputError(
            f"{shown_path(out)} exists and is not a folder; --out names the folder the schemas are written to "
            f"(made if missing); {NOTHING}"
        )
    folder = Folder.open(Path(out), create=True)
    try:
        written = write_schemas(folder, force)
    except BaseException:
        folder.undo()
        raise
    finally:
        folder.close()
    print(f"wrote {shown_path(written[0])} and {shown_path(written[1])}")
    print("Point your editor at them with a first line such as:  # yaml-language-server: $schema=story.schema.json")
    return 0

"""`escape schema`: write the JSON Schemas of story files, for editors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from game.i18n import _
from game.tools.output import Folder, OutputError, shown_path
from game.tools.scaffold import write_schemas


def run(args: argparse.Namespace) -> int:
    return run_schema(args.out, args.force)


def run_schema(out: str, force: bool = False) -> int:
    """Write both schemas into the folder `out` (made if missing); a schema file already there is replaced
    only with `force`, and nothing is written if either is in the way."""
    if out == "":
        raise OutputError(_("--out: the folder name is empty; name a folder; nothing was written"))
    if os.path.lexists(out) and not os.path.isdir(out):
        raise OutputError(
            _(
                "{path} exists and is not a folder; --out names the folder the schemas are written to "
                "(made if missing); nothing was written"
            ).format(path=shown_path(out))
        )
    folder = Folder.open(Path(out), create=True)
    try:
        written = write_schemas(folder, force)
    except BaseException:
        folder.undo()
        raise
    finally:
        folder.close()
    paths = [shown_path(path) for path in written]
    joined = _("{first} and {last}").format(first=", ".join(paths[:-1]), last=paths[-1]) if len(paths) > 1 else paths[0]
    print(_("wrote {files}").format(files=joined))
    print(_("Point your editor at them with a first line such as:  # yaml-language-server: $schema=story.schema.json"))
    return 0

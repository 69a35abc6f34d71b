"""`escape schema`: write the JSON Schemas of story files, for editors."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.tools.scaffold import write_schemas


def run(args: argparse.Namespace) -> int:
    return run_schema(args.out)


def run_schema(out: str) -> int:
    write_schemas(Path(out))
    print(f"wrote {Path(out) / 'story.schema.json'} and {Path(out) / 'scenes.schema.json'}")
    print("Point your editor at them with a first line such as:  # yaml-language-server: $schema=story.schema.json")
    return 0

"""The `escape` command line. Imports stay lazy so that non-UI commands start fast and never load Textual."""

from __future__ import annotations

import argparse
import os
import sys

from game import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escape",
        description="Escape Lines: First World War escape stories as interactive fiction, and the tools to write more.",
    )
    parser.add_argument("--version", action="version", version=f"escape-lines {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help="play a story (the default command)")
    play.add_argument("story", nargs="?", help="a bundled story (grand_illusion, captured) or a story folder")
    play.add_argument("--plain", action="store_true", help="plain text on stdin/stdout: for pipes and screen readers")
    play.add_argument("--seed", type=int, help="the run's random seed (the same seed and choices replay exactly)")
    play.add_argument("--saves", metavar="DIR", help="where saves go (default: $ESCAPE_SAVES or ./saves)")
    play.add_argument("--continue", dest="resume", action="store_true", help="continue the story's autosaved run")

    validate = commands.add_parser("validate", help="check stories and report every problem")
    validate.add_argument("paths", nargs="*", metavar="STORY", help="story folders or bundled names (default: all bundled)")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def _saves_dir(arg: str | None) -> str:
    return arg or os.environ.get("ESCAPE_SAVES") or "saves"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from game.errors import EscapeError

    try:
        if args.command == "validate":
            from game.validate_cmd import run_validate

            return run_validate(args.paths, strict=args.strict, as_json=args.json)
        from game.plain import run_plain

        story = getattr(args, "story", None)
        return run_plain(story, seed=getattr(args, "seed", None), saves=_saves_dir(getattr(args, "saves", None)),
                         resume=getattr(args, "resume", False))
    except EscapeError as err:
        print(f"escape: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nescape: interrupted", file=sys.stderr)
        return 130

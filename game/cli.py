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

    play = commands.add_parser("play", help="play a story (with no command: the title screen)")
    play.add_argument("story", nargs="?", help="a bundled story (grand_illusion, captured) or a story folder")
    play.add_argument("--plain", action="store_true", help="plain text on stdin/stdout: for pipes and screen readers")
    play.add_argument("--seed", type=int, help="the run's random seed (the same seed and choices replay exactly)")
    play.add_argument("--saves", metavar="DIR", help="where saves go (default: $ESCAPE_SAVES or ./saves)")
    play.add_argument("--continue", dest="resume", action="store_true", help="continue the story's autosaved run")

    replay = commands.add_parser("replay", help="replay a saved run, or check that it still replays")
    replay.add_argument("save", help="a save file")
    replay.add_argument("--check", action="store_true", help="no UI: re-run every choice and report the first that fails")
    replay.add_argument("--saves", metavar="DIR", help="where saves go (default: $ESCAPE_SAVES or ./saves)")

    saves = commands.add_parser("saves", help="list the saves")
    saves.add_argument("--saves", metavar="DIR", help="the saves folder (default: $ESCAPE_SAVES or ./saves)")

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
        saves = _saves_dir(getattr(args, "saves", None))
        if args.command == "saves":
            from game.saves_cmd import run_saves

            return run_saves(saves)
        if args.command == "replay" and args.check:
            from game.saves_cmd import run_replay_check

            return run_replay_check(args.save)
        story = getattr(args, "story", None)
        if getattr(args, "plain", False):
            from game.plain import run_plain

            return run_plain(story, seed=args.seed, saves=saves, resume=args.resume)
        from game.tui import make_app

        if args.command == "replay":
            app = make_app(saves=saves, replay_save=args.save)
        else:
            app = make_app(story, saves=saves, seed=getattr(args, "seed", None), resume=getattr(args, "resume", False))
        app.run()
        return app.return_code or 0
    except EscapeError as err:
        print(f"escape: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nescape: interrupted", file=sys.stderr)
        return 130

"""The `escape` command line. Imports stay lazy so that non-UI commands start fast and never load Textual."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys

from game import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escape",
        description="Escape Lines: First World War escape stories as interactive fiction, and the tools to write more.",
    )
    parser.add_argument("--version", action="version", version=f"escape-lines {__version__}")
    parser.add_argument("--saves", dest="top_saves", metavar="DIR", help=SAVES_HELP + " (also after any command)")
    parser.add_argument("--theme", dest="top_theme", metavar="NAME", help=THEME_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help="play a story (with no command: the title screen)")
    play.add_argument("story", nargs="?", help="a bundled story (grand_illusion, captured) or a story folder")
    play.add_argument("--plain", action="store_true", help="plain text on stdin/stdout: for pipes and screen readers")
    play.add_argument("--seed", type=int, help="the run's random seed (the same seed and choices replay exactly)")
    play.add_argument("--saves", metavar="DIR", help=SAVES_HELP)
    play.add_argument("--continue", dest="resume", action="store_true", help="continue the story's autosaved run")
    play.add_argument("--theme", metavar="NAME", help=THEME_HELP)
    play.add_argument(
        "--watch", action="store_true", help="live preview: reload the story when a file changes and carry the run over"
    )

    replay = commands.add_parser("replay", help="replay a saved run, or check that it still replays")
    replay.add_argument("save", help="a save file")
    replay.add_argument(
        "--check", action="store_true", help="no UI: re-run every choice and report the first that fails"
    )
    replay.add_argument(
        "--story", metavar="STORY", help="the story folder (default: the one the save is in, or the bundled story)"
    )
    replay.add_argument("--saves", metavar="DIR", help=SAVES_HELP)

    saves = commands.add_parser(
        "saves", help="list the saves and the files that cannot be read; delete, rename or import saves"
    )
    saves.add_argument("--saves", metavar="DIR", help=SAVES_HELP)
    act = saves.add_mutually_exclusive_group()
    act.add_argument("--delete", metavar="FILE", help="delete a save (its file name as listed); asks first")
    act.add_argument("--rename", nargs=2, metavar=("FILE", "NAME"), help="give a save a new name; asks to replace")
    act.add_argument(
        "--import", dest="import_from", metavar="DIR", help="copy the saves of another folder (an older ./saves) here"
    )
    saves.add_argument("--yes", action="store_true", help="answer yes to the question --delete or --rename asks")

    playtest = commands.add_parser(
        "playtest", help="seeded random runs (or --exhaustive search) with a coverage report"
    )
    playtest.add_argument("story", help="a bundled story or a story folder")
    playtest.add_argument("--runs", type=int, help="how many random runs of each policy (default 1000)")
    playtest.add_argument("--seed", type=int, default=0, help="the first run's seed (default 0)")
    playtest.add_argument("--jobs", type=int, default=1, help="processes to use (default 1)")
    playtest.add_argument(
        "--policy",
        action="append",
        metavar="NAME",
        choices=("uniform", "least-used", "greedy", "cautious", "all"),  # game.tools.policies.POLICIES
        help="the player model of the random runs: uniform, least-used (the default), greedy, cautious, "
        "or all; repeat it to compare several",
    )
    playtest.add_argument("--uniform", action="store_true", help="the same as --policy uniform")
    playtest.add_argument("--json", action="store_true", help="print the report as JSON")
    playtest.add_argument(
        "--out", metavar="FILE", help="also write the JSON report to FILE (for escape graph --coverage)"
    )
    playtest.add_argument("--saves", metavar="DIR", help="where replays of failing runs go (default: ./saves)")
    playtest.add_argument(
        "--exhaustive", action="store_true", help="the complete search: every reachable state, up to --cap"
    )
    playtest.add_argument("--cap", type=int, default=100_000, help="the most states the search keeps (100,000)")
    playtest.add_argument(
        "--coverage",
        action="store_true",
        help="also list the text branches, disabled reasons, fallbacks and returns that are never shown "
        "(proved with --exhaustive)",
    )
    playtest.add_argument(
        "--reach",
        metavar="SCENE_OR_ENDING",
        help="with the search: the shortest way to a scene or ending, written as a save in --write-walkthroughs "
        "or --saves (or a proof that none exists)",
    )
    playtest.add_argument(
        "--write-walkthroughs",
        metavar="DIR",
        help="write a save per ending reached: the shortest path found to it, replayable with escape replay",
    )
    playtest.add_argument(
        "--force",
        action="store_true",
        help="replace the --out file if it exists, and files in a walkthrough's place that are not walkthroughs",
    )

    graph = commands.add_parser("graph", help="the story map: Mermaid, Graphviz dot or SVG")
    graph.add_argument("story", help="a bundled story or a story folder")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg"), default="mermaid", help="default: mermaid")
    graph.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    graph.add_argument("--force", action="store_true", help="replace FILE if it exists (never a link or a folder)")
    graph.add_argument(
        "--coverage", metavar="REPORT", help="colour by a playtest report (escape playtest --out REPORT)"
    )

    stats = commands.add_parser("stats", help="words, choices, branching, reading time and what a typical run reads")
    stats.add_argument("story", help="a bundled story or a story folder")
    stats.add_argument(
        "--runs", metavar="N", type=int, default=200, help="random runs for the typical run (default 200; 0: none)"
    )
    stats.add_argument(
        "--top", metavar="N", type=int, default=10, help="how many of the longest scenes to list (default 10; 0: all)"
    )
    stats.add_argument("--json", action="store_true", help="print the statistics as JSON")

    new = commands.add_parser("new", help="start a new story or scene from a template that validates")
    new_kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    new_story = new_kinds.add_parser("story", help="a new story folder with a small working story in it")
    new_story.add_argument("name", help="the folder to create; its name is the story's id (e.g. scenes/my_escape)")
    new_scene = new_kinds.add_parser("scene", help="a new scene in a story: a file of its own, or --file")
    new_scene.add_argument("story", help="the story folder")
    new_scene.add_argument("id", help="the new scene's id")
    new_scene.add_argument(
        "--file", metavar="F", help="add the scene at the end of this scene file (relative to the story folder)"
    )

    schema = commands.add_parser("schema", help="write the JSON Schemas of story files (for editors)")
    schema.add_argument("--out", metavar="DIR", default=".", help="the folder to write them to (default: here)")
    schema.add_argument("--force", action="store_true", help="replace schema files already in DIR")

    rename = commands.add_parser(
        "rename", help="rename a scene, choice, variable or item everywhere: files, text, walkthroughs"
    )
    rename.add_argument(
        "kind", metavar="KIND", choices=("scene", "choice", "variable", "item"), help="scene, choice, variable or item"
    )
    rename.add_argument("old", metavar="OLD", help="its id now (a choice: scene.choice)")
    rename.add_argument("new", metavar="NEW", help="its new id")
    rename.add_argument("story", metavar="STORY", help="a bundled story or a story folder")
    rename.add_argument("--dry-run", action="store_true", help="show the changes as a diff and write nothing")

    validate = commands.add_parser("validate", help="check stories and report every problem")
    validate.add_argument(
        "paths", nargs="*", metavar="STORY", help="story folders or bundled names (default: all bundled)"
    )
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.add_argument("--watch", action="store_true", help="check again every time a file is saved (Ctrl-C stops)")
    return parser


THEME_HELP = "the colours for this session only: textual-dark, textual-light or escape-high-contrast (o: settings)"
SAVES_HELP = "where saves are kept (default: $ESCAPE_SAVES, else saves/ of a source checkout or your data folder)"


def saves_dir(arg: str | None) -> str:
    """The saves folder: --saves, $ESCAPE_SAVES, or the default (see game.saves.location)."""
    from game.saves.location import saves_folder

    return str(saves_folder(arg))


# Each command is a module of this package with a `run(args) -> int`; imported only when used, so that
# `escape --help` and the commands that need no UI start fast and never load Textual.
COMMANDS = {
    None: "play",
    "play": "play",
    "replay": "replay",
    "saves": "saves",
    "playtest": "playtest",
    "graph": "graph",
    "stats": "stats",
    "new": "new",
    "schema": "schema",
    "rename": "rename",
    "validate": "validate",
}


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a stream that cannot show a character shows '?' instead
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    args = _parser().parse_args(argv)
    if getattr(args, "saves", None) is None:  # `escape --saves DIR` (the title screen) and `escape --saves DIR play`
        args.saves = args.top_saves
    from game.errors import EscapeError
    from game.model.shown import shown

    try:
        command = importlib.import_module(f"game.cli.{COMMANDS[args.command]}")
        code: int = command.run(args)
        return code
    except EscapeError as err:
        print(f"escape: error: {shown(str(err), None, multiline=True)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("\nescape: interrupted", file=sys.stderr)
        return 130

"""The `escape` command line. Imports stay lazy so that non-UI commands start fast and never load Textual."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Iterable
from typing import Any

from game import __version__
from game.i18n import LANGUAGES, N_, _


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with its own words ("usage:") in the interface's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """A parser whose headings and -h help are in the interface's language (argparse's own are English)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # added below, with its help translated
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help=_("show this help message and exit")
            )


def _lang_help() -> str:
    codes = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    return _("the interface's language: {codes} (default: your setting, else the system's locale)").format(codes=codes)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="escape",
        description=_(
            "Escape Lines: First World War escape stories as interactive fiction, and the tools to write more."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"escape-lines {__version__}",
        help=_("show program's version number and exit"),
    )
    also = _("{help} (also after any command)")
    parser.add_argument("--saves", dest="top_saves", metavar="DIR", help=also.format(help=_(SAVES_HELP)))
    parser.add_argument("--theme", dest="top_theme", metavar="NAME", help=_(THEME_HELP))
    parser.add_argument("--lang", dest="top_lang", metavar="CODE", help=also.format(help=_lang_help()))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help=_("play a story (with no command: the title screen)"))
    play.add_argument("story", nargs="?", help=_("a bundled story (grand_illusion, captured) or a story folder"))
    play.add_argument(
        "--plain", action="store_true", help=_("plain text on stdin/stdout: for pipes and screen readers")
    )
    play.add_argument("--seed", type=int, help=_("the run's random seed (the same seed and choices replay exactly)"))
    play.add_argument("--saves", metavar="DIR", help=_(SAVES_HELP))
    play.add_argument("--continue", dest="resume", action="store_true", help=_("continue the story's autosaved run"))
    play.add_argument("--theme", metavar="NAME", help=_(THEME_HELP))
    play.add_argument(
        "--watch",
        action="store_true",
        help=_("live preview: reload the story when a file changes and carry the run over"),
    )
    _lang_option(play)

    replay = commands.add_parser("replay", help=_("replay a saved run, or check that it still replays"))
    replay.add_argument("save", help=_("a save file"))
    replay.add_argument(
        "--check", action="store_true", help=_("no UI: re-run every choice and report the first that fails")
    )
    replay.add_argument(
        "--story", metavar="STORY", help=_("the story folder (default: the one the save is in, or the bundled story)")
    )
    replay.add_argument("--saves", metavar="DIR", help=_(SAVES_HELP))
    _lang_option(replay)

    saves = commands.add_parser(
        "saves", help=_("list the saves and the files that cannot be read; delete, rename or import saves")
    )
    saves.add_argument("--saves", metavar="DIR", help=_(SAVES_HELP))
    act = saves.add_mutually_exclusive_group()
    act.add_argument("--delete", metavar="FILE", help=_("delete a save (its file name as listed); asks first"))
    act.add_argument("--rename", nargs=2, metavar=("FILE", "NAME"), help=_("give a save a new name; asks to replace"))
    act.add_argument(
        "--import",
        dest="import_from",
        metavar="DIR",
        help=_("copy the saves of another folder (an older ./saves) here"),
    )
    saves.add_argument("--yes", action="store_true", help=_("answer yes to the question --delete or --rename asks"))
    _lang_option(saves)

    playtest = commands.add_parser(
        "playtest", help=_("seeded random runs (or --exhaustive search) with a coverage report")
    )
    playtest.add_argument("story", help=_("a bundled story or a story folder"))
    playtest.add_argument("--runs", type=int, help=_("how many random runs of each policy (default 1000)"))
    playtest.add_argument("--seed", type=int, default=0, help=_("the first run's seed (default 0)"))
    playtest.add_argument("--jobs", type=int, default=1, help=_("processes to use (default 1)"))
    playtest.add_argument(
        "--policy",
        action="append",
        metavar="NAME",
        choices=("uniform", "least-used", "greedy", "cautious", "all"),  # game.tools.policies.POLICIES
        help=_(
            "the player model of the random runs: uniform, least-used (the default), greedy, cautious, "
            "or all; repeat it to compare several"
        ),
    )
    playtest.add_argument("--uniform", action="store_true", help=_("the same as --policy uniform"))
    playtest.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    playtest.add_argument(
        "--out", metavar="FILE", help=_("also write the JSON report to FILE (for escape graph --coverage)")
    )
    playtest.add_argument("--saves", metavar="DIR", help=_("where replays of failing runs go (default: ./saves)"))
    playtest.add_argument(
        "--exhaustive", action="store_true", help=_("the complete search: every reachable state, up to --cap")
    )
    playtest.add_argument("--cap", type=int, default=100_000, help=_("the most states the search keeps (100,000)"))
    playtest.add_argument(
        "--coverage",
        action="store_true",
        help=_(
            "also list the text branches, disabled reasons, fallbacks and returns that are never shown "
            "(proved with --exhaustive)"
        ),
    )
    playtest.add_argument(
        "--reach",
        metavar="SCENE_OR_ENDING",
        help=_(
            "with the search: the shortest way to a scene or ending, written as a save in --write-walkthroughs "
            "or --saves (or a proof that none exists)"
        ),
    )
    playtest.add_argument(
        "--write-walkthroughs",
        metavar="DIR",
        help=_("write a save per ending reached: the shortest path found to it, replayable with escape replay"),
    )
    playtest.add_argument(
        "--force",
        action="store_true",
        help=_("replace the --out file if it exists, and files in a walkthrough's place that are not walkthroughs"),
    )
    _lang_option(playtest)

    graph = commands.add_parser("graph", help=_("the story map: Mermaid, Graphviz dot or SVG"))
    graph.add_argument("story", help=_("a bundled story or a story folder"))
    graph.add_argument("--format", choices=("mermaid", "dot", "svg"), default="mermaid", help=_("default: mermaid"))
    graph.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    graph.add_argument("--force", action="store_true", help=_("replace FILE if it exists (never a link or a folder)"))
    graph.add_argument(
        "--coverage", metavar="REPORT", help=_("colour by a playtest report (escape playtest --out REPORT)")
    )
    _lang_option(graph)

    stats = commands.add_parser("stats", help=_("words, choices, branching, reading time and what a typical run reads"))
    stats.add_argument("story", help=_("a bundled story or a story folder"))
    stats.add_argument(
        "--runs",
        metavar="N",
        type=int,
        default=200,
        help=_("random runs for the typical run (default 200; 0: none)"),
    )
    stats.add_argument(
        "--top",
        metavar="N",
        type=int,
        default=10,
        help=_("how many of the longest scenes to list (default 10; 0: all)"),
    )
    stats.add_argument("--json", action="store_true", help=_("print the statistics as JSON"))
    _lang_option(stats)

    new = commands.add_parser("new", help=_("start a new story or scene from a template that validates"))
    new_kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    new_story = new_kinds.add_parser("story", help=_("a new story folder with a small working story in it"))
    new_story.add_argument("name", help=_("the folder to create; its name is the story's id (e.g. scenes/my_escape)"))
    _lang_option(new_story)
    new_scene = new_kinds.add_parser("scene", help=_("a new scene in a story: a file of its own, or --file"))
    new_scene.add_argument("story", help=_("the story folder"))
    new_scene.add_argument("id", help=_("the new scene's id"))
    new_scene.add_argument(
        "--file",
        metavar="F",
        help=_("add the scene at the end of this scene file (relative to the story folder)"),
    )
    _lang_option(new_scene)

    schema = commands.add_parser("schema", help=_("write the JSON Schemas of story files (for editors)"))
    schema.add_argument("--out", metavar="DIR", default=".", help=_("the folder to write them to (default: here)"))
    schema.add_argument("--force", action="store_true", help=_("replace schema files already in DIR"))
    _lang_option(schema)

    rename = commands.add_parser(
        "rename", help=_("rename a scene, choice, variable or item everywhere: files, text, walkthroughs")
    )
    rename.add_argument(
        "kind",
        metavar="KIND",
        choices=("scene", "choice", "variable", "item"),
        help=_("scene, choice, variable or item"),
    )
    rename.add_argument("old", metavar="OLD", help=_("its id now (a choice: scene.choice)"))
    rename.add_argument("new", metavar="NEW", help=_("its new id"))
    rename.add_argument("story", metavar="STORY", help=_("a bundled story or a story folder"))
    rename.add_argument("--dry-run", action="store_true", help=_("show the changes as a diff and write nothing"))
    _lang_option(rename)

    validate = commands.add_parser("validate", help=_("check stories and report every problem"))
    validate.add_argument(
        "paths", nargs="*", metavar="STORY", help=_("story folders or bundled names (default: all bundled)")
    )
    validate.add_argument("--strict", action="store_true", help=_("fail on warnings too"))
    validate.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    validate.add_argument(
        "--watch", action="store_true", help=_("check again every time a file is saved (Ctrl-C stops)")
    )
    _lang_option(validate)

    serve = commands.add_parser(
        "serve", help=_("play in a browser: serve the game over HTTP (needs the web extra: escape-lines[web])")
    )
    serve.add_argument(
        "story", nargs="?", metavar="STORY", help=_("serve only this story (default: every bundled story)")
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help=_("the address to listen on (default: 127.0.0.1, this machine only)")
    )
    serve.add_argument("--port", type=int, default=8000, help=_("the port to listen on (default: 8000)"))
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help=_("a name the server answers to besides this machine's own (the public name of a proxy in front of it)"),
    )
    serve.add_argument(
        "--plain", action="store_true", help=_("open on the plain page (HTML text and buttons, for screen readers)")
    )
    serve.add_argument(
        "--data",
        metavar="DIR",
        help=_("where the players' saves are kept (default: $ESCAPE_SERVE_DATA, else served/ in your data folder)"),
    )
    serve.add_argument(
        "--max-players", type=int, default=500, metavar="N", help=_("the most players whose saves are kept (500)")
    )
    serve.add_argument(
        "--player-mb", type=int, default=20, metavar="MB", help=_("the most one player's saves may hold, in MB (20)")
    )
    serve.add_argument(
        "--expire-days",
        type=int,
        default=30,
        metavar="DAYS",
        help=_("a player's saves go after this many days unused (30)"),
    )
    serve.add_argument(
        "--max-games", type=int, default=16, metavar="N", help=_("full-screen games running at once (16)")
    )
    _lang_option(serve)

    # its --lang names a story's language (any code), not the interface's: that one goes before the command
    translate = commands.add_parser(
        "translate", help=_("a story's translations: extract the texts to translate, check them, count them")
    )
    actions = translate.add_subparsers(dest="action", metavar="ACTION", required=True)
    extract = actions.add_parser(
        "extract", help=_("write or bring up to date a language's translation file (i18n/CODE.yaml)")
    )
    extract.add_argument("story", help=_("a bundled story or a story folder"))
    check = actions.add_parser("check", help=_("report each translation's problems, stale and missing texts"))
    check.add_argument("story", nargs="?", help=_("a bundled story or a story folder (default: all bundled)"))
    check.add_argument("--strict", action="store_true", help=_("fail on warnings too"))
    stats = actions.add_parser("stats", help=_("count, per language, the texts done, stale and missing, and the words"))
    stats.add_argument("story", nargs="?", help=_("a bundled story or a story folder (default: all bundled)"))
    stats.add_argument("--json", action="store_true", help=_("print the statistics as JSON"))
    extract.add_argument("--lang", dest="lang_code", metavar="CODE", help=_("the language to translate into, e.g. it"))
    for action in (check, stats):
        action.add_argument(
            "--lang", dest="lang_code", metavar="CODE", help=_("only the translation into this language")
        )
    return parser


def _lang_option(command: argparse.ArgumentParser) -> None:
    """`--lang CODE` after a command (`escape play --lang it`), as well as before it."""
    command.add_argument("--lang", metavar="CODE", help=_lang_help())


# Marked here, translated where the parser is built (the language is chosen first: see `main`).
THEME_HELP = N_("the colours for this session only: textual-dark, textual-light or escape-high-contrast (o: settings)")
SAVES_HELP = N_("where saves are kept (default: $ESCAPE_SAVES, else saves/ of a source checkout or your data folder)")


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
    "translate": "translate",
    "serve": "serve",
}


VALUED = ("--saves", "--theme")  # the options before a command that take a value (and --lang)
STORY_LANGUAGE = ("translate",)  # the commands whose --lang names a story's language, not the interface's


def asked_language(argv: list[str]) -> str | None:
    """The code of the last `--lang CODE` or `--lang=CODE` in `argv` (before a `--`, and before the command
    when that command's --lang is a story's language), as typed; None when there is none. A look ahead of
    the parser, whose help is in the language chosen."""
    asked = None
    command = None
    skip = False
    for number, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--":
            break
        elif arg == "--lang":
            following = argv[number + 1] if number + 1 < len(argv) else "-"
            if not following.startswith("-"):
                asked, skip = following, True
        elif arg.startswith("--lang="):
            asked = arg.partition("=")[2]
        elif command is None and arg in VALUED:
            skip = True
        elif command is None and not arg.startswith("-"):
            command = arg
            if command in STORY_LANGUAGE:
                break
    return asked


def setting_language() -> str:
    """The language of the player's settings ("auto": the locale's)."""
    from game.saves.settings import Preferences

    return Preferences.load().settings.language


def language_for(asked: str | None) -> str:
    """The interface's language: `asked` (--lang), else the player's setting, else the locale, else English.
    An `asked` code the game does not know is an EscapeError that lists the ones it does."""
    from game import i18n
    from game.errors import EscapeError
    from game.model.shown import shown

    if asked is not None and i18n.normalize(asked) is None:
        codes = ", ".join(f"{code} ({name})" for code, name in i18n.LANGUAGES.items())
        raise EscapeError(
            _("there is no interface language '{code}'; the languages are: {codes}").format(
                code=shown(asked, 40), codes=codes
            )
        )
    return i18n.choose(asked, setting_language())


YES = ("y", "yes")  # always understood, whatever the language
YES_IN = {"it": ("s", "sì", "si", "sí")}  # and these in a language of their own


def is_yes(answer: str | None) -> bool:
    """Whether a typed answer says yes: y or yes, or the interface language's own word for it (Italian: s, sì)."""
    from game.i18n import language

    word = (answer or "").strip().lower()
    return word in YES or word in YES_IN.get(language(), ())


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a stream that cannot show a character shows '?' instead
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    from game import i18n
    from game.errors import EscapeError
    from game.model.shown import shown

    argv = sys.argv[1:] if argv is None else list(argv)
    try:  # the language first: the parser's help and messages are in it
        i18n.use(language_for(asked_language(argv)))
        args = _parser().parse_args(argv)
        # what the parser read decides (a command's --lang over the one before it): always a code the game knows
        args.lang_asked = getattr(args, "lang", None) or args.top_lang
        args.lang = i18n.use(language_for(getattr(args, "lang", None) or args.top_lang))
    except EscapeError as err:  # an unknown --lang: said in the language the player would have had
        i18n.use(i18n.choose(None, setting_language()))
        print(f"escape: error: {shown(str(err), None, multiline=True)}", file=sys.stderr)
        return 2
    if getattr(args, "saves", None) is None:  # `escape --saves DIR` (the title screen) and `escape --saves DIR play`
        args.saves = args.top_saves
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
        print("\nescape: " + _("interrupted"), file=sys.stderr)
        return 130

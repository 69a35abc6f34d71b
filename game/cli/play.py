"""`escape play` (and `escape` alone): the full-screen game, or plain text with --plain."""

from __future__ import annotations

import argparse
import os
import sys

from game.cli import saves_dir
from game.compiler.bundled import find_story
from game.errors import EscapeError
from game.i18n import _


def has_terminal() -> bool:
    """Whether the full-screen game can run: standard input and output are a terminal that draws, or a
    browser's (`escape serve` starts each game with Textual's web driver, over pipes)."""
    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return True
    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb"


def chosen_theme(args: argparse.Namespace) -> str | None:
    """The theme of --theme (after `play` or before it), checked; None: the saved setting."""
    from game.saves.settings import THEMES

    theme: str | None = getattr(args, "theme", None) or getattr(args, "top_theme", None)
    if theme is not None and theme not in THEMES:
        raise EscapeError(
            _("there is no theme {name}; the themes are: {themes}").format(name=repr(theme), themes=", ".join(THEMES))
        )
    return theme


def run(args: argparse.Namespace) -> int:
    story = getattr(args, "story", None)
    theme = chosen_theme(args)
    saves = saves_dir(getattr(args, "saves", None))
    if story is not None:
        find_story(story)  # a story that is not there is an error before any screen is drawn
    plain = getattr(args, "plain", False)
    if not plain and not getattr(args, "watch", False) and not has_terminal():
        why = _("no terminal to draw on (input or output is not one, or TERM=dumb): playing in plain text")
        print(f"escape: {why}", file=sys.stderr)
        plain = True
    if plain:
        from game.cli.plain import run_plain

        if getattr(args, "watch", False):
            raise EscapeError(_("--watch is a live preview in the full-screen game; leave out --plain"))
        return run_plain(story, seed=getattr(args, "seed", None), saves=saves, resume=getattr(args, "resume", False))
    from game.tui import make_app

    app = make_app(
        story,
        saves=saves,
        seed=getattr(args, "seed", None),
        resume=getattr(args, "resume", False),
        watch=getattr(args, "watch", False),
        theme=theme,
        offer_import=not (getattr(args, "saves", None) or os.environ.get("ESCAPE_SAVES")),
    )
    app.run()
    return app.return_code or 0

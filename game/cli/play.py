"""`escape play` (and `escape` alone): the full-screen game, or plain text with --plain."""

from __future__ import annotations

import argparse

from game.cli import saves_dir
from game.errors import EscapeError


def run(args: argparse.Namespace) -> int:
    story = getattr(args, "story", None)
    saves = saves_dir(getattr(args, "saves", None))
    if getattr(args, "plain", False):
        from game.cli.plain import run_plain

        if args.watch:
            raise EscapeError("--watch is a live preview in the full-screen game; leave out --plain")
        return run_plain(story, seed=args.seed, saves=saves, resume=args.resume)
    from game.tui import make_app

    app = make_app(
        story,
        saves=saves,
        seed=getattr(args, "seed", None),
        resume=getattr(args, "resume", False),
        watch=getattr(args, "watch", False),
    )
    app.run()
    return app.return_code or 0

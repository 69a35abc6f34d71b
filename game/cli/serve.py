"""`escape serve`: the game in a browser (see game.web). Needs the web extra: `pip install "escape-lines[web]"`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game.compiler.bundled import bundled_stories, find_story
from game.errors import EscapeError
from game.i18n import _

DATA_ENVIRONMENT = "ESCAPE_SERVE_DATA"


def data_folder(chosen: str | None) -> Path:
    """Where the players' folders go: --data, $ESCAPE_SERVE_DATA, or served/ in the user's data folder."""
    if chosen or os.environ.get(DATA_ENVIRONMENT):
        return Path(chosen or os.environ[DATA_ENVIRONMENT])
    from platformdirs import user_data_path

    return user_data_path("escape-lines", appauthor=False) / "served"


def checked(args: argparse.Namespace) -> None:
    """Every number in range, before anything starts."""
    if not 1 <= args.port <= 65535:
        raise EscapeError(_("--port must be a port number, 1 to 65535"))
    for option, value in (
        ("--max-players", args.max_players),
        ("--player-mb", args.player_mb),
        ("--expire-days", args.expire_days),
        ("--max-games", args.max_games),
    ):
        if not 1 <= value <= 1_000_000:
            raise EscapeError(_("{option} must be a whole number from 1 to 1,000,000").format(option=option))


def run(args: argparse.Namespace) -> int:
    checked(args)
    if args.story is not None:
        folder = find_story(args.story)
        stories = {folder.name: folder}
    else:
        stories = bundled_stories()
        if not stories:
            raise EscapeError(_("no bundled stories found; name a story folder"))
    try:
        from game.web.server import is_local, serve
    except ImportError as err:
        raise EscapeError(
            _(
                "escape serve needs the web extra ({missing} is not installed): "
                'pip install "escape-lines[web]", or make serve in a source checkout'
            ).format(missing=err.name or err)
        ) from None
    if not is_local(args.host):
        warning = _(
            "warning: listening on {host}, not on this machine alone: anyone who can reach it can play and "
            "upload saves. Nothing is encrypted; put it behind a proxy with HTTPS and a password to share it."
        )
        print(f"escape: {warning.format(host=args.host)}", file=sys.stderr)
    try:
        serve(
            stories,
            data_folder(args.data),
            host=args.host,
            port=args.port,
            lang=getattr(args, "lang_asked", None),
            plain=args.plain,
            max_players=args.max_players,
            quota_bytes=args.player_mb * 1024 * 1024,
            expire_days=args.expire_days,
            max_games=args.max_games,
            allowed_hosts=tuple(args.allow_host),
        )
    except OSError as err:
        raise EscapeError(
            _("cannot listen on {host}:{port}: {reason}; choose another --port").format(
                host=args.host, port=args.port, reason=err.strerror or err
            )
        ) from None
    return 0

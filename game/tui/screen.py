"""The base of the game's screens: a Textual screen whose `app` is the game's app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from game.tui.app import EscapeApp


class GameScreen(Screen[None]):
    """A full screen of the game (screens call the app, which calls the engine)."""

    if TYPE_CHECKING:
        app: EscapeApp  # for the type checker: the app these screens run in

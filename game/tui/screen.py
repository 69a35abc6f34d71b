"""The base of the game's screens: a Textual screen whose `app` is the game's app."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import Header

if TYPE_CHECKING:
    from game.tui.app import EscapeApp


MENU_ICON = "≡"


class GameScreen(Screen[None]):
    """A full screen of the game (screens call the app, which calls the engine)."""

    HELP_TITLE = ""  # the screen's section in the help (game.tui.help), made from its bindings
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = []  # keys of its widgets that are not the screen's bindings

    if TYPE_CHECKING:
        app: EscapeApp  # for the type checker: the app these screens run in

    @on(Mount)
    def _menu_icon(self) -> None:
        for header in self.query(Header):
            header.icon = MENU_ICON  # clicked, it opens the game's commands (Textual's default is a bare "⭘")

"""The base of the game's screens: a Textual screen whose `app` is the game's app."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import Header
from textual.widgets._header import HeaderIcon

from game.i18n import N_, _
from game.tui.widgets import TEXTUAL_TEXTS, Footer

# `o` on the title and play screens (the footer leaves it out; the help lists it)
SETTINGS_BINDING = Binding(
    "o",
    "app.open_settings",
    N_("Settings"),
    show=False,
    tooltip=N_("theme, text width, side panel, transcript, language"),
)

if TYPE_CHECKING:
    from game.tui.app import EscapeApp


MENU_ICON = "≡"


class GameScreen(Screen[None]):
    """A full screen of the game (screens call the app, which calls the engine)."""

    HELP_TITLE = ""  # the screen's section in the help (game.tui.help), made from its bindings; marked with N_
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = []  # keys of its widgets that are not the screen's bindings

    if TYPE_CHECKING:
        app: EscapeApp  # for the type checker: the app these screens run in

    @on(Mount)
    def _menu_icon(self) -> None:
        for header in self.query(Header):
            header.icon = MENU_ICON  # clicked, it opens the game's commands (Textual's default is a bare "⭘")
        self.call_after_refresh(relabel_bars, self, False)  # once the icon has set its own (English) tooltip

    async def relabel(self) -> None:
        """Show every text of the screen in the interface's language now in use (EscapeApp.switch_language
        calls this on every screen of the stack). This default composes the screen afresh; screens that hold
        more than their compose makes (a list, a search, a run on screen) redraw in place instead."""
        await self.recompose()
        relabel_bars(self)


def relabel_bars(screen: Screen, footer: bool = True) -> None:
    """The header's icon's tooltip and (`footer`) the footer of `screen`, composed again in its own turn as
    Textual's footer does, in the language now in use."""
    for icon in screen.query(HeaderIcon):
        if icon.tooltip:
            icon.tooltip = _(TEXTUAL_TEXTS[1])  # "Open the command palette"
    if footer:
        screen.refresh_bindings()  # a footer composed afresh shows no key until the bindings are published
        for bar in screen.query(Footer):
            bar.refresh(recompose=True)

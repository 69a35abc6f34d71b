"""The settings screen: theme, text width, side panel and transcript mode. A change applies at once (the
screens below that render from the settings are redrawn) and is kept with the player's preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from game.model.shown import shown
from game.saves.settings import SIDE_PANEL, TEXT_WIDTHS, THEMES, Settings

if TYPE_CHECKING:
    from game.tui.app import EscapeApp

THEME_NAMES = {"textual-dark": "Dark", "textual-light": "Light", "escape-high-contrast": "High contrast"}
PANEL_NAMES = {"auto": "auto (hidden below 80 columns)", "shown": "always shown", "hidden": "hidden"}
LABEL_WIDTH = 14


def keep_settings(app: EscapeApp, settings: Settings) -> None:
    """Apply `settings` now (the theme, and a redraw of every screen that renders from them) and keep them;
    when they cannot be kept, say so once a session."""
    if settings.theme in app.available_themes:
        app.theme = settings.theme
    if not app.preferences.save(settings) and not app.settings_problem_told:
        app.settings_problem_told = True
        app.notify(
            f"Your settings apply now but will not be kept: {shown(app.preferences.problem, 300)}",
            title="Settings",
            severity="warning",
            timeout=10,
        )
    for screen in app.screen_stack:
        redraw = getattr(screen, "refresh_view", None)
        if redraw is not None:
            app.call_later(redraw)


def themes(app: EscapeApp) -> list[str]:
    """The game's themes this app has (the high-contrast one only once it is registered)."""
    return [name for name in THEMES if name in app.available_themes]


def widths(current: int) -> list[int]:
    """The text widths to step through: the usual ones, and the current one if the file chose another."""
    return sorted(set(TEXT_WIDTHS) | {current})


def describe(field: str, value: Any) -> str:
    if field == "theme":
        return f"{THEME_NAMES.get(value, shown(str(value), 40))}  ({shown(str(value), 40)})"
    if field == "text_width":
        return "full width" if value == 0 else f"{value} characters"
    if field == "side_panel":
        return PANEL_NAMES.get(value, str(value))
    return "on (earlier scenes stay above)" if value else "off"


ROWS = [("theme", "Theme"), ("text_width", "Text width"), ("side_panel", "Side panel"), ("transcript", "Transcript")]


class SettingsScreen(ModalScreen[None]):
    """The settings, one a row: Enter, Space or Right steps to the next value, Left to the one before."""

    HELP_TITLE = "Settings"
    HELP_EXTRA = [("↑ ↓", "choose a setting"), ("Enter", "its next value (or click it)")]
    BINDINGS = [
        Binding("right,space", "step(1)", "Next value", tooltip="the setting's next value (Enter too)"),
        Binding("left", "step(-1)", "Previous value", tooltip="the setting's value before"),
        Binding("escape,q,o", "close", "Close", tooltip="close: the settings are kept"),
    ]

    if TYPE_CHECKING:
        app: EscapeApp

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Settings", classes="dialog-title")
            yield OptionList(id="settings-list")
            yield Static(
                "Enter or →: next value   ←: previous   Esc: close\nChanges apply at once and are kept for next time.",
                id="settings-keys",
            )
            if self.app.preferences.problem:
                note = f"They cannot be kept: {shown(self.app.preferences.problem, 300)}"
                yield Static(Text(note), id="settings-problem", classes="error")

    def on_mount(self) -> None:
        self.show_settings()
        self.query_one(OptionList).focus()

    def show_settings(self) -> None:
        listing = self.query_one("#settings-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        for field, label in ROWS:
            prompt = Text.assemble((f"{label:<{LABEL_WIDTH}}", "bold"), describe(field, self.current(field)))
            listing.add_option(Option(prompt, id=field))
        listing.highlighted = highlighted if highlighted is not None else 0

    def current(self, field: str) -> Any:
        """The value in force: the theme on screen (--theme may have chosen it for this session), else the
        setting."""
        return self.app.theme if field == "theme" else getattr(self.app.settings, field)

    def values(self, field: str) -> list[Any]:
        current = self.current(field)
        if field == "theme":
            names = themes(self.app)
            return names if current in names else [current, *names]
        if field == "text_width":
            return list(widths(current))
        if field == "side_panel":
            return list(SIDE_PANEL)
        return [False, True]

    def action_step(self, by: int) -> None:
        listing = self.query_one("#settings-list", OptionList)
        if listing.highlighted is None:
            return
        field = ROWS[listing.highlighted][0]
        values = self.values(field)
        current = self.current(field)
        value = values[(values.index(current) + by) % len(values)]
        keep_settings(self.app, self.app.settings.changed(**{field: value}))
        self.show_settings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_step(1)

    def action_close(self) -> None:
        self.dismiss(None)

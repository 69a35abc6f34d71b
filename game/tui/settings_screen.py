"""The settings screen: theme, text width, side panel, transcript mode and the interface's language. A change
applies at once (the screens below that render from the settings are redrawn; a new language relabels every
screen, see EscapeApp.switch_language) and is kept with the player's preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from game.i18n import LANGUAGES, N_, _
from game.model.shown import shown
from game.saves.settings import SIDE_PANEL, TEXT_WIDTHS, THEMES, Settings

if TYPE_CHECKING:
    from game.tui.app import EscapeApp

# the names shown for the settings' values (translated where shown)
THEME_NAMES = {"textual-dark": N_("Dark"), "textual-light": N_("Light"), "escape-high-contrast": N_("High contrast")}
PANEL_NAMES = {"auto": N_("auto (hidden below 80 columns)"), "shown": N_("always shown"), "hidden": N_("hidden")}
AUTOMATIC = "auto"  # the language setting that follows the system's locale
LABEL_WIDTH = 14  # at least: a longer label (in another language) widens the column


def keep_settings(app: EscapeApp, settings: Settings) -> None:
    """Apply `settings` now (the theme, and a redraw of every screen that renders from them) and keep them;
    when they cannot be kept, say so once a session."""
    if settings.theme in app.available_themes:
        app.theme = settings.theme
    if not app.preferences.save(settings) and not app.settings_problem_told:
        app.settings_problem_told = True
        app.notify(
            _("Your settings apply now but will not be kept: {reason}").format(
                reason=shown(app.preferences.problem, 300)
            ),
            title=_("Settings"),
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
        name = _(THEME_NAMES[value]) if value in THEME_NAMES else shown(str(value), 40)
        return f"{name}  ({shown(str(value), 40)})"
    if field == "text_width":
        return _("full width") if value == 0 else _("{count} characters").format(count=value)
    if field == "side_panel":
        return _(PANEL_NAMES[value]) if value in PANEL_NAMES else str(value)
    if field == "language":  # each language in its own name, so that a player can find theirs
        return LANGUAGES[value] if value in LANGUAGES else _("Automatic (system)")
    return _("on (earlier scenes stay above)") if value else _("off")


ROWS = [
    ("theme", N_("Theme")),
    ("text_width", N_("Text width")),
    ("side_panel", N_("Side panel")),
    ("transcript", N_("Transcript")),
    ("language", N_("Language")),
]
KEYS = N_("Enter or →: next value   ←: previous   Esc: close\nChanges apply at once and are kept for next time.")


class SettingsScreen(ModalScreen[None]):
    """The settings, one a row: Enter, Space or Right steps to the next value, Left to the one before."""

    HELP_TITLE = N_("Settings")
    HELP_EXTRA = [("↑ ↓", N_("choose a setting")), ("Enter", N_("its next value (or click it)"))]
    BINDINGS = [
        Binding("right,space", "step(1)", N_("Next value"), tooltip=N_("the setting's next value (Enter too)")),
        Binding("left", "step(-1)", N_("Previous value"), tooltip=N_("the setting's value before")),
        Binding("escape,q,o", "close", N_("Close"), tooltip=N_("close: the settings are kept")),
    ]

    if TYPE_CHECKING:
        app: EscapeApp

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Settings"), id="settings-title", classes="dialog-title")
            yield OptionList(id="settings-list")
            yield Static(_(KEYS), id="settings-keys")
            if self.app.preferences.problem:
                yield Static(self.problem(), id="settings-problem", classes="error")

    def problem(self) -> Text:
        return Text(_("They cannot be kept: {reason}").format(reason=shown(self.app.preferences.problem, 300)))

    def on_mount(self) -> None:
        self.show_settings()
        self.query_one(OptionList).focus()

    async def relabel(self) -> None:
        """In place, not composed afresh: the keys pressed meanwhile still find the list."""
        self.query_one("#settings-title", Label).update(_("Settings"))
        self.query_one("#settings-keys", Static).update(_(KEYS))
        for note in self.query("#settings-problem").results(Static):
            note.update(self.problem())
        self.show_settings()

    def show_settings(self, highlighted: int | None = None) -> None:
        """The rows, each setting's name and value (the row `highlighted`, else the one now, stays highlighted)."""
        listing = self.query_one("#settings-list", OptionList)
        if highlighted is None:
            highlighted = listing.highlighted
        listing.clear_options()
        labels = [(field, _(label)) for field, label in ROWS]
        width = max(LABEL_WIDTH, *(len(label) + 2 for _field, label in labels))
        for field, label in labels:
            prompt = Text.assemble((f"{label:<{width}}", "bold"), describe(field, self.current(field)))
            listing.add_option(Option(prompt, id=field))
        listing.highlighted = highlighted if highlighted is not None else 0

    def current(self, field: str) -> Any:
        """The value in force: the theme on screen (--theme may have chosen it for this session), else the
        setting."""
        if field == "theme":
            return self.app.theme
        if field == "language":
            return self.app.language_setting
        return getattr(self.app.settings, field)

    def values(self, field: str) -> list[Any]:
        current = self.current(field)
        if field == "theme":
            names = themes(self.app)
            return names if current in names else [current, *names]
        if field == "text_width":
            return list(widths(current))
        if field == "side_panel":
            return list(SIDE_PANEL)
        if field == "language":
            return [AUTOMATIC, *LANGUAGES]
        return [False, True]

    def action_step(self, by: int) -> None:
        listing = self.query_one("#settings-list", OptionList)
        if listing.highlighted is None:
            return
        field = ROWS[listing.highlighted][0]
        values = self.values(field)
        current = self.current(field)
        value = values[(values.index(current) + by) % len(values)]
        if field == "language":
            self.app.switch_language(value)  # kept, and every screen relabelled in the new language
        else:
            keep_settings(self.app, self.app.settings.changed(**{field: value}))
        self.show_settings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_step(1)

    def action_close(self) -> None:
        self.dismiss(None)

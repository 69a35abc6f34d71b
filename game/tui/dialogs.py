"""Modal dialogs: help, save name, choosing a save, quit confirmation, story errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.errors import Diagnostic, SaveError, SaveExists
from game.i18n import N_, _, ngettext
from game.model.shown import shown
from game.saves.files import RUN, save_path
from game.saves.runs import SaveInfo, Unreadable, delete_save, list_saves, rename_save
from game.tui.widgets import plain_text

Section = tuple[str, list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class StoryNames:
    """What a list of saves shows of a save's story: its title, scene titles (with chapters), ending titles."""

    title: str
    scenes: dict[str, tuple[str, str]]
    endings: dict[str, str]


class HelpScreen(ModalScreen[None]):
    """The keys of every screen (made from their bindings, see game.tui.help), the screen the player came
    from first."""

    HELP_TITLE = N_("Help")
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", N_("Close"), tooltip=N_("close the help"))]

    def __init__(
        self,
        sections: list[Section],
        here: str = "",
        remake: Callable[[], tuple[list[Section], str]] | None = None,
    ) -> None:
        super().__init__()
        self.sections = sections
        self.here = here  # the title of the section of the screen the help was opened from
        self.remake = remake  # the sections and that title again, in the language now in use

    async def relabel(self) -> None:
        if self.remake is not None:
            self.sections, self.here = self.remake()
        await self.recompose()
        self.query_one("#dialog").focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(_("Keys"), classes="dialog-title")
            for title, keys in self.sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(width=14, no_wrap=True, style="bold")
                table.add_column(ratio=1)
                for key, meaning in keys:
                    table.add_row(key, meaning)
                label = _("{section} (this screen)").format(section=title) if title == self.here else title
                yield Label(label, classes="help-section")
                yield Static(table, classes="help-keys")
            yield Label(_("Up/Down or PgUp/PgDn scroll; Esc, q or ? closes."), classes="dim")

    def on_mount(self) -> None:
        self.query_one("#dialog").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class SaveNameScreen(ModalScreen[str | None]):
    """Ask for a save name; returns it, or None."""

    HELP_TITLE = N_("Naming a save")
    HELP_EXTRA = [("Enter", N_("save under the name typed"))]
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), tooltip=N_("cancel: nothing is saved"))]

    def __init__(self, key: str, default: str = "", heading: str | None = None):
        super().__init__()
        self.key = key
        self.default = default
        self.heading = heading  # None: "Save the run as", in the language in use

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(plain_text(self.heading or _("Save the run as")), classes="dialog-title")
            yield Input(value=self.default, placeholder=_("a name: letters, digits, spaces, - and _"), id="save-name")
            yield Label("", id="save-error")
            yield Label(_("Enter saves, Escape cancels."), classes="dim")

    async def relabel(self) -> None:
        typed = self.query_one("#save-name", Input).value
        await self.recompose()
        self.query_one("#save-name", Input).value = typed
        self.query_one("#save-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        try:
            save_path(".", self.key, name)
        except SaveError as err:
            self.query_one("#save-error", Label).update(plain_text(str(err), 300))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickSaveScreen(ModalScreen[SaveInfo | None]):
    """Choose a save: returns it, or None. `d` deletes the highlighted file and `r` renames a save (each
    asks first); files that cannot be read are listed with the reason, and can be deleted."""

    HELP_TITLE = N_("Lists of saves (load, continue, replay)")
    HELP_EXTRA = [("↑ ↓ Enter", N_("choose the highlighted save (or click it)"))]
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("close the list")),
        Binding("d", "delete", N_("Delete"), tooltip=N_("delete the highlighted file (asks first)")),
        Binding("r", "rename", N_("Rename"), tooltip=N_("rename the highlighted save")),
    ]

    def __init__(
        self,
        only: list[SaveInfo] | None,
        title: str,
        folder: Path | None,
        names: Callable[[SaveInfo], StoryNames | None] | None = None,
    ):
        super().__init__()
        self.names = names or (lambda info: None)  # a save's story's title, scene and ending titles, when known
        self.only = only  # these saves alone (the runs waiting), or None: everything in the folder
        self.heading = title
        self.folder = folder
        self.entries: list[SaveInfo | Unreadable] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(plain_text(self.heading), classes="dialog-title")
            yield Label("", id="save-list-empty")
            yield OptionList(id="save-list")
            yield Label(_("Enter chooses, d deletes, r renames, Escape cancels."), classes="dim")

    def on_mount(self) -> None:
        self.refresh_entries()

    async def relabel(self) -> None:
        highlighted = self.query_one("#save-list", OptionList).highlighted
        await self.recompose()
        self.refresh_entries()
        if highlighted is not None and highlighted < len(self.entries):
            self.query_one("#save-list", OptionList).highlighted = highlighted

    def refresh_entries(self) -> None:
        if self.only is not None:
            self.entries = [i for i in self.only if i.path.exists()]
        elif self.folder is not None:
            listing = list_saves(self.folder)
            self.entries = [*listing.saves, *listing.unreadable]
        options = self.query_one("#save-list", OptionList)
        options.clear_options()
        for number, entry in enumerate(self.entries):
            options.add_option(
                Option(_describe(entry, self.names, self.line_width()), id=str(number))
            )  # unreadable: can be deleted
        self.query_one("#save-list-empty", Label).update("" if self.entries else _("There are no saves yet."))
        if self.entries:
            options.highlighted = next((n for n, e in enumerate(self.entries) if isinstance(e, SaveInfo)), 0)
            options.focus()

    def line_width(self) -> int:
        """The room for a line of the list: the dialog is 76 columns or 95% of the screen, less its border,
        padding and the list's own (read from the screen's size, so it is right before the first layout)."""
        return max(20, min(76, self.app.size.width * 95 // 100) - 11)

    def on_resize(self) -> None:
        if self.entries:
            self.refresh_entries()

    def _highlighted(self) -> SaveInfo | Unreadable | None:
        index = self.query_one("#save-list", OptionList).highlighted
        return self.entries[index] if index is not None and index < len(self.entries) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        entry = self.entries[event.option_index]
        if isinstance(entry, SaveInfo):
            self.dismiss(entry)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_delete(self) -> None:
        entry = self._highlighted()
        if entry is None or self.folder is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes or self.folder is None:
                return
            try:
                delete_save(self.folder, entry.path)
            except SaveError as err:
                self.notify(shown(str(err), 300), severity="error", timeout=8)
                return
            self.notify(_("Deleted {file}.").format(file=shown(entry.path.name, 80)))
            self.refresh_entries()

        question = ConfirmScreen(_("Delete {file}?").format(file=shown(entry.path.name, 60)), _("It cannot be undone."))
        self.app.push_screen(question, answered)

    def action_rename(self) -> None:
        entry = self._highlighted()
        if not isinstance(entry, SaveInfo) or self.folder is None:
            return
        default = "" if entry.kind == RUN else shown(entry.name, 64)
        self.app.push_screen(
            SaveNameScreen(entry.key, default, _("Rename the save as")), lambda n: self._rename(entry, n)
        )

    def _rename(self, entry: SaveInfo, name: str | None, replace: bool = False) -> None:
        if name is None or self.folder is None:
            return
        try:
            target = rename_save(self.folder, entry.path, name, replace)
        except SaveExists as err:
            question = ConfirmScreen(f"{shown(str(err), 120)}.", _("Replace it?"))
            self.app.push_screen(question, lambda yes: self._rename(entry, name, True) if yes else None)
            return
        except SaveError as err:
            self.notify(shown(str(err), 300), severity="error", timeout=8)
            return
        self.notify(_("Renamed to {file}.").format(file=shown(target.name, 80)))
        if self.only is not None:  # a renamed run is a named save now: it no longer waits
            self.only = [i for i in self.only if i.path != entry.path]
        self.refresh_entries()


def where_it_stands(entry: SaveInfo, names: StoryNames | None) -> str:
    """ "at The Tunnel, Night two" or "ended: Home by Christmas": titles from the story when it could be
    loaded, else the ids the save holds."""
    if entry.ending is not None:
        return _("ended: {ending}").format(
            ending=names.endings.get(entry.ending, entry.ending) if names else entry.ending
        )
    if names is None or entry.scene not in names.scenes:
        return _("at {scene}").format(scene=entry.scene)
    title, chapter = names.scenes[entry.scene]
    if chapter:
        return _("at {scene}, {chapter}").format(scene=title, chapter=chapter)
    return _("at {scene}").format(scene=title)


def _describe(entry: SaveInfo | Unreadable, names: Callable[[SaveInfo], StoryNames | None], width: int) -> Content:
    """Two lines of the save list, each cut to `width` (long names end in an ellipsis, so nothing wraps):
    what the save is and when it was saved; the story and where its run stands."""
    if isinstance(entry, Unreadable):
        return Content.assemble(
            (shown(entry.path.name, 60), "bold"),
            ("  " + _("cannot be read:") + " ", "$text-error"),
            shown(entry.reason, 200),
        )
    known = names(entry)
    if entry.kind == RUN:
        what = ngettext("Run of {count} choice", "Run of {count} choices", entry.turns).format(count=entry.turns)
    else:
        what = entry.name
    what = shown(what, min(28, width))
    busy = " " + _("(open in another game)") if entry.in_use else ""
    saved = entry.saved.replace("T", " ").rstrip("Z")[:16]
    details = "  " + _("{saved} · {minutes} min").format(saved=saved, minutes=entry.play_seconds // 60) + busy
    story = shown(known.title if known else entry.story, max(8, min(24, width // 3)))
    where = shown(where_it_stands(entry, known), max(8, width - 5 - len(story)))
    return Content.assemble(
        (what, "bold"),
        (shown(details, max(1, width - len(what))), "$text-muted"),
        "\n  ",
        story,
        " · ",
        (where, "italic"),
    )


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; `y`/Enter on Yes, `n`/Escape for no. The question and the detail are shown as
    written (never as markup): they may hold names from a story or a save."""

    HELP_TITLE = N_("Questions")
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes"), tooltip=N_("yes (Enter on the Yes button)")),
        Binding("n,escape", "answer(False)", N_("No"), tooltip=N_("no")),
    ]

    def __init__(self, question: str, detail: str = ""):
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(plain_text(self.question), classes="dialog-title")
            if self.detail:
                yield Label(plain_text(self.detail))
            with Horizontal(classes="buttons"):
                yield Button(_("Yes (y)"), id="yes", variant="primary")
                yield Button(_("No (n)"), id="no")

    async def relabel(self) -> None:
        await self.recompose()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ErrorScreen(ModalScreen[None]):
    """A story that failed to load: its diagnostics, file, line and message."""

    BINDINGS = [Binding("escape,enter,q", "close", N_("Close"))]

    def __init__(
        self,
        heading: str,
        diagnostics: list[Diagnostic] | None = None,
        message: str = "",
        watching: bool = False,
        nothing_to_fix: bool = False,
    ):
        super().__init__()
        self.nothing_to_fix = nothing_to_fix  # the file is fine (a run open elsewhere): no "fix the file"
        self.heading = heading
        self.diagnostics = diagnostics or []
        self.message = message
        self.watching = watching

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = []
        if self.message:
            parts.append(shown(self.message, None, multiline=True) + "\n")
        for diag in self.diagnostics:
            parts.append((f"{shown(diag.path, None)}:{diag.line}:{diag.col}: ", "bold"))
            parts.append((f"{diag.severity}: ", "$text-error" if diag.is_error else "$text-warning"))
            parts.append(shown(f"{diag.message} [{diag.code}]", None) + "\n")
        text = Content.assemble(*parts)
        with VerticalScroll(id="dialog"):
            yield Label(plain_text(self.heading), classes="dialog-title error")
            yield Static(text, id="error-text")
            if self.watching:
                yield Label(
                    _("Fix the file and save it: this closes by itself and the run starts or goes on."), classes="dim"
                )
            elif self.nothing_to_fix:
                yield Label(_("Escape closes."), classes="dim")
            else:
                yield Label(_("Fix the file and try again. Escape closes."), classes="dim")

    async def relabel(self) -> None:
        await self.recompose()

    def action_close(self) -> None:
        self.dismiss(None)

"""Modal dialogs: help, save name, choosing a save, quit confirmation, story errors."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.errors import Diagnostic, SaveError, SaveExists
from game.model.shown import shown
from game.saves.files import RUN, save_path
from game.saves.runs import SaveInfo, Unreadable, delete_save, list_saves, rename_save
from game.tui.widgets import plain_text

KEYS = [
    (
        "Title screen",
        [
            ("Up/Down, Enter, or click", "choose a story"),
            ("c", "continue the story's unfinished run (which one, when there are several)"),
            ("l", "load a save (in the list: d deletes, r renames)"),
            ("r", "replay a save"),
            ("t", "switch light/dark theme"),
            ("q", "quit"),
        ],
    ),
    (
        "Playing",
        [
            ("1-9", "take that choice"),
            ("Up/Down, Enter, or click", "take the highlighted choice"),
            ("u", "undo the last choice"),
            ("s", "save the run under a name"),
            ("l", "load a save"),
            ("j", "the journal of the run (searchable)"),
            ("t", "switch light/dark theme"),
            ("Ctrl+P", "the command palette"),
            ("q or Escape", "quit to the title (the run is autosaved)"),
        ],
    ),
    (
        "Replaying",
        [
            ("Space", "play / pause"),
            ("Left/Right", "step back / forward"),
            ("+/-", "faster / slower"),
            ("g", "jump to a step"),
            ("o", "take over here: a new live run from this step"),
            ("Escape", "back"),
        ],
    ),
    ("Everywhere", [("? or F1", "this help"), ("Ctrl+Q", "quit at once")]),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        text = Text()
        for section, keys in KEYS:
            text.append(f"{section}\n", style="bold")
            for key, meaning in keys:
                text.append(f"  {key:<26}", style="bold cyan")
                text.append(f"{meaning}\n")
            text.append("\n")
        text.append("Press Escape to close.", style="dim")
        with VerticalScroll(id="dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(text)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class SaveNameScreen(ModalScreen[str | None]):
    """Ask for a save name; returns it, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, key: str, default: str = "", heading: str = "Save the run as"):
        super().__init__()
        self.key = key
        self.default = default
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(plain_text(self.heading), classes="dialog-title")
            yield Input(value=self.default, placeholder="a name: letters, digits, spaces, - and _", id="save-name")
            yield Label("", id="save-error")
            yield Label("Enter saves, Escape cancels.", classes="dim")

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

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("d", "delete", "Delete"),
        Binding("r", "rename", "Rename"),
    ]

    def __init__(
        self, only: list[SaveInfo] | None, title: str, folder: Path | None, scenes: dict[str, str] | None = None
    ):
        super().__init__()
        self.scenes = scenes or {}  # scene titles by id, when the story is known
        self.only = only  # these saves alone (the runs waiting), or None: everything in the folder
        self.heading = title
        self.folder = folder
        self.entries: list[SaveInfo | Unreadable] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(plain_text(self.heading), classes="dialog-title")
            yield Label("", id="save-list-empty")
            yield OptionList(id="save-list")
            yield Label("Enter chooses, d deletes, r renames, Escape cancels.", classes="dim")

    def on_mount(self) -> None:
        self.refresh_entries()

    def refresh_entries(self) -> None:
        if self.only is not None:
            self.entries = [i for i in self.only if i.path.exists()]
        elif self.folder is not None:
            listing = list_saves(self.folder)
            self.entries = [*listing.saves, *listing.unreadable]
        options = self.query_one("#save-list", OptionList)
        options.clear_options()
        for number, entry in enumerate(self.entries):
            options.add_option(Option(_describe(entry, self.scenes), id=str(number)))  # unreadable: can be deleted
        self.query_one("#save-list-empty", Label).update("" if self.entries else "There are no saves yet.")
        if self.entries:
            options.highlighted = next((n for n, e in enumerate(self.entries) if isinstance(e, SaveInfo)), 0)
            options.focus()

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
            self.notify(f"Deleted {shown(entry.path.name, 80)}.")
            self.refresh_entries()

        self.app.push_screen(ConfirmScreen(f"Delete {shown(entry.path.name, 60)}?", "It cannot be undone."), answered)

    def action_rename(self) -> None:
        entry = self._highlighted()
        if not isinstance(entry, SaveInfo) or self.folder is None:
            return
        default = "" if entry.kind == RUN else shown(entry.name, 64)
        self.app.push_screen(SaveNameScreen(entry.key, default, "Rename the save as"), lambda n: self._rename(entry, n))

    def _rename(self, entry: SaveInfo, name: str | None, replace: bool = False) -> None:
        if name is None or self.folder is None:
            return
        try:
            target = rename_save(self.folder, entry.path, name, replace)
        except SaveExists as err:
            question = ConfirmScreen(f"{shown(str(err), 120)}.", "Replace it?")
            self.app.push_screen(question, lambda yes: self._rename(entry, name, True) if yes else None)
            return
        except SaveError as err:
            self.notify(shown(str(err), 300), severity="error", timeout=8)
            return
        self.notify(f"Renamed to {shown(target.name, 80)}.")
        if self.only is not None:  # a renamed run is a named save now: it no longer waits
            self.only = [i for i in self.only if i.path != entry.path]
        self.refresh_entries()


def _describe(entry: SaveInfo | Unreadable, scenes: dict[str, str]) -> Text:
    """One line of the save list: what the save is, where its run stands, when it was saved."""
    if isinstance(entry, Unreadable):
        return Text.assemble(
            (shown(entry.path.name, 60), "bold"), ("  cannot be read: ", "red"), shown(entry.reason, 200)
        )
    what = f"Run of {entry.turns} choice{'s' * (entry.turns != 1)}" if entry.kind == RUN else shown(entry.name, 64)
    where = (
        f"ended: {shown(entry.ending, 60)}" if entry.ending else f"at {shown(scenes.get(entry.scene, entry.scene), 60)}"
    )
    busy = "  (open in another game)" if entry.in_use else ""
    saved = shown(entry.saved.replace("T", " ").rstrip("Z"), 30)
    return Text.assemble(
        (what, "bold"),
        f"  {shown(entry.story, 60)}  ",
        (where, "italic"),
        (f"  {saved}  {entry.play_seconds // 60} min played{busy}", "dim"),
    )


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; `y`/Enter on Yes, `n`/Escape for no. The question and the detail are shown as
    written (never as markup): they may hold names from a story or a save."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

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
                yield Button("Yes (y)", id="yes", variant="primary")
                yield Button("No (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ErrorScreen(ModalScreen[None]):
    """A story that failed to load: its diagnostics, file, line and message."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(
        self, heading: str, diagnostics: list[Diagnostic] | None = None, message: str = "", watching: bool = False
    ):
        super().__init__()
        self.heading = heading
        self.diagnostics = diagnostics or []
        self.message = message
        self.watching = watching

    def compose(self) -> ComposeResult:
        text = Text()
        if self.message:
            text.append(shown(self.message, None, multiline=True) + "\n")
        for diag in self.diagnostics:
            text.append(f"{shown(diag.path, None)}:{diag.line}:{diag.col}: ", style="bold")
            text.append(f"{diag.severity}: ", style="red" if diag.is_error else "yellow")
            text.append(shown(f"{diag.message} [{diag.code}]", None) + "\n")
        with VerticalScroll(id="dialog"):
            yield Label(plain_text(self.heading), classes="dialog-title error")
            yield Static(text, id="error-text")
            if self.watching:
                yield Label(
                    "Fix the file and save it: this closes by itself and the run starts or goes on.", classes="dim"
                )
            else:
                yield Label("Fix the file and try again. Escape closes.", classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)

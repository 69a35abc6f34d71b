"""Modal dialogs: help, save name, choosing a save, quit confirmation, story errors."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.errors import Diagnostic, SaveError
from game.saves.files import SaveInfo, save_path

KEYS = [
    (
        "Title screen",
        [
            ("Up/Down, Enter, or click", "choose a story"),
            ("c", "continue the story's autosaved run"),
            ("l", "load a save"),
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

    def __init__(self, story_id: str, default: str = ""):
        super().__init__()
        self.story_id = story_id
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Save the run as", classes="dialog-title")
            yield Input(value=self.default, placeholder="a name: letters, digits, spaces, - and _", id="save-name")
            yield Label("", id="save-error")
            yield Label("Enter saves, Escape cancels.", classes="dim")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        try:
            save_path(".", self.story_id, name)
        except SaveError as err:
            self.query_one("#save-error", Label).update(str(err))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickSaveScreen(ModalScreen[SaveInfo | None]):
    """Choose one of the saves; returns it, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, saves: list[SaveInfo], title: str):
        super().__init__()
        self.saves = saves
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.heading, classes="dialog-title")
            if not self.saves:
                yield Label("There are no saves yet.")
            options = []
            for i, info in enumerate(self.saves):
                minutes = info.play_seconds // 60
                prompt = Text.assemble(
                    (f"{info.name}", "bold"),
                    f"  {info.story}  ",
                    (f"at {info.scene}", "italic"),
                    (f"  {info.saved.replace('T', ' ').rstrip('Z')}  {minutes} min played", "dim"),
                )
                options.append(Option(prompt, id=str(i)))
            yield OptionList(*options, id="save-list")
            yield Label("Enter chooses, Escape cancels.", classes="dim")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.saves[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; `y`/Enter on Yes, `n`/Escape for no."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str, detail: str = ""):
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, classes="dialog-title")
            if self.detail:
                yield Label(self.detail)
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
            text.append(self.message + "\n")
        for diag in self.diagnostics:
            text.append(f"{diag.path}:{diag.line}:{diag.col}: ", style="bold")
            text.append(f"{diag.severity}: ", style="red" if diag.is_error else "yellow")
            text.append(f"{diag.message} [{diag.code}]\n")
        with VerticalScroll(id="dialog"):
            yield Label(self.heading, classes="dialog-title error")
            yield Static(text, id="error-text")
            if self.watching:
                yield Label(
                    "Fix the file and save it: this closes by itself and the run starts or goes on.", classes="dim"
                )
            else:
                yield Label("Fix the file and try again. Escape closes.", classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)

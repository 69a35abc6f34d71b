"""The play screen: the scene, its choices and the side panel. It calls the session and renders from its state."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label

from game.errors import EngineError, SaveError, SaveExists
from game.model.shown import shown
from game.saves.session import Session
from game.tui.dialogs import ConfirmScreen, SaveNameScreen
from game.tui.screen import GameScreen
from game.tui.widgets import ChoiceList, Prose, StatePanel, plain_text


def prose(outcome: str, text: str) -> str:
    """The Markdown shown for a scene: the last choice's outcome as a quotation, then the scene."""
    if not outcome:
        return text
    quoted = "\n".join(f"> {line}" if line else ">" for line in outcome.strip().splitlines())
    return f"{quoted}\n\n{text}"


class PlayScreen(GameScreen):
    """One live run."""

    BINDINGS = [
        *[Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)],
        Binding("u", "undo", "Undo"),
        Binding("s", "save", "Save"),
        Binding("l", "app.load", "Load"),
        Binding("j", "journal", "Journal"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("t", "app.toggle_dark", "Theme", show=False),
        Binding("q,escape", "leave", "Quit"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.outcome = ""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="story"):
                yield Label("", id="scene-title")
                with VerticalScroll(id="prose-scroll"):
                    yield Prose(id="prose")
                yield ChoiceList(id="choices")
            yield StatePanel(id="panel")
        yield Footer()

    async def on_mount(self) -> None:
        self.title = shown(self.session.story.title, None)
        await self.refresh_view()

    async def refresh_view(self) -> None:
        """Render everything from the run's state."""
        game = self.session.game
        scene = game.scene
        self.sub_title = shown(scene.chapter, None)
        self.query_one("#scene-title", Label).update(plain_text(scene.title))
        await self.query_one("#prose", Prose).update(prose(self.outcome, game.text()))
        self.query_one("#prose-scroll", VerticalScroll).scroll_home(animate=False)
        choices = self.query_one(ChoiceList)
        choices.show(game.choices())
        choices.focus()
        self.query_one(StatePanel).show(game)
        for message in self.session.news():  # saving off, or nearly full: said once each
            self.notify(shown(message, 400), severity="warning", timeout=8)
        if game.is_over:
            self.app.show_ending(self.session)

    async def take(self, choice_id: str) -> None:
        try:
            step = self.session.choose(choice_id)
        except EngineError as err:
            self.notify(str(err), severity="error")
            return
        self.outcome = step.outcome
        await self.refresh_view()

    async def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        await self.take(message.choice_id)

    async def action_pick(self, number: int) -> None:
        enabled = [o for o in self.session.game.choices() if o.enabled]
        if 1 <= number <= len(enabled):
            await self.take(enabled[number - 1].id)
        else:
            self.app.bell()

    async def action_undo(self) -> None:
        if not self.session.game.can_undo():
            self.notify("Nothing to undo.")
            return
        self.session.undo()
        self.outcome = ""
        await self.refresh_view()
        self.notify("You take back your last choice.")

    def action_save(self) -> None:
        def saved(name: str | None, replace: bool = False) -> None:
            if name is None:
                return
            try:
                path = self.session.save_as(name, replace)
            except SaveExists as err:
                question = ConfirmScreen(f"{shown(str(err), 120).capitalize()}.", "Replace it with this run?")
                self.app.push_screen(question, lambda yes: saved(name, True) if yes else None)
                return
            except SaveError as err:
                self.notify(shown(str(err), 300), severity="error", timeout=8)
                return
            self.notify(f"Saved as '{name}' ({shown(path.name, 80)}).")

        self.app.push_screen(SaveNameScreen(self.session.key), saved)

    def action_journal(self) -> None:
        from game.tui.journal_screen import JournalScreen

        self.app.push_screen(JournalScreen(self.session.game))

    def action_leave(self) -> None:
        if not self.session.saving:
            detail = f"Saving is off ({shown(self.session.save_problem or '', 200)}): this run will be lost."
        elif self.session.run_file is None:
            detail = "You have made no choice yet: there is nothing to keep."
        else:
            detail = "Your run is saved; choose Continue on the title screen to carry on."

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.back_to_title()

        self.app.push_screen(ConfirmScreen("Leave this run?", detail), answered)

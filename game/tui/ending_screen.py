"""The ending screen: the ending, a summary of the run, and the endings found so far."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header

from game.model.shown import shown
from game.saves.session import Session
from game.tui.screen import GameScreen
from game.tui.widgets import Prose

KIND = {"good": "An escape", "bad": "A fall", "bittersweet": "A bitter escape", "neutral": "An ending"}


def ending_markdown(session: Session) -> str:
    game, story = session.game, session.story
    ending = game.ending
    assert ending is not None  # this screen shows a finished run
    run = game.run
    found = set(session.endings_found()) | {ending.id}
    lines = [
        f"# {ending.title}",
        f"*{KIND.get(ending.kind, 'An ending')}{', as the film tells it' if ending.canon else ''}.*",
        "",
        game.text().strip(),
        "",
        "---",
        "",
        "## Your run",
        "",
        f"- Choices made: {run.turn}",
        f"- Scenes visited: {len(run.visits)} of {len(story.scenes)}",
        f"- Seed: {run.seed} (the same seed and choices replay the run exactly)",
    ]
    for variable in story.variables.values():
        if variable.show == "stat":
            lines.append(f"- {variable.label}: {run.variables[variable.name]}")
    companions = [v.label for v in story.variables.values() if v.show == "companion" and run.variables[v.name]]
    lines.append(f"- With you at the end: {', '.join(companions) if companions else 'no one'}")
    lines += ["", f"## Endings found: {len(found)} of {len(story.endings)}", ""]
    for other in story.endings.values():
        lines.append(f"- {other.title}" if other.id in found else "- ???")
    lines += ["", "*p: play again · r: replay this run · j: journal · u: undo · q or Escape: title*"]
    return "\n".join(lines)


class EndingScreen(GameScreen):
    HELP_TITLE = "Ending"
    HELP_EXTRA = [("↑ ↓ PgUp PgDn", "scroll the ending and the run's summary")]
    BINDINGS = [
        Binding("p", "again", "Play again", tooltip="a new run of the same story"),
        Binding("r", "replay", "Replay", tooltip="watch this run again, step by step"),
        Binding("j", "journal", "Journal", show=False, tooltip="the journal of this run (searchable)"),
        Binding("u", "undo", "Undo", show=False, tooltip="take back the last choice and play on"),
        Binding("q,escape", "title", "Title", tooltip="back to the title screen (Ctrl+Q quits the game)"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ending-scroll"):
            yield Prose(ending_markdown(self.session), id="ending-text")
        yield Footer()

    def on_mount(self) -> None:
        self.title = shown(self.session.story.title, None)
        self.sub_title = "The end"

    def action_again(self) -> None:
        self.app.new_run(self.session.story.id, story=self.session.story)

    def action_replay(self) -> None:
        game = self.session.game
        self.app.open_replay(self.session.story, game.run.seed, list(game.run.log))

    def action_journal(self) -> None:
        from game.tui.journal_screen import JournalScreen

        self.app.push_screen(JournalScreen(self.session.game))

    def action_undo(self) -> None:
        self.session.undo()
        self.app.resume_session(self.session)

    def action_title(self) -> None:
        self.app.back_to_title()

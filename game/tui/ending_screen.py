"""The ending screen: the ending, a summary of the run, and the endings found so far."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from game.i18n import N_, _, pgettext
from game.model.shown import shown
from game.saves.session import Session
from game.tui.screen import GameScreen, relabel_bars
from game.tui.widgets import Footer, Prose

# what kind of ending a story's ending is, by its `kind` (translated where shown: see `kind_of`)
KIND = {"good": N_("An escape"), "bad": N_("A fall"), "bittersweet": N_("A bitter escape"), "neutral": N_("An ending")}


def kind_of(kind: str, canon: bool, lower: bool = False) -> str:
    """ "An escape", or "an escape, as the film tells it" for the film's own ending (`lower`: for inside a
    line), in the language in use."""
    words = _(KIND.get(kind, KIND["neutral"]))
    if lower:
        words = words.lower()
    return _("{kind}, as the film tells it").format(kind=words) if canon else words


def together(names: list[str]) -> str:
    """Names as a list in a line: "Maréchal, Rosenthal"."""
    return pgettext("list separator", ", ").join(names)


def ending_markdown(session: Session) -> str:
    game, story = session.game, session.story
    ending = game.ending
    assert ending is not None  # this screen shows a finished run
    run = game.run
    found = set(session.endings_found()) | {ending.id}
    summary = [
        _("Choices made: {count}").format(count=run.turn),
        _("Scenes visited: {visited} of {total}").format(visited=len(run.visits), total=len(story.scenes)),
        _("Seed: {seed} (the same seed and choices replay the run exactly)").format(seed=run.seed),
    ]
    for variable in story.variables.values():
        if variable.show == "stat":
            summary.append(f"{variable.label}: {run.variables[variable.name]}")
    companions = [v.label for v in story.variables.values() if v.show == "companion" and run.variables[v.name]]
    with_you = together(companions) if companions else _("no one")
    summary.append(_("With you at the end: {names}").format(names=with_you))
    endings = _("Endings found: {found} of {total}").format(found=len(found), total=len(story.endings))
    keys = _("p: play again · r: replay this run · j: journal · u: undo · q or Escape: title")
    lines = [
        f"# {ending.title}",
        f"*{kind_of(ending.kind, ending.canon)}.*",
        "",
        game.text().strip(),
        "",
        "---",
        "",
        "## " + _("Your run"),
        "",
        *(f"- {line}" for line in summary),
        "",
        f"## {endings}",
        "",
    ]
    for other in story.endings.values():
        lines.append(f"- {other.title}" if other.id in found else "- ???")
    lines += ["", f"*{keys}*"]
    return "\n".join(lines)


class EndingScreen(GameScreen):
    HELP_TITLE = N_("Ending")
    HELP_EXTRA = [("↑ ↓ PgUp PgDn", N_("scroll the ending and the run's summary"))]
    BINDINGS = [
        Binding("p", "again", N_("Play again"), tooltip=N_("a new run of the same story")),
        Binding("r", "replay", N_("Replay"), tooltip=N_("watch this run again, step by step")),
        Binding("j", "journal", N_("Journal"), show=False, tooltip=N_("the journal of this run (searchable)")),
        Binding("u", "undo", N_("Undo"), show=False, tooltip=N_("take back the last choice and play on")),
        Binding("q,escape", "title", N_("Title"), tooltip=N_("back to the title screen (Ctrl+Q quits the game)")),
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?"),
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
        self.sub_title = _("The end")

    async def relabel(self) -> None:
        self.on_mount()
        await self.query_one("#ending-text", Prose).update(ending_markdown(self.session))
        relabel_bars(self)

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

"""The journal screen: the run so far, scene by scene, with a search box."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label

from game.engine.game import Game
from game.engine.journal import Entry, journal
from game.tui.widgets import Prose


def entries_markdown(entries: list[Entry], query: str = "") -> str:
    shown = [e for e in entries if not query or e.matches(query)]
    if not shown:
        return f"*Nothing in the journal matches “{query}”.*"
    parts = []
    for entry in shown:
        heading = f"### {entry.number + 1}. {entry.title}" + (f" ({entry.chapter})" if entry.chapter else "")
        parts.append(heading)
        parts.append(entry.text.strip())
        if entry.choice:
            parts.append(f"**You chose:** {entry.choice}")
        if entry.outcome:
            parts.append(f"> {entry.outcome.strip()}")
        parts.append("---")
    return "\n\n".join(parts)


class JournalScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("ctrl+f", "search", "Search")]

    def __init__(self, game: Game):
        super().__init__()
        self.entries = journal(game)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Journal: {len(self.entries)} scenes", id="journal-title")
        yield Input(placeholder="Search the journal (words in scenes, choices or outcomes)", id="journal-search")
        with VerticalScroll(id="journal-scroll"):
            yield Prose(entries_markdown(self.entries), id="journal-text")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Journal"
        self.query_one("#journal-scroll", VerticalScroll).scroll_end(animate=False)

    async def on_input_changed(self, event: Input.Changed) -> None:
        await self.query_one("#journal-text", Prose).update(entries_markdown(self.entries, event.value.strip()))

    def action_search(self) -> None:
        self.query_one(Input).focus()

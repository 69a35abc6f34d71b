"""The title screen: the stories with their blurbs and the endings found, and the ways into a run."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from game.compiler.loader import read_manifest
from game.model.shown import shown
from game.tui.screen import GameScreen

LOGO = "E S C A P E   L I N E S"
TAGLINE = "Escapes from the Great War, told as interactive fiction"


class TitleScreen(GameScreen):
    BINDINGS = [
        Binding("enter", "play", "Play", show=True, priority=False),
        Binding("c", "continue", "Continue"),
        Binding("l", "app.load", "Load"),
        Binding("r", "app.replay", "Replay"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("t", "app.toggle_dark", "Theme", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Label(LOGO, id="logo")
            yield Label(TAGLINE, id="tagline")
            yield OptionList(id="stories")
            yield Label("Enter: play   c: continue   l: load   r: replay   ?: help   q: quit", id="title-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_stories()

    def on_screen_resume(self) -> None:
        self.refresh_stories()

    def refresh_stories(self) -> None:
        """List the stories, each with its blurb, the endings found and how many unfinished runs wait."""
        stories = self.query_one("#stories", OptionList)
        highlighted = stories.highlighted
        stories.clear_options()
        waiting_by_key = self.app.waiting_by_key()  # the saves folder read once, not once per story
        for name, folder in self.app.stories.items():
            story = read_manifest(folder)
            if story is None:
                prompt = Text.assemble(
                    (shown(name, 80), "bold"), ("  (its story.yaml cannot be read: choose it to see why)", "red")
                )
                stories.add_option(Option(prompt, id=name))
                continue
            key = self.app.story_key(name, story.id)
            found = len(self.app.endings_found(key))
            waiting = waiting_by_key[key]
            resume = {0: "", 1: "  ·  a run is waiting: press c"}.get(
                waiting, f"  ·  {waiting} runs are waiting: press c"
            )
            prompt = Text.assemble(
                (shown(story.title, None), "bold"),
                "\n",
                (shown(story.blurb, None, multiline=True), ""),
                "\n",
                (f"Endings found: {found} of {story.endings}{resume}", "dim italic"),
                "\n",
            )
            stories.add_option(Option(prompt, id=name))
        stories.highlighted = highlighted if highlighted is not None else 0
        stories.focus()

    def selected(self) -> str | None:
        stories = self.query_one("#stories", OptionList)
        if stories.highlighted is None:
            return None
        return stories.get_option_at_index(stories.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.new_run(event.option.id, seed=self.app.start_seed)

    def action_play(self) -> None:
        name = self.selected()
        if name:
            self.app.new_run(name, seed=self.app.start_seed)

    def action_continue(self) -> None:
        name = self.selected()
        if name:
            self.app.continue_run(name)

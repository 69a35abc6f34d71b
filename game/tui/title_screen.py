"""The title screen: the stories with their blurbs and the endings found, and the ways into a run."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from game import i18n
from game.compiler.loader import read_manifest
from game.i18n import N_, _, ngettext
from game.model.shown import shown
from game.saves.endings import read_record
from game.tui.screen import SETTINGS_BINDING, GameScreen, relabel_bars
from game.tui.widgets import Footer

LOGO = "E S C A P E   L I N E S"
GALLERY, SETTINGS = "menu:gallery", "menu:settings"  # the menu entries under the stories (never a story's name)
MENU = {GALLERY: N_("Endings gallery   (e)"), SETTINGS: N_("Settings   (o)")}  # translated where shown
TAGLINE = N_("Escapes from the Great War, told as interactive fiction")
KEYS = N_("Enter play · c continue · l load · r replay · e endings · o settings")


class TitleScreen(GameScreen):
    HELP_TITLE = N_("Title screen")
    HELP_EXTRA = [("↑ ↓ Enter", N_("choose a story (or click it)"))]
    BINDINGS = [
        Binding(
            "enter", "play", N_("Play"), show=True, priority=False, tooltip=N_("a new run of the highlighted story")
        ),
        Binding(
            "c", "continue", N_("Continue"), tooltip=N_("continue the story's unfinished run (asks which, if several)")
        ),
        Binding("l", "app.load", N_("Load"), tooltip=N_("load a save (in the list: d deletes, r renames)")),
        Binding("r", "app.replay", N_("Replay"), tooltip=N_("replay a save, step by step")),
        Binding("e", "app.gallery", N_("Endings"), show=False, tooltip=N_("the endings gallery: found and locked")),
        SETTINGS_BINDING,
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?"),
        Binding("t", "app.toggle_dark", N_("Theme"), show=False, tooltip=N_("switch the light and dark themes")),
        Binding("q", "app.quit", N_("Quit"), tooltip=N_("quit the game")),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Label(LOGO, id="logo")
            yield Label(_(TAGLINE), id="tagline")
            yield OptionList(id="stories")
            yield Label(_(KEYS), id="title-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_stories()

    def on_screen_resume(self) -> None:
        self.refresh_stories()

    async def relabel(self) -> None:
        self.query_one("#tagline", Label).update(_(TAGLINE))
        self.query_one("#title-keys", Label).update(_(KEYS))
        self.refresh_stories()
        relabel_bars(self)

    def refresh_stories(self) -> None:
        """List the stories, each with its blurb, the endings found and how many unfinished runs wait."""
        stories = self.query_one("#stories", OptionList)
        highlighted = stories.highlighted
        stories.clear_options()
        waiting_by_key = self.app.waiting_by_key()  # the saves folder read once, not once per story
        record = read_record(self.app.saves)  # and the endings record
        for name, folder in self.app.stories.items():
            story = read_manifest(folder, i18n.language())
            if story is None:
                unreadable = Content.assemble(
                    (shown(name, 80), "bold"),
                    ("  (" + _("its story.yaml cannot be read: choose it to see why") + ")", "$text-error"),
                )
                stories.add_option(Option(unreadable, id=name))
                continue
            key = self.app.story_key(name, story.id)
            found = len(record.story(key).found)
            waiting = waiting_by_key[key]
            line = _("Endings found: {found} of {total}").format(found=found, total=story.endings)
            if waiting:
                line += "  ·  " + ngettext(
                    "a run is waiting: press c", "{count} runs are waiting: press c", waiting
                ).format(count=waiting)
            prompt = Text.assemble(
                (shown(story.title, None), "bold"),
                "\n",
                (shown(story.blurb, None, multiline=True), ""),
                "\n",
                (line, "italic"),
                "\n",
            )
            stories.add_option(Option(prompt, id=name))
        stories.add_options([None, *(Option(_(prompt), id=key) for key, prompt in MENU.items())])
        stories.highlighted = highlighted if highlighted is not None else 0
        stories.focus()

    def selected(self) -> str | None:
        """The story highlighted (None on a menu entry)."""
        stories = self.query_one("#stories", OptionList)
        if stories.highlighted is None:
            return None
        name = stories.get_option_at_index(stories.highlighted).id
        return None if name in MENU else name

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_entry(event.option.id)

    def action_play(self) -> None:
        stories = self.query_one("#stories", OptionList)
        if stories.highlighted is not None:
            self.open_entry(stories.get_option_at_index(stories.highlighted).id)

    def open_entry(self, name: str | None) -> None:
        """Play the story chosen, or open the menu entry chosen."""
        if name == GALLERY:
            self.app.action_gallery()
        elif name == SETTINGS:
            self.app.action_open_settings()
        elif name:
            self.app.new_run(name, seed=self.app.start_seed)

    def action_continue(self) -> None:
        name = self.selected()
        if name:
            self.app.continue_run(name)

"""The play screen: the scene, its choices and the side panel. It calls the session and renders from its state."""

from __future__ import annotations

import io
import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Header, Label

from game.engine.game import Step
from game.engine.journal import Entry, journal
from game.errors import EngineError, SaveError, SaveExists
from game.i18n import N_, _
from game.model.shown import shown
from game.saves.session import Session
from game.tools.consequences import change_notes, changed_names
from game.tui.dialogs import ConfirmScreen, SaveNameScreen
from game.tui.numbering import Numbering
from game.tui.screen import SETTINGS_BINDING, GameScreen, relabel_bars
from game.tui.widgets import ChoiceList, Footer, Prose, StatePanel, TranscriptEntry, plain_text

PUNCTUATION = re.compile(r"([!-/:-@\\[-`{-~])")
HIGHLIGHT_SECONDS = 4.0  # how long the side panel marks what the last choice changed
NARROW = 80  # below this many columns the side panel hides itself (side panel setting "auto")


def literal(text: str) -> str:
    """Text from a story that must read as it is written inside Markdown (a choice, a title, an item name):
    every ASCII punctuation mark escaped, so nothing in it becomes emphasis, a link or a heading."""
    return PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def prose(
    outcome: str,
    text: str,
    notes: list[str] | tuple[str, ...] = (),
    title: str = "",
    choice: str = "",
    arrival: list[str] | tuple[str, ...] = (),
) -> str:
    """The Markdown shown for a scene: the last choice's outcome as a quotation, what it changed (`notes`)
    in one italic line under it, then the scene, and under it what entering the scene changed (`arrival`).
    In transcript mode the choice taken comes first, and the scene's `title` above its text."""
    parts = [f"**▸ {literal(choice)}**"] if choice else []
    if outcome.strip():
        parts.append("\n".join(f"> {line}" if line else ">" for line in outcome.strip().splitlines()))
    if notes:
        parts.append(f"*{literal(' '.join(notes))}*")
    if title:
        parts.append(f"### {literal(title)}")
    parts.append(text)
    if arrival:
        parts.append(f"*{literal(' '.join(arrival))}*")
    return "\n\n".join(parts)


class PlayScreen(GameScreen):
    """One live run."""

    HELP_TITLE = N_("Playing")
    HELP_EXTRA = [
        ("↑ ↓ Enter", N_("take the highlighted choice (or click it)")),
        ("PgUp PgDn", N_("scroll the story text, Home and End to its top and end (the arrows stay with the choices)")),
    ]
    BINDINGS = [
        *[
            Binding(str(n), f"pick({n})", f"Choice {n}", show=False, tooltip=N_("take that choice"))
            for n in range(1, 10)
        ],
        Binding("u", "undo", N_("Undo"), tooltip=N_("take back the last choice")),
        Binding("r,ctrl+y", "redo", N_("Redo"), show=False, tooltip=N_("make again the choice you took back")),
        Binding("s", "save", N_("Save"), tooltip=N_("save the run under a name")),
        Binding("l", "app.load", N_("Load"), show=False, tooltip=N_("load a save (in the list: d deletes, r renames)")),
        Binding("j", "journal", N_("Journal"), tooltip=N_("the journal of the run (searchable)")),
        Binding("d", "download", N_("Download"), tooltip=N_("download this run's save (in a browser)")),
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?"),
        Binding("p", "toggle_panel", N_("Panel"), show=False, tooltip=N_("hide or show the side panel")),
        Binding("t", "app.toggle_dark", N_("Theme"), show=False, tooltip=N_("switch the light and dark themes")),
        SETTINGS_BINDING,
        Binding("q,escape", "leave", N_("Quit"), tooltip=N_("leave the run for the title (it asks; the run is kept)")),
    ]

    WEB_ONLY = ("download",)  # in a terminal the saves are your own files (see check_action)

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.outcome = ""
        self.step: Step | None = None  # the last choice taken here: its changes are said under its outcome
        self.marked: frozenset[str] = frozenset()  # what the side panel marks (cleared after a few seconds)
        self.fading: Timer | None = None
        self.numbering = Numbering()
        self.panel_wanted: bool | None = None  # `p` pressed: shown or hidden whatever the width
        self.panel_setting = ""  # the side panel setting `panel_wanted` was chosen under
        self.shown_entries: list[Entry] = []  # the earlier scenes on screen in transcript mode

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="story"):
                yield Label("", id="scene-title")
                with VerticalScroll(id="prose-scroll"), Vertical(id="reading"):
                    yield Vertical(id="transcript")
                    yield Prose(id="prose")
                yield ChoiceList(id="choices")
            yield StatePanel(id="panel")
        yield Footer()

    async def on_mount(self) -> None:
        self.title = shown(self.session.story.title, None)
        await self.refresh_view()

    async def relabel(self) -> None:
        self.title = shown(self.session.story.title, None)
        relabel_bars(self)
        await self.refresh_view()

    async def refresh_view(self) -> None:
        """Render everything from the run's state (and the settings)."""
        game = self.session.game
        scene = game.scene
        transcript = self.app.settings.transcript
        self.sub_title = shown(scene.chapter, None)
        self.query_one("#scene-title", Label).update(plain_text(scene.title))
        self.lay_out()
        notes = change_notes(game.story, self.step) if self.step is not None else []
        arrival = change_notes(game.story, self.step, "arrival") if self.step and not self.step.stayed else []
        if transcript:  # the run from its log: the earlier scenes above, the last outcome, the scene now
            *entries, now = journal(game)
            await self.show_transcript(entries)
            last = entries[-1] if entries else None
            outcome, choice = (last.outcome, last.choice) if last is not None else ("", "")
            text = now.text  # empty after a stay: the scene is not shown again
            title = now.title if last is not None and text.strip() else ""
        else:
            await self.show_transcript([])
            outcome, text, title, choice = self.outcome, game.text(), "", ""
        await self.query_one("#prose", Prose).update(prose(outcome, text, notes, title, choice, arrival))
        self.call_after_refresh(self.scroll_to_scene)
        choices = self.query_one(ChoiceList)
        offers = game.choices()
        choices.show(offers, self.numbering.update((scene.id, game.run.visits.get(scene.id, 0)), offers))
        choices.focus()
        self.show_panel()
        for message in self.session.news():  # saving off, or nearly full: said once each
            self.notify(shown(message, 400), severity="warning", timeout=8)
        if game.is_over:
            self.app.show_ending(self.session)

    async def show_transcript(self, entries: list[Entry]) -> None:
        """The earlier scenes of the run above the current one: the entries already there stay, the
        ones no longer in the run (undone) go, new ones are added. The last entry's outcome is shown
        with the current scene, under the choice that led there."""
        box = self.query_one("#transcript", Vertical)
        before = self.shown_entries
        kept = 0
        while kept < min(len(entries), len(before)) and entries[kept] == before[kept]:
            kept += 1
        if kept and (kept == len(before)) != (kept == len(entries)):  # it was the last one, or is now
            kept -= 1
        widgets = list(box.children)
        if widgets[kept:]:
            await box.remove_children(widgets[kept:])
        new = [
            TranscriptEntry(entry, taken=number < len(entries) - 1, classes="transcript-entry")
            for number, entry in enumerate(entries[kept:], start=kept)
        ]
        if new:
            await box.mount_all(new)
        self.shown_entries = list(entries)

    def scroll_to_scene(self) -> None:
        """Scroll so that the current scene's start shows: in transcript mode, from the choice that led there
        (the top of the current part, under the earlier scenes)."""
        found = self.query("#prose-scroll").results(VerticalScroll)
        scroll = next(found, None)
        if scroll is None:  # the screen has gone (the run ended)
            return
        if not self.shown_entries:
            scroll.scroll_home(animate=False)
            return
        scroll.scroll_to(y=self.query_one("#prose", Prose).virtual_region.y, animate=False)

    def show_panel(self) -> None:
        changed = self.marked
        gone = tuple(i for i in self.step.lost if i in changed) if self.step is not None else ()
        for panel in self.query(StatePanel).results(StatePanel):  # none once the screen has gone
            panel.show(self.session.game, changed, gone)

    def lay_out(self) -> None:
        """The prose column's width and the side panel, from the settings and the screen's width."""
        settings = self.app.settings
        width = settings.text_width
        self.query_one("#reading").styles.max_width = width if width else None
        if settings.side_panel != self.panel_setting:
            self.panel_setting, self.panel_wanted = settings.side_panel, None
        self.query_one(StatePanel).set_class(not self.panel_shown(), "hidden")

    def panel_shown(self) -> bool:
        if self.panel_wanted is not None:
            return self.panel_wanted
        setting = self.app.settings.side_panel
        return self.app.size.width >= NARROW if setting == "auto" else setting == "shown"

    def on_resize(self, event: Resize) -> None:
        self.lay_out()

    def action_toggle_panel(self) -> None:
        self.panel_wanted = not self.panel_shown()
        self.lay_out()

    def fade(self) -> None:
        """The side panel's marks of the last choice's changes go."""
        self.marked = frozenset()
        self.fading = None
        self.show_panel()

    def on_choice_list_scroll_prose(self, message: ChoiceList.ScrollProse) -> None:
        scroll = self.query_one("#prose-scroll", VerticalScroll)
        getattr(scroll, f"scroll_{message.how}")(animate=False)

    async def show_step(self, step: Step) -> None:
        """After a choice (or a redo): its outcome and changes under it, and the panel's marks."""
        self.outcome, self.step = step.outcome, step
        self.marked = changed_names(self.session.story, step)
        if self.fading is not None:
            self.fading.stop()
        self.fading = self.set_timer(HIGHLIGHT_SECONDS, self.fade) if self.marked else None
        await self.refresh_view()

    async def take(self, choice_id: str) -> None:
        try:
            step = self.session.choose(choice_id)
        except EngineError as err:
            self.notify(str(err), severity="error")
            return
        await self.show_step(step)

    async def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        await self.take(message.choice_id)

    async def action_pick(self, number: int) -> None:
        """The choice shown with `number` (numbers stay put within a visit); the bell when there is none."""
        game = self.session.game
        offers = game.choices()
        numbers = self.numbering.update((game.scene.id, game.run.visits.get(game.scene.id, 0)), offers)
        chosen = next((id_ for id_, n in numbers.items() if n == number), None)
        if chosen is None:
            self.app.bell()
            return
        await self.take(chosen)

    async def action_undo(self) -> None:
        if not self.session.game.can_undo():
            self.notify(_("Nothing to undo."), timeout=3)
            return
        self.session.undo()
        self.outcome, self.step = "", None
        self.fade()
        await self.refresh_view()
        self.notify(_("You take back your last choice."), timeout=3)

    async def action_redo(self) -> None:
        if not self.session.can_redo():
            self.notify(_("Nothing to redo."), timeout=3)
            return
        try:
            step = self.session.redo()
        except EngineError as err:
            self.notify(str(err), severity="error")
            return
        await self.show_step(step)

    def action_save(self) -> None:
        def saved(name: str | None, replace: bool = False) -> None:
            if name is None:
                return
            try:
                path = self.session.save_as(name, replace)
            except SaveExists as err:
                question = ConfirmScreen(f"{shown(str(err), 120).capitalize()}.", _("Replace it with this run?"))
                self.app.push_screen(question, lambda yes: saved(name, True) if yes else None)
                return
            except SaveError as err:
                self.notify(shown(str(err), 300), severity="error", timeout=8)
                return
            self.notify(_("Saved as '{name}' ({file}).").format(name=name, file=shown(path.name, 80)))

        self.app.push_screen(SaveNameScreen(self.session.key), saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Download is there only in a browser (`escape serve`): in a terminal the saves are your own files."""
        if action in self.WEB_ONLY:
            return self.app.is_web
        return True

    def action_download(self) -> None:
        """The run's save, sent to the browser as a file (the run goes on as it was)."""
        path = self.session.run_file
        if path is None:
            self.notify(_("You have made no choice yet: there is nothing to download."), timeout=4)
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            self.notify(shown(str(err), 300), severity="error", timeout=8)
            return
        self.app.deliver_text(io.StringIO(text), save_filename=path.name, mime_type="application/json")
        self.notify(_("Your browser downloads the save {file}.").format(file=shown(path.name, 80)), timeout=4)

    def action_journal(self) -> None:
        from game.tui.journal_screen import JournalScreen

        self.app.push_screen(JournalScreen(self.session.game))

    def action_leave(self) -> None:
        if not self.session.saving:
            detail = _("Saving is off ({reason}): this run will be lost.").format(
                reason=shown(self.session.save_problem or "", 200)
            )
        elif self.session.run_file is None:
            detail = _("You have made no choice yet: there is nothing to keep.")
        else:
            detail = _("Your run is saved; choose Continue on the title screen to carry on.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.back_to_title()

        self.app.push_screen(ConfirmScreen(_("Leave this run?"), detail), answered)

"""The Textual application and its factory, shared by the `escape` command and the tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen

from game import i18n
from game.compiler.bundled import bundled_stories
from game.compiler.loader import load_story, read_manifest
from game.engine.replay import replay
from game.errors import EscapeError, RunInUse, SaveError, StoryError
from game.i18n import N_, _, ngettext
from game.model import Story
from game.model.shown import shown
from game.saves.files import BUNDLED, UNRECORDED, folder_origin, read_save, saved_steps, story_key
from game.saves.location import older_saves, saves_folder
from game.saves.runs import SaveInfo, runs_waiting, unfinished_runs, unreadable_of
from game.saves.session import Session
from game.saves.settings import Preferences, Settings
from game.tui.dialogs import ConfirmScreen, ErrorScreen, HelpScreen, PickSaveScreen, StoryNames
from game.tui.themes import register_themes

CSS_PATH = Path(__file__).with_name("escape.tcss")


class EscapeApp(App):
    """Escape Lines in the terminal."""

    TITLE = "Escape Lines"  # the game's name, in every language
    CSS_PATH = CSS_PATH
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit at once"), show=False, priority=True)]

    def __init__(
        self,
        stories: dict[str, Path],
        saves: str | Path | None,
        start: str | None = None,
        seed: int | None = None,
        resume: bool = False,
        replay_save: str | Path | None = None,
        theme: str | None = None,
        watch: bool = False,
        offer_import: bool = False,
        preferences: Preferences | None = None,
    ):
        super().__init__()
        register_themes(self)  # the game's dark, light and high-contrast themes (game.tui.themes)
        # the player's settings, kept between sessions (game.saves.settings); `theme` (--theme) overrides
        # the saved theme for this session only
        self.preferences = preferences or Preferences(Path(), problem="settings are not kept in this session")
        self.offer_import = offer_import  # the saves folder is the default: point at an older ./saves
        self.stories = stories
        self.saves = Path(saves) if saves is not None else None
        self.start_story = start
        self.start_seed = seed
        self.start_resume = resume
        self.start_replay = replay_save
        self.initial_theme = theme or self.preferences.settings.theme
        self.live_preview = watch  # not `watch`: that is Textual's own method
        self._fingerprint: tuple | None = None
        self.session: Session | None = None  # the run on screen; its autosave slot is let go when it is left
        self._broken: ErrorScreen | None = None
        self._names: dict[str, StoryNames | None] = {}  # the titles of the stories of saves, by story key
        self.settings_problem_told = False  # that settings cannot be kept is said once a session

    @property
    def settings(self) -> Settings:
        """The settings in force (screens read them when they draw)."""
        return self.preferences.settings

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification (the screens' and Textual's own come here too) is plain text through `shown`:
        `markup` is ignored, so a story title or a file name holding `[/i]` or an escape sequence in a
        message is shown as written, never read as markup or sent to the terminal."""
        super().notify(
            shown(message, None, multiline=True),
            title=shown(title, 200),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # start-up -------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = self.initial_theme if self.initial_theme in self.available_themes else "textual-dark"
        from game.tui.title_screen import TitleScreen

        self.push_screen(TitleScreen())
        older = older_saves(self.saves) if self.saves is not None and self.offer_import else None
        if older is not None:
            where, count = older
            self.notify(
                ngettext(
                    "{folder} holds {count} file from an earlier version of the game. "
                    "To play on with them here: escape saves --import {folder}",
                    "{folder} holds {count} files from an earlier version of the game. "
                    "To play on with them here: escape saves --import {folder}",
                    count,
                ).format(folder=shown(str(where), 100), count=count),
                title=_("Older saves found"),
                timeout=15,
            )
        if self.live_preview and self.start_story is not None:
            from game.tools.watch import fingerprint

            self._fingerprint = fingerprint(self._folder(self.start_story))
            self.set_interval(0.5, self.check_for_edits)
        if self.start_replay is not None:
            self.replay_file(self.start_replay)
        elif self.start_story is not None:
            if self.start_resume:
                self.continue_run(self.start_story)
            else:
                self.new_run(self.start_story, seed=self.start_seed)

    # live preview ---------------------------------------------------------------------------
    def _folder(self, name: str) -> Path:
        return self.stories.get(name) or Path(name)

    def check_for_edits(self) -> None:
        """With --watch: when a story file changes, reload and carry the run over; a broken file shows
        its diagnostics and the run waits, unharmed, until the file is fixed."""
        from game.tools.watch import fingerprint
        from game.tui.play_screen import PlayScreen

        name = self.start_story
        if name is None:  # pragma: no cover - the preview is only set up for a named story
            return
        folder = self._folder(name)
        current = fingerprint(folder)
        if current == self._fingerprint:
            return
        self._fingerprint = current
        try:
            story = load_story(folder, lang=i18n.language())
        except StoryError as err:
            if self._broken is not None and self._broken in self.screen_stack:
                self._broken.dismiss(None)
            self._broken = ErrorScreen(
                _("The story has a problem: your run waits until it is fixed"), err.diagnostics, watching=True
            )
            self.push_screen(self._broken)
            return
        if self._broken is not None and self._broken in self.screen_stack:
            self._broken.dismiss(None)
        self._broken = None
        play = next((s for s in self.screen_stack if isinstance(s, PlayScreen)), None)
        if play is None:  # the story was broken from the start: begin the preview now
            self.new_run(name, seed=self.start_seed, story=story)
            return
        divergence = play.session.reload(story)
        play.outcome, play.step = "", None  # the last outcome (and its changes) may belong to a choice that is gone
        self.call_later(play.refresh_view)
        turns = play.session.game.run.turn
        if divergence is None:
            self.notify(
                ngettext(
                    "Reloaded {title}; your {count} choice was replayed.",
                    "Reloaded {title}; your {count} choices were replayed.",
                    turns,
                ).format(title=story.title, count=turns)
            )
        else:
            self.notify(
                _("Reloaded {title}; the run goes on from step {step}, because {why}").format(
                    title=story.title, step=divergence.step - 1, why=divergence
                ),
                severity="warning",
                timeout=10,
            )

    # stories and saves ---------------------------------------------------------------------
    def open_story(self, name: str) -> Story | None:
        """Load a story by name or folder; on failure show its diagnostics and return None."""
        folder = self.stories.get(name) or Path(name)
        try:
            return load_story(folder, lang=i18n.language())
        except StoryError as err:
            screen = ErrorScreen(
                _("The story '{name}' cannot be loaded").format(name=name), err.diagnostics, watching=self.live_preview
            )
            self._broken = screen
            self.push_screen(screen)
        return None

    def folder_of(self, story_id: str, origin: str) -> Path | None:
        """The folder of a save's story: the listed story of the same origin, the bundled story of that id,
        or the folder the save names."""
        candidates = [f for f in self.stories.values() if folder_origin(f) == origin]
        if origin in (BUNDLED, UNRECORDED):  # by id: a story of the game's own, or one listed here
            candidates += list(bundled_stories().values()) + list(self.stories.values())
        elif Path(origin).is_dir():
            candidates.append(Path(origin))
        for folder in candidates:
            info = read_manifest(folder)
            if info is not None and info.id == story_id:
                return folder
        return None

    def story_names(self, info: SaveInfo) -> StoryNames | None:
        """The titles a list of saves shows for a save's story, loaded once per story key (None: the story
        cannot be found or loaded, and the list shows the ids the save holds)."""
        if info.key not in self._names:
            folder = self.folder_of(info.story, info.origin)
            try:
                story = load_story(folder, lang=i18n.language()) if folder is not None else None
            except StoryError:
                story = None
            self._names[info.key] = names_of(story) if story is not None else None
        return self._names[info.key]

    def story_of_save(self, data: dict) -> Story | None:
        """The story a save was played in (see `folder_of`); on failure say why and return None."""
        story_id, origin = data["story"], data["origin"]
        folder = self.folder_of(story_id, origin)
        if folder is not None:
            return self.open_story(str(folder))
        where = shown(origin, 200) if origin not in (BUNDLED, UNRECORDED) else _("the stories here")
        message = _("This save's story '{story}' is not in {where}.").format(story=story_id, where=where)
        self.push_screen(ErrorScreen(_("Story not found"), message=message))
        return None

    def story_key(self, name: str, story_id: str) -> str:
        """The key of the story listed as `name` (its saves and endings are filed under it)."""
        return story_key(story_id, folder_origin(self._folder(name)))

    def runs_waiting(self, key: str) -> list[SaveInfo]:
        return runs_waiting(self.saves, key)

    def waiting_by_key(self) -> Counter[str]:
        """How many unfinished runs each story key has, from one reading of the saves folder."""
        return Counter(info.key for info in unfinished_runs(self.saves))

    # runs ------------------------------------------------------------------------------------
    def _adopt(self, session: Session) -> None:
        if self.session is not None and self.session is not session:
            self.session.close()
        self.session = session

    def _play(self, session: Session) -> None:
        from game.tui.play_screen import PlayScreen

        self._adopt(session)
        self._to_title_stack()
        self.push_screen(PlayScreen(session))

    def _to_title_stack(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def new_run(self, name: str, seed: int | None = None, story: Story | None = None) -> None:
        story = story or self.open_story(name)
        if story is None:
            return
        session = Session(story, self.saves)
        session.start(seed)
        self._play(session)

    def continue_run(self, name: str) -> None:
        """Continue the story's unfinished run; when there are several, ask which."""
        story = self.open_story(name)
        if story is None:
            return
        waiting = Session(story, self.saves).runs_waiting()
        if not waiting:
            bad = unreadable_of(self.saves, story.id)
            lines = [_("There is no unfinished run of {title} to continue.").format(title=shown(story.title, 80))]
            lines += [
                _("{file} cannot be read: {reason}").format(file=shown(b.path.name, 60), reason=shown(b.reason, 160))
                for b in bad[:3]
            ]
            self.notify("\n".join(lines), timeout=8)
            return
        if len(waiting) == 1:
            self._resume(Session(story, self.saves), waiting[0].path, _("This run cannot be continued"))
            return

        def picked(info: SaveInfo | None) -> None:
            if info is not None:
                self._resume(Session(story, self.saves), info.path, _("This run cannot be continued"))

        names = names_of(story)
        question = _("Continue which run of {title}?").format(title=shown(story.title, 60))
        self.push_screen(PickSaveScreen(waiting, question, self.saves, lambda info: names), picked)

    def _resume(self, session: Session, path: str | Path, failure: str) -> None:
        """Continue a saved run; if the story has changed so that it no longer replays to the end,
        say where it diverged and offer to carry on from the last step that works."""
        if self.session is not None and self.session is not session:
            self.session.close()  # let go of the run on screen first: it may be the one continued
        try:
            divergence = session.resume(path, partial=True)
        except (SaveError, EscapeError) as err:
            self.push_screen(ErrorScreen(failure, message=str(err), nothing_to_fix=isinstance(err, RunInUse)))
            return
        if divergence is None:
            self.resume_session(session)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.resume_session(session)

        self.push_screen(
            ConfirmScreen(
                _("The story has changed since this run was saved"),
                _("{why}.\nCarry on from step {step}, the last one that still works?").format(
                    why=divergence, step=divergence.step - 1
                ),
            ),
            answered,
        )

    def resume_session(self, session: Session) -> None:
        if session.game.is_over:
            self.show_ending(session)
        else:
            self._play(session)

    def load_save_file(self, path: str | Path) -> None:
        try:
            data = read_save(path)
        except SaveError as err:
            self.push_screen(ErrorScreen(_("This save cannot be loaded"), message=str(err)))
            return
        story = self.story_of_save(data)
        if story is None:
            return
        self._resume(Session(story, self.saves), path, _("This save cannot be loaded"))

    def show_ending(self, session: Session) -> None:
        from game.tui.ending_screen import EndingScreen

        self._adopt(session)
        self._to_title_stack()
        self.push_screen(EndingScreen(session))

    def back_to_title(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        self._to_title_stack()

    # replays ---------------------------------------------------------------------------------
    def open_replay(self, story: Story, seed: int, log: list[tuple[str, str]]) -> None:
        from game.tui.replay_screen import ReplayScreen

        self.push_screen(ReplayScreen(story, seed, log))

    def replay_file(self, path: str | Path) -> None:
        try:
            data = read_save(path)
        except SaveError as err:
            self.push_screen(ErrorScreen(_("This save cannot be replayed"), message=str(err)))
            return
        story = self.story_of_save(data)
        if story is None:
            return
        try:
            seed, log = saved_steps(data, path)
        except SaveError as err:
            self.push_screen(ErrorScreen(_("This save cannot be replayed"), message=str(err)))
            return
        self.open_replay(story, seed, log)

    def take_over(self, story: Story, seed: int, log: list[tuple[str, str]]) -> None:
        """A new live run from a replay's step, written at once as a run of its own (Continue lists it);
        the save replayed stays as it was."""
        session = Session(story, self.saves)
        _game, divergence = replay(story, seed, log, into=session.game)
        if divergence is not None:
            self.notify(
                _("The run could only be rebuilt up to {where}").format(where=shown(str(divergence), 200)),
                severity="warning",
            )
        session.keep()
        self.resume_session(session)

    # app-wide actions --------------------------------------------------------------------------
    def action_help(self) -> None:
        """The keys of every screen, the one on screen first."""
        from game.tui.help import sections, title_of

        if not isinstance(self.screen, HelpScreen):
            here = type(self.screen)
            self.push_screen(
                HelpScreen(
                    sections(here, self.is_web),
                    title_of(here),
                    remake=lambda: (sections(here, self.is_web), title_of(here)),
                )
            )

    def action_toggle_dark(self) -> None:
        from game.tui.settings_screen import keep_settings

        theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        keep_settings(self, self.settings.changed(theme=theme))

    def action_open_settings(self) -> None:
        from game.tui.settings_screen import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_gallery(self) -> None:
        from game.tui.gallery_screen import GalleryScreen

        if not isinstance(self.screen, GalleryScreen):
            self.push_screen(GalleryScreen())

    def _pick_save(self, title: str, then) -> None:  # noqa: ANN001
        if self.saves is None:
            self.notify(_("Saving is off: there is no saves folder."))
            return

        def picked(info: SaveInfo | None) -> None:
            if info is not None:
                then(info.path)

        self.push_screen(PickSaveScreen(None, title, self.saves, self.story_names), picked)

    def action_load(self) -> None:
        self._pick_save(_("Load a save"), self.load_save_file)

    def action_replay(self) -> None:
        self._pick_save(_("Replay a save"), self.replay_file)

    def action_command_palette(self) -> None:
        """Textual's command palette, its search box in the interface's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's reminder of the key that quits, in the interface's language."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(_("Press [b]{key}[/b] to quit the app").format(key=key), title=_("Do you want to quit?"))
                return

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The game's own commands (Textual's Keys, Maximize, Screenshot and theme picker are left out: the
        help, `t` and the settings do those here)."""
        yield SystemCommand(_("Help: keys"), _("Every key of the game"), self.action_help)
        yield SystemCommand(_("Load a save"), _("Continue a saved run"), self.action_load)
        yield SystemCommand(_("Replay a save"), _("Watch a saved run step by step"), self.action_replay)
        yield SystemCommand(
            _("Light/dark theme"), _("Switch between the light and dark themes"), self.action_toggle_dark
        )
        yield SystemCommand(
            _("Settings"), _("Theme, text width, side panel, transcript, language"), self.action_open_settings
        )
        yield SystemCommand(
            _("Endings gallery"), _("Every story's endings: found and still locked"), self.action_gallery
        )
        from game.tui.play_screen import PlayScreen

        if isinstance(screen, PlayScreen):
            yield SystemCommand(_("Undo"), _("Take back the last choice"), screen.action_undo)
            yield SystemCommand(_("Redo"), _("Make again the choice taken back"), screen.action_redo)
            yield SystemCommand(_("Side panel"), _("Hide or show the side panel"), screen.action_toggle_panel)
            yield SystemCommand(_("Save"), _("Save the run under a name"), screen.action_save)
            yield SystemCommand(_("Journal"), _("The run so far, searchable"), screen.action_journal)
            yield SystemCommand(_("Leave to the title"), _("The run is autosaved"), screen.action_leave)
        yield SystemCommand(_("Quit"), _("Quit the game (a run is saved after every choice)"), self.action_quit)

    # the interface's language ---------------------------------------------------------------------
    @property
    def language_setting(self) -> str:
        """The language setting: "auto" (the system's locale) or a code of game.i18n.LANGUAGES."""
        value = self.settings.language
        return value if value in i18n.LANGUAGES else "auto"

    def switch_language(self, code: str) -> None:
        """Set the interface's language to `code` ("auto": the system's locale, or a code of
        game.i18n.LANGUAGES): keep the setting, switch the catalog, and show every screen of the stack in
        the new language (the ones under the top one too, for when the player goes back to them)."""
        from game.tui.settings_screen import keep_settings

        i18n.use(i18n.choose(None, code))
        keep_settings(self, self.settings.changed(language=code))  # (a notice that it cannot be kept: in it)
        self.call_later(self.relabel)

    async def relabel(self) -> None:
        """Every text on screen in the language now in use (after `game.i18n.use`): the stories' own texts
        first, then each screen of the stack draws its texts again (each screen's `relabel`)."""
        await self.reload_story_texts()
        for screen in list(self.screen_stack):
            relabel = getattr(screen, "relabel", None)
            if relabel is not None and screen.is_attached:
                await relabel()

    async def reload_story_texts(self) -> None:
        """The stories on screen (the run's, `self.session`, and a replay's) in the language now in use,
        before the screens draw again. The run carries over: the story's logic is the same in every
        language, so its choices replay to the same state, and the last outcome is said again in the new
        language. A translation that cannot be loaded leaves the story as it was, and says why."""
        from game.engine.journal import journal
        from game.tui.play_screen import PlayScreen
        from game.tui.replay_screen import ReplayScreen

        self._names.clear()  # the titles lists of saves show
        loaded: dict[str, Story] = {}

        def again(story: Story) -> Story:
            if story.path not in loaded:
                try:
                    loaded[story.path] = load_story(Path(story.path), lang=i18n.language())
                except StoryError as err:
                    self.notify(str(err.diagnostics[0]), severity="error", timeout=10)
                    loaded[story.path] = story
            return loaded[story.path]

        session = self.session
        if session is not None and session.story.path:
            story = again(session.story)
            if story is not session.story:
                session.reload(story)
        for screen in self.screen_stack:
            if isinstance(screen, PlayScreen) and screen.session is session and screen.step is not None:
                entries = journal(session.game)
                screen.outcome = entries[-2].outcome if len(entries) > 1 else ""
            elif isinstance(screen, ReplayScreen) and screen.story.path:
                screen.story = again(screen.story)


def names_of(story: Story) -> StoryNames:
    """A story's title, scene titles (with chapters) and ending titles, as lists of saves show them."""
    return StoryNames(
        story.title,
        {scene_id: (scene.title, scene.chapter) for scene_id, scene in story.scenes.items()},
        {ending_id: ending.title for ending_id, ending in story.endings.items()},
    )


DEFAULT_SAVES = Path("(the default saves folder)")  # see game.saves.location


def make_app(
    story: str | None = None,
    saves: str | Path | None = DEFAULT_SAVES,
    seed: int | None = None,
    resume: bool = False,
    replay_save: str | Path | None = None,
    theme: str | None = None,
    stories: dict[str, Path] | None = None,
    watch: bool = False,
    offer_import: bool | None = None,
    preferences: Preferences | None = None,
) -> EscapeApp:
    """The one app factory, used by the command line and by the tests (`saves=None`: saving is off). With
    the default saves folder (or `offer_import`), an older `./saves` is pointed out at the start."""
    default = saves is DEFAULT_SAVES
    return EscapeApp(
        stories if stories is not None else bundled_stories(),
        saves_folder() if default else saves,
        story,
        seed,
        resume,
        replay_save,
        theme,
        watch,
        offer_import=default if offer_import is None else offer_import,
        preferences=preferences or Preferences.load(),
    )

"""The interface's language in the Textual UI: the Language row of the settings switches it at once, and every
screen on the stack shows its texts (footers, help, titles, lists, dialogs) in the new language; the setting
is kept. A marking catalog ("‹message›") shows that nothing the interface says was left out of the switch,
whatever the real Italian catalog holds; the real one is checked when it is there."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList

from game import i18n
from game.i18n import _
from game.saves.settings import FILE_NAME
from game.tui import make_app
from game.tui.dialogs import HelpScreen, PickSaveScreen
from game.tui.ending_screen import EndingScreen
from game.tui.gallery_screen import GalleryScreen
from game.tui.journal_screen import JournalScreen
from game.tui.play_screen import PlayScreen
from game.tui.replay_screen import ReplayScreen
from game.tui.settings_screen import SettingsScreen
from game.tui.title_screen import KEYS, TAGLINE, TitleScreen
from tests.conftest import DEMO
from tests.marking import Marked

WINNING_KEYS = ["1", "1", "1", "1", "1"]  # seed 5: the demo's way out (see tests/test_tui.py)
TITLE_FOOTER = ["Continue", "Load", "Replay", "Help", "Quit"]


@pytest.fixture
def marked(monkeypatch):
    """Italian, for this test, is the marking catalog."""
    monkeypatch.setitem(i18n._loaded, "it", Marked("‹", "›"))


def app_for(tmp_path, **kwargs):
    return make_app(stories={"demo": DEMO}, saves=tmp_path / "saves", seed=5, **kwargs)


def screen_lines(app) -> list[str]:
    """The text on the terminal, line by line, as the player sees it."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return ["".join(strip.text for strip in line) for line in update.strips]


def saved() -> dict:
    return json.loads((Path(os.environ["ESCAPE_CONFIG"]) / FILE_NAME).read_text())


async def settle(pilot) -> None:
    """Long enough for the relabelling and the footers' recomposing (each in its own turn)."""
    for _turn in range(3):
        await pilot.pause()


async def choose_language(app, pilot, steps: int = 1) -> None:
    """Open the settings (from anywhere), step the Language row `steps` times, and close them."""
    app.action_open_settings()
    await settle(pilot)
    assert isinstance(app.screen, SettingsScreen)
    listing = app.screen.query_one("#settings-list", OptionList)
    listing.highlighted = listing.get_option_index("language")
    await pilot.press(*["right"] * steps)
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


def footer_words(app) -> list[str]:
    return [str(key.description) for key in app.screen.query("FooterKey")]


# -- with the real catalogs ------------------------------------------------------------------------------
async def test_the_language_row_switches_the_interface_and_back(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, TitleScreen) and footer_words(app)[:5] == TITLE_FOOTER
        app.action_open_settings()
        await settle(pilot)
        listing = app.screen.query_one("#settings-list", OptionList)
        listing.highlighted = listing.get_option_index("language")
        assert str(listing.get_option_at_index(listing.highlighted).prompt) == "Language      Automatic (system)"
        await pilot.press("right", "right")  # automatic, English, Italiano
        await settle(pilot)
        assert i18n.language() == "it" and app.language_setting == "it"
        assert str(listing.get_option_at_index(listing.highlighted).prompt).endswith("Italiano")
        assert str(app.screen.query_one("#settings-title", Label).render()) == _("Settings")
        await pilot.press("escape")
        await settle(pilot)
        title = app.screen
        assert isinstance(title, TitleScreen)
        assert footer_words(app)[:5] == [_(word) for word in TITLE_FOOTER]
        assert str(title.query_one("#tagline", Label).render()) == _(TAGLINE)
        assert str(title.query_one("#title-keys", Label).render()) == _(KEYS)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.screen.sections)
        assert _("Title screen") in sections and _("Everywhere") in sections
        assert (("c", _("continue the story's unfinished run (asks which, if several)"))) in sections[_("Title screen")]
        await pilot.press("escape")
        await choose_language(app, pilot)  # Italiano, automatic: the system's, English here (tests/conftest.py)
        assert i18n.language() == "en" and app.language_setting == "auto"
        assert footer_words(app)[:5] == TITLE_FOOTER
        assert str(app.screen.query_one("#tagline", Label).render()) == TAGLINE


async def test_the_language_chosen_is_kept(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await choose_language(app, pilot, steps=2)
        assert app.settings.language == "it" and saved()["language"] == "it"
        await choose_language(app, pilot, steps=2)  # automatic, English
        assert app.settings.language == "en" and saved()["language"] == "en"
    again = app_for(tmp_path)
    async with again.run_test(size=(80, 24)):
        assert again.language_setting == "en"


async def test_the_title_screen_is_not_english_in_italian(tmp_path):
    catalog = getattr(i18n.translations("it"), "_catalog", None) or {}
    if TAGLINE not in catalog:
        pytest.skip("no Italian catalog of the Textual UI's messages yet")
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await choose_language(app, pilot, steps=2)
        assert i18n.language() == "it"
        text = "\n".join(screen_lines(app))
        for english in [TAGLINE, KEYS, "Endings found: 0 of 2", "Endings gallery   (e)", " Continue ", " Quit "]:
            assert english not in text, english
        assert "The Cellar Door" in text  # the story's own title is the story's


# -- with a catalog that marks every message it translates ---------------------------------------------------
@pytest.mark.usefixtures("marked")
@pytest.mark.parametrize(
    ("keys", "screen", "expected"),
    [
        ([], TitleScreen, ["‹Endings found: 0 of 2›", "‹Settings   (o)›", f"‹{TAGLINE}›"]),
        (["enter", "1"], PlayScreen, ["‹Chapter›", "‹With you›", "‹Choices made: 1›"]),
        (["enter", "1", "j"], JournalScreen, ["‹Journal›", "‹Journal: 2 scenes›", "‹You chose: Light the storm lamp›"]),
        (["enter", *WINNING_KEYS], EndingScreen, ["‹The end›", "‹Your run›", "‹Choices made: 5›"]),
        (["enter", *WINNING_KEYS, "r"], ReplayScreen, ["‹Replay: The Cellar Door›", "‹Step 0 of 5 (← →)›"]),
        (["e"], GalleryScreen, ["‹Endings gallery›", "‹Runs finished: 0›", "‹not found yet›"]),
    ],
)
async def test_every_screen_is_relabelled_at_once(tmp_path, keys, screen, expected):
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        english = footer_words(app)
        await choose_language(app, pilot, steps=2)
        assert isinstance(app.screen, screen)
        text = "\n".join(screen_lines(app))
        for words in expected:
            assert words in text, (words, text)
        footer = footer_words(app)
        assert footer == [f"‹{word}›" for word in english] and footer
        tooltips = [str(key.tooltip) for key in app.screen.query("FooterKey") if key.tooltip]
        assert tooltips and all(tip.startswith("‹") for tip in tooltips), tooltips
        for icon in app.screen.query("HeaderIcon"):
            assert icon.tooltip == "‹Open the command palette›"
        assert text.splitlines()[-1].rstrip().endswith("^p ‹palette›")
        await choose_language(app, pilot)  # automatic: English again
        text = "\n".join(screen_lines(app))
        assert "‹" not in text and footer_words(app) == english


@pytest.mark.usefixtures("marked")
async def test_the_screens_below_are_relabelled_too(tmp_path):
    app = app_for(tmp_path, story="demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "j")  # the play screen under the journal
        await choose_language(app, pilot, steps=2)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        text = "\n".join(screen_lines(app))
        assert "‹Chapter›" in text and " ‹Undo› " in text
        await pilot.press("q")
        await settle(pilot)
        assert "‹Leave this run?›" in "\n".join(screen_lines(app))
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TitleScreen)
        assert "‹a run is waiting: press c›" in "\n".join(screen_lines(app))


@pytest.mark.usefixtures("marked")
async def test_help_palette_and_dialogs_follow_the_language(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l")  # the list of saves stays open under the settings
        assert isinstance(app.screen, PickSaveScreen)
        await choose_language(app, pilot, steps=2)
        assert isinstance(app.screen, PickSaveScreen)
        text = "\n".join(screen_lines(app))
        assert "‹There are no saves yet.›" in text and "‹Enter chooses, d deletes, r renames, Escape cancels.›" in text
        await pilot.press("escape", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(screen_lines(app))
        assert "‹Keys›" in text and "‹‹Title screen› (this screen)›" in text
        assert "‹a new run of the highlighted story›" in text
        await pilot.press("escape")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "‹Help: keys›" in titles and "‹Endings gallery›" in titles


@pytest.mark.usefixtures("marked")
async def test_a_game_started_in_a_language_speaks_it_from_the_first_screen(tmp_path):
    i18n.use("it")  # as `escape --lang it` does before the app starts
    app = app_for(tmp_path, story="demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert footer_words(app) and all(word.startswith("‹") for word in footer_words(app))
        assert [icon.tooltip for icon in app.screen.query("HeaderIcon")] == ["‹Open the command palette›"]
        assert "‹Chapter›" in "\n".join(screen_lines(app))


async def test_switching_language_mid_run_keeps_the_run_and_retells_the_story(tmp_path):
    """A run of Captured! begun in English goes on in Italian: the same scene, turn and items, the scene's
    prose and the last outcome in Italian, the run's own file still the one it saves to; and back."""
    from game.compiler.bundled import bundled_stories
    from game.compiler.loader import load_story
    from game.engine.game import Game

    folder = bundled_stories()["captured"]
    italian = load_story(folder, lang="it")
    app = make_app(stories={"captured": folder}, saves=tmp_path / "saves", seed=3, story="captured")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")  # ask for the photograph
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen)
        before = (play.session.game.run.scene, play.session.game.run.turn, set(play.session.game.run.items))
        assert play.outcome.startswith("She gives it up")
        run_file = play.session.run_file
        assert run_file is not None and run_file.is_file()
        app.switch_language("it")
        await settle(pilot)
        game = play.session.game
        assert (game.run.scene, game.run.turn, set(game.run.items)) == before
        assert game.story.language == "it" and game.text() == italian.scenes[game.run.scene].text.render(game.scope())
        assert play.outcome.startswith("Te la cede")
        assert any(italian.scenes[game.run.scene].title in line for line in screen_lines(app))
        await pilot.press("2")  # a choice in Italian (numbers stay put: 1 was taken) goes on in the run's own file
        await settle(pilot)
        assert play.session.run_file == run_file and play.session.game.run.turn == before[1] + 1
        assert json.loads(run_file.read_text())["state"]["log"][-1] == "farewell_station.promise"
        app.switch_language("en")
        await settle(pilot)
        english = Game(load_story(folder))
        english.start(3)
        english.choose("ask_photo")
        assert play.session.game.story.language == "en" and play.outcome == english.choose("promise").outcome

"""The settings screen (o, the title menu, the palette), the theme key `t` and `--theme`: what the player
sees change, and what is kept in settings.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.theme import Theme
from textual.widgets import OptionList, Static

from game.cli import _parser, main
from game.saves.settings import FILE_NAME
from game.tui import make_app
from game.tui.play_screen import PlayScreen
from game.tui.settings_screen import SettingsScreen
from game.tui.title_screen import TitleScreen
from tests.conftest import DEMO

SIZES = [(80, 24), (120, 40)]


def settings_file() -> Path:
    return Path(os.environ["ESCAPE_CONFIG"]) / FILE_NAME


def saved() -> dict:
    return json.loads(settings_file().read_text())


def app_for(tmp_path, **kwargs):
    return make_app(stories={"demo": DEMO}, saves=tmp_path / "saves", **kwargs)


def rows(screen: SettingsScreen) -> list[str]:
    listing = screen.query_one("#settings-list", OptionList)
    return [str(listing.get_option_at_index(n).prompt) for n in range(listing.option_count)]


@pytest.mark.parametrize("size", SIZES)
async def test_settings_from_the_title_apply_at_once_and_are_kept(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert rows(screen) == [
            "Theme         Dark  (textual-dark)",
            "Text width    70 characters",
            "Side panel    auto (hidden below 80 columns)",
            "Transcript    off",
            "Language      Automatic (system)",
        ]
        await pilot.press("right")  # the theme: light, at once
        assert app.theme == "textual-light" and saved()["theme"] == "textual-light"
        assert rows(screen)[0] == "Theme         Light  (textual-light)"
        await pilot.press("down", "left")  # the width before 70
        await pilot.press("down", "enter")  # the side panel: Enter steps too
        await pilot.press("down", "space")  # transcript on
        assert rows(screen)[1:] == [
            "Text width    60 characters",
            "Side panel    always shown",
            "Transcript    on (earlier scenes stay above)",
            "Language      Automatic (system)",
        ]
        assert saved() == {"theme": "textual-light", "text_width": 60, "side_panel": "shown", "transcript": True}
        await pilot.press("escape")
        assert isinstance(app.screen, TitleScreen)
    again = app_for(tmp_path)
    async with again.run_test(size=size):
        assert again.theme == "textual-light" and again.settings.text_width == 60  # applied at the next start


async def test_the_width_steps_round_to_full_width_and_back(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "down", "right", "right")
        assert rows(app.screen)[1] == "Text width    100 characters"
        await pilot.press("right")
        assert rows(app.screen)[1] == "Text width    full width" and saved()["text_width"] == 0
        await pilot.press("left")
        assert saved()["text_width"] == 100


@pytest.mark.parametrize("size", SIZES)
async def test_settings_from_the_play_screen_redraw_it(tmp_path, size, monkeypatch):
    app = app_for(tmp_path, story="demo", seed=5)
    redrawn = []
    original = PlayScreen.refresh_view

    async def counted(self):
        redrawn.append(self.session.game.scene.id)
        await original(self)

    monkeypatch.setattr(PlayScreen, "refresh_view", counted)
    async with app.run_test(size=size) as pilot:
        await pilot.press("1")
        scene = app.screen.session.game.scene.id
        before = len(redrawn)
        await pilot.press("o")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("down", "down", "right")  # side panel: shown
        await pilot.pause()
        assert len(redrawn) == before + 1 and redrawn[-1] == scene  # the play screen below drew itself again
        assert app.settings.side_panel == "shown" and saved()["side_panel"] == "shown"
        await pilot.press("right")  # the keys still reach the settings after the redraw below
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and saved()["side_panel"] == "hidden"
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen) and app.screen.session.game.scene.id == scene
        assert app.screen.session.game.run.turn == 1  # no key of the settings reached the choices


async def test_high_contrast_is_offered_only_when_the_app_has_it(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.unregister_theme("escape-high-contrast")  # another part of the game registers it: not there here
        await pilot.press("o", "right", "right")
        assert app.theme == "textual-dark"  # dark, light, dark: nothing else on the way
        app.register_theme(Theme("escape-high-contrast", primary="#ffff00", dark=True))
        await pilot.press("right", "right")
        assert app.theme == "escape-high-contrast" and saved()["theme"] == "escape-high-contrast"
        assert rows(app.screen)[0] == "Theme         High contrast  (escape-high-contrast)"


async def test_the_theme_key_keeps_the_theme(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert app.theme == "textual-light" and saved()["theme"] == "textual-light"
        await pilot.press("t")
        assert app.theme == "textual-dark" and saved()["theme"] == "textual-dark"


async def test_settings_that_cannot_be_kept_are_said_once_and_the_file_left_alone(tmp_path):
    settings_file().write_bytes(b"{ damaged")
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("o")
        note = str(app.screen.query_one("#settings-problem", Static).render())
        assert note.startswith("They cannot be kept:") and "cannot be read" in note
        await pilot.press("right", "down", "right")
        assert app.theme == "textual-light" and app.settings.text_width == 80  # applied all the same
        warnings = [n for n in app._notifications if "will not be kept" in n.message]
        assert len(warnings) == 1
    assert settings_file().read_bytes() == b"{ damaged"


async def test_the_palette_and_the_title_menu_open_the_settings(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Settings" in titles and "Endings gallery" in titles
        stories = app.screen.query_one("#stories", OptionList)
        stories.highlighted = stories.option_count - 1  # the last entry of the title menu
        await pilot.press("enter")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("o")  # o closes it again
        assert isinstance(app.screen, TitleScreen)


async def test_theme_option_overrides_for_the_session_only(tmp_path):
    settings_file().write_text(json.dumps({"theme": "textual-dark", "text_width": 60}))
    app = app_for(tmp_path, theme="textual-light")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-light" and app.settings.text_width == 60
        await pilot.press("o")
        assert rows(app.screen)[0] == "Theme         Light  (textual-light)"  # the theme on screen
        await pilot.press("escape")
    assert saved() == {"theme": "textual-dark", "text_width": 60}  # nothing chosen: the saved theme stays


@pytest.mark.parametrize(
    "argv",
    [
        ["--theme", "textual-light"],
        ["play", "--theme", "textual-light"],
        ["--theme", "x", "play", "--theme", "textual-light"],
    ],
)
def test_theme_option_reaches_the_app(argv, monkeypatch):
    import game.cli.play as play
    import game.tui

    made = {}

    class Fake:
        return_code = 0

        def run(self):
            made["ran"] = True

    monkeypatch.setattr(play, "has_terminal", lambda: True)
    monkeypatch.setattr(game.tui, "make_app", lambda *a, **k: made.update(k) or Fake())
    assert main(argv) == 0
    assert made["theme"] == "textual-light" and made["ran"]


@pytest.mark.parametrize("argv", [["--theme", "neon"], ["play", "demo", "--theme", "Textual-Dark", "--plain"]])
def test_a_wrong_theme_is_one_line_naming_the_themes(argv, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "textual-dark, textual-light, escape-high-contrast" in err


def test_theme_is_in_the_help():
    assert "--theme NAME" in _parser().format_help()

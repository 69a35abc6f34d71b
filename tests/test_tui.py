"""The Textual UI, driven by Pilot: keys, mouse, undo, save, load, help, quit, errors, journal, replay."""

from __future__ import annotations

import json

import pytest

from game.saves.files import read_save, story_key
from game.tui import make_app
from game.tui.dialogs import ConfirmScreen, ErrorScreen, HelpScreen, PickSaveScreen, SaveNameScreen
from game.tui.ending_screen import EndingScreen
from game.tui.journal_screen import JournalScreen
from game.tui.play_screen import PlayScreen
from game.tui.replay_screen import ReplayScreen
from game.tui.title_screen import TitleScreen
from game.tui.widgets import ChoiceList
from tests.conftest import DEMO

# seed 5: the key opens the door first time (see the golden transcript)
WINNING_KEYS = ["1", "1", "1", "1", "1"]  # lamp, search, wake the dog, door, go out


DEMO_KEY = story_key("demo", str(DEMO.resolve()))  # what the demo story's saves and endings are filed under


def app_for(tmp_path, **kwargs):
    return make_app(stories={"demo": DEMO}, saves=tmp_path / "saves", **kwargs)


async def test_title_to_ending_with_keys_alone(tmp_path):
    app = app_for(tmp_path, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, PlayScreen)
        for key in WINNING_KEYS:
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        text = app.screen.query_one("#ending-text").source
        assert "# Out Into the Rain" in text and "Endings found: 1 of 2" in text
    record = json.loads((tmp_path / "saves" / "endings.json").read_text())
    assert record["stories"] == {DEMO_KEY: ["out"]}


async def test_play_to_ending_with_the_mouse(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, PlayScreen)
        game = app.screen.session.game
        for turn, _ in enumerate(WINNING_KEYS, start=1):
            first = next(o.id for o in game.choices() if o.enabled)
            await pilot.click(ChoiceList, offset=(6, 1))  # the first option, inside the border
            await pilot.pause()
            assert game.run.turn == turn and game.run.log[-1][1] == first  # one click, one choice: the first
        assert isinstance(app.screen, EndingScreen)
        assert app.screen.session.game.ending.id == "out"


async def test_disabled_choice_is_shown_and_cannot_be_taken(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        choices = app.screen.query_one(ChoiceList)
        assert [o.disabled for o in choices.options] == [False, True]
        assert "You cannot search in the dark" in str(choices.get_option_at_index(1).prompt)
        await pilot.press("2")  # only one enabled choice: 2 does nothing
        assert app.screen.session.game.run.turn == 0


async def test_undo(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1")
        game = app.screen.session.game
        assert game.run.scene == "barrels"
        await pilot.press("u")
        assert game.run.scene == "cellar" and game.run.turn == 1
        assert read_save(app.screen.session.run_file)["state"]["log"] == ["cellar.lamp"]


async def test_save_with_a_name_then_load_it_from_the_title(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "s")
        assert isinstance(app.screen, SaveNameScreen)
        await pilot.press(*"../bad", "enter")
        assert isinstance(app.screen, SaveNameScreen)  # refused, with the reason shown
        assert "a save name is" in str(app.screen.query_one("#save-error").render())
        await pilot.press(*["backspace"] * 6, *"at the barrels", "enter")
        assert isinstance(app.screen, PlayScreen)
        assert (tmp_path / "saves" / f"{DEMO_KEY}--at_the_barrels.json").is_file()
        await pilot.press("q", "y")
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("l")
        assert isinstance(app.screen, PickSaveScreen)
        names = [str(o.prompt) for o in app.screen.query_one("#save-list").options]
        index = next(i for i, n in enumerate(names) if n.startswith("at the barrels"))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.game.run.scene == "barrels"


async def test_help_lists_keys_and_closes(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.screen.sections)  # made from the screens' bindings (tests/test_tui_navigation.py)
        for section in ("Title screen", "Playing", "Replaying", "Ending", "Journal", "Everywhere"):
            assert section in sections
        for section, key, meaning in [
            ("Playing", "u", "take back the last choice"),
            ("Playing", "s", "save the run under a name"),
            ("Playing", "j", "the journal of the run"),
            ("Replaying", "o", "take over here"),
        ]:
            assert any(k == key and meaning in m for k, m in sections[section]), (key, meaning)
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "1")  # closed again, the keys reach the game
        assert app.screen.session.game.run.turn == 1


async def test_quit_asks_first_and_autosaves(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, PlayScreen)
        run_file = app.screen.session.run_file
        await pilot.press("q", "y")
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("c")  # continue the one run waiting
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.game.run.log == [("cellar", "lamp")]
        await pilot.press("1")
        assert app.screen.session.run_file == run_file  # the same run goes on in its own file
        assert read_save(run_file)["state"]["log"] == ["cellar.lamp", "cellar.search"]
        assert len(list((tmp_path / "saves").glob("*.json"))) == 1
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_broken_story_shows_diagnostics_not_a_traceback(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "story.yaml").write_text(
        "id: broken\ntitle: B\nblurb: b\nstart: a\nendings: [{id: e, title: E, kind: bad}]\n"
    )
    (broken / "s.yaml").write_text("scenes:\n  - id: a\n    title: A\n    text: t\n    ending: f\n")
    app = make_app(stories={"broken": broken}, saves=tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ErrorScreen)
        text = str(app.screen.query_one("#error-text").render())
        assert "s.yaml:5:13" in text and "unknown ending 'f'" in text
        await pilot.press("escape")
        assert isinstance(app.screen, TitleScreen)


async def test_journal_is_searchable(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "j")
        assert isinstance(app.screen, JournalScreen)
        journal = app.screen.query_one("#journal-view")
        assert "You chose: Light the storm lamp" in {line.plain for _, _, line in journal.rows}
        await pilot.press(*"dog")
        await pilot.pause()
        shown = "\n".join(line.plain for _, _, line in journal.rows)
        assert "Behind the barrels" in shown and "1. The cellar" not in shown
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen)


async def test_replay_steps_and_takes_over_without_touching_the_save(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in WINNING_KEYS:
            await pilot.press(key)
        assert isinstance(app.screen, EndingScreen)
        original = app.screen.session.run_file
        autosave = original.read_text()
        await pilot.press("r")
        assert isinstance(app.screen, ReplayScreen)
        assert "Step 0 of 5" in str(app.screen.query_one("#replay-status").render())
        assert "▶ Light the storm lamp" in str(app.screen.query_one("#replay-choices").render())
        await pilot.press("right", "right")
        assert "Step 2 of 5" in str(app.screen.query_one("#replay-status").render())
        await pilot.press("o")
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.game.run.scene == "barrels"
        branch = app.screen.session.run_file
        assert branch is not None and branch != original  # written at once, as a run of its own
        await pilot.press("2")
        assert original.read_text() == autosave
        assert read_save(branch)["state"]["log"][-1] == "barrels.leave_dog"
        assert [i.path for i in app.runs_waiting(DEMO_KEY)] == [branch]  # Continue finds the take-over


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_layout_survives_resize(tmp_path, size):
    app = app_for(tmp_path, story="demo", seed=5)
    async with app.run_test(size=size) as pilot:
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert app.screen.query_one(ChoiceList).region.height >= 3
        assert app.screen.query_one("#panel").region.width == 26

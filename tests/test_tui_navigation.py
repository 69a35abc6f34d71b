"""Finding your way, driven by Pilot at 80x24 and 120x40 (footers at 60x20 too): the help made from every
screen's bindings, footers that fit, the header's icon, the game's own command palette, what `q` does on
each screen, the hint at the end of a replay, and titles rather than ids in the lists of saves."""

from __future__ import annotations

import shutil

import pytest
from textual.binding import Binding

from game.tui import make_app
from game.tui.dialogs import HelpScreen, PickSaveScreen
from game.tui.ending_screen import EndingScreen
from game.tui.help import SCREENS, key_name, sections, title_of
from game.tui.journal_screen import JournalScreen
from game.tui.play_screen import PlayScreen
from game.tui.replay_screen import ReplayScreen
from game.tui.title_screen import TitleScreen
from tests.conftest import DEMO

SIZES = [(80, 24), (120, 40)]
WINNING_KEYS = ["1", "1", "1", "1", "1"]  # seed 5: lamp, search, wake the dog, door, go out


def app_for(tmp_path, story="demo", **kwargs):
    return make_app(stories={"demo": DEMO}, story=story, saves=tmp_path / "saves", seed=5, **kwargs)


def screen_lines(app) -> list[str]:
    """The text on the terminal, line by line, as the player sees it."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return ["".join(strip.text for strip in line) for line in update.strips]


async def go_to(pilot, where: str) -> None:
    """From a new run of the demo (seed 5) to the screen named."""
    keys = {
        "title": ["q", "y"],
        "play": [],
        "journal": ["1", "j"],
        "ending": WINNING_KEYS,
        "replay": [*WINNING_KEYS, "r"],
    }[where]
    await pilot.press(*keys)
    await pilot.pause()


SCREEN_OF = {
    "title": TitleScreen,
    "play": PlayScreen,
    "journal": JournalScreen,
    "ending": EndingScreen,
    "replay": ReplayScreen,
}


# -- help ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", list(SCREEN_OF))
async def test_help_opens_at_the_section_of_the_screen_it_came_from(tmp_path, size, where):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, where)
        assert isinstance(app.screen, SCREEN_OF[where])
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        title = title_of(SCREEN_OF[where])
        lines = screen_lines(app)
        first = next(i for i, line in enumerate(lines) if "(this screen)" in line)
        assert f"{title} (this screen)" in lines[first]
        assert "Keys" in "".join(lines[:first])  # nothing but the dialog's title above it
        await pilot.press("escape")
        assert isinstance(app.screen, SCREEN_OF[where])


def test_help_lists_every_binding_of_every_screen_with_what_it_does():
    for screen in SCREENS:
        rows = dict(sections(screen, web=True)[0][1])
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action in ("app.help", "app.focus_next"):
                continue
            keys = " ".join(key_name(k) for k in binding.key.split(","))
            found = [text for shown_keys, text in rows.items() if keys in shown_keys or binding.key.isdigit()]
            assert found, (screen.__name__, binding.key)
            assert any((binding.tooltip or binding.description.lower()) in text for text in found)


def test_keys_that_work_only_in_a_browser_are_listed_only_there():
    terminal, browser = (dict(sections(PlayScreen, web=web)[0][1]) for web in (False, True))
    assert "d" in browser and "download" in browser["d"]
    assert "d" not in terminal


@pytest.mark.parametrize("web", [False, True])
async def test_d_downloads_the_runs_save_only_in_a_browser(tmp_path, monkeypatch, web):
    from textual.app import App

    monkeypatch.setattr(App, "is_web", property(lambda self: web))
    delivered: list[tuple[str, str | None]] = []
    app = make_app("captured", saves=tmp_path, seed=1)
    monkeypatch.setattr(
        app, "deliver_text", lambda text, save_filename=None, **_: delivered.append((text.read(), save_filename))
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("d")  # before the first choice there is no file: nothing to send
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        run = app.screen.session.run_file
        assert run is not None
        assert delivered == ([(run.read_text(encoding="utf-8"), run.name)] if web else [])


def test_a_key_added_to_a_screen_is_in_the_help_without_writing_it_twice():
    class Extended(EndingScreen):
        BINDINGS = [*EndingScreen.BINDINGS, Binding("w", "wave", "Wave", tooltip="wave at the reader")]

    first_title, rows = sections(Extended)[0]
    assert first_title == "Ending" and ("w", "wave at the reader") in rows
    assert [title for title, _ in sections()] == [
        "Title screen",
        "Playing",
        "Journal",
        "Ending",
        "Replaying",
        "Endings gallery",
        "Settings",
        "Lists of saves (load, continue, replay)",
        "Naming a save",
        "Questions",
        "Everywhere",
    ]


async def test_help_at_80x24_shows_keys_and_meanings_side_by_side(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        text = "\n".join(screen_lines(app))
        for key, meaning in [("1-9", "take that choice"), ("u", "take back the last choice"), ("q Esc", "leave")]:
            assert any(key in line and meaning in line for line in text.splitlines()), key
        await pilot.press("q")  # q closes the help, not the run
        assert isinstance(app.screen, PlayScreen)


# -- footers, header, palette ----------------------------------------------------------------------------
FOOTERS = {
    "title": ["Continue", "Load", "Replay", "Help", "Quit"],  # Enter is the story list's (the screen says so)
    "play": ["Undo", "Save", "Journal", "Help", "Quit"],
    "journal": ["Back", "Search", "Next", "Previous", "Help"],
    "ending": ["Play again", "Replay", "Title", "Help"],
    "replay": ["Play", "Take over", "Help", "Back"],  # ← → are the prose's (the help and the status say so)
}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
@pytest.mark.parametrize("where", list(FOOTERS))
async def test_footer_fits_with_every_word_whole(tmp_path, size, where):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, where)
        footer = screen_lines(app)[-1]
        shown = [b.binding.description for b in app.screen.active_bindings.values() if b.binding.show]
        for description in FOOTERS[where]:
            assert f" {description} " in footer + " ", (where, description, footer)
        assert sorted(set(shown)) == sorted(set(FOOTERS[where]))  # nothing else, so nothing is cut off
        assert footer.rstrip().endswith("^p palette")


@pytest.mark.parametrize("size", SIZES)
async def test_header_icon_means_the_command_palette(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        assert screen_lines(app)[0].startswith(" ≡ ") and "⭘" not in screen_lines(app)[0]
        await pilot.click("HeaderIcon")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


@pytest.mark.parametrize("size", SIZES)
async def test_palette_holds_the_games_commands_not_textuals(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for textual_own in ("Keys", "Maximize", "Minimize", "Screenshot", "Theme"):
            assert textual_own not in titles
        assert {"Help: keys", "Undo", "Save", "Journal", "Quit"} <= set(titles)
        await pilot.press("ctrl+p", *"screensh")
        await pilot.pause(0.3)
        assert "Screenshot" not in "\n".join(screen_lines(app))


# -- q -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_q_on_the_ending_screen_goes_to_the_title(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, "ending")
        await pilot.press("q")
        assert isinstance(app.screen, TitleScreen)
        assert app.is_running and app.return_code is None
        assert "Endings found: 1 of 2" in "\n".join(screen_lines(app))


@pytest.mark.parametrize("size", SIZES)
async def test_q_on_the_title_screen_quits_without_asking(tmp_path, size):
    app = app_for(tmp_path, story=None)
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("size", SIZES)
async def test_end_of_a_replay_says_which_key_takes_over(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, "replay")
        assert "End of the replay" not in "\n".join(screen_lines(app))
        await pilot.press(*["right"] * 5)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "End of the replay: press o to take over" in text
        await pilot.press("o")
        assert isinstance(app.screen, EndingScreen)  # took over: the run is ours, at its ending


# -- titles in the lists of saves ----------------------------------------------------------------------------
async def save_two_runs(pilot) -> None:
    """A run left in the scene 'barrels', and a finished one."""
    await pilot.press("1", "1", "q", "y")
    await pilot.press("enter", *WINNING_KEYS, "q")
    await pilot.pause()


@pytest.mark.parametrize("size", [*SIZES, (60, 20)])
async def test_lists_of_saves_show_titles_not_ids_and_lines_that_fit(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        await save_two_runs(pilot)
        await pilot.press("l")
        assert isinstance(app.screen, PickSaveScreen)
        text = "\n".join(screen_lines(app))
        assert "ended: Out Into the Rain" in text and "ended: out" not in text
        at_barrels = "at Behind the barrels, The Cellar" if size[0] >= 80 else "at Behind the barrels"
        assert at_barrels in text and "at barrels" not in text
        assert "The Cellar Door ·" in text
        options = app.screen.query_one("#save-list")
        assert all(options.get_option_at_index(i).prompt.cell_length for i in range(options.option_count))
        for i in range(options.option_count):
            for line in str(options.get_option_at_index(i).prompt).splitlines():
                assert len(line) <= app.screen.line_width()  # cut with an ellipsis, never wrapped


async def test_continue_list_shows_scene_titles(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "q", "y")  # a run waits at 'barrels'
        await pilot.press("enter", "1", "q", "y")  # another at 'cellar'
        await pilot.press("c")
        assert isinstance(app.screen, PickSaveScreen)
        text = "\n".join(screen_lines(app))
        assert "at Behind the barrels, The Cellar" in text and "at The cellar, The Cellar" in text


async def test_a_save_whose_story_cannot_be_loaded_shows_its_ids(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(DEMO, copy)
    app = make_app(stories={"demo": copy}, story="demo", saves=tmp_path / "saves", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "q", "y")
        (copy / "cellar.yaml").write_text("scenes: [")  # the story is broken now
        await pilot.press("l")
        text = "\n".join(screen_lines(app))
        assert "at barrels" in text and "demo ·" in text


async def test_a_run_open_in_another_game_is_not_called_a_broken_file(tmp_path):
    from game.saves.session import Session
    from game.tui.dialogs import ErrorScreen

    first = make_app("captured", saves=tmp_path, seed=1)
    async with first.run_test() as pilot:
        await pilot.press("1")
        await pilot.pause()
        holder = first.screen.session  # still holds the run's file: another game has it
        story, run = holder.story, holder.run_file
    try:
        second = make_app(None, saves=tmp_path)
        async with second.run_test() as pilot:
            await pilot.pause()
            second._resume(Session(story, tmp_path), run, "This run cannot be continued")
            await pilot.pause()
            assert isinstance(second.screen, ErrorScreen)
            text = " ".join(str(label.render()) for label in second.screen.query("Label"))
            assert "open in another game" in str(second.screen.query_one("#error-text").render())
            assert "Escape closes." in text and "Fix the file" not in text
    finally:
        holder.close()

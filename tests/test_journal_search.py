"""The journal, driven by Pilot: it opens at the latest scene, filters as you type, highlights and counts
what it found, and steps from match to match, scrolling each into view (80x24 and 120x40)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from game.tui import make_app
from game.tui.journal_screen import JournalScreen, JournalView
from game.tui.play_screen import PlayScreen
from tests.conftest import DEMO, write_story

SIZES = [(80, 24), (120, 40)]
LONG_TEXT = " ".join(["The hours pass in the cellar and the candle burns down."] * 6)


def long_story(folder):
    """A run of 33 scenes: a first scene and a last one with the word 'needle', 31 waits between them."""
    return write_story(
        folder,
        """\
        id: long
        title: The Long Wait
        blurb: b
        start: first
        endings:
          - {id: done, title: Done, kind: good}
        """,
        scenes=f"""\
        scenes:
          - id: first
            title: The first hour
            text: A needle lies on the floor.
            choices:
              - {{id: go, text: Begin waiting, goto: loop}}
          - id: loop
            title: Waiting
            text: {LONG_TEXT}
            choices:
              - {{id: wait, text: Wait longer, if: visits < 31, goto: loop}}
              - {{id: stop, text: Stop waiting, if: visits >= 31, goto: last}}
          - id: last
            title: The last hour
            text: The needle is still there.
            choices:
              - {{id: end, text: Pick it up, goto: done}}
          - id: done
            title: Done
            text: Done.
            ending: done
        """,
    )


def screen_lines(app) -> list[str]:
    """The text on the terminal, line by line, as the player sees it."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return ["".join(strip.text for strip in line) for line in update.strips]


def view_text(app) -> str:
    view = app.screen.query_one(JournalView)
    region = view.region
    return "\n".join(line[region.x : region.right] for line in screen_lines(app)[region.y : region.bottom])


def heading(app) -> str:
    return str(app.screen.query_one("#journal-title").render())


async def open_long_journal(pilot, tmp_path):
    app = pilot.app
    for key in ["1"] * 32:
        await pilot.press(key)
    assert isinstance(app.screen, PlayScreen) and app.screen.session.game.scene.id == "last"
    await pilot.press("j")
    await pilot.pause()
    assert isinstance(app.screen, JournalScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_journal_opens_at_the_latest_scene_with_the_search_box_focused(tmp_path, size):
    app = make_app(stories={"long": long_story(tmp_path / "long")}, story="long", saves=tmp_path / "saves", seed=1)
    async with app.run_test(size=size) as pilot:
        await open_long_journal(pilot, tmp_path)
        assert heading(app) == "Journal: 33 scenes"
        assert "33. The last hour" in view_text(app) and "1. The first hour" not in view_text(app)
        assert isinstance(app.screen.focused, Input)
        await pilot.press("pageup")  # scrolls while the search box has the focus
        assert "33. The last hour" not in view_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_search_filters_counts_and_steps_between_matches(tmp_path, size):
    app = make_app(stories={"long": long_story(tmp_path / "long")}, story="long", saves=tmp_path / "saves", seed=1)
    async with app.run_test(size=size) as pilot:
        await open_long_journal(pilot, tmp_path)
        await pilot.press(*"needle")
        await pilot.pause()
        assert heading(app).startswith("“needle”: 2 matches in 2 scenes · 1 of 2")
        shown = view_text(app)
        assert "1. The first hour" in shown and "A needle lies on the floor." in shown
        assert "Waiting" not in shown  # the scenes without a match are filtered out
        await pilot.press("enter")  # Enter in the search box: the next match
        assert heading(app).startswith("“needle”: 2 matches in 2 scenes · 2 of 2")
        assert "The needle is still there." in view_text(app)
        await pilot.press("tab")  # to the text: n and N step, rather than type
        assert isinstance(app.screen.focused, JournalView)
        await pilot.press("n")
        assert " 1 of 2" in heading(app) and "A needle lies" in view_text(app)
        await pilot.press("N")
        assert " 2 of 2" in heading(app)


@pytest.mark.parametrize("size", SIZES)
async def test_search_scrolls_to_a_match_far_up(tmp_path, size):
    app = make_app(stories={"long": long_story(tmp_path / "long")}, story="long", saves=tmp_path / "saves", seed=1)
    async with app.run_test(size=size) as pilot:
        await open_long_journal(pilot, tmp_path)
        await pilot.press(*"begin")
        await pilot.pause()
        assert heading(app) == "“begin”: 1 match in 1 scene"
        assert "You chose: Begin waiting" in view_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        assert heading(app) == "Journal: 33 scenes"
        assert "33. The last hour" in view_text(app)  # cleared: every scene, the latest in view


async def test_matches_are_highlighted_and_the_current_one_stands_out(tmp_path):
    app = make_app(stories={"demo": DEMO}, story="demo", saves=tmp_path / "saves", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "j")
        await pilot.press(*"lamp")
        await pilot.pause()
        view = app.screen.query_one(JournalView)
        match = view.get_component_rich_style("journal-view--match")
        current = view.get_component_rich_style("journal-view--current")
        assert match != current
        styles = []
        for y in range(view.size.height):
            for segment in view.render_line(y):
                if "lamp" in segment.text.casefold():
                    styles.append(segment.style)
        assert styles and any(s is not None and s.bgcolor == current.bgcolor for s in styles)
        assert any(s is not None and s.bgcolor == match.bgcolor for s in styles)


async def test_no_match_says_so(tmp_path):
    app = make_app(stories={"demo": DEMO}, story="demo", saves=tmp_path / "saves", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "j", *"zebra")
        await pilot.pause()
        assert heading(app) == "No match for “zebra” in 2 scenes"
        assert view_text(app).strip() == ""
        await pilot.press("enter")  # nothing to step to: no error
        assert isinstance(app.screen, JournalScreen)

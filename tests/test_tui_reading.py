"""The play screen as a reader feels it (issue 17): consequences under the outcome and marked in the side panel,
a capped and centred prose column that scrolls while the choices keep the keyboard, choices that never clip and
hang under their numbers, numbers that stay put within a visit, a side panel that folds away, transcript mode,
and redo."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text
from textual.containers import VerticalScroll

from game.saves.settings import Preferences
from game.tools.consequences import change_notes
from game.tui import make_app
from game.tui.dialogs import HelpScreen
from game.tui.numbering import Numbering
from game.tui.play_screen import PlayScreen, literal
from game.tui.widgets import CHANGED, ChoiceList, Prose, StatePanel, TranscriptEntry
from tests.conftest import DEMO, write_story

SIZES = [(80, 24), (120, 40)]
LONG = "and then, with a great deal of care, along the whole length of the wall to the far corner of the yard"

MANIFEST = """\
id: yard
title: The Yard
blurb: Long choices, a long scene and a choice that stays.
start: yard
variables:
  nerve: {value: 3, min: 0, max: 6, label: Nerve, show: stat}
  with_jo: {value: true, label: Jo, show: companion}
items:
  rope: Coil of rope
endings:
  - {id: free, title: Free, kind: good}
"""
SCENES = f"""\
scenes:
  - id: yard
    title: The yard
    on_enter: gain rope
    text: |
      {" ".join(f"Line {n} of the yard, where the wall is high and the wire is new." for n in range(1, 40))}

      The last line of the yard.
    choices:
      - id: shout
        text: Shout for Jo {LONG}
        once: true
        stay: true
        effects: [nerve -= 1, with_jo = false, lose rope]
        outcome: Your voice goes nowhere.
      - id: climb
        text: Climb the wall {LONG}
        goto: top
      - id: dig
        text: Dig under the wire {LONG}
        goto: top
      - id: wait
        text: Wait for the guard {LONG}
        goto: top
      - id: run
        text: Run for the gate {LONG}
        goto: top
      - id: hide
        text: Hide in the shed {LONG}
        goto: top
  - id: top
    title: On top of the wall
    text: You see the road.
    ending: free
"""


def demo_app(tmp_path, **settings):
    """The demo story (seed 5: lamp, search, wake the dog, door, go out), with these settings."""
    return make_app(
        story="demo", stories={"demo": DEMO}, saves=tmp_path / "saves", seed=5, preferences=prefs(tmp_path, **settings)
    )


def yard_app(tmp_path, **settings):
    folder = write_story(tmp_path / "yard", MANIFEST, yard=SCENES)
    return make_app(
        story="yard", stories={"yard": folder}, saves=tmp_path / "saves", preferences=prefs(tmp_path, **settings)
    )


def prefs(tmp_path, **settings) -> Preferences:
    preferences = Preferences.load(tmp_path / "settings.json")
    preferences.save(preferences.settings.changed(**settings))
    return preferences


def panel_text(screen: PlayScreen) -> Text:
    from game.tui.widgets import panel_text as render

    return render(screen.session.game, screen.marked, tuple(i for i in screen.step.lost) if screen.step else ())


def screen_text(app) -> str:
    """The characters on screen, line by line (as a terminal would show them)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def prompts(screen: PlayScreen) -> list[str]:
    choices = screen.query_one(ChoiceList)
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


# 1. consequences ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_a_choice_says_what_it_changed_under_its_outcome_and_marks_the_panel(tmp_path, size):
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        await pilot.press("1")  # the lamp: the lamp gained; stamina 4 -> 3 on entering the cellar again
        await pilot.pause()
        source = screen.query_one("#prose", Prose).source
        outcome = source.index("> The match flares")
        notes = source.index(f"*{literal('You now carry: Storm lamp.')}*")
        assert outcome < notes < source.index("Water drips")  # the choice's doing: under the outcome
        arrival = source.index(f"*{literal('Stamina falls from 4 to 3.')}*")
        assert arrival > source.index("up the steps.")  # the cellar's doing (its on_enter): under its text
        on_screen = screen_text(app)
        assert "You now carry: Storm lamp." in on_screen and "Stamina falls from 4 to 3." in on_screen
        lines = panel_text(screen)
        changed = [lines.plain[s.start : s.end] for s in lines.spans if CHANGED in str(s.style)]
        assert "Stamina" in changed and "Storm lamp" in changed and "Private" not in " ".join(changed)
        assert screen.query_one(ChoiceList).has_focus and not app._notifications  # nothing covers the choices
        screen.fade()  # what the timer does after a few seconds
        assert screen.marked == frozenset()
        await pilot.press("1")  # search: the key is gained, nothing marked from before
        await pilot.pause()
        assert screen.marked == {"key"}
        await pilot.press("1")  # wake the dog: the dog joins
        await pilot.pause()
        assert literal("The dog is with you now.") in screen.query_one("#prose", Prose).source
        assert "with_dog" in screen.marked


async def test_lost_items_and_companions_who_leave_are_said_and_struck_while_marked(tmp_path):
    app = yard_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("1")  # shout: stays, nerve down, Jo leaves, the rope is lost
        await pilot.pause()
        source = screen.query_one("#prose", Prose).source
        for note in ("Nerve falls from 3 to 2.", "Jo is no longer with you.", "You no longer carry: Coil of rope."):
            assert literal(note) in source
        lines = panel_text(screen)
        struck = [lines.plain[s.start : s.end] for s in lines.spans if "strike" in str(s.style)]
        assert struck == ["Jo", "Coil of rope"]
        screen.fade()
        assert "Coil of rope" not in screen.query_one(StatePanel).visual.plain  # gone once the marks fade


def test_change_notes_are_the_plain_modes_words(tmp_path):
    from game.cli.plain import PlainFrontEnd
    from game.compiler.loader import load_story
    from game.saves.session import Session

    session = Session(load_story(DEMO), None)
    session.start(5)
    step = session.choose("lamp")
    front = PlainFrontEnd(session, None, None, 80)  # type: ignore[arg-type]
    for part, words in (
        ("choice", ["You now carry: Storm lamp."]),
        ("arrival", ["Stamina falls from 4 to 3."]),
        ("all", ["Stamina falls from 4 to 3.", "You now carry: Storm lamp."]),
    ):
        assert change_notes(session.story, step, part) == words
        assert front.change_notes(step, part) == words


def test_literal_keeps_story_words_out_of_markdown():
    assert literal("*Bold* [link](x) # not a heading") == r"\*Bold\* \[link\]\(x\) \# not a heading"


# 2. comfortable reading ---------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 40)])
async def test_prose_is_capped_to_the_text_width_and_centred(tmp_path, size):
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        reading = app.screen.query_one("#reading")
        scroll = app.screen.query_one("#prose-scroll")
        assert reading.region.width == min(70, scroll.scrollable_content_region.width)
        left = reading.region.x - scroll.scrollable_content_region.x
        right = scroll.scrollable_content_region.right - reading.region.right
        assert abs(left - right) <= 1  # centred
    app = demo_app(tmp_path, text_width=0)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        scroll = app.screen.query_one("#prose-scroll")
        assert app.screen.query_one("#reading").region.width == scroll.scrollable_content_region.width  # 0: all


async def test_settings_changed_in_play_apply_at_once(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("o", "down", "enter")  # the text width: 70 -> 80
        await pilot.pause()
        await pilot.press("down", "right", "right")  # the side panel: auto -> shown -> hidden
        await pilot.press("down", "enter", "escape")  # transcript on
        await pilot.pause()
        assert app.screen is screen and app.settings.text_width == 80 and app.settings.transcript
        assert screen.query_one("#reading").region.width == 80
        assert not screen.query_one(StatePanel).display
        await pilot.press("1")
        await pilot.pause()
        assert len(screen.query(".transcript-entry")) == 1


@pytest.mark.parametrize("size", SIZES)
async def test_page_keys_scroll_the_prose_while_the_choices_keep_the_keyboard(tmp_path, size):
    app = yard_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        scroll = screen.query_one("#prose-scroll", VerticalScroll)
        choices = screen.query_one(ChoiceList)
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0 and choices.has_focus and choices.highlighted == 0
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y and "The last line of the yard." in screen_text(app)
        await pilot.press("down")  # arrows still move the highlight
        assert choices.highlighted == 1 and choices.has_focus
        await pilot.press("pageup", "home")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.sections[0][1])  # the play screen's section first
        assert "scroll the story text" in keys["PgUp PgDn"] and "arrows stay with the choices" in keys["PgUp PgDn"]
        assert keys["r Ctrl+Y"].startswith("make again") and keys["p"].startswith("hide or show the side panel")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20)])
async def test_long_choices_never_clip_the_last_one_and_hang_under_their_text(tmp_path, size):
    app = yard_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        choices = screen.query_one(ChoiceList)
        await pilot.press(*["down"] * 5)  # to the last choice
        await pilot.pause()
        assert choices.highlighted == 5
        shot = screen_text(app)
        assert "6. Hide in the shed" in shot  # the last choice is on screen (the list scrolls to it)
        # a wrapped choice goes on under its text, after the number
        lines = shot.splitlines()
        row = next(i for i, line in enumerate(lines) if "6. Hide in the shed" in line)
        number = lines[row].index("6. Hide")
        assert lines[row + 1][number : number + 3] == "   " and lines[row + 1][number + 3].isalpha()
        assert choices.region.bottom <= screen.query_one("Footer").region.y


@pytest.mark.parametrize("size", SIZES)
async def test_choice_numbers_stay_put_within_a_visit(tmp_path, size):
    app = yard_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        game = screen.session.game
        bells = []
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await pilot.press("1", "1")  # the first 1 shouts (and stays); the second has no choice now
        await pilot.pause()
        assert game.run.log == [("yard", "shout")] and bells == [1] and game.run.scene == "yard"
        assert prompts(screen)[0].startswith("2. Climb the wall")
        await pilot.press("3")  # still the dig, number 3
        await pilot.pause()
        assert game.run.log[-1] == ("yard", "dig")


def test_numbering_keeps_numbers_and_starts_afresh_on_a_new_visit():
    from game.engine.game import Offer

    a, b, c = Offer("a", "A"), Offer("b", "B"), Offer("c", "C")
    numbering = Numbering()
    assert numbering.update(("s", 1), [a, b]) == {"a": 1, "b": 2}
    assert numbering.update(("s", 1), [b, c]) == {"b": 2, "c": 3}  # a gone: b keeps 2, c gets a new one
    assert numbering.update(("s", 2), [b, c]) == {"b": 1, "c": 2}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_side_panel_folds_below_80_columns_and_with_p(tmp_path, size):
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        panel = screen.query_one(StatePanel)
        wide = size[0] >= 80
        assert panel.display is wide
        story = screen.query_one("#story")
        assert story.region.width == size[0] - (26 if wide else 0)  # the prose gets the width
        await pilot.press("p")
        await pilot.pause()
        assert panel.display is not wide
        await pilot.press("p")
        await pilot.pause()
        assert panel.display is wide
    app = demo_app(tmp_path, side_panel="shown")
    async with app.run_test(size=(60, 20)) as pilot:
        assert app.screen.query_one(StatePanel).display
    app = demo_app(tmp_path, side_panel="hidden")
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.screen.query_one(StatePanel).display


async def test_side_panel_follows_a_resize_in_auto(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.screen.query_one(StatePanel)
        assert panel.display
        await pilot.resize_terminal(70, 24)
        await pilot.pause()
        assert not panel.display
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert panel.display


# 3. transcript mode ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_transcript_keeps_earlier_scenes_above_and_undo_removes_the_last(tmp_path, size):
    app = demo_app(tmp_path, transcript=True)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await pilot.press("1", "1")  # lamp (back to the cellar), search (behind the barrels)
        await pilot.pause()
        entries = [m.source for m in screen.query(".transcript-entry").results(TranscriptEntry)]
        assert len(entries) == 2
        assert entries[0].startswith("The cellar") and "It is too dark" in entries[0]
        assert "▸ Light the storm lamp" in entries[0] and "The match flares" in entries[0]
        assert "The lamp throws" in entries[1] and "Search behind" not in entries[1]
        current = screen.query_one("#prose", Prose)
        assert current.source.startswith("**▸ Search behind the barrels**")  # the choice that led here
        assert "### Behind the barrels" in current.source and "A key hangs on a nail" in current.source
        await pilot.pause()
        scroll = screen.query_one("#prose-scroll", VerticalScroll)
        top, bottom = scroll.scroll_y, scroll.scroll_y + scroll.scrollable_content_region.height
        assert top <= current.virtual_region.y < bottom  # the current part's start is in view
        await pilot.press("home")
        await pilot.pause()
        shown = screen_text(app)
        assert "▸ Light the storm lamp" in shown and "It is too dark" in shown  # on screen, above
        await pilot.press("u")
        await pilot.pause()
        entries = [m.source for m in screen.query(".transcript-entry").results(TranscriptEntry)]
        assert len(entries) == 1 and "It is too dark" in entries[0]
        current = screen.query_one("#prose", Prose).source
        assert current.startswith("**▸ Light the storm lamp**") and "> The match flares" in current


@pytest.mark.parametrize("size", SIZES)
async def test_transcript_scrolls_to_the_last_choice_and_shows_no_text_twice_after_a_stay(tmp_path, size):
    app = yard_app(tmp_path, transcript=True)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await pilot.press("1")  # shout: the player stays in the long yard scene
        await pilot.pause()
        scroll = screen.query_one("#prose-scroll", VerticalScroll)
        assert scroll.scroll_y > 0  # below the long scene, which stays above
        shown = screen_text(app)
        assert (
            "▸ Shout for Jo" in shown and "Your voice goes nowhere." in shown and "Jo is no longer with you." in shown
        )
        assert "Line 1 of the yard" not in shown
        assert "Line 1 of the yard" not in screen.query_one("#prose", Prose).source  # the scene is not repeated
        await pilot.press("home")
        await pilot.pause()
        assert "Line 1 of the yard" in screen_text(app)  # earlier scenes stay, scrollable


async def test_transcript_is_off_by_default(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1")
        await pilot.pause()
        assert not app.screen.query(".transcript-entry")
        assert "It is too dark" not in app.screen.query_one("#prose", Prose).source


# 4. redo -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_redo_makes_the_undone_choice_again(tmp_path, size):
    app = demo_app(tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = app.screen
        game = screen.session.game
        await pilot.press("r")
        await pilot.pause()
        assert any("Nothing to redo." in str(n.message) for n in app._notifications)
        await pilot.press("1", "1", "u", "u")
        await pilot.pause()
        assert game.run.turn == 0
        await pilot.press("r")
        await pilot.pause()
        assert game.run.log == [("cellar", "lamp")]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert game.run.log == [("cellar", "lamp"), ("cellar", "search")] and game.run.scene == "barrels"
        assert literal("You now carry: Iron key.") in screen.query_one("#prose", Prose).source


def test_one_net_change_per_meter_and_items_that_come_and_go_cancel():
    from game.compiler.loader import load_story
    from game.engine.game import Change, Step
    from game.tools.consequences import net

    changes = (Change("food", 5, 8), Change("stamina", 5, 4), Change("food", 8, 7), Change("morale", 3, 4))
    assert net((*changes, Change("morale", 4, 3))) == [Change("food", 5, 7), Change("stamina", 5, 4)]
    story = load_story(DEMO)
    step = Step(
        "x", "X", "cellar", "cellar", changes=(Change("stamina", 4, 5), Change("stamina", 5, 3)),
        gained=("lamp", "key"), lost=("lamp",),
    )  # fmt: skip
    assert change_notes(story, step, "all") == ["Stamina falls from 4 to 3.", "You now carry: Iron key."]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_notices_never_cover_the_choices(tmp_path, size):
    from textual.widgets._toast import Toast

    app = demo_app(tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:  # tests hide them by default
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("u")  # "You take back your last choice." as a notice
        await pilot.pause(0.1)
        toasts = list(app.screen.query(Toast))
        assert toasts, "the undo notice is shown"
        choices = app.screen.query_one(ChoiceList).region
        for toast in toasts:
            assert toast.region.bottom <= choices.y, (toast.region, choices)

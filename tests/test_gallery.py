"""The endings gallery (e, the title menu, the palette), the endings record behind it (version 2: when, turns
and play time of each first finding, runs finished; version 1 still read), the author's `hint:` and the
seed shown on the ending screen and in the journal."""

from __future__ import annotations

import json
import shutil

import pytest
from textual.widgets import OptionList

import game.saves.session as save_session
from game.compiler.loader import check_story, load_story, read_manifest
from game.saves.endings import ENDINGS_FILE, Found, endings_found, merge_endings, record_ending, story_record
from game.saves.files import story_key
from game.saves.session import Session
from game.tui import make_app
from game.tui.ending_screen import EndingScreen
from game.tui.gallery_screen import GalleryScreen, found_date, play_time
from game.tui.journal_screen import JournalScreen
from game.tui.play_screen import PlayScreen
from game.tui.title_screen import TitleScreen
from tests.conftest import DEMO

SIZES = [(80, 24), (120, 40)]
WINNING_KEYS = ["1", "1", "1", "1", "1"]  # seed 5: the demo's way out (see tests/test_tui.py)
HINT = "Someone at the farm needs you more than the border does"


def hinted_demo(tmp_path, hint: str = HINT):
    """The demo story with a hint on its second ending (a folder of its own: its endings have their own key)."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    manifest = folder / "story.yaml"
    text = manifest.read_text()
    old = "{id: caught, title: The Sergeant's Lamp, kind: bad}"
    assert old in text
    manifest.write_text(
        text.replace(old, f"{{id: caught, title: The Sergeant's Lamp, kind: bad, hint: {json.dumps(hint)}}}")
    )
    return folder


def key_of(folder) -> str:
    return story_key("demo", str(folder.resolve()))


def gallery(app) -> str:
    assert isinstance(app.screen, GalleryScreen)
    return app.screen.shown_text()


# the record -------------------------------------------------------------------------------------


def test_the_record_keeps_the_first_finding_and_counts_runs(tmp_path, monkeypatch):
    monkeypatch.setattr("game.saves.endings.now", lambda: "2026-03-04T05:06:07Z")
    record_ending(tmp_path, "k", "out", turns=12, play_seconds=600, new_run=True)
    monkeypatch.setattr("game.saves.endings.now", lambda: "2027-01-01T00:00:00Z")
    record_ending(tmp_path, "k", "out", turns=3, play_seconds=5, new_run=True)  # found again: the first stays
    record_ending(tmp_path, "k", "caught")  # no run counted, nothing measured
    record = story_record(tmp_path, "k")
    assert record.runs == 2
    assert record.found == {"out": Found("2026-03-04T05:06:07Z", 12, 600), "caught": Found("2027-01-01T00:00:00Z")}
    data = json.loads((tmp_path / ENDINGS_FILE).read_text())
    assert data["version"] == 2 and data["stories"] == {"k": ["out", "caught"]}  # what version 1 readers read


def test_a_version_1_record_is_read_and_kept_on_writing(tmp_path):
    (tmp_path / ENDINGS_FILE).write_text(json.dumps({"version": 1, "stories": {"k": ["out"], "other": ["x"]}}))
    assert story_record(tmp_path, "k").found == {"out": Found()}  # no date: not recorded then
    assert story_record(tmp_path, "k").runs == 0
    record_ending(tmp_path, "k", "caught", turns=4, play_seconds=61, new_run=True)
    data = json.loads((tmp_path / ENDINGS_FILE).read_text())
    assert data["stories"] == {"k": ["out", "caught"], "other": ["x"]} and data["runs"] == {"k": 1}
    assert set(data["found"]["k"]) == {"caught"}


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        json.dumps({"version": 2, "stories": {"k": ["out"]}, "found": {"k": ["out"]}}).encode(),
        json.dumps({"version": 2, "stories": {"k": ["out"]}, "runs": [1]}).encode(),
    ],
)
def test_a_damaged_record_is_never_written_over(tmp_path, content):
    (tmp_path / ENDINGS_FILE).write_bytes(content)
    assert endings_found(tmp_path, "k") == [] and story_record(tmp_path, "k").runs == 0
    with pytest.raises(Exception, match="endings|unreadable"):
        record_ending(tmp_path, "k", "out", new_run=True)
    assert (tmp_path / ENDINGS_FILE).read_bytes() == content


def test_damaged_details_read_as_unknown(tmp_path):
    details = {"out": {"when": 5, "turns": -1, "play_seconds": "long"}, "caught": "?"}
    record = {"version": 2, "stories": {"k": ["out"]}, "found": {"k": {"out": details["out"]}}, "runs": {"k": "x"}}
    (tmp_path / ENDINGS_FILE).write_text(json.dumps(record))
    assert story_record(tmp_path, "k").found == {"out": Found()} and story_record(tmp_path, "k").runs == 0


def test_merging_keeps_the_earlier_finding_and_never_counts_runs_twice(tmp_path, monkeypatch):
    old, new = tmp_path / "old", tmp_path / "new"
    monkeypatch.setattr("game.saves.endings.now", lambda: "2025-01-01T00:00:00Z")
    record_ending(old, "k", "out", turns=9, play_seconds=90, new_run=True)
    record_ending(old, "k", "caught", new_run=True)
    monkeypatch.setattr("game.saves.endings.now", lambda: "2026-01-01T00:00:00Z")
    record_ending(new, "k", "out", turns=2, play_seconds=20, new_run=True)
    assert merge_endings(old, new) == 1
    assert merge_endings(old, new) == 0  # a second import adds nothing
    record = story_record(new, "k")
    assert record.found["out"] == Found("2025-01-01T00:00:00Z", 9, 90) and record.runs == 2


def test_a_session_records_turns_and_play_time_and_counts_its_run_once(tmp_path, monkeypatch):
    story = load_story(DEMO)
    clock = [1000.0]
    monkeypatch.setattr(save_session.time, "monotonic", lambda: clock[0])
    session = Session(story, tmp_path)
    session.start(5)
    for _ in range(5):
        clock[0] += 25
        session.choose(next(o.id for o in session.game.choices() if o.enabled))
    assert session.game.is_over
    session.undo()
    session.redo()  # the same run ends again: not a second run
    record = story_record(tmp_path, session.key)
    assert record.runs == 1 and record.found["out"].turns == 5 and record.found["out"].play_seconds == 125
    session.start(5)  # a new run
    for _ in range(5):
        session.choose(next(o.id for o in session.game.choices() if o.enabled))
    assert story_record(tmp_path, session.key).runs == 2


# the story format ------------------------------------------------------------------------------


def test_an_ending_hint_is_read_from_the_manifest(tmp_path):
    folder = hinted_demo(tmp_path, "  A lamp in the dark  ")
    assert load_story(folder).endings["caught"].hint == "A lamp in the dark"
    assert load_story(folder).endings["out"].hint == ""
    assert [e.hint for e in read_manifest(folder).ending_list] == ["", "A lamp in the dark"]


def test_an_ending_hint_must_be_text(tmp_path):
    folder = hinted_demo(tmp_path)
    manifest = folder / "story.yaml"
    manifest.write_text(manifest.read_text().replace(json.dumps(HINT), "[1, 2]"))
    story, diagnostics = check_story(folder)
    assert story is None and any("'hint'" in d.message for d in diagnostics), diagnostics


# the screen ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_the_gallery_shows_found_and_locked_endings(tmp_path, size, monkeypatch):
    folder = hinted_demo(tmp_path)
    saves = tmp_path / "saves"
    monkeypatch.setattr("game.saves.endings.now", lambda: "2026-11-30T18:00:00Z")
    app = make_app(stories={"demo": folder}, saves=saves, seed=5)
    async with app.run_test(size=size) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, GalleryScreen)
        text = gallery(app)
        assert "Runs finished: 0  ·  Endings found: 0 of 2" in text
        assert "Out Into the Rain" not in text and "Sergeant" not in text  # locked: no titles given away
        assert text.count("???") == 2 and f"Hint: {HINT}" in text
        await pilot.press("escape", "enter", *WINNING_KEYS)
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("escape", "e")
        text = gallery(app)
        assert "Runs finished: 1  ·  Endings found: 1 of 2" in text
        assert "✓ Out Into the Rain  (an escape, as the film tells it)" in text
        assert "found 30 Nov 2026 · 5 choices · under a minute of play" in text
        assert text.count("???") == 1 and HINT in text
        await pilot.press("q")
        assert isinstance(app.screen, TitleScreen)


async def test_the_gallery_from_the_title_menu_and_the_palette(tmp_path):
    app = make_app(stories={"demo": DEMO}, saves=tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        stories = app.screen.query_one("#stories", OptionList)
        assert str(stories.get_option_at_index(stories.option_count - 2).prompt).startswith("Endings gallery")
        await pilot.press("down")  # from the story to the menu (the separator is passed over)
        await pilot.press("enter")
        assert isinstance(app.screen, GalleryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TitleScreen)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Endings gallery")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)


async def test_an_old_record_shows_its_endings_with_no_date(tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / ENDINGS_FILE).write_text(json.dumps({"version": 1, "stories": {key_of(DEMO): ["caught"]}}))
    app = make_app(stories={"demo": DEMO}, saves=saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        text = gallery(app)
        assert "Runs finished: at least 1  ·  Endings found: 1 of 2" in text
        assert "The Sergeant's Lamp  (a fall)" in text and "found an unknown date" in text


async def test_an_unreadable_record_is_said_and_left_alone(tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / ENDINGS_FILE).write_bytes(b"{ damaged")
    app = make_app(stories={"demo": DEMO}, saves=saves, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", *WINNING_KEYS)
        await pilot.pause()
        await pilot.press("escape", "e")
        assert "The endings record cannot be read, and is left as it is" in gallery(app)
        assert "Endings found: 0 of 2" in gallery(app)
    assert (saves / ENDINGS_FILE).read_bytes() == b"{ damaged"


async def test_a_hint_is_shown_as_written_never_as_markup(tmp_path):
    folder = hinted_demo(tmp_path, "[bold]Look[/] \x1b]0;pwned\x07 [@click=app.quit]here[/]")
    app = make_app(stories={"demo": folder}, saves=tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        assert "Hint: [bold]Look[/] ?]0;pwned? [@click=app.quit]here[/]" in gallery(app)
        await pilot.click("#gallery-scroll", offset=(30, 7))
        assert isinstance(app.screen, GalleryScreen)  # nothing to click


def test_dates_and_play_times_as_people_write_them():
    assert found_date("2026-03-04T05:06:07Z") == "4 Mar 2026"
    assert found_date(None) == found_date("yesterday") == "an unknown date"
    assert [play_time(s) for s in (0, 59, 60, 3599, 3600, 7260)] == [
        "under a minute",
        "under a minute",
        "1 min",
        "59 min",
        "1 h 00 min",
        "2 h 01 min",
    ]


# the seed ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_the_seed_is_on_the_ending_screen_and_in_the_journal(tmp_path, size):
    app = make_app(stories={"demo": DEMO}, saves=tmp_path / "saves", story="demo", seed=5)
    async with app.run_test(size=size) as pilot:
        await pilot.press("j")
        assert isinstance(app.screen, JournalScreen) and app.screen.sub_title == "seed 5"
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen)
        await pilot.press(*WINNING_KEYS)
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert (
            "- Seed: 5 (the same seed and choices replay the run exactly)"
            in app.screen.query_one("#ending-text").source
        )

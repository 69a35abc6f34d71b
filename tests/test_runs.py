"""Runs kept safe: each measured case of how a player can lose a run (a new game over a waiting one,
take-overs, a pack reusing a bundled id, foreign or damaged files, a run too long to save, undo after a
restart, where saves live, deleting and renaming saves) reproduced, showing the run is kept."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList

import game.saves.files as save_files
import game.saves.session as save_session
from game.cli import main, saves_dir
from game.cli.plain import run_plain
from game.compiler.bundled import find_story
from game.compiler.loader import load_story
from game.engine.game import Game
from game.errors import EscapeError
from game.saves import location
from game.saves.endings import endings_found, record_ending
from game.saves.files import read_save, story_key, story_origin
from game.saves.runs import list_saves, runs_waiting
from game.saves.session import Session
from game.tui import make_app
from game.tui.dialogs import ConfirmScreen, PickSaveScreen, SaveNameScreen
from game.tui.ending_screen import EndingScreen
from game.tui.play_screen import PlayScreen
from game.tui.title_screen import TitleScreen
from tests.conftest import DEMO, write_story

DEMO_KEY = story_key("demo", str(DEMO.resolve()))
WINNING = ["lamp", "search", "wake_dog", "door", "go"]  # seed 5: keys 1,1,1,1,1 reach the ending 'out'
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    """The width plain mode finds when there is no terminal, whatever the terminal running the tests."""
    monkeypatch.setenv("COLUMNS", "80")


def key_of(story) -> str:
    return story_key(story.id, story_origin(story))


def first_choice(session: Session) -> None:
    session.choose(next(o.id for o in session.game.choices() if o.enabled))


def waiting_run(story, saves: Path, choices: list[str] | None = None, seed: int = 5) -> Path:
    """An unfinished run of `story` left in `saves` (its game closed): its file."""
    session = Session(story, saves)
    session.start(seed)
    if choices is None:
        first_choice(session)
    for choice in choices or ():
        session.choose(choice)
    session.close()
    assert session.run_file is not None and session.run_file.is_file()
    return session.run_file


def app_for(tmp_path, **kwargs):
    return make_app(stories={"demo": DEMO}, saves=tmp_path / "saves", **kwargs)


def title_prompt(app) -> str:
    """What the title screen says about the first story (its OptionList entry)."""
    assert isinstance(app.screen, TitleScreen)
    return str(app.screen.query_one("#stories", OptionList).get_option_at_index(0).prompt)


def toasts(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def cli(monkeypatch, capsys, *argv: str, typed: str = "") -> tuple[int, str, str]:
    """`escape ARGV` in this process with `typed` on a standard input that is not a terminal."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# 1. a new run while another waits ---------------------------------------------------------------------------
async def test_a_new_run_from_the_title_never_touches_the_waiting_run(tmp_path, demo_story):
    saves = tmp_path / "saves"
    waiting = waiting_run(demo_story, saves, ["lamp"])
    kept = waiting.read_bytes()
    app = app_for(tmp_path, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "a run is waiting: press c" in title_prompt(app)
        await pilot.press("enter")  # a new run, not the waiting one
        assert isinstance(app.screen, PlayScreen) and app.screen.session.game.run.turn == 0
        await pilot.press("1", "1")
        new = app.screen.session.run_file
        await pilot.press("q", "y")
        assert "2 runs are waiting: press c" in title_prompt(app)
    assert new is not None and new != waiting
    assert waiting.read_bytes() == kept
    assert {i.path for i in runs_waiting(saves, DEMO_KEY)} == {waiting, new}
    assert read_save(new)["state"]["log"] == ["cellar.lamp", "cellar.search"]


def test_a_new_plain_run_of_captured_never_touches_the_waiting_run(tmp_path):
    saves = tmp_path / "saves"
    captured = load_story(find_story("captured"))
    waiting = waiting_run(captured, saves, seed=1)
    kept = waiting.read_bytes()
    out = io.StringIO()
    assert run_plain("captured", seed=2, saves=str(saves), out=out, inp=io.StringIO("1\nq\n")) == 0
    assert "Your run is saved" in out.getvalue()
    assert waiting.read_bytes() == kept
    listed = runs_waiting(saves, "captured")
    assert len(listed) == 2 and waiting in {i.path for i in listed}
    [new] = [i for i in listed if i.path != waiting]
    assert new.turns == 1 and read_save(new.path)["state"]["seed"] == 2


# 2. two take-overs from a replay -----------------------------------------------------------------------------
async def test_two_take_overs_make_two_runs_and_continue_asks_which(tmp_path, demo_story):
    game = Game(demo_story)
    game.start(5)
    for choice in WINNING:
        game.choose(choice)
    log = list(game.run.log)
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.take_over(demo_story, 5, log[:2])
        await pilot.pause()
        first = app.session.run_file
        kept = first.read_bytes()
        app.take_over(demo_story, 5, log[:3])
        await pilot.pause()
        second = app.session.run_file
        assert isinstance(app.screen, PlayScreen)
        assert first is not None and second is not None and first != second
        assert first.read_bytes() == kept  # the second take-over never wrote over the first
        assert read_save(first)["state"]["log"] == ["cellar.lamp", "cellar.search"]
        assert read_save(second)["state"]["log"] == ["cellar.lamp", "cellar.search", "barrels.wake_dog"]
        app.back_to_title()
        await pilot.pause()
        assert "2 runs are waiting: press c" in title_prompt(app)
        await pilot.press("c")
        assert isinstance(app.screen, PickSaveScreen)
        assert {e.path for e in app.screen.entries} == {first, second}
        assert app.screen.query_one("#save-list", OptionList).option_count == 2
    assert first.read_bytes() == kept


# 3. a finished run is not waiting ----------------------------------------------------------------------------
async def test_a_finished_run_is_never_waiting(tmp_path):
    app = app_for(tmp_path, seed=5)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("enter", *"11111")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        run_file = app.screen.session.run_file
        await pilot.press("escape")
        prompt = title_prompt(app)
        assert "waiting" not in prompt and "Endings found: 1 of 2" in prompt
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert any("There is no unfinished run of The Cellar Door to continue" in t for t in toasts(app))
    assert read_save(run_file)["state"]["ending"] == "out"
    assert runs_waiting(tmp_path / "saves", DEMO_KEY) == []
    with pytest.raises(EscapeError, match="no unfinished run"):
        run_plain(str(DEMO), saves=str(tmp_path / "saves"), resume=True, out=io.StringIO(), inp=io.StringIO())


# 4. a story pack that reuses a bundled id ---------------------------------------------------------------------
async def test_a_pack_reusing_a_bundled_id_keeps_to_its_own_runs_and_endings(tmp_path):
    saves = tmp_path / "saves"
    bundled_folder = find_story("captured")
    bundled = load_story(bundled_folder)
    bundled_run = waiting_run(bundled, saves, seed=1)
    kept = bundled_run.read_bytes()
    some_ending = next(iter(bundled.endings))
    record_ending(saves, "captured", some_ending)
    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    manifest = pack / "story.yaml"
    manifest.write_text(manifest.read_text().replace("id: demo", "id: captured"))
    story = load_story(pack)
    assert story.id == "captured" and key_of(story) != "captured"
    session = Session(story, saves)
    session.start(5)
    for choice in WINNING:
        session.choose(choice)
    session.close()
    assert session.game.ending.id == "out"
    assert session.run_file.name.startswith(f"{key_of(story)}--run.")
    assert bundled_run.read_bytes() == kept
    assert [i.path for i in runs_waiting(saves, "captured")] == [bundled_run]
    assert endings_found(saves, "captured") == [some_ending]
    assert endings_found(saves, key_of(story)) == ["out"]
    assert runs_waiting(saves, key_of(story)) == []
    app = make_app(stories={"captured": bundled_folder, "pack": pack}, saves=saves)
    async with app.run_test(size=(80, 24)):
        options = app.screen.query_one("#stories", OptionList)
        bundled_line, pack_line = (str(options.get_option_at_index(n).prompt) for n in (0, 1))
    assert "a run is waiting" in bundled_line and f"Endings found: 1 of {len(bundled.endings)}" in bundled_line
    assert "waiting" not in pack_line and "Endings found: 1 of 2" in pack_line
    assert bundled_run.read_bytes() == kept


# 5. a foreign or damaged file under this story's name ---------------------------------------------------------
def _damaged(saves: Path, other: Path, kind: str) -> tuple[Path, str]:
    """A file named as a run of Captured! that is another story's run, or a run with a damaged state;
    and a piece of what the game says about it."""
    if kind == "foreign":
        source = waiting_run(load_story(find_story("grand_illusion")), other, seed=1)
        target = saves / "captured--run.deadbeef.json"
        shutil.copyfile(source, target)
        return target, "no unfinished run of Captured!"
    data = json.loads(waiting_run(load_story(find_story("captured")), other, seed=1).read_text())
    if kind == "unknown scene":
        data["state"]["scene"] = "no_such_scene"
        said = "captured--run.0badc0de.json: the run is in scene 'no_such_scene', which this story does not have"
    elif kind == "bad seed":
        data["state"]["seed"] = -1
        said = "captured--run.0badc0de.json cannot be read: the run state is damaged: 'seed'"
    else:
        data["state"]["log"] = [[["x"], "y"]]
        said = "captured--run.0badc0de.json cannot be read: the run state is damaged: the log holds"
    target = saves / "captured--run.0badc0de.json"
    target.write_text(json.dumps(data))
    return target, said


@pytest.mark.parametrize("kind", ["foreign", "unknown scene", "bad seed", "bad log entry"])
def test_a_foreign_or_damaged_run_file_is_never_overwritten(tmp_path, monkeypatch, capsys, kind):
    monkeypatch.chdir(tmp_path)  # no ./saves of the checkout is looked at
    saves = tmp_path / "saves"
    saves.mkdir()
    path, said = _damaged(saves, tmp_path / "other", kind)
    kept = path.read_bytes()
    play = ("play", "captured", "--plain", "--saves", str(saves))
    code, _, err = cli(monkeypatch, capsys, *play, "--continue", typed="1\nq\n")
    assert code == 1 and err.startswith("escape: error:") and said in err, err
    assert path.read_bytes() == kept
    code, out, _ = cli(monkeypatch, capsys, *play, "--seed", "3", typed="1\nq\n")
    assert code == 0 and "Your run is saved" in out
    assert path.read_bytes() == kept
    for answer in ("1", "2"):  # the new run, and (when it is listed) the file
        cli(monkeypatch, capsys, *play, "--continue", typed=f"{answer}\n1\nq\n")
        assert path.read_bytes() == kept
    listing = list_saves(saves)
    if kind in ("foreign", "unknown scene"):
        [info] = [i for i in listing.saves if i.path == path]
        assert info.story == ("grand_illusion" if kind == "foreign" else "captured")
    else:
        [bad] = [b for b in listing.unreadable if b.path == path]
        assert "run state is damaged" in bad.reason
    code, out, _ = cli(monkeypatch, capsys, "saves", "--saves", str(saves))
    assert code == 0 and path.name in out
    assert path.read_bytes() == kept
    assert len(runs_waiting(saves, "captured")) >= 1  # the new run is there, whole


# 6. a run too long for a save --------------------------------------------------------------------------------
LOOP_MANIFEST = """\
id: loop
title: Round and Round
blurb: Two rooms and a door out.
start: a
endings: [{id: out, title: Out, kind: good}]
"""
LOOP_SCENES = """\
scenes:
  - id: a
    title: Room A
    text: The first room.
    choices:
      - {id: go, text: Go to the other room, goto: b}
      - {id: leave, text: Leave, goto: out}
  - id: b
    title: Room B
    text: The second room.
    choices:
      - {id: back, text: Go back, goto: a}
  - id: out
    title: Outside
    text: Outside.
    ending: out
"""


def _round(session: Session, times: int) -> None:
    for _ in range(times):
        session.choose("go" if session.game.run.scene == "a" else "back")


def test_a_long_loop_saves_compactly_and_reads_back(tmp_path):
    story = load_story(write_story(tmp_path / "loop", LOOP_MANIFEST, scenes=LOOP_SCENES))
    session = Session(story, tmp_path / "saves")
    session.start(1)
    game = session.game
    for _ in range(31_501):  # the engine alone, then one choice through the session writes the run
        game.choose("go" if game.run.scene == "a" else "back")
    _round(session, 1)
    session.close()
    assert session.saving and session.save_warning is None
    size = session.run_file.stat().st_size
    assert size < 1_000_000, size
    raw = json.loads(session.run_file.read_text())
    assert raw["state"]["log"]["steps"] == ["a.go", "b.back"]  # the compact log
    data = read_save(session.run_file)
    assert len(data["state"]["log"]) == 31_502
    assert data["state"]["log"] == [f"{scene}.{choice}" for scene, choice in game.run.log]
    again = Session(story, tmp_path / "saves")
    again.resume(session.run_file)
    assert again.game.run.turn == 31_502 and again.game.run.scene == game.run.scene
    again.close()


def test_a_run_past_the_size_limit_stops_saving_and_keeps_its_last_file(tmp_path, monkeypatch):
    story = load_story(write_story(tmp_path / "loop", LOOP_MANIFEST, scenes=LOOP_SCENES))
    session = Session(story, tmp_path / "saves")
    session.start(1)
    _round(session, 3)
    base = session.run_file.stat().st_size
    warn, limit = base + 30, base + 120
    for module in (save_files, save_session):
        monkeypatch.setattr(module, "MAX_SAVE_BYTES", limit)
        monkeypatch.setattr(module, "WARN_SAVE_BYTES", warn)
    warnings, last_good, news = [], None, []
    for _ in range(200):
        _round(session, 1)
        news += session.news()  # what a front end tells the player after each choice
        if not session.saving:
            break
        warnings.append(session.save_warning)
        last_good = (session.run_file.read_bytes(), list(session.game.run.log))
    assert not session.saving
    assert f"{limit:,}" in session.save_problem and "can no longer be saved" in session.save_problem
    assert warnings[0] is None and warnings[-1] is not None  # said before saving stopped ...
    assert len({w for w in warnings if w is not None}) == 1  # ... and only once
    assert f"{limit:,}" in warnings[-1]
    kept, log = last_good
    assert session.run_file.read_bytes() == kept and len(kept) <= limit
    assert read_save(session.run_file)["state"]["log"] == [f"{s}.{c}" for s, c in log]
    assert len(log) == session.game.run.turn - 1  # the file holds the run up to the choice before
    _round(session, 1)  # play goes on; the file is left alone
    assert session.run_file.read_bytes() == kept
    news += session.news()
    assert [n.split(":")[0] for n in news] == ["Saves are nearly full", "Saving is off"]  # each said once, in order
    session.close()


# 7. undo across sessions -------------------------------------------------------------------------------------
def test_undo_works_after_continuing_in_plain_mode(tmp_path):
    saves = str(tmp_path / "saves")
    out = io.StringIO()
    assert run_plain(str(DEMO), seed=5, saves=saves, out=out, inp=io.StringIO("1\n1\nq\n")) == 0
    [run] = runs_waiting(saves, DEMO_KEY)
    out = io.StringIO()
    assert run_plain(str(DEMO), saves=saves, resume=True, out=out, inp=io.StringIO("u\nu\nu\nq\n")) == 0
    text = out.getvalue()
    assert text.count("You take back your last choice.") == 2 and text.count("Nothing to undo.") == 1
    assert text.index("Nothing to undo.") > text.rindex("You take back your last choice.")
    assert read_save(run.path)["state"]["log"] == []  # the same run, in its own file
    assert [i.path for i in runs_waiting(saves, DEMO_KEY)] == [run.path]


async def test_undo_works_after_continuing_from_the_title(tmp_path, demo_story):
    run_file = waiting_run(demo_story, tmp_path / "saves", ["lamp", "search"])
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, PlayScreen)
        game = app.screen.session.game
        assert game.run.turn == 2
        await pilot.press("u")
        assert game.run.turn == 1 and game.run.scene == "cellar"
        await pilot.press("u")
        assert game.run.turn == 0
        await pilot.pause()
        assert not any("Nothing to undo." in t for t in toasts(app))
        await pilot.press("u")
        await pilot.pause()
        assert any("Nothing to undo." in t for t in toasts(app))
        assert app.screen.session.run_file == run_file
    assert read_save(run_file)["state"]["log"] == []


# 8. where saves live -----------------------------------------------------------------------------------------
def test_the_saves_folder_is_the_flag_the_environment_or_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCAPE_SAVES", str(tmp_path / "env"))
    assert saves_dir(None) == str(tmp_path / "env")
    assert saves_dir(str(tmp_path / "flag")) == str(tmp_path / "flag")
    monkeypatch.delenv("ESCAPE_SAVES")
    assert saves_dir(None) == str(location.default_saves())
    import platformdirs

    monkeypatch.setattr(location, "source_checkout", lambda: None)
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *args, **kwargs: tmp_path / "data")
    assert location.default_saves() == tmp_path / "data" / "saves"
    assert saves_dir(None) == str(tmp_path / "data" / "saves")


def test_the_top_level_saves_flag_names_the_folder(tmp_path):
    folder = tmp_path / "mine"
    env = {k: v for k, v in os.environ.items() if k != "ESCAPE_SAVES"}
    result = subprocess.run(
        [sys.executable, "-m", "game", "--saves", str(folder), "saves"],
        capture_output=True,
        text=True,
        cwd=ROOT,  # (mutation testing runs the code from its own folder)
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Saves in {folder}:")


def test_older_saves_are_found_and_imported_without_touching_either_copy(tmp_path, monkeypatch, capsys, demo_story):
    old, new = tmp_path / "saves", tmp_path / "new"
    first = waiting_run(demo_story, old, ["lamp"])
    second = waiting_run(demo_story, old, ["lamp", "search"])
    record_ending(old, DEMO_KEY, "out")
    assert location.older_saves(new, here=tmp_path) == (old, 2)
    assert location.older_saves(old, here=tmp_path) is None  # the folder itself is not an older one
    clash = new / second.name
    new.mkdir()
    clash.write_text('{"mine": true}')
    before = {p.name: p.read_bytes() for p in old.iterdir() if p.is_file()}
    code, out, _ = cli(monkeypatch, capsys, "saves", "--import", str(old), "--saves", str(new))
    assert code == 0 and "Copied 1 save from" in out
    assert f"not copied: {second.name}:" in out and "already there; left as it is" in out
    assert (new / first.name).read_bytes() == first.read_bytes()
    assert clash.read_text() == '{"mine": true}'
    assert {p.name: p.read_bytes() for p in old.iterdir() if p.is_file()} == before
    assert endings_found(new, DEMO_KEY) == ["out"]


# 9. save management from the command line --------------------------------------------------------------------
def test_delete_from_the_command_line_asks_for_yes(tmp_path, monkeypatch, capsys, demo_story):
    saves = tmp_path / "saves"
    run_file = waiting_run(demo_story, saves, ["lamp"])
    code, out, err = cli(monkeypatch, capsys, "saves", "--saves", str(saves), "--delete", run_file.name)
    assert code == 1 and "add --yes" in err and run_file.is_file()
    code, out, _ = cli(monkeypatch, capsys, "saves", "--saves", str(saves), "--delete", run_file.stem, "--yes")
    assert code == 0 and f"Deleted {run_file.name}." in out and not run_file.exists()


def test_rename_from_the_command_line(tmp_path, monkeypatch, capsys, demo_story):
    saves = tmp_path / "saves"
    run_file = waiting_run(demo_story, saves, ["lamp"])
    kept_log = read_save(run_file)["state"]["log"]
    code, out, _ = cli(monkeypatch, capsys, "saves", "--saves", str(saves), "--rename", run_file.name, "At the lamp")
    assert code == 0 and "Renamed" in out
    renamed = saves / f"{DEMO_KEY}--at_the_lamp.json"
    assert not run_file.exists() and renamed.is_file()
    data = read_save(renamed)
    assert data["name"] == "At the lamp" and data["kind"] == "save" and data["state"]["log"] == kept_log
    other = waiting_run(demo_story, saves, ["lamp", "search"])
    other_bytes, renamed_bytes = other.read_bytes(), renamed.read_bytes()
    code, _, err = cli(monkeypatch, capsys, "saves", "--saves", str(saves), "--rename", other.name, "at the lamp")
    assert code == 1 and "already a save named" in err and "add --yes" in err
    assert other.read_bytes() == other_bytes and renamed.read_bytes() == renamed_bytes
    code, _, _ = cli(
        monkeypatch, capsys, "saves", "--saves", str(saves), "--rename", other.name, "At the lamp", "--yes"
    )
    assert code == 0 and not other.exists()
    assert read_save(renamed)["state"]["log"] == ["cellar.lamp", "cellar.search"]


def test_paths_and_runs_in_play_are_refused(tmp_path, monkeypatch, capsys, demo_story):
    saves = tmp_path / "saves"
    outside = tmp_path / "x.json"
    outside.write_text("{}")
    for action in (("--delete", "../x.json", "--yes"), ("--rename", "../x.json", "new", "--yes")):
        code, _, err = cli(monkeypatch, capsys, "saves", "--saves", str(saves), *action)
        assert code == 1 and "not a path" in err
    assert outside.read_text() == "{}"
    session = Session(demo_story, saves)
    session.start(5)
    session.choose("lamp")
    kept = session.run_file.read_bytes()
    for action in (("--delete", session.run_file.name, "--yes"), ("--rename", session.run_file.name, "n", "--yes")):
        code, _, err = cli(monkeypatch, capsys, "saves", "--saves", str(saves), *action)
        assert code == 1 and "a running game is playing this run" in err
    assert session.run_file.read_bytes() == kept
    session.choose("search")  # the game that holds it goes on writing it
    assert read_save(session.run_file)["state"]["log"] == ["cellar.lamp", "cellar.search"]
    session.close()


# 10. save management in the Load dialog ----------------------------------------------------------------------
async def _open_load(app, pilot) -> PickSaveScreen:
    await pilot.press("l")
    assert isinstance(app.screen, PickSaveScreen)
    return app.screen


async def test_the_load_dialog_deletes_and_renames_after_asking(tmp_path, demo_story):
    saves = tmp_path / "saves"
    run_file = waiting_run(demo_story, saves, ["lamp"])
    broken = saves / f"{DEMO_KEY}--broken.json"
    broken.write_text("{ not json")
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await _open_load(app, pilot)
        options = dialog.query_one("#save-list", OptionList)
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert prompts[0].startswith("Run of 1 choice") and "cannot be read" in prompts[1]
        await pilot.press("r")
        assert isinstance(app.screen, SaveNameScreen)
        await pilot.press(*"kept", "enter")
        await pilot.pause()
        renamed = saves / f"{DEMO_KEY}--kept.json"
        assert not run_file.exists() and read_save(renamed)["name"] == "kept"
        assert read_save(renamed)["kind"] == "save"
        assert isinstance(app.screen, PickSaveScreen)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert renamed.is_file()
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert not renamed.exists() and broken.is_file()
        assert [e.path for e in dialog.entries] == [broken]


async def test_the_load_dialog_renames_onto_a_save_only_when_told(tmp_path, demo_story):
    saves = tmp_path / "saves"
    session = Session(demo_story, saves)
    session.start(5)
    session.choose("lamp")
    named = session.save_as("Kept")
    session.close()
    kept = named.read_bytes()
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_load(app, pilot)
        run_index = next(n for n, e in enumerate(dialog.entries) if e.kind == "run")
        dialog.query_one("#save-list", OptionList).highlighted = run_index
        await pilot.press("r", *"kept", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert named.read_bytes() == kept and session.run_file.is_file()
        await pilot.press("r", *"kept", "enter", "y")
        await pilot.pause()
        assert not session.run_file.exists()
        assert read_save(named)["state"]["log"] == ["cellar.lamp"] and read_save(named)["name"] == "kept"


async def test_the_load_dialog_deletes_an_unreadable_file(tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    broken = saves / f"{DEMO_KEY}--broken.json"
    broken.write_text("{ not json")
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_load(app, pilot)
        prompt = str(dialog.query_one("#save-list", OptionList).get_option_at_index(0).prompt)
        assert "cannot be read" in prompt
        await pilot.press("down", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    assert not broken.exists()


# 11. saving under a name that is taken ------------------------------------------------------------------------
async def test_saving_under_a_taken_name_asks_first(tmp_path):
    app = app_for(tmp_path, story="demo", seed=5)
    named = tmp_path / "saves" / f"{DEMO_KEY}--here.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "s", *"here", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        kept = named.read_bytes()
        await pilot.press("1", "s", *"here", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, PlayScreen)
        assert named.read_bytes() == kept
        await pilot.press("s", *"here", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
    assert read_save(named)["state"]["log"] == ["cellar.lamp", "cellar.search"]


def test_saving_under_a_taken_name_asks_first_in_plain_mode(tmp_path):
    saves = tmp_path / "saves"
    named = saves / f"{DEMO_KEY}--here.json"
    typed = "1\nsave here\n1\nsave here\nn\n"
    out = io.StringIO()
    assert run_plain(str(DEMO), seed=5, saves=str(saves), out=out, inp=io.StringIO(typed)) == 0
    assert "already a save named 'here'" in out.getvalue() and "Nothing was saved." in out.getvalue()
    assert read_save(named)["state"]["log"] == ["cellar.lamp"]
    out = io.StringIO()
    typed = "1\n1\nsave here\ny\nq\n"
    assert run_plain(str(DEMO), seed=5, saves=str(saves), out=out, inp=io.StringIO(typed)) == 0
    assert "Saved as 'here'" in out.getvalue()
    assert read_save(named)["state"]["log"] == ["cellar.lamp", "cellar.search"]


def test_the_endings_record_is_not_a_save_to_delete_or_rename(tmp_path, demo_story):
    session = Session(demo_story, tmp_path)
    session.start(5)
    for choice in ("lamp", "search", "wake_dog", "door", "out"):
        if session.game.is_over:
            break
        offers = [o.id for o in session.game.choices() if o.enabled]
        session.choose(choice if choice in offers else offers[0])
    record = tmp_path / "endings.json"
    assert record.is_file()
    before = record.read_bytes()
    for args in (
        ["--delete", "endings", "--yes"],
        ["--delete", "endings.json", "--yes"],
        ["--rename", "endings", "x", "--yes"],
    ):
        code = main(["saves", "--saves", str(tmp_path), *args])
        assert code == 1
    assert record.read_bytes() == before


# 11. lock files do not pile up ----------------------------------------------------------------------------------
@pytest.mark.posix
def test_lock_files_go_with_their_runs_but_never_while_a_game_holds_one(tmp_path, demo_story):
    saves = tmp_path / "saves"
    locks = saves / ".locks"
    finished = waiting_run(demo_story, saves, ["lamp"])
    renamed = waiting_run(demo_story, saves, ["lamp"], seed=6)
    playing = Session(demo_story, saves)
    playing.start(7)
    playing.choose("lamp")
    held = locks / f"{playing.run_file.name}.lock"
    assert held.exists() and (locks / f"{finished.name}.lock").exists()
    from game.saves.runs import delete_save, rename_save

    delete_save(saves, finished)
    assert not (locks / f"{finished.name}.lock").exists()
    rename_save(saves, renamed, "kept")
    assert not (locks / f"{renamed.name}.lock").exists()
    stale = locks / "demo--run.deadbeef.json.lock"  # a run deleted by hand, or by an older game
    stale.write_text("")
    playing.run_file.rename(saves / "moved-by-hand.json")  # the playing game's file vanishes, its lock is held
    list_saves(saves)
    assert not stale.exists()
    assert held.exists(), "a lock a running game holds is never removed"
    playing.close()
    list_saves(saves)
    assert not held.exists()

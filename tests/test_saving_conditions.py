"""Saving under bad conditions: two games at once, a folder that is read-only, missing or full.
The game keeps playing and says that saving is off; nothing is lost or corrupted."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

from game.cli.plain import run_plain
from game.saves.files import read_save, save_path
from game.saves.session import Session, endings_found
from tests.conftest import DEMO

RUNNER = textwrap.dedent(
    """
    import json, random, sys, time
    from game.compiler.loader import load_story
    from game.saves.session import Session
    story = load_story(sys.argv[1])
    seed = int(sys.argv[3])
    session = Session(story, sys.argv[2])
    session.start(seed)
    picker = random.Random(seed)
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    endings = []
    for _ in range(300):
        if session.game.is_over:
            endings.append(session.game.run.ending)
            session.start(seed := seed + 2)
        session.choose(picker.choice([o.id for o in session.game.choices() if o.enabled]))
    print(json.dumps({"slot": session.autosave_name, "log": [f"{s}.{c}" for s, c in session.game.run.log], "endings": endings,
                      "saving": session.saving}), flush=True)
    time.sleep(0.5)
    """
)


def test_two_games_autosaving_one_story_lose_nothing(tmp_path):
    saves = tmp_path / "saves"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(DEMO), str(saves), str(seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [json.loads(proc.stdout.readline()) for proc in procs]
    for proc in procs:
        proc.wait(timeout=60)
    assert sorted(r["slot"] for r in results) == ["autosave", "autosave-2"]
    for result in results:
        assert result["saving"] is True
        data = read_save(save_path(saves, "demo", result["slot"]))
        assert data["state"]["log"] == result["log"]  # each game's own run, whole
    every_ending = {e for r in results for e in r["endings"]}
    assert set(endings_found(saves, "demo")) == every_ending


def play_a_little(session: Session) -> None:
    session.start(5)
    session.choose("lamp")
    session.choose("search")


def test_read_only_folder_turns_saving_off_and_play_goes_on(tmp_path, demo_story, monkeypatch):
    real_open = os.open

    def read_only(path, flags, *rest):  # the file system refuses new files (root ignores chmod)
        if flags & os.O_CREAT and not str(path).endswith(".lock"):
            raise PermissionError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *rest)

    monkeypatch.setattr(os, "open", read_only)
    session = Session(demo_story, tmp_path / "saves")
    play_a_little(session)
    assert not session.saving and "Read-only file system" in session.save_problem
    assert session.game.run.scene == "barrels"
    assert not any(p.name.endswith(".json") for p in (tmp_path / "saves").iterdir())


def test_full_disk_turns_saving_off_and_keeps_the_previous_save(tmp_path, demo_story, monkeypatch):
    session = Session(demo_story, tmp_path)
    session.start(5)
    session.choose("lamp")
    before = save_path(tmp_path, "demo", "autosave").read_text()

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    session.choose("search")
    assert not session.saving and "No space left on device" in session.save_problem
    assert save_path(tmp_path, "demo", "autosave").read_text() == before  # the previous save, whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no half-written leftovers
    assert session.game.run.scene == "barrels"


def test_missing_folder_is_created_and_impossible_folder_turns_saving_off(tmp_path, demo_story):
    session = Session(demo_story, tmp_path / "new" / "saves")
    play_a_little(session)
    assert session.saving and save_path(tmp_path / "new" / "saves", "demo", "autosave").is_file()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    session = Session(demo_story, blocker / "saves")
    play_a_little(session)
    assert not session.saving and session.game.run.scene == "barrels"


def test_plain_mode_says_saving_is_off(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = io.StringIO()
    assert run_plain(str(DEMO), seed=5, saves=str(blocker / "saves"), out=out, inp=io.StringIO("1\n1\nq\n")) == 0
    text = out.getvalue()
    assert text.count("[Saving is off:") == 1 and "== Behind the barrels ==" in text
    assert "Your run is autosaved" not in text


async def test_ui_says_saving_is_off(tmp_path):
    from game.tui import make_app

    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(story="demo", stories={"demo": DEMO}, saves=blocker / "saves", seed=5)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        await pilot.pause()
        shown = [str(toast.render()) for toast in app.screen.query("Toast")]  # what the player sees
        assert any(text.startswith("Saving is off: cannot write to") for text in shown), shown
        assert app.screen.session.game.run.turn == 1


@pytest.mark.parametrize("name", ["autosave", "at the gate"])
def test_slots_are_reused_by_one_game(tmp_path, demo_story, name):
    first = Session(demo_story, tmp_path, autosave_name=name)
    play_a_little(first)
    first.close()
    second = Session(demo_story, tmp_path, autosave_name=name)
    play_a_little(second)
    assert second.autosave_name == name

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
from pathlib import Path

import pytest

from game.cli.plain import run_plain
from game.compiler.loader import load_story
from game.errors import SaveError
from game.saves.endings import endings_found
from game.saves.files import read_save, story_key, story_origin
from game.saves.session import Session
from tests.conftest import DEMO


def key_of(story) -> str:
    return story_key(story.id, story_origin(story))


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
    endings, files = [], []
    for _ in range(300):
        if session.game.is_over:
            endings.append(session.game.run.ending)
            files.append(str(session.run_file))
            session.start(seed := seed + 2)
        session.choose(picker.choice([o.id for o in session.game.choices() if o.enabled]))
    print(json.dumps({"file": str(session.run_file), "log": [f"{s}.{c}" for s, c in session.game.run.log],
                      "endings": endings, "finished": files, "saving": session.saving}), flush=True)
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
    files = [Path(f) for r in results for f in [r["file"], *r["finished"]]]
    assert len(set(files)) == len(files) == sum(1 + len(r["endings"]) for r in results)  # a file per run
    assert sorted(files) == sorted(p for p in saves.glob("*.json") if p.name != "endings.json")
    for result in results:
        assert result["saving"] is True
        assert read_save(result["file"])["state"]["log"] == result["log"]  # each game's own run, whole
        for path, ending in zip(result["finished"], result["endings"], strict=True):
            assert read_save(path)["state"]["ending"] == ending  # finished runs kept as they ended
    every_ending = {e for r in results for e in r["endings"]}
    assert set(endings_found(saves, key_of(load_story(DEMO)))) == every_ending


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
    before = session.run_file.read_text()

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    session.choose("search")
    assert not session.saving and "No space left on device" in session.save_problem
    assert session.run_file.read_text() == before  # the previous save, whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no half-written leftovers
    assert session.game.run.scene == "barrels"


def test_missing_folder_is_created_and_impossible_folder_turns_saving_off(tmp_path, demo_story):
    session = Session(demo_story, tmp_path / "new" / "saves")
    play_a_little(session)
    assert session.saving and session.run_file.parent == tmp_path / "new" / "saves" and session.run_file.is_file()
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
    assert text.count("[Saving is off:") == 1 and "\nBehind the barrels\n" in text
    assert "Your run is saved" not in text


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


def test_a_new_run_never_touches_another_and_a_continued_run_keeps_its_file(tmp_path, demo_story):
    first = Session(demo_story, tmp_path)
    play_a_little(first)
    first.close()
    kept = first.run_file.read_bytes()
    second = Session(demo_story, tmp_path)  # a new run while the first waits
    play_a_little(second)
    second.choose("wake_dog")
    assert second.run_file != first.run_file and first.run_file.read_bytes() == kept
    assert read_save(second.run_file)["state"]["log"] == ["cellar.lamp", "cellar.search", "barrels.wake_dog"]
    third = Session(demo_story, tmp_path)
    third.resume(first.run_file)  # Continue: the same run, in the same file
    assert third.run_file == first.run_file
    third.choose("wake_dog")
    assert read_save(first.run_file)["state"]["log"] == ["cellar.lamp", "cellar.search", "barrels.wake_dog"]
    assert len(list(tmp_path.glob("*--run.*.json"))) == 2


def test_a_run_open_in_one_game_cannot_be_continued_in_another(tmp_path, demo_story):
    first = Session(demo_story, tmp_path)
    play_a_little(first)
    second = Session(demo_story, tmp_path)
    with pytest.raises(SaveError, match="open in another game"):
        second.resume(first.run_file)
    [waiting] = second.runs_waiting()
    assert waiting.in_use and waiting.path == first.run_file
    first.close()
    second.resume(first.run_file)
    assert second.run_file == first.run_file and second.runs_waiting()[0].in_use  # held by this game now

"""Replays: exact reproduction, divergence reports after story edits, `escape replay --check`, and
saves that survive being killed at any instant."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from game.cli.replay import run_replay_check
from game.cli.saves import run_saves
from game.compiler.loader import load_story
from game.engine.game import Game
from game.engine.replay import replay
from game.saves.files import list_saves, read_save, save_game, save_path, saved_steps
from game.saves.session import Session
from tests.conftest import DEMO


def random_run(story, seed: int, steps: int = 12) -> Game:
    game = Game(story)
    game.start(seed)
    picker = random.Random(seed)
    for _ in range(steps):
        if game.is_over:
            break
        game.choose(picker.choice([o.id for o in game.choices() if o.enabled]))
    return game


@pytest.mark.parametrize("seed", range(25))
def test_replay_reproduces_the_run_exactly(demo_story, seed):
    game = random_run(demo_story, seed)
    again, divergence = replay(demo_story, seed, list(game.run.log))
    assert divergence is None
    assert again.snapshot() == game.snapshot()  # same scenes, variables, draws
    assert again.text() == game.text()


@pytest.fixture
def edited(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    return folder


def saved_run(folder, tmp_path, keys=("lamp", "search", "leave_dog", "door")):
    game = Game(load_story(folder))
    game.start(5)
    for key in keys:
        game.choose(key)
    return save_game(game, tmp_path / "saves")


def edit(folder, old: str, new: str) -> None:
    path = folder / "cellar.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("      - id: wake_dog", "      - id: rouse_dog", None),  # an untaken choice renamed: still replays
        (
            "      - id: leave_dog",
            "      - id: let_it_sleep",
            "step 3 (barrels.leave_dog): missing choice: scene 'barrels' has no choice 'leave_dog'",
        ),
        (
            "        if: has('lamp')\n",
            "        if: has('lamp') and noise > 5\n",
            "step 2 (cellar.search): the choice's condition is now false (You cannot search in the dark)",
        ),
        (
            "goto: {random: {door_opens: 3, door_sticks: 1}}",
            "goto: {random: {door_opens: 3, door_sticks: 100}}",
            None,
        ),  # the last step's own draw may differ but no later step depends on it
        (
            "  - id: barrels\n",
            "  - id: behind_barrels\n",
            "step 3 (barrels.leave_dog): missing scene: the story has no scene 'barrels'",
        ),
        (
            "        effects: gain key\n        goto: barrels",
            "        effects: gain key\n        goto: waiting",
            "step 3 (barrels.leave_dog): the run reached 'waiting' instead of 'barrels' (a condition or target changed)",
        ),
        (
            "        text: Light the storm lamp\n",
            "        text: Light the storm lamp\n        if: noise > 5\n",
            "step 1 (cellar.lamp): the choice is not offered now (its condition is false, or it was once-only)",
        ),
    ],
)
def test_edited_story_gives_the_right_divergence(edited, tmp_path, capsys, old, new, expected):
    path = saved_run(edited, tmp_path)
    edit(edited, old, new)
    if "behind_barrels" in new:
        edit(edited, "goto: barrels", "goto: behind_barrels")
    story = load_story(edited)
    data = read_save(path)
    _, divergence = replay(story, *saved_steps(data, path))
    assert (str(divergence) if divergence else None) == expected
    if expected:
        session = Session(story, tmp_path / "saves")
        found = session.resume(path, partial=True)
        assert str(found) == expected
        assert session.game.run.turn == found.step - 1  # continued from the last step that works


def test_random_draw_divergence_is_named(edited, tmp_path):
    path = saved_run(edited, tmp_path, keys=("lamp", "search", "leave_dog", "door", "go"))
    assert read_save(path)["state"]["log"][-1] == "door_opens.go"
    edit(
        edited, "goto: {random: {door_opens: 3, door_sticks: 1}}", "goto: {random: {door_opens: 1, door_sticks: 1000}}"
    )
    _, divergence = replay(load_story(edited), 5, saved_steps(read_save(path), path)[1])
    assert str(divergence) == (
        "step 5 (door_opens.go): the run reached 'door_sticks' instead of 'door_opens' (the random draw differs)"
    )


def test_replay_check_command(tmp_path, capsys):
    path = saved_run(DEMO, tmp_path)
    assert run_replay_check(path, str(DEMO)) == 0  # the demo is not bundled: --story names it
    assert capsys.readouterr().out.strip() == f"{path}: OK (4 steps replayed)"
    data = path.read_text().replace('"barrels.leave_dog"', '"barrels.dance"')
    path.write_text(data)
    assert run_replay_check(path, str(DEMO)) == 1
    assert "FAILED at step 3 (barrels.dance): missing choice" in capsys.readouterr().out
    path.write_text("{broken")
    assert run_replay_check(path, str(DEMO)) == 1
    assert "truncated or corrupt" in capsys.readouterr().out


def test_saves_listing(tmp_path, capsys, demo_story):
    game = random_run(demo_story, 3, steps=2)
    save_game(game, tmp_path, "first", play_seconds=125)
    (tmp_path / "junk.json").write_text("not a save")
    assert run_saves(str(tmp_path)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["story", "name", "scene", "saved", "played"]
    assert out[1].split()[:3] == ["demo", "first", game.run.scene] and out[1].endswith("2 min")
    assert len(out) == 2


def test_damaged_autosave_is_never_overwritten(tmp_path, demo_story):
    path = save_path(tmp_path, "demo", "autosave")
    path.write_text('{"format": "escape-lines-save", "version": 1, "sto')
    session = Session(demo_story, tmp_path)
    session.start(1)
    session.choose("lamp")
    assert not session.saving and "will not be overwritten" in session.save_problem
    assert path.read_text() == '{"format": "escape-lines-save", "version": 1, "sto'
    session.choose("search")  # play goes on with saving off
    assert session.game.run.scene == "barrels"


SAVER = textwrap.dedent(
    """
    import random, sys
    from game.engine.game import Game
    from game.compiler.loader import load_story
    from game.saves.files import save_game
    story = load_story(sys.argv[1])
    picker = random.Random(0)
    game = Game(story)
    seed = 0
    print("ready", flush=True)
    while True:
        if game.state is None or game.is_over:
            seed += 1
            game.start(seed)
        game.choose(picker.choice([o.id for o in game.choices() if o.enabled]))
        save_game(game, sys.argv[2], check_existing=False)
    """
)


@pytest.mark.posix
def test_saves_survive_sigkill_at_any_instant(tmp_path, demo_story):
    saves = tmp_path / "saves"
    path = save_path(saves, "demo", "autosave")
    rng = random.Random(1234)
    killed_while_saving, checked = 0, 0
    for _ in range(25):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(DEMO), str(saves)], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        killed_while_saving += proc.wait() == -signal.SIGKILL  # the kill landed in the saving loop
        if path.exists():
            data = read_save(path)  # raises if a kill ever left a torn file
            Game(demo_story).restore(data["state"])
            checked += 1
    assert killed_while_saving == 25  # every run was cut short, none had ended on its own
    assert checked >= 20  # and the save was there to check after (nearly) every kill
    assert [info.name for info in list_saves(saves)] == ["autosave"]  # a killed write's temporary file is no save


def test_replay_can_stop_after_some_steps(demo_story):
    game = random_run(demo_story, 5, steps=6)
    partway, divergence = replay(demo_story, 5, list(game.run.log), upto=3)
    assert divergence is None and partway.run.log == game.run.log[:3]
    whole, _ = replay(demo_story, 5, list(game.run.log))
    assert whole.run.log == game.run.log

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

from game.cli import main
from game.cli.replay import run_replay_check, state_lines
from game.cli.saves import run_saves
from game.compiler.loader import load_story
from game.engine.game import Game
from game.engine.replay import Divergence, Reading, replay
from game.errors import SaveError
from game.saves.files import read_save, save_game, saved_steps
from game.saves.runs import list_saves
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
            "step 2 (cellar.search): choice 'cellar.search' now leads to 'waiting', not 'barrels' "
            "(its goto no longer leads to 'barrels')",
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
        "step 4 (cellar.door): choice 'cellar.door' now leads to 'door_sticks', not 'door_opens' "
        "(the random draw, weighted door_opens 1, door_sticks 1000)"
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
    assert capsys.readouterr().out.startswith(f"{path}: error: not a readable save (truncated or corrupt)")


def test_saves_listing(tmp_path, capsys, demo_story):
    game = random_run(demo_story, 3, steps=2)
    path = save_game(game, tmp_path, "first", play_seconds=125)
    (tmp_path / "junk.json").write_text("not a save")
    (tmp_path / "bad\x1b]0;pwned\x07.json").write_text("{}")
    assert run_saves(str(tmp_path)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Saves in {tmp_path}:"
    assert out[1].split() == ["file", "story", "kind", "choices", "where", "saved", "played"]
    assert out[2].split()[:6] == [path.name, "demo", "save", "'first'", "2", game.run.scene] and out[2].endswith(
        "2 min"
    )
    assert "Cannot be read (2; left as they are, never written over):" in out
    assert "  junk.json: not a readable save (truncated or corrupt): Expecting value: line 1 column 1 (char 0)" in out
    assert "  bad?]0;pwned?.json: not an Escape Lines save" in out  # no escape sequence reaches the terminal


def test_a_damaged_file_is_listed_never_overwritten_and_play_saves_beside_it(tmp_path, demo_story):
    path = tmp_path / "demo--autosave.json"
    path.write_text('{"format": "escape-lines-save", "version": 1, "sto')
    session = Session(demo_story, tmp_path)
    session.start(1)
    session.choose("lamp")
    session.choose("search")
    assert session.saving and session.run_file != path
    assert path.read_text() == '{"format": "escape-lines-save", "version": 1, "sto'
    [bad] = list_saves(tmp_path).unreadable
    assert bad.path == path and "truncated or corrupt" in bad.reason


SAVER = textwrap.dedent(
    """
    import random, sys
    from game.compiler.loader import load_story
    from game.saves.session import Session
    story = load_story(sys.argv[1])
    picker = random.Random(0)
    session = Session(story, sys.argv[2])
    seed = 0
    print("ready", flush=True)
    while True:
        if session.game.state is None or session.game.is_over:
            seed += 1
            session.start(seed)  # a new run, in a file of its own; the finished one stays
        session.choose(picker.choice([o.id for o in session.game.choices() if o.enabled]))
        if session.game.run.turn % 3 == 0:
            session.save_as("checkpoint", replace=True)
    """
)


@pytest.mark.posix
def test_saves_survive_sigkill_at_any_instant(tmp_path, demo_story):
    """Runs, a named save replaced again and again, and the endings record: killed at random instants, every
    file is whole (the old version or the new), and nothing half-written is ever listed as a save."""
    from game.saves.endings import ENDINGS_FILE, _read_endings

    saves = tmp_path / "saves"
    rng = random.Random(1234)
    killed_while_saving, checked = 0, 0
    for _ in range(25):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(DEMO), str(saves)], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        killed_while_saving += proc.wait() == -signal.SIGKILL  # the kill landed in the saving loop
        listing = list_saves(saves)
        assert listing.unreadable == []  # a killed write never leaves a torn file or a visible temporary one
        for info in listing.saves:
            Game(demo_story).restore(read_save(info.path)["state"])
        if (saves / ENDINGS_FILE).exists():
            _read_endings(saves)  # raises if a kill tore the record
        checked += bool(listing.saves)
    assert killed_while_saving == 25  # every run was cut short, none had ended on its own
    assert checked >= 20  # and there were saves to check after (nearly) every kill
    kinds = {info.kind for info in list_saves(saves).saves}
    assert kinds == {"run", "save"}
    assert (saves / ENDINGS_FILE).exists()  # runs ended along the way and were recorded


def test_replay_can_stop_after_some_steps(demo_story):
    game = random_run(demo_story, 5, steps=6)
    partway, divergence = replay(demo_story, 5, list(game.run.log), upto=3)
    assert divergence is None and partway.run.log == game.run.log[:3]
    whole, _ = replay(demo_story, 5, list(game.run.log))
    assert whole.run.log == game.run.log


# `escape replay --check`: the story found from the save, and a divergence named where the outcome changed


@pytest.fixture
def tale(tmp_path):
    """A copy of the demo story under an id of its own (no bundled story has it)."""
    folder = tmp_path / "tale"
    shutil.copytree(DEMO, folder)
    manifest = folder / "story.yaml"
    manifest.write_text(manifest.read_text().replace("id: demo", "id: cellar_door"))
    return folder


def walkthrough(folder, keys=("lamp", "search", "leave_dog", "door", "go"), name="out"):
    """A run of the story in `folder` saved in its walkthroughs/ folder, as `escape playtest` writes them."""
    game = Game(load_story(folder))
    game.start(5)
    for key in keys:
        game.choose(key)
    return save_game(game, folder / "walkthroughs", name)


def check(path, capsys, story=None):
    code = run_replay_check(path, story)
    return code, capsys.readouterr().out.splitlines()


def test_check_finds_the_story_around_its_walkthroughs(tale, tmp_path, capsys):
    path = walkthrough(tale)
    assert check(path, capsys) == (0, [f"{path}: OK (5 steps replayed, ending 'out')"])
    deeper = tale / "walkthroughs" / "old" / path.name
    deeper.parent.mkdir()
    shutil.copy(path, deeper)
    assert check(deeper, capsys) == (0, [f"{deeper}: OK (5 steps replayed, ending 'out')"])
    assert main(["replay", str(path), "--check"]) == 0  # the command itself, without --story
    stray = tmp_path / "elsewhere" / path.name  # in no story folder, and no bundled story is 'cellar_door'
    stray.parent.mkdir()
    shutil.copy(path, stray)
    capsys.readouterr()
    assert check(stray, capsys) == (
        1,
        [
            f"{stray}: error: cannot find the story 'cellar_door': the save is in no story folder and no bundled "
            "story has that id; pass --story FOLDER"
        ],
    )
    assert check(stray, capsys, str(tale))[0] == 0


def test_check_refuses_a_save_inside_another_storys_folder(tale, tmp_path, capsys):
    path = saved_run(DEMO, tmp_path)  # a save of 'demo'
    inside = tale / "walkthroughs" / path.name
    inside.parent.mkdir()
    shutil.copy(path, inside)
    assert check(inside, capsys) == (
        1,
        [
            f"{inside}: error: a save of 'demo', but it is inside the folder of the story 'cellar_door' ({tale}); "
            "pass --story FOLDER to check it against another story"
        ],
    )
    assert check(inside, capsys, str(DEMO)) == (0, [f"{inside}: OK (4 steps replayed)"])
    assert check(inside, capsys, str(tale)) == (
        1,
        [f"{inside}: error: a save of 'demo', not of 'cellar_door' (the story in {tale})"],
    )


@pytest.mark.posix
def test_check_follows_no_link_up_to_a_story(tale, tmp_path, capsys):
    path = walkthrough(tale)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "linked").symlink_to(tale / "walkthroughs")
    code, out = check(tmp_path / "elsewhere" / "linked" / path.name, capsys)
    assert code == 1 and "cannot find the story 'cellar_door'" in out[0]


def test_check_reports_a_load_error_without_a_traceback(tale, capsys):
    path = walkthrough(tale)
    text = (tale / "cellar.yaml").read_text()
    (tale / "cellar.yaml").write_text(text.replace("goto: waiting", "goto: wating"))
    code, out = check(path, capsys)
    assert code == 1 and len(out) == 1
    assert out[0].startswith(f"{path}: error: the story does not load: ") and "unknown scene 'wating'" in out[0]


def test_check_names_the_step_whose_goto_condition_changed(tale, capsys):
    edit(
        tale,
        "        effects: gain key\n        goto: barrels",
        (
            "        effects: gain key\n        goto:\n          - if: has('key') and noise > 5\n            to: waiting\n"
            "          - to: barrels"
        ),
    )
    path = walkthrough(tale)
    assert check(path, capsys)[0] == 0
    edit(tale, "noise > 5", "noise > 0")
    assert check(path, capsys) == (
        1,
        [
            f"{path}: FAILED at step 2 (cellar.search): choice 'cellar.search' now leads to 'waiting', not 'barrels' "
            "(its goto's condition `has('key') and noise > 0` now holds)",
            "    replayed, at step 2: has('key') = false (true after the choice's effects), noise = 1",
            "    saved, at the end of the run (after step 5; a save keeps only its final state): has('key') = true, "
            "noise = 1",
        ],
    )
    session = Session(load_story(tale), tale / "saves")
    found = session.resume(path, partial=True)  # a player's save carries on before the step that changed
    assert found.step == 2 and session.game.run.turn == 1 and session.game.run.scene == "cellar"


def test_check_names_the_last_step_when_the_run_now_ends_elsewhere(tale, capsys):
    path = walkthrough(tale)
    edit(tale, "if: noise >= 3 and not with_dog", "if: noise >= 1 and not with_dog")
    assert check(path, capsys) == (
        1,
        [
            f"{path}: FAILED at step 5 (door_opens.go): choice 'door_opens.go' now leads to 'caught_end' (ending "
            "'caught'), not 'out_end' (ending 'out') (its goto's condition `noise >= 1 and not with_dog` now holds)",
            "    replayed, at step 5: noise = 1, with_dog = false",
            "    saved, at the end of the run (after step 5; a save keeps only its final state): noise = 1, "
            "with_dog = false",
        ],
    )
    _, divergence = replay(load_story(tale), *saved_steps(read_save(path), path))
    assert divergence is None  # without the saved end, the last step has nothing to be compared with
    session = Session(load_story(tale), tale / "saves")
    found = session.resume(path, partial=True)  # restoring compares with the saved end
    assert found.step == 5 and session.game.run.turn == 4 and session.game.run.scene == "door_opens"
    with pytest.raises(SaveError, match="the story has changed: step 5 \\(door_opens.go\\): choice"):
        Session(load_story(tale), tale / "saves").resume(path)


def test_check_names_a_removed_choice(tale, capsys):
    path = walkthrough(tale)
    edit(tale, "      - id: leave_dog\n        text: Let it sleep\n        goto: cellar\n", "")
    assert check(path, capsys) == (
        1,
        [f"{path}: FAILED at step 3 (barrels.leave_dog): missing choice: scene 'barrels' has no choice 'leave_dog'"],
    )


def test_check_names_the_step_of_a_changed_random_weight(tale, capsys):
    path = walkthrough(tale)
    edit(tale, "door_sticks: 1}", "door_sticks: 1000}")
    assert check(path, capsys) == (
        1,
        [
            f"{path}: FAILED at step 4 (cellar.door): choice 'cellar.door' now leads to 'door_sticks', not "
            "'door_opens' (the random draw, weighted door_opens 3, door_sticks 1000)"
        ],
    )
    assert main(["replay", str(path), "--check"]) == 1


def test_check_shows_what_a_refused_choice_reads(tale, capsys):
    path = walkthrough(tale)
    edit(tale, "        if: has('lamp')\n", "        if: has('lamp') and noise > 5\n")
    assert check(path, capsys) == (
        1,
        [
            f"{path}: FAILED at step 2 (cellar.search): the choice's condition is now false (You cannot search in "
            "the dark)",
            "    replayed, at step 2: has('lamp') = true, noise = 1",
            "    saved, at the end of the run (after step 5; a save keeps only its final state): has('lamp') = true, "
            "noise = 1",
        ],
    )


def test_divergence_reads_counts_and_the_turn(tale):
    edit(
        tale,
        "        goto: {random: {door_opens: 3, door_sticks: 1}}",
        (
            "        goto:\n          - if: chosen('cellar.door') > 1 or turn > 9 or visited('cellar') > 9\n"
            "            to: waiting\n          - to: {random: {door_opens: 3, door_sticks: 1}}"
        ),
    )
    path = walkthrough(tale)
    edit(tale, "chosen('cellar.door') > 1", "chosen('cellar.door') > 0")
    _, divergence = replay(load_story(tale), *saved_steps(read_save(path), path))
    assert str(divergence).startswith("step 4 (cellar.door): choice 'cellar.door' now leads to 'waiting'")
    assert [(r.name, r.offered, r.decided) for r in divergence.readings] == [
        ("chosen('cellar.door')", 0, 1),
        ("turn", 3, 4),
        ("visited('cellar')", 3, 3),
    ]
    assert state_lines(divergence, read_save(path)["state"])[1] == (
        "saved, at the end of the run (after step 5; a save keeps only its final state): chosen('cellar.door') = 1, "
        "turn = 5"
    )


# Divergences in small stories written here: every field of the report, and what the conditions read

MANIFEST = """\
id: small
title: Small
blurb: B.
start: hall
variables:
  x: 0
  y: 0
items:
  lamp: Lamp
endings: [{id: out, title: Out, kind: neutral}]
"""


def small(story_dir, scenes: str):
    """The small story with these scenes (YAML list items, in scenes.yaml)."""
    return load_story(story_dir(MANIFEST, scenes="scenes:\n" + textwrap.dedent(scenes)))


ROOMS = """\
- id: hall
  title: Hall
  text: Hall.
  choices:
    - {id: to_yard, text: Yard, goto: yard}
    - {id: finish, text: Finish, goto: gate}
- id: yard
  title: Yard
  text: Yard.
  choices:
    - {id: back, text: Back, goto: hall}
- id: gate
  title: Gate
  text: Gate.
  ending: out
"""


def test_a_first_step_that_starts_elsewhere_is_refused(story_dir):
    story = small(story_dir, ROOMS)
    _, divergence = replay(story, 1, [("yard", "back"), ("hall", "finish")])
    assert divergence == Divergence(1, "yard", "back", "the run starts in 'hall', not 'yard'")


def test_a_step_after_the_run_ended_is_refused(story_dir):
    story = small(story_dir, ROOMS)
    game, divergence = replay(story, 1, [("hall", "finish"), ("gate", "stay")])
    assert divergence == Divergence(2, "gate", "stay", "the run ended in 'out' before this step")
    assert game.run.log == [("hall", "finish")]


def test_a_once_only_choice_taken_again_is_refused_with_nothing_read(story_dir):
    story = small(
        story_dir,
        """\
        - id: hall
          title: Hall
          text: Hall.
          choices:
            - {id: look, text: Look, once: true, goto: hall}
            - {id: finish, text: Finish, goto: gate}
        - {id: gate, title: Gate, text: Gate., ending: out}
        """,
    )
    _, divergence = replay(story, 1, [("hall", "look"), ("hall", "look")])
    assert divergence == Divergence(
        2, "hall", "look", "the choice is not offered now (its condition is false, or it was once-only)"
    )


def test_a_name_the_source_spells_with_an_escape_is_read_last(story_dir):
    # has('l\x61mp') reads the item 'lamp', a name the condition's text does not contain: no place, so last
    story = small(
        story_dir,
        """\
        - id: hall
          title: Hall
          text: Hall.
          choices:
            - {id: search, text: Search, if: "has('l\\\\x61mp') and x > 5", disabled_text: Too dark, goto: gate}
        - {id: gate, title: Gate, text: Gate., ending: out}
        """,
    )
    _, divergence = replay(story, 1, [("hall", "search")])
    assert divergence == Divergence(
        1,
        "hall",
        "search",
        "the choice's condition is now false (Too dark)",
        (Reading("variable", "x", 0, 0), Reading("item", "lamp", False, False)),
    )


def test_a_changed_ending_is_named(story_dir):
    story = small(story_dir, ROOMS)
    _, divergence = replay(story, 1, [("hall", "finish")], end=("gate", "free"))
    assert str(divergence) == (
        "step 1 (hall.finish): choice 'hall.finish' now leads to 'gate' (ending 'out'), not 'gate' (ending "
        "'free') (the scene's ending was changed)"
    )
    assert divergence.readings == ()


def test_an_ending_scene_named_as_its_ending_is_named_once(story_dir):
    story = small(
        story_dir,
        """\
        - id: hall
          title: Hall
          text: Hall.
          choices:
            - {id: go, text: Go, goto: out}
        - {id: yard, title: Yard, text: Yard., choices: [{id: back, text: Back, goto: hall}]}
        - {id: out, title: Out, text: Out., ending: out}
        """,
    )
    _, divergence = replay(story, 1, [("hall", "go"), ("yard", "back")])
    assert str(divergence) == (
        "step 1 (hall.go): choice 'hall.go' now leads to the ending 'out', not 'yard' "
        "(its goto no longer leads to 'yard')"
    )


def test_a_goto_decided_after_the_choices_effects_names_the_branch_that_now_fails(story_dir):
    story = small(
        story_dir,
        """\
        - id: hall
          title: Hall
          text: Hall.
          choices:
            - id: go
              text: Go
              effects: x += 1
              goto:
                - {if: x > 1, to: yard}
                - {if: y == 0, to: cellar}
                - {to: gate}
        - {id: yard, title: Yard, text: Yard., choices: [{id: back, text: Back, goto: hall}]}
        - {id: cellar, title: Cellar, text: Cellar., choices: [{id: up, text: Up, goto: hall}]}
        - {id: gate, title: Gate, text: Gate., ending: out}
        """,
    )
    _, divergence = replay(story, 1, [("hall", "go"), ("yard", "back")])
    assert divergence == Divergence(
        1,
        "hall",
        "go",
        "choice 'hall.go' now leads to 'cellar', not 'yard' (its goto's condition `x > 1` for 'yard' is now false)",
        (Reading("variable", "x", 0, 1), Reading("variable", "y", 0, 0)),
    )


def test_divergence_reads_visits_of_other_scenes_and_of_this_one(story_dir):
    story = small(
        story_dir,
        """\
        - id: hall
          title: Hall
          text: Hall.
          choices:
            - {id: to_yard, text: Yard, once: true, goto: yard}
            - id: go
              text: Go
              goto:
                - {if: visited('yard') > 1 or visited('attic') > 0 or visits > 5 or turn > 20, to: attic}
                - {to: gate}
        - {id: yard, title: Yard, text: Yard., choices: [{id: back, text: Back, goto: hall}]}
        - {id: attic, title: Attic, text: Attic., choices: [{id: down, text: Down, goto: hall}]}
        - {id: gate, title: Gate, text: Gate., ending: out}
        """,
    )
    _, divergence = replay(story, 1, [("hall", "to_yard"), ("yard", "back"), ("hall", "go"), ("attic", "down")])
    assert divergence == Divergence(
        3,
        "hall",
        "go",
        "choice 'hall.go' now leads to 'gate' (ending 'out'), not 'attic' (its goto's condition "
        "`visited('yard') > 1 or visited('attic') > 0 or visits > 5 or turn > 20` for 'attic' is now false)",
        (
            Reading("scene", "yard", 1, 1),  # not the visits of the hall, where the run stands (2)
            Reading("scene", "attic", 0, 0),  # never entered
            Reading("visits", "visits", 2, 2),  # the hall's, not the turn
            Reading("turn", "turn", 2, 3),
        ),
    )

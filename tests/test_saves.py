"""Save files: atomic writes, round trips, and refusing bad files without touching them."""

from __future__ import annotations

import json
import os
import re

import pytest

from game.engine.game import Game
from game.errors import SaveError
from game.saves.files import read_save, restore_game, save_game, save_path, story_key, story_origin
from game.saves.runs import list_saves


def key_of(story) -> str:
    """The name a story's save files start with: its id, and a hash of its folder unless it is bundled."""
    return story_key(story.id, story_origin(story))


def played(demo_story) -> Game:
    game = Game(demo_story)
    game.start(seed=21)
    game.choose("lamp")
    game.choose("search")
    return game


def test_round_trip_equals_the_run(tmp_path, demo_story):
    game = played(demo_story)
    path = save_game(game, tmp_path, "before the door", play_seconds=42)
    assert path == tmp_path / "demo--before_the_door.json"  # portable: the same name on every machine
    data = read_save(path)
    assert (
        data["version"] == 3
        and data["kind"] == "save"
        and data["origin"] == ""
        and data["story"] == "demo"
        and data["state"]["seed"] == 21
        and data["play_seconds"] == 42
    )
    assert data["state"]["log"] == ["cellar.lamp", "cellar.search"]
    copy = Game(demo_story)
    restore_game(copy, data, path)
    assert copy.snapshot() == game.snapshot()
    assert [s.name for s in list_saves(tmp_path).saves] == ["before the door"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_changed_story_replays_the_log(tmp_path, demo_story):
    game = played(demo_story)
    data = read_save(save_game(game, tmp_path))
    data["story_hash"] = "0" * 64  # as if the story had been edited since
    copy = Game(demo_story)
    restore_game(copy, data, "save")
    assert copy.snapshot() == game.snapshot()
    data["state"]["log"].append("barrels.fly_away")
    with pytest.raises(SaveError, match=r"step 3 \(barrels.fly_away\): missing choice"):
        restore_game(Game(demo_story), data, "save")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b'{"format": "escape-lines-save", "vers', "truncated or corrupt"),
        (b"\x00\xff\xfe garbage", "truncated or corrupt"),
        (b'{"hello": 1}', "not an Escape Lines save"),
        (b'{"format": "escape-lines-save", "version": 99}', "newer version"),
        (b'{"format": "escape-lines-save", "version": 2, "story": 3}', "'story' is missing or of the wrong type"),
        (b'{"format": "escape-lines-save", "version": 1, "story": "demo"}', "'state' or 'log' is missing"),
        (b"[" * 100000 + b"]" * 100000, "truncated or corrupt"),
    ],
)
def test_bad_saves_are_refused_and_left_untouched(tmp_path, content, reason):
    path = tmp_path / "demo--autosave.json"
    path.write_bytes(content)
    before = os.stat(path)
    with pytest.raises(SaveError, match=reason):
        read_save(path)
    assert path.read_bytes() == content and os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_a_version_1_save_is_read_as_version_2_and_left_as_it_is(tmp_path, demo_story):
    game = played(demo_story)
    old = {
        "format": "escape-lines-save",
        "version": 1,
        "name": "old",
        "story": "demo",
        "story_hash": demo_story.content_hash,
        "seed": 21,
        "started": "2026-01-01T00:00:00Z",
        "saved": "2026-01-01T00:10:00Z",
        "play_seconds": 600,
        "log": [["cellar", "lamp"], ["cellar", "search"]],
        "state": {
            "version": 1,
            "story": "demo",
            "seed": 21,
            "scene": "barrels",
            "turn": 2,
            "draws": 0,
            "ending": None,
            "variables": game.run.variables,
            "items": sorted(game.run.items),
            "visits": {"cellar": 2, "barrels": 1},
            "chosen": {"cellar.lamp": 1, "cellar.search": 1},
        },
    }
    path = tmp_path / "demo--old.json"
    path.write_text(json.dumps(old))
    data = read_save(path)
    assert data["version"] == 3 and data["state"]["log"] == ["cellar.lamp", "cellar.search"]
    copy = Game(demo_story)
    restore_game(copy, data, path)
    assert copy.snapshot() == game.snapshot() and copy.run.visits == game.run.visits
    assert json.loads(path.read_text()) == old  # upgraded in memory only


def test_foreign_story_and_bad_state_are_refused(tmp_path, demo_story):
    data = read_save(save_game(played(demo_story), tmp_path))
    data["story"] = "captured"
    with pytest.raises(SaveError, match="a save of 'captured', not of 'demo'"):
        restore_game(Game(demo_story), data, "save")
    data["story"] = "demo"
    data["state"]["variables"]["stamina"] = "lots"
    with pytest.raises(SaveError, match="variable 'stamina' must hold number"):
        restore_game(Game(demo_story), data, "save")


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden", "x" * 65, "nul\0"])
def test_save_names_cannot_escape_the_folder(tmp_path, name):
    with pytest.raises(SaveError, match="a save name is"):
        save_path(tmp_path, "demo", name)


@pytest.mark.posix
def test_symlinked_save_is_refused(tmp_path, demo_story):
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps({"secret": 1}))
    link = tmp_path / "demo--autosave.json"
    link.symlink_to(target)
    with pytest.raises(SaveError, match="symbolic link"):
        read_save(link)
    with pytest.raises(SaveError, match="symbolic link"):
        save_game(played(demo_story), tmp_path)
    assert json.loads(target.read_text()) == {"secret": 1}


def test_unwritable_folder_raises_save_error(tmp_path, demo_story):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError, match="cannot write"):
        save_game(played(demo_story), blocker / "saves")


# -- the file itself ------------------------------------------------------------------------------------------------
def test_a_save_is_one_field_a_line_in_utf8(tmp_path, story_dir):
    folder = story_dir(
        "id: accents\ntitle: Accents\nblurb: B.\nstart: hall\nvariables:\n  name: Maréchal\n"
        "endings: [{id: end, title: End, kind: neutral}]\n",
        scenes="scenes:\n  - {id: hall, title: Hall, text: Hall., choices: [{id: go, text: Go, goto: out}]}\n"
        "  - {id: out, title: Out, text: Out., ending: end}\n",
    )
    from game.compiler.loader import load_story

    game = Game(load_story(folder))
    game.start(4)
    path = save_game(game, tmp_path, started="2026-01-02T03:04:05Z", play_seconds=9)
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    keys = [line.split('"')[1] for line in lines[1:-1] if line.startswith(' "')]
    assert keys == [
        "format",
        "version",
        "name",
        "kind",
        "story",
        "origin",
        "story_hash",
        "started",
        "saved",
        "play_seconds",
        "state",
    ]
    assert ' "name": "autosave",' in lines and ' "started": "2026-01-02T03:04:05Z",' in lines
    assert ' "play_seconds": 9,' in lines
    assert re.fullmatch(r' "saved": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",', next(x for x in lines if '"saved"' in x))
    assert '  "variables": {"name":"Maréchal"},' in lines  # text as it is, not \\u escapes; compact values
    assert '  "log": []' in lines
    assert "Maréchal".encode() in raw


def test_save_game_defaults_to_the_autosave_and_refuses_to_overwrite_a_damaged_file(tmp_path, demo_story):
    game = played(demo_story)
    path = save_game(game, tmp_path)
    data = read_save(path)
    assert path.name == "demo--autosave.json" and data["name"] == "autosave"
    assert data["play_seconds"] == 0
    assert data["started"] == data["saved"] or data["started"] <= data["saved"]
    path.write_text("{damaged")
    with pytest.raises(SaveError) as info:
        save_game(game, tmp_path)
    assert "will not be overwritten" in str(info.value) and path.read_text() == "{damaged"


def test_saves_go_into_folders_made_on_the_way(tmp_path, demo_story):
    path = save_game(played(demo_story), tmp_path / "a" / "b" / "c")
    assert read_save(path)["story"] == "demo"


def test_version_1_upgrade_is_exact(tmp_path, demo_story):
    from game.saves.files import MIGRATIONS

    old = {
        "format": "escape-lines-save",
        "version": 1,
        "name": "n",
        "story": "demo",
        "story_hash": "h",
        "seed": 3,
        "started": "s",
        "saved": "t",
        "play_seconds": 5,
        "log": [["cellar", "lamp"]],
        "state": {
            "version": 1,
            "story": "demo",
            "seed": 3,
            "scene": "cellar",
            "turn": 1,
            "draws": 0,
            "ending": "out",
            "variables": {"a": 1},
            "items": ["lamp"],
            "visits": {},
            "chosen": {},
        },
    }
    assert MIGRATIONS[1](old) == {
        "format": "escape-lines-save",
        "version": 2,
        "name": "n",
        "story": "demo",
        "story_hash": "h",
        "started": "s",
        "saved": "t",
        "play_seconds": 5,
        "state": {
            "version": 2,
            "story": "demo",
            "seed": 3,
            "scene": "cellar",
            "ending": "out",
            "draws": 0,
            "variables": {"a": 1},
            "items": ["lamp"],
            "log": ["cellar.lamp"],
        },
    }


@pytest.mark.parametrize(
    ("log", "state", "message"),
    [
        ([["cellar"]], {}, "the log holds \"['cellar']\", which is not a step"),
        ([["c" * 80]], {}, f'the log holds "[\'{"c" * 58}", which is not a step'),
        ([["cellar", 3]], {}, "the log holds \"['cellar', 3]\", which is not a step"),
        (["cellar.lamp"], {}, "the log holds 'cellar.lamp', which is not a step"),
        ([], None, "the field 'state' or 'log' is missing or of the wrong type"),
        (None, {}, "the field 'state' or 'log' is missing or of the wrong type"),
    ],
)
def test_a_damaged_version_1_save_is_refused_with_the_reason(tmp_path, log, state, message):
    path = tmp_path / "demo--old.json"
    path.write_text(json.dumps({"format": "escape-lines-save", "version": 1, "log": log, "state": state}))
    with pytest.raises(SaveError) as info:
        read_save(path)
    assert str(info.value) == f"{path}: {message}"


def test_a_changed_story_names_the_save_in_its_refusal(tmp_path, demo_story):
    path = save_game(played(demo_story), tmp_path)
    data = read_save(path)
    data["story_hash"] = "0" * 64
    data["state"]["log"].append("barrels.fly_away")
    with pytest.raises(SaveError) as info:
        restore_game(Game(demo_story), data, path)
    assert str(info.value).startswith(f"{path}: the story has changed: step 3 (barrels.fly_away)")
    data["state"]["log"][-1] = "barrels"
    with pytest.raises(SaveError) as info:
        restore_game(Game(demo_story), data, path)
    assert str(info.value) == (
        f"{path}: the run state is damaged: the log holds 'barrels', which is not a step ('scene.choice')"
    )
    from game.saves.files import saved_steps

    with pytest.raises(SaveError) as info:
        saved_steps(data, path)
    assert str(info.value).startswith(f"{path}: the run state is damaged: ")


def test_the_list_of_saves_is_newest_first_and_leaves_out_what_is_not_a_save(tmp_path, demo_story):
    older = save_game(played(demo_story), tmp_path, "older", started="2026-01-01T00:00:00Z", play_seconds=60)
    newer = save_game(played(demo_story), tmp_path, "newer", started="2026-01-01T00:00:00Z", play_seconds=3)
    for path, stamp in ((older, "2026-01-01T00:00:00Z"), (newer, "2026-01-02T00:00:00Z")):  # when each was saved
        path.write_text(path.read_text().replace(json.loads(path.read_text())["saved"], stamp))
    (tmp_path / "endings.json").write_text(json.dumps({"version": 1, "stories": {}}))
    (tmp_path / ".hidden.json").write_text(older.read_text())
    (tmp_path / "aaa-broken.json").write_text("{broken")  # sorts first, and is skipped, not the end of the list
    infos = list_saves(tmp_path).saves
    assert [(i.name, i.path, i.story, i.scene, i.saved, i.play_seconds) for i in infos] == [
        ("newer", newer, "demo", "barrels", "2026-01-02T00:00:00Z", 3),
        ("older", older, "demo", "barrels", "2026-01-01T00:00:00Z", 60),
    ]


def test_a_folder_is_not_a_save_and_the_size_limit_is_exact(tmp_path):
    from game.saves.files import MAX_SAVE_BYTES, parse_save

    with pytest.raises(SaveError) as info:
        read_save(tmp_path)
    assert str(info.value) == f"{tmp_path}: cannot read: Is a directory"
    head = b'{"format": "escape-lines-save", "pad": "'
    exactly = head + b"x" * (MAX_SAVE_BYTES - len(head) - 2) + b'"}'
    assert len(exactly) == MAX_SAVE_BYTES
    with pytest.raises(SaveError) as info:
        parse_save(exactly, "big")
    assert str(info.value) == "big: the save has no format version"  # read whole: at the limit, not over it
    with pytest.raises(SaveError) as info:
        parse_save(exactly + b" ", "big")
    assert str(info.value) == "big: larger than 4,194,304 bytes; not a save of this game"


def test_old_formats_without_an_upgrade_and_plain_listing_fields(tmp_path, demo_story):
    path = tmp_path / "demo--ancient.json"
    path.write_text(json.dumps({"format": "escape-lines-save", "version": 0}))
    with pytest.raises(SaveError) as info:
        read_save(path)
    assert str(info.value) == f"{path}: save format 0 is too old to read"
    made = save_game(played(demo_story), tmp_path, "bare")
    data = json.loads(made.read_text())
    del data["saved"], data["play_seconds"]  # written by hand: the listing still shows it
    made.write_text(json.dumps(data))
    [info] = list_saves(tmp_path).saves
    assert (info.name, info.saved, info.play_seconds) == ("bare", "", 0)


@pytest.mark.posix
def test_writes_never_go_through_a_link_and_say_why_they_fail(tmp_path):
    from game.saves.files import write_atomic

    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    link = tmp_path / "demo--autosave.json"
    link.symlink_to(target)
    with pytest.raises(SaveError) as info:
        write_atomic(link, "{}")
    assert str(info.value) == f"{link} is a symbolic link; saves are not written through links"
    assert target.read_text() == "keep"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SaveError) as info:
        write_atomic(blocker / "save.json", "{}")
    assert str(info.value) == f"cannot write {blocker / 'save.json'}: File exists"  # the OS's reason, no more


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_the_saves_folder_is_refused_without_waiting_and_kept(tmp_path):
    import subprocess
    import sys

    os.mkfifo(tmp_path / "captured--autosave.json")  # opening it to read would wait for a writer forever
    command = [sys.executable, "-m", "game"]
    listed = subprocess.run([*command, "saves", "--saves", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "captured--autosave.json: not a regular file" in listed.stdout  # listed with the reason, not opened
    resumed = subprocess.run(
        [*command, "play", "captured", "--plain", "--continue", "--saves", str(tmp_path)],
        input="q\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert resumed.returncode == 1 and "no unfinished run of Captured!" in resumed.stderr
    assert "Traceback" not in resumed.stderr
    played = subprocess.run(
        [*command, "play", "captured", "--plain", "--seed", "3", "--saves", str(tmp_path)],
        input="1\nq\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert played.returncode == 0 and "Saving is off" not in played.stdout and "Traceback" not in played.stderr
    assert (tmp_path / "captured--autosave.json").is_fifo()


@pytest.mark.parametrize("seconds", ['"abc"', "NaN", "Infinity", "[1]", "-5", "true", "1e400"])
def test_a_damaged_play_time_reads_as_zero_and_lists(tmp_path, demo_story, seconds):
    game = Game(demo_story)
    game.start(3)
    path = save_game(game, tmp_path, "named", check_existing=False)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"play_seconds": [^,\n]*', f'"play_seconds": {seconds}', text), encoding="utf-8")
    assert read_save(path)["play_seconds"] == 0
    assert [info.play_seconds for info in list_saves(tmp_path).saves] == [0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_reading_a_fifo_as_a_save_returns_at_once(tmp_path):
    import threading

    fifo = tmp_path / "captured--autosave.json"
    os.mkfifo(fifo)
    refused: list[str] = []

    def read() -> None:
        try:
            read_save(fifo)
        except SaveError as err:
            refused.append(str(err))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    waiting = reader.is_alive()
    if waiting:  # let a reader that waits for a writer go, so that the test ends either way
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
    assert not waiting and refused == [f"{fifo}: not a regular file (a FIFO, device or socket is never read as a save)"]


@pytest.mark.parametrize(("seconds", "read"), [(10**9, 10**9), (10**9 + 1, 0), (59, 59)])
def test_a_play_time_is_kept_up_to_a_billion_seconds(tmp_path, demo_story, seconds, read):
    game = Game(demo_story)
    game.start(3)
    path = save_game(game, tmp_path, "named", check_existing=False, play_seconds=seconds)
    assert read_save(path)["play_seconds"] == read


@pytest.mark.parametrize(
    "name, kind", [("autosave", "run"), ("autosave-2", "run"), ("branch", "run"), ("at the gate", "save")]
)
def test_a_version_2_slot_is_read_as_a_run_and_a_named_save_as_a_save(tmp_path, demo_story, name, kind):
    path = save_game(played(demo_story), tmp_path, name)
    data = json.loads(path.read_text())
    old = {k: v for k, v in data.items() if k not in ("kind", "origin")} | {"version": 2}
    path.write_text(json.dumps(old))
    read = read_save(path)
    assert (read["version"], read["kind"], read["origin"], read["name"]) == (3, kind, "bundled", name)
    assert json.loads(path.read_text()) == old  # upgraded in memory only


def test_a_save_of_exactly_the_largest_size_is_written_and_one_byte_more_is_not(tmp_path, demo_story, monkeypatch):
    import game.saves.files as files

    game = played(demo_story)
    size = len(files.save_text(game, files.Header("edge")).encode("utf-8"))
    monkeypatch.setattr(files, "MAX_SAVE_BYTES", size)
    assert len(files.save_text(game, files.Header("edge")).encode("utf-8")) == size  # the reader takes this size
    monkeypatch.setattr(files, "MAX_SAVE_BYTES", size - 1)
    with pytest.raises(SaveError, match=f"needs {size:,} bytes, more than the {size - 1:,}"):
        files.save_text(game, files.Header("edge"))


def test_text_outside_ascii_is_written_as_it_is_in_every_field(tmp_path, story_dir):
    folder = story_dir(
        "id: accents\ntitle: Accents\nblurb: B.\nstart: hall\nvariables:\n  name: Maréchal\n"
        "endings: [{id: end, title: End, kind: neutral}]\n",
        scenes="scenes:\n  - {id: hall, title: Hall, text: Hall., choices: [{id: go, text: Go, goto: out}]}\n"
        "  - {id: out, title: Out, text: Out., ending: end}\n",
    )
    renamed = folder.with_name("Gefängnis")
    folder.rename(renamed)
    from game.compiler.loader import load_story
    from game.saves.session import Session

    session = Session(load_story(renamed), tmp_path)
    session.start(1)
    session.choose("go")
    text = session.run_file.read_text(encoding="utf-8")
    assert f' "origin": "{renamed.resolve()}",' in text.splitlines() and "\\u" not in text


COMPACT_CASES = [
    ({"steps": "cellar.lamp", "order": "0"}, "the compact log must have a list 'steps' and a string 'order'"),
    ({"steps": ["cellar.lamp"], "order": 0}, "the compact log must have a list 'steps' and a string 'order'"),
    (
        {"steps": ["cellar.lamp"], "order": "0", "more": 1},
        "the compact log must have a list 'steps' and a string 'order'",
    ),
    ({"steps": [], "order": "0"}, "the compact log's 'order' does not fit its steps"),
    (
        {"steps": ["cellar.lamp"] * 4, "order": "0 \u0663"},
        "the compact log numbers a step '\u0663' that it does not list",
    ),
    ({"steps": ["cellar.lamp"], "order": "0 -1"}, "the compact log numbers a step '-1' that it does not list"),
    (
        {"steps": ["cellar.lamp"], "order": "0000000000"},
        "the compact log numbers a step '0000000000' that it does not list",
    ),
    ({"steps": ["cellar.lamp"], "order": "1"}, "the compact log numbers a step '1' that it does not list"),
    (
        {"steps": ["cellar.lamp"], "order": "1234567890123456"},
        "the compact log numbers a step '123456789012' that it does not list",
    ),
]


@pytest.mark.parametrize("log, reason", COMPACT_CASES, ids=[str(i) for i in range(len(COMPACT_CASES))])
def test_a_damaged_compact_log_is_refused_with_the_reason(tmp_path, demo_story, log, reason):
    path = save_game(played(demo_story), tmp_path)
    data = json.loads(path.read_text())
    data["state"]["log"] = log
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError) as info:
        read_save(path)
    assert str(info.value) == f"{path}: the run state is damaged: {reason}"


def test_a_compact_log_reads_as_the_steps_it_numbers(tmp_path, demo_story):
    path = save_game(played(demo_story), tmp_path)
    data = json.loads(path.read_text())
    data["state"]["log"] = {"steps": ["cellar.search", "cellar.lamp"], "order": " 000000001  0 "}  # 9 digits at most
    path.write_text(json.dumps(data))
    assert read_save(path)["state"]["log"] == ["cellar.lamp", "cellar.search"]


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"kind": "slot"}, "the field 'kind' must be 'run' or 'save'"),
        ({"story": "Demo Story"}, "the story id or origin is not one a story can have"),
        ({"origin": "/" + "x" * 4096}, "the story id or origin is not one a story can have"),
        ({"origin": 5}, "the field 'origin' is missing or of the wrong type"),
    ],
)
def test_a_save_names_a_kind_a_story_and_an_origin_a_story_can_have(tmp_path, demo_story, change, reason):
    path = save_game(played(demo_story), tmp_path)
    path.write_text(json.dumps(json.loads(path.read_text()) | change))
    with pytest.raises(SaveError) as info:
        read_save(path)
    assert str(info.value).startswith(f"{path}: {reason}")


def test_an_origin_of_the_longest_length_is_read(tmp_path, demo_story):
    path = save_game(played(demo_story), tmp_path)
    path.write_text(json.dumps(json.loads(path.read_text()) | {"origin": "/" + "x" * 4095}))
    assert len(read_save(path)["origin"]) == 4096


def test_a_tool_may_write_over_a_damaged_file_when_told_to(tmp_path, demo_story):
    path = save_game(played(demo_story), tmp_path, "failing run")
    path.write_text("{damaged")
    assert save_game(played(demo_story), tmp_path, "failing run", check_existing=False) == path
    assert read_save(path)["name"] == "failing run"

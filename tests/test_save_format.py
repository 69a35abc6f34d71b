"""What a save file holds and how it reaches the disk: a long run's log written compactly and read back,
the names of a story's files by its origin, the rights a save file is made with, a save written whole
when the system writes it in pieces, and files that are never written over or through.

Each test names the behaviour of `game.saves.files` that it pins (see benchmarks/mutation.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from datetime import UTC, datetime, timedelta

import pytest

from game.compiler.bundled import scenes_root
from game.compiler.loader import load_story
from game.engine.game import Game
from game.errors import SaveError
from game.saves.files import (
    BUNDLED,
    COMPACT_LOG_BYTES,
    Header,
    folder_origin,
    read_save,
    restore_game,
    run_path,
    save_game,
    save_path,
    story_key,
    write_atomic,
    write_save,
)

LOOP_MANIFEST = "id: loop\ntitle: Loop\nblurb: B.\nstart: hall\nendings: [{id: end, title: End, kind: neutral}]\n"
LOOP_SCENES = (
    "scenes:\n"
    "  - {id: hall, title: Hall, text: Hall., choices: [{id: pace, text: Pace, goto: hall},"
    " {id: wait, text: Wait, goto: hall}, {id: go, text: Go, goto: out}]}\n"
    "  - {id: out, title: Out, text: Out., ending: end}\n"
)


@pytest.fixture
def loop_story(story_dir):
    return load_story(story_dir(LOOP_MANIFEST, hall=LOOP_SCENES))


def paced(story, turns: int) -> Game:
    """A run that paces, then waits twice, over and over: two distinct steps, `turns` of them."""
    game = Game(story)
    game.start(seed=5)
    for turn in range(turns):
        game.choose("pace" if turn % 3 == 0 else "wait")
    return game


def log_line(path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith('  "log": '))


# -- the log of a long run ---------------------------------------------------------------------------------


def test_a_long_run_names_each_step_once_and_reads_back_step_for_step(tmp_path, loop_story):
    turns = 6000  # about 73,000 characters written step by step: past COMPACT_LOG_BYTES
    game = paced(loop_story, turns)
    path = save_game(game, tmp_path, "long")
    order = " ".join("0" if turn % 3 == 0 else "1" for turn in range(turns))
    assert log_line(path) == f'  "log": {{"steps":["hall.pace","hall.wait"],"order":"{order}"}}'
    assert path.stat().st_size < COMPACT_LOG_BYTES
    data = read_save(path)
    assert data["state"]["log"] == ["hall.pace" if turn % 3 == 0 else "hall.wait" for turn in range(turns)]
    copy = Game(loop_story)
    restore_game(copy, data, path)
    assert copy.snapshot() == game.snapshot()


def test_a_short_run_writes_its_log_step_by_step(tmp_path, loop_story):
    path = save_game(paced(loop_story, 4), tmp_path, "short")
    assert log_line(path) == '  "log": ["hall.pace","hall.wait","hall.wait","hall.pace"]'


def test_a_run_too_long_for_a_save_file_is_refused_with_the_reason_and_its_last_save_kept(
    tmp_path, loop_story, monkeypatch
):
    import game.saves.files as files

    game = paced(loop_story, 2)
    path = save_game(game, tmp_path, "night")
    kept = path.read_bytes()
    game.choose("wait")
    size = len(files.save_text(game, Header("night", files.NAMED, files.UNRECORDED)).encode("utf-8"))
    monkeypatch.setattr(files, "MAX_SAVE_BYTES", size - 1)
    with pytest.raises(SaveError) as info:
        save_game(game, tmp_path, "night")
    assert str(info.value) == (
        f"this run needs {size:,} bytes, more than the {size - 1:,} a save file may hold, so it can no longer be "
        "saved (its last save is kept); a story with shorter loops or text variables avoids this"
    )
    assert path.read_bytes() == kept


# -- the names of a story's files ----------------------------------------------------------------------------


def test_a_bundled_or_unrecorded_story_names_its_files_by_its_id_alone(tmp_path):
    assert folder_origin(scenes_root() / "any_story") == BUNDLED
    assert story_key("demo", BUNDLED) == "demo"
    assert story_key("demo", "") == "demo"
    assert run_path(tmp_path, story_key("demo", BUNDLED), "1.2") == tmp_path / "demo--run.1.2.json"


def test_any_other_story_names_its_files_by_its_id_and_a_hash_of_its_folder(tmp_path):
    folder = tmp_path / "packs" / "loop"
    origin = folder_origin(folder)
    assert origin == str(folder.resolve())
    key = f"loop@{hashlib.sha256(origin.encode('utf-8')).hexdigest()[:12]}"
    assert story_key("loop", origin) == key
    assert save_path(tmp_path, story_key("loop", origin), "Night") == tmp_path / f"{key}--night.json"


def test_a_folder_name_that_is_not_utf8_still_gives_a_story_its_key():
    origin = os.fsdecode(b"/stories/caf\xe9")  # what Linux gives for a name in Latin-1: a lone surrogate
    expected = hashlib.sha256(b"/stories/caf?").hexdigest()[:12]
    assert story_key("cafe", origin) == f"cafe@{expected}"


@pytest.mark.posix
def test_a_save_records_its_times_in_utc_whatever_the_local_time_zone(tmp_path, loop_story, monkeypatch):
    monkeypatch.setenv("TZ", "EST+5")  # five hours behind UTC, no daylight saving
    time.tzset()
    try:
        path = save_game(paced(loop_story, 2), tmp_path, "zone")
    finally:
        monkeypatch.undo()
        time.tzset()
    data = read_save(path)
    saved = datetime.strptime(data["saved"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - saved) < timedelta(minutes=5)


# -- how a save reaches the disk -------------------------------------------------------------------------------


@pytest.mark.posix
def test_a_save_file_is_readable_by_all_and_executable_by_none(tmp_path, loop_story):
    old = os.umask(0o022)
    try:
        path = save_game(paced(loop_story, 2), tmp_path, "rights")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_save_is_written_whole_when_the_system_writes_it_in_pieces(tmp_path, loop_story, monkeypatch):
    real_write, calls = os.write, []

    def in_pieces(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 100:
            raise AssertionError("the writer does not go on from where the last piece ended")
        return real_write(fd, bytes(data[:500]))

    game = paced(loop_story, 30)
    monkeypatch.setattr(os, "write", in_pieces)
    path = save_game(game, tmp_path, "pieces")
    monkeypatch.undo()
    assert len(calls) > 1
    copy = Game(loop_story)
    restore_game(copy, read_save(path), path)
    assert copy.snapshot() == game.snapshot()


@pytest.mark.posix
def test_a_link_planted_where_the_temporary_file_goes_is_never_written_through(tmp_path, monkeypatch):
    import secrets

    monkeypatch.setattr(secrets, "token_hex", lambda n=None: "feedc0de")  # a name someone could guess
    target = tmp_path / "victim.txt"
    target.write_text("keep", encoding="utf-8")
    path = tmp_path / "demo--autosave.json"
    (tmp_path / f".{path.name}.{os.getpid()}.feedc0de.tmp").symlink_to(target)
    with pytest.raises(SaveError) as info:
        write_atomic(path, "{}")
    assert str(info.value) == f"cannot write {path}: File exists"
    assert target.read_text(encoding="utf-8") == "keep" and not path.exists()


def test_write_save_never_writes_over_a_damaged_file_unless_told(tmp_path, loop_story):
    game = paced(loop_story, 2)
    path = tmp_path / "loop--night.json"
    path.write_text("{damaged", encoding="utf-8")
    with pytest.raises(SaveError) as info:
        write_save(game, path, Header("night"))
    assert str(info.value).endswith(
        "; it is left as it is and will not be overwritten (move it away to save here)"
    ) and str(info.value).startswith(f"{path}: not a readable save (truncated or corrupt): ")
    assert path.read_text(encoding="utf-8") == "{damaged"
    size = write_save(game, path, Header("night"), check_existing=False)
    assert size == path.stat().st_size and json.loads(path.read_text(encoding="utf-8"))["name"] == "night"

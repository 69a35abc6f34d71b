"""Save files: atomic writes, round trips, and refusing bad files without touching them."""

from __future__ import annotations

import json
import os

import pytest

from game.engine.game import Game
from game.errors import SaveError
from game.saves.files import list_saves, read_save, restore_game, save_game, save_path


def played(demo_story) -> Game:
    game = Game(demo_story)
    game.start(seed=21)
    game.choose("lamp")
    game.choose("search")
    return game


def test_round_trip_equals_the_run(tmp_path, demo_story):
    game = played(demo_story)
    path = save_game(game, tmp_path, "before the door", play_seconds=42)
    assert path == tmp_path / "demo--before_the_door.json"
    data = read_save(path)
    assert (
        data["version"] == 2 and data["story"] == "demo" and data["state"]["seed"] == 21 and data["play_seconds"] == 42
    )
    assert data["state"]["log"] == ["cellar.lamp", "cellar.search"]
    copy = Game(demo_story)
    restore_game(copy, data, path)
    assert copy.snapshot() == game.snapshot()
    assert [s.name for s in list_saves(tmp_path)] == ["before the door"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_changed_story_replays_the_log(tmp_path, demo_story):
    game = played(demo_story)
    data = read_save(save_game(game, tmp_path))
    data["story_hash"] = "0" * 64  # as if the story had been edited since
    copy = Game(demo_story)
    restore_game(copy, data)
    assert copy.snapshot() == game.snapshot()
    data["state"]["log"].append("barrels.fly_away")
    with pytest.raises(SaveError, match=r"step 3 \(barrels.fly_away\): missing choice"):
        restore_game(Game(demo_story), data)


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
    assert data["version"] == 2 and data["state"]["log"] == ["cellar.lamp", "cellar.search"]
    copy = Game(demo_story)
    restore_game(copy, data, path)
    assert copy.snapshot() == game.snapshot() and copy.run.visits == game.run.visits
    assert json.loads(path.read_text()) == old  # upgraded in memory only


def test_foreign_story_and_bad_state_are_refused(tmp_path, demo_story):
    data = read_save(save_game(played(demo_story), tmp_path))
    data["story"] = "captured"
    with pytest.raises(SaveError, match="a save of 'captured', not of 'demo'"):
        restore_game(Game(demo_story), data)
    data["story"] = "demo"
    data["state"]["variables"]["stamina"] = "lots"
    with pytest.raises(SaveError, match="variable 'stamina' must hold number"):
        restore_game(Game(demo_story), data)


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

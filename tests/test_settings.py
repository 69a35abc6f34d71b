"""The player's settings file: read leniently, written atomically, never written over when unreadable."""

from __future__ import annotations

import json

import pytest

from game.saves.settings import FILE_NAME, Preferences, Settings, config_folder


def test_defaults_when_there_is_no_file_and_saved_then(tmp_path):
    preferences = Preferences.load(tmp_path / "cfg" / FILE_NAME)
    assert preferences.settings == Settings() and preferences.problem == ""
    assert preferences.save(Settings().changed(theme="textual-light", text_width=60, transcript=True))
    again = Preferences.load(tmp_path / "cfg" / FILE_NAME)
    assert again.settings == Settings(theme="textual-light", text_width=60, side_panel="auto", transcript=True)


def test_unknown_keys_and_bad_values_fall_back_one_by_one(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps({"theme": "neon", "text_width": 12, "side_panel": "hidden", "transcript": 1, "x": 2}))
    assert Preferences.load(path).settings == Settings(side_panel="hidden")
    path.write_text(json.dumps({"text_width": True}))
    assert Preferences.load(path).settings.text_width == 70
    path.write_text(json.dumps({"text_width": 0}))
    assert Preferences.load(path).settings.text_width == 0


def test_an_unreadable_file_is_never_written_over(tmp_path):
    path = tmp_path / FILE_NAME
    for content in (b"{not json", b"\xff\xfe", b"[1, 2]", b" " * (64 * 1024 + 1)):
        path.write_bytes(content)
        preferences = Preferences.load(path)
        assert preferences.problem and str(path) in preferences.problem
        assert preferences.save(Settings(theme="textual-light")) is False
        assert preferences.settings.theme == "textual-light"  # kept for the session
        assert path.read_bytes() == content


@pytest.mark.posix
def test_a_folder_or_a_link_in_its_place_is_left_alone(tmp_path):
    (tmp_path / "dir" / FILE_NAME).mkdir(parents=True)
    assert "not a plain file" in Preferences.load(tmp_path / "dir" / FILE_NAME).problem
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / FILE_NAME).symlink_to(target)
    preferences = Preferences.load(tmp_path / "link" / FILE_NAME)
    assert preferences.problem and preferences.save(Settings()) is False
    assert target.read_text() == "{}"


def test_the_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ESCAPE_CONFIG", str(tmp_path / "mine"))
    assert config_folder() == tmp_path / "mine"

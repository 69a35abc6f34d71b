"""Snapshot tests of the interface in Italian, with both bundled stories: the title screen, the first scene of
Prigionieri! (after a choice, so the outcome and its consequence line show), the help and the settings.

Update after a deliberate change with `.venv/bin/pytest tests/test_snapshots_italian.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from game import i18n
from game.compiler.bundled import bundled_stories
from game.tui import make_app

SIZE = (100, 32)


@pytest.fixture
def italian():
    i18n.use("it")


def app_for(tmp_path, **kwargs):
    return make_app(stories=bundled_stories(), saves=tmp_path / "saves", **kwargs)


def test_title_screen_in_italian(snap_compare, tmp_path, italian):
    assert snap_compare(app_for(tmp_path), terminal_size=SIZE)


def test_first_scene_of_prigionieri(snap_compare, tmp_path, italian):
    app = app_for(tmp_path, story="captured", seed=3)
    assert snap_compare(app, terminal_size=SIZE, press=["1"])


def test_help_in_italian(snap_compare, tmp_path, italian):
    app = app_for(tmp_path, story="captured", seed=3)
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"])


def test_settings_in_italian(snap_compare, tmp_path, italian):
    assert snap_compare(app_for(tmp_path), terminal_size=SIZE, press=["o"])

"""Snapshot tests of the title, play, journal and ending screens at 80x24 and 120x40.

Update after a deliberate change with `.venv/bin/pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from game.tui import make_app
from tests.conftest import DEMO

SIZES = [(80, 24), (120, 40)]


def app_for(tmp_path, story=None):
    return make_app(story=story, stories={"demo": DEMO}, saves=tmp_path / "saves", seed=5)


@pytest.mark.parametrize("size", SIZES)
def test_title_screen(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_play_screen(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path, "demo"), terminal_size=size, press=["1"])


@pytest.mark.parametrize("size", SIZES)
def test_journal_screen(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path, "demo"), terminal_size=size, press=["1", "1", "j"])


@pytest.mark.parametrize("size", SIZES)
def test_ending_screen(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path, "demo"), terminal_size=size, press=["1", "1", "1", "1", "1"])

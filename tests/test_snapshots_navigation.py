"""Snapshot tests of the help (opened from the play and ending screens) and of the journal's search, at
80x24 and 120x40 (and the help at 60x20).

Update after a deliberate change with
`.venv/bin/pytest tests/test_snapshots_navigation.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from game.tui import make_app
from tests.conftest import DEMO

SIZES = [(80, 24), (120, 40)]


def app_for(tmp_path):
    return make_app(story="demo", stories={"demo": DEMO}, saves=tmp_path / "saves", seed=5)


@pytest.mark.parametrize("size", [*SIZES, (60, 20)])
def test_help_from_play(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_help_from_the_ending(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, press=["1", "1", "1", "1", "1", "question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_journal_search(snap_compare, tmp_path, size):
    keys = ["1", "1", "1", "j", *"the", "enter"]  # three matches and more: the second is the current one
    assert snap_compare(app_for(tmp_path), terminal_size=size, press=keys)

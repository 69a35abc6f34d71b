"""Snapshots of the play screen as a reader sees it (issue 17): what a choice changed under its outcome and
marked in the side panel, the narrow layout without the panel, long choices that hang under their numbers,
and transcript mode; at 60x20, 80x24 and 120x40.

Update after a deliberate change with `.venv/bin/pytest tests/test_snapshots_reading.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from tests.test_tui_reading import demo_app, yard_app

SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
def test_reading_after_a_choice(snap_compare, tmp_path, size):
    """The lamp: the outcome, "Stamina falls... You now carry..." under it, the panel's changed lines marked."""
    assert snap_compare(demo_app(tmp_path), terminal_size=size, press=["1"])


@pytest.mark.parametrize("size", SIZES)
def test_reading_long_choices(snap_compare, tmp_path, size):
    """Six long choices: the list scrolls (never clips) and wrapped lines hang under their text."""
    assert snap_compare(yard_app(tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_reading_transcript(snap_compare, tmp_path, size):
    """Transcript mode after two choices: the earlier scenes above, scrolled to the choice that led here."""
    assert snap_compare(demo_app(tmp_path, transcript=True), terminal_size=size, press=["1", "1"])

"""Snapshot tests of the settings screen and the endings gallery at 80x24 and 120x40 (the gallery at 60x20 too).

Update after a deliberate change with `.venv/bin/pytest tests/test_snapshots_gallery.py --snapshot-update`.
"""

from __future__ import annotations

import json

import pytest

from game.saves.endings import ENDINGS_FILE
from game.tui import make_app
from tests.conftest import DEMO
from tests.test_gallery import hinted_demo, key_of

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
def test_settings_screen(snap_compare, tmp_path, size):
    app = make_app(stories={"demo": DEMO}, saves=tmp_path / "saves")
    assert snap_compare(app, terminal_size=size, press=["o", "down"])


@pytest.mark.parametrize("size", [*SIZES, (60, 20)])
def test_gallery_screen(snap_compare, tmp_path, size):
    folder = hinted_demo(tmp_path)
    saves = tmp_path / "saves"
    saves.mkdir()
    found = {"out": {"when": "2026-11-30T18:02:03Z", "turns": 5, "play_seconds": 754}}
    record = {
        "version": 2,
        "stories": {key_of(folder): ["out"]},
        "found": {key_of(folder): found},
        "runs": {key_of(folder): 3},
    }
    (saves / ENDINGS_FILE).write_text(json.dumps(record))
    app = make_app(stories={"demo": folder}, saves=saves)
    assert snap_compare(app, terminal_size=size, press=["e"])

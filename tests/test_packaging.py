"""A real (non-editable) wheel carries the bundled stories and validates them when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_scenes_and_validates_them(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("escape_lines-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "game/_bundled_scenes/grand_illusion/story.yaml" in names
    assert "game/_bundled_scenes/captured/story.yaml" in names
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])}
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", "import game.bundled as b, game.cli as c, sys; "
         "assert '_bundled_scenes' in str(b.scenes_root()), b.scenes_root(); sys.exit(c.main(['validate', '--strict']))"],
        capture_output=True, text=True, timeout=120, cwd=elsewhere, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 stories checked: 0 errors, 0 warnings" in result.stdout

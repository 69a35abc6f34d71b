"""The wheel and the sdist: both carry the bundled stories (walkthroughs included), and an installed
wheel finds them inside the package and validates them from any folder."""

from __future__ import annotations

import os
import posixpath
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORY_FILES = sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "scenes").rglob("*") if p.is_file() and not p.name.startswith(".")
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-t", "sdist", "-d", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return out


def installed(built: Path, tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """The built wheel installed into a folder of its own: that folder, an environment that imports the game
    from it (and its dependencies from this one), and an empty folder to run it in."""
    wheel = next(built.glob("escape_lines-*.whl"))
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])}
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    return target, env, elsewhere


def test_wheel_and_sdist_carry_the_same_story_files(built):
    assert "scenes/grand_illusion/story.yaml" in STORY_FILES
    assert any("/walkthroughs/" in f for f in STORY_FILES)
    wheel = zipfile.ZipFile(next(built.glob("escape_lines-*.whl")))
    in_wheel = sorted(n.removeprefix("game/") for n in wheel.namelist() if n.startswith("game/scenes/"))
    with tarfile.open(next(built.glob("escape_lines-*.tar.gz"))) as sdist:
        in_sdist = sorted(n.split("/", 1)[1] for n in sdist.getnames() if n.split("/", 1)[-1].startswith("scenes/"))
    in_sdist = [n for n in in_sdist if "." in Path(n).name]  # files, not folders
    assert in_wheel == in_sdist == STORY_FILES
    for name in in_wheel:  # every schema modeline points at a file the wheel has
        first = wheel.read(f"game/{name}").decode().splitlines()[0] if name.endswith(".yaml") else ""
        if "$schema=" in first:
            target = posixpath.normpath(posixpath.join("game", posixpath.dirname(name), first.split("$schema=")[1]))
            assert target in wheel.namelist(), (name, target)
    metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT" in wheel.read(metadata).decode()


def test_installed_wheel_finds_its_stories_and_validates_them(built, tmp_path):
    target, env, elsewhere = installed(built, tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import game.compiler.bundled as b, game.cli as c, sys; print(b.scenes_root()); "
            "sys.exit(c.main(['validate', '--strict']))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=elsewhere,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    first, *rest = result.stdout.splitlines()
    assert Path(first) == target / "game" / "scenes"
    assert rest[-1] == "2 stories checked: 0 errors, 0 warnings"


def test_the_wheel_carries_the_compiled_catalogs_and_plays_in_italian(built, tmp_path):
    wheel = zipfile.ZipFile(next(built.glob("escape_lines-*.whl")))
    assert "game/i18n/locale/it/LC_MESSAGES/escape.mo" in wheel.namelist()
    assert "game/scenes/captured/i18n/it.yaml" in wheel.namelist()
    target = tmp_path / "site"
    wheel.extractall(target)
    (target / "game/i18n/locale/it/LC_MESSAGES/escape.po").unlink()  # the compiled catalog alone must do
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from game import i18n; from game.compiler.bundled import story_by_id; i18n.use('it'); "
            "print(i18n._('Goodbye.')); print(story_by_id('captured', lang='it').title)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Arrivederci.", "Prigionieri!"]


def test_the_installed_wheel_serves_the_game_in_a_browser(built, tmp_path):
    """`pip install "escape-lines[web]"`: the extra is declared, and the wheel's own templates serve both pages."""
    pytest.importorskip("textual_serve")
    import urllib.request

    from tests.serving import escape_serve

    wheel = zipfile.ZipFile(next(built.glob("escape_lines-*.whl")))
    metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "Provides-Extra: web" in metadata and "extra == 'web'" in metadata
    target, env, elsewhere = installed(built, tmp_path)
    with escape_serve(tmp_path / "data", elsewhere, env) as url:
        terminal = urllib.request.urlopen(url + "/", timeout=5).read().decode()
        plain = urllib.request.urlopen(url + "/plain", timeout=5).read().decode()
    assert "<title>Escape Lines</title>" in terminal and "/static/js/textual.js" in terminal
    assert "Captured!" in plain and "The Grand Illusion" in plain
    where = subprocess.run(
        [sys.executable, "-c", "import game.web.server as s; print(s.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
    ).stdout
    assert str(target) in where  # the wheel's own code, not this checkout's

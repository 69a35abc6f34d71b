"""Shared fixtures: the demo story and a way to write small stories into a temporary folder."""

from __future__ import annotations

import os
import random
import sys
import textwrap
from pathlib import Path

import pytest

from game.compiler.loader import load_story

DATA = Path(__file__).parent / "data"

if "MUTANT_UNDER_TEST" in os.environ:  # mutmut wraps every function in three frames: room for the deep cases
    sys.setrecursionlimit(10_000)
DEMO = DATA / "demo"


@pytest.fixture(autouse=True)
def english_interface(monkeypatch):
    """Every test starts in English whatever the machine's locale; a test that wants Italian asks for it."""
    from game import i18n

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture
def demo_story():
    """The demo story, loaded for each test: its machine is built by the test that plays it (the story
    cache and the compiled-expression memo keep this cheap)."""
    return load_story(DEMO)


def write_story(folder: Path, manifest: str, **scene_files: str) -> Path:
    """Write a story folder: `manifest` is story.yaml; keyword arguments are scene files by name."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(textwrap.dedent(manifest))
    for name, text in scene_files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text))
    return folder


@pytest.fixture
def story_dir(tmp_path):
    def make(manifest: str, **scene_files: str) -> Path:
        return write_story(tmp_path / "story", manifest, **scene_files)

    return make


def pytest_collection_modifyitems(config, items):
    """Tests marked `posix` need symbolic links or signals: skipped, with the reason, elsewhere."""
    if os.name == "posix":
        return
    skip = pytest.mark.skip(reason="POSIX only (symbolic links or signals)")
    for item in items:
        if "posix" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """One seed for every hypothesis test, printed in the header: FUZZ_SEED=N repeats a run's cases exactly.
    `make test` fixes it; `make fuzz` draws a new one each time. Failing cases are also kept in
    .hypothesis/ and tried first on the next run."""
    if config.getoption("hypothesis_seed", None) is None:
        chosen = os.environ.get("FUZZ_SEED", "")
        config.option.hypothesis_seed = int(chosen) if chosen.isdigit() else random.SystemRandom().randrange(2**32)


def pytest_report_header(config):
    seed = config.getoption("hypothesis_seed", None)
    return [f"hypothesis seed: {seed} (FUZZ_SEED={seed} repeats these cases)"] if seed is not None else []


@pytest.fixture(autouse=True, scope="session")
def _story_cache(tmp_path_factory):
    """Stories loaded for play are cached in a folder of the test run's own, never the user's."""
    os.environ["ESCAPE_CACHE"] = str(tmp_path_factory.mktemp("story-cache"))
    yield


@pytest.fixture(autouse=True)
def _settings_folder(tmp_path_factory, monkeypatch):
    """Each test's settings live in a folder of its own, never the user's config folder (and a test's
    changed theme or width does not leak into the next)."""
    monkeypatch.setenv("ESCAPE_CONFIG", str(tmp_path_factory.mktemp("config")))

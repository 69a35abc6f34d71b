"""Shared fixtures: the demo story and a way to write small stories into a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from game.loader import load_story

DATA = Path(__file__).parent / "data"
DEMO = DATA / "demo"


@pytest.fixture(scope="session")
def demo_story():
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

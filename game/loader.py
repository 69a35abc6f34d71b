"""Load a story folder into a validated, immutable `Story`.

`check_story` collects every problem (for `escape validate`); `load_story` stops at the first error
(for play). Both run the same `StoryLoader` (game.compiler) through the same Checker.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from game.checker import COLLECT, FIRST, Checker, display_path
from game.compiler import MANIFEST_NAME, StoryLoader
from game.errors import Diagnostic, StoryError
from game.schema import MANIFEST
from game.story import Story
from game.yamlsafe import read_yaml


@dataclass(frozen=True)
class StoryInfo:
    """What a story's manifest says about it, read without loading its scenes (for the title screen)."""

    id: str
    title: str
    blurb: str
    endings: int


def read_manifest(folder: str | Path) -> StoryInfo | None:
    """The manifest's summary, or None if it cannot be read (loading the story then says why)."""
    checker = Checker(COLLECT)
    doc = read_yaml(Path(folder) / MANIFEST_NAME, checker)
    if doc is None or not isinstance(doc.data, dict):
        return None
    MANIFEST.check(doc.data, (), lambda loc, message, code: checker.error(("", 0, 0), message, code), "manifest")
    if checker.errors:
        return None
    data = doc.data
    return StoryInfo(data["id"], data["title"], data["blurb"].strip(), len(data["endings"]))


@contextmanager
def _collector_paused():
    """Loading allocates hundreds of thousands of objects and frees none: the cyclic garbage collector
    would rescan them over and over (a third of the load time at 5,000 scenes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.freeze()  # the story lives as long as the game: later collections need not scan it again


def check_story(folder: str | Path) -> tuple[Story | None, list[Diagnostic]]:
    """Every problem in a story (errors and warnings), and the story if it has no errors."""
    checker = Checker(COLLECT)
    with _collector_paused():
        story = StoryLoader(Path(folder), checker).run()
    return (story if not checker.errors else None), checker.diagnostics


def load_story(folder: str | Path) -> Story:
    """Load a story to play; raises StoryError at its first error."""
    checker = Checker(FIRST)
    with _collector_paused():
        story = StoryLoader(Path(folder), checker).run()
    if story is None:  # pragma: no cover - FIRST mode raises before this
        raise StoryError(checker.diagnostics)
    return story


__all__ = ["MANIFEST_NAME", "StoryInfo", "check_story", "display_path", "load_story", "read_manifest"]

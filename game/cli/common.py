"""What several commands share: loading a story for a tool, with its problems printed if it has any."""

from __future__ import annotations

import sys
from pathlib import Path

from game.compiler.bundled import find_story
from game.compiler.loader import load_story
from game.errors import EscapeError, StoryError
from game.model import Story


def load_for_tool(name: str) -> tuple[Path, Story]:
    folder = find_story(name)
    try:
        return folder, load_story(folder)
    except StoryError as err:
        for diag in err.diagnostics:
            print(diag, file=sys.stderr)
        raise EscapeError(f"the story '{name}' has errors; fix them first (escape validate {folder})") from None

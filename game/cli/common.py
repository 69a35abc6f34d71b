"""What several commands share: loading a story for a tool, with its problems printed if it has any, and
JSON that is safe to print on a terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from game.compiler.bundled import find_story
from game.compiler.loader import load_story
from game.errors import EscapeError, StoryError
from game.i18n import _
from game.model import Story
from game.model.shown import shown


def load_for_tool(name: str) -> tuple[Path, Story]:
    folder = find_story(name)
    try:
        return folder, load_story(folder)
    except StoryError as err:
        for diag in err.diagnostics:
            print(shown(str(diag), None), file=sys.stderr)
        raise EscapeError(
            _("the story '{name}' has errors; fix them first (escape validate {folder})").format(
                name=name, folder=folder
            )
        ) from None


def json_text(data: object) -> str:
    """`data` as indented JSON that keeps its letters readable (not ASCII-only) but writes every character
    `shown` would not show (DEL, C1 controls, bidi and zero-width characters...) as a \\u escape: the
    same data for a JSON reader, and nothing a terminal could obey."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(ch if shown(ch, None, multiline=True) == ch else json.dumps(ch)[1:-1] for ch in text)

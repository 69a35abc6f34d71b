"""Where the bundled stories are, in a source checkout and in an installed wheel, and finding a story by name."""

from __future__ import annotations

from pathlib import Path

from game.checker import did_you_mean
from game.errors import EscapeError

_PACKAGE = Path(__file__).resolve().parent


def scenes_root() -> Path:
    """The folder of bundled stories: inside the package when installed, `scenes/` beside it in a checkout."""
    installed = _PACKAGE / "_bundled_scenes"
    return installed if installed.is_dir() else _PACKAGE.parent / "scenes"


def bundled_stories() -> dict[str, Path]:
    """Bundled story folders by name, in order."""
    root = scenes_root()
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if (p / "story.yaml").is_file()}


def find_story(name: str) -> Path:
    """A story folder from a bundled story's name or a folder path."""
    path = Path(name)
    if path.is_dir():
        return path
    stories = bundled_stories()
    if name in stories:
        return stories[name]
    known = ", ".join(stories) or "none"
    raise EscapeError(f"no story '{name}'{did_you_mean(name, stories)}: give a bundled story ({known}) or a story folder")

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


def story_by_id(story_id: str, folders: dict[str, Path] | None = None):  # noqa: ANN201 - game.story.Story
    """The story whose manifest id is `story_id`, among `folders` (default: the bundled ones). Only the
    manifests are read to find it; only that story is loaded."""
    from game.loader import load_story, read_manifest

    folders = bundled_stories() if folders is None else folders
    for folder in folders.values():
        info = read_manifest(folder)
        if info is not None and info.id == story_id:
            return load_story(folder)
    raise EscapeError(f"no installed story has the id '{story_id}'; for a story folder, add --story PATH")

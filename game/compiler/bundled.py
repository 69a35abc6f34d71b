"""Where the bundled stories are, and finding a story by name.

The stories live in `scenes/` at the top of the repository. A wheel carries them inside the package as
`game/scenes` (hatchling's `force-include`, see pyproject.toml), found with importlib.resources; a source
checkout, editable installs included, imports `game/` from the repository, where they sit beside it.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from game.compiler.checker import did_you_mean
from game.errors import EscapeError
from game.i18n import _, pgettext


def scenes_root() -> Path:
    """The folder of bundled stories: `game/scenes` in an installed wheel, `scenes/` in a source checkout."""
    package = Path(str(resources.files("game")))
    installed = package / "scenes"
    return installed if installed.is_dir() else package.parent / "scenes"


def bundled_stories() -> dict[str, Path]:
    """Bundled story folders by name, in order."""
    root = scenes_root()
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if (p / "story.yaml").is_file()}


def find_story(name: str) -> Path:
    """A story folder from a bundled story's name or a folder path."""
    path = Path(name)
    if os.path.isdir(path):  # not Path.is_dir: a name too long to be a path raises there
        return path
    stories = bundled_stories()
    if name in stories:
        return stories[name]
    known = ", ".join(stories) or pgettext("no stories", "none")
    message = _("no story '{name}'{suggestion}: give a bundled story ({known}) or a story folder")
    raise EscapeError(message.format(name=name, suggestion=did_you_mean(name, stories), known=known))


def story_by_id(story_id: str, folders: dict[str, Path] | None = None, lang: str | None = None):  # noqa: ANN201
    """The story (a game.model.Story) whose manifest id is `story_id`, among `folders` (default: the bundled
    ones), in `lang` if it has that translation. Only the manifests are read to find it; only that story is
    loaded."""
    from game.compiler.loader import load_story, read_manifest

    folders = bundled_stories() if folders is None else folders
    for folder in folders.values():
        info = read_manifest(folder)
        if info is not None and info.id == story_id:
            return load_story(folder, lang=lang)
    raise EscapeError(
        _("no installed story has the id '{id}'; for a story folder, add --story PATH").format(id=story_id)
    )

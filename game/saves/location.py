"""Where saves live: `--saves DIR`, else $ESCAPE_SAVES, else the repository's `saves/` in a source checkout
(`make play`), else the per-user data folder of an installed game (platformdirs: ~/.local/share/escape-lines/
saves on Linux, ~/Library/Application Support/escape-lines/saves on macOS, %LOCALAPPDATA% on Windows).

Earlier versions wrote to `./saves` of whatever folder the game started in; such a folder is found and
offered for import (`escape saves --import saves`), never used or changed behind the player's back.
"""

from __future__ import annotations

import os
from pathlib import Path

ENVIRONMENT = "ESCAPE_SAVES"


def source_checkout() -> Path | None:
    """The repository the game runs from, if it runs from one (an editable install included)."""
    package = Path(__file__).resolve().parent.parent
    root = package.parent
    if (root / "pyproject.toml").is_file() and (root / "scenes").is_dir() and (root / ".git").exists():
        return root
    return None


def default_saves() -> Path:
    """The saves folder when neither --saves nor $ESCAPE_SAVES names one."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "saves"
    from platformdirs import user_data_path

    return user_data_path("escape-lines", appauthor=False) / "saves"


def saves_folder(chosen: str | None = None) -> Path:
    """The saves folder: `chosen` (--saves), $ESCAPE_SAVES, or `default_saves()`."""
    return Path(chosen or os.environ.get(ENVIRONMENT) or default_saves())


def older_saves(folder: Path, here: Path | None = None) -> tuple[Path, int] | None:
    """A `saves/` folder in the working directory, other than `folder`, that holds saves of this game
    (how many `.json` files it has), for an offer to import them; None when there is none."""
    candidate = (here or Path.cwd()) / "saves"
    try:
        if not candidate.is_dir() or candidate.resolve() == folder.resolve():
            return None
        names = os.listdir(candidate)
        count = sum(1 for n in names if n.endswith(".json") and not n.startswith(".") and n != "endings.json")
    except OSError:
        return None
    return (candidate, count) if count else None

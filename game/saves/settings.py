"""The player's settings (theme, text width, side panel, transcript mode), kept between sessions in
`settings.json` under the user's config folder: `$ESCAPE_CONFIG` if set, else platformdirs' user config
folder (~/.config/escape-lines on Linux, ~/Library/Application Support/escape-lines on macOS,
%LOCALAPPDATA%\\escape-lines on Windows).

A file that cannot be read is never overwritten: the defaults apply for the session, `Preferences.problem`
says why, and changes are kept in memory only until the player deletes or fixes the file. Unknown keys and
values out of range are dropped with the rest kept, so an older game reads a newer file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

ENVIRONMENT = "ESCAPE_CONFIG"
FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a settings file is a few hundred bytes; anything larger is not ours
THEMES = ("textual-dark", "textual-light", "escape-high-contrast")
SIDE_PANEL = ("auto", "shown", "hidden")  # auto: hidden below 80 columns
TEXT_WIDTHS = (0, 50, 60, 70, 80, 100)  # characters of prose a line; 0: the whole width
MIN_WIDTH, MAX_WIDTH = 30, 200


@dataclass(frozen=True)
class Settings:
    theme: str = "textual-dark"
    text_width: int = 70
    side_panel: str = "auto"
    transcript: bool = False

    def changed(self, **values: Any) -> Settings:
        """A copy with `values` changed (each checked as when read from the file)."""
        return _checked({**asdict(self), **values})


def _checked(data: dict[str, Any]) -> Settings:
    """The settings in `data` that are known and valid; defaults for the rest."""
    default = Settings()
    theme = data.get("theme")
    width = data.get("text_width")
    panel = data.get("side_panel")
    transcript = data.get("transcript")
    return replace(
        default,
        theme=theme if theme in THEMES else default.theme,
        text_width=width
        if isinstance(width, int) and not isinstance(width, bool) and (width == 0 or MIN_WIDTH <= width <= MAX_WIDTH)
        else default.text_width,
        side_panel=panel if panel in SIDE_PANEL else default.side_panel,
        transcript=transcript if isinstance(transcript, bool) else default.transcript,
    )


def config_folder() -> Path:
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(chosen)
    from platformdirs import user_config_path

    return user_config_path("escape-lines", appauthor=False)


@dataclass
class Preferences:
    """The settings and the file they live in. `problem` is set when the file exists but cannot be read
    (then `save` keeps the settings in memory and leaves the file alone)."""

    path: Path
    settings: Settings = field(default_factory=Settings)
    problem: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> Preferences:
        path = path or config_folder() / FILE_NAME
        try:
            if path.is_symlink() or (path.exists() and not path.is_file()):
                return cls(path, problem=f"{path} is not a plain file; settings will not be saved")
            if not path.exists():
                return cls(path)
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return cls(path, problem=f"{path} is larger than a settings file can be; it was left as it is")
            data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as err:
            return cls(path, problem=f"{path} cannot be read ({type(err).__name__}); it was left as it is")
        if not isinstance(data, dict):
            return cls(path, problem=f"{path} is not a settings file; it was left as it is")
        return cls(path, _checked(data))

    def save(self, settings: Settings) -> bool:
        """Keep `settings`; write them unless the file could not be read. False when not written."""
        self.settings = settings
        if self.problem:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as err:
            self.problem = f"{self.path} cannot be written ({err.strerror or type(err).__name__})"
            return False
        return True

"""The player's settings (theme, text width, side panel, transcript mode, language), kept between sessions in
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

from game.i18n import LANGUAGES, _

ENVIRONMENT = "ESCAPE_CONFIG"
FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a settings file is a few hundred bytes; anything larger is not ours
THEMES = ("textual-dark", "textual-light", "escape-high-contrast")
SIDE_PANEL = ("auto", "shown", "hidden")  # auto: hidden below 80 columns
TEXT_WIDTHS = (0, 50, 60, 70, 80, 100)  # characters of prose a line; 0: the whole width
MIN_WIDTH, MAX_WIDTH = 30, 200
AUTO_LANGUAGE = "auto"  # the interface's language from the locale (see game.i18n.choose)


@dataclass(frozen=True)
class Settings:
    theme: str = "textual-dark"
    text_width: int = 70
    side_panel: str = "auto"
    transcript: bool = False
    language: str = AUTO_LANGUAGE  # "auto" or a code of game.i18n.LANGUAGES

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
    language = data.get("language")
    return replace(
        default,
        theme=theme if theme in THEMES else default.theme,
        text_width=width
        if isinstance(width, int) and not isinstance(width, bool) and (width == 0 or MIN_WIDTH <= width <= MAX_WIDTH)
        else default.text_width,
        side_panel=panel if panel in SIDE_PANEL else default.side_panel,
        transcript=transcript if isinstance(transcript, bool) else default.transcript,
        language=language if isinstance(language, str) and language in LANGUAGES else default.language,
    )


def _as_data(settings: Settings) -> dict[str, Any]:
    """The settings as the file keeps them: the language only once the player has chosen one (a file
    without it reads as "auto", in this game and in older ones)."""
    data = asdict(settings)
    if data["language"] == AUTO_LANGUAGE:
        del data["language"]
    return data


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
                return cls(path, problem=_("{path} is not a plain file; settings will not be saved").format(path=path))
            if not path.exists():
                return cls(path)
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return cls(
                    path,
                    problem=_("{path} is larger than a settings file can be; it was left as it is").format(path=path),
                )
            data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as err:
            problem = _("{path} cannot be read ({reason}); it was left as it is")
            return cls(path, problem=problem.format(path=path, reason=type(err).__name__))
        if not isinstance(data, dict):
            return cls(path, problem=_("{path} is not a settings file; it was left as it is").format(path=path))
        return cls(path, _checked(data))

    def save(self, settings: Settings) -> bool:
        """Keep `settings`; write them unless the file could not be read. False when not written."""
        self.settings = settings
        if self.problem:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(_as_data(settings), indent=2) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            self.problem = _("{path} cannot be written ({reason})").format(path=self.path, reason=reason)
            return False
        return True

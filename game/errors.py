"""Diagnostics and the one exception base for every user-facing error."""

from __future__ import annotations

from dataclasses import dataclass

from game.i18n import _
from game.model.shown import shown


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a story, a save or a command's input."""

    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str
    code: str

    def __str__(self) -> str:
        """As printed: `path:line:col: severity: message [code]`, with nothing a terminal would act on."""
        return f"{shown(self.path, None)}:{self.line}:{self.col}: {self.severity}: {shown(self.message, None)} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
            "code": self.code,
        }


class EscapeError(Exception):
    """Base of every error the player, an author or a replayer should see as a message, not a traceback."""


class StoryError(EscapeError):
    """A story failed to load; carries every diagnostic found (one, in fail-fast mode)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics if d.is_error) or _("story failed to load"))


class EngineError(EscapeError):
    """A request the engine cannot honour: an unknown choice, a finished run, a bad snapshot."""


class SaveError(EscapeError):
    """A save file that cannot be read or written."""


class SaveExists(SaveError):
    """A save of that name is already there; the front end asks before replacing it."""


class RunInUse(SaveError):
    """The run is open in another game (its lock is held): nothing is wrong with its file."""

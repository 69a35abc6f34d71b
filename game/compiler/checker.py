"""The one checker: `collect` mode gathers every problem, `first` mode stops at the first error."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

from game.errors import Diagnostic, StoryError

COLLECT = "collect"
FIRST = "first"


def display_path(path: Path) -> str:
    """A path as the author should read it: relative to the working folder when it is inside it."""
    try:
        return os.path.relpath(path) if Path.cwd() in path.resolve().parents else str(path)
    except (OSError, ValueError):
        return str(path)


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """A ` (did you mean 'x'?)` suffix for a misspelt name, or ''."""
    names = list(candidates)
    same = [name for name in names if name.lower() == word.lower() and name != word]  # TRUE, Nerve
    matches = same or difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


class Checker:
    """Collects diagnostics; in `first` mode raises StoryError at the first error."""

    def __init__(self, mode: str = COLLECT):
        if mode not in (COLLECT, FIRST):
            raise ValueError(f"unknown checker mode {mode!r}")
        self.mode = mode
        self.diagnostics: list[Diagnostic] = []

    def report(self, path: str, line: int, col: int, severity: str, message: str, code: str) -> None:
        diag = Diagnostic(path, line, col, severity, message, code)
        self.diagnostics.append(diag)
        if self.mode == FIRST and severity == "error":
            raise StoryError(self.diagnostics)

    def error(self, where: tuple[str, int, int], message: str, code: str) -> None:
        self.report(*where, "error", message, code)

    def warning(self, where: tuple[str, int, int], message: str, code: str) -> None:
        self.report(*where, "warning", message, code)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise StoryError(self.diagnostics)

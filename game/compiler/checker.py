"""The one checker: `collect` mode gathers every problem, `first` mode stops at the first error.

Each file lists at most `MAX_PROBLEMS_PER_FILE` problems; the rest are counted in one line for the file.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from game.compiler.limits import MAX_PROBLEMS_PER_FILE, MAX_SUGGESTION_CANDIDATES, MAX_SUGGESTION_WORD, MAX_SUGGESTIONS
from game.errors import Diagnostic, StoryError
from game.i18n import _, ngettext

COLLECT = "collect"
FIRST = "first"
TOO_MANY = "too-many-problems"


def display_path(path: Path) -> str:
    """A path as the author should read it: relative to the working folder when it is inside it."""
    try:  # where the entry itself is (a symbolic link is not followed: it may point anywhere, or at itself)
        where = path.parent.resolve() / path.name if path.name not in ("", ".", "..") else path.resolve()
        return os.path.relpath(path) if Path.cwd() in where.parents else str(path)
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python 3.11)
        return str(path)


def _similar(word: str, names: list[str], cutoff: float) -> list[str]:
    """The names that could reach `cutoff` against `word` by their length alone (difflib's ratio is at most
    2 * shorter / (both lengths)): at most `MAX_SUGGESTION_CANDIDATES`, those that start with the same
    letter first."""
    shortest = int(len(word) * cutoff / (2 - cutoff))
    longest = int(len(word) * (2 - cutoff) / cutoff) + 1
    first = word[:1].lower()
    same_start = [name for name in names if shortest <= len(name) <= longest and name[:1].lower() == first]
    if len(same_start) >= MAX_SUGGESTION_CANDIDATES:
        return same_start[:MAX_SUGGESTION_CANDIDATES]
    others = (name for name in names if shortest <= len(name) <= longest and name[:1].lower() != first)
    return same_start + list(itertools.islice(others, MAX_SUGGESTION_CANDIDATES - len(same_start)))


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The name a misspelt `word` most likely meant, or None. The work is bounded: a word over
    `MAX_SUGGESTION_WORD` characters gets none, and only names of a length that could match are compared
    (the first `MAX_SUGGESTION_CANDIDATES` of them)."""
    if len(word) > MAX_SUGGESTION_WORD:
        return None
    names = [name for name in candidates if isinstance(name, str)]
    lower = word.lower()
    same = next((name for name in names if name.lower() == lower and name != word), None)  # TRUE, Nerve
    if same is not None:
        return same
    matches = difflib.get_close_matches(word, _similar(word, names, cutoff), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def meant(name: str | None) -> str:
    """The ` (did you mean 'x'?)` suffix for a name found by `closest`, in the current language, or ''."""
    return _(" (did you mean '{name}'?)").format(name=name) if name is not None else ""


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """A ` (did you mean 'x'?)` suffix for a misspelt name, or '' (see `closest`)."""
    return meant(closest(word, candidates, cutoff))


class Suggester:
    """`did_you_mean` with a budget for one story: answers are kept per word and table, and at most
    `MAX_SUGGESTIONS` are worked out (after that, a misspelt name gets no suggestion). The names found are
    kept, not the suffixes: each is said in the language of the moment it is asked for."""

    def __init__(self, budget: int = MAX_SUGGESTIONS) -> None:
        self.budget = budget
        self._answers: dict[tuple[str, float, int], str | None] = {}

    def __call__(self, word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
        table = id(candidates) if isinstance(candidates, Collection) and not isinstance(candidates, list) else 0
        key = (word, cutoff, table)
        if table and key in self._answers:
            return meant(self._answers[key])
        if self.budget <= 0:
            return ""
        self.budget -= 1
        answer = closest(word, candidates, cutoff)
        if table:
            self._answers[key] = answer
        return meant(answer)


class Checker:
    """Collects diagnostics; in `first` mode raises StoryError at the first error. Past
    `MAX_PROBLEMS_PER_FILE` problems in a file, the others are only counted, in one diagnostic
    (`too-many-problems`, an error if any of them is) that stands where the listing stopped."""

    def __init__(self, mode: str = COLLECT, limit: int = MAX_PROBLEMS_PER_FILE):
        if mode not in (COLLECT, FIRST):
            raise ValueError(f"unknown checker mode {mode!r}")
        self.mode = mode
        self.limit = limit
        self.diagnostics: list[Diagnostic] = []
        self.error_count = 0  # errors among the diagnostics (counted as they come: files can have many)
        self.suggest = Suggester()
        self._listed: dict[str, int] = {}  # problems listed, by file
        self._unlisted: dict[str, tuple[int, int, bool]] = {}  # by file: (count, index of its line, any error)

    def skip(self, path: str, severity: str, count: int = 1) -> bool:
        """Whether a problem of this file goes unlisted (then it is counted here, and the caller need not
        work out its place or message); `count` such problems at once. An error in `first` mode is never
        skipped."""
        if (self.mode == FIRST and severity == "error") or self._listed.get(path, 0) < self.limit:
            return False
        before, index, error = self._unlisted.get(path, (0, len(self.diagnostics), False))
        if index == len(self.diagnostics):
            self.diagnostics.append(Diagnostic(path, 1, 1, "warning", "", TOO_MANY))  # its message comes below
        if severity == "error" and not error:
            self.error_count += 1
        count, error = before + count, error or severity == "error"
        self._unlisted[path] = (count, index, error)
        message = ngettext(
            "and {count:,} more problem in this file (only the first {limit} are listed)",
            "and {count:,} more problems in this file (only the first {limit} are listed)",
            count,
        ).format(count=count, limit=self.limit)
        self.diagnostics[index] = Diagnostic(path, 1, 1, "error" if error else "warning", message, TOO_MANY)
        return True

    def stopped(self, path: str, line: int, col: int) -> None:
        """The reading of a file stopped after `limit` problems: say so where it stopped."""
        message = _("the file was not read past here: it has over {limit} problems; fix these and check again").format(
            limit=self.limit
        )
        self.diagnostics.append(Diagnostic(path, line, col, "error", message, TOO_MANY))
        self.error_count += 1

    def report(self, path: str, line: int, col: int, severity: str, message: str, code: str) -> None:
        if self.skip(path, severity):
            return
        self._listed[path] = self._listed.get(path, 0) + 1
        self.diagnostics.append(Diagnostic(path, line, col, severity, message, code))
        if severity == "error":
            self.error_count += 1
            if self.mode == FIRST:
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
        if self.error_count:
            raise StoryError(self.diagnostics)


def unknown_message(kind: str) -> str:
    """The message for an unknown scene, choice or ending, to format with its `name` and `suggestion`."""
    if kind == "choice":
        return _("unknown choice '{name}'{suggestion}")
    if kind == "ending":
        return _("unknown ending '{name}'{suggestion}")
    return _("unknown scene '{name}'{suggestion}")

"""Read untrusted YAML as plain data, keeping the place of every entry for error messages.

Only strings, whole numbers, floats, booleans, null, lists and mappings come out: no tags, no
Python objects. Sizes, nesting and alias expansion are bounded as the file is read (see
`game.compiler.yamlbuild`, which builds the data from libyaml's events).
"""

from __future__ import annotations

import bisect
import gc
from pathlib import Path
from typing import Any

import yaml

from game.compiler.checker import Checker
from game.compiler.limits import MAX_ALIAS_EXTRA, MAX_DEPTH, MAX_FILE_BYTES
from game.compiler.lines import LineIndex
from game.compiler.yamlbuild import Builder, BuildError, DuplicateKey, Span, Stopped
from game.compiler.yamlhints import explain
from game.i18n import _

try:  # libyaml is in PyYAML's wheels; the pure loader is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = [
    "MAX_ALIAS_EXTRA",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "YamlDoc",
    "parse_yaml_bytes",
    "parse_yaml_text",
    "read_file_bytes",
    "read_yaml",
]

Where = tuple[str, int, int]


def _depth(value: Any) -> int:
    """How many more '(' than ')' a piece of text opens."""
    return value.count("(") - value.count(")") if isinstance(value, str) else 0


def _runs(items: list[Any]) -> list[tuple[int, int]]:
    """The (first, last) items of each run of a list's items that the commas inside parentheses split."""
    runs, first = [], 0
    while first < len(items):
        last, depth = first, _depth(items[first])
        while depth > 0 and last + 1 < len(items):
            last += 1
            depth += _depth(items[last])
        runs.append((first, last))
        first = last + 1
    return runs


class YamlDoc:
    """A parsed file: its plain data and a way back from a data path to a line and column."""

    def __init__(
        self,
        path: str,
        text: str,
        data: Any,
        places: dict[int, Any] | None = None,
        root_span: Span = (0, 0, None),
        lines: LineIndex | None = None,
    ):
        self.path = path
        self.text = text
        self.data = data
        self.places = places or {}
        self.root_span = root_span
        self.lines = lines or LineIndex(text)
        self._aligned: dict[int, tuple[int, int]] = {}  # by a value's start: the last (offset, index) found
        self._runs: dict[int, list[tuple[int, int]]] = {}  # by id of a [...] list: its runs of split items

    def _locate(self, loc: tuple[Any, ...], key_at_end: bool) -> tuple[int, Span, bool]:
        """(index of the key or item, the value's span, whether the whole path was found)."""
        value, span, index = self.data, self.root_span, self.root_span[0]
        for i, step in enumerate(loc):
            places = self.places.get(id(value))
            if isinstance(value, dict) and isinstance(places, dict) and step in places:
                key_at, start, end, style = places[step]
                if key_at_end and i == len(loc) - 1:
                    return key_at, (start, end, style), True
                value, span, index = value[step], (start, end, style), start
            elif (
                isinstance(value, list)
                and isinstance(places, list)
                and isinstance(step, int)
                and 0 <= step < len(value)
            ):
                value, span = value[step], places[step]
                index = span[0]
            else:
                return index, span, False
        return index, span, True

    def where(self, loc: tuple[Any, ...] = ()) -> Where:
        """File, 1-based line and column of the key or item at `loc` (or of its nearest parent)."""
        index, _, _ = self._locate(loc, key_at_end=True)
        return (self.path, *self.line_col(index))

    def value_where(self, loc: tuple[Any, ...], offset: int = 0) -> Where:
        """The place of character `offset` of the string value at `loc`: the value is aligned with its
        source text, so quotes, escapes, folded lines and block indentation are all accounted for."""
        _, (begin, end, style), found = self._locate(loc, key_at_end=False)
        value = self._value(loc) if found else None
        if not isinstance(value, str):
            return self.where(loc)
        if style in ("|", ">"):
            newline = self.text.find("\n", begin, end)
            begin = newline + 1 if newline >= 0 else begin
        elif style in ("'", '"'):
            begin += 1
        source, position, done = self.text, begin, 0
        resume = self._aligned.get(begin)
        if resume is not None and resume[0] <= offset:  # places in one value are asked in order: go on from there
            done, position = resume
        for char in value[done:offset]:
            found_at = source.find(char, position, min(end, position + 16))
            position = found_at + 1 if found_at >= 0 else position + 1
        self._aligned[begin] = (offset, position)
        while position < end and source[position] in " \t\n" and offset < len(value) and value[offset] not in " \t\n":
            position += 1
        return (self.path, *self.line_col(min(position, max(begin, end - 1) if end > begin else begin)))

    def _value(self, loc: tuple[Any, ...]) -> Any:
        value = self.data
        for step in loc:
            value = value[step]
        return value

    def value_at(self, loc: tuple[Any, ...]) -> Any:
        """The value at `loc`, or None if there is none."""
        try:
            return self._value(loc)
        except (KeyError, IndexError, TypeError):
            return None

    def comma_split(self, loc: tuple[Any, ...]) -> tuple[int, str] | None:
        """For an item of a `[...]` list that YAML split at a comma inside parentheses
        (`[b = max(0, b - 1)]` is read as 'b = max(0' and 'b - 1)'): the item's place in its run of
        pieces (0 for the first) and the run's text as written; None for an item that is whole."""
        if not loc or not isinstance(loc[-1], int):
            return None
        _, (_, _, style), found = self._locate(loc[:-1], key_at_end=False)
        items = self.value_at(loc[:-1]) if found else None
        spans = self.places.get(id(items))
        if style != "flow" or not isinstance(items, list) or not isinstance(spans, list):
            return None
        runs = self._runs.get(id(items))
        if runs is None:  # worked out once per list: each of its items may ask
            runs = self._runs[id(items)] = _runs(items)
        at = bisect.bisect_right(runs, (loc[-1], len(items))) - 1
        if at < 0:
            return None
        first, last = runs[at]
        if not first <= loc[-1] <= last:
            return None
        return None if last == first else (loc[-1] - first, self.text[spans[first][0] : spans[last][1]])

    def line_col(self, index: int) -> tuple[int, int]:
        """1-based line and column of a character index in the text."""
        return self.lines.line_col(index)


def decode_utf8(data: bytes, path: str, checker: Checker) -> str | None:
    """The text of `data`, or None after reporting where the first bad byte is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", errors="replace")) + 1
        message = _("the file is not UTF-8 text (byte 0x{byte})").format(byte=f"{data[err.start]:02x}")
        checker.error((path, line, col), message, "not-utf8")
        return None
    return text[1:] if text.startswith("\ufeff") else text


def read_yaml(file: Path, checker: Checker, display: str | None = None) -> YamlDoc | None:
    """Parse one file. Reports problems to `checker`; returns None when nothing usable came out."""
    path = display or str(file)
    data = read_file_bytes(file, checker, path)
    return None if data is None else parse_yaml_bytes(data, path, checker)


def parse_yaml_bytes(data: bytes, path: str, checker: Checker) -> YamlDoc | None:
    """Parse a file's bytes (read by `read_file_bytes`)."""
    text = decode_utf8(data, path, checker)
    return None if text is None else parse_yaml_text(text, path, checker)


def read_file_bytes(file: Path, checker: Checker, path: str) -> bytes | None:
    """A regular file's bytes, within the size limit; None after reporting why not."""
    try:
        if file.is_symlink() or not file.is_file():
            checker.error((path, 1, 1), _("not a regular file"), "io")
            return None
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            message = _("the file is {size:,} bytes; the limit is {limit:,}").format(size=size, limit=MAX_FILE_BYTES)
            checker.error((path, 1, 1), message, "too-large")
            return None
        with file.open("rb") as handle:  # its size, and a byte more to see one that grew since
            data = handle.read(min(size, MAX_FILE_BYTES) + 1)
            if len(data) > size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as err:
        checker.error((path, 1, 1), _("cannot read the file: {reason}").format(reason=err.strerror or err), "io")
        return None
    if len(data) > MAX_FILE_BYTES:
        message = _("the file is over the limit of {limit:,} bytes").format(limit=MAX_FILE_BYTES)
        checker.error((path, 1, 1), message, "too-large")
        return None
    return data


def parse_yaml_text(text: str, path: str, checker: Checker) -> YamlDoc | None:
    """Parse YAML text (already decoded and size-checked) into plain data with places."""
    builder = Builder(text, checker.limit)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # nothing built here is cyclic; the collector would only rescan it
    try:
        builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if mark is not None and "nesting depth" in (err.problem or ""):  # libyaml's own limit came first
            builder.errors.append(builder.too_deep(mark.line, mark.column))
            return _report(builder, text, path, checker)
        hint = explain(err, text)
        checker.error((path, hint.line + 1, hint.column + 1), hint.message, "yaml-syntax")
        return None
    except yaml.reader.ReaderError as err:
        where = (path, *builder.lines.line_col(err.position))
        char = err.character if isinstance(err.character, str) else chr(err.character)
        message = _("control characters such as U+{code} are not allowed in YAML text").format(code=f"{ord(char):04X}")
        checker.error(where, message, "yaml-syntax")
        return None
    except yaml.YAMLError as err:
        checker.error((path, 1, 1), str(err), "yaml-syntax")
        return None
    except BuildError as err:  # a problem that stops the reading (nesting, aliases)
        builder.errors.append(err)
    except Stopped as stop:
        return _report(builder, text, path, checker, stop)
    finally:
        if gc_was_enabled:
            gc.enable()
    return _report(builder, text, path, checker)


def _report(builder: Builder, text: str, path: str, checker: Checker, stop: Stopped | None = None) -> YamlDoc | None:
    """Report the builder's problems; the document if there were none."""
    lines = builder.lines
    for index in builder.cut_texts:
        checker.warning(
            (path, *lines.line_col(index)),
            _(
                "the text is cut here: ' #' starts a YAML comment, so the rest of the line is not part of the text; "
                "put the whole text in quotes, or use a | block"
            ),
            "yaml-comment",
        )
    if builder.cut_unlisted:
        checker.skip(path, "warning", builder.cut_unlisted)
    for err in builder.errors:
        if checker.skip(path, "error"):
            continue
        message = err.message
        if isinstance(err, DuplicateKey):
            message = err.duplicate_message(lines.line_col(err.first_index)[0])
        checker.error((path, err.line + 1, err.column + 1), message, err.code)
    if stop is not None:
        checker.stopped(path, stop.line + 1, stop.column + 1)
    if builder.errors or stop is not None:
        return None
    return YamlDoc(path, text, builder.root, builder.places, builder.root_span, lines)

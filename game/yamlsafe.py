"""Read untrusted YAML as plain data, keeping the place of every node for error messages.

Only strings, whole numbers, floats, booleans, null, lists and mappings come out: no tags, no
Python objects. Sizes, nesting and alias expansion are bounded before any work grows with them.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.checker import Checker

try:  # libyaml is in PyYAML's wheels; the pure loader is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 50
MAX_ALIAS_EXTRA = 100_000

_TAG = "tag:yaml.org,2002:"
_SCALARS = SafeConstructor()

Where = tuple[str, int, int]


class YamlDoc:
    """A parsed file: its plain data and a way back from a data path to a line and column."""

    def __init__(self, path: str, text: str, root: Node | None, data: Any):
        self.path = path
        self.text = text
        self.root = root
        self.data = data

    def node_at(self, loc: tuple[Any, ...], key_at_end: bool = True) -> tuple[Node | None, bool]:
        """The deepest node along `loc` (the key node for a final mapping key when `key_at_end`),
        and whether the whole path was found."""
        node = self.root
        for i, step in enumerate(loc):
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode) and key.value == step:
                        node = key if key_at_end and i == len(loc) - 1 else value
                        break
                else:
                    return node, False
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
            else:
                return node, False
        return node, True

    def where(self, loc: tuple[Any, ...] = ()) -> Where:
        """File, 1-based line and column of the key or item at `loc` (or of its nearest parent)."""
        node, _ = self.node_at(loc)
        if node is None:
            return (self.path, 1, 1)
        return (self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def value_where(self, loc: tuple[Any, ...], offset: int = 0) -> Where:
        """The place of character `offset` of the string value at `loc`: the value is aligned with its
        source text, so quotes, escapes, folded lines and block indentation are all accounted for."""
        node, found = self.node_at(loc, key_at_end=False)
        if node is None or not found or not isinstance(node, ScalarNode):
            return self.where(loc)
        begin, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            newline = self.text.find("\n", begin, end)
            begin = newline + 1 if newline >= 0 else begin
        elif node.style in ("'", '"'):
            begin += 1
        source, value = self.text, node.value
        position = begin
        for char in value[:offset]:
            found_at = source.find(char, position, min(end, position + 16))
            position = found_at + 1 if found_at >= 0 else position + 1
        while position < end and source[position] in " \t\n" and offset < len(value) and value[offset] not in " \t\n":
            position += 1
        return (self.path, *self.line_col(min(position, max(begin, end - 1) if end > begin else begin)))

    def line_col(self, index: int) -> tuple[int, int]:
        """1-based line and column of a character index in the text."""
        line_start = self.text.rfind("\n", 0, index) + 1
        return self.text.count("\n", 0, index) + 1, index - line_start + 1


_UNCLOSED = {
    "while scanning a quoted scalar": "a quotation mark opened here is never closed",
    "while parsing a flow sequence": "a '[' opened here is never closed with ']'",
    "while parsing a flow mapping": "a '{' opened here is never closed with '}'",
}


def _yaml_error_message(err: yaml.YAMLError, text: str = "") -> str:
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"{problem}" + (f" ({context})" if context else "")
    mark = getattr(err, "problem_mark", None)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t" or "'\\t'" in message:
        message += "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in message:
        message += "; put text that contains ': ' in quotes, or use a | block"
    elif "did not find expected key" in message or "expected <block end>" in message:
        message += ("; text that starts with {{, a quote, [ or { must be quoted as a whole "
                    "(text: \"{{ name }} waits\"), or written as a | block")
    elif "expected a single document" in message:
        message += "; a scene file holds one document (remove the extra '---')"
    return message


def _too_deep(text: str) -> tuple[int, int] | None:
    """The 0-based (line, col) where nesting passes MAX_DEPTH, or None.

    libyaml's composer recurses in C and crashes on deep input, so depth is measured first on the
    parser's event stream, which is not recursive (about 0.03 s per MB)."""
    depth = 0
    starts, ends = (yaml.SequenceStartEvent, yaml.MappingStartEvent), (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    for event in yaml.parse(text, Loader=_Loader):
        kind = event.__class__
        if kind in starts:
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line, event.start_mark.column
        elif kind in ends:
            depth -= 1
    return None


class _Converter:
    """Turns composed nodes into plain data, refusing tags, duplicate keys and alias bombs."""

    def __init__(self, path: str, checker: Checker):
        self.path = path
        self.checker = checker
        self.memo: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()  # nodes being converted: meeting one again is a cycle
        self.alias_extra = 0
        self.ok = True

    def _where(self, node: Node) -> Where:
        return (self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, node: Node, message: str, code: str) -> None:
        self.ok = False
        self.checker.error(self._where(node), message, code)

    def convert(self, node: Node) -> tuple[Any, int]:
        """(value, number of nodes it stands for)."""
        key = id(node)
        if key in self.active:
            raise _AliasBomb(node, "an anchor refers to itself (the alias is inside what it names)")
        if key in self.memo:
            value, size = self.memo[key]
            self.alias_extra += size
            if self.alias_extra > MAX_ALIAS_EXTRA:
                raise _AliasBomb(node, f"anchors and aliases expand to more than {MAX_ALIAS_EXTRA:,} extra values "
                                       "(an alias bomb?)")
            return value, size
        self.active.add(key)
        result = self._convert_new(node)
        self.active.discard(key)
        self.memo[key] = result
        return result

    def _convert_new(self, node: Node) -> tuple[Any, int]:
        tag = node.tag
        if isinstance(node, ScalarNode):
            return self._scalar(node), 1
        if isinstance(node, SequenceNode):
            if tag != _TAG + "seq":
                self._fail(node, f"YAML tag '{_short(tag)}' is not allowed: scene files hold plain data only", "unsafe-tag")
            items, size = [], 1
            for child in node.value:
                value, n = self.convert(child)
                items.append(value)
                size += n
            return items, size
        if isinstance(node, MappingNode):
            if tag != _TAG + "map":
                self._fail(node, f"YAML tag '{_short(tag)}' is not allowed: scene files hold plain data only", "unsafe-tag")
            mapping: dict[str, Any] = {}
            size = 1
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    self._fail(key_node, "merge keys ('<<') are not supported; write the fields out", "bad-key")
                    continue
                if not isinstance(key_node, ScalarNode) or key_node.tag not in (_TAG + "str", _TAG + "int", _TAG + "bool", _TAG + "null"):
                    self._fail(key_node, "a mapping key must be plain text", "bad-key")
                    continue
                key = key_node.value
                if key in mapping:
                    first = next(k for k, _ in node.value if isinstance(k, ScalarNode) and k.value == key)
                    self._fail(
                        key_node,
                        f"duplicate key '{key}' (first defined at line {first.start_mark.line + 1})",
                        "duplicate-key",
                    )
                    continue
                value, n = self.convert(value_node)
                mapping[key] = value
                size += n
            return mapping, size
        raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _TAG + "str":
            return node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return _SCALARS.construct_yaml_bool(node)
        if tag in (_TAG + "int", _TAG + "float"):
            try:
                if tag == _TAG + "int":
                    return _SCALARS.construct_yaml_int(node)
                return _SCALARS.construct_yaml_float(node)
            except (ValueError, OverflowError):
                self._fail(node, f"the number '{node.value[:40]}' is too large or malformed", "schema")
                return None
        if tag == _TAG + "timestamp":
            return node.value
        self._fail(node, f"YAML tag '{_short(tag)}' is not allowed: scene files hold plain data only", "unsafe-tag")
        return None


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _AliasBomb(Exception):
    def __init__(self, node: Node, message: str):
        self.node = node
        self.message = message


def decode_utf8(data: bytes, path: str, checker: Checker) -> str | None:
    """The text of `data`, or None after reporting where the first bad byte is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[line_start:err.start].decode("utf-8", errors="replace")) + 1
        checker.error((path, line, col), f"the file is not UTF-8 text (byte 0x{data[err.start]:02x})", "not-utf8")
        return None
    return text[1:] if text.startswith("\ufeff") else text


def read_yaml(file: Path, checker: Checker, display: str | None = None) -> YamlDoc | None:
    """Parse one file. Reports problems to `checker`; returns None when nothing usable came out."""
    path = display or str(file)
    try:
        if file.is_symlink() or not file.is_file():
            checker.error((path, 1, 1), "not a regular file", "io")
            return None
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            checker.error((path, 1, 1), f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}", "too-large")
            return None
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        checker.error((path, 1, 1), f"cannot read the file: {err.strerror or err}", "io")
        return None
    if len(data) > MAX_FILE_BYTES:
        checker.error((path, 1, 1), f"the file is over the limit of {MAX_FILE_BYTES:,} bytes", "too-large")
        return None
    text = decode_utf8(data, path, checker)
    if text is None:
        return None
    return parse_yaml_text(text, path, checker)


def parse_yaml_text(text: str, path: str, checker: Checker) -> YamlDoc | None:
    """Parse YAML text (already decoded and size-checked)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the node tree is acyclic; pausing the collector halves the load time
    try:
        try:
            deep = _too_deep(text)
            if deep is not None:
                checker.error((path, deep[0] + 1, deep[1] + 1), f"nesting deeper than {MAX_DEPTH} levels", "too-deep")
                return None
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            message = _yaml_error_message(err, text)
            if err.context_mark is not None and "end of stream" in (err.problem or ""):
                mark = err.context_mark  # an unclosed quote or bracket: point where it opened
                message = _UNCLOSED.get(err.context or "", message)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            checker.error((path, line, col), message, "yaml-syntax")
            return None
        except yaml.reader.ReaderError as err:
            line_start = text.rfind("\n", 0, err.position) + 1
            where = (path, text.count("\n", 0, err.position) + 1, err.position - line_start + 1)
            char = err.character if isinstance(err.character, str) else chr(err.character)
            checker.error(where, f"control characters such as U+{ord(char):04X} are not allowed in YAML text", "yaml-syntax")
            return None
        except yaml.YAMLError as err:
            checker.error((path, 1, 1), _yaml_error_message(err), "yaml-syntax")
            return None
        if root is None:
            return YamlDoc(path, text, None, None)
        converter = _Converter(path, checker)
        try:
            data, _ = converter.convert(root)
        except _AliasBomb as bomb:
            node = bomb.node
            checker.error((path, node.start_mark.line + 1, node.start_mark.column + 1), bomb.message, "alias-bomb")
            return None
        if not converter.ok:
            return None
        return YamlDoc(path, text, root, data)
    finally:
        if gc_was_enabled:
            gc.enable()

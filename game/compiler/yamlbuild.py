"""Build plain data straight from libyaml's event stream, without PyYAML's node tree.

One pass, no recursion: nesting, duplicate keys, tags and alias expansion are checked as the events
arrive, and the place of every mapping entry and list item is kept as character indexes (a few ints)
instead of PyYAML's node and mark objects, which take several times the memory of the data itself.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from game.compiler.limits import MAX_ALIAS_EXTRA, MAX_DEPTH, MAX_NUMBER_CHARS, MAX_PROBLEMS_PER_FILE
from game.compiler.lines import LineIndex
from game.i18n import _

__all__ = ["MAX_ALIAS_EXTRA", "MAX_DEPTH", "BuildError", "Builder", "DuplicateKey", "Span", "Stopped"]

TAG = "tag:yaml.org,2002:"
_SCALARS = SafeConstructor()
_RESOLVER = Resolver()
_KEY_TAGS = {TAG + "str", TAG + "int", TAG + "bool", TAG + "null"}

# Fields that hold prose: a comment after their unquoted text may be a '#' that was meant as text.
PROSE_KEYS = frozenset(
    {"title", "text", "revisit_text", "outcome", "disabled_text", "blurb", "label", "name", "chapter"}
)
_CUT = re.compile(r" #|[ \t]+#(?=\S)")
# A long plain scalar made of what numbers are made of: refused as a number without being converted, or even
# resolved (PyYAML's resolver keeps a backtracking mark per ':' of a base-60 number: 145 MB for 2 MB of them).
_NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9][0-9a-fA-FxX_.eE+-]*")

# A span is (start index, end index, style) of a value in the text; a key's place is its start index.
Span = tuple[int, int, str | None]


class BuildError(Exception):
    """A defect in otherwise well-formed YAML: message, diagnostic code and character index."""

    def __init__(self, message: str, code: str, index: int, line: int, column: int):
        super().__init__(message)
        self.message, self.code, self.index, self.line, self.column = message, code, index, line, column


def short_tag(tag: str) -> str:
    return "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag


def tag_message(tag: str) -> str:
    """The refusal of a tag; a '!' meant as text or as 'not' (`if: !alarm`) gets the fix."""
    if tag.startswith("!") and not tag.startswith("!!") and not tag.startswith(TAG):
        message = _(
            "YAML tag '{tag}' is not allowed: scene files hold plain data only; put text that starts with '!' "
            "in quotes, and in a condition write 'not': not {name}"
        )
        return message.format(tag=short_tag(tag), name=tag[1:])
    return _("YAML tag '{tag}' is not allowed: scene files hold plain data only").format(tag=short_tag(tag))


class Stopped(Exception):
    """The reading stopped: the file has more problems than are listed (`MAX_PROBLEMS_PER_FILE`)."""

    def __init__(self, line: int, column: int):
        super().__init__("too many problems")
        self.line, self.column = line, column


_SKIP: Any = object()  # marks the value of a refused key, to be read and dropped


class _Frame:
    __slots__ = ("value", "entry_places", "item_places", "size", "key", "key_at", "anchor", "start", "style")

    def __init__(self, value: Any, anchor: str | None, start: int, style: str | None):
        self.value = value
        # a mapping's entries: (key index, value start, value end, style); a list's items: their spans
        self.entry_places: dict[str, tuple[int, int, int, str | None]] = {}
        self.item_places: list[Span] = []
        self.size = 1
        self.key: str | None = None
        self.key_at = -1
        self.anchor = anchor
        self.start = start
        self.style = style


class Builder:
    """Turns events into data; `places` maps id(container) to the places of its entries."""

    def __init__(self, text: str = "", limit: int = MAX_PROBLEMS_PER_FILE) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.limit = limit  # problems noted before the reading stops
        self.places: dict[int, Any] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.alias_extra = 0
        self.root: Any = None
        self.root_span: Span = (0, 0, None)
        self.documents = 0
        self.errors: list[BuildError] = []  # problems that do not stop the reading: every one is reported
        self.depth = 0  # open lists and mappings after the last event read
        self.last_end = 0  # where the last event read ends
        self.cut_texts: list[int] = []  # where a ' #' cut an unquoted text short (the index of the '#')
        self.cut_unlisted = 0  # more of those, past the limit

    def _line_col(self, event: Any, index: int) -> tuple[int, int]:
        """0-based line and column of an index (for a container key, whose start event is gone)."""
        line, column = self.lines.line_col(index)
        return line - 1, column - 1

    def _note(self, error: BuildError) -> None:
        if len(self.errors) >= self.limit:
            raise Stopped(error.line, error.column)
        self.errors.append(error)

    @staticmethod
    def _fail(event: Any, message: str, code: str) -> BuildError:
        mark = event.start_mark
        return BuildError(message, code, mark.index, mark.line, mark.column)

    def _resolve(self, event: Any) -> str:
        """The tag of a scalar; a long plain one is text, or a number too long to be read (`MAX_NUMBER_CHARS`)."""
        tag = event.tag
        if tag is not None and tag != "!":
            return tag
        if event.implicit[0] and len(event.value) > MAX_NUMBER_CHARS:
            return TAG + ("int" if _NUMBER_LIKE.fullmatch(event.value) and ":" not in event.value else "str")
        return _RESOLVER.resolve(ScalarNode, event.value, event.implicit)

    def _scalar(self, event: Any) -> Any:
        tag = self._resolve(event)
        if tag == TAG + "str":
            return event.value
        if tag == TAG + "null":
            return None
        if tag in (TAG + "int", TAG + "float") and ":" in event.value:
            return event.value  # YAML 1.1's base 60 (1:30 for 90): text, as in YAML 1.2 (and never converted)
        if tag in (TAG + "int", TAG + "float") and len(event.value) > MAX_NUMBER_CHARS:
            self._note(self._fail(event, _bad_number(event.value), "schema"))
            return None
        if tag in (TAG + "bool", TAG + "int", TAG + "float"):
            node = ScalarNode(tag, event.value)
            try:
                if tag == TAG + "bool":
                    return _SCALARS.construct_yaml_bool(node)
                if tag == TAG + "int":
                    return _SCALARS.construct_yaml_int(node)
                return _SCALARS.construct_yaml_float(node)
            except (ValueError, OverflowError):
                self._note(self._fail(event, _bad_number(event.value), "schema"))
                return None
        if tag == TAG + "timestamp":
            return event.value
        self._note(self._fail(event, tag_message(tag), "unsafe-tag"))
        return None

    def build(self, events: Any) -> None:
        stack: list[_Frame] = []
        scalar_cls, alias_cls = yaml.ScalarEvent, yaml.AliasEvent
        seq_start, map_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
        seq_end, map_end = yaml.SequenceEndEvent, yaml.MappingEndEvent
        for event in events:
            cls = event.__class__
            self.last_end = event.end_mark.index
            if cls is scalar_cls:
                if stack and stack[-1].key is None and isinstance(stack[-1].value, dict):
                    self._key(stack[-1], event)  # a key: text, whatever it looks like
                    continue
                value = self._scalar(event)
                if not event.style and stack and stack[-1].key in PROSE_KEYS:
                    self._check_cut(event.end_mark.index)
                self._add(stack, event, value, 1, event.start_mark.index, event.end_mark.index, event.style)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            elif cls is seq_start or cls is map_start:
                if len(stack) >= MAX_DEPTH:
                    raise self._fail(event, _deep(), "too-deep")
                tag = event.tag
                wanted = TAG + ("seq" if cls is seq_start else "map")
                if not event.implicit and tag not in (None, "!", wanted):
                    self._note(self._fail(event, tag_message(tag), "unsafe-tag"))
                frame = _Frame(
                    [] if cls is seq_start else {},
                    event.anchor,
                    event.start_mark.index,
                    "flow" if event.flow_style else None,
                )
                if event.anchor:
                    self.open_anchors.add(event.anchor)
                stack.append(frame)
                self.depth = len(stack)
            elif cls is seq_end or cls is map_end:
                frame = stack.pop()
                self.depth = len(stack)
                self.places[id(frame.value)] = (
                    frame.entry_places if isinstance(frame.value, dict) else frame.item_places
                )
                if frame.anchor:
                    self.open_anchors.discard(frame.anchor)
                self._add(stack, event, frame.value, frame.size, frame.start, event.end_mark.index, frame.style)
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.value, frame.size)
            elif cls is alias_cls:
                name = event.anchor
                if name in self.open_anchors:
                    raise self._fail(
                        event, _("an anchor refers to itself (the alias is inside what it names)"), "alias-bomb"
                    )
                if name not in self.anchors:
                    message = _("the alias '*{name}' names no anchor ('&{name}') before it").format(name=name)
                    raise self._fail(event, message, "yaml-syntax")
                value, size = self.anchors[name]
                self.alias_extra += size
                if self.alias_extra > MAX_ALIAS_EXTRA:
                    message = _("anchors and aliases expand to more than {limit:,} extra values (an alias bomb?)")
                    raise self._fail(event, message.format(limit=MAX_ALIAS_EXTRA), "alias-bomb")
                self._add(stack, event, value, size, event.start_mark.index, event.end_mark.index, None)
            elif cls is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise self._fail(
                        event,
                        _(
                            "but found another document (expected a single document in the stream); "
                            "a scene file holds one document (remove the extra '---')"
                        ),
                        "yaml-syntax",
                    )

    def _check_cut(self, end: int) -> None:
        """Note an unquoted text followed on its line by what reads like more of it but is a comment:
        ` #` after one space (`hut #4`), or a '#' stuck to a word. `text: Go  # a note` is a comment."""
        match = _CUT.match(self.text, end)
        if match and len(self.cut_texts) < self.limit:
            self.cut_texts.append(match.end() - 1)
        elif match:
            self.cut_unlisted += 1

    def too_deep(self, line: int, column: int) -> BuildError:
        """The `too-deep` error when libyaml's own nesting limit stops the reading before ours does.

        libyaml (0.2.6 and later) refuses flow nesting past 1,000 levels and scans ahead along a line, so
        it can stop while the events read so far are still shallow. The level that breaks our limit is
        then further along the same line: count brackets from the last event read to find its column.
        `line` and `column` (0-based) are where libyaml stopped, used if the count does not get there."""
        text, depth, index = self.text, self.depth, self.last_end
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        quote = ""
        while index < end:
            char = text[index]
            if quote:
                if char == "\\" and quote == '"':
                    index += 1  # an escaped character inside double quotes
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "#" and (index == 0 or text[index - 1] in " \t"):
                break
            elif char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return BuildError(_deep(), "too-deep", index, *self._line_col(None, index))
            elif char in "]}":
                depth -= 1
            index += 1
        return BuildError(_deep(), "too-deep", -1, line, column)

    def _key(self, frame: _Frame, event: Any) -> None:
        frame.key, frame.key_at = _SKIP, event.start_mark.index
        tag = self._resolve(event)
        if tag == TAG + "merge":
            self._note(self._fail(event, _("merge keys ('<<') are not supported; write the fields out"), "bad-key"))
        elif tag not in _KEY_TAGS:
            self._note(self._fail(event, _("a mapping key must be plain text"), "bad-key"))
        elif event.value in frame.value:
            self._note(DuplicateKey(event, event.value, frame.entry_places[event.value][0]))
        else:
            frame.key = event.value
        frame.size += 1

    def _add(
        self, stack: list[_Frame], event: Any, value: Any, size: int, start: int, end: int, style: str | None
    ) -> None:
        if not stack:
            self.root, self.root_span = value, (start, end, style)
            return
        frame = stack[-1]
        frame.size += size
        container = frame.value
        if isinstance(container, list):
            container.append(value)
            frame.item_places.append((start, end, style))
            return
        if frame.key is None:  # a list or mapping used as a key
            frame.key, frame.key_at = _SKIP, start
            if len(stack) > 1 and stack[-2].key in ("if", "effects", "on_enter"):  # `if: {{ nerve }}`
                key = stack[-2].key
                if isinstance(value, dict) and len(value) == 1:
                    message = _(
                        "drop the braces: {braces} is for text; '{key}' takes the expression as it is ({key}: {bare})"
                    ).format(braces="{{ }}", key=key, bare=next(iter(value)))
                else:
                    message = _("drop the braces: {braces} is for text; '{key}' takes the expression as it is")
                    message = message.format(braces="{{ }}", key=key)
            elif isinstance(value, dict):
                message = _(
                    "a mapping key must be plain text (text that starts with {{ or { must be quoted as a whole: "
                    'text: "{{ name }} waits")'
                )
            else:
                message = _("a mapping key must be plain text")
            self._note(BuildError(message, "bad-key", start, *self._line_col(event, start)))
            return
        if frame.key is _SKIP:  # the value of a key that was refused
            frame.key = None
            return
        container[frame.key] = value
        frame.entry_places[frame.key] = (frame.key_at, start, end, style)
        frame.key = None


class DuplicateKey(BuildError):
    """A key that its mapping already has; its message, which names the first one's line, is made when it is
    reported (`duplicate_message`)."""

    def __init__(self, event: Any, key: str, first_index: int):
        mark = event.start_mark
        super().__init__(f"duplicate key '{key}'", "duplicate-key", mark.index, mark.line, mark.column)
        self.key = key
        self.first_index = first_index

    def duplicate_message(self, first_line: int) -> str:
        return _("duplicate key '{key}' (first defined at line {line})").format(key=self.key, line=first_line)


def _deep() -> str:
    return _("nesting deeper than {limit} levels").format(limit=MAX_DEPTH)


def _bad_number(value: str) -> str:
    return _("the number '{value}' is too large or malformed").format(value=value[:40])

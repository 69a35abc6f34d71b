"""YAML errors in the author's words: the line where the author went wrong, and the fix.

libyaml reports where it gave up, which is often a line or more after the mistake: a missing ':' is
noticed at the next key, an unclosed quote at the next quotation mark. The tokens read before the
error show what YAML made of the text, and from them the mistake's own line and a specific fix.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from game.compiler.checker import did_you_mean
from game.compiler.schema import MANIFEST, SCENE_FILE, Record, Shape
from game.i18n import N_, _, ngettext, pgettext

try:  # the same scanner as the reader
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_UNCLOSED = {  # libyaml's context: what to say (translated where it is said)
    "while scanning a quoted scalar": N_(
        "a quotation mark opened here is never closed: end the text with the same mark"
    ),
    "while parsing a flow sequence": N_("a '[' opened here is never closed with ']'"),
    "while parsing a flow mapping": N_("a '{' opened here is never closed with '}'"),
}
_KEY_LINE = re.compile(r"[ \t]*(?:-[ \t]+)*([a-z_][a-z0-9_]*):(?:[ \t]|$)")


@dataclass(frozen=True)
class Hint:
    """Where to report a YAML error (0-based line and column) and what to say."""

    line: int
    column: int
    message: str


@dataclass
class _Open:
    """A block list or mapping open at the place of the error."""

    kind: str  # "-" for a list, ":" for a mapping
    column: int
    line: int  # the line of its last entry so far (0-based)
    key: str = ""  # a mapping's last key


def explain(err: yaml.MarkedYAMLError, text: str) -> Hint:
    """The author's mistake behind a libyaml error."""
    mark = err.problem_mark or err.context_mark
    problem, context = err.problem or str(err), err.context
    message = problem + (f" ({context})" if context else "")
    if mark is None:
        return Hint(0, 0, message)
    if err.context_mark is not None and "end of stream" in problem and context in _UNCLOSED:
        return Hint(err.context_mark.line, err.context_mark.column, _(_UNCLOSED[context]))
    if 0 <= mark.index < len(text) and text[mark.index] == "\t" or "'\\t'" in message:
        return Hint(mark.line, mark.column, _("{problem}; indent with spaces, not tabs").format(problem=message))
    lines = text.split("\n")
    tokens = _scan_before(text, mark.index)
    for rule in (
        _braces_in_expression,
        _dash_without_space,
        _missing_key_colon,
        _mapping_value,
        _after_quote,
        _unclosed_flow,
        _indentation,
        _odd_start,
    ):
        hint = rule(err, lines, tokens)
        if hint is not None:
            return hint
    return Hint(mark.line, mark.column, _generic_fix(message, text, mark.index))


def _generic_fix(message: str, text: str, index: int) -> str:
    """libyaml's own message (English: it is the library's), with the usual fix for it when there is one."""
    if "mapping values are not allowed" in message:
        return _("{problem}; put text that contains ': ' in quotes, or use a | block").format(problem=message)
    if "expected a single document" in message:
        return _("{problem}; a scene file holds one document (remove the extra '---')").format(problem=message)
    if (
        "did not find expected key" in message
        or "expected <block end>" in message
        or "flow mapping" in message
        or index < len(text)
        and text[index] == "%"
    ):
        fix = _(
            "{problem}; text that starts with {{{{, a quote, [ or {{ must be quoted as a whole "
            '(text: "{{{{ name }}}} waits"), or written as a | block'
        )
        return fix.format(problem=message)
    return message


@dataclass
class _Scanned:
    """What the scanner read before the place of an error: its last two tokens, how many '[' and '{' are
    open, and the block lists and mappings still open (outermost first). Kept as the tokens go by: a file
    of a million lines does not keep a million tokens."""

    last: Any = None
    before_last: Any = None
    flow: int = 0
    blocks: list[_Open] = field(default_factory=list)


_FLOW_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_FLOW_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)


def _scan_before(text: str, index: int) -> _Scanned:
    """The scanner's tokens that start before `index` (the scanner reads ahead; later ones are dropped)."""
    scanned = _Scanned()
    stack, keyed = scanned.blocks, None  # keyed: the mapping whose key the next token is
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= index:
                break
            scanned.before_last, scanned.last = scanned.last, token
            if keyed is not None:
                keyed.key = token.value if isinstance(token, yaml.ScalarToken) else ""
                keyed = None
            if isinstance(token, _FLOW_OPEN):
                scanned.flow += 1
            elif isinstance(token, _FLOW_CLOSE):
                scanned.flow -= 1
            elif scanned.flow:
                continue
            elif isinstance(token, yaml.BlockMappingStartToken):
                stack.append(_Open(":", token.start_mark.column, token.start_mark.line))
            elif isinstance(token, yaml.BlockSequenceStartToken):
                stack.append(_Open("-", token.start_mark.column, token.start_mark.line))
            elif isinstance(token, yaml.BlockEndToken) and stack:
                stack.pop()
            elif isinstance(token, yaml.KeyToken) and stack and stack[-1].kind == ":":
                stack[-1].line, stack[-1].key, keyed = token.start_mark.line, "", stack[-1]
            elif isinstance(token, yaml.BlockEntryToken):
                if not stack or stack[-1].kind != "-" or stack[-1].column != token.start_mark.column:
                    stack.append(_Open("-", token.start_mark.column, token.start_mark.line))  # an indentless list
                stack[-1].line = token.start_mark.line
    except yaml.YAMLError:
        pass
    return scanned


def _last_scalar(tokens: _Scanned) -> tuple[Any, Any] | None:
    """The last token if it is a scalar, with the token before it."""
    if not isinstance(tokens.last, yaml.ScalarToken):
        return None
    return tokens.last, tokens.before_last


def _first_word(line: str) -> tuple[int, str]:
    """Column and text of the first word of a line, after any '- '."""
    match = re.match(r"[ \t]*(?:-[ \t]+)*", line)
    start = match.end() if match else 0
    word = re.match(r"[^\s:]*", line[start:])
    return start, word.group(0) if word else ""


def _missing_colon(line: int, text: str) -> Hint | None:
    """`id committee` or `id:committee` on `line`: a key without its ': '."""
    start, word = _first_word(text)
    rest = text[start + len(word) :]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", word):
        return None
    if rest.startswith(":") and rest[1:2] not in ("", " ", "\t"):
        value = rest[1:].strip()
        message = _("put a space after the ':' of '{word}:' (write '{word}: {value}')")
        return Hint(line, start + len(word), message.format(word=word, value=value))
    if not rest.strip() or not rest.startswith((" ", "\t")):
        return None
    value = rest.strip()
    message = _("a ':' is missing after '{word}' (write '{word}: {value}')")
    return Hint(line, start + len(word), message.format(word=word, value=value))


def _braces_in_expression(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """`if: {{ nerve }} >= 3`: YAML reads '{' as a mapping and '>' as a folded text."""
    for mark in (err.problem_mark, err.context_mark):
        line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        found = re.match(r"[ \t]*(?:-[ \t]+)?(if|effects|on_enter):[ \t]*(\{\{)", line)
        if mark is not None and found:
            bare = " ".join(re.sub(r"\{\{|\}\}", " ", line[found.start(2) :]).split())
            key = found.group(1)
            message = _("drop the braces: {braces} is for text; '{key}' takes the expression as it is ({key}: {bare})")
            return Hint(mark.line, found.start(2), message.format(braces="{{ }}", key=key, bare=bare))
    return None


def _dash_without_space(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """`-id: back`: a list item's '-' without the space after it is read as part of a word."""
    mark = err.problem_mark
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    dash = re.match(r"[ \t]*-(?=[^\s-])", line)
    if mark is None or dash is None:
        return None
    _column, word = _first_word(line[dash.end() :])
    return Hint(mark.line, dash.end() - 1, _dash_fix(word))


def _dash_fix(word: str) -> str:
    return _("put a space after '-' to start a list item (write '- {word}: ...')").format(word=word)


def _missing_key_colon(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """libyaml saw a key start a line and never found its ':' (it says so at the next line)."""
    start = err.context_mark
    if "could not find expected ':'" not in (err.problem or "") or start is None:
        return None
    hint = _missing_colon(start.line, lines[start.line])
    if hint is not None:
        return hint
    return Hint(
        start.line,
        start.column,
        _(
            "this line is not a field ('name: value'); if it is more of the text above, indent it further "
            "than that text's field, or write the text as a | block"
        ),
    )


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name the story files know, from their declared shapes."""
    names: set[str] = set()
    todo: list[Shape] = [MANIFEST, SCENE_FILE]
    seen: set[int] = set()
    while todo:
        shape = todo.pop()
        if id(shape) in seen:
            continue
        seen.add(id(shape))
        if isinstance(shape, Record):
            names.update(shape.fields)
        for value in vars(shape).values():
            inner = value.values() if isinstance(value, dict) else [value]
            for part in inner:
                todo.extend(p for p in (part if isinstance(part, tuple) else (part,)) if isinstance(p, Shape))
    return frozenset(names)


def not_a_scene_file(data: Any) -> str | None:
    """Why a file read as a scene file is not one (notes kept in the story folder), or None."""
    keys = itertools.islice(data, 100) if isinstance(data, dict) else ()  # a misspelt 'scenes' is among the first
    if isinstance(data, dict) and ("scenes" in data or any(did_you_mean(str(k), ("scenes", "chapter")) for k in keys)):
        return None
    if isinstance(data, list) and data and all(isinstance(item, dict) and "id" in item for item in data):
        return _(
            "the scenes must be listed under 'scenes:': start the file with 'scenes:' and indent the list below it"
        )
    return _(
        "this file has no 'scenes:' list, but every .yaml file in the story folder is read as a scene file; "
        "keep notes in a file with another extension (notes.txt, notes.md) or a hidden one (.notes.yaml)"
    )


def _mapping_value(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """`key: value` inside a plain text that began on an earlier line: an over-indented field, a key
    that lost its ':' a line earlier, or a '-' without its space."""
    mark = err.problem_mark
    found = _last_scalar(tokens)
    if "mapping values are not allowed" not in (err.problem or "") or mark is None or found is None:
        return None
    scalar, before = found
    first = scalar.start_mark.line
    dash = re.match(r"[ \t]*-(?=[^\s-])", lines[first])
    if dash:
        _column, word = _first_word(lines[first][dash.end() :])
        return Hint(first, dash.end() - 1, _dash_fix(word))
    if scalar.style or first == mark.line:
        return None
    if not isinstance(before, yaml.ValueToken):  # the text was meant as a key
        return _missing_colon(first, lines[first])
    field = _KEY_LINE.match(lines[mark.line])
    if field is None or field.group(1) not in field_names():
        return None
    _column, above = _first_word(lines[first])
    column = field.start(1)
    message = _(
        "'{field}:' is indented further than '{above}:' on line {line}, so YAML reads it as more "
        "of the value of '{above}:'; line it up with '{above}:'"
    )
    return Hint(mark.line, column, message.format(field=field.group(1), above=above, line=first + 1))


def _after_quote(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """A quoted text that runs on past its line (an unclosed quote) or is followed by more text."""
    mark = err.problem_mark
    found = _last_scalar(tokens)
    if mark is None or found is None or found[0].style not in ("'", '"') or tokens.flow:
        return None
    scalar = found[0]
    start, end = scalar.start_mark, scalar.end_mark
    quote = scalar.style
    if start.line < end.line:
        message = _(
            "the quotation mark ({quote}) opened here is not closed on its line, so the text runs on to the next "
            "{quote}, on line {line}; close the text with {quote}, or use a | block for text over several lines"
        )
        return Hint(start.line, start.column, message.format(quote=quote, line=end.line + 1))
    if end.line != mark.line:
        return None
    line = lines[end.line]
    value = line[start.column :].strip()
    other = "'" if quote == '"' else '"'
    if line[end.column : end.column + 1].isspace() and other not in value:  # 'Halt!' he shouts
        message = _(
            "the quoted text ends at its second {quote}, and the line goes on after it; quote the whole text: {fixed}"
        ).format(quote=quote, fixed=f"{other}{value}{other}")
    elif quote == '"':
        message = _(
            "the quoted text ends at its second {quote}, and the line goes on after it; quote the whole text with "
            "'...' instead (text: 'He said \"Halt!\" and ran'), or use a | block"
        ).format(quote=quote)
    else:
        message = _(
            "the quoted text ends at its second {quote}, and the line goes on after it; inside '...' write an "
            "apostrophe twice ('Don''t go'), or quote the whole text with \"...\" instead"
        ).format(quote=quote)
    return Hint(end.line, end.column, message)


def _unclosed_flow(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """A '[' or '{' whose closing bracket is missing: reported where it opens."""
    opened, mark = err.context_mark, err.problem_mark
    if opened is None or mark is None or opened.line == mark.line or err.context not in _UNCLOSED:
        return None
    return Hint(
        opened.line,
        opened.column,
        _("this '[' is never closed: add ']' at the end of the list (or write it as a block list)")
        if "sequence" in (err.context or "")
        else _("this '{' is never closed: add '}' (text that starts with { must be in quotes)"),
    )


def _indentation(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """A line indented to a column where no list or mapping above it is open."""
    mark = err.problem_mark
    if mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    indent = len(line) - len(line.lstrip(" "))
    if mark.column != indent or not line.strip():
        return None
    kind = "-" if re.match(r"-(\s|$)", line[indent:]) else ":"
    stack = tokens.blocks
    same = [block for block in stack if block.kind == kind] or stack
    if not same or any(block.column == indent for block in same):
        return None
    best = min(reversed(same), key=lambda block: abs(block.column - indent))
    if best.kind == "-":
        what = pgettext("line it up with", "the '-'")
    else:
        what = (
            pgettext("line it up with", "'{key}:'").format(key=best.key)
            if best.key
            else pgettext("line it up with", "the field")
        )
    field = _KEY_LINE.match(line)
    if kind == "-":
        this = pgettext("indented", "this '-'")
    else:
        this = (
            pgettext("indented", "'{key}:'").format(key=field.group(1)) if field else pgettext("indented", "this line")
        )
    if any(block.column == indent for block in stack) and kind == "-":  # lined up with the other kind
        message = _(
            "{this} is indented like the fields of the item above it ({spaces}); "
            "line it up with {what} on line {line} ({target})"
        )
    elif any(block.column == indent for block in stack):  # a field lined up with the '-' of a list
        message = _(
            "{this} is indented like the '-' of the list above it ({spaces}); "
            "line it up with {what} on line {line} ({target})"
        )
    else:
        message = _(
            "{this} is indented by {spaces}, which lines it up with nothing above it; "
            "line it up with {what} on line {line} ({target})"
        )
    said = message.format(this=this, spaces=_spaces(indent), what=what, line=best.line + 1, target=_spaces(best.column))
    return Hint(mark.line, mark.column, said)


def _spaces(count: int) -> str:
    return ngettext("{count} space", "{count} spaces", count).format(count=count)


def _odd_start(err: yaml.MarkedYAMLError, lines: list[str], tokens: _Scanned) -> Hint | None:
    """Text that starts with a character YAML reserves: '*' (an alias), '&' (an anchor), '@' or '`'."""
    context, start = err.context or "", err.context_mark
    if start is not None and ("scanning an alias" in context or "scanning an anchor" in context):
        if "alias" in context:
            message = _("text that starts with '*' must be in quotes (YAML reads *name as an alias): text: \"*...\"")
        else:
            message = _("text that starts with '&' must be in quotes (YAML reads &name as an anchor): text: \"&...\"")
        return Hint(start.line, start.column, message)
    mark = err.problem_mark
    if mark is None or "cannot start any token" not in (err.problem or ""):
        return None
    char = lines[mark.line][mark.column : mark.column + 1] if mark.line < len(lines) else ""
    if char in ("@", "`"):
        message = _("text that starts with '{char}' must be in quotes: text: \"{char}...\"").format(char=char)
        return Hint(mark.line, mark.column, message)
    return None

"""`escape rename`: rename a scene, choice, variable or item everywhere a story names it.

Every occurrence is found from the parsed YAML (the place of each value and key) and, inside conditions,
effects and text, from the expression's syntax tree; each is edited in the file's text at its exact place,
so comments, quoting and layout stay byte for byte. Nothing is written until all of this holds: each
edited file reads back as the expected data, the renamed story validates with the same warnings, and
every walkthrough replays as it did before. Nothing here prints; `plan_rename` returns a `RenamePlan`
and `apply_rename` writes it.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import secrets
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.compiler.checker import COLLECT, Checker, did_you_mean, display_path
from game.compiler.expr import RESERVED
from game.compiler.folder import MAX_STORY_BYTES, StoryCompiler
from game.compiler.loader import check_story
from game.compiler.schema import ID_RE, MAX_ID
from game.compiler.template import tokens
from game.compiler.translation import FOLDER as TRANSLATIONS
from game.compiler.translation import languages, overlay_path, text_hash, units
from game.compiler.yamlsafe import YamlDoc, decode_utf8, parse_yaml_text
from game.engine.replay import replay
from game.engine.state import state_from_data
from game.errors import Diagnostic, EngineError, EscapeError, SaveError
from game.i18n import N_, _, ngettext
from game.model import Story
from game.saves.files import MAX_SAVE_BYTES, parse_save, saved_steps

KINDS = ("scene", "choice", "variable", "item")
TEXT_FIELDS = frozenset({"text", "revisit_text", "disabled_text", "outcome"})  # templates: {{ }} and {% if %}
EFFECT_FIELDS = frozenset({"effects", "on_enter", "then", "else"})  # then/else: a conditional effect's lists
TARGET_FIELDS = frozenset({"goto", "to", "call"})
RETURN = "return"  # `goto: return` leaves a subscene; it never names a scene
LOOKUPS = {"has": "item", "visited": "scene", "chosen": "choice"}
BOM = "\ufeff"
CODE = "rename"
_ITEM_STATEMENT = re.compile(r"^\s*(gain|lose)\s+(\S+)\s*$")  # as game.compiler.effects reads it
_ID_CHAR = re.compile(r"[a-z0-9_]")
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|\s+', re.S)
_ESCAPES = {"x": 2, "u": 4, "U": 8}  # YAML double-quoted escapes with hex digits, and how many
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}
_SIMPLE_ESCAPES.update({"e": "\x1b", " ": " ", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"})

# the messages that name what is renamed, one per kind (translated where shown: a kind has its own gender)
NO_SUCH = {
    "scene": N_("the story has no scene '{name}'"),
    "choice": N_("the story has no choice '{name}'"),
    "variable": N_("the story has no variable '{name}'"),
    "item": N_("the story has no item '{name}'"),
}
ALREADY_CALLED = {
    "scene": N_("the scene is already called '{name}'"),
    "choice": N_("the choice is already called '{name}'"),
    "variable": N_("the variable is already called '{name}'"),
    "item": N_("the item is already called '{name}'"),
}
ALREADY_HAS = {
    "scene": N_("the story already has a scene '{name}'"),
    "choice": N_("the story already has a choice '{name}'"),
    "variable": N_("the story already has a variable '{name}'"),
    "item": N_("the story already has an item '{name}'"),
}


class RenameRefused(EscapeError):
    """The rename cannot be done safely: the reason, and the located problems behind it."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file to rewrite: its text before and after, and how many references changed in it."""

    path: Path
    display: str
    before: str
    after: str
    references: int
    original: bytes  # the bytes read, checked again before writing

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            self.display,
            self.display,
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass(frozen=True, slots=True)
class RenamePlan:
    """Everything a rename changes, checked and ready to write."""

    kind: str
    old: str
    new: str
    folder: Path
    files: tuple[FileChange, ...]
    walkthroughs: tuple[FileChange, ...]
    notes: tuple[Diagnostic, ...]  # walkthroughs left alone, or already failing before the rename

    @property
    def references(self) -> int:
        return sum(change.references for change in self.files)

    def diff(self) -> str:
        return "".join(change.diff() for change in (*self.files, *self.walkthroughs))

    def summary(self) -> str:
        files, walks = len(self.files), len(self.walkthroughs)
        return _("{references} in {files}, {walkthroughs}").format(
            references=ngettext("{count} reference", "{count} references", self.references).format(
                count=self.references
            ),
            files=ngettext("{count} file", "{count} files", files).format(count=files),
            walkthroughs=ngettext("{count} walkthrough", "{count} walkthroughs", walks).format(count=walks),
        )


# -- what a rename is ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rename:
    """A rename: for a choice, `old` and `new` are choice keys ("scene.choice")."""

    kind: str
    old: str
    new: str

    @property
    def short(self) -> str:
        """What replaces each occurrence: the new id (for a choice, without its scene)."""
        return self.new.partition(".")[2] if self.kind == "choice" else self.new

    def scene(self, value: str) -> str:
        return self.new if self.kind == "scene" and value == self.old else value

    def key(self, value: str) -> str:
        """A choice key ("scene.choice") after the rename."""
        scene, dot, choice = value.partition(".")
        if self.kind == "choice":
            return self.new if value == self.old else value
        return f"{self.scene(scene)}{dot}{choice}"

    def choice_of(self, scene: str, choice: str) -> str:
        return self.short if self.kind == "choice" and f"{scene}.{choice}" == self.old else choice

    def name(self, kind: str, value: str) -> str:
        return self.new if self.kind == kind and value == self.old else value


# -- names in expressions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    """A name in an expression: its kind, the name, and where it is in the source. `exact` is false when the
    source does not spell the name plainly there (an escape in a quoted name), so it cannot be edited."""

    kind: str  # variable | item | scene | choice (a choice's name is its key, "scene.choice")
    name: str
    start: int
    end: int
    exact: bool = True

    def shifted(self, by: int) -> Ref:
        return Ref(self.kind, self.name, self.start + by, self.end + by, self.exact)


class Unreadable(Exception):
    """An expression this tool cannot read (the compiler did; something new in the language)."""


def _char_offset(line: str, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes; the YAML places count characters."""
    return byte_offset if line.isascii() else len(line.encode()[:byte_offset].decode())


def _parse(source: str, mode: str, interpolation: bool) -> ast.AST:
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError:
        if interpolation and " if " in source:  # `{{ "words" if condition }}` has an implied else
            try:
                return ast.parse(source + " else ''", mode=mode)
            except SyntaxError:
                pass
        raise Unreadable(source) from None


def expression_refs(source: str, mode: str = "eval", interpolation: bool = False) -> list[Ref]:
    """Every variable name and every name in quotes given to has, visited or chosen, with its place."""
    stripped = source.strip()
    if "\n" in stripped:
        raise Unreadable(source)
    lead = len(source) - len(source.lstrip())
    refs = []
    for node in ast.walk(_parse(stripped, mode, interpolation)):
        if isinstance(node, ast.Name):
            start = lead + _char_offset(stripped, node.col_offset)
            end = start + len(node.id)
            refs.append(Ref("variable", node.id, start, end, source[start:end] == node.id))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOOKUPS:
            if len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                refs.append(_quoted(node.args[0], LOOKUPS[node.func.id], source, stripped, lead))
    return refs


def _quoted(arg: ast.Constant, kind: str, source: str, stripped: str, lead: int) -> Ref:
    """The name inside a quoted argument, placed when it is written plainly between two like quotes."""
    start = lead + _char_offset(stripped, arg.col_offset)
    end = lead + _char_offset(stripped, arg.end_col_offset or arg.col_offset)
    literal, name = source[start:end], str(arg.value)
    exact = len(literal) >= 2 and literal[0] in "'\"" and literal[-1] == literal[0] and literal[1:-1] == name
    return Ref(kind, name, start + 1, end - 1, exact)


def effect_refs(source: str) -> list[Ref]:
    """The names in one effect statement: `gain x`, `lose x`, or an assignment."""
    match = _ITEM_STATEMENT.match(source)
    if match:
        return [Ref("item", match.group(2), match.start(2), match.end(2))]
    return expression_refs(source, "exec")


def template_refs(text: str) -> list[Ref]:
    """The names in a text's `{{ }}` and `{% if %}`/`{% elif %}` tags, placed within the text."""
    if "{{" not in text and "{%" not in text:
        return []
    refs: list[Ref] = []
    for token in tokens(text):
        body, start = text[token.body_start : token.body_end], token.body_start
        if token.kind == "expr":
            refs.extend(ref.shifted(start) for ref in expression_refs(body, interpolation=True))
            continue
        keyword = body.split()[0] if body.strip() else ""
        if keyword in ("if", "elif"):
            after = body.index(keyword) + len(keyword)
            refs.extend(ref.shifted(start + after) for ref in expression_refs(body[after:]))
    return refs


# -- occurrences in the YAML ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A place that names a scene, choice, variable or item.

    For a value, [start, end) is the text to replace within the string at `loc` (for a choice, its id
    alone), and `exact` false when it is not spelt plainly there. For a key (`key=True`), the mapping key at
    `loc`."""

    kind: str
    name: str
    doc: YamlDoc
    loc: tuple[Any, ...]
    start: int = 0
    end: int = 0
    key: bool = False
    declaration: bool = False
    exact: bool = True


@dataclass
class Scanner:
    """Walks story files and collects every occurrence of every name, by key: any field holding text,
    a condition, effects or a target is read for what it names, wherever it is."""

    found: list[Occurrence] = field(default_factory=list)
    unread: list[tuple[YamlDoc, tuple[Any, ...], str]] = field(default_factory=list)
    implicit_fallbacks: dict[str, tuple[YamlDoc, tuple[Any, ...]]] = field(default_factory=dict)

    def manifest(self, doc: YamlDoc) -> None:
        data = doc.data if isinstance(doc.data, dict) else {}
        if isinstance(data.get("start"), str):
            self.value(doc, ("start",), "scene", data["start"])
        for section, kind in (("variables", "variable"), ("items", "item")):
            declared = data.get(section)
            for name in declared if isinstance(declared, dict) else {}:
                self.found.append(Occurrence(kind, name, doc, (section, name), key=True, declaration=True))

    def overlay(self, doc: YamlDoc) -> None:
        """A translation (i18n/<lang>.yaml): the names inside its texts (its keys are renamed apart)."""
        entries = doc.data.get("entries") if isinstance(doc.data, dict) else None
        for key, entry in entries.items() if isinstance(entries, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get("text"), str):
                self.refs(doc, ("entries", key, "text"), entry["text"], template_refs)

    def scene_file(self, doc: YamlDoc) -> None:
        scenes = doc.data.get("scenes") if isinstance(doc.data, dict) else None
        for i, spec in enumerate(scenes if isinstance(scenes, list) else []):
            if isinstance(spec, dict):
                self.scene(doc, ("scenes", i), spec)

    def scene(self, doc: YamlDoc, loc: tuple[Any, ...], spec: dict[str, Any]) -> None:
        scene_id = spec["id"] if isinstance(spec.get("id"), str) else ""
        for key, value in spec.items():
            where = loc + (key,)
            if key == "id" and isinstance(value, str):
                self.value(doc, where, "scene", value, declaration=True)
            elif key == "choices" and isinstance(value, list):
                for j, choice in enumerate(value):
                    if isinstance(choice, dict):
                        self.choice(doc, where + (j,), choice, scene_id)
            elif key == "fallback" and isinstance(value, dict):
                self.choice(doc, where, value, scene_id)
                if "id" not in value:
                    self.implicit_fallbacks[f"{scene_id}.fallback"] = (doc, where)
            else:
                self.field(doc, where, key, value)

    def choice(self, doc: YamlDoc, loc: tuple[Any, ...], spec: dict[str, Any], scene_id: str) -> None:
        for key, value in spec.items():
            if key == "id" and isinstance(value, str):
                name = f"{scene_id}.{value}"
                self.found.append(Occurrence("choice", name, doc, loc + (key,), 0, len(value), declaration=True))
            else:
                self.field(doc, loc + (key,), key, value)

    def field(self, doc: YamlDoc, loc: tuple[Any, ...], key: Any, value: Any) -> None:
        if key in TARGET_FIELDS:
            self.target(doc, loc, value)
        elif key in EFFECT_FIELDS:
            self.effects(doc, loc, value)
        elif key in TEXT_FIELDS and isinstance(value, str):
            self.refs(doc, loc, value, template_refs)
        elif key == "if" and isinstance(value, str):
            self.refs(doc, loc, value, expression_refs)
        else:
            self.nested(doc, loc, value)

    def nested(self, doc: YamlDoc, loc: tuple[Any, ...], value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self.field(doc, loc + (key,), key, item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.nested(doc, loc + (i,), item)

    def effects(self, doc: YamlDoc, loc: tuple[Any, ...], value: Any) -> None:
        if isinstance(value, str):
            self.refs(doc, loc, value, effect_refs)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.effects(doc, loc + (i,), item)
        else:  # a conditional effect: {if: ..., then: [...], else: [...]}
            self.nested(doc, loc, value)

    def target(self, doc: YamlDoc, loc: tuple[Any, ...], value: Any) -> None:
        if isinstance(value, str):
            if value != RETURN:
                self.value(doc, loc, "scene", value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "random" and isinstance(item, dict):
                    for scene in item:
                        self.found.append(Occurrence("scene", scene, doc, loc + (key, scene), key=True))
                else:
                    self.field(doc, loc + (key,), key, item)
        else:  # a list of branches: {if: ..., to: ...}
            self.nested(doc, loc, value)

    def value(self, doc: YamlDoc, loc: tuple[Any, ...], kind: str, name: str, declaration: bool = False) -> None:
        self.found.append(Occurrence(kind, name, doc, loc, 0, len(name), declaration=declaration))

    def refs(self, doc: YamlDoc, loc: tuple[Any, ...], source: str, reader: Callable[[str], list[Ref]]) -> None:
        try:
            found = reader(source)
        except Unreadable:
            self.unread.append((doc, loc, source))
            return
        for ref in found:
            if ref.kind != "choice":
                self.found.append(Occurrence(ref.kind, ref.name, doc, loc, ref.start, ref.end, exact=ref.exact))
                continue
            scene = ref.name.partition(".")[0]
            middle = ref.start + len(scene)
            self.found.append(Occurrence("scene", scene, doc, loc, ref.start, middle, exact=ref.exact))
            self.found.append(Occurrence("choice", ref.name, doc, loc, middle + 1, ref.end, exact=ref.exact))


# -- places in the text ------------------------------------------------------------------------------------


def _place(doc: YamlDoc, loc: tuple[Any, ...]) -> tuple[int, tuple[int, int, str | None], Any]:
    """(where the key or item at `loc` starts, the span of its value, the value)."""
    value: Any = doc.data
    key_at, span = doc.root_span[0], doc.root_span
    for step in loc:
        places = doc.places[id(value)]
        if isinstance(value, dict):
            key_at, start, end, style = places[step]
            span = (start, end, style)
        else:
            span = places[step]
            key_at = span[0]
        value = value[step]
    return key_at, span, value


def _escape(text: str, at: int) -> tuple[str, int]:
    """A YAML double-quoted escape at `at` (a backslash): what it stands for, and its length."""
    letter = text[at + 1 : at + 2]
    if letter in _ESCAPES:
        digits = _ESCAPES[letter]
        return chr(int(text[at + 2 : at + 2 + digits], 16)), 2 + digits
    if letter and letter in "\r\n":  # an escaped line break: nothing
        return "", 3 if text[at + 1 : at + 3] == "\r\n" else 2
    return _SIMPLE_ESCAPES.get(letter, letter), 2


def align(text: str, span: tuple[int, int, str | None], value: str) -> tuple[list[int], set[int]]:
    """The place in `text` of each character of the scalar `value` written at `span` (-1 for white space),
    and which characters are written as escapes (placed at the escape). Between two characters that are not
    white space, a YAML scalar holds only white space (folded, indented or escaped), so the match is
    forced; ValueError if it fails."""
    start, end, style = span
    if style in ("|", ">"):
        newline = text.find("\n", start, end)
        position, stop = (newline + 1 if newline >= 0 else end), end
    elif style in ("'", '"'):
        position, stop = start + 1, end - 1
    else:
        position, stop = start, end
    places: list[int] = []
    escaped: set[int] = set()
    for char in value:
        if char.isspace():
            places.append(-1)
            continue
        while True:
            if position >= stop:
                raise ValueError("the value runs past its place")
            source = text[position]
            if style == '"' and source == "\\":
                made, length = _escape(text, position)
                if made == char:
                    escaped.add(len(places))
                    places.append(position)
                    position += length
                    break
                position += length
                if made and not made.isspace():
                    raise ValueError("an escape that does not match")
            elif style == "'" and source == "'":
                if char != "'" or text[position + 1 : position + 2] != "'":
                    raise ValueError("a quote that does not match")
                escaped.add(len(places))
                places.append(position)
                position += 2
                break
            elif source.isspace():
                position += 1
            elif source == char:
                places.append(position)
                position += 1
                break
            else:
                raise ValueError(f"{source!r} where {char!r} was expected")
    return places, escaped


def _value_edit(occurrence: Occurrence, new: str) -> tuple[int, int, str]:
    """The edit that renames a value occurrence: (start, end, replacement) in the file's text."""
    doc, start, end = occurrence.doc, occurrence.start, occurrence.end
    _key_at, span, value = _place(doc, occurrence.loc)
    try:
        places, escaped = align(doc.text, span, value)
    except ValueError:
        raise _unplaced(occurrence, _("its YAML text could not be matched character for character")) from None
    first = places[start]
    if not occurrence.exact:
        raise _unplaced(occurrence, _("it is not spelt out plainly in the expression"), first)
    if escaped.intersection(range(start, end)) or places[start:end] != list(range(first, first + end - start)):
        raise _unplaced(occurrence, _("it is written with YAML escapes"), first)
    return first, first + end - start, new


def _key_edit(occurrence: Occurrence, new: str) -> tuple[int, int, str]:
    """The edit that renames a mapping key, plain or quoted."""
    text, name = occurrence.doc.text, occurrence.loc[-1]
    key_at, _span, _value = _place(occurrence.doc, occurrence.loc)
    after = key_at + len(name)
    if text.startswith(name, key_at) and not _ID_CHAR.match(text, after):
        return key_at, after, new
    quote = text[key_at : key_at + 1]
    if quote in ("'", '"') and text.startswith(name, key_at + 1) and text[after + 1 : after + 2] == quote:
        return key_at + 1, after + 1, new
    raise _unplaced(occurrence, _("the key is not written plainly"))


def _unplaced(occurrence: Occurrence, why: str, at: int | None = None) -> RenameRefused:
    """The refusal for an occurrence that cannot be edited exactly, at `at` in the text when known."""
    doc = occurrence.doc
    name = occurrence.name.partition(".")[2] if occurrence.kind == "choice" else occurrence.name
    where = (doc.path, *doc.line_col(at)) if at is not None else doc.value_where(occurrence.loc, occurrence.start)
    message = _("cannot place '{name}' exactly here ({why}); write it plainly and try again").format(name=name, why=why)
    return RenameRefused(_("nothing was renamed"), [Diagnostic(*where, "error", message, CODE)])


# -- editing files -----------------------------------------------------------------------------------------


@dataclass
class StoryFile:
    """A file of the story as read: its bytes, its text (without a byte order mark) and its parse."""

    path: Path
    raw: bytes
    doc: YamlDoc
    bom: str


def _read_story_files(folder: Path) -> list[StoryFile]:
    """The manifest and scene files, exactly the ones the compiler reads, parsed with their places."""
    checker = Checker(COLLECT)
    listed = StoryCompiler(folder, checker)._files()
    if listed is None:
        raise RenameRefused(_("the story's files cannot be listed"), checker.errors)
    manifest, scene_files = listed
    files = []
    overlays = [overlay_path(folder, lang) for lang in languages(folder)]
    for path in (manifest, *scene_files, *overlays):
        if not _inside(folder, path):
            message = _("{file} is not a file inside the story folder").format(file=display_path(path))
            raise _refuse(folder, message, "io")
        try:
            raw = _read_no_follow(path, MAX_STORY_BYTES)
        except OSError as err:
            message = _("cannot read {file}: {reason}").format(file=display_path(path), reason=err)
            raise _refuse(folder, message, "io") from None
        text = decode_utf8(raw, display_path(path), checker)
        doc = parse_yaml_text(text, display_path(path), checker) if text is not None else None
        if doc is None:
            raise RenameRefused(_("a story file cannot be read"), checker.errors)
        files.append(StoryFile(path, raw, doc, BOM if raw.startswith(BOM.encode()) else ""))
    return files


def _read_no_follow(path: Path, limit: int) -> bytes:
    """A regular file's bytes (up to `limit` and a little more), never through a symbolic link and never
    waiting on a pipe; OSError if it cannot be read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(_("{name} is not a regular file").format(name=path.name))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _edit_file(story_file: StoryFile, occurrences: list[Occurrence], rename: Rename) -> FileChange | None:
    """Rename every occurrence in one file; the result must read back as the expected data."""
    edits = sorted(
        {(_key_edit if o.key else _value_edit)(o, rename.short) for o in occurrences}, key=lambda edit: edit[0]
    )
    if not edits:
        return None
    doc = story_file.doc
    for (_start, end, _new), (start, _end, _next) in zip(edits, edits[1:], strict=False):
        if start < end:
            where = (doc.path, *doc.line_col(start))
            diagnostic = Diagnostic(*where, "error", _("two renames overlap"), CODE)
            raise RenameRefused(_("nothing was renamed"), [diagnostic])
    after = _apply(doc.text, edits)
    _check_reads_back(story_file, after, occurrences, rename)
    return FileChange(story_file.path, doc.path, doc.text, after, len(edits), story_file.raw)


def renamed_key(key: str, rename: Rename) -> str:
    """A translation entry's key after the rename (scene.<id>.text, choice.<scene>.<id>.outcome...)."""
    parts = key.split(".")
    kind = parts[0]
    if kind in ("scene", "choice") and len(parts) >= 3 and rename.kind == "scene":
        parts[1] = rename.scene(parts[1])
    elif kind == "choice" and len(parts) >= 4 and rename.kind == "choice":
        parts[2] = rename.choice_of(parts[1], parts[2])
    elif kind in ("variable", "item") and len(parts) >= 3:
        parts[1] = rename.name(kind, parts[1])
    return ".".join(parts)


def _edit_overlay(
    story_file: StoryFile, occurrences: list[Occurrence], rename: Rename, before: Story, after: Story
) -> FileChange | None:
    """Rename in a translation: its keys, the names inside its texts, and the hash of each entry that was
    done and whose source text changed only by the rename (so that it stays done)."""
    doc = story_file.doc
    entries = doc.data.get("entries") if isinstance(doc.data, dict) else None
    if not isinstance(entries, dict):
        return None
    old_sources = {unit.key: unit.source for unit in units(before)}
    new_sources = {unit.key: unit.source for unit in units(after)}
    edits = {(_value_edit(o, rename.short)) for o in occurrences}
    keys: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for key, entry in entries.items():
        new_key = renamed_key(str(key), rename)
        if new_key != key:
            keys[key] = new_key
            edits.add(_whole_key_edit(doc, key, new_key))
        old_hash = entry.get("hash") if isinstance(entry, dict) else None
        source, changed = old_sources.get(key), new_sources.get(new_key)
        if isinstance(old_hash, str) and source is not None and changed is not None and source != changed:
            if old_hash == text_hash(source):
                hashes[key] = text_hash(changed)
                edits.add(
                    _value_edit(
                        Occurrence("hash", old_hash, doc, ("entries", key, "hash"), 0, len(old_hash)), hashes[key]
                    )
                )
    if not edits:
        return None
    ordered = sorted(edits, key=lambda edit: edit[0])
    text = _apply(doc.text, ordered)
    values: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    for occurrence in occurrences:
        values.setdefault(occurrence.loc, []).append((occurrence.start, occurrence.end))
    expected = _expected(doc.data, (), values, {}, rename.short)
    expected["entries"] = {
        keys.get(k, k): ({**v, "hash": hashes[k]} if k in hashes else v) for k, v in expected["entries"].items()
    }
    reread = parse_yaml_text(text, doc.path, Checker(COLLECT))
    if reread is None or reread.data != expected:
        problem = Diagnostic(*doc.where(), "error", _("the edited file reads differently"), CODE)
        raise RenameRefused(_("nothing was renamed: the edits did not give the expected file"), [problem])
    return FileChange(story_file.path, doc.path, doc.text, text, len(ordered), story_file.raw)


def _whole_key_edit(doc: YamlDoc, key: str, new: str) -> tuple[int, int, str]:
    """The edit that replaces a whole mapping key of `entries` (plain or quoted) with `new`."""
    key_at, _span, _value = _place(doc, ("entries", key))
    text = doc.text
    if text.startswith(key, key_at):
        return key_at, key_at + len(key), new
    if text[key_at : key_at + 1] in ("'", '"') and text.startswith(key, key_at + 1):
        return key_at + 1, key_at + 1 + len(key), new
    where = (doc.path, *doc.line_col(key_at))
    raise RenameRefused(
        _("nothing was renamed"), [Diagnostic(*where, "error", _("the key is not written plainly"), CODE)]
    )


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, new in edits:
        parts += [text[position:start], new]
        position = end
    return "".join(parts) + text[position:]


def _check_reads_back(story_file: StoryFile, after: str, occurrences: list[Occurrence], rename: Rename) -> None:
    """The edited text parses to the old data with exactly the intended names changed."""
    doc = story_file.doc
    values: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    keys: dict[tuple[Any, ...], set[str]] = {}
    for occurrence in occurrences:
        if occurrence.key:
            keys.setdefault(occurrence.loc[:-1], set()).add(occurrence.loc[-1])
        else:
            values.setdefault(occurrence.loc, []).append((occurrence.start, occurrence.end))
    checker = Checker(COLLECT)
    reread = parse_yaml_text(after, doc.path, checker)
    if reread is None or reread.data != _expected(doc.data, (), values, keys, rename.short):
        problems = checker.errors or [Diagnostic(*doc.where(), "error", _("the edited file reads differently"), CODE)]
        raise RenameRefused(_("nothing was renamed: the edits did not give the expected file"), problems)


def _expected(
    value: Any,
    loc: tuple[Any, ...],
    values: dict[tuple[Any, ...], list[tuple[int, int]]],
    keys: dict[tuple[Any, ...], set[str]],
    new: str,
) -> Any:
    """The data as it should read after the rename."""
    if isinstance(value, dict):
        renamed = keys.get(loc, set())
        return {(new if k in renamed else k): _expected(v, loc + (k,), values, keys, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_expected(v, loc + (i,), values, keys, new) for i, v in enumerate(value)]
    if isinstance(value, str) and loc in values:
        spans = sorted(set(values[loc]))
        return _apply(value, [(start, end, new) for start, end in spans])
    return value


# -- the story before and after ----------------------------------------------------------------------------


def _refuse(folder: Path, message: str, code: str, where: tuple[str, int, int] | None = None) -> RenameRefused:
    place = where or (display_path(folder), 1, 1)
    return RenameRefused(_("nothing was renamed"), [Diagnostic(*place, "error", message, code)])


def _declared(scanner: Scanner, kind: str, name: str) -> tuple[str, int, int] | None:
    """Where the story declares the scene, choice, variable or item."""
    for occurrence in scanner.found:
        if occurrence.declaration and occurrence.kind == kind and occurrence.name == name:
            return occurrence.doc.where(occurrence.loc)
    return None


def _check_names(folder: Path, story: Story, scanner: Scanner, kind: str, old: str, new: str) -> Rename:
    """The rename, once OLD exists and NEW is a free, valid id of that kind (RenameRefused if not)."""
    tables = {"scene": story.scenes, "choice": story.choice_index, "variable": story.variables, "item": story.items}
    table = tables[kind]
    if old not in table:
        code = "unknown-name" if kind == "variable" else f"unknown-{kind}"
        message = _(NO_SUCH[kind]).format(name=old)
        if kind == "choice" and "." not in old:
            message = _("{problem} (a choice is named 'scene.choice')").format(problem=message)
        raise _refuse(folder, message + did_you_mean(old, table), code)
    short = new
    if kind == "choice":
        scene = old.partition(".")[0]
        if "." in new:
            given_scene, _dot, short = new.partition(".")
            if given_scene != scene:
                message = _("a choice stays in its scene: give NEW as an id, or as '{scene}.<id>'").format(scene=scene)
                raise _refuse(folder, message, "bad-id")
        new = f"{scene}.{short}"
        if old in scanner.implicit_fallbacks:
            doc, loc = scanner.implicit_fallbacks[old]
            message = _("the fallback of scene '{scene}' has no id of its own; add 'id: fallback' to it first").format(
                scene=scene
            )
            raise _refuse(folder, message, "bad-id", doc.where(loc))
    if new == old:
        raise _refuse(folder, _(ALREADY_CALLED[kind]).format(name=short), "duplicate-id")
    if not ID_RE.match(short) or len(short) > MAX_ID:
        message = _(
            "'{id}' is not a valid id: use lower case letters, digits and _, starting with a letter, "
            "at most {most} characters"
        ).format(id=short, most=MAX_ID)
        raise _refuse(folder, message, "bad-id")
    if kind == "variable" and new in RESERVED:
        raise _refuse(folder, _("'{name}' is a built-in name; a variable cannot take it").format(name=new), "bad-id")
    if kind == "scene" and new == RETURN:
        message = _("'{name}' cannot name a scene: 'goto: {name}' returns from a subscene").format(name=RETURN)
        raise _refuse(folder, message, "bad-id")
    if new in table:
        fallback = scanner.implicit_fallbacks.get(new)
        where = _declared(scanner, kind, new) or (fallback[0].where(fallback[1]) if fallback else None)
        raise _refuse(folder, _(ALREADY_HAS[kind]).format(name=short), "duplicate-id", where)
    return Rename(kind, old, new)


def _matching(scanner: Scanner, rename: Rename) -> list[Occurrence]:
    """The occurrences to rename; RenameRefused if one of them is in an expression this tool cannot read."""
    short_old = rename.old.partition(".")[2] if rename.kind == "choice" else rename.old
    pattern = re.compile(rf"(?<![a-z0-9_]){re.escape(short_old)}(?![a-z0-9_])")
    for doc, loc, source in scanner.unread:
        if pattern.search(source):
            message = _("cannot read this to rename '{name}' in it").format(name=short_old)
            where = doc.value_where(loc)
            raise RenameRefused(_("nothing was renamed"), [Diagnostic(*where, "error", message, CODE)])
    return [o for o in scanner.found if o.kind == rename.kind and o.name == rename.old]


def _check_copy(
    folder: Path, files: list[StoryFile], changes: dict[Path, FileChange]
) -> tuple[Story, list[Diagnostic]]:
    """Validate the renamed story in a temporary copy of its files: the Story, or RenameRefused."""
    try:
        with tempfile.TemporaryDirectory(prefix="escape-rename-") as tmp:
            copy = Path(tmp) / "story"
            for story_file in files:
                target = copy / story_file.path.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                change = changes.get(story_file.path)
                target.write_bytes((story_file.bom + change.after).encode() if change else story_file.raw)
            story, diagnostics = check_story(copy)
            prefix = display_path(copy)
    except OSError as err:
        message = _("nothing was renamed: cannot check a copy of the renamed story: {reason}").format(reason=err)
        raise RenameRefused(message) from err
    here = display_path(folder)
    diagnostics = [
        Diagnostic(d.path.replace(prefix, here, 1), d.line, d.col, d.severity, d.message, d.code) for d in diagnostics
    ]
    if story is None:
        raise RenameRefused(_("nothing was renamed: the renamed story would not validate"), diagnostics)
    return story, diagnostics


def plan_rename(folder: str | Path, kind: str, old: str, new: str) -> RenamePlan:
    """Everything renaming `old` to `new` changes in the story at `folder` and its walkthroughs, checked
    and not yet written. RenameRefused (with located problems) when it cannot be done safely."""
    folder = Path(folder)
    if kind not in KINDS:
        message = _("'{kind}' is not something that can be renamed ({kinds})").format(kind=kind, kinds=", ".join(KINDS))
        raise _refuse(folder, message, CODE)
    if folder.is_symlink():
        raise _refuse(folder, _("the story folder is a symbolic link; symbolic links are not followed"), "io")
    story, diagnostics = check_story(folder)
    errors = [d for d in diagnostics if d.is_error]
    if story is None or errors:
        message = _("the story has errors; fix them first (escape validate {folder})").format(
            folder=display_path(folder)
        )
        raise RenameRefused(message, errors)
    files = _read_story_files(folder)
    overlays = [f for f in files if f.path.parent == folder / TRANSLATIONS]
    files = [f for f in files if f not in overlays]
    scanner = Scanner()
    scanner.manifest(files[0].doc)
    for story_file in files[1:]:
        scanner.scene_file(story_file.doc)
    for story_file in overlays:
        scanner.overlay(story_file.doc)
    rename = _check_names(folder, story, scanner, kind, old, new)
    occurrences = _matching(scanner, rename)
    changes = {}
    for story_file in files:
        change = _edit_file(story_file, [o for o in occurrences if o.doc is story_file.doc], rename)
        if change is not None:
            changes[story_file.path] = change
    if overlays:  # the translations follow: their keys, the names in their texts, the hashes of done entries
        renamed, _after = _check_copy(folder, files, changes)
        for story_file in overlays:
            change = _edit_overlay(
                story_file, [o for o in occurrences if o.doc is story_file.doc], rename, story, renamed
            )
            if change is not None:
                changes[story_file.path] = change
        files += overlays
    renamed, after = _check_copy(folder, files, changes)
    if Counter((d.severity, d.code) for d in after) != Counter((d.severity, d.code) for d in diagnostics):
        raise RenameRefused(_("nothing was renamed: the renamed story's warnings would differ"), after)
    walkthroughs, notes = _plan_walkthroughs(folder, story, renamed, rename)
    return RenamePlan(kind, rename.old, rename.new, folder, tuple(changes.values()), tuple(walkthroughs), tuple(notes))


# -- walkthroughs --------------------------------------------------------------------------------------------


def json_strings(text: str) -> Iterator[tuple[tuple[Any, ...], int, int, bool]]:
    """Every string of a JSON text (already known to be valid): its path, start, end, and whether it is a key."""
    path: list[Any] = []
    kinds: list[str] = []
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in "{[":
            kinds.append(first)
            path.append(0 if first == "[" else None)
            expect_key = first == "{"
        elif first in "}]":
            kinds.pop()
            path.pop()
        elif first == ",":
            if kinds[-1] == "[":
                path[-1] += 1
            else:
                expect_key = True
        elif first == '"':
            is_key = expect_key and bool(kinds) and kinds[-1] == "{"
            if is_key:
                path[-1] = json.loads(token)
                expect_key = False
            yield tuple(path), match.start(), match.end(), is_key


@dataclass(frozen=True, slots=True)
class SaveRename:
    """How a rename changes the strings of a save (format 1 or 2), and its story hash."""

    rename: Rename
    old_hash: str
    new_hash: str

    def string(self, data: Any, path: tuple[Any, ...], value: str, is_key: bool) -> str:
        """The string at `path` after the rename (the same string where nothing changes)."""
        rename = self.rename
        where = (path[1], is_key) if len(path) == 3 and path[0] == "state" else None
        if path == ("story_hash",) and not is_key:
            return self.new_hash if value == self.old_hash else value
        if path == ("state", "scene") and not is_key:
            return rename.scene(value)
        if where == ("log", False):
            return rename.key(value)
        if where == ("items", False):
            return rename.name("item", value)
        if where == ("variables", True):
            return rename.name("variable", value)
        if where == ("visits", True):  # format 1 kept visit and choice counts
            return rename.scene(value)
        if where == ("chosen", True):
            return rename.key(value)
        if len(path) == 3 and path[0] == "log" and path[2] in (0, 1) and not is_key:  # format 1: [scene, choice]
            pair = data["log"][path[1]]
            if path[2] == 0:
                return rename.scene(value)
            return rename.choice_of(pair[0], value) if isinstance(pair[0], str) else value
        return value

    def expected(self, data: Any, value: Any, path: tuple[Any, ...] = ()) -> Any:
        """The whole save as it should read after the rename."""
        if isinstance(value, dict):
            return {
                self.string(data, path + (k,), k, True): self.expected(data, v, path + (k,)) for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.expected(data, v, path + (i,)) for i, v in enumerate(value)]
        return self.string(data, path, value, False) if isinstance(value, str) else value


def _replays(story: Story, data: dict[str, Any], display: str) -> str | None:
    """None if the save replays to where it ended, as `escape replay --check` has it; else why not."""
    seed, log = saved_steps(data, display)
    game, divergence = replay(story, seed, log)
    if divergence is not None:
        return _("fails at {divergence}").format(divergence=divergence)
    if (game.run.scene, game.run.ending) != (data["state"].get("scene"), data["state"].get("ending")):
        return _("every step replays, but the run now ends elsewhere")
    return None


def _restores(story: Story, data: dict[str, Any]) -> bool:
    """Whether the save's run state fits the story as it is (a save with the story's hash is restored so)."""
    if data["story_hash"] != story.content_hash:
        return False
    try:
        state_from_data(data["state"], story)
    except EngineError:
        return False
    return True


def _plan_walkthrough(path: Path, old: Story, new: Story, rules: SaveRename) -> tuple[FileChange | None, str | None]:
    """The renamed walkthrough (None if nothing in it changes), and why it did not replay before, if it did not.
    SaveError if it cannot be read; RenameRefused if the renamed save would not replay as the old one did."""
    display = display_path(path)
    if path.is_symlink():
        raise SaveError(f"{display}: " + _("a symbolic link, not a save file"))
    try:
        raw = _read_no_follow(path, MAX_SAVE_BYTES)
    except OSError as err:
        raise SaveError(f"{display}: " + _("cannot read: {reason}").format(reason=err.strerror or err)) from None
    data = parse_save(raw, display)
    if data["story"] != old.id:
        message = _("a save of '{other}', not of '{story}'").format(other=data["story"], story=old.id)
        raise SaveError(f"{display}: {message}")
    failing, restored = _replays(old, data, display), _restores(old, data)
    text = raw.decode("utf-8")
    original = json.loads(text)
    edits, references = [], 0
    for where, start, end, is_key in json_strings(text):
        value = json.loads(text[start:end])
        renamed = rules.string(original, where, value, is_key)
        if renamed != value:
            edits.append((start, end, json.dumps(renamed, ensure_ascii=False)))
            references += where != ("story_hash",)
    if not edits:
        return None, failing
    after = _apply(text, edits)
    try:
        exact = json.loads(after) == rules.expected(original, original)
    except RecursionError:
        exact = False
    if not exact:
        raise SaveError(f"{display}: " + _("its JSON could not be rewritten exactly"))
    renamed_data = parse_save(after.encode("utf-8"), display)
    if (failing is None and _replays(new, renamed_data, display) is not None) or (
        restored and not _restores(new, renamed_data)
    ):
        message = _("the renamed walkthrough would not replay as before")
        raise RenameRefused(_("nothing was renamed"), [Diagnostic(display, 1, 1, "error", message, CODE)])
    return FileChange(path, display, text, after, references, raw), failing


def _plan_walkthroughs(
    folder: Path, old: Story, new: Story, rename: Rename
) -> tuple[list[FileChange], list[Diagnostic]]:
    """The story's walkthroughs renamed; the ones left alone (unreadable, foreign, links) as notes."""
    changes: list[FileChange] = []
    notes: list[Diagnostic] = []
    walkthroughs = folder / "walkthroughs"
    if walkthroughs.is_symlink():
        note = _("a symbolic link; walkthroughs there are left as they are")
        return changes, [Diagnostic(display_path(walkthroughs), 1, 1, "warning", note, CODE)]
    if not walkthroughs.is_dir():
        return changes, notes
    rules = SaveRename(rename, old.content_hash, new.content_hash)
    for path in sorted(walkthroughs.glob("*.json")):
        if path.name.startswith("."):
            continue
        display = display_path(path)
        try:
            change, failing = _plan_walkthrough(path, old, new, rules)
        except (SaveError, EngineError) as err:
            reason = str(err).removeprefix(f"{display}: ")
            message = _("left as it is: {reason}").format(reason=reason)
            notes.append(Diagnostic(display, 1, 1, "warning", message, CODE))
            continue
        if failing is not None:
            message = _("did not replay before the rename either ({reason})").format(reason=failing)
            notes.append(Diagnostic(display, 1, 1, "warning", message, CODE))
        if change is not None:
            changes.append(change)
    return changes, notes


# -- writing -------------------------------------------------------------------------------------------------


def _inside(folder: Path, path: Path) -> bool:
    """`path` is a regular file inside `folder`, reached without symbolic links."""
    try:
        relative = path.relative_to(folder)
    except ValueError:
        return False
    steps = [folder.joinpath(*relative.parts[: i + 1]) for i in range(len(relative.parts))]
    return not any(step.is_symlink() for step in steps) and path.is_file()


def apply_rename(plan: RenamePlan) -> None:
    """Write the plan: every file is first written beside itself and flushed, then each is renamed over the
    old one. A file changed since it was planned, or outside the story folder, stops it before any write."""
    changes = (*plan.files, *plan.walkthroughs)
    for change in changes:
        if not _inside(plan.folder, change.path):
            raise RenameRefused(
                _("{file} is not a file inside the story folder; nothing was written").format(file=change.display)
            )
        try:
            current = _read_no_follow(change.path, len(change.original) + 1)
        except OSError:
            current = b""
        if current != change.original:
            raise RenameRefused(
                _("{file} changed after the rename was planned; nothing was written").format(file=change.display)
            )
    written: list[tuple[Path, Path]] = []
    for change in changes:
        bom = BOM if change.original.startswith(BOM.encode()) else ""
        try:
            written.append((_write_beside(change.path, (bom + change.after).encode()), change.path))
        except OSError as err:
            for tmp, _path in written:
                tmp.unlink(missing_ok=True)
            message = _("cannot write beside {file}: {reason}; nothing was written").format(
                file=change.display, reason=err.strerror or err
            )
            raise RenameRefused(message) from err
    _replace_all(written)


def _replace_all(written: list[tuple[Path, Path]]) -> None:
    """Rename each written file over its original, then flush the folders."""
    for number, (tmp, path) in enumerate(written):
        try:
            os.replace(tmp, path)
        except OSError as err:
            for left, _path in written[number:]:
                left.unlink(missing_ok=True)
            done = ", ".join(str(p) for _tmp, p in written[:number]) or _("none")
            message = _("cannot replace {path}: {reason}; files already renamed: {done}").format(
                path=path, reason=err.strerror or err, done=done
            )
            raise RenameRefused(message) from err
    for folder in {path.parent for _tmp, path in written}:
        _sync_folder(folder)


def _write_beside(path: Path, data: bytes) -> Path:
    """A new hidden file beside `path` with `data` and `path`'s permissions, flushed to disk."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        if hasattr(os, "fchmod"):  # POSIX: keep the file's permissions
            os.fchmod(fd, stat.S_IMODE(os.lstat(path).st_mode))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

"""The shape of story files, declared once: it checks plain data and exports a JSON Schema.

Each shape checks a value at a path (`loc`) and reports `schema` (or `bad-id`) diagnostics with the
place of the offending key or value; it never raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from game.compiler.checker import did_you_mean
from game.i18n import N_, _, ngettext, pgettext

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
ID_RE = re.compile(ID_PATTERN)
MAX_ID = 64

# A message, or how to make it: a "did you mean" is worked out only for a problem that is listed.
Message = str | Callable[[], str]
Report = Callable[[tuple[Any, ...], Message, str], None]  # (loc, message, code)


def message_text(message: Message) -> str:
    return message if isinstance(message, str) else message()


def _short(value: Any) -> str:
    """A value as a message quotes it: at most 80 characters of it."""
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "..."


def describe(value: Any) -> str:
    """How a value's type reads in a message (in the current language: only called to make a message)."""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return pgettext("type", "true/false")
    if isinstance(value, int):
        return _("a number")
    if isinstance(value, float):
        return _("a decimal number")
    if isinstance(value, str):
        return pgettext("type", "text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def noun(word: str) -> str:
    """A kind of entry of the story files as a message names it (`choice`, `variable`...), in the current
    language; the shapes keep the English word."""
    nouns = {
        "item": pgettext("story file", "item"),
        "entry": pgettext("story file", "entry"),
        "effect": pgettext("story file", "effect"),
        "weight": pgettext("story file", "weight"),
        "branch": pgettext("story file", "branch"),
        "choice": pgettext("story file", "choice"),
        "scene": pgettext("story file", "scene"),
        "ending": pgettext("story file", "ending"),
        "variable": pgettext("story file", "variable"),
    }
    return nouns.get(word, word)


class Label:
    """How a message names the value being checked (`'value' of variable 'big'`), put into words only when
    a message is made: checking a story names every field it has, and few of them are ever in a message.
    `pattern` is a message with {key} and {label} (the parent's name), or "" for the key alone."""

    __slots__ = ("pattern", "key", "parent")

    def __init__(self, pattern: str, key: Any, parent: Label | str = "") -> None:
        self.pattern, self.key, self.parent = pattern, key, parent

    @property
    def quoted(self) -> bool:
        """Whether it names the value by a key in quotes (its fields are then named after it)."""
        return self.pattern is not _KIND_NAME

    def __str__(self) -> str:
        if not self.pattern:
            return f"'{self.key}'"
        return _(self.pattern).format(key=self.key, label=label_text(self.parent))


_FIELD_OF = N_("'{key}' of {label}")  # 'value' of variable 'big'
_KIND_KEY = N_("{label} '{key}'")  # variable 'big'
_KIND_NAME = N_("{label} name")  # variable name


def label_text(label: Label | str) -> str:
    """A label as a message shows it: a `Label`, or a message marked with N_ (the story manifest) or a
    kind of entry (choice)."""
    if isinstance(label, Label):
        return str(label)
    return noun(label) if label in _NOUNS else _(label)


_NOUNS = frozenset({"item", "entry", "effect", "weight", "branch", "choice", "scene", "ending", "variable"})


def _quoted(label: Label | str) -> bool:
    return label.quoted if isinstance(label, Label) else "'" in label


def _either(options: list[str]) -> str:
    """'a', 'b' or 'c', with the current language's "or"."""
    if len(options) < 2:
        return "".join(options)
    return _("{first} or {last}").format(first=", ".join(options[:-1]), last=options[-1])


class Shape:
    expected = N_("a value")

    def check(self, value: Any, loc: tuple[Any, ...], report: Report, label: Any) -> bool:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def expected_text(self) -> str:
        """What a value should be, in the current language (`expected` is the English message)."""
        return _(self.expected)

    def _wrong(self, value: Any, loc: tuple[Any, ...], report: Report, label: Any) -> bool:
        message = _("{label} must be {expected}, not {found}{hint}").format(
            label=label_text(label), expected=self.expected_text(), found=describe(value), hint=self.hint(value)
        )
        report(loc, message, "schema")
        return False

    def hint(self, value: Any) -> str:
        """How to write a wrong value the right way, when there is a usual mistake behind it."""
        return ""


@dataclass
class Text(Shape):
    nonempty: bool = True
    expected: str = "text"

    def expected_text(self) -> str:
        return pgettext("type", "text")

    def check(self, value, loc, report, label):
        if isinstance(value, bool):
            message = _(
                "{label} must be text, not true/false (YAML reads yes, no, on, off, true and false "
                "as true/false: put the text in quotes)"
            )
            report(loc, message.format(label=label_text(label)), "schema")
            return False
        if not isinstance(value, str):
            return self._wrong(value, loc, report, label)
        if self.nonempty and not value.strip():
            report(loc, _("{label} must not be empty").format(label=label_text(label)), "schema")
            return False
        return True

    def json_schema(self):
        return {"type": "string", **({"minLength": 1} if self.nonempty else {})}


@dataclass
class Ident(Shape):
    expected: str = N_("an id (lower case letters, digits and _)")

    def check(self, value, loc, report, label):
        if not isinstance(value, str):
            return self._wrong(value, loc, report, label)
        if not ID_RE.match(value) or len(value) > MAX_ID:
            message = _(
                "{label} '{value}' is not a valid id: use lower case letters, digits and _, "
                "starting with a letter, at most {limit} characters"
            )
            report(loc, message.format(label=label_text(label), value=value[:80], limit=MAX_ID), "bad-id")
            return False
        return True

    def json_schema(self):
        return {"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID}


@dataclass
class Language(Shape):
    expected: str = N_("a language code such as en or it")

    def check(self, value, loc, report, label):
        if not isinstance(value, str):
            return self._wrong(value, loc, report, label)
        if not LANGUAGE_RE.fullmatch(value):
            message = _(
                "{label} '{value}' is not a language code: write two or three lower case letters "
                "(en, it, fr), optionally with a region (pt_BR)"
            )
            report(loc, message.format(label=label_text(label), value=value[:20]), "schema")
            return False
        return True

    def json_schema(self):
        return {"type": "string", "pattern": "^" + LANGUAGE_RE.pattern + "$"}


LANGUAGE_RE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
LIMIT = 1_000_000_000  # the same bound as game.expr.INT_LIMIT
MAX_TEXT = 10_000  # the same bound as game.expr.MAX_TEXT_VALUE


@dataclass
class Whole(Shape):
    minimum: int | None = -LIMIT
    maximum: int = LIMIT
    expected: str = N_("a whole number")

    def check(self, value, loc, report, label):
        if isinstance(value, bool) or not isinstance(value, int):
            return self._wrong(value, loc, report, label)
        if self.minimum is not None and value < self.minimum:
            message = _("{label} must be {limit:,} or more, not {value}")
            report(
                loc, message.format(label=label_text(label), limit=self.minimum, value=_short_number(value)), "schema"
            )
            return False
        if value > self.maximum:
            message = _("{label} must be {limit:,} or less, not {value}")
            report(
                loc, message.format(label=label_text(label), limit=self.maximum, value=_short_number(value)), "schema"
            )
            return False
        return True

    def json_schema(self):
        return {
            "type": "integer",
            "maximum": self.maximum,
            **({"minimum": self.minimum} if self.minimum is not None else {}),
        }


def _short_number(value: int) -> str:
    digits = len(str(abs(value))) if abs(value) < 10**4000 else 4000
    return f"{value:,}" if digits <= 15 else _("a number of {digits:,}+ digits").format(digits=digits)


@dataclass
class Flag(Shape):
    expected: str = N_("true or false")

    def check(self, value, loc, report, label):
        return isinstance(value, bool) or self._wrong(value, loc, report, label)

    def hint(self, value):
        quoted = isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "on", "off")
        return _("; write true or false without quotes") if quoted else ""

    def json_schema(self):
        return {"type": "boolean"}


@dataclass
class OneOfValues(Shape):
    values: tuple[Any, ...] = ()

    def check(self, value, loc, report, label):
        if value in self.values and type(value) in {type(v) for v in self.values}:
            return True
        options = ", ".join(str(v) for v in self.values)

        def message() -> str:
            hint = did_you_mean(value, [str(v) for v in self.values]) if isinstance(value, str) else ""
            return _("{label} must be one of {options}, not '{value}'{suggestion}").format(
                label=label_text(label), options=options, value=_short(value), suggestion=hint
            )

        report(loc, message, "schema")
        return False

    def json_schema(self):
        return {"enum": list(self.values)}


@dataclass
class StartValue(Shape):
    expected: str = N_("a whole number, true/false or text")

    def check(self, value, loc, report, label):
        if isinstance(value, bool):
            return True
        if isinstance(value, int):
            return Whole().check(value, loc, report, label)
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                message = _("{label} is longer than {limit:,} characters")
                report(loc, message.format(label=label_text(label), limit=MAX_TEXT), "schema")
                return False
            return True
        return self._wrong(value, loc, report, label)

    def json_schema(self):
        return {"type": ["integer", "boolean", "string"]}


@dataclass
class ListOf(Shape):
    item: Shape = field(default_factory=Text)
    item_label: str = "item"
    min_items: int = 0

    @property
    def expected(self) -> str:  # type: ignore[override]
        return N_("a list")

    def hint(self, value):
        return _("; start each {item} with '- '").format(item=noun(self.item_label)) if isinstance(value, dict) else ""

    def check(self, value, loc, report, label):
        if not isinstance(value, list):
            return self._wrong(value, loc, report, label)
        if len(value) < self.min_items:
            report(loc, _at_least(label, self.min_items, self.item_label), "schema")
            return False
        results = [self.item.check(v, loc + (i,), report, self.item_label) for i, v in enumerate(value)]
        return all(results)

    def json_schema(self):
        return {
            "type": "array",
            "items": self.item.json_schema(),
            **({"minItems": self.min_items} if self.min_items else {}),
        }


@dataclass
class MapOf(Shape):
    value: Shape = field(default_factory=Text)
    value_label: str = "entry"
    min_items: int = 0
    expected: str = N_("a mapping")

    def hint(self, value):
        if not isinstance(value, list):
            return ""
        return _("; write one '{example}: ...' per line, without '- '").format(example=f"{self.value_label}_id")

    def check(self, value, loc, report, label):
        if not isinstance(value, dict):
            return self._wrong(value, loc, report, label)
        if len(value) < self.min_items:
            report(loc, _at_least(label, self.min_items, self.value_label), "schema")
            return False
        ok = True
        for key, item in value.items():
            ok &= Ident().check(key, loc + (key,), report, Label(_KIND_NAME, key, self.value_label))
            ok &= self.value.check(item, loc + (key,), report, Label(_KIND_KEY, key, self.value_label))
        return ok

    def json_schema(self):
        return {
            "type": "object",
            "propertyNames": Ident().json_schema(),
            "additionalProperties": self.value.json_schema(),
            **({"minProperties": self.min_items} if self.min_items else {}),
        }


def _at_least(label: Any, count: int, kind: str) -> str:
    """`label needs at least 1 scene`."""
    message = ngettext("{label} needs at least {count} {kind}", "{label} needs at least {count} {kind}", count)
    return message.format(label=label_text(label), count=count, kind=noun(kind))


@dataclass
class Record(Shape):
    name: str = "record"
    fields: dict[str, tuple[Shape, bool]] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)
    a_name: str = ""  # the name with its article, as messages say it: N_("a scene")

    def __post_init__(self) -> None:
        self.a_name = self.a_name or f"a {self.name}"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a mapping ({self.a_name})"

    def expected_text(self) -> str:
        return _("a mapping ({record})").format(record=_(self.a_name))

    def check(self, value, loc, report, label):
        if not isinstance(value, dict):
            return self._wrong(value, loc, report, label)
        ok = True
        for key in value:
            if key not in self.fields:
                report(loc + (key,), self._unknown(key), "schema")
                ok = False
        quoted = _quoted(label)
        for key, (shape, required) in self.fields.items():
            if key in value:
                named = Label(_FIELD_OF, key, label) if quoted else Label("", key)  # 'value' of variable 'big'
                ok &= shape.check(value[key], loc + (key,), report, named)
            elif required:
                report(loc, self._missing(key), "schema")
                ok = False
        return ok

    def _missing(self, key: str) -> Callable[[], str]:
        return lambda: _("{record} needs the field '{key}'").format(record=_(self.a_name), key=key)

    def _unknown(self, key: Any) -> Callable[[], str]:
        return lambda: _("unknown field '{key}' in {record}{suggestion}").format(
            key=_short(key), record=_(self.a_name), suggestion=did_you_mean(str(key), self.fields)
        )

    def json_schema(self):
        props = {}
        for key, (shape, _required) in self.fields.items():
            props[key] = shape.json_schema()
            if key in self.docs:
                props[key]["description"] = self.docs[key]
        required = [k for k, (_, req) in self.fields.items() if req]
        return {
            "type": "object",
            "properties": props,
            "additionalProperties": False,
            **({"required": required} if required else {}),
        }


@dataclass
class ByType(Shape):
    """A value whose shape depends on its YAML type (text, mapping or list)."""

    options: dict[type, Shape] = field(default_factory=dict)
    expected: str = N_("a value")

    def check(self, value, loc, report, label):
        for kind, shape in self.options.items():
            if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
                return shape.check(value, loc, report, label)
        return self._wrong(value, loc, report, label)

    def json_schema(self):
        return {"anyOf": [shape.json_schema() for shape in self.options.values()]}


@dataclass
class Keyed(Shape):
    """A mapping whose shape is told by which of some keys it has (`{random: ...}` or `{call: ...}`)."""

    options: dict[str, Shape] = field(default_factory=dict)
    expected: str = N_("a mapping")

    def check(self, value, loc, report, label):
        if not isinstance(value, dict):
            return self._wrong(value, loc, report, label)
        for key, shape in self.options.items():
            if key in value:
                return shape.check(value, loc, report, label)
        keys = _either([f"'{key}'" for key in self.options])
        report(loc, _("{label} must be a mapping with {keys}").format(label=label_text(label), keys=keys), "schema")
        return False

    def json_schema(self):
        return {"anyOf": [shape.json_schema() for shape in self.options.values()]}


@dataclass
class Named(Shape):
    """A shape declared once under a name, which may contain itself (effects inside conditional effects);
    the JSON Schema refers to it by `$ref`."""

    name: str = ""
    shape: Shape | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.shape.expected if self.shape else N_("a value")

    def expected_text(self) -> str:
        return self.shape.expected_text() if self.shape else _(self.expected)

    def check(self, value, loc, report, label):
        assert self.shape is not None  # set once the module has declared it
        return self.shape.check(value, loc, report, label)

    def json_schema(self):
        return {"$ref": f"#/$defs/{self.name}"}


def _choice_record(name: str, a_name: str, id_required: bool, text_required: bool) -> Record:
    return Record(
        name,
        {
            "id": (Ident(), id_required),
            "text": (Text(), text_required),
            "goto": (GOTO, False),
            "stay": (Flag(), False),
            "if": (CONDITION, False),
            "disabled_text": (Text(), False),
            "once": (Flag(), False),
            "effects": (EFFECTS, False),
            "outcome": (Text(), False),
        },
        {
            "id": "unique within the scene; saves and walkthroughs refer to the choice by it",
            "text": "what the player reads",
            "goto": "a scene id, return, {call: scene}, {random: {scene: weight}}, or a list of {if, to} branches",
            "stay": "true: the player stays in the scene (no goto): the outcome shows, then the scene's choices",
            "if": "a condition; the choice is offered only while it holds",
            "disabled_text": "with `if`: show the choice dimmed with this reason while the condition fails",
            "once": "true: never offered again once taken",
            "effects": "statements applied when the choice is taken",
            "outcome": "prose shown as the result of the choice",
        },
        a_name,
    )


CONDITION = ByType({str: Text(), bool: Flag(), int: Whole()}, expected=N_("a condition (an expression)"))
EFFECTS = Named("effects")
CONDITIONAL_EFFECT = Record(
    "conditional effect",
    {"if": (CONDITION, True), "then": (EFFECTS, True), "else": (EFFECTS, False)},
    {
        "if": "a condition, checked when the effects run",
        "then": "effects applied when the condition holds",
        "else": "effects applied when it does not",
    },
    N_("a conditional effect"),
)
EFFECT = ByType({str: Text(), dict: CONDITIONAL_EFFECT}, expected=N_("an effect or {if, then, else}"))
EFFECTS.shape = ByType(
    {str: Text(), dict: CONDITIONAL_EFFECT, list: ListOf(EFFECT, "effect")},
    expected=N_("an effect or a list of effects"),
)
RANDOM = Record(
    "random target",
    {"random": (MapOf(Whole(minimum=1, maximum=1_000_000), "weight", min_items=1), True)},
    a_name=N_("a random target"),
)
CALL = Record(
    "call",
    {"call": (Ident(), True)},
    {"call": "a scene to visit; its `goto: return` comes back here"},
    N_("a call"),
)
TARGET = ByType({str: Ident(), dict: RANDOM}, expected=N_("a scene id or {random: {scene: weight}}"))
BRANCH = Record("goto branch", {"if": (CONDITION, False), "to": (TARGET, True)}, a_name=N_("a goto branch"))
GOTO = ByType(
    {str: Ident(), dict: Keyed({"random": RANDOM, "call": CALL}), list: ListOf(BRANCH, "branch", min_items=1)},
    expected=N_("a scene id, return, {call: scene}, {random: {scene: weight}} or a list of branches"),
)
CHOICE = _choice_record("choice", N_("a choice"), True, True)
FALLBACK = _choice_record("fallback", N_("a fallback"), False, False)

SCENE = Record(
    "scene",
    {
        "id": (Ident(), True),
        "title": (Text(), True),
        "text": (Text(), True),
        "revisit_text": (Text(), False),
        "chapter": (Text(), False),
        "on_enter": (EFFECTS, False),
        "choices": (ListOf(CHOICE, "choice"), False),
        "fallback": (FALLBACK, False),
        "ending": (Ident(), False),
    },
    {
        "id": "unique within the story",
        "title": "shown above the prose",
        "text": "the prose, in Markdown, with {{ }} and {% if %}",
        "revisit_text": "the prose shown instead of `text` when the player comes back (visits above 1)",
        "chapter": "a chapter name for the side panel; defaults to the file's chapter",
        "on_enter": "effects applied each time the scene is entered",
        "choices": "the player's options, in order",
        "fallback": "a choice offered only when no other choice is open",
        "ending": "the id of a declared ending: the story ends here",
    },
    N_("a scene"),
)

SCENE_FILE = Record(
    "scene file",
    {
        "chapter": (Text(), False),
        "scenes": (ListOf(SCENE, "scene", min_items=1), True),
    },
    a_name=N_("a scene file"),
)

VARIABLE = Record(
    "variable",
    {
        "value": (StartValue(), True),
        "min": (Whole(), False),
        "max": (Whole(), False),
        "label": (Text(), False),
        "show": (OneOfValues(("hidden", "stat", "companion")), False),
        "good": (OneOfValues(("high", "low")), False),
    },
    a_name=N_("a variable"),
)
ITEM = Record("item", {"name": (Text(), True), "text": (Text(), False)}, a_name=N_("a item"))
ENDING = Record(
    "ending",
    {
        "id": (Ident(), True),
        "title": (Text(), True),
        "kind": (OneOfValues(("good", "bad", "bittersweet", "neutral")), True),
        "canon": (Flag(), False),
        "hint": (Text(), False),
    },
    docs={
        "canon": "true for the film's own ending",
        "hint": "a spoiler-light clue shown in the endings gallery while the player has not found this ending",
    },
    a_name=N_("a ending"),
)

MANIFEST = Record(
    "story manifest",
    {
        "format": (OneOfValues((1,)), False),
        "id": (Ident(), True),
        "title": (Text(), True),
        "blurb": (Text(), True),
        "author": (Text(), False),
        "language": (Language(), False),
        "start": (Ident(), True),
        "variables": (
            MapOf(
                ByType(
                    {dict: VARIABLE, str: StartValue(), bool: StartValue(), int: StartValue()},
                    expected=N_("a starting value or a mapping with 'value'"),
                ),
                "variable",
            ),
            False,
        ),
        "items": (
            MapOf(ByType({str: Text(), dict: ITEM}, expected=N_("a name or a mapping with 'name'")), "item"),
            False,
        ),
        "endings": (ListOf(ENDING, "ending", min_items=1), True),
    },
    a_name=N_("a story manifest"),
)


TRANSLATION_ENTRY = Record(
    "translation entry",
    {
        "hash": (Text(), True),
        "text": (Text(nonempty=False), False),
        "source": (Text(nonempty=False), False),
        "review": (Flag(), False),
    },
    docs={
        "hash": "the hash of the source text this entry translates (escape translate extract writes it)",
        "text": "the translation; without it the source text shows",
        "source": "the source text, written by escape translate extract for the translator to read",
        "review": "true: the source changed since this was translated; remove once the text is revised",
    },
    a_name=N_("a translation entry"),
)


@dataclass
class TranslationEntries(Shape):
    """The entries of a translation, by key (`scene.<id>.text`, `choice.<scene>.<choice>.outcome`...).
    Only the JSON Schema uses this shape: game.compiler.translation checks each entry and its key."""

    expected: str = N_("a mapping of keys to entries")

    def check(self, value, loc, report, label):  # pragma: no cover - the translation module checks entries
        return isinstance(value, dict)

    def json_schema(self):
        return {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z][a-z0-9_.]*$"},
            "additionalProperties": TRANSLATION_ENTRY.json_schema(),
        }


TRANSLATION_FILE = Record(
    "translation",
    {
        "language": (Language(), True),
        "name": (Text(), False),
        "entries": (TranslationEntries(), False),
    },
    docs={
        "language": "the language of this translation; the same as the file's name (it for i18n/it.yaml)",
        "name": "the language's own name, such as Italiano",
    },
    a_name=N_("a translation"),
)

SCHEMA_FILES = {
    "story.schema.json": ("Escape Lines story manifest (story.yaml)", MANIFEST),
    "scenes.schema.json": ("Escape Lines scene file", SCENE_FILE),
    "translation.schema.json": ("Escape Lines story translation (i18n/<language>.yaml)", TRANSLATION_FILE),
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schemas of the manifest and of scene files, by file name (for yaml-language-server)."""
    import json

    result = {}
    for name, (title, shape) in SCHEMA_FILES.items():
        body = shape.json_schema()
        uses_effects = json.dumps(EFFECTS.json_schema()["$ref"]) in json.dumps(body)  # the manifest has none
        defs = {"$defs": {EFFECTS.name: EFFECTS.shape.json_schema()}} if uses_effects and EFFECTS.shape else {}
        result[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body, **defs}
    return result


def schema_texts() -> dict[str, str]:
    import json

    return {name: json.dumps(schema, indent=2) + "\n" for name, schema in json_schemas().items()}

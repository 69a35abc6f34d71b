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
    """How a value's type reads in a message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Shape:
    expected = "a value"

    def check(self, value: Any, loc: tuple[Any, ...], report: Report, label: str) -> bool:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _wrong(self, value: Any, loc: tuple[Any, ...], report: Report, label: str) -> bool:
        report(loc, f"{label} must be {self.expected}, not {describe(value)}{self.hint(value)}", "schema")
        return False

    def hint(self, value: Any) -> str:
        """How to write a wrong value the right way, when there is a usual mistake behind it."""
        return ""


@dataclass
class Text(Shape):
    nonempty: bool = True
    expected: str = "text"

    def check(self, value, loc, report, label):
        if isinstance(value, bool):
            report(
                loc,
                f"{label} must be text, not true/false (YAML reads yes, no, on, off, true and false "
                "as true/false: put the text in quotes)",
                "schema",
            )
            return False
        if not isinstance(value, str):
            return self._wrong(value, loc, report, label)
        if self.nonempty and not value.strip():
            report(loc, f"{label} must not be empty", "schema")
            return False
        return True

    def json_schema(self):
        return {"type": "string", **({"minLength": 1} if self.nonempty else {})}


@dataclass
class Ident(Shape):
    expected: str = "an id (lower case letters, digits and _)"

    def check(self, value, loc, report, label):
        if not isinstance(value, str):
            return self._wrong(value, loc, report, label)
        if not ID_RE.match(value) or len(value) > MAX_ID:
            report(
                loc,
                f"{label} '{value[:80]}' is not a valid id: use lower case letters, digits and _, "
                f"starting with a letter, at most {MAX_ID} characters",
                "bad-id",
            )
            return False
        return True

    def json_schema(self):
        return {"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID}


LIMIT = 1_000_000_000  # the same bound as game.expr.INT_LIMIT
MAX_TEXT = 10_000  # the same bound as game.expr.MAX_TEXT_VALUE


@dataclass
class Whole(Shape):
    minimum: int | None = -LIMIT
    maximum: int = LIMIT
    expected: str = "a whole number"

    def check(self, value, loc, report, label):
        if isinstance(value, bool) or not isinstance(value, int):
            return self._wrong(value, loc, report, label)
        if self.minimum is not None and value < self.minimum:
            report(loc, f"{label} must be {self.minimum:,} or more, not {_short_number(value)}", "schema")
            return False
        if value > self.maximum:
            report(loc, f"{label} must be {self.maximum:,} or less, not {_short_number(value)}", "schema")
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
    return f"{value:,}" if digits <= 15 else f"a number of {digits:,}+ digits"


@dataclass
class Flag(Shape):
    expected: str = "true or false"

    def check(self, value, loc, report, label):
        return isinstance(value, bool) or self._wrong(value, loc, report, label)

    def hint(self, value):
        quoted = isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "on", "off")
        return "; write true or false without quotes" if quoted else ""

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
            return f"{label} must be one of {options}, not '{_short(value)}'{hint}"

        report(loc, message, "schema")
        return False

    def json_schema(self):
        return {"enum": list(self.values)}


@dataclass
class StartValue(Shape):
    expected: str = "a whole number, true/false or text"

    def check(self, value, loc, report, label):
        if isinstance(value, bool):
            return True
        if isinstance(value, int):
            return Whole().check(value, loc, report, label)
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                report(loc, f"{label} is longer than {MAX_TEXT:,} characters", "schema")
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
        return "a list"

    def hint(self, value):
        return f"; start each {self.item_label} with '- '" if isinstance(value, dict) else ""

    def check(self, value, loc, report, label):
        if not isinstance(value, list):
            return self._wrong(value, loc, report, label)
        if len(value) < self.min_items:
            report(loc, f"{label} needs at least {self.min_items} {self.item_label}", "schema")
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
    expected: str = "a mapping"

    def hint(self, value):
        return f"; write one '{self.value_label}_id: ...' per line, without '- '" if isinstance(value, list) else ""

    def check(self, value, loc, report, label):
        if not isinstance(value, dict):
            return self._wrong(value, loc, report, label)
        if len(value) < self.min_items:
            report(loc, f"{label} needs at least {self.min_items} {self.value_label}", "schema")
            return False
        ok = True
        for key, item in value.items():
            ok &= Ident().check(key, loc + (key,), report, f"{self.value_label} name")
            ok &= self.value.check(item, loc + (key,), report, f"{self.value_label} '{key}'")
        return ok

    def json_schema(self):
        return {
            "type": "object",
            "propertyNames": Ident().json_schema(),
            "additionalProperties": self.value.json_schema(),
            **({"minProperties": self.min_items} if self.min_items else {}),
        }


@dataclass
class Record(Shape):
    name: str = "record"
    fields: dict[str, tuple[Shape, bool]] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a mapping (a {self.name})"

    def check(self, value, loc, report, label):
        if not isinstance(value, dict):
            return self._wrong(value, loc, report, label)
        ok = True
        for key in value:
            if key not in self.fields:
                report(loc + (key,), self._unknown(key), "schema")
                ok = False
        for key, (shape, required) in self.fields.items():
            if key in value:
                named = f"'{key}' of {label}" if "'" in label else f"'{key}'"  # e.g. 'value' of variable 'big'
                ok &= shape.check(value[key], loc + (key,), report, named)
            elif required:
                report(loc, f"a {self.name} needs the field '{key}'", "schema")
                ok = False
        return ok

    def _unknown(self, key: Any) -> Callable[[], str]:
        return lambda: f"unknown field '{_short(key)}' in a {self.name}{did_you_mean(str(key), self.fields)}"

    def json_schema(self):
        props = {}
        for key, (shape, _) in self.fields.items():
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
    expected: str = "a value"

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
    expected: str = "a mapping"

    def check(self, value, loc, report, label):
        if not isinstance(value, dict):
            return self._wrong(value, loc, report, label)
        for key, shape in self.options.items():
            if key in value:
                return shape.check(value, loc, report, label)
        keys = " or ".join(f"'{key}'" for key in self.options)
        report(loc, f"{label} must be a mapping with {keys}", "schema")
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
        return self.shape.expected if self.shape else "a value"

    def check(self, value, loc, report, label):
        assert self.shape is not None  # set once the module has declared it
        return self.shape.check(value, loc, report, label)

    def json_schema(self):
        return {"$ref": f"#/$defs/{self.name}"}


def _choice_record(name: str, id_required: bool, text_required: bool) -> Record:
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
    )


CONDITION = ByType({str: Text(), bool: Flag(), int: Whole()}, expected="a condition (an expression)")
EFFECTS = Named("effects")
CONDITIONAL_EFFECT = Record(
    "conditional effect",
    {"if": (CONDITION, True), "then": (EFFECTS, True), "else": (EFFECTS, False)},
    {
        "if": "a condition, checked when the effects run",
        "then": "effects applied when the condition holds",
        "else": "effects applied when it does not",
    },
)
EFFECT = ByType({str: Text(), dict: CONDITIONAL_EFFECT}, expected="an effect or {if, then, else}")
EFFECTS.shape = ByType(
    {str: Text(), dict: CONDITIONAL_EFFECT, list: ListOf(EFFECT, "effect")},
    expected="an effect or a list of effects",
)
RANDOM = Record("random target", {"random": (MapOf(Whole(minimum=1, maximum=1_000_000), "weight", min_items=1), True)})
CALL = Record("call", {"call": (Ident(), True)}, {"call": "a scene to visit; its `goto: return` comes back here"})
TARGET = ByType({str: Ident(), dict: RANDOM}, expected="a scene id or {random: {scene: weight}}")
BRANCH = Record("goto branch", {"if": (CONDITION, False), "to": (TARGET, True)})
GOTO = ByType(
    {str: Ident(), dict: Keyed({"random": RANDOM, "call": CALL}), list: ListOf(BRANCH, "branch", min_items=1)},
    expected="a scene id, return, {call: scene}, {random: {scene: weight}} or a list of branches",
)
CHOICE = _choice_record("choice", True, True)
FALLBACK = _choice_record("fallback", False, False)

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
)

SCENE_FILE = Record(
    "scene file",
    {
        "chapter": (Text(), False),
        "scenes": (ListOf(SCENE, "scene", min_items=1), True),
    },
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
)
ITEM = Record("item", {"name": (Text(), True), "text": (Text(), False)})
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
)

MANIFEST = Record(
    "story manifest",
    {
        "format": (OneOfValues((1,)), False),
        "id": (Ident(), True),
        "title": (Text(), True),
        "blurb": (Text(), True),
        "author": (Text(), False),
        "start": (Ident(), True),
        "variables": (
            MapOf(
                ByType(
                    {dict: VARIABLE, str: StartValue(), bool: StartValue(), int: StartValue()},
                    expected="a starting value or a mapping with 'value'",
                ),
                "variable",
            ),
            False,
        ),
        "items": (MapOf(ByType({str: Text(), dict: ITEM}, expected="a name or a mapping with 'name'"), "item"), False),
        "endings": (ListOf(ENDING, "ending", min_items=1), True),
    },
)


SCHEMA_FILES = {
    "story.schema.json": ("Escape Lines story manifest (story.yaml)", MANIFEST),
    "scenes.schema.json": ("Escape Lines scene file", SCENE_FILE),
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

"""Compile one story folder into a `Story`: read the files safely, check their shape, compile text,
conditions and effects, cross-check every reference, then run the whole-story analysis.

Used through `game.compiler.loader` (`check_story` collects every problem, `load_story` stops at the first).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from game.compiler import analysis, controls, revisits, subscenes, yamlhints
from game.compiler.budget import ExpressionBudget
from game.compiler.cache import StoryCache
from game.compiler.checker import FIRST, Checker, display_path, unknown_message
from game.compiler.effects import compile_effect
from game.compiler.expr import RESERVED, ExprError, Names, compile_condition, type_name
from game.compiler.limits import (
    MAX_CHOICES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_FOLDER_DEPTH,
    MAX_FOLDER_ENTRIES,
    MAX_SCENES,
    MAX_STORY_BYTES,
)
from game.compiler.schema import MANIFEST, SCENE, SCENE_FILE, Message, message_text
from game.compiler.template import Probes, compile_template
from game.compiler.translation import FOLDER as TRANSLATIONS_FOLDER
from game.compiler.translation import prose_in_expression
from game.compiler.yamlsafe import YamlDoc, parse_yaml_bytes, read_file_bytes
from game.i18n import N_, _, ngettext
from game.model import (
    BOOL,
    CALL,
    GOTO,
    INT,
    RETURN,
    STAY,
    Branch,
    Choice,
    Effect,
    Ending,
    Expr,
    Item,
    Scene,
    Story,
    Target,
    Template,
    Variable,
    type_of_value,
)


class SitedProbes(Probes, Protocol):
    """Probes that also learn where the text being compiled is (`place(offset)` -> path, line, column)."""

    place: Any


MANIFEST_NAME = "story.yaml"
# Compiled texts, conditions and effects by (kind, source, what the story lets them name): the same source
# compiles once, within a story and across the loads of a process (a live preview reloads on every save).
# They are immutable, and depend on nothing else.
COMPILED: dict[tuple[str, str, tuple[Any, ...]], Any] = {}
MAX_COMPILED = 50_000
_ID_LINE = re.compile(r"^[ \t]*-\s+id:\s*([a-z][a-z0-9_]*)[ \t]*$", re.MULTILINE)  # [ \t]: \s* backtracks
_YAML = (".yaml", ".yml")
_EXPRESSION_KEYS = frozenset({"if", "effects", "on_enter"})  # what is under them is read as expressions
__all__ = ["MANIFEST_NAME", "MAX_FILES", "MAX_STORY_BYTES", "SitedProbes", "StoryCompiler", "ending_of"]


def ending_of(spec: dict[str, Any]) -> Ending:
    """An ending of the manifest (already checked against its schema)."""
    return Ending(spec["id"], spec["title"], spec["kind"], spec.get("canon", False), spec.get("hint", "").strip())


@dataclass(slots=True)
class Pending:
    """A reference to check once every scene is known."""

    kind: str  # scene | choice | ending
    name: str
    doc: YamlDoc
    loc: tuple[Any, ...]
    offset: int | None = None  # within the string value; None points at the key (a random target's scene)


class CachedDoc(YamlDoc):
    """A file's data from the cache: the places of its scenes were kept, nothing finer (a story loaded
    from the cache has no problems to place)."""

    def __init__(self, path: str, data: Any, scene_lines: list[int]):
        super().__init__(path, "", data)
        self.scene_lines = scene_lines

    def where(self, loc: tuple[Any, ...] = ()) -> tuple[str, int, int]:
        if len(loc) >= 2 and loc[0] == "scenes" and isinstance(loc[1], int) and 0 <= loc[1] < len(self.scene_lines):
            return self.path, self.scene_lines[loc[1]], 5
        return self.path, 1, 1


class StoryCompiler:
    """One compilation of one story folder."""

    def __init__(
        self, folder: Path, checker: Checker, cache: StoryCache | None = None, probes: SitedProbes | None = None
    ):
        self.folder = folder
        self.probes = probes  # a coverage run: texts are compiled with probes, not taken from the memo
        self.checker = checker
        self.cache = cache
        self.cached: dict[str, Any] | None = None  # parsed files from the cache, by relative path
        self.parsed: dict[str, Any] = {}  # parsed files for the cache, by relative path
        self.names = Names({})
        self.usage = analysis.Usage()
        self.pending: list[Pending] = []
        self.scenes: dict[str, Scene] = {}
        self.scene_places: dict[str, tuple[YamlDoc, tuple[Any, ...]]] = {}
        self.digest = hashlib.sha256()
        self.names_key: tuple[Any, ...] = ()  # what expressions may name (set with the manifest)
        self.plain_gotos: dict[str, tuple[Branch, ...]] = {}
        self.broken: set[str] = set()  # ids of scenes that failed their checks
        self.budget = ExpressionBudget()
        self.scene_count = 0  # scenes read so far, whatever became of them
        self.translated = (folder / TRANSLATIONS_FOLDER).is_dir()  # the story has translations (i18n/)

    # reporting -------------------------------------------------------------
    def at(self, doc: YamlDoc, loc: tuple[Any, ...], message: Message, code: str, severity: str = "error") -> None:
        if not self.checker.skip(doc.path, severity):  # an unlisted problem's place and message are not made
            self.checker.report(*doc.where(loc), severity, message_text(message), code)

    def at_value(self, doc: YamlDoc, loc: tuple[Any, ...], err: ExprError) -> None:
        self.usage.unchecked.append(str(doc.value_at(loc)))  # what it reads is unknown
        if not self.checker.skip(doc.path, "error"):
            self.checker.report(*doc.value_where(loc, err.offset), "error", err.message, err.code)

    def _warn_at_value(self, doc: YamlDoc, loc: tuple[Any, ...], offset: int, message: str, code: str) -> None:
        if not self.checker.skip(doc.path, "warning"):
            self.checker.report(*doc.value_where(loc, offset), "warning", message, code)

    def _controls(self, doc: YamlDoc) -> None:
        """Warn about each text of the file that holds a control or invisible character (a YAML escape such
        as "\\x1b" makes one). In expressions, control characters are errors of their own."""
        todo: list[tuple[Any, tuple[Any, ...], bool]] = [(doc.data, (), False)]
        while todo:
            value, loc, expression = todo.pop()
            if isinstance(value, str):
                found = controls.first_unsafe(value)
                if found >= 0 and not (expression and value[found] < " "):
                    self._warn_at_value(doc, loc, found, controls.in_text(value[found]), controls.CODE)
            elif isinstance(value, dict):
                todo.extend((v, loc + (k,), expression or k in _EXPRESSION_KEYS) for k, v in reversed(value.items()))
            elif isinstance(value, list):
                todo.extend((v, loc + (i,), expression) for i, v in reversed(list(enumerate(value))))

    def _literal_controls(self, doc: YamlDoc, loc: tuple[Any, ...], found: tuple[tuple[int, str], ...]) -> None:
        """Warn about the characters that escapes in an expression's text in quotes make."""
        if self.checker.mode != FIRST:
            for offset, char in found:
                self._warn_at_value(doc, loc, offset, controls.in_literal(char), controls.CODE)

    def _effect_error(self, doc: YamlDoc, loc: tuple[Any, ...], err: ExprError) -> None:
        """An effect that failed; the pieces of one that YAML split at a comma are reported once, as one."""
        split = doc.comma_split(loc)
        if split is None:
            self.at_value(doc, loc, err)
        elif split[0] == 0:
            message = _(
                "YAML split this [...] list at the comma in '{effect}', so each piece is read as an effect of "
                'its own; quote the effect ("{effect}") or write the effects as a block list, one per line'
            )
            self.at_value(doc, loc, ExprError(message.format(effect=split[1]), "expr-syntax"))

    # files -----------------------------------------------------------------
    def _files(self) -> tuple[Path, list[Path]] | None:
        where = (display_path(self.folder), 1, 1)
        if not self.folder.is_dir():
            self.checker.error(where, _("not a story folder (no such directory)"), "io")
            return None
        manifest = self.folder / MANIFEST_NAME
        if manifest.is_symlink():
            self.checker.error((display_path(manifest), 1, 1), _("symbolic links are not followed in a story"), "io")
            return None
        if not manifest.is_file():
            message = _("no {manifest} in this folder; every story needs a manifest").format(manifest=MANIFEST_NAME)
            self.checker.error(where, message, "io")
            return None
        found = self._walk()
        if found is None:
            return None
        files, total = [], 0
        for path in found:
            if path.is_symlink():
                self.checker.error((display_path(path), 1, 1), _("symbolic links are not followed in a story"), "io")
                continue
            if path == manifest:
                continue
            files.append(path)
            total += path.stat().st_size
            if len(files) > MAX_FILES or total > MAX_STORY_BYTES:
                message = _("the story is over {files} files or {size:,} bytes")
                self.checker.error(where, message.format(files=MAX_FILES, size=MAX_STORY_BYTES), "too-large")
                return None
        return manifest, files

    def _walk(self) -> list[Path] | None:
        """The YAML files in the story folder and its folders, in order, and the symbolic links named like
        them (to be refused). One folder at a time, without recursion; links are never followed, hidden
        files and folders are skipped, and so is a folder with a story.yaml of its own (another story).
        None when the folder holds over `MAX_FOLDER_ENTRIES` entries (reported)."""
        found: list[Path] = []
        entries = 0
        todo: list[tuple[Path, int]] = [(self.folder, 0)]
        while todo:
            folder, depth = todo.pop()
            try:
                listing = os.scandir(folder)
            except OSError as err:
                message = _("cannot read the folder: {reason}").format(reason=err.strerror)
                self.checker.error((display_path(folder), 1, 1), message, "io")
                continue
            with listing:
                for entry in listing:
                    entries += 1
                    if entries > MAX_FOLDER_ENTRIES:
                        message = _("the story folder holds over {limit:,} files and folders").format(
                            limit=MAX_FOLDER_ENTRIES
                        )
                        self.checker.error((display_path(self.folder), 1, 1), message, "too-large")
                        return None
                    if entry.name.startswith("."):
                        continue
                    path = Path(entry.path)
                    if entry.is_symlink() or (entry.is_file(follow_symlinks=False) and path.suffix in _YAML):
                        if path.suffix in _YAML:
                            found.append(path)
                    elif folder == self.folder and entry.name == TRANSLATIONS_FOLDER:
                        continue  # translations (game.compiler.translation), not scenes
                    elif entry.is_dir(follow_symlinks=False) and not os.path.lexists(path / MANIFEST_NAME):
                        if depth >= MAX_FOLDER_DEPTH:
                            message = _("folders nested deeper than {limit} levels in a story are not read").format(
                                limit=MAX_FOLDER_DEPTH
                            )
                            self.checker.error((display_path(path), 1, 1), message, "too-deep")
                            continue
                        todo.append((path, depth + 1))
        return sorted(found)

    def _bytes(self, path: Path) -> bytes | None:
        """A file's bytes (None after reporting why not), counted into the story's content hash."""
        raw = read_file_bytes(path, self.checker, display_path(path))
        if raw is not None:
            self.digest.update(path.relative_to(self.folder).as_posix().encode() + b"\0" + raw + b"\0")
        else:
            self._remember_ids(path)
        return raw

    def _parse(self, path: Path, raw: bytes | None) -> YamlDoc | None:
        """A file's data: from the cache when it has this content, else parsed (and kept for the cache)."""
        if raw is None:
            return None
        relative = path.relative_to(self.folder).as_posix()
        if self.cached is not None and relative in self.cached:
            entry = self.cached[relative]
            return CachedDoc(display_path(path), entry["data"], entry["scene_lines"])
        doc = parse_yaml_bytes(raw, display_path(path), self.checker)
        if doc is None:
            self._remember_ids(path)
        else:
            if self.checker.mode != FIRST:  # warnings are for authors (escape validate)
                self._controls(doc)
            if self.cache is not None:
                scenes = doc.data.get("scenes") if isinstance(doc.data, dict) else None
                lines = [doc.where(("scenes", i))[1] for i in range(len(scenes))] if isinstance(scenes, list) else []
                self.parsed[relative] = {"data": doc.data, "scene_lines": lines}
        return doc

    def _remember_ids(self, path: Path) -> None:
        """A file that could not be read still names its scenes: remember them (found by their `id:` lines),
        so that references to them are not reported as unknown scenes too."""
        try:
            text = path.read_bytes()[:MAX_FILE_BYTES].decode("utf-8", errors="replace")
        except OSError:
            return
        self.broken.update(_ID_LINE.findall(text))
        self._unchecked(text)

    def _unchecked(self, text: str) -> None:
        """A part of the story that could not be compiled: the warnings that depend on it are skipped."""
        self.usage.unchecked.append(text)
        self.usage.graph_complete = False

    def _checked(self, doc: YamlDoc, shape: Any, what: str) -> bool:
        before = self.checker.error_count

        def report(loc: tuple[Any, ...], message: Message, code: str) -> None:
            self.at(doc, loc, message, code)

        if not isinstance(doc.data, dict):
            message = _("{what} must be a mapping of fields, not {type}")
            self.at(doc, (), message.format(what=_(what), type=type(doc.data).__name__), "schema")
            return False
        if self.cached is not None:  # the cached data passed these checks when it was parsed
            return True
        shape.check(doc.data, (), report, what)
        return self.checker.error_count == before

    # the manifest ------------------------------------------------------------
    def _manifest(self, doc: YamlDoc) -> dict[str, Any] | None:
        if not self._checked(doc, MANIFEST, N_("the story manifest")):
            return None
        data = doc.data
        variables: dict[str, Variable] = {}
        for name, spec in (data.get("variables") or {}).items():
            spec = spec if isinstance(spec, dict) else {"value": spec}
            value = spec["value"]
            kind = type_of_value(value)
            lo, hi = spec.get("min"), spec.get("max")
            if (lo is not None or hi is not None) and kind != INT:
                message = _("'min' and 'max' apply to numbers; '{name}' holds {kind}")
                self.at(doc, ("variables", name), message.format(name=name, kind=type_name(kind or "")), "schema")
            if lo is not None and hi is not None and lo > hi:
                message = _("'min' ({min}) is above 'max' ({max})").format(min=lo, max=hi)
                self.at(doc, ("variables", name, "min"), message, "schema")
            if kind == INT and ((lo is not None and value < lo) or (hi is not None and value > hi)):
                message = _("the starting value {value} is outside min/max").format(value=value)
                self.at(doc, ("variables", name, "value"), message, "schema")
            if "good" in spec and kind != INT:
                message = _("'good' applies to numbers; '{name}' holds {kind}")
                self.at(
                    doc, ("variables", name, "good"), message.format(name=name, kind=type_name(kind or "")), "schema"
                )
            if spec.get("show") == "companion" and kind != BOOL:
                self.at(doc, ("variables", name, "show"), _("a companion must be a true/false variable"), "schema")
            if name in RESERVED:
                message = _("'{name}' is a built-in name; choose another").format(name=name)
                self.at(doc, ("variables", name), message, "bad-id")
                self.usage.unchecked.append(name)  # the error is the news, not that it is unread
            variables[name] = Variable(
                name,
                value,
                kind or "",
                lo,
                hi,
                spec.get("label") or name.replace("_", " ").capitalize(),
                spec.get("show", "hidden"),
                spec.get("good", "high"),
            )
        items: dict[str, Item] = {}
        for item_id, spec in (data.get("items") or {}).items():
            spec = spec if isinstance(spec, dict) else {"name": spec}
            items[item_id] = Item(item_id, spec["name"], spec.get("text", ""))
        endings: dict[str, Ending] = {}
        for i, spec in enumerate(data["endings"]):
            if spec["id"] in endings:
                message = _("duplicate ending id '{id}'").format(id=spec["id"])
                self.at(doc, ("endings", i, "id"), message, "duplicate-id")
            endings[spec["id"]] = ending_of(spec)
        self.names = Names({n: v.type for n, v in variables.items()}, frozenset(items), self.checker.suggest)
        self.names_key = (tuple(sorted(self.names.variables.items())), tuple(sorted(items)))
        return {"data": data, "variables": variables, "items": items, "endings": endings}

    # compiling -----------------------------------------------------------------
    def _compiled(self, doc: YamlDoc, loc: tuple[Any, ...], kind: str, source: Any, compiler: Any):  # noqa: ANN201
        """A compiled text or condition, its reads and references noted; None after reporting a problem
        (or once the expressions' budget is spent)."""
        try:
            result = self._compile(kind, source, compiler, doc, loc)
        except ExprError as err:
            self.at_value(doc, loc, err)
            return None
        if result is None:
            return None
        self.usage.reads |= result.reads
        self._refs(doc, loc, result.refs)
        self._literal_controls(doc, loc, result.controls)
        return result

    def _template(self, doc: YamlDoc, loc: tuple[Any, ...], text: str):  # noqa: ANN201
        probes = self.probes
        if probes is None:
            compiled = self._compiled(doc, loc, "template", text, compile_template)
            if compiled is not None and self.translated and self.checker.mode != FIRST:
                self._prose_in_expression(doc, loc, text)
            return compiled
        probes.place = lambda offset: doc.value_where(loc, offset)
        return self._compiled(doc, loc, "probed template", text, lambda t, n: compile_template(t, n, probes))

    def _prose_in_expression(self, doc: YamlDoc, loc: tuple[Any, ...], text: str) -> None:
        """A story with translations: quoted words inside `{{ }}` are out of a translator's reach."""
        offset = prose_in_expression(text)
        if offset is not None:
            message = _(
                "the words quoted inside {{ }} cannot be translated without editing the expression; "
                "write them as a passage: {% if condition %}words{% else %}other words{% endif %}"
            )
            self._warn_at_value(doc, loc, offset, message, "text-in-expression")

    def _refs(self, doc: YamlDoc, loc: tuple[Any, ...], refs) -> None:
        for ref in refs:
            if ref.kind == "item":
                self.usage.items.add(ref.name)
            else:
                self.pending.append(Pending(ref.kind, ref.name, doc, loc, ref.offset))

    def _compile(self, kind: str, source: Any, compiler: Any, doc: YamlDoc, loc: tuple[Any, ...]) -> Any:
        """The compiled form (None once the budget of expressions is spent: reported once, where)."""
        text = source if isinstance(source, str) else repr(source)
        if kind.endswith("template") and "{{" not in text and "{%" not in text:
            return compiler(source, self.names)  # plain text: nothing to compile
        if self.budget.spent(doc.path):
            self._unchecked(text)
            return None
        if kind == "probed template":  # each text's probes are its own: never shared through the memo
            result = compiler(source, self.names)
        else:
            key = (kind, text, self.names_key)
            result = COMPILED.get(key)
            if result is None:
                if len(COMPILED) >= MAX_COMPILED:
                    COMPILED.clear()
                result = COMPILED[key] = compiler(source, self.names)
        over = self.budget.charge(doc.path, (kind, text), _cost(result))
        if over is not None:
            self.at(doc, loc, over, "too-large")
            self._unchecked(text)
        return result

    def _condition(self, doc: YamlDoc, loc: tuple[Any, ...], source: Any):  # noqa: ANN201
        return self._compiled(doc, loc, "condition", source, compile_condition)

    def _effects(self, doc: YamlDoc, loc: tuple[Any, ...], spec: Any) -> tuple:
        if spec is None:
            return ()
        statements = [(loc, s) for s in (spec,)] if not isinstance(spec, list) else list(_numbered(loc, spec))
        effects = []
        for where, source in statements:
            if isinstance(source, dict):  # {if, then, else}
                effects.append(self._conditional_effect(doc, where, source))
                continue
            try:
                effect = self._compile("effect", source, compile_effect, doc, where)
            except ExprError as err:
                self._effect_error(doc, where, err)
                continue
            if effect is None:
                continue
            if effect.item:
                self.usage.items.add(effect.item)
            else:
                self.usage.writes.add(effect.variable)
                self.usage.reads |= effect.value.reads - {effect.variable}
                self._refs(doc, where, effect.value.refs)
                self._literal_controls(doc, where, effect.value.controls)
            effects.append(effect)
        return tuple(effects)

    def _conditional_effect(self, doc: YamlDoc, loc: tuple[Any, ...], spec: dict[str, Any]) -> Effect:
        condition = self._condition(doc, loc + ("if",), spec["if"])
        return Effect(
            f"if {spec['if']}",
            condition=condition,
            then=self._effects(doc, loc + ("then",), spec["then"]),
            otherwise=self._effects(doc, loc + ("else",), spec.get("else")),
        )

    def _target(self, doc: YamlDoc, loc: tuple[Any, ...], spec: Any) -> Target:
        if isinstance(spec, str):
            self.pending.append(Pending("scene", spec, doc, loc, 0))
            return Target((spec,))
        weights = spec["random"]
        for scene in weights:
            self.pending.append(Pending("scene", scene, doc, loc + ("random", scene)))
        return Target(tuple(weights), tuple(weights.values()))

    def _goto(self, doc: YamlDoc, loc: tuple[Any, ...], spec: Any) -> tuple[Branch, ...]:
        if spec == RETURN:  # where it leads is known once every call is (see _link_returns)
            return (Branch(None, Target(())),)
        if isinstance(spec, dict) and "call" in spec:
            self.pending.append(Pending("scene", spec["call"], doc, loc + ("call",), 0))
            return (Branch(None, Target((spec["call"],))),)
        if isinstance(spec, str):  # a plain move: one shared (immutable) goto per destination
            self.pending.append(Pending("scene", spec, doc, loc, 0))
            plain = self.plain_gotos.get(spec)
            if plain is None:
                plain = self.plain_gotos[spec] = (Branch(None, Target((spec,))),)
            return plain
        if not isinstance(spec, list):
            return (Branch(None, self._target(doc, loc, spec)),)
        branches = []
        for i, branch in enumerate(spec):
            last = i == len(spec) - 1
            has_if = "if" in branch
            if last and has_if:
                self.at(
                    doc,
                    loc + (i,),
                    _("the last goto branch must have no 'if', so that one branch always applies"),
                    "bad-goto",
                )
            elif not last and not has_if:
                self.at(
                    doc,
                    loc + (i,),
                    _("only the last goto branch may leave out 'if'; the ones after it never apply"),
                    "bad-goto",
                )
            condition = self._condition(doc, loc + (i, "if"), branch["if"]) if has_if else None
            branches.append(Branch(condition, self._target(doc, loc + (i, "to"), branch["to"])))
        return tuple(branches)

    def _choice(
        self, doc: YamlDoc, loc: tuple[Any, ...], spec: dict[str, Any], scene_id: str, fallback: bool
    ) -> Choice:
        choice_id = spec.get("id", "fallback")
        if "disabled_text" in spec and "if" not in spec:
            self.at(
                doc,
                loc + ("disabled_text",),
                _("'disabled_text' does nothing without 'if'"),
                "disabled-without-if",
                "warning",
            )
        move = self._move(doc, loc, spec, fallback)
        goto = (Branch(None, Target((scene_id,))),) if move == STAY else self._goto(doc, loc + ("goto",), spec["goto"])
        return Choice(
            id=choice_id,
            key=f"{scene_id}.{choice_id}",
            text=self._template(doc, loc + ("text",), spec.get("text", "Go on")),
            goto=goto,
            move=move,
            condition=self._condition(doc, loc + ("if",), spec["if"]) if "if" in spec else None,
            disabled_text=self._template(doc, loc + ("disabled_text",), spec["disabled_text"])
            if "disabled_text" in spec
            else None,
            once=spec.get("once", False),
            effects=self._effects(doc, loc + ("effects",), spec.get("effects")),
            outcome=self._template(doc, loc + ("outcome",), spec["outcome"]) if "outcome" in spec else None,
            is_fallback=fallback,
        )

    def _move(self, doc: YamlDoc, loc: tuple[Any, ...], spec: dict[str, Any], fallback: bool) -> str:
        """How the choice moves the run: goto, stay, call or return (reporting a choice that says both or
        neither of goto and stay)."""
        stays = spec.get("stay") is True
        if stays and "goto" in spec:
            message = _("a choice either stays ('stay: true') or leads on ('goto'), not both")
            self.at(doc, loc + ("stay",), message, "schema")
        elif stays and fallback:
            self.at(
                doc,
                loc + ("stay",),
                _("a fallback cannot stay: it is offered when nothing else is open, so it must lead somewhere"),
                "schema",
            )
        elif not stays and "goto" not in spec:
            self.at(doc, loc, _("a choice needs 'goto' (where it leads) or 'stay: true'"), "schema")
            return STAY
        if stays:
            if "outcome" not in spec:
                self.at(
                    doc,
                    loc + ("stay",),
                    _("a choice that stays shows the player nothing new without an 'outcome'"),
                    "stay-without-outcome",
                    "warning",
                )
            return STAY
        goto = spec["goto"]
        if goto == RETURN:
            return RETURN
        return CALL if isinstance(goto, dict) and "call" in goto else GOTO

    def _scene(self, doc: YamlDoc, loc: tuple[Any, ...], spec: dict[str, Any], chapter: str) -> None:
        scene_id = spec["id"]
        if scene_id == RETURN:
            message = _("'return' is a word of goto ('goto: return'); give the scene another id")
            self.at(doc, loc + ("id",), message, "bad-id")
            return
        if scene_id in self.scenes:
            first_doc, first_loc = self.scene_places[scene_id]
            _path, line, _column = first_doc.where(first_loc)
            self.at(
                doc,
                loc + ("id",),
                _("duplicate scene id '{id}' (first defined at {place}); give each scene its own id").format(
                    id=scene_id, place=f"{first_doc.path}:{line}"
                ),
                "duplicate-id",
            )
            self._unchecked(str(spec))
            return
        if len(spec.get("choices") or []) > MAX_CHOICES:
            count = len(spec["choices"])
            message = ngettext(
                "scene '{scene}' has {count:,} choice; a scene has at most {limit}",
                "scene '{scene}' has {count:,} choices; a scene has at most {limit}",
                count,
            ).format(scene=scene_id, count=count, limit=MAX_CHOICES)
            self.at(doc, loc + ("choices", MAX_CHOICES), message, "too-large")
            self.broken.add(scene_id)
            self._unchecked(scene_id)
            return
        choices, seen = [], set()
        for i, choice_spec in enumerate(spec.get("choices") or []):
            if choice_spec["id"] in seen:
                self.at(
                    doc,
                    loc + ("choices", i, "id"),
                    _("duplicate choice id '{choice}' in scene '{scene}'; give each choice its own id").format(
                        choice=choice_spec["id"], scene=scene_id
                    ),
                    "duplicate-id",
                )
                self._unchecked(str(choice_spec))
                continue
            seen.add(choice_spec["id"])
            choices.append(self._choice(doc, loc + ("choices", i), choice_spec, scene_id, False))
        fallback = None
        if "fallback" in spec:
            fallback = self._choice(doc, loc + ("fallback",), spec["fallback"], scene_id, True)
            if fallback.id in seen:
                message = _("the fallback's id '{id}' is also a choice's id").format(id=fallback.id)
                self.at(doc, loc + ("fallback",), message, "duplicate-id")
        ending = spec.get("ending")
        if ending is not None:
            self.pending.append(Pending("ending", ending, doc, loc + ("ending",), 0))
            if choices or fallback:
                self.at(
                    doc,
                    loc + ("ending",),
                    _("scene '{scene}' ends the story but also has choices").format(scene=scene_id),
                    "ending-with-choices",
                )
        elif not choices and not fallback:
            self.at(
                doc,
                loc,
                _(
                    "scene '{scene}' has no choices, no fallback and no ending: a dead end; "
                    "add 'ending:', a choice or a fallback"
                ).format(scene=scene_id),
                "dead-end",
            )
        _path, line, _column = doc.where(loc)
        self.scene_places[scene_id] = (doc, loc)
        self.scenes[scene_id] = Scene(
            id=scene_id,
            title=spec["title"],
            text=self._template(doc, loc + ("text",), spec["text"]),
            revisit_text=self._template(doc, loc + ("revisit_text",), spec["revisit_text"])
            if "revisit_text" in spec
            else None,
            chapter=spec.get("chapter", chapter),
            on_enter=self._effects(doc, loc + ("on_enter",), spec.get("on_enter")),
            choices=tuple(choices),
            fallback=fallback,
            ending=ending,
            source=f"{doc.path}:{line}",
        )

    def _counted(self, doc: YamlDoc, index: int, spec: Any) -> bool:
        """Count a scene: False past `MAX_SCENES` (the first one over is reported; the others are
        remembered by id, so that references to them do not cascade into errors)."""
        self.scene_count += 1
        if self.scene_count <= MAX_SCENES:
            return True
        if self.scene_count == MAX_SCENES + 1:
            message = _("the story has over {limit:,} scenes: the rest are not read").format(limit=MAX_SCENES)
            self.at(doc, ("scenes", index), message, "too-large")
            self.usage.graph_complete = False
        if isinstance(spec, dict) and isinstance(spec.get("id"), str):
            self.broken.add(spec["id"])
        return False

    def _scene_file(self, doc: YamlDoc) -> None:
        if doc.data is None:
            self.at(doc, (), _("the scene file is empty; it needs a 'scenes:' list"), "no-scenes")
            return
        stray = yamlhints.not_a_scene_file(doc.data)
        if stray is not None:
            self.checker.error((doc.path, 1, 1), stray, "schema")
            return
        if self._checked(doc, SCENE_FILE, N_("a scene file")):
            chapter = doc.data.get("chapter", "")
            for i, spec in enumerate(doc.data["scenes"]):
                if self._counted(doc, i, spec):
                    self._scene(doc, ("scenes", i), spec, chapter)
            return
        # The file has shape errors (reported). Scenes that are well formed on their own are still compiled,
        # so that their problems show in the same pass; the others are remembered by id, so that
        # references to them do not cascade into "unknown scene" errors.
        self._unchecked(doc.text)
        scenes = doc.data.get("scenes") if isinstance(doc.data, dict) else None
        chapter = doc.data.get("chapter") if isinstance(doc.data, dict) else ""
        chapter = chapter if isinstance(chapter, str) else ""
        for i, spec in enumerate(scenes if isinstance(scenes, list) else []):
            if not self._counted(doc, i, spec):
                continue
            if SCENE.check(spec, (), lambda *_: None, "scene"):
                self._scene(doc, ("scenes", i), spec, chapter)
            elif isinstance(spec, dict) and isinstance(spec.get("id"), str):
                self.broken.add(spec["id"])

    # cross-references ------------------------------------------------------------
    def _resolve(self, meta: dict[str, Any], choice_keys: set[str]) -> None:
        tables = {"scene": self.scenes, "ending": meta["endings"], "choice": choice_keys}
        for ref in self.pending:
            table = tables[ref.kind]
            if ref.name in table or (ref.kind == "scene" and ref.name in self.broken):
                continue
            if ref.kind == "choice" and ref.name.partition(".")[0] in self.broken:
                continue  # a choice of a scene that failed its checks
            self.usage.graph_complete &= ref.kind not in ("scene", "ending")
            if self.checker.skip(ref.doc.path, "error"):
                continue
            message = unknown_message(ref.kind).format(name=ref.name, suggestion=self.checker.suggest(ref.name, table))
            code = f"unknown-{ref.kind}"
            if ref.offset is None:
                self.at(ref.doc, ref.loc, message, code)
            else:
                self.at_value(ref.doc, ref.loc, ExprError(message, code, ref.offset))

    # subscenes -----------------------------------------------------------------
    def _link_returns(self, start: str) -> None:
        """Work out where each `goto: return` can lead (the scenes that call a subscene it belongs to),
        and refuse a return that can be reached without a call, or a subscene that calls itself."""
        links = subscenes.link(self.scenes, start)
        for problem in links.problems:
            doc, loc = self.scene_places[problem.scene]
            index = next((i for i, c in enumerate(self.scenes[problem.scene].choices) if c.id == problem.choice), None)
            where = loc + (("choices", index) if index is not None else ("fallback",)) + ("goto",)
            self.at(doc, where, problem.message, problem.code)
        for scene_id, callers in links.callers.items():
            scene = self.scenes[scene_id]
            if any(c.move == RETURN for c in scene.all_choices):
                self.scenes[scene_id] = subscenes.with_returns(scene, callers)

    def run(self) -> Story | None:
        files = self._files()
        if files is None:
            return None
        manifest_path, scene_files = files
        contents = [(path, self._bytes(path)) for path in (manifest_path, *scene_files)]
        content_hash = self.digest.hexdigest()
        if self.cache is not None:
            self.cached = self.cache.get(content_hash)
        manifest_doc = self._parse(*contents[0])
        if manifest_doc is None:
            return None
        meta = self._manifest(manifest_doc)
        if meta is None:
            return None
        for path, raw in contents[1:]:
            doc = self._parse(path, raw)
            if doc is not None:
                self._scene_file(doc)
        if not self.scenes and not self.checker.error_count:
            self.checker.error(
                (display_path(self.folder), 1, 1), _("the story has no scenes: add a scene file"), "no-scenes"
            )
            return None
        start = meta["data"]["start"]
        if start not in self.scenes and start not in self.broken:
            message = unknown_message("scene").format(name=start, suggestion=self.checker.suggest(start, self.scenes))
            self.at_value(manifest_doc, ("start",), ExprError(message, "unknown-scene"))
        choice_index = {c.key: c for s in self.scenes.values() for c in s.all_choices}
        self._resolve(meta, set(choice_index))
        if not self.checker.error_count:
            self._link_returns(start)
        if self.checker.error_count:
            self._warn_despite_errors(meta, start, manifest_doc)
            return None
        story = self._story(meta, start, content_hash)
        if self.cache is not None and self.cached is None:
            self.cache.put(content_hash, self.parsed)
        if self.checker.mode == FIRST:  # warnings are for authors (escape validate); play does not show them
            return story
        self._warn(story, manifest_doc)
        return story

    def _story(self, meta: dict[str, Any], start: str, content_hash: str) -> Story:
        choice_index = {c.key: c for s in self.scenes.values() for c in s.all_choices}
        return Story(
            id=meta["data"]["id"],
            title=meta["data"]["title"],
            blurb=meta["data"]["blurb"].strip(),
            start=start,
            variables=MappingProxyType(meta["variables"]),
            items=MappingProxyType(meta["items"]),
            endings=MappingProxyType(meta["endings"]),
            scenes=MappingProxyType(self.scenes),
            author=meta["data"].get("author", ""),
            language=meta["data"].get("language", "en"),
            path=str(self.folder),
            content_hash=content_hash,
            choice_index=MappingProxyType(choice_index),
        )

    def _warn(self, story: Story, manifest: YamlDoc) -> None:
        """Report the story's warnings; those that depend on a part that failed wait (see analysis.warn)."""

        def report(scene_id: str | None, path: tuple[Any, ...], message: str, code: str) -> None:
            doc, loc = self.scene_places[scene_id] if scene_id is not None else (manifest, ())
            self.at(doc, loc + path, message, code, "warning")

        analysis.warn(story, self.usage, report)
        if self.usage.graph_complete and not self.usage.unchecked:  # it needs every text and every way in
            revisits.warn_same_text(story, report)

    def _warn_despite_errors(self, meta: dict[str, Any], start: str, manifest: YamlDoc) -> None:
        """The warnings of a story with errors, from the scenes that compiled (the map's warnings only when
        every scene and every way between them did)."""
        if self.checker.mode == FIRST or not self.scenes:  # no scene compiled: every warning would be noise
            return
        if start not in self.scenes or any(not c.destinations for s in self.scenes.values() for c in s.all_choices):
            self.usage.graph_complete = False
        self._warn(self._story(meta, start, ""), manifest)


def _cost(compiled: Expr | Template | Effect) -> int:
    """The parts of a compiled expression, text or effect (`gain x` has none)."""
    if isinstance(compiled, Effect):
        return compiled.value.nodes if compiled.value is not None else 0
    return compiled.nodes


def _numbered(loc: tuple[Any, ...], values: list[Any]) -> Any:
    """Each value of a list with its place."""
    for i, value in enumerate(values):
        yield loc + (i,), value

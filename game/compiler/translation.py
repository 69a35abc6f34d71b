"""Story translations: overlays keyed by stable ids, one file per language beside the story.

A story's translatable texts (`units`) each have a key made of ids (`scene.roll_call.text`,
`choice.roll_call.shout.outcome`, `ending.switzerland.title`...) that survives edits to the text itself.
A translation is `<story>/i18n/<lang>.yaml`:

    language: it
    entries:
      scene.roll_call.text:
        hash: 3f2a91c0        # the hash of the source text this translates
        text: |
          ...

An entry is *done* when it has a `text` and its `hash` is the hash of the source text now; it is *stale*
when the source changed since (or `review: true`, which `escape translate extract` sets when it marks
a changed text), and *missing* without a `text`. Play shows the source text for stale and missing
entries. Translated text is compiled and type-checked like the source: it may use `{{ }}` and
`{% if %}`, read the same variables and name the same scenes.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from game.compiler.checker import Checker, display_path, unknown_message
from game.compiler.expr import ExprError, Names
from game.compiler.schema import LANGUAGE_RE, TRANSLATION_ENTRY, message_text
from game.compiler.template import compile_template, tokens
from game.compiler.yamlsafe import YamlDoc, read_yaml
from game.i18n import _, ngettext
from game.model import Choice, Scene, Story, Template

FOLDER = "i18n"
HASH_LENGTH = 8
SOURCE_LANGUAGE = "en"
_SLUG = re.compile(r"[^a-z0-9]+")

DONE, STALE, MISSING = "done", "stale", "missing"


@dataclass(frozen=True, slots=True)
class Unit:
    """One translatable text of a story."""

    key: str
    source: str
    template: bool  # compiled like story text ({{ }} and {% if %}); else shown as it is
    group: str  # the file it comes from (story.yaml, or a scene file), for the order of an overlay


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of an overlay as read."""

    key: str
    hash: str
    text: str | None
    review: bool
    source: str | None


def text_hash(text: str) -> str:
    """The hash an entry records of the source text it translates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def chapter_key(name: str, taken: dict[str, str]) -> str:
    """The key of a chapter name (chapters have no id: the key is made from the name, unique in `taken`)."""
    if name in taken:
        return taken[name]
    slug = _SLUG.sub("_", name.lower()).strip("_")[:48] or "chapter"
    key, n = f"chapter.{slug}", 2
    while key in taken.values():
        key, n = f"chapter.{slug}_{n}", n + 1
    taken[name] = key
    return key


def units(story: Story) -> list[Unit]:
    """Every translatable text of the story, in the order an overlay lists them."""
    found: list[Unit] = []
    manifest = "story.yaml"

    def add(key: str, source: str, template: bool, group: str) -> None:
        if source:
            found.append(Unit(key, source, template, group))

    add("story.title", story.title, False, manifest)
    add("story.blurb", story.blurb, False, manifest)
    for variable in story.variables.values():
        if variable.show != "hidden":
            add(f"variable.{variable.name}.label", variable.label, False, manifest)
    for item in story.items.values():
        add(f"item.{item.id}.name", item.name, False, manifest)
        add(f"item.{item.id}.text", item.text, False, manifest)
    for ending in story.endings.values():
        add(f"ending.{ending.id}.title", ending.title, False, manifest)
        add(f"ending.{ending.id}.hint", ending.hint, False, manifest)
    chapters: dict[str, str] = {}
    for scene in story.scenes.values():
        group = scene.source.rpartition(":")[0].replace("\\", "/").rpartition("/")[2] or "scenes"
        if scene.chapter and scene.chapter not in chapters:
            add(chapter_key(scene.chapter, chapters), scene.chapter, False, group)
        add(f"scene.{scene.id}.title", scene.title, False, group)
        add(f"scene.{scene.id}.text", scene.text.source, True, group)
        if scene.revisit_text is not None:
            add(f"scene.{scene.id}.revisit_text", scene.revisit_text.source, True, group)
        for choice in scene.all_choices:
            prefix = f"choice.{scene.id}.{choice.id}"
            add(f"{prefix}.text", choice.text.source, True, group)
            if choice.disabled_text is not None:
                add(f"{prefix}.disabled_text", choice.disabled_text.source, True, group)
            if choice.outcome is not None:
                add(f"{prefix}.outcome", choice.outcome.source, True, group)
    return found


def overlay_path(folder: str | Path, lang: str) -> Path:
    return Path(folder) / FOLDER / f"{lang}.yaml"


def languages(folder: str | Path) -> list[str]:
    """The languages a story folder has translations for (its `i18n/<lang>.yaml` files), sorted."""
    where = Path(folder) / FOLDER
    try:
        names = [p.stem for p in where.iterdir() if p.suffix == ".yaml" and p.is_file() and not p.is_symlink()]
    except OSError:
        return []
    return sorted(n for n in names if LANGUAGE_RE.fullmatch(n))


def status(entry: Entry | None, unit: Unit) -> str:
    """done, stale or missing."""
    if entry is None or not entry.text:
        return MISSING
    if entry.review or entry.hash != text_hash(unit.source):
        return STALE
    return DONE


@dataclass
class Overlay:
    """An overlay file as read: its entries by key, and where each is (for messages)."""

    language: str
    name: str
    entries: dict[str, Entry]
    doc: YamlDoc | None

    def where(self, key: str, field: str | None = None) -> tuple[str, int, int]:
        if self.doc is None:
            return ("", 1, 1)
        return self.doc.where(("entries", key) + ((field,) if field else ()))


def read_overlay(path: Path, lang: str, checker: Checker) -> Overlay | None:
    """The overlay at `path` for `lang` (None after reporting why it cannot be read)."""
    doc = read_yaml(path, checker, display_path(path))
    if doc is None:
        return None
    data = doc.data
    errors = checker.error_count

    def report(loc: tuple[Any, ...], message: Any, code: str) -> None:
        checker.report(*doc.where(loc), "error", message_text(message), code)

    if not isinstance(data, dict):
        report((), _("a translation must be a mapping with 'language' and 'entries'"), "schema")
        return None
    for key in data:
        if key not in ("language", "name", "entries"):
            report(
                (key,),
                _("unknown field '{field}' in a translation (it has language, name and entries)").format(
                    field=str(key)[:40]
                ),
                "schema",
            )
    if data.get("language") != lang:
        message = _("this translation says language '{said}', but its file name says '{lang}'; make them agree")
        report(("language",), message.format(said=str(data.get("language"))[:20], lang=lang), "schema")
    name = data.get("name", "")
    if not isinstance(name, str):
        report(("name",), _("'name' must be text: the language's own name, such as Italiano"), "schema")
        name = ""
    raw = data.get("entries") or {}
    if not isinstance(raw, dict):
        report(("entries",), _("'entries' must be a mapping of keys to entries"), "schema")
        raw = {}
    entries: dict[str, Entry] = {}
    for key, spec in raw.items():
        if not TRANSLATION_ENTRY.check(spec, ("entries", key), report, f"entry '{str(key)[:60]}'"):
            continue
        text = spec.get("text")
        entries[str(key)] = Entry(str(key), spec["hash"], text, spec.get("review", False), spec.get("source"))
    if checker.error_count != errors:
        return None
    return Overlay(lang, name, entries, doc)


class Translator:
    """Applies one overlay to a compiled story, reporting every problem to the checker."""

    def __init__(self, story: Story, overlay: Overlay, checker: Checker) -> None:
        self.story = story
        self.overlay = overlay
        self.checker = checker
        self.names = Names({n: v.type for n, v in story.variables.items()}, frozenset(story.items), checker.suggest)
        self.texts: dict[str, str] = {}  # plain texts by key
        self.templates: dict[str, Template] = {}  # compiled texts by key
        self.counts = {DONE: 0, STALE: 0, MISSING: 0}
        self.missing: list[str] = []

    def check(self) -> None:
        """Compile every done entry; report stale and unknown entries, and the missing ones in one line."""
        known = units(self.story)
        by_key = {unit.key: unit for unit in known}
        for unit in known:
            entry = self.overlay.entries.get(unit.key)
            state = status(entry, unit)
            self.counts[state] += 1
            if state == MISSING:
                self.missing.append(unit.key)
            elif state == STALE:
                assert entry is not None
                message = _(
                    "the source text of '{key}' changed since it was translated: the source shows until the "
                    "translation is revised (escape translate extract marks it, with the new source beside it)"
                )
                self.checker.report(
                    *self.overlay.where(unit.key), "warning", message.format(key=unit.key), "stale-translation"
                )
            else:
                assert entry is not None and entry.text is not None
                self._compile(unit, entry.text)
        for key in self.overlay.entries:
            if key not in by_key:
                message = _("no text of the story has the key '{key}' (removed or renamed?); delete the entry")
                self.checker.report(
                    *self.overlay.where(key), "warning", message.format(key=key[:80]), "unknown-translation"
                )
        if self.missing:
            shown = ", ".join(self.missing[:3]) + (", ..." if len(self.missing) > 3 else "")
            message = ngettext(
                "{count} text has no translation ({keys}): the source shows; run escape translate extract",
                "{count} texts have no translation ({keys}): the source shows; run escape translate extract",
                len(self.missing),
            )
            path = self.overlay.doc.path if self.overlay.doc is not None else ""
            self.checker.report(
                path, 1, 1, "warning", message.format(count=len(self.missing), keys=shown), "missing-translation"
            )

    def _compile(self, unit: Unit, text: str) -> None:
        if not unit.template:
            self.texts[unit.key] = text
            return
        doc = self.overlay.doc
        loc = ("entries", unit.key, "text")
        try:
            compiled = compile_template(text, self.names)
        except ExprError as err:
            where = doc.value_where(loc, err.offset) if doc is not None else ("", 1, 1)
            self.checker.report(*where, "error", err.message, err.code)
            return
        for ref in compiled.refs:
            table: Any = {"scene": self.story.scenes, "choice": self.story.choice_index}.get(ref.kind)
            if table is not None and ref.name not in table:
                where = doc.value_where(loc, ref.offset) if doc is not None else ("", 1, 1)
                message = unknown_message(ref.kind).format(
                    name=ref.name, suggestion=self.checker.suggest(ref.name, table)
                )
                self.checker.report(*where, "error", message, f"unknown-{ref.kind}")
                return
        self.templates[unit.key] = compiled

    def story_in_language(self) -> Story:
        """The story with every done entry in place of its source text."""
        story, texts, templates, lang = self.story, self.texts, self.templates, self.overlay.language

        def text(key: str, source: str) -> str:
            return texts.get(key, source)

        def template(key: str, source: Template | None) -> Template | None:
            return templates.get(key, source) if source is not None else None

        chapters: dict[str, str] = {}
        scenes: dict[str, Scene] = {}
        for scene in story.scenes.values():
            chapter = text(chapter_key(scene.chapter, chapters), scene.chapter) if scene.chapter else ""
            choices = tuple(self._choice(scene.id, c, template) for c in scene.choices)
            fallback = self._choice(scene.id, scene.fallback, template) if scene.fallback is not None else None
            scenes[scene.id] = replace(
                scene,
                title=text(f"scene.{scene.id}.title", scene.title),
                text=templates.get(f"scene.{scene.id}.text", scene.text),
                revisit_text=template(f"scene.{scene.id}.revisit_text", scene.revisit_text),
                chapter=chapter,
                choices=choices,
                fallback=fallback,
            )
        variables = {
            name: replace(v, label=text(f"variable.{name}.label", v.label)) for name, v in story.variables.items()
        }
        items = {
            i: replace(item, name=text(f"item.{i}.name", item.name), text=text(f"item.{i}.text", item.text))
            for i, item in story.items.items()
        }
        endings = {
            e: replace(end, title=text(f"ending.{e}.title", end.title), hint=text(f"ending.{e}.hint", end.hint))
            for e, end in story.endings.items()
        }
        return replace(
            story,
            title=text("story.title", story.title),
            blurb=text("story.blurb", story.blurb),
            variables=MappingProxyType(variables),
            items=MappingProxyType(items),
            endings=MappingProxyType(endings),
            scenes=MappingProxyType(scenes),
            choice_index=MappingProxyType({c.key: c for s in scenes.values() for c in s.all_choices}),
            language=lang,
        )

    @staticmethod
    def _choice(scene_id: str, choice: Choice, template: Any) -> Choice:
        prefix = f"choice.{scene_id}.{choice.id}"
        return replace(
            choice,
            text=template(f"{prefix}.text", choice.text),
            disabled_text=template(f"{prefix}.disabled_text", choice.disabled_text),
            outcome=template(f"{prefix}.outcome", choice.outcome),
        )


def translate(story: Story, folder: str | Path, lang: str | None, checker: Checker) -> Story:
    """The story in `lang` (the source when it is the story's own language, or has no overlay)."""
    if not lang or lang == story.language:
        return story
    path = overlay_path(folder, lang)
    if not path.exists():
        return story
    overlay = read_overlay(path, lang, checker)
    if overlay is None:
        return story
    translator = Translator(story, overlay, checker)
    translator.check()
    return translator.story_in_language()


def check_all(story: Story, folder: str | Path, checker: Checker) -> list[Translator]:
    """Check every overlay of a story folder (escape validate, escape translate check): the checked ones."""
    checked = []
    for lang in languages(folder):
        overlay = read_overlay(overlay_path(folder, lang), lang, checker)
        if overlay is not None:
            translator = Translator(story, overlay, checker)
            translator.check()
            checked.append(translator)
    return checked


_MANIFEST_OVERLAYS: dict[tuple[str, str, int, int], Overlay | None] = {}  # by file, language, time and size


def manifest_texts(info: Any, folder: str | Path, lang: str) -> Any:
    """A manifest summary (loader.StoryInfo) with its title, blurb and endings in `lang` where the story's
    translation has them done; as it was when the translation is missing or cannot be read."""
    path = overlay_path(folder, lang)
    try:
        stat = path.stat()
    except OSError:
        return info
    key = (str(path.resolve()), lang, stat.st_mtime_ns, stat.st_size)
    if key not in _MANIFEST_OVERLAYS:  # the title screen and the gallery ask each time they draw
        if len(_MANIFEST_OVERLAYS) >= 16:
            _MANIFEST_OVERLAYS.clear()
        _MANIFEST_OVERLAYS[key] = read_overlay(path, lang, Checker()) if path.is_file() else None
    overlay = _MANIFEST_OVERLAYS[key]
    if overlay is None:
        return info

    def text(key: str, source: str) -> str:
        entry = overlay.entries.get(key)
        unit = Unit(key, source, False, "story.yaml")
        return entry.text if entry is not None and entry.text and status(entry, unit) == DONE else source

    endings = tuple(
        replace(e, title=text(f"ending.{e.id}.title", e.title), hint=text(f"ending.{e.id}.hint", e.hint))
        for e in info.ending_list
    )
    return replace(
        info, title=text("story.title", info.title), blurb=text("story.blurb", info.blurb), ending_list=endings
    )


def prose_in_expression(text: str) -> int | None:
    """Where the first `{{ }}` of a text holds quoted words (not a scene, choice or item named in a call),
    which a translator could reach only by editing the expression; None if none does."""
    if "{{" not in text:
        return None
    for token in tokens(text):
        if token.kind != "expr":
            continue
        body = text[token.body_start : token.body_end].strip()
        tree = _parsed(body) or _parsed(body + " else ''")
        if tree is None:
            continue
        named = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call) for arg in node.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in named:
                if any(ch.isalpha() for ch in node.value):
                    return token.start
    return None


def _parsed(source: str) -> ast.AST | None:
    try:
        return ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None

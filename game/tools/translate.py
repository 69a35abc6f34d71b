"""Translation work for authors: write an overlay with every missing or stale entry (the source beside
it), and count each language's entries (done, missing, stale, words).

The overlay format and its checks are game.compiler.translation's; this module only writes files and
counts. Writing keeps every translation already made: a done entry is written as it was; an entry whose
source changed keeps its text, gets the new hash, `review: true` and the new source; a missing entry gets
its hash and its source and no text; entries for texts that no longer exist are kept at the end, for the
translator to delete (escape validate names them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from game.compiler.checker import COLLECT, Checker
from game.compiler.translation import (
    DONE,
    MISSING,
    STALE,
    Entry,
    Unit,
    overlay_path,
    read_overlay,
    status,
    text_hash,
    units,
)
from game.compiler.yamlsafe import parse_yaml_text
from game.i18n import LANGUAGES
from game.model import Story

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S*?)story\.schema\.json$")


def words(text: str) -> int:
    """Words of prose in a text, its tags left out."""
    return len(_WORD.findall(_TAG.sub(" ", text)))


@dataclass
class Extracted:
    """What `extract` wrote: how many entries of each kind, and the file."""

    path: Path
    done: int = 0
    stale: int = 0
    missing: int = 0
    unknown: int = 0
    changed: bool = False


def _scalar(text: str, indent: int) -> str:
    """A YAML scalar for `text` after a key: a literal block for prose over several lines, else a quoted
    string; whichever reads back as exactly `text`."""
    quoted = json.dumps(text, ensure_ascii=False)
    if "\n" in text.rstrip("\n") and "\r" not in text and "\t" not in text and not text[:1].isspace():
        body = text.rstrip("\n")
        trailing = len(text) - len(body)
        chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
        pad = " " * indent
        lines = [(pad + line) if line else "" for line in (body + "\n" * max(0, trailing - 1)).split("\n")]
        block = f"|{chomp}\n" + "\n".join(lines)
        doc = parse_yaml_text("v: " + block + "\n", "<entry>", Checker(COLLECT))
        if doc is not None and isinstance(doc.data, dict) and doc.data.get("v") == text:
            return block
    return quoted


def _entry_text(key: str, fields: list[tuple[str, object]]) -> str:
    lines = [f"  {json.dumps(key)}:" if not re.fullmatch(r"[a-z0-9_.]+", key) else f"  {key}:"]
    for name, value in fields:
        if isinstance(value, bool):
            lines.append(f"    {name}: {'true' if value else 'false'}")
        else:
            lines.append(f"    {name}: {_scalar(str(value), 6)}")
    return "\n".join(lines)


def schema_line(folder: str | Path) -> str | None:
    """The modeline for a translation of the story in `folder`, pointing where the manifest's points (one
    folder up, since translations are in i18n/); None when the manifest has none."""
    try:
        with open(Path(folder) / "story.yaml", encoding="utf-8") as manifest:
            first = manifest.readline(4096)
    except (OSError, UnicodeDecodeError):
        return None
    found = _MODELINE.match(first.strip())
    if found is None or "://" in found.group(1) or found.group(1).startswith("/"):
        return None
    return f"# yaml-language-server: $schema=../{found.group(1)}translation.schema.json"


def overlay_text(
    story: Story, lang: str, entries: dict[str, Entry], result: Extracted, modeline: str | None = None
) -> str:
    """The whole overlay file, in the story's order, with a comment line before each source file's part."""
    name = LANGUAGES.get(lang, "")
    out = [line for line in (modeline,) if line] + [
        f"# {story.title}: the {lang} translation. `escape translate extract` adds what is missing or changed;",
        '# translate each `text`, then delete `source` and `review` (docs/AUTHORING.md, "Translating a story").',
        f"language: {lang}",
    ]
    if name:
        out.append(f"name: {json.dumps(name, ensure_ascii=False)}")
    out.append("entries:")
    group = None
    every = units(story)
    for unit in every:
        if unit.group != group:
            group = unit.group
            out.append(f"\n  # {group}")
        entry = entries.get(unit.key)
        state = status(entry, unit)
        if state == DONE:
            assert entry is not None
            result.done += 1
            out.append(_entry_text(unit.key, [("hash", entry.hash), ("text", entry.text or "")]))
        elif state == STALE:
            assert entry is not None
            result.stale += 1
            fields: list[tuple[str, object]] = [("hash", text_hash(unit.source)), ("review", True)]
            out.append(_entry_text(unit.key, [*fields, ("text", entry.text or ""), ("source", unit.source)]))
        else:
            result.missing += 1
            out.append(_entry_text(unit.key, [("hash", text_hash(unit.source)), ("source", unit.source)]))
    known = {unit.key for unit in every}
    leftover = [entry for key, entry in entries.items() if key not in known]
    if leftover:
        out.append("\n  # texts the story no longer has (removed or renamed): delete these entries")
    for entry in leftover:
        result.unknown += 1
        fields = [("hash", entry.hash)]
        if entry.text is not None:
            fields.append(("text", entry.text))
        out.append(_entry_text(entry.key, fields))
    return "\n".join(out) + "\n"


def extract(story: Story, folder: str | Path, lang: str, checker: Checker) -> Extracted:
    """Write (or bring up to date) the story's overlay for `lang`. A file that cannot be read is never
    written over: its problems are reported to `checker` and nothing is written."""
    path = overlay_path(folder, lang)
    entries: dict[str, Entry] = {}
    before = ""
    if path.exists():
        overlay = read_overlay(path, lang, checker)
        if overlay is None:
            return Extracted(path)
        entries = overlay.entries
        before = path.read_text(encoding="utf-8")
    result = Extracted(path)
    text = overlay_text(story, lang, entries, result, schema_line(folder))
    if text != before:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        result.changed = True
    return result


@dataclass
class LanguageStats:
    language: str
    done: int
    stale: int
    missing: int
    source_words: int  # words of the source in every text
    done_words: int  # words of the source in the texts done
    translated_words: int  # words of the translation in the texts done

    def as_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "done": self.done,
            "stale": self.stale,
            "missing": self.missing,
            "source_words": self.source_words,
            "done_words": self.done_words,
            "translated_words": self.translated_words,
        }


def language_stats(story: Story, lang: str, entries: dict[str, Entry]) -> LanguageStats:
    counts = {DONE: 0, STALE: 0, MISSING: 0}
    source_words = done_words = translated = 0
    for unit in units(story):
        entry = entries.get(unit.key)
        state = status(entry, unit)
        counts[state] += 1
        source_words += words(unit.source)
        if state == DONE and entry is not None and entry.text:
            done_words += words(unit.source)
            translated += words(entry.text)
    return LanguageStats(lang, counts[DONE], counts[STALE], counts[MISSING], source_words, done_words, translated)


__all__ = ["Extracted", "LanguageStats", "Unit", "extract", "language_stats", "overlay_text", "words"]

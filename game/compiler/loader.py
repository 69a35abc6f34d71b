"""Load a story folder into a validated, immutable `Story`.

`check_story` collects every problem (for `escape validate`); `load_story` stops at the first error
(for play). Both run the same `StoryCompiler` (game.compiler.folder) through the same Checker.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from game.compiler.cache import StoryCache, default_cache_dir
from game.compiler.checker import COLLECT, FIRST, Checker, display_path
from game.compiler.folder import MANIFEST_NAME, SitedProbes, StoryCompiler, ending_of
from game.compiler.schema import MANIFEST, message_text
from game.compiler.translation import check_all, manifest_texts, translate
from game.compiler.yamlsafe import read_yaml
from game.errors import Diagnostic, StoryError
from game.model import Ending, Story


@dataclass(frozen=True)
class StoryInfo:
    """What a story's manifest says about it, read without loading its scenes (for the title screen)."""

    id: str
    title: str
    blurb: str
    endings: int
    ending_list: tuple[Ending, ...] = ()  # in the manifest's order (for the endings gallery)


def read_manifest(folder: str | Path, lang: str | None = None) -> StoryInfo | None:
    """The manifest's summary, or None if it cannot be read (loading the story then says why); with `lang`,
    its title, blurb and ending titles and hints from the story's translation into it, where they are done."""
    checker = Checker(COLLECT)
    doc = read_yaml(Path(folder) / MANIFEST_NAME, checker)
    if doc is None or not isinstance(doc.data, dict):
        return None
    MANIFEST.check(
        doc.data, (), lambda loc, message, code: checker.error(("", 0, 0), message_text(message), code), "manifest"
    )
    if checker.errors:
        return None
    data = doc.data
    endings = tuple(ending_of(spec) for spec in data["endings"])
    info = StoryInfo(data["id"], data["title"], data["blurb"].strip(), len(endings), endings)
    if lang and lang != data.get("language", "en"):
        info = manifest_texts(info, folder, lang)
    return info


@contextmanager
def _collector_paused():
    """Loading allocates hundreds of thousands of objects and frees none: the cyclic garbage collector
    would rescan them over and over (a third of the load time at 5,000 scenes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_story(folder: str | Path, translations: bool = True) -> tuple[Story | None, list[Diagnostic]]:
    """Every problem in a story (errors and warnings), its translations' too unless `translations` is false,
    and the story (in its own language) if it has no errors."""
    checker = Checker(COLLECT)
    with _collector_paused():
        story = StoryCompiler(Path(folder), checker).run()
        if translations and story is not None and not checker.errors:
            check_all(story, folder, checker)
    return (story if not checker.errors else None), checker.diagnostics


_DEFAULT = Path()  # "the default cache folder" (see load_story)


def load_story(folder: str | Path, cache_dir: Path | None = _DEFAULT, lang: str | None = None) -> Story:
    """Load a story to play; raises StoryError at its first error. Parsed files are cached in `cache_dir`
    (by default $ESCAPE_CACHE or the user's cache folder; None: no cache), so a story loaded before
    loads without reading its YAML again. With `lang`, the story's translation into that language is
    applied (its errors are the story's; texts not yet translated show in the source language)."""
    if cache_dir is _DEFAULT:
        cache_dir = default_cache_dir()
    cache = StoryCache(cache_dir) if cache_dir is not None else None
    if cache is None:
        story = _load(Path(folder), None)
    else:
        try:
            story = _load(Path(folder), cache)
        except Exception:  # noqa: BLE001 - a story that fails from the cache is read again from its files
            story = _load(Path(folder), None)
    if lang and lang != story.language:
        with _collector_paused():
            story = translate(story, folder, lang, Checker(FIRST))
    return story


def load_probed(folder: str | Path, probes: SitedProbes) -> Story:
    """Load a story whose `{% if %}` branches report to `probes` when shown (a coverage run; never cached)."""
    checker = Checker(FIRST)
    with _collector_paused():
        story = StoryCompiler(Path(folder), checker, None, probes).run()
    if story is None:  # pragma: no cover - FIRST mode raises before this
        raise StoryError(checker.diagnostics)
    return story


def _load(folder: Path, cache: StoryCache | None) -> Story:
    checker = Checker(FIRST)
    with _collector_paused():
        story = StoryCompiler(folder, checker, cache).run()
    if story is None:  # pragma: no cover - FIRST mode raises before this
        raise StoryError(checker.diagnostics)
    return story


__all__ = ["MANIFEST_NAME", "StoryInfo", "check_story", "display_path", "load_probed", "load_story", "read_manifest"]

"""`escape translate`: a story's translations. `extract` writes or brings up to date a language's overlay
(every missing or changed text with its source beside it); `check` reports each translation's problems,
stale and missing entries; `stats` counts, per language, the entries done, missing and stale, and the words."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.cli.common import json_text
from game.compiler.bundled import bundled_stories, find_story
from game.compiler.checker import COLLECT, Checker
from game.compiler.loader import check_story, display_path
from game.compiler.translation import check_all, languages, overlay_path, read_overlay
from game.errors import Diagnostic, EscapeError, StoryError
from game.i18n import _, ngettext
from game.model import Story
from game.model.shown import shown
from game.tools.translate import extract, language_stats


def run(args: argparse.Namespace) -> int:
    action = args.action
    if action == "extract":
        return _extract(args.story, args.lang_code)
    folders = [find_story(args.story)] if args.story else list(bundled_stories().values())
    if not folders:
        raise EscapeError(_("no bundled stories found; name a story folder"))
    if action == "check":
        return _check(folders, args.lang_code, strict=args.strict)
    return _stats(folders, args.lang_code, as_json=args.json)


def _source(folder: Path) -> Story:
    """The story in its own language (its translations are each command's business); its errors, which a
    translation cannot be checked without, raised."""
    story, diagnostics = check_story(folder, translations=False)
    if story is None:
        raise StoryError([d for d in diagnostics if d.is_error])
    return story


def _extract(name: str, lang: str | None) -> int:
    if not lang:
        raise EscapeError(_("name the language to extract with --lang CODE (for example --lang it)"))
    folder = find_story(name)
    story = _source(folder)
    if lang == story.language:
        message = _("'{lang}' is the language the story is written in; name the language to translate it into")
        raise EscapeError(message.format(lang=lang))
    checker = Checker(COLLECT)
    result = extract(story, folder, lang, checker)
    if checker.errors:
        for diag in checker.diagnostics:
            print(shown(str(diag), None))
        print(
            _("{path} cannot be read, so it was not written; fix it and extract again").format(
                path=display_path(result.path)
            )
        )
        return 1
    verb = _("written") if result.changed else _("already up to date")
    print(_("{path}: {verb}").format(path=display_path(result.path), verb=verb))
    print(
        _("{done} done, {stale} to revise (review: true), {missing} to translate").format(
            done=result.done, stale=result.stale, missing=result.missing
        )
    )
    if result.unknown:
        print(
            ngettext(
                "{count} entry names a text the story no longer has: it is kept at the end; delete it",
                "{count} entries name texts the story no longer has: they are kept at the end; delete them",
                result.unknown,
            ).format(count=result.unknown)
        )
    return 0


def _check(folders: list[Path], lang: str | None, strict: bool) -> int:
    diagnostics: list[Diagnostic] = []
    checked = 0
    for folder in folders:
        story = _source(folder)
        checker = Checker(COLLECT)
        for translator in check_all(story, folder, checker):
            if lang is None or translator.overlay.language == lang:
                checked += 1
        diagnostics += [d for d in checker.diagnostics if lang is None or _in_language(d, folder, lang)]
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    for diag in diagnostics:
        print(shown(str(diag), None))
    print(
        ngettext("{count} translation checked", "{count} translations checked", checked).format(count=checked)
        + ": "
        + ngettext("{count} error", "{count} errors", errors).format(count=errors)
        + ", "
        + ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings)
    )
    return 1 if errors or (strict and warnings) else 0


def _in_language(diag: Diagnostic, folder: Path, lang: str) -> bool:
    return Path(diag.path).resolve() == overlay_path(folder, lang).resolve()


def _stats(folders: list[Path], lang: str | None, as_json: bool) -> int:
    report = []
    for folder in folders:
        story = _source(folder)
        for code in languages(folder):
            if lang is not None and code != lang:
                continue
            overlay = read_overlay(overlay_path(folder, code), code, Checker(COLLECT))
            if overlay is None:
                message = _("{path} cannot be read: run escape translate check to see why")
                raise EscapeError(message.format(path=display_path(overlay_path(folder, code))))
            stats = language_stats(story, code, overlay.entries)
            report.append((story, stats))
    if as_json:
        print(json_text([{"story": story.id, **stats.as_dict()} for story, stats in report]))
        return 0
    if not report:
        print(_("no translations found"))
        return 0
    for story, stats in report:
        total = stats.done + stats.stale + stats.missing
        share = 100 * stats.done / total if total else 100.0
        print(
            _(
                "{story} [{lang}]: {done} of {total} texts done ({share:.0f}%), {stale} stale, {missing} missing; "
                "{words:,} of {source:,} source words translated ({translated:,} words in the translation)"
            ).format(
                story=story.title,
                lang=stats.language,
                done=stats.done,
                total=total,
                share=share,
                stale=stats.stale,
                missing=stats.missing,
                words=stats.done_words,
                translated=stats.translated_words,
                source=stats.source_words,
            )
        )
    return 0


__all__ = ["run"]

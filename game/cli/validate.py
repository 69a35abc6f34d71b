"""`escape validate`: every problem in every story, one line each, then a count."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from game.cli.common import json_text
from game.compiler.bundled import bundled_stories, find_story
from game.compiler.loader import check_story, display_path
from game.errors import Diagnostic, EscapeError
from game.i18n import _, ngettext
from game.model.shown import shown


def run(args: argparse.Namespace) -> int:
    return run_validate(args.paths, strict=args.strict, as_json=args.json, watch=args.watch)


def run_validate(names: list[str], strict: bool = False, as_json: bool = False, watch: bool = False) -> int:
    if watch:
        return _watch(names, strict)
    folders: list[Path] = []
    diagnostics: list[Diagnostic] = []
    if not names:
        folders = list(bundled_stories().values())
        if not folders:
            raise EscapeError(_("no bundled stories found; name a story folder"))
    for name in names:
        try:
            folders.append(find_story(name))
        except EscapeError as err:
            diagnostics.append(Diagnostic(name, 1, 1, "error", str(err), "io"))
    for folder in folders:
        diagnostics.extend(check_story(folder)[1])
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    failed = errors > 0 or (strict and warnings > 0)
    if as_json:
        report = {
            "stories": [display_path(f) for f in folders],
            "errors": errors,
            "warnings": warnings,
            "ok": not failed,
            "diagnostics": [d.as_dict() for d in diagnostics],
        }
        print(json_text(report))
    else:
        for diag in diagnostics:
            print(shown(str(diag), None))
        checked = ngettext("{count} story checked", "{count} stories checked", len(folders))
        print(
            _("{checked}: {errors}, {warnings}").format(
                checked=checked.format(count=len(folders)),
                errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
                warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings),
            ),
            file=sys.stdout,
        )
    return 1 if failed else 0


def _watch(names: list[str], strict: bool) -> int:
    """Re-check on every save until Ctrl-C."""
    from game.tools.watch import watch

    folders = [find_story(n) for n in names] if names else list(bundled_stories().values())

    def check() -> None:
        print("\033[2J\033[H" if sys.stdout.isatty() else "", end="")
        print(time.strftime("[%H:%M:%S] "), end="")
        run_validate(names, strict=strict)
        print(_("Watching for changes; Ctrl-C stops."), flush=True)

    try:
        watch(folders, check)
    except KeyboardInterrupt:
        print()
    return 0

"""`escape graph`: write the story map as Mermaid, dot or SVG."""

from __future__ import annotations

import argparse
import shutil
import subprocess

from game.cli.common import load_for_tool
from game.errors import EscapeError
from game.i18n import _
from game.model.shown import shown
from game.tools.graph import read_report, to_dot, to_mermaid
from game.tools.output import check_file, shown_path, write_file


def run(args: argparse.Namespace) -> int:
    return run_graph(args.story, args.format, args.output, args.coverage, args.force)


def run_graph(
    name: str, fmt: str = "mermaid", output: str | None = None, coverage: str | None = None, force: bool = False
) -> int:
    if output is not None:  # refused before any work: a folder, a link, a device, an existing file without --force
        check_file(output, force=force, option="-o")
    _folder, story = load_for_tool(name)
    report = read_report(coverage, story.id) if coverage is not None else None
    if fmt == "mermaid":
        text = to_mermaid(story, report)
    else:
        text = to_dot(story, report)
    if fmt == "svg":
        text = _svg(text)
    if output is not None:
        write_file(output, text, force=force, option="-o")
        print(_("wrote {path}").format(path=shown_path(output)))
    else:
        print(text, end="")
    return 0


def _svg(dot_text: str) -> str:
    """The map drawn by Graphviz's dot; EscapeError if it is missing, fails or takes too long."""
    dot = shutil.which("dot")
    if dot is None:
        raise EscapeError(
            _(
                "SVG needs Graphviz's 'dot' program, which is not installed "
                "(Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz); "
                "--format dot or --format mermaid work without it"
            )
        )
    try:
        result = subprocess.run(
            [dot, "-Tsvg"],
            input=dot_text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        raise EscapeError(_("dot took more than 120 seconds to draw the map; try --format dot or mermaid")) from None
    except OSError as err:
        raise EscapeError(
            _("cannot run {program}: {reason}").format(program=shown_path(dot), reason=err.strerror or err)
        ) from None
    if result.returncode != 0:
        raise EscapeError(_("dot failed: {reason}").format(reason=shown(result.stderr.strip(), 2000, multiline=True)))
    return result.stdout

"""`escape graph`: write the story map as Mermaid, dot or SVG."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

from game.cli.common import load_for_tool
from game.errors import EscapeError
from game.tools.graph import to_dot, to_mermaid


def _coverage(path: str, story_id: str) -> dict:
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EscapeError(f"cannot read the playtest report {path}: {err}") from None
    if (
        not isinstance(report, dict)
        or not isinstance(report.get("scenes"), dict)
        or not isinstance(report.get("choices"), dict)
    ):
        raise EscapeError(f"{path} is not a report of 'escape playtest --out'")
    if report.get("story") != story_id:
        raise EscapeError(f"{path} is a report of '{report.get('story')}', not of '{story_id}'")
    return report


def run(args: argparse.Namespace) -> int:
    return run_graph(args.story, args.format, args.output, args.coverage)


def run_graph(name: str, fmt: str = "mermaid", output: str | None = None, coverage: str | None = None) -> int:
    _, story = load_for_tool(name)
    report = _coverage(coverage, story.id) if coverage else None
    if fmt == "mermaid":
        text = to_mermaid(story, report)
    else:
        text = to_dot(story, report)
    if fmt == "svg":
        dot = shutil.which("dot")
        if dot is None:
            raise EscapeError(
                "SVG needs Graphviz's 'dot' program, which is not installed "
                "(Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz); "
                "--format dot or --format mermaid work without it"
            )
        result = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise EscapeError(f"dot failed: {result.stderr.strip()}")
        text = result.stdout
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    else:
        print(text, end="")
    return 0

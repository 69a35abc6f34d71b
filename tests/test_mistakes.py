"""A new author's mistakes, one per fixture, and what `escape validate` says about each.

Each folder in tests/mistakes/ (`NN_name/`) holds the files that differ from the valid story in
tests/mistakes/base/, an `expected.txt` with the exact diagnostics (paths relative to the story folder),
and a `mistake.yaml`: what the author did, the file and line where they went wrong, and words of the
fix that the first diagnostic must carry. The docs' table of mistakes (docs/AUTHORING.md, Part 3) is
rendered from the fixtures.

    python -m tests.test_mistakes --expected   # rewrite every expected.txt from the validator (then review!)
    python -m tests.test_mistakes --docs       # rewrite the table in docs/AUTHORING.md
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from game.compiler.loader import check_story

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "mistakes"
BASE = FIXTURES / "base"
DOCS = HERE.parent / "docs" / "AUTHORING.md"
TABLE_START = "<!-- mistakes table: rendered from tests/mistakes by `python -m tests.test_mistakes --docs` -->"
TABLE_END = "<!-- end of the mistakes table -->"
MIN_FIXTURES = 45
MIN_SHARE = 0.9


@dataclass(frozen=True)
class Mistake:
    """One fixture: its folder and its metadata."""

    folder: Path
    mistake: str
    file: str
    line: int
    fix: str

    @property
    def name(self) -> str:
        return self.folder.name

    def source_line(self) -> str:
        """The line where the author went wrong, as written."""
        overlay = self.folder / self.file
        text = (overlay if overlay.exists() else BASE / self.file).read_text(encoding="utf-8")
        return text.split("\n")[self.line - 1]

    def expected(self) -> list[str]:
        return (self.folder / "expected.txt").read_text(encoding="utf-8").splitlines()


def mistakes() -> list[Mistake]:
    """Every fixture, in order."""
    found = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name[:2].isdigit()):
        meta = yaml.safe_load((folder / "mistake.yaml").read_text(encoding="utf-8"))
        found.append(Mistake(folder, meta["mistake"], meta["file"], meta["line"], meta["fix"]))
    return found


def validate(mistake: Mistake, workdir: Path) -> list[str]:
    """The diagnostics of the base story with the fixture's files laid over it, paths relative to the story."""
    story = workdir / mistake.name
    shutil.copytree(BASE, story)
    for file in mistake.folder.iterdir():
        if file.name not in ("mistake.yaml", "expected.txt"):
            shutil.copy(file, story / file.name)
    _, diagnostics = check_story(story)
    return [str(d).replace(str(story) + os.sep, "") for d in diagnostics]


def first_is_right(mistake: Mistake, lines: list[str]) -> bool:
    """Whether the first diagnostic points at the line where the author went wrong and says the fix."""
    return bool(lines) and lines[0].startswith(f"{mistake.file}:{mistake.line}:") and mistake.fix in lines[0]


ALL = mistakes()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, list[str]]:
    workdir = tmp_path_factory.mktemp("mistakes")
    return {m.name: validate(m, workdir) for m in ALL}


def test_the_base_story_is_clean(tmp_path):
    _, diagnostics = check_story(BASE)
    assert diagnostics == []


def test_there_are_enough_mistakes():
    assert len(ALL) >= MIN_FIXTURES


@pytest.mark.parametrize("mistake", ALL, ids=lambda m: m.name)
def test_each_mistake_gets_its_exact_diagnostics(mistake, outputs):
    assert outputs[mistake.name] == mistake.expected()


def test_nine_in_ten_point_at_the_right_line_and_say_the_fix(outputs):
    misses = [m.name for m in ALL if not first_is_right(m, outputs[m.name])]
    share = 1 - len(misses) / len(ALL)
    assert share >= MIN_SHARE, f"{share:.0%} right; missed: {misses}"


@pytest.mark.parametrize("mistake", ALL, ids=lambda m: m.name)
def test_each_fixture_is_one_change_to_the_base_story(mistake):
    overlays = [p.name for p in mistake.folder.iterdir() if p.name not in ("mistake.yaml", "expected.txt")]
    assert overlays, "a fixture holds the files it changes"
    changed = [
        name
        for name in overlays
        if not (BASE / name).exists() or (BASE / name).read_bytes() != (mistake.folder / name).read_bytes()
    ]
    assert changed == overlays, "only files that differ from the base story"
    assert mistake.source_line().strip(), "the line where the author went wrong is a line of the file"
    assert mistake.fix and mistake.mistake.endswith(".")


def _pipes(text: str) -> str:
    """Text with its '|' escaped, for a Markdown table."""
    return text.replace("|", "\\|")


def _cell(text: str) -> str:
    """Text as a Markdown table cell in code."""
    text = _pipes(text.replace("\t", "→"))
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_table() -> str:
    """The docs' table: each mistake, the line as the author wrote it, and the exact diagnostics."""
    rows = [
        TABLE_START,
        "",
        "| # | the mistake | the line as written | what `escape validate` says |",
        "|---|---|---|---|",
    ]
    for number, mistake in enumerate(ALL, 1):
        said = "<br>".join(_cell(line) for line in mistake.expected())
        line = mistake.source_line().rstrip()
        shown = "·" * (len(line) - len(line.lstrip(" "))) + line.lstrip(" ")  # indentation matters: show it
        wrote = _cell(f"{mistake.file}:{mistake.line}: {shown}")
        rows.append(f"| {number} | {_pipes(mistake.mistake)} | {wrote} | {said} |")
    return "\n".join([*rows, "", TABLE_END])


def docs_with_table(docs: str) -> str:
    """The docs with the table between its markers replaced by a fresh rendering."""
    start, end = docs.index(TABLE_START), docs.index(TABLE_END) + len(TABLE_END)
    return docs[:start] + render_table() + docs[end:]


def test_the_docs_table_is_current():
    docs = DOCS.read_text(encoding="utf-8")
    assert docs_with_table(docs) == docs, "the mistakes table is stale: run python -m tests.test_mistakes --docs"


def main(argv: list[str]) -> int:
    """--expected: rewrite expected.txt from the validator; --docs: rewrite the docs' table."""
    if "--expected" in argv:
        with tempfile.TemporaryDirectory() as workdir:
            for mistake in ALL:
                lines = validate(mistake, Path(workdir))
                (mistake.folder / "expected.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
                mark = "ok  " if first_is_right(mistake, lines) else "MISS"
                print(mark, mistake.name, lines[0] if lines else "(nothing reported)")
    if "--docs" in argv:
        DOCS.write_text(docs_with_table(DOCS.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

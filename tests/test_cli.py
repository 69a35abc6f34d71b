"""The command line: validate's output and exit codes, plain play through a pipe, the golden transcript."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game import __version__
from game.cli import main
from game.cli.plain import run_plain
from tests.conftest import DEMO

GOLDEN = Path(__file__).parent / "golden" / "demo_transcript.txt"
GOLDEN_INPUT = "1\nx\n9\n?\n1\n2\nu\n1\n1\n1\n"


def play(input_text: str, seed: int = 5, saves: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = run_plain(str(DEMO), seed=seed, saves=saves, out=out, inp=io.StringIO(input_text))
    return code, out.getvalue()


def test_golden_transcript(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # plain mode wraps to the terminal's width
    code, transcript = play(GOLDEN_INPUT, saves=None)
    assert code == 0
    if os.environ.get("UPDATE_GOLDEN"):  # UPDATE_GOLDEN=1 make test rewrites it; review the diff before committing
        GOLDEN.write_text(transcript, encoding="utf-8")
    assert transcript == GOLDEN.read_text(encoding="utf-8")


def test_plain_play_reaches_an_ending_and_exits_cleanly_on_eof(tmp_path):
    code, transcript = play("1\n1\n2\n1\n1\n1\n1\n", saves=str(tmp_path))
    assert code == 0
    assert "THE END: " in transcript
    code, transcript = play("", saves=None)
    assert code == 0
    assert transcript.rstrip().endswith("Goodbye.")


def test_plain_play_rejects_bad_input_without_losing_the_run():
    code, transcript = play("0\nfoo\n3\n1\nq\n", saves=None)
    assert code == 0
    assert transcript.count("Type a number from 1 to 1 (or ? for help).") == 3
    assert "The match flares" in transcript


@pytest.mark.parametrize("typed", ["\u00b2", "\u2460", "\u0661", "1" + "0" * 4300, " 1 1", "+1", "1.0"])
def test_plain_play_answers_a_number_it_cannot_use_with_the_help_line(typed):
    # '²', '①' and Arabic-Indic digits pass str.isdigit; int() refuses some, and 4,301 digits is too many
    code, transcript = play(f"{typed}\n1\nq\n", saves=None)
    assert code == 0 and "Traceback" not in transcript
    assert transcript.count("Type a number from 1 to 1 (or ? for help).") == 1
    assert "The match flares" in transcript


def test_autosave_and_continue(tmp_path):
    play("1\n1\nq\n", saves=str(tmp_path))
    [run_file] = tmp_path.glob("demo@*--run.*.json")  # the run's own file (the demo story is not bundled)
    saved = json.loads(run_file.read_text())
    assert saved["state"]["log"] == ["cellar.lamp", "cellar.search"] and saved["kind"] == "run"
    out = io.StringIO()
    code = run_plain(str(DEMO), saves=str(tmp_path), resume=True, out=out, inp=io.StringIO("q\n"))
    assert code == 0
    assert "\nBehind the barrels\n" in out.getvalue()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_validate_clean_story_exits_zero():
    result = run_cli("validate", "--strict", str(DEMO))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1] == "1 story checked: 0 errors, 0 warnings"


def broken_story(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "story.yaml").write_text(
        "id: broken\ntitle: B\nblurb: b\nstart: a\nvariables: {unused: 1}\nendings: [{id: e, title: E, kind: bad}]\n"
    )
    (folder / "scenes.yaml").write_text(
        "scenes:\n"
        "  - id: a\n    title: A\n    text: t\n    choices:\n      - {id: c, text: C, goto: b}\n"
        "  - id: b\n    title: B\n    text: t\n    choices:\n      - {id: c, text: C, goto: ende}\n"
        "  - id: end\n    title: End\n    text: t\n    ending: e\n"
    )
    return folder


def test_validate_reports_every_problem_with_places_and_exit_one(tmp_path):
    folder = broken_story(tmp_path)
    result = run_cli("validate", str(folder))
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 1
    assert f"{folder}/scenes.yaml:11:32: error: unknown scene 'ende' (did you mean 'end'?) [unknown-scene]" in lines
    assert any("warning: variable 'unused' is never read" in line for line in lines)  # warnings come with errors
    assert lines[-1] == "1 story checked: 1 error, 1 warning"
    assert "Traceback" not in result.stderr


def test_validate_strict_fails_on_warnings_and_json_is_machine_readable(tmp_path):
    folder = broken_story(tmp_path)
    (folder / "scenes.yaml").write_text((folder / "scenes.yaml").read_text().replace("goto: ende", "goto: end"))
    relaxed = run_cli("validate", str(folder))
    assert relaxed.returncode == 0
    assert "warning: variable 'unused' is never read" in relaxed.stdout
    strict = run_cli("validate", "--strict", str(folder))
    assert strict.returncode == 1
    report = json.loads(run_cli("validate", "--json", "--strict", str(folder)).stdout)
    assert report["ok"] is False and report["errors"] == 0 and report["warnings"] == 1
    assert report["diagnostics"][0]["code"] == "unused-variable"
    assert report["diagnostics"][0]["line"] == 5


def test_unknown_story_is_a_clear_error(capsys):
    assert main(["validate", "no_such_story"]) == 1
    assert "no story 'no_such_story'" in capsys.readouterr().out
    assert main(["play", "no_such_story", "--plain"]) == 1
    assert "escape: error: no story 'no_such_story'" in capsys.readouterr().err


def test_play_of_a_broken_story_prints_diagnostics_not_a_traceback(tmp_path):
    folder = broken_story(tmp_path)
    result = run_cli("play", str(folder), "--plain", "--seed", "1")
    assert result.returncode == 1
    assert "[unknown-scene]" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "start", "words"),
    [
        (["--help"], "usage: escape ", ["play a story", "check stories and report every problem"]),
        (["--version"], f"escape-lines {__version__}", []),
        (["validate", "--help"], "usage: escape validate ", ["--strict", "fail on warnings too"]),
        (["play", "--help"], "usage: escape play ", ["--continue", "continue the story's autosaved run"]),
    ],
)
def test_help_and_version(args, start, words):
    result = run_cli(*args)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(start)
    for word in words:
        assert word in result.stdout


def test_a_story_or_save_that_is_not_there_is_an_error_before_any_screen(capsys):
    assert main(["play", "captued"]) == 1
    assert "escape: error: no story 'captued' (did you mean 'captured'?)" in capsys.readouterr().err
    assert main(["replay", "missing.json"]) == 1  # (it used to open the full-screen game to say so)
    assert "escape: error: missing.json: cannot read: No such file or directory" in capsys.readouterr().err


def test_without_a_terminal_play_is_plain_text_and_says_so(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "game", "play", "captured", "--saves", str(tmp_path)],
        input="1\nq\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "playing in plain text" in done.stderr
    assert done.stdout.startswith("Captured!\n") and "\x1b[" not in done.stdout


def test_a_dumb_terminal_is_no_terminal_to_draw_on(monkeypatch):
    import sys

    from game.cli.play import has_terminal

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert has_terminal()
    monkeypatch.setenv("TERM", "dumb")
    assert not has_terminal()

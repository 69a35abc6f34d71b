"""The hostile-input corpus: story packs and saves from strangers.

Every case goes through the real command line (`escape validate`, `escape play --plain`,
`escape replay --check`) and must give its exact message with its place, a non-zero exit code,
nothing written or deleted, within 2 seconds and 200 MB of Python allocations, and no traceback.
"""

from __future__ import annotations

import io
import json
import os
import time
import tracemalloc
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from game.cli import main

MANIFEST = (
    "id: hostile\ntitle: Hostile\nblurb: b\nstart: a\nvariables: {n: 0, flag: false}\n"
    "items: {rope: Rope}\nendings: [{id: e, title: E, kind: bad}]\n"
)
SCENE_HEAD = "scenes:\n  - id: a\n    title: A\n"


def scene_with(text: str = "t", choice: str = "{id: c, text: C, goto: z}") -> str:
    return (
        SCENE_HEAD + f"    text: {text}\n    choices:\n      - {choice}\n"
        "  - id: z\n    title: Z\n    text: z {{ n }} {{ flag }}\n    ending: e\n"
    )


def choice_if(condition: str) -> str:
    return scene_with(choice="{id: c, text: C, if: " + json.dumps(condition) + ", disabled_text: 'no way', goto: z}")


def choice_effect(effect: str) -> str:
    return scene_with(choice="{id: c, text: C, effects: [gain rope, " + json.dumps(effect) + "], goto: z}")


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


# (case id, scene file contents (str or bytes), the expected diagnostic without its path; "…" stands for a
# part worded by libyaml or CPython, which changes between their versions)
STORY_CASES = [
    (
        "python-tag",
        SCENE_HEAD + "    text: !!python/object/apply:os.system ['echo owned']\n",
        "4:11: error: YAML tag '!!python/object/apply:os.system' is not allowed: scene files hold plain data only [unsafe-tag]",
    ),
    (
        "python-name-tag",
        "scenes: !!python/name:os.system\n",
        "1:9: error: YAML tag '!!python/name:os.system' is not allowed: scene files hold plain data only [unsafe-tag]",
    ),
    (
        "alias-bomb",
        billion_laughs(),
        "6:8: error: anchors and aliases expand to more than 100,000 extra values (an alias bomb?) [alias-bomb]",
    ),
    (
        "deep-flow",
        "scenes: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "1:58: error: nesting deeper than 50 levels [too-deep]",
    ),
    ("deep-block", "scenes:\n" + "- " * 30_000 + "x\n", "2:99: error: nesting deeper than 50 levels [too-deep]"),
    (
        "huge-file",
        b"# " + b"x" * (17 * 1024 * 1024) + b"\n",
        "1:1: error: the file is 17,825,795 bytes; the limit is 16,777,216 [too-large]",
    ),
    (
        "binary",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe\x00",
        "1:11: error: the file is not UTF-8 text (byte 0xff) [not-utf8]",
    ),
    (
        "latin-1",
        SCENE_HEAD.encode() + "    text: Mar\xe9chal\n".encode("latin-1"),
        "4:14: error: the file is not UTF-8 text (byte 0xe9) [not-utf8]",
    ),
    (
        "tabs",
        "scenes:\n\t- id: a\n",
        "2:1: error: …; indent with spaces, not tabs [yaml-syntax]",
    ),  # … is libyaml's own wording
    (
        "duplicate-key",
        SCENE_HEAD + "    title: B\n    text: t\n    ending: e\n",
        "4:5: error: duplicate key 'title' (first defined at line 3) [duplicate-key]",
    ),
    (
        "scenes-not-list",
        "scenes: {a: 1}\n",
        "1:1: error: 'scenes' must be a list, not a mapping; start each scene with '- ' [schema]",
    ),
    (
        "title-number",
        "scenes:\n  - id: a\n    title: 3\n    text: t\n    ending: e\n",
        "3:5: error: 'title' must be text, not a number [schema]",
    ),
    (
        "choices-text",
        scene_with().replace("    choices:\n      - {id: c, text: C, goto: z}", "    choices: go"),
        "5:5: error: 'choices' must be a list, not text [schema]",
    ),
    (
        "once-string",
        scene_with(choice="{id: c, text: C, once: 'yes', goto: z}"),
        "6:26: error: 'once' must be true or false, not text; write true or false without quotes [schema]",
    ),
    (
        "weight-zero",
        scene_with(choice="{id: c, text: C, goto: {random: {z: 0}}}"),
        "6:42: error: weight 'z' must be 1 or more, not 0 [schema]",
    ),
    (
        "yaml-no-is-false",
        scene_with(choice="{id: c, text: C, if: flag, disabled_text: no, goto: z}"),
        "6:36: error: 'disabled_text' must be text, not true/false (YAML reads yes, no, on, off, true and false "
        "as true/false: put the text in quotes) [schema]",
    ),
    (
        "dunder",
        choice_if("().__class__.__bases__[0].__subclasses__()"),
        "6:31: error: only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called [expr-forbidden]",
    ),
    (
        "call-open",
        choice_if("open('/etc/passwd')"),
        "6:31: error: only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called [expr-forbidden]",
    ),
    (
        "import",
        choice_if("__import__('os').system('id')"),
        "6:31: error: only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called [expr-forbidden]",
    ),
    (
        "walrus",
        choice_if("(n := 5) > 1"),
        "6:32: error: assignment (':=') is not allowed in an expression [expr-forbidden]",
    ),
    (
        "mutate-items",
        choice_if("I.add('rope')"),
        "6:31: error: only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called [expr-forbidden]",
    ),
    ("power-bomb", choice_if("9**9**9 > n"), "6:31: error: '**' is not allowed [expr-forbidden]"),
    (
        "string-bomb",
        choice_if("'a' * 1000000000 == 'a'"),
        "6:31: error: '*' needs two numbers, not text and number [expr-type]",
    ),
    (
        "lambda",
        choice_if("(lambda: 1)() == 1"),
        "6:31: error: only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called [expr-forbidden]",
    ),
    (
        "comprehension",
        choice_if("[x for x in 'abc'] == 1"),
        "6:31: error: functions and comprehensions are not allowed [expr-forbidden]",
    ),
    (
        "long-expression",
        choice_if(" + ".join(["n"] * 300) + " > 1"),
        "6:31: error: the expression is over 500 characters [expr-forbidden]",
    ),
    (
        "effect-exec",
        choice_effect("exec('import os')"),
        "6:48: error: an effect is 'name = value', 'name += value', 'name -= value', 'gain item' or 'lose item' [expr-syntax]",
    ),
    (
        "effect-retype",
        choice_effect("flag = 'yes'"),
        "6:48: error: 'flag' holds true/false; this gives it text [expr-type]",
    ),
    (
        "interpolation-dunder",
        scene_with(text='"{{ n.__class__ }}"'),
        "4:15: error: attribute access ('.__class__') is not allowed [expr-forbidden]",
    ),
    (
        "interpolation-unclosed",
        scene_with(text='"{{ n"'),
        "4:12: error: '{{' is never closed: end it with '}}' [template]",
    ),
    (
        "interpolation-format",
        scene_with(text="\"{{ '%s' % n }}\""),
        "4:15: error: '%' needs two numbers, not text and number [expr-type]",
    ),
    (
        "template-unknown-tag",
        scene_with(text='"{% for x in n %}{% endfor %}"'),
        "4:12: error: unknown tag '{% for %}'; tags are if, elif, else and endif [template]",
    ),
]


def write_pack(root: Path, scenes: str | bytes) -> Path:
    folder = root / "pack"
    folder.mkdir()
    (folder / "story.yaml").write_text(MANIFEST)
    target = folder / "scenes.yaml"
    target.write_bytes(scenes if isinstance(scenes, bytes) else scenes.encode("utf-8"))
    return folder


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def run(args: list[str]) -> tuple[int, str, str, float, int]:
    out, err = io.StringIO(), io.StringIO()
    tracemalloc.start()
    start = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return code, out.getvalue(), err.getvalue(), seconds, peak


def reported(output: str, expected: str) -> bool:
    """Whether a line of `output` is `expected`, where "…" in it matches any text."""
    head, _, tail = expected.partition("…")
    if not _:
        return expected in output.splitlines()
    return any(
        line.startswith(head) and line.endswith(tail) and len(line) > len(head + tail) for line in output.splitlines()
    )


@pytest.mark.parametrize("case, scenes, expected", STORY_CASES, ids=[c[0] for c in STORY_CASES])
def test_hostile_story_pack(tmp_path, case, scenes, expected):
    folder = write_pack(tmp_path, scenes)
    before = listing(tmp_path)
    code, out, err, seconds, peak = run(["validate", str(folder)])
    assert code == 1
    assert reported(out, f"{folder}/scenes.yaml:{expected}"), out
    assert "Traceback" not in out + err
    assert seconds < 2.0 and peak < 200 * 1024 * 1024
    code, out, err, seconds, _ = run(["play", str(folder), "--plain", "--saves", str(tmp_path / "saves")])
    assert code == 1 and reported(err, f"{folder}/scenes.yaml:{expected}") and seconds < 2.0
    assert listing(tmp_path) == before  # nothing written, nothing deleted


def good_save(tmp_path: Path) -> Path:
    from game.compiler.loader import load_story
    from game.engine.game import Game
    from game.saves.files import save_game
    from tests.conftest import DEMO

    game = Game(load_story(DEMO))
    game.start(3)
    game.choose("lamp")
    return save_game(game, tmp_path / "saves")


def mutate(data: dict, **changes) -> bytes:
    data = {**data, **changes}
    return json.dumps(data).encode()


SAVE_CASES = [
    ("empty", lambda d: b"", "the file is empty"),
    ("truncated", lambda d: json.dumps(d).encode()[:120], "not a readable save (truncated or corrupt)"),
    ("garbage", lambda d: os.urandom(64) + b"\xff", "not a readable save (truncated or corrupt)"),
    ("not-a-save", lambda d: b'{"players": 3}', "not an Escape Lines save"),
    (
        "future",
        lambda d: mutate(d, version=7),
        "made by a newer version of the game (save format 7; this game reads 3)",
    ),
    ("story-number", lambda d: mutate(d, story=5), "the field 'story' is missing or of the wrong type"),
    ("log-text", lambda d: mutate(d, state={**d["state"], "log": "all of it"}), "'log' must be a list"),
    ("log-pairs", lambda d: mutate(d, state={**d["state"], "log": [["x"], "y"]}), "which is not a step"),
    ("state-types", lambda d: mutate(d, state={**d["state"], "draws": "many"}), "'draws' must be a whole number"),
    ("state-huge-seed", lambda d: mutate(d, state={**d["state"], "seed": 10**100}), "'seed' must be a whole number"),
    (
        "state-foreign",
        lambda d: mutate(d, state={**d["state"], "story": "captured"}),
        "the run state belongs to 'captured', not 'demo'",
    ),
    (
        "enormous",
        lambda d: b'{"format": "escape-lines-save", "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}',
        "larger than 4,194,304 bytes; not a save of this game",
    ),
    ("deep-json", lambda d: b"[" * 200_000 + b"]" * 200_000, "not a readable save (truncated or corrupt)"),
]


@pytest.mark.parametrize("case, make, expected", SAVE_CASES, ids=[c[0] for c in SAVE_CASES])
def test_hostile_save(tmp_path, case, make, expected):
    from game.cli.plain import run_plain
    from tests.conftest import DEMO

    path = good_save(tmp_path)
    path.write_bytes(make(json.loads(path.read_text())))
    before = listing(tmp_path)
    code, out, err, seconds, peak = run(["replay", str(path), "--check", "--story", str(DEMO)])
    assert code == 1 and expected in out + err, out + err
    assert "Traceback" not in out + err and seconds < 2.0 and peak < 200 * 1024 * 1024
    code, out, err, _, _ = run(["play", str(DEMO), "--plain", "--continue", "--saves", str(path.parent)])
    assert code == 1 and f"{path.name} cannot be read: " in err and expected in err, err
    code, out, err, _, _ = run(["saves", "--saves", str(path.parent)])
    assert code == 0 and f"  {path.name}: " in out and expected in out, out  # listed with the reason
    played = io.StringIO()
    assert run_plain(str(DEMO), seed=1, saves=str(path.parent), out=played, inp=io.StringIO("1\nq\n")) == 0
    assert "Saving is off" not in played.getvalue()  # a new run saves beside it
    assert listing(tmp_path)[str(path)] == before[str(path)]  # the bad file: untouched


@pytest.mark.posix
def test_symlinked_save_and_story_files_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n")
    folder = write_pack(tmp_path, scene_with())
    (folder / "more.yaml").symlink_to(secret)
    code, out, _, _, _ = run(["validate", str(folder)])
    assert code == 1 and f"{folder}/more.yaml:1:1: error: symbolic links are not followed in a story [io]" in out
    assert "hunter2" not in out
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "demo--autosave.json").symlink_to(secret)
    code, out, err, _, _ = run(["replay", str(saves / "demo--autosave.json"), "--check"])
    assert code == 1 and "a symbolic link, not a save file" in out and "hunter2" not in out + err


@pytest.mark.parametrize("name", ["../../etc/cron.d/x", "/tmp/abs", "a\\b", "..", "name\nwith newline"])
def test_save_names_cannot_escape(tmp_path, name):
    from game.errors import SaveError
    from game.saves.files import save_path

    with pytest.raises(SaveError):
        save_path(tmp_path, "demo", name)

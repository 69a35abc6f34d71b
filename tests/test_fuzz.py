"""Fuzzing (hypothesis): mutate valid stories, saves and story texts; every outcome must be a valid result or a
clean error.

`make test` runs a few hundred cases; `make fuzz` runs thousands (FUZZ_EXAMPLES) and prints the counts
that docs/SECURITY.md reports."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.compiler.expr import Names
from game.compiler.loader import check_story, load_story
from game.compiler.template import compile_template, tokens
from game.engine.game import Game
from game.errors import EscapeError
from game.model import BOOL, INT, MAX_RENDERED_TEXT, STR, Scope
from game.model.compiled import CUT_NOTE
from game.saves.files import read_save, restore_game, save_game
from tests.conftest import DEMO
from tests.token_oracle import TOKEN

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
COUNTS: Counter = Counter()
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def _report() -> None:
    target = os.environ.get("FUZZ_REPORT")
    if target and COUNTS:
        Path(target).write_text(json.dumps(dict(COUNTS), indent=1) + "\n")


atexit.register(_report)

SOURCES = {name: (DEMO / name).read_bytes() for name in ("story.yaml", "cellar.yaml")}
TOKENS = [
    b"{{",
    b"}}",
    b"{%",
    b"%}",
    b"{% if %}",
    b"{% endif %}",
    b": ",
    b"- ",
    b"\t",
    b"&a ",
    b"*a",
    b"!!python/object:os.system",
    b"'",
    b'"',
    b"[",
    b"]",
    b"{",
    b"}",
    b"\n",
    b"#",
    b"__class__",
    b"**",
    b"9" * 30,
    b"\xff",
    b"\x00",
    b"goto: ",
    b"if: ",
    b"once: true",
    b"<<: ",
    b"---\n",
    b"random: {x: 1}",
    b"has('rope')",
    b"visited('x')",
]


@st.composite
def mutated(draw, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "token", "dupe-line", "drop-line"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        else:
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            if kind == "dupe-line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


WORK = Path(tempfile.mkdtemp(prefix="escape-fuzz-"))
atexit.register(shutil.rmtree, WORK, True)


@FUZZ
@given(st.sampled_from(sorted(SOURCES)), st.data())
def test_mutated_stories_load_or_fail_cleanly(name, data):
    content = data.draw(mutated(SOURCES[name]))
    folder = WORK / "story"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(DEMO, folder)
    (folder / name).write_bytes(content)
    story, diagnostics = check_story(folder)  # must not raise
    COUNTS["stories tried"] += 1
    if story is None:
        assert any(d.is_error for d in diagnostics)
        assert all(d.path and d.line >= 1 and d.col >= 1 for d in diagnostics)
        COUNTS["stories refused with a clean error"] += 1
        return
    COUNTS["stories still valid"] += 1
    game = Game(story)
    game.start(1)
    for _ in range(30):  # a valid mutant must also play without crashing
        if game.is_over:
            break
        open_ids = [o.id for o in game.choices() if o.enabled]
        if not open_ids:
            break
        game.choose(open_ids[0])


def _good_save() -> dict:
    story = load_story(DEMO)
    game = Game(story)
    game.start(9)
    for choice in ("lamp", "search", "wake_dog"):
        game.choose(choice)
    return json.loads(save_game(game, WORK / "seed-saves", check_existing=False).read_text())


GOOD = _good_save()
STORY = load_story(DEMO)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_save(draw) -> bytes:
    data = json.loads(json.dumps(GOOD))
    for _ in range(draw(st.integers(1, 4))):
        target = data if draw(st.booleans()) else data["state"] if isinstance(data.get("state"), dict) else data
        keys = sorted(target)
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["replace", "delete", "nest"]))
        if action == "delete":
            del target[key]
        elif action == "replace":
            target[key] = draw(JSON_VALUES)
        elif isinstance(target[key], dict) and target[key]:
            inner = draw(st.sampled_from(sorted(target[key])))
            target[key][inner] = draw(JSON_VALUES)
    raw = json.dumps(data).encode()
    if draw(st.integers(0, 4)) == 0:
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


@FUZZ
@given(mutated_save())
def test_mutated_saves_restore_or_fail_cleanly(raw):
    path = WORK / "saves" / "demo--autosave.json"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    COUNTS["saves tried"] += 1
    try:
        data = read_save(path)
        game = Game(STORY)
        restore_game(game, data, path)
    except EscapeError:
        COUNTS["saves refused with a clean error"] += 1
        assert path.read_bytes() == raw  # never modified
        return
    COUNTS["saves still valid"] += 1
    game.choices()


# Story texts: {{ }} and {% %} pieces, tags and whole blocks, nested deeper than the limit now and then.
TEMPLATE_PIECES = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{",
    "}",
    "%",
    "{% if flag %}",
    "{% if n > 1 %}",
    "{%if%}",
    "{% elif n == 2 %}",
    "{% elif %}",
    "{% else %}",
    "{% else flag %}",
    "{% endif %}",
    "{% end %}",
    "{% fi %}",
    "{{ n }}",
    "{{ t + t + t }}",
    "{{ 'a' if flag }}",
    "{{ upper(t) }}",
    "{{ has('rope') }}",
    "{{ n.__class__ }}",
    " if ",
    "elif",
    "endif",
    "\n",
    "  ",
    "\t",
    "x",
    "'",
    '"',
    "\\x1b",
    "\x1b",
    "\u202e",
    "(",
]
NAMES = Names({"n": INT, "flag": BOOL, "t": STR}, frozenset({"rope"}))


@st.composite
def template_text(draw) -> str:
    pieces = draw(st.lists(st.sampled_from(TEMPLATE_PIECES), max_size=40))
    depth = draw(st.integers(0, 60))  # past MAX_TEMPLATE_DEPTH (50) now and then
    if depth and draw(st.booleans()):
        middle = draw(st.integers(0, len(pieces)))
        pieces[middle:middle] = ["{% if flag %}"] * depth + ["x"] + ["{% endif %}"] * depth
    return "".join(pieces)


@FUZZ
@given(template_text(), st.booleans(), st.integers(-3, 3), st.text(max_size=30))
def test_mutated_templates_compile_or_fail_cleanly(text, flag, n, t):
    started = time.process_time()
    expected = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    assert [(token.start, token.end) for token in tokens(text)] == expected  # one pass finds what the regex did
    COUNTS["templates tried"] += 1
    try:
        template = compile_template(text, NAMES)
    except EscapeError as err:
        assert 0 <= err.offset <= len(text)  # type: ignore[attr-defined]
        COUNTS["templates refused with a clean error"] += 1
    else:
        shown = template.render(Scope({"n": n, "flag": flag, "t": t}, {"rope"}, {}, {}))
        assert isinstance(shown, str) and len(shown) <= MAX_RENDERED_TEXT + len(CUT_NOTE)
        COUNTS["templates compiled and rendered"] += 1
    assert time.process_time() - started < 0.5

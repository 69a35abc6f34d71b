"""A budget for every input: each measured way of making the game take unbounded time or memory.

Every case goes through the real command line (`escape validate`, `escape play --plain`) and must end in
the game's own located error (or a valid result), with no traceback, within 2 seconds and 200 MB of Python
allocations per MB of input (at least 2 seconds and 200 MB: the bounds of tests/test_hostile.py). Memory is
measured with tracemalloc; time on a run of its own, without tracemalloc (which makes allocating several
times slower), as CPU time and, with twice the margin for a busy machine, as wall-clock time. The sizes
are those at which the reader before these budgets took from 13 seconds to minutes, or crashed.
"""

from __future__ import annotations

import io
import os
import sys
import time
import tracemalloc
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from game.cli import main
from game.compiler.checker import Checker, did_you_mean
from game.compiler.expr import Names
from game.compiler.limits import (
    MAX_CHOICES,
    MAX_COMPILED_NODES_PER_FILE,
    MAX_FOLDER_DEPTH,
    MAX_PROBLEMS_PER_FILE,
    MAX_SCENES,
    MAX_SUBSCENE_WORK,
    MAX_TEMPLATE_BRANCHES,
    MAX_TEMPLATE_DEPTH,
    MAX_TEXT_NODES,
    MAX_TEXT_SOURCE,
)
from game.compiler.lines import LineIndex
from game.compiler.loader import load_story
from game.compiler.template import compile_template, tokens
from game.engine.game import Game
from game.model import MAX_RENDERED_TEXT, MAX_TEXT_VALUE, STR, Scope
from game.model.compiled import CUT_NOTE
from tests.token_oracle import TOKEN

MB = 1024 * 1024
MANIFEST = (
    "id: budgets\ntitle: Budgets\nblurb: b\nstart: a\nvariables: {n: 0, flag: false, t: ''}\n"
    "items: {rope: Rope}\nendings: [{id: e, title: E, kind: bad}]\n"
)


def one_scene(text: str = "t", after: str = "") -> str:
    return f"scenes:\n  - id: a\n    title: A\n    text: {text}\n    ending: e\n{after}"


def write_pack(root: Path, scenes: str | bytes, manifest: str = MANIFEST) -> Path:
    folder = root / "pack"
    folder.mkdir()
    (folder / "story.yaml").write_text(manifest)
    (folder / "scenes.yaml").write_bytes(scenes if isinstance(scenes, bytes) else scenes.encode())
    return folder


def size_of(folder: Path) -> int:
    """The bytes of the files in a folder and its folders (walked without recursion or following links)."""
    total, todo = 0, [str(folder)]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_size
    return total


@dataclass
class Run:
    code: int
    output: str
    seconds: float
    cpu: float
    peak: int


def _once(args: list[str], traced: bool) -> Run:
    out, err = io.StringIO(), io.StringIO()
    if traced:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return Run(code, out.getvalue() + err.getvalue(), seconds, cpu, peak)


def measured(args: list[str], input_bytes: int, memory: bool = True) -> Run:
    """Run `escape ARGS` for its time, and first for its memory (unless `memory` is false), and check the
    budget for `input_bytes` of input."""
    budget = max(1.0, input_bytes / MB)
    timed = _once(args, traced=False)
    assert "Traceback" not in timed.output
    assert timed.cpu <= 2.0 * budget, f"{timed.cpu:.2f} s of CPU for {input_bytes / MB:.2f} MB of input"
    assert timed.seconds <= 4.0 * budget, f"{timed.seconds:.2f} s for {input_bytes / MB:.2f} MB of input"
    if not memory:
        return timed
    traced = _once(args, traced=True)
    assert traced.peak <= 200 * MB * budget, f"{traced.peak / MB:.0f} MB for {input_bytes / MB:.2f} MB of input"
    assert (traced.code, traced.output) == (timed.code, timed.output)
    return traced


def validated(folder: Path, *, play: bool = True) -> str:
    """`escape validate` within budget, and `escape play --plain` (which must stop at the same first error)
    within the same time (its memory is the compiler's, measured with validate)."""
    size = size_of(folder)
    result = measured(["validate", str(folder)], size)
    if play:
        played = measured(["play", str(folder), "--plain", "--saves", str(folder.parent / "saves")], size, False)
        first_error = next(line for line in result.output.splitlines() if ": error: " in line)
        assert played.code == 1 and first_error in played.output.splitlines()
    return result.output


# 1. quadratic time from small files: the template tokenizer ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["{{" * 20_000, "{{ x " * 19_999, "{%" * 20_000, "{% if x " * 12_000],
    ids=["braces", "open-expressions", "open-tags", "open-ifs"],
)
def test_unclosed_openers_are_found_in_linear_time(tmp_path, text):
    # before: 25 s (validate) for the first and 50 s (validate), 66 s (play) for the second
    folder = write_pack(tmp_path, one_scene("|\n      " + text))
    opened = text[:2]
    closing = "}}" if opened == "{{" else "%}"
    expected = f"{folder}/scenes.yaml:5:7: error: '{opened}' is never closed: end it with '{closing}' [template]"
    assert expected in validated(folder).splitlines()


def test_the_tokenizer_finds_what_the_regular_expression_found():
    import random

    pieces = ["{{", "}}", "{%", "%}", "{", "}", "%", " ", "\t", "\n", "x", " if x ", "endif"]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = []
        for match in TOKEN.finditer(text):
            group = "expr" if match.group("expr") is not None else "line_body" if match.group("line") else "tag"
            expected.append((match.start(), match.end(), match.start(group), match.end(group)))
        assert [(t.start, t.end, t.body_start, t.body_end) for t in tokens(text)] == expected, repr(text)


# 2. YAML 1.1 scalars that resolve slowly ----------------------------------------------------------------------


def test_base_60_is_text_and_long_numbers_are_refused_unread(tmp_path):
    # before: a 2 MB `1:0:0:...` took over 60 s (base-60 arithmetic on a huge number) and 145 MB to resolve
    scenes = "scenes:\n  - id: a\n    title: 1" + ":0" * MB + "\n    text: t\n    ending: e\n"
    folder = write_pack(tmp_path, scenes)
    output = validated(folder, play=False)
    assert ": error: " not in output  # a title of 2 MB of text: valid
    assert load_story(folder, None).scenes["a"].title.startswith("1:0:0:0")
    (folder / "scenes.yaml").write_text(one_scene("t", "    choices: 1" + "0" * 200_000 + "\n"))
    output = validated(tmp_path / "pack")
    assert f"{folder}/scenes.yaml:6:14: error: the number '{'1' + '0' * 39}' is too large or malformed [schema]" in (
        output.splitlines()
    )


# 3. mappings and duplicate keys; problems per file ------------------------------------------------------------


def _listed_then_stopped(output: str, path: str, message: str, code: str) -> None:
    lines = [line for line in output.splitlines() if line.startswith(path + ":")]
    assert len(lines) == MAX_PROBLEMS_PER_FILE + 1
    assert all(line.endswith(f"{message} [{code}]") for line in lines[:-1]), lines[0]
    assert lines[-1].endswith(
        f"error: the file was not read past here: it has over {MAX_PROBLEMS_PER_FILE} problems; fix these and "
        "check again [too-many-problems]"
    )


def test_complex_keys_stop_the_reading_after_the_listed_problems(tmp_path):
    # before: 200,000 complex keys (3 MB) took 113 s (every place counted newlines from the start)
    folder = write_pack(tmp_path, one_scene() + "".join(f"[k{i}]: 1\n" for i in range(200_000)))
    output = validated(folder)
    _listed_then_stopped(output, f"{folder}/scenes.yaml", "a mapping key must be plain text", "bad-key")
    assert f"{folder}/scenes.yaml:6:1: error: a mapping key must be plain text [bad-key]" in output.splitlines()


def test_duplicate_keys_stop_the_reading_after_the_listed_problems(tmp_path):
    # before: 200,000 duplicate keys took 74 s
    keys = "".join(f"k{i}: 1\n" for i in range(1000))
    folder = write_pack(tmp_path, one_scene() + keys + "x: 1\n" * 200_000 + keys)
    output = validated(folder)
    path = f"{folder}/scenes.yaml"
    _listed_then_stopped(output, path, "(first defined at line 1006)", "duplicate-key")
    assert f"{path}:1007:1: error: duplicate key 'x' (first defined at line 1006) [duplicate-key]" in output


def test_one_million_refused_tags_stop_the_reading_early(tmp_path):
    # before: 1 million `- !a a` lines (7 MB) gave 810 MB of diagnostics
    folder = write_pack(tmp_path, one_scene() + "z:\n" + "- !a a\n" * 1_000_000)
    output = validated(folder)
    _listed_then_stopped(output, f"{folder}/scenes.yaml", "in a condition write 'not': not a", "unsafe-tag")


def test_problems_past_the_listed_ones_are_counted_in_one_line(tmp_path):
    scenes = "scenes:\n" + "".join(
        f"  - {{id: s{i}, title: S, text: t, choices: [{{id: c, text: C, goto: nowhere{i}}}]}}\n" for i in range(250)
    )
    folder = write_pack(tmp_path, scenes + "  - {id: a, title: A, text: t, ending: e}\n")
    lines = validated(folder).splitlines()
    path = f"{folder}/scenes.yaml"
    assert sum(line.startswith(path) for line in lines) == MAX_PROBLEMS_PER_FILE + 1
    summary = (
        f"{path}:1:1: error: and 150 more problems in this file (only the first 100 are listed) [too-many-problems]"
    )
    assert summary in lines
    assert lines[-1].startswith("1 story checked: 101 errors, ")


def test_the_checker_counts_what_it_does_not_list():
    checker = Checker(limit=2)
    for i in range(5):
        checker.warning(("f", i + 1, 1), "w", "x")
    assert [d.severity for d in checker.diagnostics] == ["warning", "warning", "warning"]
    assert checker.error_count == 0
    checker.error(("f", 9, 1), "e", "x")  # an unlisted error makes the count line an error
    assert checker.diagnostics[-1].severity == "error" and checker.error_count == 1
    assert checker.diagnostics[-1].message == "and 4 more problems in this file (only the first 2 are listed)"
    checker.warning(("g", 1, 1), "w", "x")  # another file has a listing of its own
    assert checker.diagnostics[-1].path == "g"


# 4. "did you mean" ------------------------------------------------------------------------------------------------


def test_misspelt_gotos_are_suggested_within_budget(tmp_path):
    # before: 2,000 misspelt gotos (200 KB) took 69 s
    scenes = "scenes:\n" + "".join(
        f"  - id: s{i}\n    title: S\n    text: t\n    choices:\n      - {{id: c, text: C, goto: zs{i}x}}\n"
        for i in range(2000)
    )
    folder = write_pack(tmp_path, scenes + "  - {id: a, title: A, text: t, ending: e}\n")
    lines = validated(folder).splitlines()
    assert f"{folder}/scenes.yaml:6:32: error: unknown scene 'zs0x' (did you mean 's0'?) [unknown-scene]" in lines
    assert f"{folder}/scenes.yaml:1:1: error: and 1,900 more problems in this file" in "\n".join(lines)


def test_did_you_mean_does_bounded_work_whatever_it_is_given():
    names = [f"name_{i}" for i in range(200_000)]
    started = time.process_time()
    assert did_you_mean("name_1x", names) != ""
    assert did_you_mean("q" * 100_000, names) == ""  # a long word is no misspelt id
    assert time.process_time() - started < 1.0
    assert did_you_mean("Nerve", ["nerve", "never"]) == " (did you mean 'nerve'?)"


# 5. places: one index of lines per file -----------------------------------------------------------------------


def test_an_unreadable_file_of_many_lines_is_placed_at_once(tmp_path):
    # before: 300,000 newlines and one bad byte took over 60 s
    folder = write_pack(tmp_path, b"\n" * 300_000 + b"\xff\n")
    lines = validated(folder).splitlines()
    assert f"{folder}/scenes.yaml:300001:1: error: the file is not UTF-8 text (byte 0xff) [not-utf8]" in lines


def test_the_line_index_agrees_with_counting():
    text = "".join(["ab\n", "\n" * 5000, "x" * 9000, "\ncd", "\n" * 3]) * 3
    index = LineIndex(text)
    for at in [0, 1, 2, 3, 4000, 5003, 9000, 14003, 14004, len(text) - 1, len(text), *range(0, len(text), 997)]:
        assert index.line_col(at) == (text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1)


# 6. folders --------------------------------------------------------------------------------------------------------


def test_thousands_of_nested_story_folders_are_skipped_at_once(tmp_path):
    # before: 2,000 nested story folders took 13 s, in play too
    folder = write_pack(tmp_path, one_scene())
    for i in range(2000):
        (folder / f"other{i}").mkdir()
        (folder / f"other{i}" / "story.yaml").write_text("id: x\n")
    output = validated(folder, play=False)
    assert output.splitlines()[-1] == "1 story checked: 0 errors, 4 warnings"
    args = ["play", str(folder), "--plain", "--seed", "1", "--saves", str(tmp_path / "saves")]
    assert measured(args, size_of(folder)).code == 0  # the first scene is an ending: nothing is read from input


def _chain(folder: Path, depth: int, file: str, text: str) -> None:
    """Folders `n/n/n/...` `depth` deep with `file` at the bottom (made through file descriptors, since
    tools that walk folders recursively cannot go that deep)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("n", dir_fd=fd)
            inner = os.open("n", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        written = os.open(file, os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(written, text.encode())
        os.close(written)
    finally:
        os.close(fd)


def _unchain(folder: Path, depth: int, file: str) -> None:
    """Remove what `_chain` made, from the bottom up (pytest's clean-up of old runs would recurse)."""
    fds = [os.open(folder, os.O_RDONLY)]
    for _ in range(depth):
        fds.append(os.open("n", os.O_RDONLY, dir_fd=fds[-1]))
    os.unlink(file, dir_fd=fds.pop())
    while fds:
        os.rmdir("n", dir_fd=fds[-1])
        os.close(fds.pop())


@pytest.mark.posix
def test_a_folder_chain_past_the_depth_limit_is_refused_where_it_goes_too_deep(tmp_path):
    # before: a 1,000-deep chain gave RecursionError
    folder = write_pack(tmp_path, one_scene())
    _chain(folder, 1000, "more.yaml", one_scene())
    try:
        too_deep = folder.joinpath(*["n"] * (MAX_FOLDER_DEPTH + 1))
        expected = (
            f"{too_deep}:1:1: error: folders nested deeper than {MAX_FOLDER_DEPTH} levels in a story are not read"
        )
        assert expected + " [too-deep]" in validated(folder).splitlines()
    finally:
        _unchain(folder, 1000, "more.yaml")


@pytest.mark.posix
def test_symbolic_link_loops_are_not_followed(tmp_path):
    # before: RuntimeError: Symlink loop
    folder = write_pack(tmp_path, one_scene())
    (folder / "loop").symlink_to("loop")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")
    lines = validated(folder).splitlines()
    assert f"{folder}/loop.yaml:1:1: error: symbolic links are not followed in a story [io]" in lines
    assert lines[-1] == "1 story checked: 1 error, 4 warnings"


# 7. template nesting ------------------------------------------------------------------------------------------------


def test_template_nesting_and_branches_are_capped(tmp_path):
    # before: 332 nested {% if %} (4 KB) or 992 {% elif %} gave RecursionError
    nested = '"' + "{% if flag %}" * 332 + "x" + "{% endif %}" * 332 + '"'
    folder = write_pack(tmp_path, one_scene(nested))
    column = 12 + len("{% if flag %}") * MAX_TEMPLATE_DEPTH
    expected = f"{folder}/scenes.yaml:4:{column}: error: '{{% if %}}' nested deeper than 50 levels [too-deep]"
    assert expected in validated(folder).splitlines()
    chain = '"{% if flag %}a' + "{% elif flag %}b" * 992 + '{% endif %}"'
    (folder / "scenes.yaml").write_text(one_scene(chain))
    column = 12 + len("{% if flag %}a") + len("{% elif flag %}b") * MAX_TEMPLATE_BRANCHES
    message = "an '{% if %}' has more than 100 '{% elif %}' and '{% else %}'"
    assert f"{folder}/scenes.yaml:4:{column}: error: {message} [template]" in validated(folder).splitlines()


def test_the_deepest_allowed_text_compiles_and_renders_from_a_deep_stack():
    names = Names({"flag": "true/false", "n": "number"})
    depth = MAX_TEMPLATE_DEPTH
    text = "{% if flag %}" * depth + "x" + "{% elif n > 1 %}y" * 3 + "{% endif %}" * depth
    elifs = "{% if n == 0 %}a" + "{% elif n == 1 %}b" * (MAX_TEMPLATE_BRANCHES - 1) + "{% else %}c{% endif %}"

    def at_depth(frames: int):  # noqa: ANN202 - compile with most of the interpreter's stack already used
        return at_depth(frames - 1) if frames else (compile_template(text, names), compile_template(elifs, names))

    used = 0
    while sys._getframe(used).f_back is not None:
        used += 1
    deep, many = at_depth(sys.getrecursionlimit() - used - 50)
    scope = Scope({"flag": True, "n": 0}, set(), {}, {})
    assert deep.render(scope) == "x" and many.render(scope) == "a"
    assert deep.render(Scope({"flag": False, "n": 0}, set(), {}, {})) == ""


# 8. memory --------------------------------------------------------------------------------------------------------


def test_rendered_text_never_grows_past_its_cap(tmp_path):
    # before: 3,000 {{ t+t+...+t }} over a 10,000-character t validated at 683 MB, then play asked for ~3 GB
    manifest = MANIFEST.replace("t: ''", "t: '" + "x" * MAX_TEXT_VALUE + "'")
    text = '"' + "{{ t + t + t }}" * 20 + "{{ t }}" * (MAX_TEXT_NODES - 20 * 5) + '"'
    folder = write_pack(tmp_path, one_scene(text), manifest)
    assert ": error: " not in validated(folder, play=False)
    game = Game(load_story(folder, None))
    tracemalloc.start()
    game.start(1)
    shown = game.text()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert shown == "x" * MAX_RENDERED_TEXT + CUT_NOTE
    assert peak < 4 * MAX_RENDERED_TEXT + 10 * MAX_TEXT_VALUE  # never the 19 million characters asked for


def test_text_that_expressions_make_is_capped_like_a_text_variable():
    names = Names({"t": STR})
    long = Scope({"t": "ß" * MAX_TEXT_VALUE}, set(), {}, {})
    assert compile_template("{{ t + t + t }}", names).render(long) == "ß" * MAX_TEXT_VALUE
    assert compile_template("{{ upper(t) }}", names).render(long) == "S" * MAX_TEXT_VALUE  # ß is SS


def test_dense_expressions_stop_at_the_files_budget(tmp_path):
    # before: 10,000 dense expressions (2 MB) compiled at 2.08 GB; at 4 MB a SystemError traceback
    manifest = MANIFEST.replace("t: ''", "t: '" + "x" * MAX_TEXT_VALUE + "'")
    dense = "{{ " + "+".join(["t"] * 100) + " }}"
    scenes = "scenes:\n" + "".join(
        f'  - id: s{i}\n    title: S\n    text: "{i} {dense * 10}"\n    ending: e\n' for i in range(200)
    )
    folder = write_pack(tmp_path, scenes + "  - {id: a, title: A, text: t, ending: e}\n", manifest)
    message = (
        f"error: the distinct expressions of this file have over {MAX_COMPILED_NODES_PER_FILE:,} parts in all: "
        "the rest of it is not compiled [too-large]"
    )
    assert f"{folder}/scenes.yaml:44:5: {message}" in validated(folder).splitlines()
    (folder / "scenes.yaml").write_text(one_scene('"' + dense * 11 + '"'))  # 2,189 parts in one text
    message = f"the expressions of this text have over {MAX_TEXT_NODES:,} parts in all; split the text [too-large]"
    column = 12 + len(dense) * 10 + 3
    assert f"{folder}/scenes.yaml:4:{column}: error: {message}" in validated(folder).splitlines()
    (folder / "scenes.yaml").write_text(one_scene('"' + "x" * MAX_TEXT_SOURCE + 'x"'))
    message = f"the text is {MAX_TEXT_SOURCE + 1:,} characters long; the limit is {MAX_TEXT_SOURCE:,} [too-large]"
    assert f"{folder}/scenes.yaml:4:12: error: {message}" in validated(folder).splitlines()


def test_scenes_and_choices_are_capped(tmp_path):
    # before: a valid story of 200,000 tiny scenes took 1 GB
    scenes = "scenes:\n" + "".join(f"  - {{id: s{i}, title: S, text: t, ending: e}}\n" for i in range(MAX_SCENES + 500))
    folder = write_pack(tmp_path, scenes.replace("id: s0,", "id: a,"))
    message = f"error: the story has over {MAX_SCENES:,} scenes: the rest are not read [too-large]"
    lines = validated(folder).splitlines()
    assert f"{folder}/scenes.yaml:{MAX_SCENES + 2}:5: {message}" in lines
    assert sum(": error: " in line for line in lines) == 1  # no "unknown scene" for the scenes not read
    choices = "".join(f"      - {{id: c{i}, text: C, goto: a}}\n" for i in range(MAX_CHOICES + 1))
    (folder / "scenes.yaml").write_text(one_scene("t").replace("    ending: e\n", "    choices:\n" + choices))
    message = f"scene 'a' has {MAX_CHOICES + 1} choices; a scene has at most {MAX_CHOICES} [too-large]"
    assert f"{folder}/scenes.yaml:{6 + MAX_CHOICES}:9: error: {message}" in validated(folder).splitlines()


def test_subscenes_that_reach_everything_are_linked_within_budget(tmp_path):
    # before: 1,000 subscenes that each reach a ring of 1,000 scenes took 2.2 s, growing with the square of the
    # ring (2,500 of each, within the cap on scenes: 14 s); 700 of each is past the budget
    ring = 700
    lines = ["scenes:", "  - {id: a, title: A, text: t, choices: [{id: c, text: C, goto: {call: sub0}}]}"]
    lines += [
        f"  - {{id: sub{i}, title: S, text: t, choices: [{{id: r, text: R, goto: return}}, "
        f"{{id: h, text: H, goto: hub0}}, {{id: k, text: K, goto: {{call: sub{(i + 1) % ring}}}}}]}}"
        for i in range(ring)
    ]
    lines += [
        f"  - {{id: hub{i}, title: H, text: t, choices: [{{id: n, text: N, goto: hub{(i + 1) % ring}}}]}}"
        for i in range(ring)
    ]
    folder = write_pack(tmp_path, "\n".join(lines) + "\n")
    message = (
        f"working out where the story's 'goto: return' can lead takes over {MAX_SUBSCENE_WORK:,} steps (many "
        "subscenes, each reaching many scenes); call fewer subscenes, or keep each one small [too-large]"
    )
    assert f"{folder}/scenes.yaml:2:59: error: {message}" in validated(folder).splitlines()


# 9. control and invisible characters --------------------------------------------------------------------------------

HIDDEN = r"""scenes:
  - id: a
    title: "Title \x1b]0;pwned\x07"
    text: |
      Poster says {{ "\x1b]0;pwned\x07" }} and {{ 'ok' }}.
    choices:
      - id: c
        text: "Take \u200b it"
        if: t == "\u202e"
        goto: a
      - {id: d, text: D, effects: ["t = '\\x9b2J'"], goto: z}
  - {id: z, title: Z, text: "zero\ufeffwidth {{ t }} {{ n }} {{ flag }}", ending: e}
"""


def test_control_and_invisible_characters_are_warned_about(tmp_path):
    folder = write_pack(tmp_path, HIDDEN.replace("rope", "rope"), MANIFEST.replace("items: {rope: Rope}\n", ""))
    lines = validated(folder, play=False).splitlines()
    as_written = "the player does not see it as written, and it can hide or reorder the text around it; remove it"
    path = f"{folder}/scenes.yaml"
    assert [line for line in lines if "control-character" in line] == [
        f"{path}:3:19: warning: the text holds the invisible character U+001B (a control character): {as_written}"
        " [control-character]",
        f"{path}:8:21: warning: the text holds the invisible character U+200B (zero width space): {as_written}"
        " [control-character]",
        f"{path}:12:34: warning: the text holds the invisible character U+FEFF (zero width no-break space): "
        f"{as_written} [control-character]",
        f"{path}:9:18: warning: an escape in this text in quotes makes the invisible character U+202E "
        f"(right-to-left override): {as_written} [control-character]",
        f"{path}:11:41: warning: an escape in this text in quotes makes the invisible character U+009B "
        f"(a control character): {as_written} [control-character]",
        f"{path}:5:22: warning: an escape in this text in quotes makes the invisible character U+001B "
        f"(a control character): {as_written} [control-character]",
    ]
    assert lines[-1] == "1 story checked: 0 errors, 6 warnings"

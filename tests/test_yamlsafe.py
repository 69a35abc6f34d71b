"""Hostile and broken YAML through the safe reader: every refusal has one diagnostic, a code and a place.

Each case asserts the exact code, line and column, the key words of the message, that nothing else
was reported and that nothing usable came back. Cases that could crash the interpreter (libyaml's
composer recurses in C) run in a child process, so a crash fails one test instead of the whole run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.compiler.checker import Checker
from game.compiler.yamlsafe import MAX_ALIAS_EXTRA, MAX_DEPTH, MAX_FILE_BYTES, YamlDoc, parse_yaml_text, read_yaml

ROOT = Path(__file__).resolve().parent.parent
HANG_GUARD = 2.0  # seconds; only a guard against hangs and blow-ups, not a benchmark


def parse(text: str, path: str = "f.yaml") -> tuple[YamlDoc | None, list]:
    checker = Checker()
    started = time.perf_counter()
    doc = parse_yaml_text(text, path, checker)
    assert time.perf_counter() - started < HANG_GUARD
    return doc, checker.diagnostics


def read(file: Path, display: str = "f.yaml") -> tuple[YamlDoc | None, list]:
    checker = Checker()
    started = time.perf_counter()
    doc = read_yaml(file, checker, display)
    assert time.perf_counter() - started < HANG_GUARD
    return doc, checker.diagnostics


def only_error(diagnostics: list, code: str, line: int, col: int, *words: str) -> str:
    """The single diagnostic must be this error; returns its message."""
    assert [(d.code, d.line, d.col, d.severity) for d in diagnostics] == [(code, line, col, "error")], [
        str(d) for d in diagnostics
    ]
    message = diagnostics[0].message
    for word in words:
        assert word in message, (word, message)
    return message


def refused(text: str, code: str, line: int, col: int, *words: str) -> str:
    doc, diagnostics = parse(text)
    assert doc is None
    return only_error(diagnostics, code, line, col, *words)


def accepted(text: str):
    doc, diagnostics = parse(text)
    assert diagnostics == []
    assert doc is not None
    return doc.data


def run_child(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter of this venv, with the project importable."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )


CHILD_PARSE = textwrap.dedent(
    """
    import json, sys, time
    from game.compiler.checker import Checker
    from game.compiler.yamlsafe import parse_yaml_text
    text = {make}
    checker = Checker()
    started = time.perf_counter()
    try:
        doc = parse_yaml_text(text, "f.yaml", checker)
        outcome = "none" if doc is None else "doc"
    except BaseException as err:  # report, do not crash, so the parent can say what happened
        outcome = "raised " + type(err).__name__
    seconds = time.perf_counter() - started
    print(json.dumps({{"outcome": outcome, "seconds": seconds,
                      "diagnostics": [[d.code, d.line, d.col, d.message] for d in checker.diagnostics]}}))
    """
)


def parse_in_child(make_text_expr: str) -> dict:
    """Parse the text built by the Python expression `make_text_expr` in a child process."""
    result = run_child(CHILD_PARSE.format(make=make_text_expr))
    assert result.returncode == 0, f"the child died with return code {result.returncode}: {result.stderr[-500:]}"
    return json.loads(result.stdout)


# -- Python and unknown tags ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tag", "line", "col"),
    [
        ("cmd: !!python/object/apply:os.system ['echo pwned']\n", "!!python/object/apply:os.system", 1, 6),
        ("cmd: !!python/object/apply:os.system\n  args: ['echo pwned']\n", "!!python/object/apply:os.system", 1, 6),
        ("x: 1\ncmd: !!python/name:os.system ''\n", "!!python/name:os.system", 2, 6),
        ("obj: !!python/object:collections.OrderedDict {a: 1}\n", "!!python/object:collections.OrderedDict", 1, 6),
        ("mod: !!python/module:os ''\n", "!!python/module:os", 1, 6),
        ("a: !foo bar\n", "!foo", 1, 4),
        ("a:\n  - !local [1, 2]\n", "!local", 2, 5),
        ("a: !<tag:example.com,2000:thing> x\n", "tag:example.com,2000:thing", 1, 4),
        ("a: !!binary aGVsbG8=\n", "!!binary", 1, 4),
        ("a: !!set {x, y}\n", "!!set", 1, 4),
        ("a: !!omap [x: 1]\n", "!!omap", 1, 4),
    ],
)
def test_tags_are_refused(text, tag, line, col):
    refused(text, "unsafe-tag", line, col, f"YAML tag '{tag}' is not allowed", "plain data only")


def test_python_tag_runs_nothing(tmp_path):
    sentinel = tmp_path / "pwned"
    file = tmp_path / "evil.yaml"
    file.write_text(f"scenes: !!python/object/apply:os.system ['touch {sentinel}']\n")
    doc, diagnostics = read(file)
    assert doc is None
    only_error(diagnostics, "unsafe-tag", 1, 9, "!!python/object/apply:os.system")
    assert not sentinel.exists()


def test_every_tagged_node_is_reported_once():
    doc, diagnostics = parse("a: !foo x\nb: !bar [1]\nc: plain\n")
    assert doc is None
    assert [(d.code, d.line, d.col) for d in diagnostics] == [("unsafe-tag", 1, 4), ("unsafe-tag", 2, 4)]


def test_standard_scalar_tags_give_plain_data():
    assert accepted("a: !!str 12\nb: !!int '7'\nc: ! bar\nd: !!timestamp 2001-01-01\ne: 2001-01-01\n") == {
        "a": "12",
        "b": 7,
        "c": "bar",
        "d": "2001-01-01",
        "e": "2001-01-01",
    }


# -- alias bombs ------------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    names = "abcdefghijklmnop"[:levels]
    lines = [f"a: &a [{', '.join(['lol'] * 9)}]"]
    for prev, name in zip(names[:-1], names[1:], strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused():
    # a=10, b=91, c=820, d=7381, e=66430 nodes: the first *e (in f) passes 100,000 extra values; the
    # report points at the anchor whose copies overflow (e, line 5, at '&e')
    refused(billion_laughs(), "alias-bomb", 6, 8, "anchors and aliases", "100,000", "alias bomb")


def test_deeper_laughs_are_refused_just_as_fast():
    refused(billion_laughs(16), "alias-bomb", 6, 8, "alias bomb")


def test_alias_limit_is_exact():
    big = "big: &x [" + ", ".join(["v"] * 999) + "]\n"  # 1,000 values
    uses = MAX_ALIAS_EXTRA // 1000
    data = accepted(big + "uses: [" + ", ".join(["*x"] * uses) + "]\n")
    assert len(data["uses"]) == uses and data["uses"][0] == ["v"] * 999
    refused(big + "uses: [" + ", ".join(["*x"] * (uses + 1)) + "]\n", "alias-bomb", 2, 408, "alias bomb")


def test_small_aliases_are_fine():
    assert accepted("base: &b {x: 1}\ncopy: *b\nname: &n Jean\nagain: *n\n") == {
        "base": {"x": 1},
        "copy": {"x": 1},
        "name": "Jean",
        "again": "Jean",
    }


def test_recursive_alias_is_a_diagnostic_not_a_crash():
    result = parse_in_child(repr("a: &a [*a]\n"))
    assert result["outcome"] == "none"
    assert len(result["diagnostics"]) == 1
    code, line, col, _ = result["diagnostics"][0]
    assert code in ("alias-bomb", "yaml-syntax") and line == 1


# -- nesting ----------------------------------------------------------------------------------------


# Nesting past the limit is `too-deep` at the line and column where the 51st level opens, however it is
# written and whichever notices first: libyaml 0.2.6 refuses flow nesting past 1,000 levels on its own and
# scans ahead along a line, so on one long line it stops first; elsewhere the project's check does. Each
# shape runs in a child (a crash fails one case), under libyaml and under PyYAML's pure-Python parser.
DEEP_SHAPES = {
    # name: (expression building the text, expected line, expected column)
    "flow, one line, closed": ('"[" * 100_000 + "]" * 100_000', 1, MAX_DEPTH + 1),
    "flow, one line, unclosed": ('"x: " + "[" * 100_000', 1, 3 + MAX_DEPTH),
    "flow mappings, one line": ('"{a: " * 100_000', 1, 4 * MAX_DEPTH + 1),
    "flow, one bracket a line": ('"[\\n" * 100_000', MAX_DEPTH + 1, 1),
    "flow, 40 brackets a line": ('("[" * 40 + "\\n") * 2_500', 2, MAX_DEPTH + 1 - 40),
    "flow inside block, third line": ('"a: 1\\nb:\\n  c: " + "[" * 100_000', 3, 6 + MAX_DEPTH - 2),
    "block sequences, one line": ('"- " * 30_000 + "x\\n"', 1, 2 * MAX_DEPTH + 1),
    "block mappings, indented": ('"".join(" " * i + f"k{i}:\\n" for i in range(3_000))', MAX_DEPTH + 1, MAX_DEPTH + 1),
}
LOADERS = {"libyaml": "yaml.CSafeLoader", "pure-python": "yaml.SafeLoader"}

CHILD_DEEP = textwrap.dedent(
    """
    import json, re, time, yaml
    from pathlib import Path
    import game.compiler.yamlsafe as ys
    from game.compiler.checker import Checker
    ys._Loader = {loader}

    def peak_kb():  # this process's own peak (ru_maxrss would include the parent's, inherited through exec)
        status = Path("/proc/self/status")
        found = re.search(r"VmHWM:\\s+(\\d+)", status.read_text()) if status.exists() else None
        return int(found.group(1)) if found else 0

    text = {make}
    checker = Checker()
    started = time.process_time()
    doc = ys.parse_yaml_text(text, "f.yaml", checker)
    print(json.dumps({{"doc": doc is not None, "seconds": time.process_time() - started,
                      "peak_kb": peak_kb(),
                      "diagnostics": [[d.code, d.line, d.col, d.message] for d in checker.diagnostics]}}))
    """
)


@pytest.mark.parametrize("loader", list(LOADERS))
@pytest.mark.parametrize("shape", list(DEEP_SHAPES))
def test_nesting_past_the_limit_is_too_deep_whatever_the_shape(shape, loader):
    make, line, col = DEEP_SHAPES[shape]
    if loader == "pure-python":  # the pure-Python scanner is slow; a tenth of the size shows the same
        make = make.replace("100_000", "10_000").replace("30_000", "3_000")
    result = run_child(CHILD_DEEP.format(loader=LOADERS[loader], make=make))
    assert result.returncode == 0, f"the child died ({result.returncode}): {result.stderr[-500:]}"
    report = json.loads(result.stdout)
    assert not report["doc"]
    assert report["diagnostics"] == [["too-deep", line, col, f"nesting deeper than {MAX_DEPTH} levels"]]
    assert report["seconds"] < HANG_GUARD
    assert report["peak_kb"] < 200_000  # a guard against a blow-up, not a benchmark


def test_libyaml_stopping_where_the_count_cannot_follow_still_reports_too_deep():
    # libyaml stopped on a line the bracket count cannot explain (the builder saw nothing deep there):
    # the diagnostic is still `too-deep`, at the place libyaml gives
    from game.compiler.yamlbuild import Builder

    err = Builder("a: [b]\n").too_deep(0, 3)
    assert (err.code, err.line, err.column, err.message) == (
        "too-deep",
        0,
        3,
        f"nesting deeper than {MAX_DEPTH} levels",
    )


def test_block_nesting_30000_deep_is_refused():
    result = parse_in_child('"- " * 30_000 + "x\\n"')
    assert result["outcome"] == "none"
    # the 51st sequence starts at the 51st dash: column 2 * 50 + 1
    assert result["diagnostics"] == [["too-deep", 1, 2 * MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels"]]
    assert result["seconds"] < HANG_GUARD


def test_flow_nesting_in_process_boundary():
    assert accepted("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "too-deep", 1, MAX_DEPTH + 1, "deeper than 50")
    refused("{a: " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), "too-deep", 1, 4 * MAX_DEPTH + 1, "deeper than 50")


def test_block_nesting_in_process_boundary():
    assert accepted("- " * MAX_DEPTH + "x\n") is not None
    refused("- " * (MAX_DEPTH + 1) + "x\n", "too-deep", 1, 2 * MAX_DEPTH + 1, "deeper than 50")


def test_indented_mapping_nesting_is_refused():
    # one space per level: the mapping at depth k starts on line k, column k
    text = "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "leaf\n"
    refused(text, "too-deep", MAX_DEPTH + 1, MAX_DEPTH + 1, "deeper than 50")
    shallow = "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH - 1)) + " " * (MAX_DEPTH - 1) + "leaf\n"
    assert accepted(shallow) is not None


def test_brackets_in_text_do_not_count_as_nesting():
    assert accepted("title: '" + "[" * 64 + "'\nnote: a ]]]] b\n") == {"title": "[" * 64, "note": "a ]]]] b"}


@pytest.mark.parametrize(
    "make",
    [
        # 2,500 x (40 opening brackets, then a quoted string of 40 closing ones), closed at the end
        '("[" * 40 + \'"\' + "]" * 40 + \'", \') * 2500 + "]" * 100_000',
        # the same with the closing brackets in comments
        '("[" * 40 + " # " + "]" * 40 + "\\n") * 2500 + "]" * 100_000',
    ],
    ids=["quoted", "comment"],
)
def test_depth_check_cannot_be_fooled_by_brackets_in_text(make):
    result = parse_in_child(make)
    assert result["outcome"] == "none"
    assert [d[0] for d in result["diagnostics"]] == ["too-deep"]
    text = eval(make)  # noqa: S307 - the test's own literal
    index = [i for i, c in enumerate(text) if c == "["][MAX_DEPTH]  # the opening bracket one level too deep
    line_start = text.rfind("\n", 0, index) + 1
    assert result["diagnostics"][0][1:3] == [text.count("\n", 0, index) + 1, index - line_start + 1]


# -- sizes and encodings ----------------------------------------------------------------------------


def test_file_over_the_limit_is_refused_without_reading(tmp_path):
    file = tmp_path / "huge.yaml"
    with file.open("wb") as handle:  # sparse: no 16 MiB write needed
        handle.truncate(MAX_FILE_BYTES + 1)
    doc, diagnostics = read(file)
    assert doc is None
    only_error(diagnostics, "too-large", 1, 1, f"{MAX_FILE_BYTES + 1:,} bytes", f"limit is {MAX_FILE_BYTES:,}")


def test_file_at_the_limit_is_read(tmp_path):
    file = tmp_path / "big.yaml"
    file.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES - 4) + b"\n")
    assert file.stat().st_size == MAX_FILE_BYTES
    doc, diagnostics = read(file)
    assert diagnostics == []
    assert len(doc.data["a"]) == MAX_FILE_BYTES - 4


def test_non_utf8_byte_is_located(tmp_path):
    file = tmp_path / "latin1.yaml"
    file.write_bytes(b"id: x\ntitle: caf\xe9 au lait\n")
    doc, diagnostics = read(file)
    assert doc is None
    assert only_error(diagnostics, "not-utf8", 2, 11, "not UTF-8") == "the file is not UTF-8 text (byte 0xe9)"


def test_utf16_file_is_not_utf8(tmp_path):
    file = tmp_path / "utf16.yaml"
    file.write_bytes("id: x\n".encode("utf-16"))
    doc, diagnostics = read(file)
    assert doc is None
    only_error(diagnostics, "not-utf8", 1, 1, "byte 0xff")


def test_non_utf8_column_counts_characters(tmp_path):
    file = tmp_path / "mixed.yaml"
    file.write_bytes("title: été ".encode() + b"\xff\n")  # 'title: été ' is 11 characters (13 bytes)
    doc, diagnostics = read(file)
    assert doc is None
    only_error(diagnostics, "not-utf8", 1, 12, "byte 0xff")


def test_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path):
    file = tmp_path / "bom.yaml"
    file.write_bytes(b"\xef\xbb\xbfid: caf\xc3\xa9\nlist: [1, 2]\n")
    doc, diagnostics = read(file)
    assert diagnostics == []
    assert doc.data == {"id": "café", "list": [1, 2]}
    assert doc.where(("id",)) == ("f.yaml", 1, 1)
    bad = tmp_path / "bom_tag.yaml"
    bad.write_bytes(b"\xef\xbb\xbfa: !foo x\n")
    doc, diagnostics = read(bad)
    assert doc is None
    only_error(diagnostics, "unsafe-tag", 1, 4, "!foo")


def test_missing_file_and_folder_are_io_errors(tmp_path):
    doc, diagnostics = read(tmp_path / "nope.yaml")
    assert doc is None
    only_error(diagnostics, "io", 1, 1, "not a regular file")
    doc, diagnostics = read(tmp_path)
    assert doc is None
    only_error(diagnostics, "io", 1, 1, "not a regular file")


@pytest.mark.posix
def test_symlink_is_refused(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_text("a: 1\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    doc, diagnostics = read(link)
    assert doc is None
    only_error(diagnostics, "io", 1, 1, "not a regular file")


# -- syntax -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("a:\n\tb: 1\n", 2, 1),
        ("a: 1\n\tb: 2\n", 2, 1),
        ("a:\n  - x\n\t- y\n", 3, 1),
        ("\ta: 1\n", 1, 1),
    ],
)
def test_tab_indentation_is_explained(text, line, col):
    refused(text, "yaml-syntax", line, col, "indent with spaces, not tabs")


def test_tabs_inside_text_and_flow_are_fine():
    assert accepted('a: "x\ty"\nb: [1,\n\t2]\n') == {"a": "x\ty", "b": [1, 2]}


def test_colon_in_plain_text_is_explained():
    refused("title: The wire: at night\n", "yaml-syntax", 1, 16, "put text that contains ': ' in quotes")


def test_bad_indent_is_a_syntax_error():
    refused("a: 1\n  b: 2\n", "yaml-syntax", 2, 4)


def test_unclosed_quote_points_at_the_quote():
    doc, diagnostics = parse("a: 'unclosed\nb: 2\nc: 3\nd: 4\n")
    assert doc is None
    assert [d.code for d in diagnostics] == ["yaml-syntax"]
    d = diagnostics[0]
    assert (d.line, d.col) == (1, 4) or "line 1" in d.message


def test_control_character_is_located():
    doc, diagnostics = parse("a: 1\nb: 2\nc: x\x07y\n")
    assert doc is None
    message = only_error(diagnostics, "yaml-syntax", 3, 5, "control characters")
    assert "<unicode string>" not in message


# -- keys -------------------------------------------------------------------------------------------


def test_duplicate_key_names_the_first_line():
    refused("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1, "duplicate key 'a' (first defined at line 1)")


def test_nested_duplicate_key():
    refused("a:\n  b: 1\n  c: 2\n  b: 3\n", "duplicate-key", 4, 3, "duplicate key 'b' (first defined at line 2)")


def test_duplicate_key_in_flow_mapping():
    refused("a: {x: 1, y: 2, x: 3}\n", "duplicate-key", 1, 17, "duplicate key 'x' (first defined at line 1)")


def test_number_and_text_keys_collide():
    refused("1: x\n'1': y\n", "duplicate-key", 2, 1, "duplicate key '1'")


def test_merge_key_is_refused():
    refused("base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n", "bad-key", 3, 3, "merge keys ('<<') are not supported")


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("? [a, b]\n: 1\n", 1, 3),
        ("x: 1\n{a: 1}: 2\n", 2, 1),
        ("1.5: x\n", 1, 1),
        ("a:\n  ? - x\n  : y\n", 2, 5),
    ],
)
def test_non_text_keys_are_refused(text, line, col):
    refused(text, "bad-key", line, col, "a mapping key must be plain text")


def test_plain_keys_of_scalar_types_become_text():
    assert accepted("1: a\ntrue: b\nnull: c\n") == {"1": "a", "true": "b", "null": "c"}


# -- documents, empty files, numbers ---------------------------------------------------------------


def test_multiple_documents_are_refused():
    refused("a: 1\n---\nb: 2\n", "yaml-syntax", 2, 1, "another document", "one document (remove the extra '---')")


def test_multiple_explicit_documents_are_refused():
    refused("---\na: 1\n...\n---\nb: 2\n", "yaml-syntax", 4, 1, "one document")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n\n"])
def test_empty_file_gives_no_data_and_no_error(text):
    doc, diagnostics = parse(text)
    assert diagnostics == []
    assert doc is not None and doc.data is None
    assert doc.where(("anything",))[0] == "f.yaml"


def test_empty_file_on_disk(tmp_path):
    file = tmp_path / "empty.yaml"
    file.write_bytes(b"")
    doc, diagnostics = read(file)
    assert diagnostics == []
    assert doc.data is None


def test_huge_decimal_integer_is_refused_quickly():
    message = refused("x: 1\nn: " + "9" * 100_000 + "\n", "schema", 2, 4, "too large or malformed")
    assert len(message) < 120  # the number is cut short in the message


def test_big_but_convertible_numbers_are_plain_data():
    data = accepted("a: 123456789012345678901234567890\nb: 0x1F\nc: 1_000\nd: -5\ne: 1.5\nf: 1e999\n")
    assert data == {"a": 123456789012345678901234567890, "b": 31, "c": 1000, "d": -5, "e": 1.5, "f": "1e999"}


# -- places ---------------------------------------------------------------------------------------

PLACES = """\
id: demo
start: hall
vars:
  a: 1
  b: {c: 2}
list:
  - first
  - key: 1
    other: 2
single: 'it is here'
double: "also here"
block: |
  line one
  line two here
folded: >
  folded text
"""


@pytest.fixture
def places() -> YamlDoc:
    doc, diagnostics = parse(PLACES)
    assert diagnostics == []
    return doc


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("start",), (2, 1)),
        (("vars", "a"), (4, 3)),
        (("vars", "b", "c"), (5, 7)),
        (("list", 0), (7, 5)),
        (("list", 1), (8, 5)),
        (("list", 1, "other"), (9, 5)),
        (("list", 9), (7, 3)),  # no such item: the nearest parent, the list (its first '-')
        (("nope",), (1, 1)),  # no such key: the root
        ((), (1, 1)),
    ],
)
def test_where_points_at_keys_and_items(places, loc, expected):
    assert places.where(loc) == ("f.yaml", *expected)


def column_of(text: str, line: int, word: str) -> int:
    """1-based column of `word` on 1-based `line` of `text`."""
    return text.splitlines()[line - 1].index(word) + 1


def test_value_where_quoted(places):
    # single: 'it is here' -> 'here' is offset 6 in the value, column 16 in the source
    assert places.value_where(("single",), 6) == ("f.yaml", 10, 16) == ("f.yaml", 10, column_of(PLACES, 10, "here"))
    assert places.value_where(("single",), 0) == ("f.yaml", 10, column_of(PLACES, 10, "it"))
    assert places.value_where(("double",), 5) == ("f.yaml", 11, 15) == ("f.yaml", 11, column_of(PLACES, 11, "here"))


def test_value_where_block(places):
    offset = places.data["block"].index("here")
    assert places.value_where(("block",), offset) == ("f.yaml", 14, 12) == ("f.yaml", 14, column_of(PLACES, 14, "here"))
    assert places.value_where(("block",), 0) == ("f.yaml", 13, 3)


def test_value_where_of_non_scalars_and_missing_paths_falls_back(places):
    assert places.value_where(("vars",), 3) == places.where(("vars",))
    assert places.value_where(("nope",), 3) == ("f.yaml", 1, 1)
    assert places.value_where(("folded",), 5) == ("f.yaml", 16, 8)  # inside the folded text


def test_value_where_plain_at_offset_zero(places):
    assert places.value_where(("start",), 0) == ("f.yaml", 2, 8)


def test_value_where_plain_with_offset():
    doc, _ = parse("if: stamina > 2 and stamna\n")
    assert doc.value_where(("if",), 20) == ("f.yaml", 1, 25)


def test_value_where_multiline_plain():
    doc, _ = parse("outcome: You dig until\n  the candle is a stub\n")
    offset = doc.data["outcome"].index("candle")
    assert doc.value_where(("outcome",), offset) == ("f.yaml", 2, 7)


def test_value_where_quoted_with_escapes():
    doc, _ = parse("a: 'it''s here'\nb: \"\\u00e9 here\"\n")
    assert doc.value_where(("a",), doc.data["a"].index("here")) == ("f.yaml", 1, 11)
    assert doc.value_where(("b",), doc.data["b"].index("here")) == ("f.yaml", 2, 12)


def test_value_where_block_with_deeper_line():
    doc, _ = parse("text: |\n  first\n    {{ bad }}\n")
    offset = doc.data["text"].index("bad")
    assert doc.value_where(("text",), offset) == ("f.yaml", 3, 8)


# -- YAML mistakes at the line where they are, with the fix ----------------------------------------------------

CHOICE = "c:\n  - id: a\n    text: Go\n    goto: b\n"


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        (
            CHOICE.replace("    goto", "     goto"),
            4,
            6,
            "'goto:' is indented further than 'text:' on line 3, so YAML reads it as more of the value of 'text:'; "
            "line it up with 'text:'",
        ),
        (
            CHOICE.replace("    goto", "   goto"),
            4,
            4,
            "'goto:' is indented by 3 spaces, which lines it up with nothing above it; "
            "line it up with 'text:' on line 3 (4 spaces)",
        ),
        ("c:\n  - id a\n    text: Go\n", 2, 7, "a ':' is missing after 'id' (write 'id: a')"),
        ("c:\n  - id: a\n    text Go\n    goto: b\n", 3, 9, "a ':' is missing after 'text' (write 'text: Go')"),
        (CHOICE.replace("goto: b", "goto:b"), 4, 9, "put a space after the ':' of 'goto:' (write 'goto: b')"),
        (CHOICE + "  -id: d\n", 5, 3, "put a space after '-' to start a list item (write '- id: ...')"),
        (
            CHOICE.replace("text: Go", 'text: "Go') + '  - id: d\n    text: "x"\n',
            3,
            11,
            'the quotation mark (") opened here is not closed on its line, so the text runs on to the next ", '
            'on line 6; close the text with ", or use a | block for text over several lines',
        ),
        (
            CHOICE.replace("text: Go", "text: 'Don't go'"),
            3,
            16,
            "the quoted text ends at its second ', and the line goes on after it; inside '...' write an "
            "apostrophe twice ('Don''t go'), or quote the whole text with \"...\" instead",
        ),
        (
            CHOICE.replace("text: Go", "text: 'Go!' she says"),
            3,
            16,
            "the quoted text ends at its second ', and the line goes on after it; quote the whole text: "
            "\"'Go!' she says\"",
        ),
        (
            CHOICE.replace("text: Go", "if: {{ n }} > 1"),
            3,
            9,
            "drop the braces: {{ }} is for text; 'if' takes the expression as it is (if: n > 1)",
        ),
        (
            CHOICE.replace("text: Go", "text: *Go*"),
            3,
            11,
            "text that starts with '*' must be in quotes (YAML reads *name as an alias): text: \"*...\"",
        ),
        (
            CHOICE.replace("text: Go", "effects: [a += 1"),
            3,
            14,
            "this '[' is never closed: add ']' at the end of the list (or write it as a block list)",
        ),
        (
            "c:\n  - id: a\n    choices:\n      - id: x\n     - id: y\n",
            5,
            6,
            "this '-' is indented by 5 spaces, which lines it up with nothing above it; "
            "line it up with the '-' on line 4 (6 spaces)",
        ),
    ],
)
def test_yaml_mistakes_are_placed_where_they_are_with_the_fix(text, line, col, message):
    assert only_error(parse(text)[1], "yaml-syntax", line, col) == message


def test_a_condition_in_braces_or_after_a_bang_gets_the_fix():
    only_error(parse("if: {{ lit }}\n")[1], "bad-key", 1, 6, "drop the braces", "(if: lit)")
    only_error(parse("if: !lit\n")[1], "unsafe-tag", 1, 5, "in a condition write 'not': not lit")


def test_a_comment_that_cuts_prose_is_a_warning_and_other_comments_are_not():
    doc, diagnostics = parse("text: hut #4\ntitle: The hut  # a note\nid: a #b\nname: 'x #1'\n")
    assert doc is not None and doc.data["text"] == "hut"
    assert [(d.line, d.col, d.severity, d.code) for d in diagnostics] == [(1, 11, "warning", "yaml-comment")]

"""Path arguments of the commands that write or read files a user names (issue "Hardening, round two").

`escape new story|scene`, `escape graph -o` and `--coverage`, `escape schema --out`, `escape playtest --out`
and `--write-walkthroughs`: every measured case gives its exact message and exit code, no traceback, and
leaves the file system as it was (names, kinds, sizes, times and link targets are compared), within 2
seconds. Then what --force may replace and what it never does, and the map's labels with a stranger's
title in them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from game.cli import main
from game.tools import output
from tests.conftest import DEMO, write_story

pytestmark = pytest.mark.posix  # symbolic links and FIFOs


def listing(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder`, links not followed: kind, size, time and link target (a folder's time
    is left out: only what is in it counts)."""
    found: dict[str, tuple] = {}
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[str(path.relative_to(folder))] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[str(path.relative_to(folder))] = ("folder",)
            else:
                found[str(path.relative_to(folder))] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return found


def run(args: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as stop:  # argparse's usage errors
            code = int(stop.code or 0)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


def reported(output_text: str, expected: str) -> bool:
    """Whether a line of `output_text` is `expected`, where "…" in it stands for the system's own words."""
    head, sep, tail = expected.partition("…")
    if not sep:
        return expected in output_text.splitlines()
    return any(line.startswith(head) and line.endswith(tail) for line in output_text.splitlines())


@pytest.fixture
def place(tmp_path, monkeypatch, capsys):
    """A working folder with a file, a folder with a file in it, an empty folder, a dangling link into a
    folder outside it, a FIFO and a story whose the_river.yaml is a dangling link to outside/pwned.sh."""
    work = tmp_path / "work"
    outside = tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    monkeypatch.chdir(work)
    (work / "afile").write_text("keep me\n")
    (work / "adir").mkdir()
    (work / "adir" / "inside.txt").write_text("keep me too\n")
    (work / "empty").mkdir()
    (work / "dangling").symlink_to("../outside/pwned.sh")
    os.mkfifo(work / "fifo")
    assert main(["new", "story", "pack"]) == 0
    capsys.readouterr()
    (work / "pack" / "the_river.yaml").symlink_to("../../outside/pwned.sh")
    return work


def damaged_reports(work: Path) -> None:
    def report(**changes: object) -> str:
        return json.dumps({"story": "demo", "scenes": {"cellar": 3}, "choices": {"cellar.door": 1}, **changes})

    (work / "strings.json").write_text(report(scenes={"cellar": "5"}))
    (work / "deep.json").write_text("[" * 200_000)
    (work / "nan.json").write_text(report().replace('"cellar": 3', '"cellar": NaN'))
    (work / "infinite.json").write_text(report().replace('"cellar": 3', '"cellar": -Infinity'))
    (work / "negative.json").write_text(report(moves={"cellar.door>barrels": -1}))
    (work / "huge.json").write_text(report().replace('"cellar": 3', '"cellar": ' + "9" * 5000))
    (work / "list.json").write_text("[1, 2]")
    (work / "latin1.json").write_bytes(b'{"story": "d\xe9mo"}')
    with open(work / "big.json", "wb") as big:  # 100 MB, sparse: made at once
        big.truncate(100 * 1024 * 1024)


DEMO_ARG = str(DEMO)
TO_FIX = "write a new one with: escape playtest demo --out REPORT"
NOTHING = "nothing was written"

# (case, arguments, exit code, the line on stderr ("…": the system's words))
CASES = [
    (
        "new-story-onto-a-file",
        ["new", "story", "afile"],
        1,
        f"escape: error: afile already exists and is not a folder; choose a new folder; {NOTHING}",
    ),
    (
        "new-story-onto-a-dangling-link",
        ["new", "story", "dangling"],
        1,
        "escape: error: dangling is a symbolic link; nothing is ever written through links: remove it or choose "
        f"another name; {NOTHING}",
    ),
    (
        "new-story-onto-a-folder-with-files",
        ["new", "story", "adir"],
        1,
        f"escape: error: adir already exists and is not empty; choose a new folder; {NOTHING}",
    ),
    (
        "new-story-in-proc",
        ["new", "story", "/proc/x"],
        1,
        f"escape: error: cannot make the folder /proc/x: …; choose a folder you can write to; {NOTHING}",
    ),
    (
        "new-story-in-a-file",
        ["new", "story", "afile/story"],
        1,
        f"escape: error: afile/story: afile is not a folder (or a folder on its way is a file); {NOTHING}",
    ),
    (
        "new-story-id-with-a-newline",
        ["new", "story", "tale\n"],
        1,
        "escape: error: 'tale?' cannot be a story id: use lower case letters, digits and _, at most 64 (e.g. my_escape)",
    ),
    (
        "new-scene-onto-a-dangling-link",
        ["new", "scene", "pack", "the_river"],
        1,
        "escape: error: pack/the_river.yaml is a symbolic link; story files are never written through links: "
        "remove it, or choose another id; nothing was written",
    ),
    (
        "new-scene-file-a-dangling-link",
        ["new", "scene", "pack", "the_ford", "--file", "the_river.yaml"],
        1,
        "escape: error: pack/the_river.yaml is a symbolic link; story files are not written through links",
    ),
    (
        "graph-onto-a-folder",
        ["graph", DEMO_ARG, "-o", "adir"],
        1,
        f"escape: error: adir is a folder, not a file; name a file; {NOTHING}",
    ),
    (
        "graph-into-a-missing-folder",
        ["graph", DEMO_ARG, "-o", "missing/map.md"],
        1,
        "escape: error: missing/map.md: the folder missing does not exist; create it first or choose another "
        f"folder; {NOTHING}",
    ),
    (
        "graph-onto-dev-full",
        ["graph", DEMO_ARG, "-o", "/dev/full"],
        1,
        f"escape: error: /dev/full is not a regular file (a device, FIFO or socket); name a regular file; {NOTHING}",
    ),
    (
        "graph-onto-a-fifo",
        ["graph", DEMO_ARG, "-o", "fifo"],
        1,
        f"escape: error: fifo is not a regular file (a device, FIFO or socket); name a regular file; {NOTHING}",
    ),
    (
        "graph-onto-an-existing-file",
        ["graph", DEMO_ARG, "-o", "afile"],
        1,
        f"escape: error: afile already exists; add --force to replace it, or choose another name; {NOTHING}",
    ),
    (
        "graph-onto-a-dangling-link-even-with-force",
        ["graph", DEMO_ARG, "-o", "dangling", "--force"],
        1,
        "escape: error: dangling is a symbolic link; nothing is ever written through links: remove it or choose "
        f"another name; {NOTHING}",
    ),
    (
        "graph-onto-a-name-ending-in-a-slash",
        ["graph", DEMO_ARG, "-o", "new/"],
        1,
        f"escape: error: -o new/: that names a folder; name a file; {NOTHING}",
    ),
    (
        "graph-onto-no-name",
        ["graph", DEMO_ARG, "-o", ""],
        1,
        f"escape: error: -o: the file name is empty; name a file; {NOTHING}",
    ),
    (
        "graph-o-without-a-file",
        ["graph", DEMO_ARG, "-o"],
        2,
        "escape graph: error: argument -o/--output: expected one argument",
    ),
    (
        "schema-onto-an-existing-file",
        ["schema", "--out", "afile"],
        1,
        "escape: error: afile exists and is not a folder; --out names the folder the schemas are written to (made "
        f"if missing); {NOTHING}",
    ),
    (
        "schema-onto-a-dangling-link",
        ["schema", "--out", "dangling"],
        1,
        "escape: error: dangling exists and is not a folder; --out names the folder the schemas are written to "
        f"(made if missing); {NOTHING}",
    ),
    (
        "playtest-out-onto-a-folder",
        ["playtest", DEMO_ARG, "--runs", "5", "--out", "adir"],
        1,
        f"escape: error: adir is a folder, not a file; name a file; {NOTHING}",
    ),
    (
        "playtest-out-onto-an-existing-file",
        ["playtest", DEMO_ARG, "--runs", "5", "--out", "afile"],
        1,
        f"escape: error: afile already exists; add --force to replace it, or choose another name; {NOTHING}",
    ),
    (
        "playtest-walkthroughs-into-a-file",
        ["playtest", DEMO_ARG, "--runs", "5", "--write-walkthroughs", "afile"],
        1,
        "escape: error: --write-walkthroughs afile: not a folder; name the folder the walkthroughs go to (made if "
        f"missing); {NOTHING}",
    ),
    (
        "coverage-with-string-counts",
        ["graph", DEMO_ARG, "--coverage", "strings.json"],
        1,
        "escape: error: strings.json is damaged: the count of 'cellar' in 'scenes' is \"5\", not a whole number of 0 "
        f"or more; {TO_FIX}",
    ),
    (
        "coverage-200000-nested-brackets",
        ["graph", DEMO_ARG, "--coverage", "deep.json"],
        1,
        f"escape: error: deep.json is not a playtest report: its JSON is nested too deeply; {TO_FIX}",
    ),
    (
        "coverage-with-nan",
        ["graph", DEMO_ARG, "--coverage", "nan.json", "--format", "dot"],
        1,
        f"escape: error: nan.json is not a playtest report: NaN is not a number a report holds; {TO_FIX}",
    ),
    (
        "coverage-with-infinity",
        ["graph", DEMO_ARG, "--coverage", "infinite.json"],
        1,
        f"escape: error: infinite.json is not a playtest report: -Infinity is not a number a report holds; {TO_FIX}",
    ),
    (
        "coverage-with-a-negative-count",
        ["graph", DEMO_ARG, "--coverage", "negative.json"],
        1,
        "escape: error: negative.json is damaged: the count of 'cellar.door>barrels' in 'moves' is -1, not a whole "
        f"number of 0 or more; {TO_FIX}",
    ),
    (
        "coverage-with-a-5000-digit-count",
        ["graph", DEMO_ARG, "--coverage", "huge.json"],
        1,
        f"escape: error: huge.json is not a playtest report: …; {TO_FIX}",
    ),
    (
        "coverage-not-a-report",
        ["graph", DEMO_ARG, "--coverage", "list.json"],
        1,
        f"escape: error: list.json is not a report of 'escape playtest --out'; {TO_FIX}",
    ),
    (
        "coverage-not-utf8",
        ["graph", DEMO_ARG, "--coverage", "latin1.json"],
        1,
        f"escape: error: latin1.json is not a playtest report: it is not UTF-8 text; {TO_FIX}",
    ),
    (
        "coverage-a-fifo",
        ["graph", DEMO_ARG, "--coverage", "fifo"],
        1,
        "escape: error: cannot read the playtest report fifo: not a regular file (a FIFO, device or socket); name "
        "the report file",
    ),
    (
        "coverage-a-folder",
        ["graph", DEMO_ARG, "--coverage", "adir"],
        1,
        "escape: error: cannot read the playtest report adir: it is a folder; name the report file",
    ),
    (
        "coverage-a-100-mb-file",
        ["graph", DEMO_ARG, "--coverage", "big.json"],
        1,
        "escape: error: big.json is larger than 16 MiB, more than any playtest report; is it the right file? "
        f"({TO_FIX})",
    ),
    (
        "coverage-missing",
        ["graph", DEMO_ARG, "--coverage", "nowhere.json"],
        1,
        "escape: error: cannot read the playtest report nowhere.json: No such file or directory",
    ),
]


@pytest.fixture(params=["dir-fd", "by-path"])
def mode(request, monkeypatch):
    """Files made relative to an open folder (Linux, macOS), or by path where the system has no dir_fd."""
    if request.param == "by-path":
        monkeypatch.setattr(output, "HAS_DIR_FD", False)
    return request.param


@pytest.mark.parametrize(("args", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_measured_case(place, mode, args, code, message):
    if "/proc/x" in args and not Path("/proc").is_dir():
        pytest.skip("no /proc here")
    damaged_reports(place)
    before, device = listing(place.parent), _device()
    got, out, err, seconds = run(args)
    assert got == code, err
    assert reported(err, message), err
    assert "Traceback" not in out + err
    assert listing(place.parent) == before
    assert not (place.parent / "outside" / "pwned.sh").exists()
    assert _device() == device
    assert seconds < 2


def _device() -> tuple | None:
    """/dev/full as it stands: still the device, untouched."""
    try:
        info = os.lstat("/dev/full")
    except OSError:
        return None
    return info.st_mode, info.st_rdev, info.st_size, info.st_mtime_ns


def test_the_story_folder_is_left_as_it_was_by_a_refused_scene(place):
    """The issue's case: the template went to outside/pwned.sh through the link."""
    before = listing(place.parent)
    assert run(["new", "scene", "pack", "the_river"])[0] == 1
    assert listing(place.parent) == before and os.listdir(place.parent / "outside") == []


# --force: what it replaces, and what it never does -------------------------------------------------------


def test_graph_force_replaces_a_file_and_keeps_its_permissions(place, mode):
    (place / "afile").chmod(0o600)
    code, out, err, _ = run(["graph", DEMO_ARG, "-o", "afile", "--force"])
    assert (code, out, err) == (0, "wrote afile\n", "")
    assert (place / "afile").read_text().startswith("flowchart TD")
    assert (place / "afile").stat().st_mode & 0o777 == 0o600
    assert not [name for name in os.listdir(place) if name.endswith(".tmp")]


@pytest.mark.parametrize("target", ["adir", "fifo", "dangling", "/dev/full"])
def test_force_never_replaces_a_folder_a_link_or_a_device(place, mode, target):
    before = listing(place.parent)
    code, _, err, _ = run(["graph", DEMO_ARG, "-o", target, "--force"])
    assert code == 1 and err.startswith(f"escape: error: {target} is ") and err.endswith(f"; {NOTHING}\n")
    assert listing(place.parent) == before


def test_schema_writes_both_or_neither(place, mode):
    assert run(["schema", "--out", "schemas"])[:3] == (
        0,
        "wrote schemas/story.schema.json, schemas/scenes.schema.json and schemas/translation.schema.json\n"
        "Point your editor at them with a first line such as:  # yaml-language-server: $schema=story.schema.json\n",
        "",
    )
    (place / "schemas" / "story.schema.json").unlink()
    (place / "schemas" / "scenes.schema.json").write_text("{}")  # an edited schema
    before = listing(place.parent)
    code, _, err, _ = run(["schema", "--out", "schemas"])
    assert code == 1 and reported(
        err,
        "escape: error: schemas/scenes.schema.json already exists; add --force to replace it, or choose another "
        f"name; {NOTHING}",
    )
    assert listing(place.parent) == before  # story.schema.json, which was free, was not written either
    assert run(["schema", "--out", "schemas", "--force"])[0] == 0
    assert json.loads((place / "schemas" / "scenes.schema.json").read_text())["title"]


def test_schema_makes_a_missing_folder_and_nothing_if_it_fails(place, monkeypatch):
    def full(fd: int, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "write_all", full)
    before = listing(place.parent)
    code, _, err, _ = run(["schema", "--out", "deep/er/schemas"])
    assert code == 1 and reported(
        err,
        "escape: error: cannot write deep/er/schemas/story.schema.json: No space left on device; free some space "
        f"or write elsewhere; {NOTHING}",
    )
    assert listing(place.parent) == before  # the folders it made are gone again


def test_a_full_disk_leaves_the_old_file_whole(place, monkeypatch):
    def full(fd: int, data: bytes) -> None:
        os.write(fd, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "write_all", full)
    before = listing(place.parent)
    code, _, err, _ = run(["graph", DEMO_ARG, "-o", "afile", "--force"])
    assert code == 1 and reported(
        err,
        f"escape: error: cannot write afile: No space left on device; free some space or write elsewhere; {NOTHING}",
    )
    assert listing(place.parent) == before and (place / "afile").read_text() == "keep me\n"


def test_a_file_that_appears_meanwhile_is_not_overwritten(place, mode, monkeypatch):
    """A new file is linked into place, which fails if the name was taken after the check."""
    real = output.write_all

    def racing(fd: int, data: bytes) -> None:
        real(fd, data)
        (place / "map.md").write_text("someone else's\n")

    monkeypatch.setattr(output, "write_all", racing)
    code, _, err, _ = run(["graph", DEMO_ARG, "-o", "map.md"])
    assert code == 1 and reported(err, f"escape: error: map.md appeared while it was being written; {NOTHING}")
    assert (place / "map.md").read_text() == "someone else's\n"
    assert not [name for name in os.listdir(place) if name.endswith(".tmp")]


def test_new_story_that_fails_half_way_leaves_nothing(place, mode, monkeypatch):
    calls = []
    real = output.write_all

    def fails_at_the_manifest(fd: int, data: bytes) -> None:  # after the three schemas in .schema/
        calls.append(1)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(output, "write_all", fails_at_the_manifest)
    before = listing(place.parent)
    code, _, err, _ = run(["new", "story", "new/stories/tale"])
    assert code == 1 and "cannot write new/stories/tale/story.yaml: No space left on device" in err
    assert listing(place.parent) == before


def test_new_story_in_an_empty_folder_and_never_a_second_time(place, mode):
    assert run(["new", "story", "empty"])[0] == 0
    before = listing(place.parent)
    code, _, err, _ = run(["new", "story", "empty"])
    assert code == 1 and reported(
        err, f"escape: error: empty already exists and is not empty; choose a new folder; {NOTHING}"
    )
    assert listing(place.parent) == before


def test_playtest_out_with_force_and_the_check_before_the_runs(place):
    code, out, _, seconds = run(["playtest", DEMO_ARG, "--runs", "100000", "--out", "afile"])
    assert code == 1 and out == "" and seconds < 2  # refused before 100,000 runs, not after
    assert run(["playtest", DEMO_ARG, "--runs", "5", "--out", "afile", "--force"])[0] == 0
    assert json.loads((place / "afile").read_text())["runs"] == 5


def test_walkthroughs_replace_their_own_and_nothing_else_without_force(place, capsys):
    folder = place / "walk"
    args = ["playtest", DEMO_ARG, "--exhaustive", "--write-walkthroughs", "walk"]
    assert run(args)[0] == 0
    assert sorted(os.listdir(folder)) == ["demo--caught.json", "demo--out.json"]
    assert run(args)[0] == 0  # its own walkthroughs are replaced, as before
    (folder / "demo--out.json").write_text("my notes\n")
    before = listing(place.parent)
    code, _, err, _ = run(args)
    assert code == 1 and reported(
        err,
        "escape: error: walk/demo--out.json is in the place of a walkthrough and is not a walkthrough of 'demo' "
        "(not a readable save (truncated or corrupt): …); move it away, or add --force to replace it; "
        f"{NOTHING}",
    )
    assert listing(place.parent) == before  # demo--caught.json was not written either
    assert run([*args, "--force"])[0] == 0
    assert json.loads((folder / "demo--out.json").read_text())["name"] == "out"


def test_walkthroughs_never_through_a_link_even_with_force(place):
    folder = place / "walk"
    folder.mkdir()
    (folder / "demo--out.json").symlink_to("../../outside/pwned.sh")
    before = listing(place.parent)
    code, _, err, _ = run(["playtest", DEMO_ARG, "--exhaustive", "--write-walkthroughs", "walk", "--force"])
    assert code == 1 and reported(
        err,
        "escape: error: walk/demo--out.json is a symbolic link; nothing is ever written through links: remove it "
        f"or choose another name; {NOTHING}",
    )
    assert listing(place.parent) == before and os.listdir(place.parent / "outside") == []


def test_new_scene_never_through_a_link_to_a_folder_on_its_way(place, tmp_path):
    (tmp_path / "outside" / "s.yaml").write_text(
        "scenes:\n  - id: nook\n    title: Nook\n    text: x\n    ending: caught\n"
    )
    (place / "pack" / "the_river.yaml").unlink()
    (place / "pack" / "linked").symlink_to(tmp_path / "outside")
    before = listing(tmp_path)
    code, _, err, _ = run(["new", "scene", "pack", "the_shed", "--file", "linked/s.yaml"])
    assert code == 1 and "symbolic link" in err
    assert listing(tmp_path) == before


# the map: a stranger's title is text, never markup or terminal codes ----------------------------------------

HOSTILE_TITLE = '"<img src=x onerror=alert(1)>"'
CONTROL_TITLE = '"\\e[31m\\u202e \\\\N \\\\\\" `#`"'


@pytest.fixture
def hostile(tmp_path):
    return write_story(
        tmp_path / "hostile",
        "id: hostile\ntitle: H\nblurb: b\nstart: node\nendings: [{id: e, title: E, kind: bad}]\n",
        scenes=f"""\
        scenes:
          - id: node
            title: {HOSTILE_TITLE}
            text: t
            choices: [{{id: go, text: Go, goto: graph}}]
          - id: graph
            title: {CONTROL_TITLE}
            text: t
            ending: e
        """,
    )


def test_mermaid_labels_are_plain_text(hostile):
    code, out, _, _ = run(["graph", str(hostile)])
    assert code == 0
    lines = out.splitlines()
    assert '    node["#lt;img src=x onerror=alert(1)#gt;"]' in lines
    assert '    graph{{"?[31m? \\N \\#quot; #96;#35;#96;<br/>bad ending: e"}}' in lines
    assert "\x1b" not in out and "\u202e" not in out and "<img" not in out


def test_dot_labels_are_quoted_strings_and_keywords_are_quoted_names(hostile):
    code, out, _, _ = run(["graph", str(hostile), "--format", "dot"])
    assert code == 0
    assert '  "node" [label="<img src=x onerror=alert(1)>", penwidth="3"];' in out.splitlines()
    assert (
        '  "graph" [label="?[31m? \\\\N \\\\\\" `#`\\nbad ending: e", shape="hexagon", fillcolor="#f8d7da", penwidth="2"];'
        in (out.splitlines())
    )
    assert '  "node" -> "graph" [label="go"];' in out.splitlines()
    assert "\x1b" not in out and "label=<" not in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program for SVG (apt install graphviz)")
def test_svg_labels_are_escaped_by_graphviz(hostile, tmp_path):
    assert run(["graph", str(hostile), "--format", "svg", "-o", str(tmp_path / "map.svg")])[0] == 0
    svg = (tmp_path / "map.svg").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg and "<img" not in svg and "\x1b" not in svg

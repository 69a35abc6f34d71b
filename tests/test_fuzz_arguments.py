"""Fuzzing (hypothesis) the command line's path arguments: `escape new story|scene`, `graph -o` and
`--coverage`, `schema --out`, `playtest --out` and `--write-walkthroughs`, with random paths (`..`, absolute
paths into the folder, control characters, NUL, 300-character names, existing files and folders, links to
nothing and to files, FIFOs), run in-process through `game.cli.main` in a folder of their own.

Whatever the path, main returns an exit code (or argparse exits with 2) and never raises; nothing is
written outside the folder (the dangling links point out of it, at a folder that must stay empty); no
file that was there changes unless --force was given, and --force changes only regular files; no link
changes, and no temporary file is left behind. `make test` tries 100 cases, shared among the eight commands
(FUZZ_EXAMPLES sets how many, FUZZ_SEED which)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from game.cli import main
from tests.conftest import DEMO

pytestmark = pytest.mark.posix

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
DEPTH = 2  # the working folder is root/a/b: at most two `..` stay inside root

# what the working folder holds (see `_lay_out`)
EXISTING = [
    "file.txt",
    "folder",
    "folder/inner.txt",
    "empty",
    "dangling",
    "absolute",
    "file_link",
    "fifo",
    "story",
    "story/story.yaml",
    "story/scenes.yaml",
    "linked",
    "linked/the_river.yaml",
    "report.json",
]
NAMES = st.one_of(
    st.sampled_from(EXISTING),
    st.sampled_from(["..", ".", "new", "map.md", "out.json", "tale", "-dash", "~", " ", "a\nb", "x" * 300]),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="/") | st.sampled_from("\x00\x1b\x07\r\t\u202e\udcff"),
        min_size=1,
        max_size=12,
    ),
)


@st.composite
def paths(draw) -> tuple[str, str]:
    """(how the path is given, what it is relative to: "work", "root" or "" for as given)."""
    parts = draw(st.lists(NAMES, min_size=1, max_size=4))
    anchor = draw(st.sampled_from(["work", "work", "work", "root", "absolute-work"]))
    depth = DEPTH if anchor != "root" else 0
    kept = []
    for part in parts:  # never above root: a `..` that would leave it is dropped
        if part == "..":
            if depth == 0:
                continue
            depth -= 1
        elif part != ".":
            depth += 1 + part.count("/")
        kept.append(part)
    text = "/".join(kept) or "."
    if draw(st.booleans()) and not text.endswith("/"):
        text += draw(st.sampled_from(["", "", "/"]))
    return text, anchor


COMMANDS = [
    "graph-o",
    "graph-coverage",
    "graph-story",
    "schema",
    "playtest-out",
    "walkthroughs",
    "new-story",
    "new-scene",
]


def _lay_out(fence: Path) -> tuple[Path, Path]:
    """fence/outside (must stay empty) and fence/root/a/b, the working folder, with a file, a folder with a
    file in it, an empty folder, links to nothing outside (relative and absolute) and to a file, a FIFO, a
    story, the same story with the_river.yaml a link to outside, and a playtest report."""
    outside, work = fence / "outside", fence / "root" / "a" / "b"
    outside.mkdir()
    work.mkdir(parents=True)
    (work / "file.txt").write_text("keep me\n")
    (work / "folder").mkdir()
    (work / "folder" / "inner.txt").write_text("keep me too\n")
    (work / "empty").mkdir()
    (work / "dangling").symlink_to("../../../outside/pwned.sh")
    (work / "absolute").symlink_to(outside / "absolute.sh")
    (work / "file_link").symlink_to("file.txt")
    os.mkfifo(work / "fifo")
    for story in ("story", "linked"):
        (work / story).mkdir()
        for name, text in TEMPLATE.items():
            (work / story / name).write_bytes(text)
    (work / "linked" / "the_river.yaml").symlink_to(outside / "pwned.sh")
    (work / "report.json").write_text('{"story": "demo", "scenes": {"cellar": 1}, "choices": {}}\n')
    return outside, work


def _snapshot(root: Path) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(top, name)
            info = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                found[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[key] = ("file", info.st_size, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[key] = (stat.S_IFMT(info.st_mode),)
    return found


def _arguments(command: str, path: str, force: bool, saves: Path, scene: str) -> list[str]:
    forced = ["--force"] if force else []
    return {
        "graph-o": ["graph", str(DEMO), f"--output={path}", *forced],
        "graph-coverage": ["graph", str(DEMO), f"--coverage={path}"],
        "graph-story": ["graph", "--", path],
        "schema": ["schema", f"--out={path}", *forced],
        "playtest-out": ["playtest", str(DEMO), "--runs=2", f"--saves={saves}", f"--out={path}", *forced],
        "walkthroughs": [
            "playtest",
            str(DEMO),
            "--runs=30",
            f"--saves={saves}",
            f"--write-walkthroughs={path}",
            *forced,
        ],
        "new-story": ["new", "story", "--", path],
        "new-scene": ["new", "scene", "--", path, scene],
    }[command]


TEMPLATE: dict[str, bytes] = {}  # the files of a small story (escape new story's, less .schema)


@pytest.fixture(scope="module", autouse=True)
def _template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template") / "tale"
    with redirect_stdout(io.StringIO()):
        assert main(["new", "story", str(folder)]) == 0
    TEMPLATE.update((name, (folder / name).read_bytes()) for name in ("story.yaml", "scenes.yaml"))


@pytest.fixture(scope="module", autouse=True)
def _no_fsync():
    """What is written is checked, not whether it reached the disk: flushing every file to a slow disk
    would take most of the time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", lambda fd: None)
        yield


# the story folder arguments: half the time one of the stories, so that adding a scene is tried too
STORIES = st.sampled_from(["story", "linked", "./story", "story/", "linked/", "../b/story"]).map(lambda p: (p, "work"))
# a new story's folder: half the time a name that can be a story id, at the end of a random path
NEW_STORIES = st.tuples(paths(), st.sampled_from(["tale", "empty", "story", "folder", "file.txt", "dangling"])).map(
    lambda drawn: (f"{drawn[0][0].rstrip('/')}/{drawn[1]}", drawn[0][1])
)
PATHS = {
    "new-story": st.one_of(paths(), NEW_STORIES),
    "graph-coverage": st.one_of(paths(), st.just(("report.json", "work"))),
    "graph-story": st.one_of(paths(), STORIES),
    "new-scene": st.one_of(paths(), STORIES),
}
PER_COMMAND = settings(FUZZ, max_examples=max(5, EXAMPLES // len(COMMANDS)))


@pytest.mark.parametrize("command", COMMANDS)
@PER_COMMAND
@given(data=st.data(), force=st.booleans(), scene=st.sampled_from(["fresh_scene", "the_river"]))
def test_path_arguments(command, data, force, scene):
    path, anchor = data.draw(PATHS.get(command, paths()), label="path")
    fence = Path(tempfile.mkdtemp(prefix="escape-fuzz-args-"))
    cwd = os.getcwd()
    try:
        outside, work = _lay_out(fence)
        root = fence / "root"
        if anchor == "root":
            path = f"{root}/{path}"
        elif anchor == "absolute-work":
            path = f"{work}/{path}"
        before = _snapshot(root)
        os.chdir(work)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(_arguments(command, path, force, root / "saves", scene))
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code
        os.chdir(cwd)
        event(f"exit {code}")
        assert code in (0, 1, 2), (code, err.getvalue())
        assert "Traceback" not in err.getvalue()
        assert sorted(os.listdir(fence)) == ["outside", "root"], "written outside the folder"
        assert os.listdir(outside) == [], f"written through a link: {os.listdir(outside)}"
        after = _snapshot(root)
        for key, was in before.items():
            now = after.get(key)
            if now != was:  # only a regular file may change, and only with --force
                assert force and was[0] == "file" and now is not None and now[0] == "file", (
                    key,
                    was,
                    now,
                    err.getvalue(),
                )
        assert not [key for key in after if Path(key).name.startswith(".escape-")], "a temporary file was left"
    finally:
        os.chdir(cwd)
        shutil.rmtree(fence)

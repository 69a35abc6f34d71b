"""`escape new scene`: a file of its own or --file, refusals before anything is written, honest messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.cli import main
from game.compiler.loader import check_story
from game.tools.scaffold import SceneRefused, new_scene


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under the folder, hidden ones included, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def tale(tmp_path, capsys):
    folder = tmp_path / "tale"
    assert main(["new", "story", str(folder)]) == 0
    capsys.readouterr()
    return folder


def _errors(folder: Path) -> list[str]:
    return [d.code for d in check_story(folder)[1] if d.is_error]


def test_file_appends_at_the_end_and_the_story_still_validates(tale, capsys):
    before = (tale / "scenes.yaml").read_bytes()
    assert main(["new", "scene", str(tale), "the_ford", "--file", "scenes.yaml"]) == 0
    out = capsys.readouterr().out
    after = (tale / "scenes.yaml").read_bytes()
    assert after.startswith(before + b"\n  - id: the_ford\n    title: The ford\n")  # everything before is kept
    story, diagnostics = check_story(tale)
    assert story is not None and not [d for d in diagnostics if d.is_error]
    line = before.count(b"\n") + 2
    assert story.scenes["the_ford"].source.endswith(f"scenes.yaml:{line}")
    assert f"Added the scene 'the_ford' to {tale / 'scenes.yaml'}, at line {line}." in out
    assert not [name for name in os.listdir(tale) if name.endswith(".tmp")]  # no temporary file is left behind


def test_file_keeps_the_files_indentation_and_line_endings(tale):
    text = (
        "scenes:\r\n"
        "    -   id: hut\r\n"
        "        title: Hut\r\n"
        "        text: Dark.\r\n"
        "        choices: [{id: out, text: Out, goto: first_scene}]"  # and no newline at the end
    )
    (tale / "hut.yml").write_bytes(text.encode())
    added = new_scene(tale, "shed", "hut.yml")
    written = (tale / "hut.yml").read_bytes().decode()
    assert written.startswith(text + "\r\n\r\n    -   id: shed\r\n        title: Shed\r\n        text: |\r\n")
    assert "\n" not in written.replace("\r\n", "")
    assert added.line == 7 and not added.created
    story, _ = check_story(tale)
    assert story is not None and list(story.scenes)[:2] == ["hut", "shed"]  # files are read in path order


def test_the_id_story_gets_a_file_that_is_not_the_manifest(tale, capsys):
    assert main(["new", "scene", str(tale), "story"]) == 0
    assert f"Created {tale / 'story_scene.yaml'} with the scene 'story'." in capsys.readouterr().out
    story, _ = check_story(tale)
    assert story is not None and "story" in story.scenes and story.id == "tale"


def test_an_existing_id_is_refused_before_anything_is_written(tale, capsys):
    source = check_story(tale)[0].scenes["the_gate"].source
    before = _files(tale)
    assert main(["new", "scene", str(tale), "the_gate"]) == 1
    assert main(["new", "scene", str(tale), "the_gate", "--file", "scenes.yaml"]) == 1
    err = capsys.readouterr().err
    assert err.count(f"the story already has a scene 'the_gate' ({source}); nothing was written") == 2
    assert _files(tale) == before
    (tale / "scenes.yaml").write_text((tale / "scenes.yaml").read_text().replace("goto: cells", "goto: cellz"))
    before = _files(tale)
    assert main(["new", "scene", str(tale), "the_gate"]) == 1  # found even in a story with errors
    assert "already has a scene 'the_gate'" in capsys.readouterr().err
    assert _files(tale) == before


def test_a_file_named_after_the_id_that_exists_is_not_overwritten(tale, capsys):
    (tale / "the_well.yaml").write_text("# notes\nscenes: []\n")
    assert main(["new", "scene", str(tale), "the_well"]) == 1
    assert "add the scene to it with --file the_well.yaml" in capsys.readouterr().err
    assert (tale / "the_well.yaml").read_text() == "# notes\nscenes: []\n"


def test_no_false_claim_that_a_scene_leads_to_it(tale, capsys):
    assert main(["new", "scene", str(tale), "the_river"]) == 0
    out = capsys.readouterr().out
    assert "already lead" not in out
    assert "lead to it from another scene with a choice whose goto is 'the_river'" in out


def test_names_the_choices_that_lead_to_it_and_the_errors_it_resolves(tale, capsys):
    """The tutorial's way: write the goto first, then the scene it names."""
    scenes = tale / "scenes.yaml"
    scenes.write_text(scenes.read_text().replace("goto: the_gate", "goto: the_river", 1))
    assert _errors(tale) == ["unknown-scene"]
    assert main(["new", "scene", str(tale), "the_river"]) == 0
    out = capsys.readouterr().out
    assert "The story had 1 error, which the new scene resolves." in out
    assert "Next: write its text; first_scene.go_on already leads to it." in out
    assert _errors(tale) == []


def test_a_missing_start_scene(tale, capsys):
    manifest = tale / "story.yaml"
    manifest.write_text(manifest.read_text().replace("start: first_scene", "start: prologue"))
    assert main(["new", "scene", str(tale), "prologue"]) == 0
    assert "Next: write its text; the story starts here." in capsys.readouterr().out


def test_a_story_with_errors_is_left_alone(tale, capsys):
    scenes = tale / "scenes.yaml"
    scenes.write_text(scenes.read_text().replace("goto: cells", "goto: cellz"))
    before = _files(tale)
    assert main(["new", "scene", str(tale), "the_river"]) == 1
    assert main(["new", "scene", str(tale), "the_river", "--file", "scenes.yaml"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{scenes}:" in captured.err and "error: unknown scene 'cellz'" in captured.err
    assert "escape-new-scene-" not in captured.err  # the problems name the story, not the copy checked
    assert "the story has 1 error (above), so nothing was written: fix it (escape validate" in captured.err
    assert "a scene already leads to it" not in captured.err
    assert _files(tale) == before


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("../elsewhere.yaml", "is not inside the story folder"),
        ("story.yaml", "is the story's manifest, not a scene file"),
        ("notes.txt", "is not read as a scene file"),
        (".drafts/a.yaml", "is not read as a scene file"),
        ("missing.yaml", "does not exist; leave out --file"),
        ("inline.yaml", "writes its scenes list inline"),
        ("after.yaml", "'chapter:' comes after the scenes list"),
        ("ended.yaml", "cannot add to"),
        ("other/s.yaml", "belongs to another story"),
        ("broken.yaml", "the file must read as YAML"),
    ],
)
def test_files_a_scene_cannot_safely_be_added_to(tale, capsys, file, message):
    (tale / "elsewhere.yaml").write_text("")
    (tale / "notes.txt").write_text("scenes:\n")
    (tale / ".drafts").mkdir()
    (tale / ".drafts" / "a.yaml").write_text("scenes:\n  - id: draft\n")
    (tale / "inline.yaml").write_text("scenes: [{id: nook, title: Nook, text: x, ending: caught}]\n")
    (tale / "after.yaml").write_text(
        "scenes:\n  - id: nook\n    title: Nook\n    text: x\n    ending: caught\nchapter: X\n"
    )
    (tale / "ended.yaml").write_text("scenes:\n  - id: nook\n    title: Nook\n    text: x\n    ending: caught\n...\n")
    (tale / "other").mkdir()
    (tale / "other" / "story.yaml").write_text("id: other\n")
    (tale / "other" / "s.yaml").write_text("scenes:\n")
    if file == "broken.yaml":
        (tale / "broken.yaml").write_text("scenes:\n  - id: 'nook\n")
    before = _files(tale.parent)
    with pytest.raises(SceneRefused, match=message.replace("(", r"\(")):
        new_scene(tale, "the_shed", file)
    assert _files(tale.parent) == before


@pytest.mark.posix
def test_never_through_a_symbolic_link(tale, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "s.yaml").write_text("scenes:\n  - id: nook\n    title: Nook\n    text: x\n    ending: caught\n")
    (tale / "linked").symlink_to(outside)
    (tale / "alias.yaml").symlink_to(tale / "scenes.yaml")
    for file in ("linked/s.yaml", "alias.yaml"):
        with pytest.raises(SceneRefused, match="symbolic link"):
            new_scene(tale, "the_shed", file)
    assert "the_shed" not in (outside / "s.yaml").read_text()


@pytest.mark.posix
def test_the_file_keeps_its_permissions(tale):
    (tale / "scenes.yaml").chmod(0o600)
    new_scene(tale, "the_shed", "scenes.yaml")
    assert (tale / "scenes.yaml").stat().st_mode & 0o777 == 0o600


def test_a_path_as_the_shell_sees_it_works_too(tale, monkeypatch):
    monkeypatch.chdir(tale.parent)
    added = new_scene("tale", "the_shed", "tale/scenes.yaml")
    assert added.path == Path("tale/scenes.yaml")

"""One broken story per defect: every diagnostic code of docs/FORMAT.md, as the author reads it.

Each test writes a valid small story into a temporary folder, breaks one thing, and checks the exact
rendered lines `path:line:col: severity: message [code]` — and that nothing else was reported. Line
and column are computed from the text written (`at`), so each expectation says what it points at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.compiler.folder import MAX_FILES, MAX_STORY_BYTES
from game.compiler.loader import check_story, load_story
from game.compiler.yamlsafe import MAX_FILE_BYTES
from game.engine.game import Game
from game.errors import EscapeError, StoryError

MANIFEST = """\
id: demo
title: Demo
blurb: A small story.
start: hall
variables:
  stamina:
    value: 5
    min: 0
    max: 10
  name: Jean
  lit: false
items:
  rope: Knotted rope
endings:
  - id: free
    title: Free
    kind: good
  - id: caught
    title: Caught
    kind: bad
"""

SCENES = """\
scenes:
  - id: hall
    title: Hall
    text: |
      You are {{ name }}.
    revisit_text: Back in the hall.
    choices:
      - id: take
        text: Take the rope
        once: true
        effects: [gain rope, stamina -= 1]
        goto: hall
      - id: climb
        text: Climb
        if: has('rope') and stamina > 0
        disabled_text: You need a rope
        goto: yard
      - id: light
        text: Light the lamp
        if: not lit
        effects: lit = true
        goto: hall
    fallback:
      text: Wait
      goto: {random: {yard: 1, cell: 1}}
  - id: yard
    title: Yard
    text: Free.
    ending: free
  - id: cell
    title: Cell
    text: Caught.
    ending: caught
"""

# a second, independent scene file: a scene nothing leads to (valid, but unreachable)
EXTRA = """\
scenes:
  - id: attic
    title: Attic
    text: Dust.
    ending: caught
"""


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def at(text: str, needle: str, nth: int = 1, shift: int = 0) -> tuple[int, int]:
    """1-based line and column of the `nth` occurrence of `needle` in `text` (plus `shift` columns)."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col + shift


def line(path: str, where: tuple[int, int], severity: str, message: str, code: str) -> str:
    return f"{path}:{where[0]}:{where[1]}: {severity}: {message} [{code}]"


@pytest.fixture
def story(tmp_path, monkeypatch):
    """write(manifest=..., scenes=..., other files...) -> rendered diagnostics of check_story."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "s"

    class Story:
        path = folder

        def write(self, manifest: str | None = MANIFEST, scenes: str | None = SCENES, **files: str | bytes) -> Path:
            folder.mkdir(exist_ok=True)
            if manifest is not None:
                (folder / "story.yaml").write_text(manifest)
            if scenes is not None:
                (folder / "scenes.yaml").write_text(scenes)
            for name, content in files.items():
                file = folder / name
                file.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    file.write_bytes(content)
                else:
                    file.write_text(content)
            return folder

        def check(self, **kwargs) -> list[str]:
            self.write(**kwargs)
            result, diagnostics = check_story("s")
            errors = [d for d in diagnostics if d.is_error]
            assert (result is None) == bool(errors)
            return [str(d) for d in diagnostics]

    return Story()


S = "s/scenes.yaml"
M = "s/story.yaml"


def error(path, where, message, code):
    return line(path, where, "error", message, code)


def warning(path, where, message, code):
    return line(path, where, "warning", message, code)


# Warnings come with errors: where a test replaces `if: not lit`, the only reader of `lit`, this one comes too.
LIT_UNREAD = warning(
    M,
    at(MANIFEST, "lit"),
    "variable 'lit' is never read (use it in a condition or text, or show it with 'show: stat')",
    "unused-variable",
)


# -- the valid story ----------------------------------------------------------------------------------


def test_valid_story_has_no_diagnostics(story):
    assert story.check() == []
    loaded = load_story("s")
    assert set(loaded.scenes) == {"hall", "yard", "cell"}
    game = Game(loaded)
    game.start(seed=3)
    assert [o.id for o in game.choices()] == ["take", "climb", "light"]


# -- files ----------------------------------------------------------------------------------------------


def test_missing_folder(story):
    result, diagnostics = check_story("s")
    assert result is None
    assert [str(d) for d in diagnostics] == ["s:1:1: error: not a story folder (no such directory) [io]"]


def test_missing_manifest(story):
    assert story.check(manifest=None) == [
        "s:1:1: error: no story.yaml in this folder; every story needs a manifest [io]"
    ]


@pytest.mark.posix
def test_symlinked_scene_file_is_refused(story, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(EXTRA)
    story.write()
    (story.path / "linked.yaml").symlink_to(outside)
    result, diagnostics = check_story("s")
    assert result is None
    assert [str(d) for d in diagnostics] == [
        "s/linked.yaml:1:1: error: symbolic links are not followed in a story [io]"
    ]


@pytest.mark.posix
def test_symlinked_folder_is_not_followed(story, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "more.yaml").write_text(EXTRA)
    story.write()
    (story.path / "linked").symlink_to(outside)
    result, diagnostics = check_story("s")
    assert result is not None and "attic" not in result.scenes
    assert diagnostics == []


@pytest.mark.posix
def test_symlinked_manifest_is_reported_once(story, tmp_path):
    real = tmp_path / "real.yaml"
    real.write_text(MANIFEST)
    story.write(manifest=None)
    (story.path / "story.yaml").symlink_to(real)
    result, diagnostics = check_story("s")
    assert result is None
    assert [str(d) for d in diagnostics] == ["s/story.yaml:1:1: error: symbolic links are not followed in a story [io]"]


def test_hidden_and_other_files_are_ignored(story):
    assert (
        story.check(**{".hidden.yaml": "not: [valid", "notes.txt": "{{", ".git/config.yaml": "x: !!python/name:os ''"})
        == []
    )


def test_scene_files_in_subfolders_are_read(story):
    assert story.check(**{"part2/more.yml": EXTRA}) == [
        warning(
            "s/part2/more.yml",
            at(EXTRA, "id: attic"),
            "scene 'attic' cannot be reached from the start ('hall')",
            "unreachable-scene",
        ),
    ]


def test_not_utf8(story):
    assert story.check(**{"bad.yaml": b"scenes:\n  - id: x\n    title: Caf\xe9\n"}) == [
        "s/bad.yaml:3:15: error: the file is not UTF-8 text (byte 0xe9) [not-utf8]"
    ]


def test_file_too_large(story):
    story.write()
    with (story.path / "huge.yaml").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    result, diagnostics = check_story("s")
    assert result is None
    assert [str(d) for d in diagnostics] == [
        f"s/huge.yaml:1:1: error: the file is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,} [too-large]"
    ]


def test_story_too_large(story):
    story.write()
    for i in range(MAX_STORY_BYTES // MAX_FILE_BYTES + 1):  # five sparse files of 16 MiB
        with (story.path / f"part{i}.yaml").open("wb") as handle:
            handle.truncate(MAX_FILE_BYTES)
    result, diagnostics = check_story("s")
    assert result is None
    assert [str(d) for d in diagnostics] == [
        f"s:1:1: error: the story is over {MAX_FILES} files or {MAX_STORY_BYTES:,} bytes [too-large]"
    ]


def test_story_with_too_many_files(story):
    story.write()
    for i in range(MAX_FILES + 1):
        (story.path / f"f{i:04}.yaml").write_text("")
    result, diagnostics = check_story("s")
    assert result is None
    assert [str(d) for d in diagnostics] == [
        f"s:1:1: error: the story is over {MAX_FILES} files or {MAX_STORY_BYTES:,} bytes [too-large]"
    ]


# -- YAML -------------------------------------------------------------------------------------------------
# File-level defects go in a second scene file, so that no other scene depends on the broken one.

MORE = "s/more.yaml"


def test_yaml_syntax_tab(story):
    extra = edit(EXTRA, "    text: Dust.\n", "\ttext: Dust.\n")
    [only] = story.check(**{"more.yaml": extra})
    assert only.startswith(f"{MORE}:{at(extra, chr(9))[0]}:1: error: ")
    assert only.endswith("; indent with spaces, not tabs [yaml-syntax]")


def test_yaml_syntax_colon_in_text(story):
    extra = edit(EXTRA, "text: Dust.", "text: Dust: everywhere.")
    [only] = story.check(**{"more.yaml": extra})
    line, col = at(extra, "Dust:", shift=4)
    assert only.startswith(f"{MORE}:{line}:{col}: error: ")  # libyaml words the problem; the project the fix
    assert only.endswith("; put text that contains ': ' in quotes, or use a | block [yaml-syntax]")


def test_yaml_two_documents(story):
    assert story.check(**{"more.yaml": EXTRA + "---\n" + EXTRA}) == [
        error(
            MORE,
            (6, 1),
            "but found another document (expected a single document in the stream); "
            "a scene file holds one document (remove the extra '---')",
            "yaml-syntax",
        )
    ]


def test_too_deep(story):
    deep = "scenes:\n  - id: deep\n    title: " + "[" * 60 + "]" * 60 + "\n"
    assert story.check(**{"more.yaml": deep}) == [
        # the root mapping, the scenes list and the scene are levels 1-3: the 48th '[' is level 51
        error(MORE, (3, 12 + 47), "nesting deeper than 50 levels", "too-deep")
    ]


def test_alias_bomb(story):
    bomb = "a: &a [" + ", ".join(["x"] * 50) + "]\nb: &b [" + ", ".join(["*a"] * 50) + "]\n"
    bomb += "c: [" + ", ".join(["*b"] * 50) + "]\n"
    assert story.check(**{"more.yaml": bomb}) == [
        error(
            MORE,
            (3, 157),
            "anchors and aliases expand to more than 100,000 extra values (an alias bomb?)",
            "alias-bomb",
        )
    ]


def test_unsafe_tag(story):
    extra = edit(EXTRA, "text: Dust.", "text: !!python/object/apply:os.system ['echo pwned']")
    assert story.check(**{"more.yaml": extra}) == [
        error(
            MORE,
            at(extra, "!!python"),
            "YAML tag '!!python/object/apply:os.system' is not allowed: scene files hold plain data only",
            "unsafe-tag",
        )
    ]


def test_duplicate_key(story):
    extra = edit(EXTRA, "    title: Attic\n", "    title: Attic\n    title: Loft\n")
    assert story.check(**{"more.yaml": extra}) == [
        error(
            MORE,
            at(extra, "title: Loft"),
            f"duplicate key 'title' (first defined at line {at(extra, 'title: Attic')[0]})",
            "duplicate-key",
        )
    ]


def test_bad_key_merge(story):
    extra = edit(EXTRA, "  - id: attic\n", "  - <<: {title: Attic}\n    id: attic\n")
    assert story.check(**{"more.yaml": extra}) == [
        error(MORE, at(extra, "<<"), "merge keys ('<<') are not supported; write the fields out", "bad-key")
    ]


def test_bad_key_not_text(story):
    extra = edit(EXTRA, "    ending: caught\n", "    ending: caught\n    [a, b]: 1\n")
    assert story.check(**{"more.yaml": extra}) == [
        error(MORE, at(extra, "[a, b]"), "a mapping key must be plain text", "bad-key")
    ]


def test_shape_error_does_not_cascade_into_unknown_scenes(story):
    scenes = edit(SCENES, "    title: Yard\n", "    titel: Yard\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "titel"), "unknown field 'titel' in a scene (did you mean 'title'?)", "schema"),
        error(S, at(scenes, "id: yard"), "a scene needs the field 'title'", "schema"),
    ]


def test_duplicate_key_does_not_cascade_into_unknown_scenes(story):
    scenes = edit(SCENES, "    title: Yard\n", "    title: Yard\n    title: Courtyard\n")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "title: Courtyard"),
            f"duplicate key 'title' (first defined at line {at(scenes, 'title: Yard')[0]})",
            "duplicate-key",
        )
    ]


# -- schema -------------------------------------------------------------------------------------------------
# Shape errors are put in a second scene file, so that no other scene depends on the broken one.


def test_schema_missing_field(story):
    extra = edit(EXTRA, "    title: Attic\n", "")
    assert story.check(**{"more.yaml": extra}) == [
        error("s/more.yaml", at(extra, "id: attic"), "a scene needs the field 'title'", "schema")
    ]


def test_schema_wrong_type(story):
    extra = edit(EXTRA, "    text: Dust.\n", "    text: Dust.\n    chapter: [1, 2]\n")
    assert story.check(**{"more.yaml": extra}) == [
        error("s/more.yaml", at(extra, "chapter"), "'chapter' must be text, not a list", "schema")
    ]


def test_schema_wrong_type_flag(story):
    extra = edit(
        EXTRA,
        "    ending: caught\n",
        "    choices:\n      - id: go\n        text: Go\n        once: 1\n        goto: hall\n",
    )
    assert story.check(**{"more.yaml": extra}) == [
        error("s/more.yaml", at(extra, "once"), "'once' must be true or false, not a number", "schema")
    ]


def test_schema_unknown_field_did_you_mean(story):
    extra = edit(EXTRA, "    title: Attic\n", "    titel: Attic\n")
    assert story.check(**{"more.yaml": extra}) == [
        error("s/more.yaml", at(extra, "titel"), "unknown field 'titel' in a scene (did you mean 'title'?)", "schema"),
        error("s/more.yaml", at(extra, "id: attic"), "a scene needs the field 'title'", "schema"),
    ]


def test_schema_manifest(story):
    manifest = edit(MANIFEST, "title: Demo\n", "titel: Demo\n")
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "titel"), "unknown field 'titel' in a story manifest (did you mean 'title'?)", "schema"),
        error(M, (1, 1), "a story manifest needs the field 'title'", "schema"),
    ]


def test_schema_manifest_values(story):
    manifest = edit(MANIFEST, "    kind: bad\n", "    kind: grim\n")
    manifest = edit(manifest, "    max: 10\n", "    max: ten\n")
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "max"), "'max' of variable 'stamina' must be a whole number, not text", "schema"),
        error(
            M, at(manifest, "kind: grim"), "'kind' must be one of good, bad, bittersweet, neutral, not 'grim'", "schema"
        ),
    ]


def test_schema_manifest_not_a_mapping(story):
    assert story.check(manifest="- just\n- a list\n") == [
        error(M, (1, 1), "the story manifest must be a mapping of fields, not list", "schema")
    ]


def test_schema_scene_file_without_scenes(story):
    assert story.check(**{"more.yaml": "scenes: []\n"}) == [
        error("s/more.yaml", (1, 1), "'scenes' needs at least 1 scene", "schema")
    ]


def test_schema_start_value_outside_bounds(story):
    manifest = edit(MANIFEST, "    value: 5\n", "    value: 50\n")
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "value: 50"), "the starting value 50 is outside min/max", "schema")
    ]


def test_schema_zero_weight(story):
    extra = edit(
        EXTRA,
        "    ending: caught\n",
        "    choices:\n      - id: go\n        text: Go\n        goto: {random: {hall: 0}}\n",
    )
    assert story.check(**{"more.yaml": extra}) == [
        error("s/more.yaml", at(extra, "hall: 0"), "weight 'hall' must be 1 or more, not 0", "schema")
    ]


def test_yes_as_text_is_explained(story):
    extra = edit(
        EXTRA, "    ending: caught\n", "    choices:\n      - id: agree\n        text: Yes\n        goto: hall\n"
    )
    [only] = story.check(**{"more.yaml": extra})
    assert only.startswith(f"s/more.yaml:{at(extra, 'text: Yes')[0]}:9: error: 'text' must be text, not true/false")
    assert "quotes" in only and only.endswith("[schema]")


# -- ids --------------------------------------------------------------------------------------------------


def test_bad_scene_id(story):
    extra = edit(EXTRA, "id: attic", "id: Attic")
    assert story.check(**{"more.yaml": extra}) == [
        error(
            "s/more.yaml",
            at(extra, "id: Attic"),
            "'id' 'Attic' is not a valid id: use lower case letters, digits "
            "and _, starting with a letter, at most 64 characters",
            "bad-id",
        )
    ]


def test_bad_variable_name(story):
    manifest = edit(MANIFEST, "  name: Jean\n", "  Name: Jean\n")
    assert story.check(manifest=manifest) == [
        error(
            M,
            at(manifest, "Name"),
            "variable name 'Name' is not a valid id: use lower case letters, digits and _, "
            "starting with a letter, at most 64 characters",
            "bad-id",
        )
    ]


def test_reserved_variable_name(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  turn: 0\n")
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "turn"), "'turn' is a built-in name; choose another", "bad-id")
    ]


def test_too_long_id(story):
    extra = edit(EXTRA, "id: attic", "id: " + "a" * 65)
    [only] = story.check(**{"more.yaml": extra})
    assert only.startswith(f"s/more.yaml:{at(extra, 'id: aaa')[0]}:5: error: 'id' 'aaaa") and only.endswith("[bad-id]")


def test_duplicate_scene_in_two_files(story):
    extra = edit(EXTRA, "id: attic", "id: hall")
    assert story.check(**{"z.yaml": extra}) == [
        error(
            "s/z.yaml",
            at(extra, "id: hall"),
            "duplicate scene id 'hall' (first defined at s/scenes.yaml:2); give each scene its own id",
            "duplicate-id",
        )
    ]


def test_duplicate_scene_in_one_file(story):
    scenes = edit(SCENES, "  - id: cell\n", "  - id: yard\n")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "id: yard", nth=2),
            f"duplicate scene id 'yard' (first defined at s/scenes.yaml:{at(scenes, 'id: yard')[0]}); "
            "give each scene its own id",
            "duplicate-id",
        ),
        # the fallback's random target still names the scene 'cell', which is gone now
        error(S, at(scenes, "cell: 1"), "unknown scene 'cell'", "unknown-scene"),
    ]


def test_duplicate_choice(story):
    scenes = edit(SCENES, "id: light", "id: take")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "id: take", nth=2),
            "duplicate choice id 'take' in scene 'hall'; give each choice its own id",
            "duplicate-id",
        )
    ]


def test_fallback_id_same_as_choice(story):
    scenes = edit(SCENES, "      text: Wait\n", "      id: take\n      text: Wait\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "fallback:"), "the fallback's id 'take' is also a choice's id", "duplicate-id")
    ]


def test_duplicate_ending(story):
    manifest = MANIFEST + "  - id: free\n    title: Free again\n    kind: good\n"
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "id: free", nth=2), "duplicate ending id 'free'", "duplicate-id")
    ]


def test_duplicate_item_is_a_duplicate_key(story):
    manifest = edit(MANIFEST, "  rope: Knotted rope\n", "  rope: Knotted rope\n  rope: Another rope\n")
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "rope: Another"), "duplicate key 'rope' (first defined at line 13)", "duplicate-key")
    ]


# -- references ------------------------------------------------------------------------------------------


def test_unknown_scene_in_goto(story):
    scenes = edit(SCENES, "        goto: yard\n", "        goto: yrd\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "yrd"), "unknown scene 'yrd' (did you mean 'yard'?)", "unknown-scene")
    ]


def test_unknown_scene_in_random_target(story):
    scenes = edit(SCENES, "{yard: 1, cell: 1}", "{yard: 1, cel: 1}")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "cel:"), "unknown scene 'cel' (did you mean 'cell'?)", "unknown-scene")
    ]


def test_unknown_scene_in_branch(story):
    scenes = edit(
        SCENES,
        "        goto: yard\n",
        "        goto:\n          - if: lit\n            to: yard\n          - to: nowhere\n",
    )
    assert story.check(scenes=scenes) == [error(S, at(scenes, "nowhere"), "unknown scene 'nowhere'", "unknown-scene")]


def test_unknown_scene_in_branch_random(story):
    scenes = edit(
        SCENES,
        "        goto: yard\n",
        "        goto:\n          - if: lit\n            to: {random: {yarrd: 2}}\n          - to: yard\n",
    )
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "yarrd"), "unknown scene 'yarrd' (did you mean 'yard'?)", "unknown-scene")
    ]


def test_unknown_start(story):
    manifest = edit(MANIFEST, "start: hall", "start: hal")
    assert story.check(manifest=manifest) == [
        error(M, at(manifest, "hal"), "unknown scene 'hal' (did you mean 'hall'?)", "unknown-scene")
    ]


def test_unknown_scene_in_visited(story):
    scenes = edit(SCENES, "        if: not lit\n", "        if: \"not lit and visited('yrd') == 0\"\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "yrd'"), "unknown scene 'yrd' (did you mean 'yard'?)", "unknown-scene")
    ]


def test_unknown_scene_in_text(story):
    scenes = edit(
        SCENES,
        "      You are {{ name }}.\n",
        "      You are {{ name }}.\n      {% if visited('yrd') %}Back.{% endif %}\n",
    )
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "yrd'"), "unknown scene 'yrd' (did you mean 'yard'?)", "unknown-scene")
    ]


def test_unknown_ending(story):
    scenes = edit(SCENES, "ending: free", "ending: fre")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "fre\n"), "unknown ending 'fre' (did you mean 'free'?)", "unknown-ending")
    ]


def test_unknown_choice(story):
    scenes = edit(SCENES, "        if: not lit\n", "        if: \"chosen('hall.tke') == 0\"\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "hall.tke"), "unknown choice 'hall.tke' (did you mean 'hall.take'?)", "unknown-choice"),
        LIT_UNREAD,
    ]


def test_fallback_is_a_known_choice(story):
    scenes = edit(SCENES, "        if: not lit\n", "        if: \"chosen('hall.fallback') == 0\"\n")
    assert story.check(scenes=scenes) == [
        warning(
            M,
            at(MANIFEST, "lit"),
            "variable 'lit' is never read (use it in a condition or text, or show it with 'show: stat')",
            "unused-variable",
        )
    ]


def test_unknown_item_in_condition(story):
    scenes = edit(SCENES, "if: has('rope') and stamina > 0", "if: \"has('rop') and stamina > 0\"")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "rop'"), "unknown item 'rop' (did you mean 'rope'?)", "unknown-item")
    ]


def test_unknown_item_in_gain(story):
    scenes = edit(SCENES, "effects: [gain rope, stamina -= 1]", "effects: ['gain rop', stamina -= 1]")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "rop'"), "unknown item 'rop' (did you mean 'rope'?)", "unknown-item")
    ]


def test_unknown_item_in_lose_block_list(story):
    scenes = edit(
        SCENES, "        effects: lit = true\n", '        effects:\n          - lit = true\n          - "lose lamp"\n'
    )
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "lose lamp", shift=5), "unknown item 'lamp'", "unknown-item")
    ]


# -- expressions -------------------------------------------------------------------------------------------


def test_unknown_name(story):
    scenes = edit(SCENES, "if: not lit", "if: stamna > 2")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "stamna"), "unknown name 'stamna' (did you mean 'stamina'?)", "unknown-name"),
        LIT_UNREAD,
    ]


def test_unknown_variable_in_effect(story):
    scenes = edit(SCENES, "effects: lit = true", "effects: lt = true")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "lt = true"), "unknown variable 'lt' (did you mean 'lit'?)", "unknown-name")
    ]


def test_expr_syntax(story):
    scenes = edit(SCENES, "effects: lit = true", "effects: lit = true; stamina = 1")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "lit = true;"), "one statement per effect; put each in its own list item", "expr-syntax")
    ]


def test_expr_syntax_unclosed_parenthesis(story):
    scenes = edit(SCENES, "if: not lit", 'if: "not (lit"')
    [only] = story.check(scenes=scenes)
    line, col = at(scenes, "(lit")
    assert only.startswith(f"{S}:{line}:{col}: error: cannot read expression 'not (lit': ")  # then CPython's words
    assert only.endswith(" [expr-syntax]")


def test_expr_forbidden(story):
    scenes = edit(SCENES, "if: not lit", "if: open('/etc/passwd')")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "open"),
            "only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called",
            "expr-forbidden",
        ),
        LIT_UNREAD,
    ]


def test_expr_forbidden_dunder(story):
    scenes = edit(SCENES, "if: not lit", 'if: "lit and ().__class__"')
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "()"), "attribute access ('.__class__') is not allowed", "expr-forbidden")
    ]


def test_expr_type_in_effect(story):
    scenes = edit(SCENES, "effects: lit = true", "effects: lit = 1")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "lit = 1"), "'lit' holds true/false; this gives it number", "expr-type")
    ]


def test_expr_type_in_condition(story):
    scenes = edit(SCENES, "if: not lit", "if: \"stamina < 'x'\"")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "'x'"),
            "cannot compare number with text; 'stamina' holds number, so compare it with a number (3)",
            "expr-type",
        ),
        LIT_UNREAD,
    ]


def test_expr_type_in_on_enter(story):
    scenes = edit(SCENES, "    title: Yard\n", "    title: Yard\n    on_enter: name -= 1\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "name -= 1"), "'-' needs two numbers, not text and number", "expr-type")
    ]


def test_template_unclosed_if(story):
    scenes = edit(
        SCENES, "      You are {{ name }}.\n", "      You are {{ name }}.\n      {% if lit %}\n      Bright.\n"
    )
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "{% if"), "'{% if %}' is never closed with '{% endif %}'", "template")
    ]


def test_template_stray_endif(story):
    scenes = edit(SCENES, "      You are {{ name }}.\n", "      You are {{ name }}.\n      {% endif %}\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "{% endif"), "'{% endif %}' without an open '{% if %}'", "template")
    ]


def test_template_unclosed_interpolation_in_choice_text(story):
    scenes = edit(SCENES, "text: Climb\n", 'text: "Climb {{ name"\n')
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, '{{ name"'), "'{{' is never closed: end it with '}}'", "template")
    ]


def test_expression_error_inside_text(story):
    scenes = edit(SCENES, "You are {{ name }}.", "You are {{ nme }}.")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "nme"), "unknown name 'nme' (did you mean 'name'?)", "unknown-name")
    ]


def test_error_inside_plain_condition_points_at_the_word(story):
    scenes = edit(SCENES, "if: has('rope') and stamina > 0", "if: has('rope') and stamna > 0")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "stamna"), "unknown name 'stamna' (did you mean 'stamina'?)", "unknown-name")
    ]


# -- structure ---------------------------------------------------------------------------------------------


def test_no_scene_files(story):
    assert story.check(scenes=None) == ["s:1:1: error: the story has no scenes: add a scene file [no-scenes]"]


def test_empty_scene_file(story):
    assert story.check(**{"empty.yaml": "# nothing yet\n"}) == [
        "s/empty.yaml:1:1: error: the scene file is empty; it needs a 'scenes:' list [no-scenes]"
    ]


def test_bad_goto_last_branch_conditional(story):
    scenes = edit(SCENES, "        goto: yard\n", "        goto:\n          - if: lit\n            to: yard\n")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "if: lit"),
            "the last goto branch must have no 'if', so that one branch always applies",
            "bad-goto",
        )
    ]


def test_bad_goto_branch_after_plain_one(story):
    scenes = edit(
        SCENES,
        "        goto: yard\n",
        "        goto:\n          - to: yard\n          - if: lit\n            to: cell\n          - to: hall\n",
    )
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "to: yard"),
            "only the last goto branch may leave out 'if'; the ones after it never apply",
            "bad-goto",
        )
    ]


def test_dead_end(story):
    scenes = edit(SCENES, "    text: Caught.\n    ending: caught\n", "    text: Caught.\n")
    # the ending 'caught' is then unreached too: warnings come with the errors
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "id: cell"),
            "scene 'cell' has no choices, no fallback and no ending: a dead end; add 'ending:', a choice or a fallback",
            "dead-end",
        ),
        warning(M, at(MANIFEST, "id: caught"), "no reachable scene ends in 'caught'", "unreached-ending"),
    ]


def test_ending_with_choices(story):
    scenes = edit(
        SCENES,
        "    ending: free\n",
        "    ending: free\n    choices:\n      - id: again\n        text: Again\n        goto: hall\n",
    )
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "ending: free"), "scene 'yard' ends the story but also has choices", "ending-with-choices")
    ]


def test_ending_with_fallback(story):
    scenes = edit(SCENES, "    ending: free\n", "    ending: free\n    fallback:\n      goto: hall\n")
    assert story.check(scenes=scenes) == [
        error(S, at(scenes, "ending: free"), "scene 'yard' ends the story but also has choices", "ending-with-choices")
    ]


# -- warnings ----------------------------------------------------------------------------------------------


def test_unreachable_scene(story):
    assert story.check(**{"more.yaml": EXTRA}) == [
        warning(
            "s/more.yaml",
            at(EXTRA, "id: attic"),
            "scene 'attic' cannot be reached from the start ('hall')",
            "unreachable-scene",
        )
    ]


def test_unreached_ending(story):
    manifest = edit(MANIFEST, "endings:\n", "endings:\n  - id: lost\n    title: Lost\n    kind: neutral\n")
    assert story.check(manifest=manifest) == [
        warning(M, at(manifest, "id: lost"), "no reachable scene ends in 'lost'", "unreached-ending")
    ]


def test_ending_only_in_unreachable_scene_is_unreached(story):
    manifest = edit(MANIFEST, "endings:\n", "endings:\n  - id: lost\n    title: Lost\n    kind: neutral\n")
    extra = edit(EXTRA, "ending: caught", "ending: lost")
    assert story.check(manifest=manifest, **{"more.yaml": extra}) == [
        warning(
            "s/more.yaml",
            at(extra, "id: attic"),
            "scene 'attic' cannot be reached from the start ('hall')",
            "unreachable-scene",
        ),
        warning(M, at(manifest, "id: lost"), "no reachable scene ends in 'lost'", "unreached-ending"),
    ]


def test_unused_variable(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare: 0\n")
    assert story.check(manifest=manifest) == [
        warning(
            M,
            at(manifest, "spare"),
            "variable 'spare' is never read (use it in a condition or text, or show it with 'show: stat')",
            "unused-variable",
        )
    ]


def test_written_but_never_read_is_unused(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare: 0\n")
    scenes = edit(SCENES, "effects: lit = true", "effects: [lit = true, spare += 1]")
    assert story.check(manifest=manifest, scenes=scenes) == [
        warning(
            M,
            at(manifest, "spare"),
            "variable 'spare' is never read (use it in a condition or text, or show it with 'show: stat')",
            "unused-variable",
        )
    ]


SHOWN_UNREAD = (
    "variable 'spare' is shown to the player (show: stat) but no condition or text reads it, so it changes nothing "
    "in the story (use it in a condition or text, or remove it)"
)


def test_shown_variable_that_nothing_reads_is_unused(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare:\n    value: 0\n    show: stat\n")
    # changing a meter from itself is no reading of it
    scenes = edit(SCENES, "effects: lit = true", "effects: [lit = true, spare = 1 - spare, spare += (2 - 1)]")
    assert story.check(manifest=manifest, scenes=scenes) == [
        warning(M, at(manifest, "spare"), SHOWN_UNREAD, "unused-variable")
    ]


def test_shown_variable_read_by_an_effect_on_another_or_by_text_is_used(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare:\n    value: 0\n    show: stat\n")
    for reader in ("effects: [lit = true, stamina = spare]", "effects: lit = spare > 0"):
        assert story.check(manifest=manifest, scenes=edit(SCENES, "effects: lit = true", reader)) == []
    assert (
        story.check(manifest=manifest, scenes=edit(SCENES, "You are {{ name }}.", "You are {{ name }}, {{ spare }}."))
        == []
    ), "text"


def test_unused_item(story):
    manifest = edit(MANIFEST, "  rope: Knotted rope\n", "  rope: Knotted rope\n  lamp:\n    name: Lamp\n")
    assert story.check(manifest=manifest) == [
        warning(M, at(manifest, "lamp"), "item 'lamp' is never given, taken or checked", "unused-item")
    ]


def test_no_fallback(story):
    scenes = edit(SCENES, "        once: true\n", "        if: stamina > 1\n")
    scenes = edit(scenes, "    fallback:\n      text: Wait\n      goto: {random: {yard: 1, cell: 1}}\n", "")
    scenes = edit(scenes, "goto: yard\n      - id: light", "goto: {random: {yard: 1, cell: 1}}\n      - id: light")
    assert story.check(scenes=scenes) == [
        warning(
            S,
            at(scenes, "id: hall"),
            "every choice of scene 'hall' has an 'if' and there is no fallback: the player can be stuck",
            "no-fallback",
        )
    ]


def test_disabled_without_if(story):
    scenes = edit(
        SCENES, "        text: Take the rope\n", "        text: Take the rope\n        disabled_text: Too late\n"
    )
    assert story.check(scenes=scenes) == [
        warning(
            S, at(scenes, "disabled_text: Too late"), "'disabled_text' does nothing without 'if'", "disabled-without-if"
        )
    ]


def test_same_text_again(story):
    loop = (
        "  - id: maze\n    title: Maze\n    text: Round and round.\n    choices:\n"
        "      - {id: onward, text: Onward, goto: maze}\n      - {id: out, text: Out, goto: yard}\n"
    )
    scenes = edit(SCENES, "        goto: yard\n", "        goto: maze\n") + loop
    assert story.check(scenes=scenes) == [
        warning(
            S,
            at(scenes, "text: Round"),
            "scene 'maze' can be entered again, and its text (3 words) does not change with visits: give it a "
            "'revisit_text', use 'visits' in its text, or keep the player in it with 'stay: true' choices",
            "same-text-again",
        )
    ]


def test_stay_without_outcome(story):
    scenes = edit(
        SCENES,
        "        effects: [gain rope, stamina -= 1]\n        goto: hall\n",
        "        effects: [gain rope, stamina -= 1]\n        stay: true\n",
    )
    assert story.check(scenes=scenes) == [
        warning(
            S,
            at(scenes, "stay: true"),
            "a choice that stays shows the player nothing new without an 'outcome'",
            "stay-without-outcome",
        )
    ]


def test_bad_return(story):
    scenes = edit(SCENES, "        goto: yard\n", "        goto: return\n")
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "goto: return"),
            "scene 'hall' can be reached from the start without a call, so 'goto: return' would have nowhere to go; "
            "lead into it with 'goto: {call: ...}' only",
            "bad-return",
        )
    ]


def test_call_cycle(story):
    sub = (
        "  - id: sub\n    title: Sub\n    text: Sub {{ visits }}.\n    choices:\n"
        "      - {id: deeper, text: Deeper, goto: {call: sub}}\n      - {id: back, text: Back, goto: return}\n"
    )
    scenes = edit(SCENES, "        goto: yard\n", "        goto: {call: sub}\n") + sub
    assert story.check(scenes=scenes) == [
        error(
            S,
            at(scenes, "goto: {call: sub}}", shift=0),
            "subscene 'sub' leads back to this call, so every pass would wait for one more return; "
            "lead on with a plain goto instead",
            "call-cycle",
        )
    ]


def test_no_ending_path(story):
    loop = "  - id: maze\n    title: Maze\n    text: Round and round, {{ visits }} times.\n    choices:\n      - id: onward\n        text: Onward\n        goto: maze\n"
    scenes = edit(SCENES, "        goto: yard\n", "        goto: maze\n") + loop
    assert story.check(scenes=scenes) == [
        warning(S, at(scenes, "id: maze"), "no path from scene 'maze' reaches an ending", "no-ending-path")
    ]


CUT = (
    "the text is cut here: ' #' starts a YAML comment, so the rest of the line is not part of the text; "
    "put the whole text in quotes, or use a | block"
)


def test_yaml_comment_that_cuts_prose(story):
    scenes = edit(SCENES, "text: Take the rope", "text: Take the rope from hook #4")
    assert story.check(scenes=scenes) == [warning(S, at(scenes, "#4"), CUT, "yaml-comment")]
    scenes = edit(SCENES, "title: Yard", "title: Yard #note")
    assert story.check(scenes=scenes) == [warning(S, at(scenes, "#note"), CUT, "yaml-comment")]


def test_comments_that_are_meant_are_no_warning(story):
    scenes = edit(SCENES, "text: Take the rope", "text: Take the rope  # reword later")
    scenes = edit(scenes, "goto: yard\n", "goto: yard # the way out\n")  # not prose
    scenes = edit(scenes, "text: Wait", "text: 'Wait #2'")  # quoted: the '#' is text
    scenes = edit(scenes, "You are {{ name }}.", "You are {{ name }}. #1 on the list")  # a | block keeps it
    assert story.check(scenes=scenes) == []


def test_warnings_come_with_errors(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare: 0\n")
    scenes = edit(SCENES, "has('rope') and stamina > 0", "has('rope') and stamina = 0")
    assert story.check(manifest=manifest, scenes=scenes, **{"more.yaml": EXTRA}) == [
        error(
            S,
            at(scenes, "= 0"),
            "to compare, write == (a single = sets a variable, which only an effect does)",
            "expr-syntax",
        ),
        warning(
            "s/more.yaml",
            at(EXTRA, "id: attic"),
            "scene 'attic' cannot be reached from the start ('hall')",
            "unreachable-scene",
        ),
        warning(
            M,
            at(manifest, "spare"),
            "variable 'spare' is never read (use it in a condition or text, or show it with 'show: stat')",
            "unused-variable",
        ),
    ]


def test_warnings_that_depend_on_a_broken_part_wait(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare: 0\n")
    # the only reader of 'spare' is in a scene file that cannot be read, which may also lead to 'attic'
    broken = edit(EXTRA, "    text: Dust.\n", "    text: Dust {{ spare }}.\n\ttitle: x\n")
    lines = story.check(manifest=manifest, **{"more.yaml": EXTRA, "broken.yaml": broken})
    assert [line.rsplit(" [", 1)[1] for line in lines] == ["yaml-syntax]"]


def test_an_unknown_scene_holds_back_the_map_warnings_only(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  spare: 0\n")
    scenes = edit(SCENES, "goto: yard\n", "goto: yrd\n")
    assert story.check(manifest=manifest, scenes=scenes, **{"more.yaml": EXTRA}) == [
        error(S, at(scenes, "yrd"), "unknown scene 'yrd' (did you mean 'yard'?)", "unknown-scene"),
        warning(
            M,
            at(manifest, "spare"),
            "variable 'spare' is never read (use it in a condition or text, or show it with 'show: stat')",
            "unused-variable",
        ),
    ]


def test_every_code_in_the_format_table_is_exercised():
    text = (Path(__file__).resolve().parent.parent / "docs" / "FORMAT.md").read_text()
    rows = [row.split("|") for row in text.splitlines() if row.startswith("| `")]
    table = {cells[1].strip(" `") for cells in rows if cells[2].strip() in ("error", "warning")}
    assert len(table) >= 32
    here = Path(__file__).read_text()
    missing = sorted(code for code in table if f'"{code}"' not in here and f"[{code}]" not in here)
    assert missing == []


def test_a_control_character_in_a_title_is_warned_about_as_written(story):
    found = story.check(scenes=edit(SCENES, "title: Hall", 'title: "Hall\\u202e"'))
    flagged = [line for line in found if line.endswith("[control-character]")]
    assert len(flagged) == 1 and "right-to-left override" in flagged[0] and "\u202e" not in flagged[0]


def test_problems_past_the_first_hundred_of_a_file_are_counted_in_one_line(story):
    extra = "".join(f"  - id: spare{i}\n    titel: Spare\n    text: t\n    ending: free\n" for i in range(120))
    found = [line for line in story.check(scenes=SCENES + extra) if line.startswith(S)]
    counted = [line for line in found if line.endswith("[too-many-problems]")]
    assert len(counted) == 1 and len(found) == 101
    assert counted[0].startswith(f"{S}:1:1: error: and ") and "(only the first 100 are listed)" in counted[0]


# -- collecting and failing fast ---------------------------------------------------------------------------


BROKEN = {
    "scenes": edit(edit(SCENES, "if: not lit", "if: stamna > 2"), "ending: free", "ending: fre"),
    "more.yaml": edit(EXTRA, "    title: Attic\n", "    titel: Attic\n"),
    "other.yaml": 'scenes:\n  - id: x\n    title: X\n    text: "{% if lit %}"\n    ending: free\n',
}


def test_collect_mode_reports_every_problem_of_every_file(story):
    scenes, more, other = BROKEN["scenes"], BROKEN["more.yaml"], BROKEN["other.yaml"]
    assert story.check(scenes=scenes, **{"more.yaml": more, "other.yaml": other}) == [
        error("s/more.yaml", at(more, "titel"), "unknown field 'titel' in a scene (did you mean 'title'?)", "schema"),
        error("s/more.yaml", at(more, "id: attic"), "a scene needs the field 'title'", "schema"),
        error("s/other.yaml", at(other, "{% if"), "'{% if %}' is never closed with '{% endif %}'", "template"),
        error(S, at(scenes, "stamna"), "unknown name 'stamna' (did you mean 'stamina'?)", "unknown-name"),
        error(S, at(scenes, "fre\n"), "unknown ending 'fre' (did you mean 'free'?)", "unknown-ending"),
    ]


def test_fail_fast_raises_the_first_error_only(story):
    story.write(scenes=BROKEN["scenes"], **{"more.yaml": BROKEN["more.yaml"], "other.yaml": BROKEN["other.yaml"]})
    with pytest.raises(StoryError) as info:
        load_story("s")
    err = info.value
    assert isinstance(err, EscapeError)
    first = error(
        "s/more.yaml",
        at(BROKEN["more.yaml"], "titel"),
        "unknown field 'titel' in a scene (did you mean 'title'?)",
        "schema",
    )
    assert [str(d) for d in err.diagnostics] == [first]
    assert str(err) == first


def test_fail_fast_unknown_start(story):
    manifest = edit(MANIFEST, "start: hall", "start: hal")
    story.write(manifest=manifest)
    with pytest.raises(StoryError) as info:
        load_story("s")
    assert [str(d) for d in info.value.diagnostics] == [
        error(M, at(manifest, "hal\n"), "unknown scene 'hal' (did you mean 'hall'?)", "unknown-scene")
    ]


def test_load_story_ignores_warnings(story):
    story.write(**{"more.yaml": EXTRA})  # warnings only
    loaded = load_story("s")
    assert "attic" in loaded.scenes


# -- values the loader accepts must not break the game later ----------------------------------------------


def test_huge_hex_condition_is_a_diagnostic(story):
    scenes = edit(SCENES, "if: not lit", "if: 0x" + "f" * 5000)
    diagnostics = story.check(scenes=scenes)
    assert diagnostics and all("error" in d for d in diagnostics)


def test_starting_value_out_of_range(story):
    manifest = edit(MANIFEST, "  lit: false\n", "  lit: false\n  big:\n    value: 2000000000\n    show: stat\n")
    story.write(manifest=manifest)
    result, diagnostics = check_story("s")
    if result is None:
        assert any("big" in d.message for d in diagnostics if d.is_error)
        return
    game = Game(result)
    game.start(seed=1)
    Game(result).restore(game.snapshot())


def test_huge_random_weight(story):
    scenes = edit(
        SCENES,
        "        effects: [gain rope, stamina -= 1]\n        goto: hall\n",
        "        effects: [gain rope, stamina -= 1]\n        goto: {random: {hall: 1" + "0" * 400 + ", yard: 1}}\n",
    )
    story.write(scenes=scenes)
    result, diagnostics = check_story("s")
    if result is None:
        assert any(d.code == "schema" for d in diagnostics)
        return
    game = Game(result)
    game.start(seed=1)
    assert game.choose("take").scene in ("hall", "yard")


def test_shape_errors_do_not_hide_other_scenes_problems_and_nested_stories_are_skipped(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "story.yaml").write_text(
        "id: s\ntitle: S\nblurb: b\nstart: a\nvariables: {courage: 1}\nendings: [{id: e, title: E, kind: bad}]\n"
    )
    (folder / "scenes.yaml").write_text(
        "scenes:\n  - id: a\n    title: A\n    text: t\n    choices:\n      - {id: c, text: C, once: 'yes', goto: b}\n"
        "  - id: b\n    title: B\n    text: t\n    choices:\n      - {id: c, text: C, if: courge > 0, goto: z}\n"
        "  - {id: z, title: Z, text: z, ending: e}\n"
    )
    (folder / "other").mkdir()
    (folder / "other" / "story.yaml").write_text("id: other\n")  # another story: not read as a scene file
    _, diagnostics = check_story(folder)
    assert [(d.line, d.col, d.code) for d in diagnostics] == [(6, 26, "schema"), (11, 30, "unknown-name")]


def test_translation_warnings_name_the_entry_and_the_fix(story_dir):
    from tests.test_translation import MANIFEST as TINY
    from tests.test_translation import SCENES as TINY_SCENES
    from tests.test_translation import overlay

    scenes = TINY_SCENES.replace("text: The yard is empty.", "text: \"The yard is {{ 'bare' if nerve > 1 }}.\"")
    folder = story_dir(TINY, cell=scenes)
    overlay(
        {"story.title": "La piccola fuga", "scene.cell.title": "La cella"},
        folder,
        extra="  scene.gone.text:\n    hash: 'abcdef12'\n    text: Via.\n",
    )
    (folder / "cell.yaml").write_text((folder / "cell.yaml").read_text().replace("title: The Cell", "title: A Cell"))
    _, diagnostics = check_story(folder)
    codes = sorted(d.code for d in diagnostics)
    assert codes == ["missing-translation", "stale-translation", "text-in-expression", "unknown-translation"]
    stale = next(d for d in diagnostics if d.code == "stale-translation")
    assert "'scene.cell.title'" in stale.message and "escape translate extract" in stale.message

"""`escape rename`: every reference renamed at its exact place (files otherwise byte for byte), names inside
longer identifiers and quoted prose left alone, refusals with their places, --dry-run, and walkthroughs that
still replay (the bundled stories' included)."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from game.cli import main
from game.compiler.loader import check_story, load_story
from game.engine.game import Game
from game.saves.files import read_save, restore_game, save_game
from game.tools.rename import RenameRefused, apply_rename, json_strings, plan_rename
from tests.conftest import DEMO, write_story

ROOT = Path(__file__).resolve().parent.parent

MANIFEST = """\
# The manifest: its comments and quoting must survive a rename.
id: tale
title: Tale
blurb: B.
start: cellar   # where it begins
variables:
  "stamina": {value: 5, min: 0, max: 9}
  stamina_max: 9
  name: 'Private'
items:
  lamp: Storm lamp
  'key': Iron key
endings:
  - {id: out, title: Out, kind: good}
  - {id: caught, title: Caught, kind: bad}
"""

SCENES = """\
chapter: The cellar   # the cellar, in a comment
scenes:
  - id: cellar
    title: The cellar
    on_enter: stamina -= 1
    text: |
      Water drips, {{ name }}; stamina {{ stamina }} of {{ stamina_max }}.
      The word 'stamina' and the cellar stay as they are. {{ 'stamina' }}
      {% if has('lamp') and visited('cellar') > 1 %}
      The lamp again.
      {% elif chosen('cellar.light') %}
      Lit once.
      {% endif %}
    revisit_text: "Back in the cellar: {{ visited(\\"cellar\\") }} visits, stamina {{ stamina }}."
    choices:
      - id: light
        text: Light the lamp
        once: true
        effects: [gain lamp, stamina += 1]
        goto: cellar
      - id: rest
        text: 'Rest, it''s {{ stamina }}'
        stay: true
        effects:
          - if: stamina < stamina_max and not has('key')
            then: [stamina += 2]
            else: [lose lamp]
        outcome: You rest.
      - id: search
        text: Search
        if: has('lamp') and chosen('cellar.light') >= 1
        goto: {call: barrels}
      - id: door
        text: Try the door
        if: "has('key')"
        goto:
          - if: stamina >= 3
            to: {random: {yard: 2, cellar: 1}}
          - to: caught_end
    fallback:
      id: give_up
      text: Give up
      goto: caught_end
  - id: barrels
    title: Barrels
    text: >
      A key on a nail. You have been in the cellar
      {{ visited('cellar') }} times.
    choices:
      - id: take
        text: Take the key
        effects: gain key
        goto: return
      - id: light       # another scene's choice of the same id
        text: Light a match
        goto: return
  - id: yard
    title: Yard
    text: Out of the cellar.
    choices:
      - {id: go, text: Go, goto: out_end}
      - {id: back, text: "Back to the cellar", goto: cellar}
  - id: out_end
    title: Out
    text: "Out, stamina {{ stamina }}."
    ending: out
  - id: caught_end
    title: Caught
    text: Caught.
    ending: caught
"""


@pytest.fixture
def tale(tmp_path) -> Path:
    folder = tmp_path / "tale"
    folder.mkdir()
    (folder / "story.yaml").write_text(MANIFEST)
    (folder / "scenes.yaml").write_text(SCENES)
    story, diagnostics = check_story(folder)
    assert story is not None, diagnostics
    return folder


def rewritten(text: str, *pairs: tuple[str, str]) -> str:
    """`text` with each `old` (found exactly once) replaced by `new`."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def rename(folder: Path, *args: str) -> int:
    return main(["rename", *args, str(folder)])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# each kind ----------------------------------------------------------------------------------------------------
def test_a_scene_is_renamed_in_ids_gotos_calls_random_weights_branches_start_and_expressions(tale, capsys):
    assert rename(tale, "scene", "cellar", "vault") == 0
    out = capsys.readouterr().out
    assert "Renamed scene 'cellar' to 'vault'" in out and "10 references in 2 files, 0 walkthroughs" in out
    assert (tale / "story.yaml").read_text() == rewritten(MANIFEST, ("start: cellar   #", "start: vault   #"))
    assert (tale / "scenes.yaml").read_text() == rewritten(
        SCENES,
        ("  - id: cellar\n", "  - id: vault\n"),
        ("visited('cellar') > 1", "visited('vault') > 1"),
        ("{% elif chosen('cellar.light') %}", "{% elif chosen('vault.light') %}"),
        ('visited(\\"cellar\\")', 'visited(\\"vault\\")'),
        ("stamina += 1]\n        goto: cellar\n", "stamina += 1]\n        goto: vault\n"),
        ("chosen('cellar.light') >= 1", "chosen('vault.light') >= 1"),
        ("{random: {yard: 2, cellar: 1}}", "{random: {yard: 2, vault: 1}}"),
        ("      {{ visited('cellar') }} times.", "      {{ visited('vault') }} times."),
        ('"Back to the cellar", goto: cellar}', '"Back to the cellar", goto: vault}'),
    )
    assert check_story(tale)[0].start == "vault"


def test_a_choice_is_renamed_in_its_scene_only_and_in_chosen(tale):
    assert rename(tale, "choice", "cellar.light", "strike") == 0
    assert (tale / "scenes.yaml").read_text() == rewritten(
        SCENES,
        ("      - id: light\n        text: Light the lamp", "      - id: strike\n        text: Light the lamp"),
        ("{% elif chosen('cellar.light') %}", "{% elif chosen('cellar.strike') %}"),
        ("chosen('cellar.light') >= 1", "chosen('cellar.strike') >= 1"),
    )
    assert rename(tale, "choice", "cellar.strike", "cellar.light") == 0  # NEW may also be given as scene.choice
    assert (tale / "scenes.yaml").read_text() == SCENES


def test_a_variable_is_renamed_only_where_it_is_a_name(tale):
    assert rename(tale, "variable", "stamina", "vigour") == 0
    assert (tale / "story.yaml").read_text() == rewritten(MANIFEST, ('"stamina": {', '"vigour": {'))
    assert (tale / "scenes.yaml").read_text() == rewritten(
        SCENES,
        ("on_enter: stamina -= 1", "on_enter: vigour -= 1"),
        ("stamina {{ stamina }} of {{ stamina_max }}", "stamina {{ vigour }} of {{ stamina_max }}"),
        ("visits, stamina {{ stamina }}.", "visits, stamina {{ vigour }}."),
        ("[gain lamp, stamina += 1]", "[gain lamp, vigour += 1]"),
        ("'Rest, it''s {{ stamina }}'", "'Rest, it''s {{ vigour }}'"),
        ("if: stamina < stamina_max and", "if: vigour < stamina_max and"),
        ("then: [stamina += 2]", "then: [vigour += 2]"),
        ("if: stamina >= 3", "if: vigour >= 3"),
        ('"Out, stamina {{ stamina }}."', '"Out, stamina {{ vigour }}."'),
    )


def test_an_item_is_renamed_in_has_gain_and_lose(tale):
    assert rename(tale, "item", "lamp", "torch") == 0
    assert (tale / "story.yaml").read_text() == rewritten(MANIFEST, ("  lamp: Storm lamp", "  torch: Storm lamp"))
    assert (tale / "scenes.yaml").read_text() == rewritten(
        SCENES,
        ("{% if has('lamp') and", "{% if has('torch') and"),
        ("[gain lamp, stamina += 1]", "[gain torch, stamina += 1]"),
        ("else: [lose lamp]", "else: [lose torch]"),
        ("if: has('lamp') and chosen", "if: has('torch') and chosen"),
    )


# YAML styles: the place of a name in any way a scalar can be written ------------------------------------------
STYLE_MANIFEST = """\
id: styles
title: Styles
blurb: B.
start: a
variables: {stamina: 5, stamina_max: 9, name: "x"}
endings: [{id: e, title: E, kind: good}]
"""


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("if: stamina > 1 and stamina_max > 1", "if: vigour > 1 and stamina_max > 1"),
        ("if: 'stamina > 1 and ''stamina'' != name'", "if: 'vigour > 1 and ''stamina'' != name'"),
        ('if: "\\u0073tamina_max > 0 and\\tstamina > 1"', 'if: "\\u0073tamina_max > 0 and\\tvigour > 1"'),
        ("if: \"'\u00e9t\u00e9' != name and stamina > 1\"", "if: \"'\u00e9t\u00e9' != name and vigour > 1\""),
        (
            "if: >-\n          stamina > 1 and\n          stamina < 9",
            "if: >-\n          vigour > 1 and\n          vigour < 9",
        ),
        ("if: stamina > 1\n          and stamina < 9", "if: vigour > 1\n          and vigour < 9"),
        ('if: "stamina > 1 and \\\n          stamina < 9"', 'if: "vigour > 1 and \\\n          vigour < 9"'),
        ('outcome: "Caf\\u00e9, {{ stamina }}"', 'outcome: "Caf\\u00e9, {{ vigour }}"'),
        (
            "outcome: |2-\n           {{ stamina }}\n          and {{ stamina }}",
            "outcome: |2-\n           {{ vigour }}\n          and {{ vigour }}",
        ),
    ],
    ids=[
        "plain",
        "single",
        "double-escapes",
        "non-ascii",
        "folded",
        "plain-lines",
        "escaped-break",
        "outcome",
        "literal",
    ],
)
def test_every_way_of_writing_a_scalar_is_edited_in_place(tmp_path, written, expected):
    scene = textwrap.dedent("""\
        scenes:
          - id: a
            title: A
            text: A.
            choices:
              - id: go
                text: Go
                {field}
                goto: b
            fallback: {{goto: b}}
          - {{id: b, title: B, text: B., ending: e}}
        """)
    folder = write_story(tmp_path / "styles", STYLE_MANIFEST, scenes=scene.format(field=written))
    assert check_story(folder)[0] is not None, check_story(folder)[1]
    assert rename(folder, "variable", "stamina", "vigour") == 0
    assert (folder / "scenes.yaml").read_text() == scene.format(field=expected)


def test_line_endings_byte_order_mark_and_permissions_are_kept(tale):
    path = tale / "scenes.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SCENES.replace("\n", "\r\n").encode())
    os.chmod(path, 0o640)
    assert rename(tale, "variable", "stamina", "vigour") == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == SCENES.count("\n")
    assert b"{{ vigour }}" in data and b"{{ stamina }}" not in data
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tale.iterdir()) == ["scenes.yaml", "story.yaml"]  # no temporary files left


# refusals ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("scene", "celar", "vault"), "error: the story has no scene 'celar' (did you mean 'cellar'?) [unknown-scene]"),
        (("choice", "light", "x"), "the story has no choice 'light' (a choice is named 'scene.choice')"),
        (("variable", "stamina", "turn"), "error: 'turn' is a built-in name; a variable cannot take it [bad-id]"),
        (("variable", "stamina", "if"), "'if' is a built-in name"),
        (("item", "lamp", "Big-Lamp"), "error: 'Big-Lamp' is not a valid id"),
        (("scene", "cellar", "return"), "'return' cannot name a scene"),
        (("choice", "cellar.light", "yard.light"), "a choice stays in its scene"),
        (("item", "lamp", "lamp"), "the item is already called 'lamp'"),
    ],
)
def test_refusals_say_why_and_write_nothing(tale, capsys, args, expected):
    before = snapshot(tale)
    assert rename(tale, *args) == 1
    err = capsys.readouterr().err
    assert expected in err and err.rstrip().endswith("escape: error: nothing was renamed")
    assert "Traceback" not in err and snapshot(tale) == before


@pytest.mark.parametrize(
    ("args", "place", "message"),
    [
        (("scene", "cellar", "yard"), "scenes.yaml:57:5", "the story already has a scene 'yard' [duplicate-id]"),
        (("choice", "cellar.light", "give_up"), "scenes.yaml:41:7", "already has a choice 'give_up'"),
        (("variable", "stamina", "stamina_max"), "story.yaml:8:3", "already has a variable 'stamina_max'"),
        (("item", "lamp", "key"), "story.yaml:12:3", "the story already has an item 'key'"),
    ],
)
def test_a_name_already_taken_is_refused_at_its_declaration(tale, capsys, args, place, message):
    assert rename(tale, *args) == 1
    err = capsys.readouterr().err
    assert f"{tale / place.split(':')[0]}:{place.split(':', 1)[1]}: error: " in err and message in err


def test_a_story_with_errors_is_refused_with_its_errors(tale, capsys):
    (tale / "scenes.yaml").write_text(SCENES.replace("to: caught_end", "to: nowhere"))
    before = snapshot(tale)
    assert rename(tale, "scene", "cellar", "vault") == 1
    err = capsys.readouterr().err
    assert "error: unknown scene 'nowhere'" in err and "the story has errors; fix them first" in err
    assert snapshot(tale) == before


def test_a_name_written_with_escapes_is_refused_at_its_place(tale, capsys):
    (tale / "scenes.yaml").write_text(SCENES.replace("if: \"has('key')\"", "if: \"has('k\\x65y')\""))
    before = snapshot(tale)
    assert rename(tale, "item", "key", "latchkey") == 1
    assert f"{tale / 'scenes.yaml'}:35:19: error: cannot place 'key' exactly here" in capsys.readouterr().err
    (tale / "scenes.yaml").write_text(SCENES.replace("if: \"has('key')\"", "if: \"has('k\\\\x65y')\""))
    assert rename(tale, "item", "key", "latchkey") == 1  # a Python escape inside the quoted name
    assert "35:19: error: cannot place 'key' exactly here (it is not spelt out plainly" in capsys.readouterr().err
    assert snapshot(tale) != before and check_story(tale)[0] is not None


def test_a_fallback_without_an_id_of_its_own_is_refused(tmp_path, capsys):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    assert rename(folder, "choice", "cellar.fallback", "sit") == 1
    assert "the fallback of scene 'cellar' has no id of its own" in capsys.readouterr().err


def test_a_rename_planned_then_overtaken_by_an_edit_writes_nothing(tale):
    plan = plan_rename(tale, "scene", "cellar", "vault")
    (tale / "story.yaml").write_text(MANIFEST + "# edited\n")
    with pytest.raises(RenameRefused, match="changed after the rename was planned"):
        apply_rename(plan)
    assert "start: cellar" in (tale / "story.yaml").read_text()
    assert "- id: cellar" in (tale / "scenes.yaml").read_text()


# --dry-run -----------------------------------------------------------------------------------------------------
def test_dry_run_shows_a_diff_and_writes_nothing(tale, capsys):
    walkthrough(tale)
    before = snapshot(tale)
    assert main(["rename", "scene", "cellar", "vault", str(tale), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"--- {tale / 'story.yaml'}\n+++ {tale / 'story.yaml'}\n" in out
    assert "-start: cellar   # where it begins\n+start: vault   # where it begins\n" in out
    assert '"vault.light"' in out and "(dry run: nothing written)" in out and "1 walkthrough" in out
    assert snapshot(tale) == before


# walkthroughs ---------------------------------------------------------------------------------------------------
def walkthrough(folder: Path) -> Path:
    """A saved run of the story to its good ending, in its walkthroughs folder."""
    story = load_story(folder, cache_dir=None)
    for seed in range(100):
        game = Game(story)
        game.start(seed)
        for choice in ("light", "rest", "search", "take", "door"):
            game.choose(choice)
        if game.run.scene == "yard":
            game.choose("go")
            return save_game(game, folder / "walkthroughs", "out")
    raise AssertionError("no seed reaches the yard")


def test_walkthroughs_are_renamed_and_still_restore_and_replay(tale, capsys):
    path = walkthrough(tale)
    for args in (("scene", "cellar", "vault"), ("choice", "vault.light", "strike"), ("variable", "stamina", "vigour")):
        assert rename(tale, *args) == 0
        assert "1 walkthrough" in capsys.readouterr().out
        story = load_story(tale, cache_dir=None)
        data = read_save(path)
        assert data["story_hash"] == story.content_hash  # restored as it is, not replayed
        game = Game(story)
        assert restore_game(game, data, path) is None and game.run.ending == "out"
        assert main(["replay", str(path), "--check", "--story", str(tale)]) == 0
        assert "OK (6 steps replayed, ending 'out')" in capsys.readouterr().out
    assert rename(tale, "item", "lamp", "torch") == 0
    assert f"{path}: 1 reference" in capsys.readouterr().out
    assert rename(tale, "scene", "caught_end", "taken_end") == 0  # not in the run: only the story's hash changes
    assert f"{path}: 0 references" in capsys.readouterr().out
    data = read_save(path)
    assert data["story_hash"] == load_story(tale, cache_dir=None).content_hash
    state = data["state"]
    assert state["scene"] == "out_end" and state["log"][:2] == ["vault.strike", "vault.rest"]
    assert "vigour" in state["variables"] and "stamina" not in state["variables"] and "torch" in state["items"]


def test_a_walkthrough_made_before_an_edit_keeps_its_hash_and_replays(tale, capsys):
    path = walkthrough(tale)
    data = json.loads(path.read_text())
    data["story_hash"] = "0" * 64
    path.write_text(json.dumps(data))
    assert rename(tale, "scene", "cellar", "vault") == 0
    assert read_save(path)["story_hash"] == "0" * 64
    assert main(["replay", str(path), "--check", "--story", str(tale)]) == 0


def test_unreadable_or_foreign_walkthroughs_are_reported_and_left_alone(tale, capsys):
    walkthrough(tale)
    folder = tale / "walkthroughs"
    (folder / "broken.json").write_bytes(b'{"format": "escape-lines-save", "version": 2, "state": ')
    other = json.loads((folder / "tale--out.json").read_text())
    other["story"] = other["state"]["story"] = "another"
    (folder / "other.json").write_text(json.dumps(other))
    (folder / "newer.json").write_text(json.dumps({**other, "version": 99}))
    before = {name: (folder / name).read_bytes() for name in ("broken.json", "other.json", "newer.json")}
    assert rename(tale, "scene", "cellar", "vault") == 0
    captured = capsys.readouterr()
    assert f"{folder / 'broken.json'}:1:1: warning: left as it is: not a readable save" in captured.err
    assert f"{folder / 'other.json'}:1:1: warning: left as it is: a save of 'another', not of 'tale'" in captured.err
    assert "newer.json:1:1: warning: left as it is: made by a newer version" in captured.err
    assert "1 walkthrough" in captured.out
    assert {name: (folder / name).read_bytes() for name in before} == before


@pytest.mark.posix
def test_symbolic_links_are_not_followed(tale, tmp_path, capsys):
    outside = walkthrough(tale).rename(tmp_path / "outside.json")
    original = outside.read_bytes()
    (tale / "walkthroughs" / "linked.json").symlink_to(outside)
    os.mkfifo(tale / "walkthroughs" / "pipe.json")  # read without waiting for a writer
    assert rename(tale, "scene", "cellar", "vault") == 0
    err = capsys.readouterr().err
    assert "linked.json:1:1: warning: left as it is: a symbolic link, not a save file" in err
    assert "pipe.json:1:1: warning: left as it is: cannot read: pipe.json is not a regular file" in err
    assert outside.read_bytes() == original
    (tale / "more.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    (tmp_path / "elsewhere.yaml").write_text("scenes: []\n")
    assert rename(tale, "scene", "vault", "cellar") == 1
    assert "symbolic links are not followed" in capsys.readouterr().err


def test_json_strings_know_their_paths():
    text = '{"a": ["x", {"b": "y"}], "c\\"": "z", "d": [[1, "w"]]}'
    found = [(path, text[start:end], key) for path, start, end, key in json_strings(text)]
    assert found == [
        (("a",), '"a"', True),
        (("a", 0), '"x"', False),
        (("a", 1, "b"), '"b"', True),
        (("a", 1, "b"), '"y"', False),
        (('c"',), '"c\\""', True),
        (('c"',), '"z"', False),
        (("d",), '"d"', True),
        (("d", 0, 1), '"w"', False),
    ]


# the bundled stories: renaming a scene keeps every walkthrough replaying ------------------------------------------
@pytest.mark.parametrize(
    ("name", "kind", "old", "new"),
    [
        ("captured", "scene", "the_yard", "exercise_yard"),
        ("captured", "scene", "farewell_station", "waterloo"),
        ("captured", "variable", "trust_dig", "dig_trust"),
        ("grand_illusion", "scene", "hallbach_barracks", "barracks"),
        ("grand_illusion", "choice", "the_marseillaise.sit_down", "stay_seated"),
    ],
)
def test_renaming_in_a_copy_of_a_bundled_story_keeps_its_walkthroughs_replaying(tmp_path, capsys, name, kind, old, new):
    folder = tmp_path / name
    shutil.copytree(ROOT / "scenes" / name, folder)
    saves = sorted((folder / "walkthroughs").glob("*.json"))
    warnings = [d.code for d in check_story(folder)[1]]  # none, once the story is finished
    assert main(["rename", kind, old, new, str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{len(saves)} walkthroughs" in out
    assert main(["validate", "--strict", str(folder)]) == (1 if warnings else 0)
    assert [d.code for d in check_story(folder)[1]] == warnings
    for save in saves:
        assert main(["replay", str(save), "--check", "--story", str(folder)]) == 0, capsys.readouterr().out
        assert old not in save.read_text() or kind == "choice"
    assert old not in "".join(p.read_text() for p in folder.glob("*.yaml")) or kind == "choice"

"""Property tests: random valid stories load cleanly and play without surprises; random damage never crashes
the checker.

Stories are generated as data (scene graph, variables, items, typed expressions, effects, random and
conditional gotos, once choices, fallbacks, endings), written out as YAML text, and loaded with
`check_story` from a temporary folder (hypothesis and pytest's tmp_path do not mix).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.compiler.loader import check_story
from game.engine.game import Game
from game.errors import EscapeError

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- generating stories ---------------------------------------------------------------------------------------


class Spec:
    """The names a story declares, for drawing well-typed expressions and effects."""

    def __init__(self, scenes, ints, bools, texts, items, endings, choice_keys):
        self.scenes = scenes
        self.ints = ints  # name -> (start, (min, max) or None)
        self.bools = bools  # name -> start
        self.texts = texts  # name -> start
        self.items = items
        self.endings = endings
        self.choice_keys = choice_keys


def int_leaf(draw, spec: Spec) -> str:
    kinds = (
        ["literal", "turn", "visits", "visited"]
        + ["var"] * (3 if spec.ints else 0)
        + (["chosen"] if spec.choice_keys else [])
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "literal":
        return str(draw(st.integers(-3, 12)))
    if kind == "visited":
        return f"visited('{draw(st.sampled_from(spec.scenes))}')"
    if kind == "chosen":
        return f"chosen('{draw(st.sampled_from(spec.choice_keys))}')"
    if kind == "var":
        return draw(st.sampled_from(sorted(spec.ints)))
    return kind


def int_expr(draw, spec: Spec, depth: int = 0) -> str:
    if depth >= 2 or draw(st.integers(0, 2)) == 0:
        return int_leaf(draw, spec)
    kind = draw(st.sampled_from(["op", "op", "minmax", "abs", "neg", "ifexp"]))
    a = int_expr(draw, spec, depth + 1)
    if kind == "abs":
        return f"abs({a})"
    if kind == "neg":
        return f"-{a}"
    b = int_expr(draw, spec, depth + 1)
    if kind == "op":
        return f"({a} {draw(st.sampled_from(['+', '-', '*', '//', '%']))} {b})"
    if kind == "minmax":
        return f"{draw(st.sampled_from(['min', 'max']))}({a}, {b})"
    return f"({a} if {bool_expr(draw, spec, depth + 1)} else {b})"


def text_expr(draw, spec: Spec) -> str:
    options = ["'a'", "'bc'"] + sorted(spec.texts) + [f"{name} + '!'" for name in sorted(spec.texts)]
    return draw(st.sampled_from(options))


def bool_leaf(draw, spec: Spec) -> str:
    kinds = ["constant", "compare", "compare"] + ["var"] * (2 if spec.bools else 0) + ["has"] * (2 if spec.items else 0)
    kinds += ["text"] if spec.texts else []
    kind = draw(st.sampled_from(kinds))
    if kind == "constant":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "compare":
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"{int_expr(draw, spec, 2)} {op} {int_expr(draw, spec, 2)}"
    if kind == "var":
        return draw(st.sampled_from(sorted(spec.bools)))
    if kind == "has":
        return f"has('{draw(st.sampled_from(spec.items))}')"
    name = draw(st.sampled_from(sorted(spec.texts)))
    return draw(st.sampled_from([f"'!' in {name}", f"{name} in ('a', 'bc')"]))


def bool_expr(draw, spec: Spec, depth: int = 0) -> str:
    if depth >= 2 or draw(st.integers(0, 2)) == 0:
        return bool_leaf(draw, spec)
    kind = draw(st.sampled_from(["and", "or", "not", "chain"]))
    if kind == "not":
        return f"not ({bool_expr(draw, spec, depth + 1)})"
    if kind == "chain":
        return f"0 <= {int_expr(draw, spec, depth + 1)} < 5"
    return f"({bool_expr(draw, spec, depth + 1)} {kind} {bool_expr(draw, spec, depth + 1)})"


def effect(draw, spec: Spec) -> str:
    kinds = (["int"] * 3 if spec.ints else []) + (["bool"] if spec.bools else []) + (["text"] if spec.texts else [])
    kinds += ["item"] * 2 if spec.items else []
    kind = draw(st.sampled_from(kinds))  # callers check has_effects(spec) first
    if kind == "int":
        name = draw(st.sampled_from(sorted(spec.ints)))
        op = draw(st.sampled_from(["+=", "-=", "=", "*=", "//=", "%=", "+= 1", "-= 1"]))
        return f"{name} {op}" if op.endswith("1") else f"{name} {op} {int_expr(draw, spec, 1)}"
    if kind == "bool":
        name = draw(st.sampled_from(sorted(spec.bools)))
        return f"{name} = not {name}" if draw(st.booleans()) else f"{name} = {bool_expr(draw, spec, 1)}"
    if kind == "text":
        name = draw(st.sampled_from(sorted(spec.texts)))
        return f"{name} += '!'" if draw(st.booleans()) else f"{name} = {text_expr(draw, spec)}"
    return f"{draw(st.sampled_from(['gain', 'lose']))} {draw(st.sampled_from(spec.items))}"


def has_effects(spec: Spec) -> bool:
    return bool(spec.ints or spec.bools or spec.texts or spec.items)


def template(draw, spec: Spec, multiline: bool) -> str:
    parts = [f"Scene text {draw(st.integers(0, 99))}."]
    if draw(st.booleans()):
        parts.append(f" You see {{{{ {int_expr(draw, spec, 1)} }}}}.")
    if draw(st.booleans()):
        parts.append(f" {{{{ 'Yes' if {bool_expr(draw, spec, 1)} }}}}")
    if spec.texts and draw(st.booleans()):
        parts.append(f" Named {{{{ {draw(st.sampled_from(sorted(spec.texts)))} }}}}.")
    if spec.bools and draw(st.booleans()):
        parts.append(f" Flag {{{{ {draw(st.sampled_from(sorted(spec.bools)))} }}}}.")
    text = "".join(parts)
    if multiline and draw(st.booleans()):
        text += f"\n{{% if {bool_expr(draw, spec)} %}}\nA passage.\n"
        if draw(st.booleans()):
            text += (
                f"{{% elif {bool_expr(draw, spec)} %}}\n{{% if {bool_expr(draw, spec)} %}}\nNested.\n{{% endif %}}\n"
            )
        if draw(st.booleans()):
            text += "{% else %}\nOtherwise.\n"
        text += "{% endif %}\nThe end of the scene.\n"
    elif draw(st.booleans()):
        text += f" {{% if {bool_expr(draw, spec)} %}}inline{{% else %}}not{{% endif %}}"
    return text


def target(draw, spec: Spec):
    if draw(st.integers(0, 3)) == 0:
        scenes = draw(st.lists(st.sampled_from(spec.scenes), min_size=1, max_size=3, unique=True))
        return {"random": {scene: draw(st.integers(1, 5)) for scene in scenes}}
    return draw(st.sampled_from(spec.scenes))


def goto(draw, spec: Spec):
    if draw(st.integers(0, 3)) == 0:
        branches = [{"if": bool_expr(draw, spec), "to": target(draw, spec)} for _ in range(draw(st.integers(1, 2)))]
        return branches + [{"to": target(draw, spec)}]
    return target(draw, spec)


def choice(draw, spec: Spec, choice_id: str | None) -> dict:
    result = {} if choice_id is None else {"id": choice_id}
    result["text"] = template(draw, spec, multiline=False)
    if choice_id is not None and draw(st.integers(0, 2)) == 0:
        result["if"] = bool_expr(draw, spec)
        if draw(st.booleans()):
            result["disabled_text"] = "Not now."
    if draw(st.integers(0, 3)) == 0:
        result["once"] = True
    if has_effects(spec) and draw(st.booleans()):
        effects = [effect(draw, spec) for _ in range(draw(st.integers(1, 3)))]
        result["effects"] = effects[0] if len(effects) == 1 and draw(st.booleans()) else effects
    if draw(st.integers(0, 3)) == 0:
        result["outcome"] = template(draw, spec, multiline=False)
    result["goto"] = goto(draw, spec)
    return result


@st.composite
def stories(draw):
    """(manifest text, {file name: scene file text})."""
    n = draw(st.integers(2, 15))
    scenes = [f"s{i}" for i in range(n)]
    ints = {}
    for i in range(draw(st.integers(0, 3))):
        bounds = (0, 10) if draw(st.booleans()) else None
        ints[f"v{i}"] = (draw(st.integers(0, 10)), bounds)
    bools = {f"f{i}": draw(st.booleans()) for i in range(draw(st.integers(0, 2)))}
    texts = {f"t{i}": draw(st.sampled_from(["a", "bc", ""])) for i in range(draw(st.integers(0, 1)))}
    items = [f"i{i}" for i in range(draw(st.integers(0, 3)))]
    endings = [f"e{i}" for i in range(draw(st.integers(1, 3)))]
    is_ending = [False] + [draw(st.integers(0, 3)) == 0 for _ in scenes[1:]]
    if not any(is_ending):
        is_ending[-1] = True
    choice_ids = {
        scene: [f"c{j}" for j in range(draw(st.integers(1, 4)))]
        for scene, end in zip(scenes, is_ending, strict=True)
        if not end
    }
    has_fallback = {scene: draw(st.booleans()) for scene in choice_ids}
    keys = [f"{scene}.{c}" for scene, ids in choice_ids.items() for c in ids]
    keys += [f"{scene}.fallback" for scene, yes in has_fallback.items() if yes]
    spec = Spec(scenes, ints, bools, texts, items, endings, keys)

    scene_data = []
    for scene, end in zip(scenes, is_ending, strict=True):
        data = {"id": scene, "title": f"Title {scene}", "text": template(draw, spec, multiline=True)}
        if draw(st.booleans()):
            data["chapter"] = f"Chapter {draw(st.integers(1, 3))}"
        if has_effects(spec) and draw(st.integers(0, 3)) == 0:
            data["on_enter"] = [effect(draw, spec) for _ in range(draw(st.integers(1, 2)))]
        if end:
            data["ending"] = draw(st.sampled_from(endings))
        else:
            data["choices"] = [choice(draw, spec, c) for c in choice_ids[scene]]
            if has_fallback[scene]:
                data["fallback"] = choice(draw, spec, None)
        scene_data.append(data)

    variables = {}
    for name, (start, bounds) in ints.items():
        if bounds is None:
            variables[name] = start
        else:
            variables[name] = {
                "value": min(max(start, bounds[0]), bounds[1]),
                "min": bounds[0],
                "max": bounds[1],
                "show": draw(st.sampled_from(["hidden", "stat"])),
            }
    for name, start in bools.items():
        variables[name] = {"value": start, "show": "companion"} if draw(st.booleans()) else start
    variables.update(texts)
    manifest = {
        "format": 1,
        "id": "generated",
        "title": "Generated",
        "blurb": "A generated story.",
        "start": scenes[0],
        "variables": variables,
        "items": {item: f"Item {item}" for item in items},
        "endings": [
            {"id": e, "title": f"Ending {e}", "kind": draw(st.sampled_from(["good", "bad", "neutral"]))}
            for e in endings
        ],
    }
    # split the scenes over one to three files
    files: dict[str, list] = {}
    for data in scene_data:
        files.setdefault(f"part{draw(st.integers(1, 3))}.yaml", []).append(data)
    return to_yaml(manifest), {
        name: to_yaml({"chapter": "Generated", "scenes": chunk}) for name, chunk in files.items()
    }


def to_yaml(value, indent: int = 0) -> str:
    """Block-style YAML: mappings and lists in blocks, multi-line text as `|`, other strings double-quoted."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        out = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:\n{to_yaml(item, indent + 2)}")
            else:
                out.append(f"{pad}{key}: {scalar(item, indent + 2)}")
        return "\n".join(out)
    if isinstance(value, list):
        if not value:
            return "[]"
        out = []
        for item in value:
            if isinstance(item, dict) and item:
                inner = to_yaml(item, indent + 2)
                out.append(f"{pad}- {inner[indent + 2 :]}")
            else:
                out.append(f"{pad}- {scalar(item, indent + 2)}")
        return "\n".join(out)
    return scalar(value, indent)


def scalar(value, indent: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\n" in value:
        body = "".join((" " * indent + line if line else "") + "\n" for line in value.splitlines())
        return "|\n" + body.rstrip("\n")
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value)


def write_story(folder: Path, manifest: str, files: dict[str, str]) -> None:
    (folder / "story.yaml").write_text(manifest + "\n")
    for name, text in files.items():
        (folder / name).write_text(text + "\n")


def load(manifest: str, files: dict[str, str]):
    with tempfile.TemporaryDirectory() as tmp:
        write_story(Path(tmp), manifest, files)
        return check_story(tmp)


# -- properties -----------------------------------------------------------------------------------------------


@settings(max_examples=30, **SETTINGS)
@given(stories())
def test_generated_stories_load_without_errors(generated):
    manifest, files = generated
    story, diagnostics = load(manifest, files)
    errors = [str(d) for d in diagnostics if d.is_error]
    assert errors == [], "\n".join(errors) + "\n\n" + manifest + "\n" + "\n".join(files.values())
    assert story is not None
    assert all(
        d.code
        in {
            "unreachable-scene",
            "unreached-ending",
            "unused-variable",
            "unused-item",
            "no-fallback",
            "no-ending-path",
            "disabled-without-if",
            "same-text-again",
        }
        for d in diagnostics
    )


def enabled(game: Game) -> list[str]:
    return [offer.id for offer in game.choices() if offer.enabled]


def replay(story, seed: int, log) -> Game:
    game = Game(story)
    game.start(seed)
    for scene, choice_id in log:
        assert game.run.scene == scene
        game.choose(choice_id)
    return game


@settings(max_examples=40, **SETTINGS)
@given(stories(), st.integers(0, 2**63 - 1), st.data())
def test_random_play_undo_and_restore(generated, seed, data):
    manifest, files = generated
    story, diagnostics = load(manifest, files)
    assert story is not None, [str(d) for d in diagnostics]
    game = Game(story)
    first_text = game.start(seed)
    assert game.text() == first_text
    scenes = [game.run.scene]
    for _ in range(data.draw(st.integers(0, 40), label="steps")):
        action = data.draw(st.sampled_from(["choose"] * 6 + ["undo", "restore"]), label="action")
        if action == "undo" and game.can_undo():
            before = game.run.turn
            game.undo()
            assert game.run.turn == before - 1
            scenes.pop()
            assert game.run.scene == scenes[-1]
            continue
        if action == "restore":
            snapshot = game.snapshot()
            assert json.loads(json.dumps(snapshot)) == snapshot  # plain, JSON-safe data
            fresh = Game(story)
            fresh.restore(snapshot)
            assert fresh.snapshot() == snapshot
            assert fresh.choices() == game.choices()
            assert fresh.text() == game.text()
            assert fresh.rng.getstate() == game.rng.getstate()
            game = fresh
            scenes = scenes[-1:]  # the restored game cannot undo
            continue
        open_ids = enabled(game)
        if game.is_over or not open_ids:
            break
        choice_id = data.draw(st.sampled_from(open_ids), label="choice")
        step = game.choose(choice_id)
        assert step.scene == game.run.scene and step.from_scene == scenes[-1]
        assert step.text == game.text()
        scenes.append(step.scene)
        if game.is_over:
            assert game.choices() == []
            assert step.ending is not None and step.ending.id == story.scenes[step.scene].ending
    # the same seed and the same choices give the same run
    again = replay(story, seed, game.run.log)
    assert again.snapshot() == game.snapshot()
    assert again.text() == game.text()


@settings(max_examples=20, **SETTINGS)
@given(stories(), st.integers(0, 2**31), st.lists(st.integers(0, 10**6), max_size=30))
def test_same_seed_same_choices_same_scenes(generated, seed, picks):
    manifest, files = generated
    story, _ = load(manifest, files)
    assert story is not None

    def play() -> list[str]:
        game = Game(story)
        game.start(seed)
        visited = [game.run.scene]
        for pick in picks:
            open_ids = enabled(game)
            if game.is_over or not open_ids:
                break
            visited.append(game.choose(open_ids[pick % len(open_ids)]).scene)
        return visited

    assert play() == play()


def mutate(text: str, edits) -> str:
    for position, kind, char in edits:
        if not text:
            text = char
            continue
        position %= len(text) + (1 if kind == "insert" else 0)
        if kind == "delete":
            text = text[:position] + text[position + 1 :]
        elif kind == "insert":
            text = text[:position] + char + text[position:]
        else:
            text = text[:position] + char + text[position + 1 :]
    return text


EDITS = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.sampled_from(["delete", "insert", "replace"]),
        st.sampled_from(
            list(" \n\t-:[]{}&*!|>'\"#%@,?~0aZ_.()=<\\")
            + ["\x00", "é", "\ufeff", "{{", "{%", "}}", "%}", "!!python/name:os.system ", "&a ", "*a"]
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=50, **SETTINGS)
@given(stories(), EDITS, st.booleans(), st.integers(0, 2**31))
def test_damaged_yaml_never_crashes_the_checker(generated, edits, in_manifest, seed):
    manifest, files = generated
    if in_manifest:
        manifest = mutate(manifest, edits)
    else:
        name = sorted(files)[0]
        files = dict(files, **{name: mutate(files[name], edits)})
    with tempfile.TemporaryDirectory() as tmp:
        write_story(Path(tmp), manifest, files)
        story, diagnostics = check_story(tmp)  # must not raise
    assert (story is None) == any(d.is_error for d in diagnostics)
    for d in diagnostics:
        assert d.severity in ("error", "warning") and d.line >= 1 and d.col >= 1 and d.code and d.message
    if story is not None:  # whatever loaded must also play
        game = Game(story)
        game.start(seed)
        for _ in range(10):
            open_ids = enabled(game)
            if game.is_over or not open_ids:
                break
            try:
                game.choose(open_ids[0])
            except EscapeError:  # tolerated by the contract, though nothing should be raised here
                raise AssertionError("choosing an open choice raised") from None

"""Authoring tools: scaffolds, playtest, exhaustive search and walkthroughs, graph, schema, watch, live reload."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from game.cli import main
from game.compiler.loader import check_story, load_story
from game.compiler.schema import schema_texts
from game.tools.watch import fingerprint, watch
from tests.conftest import DEMO, write_story

ROOT = Path(__file__).resolve().parent.parent


def test_new_story_validates_cleanly_and_plays(tmp_path, capsys):
    folder = tmp_path / "my_escape"
    assert main(["new", "story", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "validates cleanly" in out and "escape new scene" in out and "--watch" in out
    story, diagnostics = check_story(folder)
    assert diagnostics == [] and story.id == "my_escape"
    assert (folder / ".schema" / "story.schema.json").is_file()
    assert (folder / "story.yaml").read_text().startswith("# yaml-language-server: $schema=.schema/story.schema.json")
    assert main(["new", "story", str(folder)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "story", str(tmp_path / "Bad-Name")]) == 1
    assert "cannot be a story id" in capsys.readouterr().err


def test_new_scene_is_valid_and_says_what_to_do(tmp_path, capsys):
    folder = tmp_path / "tale"
    main(["new", "story", str(folder)])
    capsys.readouterr()
    assert main(["new", "scene", str(folder), "the_river"]) == 0
    assert "lead to it from another scene" in capsys.readouterr().out
    story, diagnostics = check_story(folder)
    assert story is not None and "the_river" in story.scenes
    assert [d.code for d in diagnostics] == ["unreachable-scene"]
    assert main(["new", "scene", str(folder), "the_river"]) == 1
    assert main(["new", "scene", str(tmp_path / "nowhere"), "x"]) == 1


def test_playtest_reports_coverage(tmp_path, capsys):
    report_file = tmp_path / "report.json"
    assert main(["playtest", str(DEMO), "--runs", "300", "--out", str(report_file)]) == 0
    out = capsys.readouterr().out
    assert "300 runs" in out and "Endings: 2 of 2 reached" in out and "never reached: waiting" in out
    report = json.loads(report_file.read_text())
    assert report["runs"] == 300 and report["scenes_missed"] == ["waiting"] and report["problems"] == []
    assert sum(report["endings"].values()) == 300


def test_playtest_least_used_covers_more_than_uniform(demo_story):
    from game.tools.playtest import random_runs

    least = random_runs(demo_story, range(40), least_used=True)
    uniform = random_runs(demo_story, range(40), least_used=False)
    spread = lambda c: min(c.choices[k] for k in ("barrels.wake_dog", "barrels.leave_dog"))  # noqa: E731
    assert spread(least) >= spread(uniform)
    assert least.runs == uniform.runs == 40


def test_playtest_jobs_give_the_same_totals(capsys):
    assert main(["playtest", str(DEMO), "--runs", "200", "--jobs", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["runs"] == 200 and sum(report["endings"].values()) == 200


SOFT_LOCK = dict(
    manifest="""
        id: trap
        title: Trap
        blurb: b
        start: a
        variables: {key: false}
        endings: [{id: e, title: E, kind: good}]
        """,
    scenes="""
        scenes:
          - id: a
            title: A
            text: a
            choices:
              - {id: left, text: Left, goto: locked}
              - {id: right, text: Right, effects: key = true, goto: locked}
          - id: locked
            title: Locked
            text: l
            choices:
              - {id: open, text: Open, if: key, goto: out}
          - {id: out, title: Out, text: o, ending: e}
        """,
)


def test_playtest_finds_soft_locks_with_a_replayable_save(tmp_path, capsys):
    folder = write_story(tmp_path / "trap", SOFT_LOCK["manifest"], scenes=SOFT_LOCK["scenes"])
    assert main(["playtest", str(folder), "--runs", "20", "--saves", str(tmp_path / "saves")]) == 1
    out = capsys.readouterr().out
    assert "soft-lock in scene 'locked'" in out and "escape replay" in out
    save = next((tmp_path / "saves").glob("trap--playtest-soft-lock-*.json"))
    assert main(["replay", str(save), "--check", "--story", str(folder)]) == 0
    assert main(["playtest", str(folder), "--exhaustive"]) == 1
    assert "in scene 'locked' after: a.left" in capsys.readouterr().out


def test_exhaustive_reports_loops_with_no_way_out(tmp_path, capsys):
    folder = write_story(
        tmp_path / "loop",
        """
        id: loop
        title: Loop
        blurb: b
        start: a
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - {id: a, title: A, text: a, choices: [{id: out, text: Out, goto: z}, {id: in, text: In, goto: b}]}
          - {id: b, title: B, text: b, choices: [{id: go, text: Go, goto: c}]}
          - {id: c, title: C, text: c, choices: [{id: back, text: Back, goto: b}]}
          - {id: z, title: Z, text: z, ending: e}
        """,
    )
    assert main(["playtest", str(folder), "--exhaustive"]) == 1
    out = capsys.readouterr().out
    assert "Loops with no way to an ending: 2" in out and "in scene 'b' after: a.in" in out


def test_exhaustive_writes_walkthroughs_that_replay(tmp_path, capsys):
    assert main(["playtest", str(DEMO), "--exhaustive", "--write-walkthroughs", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "out: shortest path 5 choices" in out and "caught: shortest path" in out
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert files == ["demo--caught.json", "demo--out.json"]
    for path in tmp_path.glob("*.json"):
        assert main(["replay", str(path), "--check", "--story", str(DEMO)]) == 0
        assert f"ending '{path.stem.split('--')[1]}'" in capsys.readouterr().out


def test_graph_formats(tmp_path, capsys):
    assert main(["graph", str(DEMO)]) == 0
    mermaid = capsys.readouterr().out
    assert mermaid.startswith("flowchart TD")
    assert 'cellar -.->|"door"| door_sticks' in mermaid
    assert "class out_end ending" in mermaid and "class caught_end bad" in mermaid
    assert main(["graph", str(DEMO), "--format", "dot", "-o", str(tmp_path / "g.dot")]) == 0
    dot = (tmp_path / "g.dot").read_text()
    assert dot.startswith('digraph "demo"') and 'cellar -> barrels [label="search", style="dashed"]' in dot
    assert 'shape="doubleoctagon"' in dot


def test_graph_with_coverage_and_unreachable(tmp_path, capsys):
    report = tmp_path / "r.json"
    main(["playtest", str(DEMO), "--runs", "50", "--out", str(report)])
    capsys.readouterr()
    assert main(["graph", str(DEMO), "--format", "dot", "--coverage", str(report)]) == 0
    dot = capsys.readouterr().out
    assert 'fillcolor="#dddddd"' in dot and "0 visits" in dot  # the scene no run reached
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"story": "else", "scenes": {}, "choices": {}}))
    assert main(["graph", str(DEMO), "--coverage", str(other)]) == 1
    assert "not of 'demo'" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program for SVG (apt install graphviz)")
def test_graph_svg_with_graphviz(tmp_path):
    assert main(["graph", str(DEMO), "--format", "svg", "-o", str(tmp_path / "g.svg")]) == 0
    assert "<svg" in (tmp_path / "g.svg").read_text()


def test_graph_svg_without_graphviz_says_so(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no dot on it
    assert main(["graph", str(DEMO), "--format", "svg"]) == 1
    assert "SVG needs Graphviz's 'dot' program" in capsys.readouterr().err


def test_published_schema_is_in_step_with_the_loader():
    for name, text in schema_texts().items():
        assert (ROOT / "schema" / name).read_text() == text, (
            f"regenerate schema/{name}: escape schema --out schema --force"
        )
    manifest = json.loads(schema_texts()["story.schema.json"])
    scenes = json.loads(schema_texts()["scenes.schema.json"])
    assert set(manifest["properties"]) == {
        "format",
        "id",
        "title",
        "blurb",
        "author",
        "language",
        "start",
        "variables",
        "items",
        "endings",
    }
    scene = scenes["properties"]["scenes"]["items"]
    assert set(scene["properties"]) == {
        "id",
        "title",
        "text",
        "revisit_text",
        "chapter",
        "on_enter",
        "choices",
        "fallback",
        "ending",
    }
    assert scene["additionalProperties"] is False


def test_every_schema_field_is_accepted_by_the_loader(tmp_path):
    """A scene using every field the schema lists loads without a schema error."""
    folder = write_story(
        tmp_path / "full",
        """
        format: 1
        id: full
        title: Full
        blurb: b
        author: A
        start: a
        variables: {n: {value: 1, min: 0, max: 3, label: N, show: stat}, f: {value: false, show: companion}}
        items: {k: {name: K, text: t}}
        endings: [{id: e, title: E, kind: neutral, canon: true}]
        """,
        scenes="""
        chapter: C
        scenes:
          - id: a
            title: A
            text: "{{ n }} {{ f }}"
            revisit_text: "{{ plural(n, 'time') }}"
            chapter: D
            on_enter: [n += 1, {if: n > 2, then: [f = true], else: f = false}]
            choices:
              - {id: c, text: T, if: "n > 0 and has('k')", disabled_text: D, once: true, effects: [gain k], outcome: O, goto: b}
              - {id: d, text: T, effects: [gain k, f = true], goto: [{if: f, to: b}, {to: {random: {b: 1}}}]}
              - {id: s, text: S, stay: true, outcome: O}
              - {id: g, text: G, goto: {call: sub}}
            fallback: {id: fb, text: F, goto: b}
          - id: sub
            title: Sub
            text: t
            choices:
              - {id: r, text: R, goto: return}
          - {id: b, title: B, text: t, ending: e}
        """,
    )
    story, diagnostics = check_story(folder)
    assert story is not None, [str(d) for d in diagnostics]


def test_fingerprint_and_watch_notice_edits(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    before = fingerprint(folder)
    (folder / "cellar.yaml").write_text((folder / "cellar.yaml").read_text() + "\n# edited\n")
    assert fingerprint(folder) != before
    calls = []
    thread = threading.Thread(target=watch, args=([folder], lambda: calls.append(1), 0.05, 20))
    thread.start()
    time.sleep(0.3)
    (folder / "extra.yaml").write_text("scenes: []\n")
    thread.join()
    assert len(calls) == 2  # once at the start, once for the edit


async def test_live_reload_carries_the_run_and_waits_on_a_broken_file(tmp_path):
    from game.tui import make_app
    from game.tui.dialogs import ErrorScreen
    from game.tui.play_screen import PlayScreen

    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    app = make_app(story=str(folder), stories={}, saves=tmp_path / "saves", seed=5, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1")
        play = app.screen
        assert isinstance(play, PlayScreen) and play.session.game.run.scene == "barrels"
        scenes = folder / "cellar.yaml"
        scenes.write_text(scenes.read_text().replace("a dog sleeps on a sack", "a grey dog dozes on a sack"))
        app.check_for_edits()
        await pilot.pause()
        assert play.session.game.run.log == [("cellar", "lamp"), ("cellar", "search")]
        assert "a grey dog dozes" in play.session.game.text()
        good = scenes.read_text()
        scenes.write_text(good.replace("goto: cellar\n", "goto: celar\n", 1))
        app.check_for_edits()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "unknown scene 'celar'" in str(app.screen.query_one("#error-text").render())
        assert play.session.game.run.scene == "barrels"  # the run waits, unharmed
        scenes.write_text(good + "\n")
        app.check_for_edits()
        await pilot.pause()
        assert app.screen is play and play.session.game.run.turn == 2
        await pilot.press("2")
        assert play.session.game.run.scene == "cellar"


def test_loaded_walkthrough_story_unchanged():
    assert load_story(DEMO).id == "demo"

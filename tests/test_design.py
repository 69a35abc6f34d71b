"""`game.tools.design`: choices with consequences, cosmetic scenes, meters, routes; and their place in
`escape stats` and `escape playtest`."""

from __future__ import annotations

import json
from collections import Counter

from game.cli import main
from game.compiler.loader import load_story
from game.tools.design import design, futures, route_of, routes
from game.tools.playtest import random_runs
from tests.conftest import write_story

MANIFEST = """\
id: yard
title: The Yard
blurb: Around the yard.
start: yard
variables:
  nerve:
    value: 3
    min: 0
    max: 6
    label: Nerve
    show: stat
  heat:
    value: 2
    min: 0
    max: 6
    label: Heat
    show: stat
    good: low
  quiet:
    value: 1
    min: 0
    max: 6
    label: Quiet
    show: stat
endings:
  - id: out
    title: Out
    kind: good
  - id: back
    title: Back
    kind: bad
"""

ONE = """\
chapter: Morning
scenes:
  - id: yard
    title: The yard
    text: "{% if nerve > 3 %}You feel bold.{% endif %} The yard."
    choices:
      - id: walk
        text: Walk round
        goto: wall
      - id: lean
        text: Lean on the wall
        goto: wall
  - id: wall
    title: The wall
    text: The wall.
    choices:
      - id: brave
        text: Look up
        effects: [nerve += 1, heat = 0]
        goto: gate
      - id: nod
        text: Nod to the guard
        goto: gate
      - id: glance
        text: Glance at the guard
        goto: gate
"""

TWO = """\
chapter: Evening
scenes:
  - id: gate
    title: The gate
    text: "The gate. {{ 'It is hot.' if heat > 3 else '' }}"
    choices:
      - id: wait
        text: Wait
        once: true
        stay: true
        outcome: You wait.
      - id: run
        text: Run
        effects: [heat += 2, nerve -= 1, quiet = 4]
        goto: {random: {out: 1, back: 1}}
      - id: stroll
        text: Stroll out
        if: nerve > 0
        goto: out
  - id: out
    title: Out
    text: You are out.
    ending: out
  - id: back
    title: Back
    text: "{% if chosen('gate.wait') %}Waiting did not help.{% endif %} Back inside."
    ending: back
"""


def tiny(tmp_path):
    return load_story(write_story(tmp_path / "yard", MANIFEST, one=ONE, two=TWO))


def test_consequences_and_cosmetic_scenes(tmp_path):
    found = design(tiny(tmp_path))
    assert found.scenes == 3
    assert found.choices == 8
    # yard: both choices go to the wall and change nothing: cosmetic. wall: only 'brave' has effects
    # (nod and glance go where it goes). gate: wait is once (and read by chosen), run has effects and a
    # random target, stroll goes to one place the others do not.
    assert found.cosmetic == ("yard",)
    assert found.with_consequences == 4


def test_meters_read_by_chapter_and_directions(tmp_path):
    meters = {m.name: m for m in design(tiny(tmp_path)).meters}
    assert meters["nerve"].chapters == ("Morning", "Evening")  # yard's text, then stroll's condition
    assert meters["heat"].chapters == ("Evening",)
    assert meters["quiet"].chapters == ()  # only effects touch it: changing is not reading
    assert (meters["nerve"].rises, meters["nerve"].falls) == (1, 1)
    assert (meters["heat"].rises, meters["heat"].falls) == (1, 1)  # += 2 raises, = 0 lowers (0 is its minimum)
    assert (meters["quiet"].rises, meters["quiet"].falls) == (1, 1)  # = 4 can go either way from 1..6


def test_routes_count_only_routes_enough_runs_take():
    first, second, rare = (frozenset("ab"), frozenset("a")), (frozenset("ab"), frozenset("b")), (frozenset("x"),)
    runs = [first] * 50 + [second] * 49 + [rare]
    assert len(routes(runs, share=0.01)) == 3  # 1 run in 100 is 1%: it counts
    assert routes(runs, share=0.02) == Counter({first: 50, second: 49})
    assert len(routes(runs, share=0.5)) == 1


def test_a_route_is_the_order_in_which_endings_are_ruled_out(tmp_path):
    story = tiny(tmp_path)
    open_endings = futures(story)
    both, out = frozenset({"out", "back"}), frozenset({"out"})
    assert open_endings["yard"] == open_endings["gate"] == both and open_endings["out"] == out
    # walking or leaning makes no difference: the same doors stay open
    assert route_of(["yard", "wall", "gate", "out"], open_endings) == (both, out)
    assert route_of(["yard", "wall", "wall", "gate", "back"], open_endings) == (both, frozenset({"back"}))


def test_random_runs_count_runs_that_reach_a_scene_and_their_routes(tmp_path):
    story = tiny(tmp_path)
    coverage = random_runs(story, range(200), policy="uniform")
    assert coverage.reached["yard"] == 200 and coverage.reached["gate"] == 200  # runs, not visits
    assert coverage.reached["out"] + coverage.reached["back"] == 200
    assert sum(coverage.routes.values()) == 200
    both = frozenset({"out", "back"})
    assert set(coverage.routes) == {(both, frozenset({"out"})), (both, frozenset({"back"}))}


def test_stats_and_playtest_print_them(tmp_path, capsys):
    folder = write_story(tmp_path / "yard", MANIFEST, one=ONE, two=TWO)
    assert main(["stats", str(folder), "--runs", "5"]) == 0
    out = capsys.readouterr().out
    assert "4 of 8 choices have consequences (50%)" in out
    assert "1 of 3 scenes are cosmetic (every choice the same): yard" in out
    assert "meter Quiet: read in 0 chapters; 1 effect raise it, 1 lower it" in out
    assert main(["stats", str(folder), "--runs", "0", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["design"]
    assert found["cosmetic"] == ["yard"] and found["with_consequences"] == 4
    assert main(["playtest", str(folder), "--runs", "100", "--uniform", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["reached"]["gate"] == 100 and report["routes"] >= 2

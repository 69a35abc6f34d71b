"""Player models for random playtests (`escape playtest --policy`): each policy on a tiny story, runs
reproducible per seed, the run's draws undisturbed by cautious's tries, the per-policy report."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from game.cli import _parser, main
from game.compiler.loader import load_story
from game.engine.game import Game
from game.engine.replay import replay
from game.errors import EscapeError
from game.tools.playtest import Coverage, random_run, random_runs
from game.tools.policies import POLICIES, Cautious, Greedy, LeastUsed, Uniform, policy_named
from tests.conftest import DEMO, write_story

MANIFEST = """
    id: {id}
    title: Tiny
    blurb: b
    start: {start}
    variables:
      health: {{value: 6, min: 0, max: 9, label: Health, show: stat}}
      hunger: {{value: 6, min: 0, max: 9}}
    endings:
      - {{id: home, title: Home, kind: good}}
      - {{id: hurt, title: Hurt, kind: bad}}
      - {{id: lost, title: Lost, kind: neutral}}
    """

# road: thorns drains health (6 -> 2, below a third of 0..9); one outcome of dice drains it (the pit);
# scrape lowers it but not below 3; starve lowers a hidden variable; path and the rest are safe.
# cliff: every choice drains. crossroads: a draw after the road, to check that tries leave the draws alone.
# ferry: a draw before the road.
ROADS = """
    scenes:
      - id: road
        title: Road
        text: r
        choices:
          - {id: thorns, text: Thorns, effects: health -= 4, goto: hurt_end}
          - {id: dice, text: Dice, goto: {random: {crossroads: 1, pit: 1}}}
          - {id: scrape, text: Scrape, effects: health -= 1, goto: crossroads}
          - {id: starve, text: Starve, effects: hunger -= 5, goto: crossroads}
          - {id: path, text: Path, goto: crossroads}
      - id: pit
        title: Pit
        text: p
        on_enter: health -= 5
        choices:
          - {id: climb, text: Climb, goto: hurt_end}
      - id: cliff
        title: Cliff
        text: c
        choices:
          - {id: jump, text: Jump, effects: health -= 5, goto: road}
          - {id: fall, text: Fall, effects: health -= 6, goto: road}
      - id: ferry
        title: Ferry
        text: f
        choices:
          - {id: cross, text: Cross, goto: {random: {road: 1, lost_end: 1}}}
      - id: crossroads
        title: Crossroads
        text: x
        choices:
          - {id: toss, text: Toss, goto: {random: {home_end: 1, lost_end: 1}}}
      - {id: home_end, title: Home, text: h, ending: home}
      - {id: hurt_end, title: Hurt, text: h, ending: hurt}
      - {id: lost_end, title: Lost, text: l, ending: lost}
    """

# gate: two choices lead to X, one to Y. square: loiter stays in the visited square, well is unseen.
BRANCHES = """
    scenes:
      - id: gate
        title: Gate
        text: g
        choices:
          - {id: a1, text: A1, goto: home_end}
          - {id: a2, text: A2, goto: home_end}
          - {id: b, text: B, goto: lost_end}
          - {id: c, text: C, goto: hurt_end}
      - id: square
        title: Square
        text: s
        choices:
          - {id: loiter, text: Loiter, goto: square}
          - {id: well, text: Well, goto: home_end}
      - {id: home_end, title: Home, text: h, ending: home}
      - {id: hurt_end, title: Hurt, text: h, ending: hurt}
      - {id: lost_end, title: Lost, text: l, ending: lost}
    """


def tiny(tmp_path, start: str, scenes: str = ROADS, name: str = "tiny"):
    folder = write_story(tmp_path / name, MANIFEST.format(id=name, start=start), scenes=scenes)
    return folder, load_story(folder)


def first_choices(story, policy: str, seeds: range) -> Counter:
    """The choice each run took first, counted over the seeds."""
    coverage = random_runs(story, seeds, policy=policy)
    return Counter(k.split(".")[1] for k in coverage.choices.elements() if k.startswith(story.start + "."))


def test_cautious_avoids_a_draining_choice_while_another_is_open(tmp_path):
    _, story = tiny(tmp_path, "road")
    cautious = first_choices(story, "cautious", range(300))
    assert set(cautious) == {"scrape", "starve", "path"}  # never thorns, nor dice (its pit drains)
    assert set(first_choices(story, "uniform", range(300))) == {"thorns", "dice", "scrape", "starve", "path"}


def test_cautious_takes_a_draining_choice_when_every_choice_drains(tmp_path):
    _, story = tiny(tmp_path, "cliff")
    coverage = random_runs(story, range(40), policy="cautious")
    assert coverage.problems == [] and coverage.runs == 40
    assert coverage.choices["cliff.jump"] and coverage.choices["cliff.fall"]


def test_cautious_leaves_the_run_and_its_generator_as_they_were(tmp_path):
    _, story = tiny(tmp_path, "ferry")
    game = Game(story)
    game.start(11)
    game.choose("cross", destination="road")  # one draw made: the generator has moved on
    before, generator, log = game.snapshot(), game.rng.getstate(), list(game.run.log)
    for seed in range(20):
        picked = Cautious().pick(game, [o.id for o in game.choices() if o.enabled], Coverage(), random.Random(seed))
        assert picked in ("scrape", "starve", "path")
        assert game.snapshot() == before and game.rng.getstate() == generator and game.run.log == log
    game.undo()  # the player's own undo history is untouched
    assert game.run.scene == "ferry" and not game.can_undo()


@pytest.mark.parametrize("name", list(POLICIES))
def test_every_run_replays_from_its_seed_and_path(tmp_path, name):
    """The draws a run makes are those of its seed alone: no policy's tries disturb them (a draw at the
    ferry, cautious's tries at the road, a draw at the crossroads)."""
    _, story = tiny(tmp_path, "ferry")
    for seed in range(100):
        coverage = Coverage()
        random_run(story, seed, coverage, policy=policy_named(name))
        (ending,) = coverage.endings
        _, path = coverage.shortest[ending]
        game, divergence = replay(story, seed, path)
        assert divergence is None and game.run.ending == ending


@pytest.mark.parametrize("name", list(POLICIES))
def test_runs_are_reproducible_per_policy_and_seed(tmp_path, name):
    _, story = tiny(tmp_path, "road")
    one, two = (random_runs(story, range(5, 85), policy=name) for _ in range(2))
    assert one.report(story) == two.report(story)
    assert one.runs == 80 and sum(one.endings.values()) == 80


def test_greedy_goes_to_an_unseen_scene_first(tmp_path):
    _, story = tiny(tmp_path, "square", BRANCHES)
    assert first_choices(story, "greedy", range(30)) == Counter(well=30)  # the square itself is seen
    assert set(first_choices(story, "uniform", range(30))) == {"well", "loiter"}


def test_greedy_prefers_destinations_over_choices(tmp_path):
    """Two choices lead to home, one each to lost and hurt: greedy's first three runs see all three
    endings from any seed; least-used, which counts choices, often takes both roads home."""
    _, story = tiny(tmp_path, "gate", BRANCHES)
    for seed in range(30):
        assert random_runs(story, range(seed, seed + 3), policy="greedy").endings == Counter(home=1, lost=1, hurt=1)
    spread = [random_runs(story, range(seed, seed + 3), policy="least-used").endings for seed in range(30)]
    assert any(endings["home"] == 2 for endings in spread)


def test_least_used_spreads_the_choices_evenly(tmp_path):
    _, story = tiny(tmp_path, "gate", BRANCHES)
    least = random_runs(story, range(12), policy="least-used")
    assert [least.choices[f"gate.{c}"] for c in ("a1", "a2", "b", "c")] == [3, 3, 3, 3]
    uniform = random_runs(story, range(12), policy="uniform")
    assert [uniform.choices[f"gate.{c}"] for c in ("a1", "a2", "b", "c")] != [3, 3, 3, 3]


def test_uniform_and_least_used_are_the_runs_of_before(demo_story):
    """The policies keep the old picks: least_used=True/False give the same runs as least-used/uniform."""
    for flag, name in ((True, "least-used"), (False, "uniform")):
        old = random_runs(demo_story, range(60), least_used=flag)
        new = random_runs(demo_story, range(60), policy=name)
        assert old.report(demo_story) == new.report(demo_story)


def test_the_policies_and_their_names(capsys):
    assert [type(policy_named(n)) for n in POLICIES] == [Uniform, LeastUsed, Greedy, Cautious]
    with pytest.raises(EscapeError, match="no policy 'bold'"):
        policy_named("bold")
    for name in [*POLICIES, "all"]:
        assert _parser().parse_args(["playtest", "s", "--policy", name]).policy == [name]
    with pytest.raises(SystemExit):
        _parser().parse_args(["playtest", "s", "--policy", "bold"])
    names = ", ".join(f"'{n}'" for n in [*POLICIES, "all"])
    assert f"invalid choice: 'bold' (choose from {names})" in capsys.readouterr().err


def test_json_report_per_policy(capsys):
    assert main(["playtest", str(DEMO), "--runs", "60", "--policy", "cautious", "--policy", "uniform", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["policies"]) == ["uniform", "cautious"]  # in the order of POLICIES
    for summary in report["policies"].values():
        assert summary["runs"] == 60 and sum(summary["endings"].values()) == 60
        assert summary["problems"] == 0 and summary["problem_kinds"] == {}
        assert summary["scenes_missed"] == ["waiting"] and summary["endings_missed"] == []
        assert set(summary) >= {"steps", "choices_missed"}
    assert report["runs"] == 120 and sum(report["endings"].values()) == 120  # the top level counts them all
    assert report["endings"] == dict(
        Counter(report["policies"]["uniform"]["endings"]) + Counter(report["policies"]["cautious"]["endings"])
    )


def test_json_report_of_one_policy_keeps_its_top_level(capsys):
    assert main(["playtest", str(DEMO), "--runs", "40", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["policies"]) == ["least-used"]
    assert {k: report[k] for k in ("runs", "endings", "scenes_missed")} == {
        "runs": 40,
        "endings": report["policies"]["least-used"]["endings"],
        "scenes_missed": ["waiting"],
    }
    assert main(["playtest", str(DEMO), "--runs", "40", "--uniform", "--json"]) == 0
    alias = json.loads(capsys.readouterr().out)
    assert main(["playtest", str(DEMO), "--runs", "40", "--policy", "uniform", "--json"]) == 0
    named = json.loads(capsys.readouterr().out)
    assert list(alias["policies"]) == ["uniform"]
    assert {k: v for k, v in alias.items() if "second" not in k} == {
        k: v for k, v in named.items() if "second" not in k
    }


def test_text_table_of_endings_per_policy(capsys):
    assert main(["playtest", str(DEMO), "--runs", "50", "--policy", "all"]) == 0
    out = capsys.readouterr().out
    assert "The Cellar Door: 200 runs (50 each of uniform, least-used, greedy, cautious)," in out
    lines = out.splitlines()
    header = lines.index("Endings by policy (share of that policy's runs):")
    assert lines[header + 1].split() == ["ending", "kind", "uniform", "least-used", "greedy", "cautious"]
    out_row = lines[header + 2].split()
    assert out_row[:3] == ["out", "good,", "canon"] and len(out_row) == 3 + 8 and out_row[4].endswith("%")
    assert lines[header + 4].split() == ["problems"] + ["0", "0.0%"] * 4
    assert lines[header + 5].split() == ["scenes", "missed", "1", "1", "1", "1"]
    assert lines[header + 6].startswith("  choices a run")
    assert "Problems: 0" in out


def test_problems_per_policy_with_replays(tmp_path, capsys):
    from tests.test_authoring import SOFT_LOCK

    folder = write_story(tmp_path / "trap", SOFT_LOCK["manifest"], scenes=SOFT_LOCK["scenes"])
    saves = tmp_path / "saves"
    assert main(["playtest", str(folder), "--runs", "20", "--policy", "all", "--saves", str(saves)]) == 1
    out = capsys.readouterr().out
    assert "soft-lock in scene 'locked' (greedy, seed " in out
    table = out[out.index("Endings by policy") : out.index("Problems:")]
    assert "problems" in table and "%" in table
    for name in POLICIES:
        assert list(saves.glob(f"trap--playtest-{name}-soft-lock-*.json")), name
    save = next(saves.glob("trap--playtest-cautious-soft-lock-*.json"))
    assert main(["replay", str(save), "--check", "--story", str(folder)]) == 0


def test_jobs_run_chunks_per_policy(capsys):
    args = ["playtest", str(DEMO), "--runs", "80", "--policy", "uniform", "--policy", "cautious", "--json"]
    assert main([*args, "--jobs", "2"]) == 0
    split = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    whole = json.loads(capsys.readouterr().out)
    assert split["runs"] == 160 and [p["runs"] for p in split["policies"].values()] == [80, 80]
    # uniform and cautious remember nothing between runs: the same runs however they are split
    assert split["policies"] == whole["policies"]


@pytest.mark.parametrize("extra", [["--runs", "10"], ["--policy", "greedy"], ["--uniform"]])
def test_random_run_options_are_refused_with_exhaustive(capsys, extra):
    assert main(["playtest", str(DEMO), "--exhaustive", *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"escape: error: {extra[0]}: only for random runs; --exhaustive explores every state")


def test_cautious_keeps_a_meter_that_is_good_when_low_down(tmp_path):
    folder = write_story(
        tmp_path / "watch",
        """
        id: watch
        title: Watch
        blurb: b
        start: yard
        variables:
          suspicion: {value: 4, min: 0, max: 9, label: Suspicion, show: stat, good: low}
        endings: [{id: home, title: Home, kind: good}]
        """,
        scenes="""
        scenes:
          - id: yard
            title: Yard
            text: y
            choices:
              - {id: loiter, text: Loiter, effects: [suspicion += 3], goto: home_end}
              - {id: hide, text: Hide, effects: [suspicion -= 3], goto: home_end}
          - {id: home_end, title: Home, text: h, ending: home}
        """,
    )
    story = load_story(folder)
    assert story.variables["suspicion"].good == "low"
    assert set(first_choices(story, "cautious", range(100))) == {"hide"}  # 4 -> 7 is above two thirds of 0..9
    assert set(first_choices(story, "uniform", range(100))) == {"hide", "loiter"}


def test_good_is_for_numbers(tmp_path, capsys):
    folder = write_story(
        tmp_path / "odd",
        """
        id: odd
        title: Odd
        blurb: b
        start: a
        variables: {alarm: {value: false, good: low}}
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - {id: a, title: A, text: "{{ alarm }}", choices: [{id: go, text: Go, goto: e}]}
          - {id: e, title: E, text: e, ending: e}
        """,
    )
    assert main(["validate", str(folder)]) == 1
    assert "error: 'good' applies to numbers; 'alarm' holds true/false [schema]" in capsys.readouterr().out

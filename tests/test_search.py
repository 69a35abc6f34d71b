"""The complete search: the abstraction it keeps states by, what it proves, what it confirms, --reach,
and walkthroughs written from it."""

from __future__ import annotations

import json
import random
from collections import deque

import pytest

from game.cli import main
from game.compiler.loader import load_story
from game.engine.game import Game
from game.tools.abstraction import abstraction
from game.tools.search import explore
from tests.conftest import DATA, DEMO, write_story

# A soft-lock that needs an order of events: the guard's patience (a meter) runs out only if the player
# spends three nights bribing before taking the map; every choice of the office is gated; no fallback.
HIDDEN = dict(
    manifest="""
        id: hidden
        title: Hidden
        blurb: b
        start: hut
        variables:
          money: {value: 3, min: 0, max: 5}
          patience: {value: 4, min: 0, max: 6}
          nights: {value: 0, min: 0, max: 9}
        items: {map: Map}
        endings: [{id: free, title: Free, kind: good}, {id: cell, title: Cell, kind: bad}]
        """,
    scenes="""
        scenes:
          - id: hut
            title: Hut
            text: "Night {{ nights }}."
            choices:
              - {id: bribe, text: Bribe, if: money > 0, stay: true, effects: [money -= 1, patience -= 1, nights += 1], outcome: He takes it.}
              - {id: map, text: Take the map, once: true, stay: true, effects: [gain map], outcome: Got it.}
              - {id: office, text: Go to the office, goto: office}
          - id: office
            title: Office
            text: "The clerk looks up."
            choices:
              - {id: run, text: Run, if: "has('map') and patience > 1", goto: free}
              - {id: wait, text: Wait, if: "not has('map')", goto: hut}
              - {id: confess, text: Confess, if: "patience >= 4", goto: cell}
          - {id: free, title: Free, text: f, ending: free}
          - {id: cell, title: Cell, text: c, ending: cell}
        """,
)


# The same office, where confessing needs more patience than the guard can have: 'cell' can never happen.
NEVER_CELL = HIDDEN["scenes"].replace('if: "patience >= 4", goto: cell', 'if: "patience >= 9", goto: cell')


@pytest.fixture
def hidden(tmp_path):
    return write_story(tmp_path / "hidden", HIDDEN["manifest"], scenes=HIDDEN["scenes"])


def test_the_abstraction_cuts_numbers_at_the_constants_conditions_compare_them_with(hidden):
    shape = abstraction(load_story(hidden))
    # nights is only printed, never compared: one region, whatever its value
    assert shape.regions == {"money": (0, 1), "nights": (0,), "patience": (0, 2, 4)}
    assert shape.exact == ()
    assert list(shape.span("patience", 3)) == [2, 3] and list(shape.span("patience", 6)) == [4, 5, 6]


def test_a_hidden_soft_lock_is_found_proved_and_confirmed(hidden, capsys):
    story = load_story(hidden)
    result = explore(story)
    assert not result.capped
    assert [(f.scene, f.confirmed) for f in result.soft_locks] == [("office", True)]
    lock = result.soft_locks[0]
    game = Game(story)
    game.start(0)
    for scene, choice, _ in lock.path:
        assert game.run.scene == scene
        game.choose(choice)
    assert game.run.scene == "office" and not [o for o in game.choices() if o.enabled]
    assert main(["playtest", str(hidden), "--exhaustive"]) == 1
    out = capsys.readouterr().out
    assert "complete search" in out and "Soft-locks: 1" in out and "in scene 'office' after:" in out


def test_reach_writes_a_walkthrough_or_proves_there_is_none(hidden, tmp_path, capsys):
    assert main(["playtest", str(hidden), "--reach", "free", "--write-walkthroughs", str(tmp_path / "w")]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "w" / "hidden--reach-free.json"
    assert f"--reach free: 3 choices; wrote {written}" in out
    assert main(["replay", str(written), "--check", "--story", str(hidden)]) == 0
    folder = write_story(tmp_path / "never", HIDDEN["manifest"], scenes=NEVER_CELL)
    assert main(["playtest", str(folder), "--reach", "cell"]) == 1
    assert "--reach cell: no run can reach it: the complete search never gets there" in capsys.readouterr().out
    assert main(["playtest", str(folder), "--reach", "cel"]) == 1
    assert "'cel' is no scene or ending of 'hidden' (did you mean 'cell'?)" in capsys.readouterr().err


def _concrete(story, depth: int) -> set[str]:
    """Scenes reached by every run of up to `depth` choices, without any abstraction (draws: every outcome)."""
    game = Game(story)
    game.start(0)
    seen = {game.run.scene}
    queue = deque([(game.checkpoint(), 0)])
    while queue:
        state, steps = queue.popleft()
        if steps == depth:
            continue
        game.rewind(state)
        for offer in [o for o in game.choices() if o.enabled]:
            choice = story.choice_index[f"{state.scene}.{offer.id}"]
            outcomes = {s for b in choice.goto if b.target.is_random for s in b.target.scenes} or {None}
            for outcome in outcomes:
                game.rewind(state)
                try:
                    game.choose(offer.id, destination=outcome)
                except Exception:  # noqa: BLE001 - the outcome belongs to a branch not taken now
                    continue
                seen.add(game.run.scene)
                queue.append((game.checkpoint(), steps + 1))
    return seen


@pytest.mark.parametrize("folder", [DEMO, DATA / "papers"])
def test_the_search_finds_at_least_what_every_concrete_run_finds(folder):
    story = load_story(folder)
    result = explore(story)
    assert not result.capped
    assert _concrete(story, 9) <= set(result.scenes)
    assert all(finding.confirmed for finding in result.endings.values())


def test_what_the_search_proves_unreachable_no_random_run_reaches(hidden, tmp_path):
    story = load_story(write_story(tmp_path / "never", HIDDEN["manifest"], scenes=NEVER_CELL))
    result = explore(story)
    assert "cell" not in result.scenes and "free" in result.scenes
    for seed in range(300):
        game, picker = Game(story), random.Random(seed)
        game.start(seed)
        while not game.is_over and game.run.turn < 40:
            offers = [o.id for o in game.choices() if o.enabled]
            if not offers:
                break
            game.choose(picker.choice(offers))
        assert game.run.scene != "cell"


def test_walkthroughs_from_the_search_replace_stale_ones_and_fail_when_an_ending_has_none(hidden, tmp_path, capsys):
    folder = tmp_path / "w"
    folder.mkdir()
    stale = folder / "hidden--gone.json"
    assert main(["playtest", str(DEMO), "--exhaustive", "--write-walkthroughs", str(folder)]) == 0
    (folder / "demo--out.json").rename(folder / "demo--old.json")
    data = json.loads((folder / "demo--old.json").read_text())
    data["name"] = "out"
    (folder / "demo--old.json").write_text(json.dumps(data))
    stale.write_text("not a save")
    assert main(["playtest", str(DEMO), "--exhaustive", "--write-walkthroughs", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"removed {folder / 'demo--old.json'}" in out
    assert sorted(p.name for p in folder.glob("*.json")) == ["demo--caught.json", "demo--out.json", "hidden--gone.json"]
    never = write_story(tmp_path / "never", HIDDEN["manifest"], scenes=NEVER_CELL)
    assert main(["playtest", str(never), "--exhaustive", "--write-walkthroughs", str(folder)]) == 1
    assert "no walkthrough for 'cell'" in capsys.readouterr().out


# -- text coverage ---------------------------------------------------------------------------------------
COVERED = dict(
    manifest="""
        id: covered
        title: Covered
        blurb: b
        start: a
        variables: {n: {value: 0, min: 0, max: 3}}
        endings: [{id: e, title: E, kind: good}]
        """,
    scenes="""
        scenes:
          - id: a
            title: A
            text: |
              {% if n >= 1 %}
              Once.
              {% elif n >= 5 %}
              Never: n stops at 3.
              {% endif %}
            revisit_text: Again.
            choices:
              - {id: up, text: Up, stay: true, effects: [n += 1], outcome: "{% if n == 3 %}Full.{% else %}More.{% endif %}"}
              - {id: hole, text: Hole, if: n > 9, disabled_text: Too shallow, goto: e}
              - {id: out, text: Out, goto: e}
            fallback: {text: Give up, goto: e}
          - {id: e, title: E, text: e, ending: e}
        """,
)


def test_text_coverage_proves_what_no_run_shows(tmp_path, capsys):
    folder = write_story(tmp_path / "covered", COVERED["manifest"], scenes=COVERED["scenes"])
    assert main(["playtest", str(folder), "--exhaustive", "--coverage"]) == 0
    out = capsys.readouterr().out
    scenes = folder / "scenes.yaml"
    assert "Text coverage (the complete search): 4 of 7 places shown" in out
    assert "never shown (proved: no run can show them):" in out
    assert f"{scenes}:6:7: text branch {{% if n >= 1 %}}" in out  # the scene is entered once, with n at 0
    assert f"{scenes}:8:7: text branch {{% elif n >= 5 %}}" in out  # n never reaches 5
    assert f"{scenes}:3:1: fallback of scene 'a'" in out  # `out` is always open
    assert "(none of its branches)" not in out
    assert "disabled reason" not in out and "{% else %}" not in out and "n == 3" not in out


def test_text_coverage_of_random_runs_counts_and_leaves_the_game_alone(tmp_path):
    from game.tools.coverage import probed, text_coverage
    from game.tools.playtest import random_runs

    folder = write_story(tmp_path / "covered", COVERED["manifest"], scenes=COVERED["scenes"])
    story, probes, game = probed(folder)
    random_runs(story, range(50), policy="uniform", game=game)
    found = text_coverage(story, probes, game).as_dict()
    assert found["places"] == 7 and any("elif n >= 5" in place for place in found["unseen"])
    assert all(count > 0 for place, count in found["shown"].items() if "Too shallow" in place or "disabled" in place)
    plain = load_story(folder)
    assert all("_hit" not in scene.text.fn.__globals__ for scene in plain.scenes.values() if scene.text.fn)


def test_papers_returns_to_each_caller_are_shown(capsys):
    assert main(["playtest", str(DATA / "papers"), "--exhaustive", "--coverage"]) == 0
    assert "Text coverage (the complete search): 6 of 6 places shown" in capsys.readouterr().out


def test_a_trap_inside_a_region_is_found_by_the_exact_search_of_its_loop(tmp_path, capsys):
    folder = write_story(
        tmp_path / "hide",
        """
        id: hide
        title: Hide
        blurb: b
        start: a
        variables: {x: {value: 1, min: 0, max: 3}}
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: "{{ x }}"
            choices:
              - {id: dec, text: Down, stay: true, effects: [x -= 1], outcome: Down.}
              - {id: inc, text: Up, once: true, stay: true, effects: [x += 1], outcome: Up.}
              - {id: out, text: Out, if: x >= 2, goto: e}
          - {id: e, title: E, text: e, ending: e}
        """,
    )
    story = load_story(folder)
    result = explore(story)
    assert result.abstraction is not None and result.abstraction.regions["x"] == (0, 2)  # 0 and 1: one region
    assert result.loops_proved and [(f.scene, f.confirmed) for f in result.traps] == [("a", True)]
    assert main(["playtest", str(folder), "--exhaustive"]) == 1
    out = capsys.readouterr().out
    assert "Loops with no way to an ending: 1\n  in scene 'a' after: a.dec\n" in out  # x is 0: 'inc' can only make it 1


def test_reach_without_a_folder_writes_to_the_saves_not_into_the_story(hidden, tmp_path, capsys):
    saves = tmp_path / "saves"
    assert main(["playtest", str(hidden), "--reach", "free", "--saves", str(saves)]) == 0
    assert f"wrote {saves / 'hidden--reach-free.json'}" in capsys.readouterr().out
    assert not (hidden / "walkthroughs").exists()


# -- the search against every run, on small random stories ---------------------------------------------------
def _random_story(tmp_path, seed: int):
    """A small story of meters, loops and draws whose runs can all be listed: 5 scenes, 3 meters from 0 to 4."""
    rng = random.Random(seed)
    meters = ("a", "b", "c")
    lines = ["scenes:"]
    for number in range(5):
        text = f"{{% if {rng.choice(meters)} == {rng.randint(0, 4)} and (f or visited('s{rng.randrange(5)}')) %}}Y{{% endif %}}"
        lines += [f"  - id: s{number}", f"    title: S{number}", f'    text: "{text}"', "    choices:"]
        for index in range(rng.randint(2, 3)):
            meter, other = rng.sample(meters, 2)
            parts = [f"id: c{index}", "text: x"]
            if rng.random() < 0.7:
                parts.append(f"if: '{meter} {rng.choice(['>=', '<', '=='])} {rng.randint(1, 3)}'")
            flag = ", 'f = true'" if rng.random() < 0.1 else ""
            parts.append(f"effects: ['{meter} {rng.choice(['+=', '-='])} {rng.randint(1, 2)}', '{other} += 1'{flag}]")
            if rng.random() < 0.3:
                parts.append("stay: true")
            elif rng.random() < 0.2:
                parts.append(f"goto: {{random: {{s{rng.randrange(5)}: 1, e{rng.randrange(2)}: 1}}}}")
            else:
                parts.append(f"goto: {rng.choice([f's{rng.randrange(5)}', 'e0', 'e1'])}")
            lines.append("      - {" + ", ".join(parts) + "}")
    lines += ["  - {id: e0, title: E0, text: e, ending: e0}", "  - {id: e1, title: E1, text: e, ending: e1}"]
    manifest = (
        "id: small\ntitle: Small\nblurb: b\nstart: s0\nvariables:\n"
        + "".join(f"  {m}: {{value: {rng.randint(0, 4)}, min: 0, max: 4}}\n" for m in meters)
        + "  f: false\n"
        + "endings: [{id: e0, title: E0, kind: good}, {id: e1, title: E1, kind: bad}]\n"
    )
    folder = tmp_path / f"small{seed}"
    folder.mkdir()
    (folder / "story.yaml").write_text(manifest, encoding="utf-8")
    (folder / "scenes.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_story(folder)


def _every_run(story, game=None):
    """Every state any run reaches (no abstraction): scenes, endings, stuck scenes, and the scenes of states
    on a cycle from which no ending can be reached."""
    game = game or Game(story)
    game.start(0)

    def key(run):
        return (run.scene, run.ending, tuple(sorted(run.variables.items())), tuple(sorted(run.chosen)))

    states, nexts, index = [game.checkpoint()], [], {key(game.run): 0}
    for state in states:
        nexts.append(set())
        game.rewind(state)
        offers = [o.id for o in game.choices() if o.enabled]
        for choice_id in offers:
            choice = story.choice_index[f"{state.scene}.{choice_id}"]
            for outcome in {s for b in choice.goto if b.target.is_random for s in b.target.scenes} or {None}:
                game.rewind(state)
                try:
                    game.choose(choice_id, destination=outcome)
                except Exception:  # noqa: BLE001 - the outcome belongs to a branch not taken now
                    continue
                number = index.setdefault(key(game.run), len(states))
                if number == len(states):
                    states.append(game.checkpoint())
                nexts[-1].add(number)
    from game.compiler.analysis import closure

    before = [set() for _ in states]
    for source, targets in enumerate(nexts):
        for target in targets:
            before[target].add(source)
    ends = closure(
        [n for n, s in enumerate(states) if s.ending or not nexts[n]], before.__getitem__
    )  # (or a soft-lock)
    on_cycle = {n for n in range(len(states)) if n in closure(nexts[n], nexts.__getitem__)}
    return (
        {s.scene for s in states},
        {s.ending for s in states if s.ending},
        {s.scene for n, s in enumerate(states) if not s.ending and not nexts[n]},
        {states[n].scene for n in on_cycle if n not in ends},
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_search_finds_exactly_what_every_run_finds_on_small_stories(tmp_path, seed, monkeypatch):
    story = _random_story(tmp_path, seed)
    scenes, endings, stuck, trapped = _every_run(story)
    result = explore(story)
    assert not result.capped and result.loops_proved
    assert set(result.scenes) >= scenes  # nothing a run reaches is missed ...
    # and no text any run shows is proved never shown by the search itself (the real runs that confirm
    # its findings are left out: they show texts too)
    from game.tools import search
    from game.tools.coverage import probed, text_coverage

    monkeypatch.setattr(search, "_findings", lambda *args: None)
    every = probed(tmp_path / f"small{seed}")
    _every_run(every[0], every[2])
    searched = probed(tmp_path / f"small{seed}")
    explore(searched[0], game=searched[2], text=True)
    unseen_by_runs = {str(site) for site in text_coverage(*every).unseen}
    assert {str(site) for site in text_coverage(*searched).unseen} <= unseen_by_runs
    assert {s for s, f in result.scenes.items() if f.confirmed} == scenes  # ... and what is confirmed is real
    assert {e for e, f in result.endings.items() if f.confirmed} == endings
    assert {f.scene for f in result.soft_locks if f.confirmed} == stuck
    assert {f.scene for f in result.traps if f.confirmed} == trapped  # (an unconfirmed one is a region's ghost)


@pytest.mark.parametrize("name", ["grand_illusion", "captured"])
def test_the_complete_search_finishes_on_every_bundled_story_and_finds_nothing_wrong(name, capsys):
    assert main(["playtest", name, "--exhaustive", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["complete"] and report["loops_proved"]
    assert report["scenes_missed"] == report["endings_unreached"] == report["soft_locks"] == report["traps"] == []
    assert all(found["confirmed"] for found in [*report["endings"].values(), *report["scenes"].values()])


def test_the_complete_search_finishes_on_an_authors_story_of_25_scenes_and_20_variables(tmp_path):
    from benchmarks.searchgen import author_story

    story = load_story(author_story(tmp_path / "author"))
    assert len(story.scenes) >= 25 and len(story.variables) == 20
    result = explore(story)
    assert not result.capped and result.loops_proved and result.loop_states > 0  # it has loops, searched exactly
    assert set(result.endings) == set(story.endings) and all(f.confirmed for f in result.endings.values())
    assert not result.soft_locks and not result.traps


def test_coverage_renders_every_value_a_move_can_land_on_not_only_the_ends_of_a_region(tmp_path, monkeypatch):
    from game.tools import search
    from game.tools.coverage import probed, text_coverage

    folder = write_story(
        tmp_path / "jump",
        """
        id: jump
        title: Jump
        blurb: b
        start: a
        variables: {x: {value: 0, min: 0, max: 9}}
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: a
            choices:
              - {id: up, text: Up, if: x < 3, stay: true, effects: [x += 1], outcome: Up.}
              - {id: go, text: Go, effects: [x += 2], goto: b}
          - id: b
            title: B
            text: "{% if x == 3 %}Three.{% endif %}"
            choices:
              - {id: out, text: Out, goto: e}
          - {id: e, title: E, text: e, ending: e}
        """,
    )
    # x is 1 in the region 0-2 when 'go' makes it 3: the region's ends land on 2 and 4, never on 3. What
    # the search itself shows is the proof, so the real runs that confirm its findings are left out here.
    monkeypatch.setattr(search, "_findings", lambda *args: None)
    story, probes, game = probed(folder)
    search.explore(story, game=game, text=True)
    assert not [site for site in text_coverage(story, probes, game).unseen if "x == 3" in site.what]


def test_a_count_read_as_true_or_false_is_kept_up_to_one(tmp_path):
    folder = write_story(
        tmp_path / "count",
        """
        id: count
        title: Count
        blurb: b
        start: a
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: a
            choices:
              - {id: knock, text: Knock, stay: true, outcome: Knock.}
              - {id: in, text: In, if: "chosen('a.knock') and not visited('e')", goto: e}
          - {id: e, title: E, text: e, ending: e}
        """,
    )
    shape = abstraction(load_story(folder))
    assert shape.counts == {("chosen", "a.knock"): 1, ("visit", "e"): 1}  # knocking twice is knocking
    assert explore(load_story(folder)).states == 3  # a before and after knocking, and e

"""The engine: choices, conditions, effects, visits, once-only choices, fallbacks, random targets, undo, snapshots."""

from __future__ import annotations

import pytest

from game.compiler.loader import load_story
from game.engine.game import Game, Offer
from game.errors import EngineError
from tests.conftest import DEMO


def ids(game: Game) -> list[tuple[str, bool]]:
    return [(o.id, o.enabled) for o in game.choices()]


def test_start_renders_first_scene_after_on_enter(demo_story):
    game = Game(demo_story)
    text = game.start(seed=1)
    assert game.run.scene == "cellar"
    assert game.run.variables["stamina"] == 4  # on_enter: stamina -= 1
    assert game.run.visits == {"cellar": 1}
    assert "Water drips somewhere behind the barrels, Private." in text
    assert "too dark to see the steps" in text
    assert "been here before" not in text


def test_disabled_choice_shows_reason_and_cannot_be_taken(demo_story):
    game = Game(demo_story)
    game.start(seed=1)
    offers = game.choices()
    assert [(o.id, o.enabled, o.reason) for o in offers] == [
        ("lamp", True, ""),
        ("search", False, "You cannot search in the dark"),
    ]
    with pytest.raises(EngineError, match="not open: You cannot search in the dark"):
        game.choose("search")
    with pytest.raises(EngineError, match="no choice 'door'"):
        game.choose("door")


def test_effects_outcome_and_once_only(demo_story):
    game = Game(demo_story)
    game.start(seed=1)
    step = game.choose("lamp")
    assert step.outcome == "The match flares and the wick takes."
    assert step.gained == ("lamp",)
    assert [(c.name, c.before, c.after) for c in step.changes] == [("noise", 0, 1), ("stamina", 4, 3)]
    assert "The lamp throws your shadow" in step.text
    assert "You have been here before." in step.text  # visits > 1
    assert ids(game) == [("search", True)]  # lamp is once-only and gone; search now open
    assert game.run.chosen == {"cellar.lamp": 1}


def test_visit_and_choice_counts_in_text(demo_story):
    game = Game(demo_story)
    game.start(seed=1)
    game.choose("lamp")
    step = game.choose("search")
    assert step.scene == "barrels"
    assert "Search count 1." in step.text


def test_fallback_offered_only_when_nothing_else_is_open(story_dir):
    folder = story_dir(
        """
        id: fb
        title: Fallback
        blurb: b
        start: a
        variables: {n: 0}
        endings: [{id: e, title: E, kind: neutral}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: n is {{ n }}
            choices:
              - {id: once, text: Once, once: true, effects: n += 1, goto: a}
              - {id: gated, text: Gated, if: n > 5, goto: a}
            fallback: {goto: end}
          - {id: end, title: End, text: done, ending: e}
        """,
    )
    game = Game(load_story(folder))
    game.start(seed=0)
    assert ids(game) == [("once", True)]
    game.choose("once")
    offers = game.choices()
    assert [(o.id, o.text, o.is_fallback) for o in offers] == [("fallback", "Go on", True)]
    step = game.choose("fallback")
    assert step.ending is not None and step.ending.id == "e"
    assert game.is_over and game.choices() == []
    with pytest.raises(EngineError, match="has ended"):
        game.choose("fallback")


CLAMPED = """\
id: clamped
title: Clamped
blurb: Bounds.
start: room
variables:
  stamina: {value: 3, min: 0, max: 6}
  money: 5
endings:
  - {id: end, title: End, kind: neutral}
"""
CLAMPED_SCENES = """\
scenes:
  - id: room
    title: Room
    text: "{{ stamina }}"
    choices:
      - {id: fall, text: Fall, effects: [stamina -= 10, money -= 10], goto: room}
      - {id: feast, text: Feast, effects: [stamina += 100, money += 999999999, money += 999999999], goto: room}
      - {id: leave, text: Leave, goto: out}
  - {id: out, title: Out, text: Out., ending: end}
"""


def test_clamping_to_declared_bounds(story_dir):
    game = Game(load_story(story_dir(CLAMPED, scenes=CLAMPED_SCENES)))
    game.start(seed=1)
    step = game.choose("fall")
    assert game.run.variables == {"stamina": 0, "money": -5}  # min: 0 holds; money has no bound of its own
    assert [(c.name, c.before, c.after) for c in step.changes] == [("stamina", 3, 0), ("money", 5, -5)]
    assert game.text() == "0"
    step = game.choose("fall")
    assert [(c.name, c.after) for c in step.changes] == [("money", -15)]  # stamina stayed at 0: no change reported
    game.choose("feast")
    # max: 6 holds; a variable without bounds stops at the language's limit of one billion
    assert game.run.variables == {"stamina": 6, "money": 1_000_000_000}


def test_conditional_goto_branches(demo_story):
    def run_to_door(seed: int, wake_dog: bool) -> Game:
        game = Game(demo_story)
        game.start(seed=seed)
        game.choose("lamp")
        game.choose("search")
        game.choose("wake_dog" if wake_dog else "leave_dog")
        game.choose("door")
        while game.run.scene == "door_sticks":
            game.choose("force")
        return game

    quiet = run_to_door(1, wake_dog=False)
    assert quiet.choose("go").ending.id == "out"  # noise 1 (+2 if forced)
    dog = run_to_door(1, wake_dog=True)
    step = dog.choose("go")
    assert step.ending.id == "out"
    assert "and the dog at your heels" in step.text


def test_same_seed_same_run_and_weights_respected(demo_story):
    def first_draw(seed: int) -> str:
        game = Game(demo_story)
        game.start(seed=seed)
        game.choose("lamp")
        game.choose("search")
        game.choose("leave_dog")
        return game.choose("door").scene

    draws = [first_draw(seed) for seed in range(400)]
    assert draws == [first_draw(seed) for seed in range(400)]
    opens = draws.count("door_opens") / len(draws)
    assert 0.65 < opens < 0.85  # weights 3:1
    assert set(draws) == {"door_opens", "door_sticks"}


def test_undo_restores_everything_including_the_random_generator(demo_story):
    game = Game(demo_story)
    game.start(seed=7)
    game.choose("lamp")
    game.choose("search")
    game.choose("leave_dog")
    before = game.snapshot()
    text_before = game.text()
    first = game.choose("door")
    game.undo()
    assert game.snapshot() == before
    assert game.text() == text_before
    again = game.choose("door")
    assert again.scene == first.scene  # the same draw again after undo
    while game.can_undo():
        game.undo()
    assert game.run.turn == 0 and game.run.log == []
    with pytest.raises(EngineError, match="nothing to undo"):
        game.undo()


def test_snapshot_round_trip_continues_identically(demo_story):
    game = Game(demo_story)
    game.start(seed=11)
    game.choose("lamp")
    data = game.snapshot()
    copy = Game(demo_story)
    copy.restore(data)
    assert copy.snapshot() == data
    assert copy.text() == game.text()
    for choice in ("search", "leave_dog", "door"):
        assert copy.choose(choice) == game.choose(choice)
    assert copy.snapshot() == game.snapshot()


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda d: d.update(story="other"), "belongs to story 'other'"),
        (lambda d: d.update(scene="nowhere"), "scene 'nowhere'"),
        (lambda d: d["variables"].update(stamina="x"), "variable 'stamina' must hold number"),
        (lambda d: d["variables"].pop("noise"), "variables do not match"),
        (lambda d: d.update(items=["crown"]), "items this story does not have"),
        (lambda d: d.update(version=99), "version 99 is not supported"),
        (lambda d: d.update(draws=-1), "'draws' must be a whole number"),
        (lambda d: d.update(draws=2), "a run draws at most once a step"),
        (lambda d: d.update(log=[["cellar", "fly"]]), "not a step"),
        (lambda d: d.update(log=["cellar.fly"]), "'cellar.fly', is not a choice of this story"),
        (lambda d: d.update(log=["barrels.leave_dog"]), "starts in 'barrels', but the run was in 'cellar'"),
        (lambda d: d.update(log=["cellar.lamp", "cellar.lamp"], scene="barrels"), "cannot lead to 'barrels'"),
        (lambda d: d.update(log=[], scene="barrels"), "a run with no steps must be in the first scene"),
        (lambda d: d.update(ending="out"), "does not match its scene"),
        (lambda d: d["variables"].update(stamina=7), "outside its bounds"),
        (lambda d: d["variables"].update(noise=10**10), "outside"),
        (lambda d: d.update(extra=1), "unknown fields"),
        (lambda d: d.update(seed="1"), "'seed' must be a whole number"),
    ],
)
def test_restore_refuses_data_that_does_not_fit(demo_story, mutate, reason):
    game = Game(demo_story)
    game.start(seed=3)
    game.choose("lamp")
    data = game.snapshot()
    mutate(data)
    fresh = Game(demo_story)
    with pytest.raises(EngineError, match=reason):
        fresh.restore(data)
    assert fresh.state is None  # nothing half-restored


def test_bad_seed_and_unstarted_game(demo_story):
    game = Game(demo_story)
    with pytest.raises(EngineError, match="has not started"):
        game.choices()
    for seed in (-1, "3", 2**63, True):
        with pytest.raises(EngineError, match="seed"):
            game.start(seed=seed)


# -- the machine drives ------------------------------------------------------------------------------------
# (demo: cellar.door has a random target, door_opens.go a goto with conditions: each has a choice point)
POINTS = {"cellar.door?", "door_opens.go?"}


def test_machine_is_shared_and_has_one_trigger_per_choice():
    demo_story = load_story(DEMO)  # a story of its own, whose machine no other test has grown
    a, b = Game(demo_story), Game(demo_story)
    assert a.machine is b.machine
    machine = a.machine.machine
    assert not machine.auto_transitions and machine.models == []  # runs are passed in, never bound
    assert set(machine.events) == {"(begin)"}  # a scene's choices join the machine when first taken
    a.start(seed=1)
    a.choose("lamp")
    assert set(machine.events) == {"(begin)"} | {k for k in demo_story.choice_index if k.startswith("cellar.")} | {
        "cellar.door?"
    }
    a.machine.build_all()
    assert set(machine.events) == set(demo_story.choice_index) | {"(begin)"} | POINTS
    assert set(machine.states) == set(demo_story.scenes) | {"(begin)"} | POINTS
    a.start(seed=1)
    b.start(seed=2)
    a.choose("lamp")
    assert b.run.scene == "cellar" and ids(b) == [("lamp", True), ("search", False)]


def test_guards_are_the_choices_own_compiled_conditions(demo_story):
    game = Game(demo_story)
    game.machine.build_all()
    machine = game.machine.machine
    search = demo_story.choice_index["cellar.search"]
    [transition] = machine.get_transitions("cellar.search")
    guards = [condition.func for condition in transition.conditions]
    assert search.condition.fn in guards  # the very function the list of choices calls
    assert len(guards) == 2  # and the once-only rule
    assert machine.get_state("out_end").final and machine.get_state("caught_end").final
    assert not machine.get_state("cellar").final


def test_a_choice_is_made_by_firing_its_trigger(demo_story):
    from game.engine.rules import Move

    game = Game(demo_story)
    game.start(seed=5)
    run = game.run
    assert game.machine.take(run, "cellar.lamp", Move(run, game.rng)) is True
    assert (run.scene, run.turn, run.log, run.items) == ("cellar", 1, [("cellar", "lamp")], {"lamp"})
    assert run.visits == {"cellar": 2} and run.variables["stamina"] == 3  # entered again: on_enter ran
    before = run.copy()
    assert game.machine.take(run, "cellar.lamp", Move(run, game.rng)) is False  # once-only: the guard refuses
    assert run == before  # and nothing changed
    with pytest.raises(EngineError, match="no choice 'cellar.fly'"):
        game.machine.take(run, "cellar.fly", Move(run, game.rng))
    with pytest.raises(EngineError, match="cannot be taken from scene 'cellar'"):
        game.machine.take(run, "barrels.wake_dog", Move(run, game.rng))


BRANCHES = """\
id: branches
title: Branches
blurb: Goto after effects.
start: hall
variables:
  noise: 0
endings:
  - {id: quiet, title: Quiet, kind: good}
  - {id: loud, title: Loud, kind: bad}
"""
BRANCH_SCENES = """\
scenes:
  - id: hall
    title: Hall
    text: Hall.
    choices:
      - id: shout
        text: Shout
        effects: noise += 5
        goto:
          - {if: noise >= 5, to: loud_end}
          - to: quiet_end
      - id: whisper
        text: Whisper
        goto:
          - {if: noise >= 5, to: loud_end}
          - to: {random: {quiet_end: 1, loud_end: 1}}
  - {id: quiet_end, title: Quiet, text: Quiet., ending: quiet}
  - {id: loud_end, title: Loud, text: Loud., ending: loud}
"""


def test_goto_branches_are_decided_after_the_choices_effects(story_dir):
    story = load_story(story_dir(BRANCHES, scenes=BRANCH_SCENES))
    game = Game(story)
    game.start(seed=1)
    step = game.choose("shout")
    assert (step.scene, step.drawn, game.run.ending) == ("loud_end", (), "loud")
    outcomes = set()
    for seed in range(40):  # the random branch: drawn in the point's `prepare`, chosen by the guards
        game.start(seed)
        step = game.choose("whisper")
        assert step.drawn and game.run.draws == 1
        outcomes.add(step.scene)
    assert outcomes == {"quiet_end", "loud_end"}
    [first, second] = game.machine.machine.get_transitions("hall.whisper?1")
    assert first.prepare and not second.prepare


# -- exact rules and messages -------------------------------------------------------------------------------------
RULES = """\
id: rules
title: Rules
blurb: Fallbacks, once-only choices, draws and refusals.
start: hall
variables:
  flag: false
  bolt: 0
  words: "abcde"
items:
  rope: Rope
  lamp: Lamp
endings:
  - {id: end, title: End, kind: neutral}
"""
RULES_SCENES = """\
scenes:
  - id: hall
    title: Hall
    text: "Hall {{ visits }}."
    choices:
      - {id: door, text: Door, if: flag, disabled_text: The door is locked, once: true, goto: hall}
      - {id: bell, text: Bell, once: true, goto: hall}
    fallback: {text: Wait, goto: hall}
  - id: tower
    title: Tower
    text: Tower.
    choices:
      - id: ring
        text: "Ring ({{ turn }} turns, visit {{ visits }})"
        outcome: "Rung on visit {{ visits }}."
        effects: [gain rope, lose lamp]
        goto: tower
      - {id: drop, text: Drop, effects: [lose rope, lose rope], goto: tower}
      - {id: grab, text: Grab, effects: [gain rope, gain rope], goto: tower}
      - id: climb
        text: Climb
        if: has('lamp')
        disabled_text: "Too dark on turn {{ turn }}"
        goto: tower
      - {id: grow, text: Grow, effects: "words = words + words", goto: tower}
  - id: gate
    title: Gate
    text: Gate.
    choices:
      - {id: shut, text: Shut, if: not flag, goto: gate}
    fallback: {text: "Out ({{ visits }})", if: flag, goto: out}
  - id: yard
    title: Yard
    text: Yard.
    choices:
      - id: roll
        text: Roll
        effects: bolt += 1
        goto:
          - {if: flag, to: {random: {north: 1, south: 1}}}
          - to: {random: {east: 1, west: 2, out: 3}}
    fallback: {id: sit, text: Sit, if: flag, goto: out}
  - {id: north, title: North, text: N., choices: [{id: back, text: Back, goto: yard}]}
  - {id: south, title: South, text: S., choices: [{id: back, text: Back, goto: yard}]}
  - {id: east, title: East, text: E., choices: [{id: back, text: Back, goto: yard}]}
  - {id: west, title: West, text: W., choices: [{id: back, text: Back, goto: yard}]}
  - {id: out, title: Out, text: Out., ending: end}
  - {id: stuck, title: Stuck, text: Stuck., choices: [{id: go, text: Go, if: flag, disabled_text: Not yet, goto: out}]}
"""


@pytest.fixture
def rules_story(story_dir):
    return load_story(story_dir(RULES, scenes=RULES_SCENES))


def at(story, scene: str, seed: int = 1, **variables) -> Game:
    """A game of `story` put in `scene` (as the exhaustive search does: rewound to a made-up checkpoint)."""
    game = Game(story)
    game.start(seed)
    point = game.checkpoint()
    point.scene, point.visits = scene, {scene: 1}
    point.variables.update(variables)
    game.rewind(point)
    return game


def test_once_only_choice_cannot_be_taken_twice(rules_story):
    game = Game(rules_story)
    game.start(1)
    assert game.choices() == [
        Offer("door", "Door", False, "The door is locked", True, False),
        Offer("bell", "Bell", True, "", True, False),
    ]
    game.choose("bell")
    assert [o.id for o in game.choices()] == ["door", "fallback"]  # hidden once taken; the door is not open
    with pytest.raises(EngineError) as info:
        game.choose("bell")
    assert str(info.value) == "no choice 'bell' in scene 'hall' now (open: fallback)"


def test_refusals_name_the_reason_or_what_is_open(rules_story):
    game = Game(rules_story)
    game.start(1)
    with pytest.raises(EngineError) as info:
        game.choose("door")
    assert str(info.value) == "choice 'door' is not open: The door is locked"
    with pytest.raises(EngineError) as info:
        game.choose("fallback")  # the bell is open, so the fallback is not
    assert str(info.value) == "no choice 'fallback' in scene 'hall' now (open: bell)"
    stuck = at(rules_story, "stuck")
    with pytest.raises(EngineError) as info:
        stuck.choose("leave")
    assert str(info.value) == "no choice 'leave' in scene 'stuck' now (open: none)"


def test_a_sticky_fallback_stays_and_a_conditional_one_waits_for_its_condition(rules_story):
    game = Game(rules_story)
    game.start(1)
    game.choose("bell")
    for visit in (3, 4, 5):  # the fallback is not once-only: offered every time nothing else is open
        assert game.choose("fallback").text == f"Hall {visit}."
    yard = at(rules_story, "yard")
    assert [o.id for o in yard.choices()] == ["roll"]
    assert all(o.id != "sit" for o in yard.choices())


def test_random_outcomes_follow_their_weights_and_the_seed(rules_story):
    import random

    for seed in range(60):
        game = at(rules_story, "yard", seed)
        step = game.choose("roll")
        roll = random.Random(seed).random() * 6  # east 1, west 2, out 3
        expected = "east" if roll < 1 else "west" if roll < 3 else "out"
        assert (step.scene, step.drawn, game.run.draws) == (expected, ("east", "west", "out"), 1)
        assert [c.name for c in step.changes] == ["bolt"]  # the effects ran before the draw's branch was chosen


def test_a_tool_can_fix_each_outcome_of_a_draw(rules_story):
    for destination in ("east", "west", "out"):
        game = at(rules_story, "yard", 3)
        step = game.choose("roll", destination=destination)
        assert (step.scene, game.run.draws) == (destination, 1)
    flagged = at(rules_story, "yard", 3, flag=True)
    assert flagged.choose("roll", destination="south").scene == "south"


def test_a_destination_the_draw_cannot_give_changes_nothing(rules_story):
    game = at(rules_story, "yard", 3)
    before, text = game.snapshot(), game.text()
    with pytest.raises(EngineError) as info:
        game.choose("roll", destination="north")  # a destination of the other branch
    assert str(info.value) == "'north' is not a possible outcome of this draw"
    assert game.snapshot() == before and game.text() == text and not game.can_undo()
    assert game.rng.getstate() == __import__("random").Random(3).getstate()  # as if nothing had been drawn
    assert game.run.visits == {"yard": 1} and game.run.chosen == {}
    again = at(rules_story, "yard", 3)
    assert game.choose("roll").scene == again.choose("roll").scene  # the generator did not move
    with pytest.raises(EngineError) as info:
        game.choose("back", destination="hall")
    assert str(info.value) == f"'hall' is not a possible outcome of '{game.run.scene}.back'"


def test_undo_puts_back_counts_and_the_generator(rules_story):
    game = at(rules_story, "yard", 8)
    before = game.checkpoint()
    first = game.choose("roll")
    game.undo()
    assert game.run == before  # visits and choice counts too, with no zero left behind
    assert game.choose("roll").scene == first.scene  # the same draw again
    game.undo()
    with pytest.raises(EngineError) as info:
        game.undo()
    assert str(info.value) == "nothing to undo"


def test_rewind_returns_to_a_checkpoint(rules_story):
    game = Game(rules_story)
    game.start(1)
    point = game.checkpoint()
    game.choose("bell")
    game.choose("fallback")
    game.rewind(point)
    assert game.run == point and game.run is not point and game.text() == "Hall 1." and not game.can_undo()
    yard = at(rules_story, "yard", 8)
    drawn_point = yard.checkpoint()
    first = yard.choose("roll").scene
    yard.rewind(drawn_point)
    assert yard.run.draws == 0 and yard.choose("roll").scene == first


def test_copy_of_a_finished_run_is_equal_and_independent(rules_story):
    game = at(rules_story, "yard", 3)
    game.choose("roll", destination="out")
    copy = game.run.copy()
    assert copy == game.run and copy.ending == "end"
    copy.variables["bolt"] = 99
    copy.log.append(("x", "y"))
    assert game.run.variables["bolt"] == 1 and len(game.run.log) == 1


def test_the_journal_is_rebuilt_from_the_log(demo_story):
    from game.engine.journal import journal

    game = Game(demo_story)
    game.start(5)
    for choice in ("lamp", "search", "wake_dog", "door"):
        game.choose(choice)
    for seed in range(12):  # the journal draws as the run drew, whatever the seed
        other = Game(demo_story)
        other.start(seed)
        for choice in ("lamp", "search", "wake_dog", "door"):
            other.choose(choice)
        assert journal(other)[-1].scene_id == other.run.scene
    entries = journal(game)
    assert [(e.number, e.scene_id, e.choice, e.outcome) for e in entries] == [
        (0, "cellar", "Light the storm lamp", "The match flares and the wick takes."),
        (1, "cellar", "Search behind the barrels", ""),
        (2, "barrels", "Wake the dog", ""),
        (3, "cellar", "Try the door with the key", ""),
        (4, "door_opens", "", ""),  # where the run is: the same draw as the run's own
    ]
    assert entries[0].title == "The cellar" and entries[0].chapter == "The Cellar"
    assert "too dark to see the steps" in entries[0].text and "lamp throws your shadow" in entries[1].text
    assert entries[4].text == game.text()
    assert [e.number for e in entries if e.matches("DOG")] == [2]  # case does not matter
    assert [e.number for e in entries if e.matches("flares")] == [0]  # outcomes are searched too
    assert not any(e.matches("zeppelin") for e in entries)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: "not a mapping", "the run state must be a mapping"),
        (lambda d: d.update(story=""), "'story' must be an id"),
        (lambda d: d.update(scene=3), "'scene' must be an id"),
        (lambda d: d.update(ending=3), "'ending' must be an ending id or null"),
        (lambda d: d.update(items="lamp"), "'items' must be a list of item ids"),
        (lambda d: d.update(items=[3]), "'items' must be a list of item ids"),
        (lambda d: d.update(items=["lamp"] * 1_000_001), "'items' must be a list of item ids"),
        (lambda d: d.update(log=["x"] * 1_000_001), "'log' must be a list of at most 1,000,000 steps"),
        (lambda d: d.update(log=["cellar."]), "the log holds 'cellar.', which is not a step ('scene.choice')"),
        (lambda d: d.update(log=[".lamp"]), "the log holds '.lamp', which is not a step ('scene.choice')"),
        (lambda d: d.update(log=["x" * 80]), f"the log holds '{'x' * 60}', which is not a step ('scene.choice')"),
        (lambda d: d.update(log=[["c" * 80]]), f"the log holds \"['{'c' * 58}\", which is not a step ('scene.choice')"),
        (lambda d: d.update(variables=[]), "'variables' must be a mapping"),
        (lambda d: d["variables"].update(noise=[1]), "variable 'noise' holds list, which no story variable can"),
        (lambda d: d["variables"].update(name="x" * 10_001), "variable 'name' is longer than 10,000 characters"),
        (lambda d: d["variables"].update(noise=1_000_000_001), "variable 'noise' is outside +/-1,000,000,000"),
        (lambda d: d.update(seed=2**63), "'seed' must be a whole number from 0 to 9,223,372,036,854,775,807"),
        (lambda d: d.update(draws=1_000_001), "'draws' must be a whole number from 0 to 1,000,000"),
    ],
)
def test_every_refusal_of_a_run_state_says_which_field(demo_story, change, message):
    game = Game(demo_story)
    game.start(seed=3)
    game.choose("lamp")
    data = game.snapshot()
    data = change(data) or data
    with pytest.raises(EngineError) as info:
        Game(demo_story).restore(data)
    assert str(info.value) == message


def test_run_state_limits_are_inclusive(demo_story):
    game = Game(demo_story)
    game.start(seed=3)
    data = game.snapshot()
    data["variables"].update(noise=1_000_000_000, name="x" * 10_000, stamina=6)  # the bounds themselves hold
    Game(demo_story).restore(data)
    data["variables"].update(stamina=0)
    Game(demo_story).restore(data)
    data.update(seed=2**63 - 1)
    Game(demo_story).restore(data)
    for stamina, word in ((7, "7"), (-1, "-1")):
        data["variables"].update(stamina=stamina)
        with pytest.raises(EngineError) as info:
            Game(demo_story).restore(data)
        assert str(info.value) == f"variable 'stamina' is {word}, outside its bounds in the story"


def test_shape_alone_counts_visits_and_choices_from_the_log(demo_story):
    from game.engine.state import state_from_data

    variables = {"stamina": 3, "noise": 1, "with_dog": False, "name": "Private"}
    data = {
        "version": 2,
        "story": "demo",
        "seed": 1,
        "scene": "barrels",
        "ending": None,
        "draws": 0,
        "variables": variables,
        "items": [],
        "log": ["cellar.lamp", "cellar.lamp", "cellar.a.b"],
    }
    state = state_from_data(data)  # no story: nothing is looked up, the counts come from the log
    assert state.visits == {"cellar": 3, "barrels": 1}
    assert state.chosen == {"cellar.lamp": 2, "cellar.a.b": 1}
    assert state.log == [("cellar", "lamp"), ("cellar", "lamp"), ("cellar", "a.b")] and state.turn == 3
    with pytest.raises(EngineError) as info:
        state_from_data(data, demo_story)
    assert str(info.value) == "step 3 of the log, 'cellar.a.b', is not a choice of this story"
    data["log"] = ["cellar.lamp", "barrels.leave_dog"]
    with pytest.raises(EngineError) as info:
        state_from_data(data, demo_story)
    assert str(info.value) == "step 1 of the log, 'cellar.lamp', cannot lead to 'barrels'"
    data.update(log=["barrels.leave_dog"], scene="cellar")
    with pytest.raises(EngineError) as info:
        state_from_data(data, demo_story)
    assert str(info.value) == "step 1 of the log starts in 'barrels', but the run was in 'cellar'"
    data.update(items=["orb", "crown", "lamp"], log=["cellar.lamp"], scene="cellar")
    with pytest.raises(EngineError) as info:
        state_from_data(data, demo_story)
    assert str(info.value) == "the run carries items this story does not have: crown, orb"


def test_unseeded_runs_draw_their_own_seed(demo_story):
    seeds = set()
    for _ in range(5):
        game = Game(demo_story)
        game.start()
        seeds.add(game.run.seed)
        assert 0 <= game.run.seed < 2**31
    assert len(seeds) > 1


def test_a_story_that_has_ended_takes_no_choice(demo_story):
    game = Game(demo_story)
    game.start(5)
    for choice in ("lamp", "search", "wake_dog", "door", "go"):
        step = game.choose(choice)
    assert step.ending.id == "out" and step.choice_id == "go" and step.lost == ()
    with pytest.raises(EngineError) as info:
        game.choose("go")
    assert str(info.value) == "the story has ended; start a new run or undo"


def test_the_fresh_machine_refuses_other_scenes_choices_and_uses_no_events():
    story = load_story(DEMO)  # a machine built here, by this test
    game = Game(story)
    machine = game.machine.machine
    assert (machine.send_event, machine.auto_transitions, machine.ignore_invalid_triggers) == (False, False, False)
    assert machine.initial == "(begin)" and list(machine.states)[:2] == ["(begin)", "cellar"]
    game.start(5)
    from game.engine.rules import Move

    with pytest.raises(EngineError) as info:
        game.machine.take(game.run, "barrels.wake_dog", Move(game.run, game.rng))
    assert str(info.value) == "choice 'barrels.wake_dog' cannot be taken from scene 'cellar'"
    assert game.machine.built == {"barrels"}  # the scene of the choice asked for joined the machine
    game.choose("lamp")
    assert game.machine.built == {"barrels", "cellar"}
    with pytest.raises(ValueError) as err:
        machine.get_state("attic")
    assert str(err.value) == "State 'attic' is not a registered state."


def test_offers_are_rendered_for_this_turn_and_this_visit(rules_story):
    game = at(rules_story, "tower")
    game.run.turn = 4
    game.run.visits["tower"] = 2
    assert game.choices() == [
        Offer("ring", "Ring (4 turns, visit 2)", True, "", False, False),
        Offer("drop", "Drop", True, "", False, False),
        Offer("grab", "Grab", True, "", False, False),
        Offer("climb", "Climb", False, "Too dark on turn 4", False, False),
        Offer("grow", "Grow", True, "", False, False),
    ]
    step = game.choose("ring")
    assert step.outcome == "Rung on visit 2."  # the outcome speaks of the visit the choice was made on
    assert (step.gained, step.lost) == (("rope",), ())  # no lamp was carried: nothing lost
    assert [o.text for o in game.choices()][0] == "Ring (5 turns, visit 3)"
    with pytest.raises(EngineError) as info:
        game.choose("fly")
    assert str(info.value) == "no choice 'fly' in scene 'tower' now (open: ring, drop, grab, grow)"


def test_items_are_gained_and_lost_once(rules_story):
    game = at(rules_story, "tower")
    assert game.choose("grab").gained == ("rope",) and game.run.items == {"rope"}
    assert game.choose("grab").gained == ()  # carried already
    assert game.choose("drop").lost == ("rope",) and game.run.items == set()
    assert game.choose("drop").lost == ()
    for times in (1, 2, 3):  # a sticky choice counts every time it is taken
        game.choose("grab")
        assert game.run.chosen["tower.grab"] == 2 + times


def test_a_text_variable_is_cut_at_its_limit(rules_story):
    game = at(rules_story, "tower", words="x" * 5_000)
    game.choose("grow")
    assert len(game.run.variables["words"]) == 10_000  # exactly at the limit: kept whole
    game.choose("grow")
    assert game.run.variables["words"] == "x" * 10_000  # past it: cut to the limit


def test_a_conditional_fallback_comes_when_its_condition_holds(rules_story):
    closed = at(rules_story, "gate")
    assert [o.id for o in closed.choices()] == ["shut"]
    opened = at(rules_story, "gate", flag=True)
    assert opened.choices() == [Offer("fallback", "Out (1)", True, "", False, True)]
    assert opened.choose("fallback").ending.id == "end"


def test_the_machine_has_no_choice_of_a_scene_the_story_lacks(rules_story):
    from game.engine.rules import Move

    game = Game(rules_story)
    game.start(1)
    with pytest.raises(EngineError) as info:
        game.machine.take(game.run, "attic.x", Move(game.run, game.rng))
    assert str(info.value) == "the story has no choice 'attic.x'"
    assert "attic" not in game.machine.built


def test_a_log_that_breaks_off_later_names_the_step(demo_story):
    from game.engine.state import state_from_data

    game = Game(demo_story)
    game.start(5)
    game.choose("lamp")
    game.choose("search")
    data = game.snapshot()
    data["log"] = ["cellar.lamp", "barrels.wake_dog", "barrels.leave_dog"]
    with pytest.raises(EngineError) as info:
        state_from_data(data, demo_story)
    assert str(info.value) == "step 1 of the log, 'cellar.lamp', cannot lead to 'barrels'"
    data["log"] = ["barrels.leave_dog", "cellar.lamp"]
    with pytest.raises(EngineError) as info:
        state_from_data(data, demo_story)
    assert str(info.value) == "step 1 of the log starts in 'barrels', but the run was in 'cellar'"


def test_the_size_caps_of_a_saved_run_hold_exactly(demo_story):
    from game.engine.state import MAX_LOG, state_from_data

    data = {
        "version": 2,
        "story": "demo",
        "seed": 1,
        "scene": "cellar",
        "ending": None,
        "draws": 0,
        "variables": {},
        "items": ["lamp"] * MAX_LOG,
        "log": ["cellar.fallback"] * MAX_LOG,
    }
    state = state_from_data(data)  # a million steps and items: the most a run may hold
    assert state.turn == MAX_LOG and state.visits == {"cellar": MAX_LOG + 1}
    data["log"].append("cellar.fallback")
    with pytest.raises(EngineError):
        state_from_data(data)
    data["log"].pop()
    data["items"].append("lamp")
    with pytest.raises(EngineError):
        state_from_data(data)


def test_rewind_without_rendering_leaves_the_text_empty_and_the_generator_in_step(demo_story):
    game = Game(demo_story)
    shown = game.start(5)
    point = game.checkpoint()
    game.rewind(point, render=False)  # what a search does: it never reads the prose
    assert game.text() == ""
    game.rewind(point)
    assert game.text() == shown
    fresh = Game(demo_story)
    fresh.start(5)
    assert game.rng.random() == fresh.rng.random()  # the generator kept is the one a fresh run has


def test_a_step_tells_the_choice_s_doing_from_what_entering_the_scene_did(demo_story):
    from game.engine.game import Change

    game = Game(demo_story)
    game.start(5)
    step = game.choose("lamp")  # the lamp and the noise are the choice's; the cellar's on_enter takes stamina
    assert step.by_choice() == ((Change("noise", 0, 1),), ("lamp",), ())
    assert step.on_arrival() == ((Change("stamina", 4, 3),), (), ())
    assert step.changes == (Change("noise", 0, 1), Change("stamina", 4, 3)) and step.gained == ("lamp",)
    found = game.choose("search")  # into a scene with no on_enter: everything is the choice's
    assert found.by_choice() == ((), ("key",), ()) and found.on_arrival() == ((), (), ())

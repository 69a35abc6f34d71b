"""Story language 2: choices that stay, revisit texts, conditional effects, subscenes (call and return)
and the text helpers; in play, undo, saves, replay, the journal, plain mode and the exhaustive search."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from game.compiler.loader import check_story, load_story
from game.engine.game import Game
from game.engine.journal import journal
from game.engine.replay import replay
from game.errors import EngineError
from game.tools.playtest import random_runs
from game.tools.search import explore
from tests.conftest import DATA

PAPERS = DATA / "papers"


@pytest.fixture
def papers():
    return load_story(PAPERS)


def play(story, *choices: str, seed: int = 1) -> Game:
    game = Game(story)
    game.start(seed)
    for choice in choices:
        game.choose(choice)
    return game


def ids(game: Game) -> list[str]:
    return [o.id for o in game.choices() if o.enabled]


# choices that stay ---------------------------------------------------------------------------------------
def test_a_choice_that_stays_shows_its_outcome_without_entering_the_scene_again(papers):
    game = play(papers)
    text, coughs = game.text(), game.run.variables["coughs"]
    step = game.choose("count")
    assert step.stayed and step.scene == step.from_scene == "barracks"
    assert step.text == ""
    assert step.outcome.strip().startswith("4 cigarettes, and a\nhole in your pocket")
    assert game.text() == text  # the scene's prose is not rendered again
    assert game.run.visits["barracks"] == 1  # no new visit
    assert game.run.variables["coughs"] == coughs  # on_enter did not run again
    assert game.run.log == [("barracks", "count")] and game.run.turn == 1
    assert ids(game) == ["count", "forger", "canteen"]


def test_a_once_only_choice_that_stays_vanishes_and_the_rest_stay_on_offer(story_dir):
    folder = story_dir(
        """
        id: s
        title: S
        blurb: B.
        start: a
        variables: {n: 0}
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: "Room."
            on_enter: [n += 1]
            choices:
              - {id: look, text: Look, once: true, stay: true, outcome: "You look."}
              - {id: out, text: Out, goto: e}
          - {id: e, title: E, text: "{{ n }}", ending: e}
        """,
    )
    game = play(load_story(folder), "look")
    assert ids(game) == ["out"]
    game.choose("out")
    assert game.text() == "1"  # the stay did not run on_enter again


def test_undo_of_a_stay_keeps_the_visit(papers):
    game = play(papers, "count")
    game.undo()
    assert game.run.visits == {"barracks": 1} and game.run.log == [] and game.run.chosen == {}


# revisit text ----------------------------------------------------------------------------------------
def test_revisit_text_from_the_second_visit_on(papers):
    game = play(papers)
    assert game.text().startswith("The stove has gone out")
    game.choose("forger")
    assert game.text().startswith("Lemaire, a schoolmaster")
    game.choose("leave")
    assert game.text().startswith("Hut Nine again. Somebody coughs for the 2nd time")
    game.choose("forger")
    assert game.text().startswith('Lemaire looks up this time. "You again,"')


# conditional effects -----------------------------------------------------------------------------------
def test_conditional_effects_take_then_or_else(papers):
    rich = play(papers, "canteen", "photograph")
    assert rich.run.variables["cigarettes"] == 2 and "photo" in rich.run.items
    assert rich.run.variables["nerve"] == 3
    game = Game(papers)
    game.start(1)
    game.run.variables["cigarettes"] = 1
    step = game.choose("canteen")
    step = game.choose("photograph")
    assert "photo" not in game.run.items and game.run.variables["nerve"] == 2
    assert [(c.name, c.before, c.after) for c in step.changes] == [("nerve", 3, 2), ("coughs", 1, 2)]
    assert step.outcome.strip() == "He laughs at what you hold out and turns his back on you."


def test_conditional_effects_nest_and_run_in_on_enter(story_dir):
    folder = story_dir(
        """
        id: s
        title: S
        blurb: B.
        start: a
        variables: {n: 0, m: 0}
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: "{{ n }}/{{ m }}"
            on_enter:
              - if: visits > 1
                then:
                  - n += 10
                  - if: n > 15
                    then: m = 1
                    else: m = 2
            choices:
              - {id: again, text: Again, goto: a}
        """,
    )
    game = play(load_story(folder))
    assert game.text() == "0/0"
    game.choose("again")
    assert game.text() == "10/2"
    game.choose("again")
    assert game.text() == "20/1"


# subscenes ---------------------------------------------------------------------------------------------
def test_a_call_returns_to_the_scene_that_made_it(papers):
    game = play(papers, "forger")
    assert game.run.stack == ["barracks"]
    step = game.choose("leave")
    assert step.scene == "barracks" and game.run.stack == []
    assert game.run.visits["barracks"] == 2  # coming back enters the caller again


def test_calls_nest_and_each_return_answers_the_latest(papers):
    game = play(papers, "canteen", "photograph", "forger", "ask")
    assert game.run.scene == "back_room" and game.run.stack == ["barracks", "forger"]
    assert "Karl Weber, labourer, of Kassel" in game.text()
    assert game.choose("take").scene == "forger" and game.run.stack == ["barracks"]
    assert game.choose("leave").scene == "barracks" and game.run.stack == []
    assert "march" in ids(game)


def test_undo_puts_the_stack_back(papers):
    game = play(papers, "canteen", "photograph", "forger", "ask", "take")
    game.undo()
    assert game.run.scene == "back_room" and game.run.stack == ["barracks", "forger"]
    game.undo()
    assert game.run.scene == "forger" and game.run.stack == ["barracks"]
    game.undo()
    assert game.run.scene == "barracks" and game.run.stack == []


def test_a_saved_run_inside_a_subscene_restores_its_stack_and_visits(papers):
    game = play(papers, "count", "canteen", "photograph", "forger", "watch", "ask")
    data = json.loads(json.dumps(game.snapshot()))
    again = Game(papers)
    again.restore(data)
    assert again.run.stack == ["barracks", "forger"]
    assert again.run.visits == game.run.visits == {"barracks": 2, "canteen": 1, "forger": 1, "back_room": 1}
    assert again.run.chosen == game.run.chosen
    assert again.choose("take").scene == "forger"
    assert again.choose("leave").scene == "barracks"


def test_a_forged_log_that_returns_to_the_wrong_scene_is_refused(papers):
    game = play(papers, "forger", "ask" if False else "leave")
    data = game.snapshot()
    data["log"] = ["barracks.canteen", "canteen.back", "barracks.forger", "forger.leave"]
    data["scene"] = "barracks"
    Game(papers).restore(data)  # a real path
    data["log"] = ["barracks.forger", "forger.leave", "barracks.canteen", "canteen.back"]
    data["scene"] = "barracks"
    Game(papers).restore(data)
    story = papers
    forged = dict(data, log=["barracks.canteen", "canteen.back"], scene="forger")
    with pytest.raises(EngineError) as info:
        Game(story).restore(forged)
    assert str(info.value) == "step 2 of the log, 'canteen.back', cannot lead to 'forger'"


TWO_CALLERS = dict(
    manifest="""
        id: s
        title: S
        blurb: B.
        start: a
        variables: {n: 0}
        endings: [{id: e, title: E, kind: good}]
        """,
    scenes="""
        scenes:
          - id: a
            title: A
            text: "A {{ visits }}."
            choices:
              - {id: one, text: One, goto: {call: sub}}
              - {id: two, text: Two, goto: b}
          - id: b
            title: B
            text: "B {{ visits }}."
            choices:
              - {id: call, text: Call, goto: {call: sub}}
              - {id: look, text: Look, if: n > 0, stay: true, outcome: Looked.}
              - {id: end, text: End, goto: e}
          - id: sub
            title: Sub
            text: "Sub {{ visits }}."
            choices:
              - {id: back, text: Back, goto: return}
              - {id: roll, text: Roll, goto: [{if: n > 0, to: {random: {sub: 1, e: 1}}}, {to: {random: {e: 1, f: 1}}}]}
          - {id: e, title: E, text: "E.", ending: e}
          - {id: f, title: F, text: "F.", ending: e}
        """,
)


def test_a_return_with_no_call_waiting_is_refused(story_dir):
    story = load_story(story_dir(TWO_CALLERS["manifest"], scenes=TWO_CALLERS["scenes"]))
    game = play(story, "one")
    data = game.snapshot()
    data["log"], data["scene"] = ["a.one", "sub.back"], "b"  # b made no call
    with pytest.raises(EngineError) as info:
        Game(story).restore(data)
    assert str(info.value) == "step 2 of the log returns to 'b', which made no call waiting for it"
    data["log"], data["scene"] = ["a.two", "b.call", "sub.back"], "a"  # b called, a did not
    with pytest.raises(EngineError) as info:
        Game(story).restore(data)
    assert str(info.value) == "step 3 of the log returns to 'a', which made no call waiting for it"


# the machine does the moving ---------------------------------------------------------------------------
def test_the_machine_holds_stays_as_internal_transitions_and_returns_guarded_by_the_stack(papers):
    game = play(papers)
    machine = game.machine
    machine.build_all()
    stay = machine.machine.get_transitions("barracks.count", "barracks")
    assert len(stay) == 1 and stay[0].dest is None
    back = machine.machine.get_transitions("forger.leave", "forger")
    assert sorted(t.dest for t in back) == ["barracks"]
    nested = machine.machine.get_transitions("back_room.take", "back_room")
    assert [t.dest for t in nested] == ["forger"]


# the checker -------------------------------------------------------------------------------------------
MANIFEST = """
id: s
title: S
blurb: B.
start: a
endings: [{id: e, title: E, kind: good}]
"""


def problems(story_dir, scenes: str) -> list[str]:
    _, found = check_story(story_dir(MANIFEST, scenes=scenes))
    return [f"{d.line}:{d.col}: {d.severity}: {d.message} [{d.code}]" for d in found]


def test_a_return_reachable_without_a_call_is_refused(story_dir):
    assert problems(
        story_dir,
        """
        scenes:
          - id: a
            title: A
            text: "A."
            choices:
              - {id: sub, text: Sub, goto: sub}
          - id: sub
            title: Sub
            text: "Sub."
            choices:
              - {id: back, text: Back, goto: return}
              - {id: end, text: End, goto: e}
          - {id: e, title: E, text: "E.", ending: e}
        """,
    ) == [
        "12:32: error: scene 'sub' can be reached from the start without a call, so 'goto: return' would have "
        "nowhere to go; lead into it with 'goto: {call: ...}' only [bad-return]"
    ]


def test_a_subscene_that_calls_itself_is_refused(story_dir):
    assert problems(
        story_dir,
        """
        scenes:
          - id: a
            title: A
            text: "A, for the {{ ordinal(visits) }} time."
            choices:
              - {id: sub, text: Sub, goto: {call: sub}}
          - id: sub
            title: Sub
            text: "Sub {{ visits }}."
            choices:
              - {id: deeper, text: Deeper, goto: {call: sub}}
              - {id: back, text: Back, goto: return}
              - {id: end, text: End, goto: e}
          - {id: e, title: E, text: "E.", ending: e}
        """,
    ) == [
        "12:36: error: subscene 'sub' leads back to this call, so every pass would wait for one more return; "
        "lead on with a plain goto instead [call-cycle]"
    ]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (
            "{id: x, text: X, stay: true, goto: e, outcome: O}",
            "7:26: error: a choice either stays ('stay: true') or leads on ('goto'), not both [schema]",
        ),
        ("{id: x, text: X}", "7:9: error: a choice needs 'goto' (where it leads) or 'stay: true' [schema]"),
        (
            "{id: x, text: X, stay: true}",
            "7:26: warning: a choice that stays shows the player nothing new without an 'outcome' "
            "[stay-without-outcome]",
        ),
        ("{id: x, text: X, goto: {call: nowhere}}", "7:39: error: unknown scene 'nowhere' [unknown-scene]"),
        (
            "{id: x, text: X, goto: {cal: e}}",
            "7:26: error: 'goto' must be a mapping with 'random' or 'call' [schema]",
        ),
    ],
)
def test_stay_and_call_mistakes(story_dir, choice, expected):
    found = problems(
        story_dir,
        f"""
        scenes:
          - id: a
            title: A
            text: "A."
            choices:
              - {choice}
              - {{id: end, text: End, goto: e}}
          - {{id: e, title: E, text: "E.", ending: e}}
        """,
    )
    assert expected in found


def test_a_fallback_cannot_stay_and_no_scene_is_called_return(story_dir):
    found = problems(
        story_dir,
        """
        scenes:
          - id: a
            title: A
            text: "A."
            choices:
              - {id: end, text: End, if: visits > 1, goto: e}
            fallback: {stay: true, outcome: Nothing.}
          - {id: e, title: E, text: "E.", ending: e}
          - {id: return, title: R, text: "R.", ending: e}
        """,
    )
    assert found[:2] == [
        "8:16: error: a fallback cannot stay: it is offered when nothing else is open, so it must lead somewhere "
        "[schema]",
        "10:6: error: 'return' is a word of goto ('goto: return'); give the scene another id [bad-id]",
    ]


def test_a_scene_entered_again_with_the_same_text_is_a_warning(story_dir):
    loop = """
        scenes:
          - id: a
            title: A
            text: "A."{extra}
            choices:
              - {{id: again, text: Again, goto: a}}
              - {{id: end, text: End, goto: e}}
          - {{id: e, title: E, text: "E.", ending: e}}
        """
    assert problems(story_dir, loop.format(extra="")) == [
        "5:5: warning: scene 'a' can be entered again, and its text (1 word) does not change with visits: give "
        "it a 'revisit_text', use 'visits' in its text, or keep the player in it with 'stay: true' choices "
        "[same-text-again]"
    ]
    assert problems(story_dir, loop.format(extra='\n            revisit_text: "A again."')) == []


# text helpers ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("plural(n, 'man', 'men')", {"n": 1}, "man"),
        ("plural(n, 'man', 'men')", {"n": 0}, "men"),
        ("plural(n, 'day')", {"n": 2}, "days"),
        ("plural(n, 'day')", {"n": -1}, "day"),
        ("ordinal(n)", {"n": 1}, "1st"),
        ("ordinal(n)", {"n": 2}, "2nd"),
        ("ordinal(n)", {"n": 3}, "3rd"),
        ("ordinal(n)", {"n": 4}, "4th"),
        ("ordinal(n)", {"n": 11}, "11th"),
        ("ordinal(n)", {"n": 12}, "12th"),
        ("ordinal(n)", {"n": 113}, "113th"),
        ("ordinal(n)", {"n": 21}, "21st"),
        ("ordinal(n)", {"n": 102}, "102nd"),
        ("capitalize(t)", {"t": "lille"}, "Lille"),
        ("capitalize(t)", {"t": "de Boeldieu"}, "De Boeldieu"),
        ("capitalize(t)", {"t": "mcTavish"}, "McTavish"),
        ("capitalize(t)", {"t": ""}, ""),
        ("upper(t)", {"t": "Achtung"}, "ACHTUNG"),
        ("lower(t)", {"t": "HALT"}, "halt"),
        ("'hut ' + n", {"n": 4}, "hut 4"),
        ("n + ' men'", {"n": 12}, "12 men"),
        ("n + 1 + ' days'", {"n": 2}, "3 days"),
    ],
)
def test_text_helpers(source, values, expected):
    from game.compiler.expr import Names, compile_expr
    from game.model import Scope

    names = Names({"n": "number", "t": "text"})
    assert compile_expr(source, names).fn(Scope({"n": 0, "t": "", **values}, set(), {}, {})) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("plural(n)", "plural() is used as plural(count, 'word') or plural(count, 'man', 'men')"),
        ("plural('a', 'b')", "plural() takes number here, not text"),
        ("ordinal(t)", "ordinal() takes number here, not text"),
        ("capitalize(n)", "capitalize() takes text here, not number"),
        ("upper(t, t)", "upper() is used as upper(text)"),
        ("'a' + true", "'+' needs two numbers, not text and true/false"),
        ("'a' - 1", "'-' needs two numbers, not text and number"),
    ],
)
def test_text_helper_mistakes(source, message):
    from game.compiler.expr import ExprError, Names, compile_expr

    with pytest.raises(ExprError) as info:
        compile_expr(source, Names({"n": "number", "t": "text"}))
    assert info.value.message == message and info.value.code == "expr-type"


# every front end and tool ------------------------------------------------------------------------------
def test_the_feature_story_validates_strictly_and_the_search_reaches_every_ending(papers):
    _, found = check_story(PAPERS)
    assert found == []
    result = explore(papers)
    assert not result.capped and not result.soft_locks and not result.traps
    assert set(result.shortest) == {"through", "turned_back"}
    assert set(result.scenes) == set(papers.scenes)
    coverage = random_runs(papers, range(300))
    assert set(coverage.report(papers)["endings"]) >= {"through", "turned_back"}


def test_replay_and_journal_follow_stays_and_subscenes(papers):
    game = play(papers, "count", "canteen", "photograph", "forger", "watch", "ask", "take", "leave", "march")
    again, divergence = replay(papers, game.run.seed, game.run.log)
    assert divergence is None and again.snapshot() == game.snapshot()
    entries = journal(game)
    assert [(e.scene_id, e.choice) for e in entries][:3] == [
        ("barracks", "Count what you have left to trade"),
        ("barracks", "Slip across to the canteen hut before it shuts"),
        ("canteen", "Pay for a photograph with cigarettes"),
    ]
    assert entries[1].text == ""  # staying enters nothing: no prose to repeat


def test_plain_mode_shows_a_stay_as_its_outcome_and_the_choices_only(tmp_path):
    from game.cli.plain import PlainFrontEnd
    from game.saves.session import Session

    session = Session(load_story(PAPERS), tmp_path / "saves")
    session.start(1)
    out = io.StringIO()
    PlainFrontEnd(session, out, io.StringIO("1\nq\n")).play()
    text = out.getvalue()
    assert text.count("The stove has gone out") == 1
    after = text.split("4 cigarettes, and a hole in your pocket where a photograph should be.", 1)[1]
    assert after.lstrip().startswith("1. Count what you have left to trade")


def test_a_copy_of_the_feature_story_keeps_its_walkthrough_after_an_edit(tmp_path, papers):
    game = play(papers, "count", "forger", "leave")
    folder = tmp_path / "papers"
    shutil.copytree(PAPERS, folder)
    text = (folder / "scenes.yaml").read_text().replace("Lemaire, a schoolmaster", "Lemaire, a teacher")
    Path(folder / "scenes.yaml").write_text(text)
    edited = load_story(folder)
    again, divergence = replay(edited, game.run.seed, game.run.log)
    assert divergence is None and again.run.stack == [] and again.run.visits == game.run.visits


def test_the_map_shows_stays_calls_and_returns(papers):
    from game.tools.graph import to_dot, to_mermaid

    mermaid = to_mermaid(papers)
    assert 'barracks -->|"count (stay)"| barracks' in mermaid
    assert 'barracks ==>|"forger (call)"| forger' in mermaid
    assert 'back_room -.->|"take (return)"| forger' in mermaid
    assert 'forger -.->|"leave (return)"| barracks' in mermaid
    dot = to_dot(papers)
    assert 'barracks -> forger [label="forger (call)", penwidth="2"];' in dot
    assert 'back_room -> forger [label="take (return)", style="dotted"];' in dot


def test_effects_after_a_conditional_effect_still_run(story_dir):
    folder = story_dir(
        """
        id: s
        title: S
        blurb: B.
        start: a
        variables: {n: 0, m: 0}
        endings: [{id: e, title: E, kind: good}]
        """,
        scenes="""
        scenes:
          - id: a
            title: A
            text: "{{ n }}/{{ m }}"
            choices:
              - id: go
                text: Go
                effects: [{if: n == 0, then: n = 5}, m = n + 1, {if: m > 9, then: n = 0, else: n = 7}]
                goto: e
          - {id: e, title: E, text: "{{ n }}/{{ m }}", ending: e}
        """,
    )
    game = play(load_story(folder), "go")
    assert game.text() == "7/6"


def test_a_return_goes_back_to_the_later_of_two_callers(story_dir):
    story = load_story(story_dir(TWO_CALLERS["manifest"], scenes=TWO_CALLERS["scenes"]))
    game = play(story, "two", "call")
    assert game.run.stack == ["b"]
    assert game.choose("back").scene == "b" and game.run.stack == []


def test_a_choice_that_stays_is_refused_while_its_condition_fails(story_dir):
    story = load_story(story_dir(TWO_CALLERS["manifest"], scenes=TWO_CALLERS["scenes"]))
    game = play(story, "two")
    with pytest.raises(EngineError) as info:
        game.choose("look")
    assert str(info.value) == "no choice 'look' in scene 'b' now (open: call, end)"
    assert game.run.log == [("a", "two")] and game.run.turn == 1


def test_a_move_that_fails_part_way_puts_back_the_counts_of_a_run_with_stays(papers, story_dir):
    game = play(papers, "count", "count")
    before = (dict(game.run.visits), dict(game.run.chosen))
    assert before[0] == {"barracks": 1}
    story = load_story(story_dir(TWO_CALLERS["manifest"], scenes=TWO_CALLERS["scenes"]))
    game = play(story, "one")
    game.run.variables["n"] = 1
    game.choose("back")  # to a, visit 2
    for choice in ("two", "look", "call", "back", "look", "call"):  # b entered twice, a stay each time
        game.choose(choice)
    counts = (dict(game.run.visits), dict(game.run.chosen), list(game.run.stack))
    assert counts[0] == {"a": 2, "b": 2, "sub": 3}
    with pytest.raises(EngineError) as info:
        game.choose("roll", destination="f")  # n > 0: the draw is between sub and e, so 'f' cannot come
    assert str(info.value) == "'f' is not a possible outcome of this draw"
    assert (dict(game.run.visits), dict(game.run.chosen), list(game.run.stack)) == counts


def test_a_restored_run_shows_the_text_for_its_visit(papers):
    first = play(papers)
    again = play(papers, "forger", "leave")
    for game, opening in ((first, "The stove has gone out"), (again, "Hut Nine again.")):
        copy = Game(papers)
        copy.restore(game.snapshot())
        assert copy.text().startswith(opening)

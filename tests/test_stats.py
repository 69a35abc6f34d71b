"""`escape stats`: words, choices, branching, reading time, and what seeded random runs read."""

from __future__ import annotations

import dataclasses
import json

import pytest

from game.cli import main
from game.compiler.bundled import find_story
from game.compiler.loader import load_story
from game.engine.game import Game
from game.model import Scene, Template
from game.tools.stats import (
    KINDS,
    Run,
    Spread,
    count_words,
    expression_words,
    read_in_run,
    scene_stats,
    story_stats,
    template_words,
)
from tests.conftest import write_story

MANIFEST = """\
id: tiny
title: Tiny
blurb: A tiny story.
start: gate
variables:
  nerve: 2
items:
  rope: Rope
endings:
  - id: free
    title: Free at Last
    kind: good
  - id: caught
    title: Caught
    kind: bad
"""

# Words, as the module docstring counts them:
# gate  text 19: "You stand at the gate." 5, {{ "The rope is heavy." if has('rope') }} 4, both {% if %} branches
#                3 + 5, "Nerve" 1 and {{ nerve }} 1 (the final "." is no word)
#       choices 9 (3 + 3 + 1, and the fallback's "Give up" 2), disabled 4, outcomes 3 ("—" is no word)
# top   text 6 ('Free' 1 + 'Almost free' 2 + "you drop down" 3), choices 3
# free_end 4 + ending title 3, caught_end 3 + ending title 1
ONE = """\
chapter: One
scenes:
  - id: gate
    title: The Gate, whose title is not counted
    text: |
      You stand at the gate. {{ "The rope is heavy." if has('rope') }}
      {% if nerve > 1 %}
      You feel brave.
      {% else %}
      You feel small and cold.
      {% endif %}
      Nerve {{ nerve }}.
    choices:
      - id: take
        text: Take the rope
        once: true
        effects: gain rope
        outcome: It is — rough.
        goto: gate
      - id: climb
        text: Climb the wall
        if: has('rope')
        disabled_text: You need a rope
        goto: top
      - id: wait
        text: Wait
        if: nerve > 5
        goto: caught_end
    fallback:
      text: Give up
      goto: caught_end
"""

TWO = """\
chapter: Two
scenes:
  - id: top
    title: Top
    text: "{{ 'Free' if nerve > 1 else 'Almost free' }}, you drop down."
    choices:
      - id: run
        text: Run for it
        goto: {random: {free_end: 1, caught_end: 1}}
  - id: free_end
    title: Free
    text: The road is empty.
    ending: free
  - id: caught_end
    title: Caught
    text: A whistle blows.
    ending: caught
"""


@pytest.fixture
def tiny(tmp_path):
    return write_story(tmp_path / "tiny", MANIFEST, one=ONE, two=TWO)


def test_words_are_counted_as_documented():
    assert count_words("It is — rough. 1916, don't  well-known") == 6
    assert expression_words(" 'a b' if x else 'c' ") == 3
    assert expression_words("'Cartier hums.' if visited('barracks') > 1") == 2  # an implied else ''
    assert expression_words("has('rope')") == 1  # no text is shown: the value is one word
    assert expression_words("'yes' if name == 'Bob' and 'x' in name else 'no'") == 2
    assert expression_words("nerve + 1") == 1
    assert expression_words("plural(days, 'long day', 'long days')") == 2  # one form is shown
    assert expression_words("capitalize('the sergeant') + ' waits'") == 3
    assert expression_words("(((") == 1
    assert template_words("Rain on your face{{ ', and the dog at your heels' if with_dog }}.") == 10
    assert template_words("{% if a %}\nOne two.\n{% elif b %}\nThree.\n{% else %}\nFour five six.\n{% endif %}") == 6


def test_exact_numbers_of_a_small_story(tiny):
    stats = story_stats(load_story(tiny, cache_dir=None), runs=0)
    by_id = {s.id: s for s in stats.scenes}
    assert by_id["gate"].words_by_kind == {"text": 19, "choices": 9, "disabled": 4, "outcomes": 3, "ending": 0}
    assert by_id["top"].words_by_kind == {"text": 6, "choices": 3, "disabled": 0, "outcomes": 0, "ending": 0}
    assert (by_id["free_end"].words, by_id["caught_end"].words) == (7, 4)
    assert stats.words == 55
    assert stats.words_by_kind() == {"text": 32, "choices": 12, "disabled": 4, "outcomes": 3, "ending": 4}
    assert [(c.name, c.scenes, c.words) for c in stats.chapters()] == [("One", 1, 35), ("Two", 3, 20)]
    assert (stats.choices, stats.gated, stats.once, stats.endings) == (5, 2, 1, 2)
    average, widest = stats.branching()
    assert average == 2.5 and widest is not None and widest.id == "gate"
    data = stats.as_dict()
    assert data["totals"] == {
        "scenes": 4,
        "chapters": 2,
        "choices": 5,
        "endings": 2,
        "words": 55,
        "reading_minutes": 0.2,  # 55 / 230
    }
    assert data["branching"] == {
        "average": 2.5,
        "max": 4,
        "max_scene": "gate",
        "gated": 2,
        "gated_share": 0.4,
        "once": 1,
    }
    assert data["runs"] is None
    assert [s.id for s in stats.top(2)] == ["gate", "top"]


def test_revisit_text_counts_when_the_model_has_it(tiny):
    if "revisit_text" not in Scene.__dataclass_fields__:
        pytest.skip("the Scene model has no revisit_text yet")
    story = load_story(tiny, cache_dir=None)
    scene = dataclasses.replace(story.scenes["top"], revisit_text=Template("Back on the wall again."))
    assert scene_stats(story, scene).words_by_kind["text"] == 6 + 5


def test_a_run_reads_what_it_is_shown(tiny):
    """Every seed takes the rope, climbs and runs: the gate (10 words), its offers (take 3, climb 3 with
    its reason 4), the outcome (3), the gate again with the rope (14, a return visit), the offer to climb
    (3), the top (4), the offer to run (3), then the free road (4 + "Free at Last" 3) or the whistle (3 +
    "Caught" 1)."""
    story = load_story(tiny, cache_dir=None)
    game = Game(story)
    runs = {seed: read_in_run(game, seed) for seed in range(40)}
    for seed, run in runs.items():
        ending = "free" if run.words == 54 else "caught"
        assert run == Run(54 if ending == "free" else 51, 3, 3, True, {"gate": 14}), seed
    assert {r.words for r in runs.values()} == {51, 54}  # both draws happen among 40 seeds
    stats = story_stats(story, runs=40)
    assert stats.runs is not None and stats.runs.runs == 40 and stats.runs.ended == 40
    assert stats.runs.choices == Spread(3, 3, 3)
    assert stats.runs.revisit_words == Spread(14, 14, 14) and stats.runs.revisit_scenes == (("gate", 14.0),)
    words = sorted(r.words for r in runs.values())
    assert stats.runs.words == Spread(words[19], words[3], words[35])


def test_runs_are_deterministic(demo_story):
    first = story_stats(demo_story, runs=60).as_dict()
    assert story_stats(demo_story, runs=60).as_dict() == first
    assert first["runs"]["runs"] == 60 and first["runs"]["seeds"] == [0, 59]
    low, mid, high = (first["runs"]["words"][k] for k in ("p10", "median", "p90"))
    assert 0 < low <= mid <= high


def test_spread_is_nearest_rank():
    assert Spread.of(list(range(10, 0, -1))) == Spread(5, 1, 9)
    assert Spread.of([7]) == Spread(7, 7, 7)


def test_json_shape(tiny, capsys):
    assert main(["stats", str(tiny), "--json", "--runs", "25"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "format",
        "story",
        "title",
        "words_per_minute",
        "totals",
        "words_by_kind",
        "branching",
        "chapters",
        "scenes",
        "runs",
        "design",
    ]
    assert data["format"] == 1 and data["story"] == "tiny" and data["words_per_minute"] == 230
    assert list(data["words_by_kind"]) == list(KINDS)
    assert data["chapters"] == [{"name": "One", "scenes": 1, "words": 35}, {"name": "Two", "scenes": 3, "words": 20}]
    assert data["scenes"][0] == {
        "id": "gate",
        "title": "The Gate, whose title is not counted",
        "chapter": "One",
        "choices": 4,
        "ending": False,
        "words": 35,
        "words_by_kind": {"text": 19, "choices": 9, "disabled": 4, "outcomes": 3, "ending": 0},
    }
    runs = data["runs"]
    assert list(runs) == [
        "runs",
        "seeds",
        "ended",
        "words",
        "choices",
        "scenes",
        "revisit_words",
        "revisit_scenes",
        "reading_minutes",
    ]
    assert runs["runs"] == 25 and runs["ended"] == 25 and runs["choices"] == {"median": 3, "p10": 3, "p90": 3}
    assert runs["revisit_scenes"] == [{"id": "gate", "words_per_run": 14.0}]


def test_human_report(tiny, capsys):
    assert main(["stats", str(tiny), "--runs", "10", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "Tiny (tiny)" in out
    assert "Scenes    4 in 2 chapters, 2 endings" in out
    assert "Choices   5: 2.5 a scene on average (endings aside), at most 4 (gate)" in out
    assert "2 gated by 'if' (40%), 1 once-only" in out
    assert "Words     55 (scene text 32, choices 12, disabled texts 4, outcomes 3, ending titles 4)" in out
    assert "the whole story: under a minute" in out
    assert "10 random runs (seeds 0-9, as escape playtest --uniform); every run reached an ending" in out
    assert "choices made  median 3; 10th-90th percentile 3-3" in out
    assert "return visits median 14 words of scene text; 10th-90th percentile 14-14\n" in out
    assert "most: gate (14 a run)\n" in out
    assert "(2 of 4 scenes; --top N shows more, --top 0 all)" in out
    assert "Chapter  scenes  words\nOne           1     35\nTwo           3     20\ntotal         4     55\n" in out
    assert "Longest scenes  chapter  words  choices\ngate            One         35        4\n" in out
    assert main(["stats", str(tiny), "--runs", "0"]) == 0
    assert "random run" not in capsys.readouterr().out


def test_refusals(tiny, capsys):
    assert main(["stats", str(tiny), "--runs", "-1"]) == 1
    assert "--runs must be 0 or more" in capsys.readouterr().err
    (tiny / "two.yaml").write_text(TWO.replace("goto: {random", "goto: {randm"))
    assert main(["stats", str(tiny)]) == 1
    assert "has errors; fix them first" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["grand_illusion", "captured"])
def test_bundled_stories_have_their_words(name):
    stats = story_stats(load_story(find_story(name)), runs=5)
    assert stats.words > 30_000  # the README's "more than 30,000 words of prose each"
    assert stats.runs is not None and stats.runs.ended == 5
    assert stats.runs.words.median < stats.words

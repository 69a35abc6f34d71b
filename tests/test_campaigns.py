"""The two campaigns: size, endings, choices that matter, no soft-locks, walkthroughs per ending, original prose."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from game.cli.replay import run_replay_check
from game.compiler.bundled import bundled_stories
from game.compiler.loader import load_story
from game.saves.files import read_save
from game.tools.playtest import random_runs

CAMPAIGNS = ["grand_illusion", "captured"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=CAMPAIGNS)
def campaign(request):
    return load_story(bundled_stories()[request.param])


def words(story) -> int:
    total = 0
    for scene in story.scenes.values():
        total += len(scene.text.source.split())
        total += sum(len(c.outcome.source.split()) for c in scene.all_choices if c.outcome)
    return total


def test_size_and_endings(campaign):
    assert len(campaign.scenes) >= 40
    assert words(campaign) >= 15_000
    assert len(campaign.endings) >= 6
    assert [e.id for e in campaign.endings.values() if e.canon], "the film's own ending is marked canon"
    ending_scenes = {s.ending for s in campaign.scenes.values() if s.ending}
    assert ending_scenes == set(campaign.endings)


def test_choices_matter(campaign):
    choices = [c for s in campaign.scenes.values() for c in s.all_choices]
    stateful = [c for c in choices if c.condition is not None or c.effects or any(b.condition for b in c.goto)]
    assert len(stateful) >= len(choices) / 4
    playable = [s for s in campaign.scenes.values() if not s.ending]
    with_options = [s for s in playable if len(s.choices) >= 2]
    assert len(with_options) >= 0.75 * len(playable)
    visible = [v for v in campaign.variables.values() if v.show in ("stat", "companion")]
    assert len(visible) >= 3


def test_random_runs_reach_every_scene_and_ending_without_soft_locks(campaign):
    coverage = random_runs(campaign, range(1500))
    assert [p.as_dict() for p in coverage.problems] == []
    assert sorted(s for s in campaign.scenes if not coverage.scenes[s]) == []
    assert sorted(e for e in campaign.endings if not coverage.endings[e]) == []


def test_a_walkthrough_per_ending_replays(campaign, capsys):
    folder = bundled_stories()[campaign.id] / "walkthroughs"
    files = sorted(folder.glob("*.json"))
    reached = {}
    for path in files:
        assert run_replay_check(path) == 0, capsys.readouterr().out
        out = capsys.readouterr().out
        ending = re.search(r"ending '(\w+)'", out).group(1)
        reached[ending] = path
        assert read_save(path)["story"] == campaign.id
    assert set(reached) == set(campaign.endings)


def seed_texts() -> list[str]:
    """The films' plot summaries: $ESCAPE_SEEDS, or shared/seeds beside this checkout (the team's layout)."""
    folder = Path(os.environ.get("ESCAPE_SEEDS") or ROOT.parent / "shared" / "seeds")
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("0*.txt"))] if folder.is_dir() else []


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    tokens = re.findall(r"[a-zà-ÿ']+", text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@pytest.mark.skipif(
    not seed_texts(), reason="needs the plot summaries: set ESCAPE_SEEDS or put shared/seeds beside the checkout"
)
def test_no_sentence_is_copied_from_the_plot_summaries(campaign):
    source = set().union(*(shingles(t) for t in seed_texts()))
    prose = " ".join(
        s.text.source + " " + " ".join(c.outcome.source for c in s.all_choices if c.outcome)
        for s in campaign.scenes.values()
    )
    assert shingles(prose) & source == set()

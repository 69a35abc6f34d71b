"""The Italian edition: both stories translated whole, every walkthrough played in Italian through plain
mode, golden transcripts, and a scan of every transcript for English left behind (story text or interface).

UPDATE_GOLDEN=1 rewrites tests/golden/*_it_transcript.txt; read the diff before committing."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

from game import i18n
from game.cli.plain import run_plain
from game.compiler.checker import Checker
from game.compiler.loader import check_story, load_story
from game.compiler.translation import check_all
from game.engine.game import Game

ROOT = Path(__file__).resolve().parent.parent
STORIES = ("captured", "grand_illusion")
GOLDEN = ROOT / "tests" / "golden"
CANON = {"captured": "captured--the_gate_held.json", "grand_illusion": "grand_illusion--switzerland.json"}

# English words that never stand in Italian prose; a line of an Italian transcript holding one is English
# left behind (apart from the names below, which the translation keeps in English on purpose).
ENGLISH = re.compile(r"\b(the|you|your|and|with|which|there|would|could|should|what|when|into)\b", re.I)
KEPT_IN_ENGLISH = (
    "Mademoiselle from Armentières",
    "Roses of Picardy",
    "Rifle Brigade",
    "Navy Cut",
    "Queen's Own",
    "Non parlay",
)


def walkthroughs(story: str) -> list[Path]:
    return sorted((ROOT / "scenes" / story / "walkthroughs").glob("*.json"))


def inputs_for(story: str, walkthrough: Path) -> tuple[int, str]:
    """The seed and the plain-mode lines (numbers among the open choices) that play a walkthrough."""
    state = json.loads(walkthrough.read_text())["state"]
    game = Game(load_story(ROOT / "scenes" / story))
    game.start(state["seed"])
    lines = []
    for key in state["log"]:
        choice = key.rpartition(".")[2]
        enabled = [offer.id for offer in game.choices() if offer.enabled]
        lines.append(str(enabled.index(choice) + 1))
        game.choose(choice)
    return state["seed"], "\n".join(lines) + "\n"


def italian_transcript(story: str, walkthrough: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    seed, typed = inputs_for(story, walkthrough)
    i18n.use("it")
    out = io.StringIO()
    assert run_plain(story, seed=seed, saves=None, out=out, inp=io.StringIO(typed)) == 0
    return out.getvalue()


@pytest.mark.parametrize("story", STORIES)
def test_every_text_of_the_story_is_translated_and_checks_clean(story):
    folder = ROOT / "scenes" / story
    source, diagnostics = check_story(folder)
    assert source is not None and diagnostics == []
    checker = Checker()
    (translator,) = list(check_all(source, folder, checker))
    assert translator.overlay.language == "it" and checker.diagnostics == []
    assert translator.counts == {"done": translator.counts["done"], "stale": 0, "missing": 0}


@pytest.mark.parametrize("story", STORIES)
def test_the_italian_title_and_the_canon_ending(story):
    italian = load_story(ROOT / "scenes" / story, lang="it")
    assert italian.title == {"captured": "Prigionieri!", "grand_illusion": "La grande illusione"}[story]
    assert italian.language == "it"
    canon = next(e for e in italian.endings.values() if e.canon)
    english = load_story(ROOT / "scenes" / story).endings[canon.id]
    assert canon.title != english.title


@pytest.mark.parametrize("story", STORIES)
def test_golden_italian_transcript(story, monkeypatch):
    transcript = italian_transcript(story, ROOT / "scenes" / story / "walkthroughs" / CANON[story], monkeypatch)
    golden = GOLDEN / f"{story}_it_transcript.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(transcript, encoding="utf-8")
    assert transcript == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("story", "walkthrough"),
    [(story, path.name) for story in STORIES for path in walkthroughs(story)],
)
def test_every_walkthrough_plays_to_its_ending_in_italian_with_no_english_left(story, walkthrough, monkeypatch):
    path = ROOT / "scenes" / story / "walkthroughs" / walkthrough
    transcript = italian_transcript(story, path, monkeypatch)
    ending = json.loads(path.read_text())["state"]["ending"]
    title = load_story(ROOT / "scenes" / story, lang="it").endings[ending].title
    assert title.upper() in transcript or title in transcript
    english = []
    for line in transcript.splitlines():
        kept = line
        for name in KEPT_IN_ENGLISH:
            kept = kept.replace(name, "")
        if ENGLISH.search(kept):
            english.append(line)
    assert english == []

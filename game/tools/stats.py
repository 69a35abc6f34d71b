"""Story statistics for authors (like `inklecate -s` or `tweego --log-stats`): words per scene, chapter
and story, choices and branching, reading time, and the words a typical run reads.

How words are counted: a word is a run of characters between spaces that holds at least one letter or
digit (so a lone dash is not a word, "don't" and "well-known" are one). The prose a player can read is
counted: scene text (and `revisit_text`, where the story has it), choice texts, disabled texts, outcomes
and the titles of endings (scene titles, the blurb and item names are not). In the story as written,
every branch of a `{% if %}` passage counts, and each `{{ }}` counts the words of the literal texts it
can show (every branch of `'a' if c else 'b'`, one form of `plural(n, 'day', 'days')`, but not the
`'rope'` of `has('rope')` or the texts in a comparison) or, when it shows no literal text (a number, a
variable), one word.

A typical run is a seeded random run that picks uniformly among the open choices: seeds 0..N-1 make
the same runs as `escape playtest --uniform`. Its words are the prose rendered for that run: each
scene's text as entered, the texts (and reasons) of the choices offered, the outcomes, and the ending's
title. The scene text it reads on return visits to a scene is also counted apart, by scene: the prose a
player reads again, unless the scene has a `revisit_text` or changes with `visits`.

No I/O here: `story_stats` returns a `StoryStats`; `game.cli.stats` prints it.
"""

from __future__ import annotations

import ast
import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

from game.engine.game import Game
from game.errors import EngineError
from game.model import Scene, Story, Template
from game.tools.design import Design, design

WORDS_PER_MINUTE = 230
DEFAULT_RUNS = 200
MAX_STEPS = 1000  # a run with no ending after this many choices stops (as in playtest)
KINDS = ("text", "choices", "disabled", "outcomes", "ending")  # what a scene's words are made of
STATS_FORMAT = 1  # the version of the JSON object `StoryStats.as_dict` returns

_TAG = re.compile(r"\{%(?:(?!%\}).)*%\}")
_INTERPOLATION = re.compile(r"\{\{((?:(?!\}\}).)*)\}\}")
_COUNTERS = frozenset({"has", "visited", "chosen"})  # helpers whose text arguments are names, not prose


def count_words(text: str) -> int:
    """Words in rendered text: space-separated runs that hold a letter or a digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _shown_texts(node: ast.AST) -> list[str]:
    """The literal texts an expression can show: every branch of a conditional, never a test."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.IfExp):
        return _shown_texts(node.body) + _shown_texts(node.orelse)
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        return []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in _COUNTERS:
            return []
        if node.func.id == "plural":  # one form of the word is shown: count the singular
            return _shown_texts(node.args[1]) if len(node.args) > 1 else []
    return [text for child in ast.iter_child_nodes(node) for text in _shown_texts(child)]


def expression_words(source: str) -> int:
    """The words of a `{{ }}` as written: its literal texts, or one word for a value."""
    source = source.strip()
    for attempt in (source, f"{source} else ''"):  # `{{ 'x' if c }}` has an implied `else ''`
        try:
            tree = ast.parse(attempt, mode="eval")
        except (SyntaxError, ValueError):
            continue
        texts = _shown_texts(tree.body)
        return sum(count_words(text) for text in texts) if texts else 1
    return 1


def template_words(source: str) -> int:
    """The words of story text as written: every `{% if %}` branch, and each `{{ }}` as `expression_words`."""
    text = _TAG.sub(" ", source)
    inserted = sum(expression_words(match.group(1)) for match in _INTERPOLATION.finditer(text))
    return inserted + count_words(_INTERPOLATION.sub("", text))


def _words(template: Template | str | None) -> int:
    if template is None:
        return 0
    return template_words(template if isinstance(template, str) else template.source)


@dataclass(frozen=True)
class SceneStats:
    """One scene: its words by kind (KINDS) and its choices."""

    id: str
    title: str
    chapter: str
    choices: int
    is_ending: bool
    words_by_kind: dict[str, int]

    @property
    def words(self) -> int:
        return sum(self.words_by_kind.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "chapter": self.chapter,
            "choices": self.choices,
            "ending": self.is_ending,
            "words": self.words,
            "words_by_kind": dict(self.words_by_kind),
        }


def scene_stats(story: Story, scene: Scene) -> SceneStats:
    """The words and choices of one scene, as written."""
    choices = scene.all_choices
    ending = story.endings[scene.ending].title if scene.ending else None
    words = {
        "text": _words(scene.text) + _words(getattr(scene, "revisit_text", None)),
        "choices": sum(_words(c.text) for c in choices),
        "disabled": sum(_words(c.disabled_text) for c in choices),
        "outcomes": sum(_words(c.outcome) for c in choices),
        "ending": _words(ending),
    }
    return SceneStats(scene.id, scene.title, scene.chapter, len(choices), scene.ending is not None, words)


@dataclass(frozen=True)
class ChapterStats:
    name: str  # "" for scenes with no chapter
    scenes: int
    words: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "scenes": self.scenes, "words": self.words}


@dataclass(frozen=True)
class Spread:
    """Nearest-rank percentiles of a list of whole numbers."""

    median: int
    p10: int
    p90: int

    @classmethod
    def of(cls, values: list[int]) -> Spread:
        ordered = sorted(values)

        def rank(share: float) -> int:
            return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

        return cls(rank(0.5), rank(0.1), rank(0.9))

    def as_dict(self) -> dict[str, int]:
        return {"median": self.median, "p10": self.p10, "p90": self.p90}


@dataclass(frozen=True)
class RunStats:
    """What seeded uniform random runs read and chose."""

    runs: int
    ended: int  # runs that reached an ending (the others soft-locked, failed or ran past MAX_STEPS)
    words: Spread
    choices: Spread
    scenes: Spread  # different scenes seen
    revisit_words: Spread  # words of scene text read on return visits to a scene
    revisit_scenes: tuple[tuple[str, float], ...]  # (scene, those words in an average run), most first

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "seeds": [0, self.runs - 1],
            "ended": self.ended,
            "words": self.words.as_dict(),
            "choices": self.choices.as_dict(),
            "scenes": self.scenes.as_dict(),
            "revisit_words": self.revisit_words.as_dict(),
            "revisit_scenes": [{"id": scene, "words_per_run": words} for scene, words in self.revisit_scenes],
            "reading_minutes": minutes(self.words.median),
        }


@dataclass(frozen=True)
class Run:
    """One random run: the words it read, the choices it made, the scenes it saw, whether it ended, and
    the words of scene text it read on return visits, by scene."""

    words: int
    choices: int
    scenes: int
    ended: bool
    revisits: dict[str, int] = field(default_factory=dict)


def read_in_run(game: Game, seed: int, max_steps: int = MAX_STEPS) -> Run:
    """What the uniform random run with this seed read."""
    picker = random.Random(seed ^ 0x5EED)  # the picker of `escape playtest --uniform`
    read = count_words(game.start(seed))
    revisits: dict[str, int] = {}
    try:
        while not game.is_over and game.run.turn < max_steps:
            offers = game.choices()
            read += sum(count_words(o.text) + count_words(o.reason) for o in offers)
            enabled = [o.id for o in offers if o.enabled]
            if not enabled:
                break
            step = game.choose(picker.choice(enabled))
            text = count_words(step.text)  # no text: the choice kept the player in the scene
            read += count_words(step.outcome) + text
            if text and game.run.visits.get(step.scene, 0) > 1:
                revisits[step.scene] = revisits.get(step.scene, 0) + text
    except EngineError:  # a story that validates never gets here; the run simply stops
        pass
    ending = game.ending
    if ending is not None:
        read += count_words(ending.title)
    return Run(read, game.run.turn, len(game.run.visits), ending is not None, revisits)


def simulate(story: Story, runs: int = DEFAULT_RUNS) -> RunStats:
    """Seeds 0..runs-1, each a uniform random run from the start."""
    game = Game(story)
    results = [read_in_run(game, seed) for seed in range(runs)]
    return RunStats(
        runs,
        sum(1 for r in results if r.ended),
        Spread.of([r.words for r in results]),
        Spread.of([r.choices for r in results]),
        Spread.of([r.scenes for r in results]),
        Spread.of([sum(r.revisits.values()) for r in results]),
        _most_revisited(results),
    )


def _most_revisited(results: list[Run]) -> tuple[tuple[str, float], ...]:
    """Each scene returned to, with the words of its text read on returns in an average run, most first."""
    totals: dict[str, int] = {}
    for run in results:
        for scene, words in run.revisits.items():
            totals[scene] = totals.get(scene, 0) + words
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return tuple((scene, round(words / len(results), 1)) for scene, words in ranked)


def minutes(words: int) -> float:
    """Reading time in minutes at WORDS_PER_MINUTE, to a tenth."""
    return round(words / WORDS_PER_MINUTE, 1)


@dataclass(frozen=True)
class StoryStats:
    """A story's statistics; `as_dict` is the documented JSON form."""

    id: str
    title: str
    endings: int
    scenes: tuple[SceneStats, ...]  # in story order
    gated: int  # choices with an `if`
    once: int  # once-only choices
    runs: RunStats | None
    design: Design | None = None  # choices with consequences, cosmetic scenes, meters (tools.design)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.scenes)

    @property
    def choices(self) -> int:
        return sum(s.choices for s in self.scenes)

    def words_by_kind(self) -> dict[str, int]:
        return {kind: sum(s.words_by_kind[kind] for s in self.scenes) for kind in KINDS}

    def chapters(self) -> list[ChapterStats]:
        """Chapters in the order their first scene comes in the story."""
        scenes: dict[str, int] = {}
        words: dict[str, int] = {}
        for scene in self.scenes:
            scenes[scene.chapter] = scenes.get(scene.chapter, 0) + 1
            words[scene.chapter] = words.get(scene.chapter, 0) + scene.words
        return [ChapterStats(name, scenes[name], words[name]) for name in scenes]

    def branching(self) -> tuple[float, SceneStats | None]:
        """The average number of choices of a scene that is not an ending, and the scene with the most."""
        offering = [s for s in self.scenes if not s.is_ending]
        if not offering:
            return 0.0, None
        widest = max(offering, key=lambda s: s.choices)
        return sum(s.choices for s in offering) / len(offering), widest

    def top(self, count: int) -> list[SceneStats]:
        """The scenes with the most words (all of them for a count of 0 or less)."""
        ordered = sorted(self.scenes, key=lambda s: -s.words)
        return ordered if count <= 0 else ordered[:count]

    def as_dict(self) -> dict[str, Any]:
        average, widest = self.branching()
        return {
            "format": STATS_FORMAT,
            "story": self.id,
            "title": self.title,
            "words_per_minute": WORDS_PER_MINUTE,
            "totals": {
                "scenes": len(self.scenes),
                "chapters": len(self.chapters()),
                "choices": self.choices,
                "endings": self.endings,
                "words": self.words,
                "reading_minutes": minutes(self.words),
            },
            "words_by_kind": self.words_by_kind(),
            "branching": {
                "average": round(average, 2),
                "max": widest.choices if widest else 0,
                "max_scene": widest.id if widest else None,
                "gated": self.gated,
                "gated_share": round(self.gated / self.choices, 3) if self.choices else 0.0,
                "once": self.once,
            },
            "chapters": [c.as_dict() for c in self.chapters()],
            "scenes": [s.as_dict() for s in self.scenes],
            "runs": self.runs.as_dict() if self.runs else None,
            "design": self.design.as_dict() if self.design else None,
        }


def story_stats(story: Story, runs: int = DEFAULT_RUNS) -> StoryStats:
    """The statistics of a loaded story, with `runs` random runs (none for 0)."""
    choices = [c for scene in story.scenes.values() for c in scene.all_choices]
    return StoryStats(
        story.id,
        story.title,
        len(story.endings),
        tuple(scene_stats(story, scene) for scene in story.scenes.values()),
        sum(1 for c in choices if c.condition is not None),
        sum(1 for c in choices if c.once),
        simulate(story, runs) if runs > 0 else None,
        design(story),
    )

"""Automated playtesting: seeded random runs (ChoiceScript's randomtest); the exhaustive search is in `search`.

No I/O here: functions return reports; `game.cli.playtest` prints them and writes files.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from game.engine.game import Game
from game.errors import EngineError
from game.i18n import _, ngettext
from game.model import Story
from game.tools.design import futures, route_of, routes
from game.tools.policies import LeastUsed, Policy, Uniform, policy_named

MAX_STEPS = 1000


@dataclass
class Problem:
    """A run that hit an error or a soft-lock: enough to replay it. `message` is in English, as the JSON
    report has it; `text()` is the message in the interface's language."""

    kind: str  # "error" | "soft-lock" | "too-long"
    seed: int
    path: list[tuple[str, str]]
    scene: str
    message: str
    policy: str = ""  # the player model of the run
    limit: int = 0  # "too-long": the choices a run may make

    def text(self) -> str:
        """What went wrong, as a person reads it in the report."""
        if self.kind == "soft-lock":
            return _("no choice is open in scene '{scene}'").format(scene=self.scene)
        if self.kind == "too-long" and self.limit:
            return ngettext("no ending after {count} choices", "no ending after {count} choices", self.limit).format(
                count=self.limit
            )
        return self.message  # an error: the engine's own words

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "seed": self.seed,
            "policy": self.policy,
            "scene": self.scene,
            "message": self.message,
            "path": [list(p) for p in self.path],
        }


@dataclass
class Coverage:
    runs: int = 0
    steps: int = 0
    scenes: Counter = field(default_factory=Counter)
    choices: Counter = field(default_factory=Counter)  # by "scene.choice"
    moves: Counter = field(default_factory=Counter)  # by "scene.choice>destination"
    endings: Counter = field(default_factory=Counter)
    reached: Counter = field(default_factory=Counter)  # runs that reached each scene at least once
    routes: Counter = field(default_factory=Counter)  # route -> runs that took it (see tools.design)
    open_endings: dict[str, frozenset[str]] = field(default_factory=dict)  # tools.design.futures, once
    problems: list[Problem] = field(default_factory=list)
    shortest: dict[str, tuple[int, list[tuple[str, str]]]] = field(default_factory=dict)  # ending -> (seed, path)

    def note_ending(self, ending: str, seed: int, path: list[tuple[str, str]]) -> None:
        best = self.shortest.get(ending)
        if best is None or (len(path), seed) < (len(best[1]), best[0]):
            self.shortest[ending] = (seed, path)

    def merge(self, other: Coverage) -> None:
        self.runs += other.runs
        self.steps += other.steps
        self.scenes.update(other.scenes)
        self.choices.update(other.choices)
        self.moves.update(other.moves)
        self.endings.update(other.endings)
        self.reached.update(other.reached)
        self.routes.update(other.routes)
        self.problems.extend(other.problems)
        for ending, (seed, path) in other.shortest.items():
            self.note_ending(ending, seed, path)

    def report(self, story: Story) -> dict[str, Any]:
        return {
            "story": story.id,
            "runs": self.runs,
            "steps": self.steps,
            "scenes": {s: self.scenes.get(s, 0) for s in story.scenes},
            "choices": {c: self.choices.get(c, 0) for c in story.choice_index},
            "moves": dict(self.moves),
            "endings": {e: self.endings.get(e, 0) for e in story.endings},
            "reached": {s: self.reached.get(s, 0) for s in story.scenes},
            "routes": len(routes(self.routes)),
            "scenes_missed": [s for s in story.scenes if not self.scenes.get(s)],
            "choices_missed": [c for c in story.choice_index if not self.choices.get(c)],
            "endings_missed": [e for e in story.endings if not self.endings.get(e)],
            "problems": [p.as_dict() for p in self.problems],
            "shortest": {
                e: {"seed": seed, "path": [list(p) for p in path]} for e, (seed, path) in self.shortest.items()
            },
        }

    def summary(self, story: Story) -> dict[str, Any]:
        """The short report of one policy's runs: endings, problems and what was missed."""
        return {
            "runs": self.runs,
            "steps": self.steps,
            "endings": {e: self.endings.get(e, 0) for e in story.endings},
            "problems": len(self.problems),
            "problem_kinds": dict(Counter(p.kind for p in self.problems)),
            "scenes_missed": [s for s in story.scenes if not self.scenes.get(s)],
            "choices_missed": [c for c in story.choice_index if not self.choices.get(c)],
            "endings_missed": [e for e in story.endings if not self.endings.get(e)],
        }


def random_run(
    story: Story,
    seed: int,
    coverage: Coverage,
    least_used: bool = True,
    max_steps: int = MAX_STEPS,
    game: Game | None = None,
    policy: Policy | None = None,
) -> None:
    """One seeded run from the start; counts what it reaches into `coverage`. `policy` picks the choices
    (default: least-used, or uniform when `least_used` is false), from a generator seeded by `seed`."""
    game = game or Game(story)
    policy = policy or (LeastUsed() if least_used else Uniform())
    picker = random.Random(seed ^ 0x5EED)
    try:
        game.start(seed)
        entered = [game.run.scene]  # the scenes in the order the run entered them
        coverage.scenes[game.run.scene] += 1
        while not game.is_over:
            if game.run.turn >= max_steps:
                coverage.problems.append(
                    Problem(
                        "too-long",
                        seed,
                        list(game.run.log),
                        game.run.scene,
                        f"no ending after {max_steps} choices",
                        policy.name,
                        max_steps,
                    )
                )
                break
            enabled = [o.id for o in game.choices() if o.enabled]
            if not enabled:
                coverage.problems.append(
                    Problem(
                        "soft-lock",
                        seed,
                        list(game.run.log),
                        game.run.scene,
                        f"no choice is open in scene '{game.run.scene}'",
                        policy.name,
                    )
                )
                break
            choice = policy.pick(game, enabled, coverage, picker)
            key = f"{game.run.scene}.{choice}"
            coverage.choices[key] += 1
            game.choose(choice)
            coverage.moves[f"{key}>{game.run.scene}"] += 1
            coverage.steps += 1
            coverage.scenes[game.run.scene] += 1
            if entered[-1] != game.run.scene:
                entered.append(game.run.scene)
        coverage.reached.update(set(entered))
        ending = game.run.ending
        if ending is not None:
            coverage.endings[ending] += 1
            if not coverage.open_endings:
                coverage.open_endings = futures(story)
            coverage.routes[route_of(entered, coverage.open_endings)] += 1
            coverage.note_ending(ending, seed, list(game.run.log))
    except EngineError as err:
        path = list(game.run.log) if game.state else []
        scene = game.run.scene if game.state else ""
        coverage.problems.append(Problem("error", seed, path, scene, str(err), policy.name))
    coverage.runs += 1


def random_runs(
    story: Story,
    seeds: range,
    least_used: bool = True,
    progress=None,  # noqa: ANN001
    policy: Policy | str | None = None,
    game: Game | None = None,
) -> Coverage:
    """A run per seed, in order, all played by `policy` (a `Policy` or its name; see `random_run`) and
    counted into one `Coverage`: least-used and greedy read what the earlier runs reached. `game`: the
    Game to play them in (a tool that watches the runs passes its own)."""
    coverage = Coverage()
    game = game or Game(story)
    chosen = policy_named(policy) if isinstance(policy, str) else policy
    for i, seed in enumerate(seeds):
        random_run(story, seed, coverage, least_used, game=game, policy=chosen)
        if progress is not None:
            progress(i + 1)
    return coverage

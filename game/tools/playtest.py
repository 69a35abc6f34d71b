"""Automated playtesting: seeded random runs (ChoiceScript's randomtest) and exhaustive exploration.

No I/O here: functions return reports; `game.cli.playtest` prints them and writes files.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from game.compiler.analysis import closure
from game.engine.game import Game
from game.errors import EngineError
from game.model import TURN_READ, VISITS_READ, Expr, Story, Template
from game.tools.policies import LeastUsed, Policy, Uniform, policy_named

MAX_STEPS = 1000


@dataclass
class Problem:
    """A run that hit an error or a soft-lock: enough to replay it."""

    kind: str  # "error" | "soft-lock" | "too-long"
    seed: int
    path: list[tuple[str, str]]
    scene: str
    message: str
    policy: str = ""  # the player model of the run

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
        ending = game.run.ending
        if ending is not None:
            coverage.endings[ending] += 1
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
) -> Coverage:
    """A run per seed, in order, all played by `policy` (a `Policy` or its name; see `random_run`) and
    counted into one `Coverage`: least-used and greedy read what the earlier runs reached."""
    coverage = Coverage()
    game = Game(story)
    chosen = policy_named(policy) if isinstance(policy, str) else policy
    for i, seed in enumerate(seeds):
        random_run(story, seed, coverage, least_used, game=game, policy=chosen)
        if progress is not None:
            progress(i + 1)
    return coverage


@dataclass
class Exploration:
    states: int = 0
    capped: bool = False
    shortest: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # ending id -> choices
    soft_locks: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (scene, path)
    traps: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # loops with no way to an ending
    scenes: set[str] = field(default_factory=set)


COUNT_LIMIT = 3  # visit and choice counts are told apart up to this many
TURN_LIMIT = 100


@dataclass(frozen=True)
class Observed:
    """What of the counters the story can see: states that differ only elsewhere are the same state."""

    scenes: tuple[str, ...]  # scenes whose visit counts an expression reads (all, if `visits` is used)
    choices: tuple[str, ...]  # choices whose counts an expression reads
    once: tuple[str, ...]  # once-only choices (taken or not)
    turn: bool


def observed(story: Story) -> Observed:
    refs: set[tuple[str, str]] = set()
    reads: set[str] = set()
    once = []
    for scene in story.scenes.values():
        compiled: list[Template | Expr | None] = [scene.text, *(e.value for e in scene.on_enter if e.value)]
        for choice in scene.all_choices:
            compiled += [choice.text, choice.condition, choice.disabled_text, choice.outcome]
            compiled += [e.value for e in choice.effects if e.value]
            compiled += [b.condition for b in choice.goto]
            if choice.once:
                once.append(choice.key)
        for item in compiled:
            if item is not None:
                refs |= {(r.kind, r.name) for r in item.refs}
                reads |= item.reads
    scenes = tuple(story.scenes) if VISITS_READ in reads else tuple(sorted(n for k, n in refs if k == "scene"))
    choices = tuple(sorted(n for k, n in refs if k == "choice"))
    return Observed(scenes, choices, tuple(once), TURN_READ in reads)


def _key(game: Game, seen_by: Observed) -> tuple:
    run = game.run
    visits, chosen = run.visits, run.chosen
    return (
        run.scene,
        tuple(sorted(run.variables.items())),
        frozenset(run.items),
        tuple(min(visits.get(s, 0), COUNT_LIMIT) for s in seen_by.scenes),
        tuple(min(chosen.get(c, 0), COUNT_LIMIT) for c in seen_by.choices),
        tuple(c in chosen for c in seen_by.once),
        min(run.turn, TURN_LIMIT) if seen_by.turn else 0,
    )


def explore(story: Story, cap: int = 200_000) -> Exploration:
    """Breadth-first search over every reachable (scene, state) pair, up to `cap` states. Counters the
    story never reads are ignored, and those it reads are told apart up to COUNT_LIMIT (turns: TURN_LIMIT).

    Random targets branch on every outcome, so what is found is what some luck can reach; `find_seed`
    then finds a seed whose draws follow a given path. When the search finishes under the cap, states
    from which no ending can be reached (a loop with no way out) are reported as traps."""
    result = Exploration()
    seen_by = observed(story)
    game = Game(story)
    game.start(0)
    index = {_key(game, seen_by): 0}
    edges: list[list[int]] = [[]]
    parents: list[tuple[int, tuple[str, str]] | None] = [None]  # how each state was first reached
    places: list[str] = [game.run.scene]
    ended: list[bool] = [False]
    queue: deque[tuple[int, Any]] = deque([(0, game.checkpoint())])
    while queue:
        number, state = queue.popleft()
        game.rewind(state)
        result.scenes.add(game.run.scene)
        if game.run.ending is not None:
            ended[number] = True
            result.shortest.setdefault(game.run.ending, list(game.run.log))
            continue
        enabled = [o.id for o in game.choices() if o.enabled]
        if not enabled:
            result.soft_locks.append((game.run.scene, list(game.run.log)))
            continue
        for choice_id in enabled:
            choice = story.choice_index[f"{game.run.scene}.{choice_id}"]
            step = game.choose(choice_id)
            outcomes: Sequence[str | None] = [None]
            if step.drawn:  # every outcome of the draw, not just this seed's
                outcomes = [
                    b.target.scenes for b in choice.goto if b.target.is_random and step.scene in b.target.scenes
                ][0]
                game.undo()
            for outcome in outcomes:
                if outcome is not None:
                    game.choose(choice_id, destination=outcome)
                key = _key(game, seen_by)
                target = index.get(key)
                if target is None:
                    if len(index) >= cap:
                        result.capped = True
                    else:
                        target = index[key] = len(edges)
                        edges.append([])
                        parents.append((number, game.run.log[-1]))
                        places.append(game.run.scene)
                        ended.append(False)
                        queue.append((target, game.checkpoint()))
                if target is not None:
                    edges[number].append(target)
                game.undo()
    result.states = len(index)
    if not result.capped:
        result.traps = _traps(edges, ended, parents, places, {scene for scene, _ in result.soft_locks})
    return result


def _path(parents: list, number: int) -> list[tuple[str, str]]:
    steps = []
    while parents[number] is not None:
        number, step = parents[number]
        steps.append(step)
    return steps[::-1]


def _traps(edges: list[list[int]], ended: list[bool], parents: list, places: list[str], locked: set[str]) -> list:
    """One (scene, path) for each scene where a run can be caught in a loop that never reaches an ending."""
    incoming: list[list[int]] = [[] for _ in edges]
    for source, targets in enumerate(edges):
        for target in targets:
            incoming[target].append(source)
    can_end = closure((i for i, done in enumerate(ended) if done), incoming.__getitem__)
    traps: dict[str, list] = {}
    for i in range(len(edges)):
        if (
            i not in can_end and edges[i] and places[i] not in locked
        ):  # no choices at all is a soft-lock, reported already
            if places[i] not in traps:
                traps[places[i]] = _path(parents, i)
    return sorted(traps.items(), key=lambda item: len(item[1]))


def find_seed(story: Story, path: list[tuple[str, str]], ending: str, tries: int = 20_000) -> int | None:
    """The first seed under which `path` replays to `ending` (its random draws falling the same way)."""
    from game.engine.replay import replay

    for seed in range(tries):
        game, divergence = replay(story, seed, path)
        if divergence is None and game.run.ending == ending:
            return seed
    return None

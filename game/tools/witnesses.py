"""Real runs that confirm what the exhaustive search found: a real path to each scene, ending,
soft-lock and trap (the search's own path when it replays, else real runs through its states, else a
guided search over real runs), and whether an ending can still be reached from a real run."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from game.engine.game import Game
from game.engine.state import RunState
from game.errors import EngineError
from game.model import Story
from game.tools.abstraction import Abstraction
from game.tools.loops import moves_from
from game.tools.states import Finding, StateGraph, Step

WITNESS_CAP = 100_000  # real runs a search for a real path to a finding may keep
WEIGHT = 2  # how far `witness` trusts the graph's distances: a path at most twice the shortest, found fast
RUNS_PER_STATE = 8  # real runs `Runs` keeps in each search state
HOPE_CAP = 5_000  # real runs a search for an ending from a loop's way out may try
HOPE_BUDGET = 2_000_000  # ... and all those searches together


def witness(story: Story, graph: StateGraph, targets: set[int], goal: Callable[[Game], bool]) -> list[Step] | None:
    """A real path from the start to a run where `goal` holds, in one of the search states `targets`;
    None when there is none within `WITNESS_CAP` runs (see `_guided`)."""
    game = Game(story)
    game.start(0)
    return _guided(story, graph, game.checkpoint(), targets, goal, WITNESS_CAP)[0]


def _distances(graph: StateGraph, targets: set[int]) -> dict[int, int]:
    """How many moves of the search's graph each state is from the nearest of `targets` (states that
    cannot reach one are left out)."""
    before: list[set[int]] = [set() for _ in graph.edges]
    for source, nexts in enumerate(graph.edges):
        for target in nexts:
            before[target].add(source)
    distance = dict.fromkeys(targets, 0)
    queue = deque(targets)
    while queue:
        number = queue.popleft()
        for source in before[number]:
            if source not in distance:
                distance[source] = distance[number] + 1
                queue.append(source)
    return distance


def _guided(
    story: Story,
    graph: StateGraph,
    start: RunState,
    targets: set[int],
    goal: Callable[[Game], bool],
    cap: int,
    distance: dict[int, int] | None = None,
    hopeful: set[tuple[object, ...]] | None = None,
) -> tuple[list[Step] | None, bool, int]:
    """A real path from `start` to a run where `goal` holds, in one of the states `targets`, and whether
    every run from `start` that could lead there was tried (so that None proves there is none). A
    weighted A* search over real runs, guided by each run's distance to the targets in the search's
    graph (never more than its real distance: every real move is a move of the graph): the path found is
    at most `WEIGHT` times a shortest, and runs whose state cannot lead to a target are never tried.
    The third value is how many runs were tried. `hopeful`: runs (by `exactly`) known to lead to a
    target; reaching one is as good as the target, and the runs of a path found are added to it."""
    distance = _distances(graph, targets) if distance is None else distance
    shape = graph.shape
    first = distance.get(graph.index.get(shape.control(start), -1))
    if first is None:
        return None, True, 0
    game = Game(story)
    runs: list[tuple[RunState, int, Step]] = [(start, -1, ("", "", None))]  # run, parent, step
    seen = {exactly(shape, start)}
    heap = [(WEIGHT * first, 0, 0)]  # estimate, length, run
    while heap:
        if len(runs) > cap:
            return None, False, len(runs)
        _, length, at = heapq.heappop(heap)
        state = runs[at][0]
        game.rewind(state, render=False)
        arrived = hopeful is not None and exactly(shape, state) in hopeful
        if arrived or (graph.index.get(shape.control(state)) in targets and goal(game)):
            if hopeful is not None:
                hopeful.update(exactly(shape, run) for run in _along(runs, at))
            return _path(runs, at), True, len(runs)
        for step, after in moves_from(game, state):
            left = distance.get(graph.index.get(shape.control(after), -1))
            key = exactly(shape, after)
            if left is None or key in seen:
                continue
            seen.add(key)
            runs.append((after, at, step))
            heapq.heappush(heap, (length + 1 + WEIGHT * left, length + 1, len(runs) - 1))
    return None, True, len(runs)


def _along(runs: list[tuple[RunState, int, Step]], at: int) -> Iterator[RunState]:
    """The runs from the start to run `at`, following each run's parent (the start has none)."""
    while at >= 0:
        yield runs[at][0]
        at = runs[at][1]


def _path(runs: list[tuple[RunState, int, Step]], at: int) -> list[Step]:
    """The steps from the start to run `at`."""
    steps = []
    while at > 0:
        steps.append(runs[at][2])
        at = runs[at][1]
    return steps[::-1]


class Hope:
    """Whether some ending can still be reached from a real run: a guided search toward the endings,
    remembered per run. `unsure` becomes true when a search had to stop before it could tell."""

    def __init__(self, story: Story, graph: StateGraph):
        self.story, self.graph = story, graph
        self.ends = {number for number, base in enumerate(graph.bases) if base.ending is not None}
        self.distance = _distances(graph, self.ends)
        self.known: dict[tuple[object, ...], bool] = {}
        self.hopeful: set[tuple[object, ...]] = set()
        self.unsure = False
        self.budget = HOPE_BUDGET

    def __call__(self, run: RunState) -> bool:
        key = exactly(self.graph.shape, run)
        known = True if key in self.hopeful else self.known.get(key)
        if known is None:
            cap = min(HOPE_CAP, self.budget)
            path, complete, tried = _guided(
                self.story, self.graph, run, self.ends, _any, cap, self.distance, self.hopeful
            )
            self.budget -= tried
            known = self.known[key] = path is not None or not complete
            self.unsure = self.unsure or (path is None and not complete)
        return known


def _any(game: Game) -> bool:
    return True


def exactly(shape: Abstraction, state: RunState) -> tuple[object, ...]:
    """Everything about a run that its future can depend on: its search state's key and the values of
    the abstracted numbers later moves read."""
    live = shape.live.get(state.scene, frozenset())
    return (shape.control(state), tuple(state.variables[name] for name in shape.regions if name in live))


def stuck(game: Game) -> bool:
    return not game.is_over and not any(offer.enabled for offer in game.choices())


def replay_path(story: Story, path: list[Step]) -> Game | None:
    """The real game after taking the path's choices from the start, each draw falling as the path says;
    None when a choice is not open on the way (the path was found for a value the real run does not have)."""
    game = Game(story)
    game.start(0)
    for scene, choice_id, outcome in path:
        if game.run.scene != scene or game.is_over:
            return None
        if not any(o.id == choice_id and o.enabled for o in game.choices()):
            return None
        try:
            game.choose(choice_id, destination=outcome)
        except EngineError:
            return None
    return game


def find_seed(story: Story, path: list[tuple[str, str]], ending: str, tries: int = 20_000) -> int | None:
    """The first seed under which `path` replays to `ending` (its random draws falling the same way)."""
    from game.engine.replay import replay

    for seed in range(tries):
        game, divergence = replay(story, seed, path)
        if divergence is None and game.run.ending == ending:
            return seed
    return None


class Runs:
    """Real runs through the search's graph, breadth first from the start, a few in each search state:
    real paths to what the search found, when its own path (found through regions joined from several
    runs) does not replay. A state keeps a run that has some abstracted number higher or lower than
    every run kept there before: conditions compare numbers with thresholds, so the extremes are the
    runs that open what the others cannot."""

    def __init__(self, graph: StateGraph, game: Game, per_state: int):
        self.runs: list[tuple[RunState, int, Step]] = [(graph.bases[0], -1, ("", "", None))]  # run, parent, step
        self.at: list[list[int]] = [[] for _ in graph.keys]  # search state -> its runs, shortest first
        self.at[0].append(0)
        shape = graph.shape
        names = tuple(shape.regions)
        lows: list[list[int]] = [[] for _ in graph.keys]
        highs: list[list[int]] = [[] for _ in graph.keys]
        queue = deque([0])
        while queue:
            run = queue.popleft()
            state = self.runs[run][0]
            if state.ending is not None:
                continue
            for step, after in moves_from(game, state):
                number = graph.index.get(shape.control(after))
                if number is None or len(self.at[number]) >= per_state:
                    continue
                values = [int(after.variables[name]) for name in names]
                low, high = lows[number], highs[number]
                if low and not any(v < a or v > b for v, a, b in zip(values, low, high, strict=True)):
                    continue
                lows[number] = [min(pair) for pair in zip(values, low or values, strict=True)]
                highs[number] = [max(pair) for pair in zip(values, high or values, strict=True)]
                self.at[number].append(len(self.runs))
                self.runs.append((after, run, step))
                queue.append(len(self.runs) - 1)

    def path(self, run: int) -> list[Step]:
        return _path(self.runs, run)

    def shortest(
        self, numbers: Iterable[int], goal: Callable[[RunState], bool] = lambda run: True
    ) -> list[Step] | None:
        """The shortest path among the runs in these search states where `goal` holds."""
        found = [self.path(run) for number in numbers for run in self.at[number] if goal(self.runs[run][0])]
        return min(found, key=len, default=None)


class Confirm:
    """Real paths to what the search found: the search's own path when it replays, else the shortest of
    the real runs through the graph (`Runs`), else one found by `witness`. A real path no longer than
    the search's own (a lower bound: every real move is a move of the graph) is a shortest."""

    def __init__(self, story: Story, graph: StateGraph, game: Game):
        self.story, self.graph = story, graph
        self.runs = Runs(graph, game, RUNS_PER_STATE)
        self.passed: dict[str, list[Step]] = {}  # scene -> the shortest start of a real path found that gets there

    def passing(self, path: list[Step]) -> None:
        """Note the scenes a real path passes through, each with the start of the path that gets there."""
        game = Game(self.story)
        game.start(0)
        for length, (_, choice_id, outcome) in enumerate(path, 1):
            game.choose(choice_id, destination=outcome)
            known = self.passed.get(game.run.scene)
            if known is None or len(known) > length:
                self.passed[game.run.scene] = path[:length]

    def finding(self, scene: str, targets: set[int], goal: Callable[[Game], bool]) -> Finding:
        graph = self.graph
        nearest = min(targets, key=graph.depths.__getitem__)
        path = graph.path(nearest)
        game = replay_path(self.story, path)
        if game is not None and graph.index.get(graph.shape.control(game.run)) in targets and goal(game):
            self.passing(path)
            return Finding(scene, path, True, True)
        checking = Game(self.story)

        def holds(run: RunState) -> bool:
            checking.rewind(run, render=False)
            return goal(checking)

        real = self.runs.shortest(targets, holds)
        passed = self.passed.get(scene)
        if passed is not None and goal is self.scene_goal and (real is None or len(passed) < len(real)):
            real = passed
        real = real or witness(self.story, graph, targets, goal)
        if real is None:
            return Finding(scene, path, False)
        self.passing(real)
        return Finding(scene, real, True, len(real) <= graph.depths[nearest])

    @staticmethod
    def scene_goal(game: Game) -> bool:
        return True  # any run in a state of the scene is in the scene

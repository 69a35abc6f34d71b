"""The exhaustive search of a story: every state a run can reach, as `abstraction` sees states.

Breadth first from the start, so the first path found to anything is a shortest one. From each state,
every open choice is taken for every value its effects can start from (each value of the regions of the
abstracted numbers the move may set) and every outcome of a random draw. The search therefore covers at
least every state some run can reach: a scene, an ending, a soft-lock or a trap that it does not find,
no run can reach. What it does find is checked against the real game: its path is replayed from the
start, and only a replay that arrives there makes a finding *confirmed*.

No I/O here: `game.cli.playtest` prints the report and writes walkthroughs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product

from game.compiler.analysis import closure
from game.engine.game import Game
from game.engine.state import RunState
from game.errors import EngineError
from game.model import Choice, Story
from game.tools.abstraction import Abstraction, abstraction

Step = tuple[str, str, str | None]  # scene, choice, the outcome of a random draw (None: no draw)


@dataclass
class Finding:
    """A place the search reached: how, and whether replaying that path in the real game gets there."""

    scene: str
    path: list[Step]
    confirmed: bool

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(scene, choice) for scene, choice, _ in self.path]


@dataclass
class Exploration:
    states: int = 0
    capped: bool = False
    scenes: dict[str, list[Step]] = field(default_factory=dict)  # scene -> a shortest path to it
    endings: dict[str, Finding] = field(default_factory=dict)  # ending id -> a shortest path to it
    soft_locks: list[Finding] = field(default_factory=list)
    traps: list[Finding] = field(default_factory=list)  # loops with no way to an ending
    abstraction: Abstraction | None = None

    @property
    def shortest(self) -> dict[str, list[tuple[str, str]]]:
        """Ending id -> the choices of a shortest path to it."""
        return {ending: finding.choices for ending, finding in self.endings.items()}


class _Graph:
    """The states found so far, the moves between them, and how each was first reached."""

    def __init__(self, cap: int):
        self.cap = cap
        self.index: dict[tuple[object, ...], int] = {}
        self.keys: list[tuple[object, ...]] = []
        self.states: list[RunState] = []
        self.parents: list[tuple[int, Step] | None] = []
        self.edges: list[set[int]] = []
        self.capped = False

    def add(self, key: tuple[object, ...], state: RunState, parent: tuple[int, Step] | None) -> tuple[int | None, bool]:
        """The number of the state with this key (None when the cap leaves it out), and whether it is new."""
        number = self.index.get(key)
        if number is not None:
            return number, False
        if len(self.states) >= self.cap:
            self.capped = True
            return None, False
        number = self.index[key] = len(self.states)
        self.keys.append(key)
        self.states.append(state)
        self.parents.append(parent)
        self.edges.append(set())
        return number, True

    def path(self, number: int) -> list[Step]:
        steps = []
        parent = self.parents[number]
        while parent is not None:
            number, step = parent
            steps.append(step)
            parent = self.parents[number]
        return steps[::-1]


def _starts(base: RunState, names: tuple[str, ...], shape: Abstraction) -> Iterator[RunState]:
    """The run state with each named variable at each value of its region (the base itself first)."""
    if not names:
        yield base
        return
    spans = [shape.span(name, int(base.variables[name])) for name in names]
    for values in product(*spans):
        if all(base.variables[name] == value for name, value in zip(names, values, strict=True)):
            yield base
            continue
        start = base.copy()
        start.variables.update(zip(names, values, strict=True))
        yield start


def _at_ends(start: RunState, names: tuple[str, ...], shape: Abstraction) -> tuple[RunState, RunState]:
    """The state with the named variables at the first, and at the last, value of their regions."""
    low, high = start.copy(), start.copy()
    for name in names:
        span = shape.span(name, int(start.variables[name]))
        low.variables[name], high.variables[name] = span[0], span[-1]
    return low, high


def _spread(low: RunState, high: RunState, names: tuple[str, ...], shape: Abstraction) -> Iterator[RunState]:
    """The states a move reaches from a whole region of each named variable, given where it takes the
    region's two ends: the variables were moved in order by amounts that do not depend on them, so each
    lands somewhere from its low result to its high one, one state per region it can land in."""
    choices = []
    for name in names:
        first, last = int(low.variables[name]), int(high.variables[name])
        starts = [first] + [start for start in shape.regions[name] if first < start <= last]
        choices.append(starts)
    for values in product(*choices):
        state = low.copy()
        state.variables.update(zip(names, values, strict=True))
        yield state


def _outcomes(game: Game, choice: Choice) -> list[str | None]:
    """The outcomes to try for this choice from the game's state: every scene of the draw, if it draws."""
    if not any(branch.target.is_random for branch in choice.goto):
        return [None]
    step = game.choose(choice.id)
    game.undo()
    return list(choice.drawn_among(step.scene)) if step.drawn else [None]


def explore(
    story: Story, cap: int = 500_000, game: Game | None = None, text: bool = False, exact: bool = False
) -> Exploration:
    """Every state reachable from the start, up to `cap` states (see the module's docstring). `game`: the
    Game to search in (a tool that watches the search passes its own); `text`: states also differ in what
    their texts show; `exact`: compared numbers are kept exactly (see `abstraction`)."""
    shape = abstraction(story, text, every_value=exact)
    result = Exploration(abstraction=shape)
    game = game or Game(story)
    game.start(0)
    graph = _Graph(cap)
    graph.add(shape.key(game.run), game.checkpoint(), None)
    queue = deque([0])
    locked: list[int] = []
    while queue:
        number = queue.popleft()
        base = graph.states[number]
        result.scenes.setdefault(base.scene, graph.path(number))
        if base.ending is not None:
            result.endings.setdefault(base.ending, Finding(base.scene, graph.path(number), False))
            continue
        game.rewind(base)
        offers = [offer.id for offer in game.choices() if offer.enabled]
        if not offers:
            locked.append(number)
            continue
        for choice_id in offers:
            choice = story.choice_index[f"{base.scene}.{choice_id}"]
            _moves(game, graph, shape, number, base, choice, queue)
    result.states = len(graph.states)
    result.capped = graph.capped
    _findings(story, shape, graph, result, locked)
    return result


def _moves(
    game: Game, graph: _Graph, shape: Abstraction, number: int, base: RunState, choice: Choice, queue: deque[int]
) -> None:
    """Every state the choice leads to from any run of the base's state (see the module's docstring)."""
    shifted = tuple(sorted(shape.shifted[choice.key]))
    others = tuple(sorted(shape.writes[choice.key] - shape.shifted[choice.key]))
    for start in _starts(base, others, shape):
        low, high = _at_ends(start, shifted, shape) if shifted else (start, start)
        game.rewind(low)
        for outcome in _outcomes(game, choice):
            game.choose(choice.id, destination=outcome)
            reached = [game.checkpoint()]
            game.undo()
            if shifted:
                game.rewind(high)
                game.choose(choice.id, destination=outcome)
                reached = list(_spread(reached[0], game.checkpoint(), shifted, shape))
                game.rewind(low)
            step: Step = (base.scene, choice.id, outcome)
            for state in reached:
                target, new = graph.add(shape.key(state), state, (number, step))
                if target is not None:
                    if new:
                        queue.append(target)
                    graph.edges[number].add(target)


def _findings(story: Story, shape: Abstraction, graph: _Graph, result: Exploration, locked: list[int]) -> None:
    """Soft-locks, traps and endings, each checked by replaying its path in the real game."""
    for ending, finding in result.endings.items():
        game = replay_path(story, finding.path)
        finding.confirmed = game is not None and game.run.ending == ending
        if not finding.confirmed:
            real = concrete_path(story, shape, lambda g, e=ending: g.run.ending == e)  # type: ignore[misc]
            if real is not None:
                finding.path, finding.confirmed = real, True
    seen_scenes: set[str] = set()
    for number in locked:
        state = graph.states[number]
        if state.scene in seen_scenes:
            continue
        seen_scenes.add(state.scene)
        path = graph.path(number)
        game = replay_path(story, path)
        stuck = game is not None and _stuck(game)
        if not stuck:  # the search's path took a value the real run does not have: look for a real one
            real = concrete_path(story, shape, lambda g, scene=state.scene: g.run.scene == scene and _stuck(g))  # type: ignore[misc]
            path, stuck = (real, True) if real is not None else (path, False)
        result.soft_locks.append(Finding(state.scene, path, stuck))
    if graph.capped:
        return  # a trap needs every way on to be known
    incoming: list[list[int]] = [[] for _ in graph.edges]
    for source, targets in enumerate(graph.edges):
        for target in targets:
            incoming[target].append(source)
    ended = [number for number, state in enumerate(graph.states) if state.ending is not None]
    can_end = closure(ended, incoming.__getitem__)
    trapped: dict[str, int] = {}
    for number, state in enumerate(graph.states):
        if number not in can_end and graph.edges[number] and state.scene not in trapped:
            trapped[state.scene] = number
    for scene, number in sorted(trapped.items(), key=lambda item: len(graph.path(item[1]))):
        path = graph.path(number)
        game = replay_path(story, path)
        key = graph.keys[number]
        confirmed = game is not None and shape.key(game.run) == key
        if not confirmed:  # as for soft-locks: look for a real run that gets into the loop
            real = concrete_path(story, shape, lambda g, key=key: shape.key(g.run) == key)  # type: ignore[misc]
            path, confirmed = (real, True) if real is not None else (path, False)
        result.traps.append(Finding(scene, path, confirmed))


def concrete_path(
    story: Story, shape: Abstraction, goal: Callable[[Game], bool], cap: int = 50_000
) -> list[Step] | None:
    """A shortest path of the real game to a state where `goal` holds, searching real values (no regions)
    up to `cap` states; None if there is none within the cap. Confirms what the abstract search found
    when its own path took a value the real run does not have."""
    game = Game(story)
    game.start(0)
    start = game.checkpoint()
    seen = {_exactly(shape, start)}
    queue: deque[tuple[RunState, list[Step]]] = deque([(start, [])])
    while queue:
        state, path = queue.popleft()
        game.rewind(state)
        if goal(game):
            return path
        if game.is_over:
            continue
        for offer in [o for o in game.choices() if o.enabled]:
            choice = story.choice_index[f"{state.scene}.{offer.id}"]
            game.rewind(state)
            for outcome in _outcomes(game, choice):
                game.choose(offer.id, destination=outcome)
                after = game.checkpoint()
                key = _exactly(shape, after)
                if key not in seen and len(seen) < cap:
                    seen.add(key)
                    queue.append((after, [*path, (state.scene, offer.id, outcome)]))
                game.undo()
    return None


def _exactly(shape: Abstraction, state: RunState) -> tuple[object, ...]:
    return (shape.key(state), tuple(sorted(state.variables.items())))


def _stuck(game: Game) -> bool:
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

"""The exhaustive search of a story: every state a run can reach, as `abstraction` sees states.

A search state is a control key (the scene, items, flags, counts, stack) with a *box*: the regions each
abstracted number can be in there. From a state, each open choice is taken for every combination of
regions of the numbers it reads or sets (each value of them, for a number it sets from its own value;
the two ends of each region, for a number it only shifts), and every outcome of a random draw; what it
reaches joins the box of its control key, and a state whose box grows is searched again. Breadth first,
with that rule, a state is first reached by a path no longer than any real run's. The boxes therefore
hold at least every state some run can reach: a scene, an ending or a soft-lock that the search does
not find, no run can reach. Loops are then searched again exactly, one at a time (`game.tools.loops`).

What the search finds is checked against the real game: its own path is replayed from the start, and
when it does not get there (a box joins several runs, so a path through it can take a value no run
has), real runs look for one that does (`_Runs`, then `witness`). Only a real path makes a finding
*confirmed*; a real path no longer than the search's own is a *shortest*.

No I/O here: `game.cli.playtest` prints the report and writes walkthroughs.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product

from game.engine.game import Game
from game.engine.rules import is_open
from game.engine.state import RunState
from game.errors import EngineError
from game.model import Choice, Story
from game.tools.abstraction import Abstraction, abstraction
from game.tools.loops import draws, trapped

Step = tuple[str, str, str | None]  # scene, choice, the outcome of a random draw (None: no draw)
WITNESS_CAP = 100_000  # real runs a search for a real path to a finding may keep
WEIGHT = 2  # how far `witness` trusts the graph's distances: a path at most twice the shortest, found fast
RUNS_PER_STATE = 8  # real runs `_Runs` keeps in each search state
HOPE_CAP = 5_000  # real runs a search for an ending from a loop's way out may try
HOPE_BUDGET = 2_000_000  # ... and all those searches together


@dataclass
class Finding:
    """A place the search reached: how, and whether replaying that path in the real game gets there."""

    scene: str
    path: list[Step]
    confirmed: bool  # the path replays there in the real game
    shortest: bool = False  # ... and no real path is shorter

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(scene, choice) for scene, choice, _ in self.path]


@dataclass
class Exploration:
    states: int = 0
    capped: bool = False
    scenes: dict[str, Finding] = field(default_factory=dict)  # scene -> a shortest path to it
    endings: dict[str, Finding] = field(default_factory=dict)  # ending id -> a shortest path to it
    soft_locks: list[Finding] = field(default_factory=list)
    traps: list[Finding] = field(default_factory=list)  # loops with no way to an ending
    loops_proved: bool = False  # every loop was searched to the end: `traps` are all there are
    loop_states: int = 0  # states the search of the loops kept
    abstraction: Abstraction | None = None

    @property
    def shortest(self) -> dict[str, list[tuple[str, str]]]:
        """Ending id -> the choices of a shortest path to it."""
        return {ending: finding.choices for ending, finding in self.endings.items()}


class _Graph:
    """The search's states so far, one per control key (`Abstraction.control`), each with the regions
    each abstracted number can be in there (a bit per region: its *box*), the moves between them, and
    how each was first reached. A box only grows; a state whose box grew is searched again."""

    def __init__(self, shape: Abstraction, cap: int):
        self.shape, self.cap = shape, cap
        self.names = tuple(shape.regions)
        self.index: dict[tuple[object, ...], int] = {}
        self.keys: list[tuple[object, ...]] = []
        self.bases: list[RunState] = []  # a run state with the key (its abstracted numbers are set per move)
        self.boxes: list[list[int]] = []
        self.parents: list[tuple[int, Step] | None] = []
        self.depths: list[int] = []  # the length of the path by which each was first reached
        self.edges: list[set[int]] = []
        self.queued: list[bool] = []
        self.queue: deque[int] = deque()
        self.capped = False

    def box_of(self, state: RunState, box: list[int], touched: tuple[str, ...]) -> list[int]:
        """`box` with the `touched` numbers in the region the state has them in, and each number that no
        later move reads in its first region (its value no longer matters)."""
        shape, live = self.shape, self.shape.live.get(state.scene, frozenset())
        result = list(box)
        for position, name in enumerate(self.names):
            if name not in live:
                result[position] = 1
            elif name in touched:
                result[position] = 1 << shape.region(name, int(state.variables[name]))
        return result

    def join(self, state: RunState, box: list[int], parent: tuple[int, Step] | None) -> int | None:
        """The number of the state with this run state's key, its box grown by `box` (None when the cap
        leaves a new state out)."""
        key = self.shape.control(state)
        number = self.index.get(key)
        if number is None:
            if len(self.keys) >= self.cap:
                self.capped = True
                return None
            number = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.bases.append(state)
            self.boxes.append(box)
            self.parents.append(parent)
            self.depths.append(0 if parent is None else self.depths[parent[0]] + 1)
            self.edges.append(set())
            self.queued.append(True)
            self.queue.append(number)
            return number
        old, grown = self.boxes[number], False
        for position, bits in enumerate(box):
            if bits & ~old[position]:
                old[position] |= bits
                grown = True
        if grown and not self.queued[number]:
            self.queued[number] = True
            self.queue.append(number)
        return number

    def starts(self, number: int, names: tuple[str, ...]) -> Iterator[tuple[int, ...]]:
        """Every combination of the regions the named numbers can be in at this state."""
        positions = [self.names.index(name) for name in names]
        box = self.boxes[number]
        return product(*([r for r in range(box[p].bit_length()) if box[p] >> r & 1] for p in positions))

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


def explore(story: Story, cap: int = 100_000, game: Game | None = None, text: bool = False) -> Exploration:
    """Every state reachable from the start, up to `cap` states (see the module's docstring). `game`: the
    Game to search in (a tool that watches the search passes its own); `text`: also try every region of
    the numbers the texts read, so that a watching game sees every branch a state can show."""
    shape = abstraction(story, text)
    result = Exploration(abstraction=shape)
    game = game or Game(story)
    look = getattr(game, "show", None) or (lambda state: game.rewind(state, render=False))  # a watching game
    # records what each state shows
    game.start(0)
    graph = _Graph(shape, cap)
    start = game.checkpoint()
    graph.join(start, graph.box_of(start, [0] * len(graph.names), graph.names), None)
    locked: dict[str, list[int]] = {}
    while graph.queue:
        number = graph.queue.popleft()
        graph.queued[number] = False
        base = graph.bases[number]
        if base.ending is not None:
            continue
        _search(story, game, graph, number, look, locked, text)
    result.states = len(graph.keys)
    result.capped = graph.capped
    _findings(story, game, graph, result, locked)
    return result


def _search(
    story: Story,
    game: Game,
    graph: _Graph,
    number: int,
    look: Callable[[RunState], None],
    locked: dict[str, list[int]],
    text: bool = False,
) -> None:
    """Every move from the state: each choice taken from every combination of regions of the numbers it
    reads or sets (the others cannot change what it does), and every combination of what the scene's
    conditions and texts read looked at for an empty menu and for what it shows."""
    shape, base, box = graph.shape, graph.bases[number], list(graph.boxes[number])
    scene = story.scenes[base.scene]
    lowest = base.copy()
    for position, name in enumerate(graph.names):
        region = (box[position] & -box[position]).bit_length() - 1
        lowest.variables[name] = shape.regions[name][region]
    seen = shape.offered[scene.id] + shape.shown.get(scene.id, ())
    offers = [t for choice in scene.all_choices for t in (choice.text, choice.disabled_text)]
    free = shape.free(offers, scene.id, scene.id) if text else ()
    stuck = False
    for regions in graph.starts(number, seen):
        for values in _values(shape, free):
            look(_given(_at(lowest, seen, regions, shape), free, values))
            stuck = stuck or not any(offer.enabled for offer in game.choices())
    if stuck:
        locked.setdefault(scene.id, []).append(number)
    for choice in scene.all_choices:
        names = shape.needs[choice.key]
        free = _shown_after(story, shape, choice) if text else ()
        for regions in graph.starts(number, names):
            state = _at(lowest, names, regions, shape)
            game.rewind(state, render=False)
            if _open(game, choice):
                for values in _values(shape, free):
                    _moves(game, graph, number, box, _given(state, free, values), choice, names)


def _shown_after(story: Story, shape: Abstraction, choice: Choice) -> tuple[str, ...]:
    """The names the texts a move shows (its outcome, the prose of where it leads) read and no later
    move reads: the move is taken with each of them at every value."""
    here = choice.key.partition(".")[0]
    found = set(shape.free([choice.outcome], here, here))
    for destination in choice.destinations:
        scene = story.scenes[destination]
        found.update(shape.free([scene.text, scene.revisit_text], destination, here))
    return tuple(sorted(found))


def _values(shape: Abstraction, names: tuple[str, ...]) -> Iterator[tuple[object, ...]]:
    return product(*(shape.domains[name] for name in names))


def _given(state: RunState, names: tuple[str, ...], values: tuple[object, ...]) -> RunState:
    """The state with each named item, true/false variable or count (see `Abstraction.free`) at a value."""
    if not names:
        return state
    state = state.copy()
    for name, value in zip(names, values, strict=True):
        kind, _, rest = name.partition(":")
        if kind == "item":
            (state.items.add if value else state.items.discard)(rest)
        elif kind in ("scene", "choice"):
            counts = state.visits if kind == "scene" else state.chosen
            if value:
                counts[rest] = int(value)  # type: ignore[call-overload]
            else:
                counts.pop(rest, None)
        else:
            state.variables[name] = bool(value)
    return state


def _open(game: Game, choice: Choice) -> bool:
    if choice.is_fallback:
        return any(offer.id == choice.id and offer.enabled for offer in game.choices())
    return is_open(choice, game.scope())


def _at(state: RunState, names: tuple[str, ...], regions: tuple[int, ...], shape: Abstraction) -> RunState:
    """The state with each named number at the first value of the given region."""
    if not names:
        return state
    moved = state.copy()
    for name, region in zip(names, regions, strict=True):
        moved.variables[name] = shape.regions[name][region]
    return moved


def _moves(
    game: Game, graph: _Graph, number: int, box: list[int], base: RunState, choice: Choice, touched: tuple[str, ...]
) -> None:
    """Every state the choice leads to from the runs of the state's box whose `touched` numbers are in the
    base's regions (each value of them, for the numbers the move sets from their own value). A number the
    move only shifts (sets by an amount that does not depend on it, and reads nowhere) is not combined
    with the rest: the move is also taken with it at the two ends of each region of its box, and, as it
    moves the number in order, each region lands between where the region's two ends land."""
    shape = graph.shape
    shifted = tuple(name for name in graph.names if name in shape.shifted[choice.key])
    ends = [_ends(graph, box, name) for name in shifted]
    tries = max((len(values) for values in ends), default=1)
    others = tuple(sorted(shape.writes[choice.key] - shape.shifted[choice.key]))
    for start in _starts(base, others, shape):
        game.rewind(start, render=False)
        for outcome in draws(game, choice):
            reached = []
            for attempt in range(tries):
                if shifted:
                    moved = start.copy()
                    for name, values in zip(shifted, ends, strict=True):
                        moved.variables[name] = values[min(attempt, len(values) - 1)]
                    game.rewind(moved, render=False)
                game.choose(choice.id, destination=outcome)
                reached.append(game.checkpoint())
                game.undo()
            after = reached[0]
            target_box = graph.box_of(after, box, touched)
            live = shape.live.get(after.scene, frozenset())
            for name, values in zip(shifted, ends, strict=True):
                if name in live:
                    landed = [int(reached[min(i, tries - 1)].variables[name]) for i in range(len(values))]
                    target_box[graph.names.index(name)] = _landing(shape, name, landed)
            target = graph.join(after, target_box, (number, (base.scene, choice.id, outcome)))
            if target is not None:
                graph.edges[number].add(target)


def _ends(graph: _Graph, box: list[int], name: str) -> list[int]:
    """The first and the last value of each region of the number's box, in order."""
    shape, bits = graph.shape, box[graph.names.index(name)]
    values = []
    for region in range(bits.bit_length()):
        if bits >> region & 1:
            span = shape.span(name, shape.regions[name][region])
            values += [span[0], span[-1]]
    return values


def _landing(shape: Abstraction, name: str, landed: list[int]) -> int:
    """The regions (as bits) that the regions whose ends landed at `landed` (pairs, in order) land in."""
    bits = 0
    for low, high in zip(landed[::2], landed[1::2], strict=True):
        first, last = shape.region(name, low), shape.region(name, high)
        bits |= ((1 << (last + 1)) - 1) & ~((1 << first) - 1)
    return bits


def witness(story: Story, graph: _Graph, targets: set[int], goal: Callable[[Game], bool]) -> list[Step] | None:
    """A real path from the start to a run where `goal` holds, in one of the search states `targets`;
    None when there is none within `WITNESS_CAP` runs (see `_guided`)."""
    game = Game(story)
    game.start(0)
    return _guided(story, graph, game.checkpoint(), targets, goal, WITNESS_CAP)[0]


def _distances(graph: _Graph, targets: set[int]) -> dict[int, int]:
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
    graph: _Graph,
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
    The third value is how many runs were tried. `hopeful`: runs (by `_exactly`) known to lead to a target; reaching one is as good as the target, and
    the runs of a path found are added to it."""
    distance = _distances(graph, targets) if distance is None else distance
    shape = graph.shape
    first = distance.get(graph.index.get(shape.control(start), -1))
    if first is None:
        return None, True, 0
    game = Game(story)
    runs: list[tuple[RunState, int, Step]] = [(start, -1, ("", "", None))]  # run, parent, step
    seen = {_exactly(shape, start)}
    heap = [(WEIGHT * first, 0, 0)]  # estimate, length, run
    while heap:
        if len(runs) > cap:
            return None, False, len(runs)
        _, length, at = heapq.heappop(heap)
        state = runs[at][0]
        game.rewind(state, render=False)
        arrived = hopeful is not None and _exactly(shape, state) in hopeful
        if arrived or (graph.index.get(shape.control(state)) in targets and goal(game)):
            steps = []
            while at > 0:
                _, parent, step = runs[at]
                steps.append(step)
                if hopeful is not None:
                    hopeful.add(_exactly(shape, runs[at][0]))
                at = parent
            if hopeful is not None:
                hopeful.add(_exactly(shape, start))
            return steps[::-1], True, len(runs)
        for offer in [o for o in game.choices() if o.enabled]:
            choice = story.choice_index[f"{state.scene}.{offer.id}"]
            game.rewind(state, render=False)
            for outcome in draws(game, choice):
                game.choose(offer.id, destination=outcome)
                after = game.checkpoint()
                game.undo()
                left = distance.get(graph.index.get(shape.control(after), -1))
                key = _exactly(shape, after)
                if left is None or key in seen:
                    continue
                seen.add(key)
                runs.append((after, at, (state.scene, offer.id, outcome)))
                heapq.heappush(heap, (length + 1 + WEIGHT * left, length + 1, len(runs) - 1))
    return None, True, len(runs)


class _Hope:
    """Whether some ending can still be reached from a real run: a guided search toward the endings,
    remembered per run. `unsure` becomes true when a search had to stop before it could tell."""

    def __init__(self, story: Story, graph: _Graph):
        self.story, self.graph = story, graph
        self.ends = {number for number, base in enumerate(graph.bases) if base.ending is not None}
        self.distance = _distances(graph, self.ends)
        self.known: dict[tuple[object, ...], bool] = {}
        self.hopeful: set[tuple[object, ...]] = set()
        self.unsure = False
        self.budget = HOPE_BUDGET

    def __call__(self, run: RunState) -> bool:
        key = _exactly(self.graph.shape, run)
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


def _exactly(shape: Abstraction, state: RunState) -> tuple[object, ...]:
    """Everything about a run that its future can depend on: its search state's key and the values of
    the abstracted numbers later moves read."""
    live = shape.live.get(state.scene, frozenset())
    return (shape.control(state), tuple(state.variables[name] for name in shape.regions if name in live))


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


class _Runs:
    """Real runs through the search's graph, breadth first from the start, a few in each search state:
    real paths to what the search found, when its own path (found through regions joined from several
    runs) does not replay. A state keeps a run that has some abstracted number higher or lower than
    every run kept there before: conditions compare numbers with thresholds, so the extremes are the
    runs that open what the others cannot."""

    def __init__(self, story: Story, graph: _Graph, game: Game, per_state: int):
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
            game.rewind(state, render=False)
            for offer in [o for o in game.choices() if o.enabled]:
                choice = story.choice_index[f"{state.scene}.{offer.id}"]
                game.rewind(state, render=False)
                for outcome in draws(game, choice):
                    game.choose(offer.id, destination=outcome)
                    after = game.checkpoint()
                    game.undo()
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
                    self.runs.append((after, run, (state.scene, offer.id, outcome)))
                    queue.append(len(self.runs) - 1)

    def path(self, run: int) -> list[Step]:
        steps = []
        while run > 0:
            _, parent, step = self.runs[run]
            steps.append(step)
            run = parent
        return steps[::-1]

    def shortest(
        self, numbers: Iterable[int], goal: Callable[[RunState], bool] = lambda run: True
    ) -> list[Step] | None:
        """The shortest path among the runs in these search states where `goal` holds."""
        found = [self.path(run) for number in numbers for run in self.at[number] if goal(self.runs[run][0])]
        return min(found, key=len, default=None)


class _Confirm:
    """Real paths to what the search found: the search's own path when it replays, else the shortest of
    the real runs through the graph (`_Runs`), else one found by `witness`. A real path no longer than
    the search's own (a lower bound: every real move is a move of the graph) is a shortest."""

    def __init__(self, story: Story, graph: _Graph, game: Game):
        self.story, self.graph = story, graph
        self.runs = _Runs(story, graph, game, RUNS_PER_STATE)
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


def _ends_in(ending: str) -> Callable[[Game], bool]:
    return lambda game: game.run.ending == ending


def _findings(story: Story, game: Game, graph: _Graph, result: Exploration, locked: dict[str, list[int]]) -> None:
    """Every scene, ending and soft-lock the search found, each with a real path when there is one."""
    confirm = _Confirm(story, graph, game)
    scenes: dict[str, set[int]] = {}
    endings: dict[str, set[int]] = {}
    for number, base in enumerate(graph.bases):
        scenes.setdefault(base.scene, set()).add(number)
        if base.ending is not None:
            endings.setdefault(base.ending, set()).add(number)
    for ending, numbers in endings.items():
        scene = graph.bases[min(numbers)].scene
        result.endings[ending] = confirm.finding(scene, numbers, _ends_in(ending))
    for scene in sorted(scenes, key=lambda s: min(graph.depths[n] for n in scenes[s])):
        result.scenes[scene] = confirm.finding(scene, scenes[scene], confirm.scene_goal)
    for scene, stuck_at in locked.items():
        result.soft_locks.append(confirm.finding(scene, set(stuck_at), _stuck))
    if not graph.capped:
        hope = _Hope(story, graph)
        held = trapped(story, graph.shape, game, graph.index, graph.bases, graph.boxes, graph.edges, graph.cap, hope)
        for scene, trap in held.traps.items():
            holds = lambda g, t=trap: t.holds(graph.shape, graph.index.get(graph.shape.control(g.run)), g.run)  # noqa: E731
            result.traps.append(confirm.finding(scene, set(trap.states), holds))
        result.loops_proved, result.loop_states = held.proved and not hope.unsure, held.states

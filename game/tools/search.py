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
has), real runs look for one that does (`game.tools.witnesses`). Only a real path makes a finding
*confirmed*; a real path no longer than the search's own is a *shortest*.

No I/O here: `game.cli.playtest` prints the report and writes walkthroughs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product

from game.engine.game import Game
from game.engine.rules import is_open
from game.engine.state import RunState
from game.model import Choice, Story
from game.tools.abstraction import Abstraction, abstraction
from game.tools.loops import Trap, draws, trapped
from game.tools.states import Finding, StateGraph, Step
from game.tools.witnesses import Confirm, Hope, find_seed, replay_path, stuck, witness

__all__ = ["Exploration", "Finding", "Step", "explore", "find_seed", "replay_path", "witness"]


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
    the numbers the texts' branches compare, and every value of what only texts read, so that a watching
    game sees every branch a state can show."""
    shape = abstraction(story, text)
    result = Exploration(abstraction=shape)
    game = game or Game(story)
    look = getattr(game, "show", None) or (lambda state: game.rewind(state, render=False))  # a watching game
    # records what each state shows
    game.start(0)
    graph = StateGraph(shape, cap)
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
    graph: StateGraph,
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
    empty_menu = False
    for regions in graph.starts(number, seen):
        for values in _values(shape, free):
            look(_given(_at(lowest, seen, regions, shape), free, values))
            empty_menu = empty_menu or not any(offer.enabled for offer in game.choices())
    if empty_menu:
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
    game: Game, graph: StateGraph, number: int, box: list[int], base: RunState, choice: Choice, touched: tuple[str, ...]
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


def _ends(graph: StateGraph, box: list[int], name: str) -> list[int]:
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


def _ends_in(ending: str) -> Callable[[Game], bool]:
    return lambda game: game.run.ending == ending


def _findings(story: Story, game: Game, graph: StateGraph, result: Exploration, locked: dict[str, list[int]]) -> None:
    """Every scene, ending and soft-lock the search found, each with a real path when there is one."""
    confirm = Confirm(story, graph, game)
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
        result.soft_locks.append(confirm.finding(scene, set(stuck_at), stuck))
    if not graph.capped:
        hope = Hope(story, graph)
        held = trapped(story, graph.shape, game, graph.index, graph.bases, graph.boxes, graph.edges, graph.cap, hope)
        for scene, trap in held.traps.items():
            # a real run in the trap's state, from which no ending can be reached (the loop keeps only what
            # its own conditions read: what lies beyond it is checked on the run itself)
            def holds(g: Game, t: Trap = trap) -> bool:
                number = graph.index.get(graph.shape.control(g.run))
                return t.holds(graph.shape, number, g.run) and not hope(g.run.copy())

            result.traps.append(confirm.finding(scene, set(trap.states), holds))
        result.loops_proved, result.loop_states = held.proved and not hope.unsure, held.states

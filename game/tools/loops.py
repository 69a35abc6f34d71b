"""Loops with no way to an ending, found and proved absent one loop at a time.

The exhaustive search (`game.tools.search`) keeps, for each state, the regions each abstracted number
can be in. That is enough to tell what can be reached, but not whether a run caught in a loop can ever
leave it: inside a region a counter can creep upward one step at a time until it crosses a threshold,
and regions cannot see the creeping. So each loop of the search's graph (a strongly connected
component: states that can all reach each other) is searched again, exactly, in isolation:

- only the numbers that the loop's own conditions read matter inside it; those the loop also sets are
  kept value by value, those it only reads keep their region (they cannot change inside the loop);
- the loop is entered from every state outside it that leads into it, with every value the search's
  regions allow there;
- a state of the loop that can reach an ending, or a move out of the loop to a run from which an
  ending can still be reached, is free; every other state that lies on a cycle of the loop is a trap.
  Whether an ending can be reached from a run that leaves is asked of a search over real runs (`hope`,
  `game.tools.witnesses.Hope`), which says so exactly, or, stopped by its cap, says it does not know:
  the loops are then not proved.

Moves inside the loop are exact: every run that agrees on the kept values has the same moves in it and
the same ways out. So when no loop has a trap (and no state is a soft-lock), every run can leave every
loop it is in, and what it leads to can be left in turn, the loops of the search's graph leading to
each other without a cycle: every run can reach an ending, and the report says so as a proof. A trap
is named by the states where runs can be caught; since where a way out leads can also depend on what
the loop does not read, the search confirms each with a real run in that state from which no ending
can be reached.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product

from game.compiler.analysis import closure, components
from game.engine.game import Game
from game.engine.state import RunState
from game.model import Choice, Story
from game.tools.abstraction import Abstraction
from game.tools.states import Step

Local = tuple[int, tuple[int, ...], tuple[int, ...]]  # state number, kept values, kept regions


@dataclass
class Trap:
    """The states of the loops in one scene from which no run can get out: for each search state, the
    runs' kept values (numbers kept exactly, then numbers kept by region; see `_Loop.local`)."""

    scene: str
    states: dict[int, set[tuple[tuple[int, ...], tuple[int, ...]]]] = field(default_factory=dict)
    exact: dict[int, tuple[str, ...]] = field(default_factory=dict)  # search state -> numbers kept exactly
    coarse: dict[int, tuple[str, ...]] = field(default_factory=dict)  # ... and kept by region

    def holds(self, shape: Abstraction, number: int | None, run: RunState) -> bool:
        """Whether a run in search state `number` is trapped."""
        if number is None or number not in self.states:
            return False
        kept = self.states[number]
        values = run.variables
        local = (
            tuple(int(values[name]) for name in self.exact[number]),
            tuple(shape.region(name, int(values[name])) for name in self.coarse[number]),
        )
        return local in kept


@dataclass
class Loops:
    """What the loops of the search's graph hold."""

    traps: dict[str, Trap]  # by scene
    proved: bool  # every loop was searched to the end (within the cap)
    states: int  # states the loops' searches kept


def draws(game: Game, choice: Choice) -> list[str | None]:
    """The outcomes to try for this choice from the game's state: every scene of the draw, if it draws."""
    if not any(branch.target.is_random for branch in choice.goto):
        return [None]
    step = game.choose(choice.id)
    game.undo()
    return list(step.drawn) or [None]


def moves_from(game: Game, state: RunState) -> Iterator[tuple[Step, RunState]]:
    """Every move a real run can make from `state`: each open choice, with each outcome of its draw, and
    the run state it leads to. The game is left at `state` between moves."""
    game.rewind(state, render=False)
    for offer in [o for o in game.choices() if o.enabled]:
        choice = game.story.choice_index[f"{state.scene}.{offer.id}"]
        game.rewind(state, render=False)
        for outcome in draws(game, choice):
            game.choose(offer.id, destination=outcome)
            after = game.checkpoint()
            game.undo()
            yield (state.scene, offer.id, outcome), after


def trapped(
    story: Story,
    shape: Abstraction,
    game: Game,
    index: dict[tuple[object, ...], int],
    bases: list[RunState],
    boxes: list[list[int]],
    edges: list[set[int]],
    cap: int,
    hope: Callable[[RunState], bool],
) -> Loops:
    """The traps of every loop of the search's graph (see the module's docstring), searching at most
    `cap` states in all; `hope` tells whether an ending can be reached from a run that leaves a loop."""
    incoming: list[set[int]] = [set() for _ in edges]
    for source, targets in enumerate(edges):
        for target in targets:
            incoming[target].add(source)
    result = Loops({}, True, 0)
    for component in reversed(components(edges)):  # the loops nearer the start first
        if len(component) == 1 and component[0] not in edges[component[0]]:
            continue  # a state no move returns to: every run leaves it (or is stuck there)
        loop = _Loop(story, shape, game, index, bases, boxes, set(component), hope)
        entries = [n for n in sorted(component) if n == 0 or incoming[n] - loop.members]
        if loop.search(entries, cap - result.states):
            loop.trapped(result.traps)
        else:
            result.proved = False
        result.states += len(loop.states)
    return result


class _Loop:
    """One loop of the search's graph, searched exactly."""

    def __init__(
        self,
        story: Story,
        shape: Abstraction,
        game: Game,
        index: dict[tuple[object, ...], int],
        bases: list[RunState],
        boxes: list[list[int]],
        members: set[int],
        hope: Callable[[RunState], bool],
    ):
        self.story, self.shape, self.game, self.index, self.hope = story, shape, game, index, hope
        self.bases, self.boxes, self.members = bases, boxes, members
        read: set[str] = set()
        written: set[str] = set()
        for scene_id in {bases[n].scene for n in members}:
            read.update(shape.offered[scene_id])
            for choice in story.scenes[scene_id].all_choices:
                read |= shape.moved[choice.key]
                written |= shape.writes[choice.key]
        names = tuple(shape.regions)
        self.exact = tuple(name for name in names if name in read and name in written)
        self.coarse = tuple(name for name in names if name in read and name not in written)
        self.states: dict[Local, int] = {}
        self.runs: list[RunState] = []
        self.nexts: list[set[int]] = []
        self.free: set[int] = set()  # states with a move to an ending
        self.exits: dict[int, list[RunState]] = {}  # state -> the runs its moves out of the loop lead to

    def local(self, number: int, state: RunState) -> Local:
        shape, variables = self.shape, state.variables
        return (
            number,
            tuple(int(variables[name]) for name in self.exact),
            tuple(shape.region(name, int(variables[name])) for name in self.coarse),
        )

    def entries(self, number: int) -> Iterator[RunState]:
        """Every run of the search state, as far as the loop can tell runs apart."""
        shape, box, names = self.shape, self.boxes[number], tuple(self.shape.regions)
        spans: list[list[int]] = []
        for name in self.exact:
            bits = box[names.index(name)]
            values = [v for r in range(bits.bit_length()) if bits >> r & 1 for v in _span(shape, name, r)]
            spans.append(values)
        for name in self.coarse:
            bits = box[names.index(name)]
            spans.append([shape.regions[name][r] for r in range(bits.bit_length()) if bits >> r & 1])
        base = self.bases[number]
        for chosen in product(*spans):
            state = base.copy()
            state.variables.update(zip(self.exact + self.coarse, chosen, strict=True))
            yield state

    def add(self, local: Local, state: RunState, queue: deque[int]) -> int:
        known = self.states.get(local)
        if known is None:
            known = self.states[local] = len(self.runs)
            self.runs.append(state)
            self.nexts.append(set())
            queue.append(known)
        return known

    def search(self, entries: list[int], cap: int) -> bool:
        """Search the loop from its entries; False when the cap stopped it."""
        queue: deque[int] = deque()
        for number in entries:
            for state in self.entries(number):
                self.add(self.local(number, state), state, queue)
        game, shape = self.game, self.shape
        while queue:
            if len(self.runs) > cap:
                return False
            at = queue.popleft()
            state = self.runs[at]
            for _, after in moves_from(game, state):
                number = self.index.get(shape.control(after), -1)
                if after.ending is not None:
                    self.free.add(at)
                elif number not in self.members:
                    self.exits.setdefault(at, []).append(after)
                else:
                    self.nexts[at].add(self.add(self.local(number, after), after, queue))
        return True

    def trapped(self, traps: dict[str, Trap]) -> None:
        """Add the loop's trap states (states that cannot get free) to `traps`."""
        before: list[set[int]] = [set() for _ in self.runs]
        for source, targets in enumerate(self.nexts):
            for target in targets:
                before[target].add(source)
        free = closure(self.free, before.__getitem__)
        for at, landings in reversed(self.exits.items()):  # a way out frees every state that can get to it
            if at not in free and any(self.hope(landing) for landing in landings):
                free |= closure([at], before.__getitem__)
        looping = {
            at for component in components(self.nexts) for at in component if len(component) > 1 or at in self.nexts[at]
        }
        for (number, exact, coarse), at in self.states.items():
            if at not in free and at in looping:
                trap = traps.setdefault(self.runs[at].scene, Trap(self.runs[at].scene))
                trap.states.setdefault(number, set()).add((exact, coarse))
                trap.exact[number], trap.coarse[number] = self.exact, self.coarse


def _span(shape: Abstraction, name: str, region: int) -> range:
    return shape.span(name, shape.regions[name][region])

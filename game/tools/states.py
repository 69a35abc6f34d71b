"""The exhaustive search's graph: its states (a control key and a box each), the moves between them,
and how each was first reached; and a finding's path."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

from game.engine.state import RunState
from game.tools.abstraction import Abstraction

Step = tuple[str, str, str | None]  # scene, choice, the outcome of a random draw (None: no draw)


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


class StateGraph:
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

"""Player models for random playtests: how a run picks one of the open choices of each turn.

A policy sees the game (to read the scene, the variables and what a choice would do), the ids of the
open choices, what the runs so far have reached (`Memory`: visits per scene and uses per choice, across
the runs of one batch) and the run's own picker, a generator seeded from the run's seed. Every random
pick comes from that picker, so a batch of runs is reproducible from (policy, first seed, number of
runs). No I/O here.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import ClassVar, Protocol

from game.engine.game import Game
from game.errors import EngineError, EscapeError
from game.i18n import _
from game.model import Story


class Memory(Protocol):
    """What the runs so far reached: `game.tools.playtest.Coverage` is one."""

    scenes: Counter[str]  # visits, by scene id
    choices: Counter[str]  # uses, by "scene.choice"


class Policy:
    """A player model: picks one of the open choices."""

    name: ClassVar[str]  # as in `escape playtest --policy NAME`

    def pick(self, game: Game, open_ids: Sequence[str], memory: Memory, picker: random.Random) -> str:
        """The id of the choice to take; `open_ids` is never empty."""
        raise NotImplementedError


def least_used(game: Game, open_ids: Sequence[str], memory: Memory) -> list[str]:
    """The open choices taken least often so far (in every run of the batch)."""
    scene = game.run.scene
    fewest = min(memory.choices[f"{scene}.{c}"] for c in open_ids)
    return [c for c in open_ids if memory.choices[f"{scene}.{c}"] == fewest]


class Uniform(Policy):
    """Any open choice, with equal chance: a player who does not read."""

    name = "uniform"

    def pick(self, game: Game, open_ids: Sequence[str], memory: Memory, picker: random.Random) -> str:
        return picker.choice(open_ids)


class LeastUsed(Policy):
    """The open choices taken least so far, one of them at random: spreads the runs over the story
    (a coverage tool more than a player)."""

    name = "least-used"

    def pick(self, game: Game, open_ids: Sequence[str], memory: Memory, picker: random.Random) -> str:
        return picker.choice(least_used(game, open_ids, memory))


class Greedy(Policy):
    """Greedy toward the unseen: the choices whose destinations were visited least so far (the mean
    visits of the scenes a choice can lead to; the scene itself for a choice that leads nowhere), then
    the least used of those, one of them at random: a player who wants to see everything."""

    name = "greedy"

    def pick(self, game: Game, open_ids: Sequence[str], memory: Memory, picker: random.Random) -> str:
        story, scene = game.story, game.run.scene
        novelty = {c: self._visits(story, f"{scene}.{c}", scene, memory) for c in open_ids}
        fewest = min(novelty.values())
        unseen = [c for c in open_ids if novelty[c] == fewest]
        return picker.choice(least_used(game, unseen, memory))

    @staticmethod
    def _visits(story: Story, key: str, scene: str, memory: Memory) -> Fraction:
        choice = story.choice_index[key]
        places = choice.destinations or (scene,)
        return Fraction(sum(memory.scenes[p] for p in places), len(places))


class Cautious(Policy):
    """Guards the shown meters: never takes a choice that lowers a meter (a number variable with
    `show: stat`, a min and a max) to below a third of its range while another open choice does not;
    among the rest it picks at random, as `uniform` does. A meter declared `good: low` (suspicion) is
    guarded the other way: a choice that raises it above two thirds of its range is avoided.

    It learns what a choice does by taking it and undoing it. For a random target it tries every
    outcome (it cannot know how the draw will fall) and counts the choice as draining if any outcome
    drains. `Game.undo` puts the run's generator back (re-seeded and advanced to the same number of
    draws), so the run draws as if nothing had been tried. A choice the engine refuses counts as safe,
    so that the run takes it and reports the error."""

    name = "cautious"

    def pick(self, game: Game, open_ids: Sequence[str], memory: Memory, picker: random.Random) -> str:
        lines = meter_lines(game.story)
        safe = [c for c in open_ids if not (lines and drains(game, c, lines))] if len(open_ids) > 1 else []
        return picker.choice(safe or open_ids)


def meter_lines(story: Story) -> dict[str, tuple[int, int, int]]:
    """The shown meters: name -> (sign, min, max), for number variables with `show: stat`, a min and a
    max, read so that every meter is good when high: a meter that is good when low has the sign -1 and
    its range upside down, (-max, -min), so that sign * value is the value to guard."""
    return {
        name: (1, v.minimum, v.maximum) if v.good == "high" else (-1, -v.maximum, -v.minimum)
        for name, v in story.variables.items()
        if v.show == "stat" and v.minimum is not None and v.maximum is not None and v.maximum > v.minimum
    }


def low(value: int, bounds: tuple[int, int]) -> bool:
    """Below a third of the meter's range."""
    lo, hi = bounds
    return 3 * (value - lo) < hi - lo


def drains(game: Game, choice_id: str, lines: dict[str, tuple[int, int, int]]) -> bool:
    """Whether taking the choice lowers a meter to below a third of its range (in some outcome)."""
    before = dict(game.run.variables)

    def drained() -> bool:
        after = game.run.variables
        for name, (sign, lo, hi) in lines.items():
            old, new = before.get(name), after.get(name)
            if isinstance(old, int) and isinstance(new, int) and sign * new < sign * old and low(sign * new, (lo, hi)):
                return True
        return False

    try:
        step = game.choose(choice_id)
    except EngineError:
        return False
    try:
        if drained():
            return True
        outcomes = step.drawn
    finally:
        game.undo()
    for outcome in outcomes:
        if outcome == step.scene:
            continue
        try:
            game.choose(choice_id, destination=outcome)
        except EngineError:
            continue
        try:
            if drained():
                return True
        finally:
            game.undo()
    return False


POLICIES: dict[str, Callable[[], Policy]] = {p.name: p for p in (Uniform, LeastUsed, Greedy, Cautious)}
DEFAULT = LeastUsed.name


def policy_named(name: str) -> Policy:
    """The policy of this name (one of `POLICIES`)."""
    try:
        return POLICIES[name]()
    except KeyError:
        raise EscapeError(
            _("no policy '{name}' (the policies: {policies})").format(name=name, policies=", ".join(POLICIES))
        ) from None

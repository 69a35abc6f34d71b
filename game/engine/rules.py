"""What happens in a move, as small functions of the move in progress: the machine's guards and callbacks.

`game.engine.machine` wires these into the story's state machine; `game.engine.game` uses `is_open` to
list the choices. Each takes a `Move`, a Scope over the run that also collects what the move did.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import NamedTuple

from game.engine.state import RunState
from game.errors import EngineError
from game.i18n import _
from game.model import INT, INT_LIMIT, MAX_TEXT_VALUE, STR, Choice, Effect, Scene, Scope, Value, Variable

Guard = Callable[["Move"], bool]
Callback = Callable[["Move"], None]


class Change(NamedTuple):
    """A variable that an effect changed."""

    name: str
    before: Value
    after: Value


class Move(Scope):
    """One move in progress: what the story's expressions read (the run's state, as a Scope), what the
    move needs (the run, its generator, a destination fixed by a tool) and what it did."""

    __slots__ = (
        "run",
        "rng",
        "destination",
        "roll",
        "drawn",
        "entered",
        "outcome",
        "text",
        "changes",
        "gained",
        "lost",
        "arrival",
    )

    def __init__(self, run: RunState, rng: random.Random, destination: str | None = None) -> None:
        self.variables, self.items, self.visits, self.chosen = run.variables, run.items, run.visits, run.chosen
        self.turn, self.here = run.turn, run.visits.get(run.scene, 0)
        self.run, self.rng, self.destination = run, rng, destination
        self.roll = 0.0
        self.drawn: tuple[str, ...] = ()  # the scenes a random draw was among
        self.entered = False  # the move entered a scene (a choice that stays does not)
        self.outcome = self.text = ""
        self.changes: list[Change] = []
        self.gained: list[str] = []
        self.lost: list[str] = []
        self.arrival: tuple[int, int, int] | None = None  # where the entered scene's own effects begin in them


def bounded(variable: Variable, value: Value) -> Value:
    """A new value kept within the variable's bounds (and the language's)."""
    if variable.type == INT:
        low = -INT_LIMIT if variable.minimum is None else variable.minimum
        high = INT_LIMIT if variable.maximum is None else variable.maximum
        return min(max(value, low), high)
    if variable.type == STR and len(value) > MAX_TEXT_VALUE:  # type: ignore[arg-type]
        return value[:MAX_TEXT_VALUE]  # type: ignore[index]
    return value


def apply(effects: tuple[Effect, ...], move: Move, variables: Mapping[str, Variable]) -> None:
    """Run effect statements in order, noting what changed."""
    run = move.run
    for effect in effects:
        if effect.condition is not None:
            apply(effect.then if effect.condition.fn(move) else effect.otherwise, move, variables)
            continue
        item = effect.item
        if item is not None:
            if effect.gain and item not in run.items:
                run.items.add(item)
                move.gained.append(item)
            elif not effect.gain and item in run.items:
                run.items.discard(item)
                move.lost.append(item)
            continue
        name = effect.variable
        assert name is not None and effect.value is not None  # the compiler makes one or the other
        before = run.variables[name]
        after = bounded(variables[name], effect.value.fn(move))
        if after != before:
            run.variables[name] = after
            move.changes.append(Change(name, before, after))


def is_open(choice: Choice, scope: Scope) -> bool:
    """Whether the player may take the choice now (a fallback's own rule aside)."""
    if choice.once and scope.chosen.get(choice.key):
        return False
    return choice.condition is None or bool(choice.condition.fn(scope))


# -- guards ----------------------------------------------------------------------------------------------
def not_taken(choice: Choice) -> Guard:
    """A once-only choice's guard: not taken yet in this run."""
    key = choice.key

    def guard(move: Move) -> bool:
        return not move.chosen.get(key)

    return guard


def nothing_else_open(scene: Scene) -> Guard:
    """A fallback's guard: none of the scene's other choices is open."""
    choices = scene.choices

    def guard(move: Move) -> bool:
        return not any(is_open(choice, move) for choice in choices)

    return guard


def called_from(scene_id: str) -> Guard:
    """A return's guard, one per scene it can go back to: that scene made the latest call."""
    return lambda move: bool(move.run.stack) and move.run.stack[-1] == scene_id


def rolled(low: float, high: float) -> Guard:
    """A random outcome's guard: the roll fell in [low, high)."""
    return lambda move: low <= move.roll < high


# -- callbacks -------------------------------------------------------------------------------------------
def take(choice: Choice, variables: Mapping[str, Variable]) -> Callback:
    """Taking a choice: count it, log it, run its effects, then say its outcome."""
    key, choice_id, effects, outcome = choice.key, choice.id, choice.effects, choice.outcome

    def callback(move: Move) -> None:
        run = move.run
        run.chosen[key] = run.chosen.get(key, 0) + 1
        run.turn += 1
        move.turn = run.turn
        run.log.append((run.scene, choice_id))
        if effects:
            apply(effects, move, variables)
        if outcome is not None:
            move.outcome = outcome.render(move)

    return callback


def call(move: Move) -> None:
    """Going into a subscene: remember the scene to come back to (the machine has not moved yet)."""
    move.run.stack.append(move.run.scene)


def back(move: Move) -> None:
    """Coming back from a subscene: the call is answered."""
    move.run.stack.pop()


def enter(scene: Scene, variables: Mapping[str, Variable]) -> Callback:
    """Entering a scene (the machine has made it the run's scene): count the visit, run the scene's entry
    effects, render its text (the revisit text from the second visit on, when the scene has one)."""
    scene_id, on_enter, text, again = scene.id, scene.on_enter, scene.text, scene.revisit_text

    def callback(move: Move) -> None:
        visits = move.run.visits
        visits[scene_id] = move.here = visits.get(scene_id, 0) + 1
        move.entered = True
        if move.arrival is None:
            move.arrival = (len(move.changes), len(move.gained), len(move.lost))
        if on_enter:
            apply(on_enter, move, variables)
        move.text = (again if again is not None and move.here > 1 else text).render(move)

    return callback


def end(endings: Mapping[str, str | None]) -> Callback:
    """Reaching an ending scene (a final state of the machine): the run is over."""

    def callback(move: Move) -> None:
        move.run.ending = endings[move.run.scene]

    return callback


def draw(scenes: tuple[str, ...], weights: tuple[int, ...]) -> Callback:
    """A random target's draw, from the run's own generator. A tool may fix the outcome (`destination`):
    the generator still advances, so the rest of the run draws as it would have."""
    total = sum(weights)
    starts = {scene: sum(weights[:i]) for i, scene in enumerate(scenes)}

    def callback(move: Move) -> None:
        move.run.draws += 1
        move.drawn = scenes
        move.roll = move.rng.random() * total
        if move.destination is not None:
            if move.destination not in starts:
                raise EngineError(_("'{scene}' is not a possible outcome of this draw").format(scene=move.destination))
            move.roll = float(starts[move.destination])

    return callback

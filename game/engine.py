"""The engine: takes a choice, returns what happened. No I/O, no UI.

Three types, as in ink: the story (content, `game.story`), the per-turn `Offer`s, and `RunState`
(`game.state`, the only thing saved). `Game` is the facade a front end talks to.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from game.effects import Effect
from game.errors import EngineError
from game.expr import INT, INT_LIMIT, MAX_TEXT_VALUE, STR
from game.machine import machine_for
from game.state import SNAPSHOT_VERSION, RunState, state_from_data, state_to_data
from game.story import Choice, Ending, Scene, Story


@dataclass(frozen=True, slots=True)
class Offer:
    """One choice as the player sees it this turn."""

    id: str
    text: str
    enabled: bool = True
    reason: str = ""  # why it is disabled
    once: bool = False
    is_fallback: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """A variable that an effect changed."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Step:
    """What one choice did."""

    choice_id: str
    choice_text: str
    from_scene: str
    scene: str
    outcome: str = ""
    changes: tuple[Change, ...] = ()
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    drawn: bool = False  # the destination came from a random draw
    text: str = ""  # the new scene's prose
    ending: Ending | None = None


class Game:
    """One run of one story: start it, list choices, choose, undo, snapshot and restore."""

    def __init__(self, story: Story):
        self.story = story
        self.machine = machine_for(story)
        self.state: RunState | None = None
        self.rng = random.Random()
        self._history: list[tuple] = []
        self._text = ""

    # starting and state ---------------------------------------------------------
    def start(self, seed: int | None = None) -> str:
        """Begin a new run; returns the first scene's prose."""
        if seed is None:
            seed = secrets.randbelow(2**31)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise EngineError(f"a seed must be a whole number from 0 to 2**63-1, not {seed!r}")
        story = self.story
        self.state = RunState(story.id, seed, story.start, {n: v.initial for n, v in story.variables.items()})
        self.rng = random.Random(seed)
        self._history.clear()
        self._enter(story.start, [], [], [])
        return self._text

    @property
    def run(self) -> RunState:
        if self.state is None:
            raise EngineError("the run has not started")
        return self.state

    @property
    def scene(self) -> Scene:
        return self.story.scenes[self.run.scene]

    @property
    def ending(self) -> Ending | None:
        return self.story.endings[self.run.ending] if self.run.ending else None

    @property
    def is_over(self) -> bool:
        return self.run.ending is not None

    def text(self) -> str:
        """The current scene's prose, as rendered when the player entered it."""
        self.run  # noqa: B018 - raises if not started
        return self._text

    # evaluation -----------------------------------------------------------------
    def _args(self, scene_id: str | None = None) -> tuple:
        run = self.state
        here = run.visits.get(scene_id or run.scene, 0)
        return (run.variables, run.items, run.visits, run.chosen, run.turn, here)

    def _apply(self, effects: tuple[Effect, ...], changes: list, gained: list, lost: list) -> None:
        run = self.state
        for effect in effects:
            if effect.item is not None:
                if effect.gain and effect.item not in run.items:
                    run.items.add(effect.item)
                    gained.append(effect.item)
                elif not effect.gain and effect.item in run.items:
                    run.items.discard(effect.item)
                    lost.append(effect.item)
                continue
            name = effect.variable
            before = run.variables[name]
            after = self._bounded(name, effect.value.fn(*self._args()))
            if after != before:
                run.variables[name] = after
                changes.append(Change(name, before, after))

    def _bounded(self, name: str, value: Any) -> Any:
        variable = self.story.variables[name]
        if variable.type == INT:
            low = -INT_LIMIT if variable.minimum is None else variable.minimum
            high = INT_LIMIT if variable.maximum is None else variable.maximum
            return min(max(value, low), high)
        if variable.type == STR and len(value) > MAX_TEXT_VALUE:
            return value[:MAX_TEXT_VALUE]
        return value

    def _enter(self, scene_id: str, changes: list, gained: list, lost: list) -> None:
        run = self.state
        run.scene = scene_id
        run.visits[scene_id] = run.visits.get(scene_id, 0) + 1
        scene = self.story.scenes[scene_id]
        self._apply(scene.on_enter, changes, gained, lost)
        if scene.ending:
            run.ending = scene.ending
        self._text = scene.text.render(*self._args())

    # choices --------------------------------------------------------------------
    def _open(self, choice: Choice, args: tuple) -> bool | None:
        """True when open, False when shown disabled, None when hidden."""
        if choice.once and self.state.chosen.get(choice.key):
            return None
        if choice.condition is None or choice.condition.fn(*args):
            return True
        return False if choice.disabled_text is not None else None

    def _offers(self) -> list[tuple[Choice, Offer]]:
        if self.is_over:
            return []
        args = self._args()
        offers, any_open = [], False
        for choice in self.scene.choices:
            state = self._open(choice, args)
            if state is None:
                continue
            any_open |= state
            reason = "" if state else choice.disabled_text.render(*args)  # type: ignore[union-attr]
            offers.append((choice, Offer(choice.id, choice.text.render(*args), state, reason, choice.once)))
        fallback = self.scene.fallback
        if fallback is not None and not any_open and self._open(fallback, args):
            offers.append((fallback, Offer(fallback.id, fallback.text.render(*args), True, "", fallback.once, True)))
        return offers

    def choices(self) -> list[Offer]:
        """The choices of this turn, enabled and disabled (with reasons), in order."""
        return [offer for _, offer in self._offers()]

    def _pick(self, choice: Choice, args: tuple, destination: str | None) -> tuple[str, bool]:
        for branch in choice.goto:
            if branch.condition is None or branch.condition.fn(*args):
                target = branch.target
                if not target.is_random:
                    return target.scenes[0], False
                self.state.draws += 1
                roll = self.rng.random() * sum(target.weights)
                if destination is not None:  # a tool fixing the draw; the generator still advances
                    if destination not in target.scenes:
                        raise EngineError(f"'{destination}' is not a possible outcome of '{choice.key}'")
                    return destination, True
                for scene, weight in zip(target.scenes, target.weights, strict=True):
                    roll -= weight
                    if roll < 0:
                        return scene, True
                return target.scenes[-1], True
        raise EngineError(f"no goto branch of '{choice.key}' applies")  # the loader requires a last plain branch

    def _find(self, choice_id: str) -> Choice:
        """The choice with this id if the player may take it now; EngineError saying why not otherwise."""
        scene = self.scene
        choice = scene.choice(choice_id)
        args = self._args()
        state = self._open(choice, args) if choice is not None else None
        if choice is not None and choice.is_fallback and state:
            state = not any(self._open(c, args) for c in scene.choices) or None
        if state:
            return choice
        offers = self.choices()
        if state is False:
            reason = next(o.reason for o in offers if o.id == choice_id)
            raise EngineError(f"choice '{choice_id}' is not open: {reason}")
        known = ", ".join(o.id for o in offers if o.enabled) or "none"
        raise EngineError(f"no choice '{choice_id}' in scene '{self.run.scene}' now (open: {known})")

    def choose(self, choice_id: str, destination: str | None = None) -> Step:
        """Take a choice by its id; returns what happened. Tools that explore every outcome may fix
        a random target's `destination`; players never do."""
        run = self.run
        if self.is_over:
            raise EngineError("the story has ended; start a new run or undo")
        choice = self._find(choice_id)
        choice_text = choice.text.render(*self._args())
        self._history.append(self._save_point())
        from_scene = run.scene
        run.chosen[choice.key] = run.chosen.get(choice.key, 0) + 1
        run.turn += 1
        run.log.append((from_scene, choice.id))
        changes: list[Change] = []
        gained: list[str] = []
        lost: list[str] = []
        self._apply(choice.effects, changes, gained, lost)
        args = self._args(from_scene)
        outcome = choice.outcome.render(*args) if choice.outcome else ""
        dest, drawn = self._pick(choice, args, destination)
        self.machine.move(from_scene, choice.key, dest)
        self._enter(dest, changes, gained, lost)
        return Step(choice.id, choice_text, from_scene, dest, outcome, tuple(changes), tuple(gained), tuple(lost),
                    drawn, self._text, self.ending)

    # undo, snapshot, restore ----------------------------------------------------------
    def _save_point(self) -> tuple:
        run = self.run
        return (run.scene, dict(run.variables), set(run.items), dict(run.visits), dict(run.chosen), run.turn,
                run.draws, len(run.log), run.ending, self._text)

    @staticmethod
    def _generator(seed: int, draws: int) -> random.Random:
        rng = random.Random(seed)
        for _ in range(draws):
            rng.random()
        return rng

    def checkpoint(self) -> RunState:
        """A copy of the run state, for tools that explore many branches (no validation on the way back)."""
        run = self.run
        return RunState(run.story_id, run.seed, run.scene, dict(run.variables), set(run.items), dict(run.visits),
                        dict(run.chosen), run.turn, run.draws, list(run.log), run.ending)

    def rewind(self, point: RunState) -> None:
        """Go back to a `checkpoint()` of this same game."""
        self.state = RunState(point.story_id, point.seed, point.scene, dict(point.variables), set(point.items),
                              dict(point.visits), dict(point.chosen), point.turn, point.draws, list(point.log),
                              point.ending)
        self.rng = self._generator(point.seed, point.draws)
        self._history.clear()
        self._text = self.scene.text.render(*self._args())

    def can_undo(self) -> bool:
        return bool(self._history)

    def undo(self) -> None:
        """Take back the last choice."""
        if not self._history:
            raise EngineError("nothing to undo")
        run = self.run
        draws = run.draws
        (run.scene, run.variables, run.items, run.visits, run.chosen, run.turn, run.draws, length, run.ending,
         self._text) = self._history.pop()
        del run.log[length:]
        if run.draws != draws:  # rewind the generator: the same seed, drawn as often as before
            self.rng = self._generator(run.seed, run.draws)

    def snapshot(self) -> dict[str, Any]:
        """The run state as plain data (JSON-safe), for saves."""
        return state_to_data(self.run)

    def restore(self, data: Any) -> None:
        """Continue a run from `snapshot()` data; refuses anything that does not fit this story."""
        state = state_from_data(data, self.story)
        self.state = state
        self.rng = self._generator(state.seed, state.draws)
        self._history.clear()
        self._text = self.scene.text.render(*self._args())


__all__ = ["SNAPSHOT_VERSION", "Change", "Game", "Offer", "RunState", "Step"]

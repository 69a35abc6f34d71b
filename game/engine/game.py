"""The engine: takes a choice, asks the story's machine to make the move, and returns what happened.
No I/O, no UI.

Three types, as in ink: the story (content, `game.model`), the per-turn `Offer`s, and `RunState`
(`game.engine.state`, the only thing saved). `Game` is the facade a front end talks to.
"""

from __future__ import annotations

import random
import secrets
from typing import Any, NamedTuple

from game.engine import rules
from game.engine.machine import StoryMachine, machine_for
from game.engine.rules import Change, Move, is_open
from game.engine.state import BEGIN, MAX_SEED, RunState, recount, state_from_data, state_to_data
from game.errors import EngineError
from game.i18n import _
from game.model import STAY, Ending, Scene, Scope, Story, Value


class Offer(NamedTuple):
    """One choice as the player sees it this turn."""

    id: str
    text: str
    enabled: bool = True
    reason: str = ""  # why it is disabled
    once: bool = False
    is_fallback: bool = False


class Step(NamedTuple):
    """What one choice did."""

    choice_id: str
    choice_text: str
    from_scene: str
    scene: str
    outcome: str = ""
    changes: tuple[Change, ...] = ()
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    drawn: tuple[str, ...] = ()  # the destination came from a random draw among these scenes
    text: str = ""  # the new scene's prose ("" when the choice stays)
    ending: Ending | None = None
    stayed: bool = False  # the choice kept the player in the scene, which was not entered again
    arrival: tuple[int, int, int] | None = None  # where the entered scene's `on_enter` effects begin in
    # changes, gained and lost: what came before is the choice's own doing

    def by_choice(self) -> tuple[tuple[Change, ...], tuple[str, ...], tuple[str, ...]]:
        """The changes, items gained and items lost that the choice's own effects made."""
        if self.arrival is None:
            return self.changes, self.gained, self.lost
        changes, gained, lost = self.arrival
        return self.changes[:changes], self.gained[:gained], self.lost[:lost]

    def on_arrival(self) -> tuple[tuple[Change, ...], tuple[str, ...], tuple[str, ...]]:
        """What entering the new scene changed (its `on_enter` effects)."""
        if self.arrival is None:
            return (), (), ()
        changes, gained, lost = self.arrival
        return self.changes[changes:], self.gained[gained:], self.lost[lost:]


# What undo needs to put back: the scene, variables, items, turn, draws, ending, the scene's text and the
# call stack. Visit and choice counts are put back by taking one off, the log by dropping its last step.
SavePoint = tuple[str, dict[str, Value], set[str], int, int, str | None, str, list[str]]
HISTORY_REBUILD_LIMIT = 20_000  # the longest log whose undo history is re-made on restore (0.3 s here)


class Game:
    """One run of one story: start it, list choices, choose, undo, snapshot and restore."""

    def __init__(self, story: Story):
        self.story = story
        self.machine: StoryMachine = machine_for(story)
        self.state: RunState | None = None
        self.rng = random.Random()
        self._history: list[SavePoint] = []
        self._text = ""

    # starting and state ---------------------------------------------------------
    def start(self, seed: int | None = None) -> str:
        """Begin a new run; returns the first scene's prose."""
        if seed is None:
            seed = secrets.randbelow(2**31)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < MAX_SEED:
            raise EngineError(_("a seed must be a whole number from 0 to 2**63-1, not {seed}").format(seed=repr(seed)))
        story = self.story
        run = RunState(story.id, seed, BEGIN, {name: v.initial for name, v in story.variables.items()})
        self.state, self.rng = run, random.Random(seed)
        self._history.clear()
        move = Move(run, self.rng)
        self.machine.begin(run, move)
        self._text = move.text
        return self._text

    @property
    def run(self) -> RunState:
        if self.state is None:
            raise EngineError(_("the run has not started"))
        return self.state

    @property
    def scene(self) -> Scene:
        return self.story.scenes[self.run.scene]

    @property
    def ending(self) -> Ending | None:
        ending = self.run.ending
        return self.story.endings[ending] if ending else None

    @property
    def is_over(self) -> bool:
        return self.run.ending is not None

    def text(self) -> str:
        """The current scene's prose, as rendered when the player entered it."""
        self.run  # noqa: B018 - raises if not started
        return self._text

    def scope(self) -> Scope:
        """What the story's expressions read now."""
        run = self.run
        return Scope(run.variables, run.items, run.visits, run.chosen, run.turn, run.visits.get(run.scene, 0))

    # choices --------------------------------------------------------------------
    def choices(self) -> list[Offer]:
        """The choices of this turn, enabled and disabled (with reasons), in order."""
        run = self.run
        if run.ending is not None:
            return []
        scene = self.story.scenes[run.scene]
        scope = Scope(run.variables, run.items, run.visits, run.chosen, run.turn, run.visits.get(run.scene, 0))
        chosen = run.chosen
        offers = []
        any_open = False
        for choice in scene.choices:
            if choice.once and chosen.get(choice.key):
                continue
            condition = choice.condition
            if condition is None or condition.fn(scope):
                any_open = True
                offers.append(Offer(choice.id, choice.text.render(scope), True, "", choice.once))
            elif choice.disabled_text is not None:
                reason = choice.disabled_text.render(scope)
                offers.append(Offer(choice.id, choice.text.render(scope), False, reason, choice.once))
        fallback = scene.fallback
        if fallback is not None and not any_open and is_open(fallback, scope):
            offers.append(Offer(fallback.id, fallback.text.render(scope), True, "", fallback.once, True))
        return offers

    def _refusal(self, choice_id: str) -> str:
        """Why the choice cannot be taken now."""
        offers = self.choices()
        shown = next((o for o in offers if o.id == choice_id), None)
        if shown is not None and not shown.enabled:
            return _("choice '{choice}' is not open: {reason}").format(choice=choice_id, reason=shown.reason)
        known = ", ".join(o.id for o in offers if o.enabled) or _("none")
        return _("no choice '{choice}' in scene '{scene}' now (open: {open})").format(
            choice=choice_id, scene=self.run.scene, open=known
        )

    def choose(self, choice_id: str, destination: str | None = None) -> Step:
        """Take a choice by its id; returns what happened. Tools that explore every outcome may fix a
        random target's `destination`; players never do."""
        run = self.run
        if run.ending is not None:
            raise EngineError(_("the story has ended; start a new run or undo"))
        choice = self.story.scenes[run.scene].choice(choice_id)
        if choice is None:
            raise EngineError(self._refusal(choice_id))
        if destination is not None and destination not in choice.destinations:
            raise EngineError(
                _("'{scene}' is not a possible outcome of '{choice}'").format(scene=destination, choice=choice.key)
            )
        point: SavePoint = (
            run.scene,
            dict(run.variables),
            set(run.items),
            run.turn,
            run.draws,
            run.ending,
            self._text,
            list(run.stack),
        )
        move = Move(run, self.rng, destination)
        choice_text = choice.text.render(move)
        from_scene = run.scene
        try:
            moved = self.machine.take(run, choice.key, move)
        except BaseException:
            self._put_back(point)
            raise
        if not moved:  # a guard refused: nothing has changed
            raise EngineError(self._refusal(choice_id))
        if run.scene not in self.story.scenes:  # pragma: no cover - the machine always ends in a scene
            self._put_back(point)
            raise EngineError(_("choice '{choice}' stopped at '{scene}'").format(choice=choice.key, scene=run.scene))
        self._history.append(point)
        if move.entered:
            self._text = move.text
        ending = self.story.endings[run.ending] if run.ending else None
        return Step(
            choice.id,
            choice_text,
            from_scene,
            run.scene,
            move.outcome,
            tuple(move.changes),
            tuple(move.gained),
            tuple(move.lost),
            move.drawn,
            move.text,
            ending,
            not move.entered,
            move.arrival,
        )

    # undo, snapshot, restore ----------------------------------------------------------
    def _put_back(self, point: SavePoint) -> None:
        """Return the run to a save point taken just before a move that failed part way."""
        run = self.run
        draws = run.draws
        (run.scene, run.variables, run.items, run.turn, run.draws, run.ending, self._text, run.stack) = point
        del run.log[run.turn :]  # the move's step, if it was logged
        recount(run, self.story)
        if run.draws != draws:  # the same seed, drawn as often as before
            self.rng = self._generator(run.seed, run.draws)

    @staticmethod
    def _generator(seed: int, draws: int) -> random.Random:
        rng = random.Random(seed)
        for _draw in range(draws):
            rng.random()
        return rng

    def can_undo(self) -> bool:
        return bool(self._history)

    def undo(self) -> None:
        """Take back the last choice."""
        if not self._history:
            raise EngineError(_("nothing to undo"))
        run = self.run
        scene, (from_scene, choice_id) = run.scene, run.log[-1]
        point = self._history.pop()
        draws = run.draws
        (run.scene, run.variables, run.items, run.turn, run.draws, run.ending, self._text, run.stack) = point
        del run.log[run.turn :]
        if self.story.choice_index[f"{from_scene}.{choice_id}"].move != STAY:
            _take_one(run.visits, scene)
        _take_one(run.chosen, f"{from_scene}.{choice_id}")
        if run.draws != draws:
            self.rng = self._generator(run.seed, run.draws)

    def rebuild_history(self, limit: int = HISTORY_REBUILD_LIMIT) -> bool:
        """Make every choice of the run undoable again (after `restore`): its log is re-made in a scratch
        game from the seed, and that game's undo history is taken if it arrives at this very state. A log
        longer than `limit`, or one that no longer leads here, leaves the history as it is (False)."""
        run = self.run
        if run.turn > limit:
            return False
        scratch = Game(self.story)
        scratch.start(run.seed)
        try:
            for _scene, choice_id in run.log:
                scratch.choose(choice_id)
        except EngineError:
            return False
        if scratch.snapshot() != self.snapshot() or scratch.run.stack != run.stack:
            return False
        self._history = scratch._history
        return True

    def checkpoint(self) -> RunState:
        """A copy of the run state, for tools that explore many branches (no validation on the way back)."""
        return self.run.copy()

    def rewind(self, point: RunState, render: bool = True) -> None:
        """Go back to a `checkpoint()` of this same game (its undo history is not kept). A search that
        never reads `text()` may leave the scene's prose unrendered (`render=False`)."""
        old = self.state
        self.state = point.copy()
        if old is None or (old.seed, old.draws) != (point.seed, point.draws):  # else the generator is there
            self.rng = self._generator(point.seed, point.draws)
        self._history.clear()
        self._text = self._prose() if render else ""

    def snapshot(self) -> dict[str, Any]:
        """The run state as plain data (JSON-safe), for saves."""
        return state_to_data(self.run)

    def restore(self, data: Any) -> None:
        """Continue a run from `snapshot()` data; refuses anything that does not fit this story."""
        state = state_from_data(data, self.story)
        self.state = state
        self.rng = self._generator(state.seed, state.draws)
        self._history.clear()
        self._text = self._prose()

    def _prose(self) -> str:
        """The current scene's text for this visit, rendered now."""
        return self.scene.prose(self.run.visits.get(self.run.scene, 0)).render(self.scope())


def _take_one(counts: dict[str, int], key: str) -> None:
    """One off a count the undone move added (so the count is there); a count of 0 is not kept."""
    counts[key] -= 1
    if not counts[key]:
        del counts[key]


__all__ = ["Change", "Game", "Offer", "RunState", "Step", "rules"]

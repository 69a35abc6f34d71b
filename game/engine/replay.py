"""Re-executing a saved log against the current story: for replays, `escape replay --check` and loading
saves made before a story was edited.

After each choice the run must stand where the log's next step starts (after the last, where the save
ended, when that is given); the first step whose choice is refused, or now leads elsewhere, is the
`Divergence`, with what the conditions that decided it read."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from game.engine import rules
from game.engine.game import Game
from game.i18n import _
from game.model import RETURN, STAY, TURN_READ, VISITS_READ, Choice, Expr, Scope, Story, Value

Place = tuple[str, str | None]  # where a run stands: its scene, and its ending once it is over


@dataclass(frozen=True, slots=True)
class Reading:
    """One thing a failing step's conditions read, with its value when the choice was offered and when its
    goto was decided (after the choice's own effects; the same value for a condition on the choice)."""

    kind: str  # "variable", "item", "scene" (times entered), "choice" (times taken), "turn" or "visits"
    key: str
    offered: Value
    decided: Value

    @property
    def name(self) -> str:
        """As a story's expressions write it."""
        calls = {"item": "has", "scene": "visited", "choice": "chosen"}
        return f"{calls[self.kind]}('{self.key}')" if self.kind in calls else self.key


@dataclass(frozen=True, slots=True)
class Divergence:
    """The first step of a log that no longer works: refused, or leading somewhere else than it did."""

    step: int  # 1-based
    scene: str
    choice: str
    reason: str
    readings: tuple[Reading, ...] = ()  # what the step's deciding conditions read, at that point of the run

    def __str__(self) -> str:
        return _("step {number} ({scene}.{choice}): {reason}").format(
            number=self.step, scene=self.scene, choice=self.choice, reason=self.reason
        )


def replay(
    story: Story,
    seed: int,
    log: list[tuple[str, str]],
    upto: int | None = None,
    into: Game | None = None,
    end: Place | None = None,
) -> tuple[Game, Divergence | None]:
    """A game (`into`, or a new one) that has re-made the first `upto` choices of `log` (all by default),
    and the first step that failed. A step fails when its choice is refused, or when the run then stands
    elsewhere than where the log's next step starts (after the last step of the log: than `end`, when
    given). The game is left at the last step that works."""
    game = into or Game(story)
    game.start(seed)
    steps = log if upto is None else log[:upto]
    for number, (scene, choice_id) in enumerate(steps, start=1):
        offered = game.run.scene == scene and not game.is_over
        if not (offered and any(o.id == choice_id and o.enabled for o in game.choices())):
            return game, _refused(game, number, scene, choice_id)
        game.choose(choice_id)  # offered and open: the machine's guards agree
        run = game.run
        if number < len(log):  # the next step's scene (one the story lacks fails at that step instead)
            wanted = log[number][0]
            if run.scene == wanted or wanted not in story.scenes:
                continue
            expected: Place = (wanted, None)
        elif end is None or (run.scene, run.ending) == end:
            continue
        else:
            expected = end
        reached: Place = (run.scene, run.ending)
        game.undo()
        reason, readings = _led_elsewhere(game, story.choice_index[f"{scene}.{choice_id}"], reached, expected)
        return game, Divergence(number, scene, choice_id, reason, readings)
    return game, None


def _refused(game: Game, number: int, scene: str, choice: str) -> Divergence:
    """Why step `number`'s choice cannot be made now (the run stands where the step before left it)."""
    story, run = game.story, game.run
    if scene not in story.scenes:
        return Divergence(
            number, scene, choice, _("missing scene: the story has no scene '{scene}'").format(scene=scene)
        )
    if run.scene != scene:  # only the first step can get here: every later one is checked by the step before
        starts = _("the run starts in '{start}', not '{scene}'").format(start=run.scene, scene=scene)
        return Divergence(number, scene, choice, starts)
    if game.is_over:
        ended = _("the run ended in '{ending}' before this step").format(ending=run.ending)
        return Divergence(number, scene, choice, ended)
    key = f"{scene}.{choice}"
    if key not in story.choice_index:
        missing = _("missing choice: scene '{scene}' has no choice '{choice}'").format(scene=scene, choice=choice)
        return Divergence(number, scene, choice, missing)
    condition = story.choice_index[key].condition
    scope = game.scope()
    readings = _readings([condition] if condition is not None else [], scope, scope)
    offer = next((o for o in game.choices() if o.id == choice), None)
    if offer is None:
        reason = _("the choice is not offered now (its condition is false, or it was once-only)")
    else:
        reason = _("the choice's condition is now false ({reason})").format(reason=offer.reason)
    return Divergence(number, scene, choice, reason, readings)


def _place(scene: str, ending: str | None) -> str:
    if ending is None:
        return f"'{scene}'"
    if ending == scene:
        return _("the ending '{ending}'").format(ending=ending)
    return _("'{scene}' (ending '{ending}')").format(scene=scene, ending=ending)


def _led_elsewhere(game: Game, choice: Choice, reached: Place, expected: Place) -> tuple[str, tuple[Reading, ...]]:
    """Why the choice, offered where the game stands, led to `reached` and not to `expected`, and what its
    goto's conditions read."""
    wanted = expected[0]
    lead = _("choice '{choice}' now leads to {reached}, not {expected}").format(
        choice=choice.key, reached=_place(*reached), expected=_place(*expected)
    )
    if wanted not in game.story.scenes:
        return _("{change} (the story has no scene '{scene}')").format(change=lead, scene=wanted), ()
    if reached[0] == wanted:
        return _("{change} (the scene's ending was changed)").format(change=lead), ()
    if choice.move == STAY:
        return _("{change} (it now stays in the scene)").format(change=lead), ()
    if choice.move == RETURN:
        return _("{change} (it returns to the scene that called the subscene)").format(change=lead), ()
    offered = game.scope()
    decided = _decided(game, choice)
    goto = choice.goto
    readings = _readings([b.condition for b in goto if b.condition is not None], offered, decided)
    taken = next((i for i, b in enumerate(goto) if b.condition is None or b.condition.fn(decided)), None)
    towards = [i for i, branch in enumerate(goto) if wanted in branch.target.scenes]
    if not towards:
        return _("{change} (its goto no longer leads to '{scene}')").format(change=lead, scene=wanted), readings
    if taken is not None and taken in towards:  # a fixed target would have led there: a draw did not
        target = goto[taken].target
        weights = ", ".join(f"{s} {w}" for s, w in zip(target.scenes, target.weights, strict=True))
        return _("{change} (the random draw, weighted {weights})").format(change=lead, weights=weights), readings
    holds = goto[taken].condition if taken is not None and taken < towards[0] else None
    if holds is not None:
        return _("{change} (its goto's condition `{condition}` now holds)").format(
            change=lead, condition=holds.source
        ), readings
    fails = goto[towards[0]].condition
    if fails is not None:
        return _("{change} (its goto's condition `{condition}` for '{scene}' is now false)").format(
            change=lead, condition=fails.source, scene=wanted
        ), readings
    return _("{change} (a condition or target changed)").format(change=lead), readings


def _decided(game: Game, choice: Choice) -> Scope:
    """The run as the choice's goto saw it: as it stands, with the choice counted and its effects made."""
    run = game.checkpoint()
    move = rules.Move(run, random.Random(run.seed))
    rules.take(choice, game.story.variables)(move)
    return move


def _readings(conditions: list[Expr], offered: Scope, decided: Scope) -> tuple[Reading, ...]:
    """What the conditions read, in order of mention, with their values in the two scopes."""
    found: dict[tuple[str, str], Reading] = {}
    for expr in conditions:
        named = [_builtin.get(name, ("variable", name)) for name in expr.reads]
        named += [(ref.kind, ref.name) for ref in expr.refs]
        named.sort(key=lambda pair: _position(expr.source, pair))
        for kind, key in named:
            if (kind, key) not in found:
                found[kind, key] = Reading(kind, key, _value(offered, kind, key), _value(decided, kind, key))
    return tuple(found.values())


_builtin = {TURN_READ: ("turn", "turn"), VISITS_READ: ("visits", "visits")}


def _position(source: str, pair: tuple[str, str]) -> int:
    """Where the source first names it: a name in quotes for items, scenes and choices, a bare one else."""
    kind, key = pair
    quoted = kind in ("item", "scene", "choice")
    found = re.search(f"(?<=['\"]){re.escape(key)}(?=['\"])" if quoted else rf"(?<![\w'\"]){key}\b", source)
    return found.start() if found else len(source)


def _value(scope: Scope, kind: str, key: str) -> Value:
    if kind == "variable":
        return scope.variables[key]
    if kind == "item":
        return key in scope.items
    if kind == "scene":
        return scope.visits.get(key, 0)
    if kind == "choice":
        return scope.chosen.get(key, 0)
    return scope.turn if kind == "turn" else scope.here

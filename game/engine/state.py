"""Run state: the only part of a game that is saved, its plain-data form, and the one check of that form.

The plain data keeps what cannot be worked out again: the seed and the number of draws, the scene, the
variables and items, the ending, and the log of choices ("scene.choice"). Visit and choice counts and the
turn follow from the log, so they are counted again on the way back in rather than stored twice.

`state_from_data` treats its input as untrusted (it comes from save files): every field is checked, and
anything that does not fit is refused with a reason. Without a story it checks the shape alone (for a
save whose story has changed since, which is then replayed from its log); with one, that everything
it names exists in that story and fits together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.errors import EngineError
from game.i18n import _, ngettext
from game.model import CALL, GOTO, INT, INT_LIMIT, MAX_TEXT_VALUE, STAY, Story, Value, type_of_value

STATE_VERSION = 2
MAX_LOG = 1_000_000
MAX_SEED = 2**63
BEGIN = "(begin)"  # where a new run stands before it enters the story's first scene (never saved)

Step = tuple[str, str]  # (scene id, choice id)


@dataclass(slots=True)
class RunState:
    """Everything about one run that changes."""

    story_id: str
    seed: int
    scene: str
    variables: dict[str, Value]
    items: set[str] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)
    chosen: dict[str, int] = field(default_factory=dict)  # by choice key, "scene.choice"
    turn: int = 0
    draws: int = 0
    log: list[Step] = field(default_factory=list)
    ending: str | None = None
    stack: list[str] = field(default_factory=list)  # scenes waiting for a subscene's return, latest last

    def chosen_keys(self) -> list[str]:
        """The log's steps as choice keys, "scene.choice"."""
        return [f"{scene}.{choice}" for scene, choice in self.log]

    def copy(self) -> RunState:
        """An independent copy (the containers are copied, the values are immutable)."""
        return RunState(
            self.story_id,
            self.seed,
            self.scene,
            dict(self.variables),
            set(self.items),
            dict(self.visits),
            dict(self.chosen),
            self.turn,
            self.draws,
            list(self.log),
            self.ending,
            list(self.stack),
        )


def state_to_data(state: RunState) -> dict[str, Any]:
    """Plain, JSON-safe data with a stable key order."""
    return {
        "version": STATE_VERSION,
        "story": state.story_id,
        "seed": state.seed,
        "scene": state.scene,
        "ending": state.ending,
        "draws": state.draws,
        "variables": dict(state.variables),
        "items": sorted(state.items),
        "log": state.chosen_keys(),
    }


FIELDS = ("version", "story", "seed", "scene", "ending", "draws", "variables", "items", "log")


def _whole(value: Any, what: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < limit:
        raise EngineError(_("{field} must be a whole number from 0 to {most:,}").format(field=what, most=limit - 1))
    return value


def steps_and_counts(value: Any, scene: str) -> tuple[list[Step], dict[str, int], dict[str, int]]:
    """The steps of a log of choice keys ("scene.choice"), and the visit counts (the current scene included)
    and choice counts they make, in one pass."""
    if not isinstance(value, list) or len(value) > MAX_LOG:
        raise EngineError(_("'log' must be a list of at most {most:,} steps").format(most=MAX_LOG))
    steps: list[Step] = []
    visits: dict[str, int] = {}
    chosen: dict[str, int] = {}
    for entry in value:
        if type(entry) is not str:
            raise EngineError(
                _("the log holds {entry}, which is not a step ('scene.choice')").format(entry=repr(str(entry)[:60]))
            )
        where, dot, choice = entry.partition(".")
        if not (dot and where and choice):
            raise EngineError(
                _("the log holds {entry}, which is not a step ('scene.choice')").format(entry=repr(str(entry)[:60]))
            )
        steps.append((where, choice))
        visits[where] = visits.get(where, 0) + 1
        chosen[entry] = chosen.get(entry, 0) + 1
    visits[scene] = visits.get(scene, 0) + 1
    return steps, visits, chosen


def _variables(value: Any, story: Story | None) -> dict[str, Value]:
    if not isinstance(value, dict):
        raise EngineError(_("'variables' must be a mapping"))
    for name, held in value.items():
        kind = type_of_value(held)
        if kind is None:
            raise EngineError(
                _("variable '{name}' holds {kind}, which no story variable can").format(
                    name=name, kind=type(held).__name__
                )
            )
        if isinstance(held, str) and len(held) > MAX_TEXT_VALUE:
            raise EngineError(
                _("variable '{name}' is longer than {most:,} characters").format(name=name, most=MAX_TEXT_VALUE)
            )
        if kind == INT and abs(held) > INT_LIMIT:
            raise EngineError(_("variable '{name}' is outside +/-{most:,}").format(name=name, most=INT_LIMIT))
    if story is None:
        return dict(value)
    if set(value) != set(story.variables):
        missing, extra = sorted(set(story.variables) - set(value)), sorted(set(value) - set(story.variables))
        raise EngineError(
            _("the run's variables do not match the story's (missing {missing}, unknown {extra})").format(
                missing=missing, extra=extra
            )
        )
    for name, held in value.items():
        declared = story.variables[name]
        if type_of_value(held) != declared.type:
            raise EngineError(_("variable '{name}' must hold {kind}").format(name=name, kind=declared.type))
        if declared.type == INT and (
            (declared.minimum is not None and held < declared.minimum)
            or (declared.maximum is not None and held > declared.maximum)
        ):
            raise EngineError(
                _("variable '{name}' is {value}, outside its bounds in the story").format(name=name, value=held)
            )
    return dict(value)


def check_fit(state: RunState, story: Story, keys: list[str] | None = None) -> None:
    """Everything the state names exists in the story, and the log is a path through it (EngineError if not).
    Sets what the log means only with the story: visits (a choice that stays enters no scene) and the
    stack of subscene calls. `keys`: the log as choice keys, when the caller has them already."""
    if state.story_id != story.id:
        raise EngineError(
            _("the run belongs to story '{state}', not '{story}'").format(state=state.story_id, story=story.id)
        )
    if state.scene not in story.scenes:
        raise EngineError(
            _("the run is in scene {scene}, which this story does not have").format(scene=repr(state.scene))
        )
    unknown = sorted(state.items - set(story.items))
    if unknown:
        raise EngineError(_("the run carries items this story does not have: {items}").format(items=", ".join(unknown)))
    choices = story.choice_index
    wheres = [where for where, _choice in state.log]  # where each step starts, then where the run is now
    wheres.append(state.scene)
    if state.log and wheres[0] != story.start:
        raise EngineError(
            _("step 1 of the log starts in '{scene}', but the run was in '{start}'").format(
                scene=wheres[0], start=story.start
            )
        )
    stack: list[str] = []
    steps = zip(state.chosen_keys() if keys is None else keys, wheres[1:], strict=True)
    for number, (key, there) in enumerate(steps, start=1):
        taken = choices.get(key)
        if taken is None:
            raise EngineError(
                _("step {number} of the log, '{choice}', is not a choice of this story").format(
                    number=number, choice=key
                )
            )
        if there not in taken.destinations:
            raise EngineError(
                _("step {number} of the log, '{choice}', cannot lead to '{scene}'").format(
                    number=number, choice=key, scene=there
                )
            )
        if taken.move != GOTO:  # rare: a stay, a call or a return
            _follow(taken.move, wheres[number - 1], there, stack, state.visits, number)
    state.stack = stack
    if not state.log and state.scene != story.start:
        raise EngineError(
            _("a run with no steps must be in the first scene '{start}', not '{scene}'").format(
                start=story.start, scene=state.scene
            )
        )
    if state.ending != story.scenes[state.scene].ending:
        raise EngineError(_("the run's ending {ending} does not match its scene").format(ending=repr(state.ending)))


def recount(state: RunState, story: Story) -> None:
    """Count the state's visits and choices again from its log, as the story counts them (a stay enters no
    scene); the call stack is put back by the caller. For a log the run itself made (no checks)."""
    keys = state.chosen_keys()
    _steps, state.visits, state.chosen = steps_and_counts(keys, state.scene)
    choices = story.choice_index
    for key in keys:
        if choices[key].move == STAY:
            state.visits[key.partition(".")[0]] -= 1


def _follow(move: str, where: str, there: str, stack: list[str], visits: dict[str, int], number: int) -> None:
    """A step that stays, calls or returns: its part of the visit counts and of the call stack."""
    if move == STAY:
        visits[there] -= 1  # counted as entered by the log's count; a stay enters nothing
    elif move == CALL:
        stack.append(where)
    elif not stack or stack[-1] != there:
        raise EngineError(
            _("step {number} of the log returns to '{scene}', which made no call waiting for it").format(
                number=number, scene=there
            )
        )
    else:
        stack.pop()


def state_from_data(data: Any, story: Story | None = None) -> RunState:
    """A RunState from plain data; EngineError names the first field that does not fit. With `story`, the
    state must also fit that story (the run can go on); without, only its shape is checked."""
    if not isinstance(data, dict):
        raise EngineError(_("the run state must be a mapping"))
    version = data.get("version")
    if version != STATE_VERSION:
        raise EngineError(
            _("run state version {version} is not supported (this game reads version {readable})").format(
                version=repr(version), readable=STATE_VERSION
            )
        )
    if set(data) != set(FIELDS):
        missing, extra = sorted(set(FIELDS) - set(data)), sorted(set(data) - set(FIELDS))
        raise EngineError(
            _("the run state has missing fields {missing} or unknown fields {extra}").format(
                missing=missing, extra=extra
            )
        )
    for name in ("story", "scene"):
        if not isinstance(data[name], str) or not data[name]:
            raise EngineError(_("'{field}' must be an id").format(field=name))
    ending = data["ending"]
    if ending is not None and not isinstance(ending, str):
        raise EngineError(_("'ending' must be an ending id or null"))
    items = data["items"]
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items) or len(items) > MAX_LOG:
        raise EngineError(_("'items' must be a list of item ids"))
    log, visits, chosen = steps_and_counts(data["log"], data["scene"])
    draws = _whole(data["draws"], "'draws'", MAX_LOG + 1)
    if draws > len(log):
        too_many = ngettext(
            "'draws' is {draws}, but a run draws at most once a step ({count} step)",
            "'draws' is {draws}, but a run draws at most once a step ({count} steps)",
            len(log),
        )
        raise EngineError(too_many.format(draws=draws, count=len(log)))
    state = RunState(
        data["story"],
        _whole(data["seed"], "'seed'", MAX_SEED),
        data["scene"],
        _variables(data["variables"], story),
        set(items),
        visits,
        chosen,
        turn=len(log),
        draws=draws,
        log=log,
        ending=ending,
    )
    if story is not None:
        check_fit(state, story, data["log"])
    return state

"""Run state: the only part of a game that is saved, and its plain-data form.

`state_from_data` treats its input as untrusted (it comes from save files): every field is checked
against the story, and anything that does not fit is refused with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.errors import EngineError
from game.expr import INT_LIMIT, MAX_TEXT_VALUE, type_of_value
from game.story import Story

SNAPSHOT_VERSION = 1
MAX_LOG = 1_000_000


@dataclass(slots=True)
class RunState:
    """Everything about one run that changes."""

    story_id: str
    seed: int
    scene: str
    variables: dict[str, Any]
    items: set[str] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)
    chosen: dict[str, int] = field(default_factory=dict)
    turn: int = 0
    draws: int = 0
    log: list[tuple[str, str]] = field(default_factory=list)
    ending: str | None = None


def state_to_data(state: RunState) -> dict[str, Any]:
    """Plain, JSON-safe data with a stable key order."""
    return {
        "version": SNAPSHOT_VERSION,
        "story": state.story_id,
        "seed": state.seed,
        "scene": state.scene,
        "turn": state.turn,
        "draws": state.draws,
        "ending": state.ending,
        "variables": dict(state.variables),
        "items": sorted(state.items),
        "visits": dict(state.visits),
        "chosen": dict(state.chosen),
        "log": [[scene, choice] for scene, choice in state.log],
    }


def _count(value: Any, what: str, limit: int = INT_LIMIT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise EngineError(f"{what} must be a whole number from 0 to {limit:,}")
    return value


def _counts(value: Any, what: str, allowed: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise EngineError(f"'{what}' must be a mapping")
    for key, count in value.items():
        if key not in allowed:
            raise EngineError(f"'{what}' names '{key}', which this story does not have")
        _count(count, f"'{what}.{key}'")
    return dict(value)


def state_from_data(data: Any, story: Story) -> RunState:
    """A RunState for `story` from plain data; raises EngineError naming the first field that does not fit."""
    if not isinstance(data, dict):
        raise EngineError("the run state must be a mapping")
    version = data.get("version")
    if version != SNAPSHOT_VERSION:
        raise EngineError(f"run state version {version!r} is not supported (this game reads version {SNAPSHOT_VERSION})")
    expected = {"version", "story", "seed", "scene", "turn", "draws", "ending", "variables", "items", "visits", "chosen", "log"}
    if set(data) != expected:
        missing, extra = expected - set(data), set(data) - expected
        raise EngineError(f"the run state has missing fields {sorted(missing)} or unknown fields {sorted(extra)}")
    if data["story"] != story.id:
        raise EngineError(f"the run belongs to story '{data['story']}', not '{story.id}'")
    seed = data["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise EngineError("'seed' must be a whole number from 0 to 2**63-1")
    scene = data["scene"]
    if not isinstance(scene, str) or scene not in story.scenes:
        raise EngineError(f"the run is in scene {scene!r}, which this story does not have")
    variables = data["variables"]
    if not isinstance(variables, dict) or set(variables) != set(story.variables):
        raise EngineError("the run's variables do not match the story's")
    for name, value in variables.items():
        variable = story.variables[name]
        if type_of_value(value) != variable.type:
            raise EngineError(f"variable '{name}' must hold {variable.type}")
        if isinstance(value, str) and len(value) > MAX_TEXT_VALUE:
            raise EngineError(f"variable '{name}' is longer than {MAX_TEXT_VALUE:,} characters")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_LIMIT:
            raise EngineError(f"variable '{name}' is outside +/-{INT_LIMIT:,}")
    items = data["items"]
    if not isinstance(items, list) or not all(isinstance(i, str) and i in story.items for i in items):
        raise EngineError("the run carries items this story does not have")
    log = data["log"]
    if not isinstance(log, list) or len(log) > MAX_LOG:
        raise EngineError("'log' must be a list of [scene, choice] pairs")
    for entry in log:
        if (not isinstance(entry, list) or len(entry) != 2 or entry[0] not in story.scenes
                or not isinstance(entry[1], str) or f"{entry[0]}.{entry[1]}" not in story.choice_index):
            raise EngineError(f"the log names a step {entry!r} that this story does not have")
    ending = data["ending"]
    if ending is not None and ending != story.scenes[scene].ending:
        raise EngineError(f"the run's ending {ending!r} does not match its scene")
    return RunState(
        story_id=story.id,
        seed=seed,
        scene=scene,
        variables=dict(variables),
        items=set(items),
        visits=_counts(data["visits"], "visits", story.scenes),
        chosen=_counts(data["chosen"], "chosen", story.choice_index),
        turn=_count(data["turn"], "'turn'"),
        draws=_count(data["draws"], "'draws'", MAX_LOG),
        log=[(scene_id, choice_id) for scene_id, choice_id in log],
        ending=ending,
    )

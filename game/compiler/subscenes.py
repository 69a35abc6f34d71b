"""Subscenes: scenes entered with `goto: {call: scene}` that come back with `goto: return`.

A call remembers the calling scene; a return re-enters the scene that made the latest call. The story
model has no stack, so each return's possible destinations are worked out here, once every scene is
known: the scenes that call a subscene the return belongs to. A subscene is the called scene and every
scene its plain moves reach (a call inside it comes back inside it). Two rules keep every run's stack
sound and small: a return must not be reachable without a call (it would have nowhere to go), and a
subscene must not call itself, directly or through others (each call would wait for one more return).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from game.compiler.analysis import closure
from game.model import CALL, RETURN, Branch, Scene, Target


@dataclass(frozen=True, slots=True)
class Problem:
    scene: str
    choice: str
    message: str
    code: str


@dataclass(slots=True)
class Links:
    callers: dict[str, set[str]] = field(default_factory=dict)  # scene -> the scenes a return in it goes back to
    problems: list[Problem] = field(default_factory=list)


def _plain_next(scenes: Mapping[str, Scene]):  # noqa: ANN202
    """Where a scene's plain moves lead: its gotos and stays; a call comes back to the caller and a return
    leaves, so neither adds a scene."""

    def following(scene_id: str) -> set[str]:
        return {
            destination
            for choice in scenes[scene_id].all_choices
            if choice.move not in (CALL, RETURN)
            for destination in choice.destinations
        }

    return following


def link(scenes: Mapping[str, Scene], start: str) -> Links:
    """Each scene's possible return destinations, and the problems of the story's calls and returns."""
    calls, returns = [], False
    for scene_id, scene in scenes.items():
        for choice in scene.all_choices:
            if choice.move == CALL:
                calls.append((scene_id, choice.id, choice.destinations[0]))
            returns = returns or choice.move == RETURN
    if not calls and not returns:  # most stories: nothing to link, and no walk over the whole story
        return Links()
    following = _plain_next(scenes)
    groups = {callee: closure([callee], following) for callee in {callee for _, _, callee in calls}}
    links = Links()
    for caller, _, callee in calls:
        for scene_id in groups[callee]:
            links.callers.setdefault(scene_id, set()).add(caller)
    top = closure([start], following)
    for scene_id in sorted(top):
        for choice in scenes[scene_id].all_choices:
            if choice.move == RETURN:
                links.problems.append(
                    Problem(
                        scene_id,
                        choice.id,
                        f"scene '{scene_id}' can be reached from the start without a call, so 'goto: return' "
                        f"would have nowhere to go; lead into it with 'goto: {{call: ...}}' only",
                        "bad-return",
                    )
                )
    called_by_group = {
        callee: {inner for scene_id, _, inner in calls if scene_id in group} for callee, group in groups.items()
    }
    for caller, choice_id, callee in calls:
        again = closure([callee], lambda c: called_by_group.get(c, set()))
        if any(caller in groups[inner] for inner in again):
            links.problems.append(
                Problem(
                    caller,
                    choice_id,
                    f"subscene '{callee}' leads back to this call, so every pass would wait for one more return; "
                    "lead on with a plain goto instead",
                    "call-cycle",
                )
            )
    return links


def with_returns(scene: Scene, callers: set[str]) -> Scene:
    """The scene with its returns leading to `callers`."""
    back = (Branch(None, Target(tuple(sorted(callers)))),)
    choices = tuple(replace(c, goto=back) if c.move == RETURN else c for c in scene.choices)
    fallback = scene.fallback
    if fallback is not None and fallback.move == RETURN:
        fallback = replace(fallback, goto=back)
    return replace(scene, choices=choices, fallback=fallback)

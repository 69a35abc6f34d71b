"""Subscenes: scenes entered with `goto: {call: scene}` that come back with `goto: return`.

A call remembers the calling scene; a return re-enters the scene that made the latest call. The story
model has no stack, so each return's possible destinations are worked out here, once every scene is
known: the scenes that call a subscene the return belongs to. A subscene is the called scene and every
scene its plain moves reach (a call inside it comes back inside it). Two rules keep every run's stack
sound and small: a return must not be reachable without a call (it would have nowhere to go), and a
subscene must not call itself, directly or through others (each call would wait for one more return).
Working this out visits scenes once per subscene that reaches them, which can grow with the square of the
story: the visits are counted, and past `MAX_SUBSCENE_WORK` the story is refused (`too-large`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from game.compiler.analysis import closure
from game.compiler.limits import MAX_SUBSCENE_WORK
from game.i18n import _
from game.model import CALL, RETURN, Branch, Scene, Target

T = TypeVar("T", bound=Collection)


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

    known: dict[str, set[str]] = {}  # each scene's, worked out once: every subscene that reaches it asks

    def following(scene_id: str) -> set[str]:
        found = known.get(scene_id)
        if found is None:
            found = known[scene_id] = {
                destination
                for choice in scenes[scene_id].all_choices
                if choice.move not in (CALL, RETURN)
                for destination in choice.destinations
            }
        return found

    return following


class _TooMuch(Exception):
    """The work of linking went past `MAX_SUBSCENE_WORK`."""


class _Work:
    """Counts the scenes and moves the linking visits."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise _TooMuch

    def counted(self, found: T) -> T:
        self.spend(len(found) + 1)
        return found


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
    links = Links()
    try:
        _link(scenes, start, calls, links, _Work(MAX_SUBSCENE_WORK))
    except _TooMuch:
        caller, choice_id, _callee = calls[0] if calls else (start, "", "")
        message = _(
            "working out where the story's 'goto: return' can lead takes over {limit:,} steps "
            "(many subscenes, each reaching many scenes); call fewer subscenes, or keep each one small"
        ).format(limit=MAX_SUBSCENE_WORK)
        links = Links(problems=[Problem(caller, choice_id, message, "too-large")])
    return links


def _link(
    scenes: Mapping[str, Scene], start: str, calls: list[tuple[str, str, str]], links: Links, work: _Work
) -> None:
    following = _plain_next(scenes)

    def plain(scene_id: str) -> set[str]:
        return work.counted(following(scene_id))

    groups: dict[str, set[str]] = {}
    member_of: dict[str, list[str]] = {}  # scene -> the callees whose subscene holds it
    for callee in dict.fromkeys(callee for _caller, _choice, callee in calls):
        groups[callee] = closure([callee], plain)
        for scene_id in groups[callee]:
            member_of.setdefault(scene_id, []).append(callee)
    for caller, _choice, callee in calls:
        work.spend(len(groups[callee]))
        for scene_id in groups[callee]:
            links.callers.setdefault(scene_id, set()).add(caller)
    top = closure([start], plain)
    for scene_id in sorted(top):
        for choice in scenes[scene_id].all_choices:
            if choice.move == RETURN:
                links.problems.append(
                    Problem(
                        scene_id,
                        choice.id,
                        _(
                            "scene '{scene}' can be reached from the start without a call, so 'goto: return' "
                            "would have nowhere to go; lead into it with 'goto: {{call: ...}}' only"
                        ).format(scene=scene_id),
                        "bad-return",
                    )
                )
    called_by_group: dict[str, set[str]] = {callee: set() for callee in groups}  # the calls inside each subscene
    for scene_id, _choice, inner in calls:
        for callee in member_of.get(scene_id, ()):
            work.spend(1)
            called_by_group[callee].add(inner)
    reached: dict[str, set[str]] = {}  # the subscenes each subscene's calls lead into, itself included
    for caller, choice_id, callee in calls:
        if callee not in reached:
            reached[callee] = closure([callee], lambda c: work.counted(called_by_group.get(c, set())))
        work.spend(len(member_of.get(caller, ())))
        if any(inner in reached[callee] for inner in member_of.get(caller, ())):  # the caller is in one of them
            links.problems.append(
                Problem(
                    caller,
                    choice_id,
                    _(
                        "subscene '{scene}' leads back to this call, so every pass would wait for one more return; "
                        "lead on with a plain goto instead"
                    ).format(scene=callee),
                    "call-cycle",
                )
            )


def with_returns(scene: Scene, callers: set[str]) -> Scene:
    """The scene with its returns leading to `callers`."""
    back = (Branch(None, Target(tuple(sorted(callers)))),)
    choices = tuple(replace(c, goto=back) if c.move == RETURN else c for c in scene.choices)
    fallback = scene.fallback
    if fallback is not None and fallback.move == RETURN:
        fallback = replace(fallback, goto=back)
    return replace(scene, choices=choices, fallback=fallback)

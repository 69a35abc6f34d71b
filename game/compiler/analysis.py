"""Whole-story checks that need the finished graph: reachability, endings, unused names."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from game.model import Story

# Report a warning: where (a scene id, or None for the manifest), the path of the field under it, message, code.
Warn = Callable[[str | None, tuple[Any, ...], str, str], None]


@dataclass
class Usage:
    """What the story reads and writes, for the unused-variable and unused-item warnings."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)


def successors(story: Story) -> dict[str, set[str]]:
    """Each scene's possible next scenes, ignoring conditions."""
    return {sid: {d for c in scene.all_choices for d in c.destinations} for sid, scene in story.scenes.items()}


def closure(starts: Iterable[Hashable], neighbours: Callable[[Any], Iterable[Hashable]]) -> set:
    """Everything reachable from `starts` by following `neighbours` (the starts included)."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in neighbours(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def reachable(story: Story, graph: dict[str, set[str]] | None = None) -> set[str]:
    """Scenes some path from the start leads to (conditions ignored)."""
    graph = graph or successors(story)
    return closure([story.start], graph.__getitem__)


def can_end(story: Story, graph: dict[str, set[str]]) -> set[str]:
    """Scenes from which some path reaches an ending scene."""
    incoming: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for source, targets in graph.items():
        for target in targets:
            incoming[target].add(source)
    return closure((sid for sid, scene in story.scenes.items() if scene.ending), incoming.__getitem__)


def warn(story: Story, usage: Usage, report: Warn) -> None:
    """Report the warnings of a story that has no errors."""
    graph = successors(story)
    seen = reachable(story, graph)
    ending_ok = can_end(story, graph)

    def scene_warning(scene_id: str, message: str, code: str, *path: Any) -> None:
        report(scene_id, path, message, code)

    for scene_id, scene in story.scenes.items():
        if scene_id not in seen:
            scene_warning(
                scene_id, f"scene '{scene_id}' cannot be reached from the start ('{story.start}')", "unreachable-scene"
            )
        elif scene_id not in ending_ok:
            scene_warning(scene_id, f"no path from scene '{scene_id}' reaches an ending", "no-ending-path")
        if scene.choices and not scene.fallback and all(c.condition is not None for c in scene.choices):
            scene_warning(
                scene_id,
                f"every choice of scene '{scene_id}' has an 'if' and there is no fallback: the player can be stuck",
                "no-fallback",
            )
    reached_endings = {story.scenes[s].ending for s in seen if story.scenes[s].ending}
    for i, ending_id in enumerate(story.endings):
        if ending_id not in reached_endings:
            report(None, ("endings", i), f"no reachable scene ends in '{ending_id}'", "unreached-ending")
    for name, variable in story.variables.items():
        if name not in usage.reads and variable.show == "hidden":
            report(
                None,
                ("variables", name),
                f"variable '{name}' is never read (use it in a condition or text, or show it with 'show: stat')",
                "unused-variable",
            )
    for item_id in story.items:
        if item_id not in usage.items:
            report(None, ("items", item_id), f"item '{item_id}' is never given, taken or checked", "unused-item")

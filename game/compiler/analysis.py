"""Whole-story checks that need the finished graph: reachability, endings, unused names."""

from __future__ import annotations

import difflib
import re
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from game.compiler.limits import MAX_SUGGESTION_CANDIDATES
from game.i18n import _
from game.model import Story

# Report a warning: where (a scene id, or None for the manifest), the path of the field under it, message, code.
Warn = Callable[[str | None, tuple[Any, ...], str, str], None]


@dataclass
class Usage:
    """What the story reads and writes, for the unused-variable and unused-item warnings, and what could
    not be read because of an error (the warnings that depend on it are skipped)."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)
    unchecked: list[str] = field(default_factory=list)  # texts not compiled: any name in them may be used there
    graph_complete: bool = True  # false when a scene, a file or a goto failed: the map has holes

    def unchecked_words(self) -> set[str]:
        """The words of the texts that could not be compiled."""
        return {word for text in self.unchecked for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)}


class Words:
    """The words of the parts that failed, by first letter and length, to find a misspelling of a name
    among them without looking at every word for every name."""

    def __init__(self, words: set[str]) -> None:
        self.words = words
        self.by_start: dict[tuple[str, int], list[str]] = {}
        for word in words:
            self.by_start.setdefault((word[:1].lower(), len(word)), []).append(word)

    def near(self, name: str) -> list[str]:
        """Words that start like `name` and are within two letters of its length (a bounded number)."""
        found: list[str] = []
        for size in range(len(name) - 2, len(name) + 3):
            found += self.by_start.get((name[:1].lower(), size), ())
        return found[:MAX_SUGGESTION_CANDIDATES]


def maybe_used(name: str, words: set[str] | Words) -> bool:
    """Whether `name`, or a misspelling of it (`courge`), is among the words of a part that failed."""
    index = words if isinstance(words, Words) else Words(words)
    if name in index.words:
        return True
    return bool(difflib.get_close_matches(name, index.near(name), n=1, cutoff=0.8))


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


def components(edges: list[set[int]]) -> list[list[int]]:
    """The strongly connected components of a graph of numbered nodes (Tarjan's algorithm, without
    recursion), each a list of its nodes; a component comes after every component it leads to."""
    index = [-1] * len(edges)  # -1: not visited yet
    low = [0] * len(edges)
    on_stack = [False] * len(edges)
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(len(edges)):
        if index[root] >= 0:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, neighbours = work[-1]
            for nxt in neighbours:
                if index[nxt] < 0:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, iter(edges[nxt])))
                    break
                if on_stack[nxt]:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = False
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
    return found


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
    """Report the warnings of a story. A story with errors may be missing scenes, gotos or expressions:
    the map's warnings then wait for a whole map, and a name that a broken part may use is not unused."""
    if usage.graph_complete:
        warn_map(story, report)
    for scene_id, scene in story.scenes.items():
        if scene.choices and not scene.fallback and all(c.condition is not None for c in scene.choices):
            message = _("every choice of scene '{scene}' has an 'if' and there is no fallback: the player can be stuck")
            report(scene_id, (), message.format(scene=scene_id), "no-fallback")
    warn_unused(story, usage, report)


def warn_map(story: Story, report: Warn) -> None:
    """Scenes nothing leads to, scenes with no way to an ending, endings nothing reaches."""
    graph = successors(story)
    seen = reachable(story, graph)
    ending_ok = can_end(story, graph)

    def scene_warning(scene_id: str, message: str, code: str, *path: Any) -> None:
        report(scene_id, path, message, code)

    for scene_id, scene in story.scenes.items():
        if scene_id not in seen:
            message = _("scene '{scene}' cannot be reached from the start ('{start}')")
            scene_warning(scene_id, message.format(scene=scene_id, start=story.start), "unreachable-scene")
        elif scene_id not in ending_ok and (scene.all_choices or scene.ending):  # else a dead-end error
            message = _("no path from scene '{scene}' reaches an ending")
            scene_warning(scene_id, message.format(scene=scene_id), "no-ending-path")
    reached_endings = {story.scenes[s].ending for s in seen if story.scenes[s].ending}
    for i, ending_id in enumerate(story.endings):
        if ending_id not in reached_endings:
            message = _("no reachable scene ends in '{ending}'").format(ending=ending_id)
            report(None, ("endings", i), message, "unreached-ending")


def warn_unused(story: Story, usage: Usage, report: Warn) -> None:
    """Variables nothing reads (an effect reading the variable it changes is no reader), unused items."""
    words = Words(usage.unchecked_words())
    for name, variable in story.variables.items():
        if name in usage.reads or maybe_used(name, words):
            continue
        if variable.show == "hidden":
            message = _(
                "variable '{name}' is never read (use it in a condition or text, or show it with 'show: stat')"
            ).format(name=name)
        else:
            message = _(
                "variable '{name}' is shown to the player (show: {show}) but no condition or text reads "
                "it, so it changes nothing in the story (use it in a condition or text, or remove it)"
            ).format(name=name, show=variable.show)
        report(None, ("variables", name), message, "unused-variable")
    for item_id in story.items:
        if item_id not in usage.items and not maybe_used(item_id, words):
            message = _("item '{item}' is never given, taken or checked").format(item=item_id)
            report(None, ("items", item_id), message, "unused-item")

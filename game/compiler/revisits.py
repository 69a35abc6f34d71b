"""The warning for a scene that prints the same text every time the player comes back to it: a text with
nothing in it that changes, or a long one that does not change with visits."""

from __future__ import annotations

from game.compiler.analysis import Warn, components, reachable
from game.i18n import _, ngettext
from game.model import STAY, VISITS_READ, Choice, Scene, Story

LONG = 100  # words: a text this long that reads the same on return is a wall the player reads again


def words(text: str) -> int:
    return len(text.split())


def _count(text: str) -> str:
    number = words(text)
    return ngettext("{count} word", "{count} words", number).format(count=number)


def changes_on_return(scene: Scene) -> bool:
    """Whether coming back reads differently enough: a revisit text, text that reads `visits` or
    `visited()` of the scene itself, or a short text that shows anything of the run's state."""
    text = scene.text
    if scene.revisit_text is not None or text is None:  # None: the text did not compile (reported already)
        return True
    if VISITS_READ in text.reads or any(ref.kind == "scene" and ref.name == scene.id for ref in text.refs):
        return True
    return text.fn is not None and words(text.source) < LONG


def entering(story: Story) -> dict[str, list[Choice]]:
    """For each scene, the choices that enter it (a choice that stays enters nothing)."""
    ways_in: dict[str, list[Choice]] = {scene_id: [] for scene_id in story.scenes}
    for scene in story.scenes.values():
        for choice in scene.all_choices:
            if choice.move != STAY:
                for destination in choice.destinations:
                    ways_in[destination].append(choice)
    return ways_in


def _on_a_cycle(story: Story, ways_in: dict[str, list[Choice]]) -> set[str]:
    """The scenes a path can enter again: those in a cycle of the graph of entering moves (found once,
    as its strongly connected components, not by a search from every scene)."""
    number = {scene_id: i for i, scene_id in enumerate(story.scenes)}
    names = list(story.scenes)
    edges: list[set[int]] = [set() for _ in names]
    for destination, choices in ways_in.items():
        for choice in choices:
            edges[number[choice.key.partition(".")[0]]].add(number[destination])
    again: set[str] = set()
    for component in components(edges):
        if len(component) > 1 or component[0] in edges[component[0]]:
            again.update(names[i] for i in component)
    return again


def warn_same_text(story: Story, report: Warn) -> None:
    """Warn about each reachable scene that a path enters again and whose text cannot change on return.
    A scene entered only through one once-only choice is entered once at most."""
    ways_in = entering(story)
    again = _on_a_cycle(story, ways_in)
    for scene_id in sorted(reachable(story)):
        scene, into = story.scenes[scene_id], ways_in[scene_id]
        if scene.ending or changes_on_return(scene):
            continue
        if scene_id != story.start and len(into) == 1 and into[0].once:
            continue
        if scene_id in again:
            message = _(
                "scene '{scene}' can be entered again, and its text ({words}) does not "
                "change with visits: give it a 'revisit_text', use 'visits' in its text, or keep the player in it "
                "with 'stay: true' choices"
            )
            report(
                scene_id, ("text",), message.format(scene=scene_id, words=_count(scene.text.source)), "same-text-again"
            )

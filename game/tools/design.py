"""Design measures of a story, for authors and for the campaigns' tests: which choices have consequences,
which scenes are cosmetic, where each shown meter is read and which way its effects move it, and how
many distinct routes random runs take.

- A choice has **consequences** when it changes the run's state (an effect, or a `once` choice, whose
  taking is remembered), leads somewhere a sibling choice does not, has a conditional or random target,
  or is read elsewhere with `chosen()`.
- A scene is **cosmetic** when none of its choices has consequences: whatever the player picks, the
  same thing happens next and nothing is remembered.
- A meter (a number variable shown with `show: stat`) is **read** in a chapter when a condition, a
  target's condition or a text of a scene in that chapter reads it. An effect **raises** it when it adds
  a positive amount (`+= 2`, `-= -1`) or sets it to a value above its minimum, and **lowers** it the
  other way; amounts that depend on other variables count in the direction of each number they hold.
- A **route** is the order in which a run rules endings out, and the ending it reaches. Each scene has
  the endings its map can still lead to (every target of every choice followed, conditions aside);
  when that set shrinks, the run has passed a turning point. Two runs that pass the same turning points
  in the same order and end the same way took the same route, whatever detours they made between them;
  `routes` counts the routes that at least a given share of the runs take (a route almost nobody takes
  is not one a player will find).

No I/O here.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from game.model import INT, STAY, Choice, Effect, Expr, Scene, Story, Template


def flat_effects(effects: Iterable[Effect]) -> Iterator[Effect]:
    """Every statement that sets a variable or an item, the branches of conditional effects included."""
    return (inner for effect in effects for inner in effect.walk() if inner.condition is None)


def chosen_keys(story: Story) -> set[str]:
    """The choices some condition or text reads with `chosen()` ("scene.choice")."""
    keys: set[str] = set()
    for scene in story.scenes.values():
        for part, _ in _readers(scene):
            keys.update(ref.name for ref in part.refs if ref.kind == "choice")
    return keys


def _readers(scene: Scene) -> Iterator[tuple[Expr | Template, str | None]]:
    """Every expression and text of a scene that can read the run's state, each with the variable it
    changes (an effect's amount), whose reading there does not count: `x += 1` changes x, it does not use it."""
    for part in (scene.text, scene.revisit_text):
        if part is not None:
            yield part, None
    for choice in scene.all_choices:
        for reader in (choice.text, choice.outcome, choice.disabled_text, choice.condition):
            if reader is not None:
                yield reader, None
        for branch in choice.goto:
            if branch.condition is not None:
                yield branch.condition, None
        for effect in choice.effects:
            yield from _effect_readers(effect)
    for effect in scene.on_enter:
        yield from _effect_readers(effect)


def _effect_readers(effect: Effect) -> Iterator[tuple[Expr | Template, str | None]]:
    if effect.condition is not None:
        yield effect.condition, None
        for inner in (*effect.then, *effect.otherwise):
            yield from _effect_readers(inner)
    elif effect.value is not None:
        yield effect.value, effect.variable


def _where(choice: Choice, scene: Scene) -> tuple[str, ...]:
    return (scene.id,) if choice.move == STAY else choice.destinations


def has_consequences(choice: Choice, scene: Scene, read_by_chosen: set[str]) -> bool:
    """Whether taking `choice` rather than another of `scene`'s changes anything (see the module's text)."""
    if choice.effects or choice.once or choice.key in read_by_chosen:
        return True
    if len(choice.goto) > 1 or len(choice.destinations) > 1 or any(b.condition is not None for b in choice.goto):
        return True
    return any(_where(other, scene) != _where(choice, scene) for other in scene.all_choices)


@dataclass(frozen=True)
class MeterUse:
    """A shown meter: the chapters that read it, and how many effects raise and lower it."""

    name: str
    label: str
    chapters: tuple[str, ...]
    rises: int
    falls: int

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "chapters": list(self.chapters),
            "rises": self.rises,
            "falls": self.falls,
        }


def _numbers(node: ast.AST) -> list[float]:
    """The numbers written in an amount, each with its sign (`-2` is -2; `x - 2` counts 2 as -2)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return [node.value]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return [-n for n in _numbers(node.operand)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return _numbers(node.left) + [-n for n in _numbers(node.right)]
    if isinstance(node, ast.Compare):  # a test's numbers are not amounts
        return []
    return [n for child in ast.iter_child_nodes(node) for n in _numbers(child)]


def directions(effect: Effect, minimum: int, maximum: int) -> tuple[bool, bool]:
    """(raises, lowers) for one effect on a meter, read from its source (`x += 1`, `x = 0`, ...)."""
    source = effect.source
    for operator, sign in (("+=", 1), ("-=", -1)):
        if operator in source:
            amounts = _parse(source.split(operator, 1)[1])
            return any(sign * n > 0 for n in amounts), any(sign * n < 0 for n in amounts)
    value = _parse(source.split("=", 1)[1]) if "=" in source else []
    if len(value) == 1 and _is_constant(source):
        return value[0] > minimum, value[0] < maximum
    return any(n > 0 for n in value), any(n < 0 for n in value)


def _is_constant(source: str) -> bool:
    try:
        node = ast.parse(source.split("=", 1)[1].strip(), mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Constant) or (isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant))


def _parse(expression: str) -> list[float]:
    try:
        return _numbers(ast.parse(expression.strip(), mode="eval").body)
    except SyntaxError:
        return []


def meter_uses(story: Story) -> list[MeterUse]:
    """Each shown number meter: where it is read and which ways its effects move it."""
    meters = {name: v for name, v in story.variables.items() if v.show == "stat" and v.type == INT}
    chapters: dict[str, list[str]] = {name: [] for name in meters}
    moves: dict[str, list[int]] = {name: [0, 0] for name in meters}
    for scene in story.scenes.values():
        read = {name for part, changed in _readers(scene) for name in part.reads if name != changed}
        for name in meters:
            if name in read and scene.chapter not in chapters[name]:
                chapters[name].append(scene.chapter)
        effects = [*scene.on_enter, *(e for c in scene.all_choices for e in c.effects)]
        for effect in flat_effects(effects):
            meter = meters.get(effect.variable or "")
            if meter is not None:
                up, down = directions(
                    effect, meter.minimum or 0, meter.maximum if meter.maximum is not None else 1 << 30
                )
                moves[effect.variable][0] += up  # type: ignore[index]
                moves[effect.variable][1] += down  # type: ignore[index]
    return [
        MeterUse(name, meter.label or name, tuple(chapters[name]), moves[name][0], moves[name][1])
        for name, meter in meters.items()
    ]


@dataclass(frozen=True)
class Design:
    """The static measures of a story (see the module's text)."""

    choices: int  # every choice of the scenes that are not endings, fallbacks included
    with_consequences: int
    scenes: int  # scenes that are not endings
    cosmetic: tuple[str, ...]  # ids of the cosmetic scenes
    meters: tuple[MeterUse, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "choices": self.choices,
            "with_consequences": self.with_consequences,
            "scenes": self.scenes,
            "cosmetic": list(self.cosmetic),
            "meters": [m.as_dict() for m in self.meters],
        }


def design(story: Story) -> Design:
    read_by_chosen = chosen_keys(story)
    playable = [scene for scene in story.scenes.values() if not scene.ending]
    counted = 0
    cosmetic: list[str] = []
    choices = 0
    for scene in playable:
        matters = [has_consequences(choice, scene, read_by_chosen) for choice in scene.all_choices]
        choices += len(matters)
        counted += sum(matters)
        if not any(matters):
            cosmetic.append(scene.id)
    return Design(choices, counted, len(playable), tuple(cosmetic), tuple(meter_uses(story)))


Route = tuple[frozenset[str], ...]  # the endings still open after each turning point, the last one alone


def futures(story: Story) -> dict[str, frozenset[str]]:
    """For each scene, the endings the map can still lead to from it (conditions aside)."""
    onward: dict[str, set[str]] = {scene_id: set() for scene_id in story.scenes}
    for scene in story.scenes.values():
        for choice in scene.all_choices:
            if choice.move != STAY:
                onward[scene.id].update(choice.destinations)
    found: dict[str, frozenset[str]] = {}
    for start in story.scenes:
        seen, stack = {start}, [start]
        while stack:
            for after in onward[stack.pop()]:
                if after not in seen:
                    seen.add(after)
                    stack.append(after)
        found[start] = frozenset(e for e in (story.scenes[s].ending for s in seen) if e)
    return found


def route_of(path: Iterable[str], open_endings: dict[str, frozenset[str]]) -> Route:
    """The turning points of a run through the scenes of `path`, in order (see the module's text)."""
    route: list[frozenset[str]] = []
    for scene in path:
        ahead = open_endings[scene]
        if not route or route[-1] != ahead:
            route.append(ahead)
    return tuple(route)


def routes(runs: Iterable[Route], share: float = 0.01) -> Counter:
    """The routes that at least `share` of the runs take, with their counts. `runs`: one route per run
    that ended."""
    taken = Counter(runs)
    total = sum(taken.values())
    return Counter({route: count for route, count in taken.items() if count >= share * total})

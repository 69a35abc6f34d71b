"""The validated, immutable story: content only, no run state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from game.model.compiled import Effect, Expr, Template, Value


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    initial: Value
    type: str
    minimum: int | None = None
    maximum: int | None = None
    label: str = ""
    show: str = "hidden"  # hidden | stat | companion
    good: str = "high"  # high | low: which end of a meter the player wants (suspicion: low)


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    title: str
    kind: str  # good | bad | bittersweet | neutral
    canon: bool = False
    hint: str = ""  # the author's clue, shown in the endings gallery while the ending is not found


@dataclass(frozen=True, slots=True)
class Target:
    """A fixed scene, or weighted scenes drawn from the run's generator."""

    scenes: tuple[str, ...]
    weights: tuple[int, ...] = ()

    @property
    def is_random(self) -> bool:
        return bool(self.weights)


@dataclass(frozen=True, slots=True)
class Branch:
    """One `goto` branch: taken when `condition` holds (or always, when it is None)."""

    condition: Expr | None
    target: Target


# How a choice moves the run (`Choice.move`).
GOTO = "goto"  # to the scene(s) of its goto
STAY = "stay"  # nowhere: the player stays in the scene, which is not entered again
CALL = "call"  # into a subscene, remembering the scene to come back to
RETURN = "return"  # back to the scene the subscene was called from (its possible scenes are the destinations)


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    key: str  # "scene.choice": unique in the story, the machine's trigger
    text: Template
    goto: tuple[Branch, ...]
    condition: Expr | None = None
    disabled_text: Template | None = None
    once: bool = False
    effects: tuple[Effect, ...] = ()
    outcome: Template | None = None
    is_fallback: bool = False
    move: str = GOTO
    destinations: tuple[str, ...] = field(init=False)  # every scene it can lead to, in order of first mention

    def __post_init__(self) -> None:
        seen = dict.fromkeys(scene for branch in self.goto for scene in branch.target.scenes)
        object.__setattr__(self, "destinations", tuple(seen))


@dataclass(frozen=True, slots=True)
class Scene:
    id: str
    title: str
    text: Template
    revisit_text: Template | None = None  # shown instead of `text` from the second visit on
    chapter: str = ""
    on_enter: tuple[Effect, ...] = ()
    choices: tuple[Choice, ...] = ()
    fallback: Choice | None = None
    ending: str | None = None
    source: str = ""  # "path:line" of its definition

    def prose(self, visits: int) -> Template:
        """The text for this visit (the first is 1)."""
        return self.revisit_text if visits > 1 and self.revisit_text is not None else self.text

    @property
    def all_choices(self) -> tuple[Choice, ...]:
        return self.choices + ((self.fallback,) if self.fallback else ())

    def choice(self, choice_id: str) -> Choice | None:
        """The choice (or fallback) with this id."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        if self.fallback is not None and self.fallback.id == choice_id:
            return self.fallback
        return None


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Story:
    id: str
    title: str
    blurb: str
    start: str
    variables: Mapping[str, Variable]
    items: Mapping[str, Item]
    endings: Mapping[str, Ending]
    scenes: Mapping[str, Scene]
    author: str = ""
    path: str = ""
    content_hash: str = ""
    language: str = "en"  # the language of its texts: the source's, or a translation's (game.compiler.translation)
    choice_index: Mapping[str, Choice] = field(default_factory=dict)  # by "scene.choice" key

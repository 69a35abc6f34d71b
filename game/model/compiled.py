"""Compiled story content as the engine uses it: expressions, texts and effects, and the `Scope` they read.

The compiler (`game.compiler`) makes these from the author's text; the model only holds them. Every
compiled function takes one argument, a `Scope`, and reads nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Any

INT, BOOL, STR = "number", "true/false", "text"  # the language's three types, as messages name them
INT_LIMIT = 1_000_000_000  # every whole number stays within +/- this
MAX_TEXT_VALUE = 10_000  # characters a text variable can hold, and any text an expression makes
MAX_RENDERED_TEXT = 100_000  # characters of one rendered text; the rest is cut, with CUT_NOTE in its place
CUT_NOTE = f"\n\n[The rest of this text is not shown: a text shows at most {MAX_RENDERED_TEXT:,} characters.]"

Value = int | bool | str


def type_of_value(value: object) -> str | None:
    """The language type of a value, or None if the language has no such type."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, str):
        return STR
    return None


class Scope:
    """What a story's expressions and texts can read: the run's variables and items, how often each scene
    was entered and each choice taken, the turn, and how often the current scene was entered (`visits`)."""

    __slots__ = ("variables", "items", "visits", "chosen", "turn", "here")

    def __init__(
        self,
        variables: Mapping[str, Value],
        items: Set[str],
        visits: Mapping[str, int],
        chosen: Mapping[str, int],
        turn: int = 0,
        here: int = 0,
    ) -> None:
        self.variables = variables
        self.items = items
        self.visits = visits
        self.chosen = chosen
        self.turn = turn
        self.here = here


@dataclass(frozen=True, slots=True)
class Reference:
    """A name an expression refers to that can only be checked once the whole story is known."""

    kind: str  # "scene", "choice" or "item"
    name: str
    offset: int  # where in the source text it is named


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled expression: `fn(scope)` is its value, of the language type `type`."""

    source: str
    type: str
    fn: Callable[[Scope], Any]
    reads: frozenset[str] = frozenset()  # variable names read (and "@turn", "@visits" for the built-ins)
    refs: tuple[Reference, ...] = ()
    nodes: int = 0  # its parts as written: what compiling it cost
    controls: tuple[tuple[int, str], ...] = ()  # (offset, character): what escapes in its text literals make


@dataclass(frozen=True, slots=True)
class Template:
    """Compiled story text; text without tags keeps `fn` None and renders as itself."""

    source: str
    fn: Callable[[Scope], str] | None = None
    reads: frozenset[str] = frozenset()
    refs: tuple[Reference, ...] = ()
    nodes: int = 0  # the parts of its expressions
    controls: tuple[tuple[int, str], ...] = ()

    def render(self, scope: Scope) -> str:
        return self.source if self.fn is None else self.fn(scope)


# A text with tags is a program of steps, run in order: (TEXT, text, 0) and (SHOW, expression, 0) add text;
# (UNLESS, condition, n) goes on at step n when the condition is false; (JUMP, None, n) goes on at step n;
# (HIT, probe, number) tells a coverage run that a branch was shown. No step nests in another, so the
# deepest {% if %} costs no more to compile or to run than the first.
TEXT, SHOW, UNLESS, JUMP, HIT = range(5)
Step = tuple[int, Any, int]


def render_steps(steps: tuple[Step, ...], scope: Scope) -> str:
    """The text the steps make for `scope`: at most `MAX_RENDERED_TEXT` characters are ever held (an
    expression's text is at most `MAX_TEXT_VALUE`); the rest is cut and `CUT_NOTE` says so."""
    parts: list[str] = []
    room = MAX_RENDERED_TEXT
    at, end = 0, len(steps)
    while at < end:
        op, arg, to = steps[at]
        at += 1
        if op == TEXT:
            piece = arg
        elif op == SHOW:
            piece = arg(scope)
        elif op == UNLESS:
            if not arg(scope):
                at = to
            continue
        elif op == JUMP:
            at = to
            continue
        else:
            arg(to)
            continue
        if len(piece) > room:
            parts += (piece[:room], CUT_NOTE)
            break
        room -= len(piece)
        parts.append(piece)
    return "".join(parts)


def text_function(steps: tuple[Step, ...]) -> Callable[[Scope], str]:
    """A compiled text's function of the scope."""

    def render(scope: Scope) -> str:
        return render_steps(steps, scope)

    return render


@dataclass(frozen=True, slots=True)
class Effect:
    """One statement: set `variable` to the value of `value`, or gain or lose `item`; or, with a
    `condition`, the effects `then` when it holds and `otherwise` when it does not."""

    source: str
    variable: str | None = None
    value: Expr | None = None
    item: str | None = None
    gain: bool = True
    condition: Expr | None = None
    then: tuple[Effect, ...] = ()
    otherwise: tuple[Effect, ...] = ()

    def walk(self) -> tuple[Effect, ...]:
        """This effect and every effect inside it (for tools that look at every statement)."""
        found: tuple[Effect, ...] = (self,)
        for inner in self.then + self.otherwise:
            found += inner.walk()
        return found


TURN_READ, VISITS_READ = "@turn", "@visits"  # recorded in `reads` when an expression uses the built-ins

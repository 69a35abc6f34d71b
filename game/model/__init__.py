"""The story model: validated, immutable content (what a story is), and the compiled forms it holds.

It imports nothing from the rest of the game: the compiler builds it, the engine plays it.
"""

from game.model.compiled import (
    BOOL,
    INT,
    INT_LIMIT,
    MAX_RENDERED_TEXT,
    MAX_TEXT_VALUE,
    STR,
    TURN_READ,
    VISITS_READ,
    Effect,
    Expr,
    Reference,
    Scope,
    Template,
    Value,
    type_of_value,
)
from game.model.story import CALL, GOTO, RETURN, STAY, Branch, Choice, Ending, Item, Scene, Story, Target, Variable

__all__ = [
    "BOOL",
    "CALL",
    "GOTO",
    "RETURN",
    "STAY",
    "INT",
    "INT_LIMIT",
    "MAX_RENDERED_TEXT",
    "MAX_TEXT_VALUE",
    "STR",
    "TURN_READ",
    "VISITS_READ",
    "Branch",
    "Choice",
    "Effect",
    "Ending",
    "Expr",
    "Item",
    "Reference",
    "Scene",
    "Scope",
    "Story",
    "Target",
    "Template",
    "Value",
    "Variable",
    "type_of_value",
]

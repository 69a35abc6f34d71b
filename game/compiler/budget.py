"""The budget of expressions a story may compile: how many there are (repeated ones too) and how many parts
the distinct ones have, which is what compiling costs, per file and for the whole story."""

from __future__ import annotations

from collections.abc import Hashable

from game.compiler.limits import (
    MAX_COMPILED_NODES_PER_FILE,
    MAX_COMPILED_NODES_PER_STORY,
    MAX_EXPRESSIONS_PER_FILE,
    MAX_EXPRESSIONS_PER_STORY,
)
from game.i18n import _

_TAGS = "{{ }} or {% %}"  # what makes a text an expression of its own (the messages' {tags})


class ExpressionBudget:
    """Counts each expression compiled (`charge`); once a cap is passed, the rest of the file (or of the
    story) is not compiled (`spent`)."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}  # expressions by file
        self.nodes: dict[str, int] = {}  # parts of the distinct expressions, by the file that brought them
        self.total = self.total_nodes = 0
        self.seen: set[Hashable] = set()
        self.closed: set[str] = set()  # files whose budget is spent
        self.story_closed = False

    def spent(self, path: str) -> bool:
        """Whether expressions of this file are no longer compiled."""
        return self.story_closed or path in self.closed

    def charge(self, path: str, key: Hashable, nodes: int) -> str | None:
        """Count one expression of `path` (`key`: what makes it distinct, `nodes`: its parts); the message
        of the cap it passes, or None."""
        self.count[path] = self.count.get(path, 0) + 1
        self.total += 1
        if key not in self.seen:
            self.seen.add(key)
            self.nodes[path] = self.nodes.get(path, 0) + nodes
            self.total_nodes += nodes
        if self.total > MAX_EXPRESSIONS_PER_STORY or self.total_nodes > MAX_COMPILED_NODES_PER_STORY:
            self.story_closed = True
            if self.total > MAX_EXPRESSIONS_PER_STORY:
                message = _(
                    "the story has over {limit:,} expressions (conditions, effects, and texts with {tags}): "
                    "the rest is not compiled"
                )
                return message.format(limit=MAX_EXPRESSIONS_PER_STORY, tags=_TAGS)
            message = _("the story's distinct expressions have over {limit:,} parts in all: the rest is not compiled")
            return message.format(limit=MAX_COMPILED_NODES_PER_STORY)
        if self.count[path] > MAX_EXPRESSIONS_PER_FILE or self.nodes.get(path, 0) > MAX_COMPILED_NODES_PER_FILE:
            self.closed.add(path)
            if self.count[path] > MAX_EXPRESSIONS_PER_FILE:
                message = _(
                    "this file has over {limit:,} expressions (conditions, effects, and texts with {tags}): "
                    "the rest of it is not compiled"
                )
                return message.format(limit=MAX_EXPRESSIONS_PER_FILE, tags=_TAGS)
            message = _(
                "the distinct expressions of this file have over {limit:,} parts in all: the rest of it is not compiled"
            )
            return message.format(limit=MAX_COMPILED_NODES_PER_FILE)
        return None

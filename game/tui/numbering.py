"""Choice numbers that stay put within one visit to a scene: a choice keeps the number it was first shown
with, a choice that disappears (once-only, or taken while staying) leaves a gap, and one that opens later
gets the next free number. A new visit numbers afresh from 1. No Textual here: the screen keeps one."""

from __future__ import annotations

from collections.abc import Hashable

from game.engine.game import Offer


class Numbering:
    """The numbers of one visit's choices; `visit` is any key that changes when the scene is entered again."""

    def __init__(self) -> None:
        self.visit: Hashable = None
        self.numbers: dict[str, int] = {}  # every choice numbered in this visit, gone ones included

    def update(self, visit: Hashable, offers: list[Offer]) -> dict[str, int]:
        """The numbers of this turn's enabled `offers`, keeping the ones this visit gave them before."""
        if visit != self.visit:
            self.visit, self.numbers = visit, {}
        for offer in offers:
            if offer.enabled and offer.id not in self.numbers:
                self.numbers[offer.id] = max(self.numbers.values(), default=0) + 1
        return {o.id: self.numbers[o.id] for o in offers if o.enabled}

"""A made-up language for tests: every message the code looks up comes back between two marks, so a line of
output without them was never looked up in the catalog (and would stay English in every language)."""

from __future__ import annotations

import gettext


class Marked(gettext.NullTranslations):
    """A catalog that translates every message into itself between `left` and `right`."""

    def __init__(self, left: str = "«", right: str = "»") -> None:
        super().__init__()
        self.left, self.right = left, right

    def gettext(self, message: str) -> str:
        return f"{self.left}{message}{self.right}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

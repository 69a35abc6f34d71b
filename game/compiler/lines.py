"""Line and column of a character index in a text, in time that does not grow with the index.

Newlines are counted once per block of `BLOCK` characters, as far as the questions reach, and kept as
two small tables: an answer then costs one scan within a block. A file of a million lines costs a few
thousand numbers, not a million (the index of every line start would cost more than the file).
"""

from __future__ import annotations

BLOCK = 4096


class LineIndex:
    """Where character indexes of one text are: `line_col(index)` is 1-based (line, column)."""

    __slots__ = ("text", "_lines", "_last_newline")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines = [0]  # newlines before the start of each block
        self._last_newline = [-1]  # the index of the last newline before the start of each block

    def _reach(self, block: int) -> None:
        text, lines, last = self.text, self._lines, self._last_newline
        while len(lines) <= block:
            start = (len(lines) - 1) * BLOCK
            end = start + BLOCK
            lines.append(lines[-1] + text.count("\n", start, end))
            found = text.rfind("\n", start, end)
            last.append(found if found >= 0 else last[-1])

    def line_col(self, index: int) -> tuple[int, int]:
        """1-based line and column of the character at `index` (clamped to the text)."""
        index = max(0, min(index, len(self.text)))
        block = index // BLOCK
        self._reach(block)
        start = block * BLOCK
        line = self._lines[block] + self.text.count("\n", start, index)
        newline = self.text.rfind("\n", start, index)
        if newline < 0:
            newline = self._last_newline[block]
        return line + 1, index - newline

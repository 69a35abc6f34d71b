"""Text from strangers (story strings, file names, save fields) made safe to show on a terminal or in the UI.

Every front end passes what it shows through `shown`: each character that a terminal could take as part
of a command, or that hides or reorders the text around it, becomes '?'. That is C0 controls (ESC, BEL,
carriage return...) and DEL, C1 controls (U+0080-U+009F, which some terminals read as ESC sequences),
bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width characters (U+200B-U+200D,
U+2060, U+FEFF) and every other character Python does not call printable (formats, line and paragraph
separators, private use, unassigned, surrogates). Newline and tab are kept where the caller shows
several lines. Spaces of every width (no-break, thin...) are kept: they print as spaces.

One '?' for one character, in prose as everywhere: the reader sees that something was there (a save name
that only looks like another, a story with a hidden character), and text keeps its length, so wrapping
is the same before and after.
"""

from __future__ import annotations

import unicodedata

REPLACEMENT = "?"


def shown(text: str, limit: int | None = 200, *, multiline: bool = False) -> str:
    """`text` with every control or otherwise unprintable character as '?' (so no escape sequence reaches a
    terminal), newlines and tabs kept when `multiline`, cut to `limit` characters with an ellipsis (None:
    never cut)."""
    kept = "\n\t" if multiline else ""
    part = text if limit is None else text[: limit + 1]
    safe = "".join(
        ch if ch.isprintable() or ch in kept or unicodedata.category(ch) == "Zs" else REPLACEMENT for ch in part
    )
    return safe if limit is None or len(safe) <= limit else safe[: limit - 1] + "…"

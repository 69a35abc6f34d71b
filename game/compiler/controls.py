"""Characters a story's text should not hold: control characters and the invisible ones that reorder or
hide text (bidi overrides, zero-width spaces). They reach the player only as the front ends make them
harmless, so a text that holds one is not what its author sees: `escape validate` warns about each."""

from __future__ import annotations

import re
import unicodedata

from game.i18n import _

CODE = "control-character"
# C0 but newline and tab, DEL, C1, bidi embeddings, overrides and isolates, zero-width spaces and joiners
# (U+200B-U+200D), the word joiner and the byte order mark (zero-width no-break space)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def first_unsafe(text: str) -> int:
    """The index of the first such character in `text`, or -1."""
    found = UNSAFE.search(text)
    return found.start() if found else -1


def describe(char: str) -> str:
    """'U+202E (right-to-left override)', or 'U+001B (a control character)' (Unicode's names are English)."""
    name = unicodedata.name(char, "").lower() or _("a control character")
    return f"U+{ord(char):04X} ({name})"


def in_text(char: str) -> str:
    """The warning for a character as written in a text."""
    message = _(
        "the text holds the invisible character {character}: the player does not see it as written, "
        "and it can hide or reorder the text around it; remove it"
    )
    return message.format(character=describe(char))


def in_literal(char: str) -> str:
    """The warning for a character that an escape in an expression's text in quotes makes."""
    message = _(
        "an escape in this text in quotes makes the invisible character {character}: the player does "
        "not see it as written, and it can hide or reorder the text around it; remove it"
    )
    return message.format(character=describe(char))

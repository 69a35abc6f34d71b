"""The template tokens as a regular expression: the reference the compiler's one-pass tokenizer is tested
against (it backtracks on long unclosed text, which is why the game itself does not use it)."""

from __future__ import annotations

import re

_BODY = r"(?:(?!%\}).)*"
TOKEN = re.compile(
    rf"(?P<line>^[ \t]*\{{%(?P<line_body>{_BODY})%\}}[ \t]*(?:\n|\Z))"
    rf"|\{{%(?P<tag>{_BODY})%\}}"
    r"|\{\{(?P<expr>(?:(?!\}\}).)*)\}\}",
    re.MULTILINE,
)

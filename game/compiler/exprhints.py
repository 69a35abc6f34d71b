"""Expression mistakes in the author's words: `=` for `==`, `&&`, `{{ }}` in a condition, curly quotes...

Python's parser says `invalid syntax` for most of them, or reads `{{ x }}` as a set. These checks find
the mistake itself, outside quoted text, and say the fix; each returns (index in the source, message).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from game.i18n import N_, _

CURLY_QUOTES = "\u2018\u2019\u201c\u201d"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = {  # translated where they are said
    "&&": N_("write 'and' instead of '&&'"),
    "||": N_("write 'or' instead of '||'"),
    "<>": N_("write != for 'not equal'"),
    "=>": N_("write >= for 'at least'"),
    "=<": N_("write <= for 'at most'"),
}
_STRAIGHTEN = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
_TWO_CHARS = ("==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "//", ":=")
_GAIN_WORDS = {"add", "get", "take", "give", "pick", "receive", "find"}
_LOSE_WORDS = {"remove", "drop", "use", "lost", "discard"}


def _unquoted(source: str) -> Iterator[int]:
    """The indexes of the characters of `source` outside quoted text."""
    quote = ""
    index = 0
    while index < len(source):
        char = source[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        else:
            yield index
        index += 1


def braces(source: str) -> tuple[int, str] | None:
    """`{{ nerve }} >= 5`: text's interpolation braces in a condition or an effect (Python reads a set)."""
    for index in _unquoted(source):
        if source.startswith(("{{", "}}", "{%", "%}"), index):
            bare = re.sub(r"\{\{|\}\}|\{%|%\}", " ", source)
            bare = " ".join(bare.split())
            message = _("drop the braces: {braces} is for text; here write the expression alone ({bare})")
            return index, message.format(braces="{{ }}", bare=bare)
    return None


def _operator(source: str, index: int, mode: str) -> str | None:
    """The hint for an operator a newcomer writes at `index`, if there is one."""
    pair = source[index : index + 2]
    if pair in _OPERATORS:
        return _(_OPERATORS[pair])
    if pair in _TWO_CHARS or source[index - 1 : index + 1] in _TWO_CHARS and index > 0:
        return None
    char = source[index]
    if char == "!":
        return _("write 'not' instead of '!'")
    if char == "=" and mode == "eval":
        return _("to compare, write == (a single = sets a variable, which only an effect does)")
    if char in CURLY_QUOTES:
        straight = source.strip().translate(_STRAIGHTEN)
        return _("'{char}' is a curly quote: write straight quotes, ' or \" ({straight})").format(
            char=char, straight=straight
        )
    return None


def _words(source: str, mode: str) -> tuple[int, str] | None:
    """Mistakes made of words: `else` without `if`, `and < 10`, `has 'x'`, `add papers`, `nerve++`."""
    words = [(m.start(), m.group()) for m in _WORD.finditer(source)]
    names = [w for _, w in words]
    if "else" in names and "if" not in names:
        return source.index("else"), _("'else' needs an 'if' before it: 'yes' if condition else 'no'")
    joined = re.search(r"([A-Za-z_]\w*)\s*(?:<=|>=|==|!=|<|>)[^<>=!]*?\b(and|or)\s*(<=|>=|==|!=|<|>)", source)
    if joined:
        name, word = joined.group(1), joined.group(2)
        whole = f"{source[: joined.start(3)]}{name} {source[joined.start(3) :]}".strip()
        return joined.start(3), _("'{word}' joins two whole comparisons: repeat the name ({whole})").format(
            word=word, whole=whole
        )
    call = re.search(r"\b(has|visited|chosen)\s+(['\"][^'\"]*['\"])", source)
    if call:
        fixed = f"{call.group(1)}({call.group(2)})"
        return call.start(2), _("put the name in parentheses: {fixed}").format(fixed=fixed)
    if mode != "exec":
        return None
    step = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(\+\+|--)\s*", source)
    if step:
        return step.start(2), _("write {fixed}").format(fixed=f"{step.group(1)} {step.group(2)[0]}= 1")
    verb = re.fullmatch(r"\s*([A-Za-z]+)(?:\s+up)?\s+([A-Za-z_]\w*)\s*", source)
    if verb and verb.group(1).lower() in _GAIN_WORDS | _LOSE_WORDS:
        item = verb.group(2)
        if verb.group(1).lower() in _GAIN_WORDS:
            return verb.start(1), _("to give the player an item, write 'gain {item}'").format(item=item)
        return verb.start(1), _("to take an item away, write 'lose {item}'").format(item=item)
    return None


def syntax(source: str, mode: str) -> tuple[int, str] | None:
    """The mistake behind a syntax error in `source` (mode "eval" for expressions, "exec" for effects)."""
    for index in _unquoted(source):
        hint = _operator(source, index, mode)
        if hint is not None:
            return index, hint
    return _words(source, mode)

"""Story text: Markdown with `{{ expression }}` interpolation and `{% if %}` conditional passages.

A template compiles, once, into a function of the run's `Scope` (like an expression) that returns the
finished text; text without tags stays a plain string. The text is read in one pass (`tokens`), each
expression is compiled into a function of its own, and the passages become a flat list of steps
(game.model's `render_steps`), so neither compiling nor rendering recurses however deep the `{% if %}`.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from game.compiler.checker import meant
from game.compiler.expr import ExprChecker, ExprError, Names, build_function, parse_source
from game.compiler.limits import MAX_TEMPLATE_BRANCHES, MAX_TEMPLATE_DEPTH, MAX_TEXT_NODES, MAX_TEXT_SOURCE
from game.i18n import _
from game.model import BOOL, INT, STR, Reference, Template
from game.model.compiled import HIT, JUMP, SHOW, TEXT, UNLESS, text_function

_UNCLOSED = re.compile(r"\{\{|\{%")
_TAG_SPELLINGS = {"elsif": "elif", "elseif": "elif", "else_if": "elif", "fi": "endif", "end_if": "endif"}


@dataclass(frozen=True, slots=True)
class Token:
    """A `{{ expression }}` (`expr`) or a `{% tag %}` (`tag`): where it starts and ends in the text, and its
    body. A tag alone on its line takes the whole line, its newline included."""

    kind: str
    start: int
    end: int
    body_start: int
    body_end: int


class _Next:
    """The next place of `needle` at or after an index; each search goes on from where the last one
    ended, so a pass over the text with growing indexes reads it once."""

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle = text, needle
        self.asked, self.found = 0, -2  # -2: nothing asked yet

    def at(self, index: int) -> int:
        if self.found != -2 and self.asked <= index and (self.found >= index or self.found == -1):
            return self.found
        self.asked, self.found = index, self.text.find(self.needle, index)
        return self.found


def tokens(text: str) -> Iterator[Token]:
    """The tags and expressions of a text, left to right, in time linear in its length. An opening `{{` or
    `{%` is closed by the first `}}` or `%}` after it on its line; one that is not closed is no token (the
    text between tokens then holds it: see `compile_template`)."""
    newline, close_expr, close_tag = _Next(text, "\n"), _Next(text, "}}"), _Next(text, "%}")
    size, position, index = len(text), 0, 0
    while True:
        index = text.find("{", index)
        if index < 0 or index + 1 >= size:
            return
        second = text[index + 1]
        if second not in "{%":
            index += 1
            continue
        line_end = newline.at(index + 2)
        closing = (close_expr if second == "{" else close_tag).at(index + 2)
        if closing < 0 or 0 <= line_end < closing:
            index += 1  # not closed on its line: no token (an opener that overlaps it may still be one)
            continue
        if second == "{":
            token = Token("expr", index, closing + 2, index + 2, closing)
        else:
            token = _tag(text, index, closing, position)
        yield token
        position = index = token.end


def _tag(text: str, index: int, closing: int, position: int) -> Token:
    """The `{% tag %}` at `index`: with its whole line when nothing but spaces and tabs stand beside it."""
    start = index
    while start > position and text[start - 1] in " \t":
        start -= 1
    end = closing + 2
    while end < len(text) and text[end] in " \t":
        end += 1
    alone = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    if alone:
        return Token("tag", start, min(end + 1, len(text)), index + 2, closing)
    return Token("tag", index, closing + 2, index + 2, closing)


def _meant_tag(keyword: str) -> str:
    """` (did you mean '{% elif %}'?)` for a misspelt tag, or ''."""
    tag = _TAG_SPELLINGS.get(keyword.lower()) or next(
        iter(difflib.get_close_matches(keyword.lower()[:20], ("if", "elif", "else", "endif"), n=1)), ""
    )
    return meant(f"{{% {tag} %}}") if tag else ""


def _as_text(tree: ast.expr, kind: str) -> ast.expr:
    if kind == STR:
        return tree
    if kind == INT:
        return ast.Call(ast.Name("str", ast.Load()), [tree], [])
    assert kind == BOOL
    return ast.IfExp(tree, ast.Constant("true"), ast.Constant("false"))


class Probes(Protocol):
    """Where a coverage run learns which `{% if %}` branches a text shows (see game.tools.coverage)."""

    def site(self, offset: int, label: str) -> int:
        """A number for the branch that starts at `offset` in the text being compiled."""
        ...

    def hit(self, number: int) -> str:
        """Note that the branch was shown; returns ''."""
        ...


@dataclass(slots=True)
class _Block:
    """An open `{% if %}`: where it starts, the step that skips its current branch, the jumps to its end."""

    offset: int
    skip: int | None  # the UNLESS step of the branch being read (None after `else`)
    branches: int = 1
    jumps: list[int] = field(default_factory=list)


class _Compiler:
    """One text's steps, made as its tokens are read."""

    def __init__(self, text: str, names: Names, probes: Probes | None) -> None:
        self.text, self.names, self.probes = text, names, probes
        self.steps: list[list[Any]] = []
        self.open: list[_Block] = []
        self.reads: set[str] = set()
        self.refs: list[Reference] = []
        self.controls: list[tuple[int, str]] = []
        self.nodes = 0

    def _function(self, source: str, base: int, conditional_else: bool) -> Any:
        """A `{{ }}` (conditional_else: one that may leave out `else ''`) or a condition, compiled alone."""
        try:
            tree = parse_source(source, base, "eval")
        except ExprError as first:
            if not conditional_else or " if " not in source:
                raise
            try:
                tree = parse_source(source + " else ''", base, "eval")
            except ExprError:
                raise first from None
        checker = ExprChecker(self.names, base + (len(source) - len(source.lstrip())), source)
        body, kind = checker.visit(tree.body)  # type: ignore[attr-defined]
        self.reads |= checker.reads
        self.refs.extend(checker.refs)
        self.controls.extend(checker.controls)
        self.nodes += checker.count
        if self.nodes > MAX_TEXT_NODES:
            message = _("the expressions of this text have over {limit:,} parts in all; split the text")
            raise ExprError(message.format(limit=MAX_TEXT_NODES), "too-large", checker.base)
        return build_function(_as_text(body, kind) if conditional_else else body, "<story text>")

    def _probe(self, offset: int, label: str) -> None:
        """With probes, a step that notes the branch starting here was shown."""
        if self.probes is not None:
            self.steps.append([HIT, self.probes.hit, self.probes.site(offset, label)])

    def literal(self, start: int, end: int) -> None:
        opened = _UNCLOSED.search(self.text, start, end)
        if opened is not None:
            closing = "}}" if opened.group() == "{{" else "%}"
            message = _("'{opened}' is never closed: end it with '{closing}'").format(
                opened=opened.group(), closing=closing
            )
            raise ExprError(message, "template", opened.start())
        if end > start:
            self.steps.append([TEXT, self.text[start:end], 0])

    def expression(self, token: Token) -> None:
        source = self.text[token.body_start : token.body_end]
        self.steps.append([SHOW, self._function(source, token.body_start, True), 0])

    def tag(self, token: Token) -> None:
        body = self.text[token.body_start : token.body_end]
        keyword = body.split(None, 1)[0] if body.strip() else ""
        after = body.index(keyword) + len(keyword)  # the text after the first word: a condition, or nothing
        rest, rest_start = body[after:], token.body_start + after
        if keyword == "if":
            self._if(token.start, rest, rest_start)
        elif keyword in ("elif", "else"):
            self._branch(token.start, keyword, rest, rest_start)
        elif keyword in ("endif", "end"):
            self._endif(token.start, keyword)
        else:
            message = _("unknown tag '{tag}'{suggestion}; tags are if, elif, else and endif").format(
                tag=f"{{% {keyword} %}}", suggestion=_meant_tag(keyword)
            )
            raise ExprError(message, "template", token.start)

    def _if(self, start: int, rest: str, rest_start: int) -> None:
        if len(self.open) >= MAX_TEMPLATE_DEPTH:
            message = _("'{{% if %}}' nested deeper than {limit} levels").format(limit=MAX_TEMPLATE_DEPTH)
            raise ExprError(message, "too-deep", start)
        test = self._function(rest, rest_start, False)
        self.open.append(_Block(start, len(self.steps)))
        self.steps.append([UNLESS, test, -1])
        self._probe(start, f"{{% if{rest.rstrip()} %}}")

    def _branch(self, start: int, keyword: str, rest: str, rest_start: int) -> None:
        if not self.open:
            raise ExprError(_without_if(keyword), "template", start)
        block = self.open[-1]
        if block.skip is None:
            message = _("'{tag}' after '{{% else %}}': the else must come last").format(tag=f"{{% {keyword} %}}")
            raise ExprError(message, "template", start)
        if keyword == "else" and rest.strip():
            raise ExprError(_("'{% else %}' takes no condition; use '{% elif ... %}'"), "template", start)
        block.branches += 1
        if block.branches > MAX_TEMPLATE_BRANCHES + 1:
            message = _("an '{{% if %}}' has more than {limit} '{{% elif %}}' and '{{% else %}}'")
            raise ExprError(message.format(limit=MAX_TEMPLATE_BRANCHES), "template", start)
        test = self._function(rest, rest_start, False) if keyword == "elif" else None
        block.jumps.append(len(self.steps))  # the branch before this one ends: on to the end of the block
        self.steps.append([JUMP, None, -1])
        self.steps[block.skip][2] = len(self.steps)
        block.skip = None
        if test is not None:
            block.skip = len(self.steps)
            self.steps.append([UNLESS, test, -1])
        self._probe(start, f"{{% elif{rest.rstrip()} %}}" if keyword == "elif" else "{% else %}")

    def _endif(self, start: int, keyword: str) -> None:
        if not self.open:
            raise ExprError(_without_if(keyword), "template", start)
        block = self.open.pop()
        if block.skip is not None:  # no else: showing nothing is a branch of its own
            if self.probes is not None:
                block.jumps.append(len(self.steps))
                self.steps.append([JUMP, None, -1])
            self.steps[block.skip][2] = len(self.steps)
            self._probe(block.offset, "(none of its branches)")
        for jump in block.jumps:
            self.steps[jump][2] = len(self.steps)


def _without_if(keyword: str) -> str:
    return _("'{tag}' without an open '{{% if %}}'").format(tag=f"{{% {keyword} %}}")


def compile_template(text: str, names: Names, probes: Probes | None = None) -> Template:
    """Compile story text; raises ExprError (code `template` for structure) with the offset of the problem.
    With `probes`, each `{% if %}` branch (and the nothing an if without else shows) reports when shown."""
    if len(text) > MAX_TEXT_SOURCE:
        message = _("the text is {length:,} characters long; the limit is {limit:,}")
        raise ExprError(message.format(length=len(text), limit=MAX_TEXT_SOURCE), "too-large")
    if "{{" not in text and "{%" not in text:
        return Template(text)
    compiler = _Compiler(text, names, probes)
    position = 0
    for token in tokens(text):
        compiler.literal(position, token.start)
        position = token.end
        if token.kind == "expr":
            compiler.expression(token)
        else:
            compiler.tag(token)
    compiler.literal(position, len(text))
    if compiler.open:
        raise ExprError(_("'{% if %}' is never closed with '{% endif %}'"), "template", compiler.open[-1].offset)
    steps = tuple((op, arg, to) for op, arg, to in compiler.steps)
    return Template(
        text,
        text_function(steps),
        frozenset(compiler.reads),
        tuple(compiler.refs),
        compiler.nodes,
        tuple(compiler.controls),
    )

"""Story text: Markdown with `{{ expression }}` interpolation and `{% if %}` conditional passages.

A template compiles, once, into one function of the run's `Scope` (like an expression) that returns
the finished text; text without tags stays a plain string.
"""

from __future__ import annotations

import ast
import difflib
import re
from typing import Protocol

from game.compiler.expr import ExprChecker, ExprError, Names, build_function, parse_source
from game.model import BOOL, INT, STR, Reference, Template

# A tag alone on its line swallows the line; otherwise tags and {{ }} stand inline.
_BODY = r"(?:(?!%\}).)*"
_TOKEN = re.compile(
    rf"(?P<line>^[ \t]*\{{%(?P<line_body>{_BODY})%\}}[ \t]*(?:\n|\Z))"
    rf"|\{{%(?P<tag>{_BODY})%\}}"
    r"|\{\{(?P<expr>(?:(?!\}\}).)*)\}\}",
    re.MULTILINE,
)
TOKEN = _TOKEN  # for tools that read a text's tags and expressions without compiling it
_UNCLOSED = re.compile(r"\{\{|\{%")
_TAG_SPELLINGS = {"elsif": "elif", "elseif": "elif", "else_if": "elif", "fi": "endif", "end_if": "endif"}


def _meant_tag(keyword: str) -> str:
    """` (did you mean '{% elif %}'?)` for a misspelt tag, or ''."""
    meant = _TAG_SPELLINGS.get(keyword.lower()) or next(
        iter(difflib.get_close_matches(keyword.lower(), ("if", "elif", "else", "endif"), n=1)), ""
    )
    return f" (did you mean '{{% {meant} %}}'?)" if meant else ""


class _Block:
    """An open `{% if %}`: its branches so far."""

    def __init__(self, offset: int):
        self.offset = offset
        self.branches: list[tuple[ast.expr | None, list[ast.expr]]] = []


def _joined(parts: list[ast.expr]) -> ast.expr:
    if not parts:
        return ast.Constant("")
    if len(parts) == 1:
        return parts[0]
    return ast.Call(ast.Attribute(ast.Constant(""), "join", ast.Load()), [ast.List(parts, ast.Load())], [])


def _as_text(tree: ast.expr, kind: str) -> ast.expr:
    if kind == STR:
        return tree
    if kind == INT:
        return ast.Call(ast.Name("str", ast.Load()), [tree], [])
    assert kind == BOOL
    return ast.IfExp(tree, ast.Constant("true"), ast.Constant("false"))


def _interpolation(source: str, base: int, names: Names, reads: set[str], refs: list[Reference]) -> ast.expr:
    """`{{ expr }}`; a conditional without `else` gets `else ''`."""
    try:
        tree = parse_source(source, base, "eval")
    except ExprError as first:
        if " if " not in source:
            raise
        try:
            tree = parse_source(source + " else ''", base, "eval")
        except ExprError:
            raise first from None
    checker = ExprChecker(names, base + (len(source) - len(source.lstrip())))
    body, kind = checker.visit(tree.body)  # type: ignore[attr-defined]
    reads |= checker.reads
    refs.extend(checker.refs)
    return _as_text(body, kind)


def _condition(source: str, base: int, names: Names, reads: set[str], refs: list[Reference]) -> ast.expr:
    tree = parse_source(source, base, "eval")
    checker = ExprChecker(names, base + (len(source) - len(source.lstrip())))
    body, _ = checker.visit(tree.body)  # type: ignore[attr-defined]
    reads |= checker.reads
    refs.extend(checker.refs)
    return body


class Probes(Protocol):
    """Where a coverage run learns which `{% if %}` branches a text shows (see game.tools.coverage)."""

    def site(self, offset: int, label: str) -> int:
        """A number for the branch that starts at `offset` in the text being compiled."""
        ...

    def hit(self, number: int) -> str:
        """Note that the branch was shown; returns ''."""
        ...


def _probe(probes: Probes | None, offset: int, label: str) -> list[ast.expr]:
    """The first part of a branch: with probes, a call that notes the branch was shown (and adds nothing)."""
    if probes is None:
        return []
    number = probes.site(offset, label)
    return [ast.Call(ast.Name("_hit", ast.Load()), [ast.Constant(number)], [])]


def compile_template(text: str, names: Names, probes: Probes | None = None) -> Template:
    """Compile story text; raises ExprError (code `template` for structure) with the offset of the problem.
    With `probes`, each `{% if %}` branch (and the nothing an if without else shows) reports when shown."""
    if "{{" not in text and "{%" not in text:
        return Template(text)
    reads: set[str] = set()
    refs: list[Reference] = []
    stack: list[_Block] = []
    parts: list[ast.expr] = []  # the parts of the innermost open branch (or the top level)
    saved: list[list[ast.expr]] = []
    position = 0

    def literal(upto: int) -> None:
        chunk = text[position:upto]
        if _UNCLOSED.search(chunk):
            opened = _UNCLOSED.search(chunk).group()  # type: ignore[union-attr]
            where = position + chunk.index(opened)
            closing = "}}" if opened == "{{" else "%}"
            raise ExprError(f"'{opened}' is never closed: end it with '{closing}'", "template", where)
        if chunk:
            parts.append(ast.Constant(chunk))

    for match in _TOKEN.finditer(text):
        literal(match.start())
        position = match.end()
        if match.group("expr") is not None:
            body = match.group("expr")
            parts.append(_interpolation(body, match.start("expr"), names, reads, refs))
            continue
        group = "line_body" if match.group("line") is not None else "tag"
        body, start = match.group(group), match.start(group)
        keyword = body.split()[0] if body.strip() else ""
        after = body.index(keyword) + len(keyword)  # the text after the first word: a condition, or nothing
        rest, rest_start = body[after:], start + after
        if keyword == "if":
            block = _Block(match.start())
            condition = _condition(rest, rest_start, names, reads, refs)
            block.branches.append((condition, _probe(probes, match.start(), f"{{% if{rest.rstrip()} %}}")))
            stack.append(block)
            saved.append(parts)
            parts = block.branches[-1][1]
        elif keyword in ("elif", "else"):
            if not stack:
                raise ExprError(f"'{{% {keyword} %}}' without an open '{{% if %}}'", "template", match.start())
            if stack[-1].branches[-1][0] is None:
                raise ExprError(
                    f"'{{% {keyword} %}}' after '{{% else %}}': the else must come last", "template", match.start()
                )
            if keyword == "else" and rest.strip():
                raise ExprError("'{% else %}' takes no condition; use '{% elif ... %}'", "template", match.start())
            test = _condition(rest, rest_start, names, reads, refs) if keyword == "elif" else None
            label = f"{{% elif{rest.rstrip()} %}}" if keyword == "elif" else "{% else %}"
            stack[-1].branches.append((test, _probe(probes, match.start(), label)))
            parts = stack[-1].branches[-1][1]
        elif keyword in ("endif", "end"):
            if not stack:
                raise ExprError(f"'{{% {keyword} %}}' without an open '{{% if %}}'", "template", match.start())
            block = stack.pop()
            parts = saved.pop()
            tree: ast.expr = ast.Constant("")
            if probes is not None and block.branches[-1][0] is not None:  # no else: showing nothing is a branch
                tree = _joined(_probe(probes, block.offset, "(none of its branches)"))
            for test, branch in reversed(block.branches):
                tree = _joined(branch) if test is None else ast.IfExp(test, _joined(branch), tree)
            parts.append(tree)
        else:
            message = f"unknown tag '{{% {keyword} %}}'{_meant_tag(keyword)}; tags are if, elif, else and endif"
            raise ExprError(message, "template", match.start())
    literal(len(text))
    if stack:
        raise ExprError("'{% if %}' is never closed with '{% endif %}'", "template", stack[-1].offset)
    extra = {"_hit": probes.hit} if probes is not None else None
    fn = build_function(_joined(parts), "<story text>", extra)
    return Template(text, fn, frozenset(reads), tuple(refs))

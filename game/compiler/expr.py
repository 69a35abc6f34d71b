"""The story expression language: a whitelisted, type-checked subset of Python compiled once at load.

An expression compiles to a plain function of one argument, the run's `Scope` (game.model): variables
become `s.variables['name']`, `has('x')` becomes `'x' in s.items`, and so on. Nothing in it can reach
attributes, calls other than the helpers, or unbounded time and memory.
"""

from __future__ import annotations

import ast
import keyword
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from game.compiler import exprhints
from game.compiler.checker import did_you_mean
from game.compiler.controls import first_unsafe
from game.compiler.limits import MAX_EXPR_CHARS, MAX_EXPR_NODES
from game.errors import EscapeError
from game.i18n import N_, _, pgettext
from game.model import (
    BOOL,
    INT,
    INT_LIMIT,
    MAX_TEXT_VALUE,
    STR,
    TURN_READ,
    VISITS_READ,
    Expr,
    Reference,
    Scope,
    type_of_value,
)

__all__ = [
    "MAX_EXPR_CHARS",
    "MAX_EXPR_NODES",
    "ExprChecker",
    "ExprError",
    "Names",
    "compile_condition",
    "compile_expr",
    "type_name",
]

HELPERS = {
    "has": BOOL,
    "visited": INT,
    "chosen": INT,
    "min": INT,
    "max": INT,
    "abs": INT,
    "plural": STR,
    "ordinal": STR,
    "capitalize": STR,
    "upper": STR,
    "lower": STR,
}
# The text helpers: their argument types, and how many may be left out at the end.
TEXT_HELPERS: dict[str, tuple[tuple[str, ...], int]] = {
    "plural": ((INT, STR, STR), 1),
    "ordinal": ((INT,), 0),
    "capitalize": ((STR,), 0),
    "upper": ((STR,), 0),
    "lower": ((STR,), 0),
}
BUILTIN_NAMES = {"turn": INT, "visits": INT, "true": BOOL, "false": BOOL, "True": BOOL, "False": BOOL}
RESERVED = set(HELPERS) | set(BUILTIN_NAMES) | set(keyword.kwlist) | {"gain", "lose"}
SCOPE = "s"  # the compiled function's one parameter
DECLARE = N_("; declare it under 'variables:' in story.yaml")  # the fix for a name that is no misspelling


def type_name(kind: str) -> str:
    """One of the language's types (INT, BOOL, STR: game.model's names for them) as a message says it, in
    the current language. Only called to make a message."""
    if kind == INT:
        return pgettext("type", "number")
    if kind == BOOL:
        return pgettext("type", "true/false")
    if kind == STR:
        return pgettext("type", "text")
    return kind


def _scope(field: str) -> ast.expr:
    """`s.<field>`: a part of the Scope."""
    return ast.Attribute(ast.Name(SCOPE, ast.Load()), field, ast.Load())


def _capped(text: ast.expr) -> ast.expr:
    """`(text)[:MAX_TEXT_VALUE]`: text the language makes is never longer than a text variable can be."""
    return ast.Subscript(text, ast.Slice(None, ast.Constant(MAX_TEXT_VALUE), None), ast.Load())


def _div(a: int, b: int) -> int:
    return a // b if b else 0


def _mod(a: int, b: int) -> int:
    return a % b if b else 0


def _plural(count: int, one: str, many: str | None = None) -> str:
    """`one` for a count of 1 (or -1), else `many` (by default `one` + "s")."""
    if abs(count) == 1:
        return one
    return one + "s" if many is None else many


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    if abs(number) % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(abs(number) % 10, 'th') }"


def _capitalize(text: str) -> str:
    """The first letter upper case, the rest as it is (unlike str.capitalize)."""
    return text[:1].upper() + text[1:]


HELPER_GLOBALS: dict[str, Any] = {
    "__builtins__": {},
    "min": min,
    "max": max,
    "abs": abs,
    "bool": bool,
    "str": str,
    "_div": _div,
    "_mod": _mod,
    "plural": _plural,
    "ordinal": _ordinal,
    "capitalize": _capitalize,
    "upper": str.upper,
    "lower": str.lower,
}

_ALLOWED_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}
_ORDER_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class ExprError(EscapeError):
    """A problem in one expression: message, diagnostic code, and offset within the source (the compiler
    turns it into a located diagnostic)."""

    def __init__(self, message: str, code: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.code = code
        self.offset = offset


Suggest = Callable[..., str]  # did_you_mean, or a story's budgeted one (game.compiler.checker.Suggester)


@dataclass(frozen=True, slots=True)
class Names:
    """What an expression may name: the story's variables (with types) and items; `suggest` finds the
    "did you mean" of a misspelt name."""

    variables: dict[str, str]
    items: frozenset[str] = frozenset()
    suggest: Suggest = did_you_mean
    known: tuple[str, ...] = field(init=False)  # every name an expression can read: what a typo may have meant

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", (*self.variables, "turn", "visits", "true", "false"))


@dataclass(slots=True)
class Compiled:
    tree: ast.expr
    type: str
    reads: set[str] = field(default_factory=set)
    refs: list[Reference] = field(default_factory=list)
    controls: list[tuple[int, str]] = field(default_factory=list)
    nodes: int = 0  # the parts of the expression as written (what compiling it costs)


class ExprChecker:
    """Walks a parsed expression: whitelist, types, and the rewrite into a function body."""

    def __init__(self, names: Names, base: int, source: str = ""):
        self.names = names
        self.base = base  # offset of the parsed source within the author's text
        self.source = source  # the expression as written (a character written as it is is not an escape's)
        self.reads: set[str] = set()
        self.refs: list[Reference] = []
        self.controls: list[tuple[int, str]] = []  # (offset, character) that an escape in a text literal makes
        self.count = 0

    def fail(self, node: ast.expr, message: str, code: str = "expr-forbidden") -> ExprError:
        return ExprError(message, code, self.base + node.col_offset)

    def visit(self, node: ast.expr) -> tuple[ast.expr, str]:
        self.count += 1
        if self.count > MAX_EXPR_NODES:
            raise self.fail(node, _("the expression is too complex (over {limit} parts)").format(limit=MAX_EXPR_NODES))
        method: Callable[[ast.expr], tuple[ast.expr, str]] | None = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.fail(node, self._forbidden_message(node))
        return method(node)

    @staticmethod
    def _forbidden_message(node: ast.AST) -> str:
        if isinstance(node, ast.Attribute):
            return _("attribute access ('.{name}') is not allowed").format(name=node.attr)
        if isinstance(node, ast.Subscript):
            return _("indexing ('[...]') is not allowed")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return _("'**' is not allowed")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return _("'/' is not allowed; use '//' for whole-number division")
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            symbol, word = ("&", "and") if isinstance(node.op, ast.BitAnd) else ("|", "or")
            return _("'{symbol}' is not allowed; write '{word}'").format(symbol=symbol, word=word)
        if isinstance(node, ast.NamedExpr):
            return _("assignment (':=') is not allowed in an expression")
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return _("functions and comprehensions are not allowed")
        if isinstance(node, ast.Constant):
            message = _("the value {value} is not allowed; use a whole number, text or true/false")
            return message.format(value=repr(node.value))
        friendly = _FRIENDLY.get(type(node).__name__)
        if friendly is not None:
            return _(friendly)
        return _("this kind of expression ({kind}) is not allowed").format(kind=type(node).__name__)

    # leaves
    def visit_Constant(self, node: ast.Constant) -> tuple[ast.expr, str]:
        kind = type_of_value(node.value)
        if node.value is None:
            raise self.fail(node, _("None is not a value here; use true/false, a number or text"), "expr-type")
        if kind is None:
            if isinstance(node.value, float):
                message = _("decimal numbers are not supported; use whole numbers, text or true/false")
            else:
                message = _("{kind} are not supported; use whole numbers, text or true/false").format(
                    kind=repr(type(node.value).__name__)
                )
            raise self.fail(node, message, "expr-type")
        if isinstance(node.value, int) and abs(node.value) > INT_LIMIT:
            raise self.fail(node, _("numbers are limited to +/-{limit:,}").format(limit=INT_LIMIT), "expr-forbidden")
        if isinstance(node.value, str):
            found = first_unsafe(node.value)
            if found >= 0 and node.value[found] not in self.source:  # as written, it is the text's own problem
                self.controls.append((self.base + node.col_offset, node.value[found]))
        return node, kind

    def visit_Name(self, node: ast.Name) -> tuple[ast.expr, str]:
        name = node.id
        if name in ("true", "false"):  # True and False are Python's own constants, not names
            return ast.Constant(name == "true"), BOOL
        if name == "turn":
            self.reads.add(TURN_READ)
            return _scope("turn"), INT
        if name == "visits":
            self.reads.add(VISITS_READ)
            return _scope("here"), INT
        if name in self.names.variables:
            self.reads.add(name)
            return ast.Subscript(_scope("variables"), ast.Constant(name), ast.Load()), self.names.variables[name]
        if name in HELPERS:
            raise self.fail(node, _("'{name}' is a helper; call it, as in {name}(...)").format(name=name))
        hint = self.names.suggest(name, self.names.known) or _(DECLARE)
        raise self.fail(node, _("unknown name '{name}'{suggestion}").format(name=name, suggestion=hint), "unknown-name")

    # operators
    def visit_BoolOp(self, node: ast.BoolOp) -> tuple[ast.expr, str]:
        parts = [self.visit(v) for v in node.values]
        types = {t for _, t in parts}
        self._check_bare_text(node)
        tree: ast.expr = ast.BoolOp(node.op, [p for p, _ in parts])
        if len(types) == 1:
            return tree, types.pop()
        return ast.Call(ast.Name("bool", ast.Load()), [tree], []), BOOL

    def _check_bare_text(self, node: ast.BoolOp) -> None:
        """`x == 'a' or 'b'`: a text on its own beside a comparison is always true."""
        compare = next((v for v in node.values if isinstance(v, ast.Compare)), None)
        for value in node.values:
            if compare is not None and isinstance(value, ast.Constant) and isinstance(value.value, str):
                word = "or" if isinstance(node.op, ast.Or) else "and"
                again = f"{ast.unparse(compare.left)} == {value.value!r}"
                message = _("{value} on its own is always true; compare again: ... {word} {again}")
                raise self.fail(value, message.format(value=repr(value.value), word=word, again=again), "expr-type")

    def visit_UnaryOp(self, node: ast.UnaryOp) -> tuple[ast.expr, str]:
        operand, kind = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ast.UnaryOp(ast.Not(), operand), BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if kind != INT:
                raise self.fail(node, _("'-' needs a number, not {kind}").format(kind=type_name(kind)), "expr-type")
            return ast.UnaryOp(node.op, operand), INT
        raise self.fail(node, _("'~' is not allowed"))

    def visit_BinOp(self, node: ast.BinOp) -> tuple[ast.expr, str]:
        symbol = _ALLOWED_BINOPS.get(type(node.op))
        if symbol is None:
            raise self.fail(node, self._forbidden_message(node))
        left, lt = self.visit(node.left)
        right, rt = self.visit(node.right)
        if symbol == "+" and STR in (lt, rt) and {lt, rt} <= {STR, INT}:  # a number joins text as its digits
            if lt == INT:
                left = ast.Call(ast.Name("str", ast.Load()), [left], [])
            if rt == INT:
                right = ast.Call(ast.Name("str", ast.Load()), [right], [])
            return _capped(ast.BinOp(left, ast.Add(), right)), STR
        if lt != INT or rt != INT:
            message = _("'{symbol}' needs two numbers, not {left} and {right}")
            raise self.fail(node, message.format(symbol=symbol, left=type_name(lt), right=type_name(rt)), "expr-type")
        if symbol == "//":
            return ast.Call(ast.Name("_div", ast.Load()), [left, right], []), INT
        if symbol == "%":
            return ast.Call(ast.Name("_mod", ast.Load()), [left, right], []), INT
        return ast.BinOp(left, node.op, right), INT

    def visit_Compare(self, node: ast.Compare) -> tuple[ast.expr, str]:
        left, lt = self.visit(node.left)
        trees, previous = [left], node.left
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                right, rt = self._container(comparator, lt)
            elif isinstance(op, (ast.Is, ast.IsNot)):
                fix = (
                    _("'is' is not allowed; use '=='")
                    if isinstance(op, ast.Is)
                    else _("'is not' is not allowed; use '!='")
                )
                raise self.fail(node, fix)
            else:
                right, rt = self._compared(comparator, lt)
                if lt != rt:
                    hint = _quoted_number(previous, comparator) or self._holds(previous, comparator)
                    message = _("cannot compare {left} with {right}{hint}")
                    raise self.fail(
                        comparator, message.format(left=type_name(lt), right=type_name(rt), hint=hint), "expr-type"
                    )
                if isinstance(op, _ORDER_OPS) and lt == BOOL:
                    raise self.fail(comparator, _("true/false values cannot be ordered with < or >"), "expr-type")
            trees.append(right)
            previous = comparator
            lt = rt  # after 'in', the container's type is its elements' type
        return ast.Compare(trees[0], node.ops, trees[1:]), BOOL

    def _holds(self, *nodes: ast.expr) -> str:
        """'; 'nerve' holds number, so compare it with a number (3)': what a compared variable wants."""
        for node in nodes:
            if isinstance(node, ast.Name) and node.id in self.names.variables:
                kind = self.names.variables[node.id]
                message = _("; '{name}' holds {kind}, so compare it with {example}")
                return message.format(name=node.id, kind=type_name(kind), example=_(_EXAMPLES[kind]))
        return ""

    def _compared(self, node: ast.expr, other: str) -> tuple[ast.expr, str]:
        """The right side of a comparison; an unknown bare word compared with text was meant as text."""
        if other == STR and isinstance(node, ast.Name) and node.id not in self.names.variables:
            if node.id not in BUILTIN_NAMES and node.id not in HELPERS:
                message = _("unknown name '{name}'{suggestion}; text goes in quotes: '{name}'")
                hint = self.names.suggest(node.id, self.names.variables)
                raise self.fail(node, message.format(name=node.id, suggestion=hint), "unknown-name")
        return self.visit(node)

    def _container(self, node: ast.expr, element_type: str) -> tuple[ast.expr, str]:
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            elements = []
            for element in node.elts:
                tree, kind = self.visit(element)
                if kind != element_type:
                    message = _("'in' compares {left} with {right}").format(
                        left=type_name(element_type), right=type_name(kind)
                    )
                    raise self.fail(element, message, "expr-type")
                elements.append(tree)
            return ast.Tuple(elements, ast.Load()), element_type
        tree, kind = self.visit(node)
        if kind != STR or element_type != STR:
            raise self.fail(node, _("'in' needs a list like ('a', 'b') or text on its right"), "expr-type")
        return tree, STR

    def visit_IfExp(self, node: ast.IfExp) -> tuple[ast.expr, str]:
        test, _test_type = self.visit(node.test)
        body, bt = self.visit(node.body)
        orelse, ot = self.visit(node.orelse)
        if bt != ot:
            message = _("both sides of 'if ... else' must have one type, not {left} and {right}")
            raise self.fail(node, message.format(left=type_name(bt), right=type_name(ot)), "expr-type")
        return ast.IfExp(test, body, orelse), bt

    def visit_Call(self, node: ast.Call) -> tuple[ast.expr, str]:
        if not isinstance(node.func, ast.Name) or node.func.id not in HELPERS:
            name = node.func.id if isinstance(node.func, ast.Name) else None
            hint = self.names.suggest(name, HELPERS, cutoff=0.75) if name else ""
            message = _("only the helpers {helpers} can be called{suggestion}")
            raise self.fail(node, message.format(helpers=", ".join(sorted(HELPERS)), suggestion=hint))
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, _("{name}() takes plain arguments only").format(name=name))
        if name in ("has", "visited", "chosen"):
            return self._lookup(node, name)
        if name in TEXT_HELPERS:
            return self._text_helper(node, name)
        args = [self.visit(a) for a in node.args]
        if any(kind != INT for _tree, kind in args):
            raise self.fail(node, _("{name}() takes numbers").format(name=name), "expr-type")
        wanted = 1 if name == "abs" else 2
        if (name == "abs" and len(args) != 1) or len(args) < wanted:
            message = _("{name}() takes one number") if name == "abs" else _("{name}() takes two or more numbers")
            raise self.fail(node, message.format(name=name))
        return ast.Call(ast.Name(name, ast.Load()), [a for a, _ in args], []), INT

    def _text_helper(self, node: ast.Call, name: str) -> tuple[ast.expr, str]:
        wanted, optional = TEXT_HELPERS[name]
        if not len(wanted) - optional <= len(node.args) <= len(wanted):
            usage = {
                "plural": "plural(count, 'word') or plural(count, 'man', 'men')",
                "ordinal": "ordinal(number)",
            }.get(name, f"{name}(text)")
            raise self.fail(node, _("{name}() is used as {usage}").format(name=name, usage=usage), "expr-type")
        args = []
        for argument, kind in zip(node.args, wanted, strict=False):
            tree, found = self.visit(argument)
            if found != kind:
                message = _("{name}() takes {kind} here, not {found}")
                raise self.fail(
                    argument, message.format(name=name, kind=type_name(kind), found=type_name(found)), "expr-type"
                )
            args.append(tree)
        call = ast.Call(ast.Name(name, ast.Load()), args, [])
        return (call if name == "ordinal" else _capped(call)), STR  # upper('ß') is 'SS': text can grow

    def _lookup(self, node: ast.Call, name: str) -> tuple[ast.expr, str]:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            example = node.args[0].id if len(node.args) == 1 and isinstance(node.args[0], ast.Name) else "rope"
            message = _("{name}() takes one name in quotes, as in {name}('{example}')")
            raise self.fail(node, message.format(name=name, example=example))
        arg = node.args[0].value
        offset = self.base + node.args[0].col_offset + 1
        if name == "has":
            if arg not in self.names.items:
                hint = self.names.suggest(arg, self.names.items)
                message = _("unknown item '{name}'{suggestion}").format(name=arg, suggestion=hint)
                raise ExprError(message, "unknown-item", offset)
            self.refs.append(Reference("item", arg, offset))
            return ast.Compare(ast.Constant(arg), [ast.In()], [_scope("items")]), BOOL
        self.refs.append(Reference("scene" if name == "visited" else "choice", arg, offset))
        table = _scope("visits" if name == "visited" else "chosen")
        getter = ast.Attribute(table, "get", ast.Load())
        return ast.Call(getter, [ast.Constant(arg), ast.Constant(0)], []), INT


_EXAMPLES = {INT: N_("a number (3)"), STR: N_("text in quotes ('word')"), BOOL: N_("true or false")}
_FRIENDLY = {
    "JoinedStr": N_("f-strings are not allowed; join text with +"),
    "List": N_("a list is only allowed after 'in', as in x in ('a', 'b')"),
    "Tuple": N_("a list is only allowed after 'in', as in x in ('a', 'b')"),
    "Set": N_("a set is only allowed after 'in', as in x in ('a', 'b')"),
    "Dict": N_("mappings are not allowed in an expression"),
}


def _quoted_number(*nodes: ast.expr) -> str:
    """'; write 5 without quotes' when one side of a comparison is a number in quotes."""
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip().isdigit():
            return _("; write {number} without quotes").format(number=node.value.strip())
    return ""


def parse_source(source: str, base: int, mode: str) -> ast.AST:
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(
            _("the expression is over {limit} characters").format(limit=MAX_EXPR_CHARS), "expr-forbidden", base
        )
    if "\n" in source.strip():
        raise ExprError(_("an expression must fit on one line"), "expr-syntax", base)
    control = next((i for i, char in enumerate(source) if char < " " and char not in "\t\n"), None)
    if control is not None:  # a YAML escape such as "\0" can put one in
        raise ExprError(
            _("an expression cannot hold the control character U+{code}").format(code=f"{ord(source[control]):04X}"),
            "expr-syntax",
            base + control,
        )
    hint = exprhints.braces(source)  # Python would read {{ x }} as a set
    if hint is not None:
        raise ExprError(hint[1], "expr-syntax", base + hint[0])
    try:
        return ast.parse(source.strip(), mode=mode)
    except SyntaxError as err:
        hint = exprhints.syntax(source, mode)
        if hint is not None:  # a newcomer's mistake: say the fix, at its place
            raise ExprError(hint[1], "expr-syntax", base + hint[0]) from None
        offset = base + max(0, (err.offset or 1) - 1) + (len(source) - len(source.lstrip()))
        reason = (err.msg or "invalid syntax").replace("invalid syntax. Perhaps you forgot a comma?", "invalid syntax")
        message = _("cannot read expression '{source}': {reason}").format(source=source.strip(), reason=reason)
        raise ExprError(message, "expr-syntax", offset) from None


def _locate(root: ast.AST) -> None:
    """Give rewritten nodes a location (compile needs one); faster than ast.fix_missing_locations."""
    todo: list[Any] = [root]
    while todo:
        node = todo.pop()
        if "lineno" in node._attributes and not hasattr(node, "lineno"):
            node.lineno = node.end_lineno = 1
            node.col_offset = node.end_col_offset = 0
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                todo.append(value)
            elif isinstance(value, list):
                todo.extend(v for v in value if isinstance(v, ast.AST))


def build_function(
    body: ast.expr, name: str, extra: dict[str, Callable[..., Any]] | None = None
) -> Callable[[Scope], Any]:
    """Turn a checked, rewritten tree into `fn(scope)`; its only globals are the helpers (and `extra`, the
    probes of a coverage run)."""
    args = ast.arguments(posonlyargs=[], args=[ast.arg(SCOPE)], kwonlyargs=[], kw_defaults=[], defaults=[])
    module = ast.Expression(ast.Lambda(args, body))
    _locate(module)
    try:
        code = compile(module, name, "eval")
    except RecursionError:  # a bounded expression never gets here; a guard against a deep caller's stack
        raise ExprError(_("the expression is nested too deeply"), "expr-forbidden") from None
    lambda_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return types.FunctionType(lambda_code, HELPER_GLOBALS if extra is None else {**HELPER_GLOBALS, **extra})


def finish(compiled: Compiled, source: str) -> Expr:
    fn = build_function(compiled.tree, "<story expression>")
    return Expr(
        source,
        compiled.type,
        fn,
        frozenset(compiled.reads),
        tuple(compiled.refs),
        compiled.nodes,
        tuple(compiled.controls),
    )


def _check(source: str, names: Names, base: int) -> Compiled:
    tree = parse_source(source, base, "eval")
    checker = ExprChecker(names, base + (len(source) - len(source.lstrip())), source)
    body, kind = checker.visit(tree.body)  # type: ignore[attr-defined]
    return Compiled(body, kind, checker.reads, checker.refs, checker.controls, checker.count)


def compile_expr(source: str, names: Names, base: int = 0) -> Expr:
    """Compile one expression; raises ExprError with the offset of the problem."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError(_("empty expression"), "expr-syntax", base)
    return finish(_check(source, names, base), source)


def compile_condition(source: Any, names: Names, base: int = 0) -> Expr:
    """A condition: any expression, whose function always returns true or false (numbers count as true
    when not 0, text when not empty), so that it can serve as it is as a guard of the story's machine."""
    if isinstance(source, bool):
        source = "true" if source else "false"
    elif isinstance(source, int):
        source = str(source)
    if not isinstance(source, str) or not source.strip():
        raise ExprError(_("empty expression"), "expr-syntax", base)
    compiled = _check(source, names, base)
    if compiled.type != BOOL:
        compiled.tree = ast.Call(ast.Name("bool", ast.Load()), [compiled.tree], [])
        compiled.type = BOOL
    return finish(compiled, source)

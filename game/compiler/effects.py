"""Effects: the statements a choice or a scene applies to the run (`x = e`, `x += e`, `gain item`...)."""

from __future__ import annotations

import ast
import re
from typing import Any

from game.compiler.expr import DECLARE, Compiled, ExprChecker, ExprError, Names, finish, parse_source, type_name
from game.i18n import _
from game.model import BOOL, Effect

_ITEM_STATEMENT = re.compile(r"^\s*(gain|lose)\s+(\S+)\s*$")
_AUG_OPS = {ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod}


def compile_effect(source: Any, names: Names, base: int = 0) -> Effect:
    """Compile one effect statement: `x = e`, `x += e`, `x -= e`, ..., `gain item`, `lose item`."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError(_("an effect must be a statement such as 'stamina -= 1' or 'gain rope'"), "expr-syntax", base)
    match = _ITEM_STATEMENT.match(source)
    if match:
        verb, item = match.groups()
        if item not in names.items:
            offset = base + match.start(2)
            message = _("unknown item '{name}'{suggestion}").format(
                name=item, suggestion=names.suggest(item, names.items)
            )
            raise ExprError(message, "unknown-item", offset)
        return Effect(source, item=item, gain=verb == "gain")
    tree = parse_source(source, base, "exec")
    statements = tree.body  # type: ignore[attr-defined]
    lead = len(source) - len(source.lstrip())
    if len(statements) != 1:
        raise ExprError(_("one statement per effect; put each in its own list item"), "expr-syntax", base)
    stmt = statements[0]
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        target, value_node = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and type(stmt.op) in _AUG_OPS:
        target = stmt.target
        value_node = ast.BinOp(ast.Name(target.id, col_offset=0), stmt.op, stmt.value, col_offset=0)
    else:
        message = _("an effect is 'name = value', 'name += value', 'name -= value', 'gain item' or 'lose item'{hint}")
        raise ExprError(message.format(hint=_change_hint(stmt)), "expr-syntax", base + lead)
    name = target.id
    if name not in names.variables:
        hint = names.suggest(name, names.variables) or _(DECLARE)
        message = _("unknown variable '{name}'{suggestion}").format(name=name, suggestion=hint)
        raise ExprError(message, "unknown-name", base + lead)  # the name comes first
    if isinstance(stmt, ast.AugAssign) and names.variables[name] == BOOL:
        message = _("'{name}' holds true/false, which cannot be counted; write {name} = true or {name} = false")
        raise ExprError(message.format(name=name), "expr-type", base + lead)
    checker = ExprChecker(names, base + lead, source)
    body, kind = checker.visit(value_node)
    if kind != names.variables[name]:
        message = _("'{name}' holds {kind}; this gives it {found}").format(
            name=name, kind=type_name(names.variables[name]), found=type_name(kind)
        )
        raise ExprError(message, "expr-type", base + lead)
    value = finish(Compiled(body, kind, checker.reads, checker.refs, checker.controls, checker.count), source)
    return Effect(source, variable=name, value=value)


def _change_hint(stmt: ast.stmt) -> str:
    """`nerve + 1` on its own changes nothing: '; to change nerve, write nerve += 1'."""
    value = stmt.value if isinstance(stmt, ast.Expr) else None
    if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Name) and type(value.op) in _AUG_OPS:
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}[type(value.op)]
        name = value.left.id
        return _("; to change {name}, write {fixed}").format(
            name=name, fixed=f"{name} {symbol}= {ast.unparse(value.right)}"
        )
    return ""

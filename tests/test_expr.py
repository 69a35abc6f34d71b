"""The expression language, effects and text templates: what evaluates, and everything that is refused.

Every refusal is checked for its diagnostic code and its offset in the author's source, and that it
is refused when compiling (nothing is evaluated, nothing grows).
"""

from __future__ import annotations

import time

import pytest

from game.compiler.effects import compile_effect
from game.compiler.expr import MAX_EXPR_CHARS, ExprError, Names, compile_condition, compile_expr
from game.compiler.template import compile_template
from game.model import BOOL, INT, STR, Scope

NAMES = Names({"stamina": INT, "name": STR, "flag": BOOL, "x": INT, "suspicion": INT}, frozenset({"rope", "map"}))


def state(**overrides):
    variables = {"stamina": 5, "name": "Jean", "flag": False, "x": 3, "suspicion": 0}
    variables.update(overrides.pop("variables", {}))
    items = overrides.pop("items", {"rope"})
    visits = overrides.pop("visits", {"hall": 2, "yard": 1})
    chosen = overrides.pop("chosen", {"hall.take": 1})
    turn = overrides.pop("turn", 7)
    here = overrides.pop("here", 2)
    assert not overrides
    return Scope(variables, items, visits, chosen, turn, here)


def ev(source: str, **overrides):
    expr = compile_expr(source, NAMES)
    return expr.fn(state(**overrides))


def refused(source: str, code: str, offset: int, *words: str, compile=compile_expr) -> ExprError:
    started = time.perf_counter()
    with pytest.raises(ExprError) as info:
        compile(source, NAMES)
    assert time.perf_counter() - started < 2.0  # nothing was evaluated or grown
    err = info.value
    assert (err.code, err.offset) == (code, offset), (err.code, err.offset, err.message)
    for word in words:
        assert word in err.message, (word, err.message)
    return err


# -- values ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value", "kind"),
    [
        ("1 + 2 * 3", 7, INT),
        ("(1 + 2) * 3", 9, INT),
        ("10 - 4 - 3", 3, INT),
        ("7 // 2", 3, INT),
        ("-7 // 2", -4, INT),  # rounds down
        ("7 % 3", 1, INT),
        ("-7 % 3", 2, INT),
        ("5 // 0", 0, INT),
        ("5 % 0", 0, INT),
        ("x // (x - 3)", 0, INT),
        ("x % (stamina - 5)", 0, INT),
        ("-x", -3, INT),
        ("+x", 3, INT),
        ("1 < 2", True, BOOL),
        ("2 <= 1", False, BOOL),
        ("x == 3", True, BOOL),
        ("x != 3", False, BOOL),
        ("name == 'Jean'", True, BOOL),
        ('name == "Paul"', False, BOOL),
        ("'a' < 'b'", True, BOOL),
        ("0 < x <= 3", True, BOOL),
        ("0 < x < 3", False, BOOL),
        ("1 < 2 < 3 < 4 > 0", True, BOOL),
        ("3 > 2 > 5", False, BOOL),
        ("name in ('Jean', 'Paul')", True, BOOL),
        ("name not in ('Jean', 'Paul')", False, BOOL),
        ("x in (1, 2, 3)", True, BOOL),
        ("x in [4, 5]", False, BOOL),
        ("x in ()", False, BOOL),
        ("'ea' in name", True, BOOL),
        ("'zz' not in name", True, BOOL),
        ("'late' if turn > 5 else 'early'", "late", STR),
        ("1 if flag else 2", 2, INT),
        ("has('rope')", True, BOOL),
        ("has('map')", False, BOOL),
        ("not has('map')", True, BOOL),
        ("visited('hall')", 2, INT),
        ("visited('cellar')", 0, INT),
        ("chosen('hall.take')", 1, INT),
        ("chosen('hall.wait')", 0, INT),
        ("min(4, x, 9)", 3, INT),
        ("max(x, 9)", 9, INT),
        ("max(1, 2, 3, 4)", 4, INT),
        ("abs(-4)", 4, INT),
        ("abs(x - 10)", 7, INT),
        ("turn", 7, INT),
        ("visits", 2, INT),
        ("true", True, BOOL),
        ("false", False, BOOL),
        ("True and not False", True, BOOL),
        ("not flag", True, BOOL),
        ("flag or x > 2", True, BOOL),
        ("x > 2 and stamina > 4 and not flag", True, BOOL),
        ("'Lt. ' + name", "Lt. Jean", STR),
        ("-1000000000", -1_000_000_000, INT),
        ("1000000000 * 1000000000", 10**18, INT),
    ],
)
def test_valid_expressions(source, value, kind):
    expr = compile_expr(source, NAMES)
    assert expr.type == kind
    result = expr.fn(state())
    assert result == value and type(result) is type(value)


def test_reads_and_references_are_recorded():
    source = "x + stamina > visited('hall') and has('rope') and chosen('hall.take') > 0"
    expr = compile_expr(source, NAMES)
    assert expr.reads == {"x", "stamina"}
    assert [(r.kind, r.name, r.offset) for r in expr.refs] == [
        ("scene", "hall", source.index("hall")),
        ("item", "rope", source.index("rope")),
        ("choice", "hall.take", source.index("hall.take")),
    ]


def test_expressions_follow_the_state():
    assert ev("stamina > 3", variables={"stamina": 2}) is False
    assert ev("has('rope')", items=set()) is False
    assert ev("visited('yard')", visits={}) == 0
    assert ev("turn + visits", turn=0, here=1) == 1


def test_mixed_logic_gives_true_false():
    assert compile_expr("x or name", NAMES).type == BOOL
    assert ev("x or name") is True
    assert ev("flag and x") is False


def test_conditions_accept_yaml_booleans_and_numbers():
    assert compile_condition(True, NAMES).fn(state()) is True
    assert compile_condition(False, NAMES).fn(state()) is False
    assert compile_condition(0, NAMES).fn(state()) == 0
    assert compile_condition(1, NAMES).fn(state()) == 1


def test_leading_spaces_are_ignored():
    assert ev("   x + 1") == 4


# -- escapes, refused at compile time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "code", "offset", "words"),
    [
        ("().__class__", "expr-forbidden", 0, ["attribute access ('.__class__')"]),
        ("x.__globals__", "expr-forbidden", 0, ["attribute access ('.__globals__')"]),
        ("name.upper", "expr-forbidden", 0, ["attribute access"]),
        ("x + name.__class__.__bases__", "expr-forbidden", 4, ["attribute access ('.__bases__')"]),
        ("name[0]", "expr-forbidden", 0, ["indexing"]),
        ("x + name[::-1]", "expr-forbidden", 4, ["indexing"]),
        ("open('/etc/passwd')", "expr-forbidden", 0, ["only the helpers"]),
        ("__import__('os')", "expr-forbidden", 0, ["only the helpers"]),
        ("eval('1')", "expr-forbidden", 0, ["only the helpers"]),
        ("exec('import os')", "expr-forbidden", 0, ["only the helpers"]),
        ("getattr(x, 'real')", "expr-forbidden", 0, ["only the helpers"]),
        ("x + print(1)", "expr-forbidden", 4, ["only the helpers"]),
        ("(lambda: 1)()", "expr-forbidden", 0, ["only the helpers"]),
        ("lambda: 1", "expr-forbidden", 0, ["functions and comprehensions"]),
        ("[i for i in (1, 2)]", "expr-forbidden", 0, ["functions and comprehensions"]),
        ("max(i for i in (1, 2))", "expr-forbidden", 3, ["functions and comprehensions"]),
        ("{i: i for i in (1, 2)}", "expr-forbidden", 0, ["functions and comprehensions"]),
        ("(y := 1)", "expr-forbidden", 1, ["assignment (':=')"]),
        ("x + (stamina := 0)", "expr-forbidden", 5, ["assignment (':=')"]),
        ("2 ** 3", "expr-forbidden", 0, ["'**' is not allowed"]),
        ("9**9**9", "expr-forbidden", 0, ["'**' is not allowed"]),
        ("x + 9**9**9**9", "expr-forbidden", 4, ["'**'"]),
        ("4 / 2", "expr-forbidden", 0, ["'/' is not allowed", "'//'"]),
        ("'a'*10**9", "expr-forbidden", 4, ["'**'"]),
        ("'a' * 1000000000", "expr-type", 0, ["'*' needs two numbers, not text and number"]),
        ("'a' * 3", "expr-type", 0, ["'*' needs two numbers"]),
        ("3 * name", "expr-type", 0, ["'*' needs two numbers, not number and text"]),
        ("name * x", "expr-type", 0, ["'*' needs two numbers"]),
        ("1.5", "expr-type", 0, ["decimal numbers are not supported"]),
        ("x + 0.5", "expr-type", 4, ["decimal numbers"]),
        ("1e9", "expr-type", 0, ["decimal numbers"]),
        ("b'x'", "expr-type", 0, ["bytes"]),
        ("None", "expr-type", 0, ["None is not a value here"]),
        ("f'{x}'", "expr-forbidden", 0, ["not allowed"]),
        ("max(*(1, 2))", "expr-forbidden", 0, ["max() takes plain arguments only"]),
        ("max(1, b=2)", "expr-forbidden", 0, ["max() takes plain arguments only"]),
        ("has(*'rope')", "expr-forbidden", 0, ["plain arguments"]),
        ("x is 1", "expr-forbidden", 0, ["'is' is not allowed; use '=='"]),
        ("flag is not true", "expr-forbidden", 0, ["'is not' is not allowed; use '!='"]),
        ("~x", "expr-forbidden", 0, ["'~'"]),
        ("x << 40", "expr-forbidden", 0, ["not allowed"]),
        ("x | 1", "expr-forbidden", 0, ["not allowed"]),
        ("1000000001", "expr-forbidden", 0, ["limited to +/-1,000,000,000"]),
        ("x + 99999999999999999999999", "expr-forbidden", 4, ["limited"]),
        ("[1, 2]", "expr-forbidden", 0, ["only allowed after 'in'"]),
        ("{'a': 1}", "expr-forbidden", 0, ["not allowed"]),
        ("visited", "expr-forbidden", 0, ["'visited' is a helper; call it"]),
        ("has(name)", "expr-forbidden", 0, ["has() takes one name in quotes"]),
        ("visited('a', 'b')", "expr-forbidden", 0, ["takes one name in quotes"]),
        ("min(1)", "expr-forbidden", 0, ["two or more numbers"]),
        ("abs(1, 2)", "expr-forbidden", 0, ["abs() takes one number"]),
        ("max(1, name)", "expr-type", 0, ["max() takes numbers"]),
    ],
)
def test_escapes_are_refused(source, code, offset, words):
    refused(source, code, offset, *words)


def test_inventory_append_is_refused():
    refused("inventory.append(1)", "expr-forbidden", 0, "only the helpers")


def test_walrus_without_parentheses_cannot_be_read():
    refused("x := 1", "expr-syntax", 2, "cannot read expression 'x := 1'")


def test_assignment_in_a_condition_cannot_be_read():
    refused("x = 1", "expr-syntax", 2, "to compare, write ==", compile=compile_condition)


def test_statements_are_not_expressions():
    refused("import os", "expr-syntax", 0, "cannot read expression", compile=compile_condition)


def test_over_long_expression():
    source = "1 + " * 124 + "1"
    assert len(source) == 497
    refused(source + " + 1", "expr-forbidden", 0, f"over {MAX_EXPR_CHARS} characters")
    refused("x" * 501, "expr-forbidden", 0, "over 500 characters")


def test_too_many_parts():
    source = "+".join(["1"] * 150)  # 299 characters, 299 nodes
    err = refused(source, "expr-forbidden", 102, "too complex (over 200 parts)")
    assert source[err.offset] == "1"


def test_deep_unary_chain_is_too_complex_not_a_crash():
    refused("-" * 400 + "1", "expr-forbidden", 200, "too complex")  # the 201st node


def test_deep_parentheses_are_refused():
    refused("(" * 240 + "1" + ")" * 240, "expr-syntax", 200, "too many nested parentheses")
    assert ev("(" * 150 + "x" + ")" * 150) == 3  # parentheses are not parts


@pytest.mark.parametrize("source", ["1 +\n 2", "x and\ny", "a\r\nb"])
def test_multi_line_is_refused(source):
    refused(source, "expr-syntax", 0, "must fit on one line")


def test_trailing_newline_is_not_a_second_line():
    assert ev("x\n") == 3


def test_empty_expression():
    refused("", "expr-syntax", 0, "empty expression")
    refused("   ", "expr-syntax", 0, "empty expression")


def test_syntax_error_offset():
    refused("x == 1 and (y", "expr-syntax", 11, "cannot read expression 'x == 1 and (y'")
    refused("  x == 1 and (y", "expr-syntax", 13, "cannot read expression 'x == 1 and (y'")


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("stamna", 0, "unknown name 'stamna' (did you mean 'stamina'?)"),
        ("x + stamna > 2", 4, "unknown name 'stamna' (did you mean 'stamina'?)"),
        ("   stamna", 3, "unknown name 'stamna' (did you mean 'stamina'?)"),
        ("trn > 3", 0, "unknown name 'trn' (did you mean 'turn'?)"),
        ("zzzz", 0, "unknown name 'zzzz'; declare it under 'variables:' in story.yaml"),
        ("inventory", 0, "unknown name 'inventory'; declare it under 'variables:' in story.yaml"),
    ],
)
def test_unknown_names(source, offset, message):
    err = refused(source, "unknown-name", offset)
    assert err.message == message


def test_unknown_items():
    err = refused("has('rop')", "unknown-item", 5)
    assert err.message == "unknown item 'rop' (did you mean 'rope'?)"
    err = refused('x > 1 and has("lantern")', "unknown-item", 15)
    assert err.message == "unknown item 'lantern'"


def test_unknown_scenes_and_choices_are_left_to_the_loader():
    expr = compile_expr("visited('nowhere') + chosen('no.choice')", NAMES)
    assert [(r.kind, r.name) for r in expr.refs] == [("scene", "nowhere"), ("choice", "no.choice")]


@pytest.mark.parametrize(
    ("source", "offset", "words"),
    [
        ("stamina + true", 0, ["'+' needs two numbers, not number and true/false"]),
        ("stamina < 'x'", 10, ["cannot compare number with text"]),
        ("x == 'a'", 5, ["cannot compare number with text"]),
        ("flag == 1", 8, ["cannot compare true/false with number"]),
        ("true < false", 7, ["true/false values cannot be ordered"]),
        ("flag >= true", 8, ["cannot be ordered"]),
        ("-name", 0, ["'-' needs a number"]),
        ("-flag", 0, ["'-' needs a number"]),
        ("name - 'a'", 0, ["'-' needs two numbers"]),
        ("flag + 1", 0, ["'+' needs two numbers"]),
        ("'a' if flag else 3", 0, ["both sides of 'if ... else' must have one type"]),
        ("'a' in ('a', 1)", 13, ["'in' compares text with number"]),
        ("1 in name", 5, ["'in' needs a list"]),
        ("1 in x", 5, ["'in' needs a list"]),
        ("abs(name)", 0, ["abs() takes numbers"]),
    ],
)
def test_type_errors(source, offset, words):
    refused(source, "expr-type", offset, *words)


# -- effects ----------------------------------------------------------------------------------------------


def apply(source: str, **overrides):
    effect = compile_effect(source, NAMES)
    return effect, effect.value.fn(state(**overrides)) if effect.value else None


@pytest.mark.parametrize(
    ("source", "variable", "value"),
    [
        ("x = 10", "x", 10),
        ("x = stamina * 2", "x", 10),
        ("x += 2", "x", 5),
        ("x -= 2", "x", 1),
        ("x *= 2", "x", 6),
        ("x //= 2", "x", 1),
        ("x %= 2", "x", 1),
        ("x //= 0", "x", 0),
        ("suspicion = max(0, suspicion - 1)", "suspicion", 0),
        ("flag = not flag", "flag", True),
        ("flag = x > 2", "flag", True),
        ("name = 'Lt. ' + name", "name", "Lt. Jean"),
        ("name += '!'", "name", "Jean!"),
        ("  x   =   1  ", "x", 1),
    ],
)
def test_effects(source, variable, value):
    effect, result = apply(source)
    assert effect.variable == variable and effect.item is None
    assert result == value and type(result) is type(value)


def test_effect_reads_exclude_nothing_by_themselves():
    effect = compile_effect("x += stamina", NAMES)
    assert effect.value.reads == {"x", "stamina"}


@pytest.mark.parametrize(
    ("source", "item", "gain"),
    [("gain rope", "rope", True), ("lose map", "map", False), ("  gain   rope  ", "rope", True)],
)
def test_gain_and_lose(source, item, gain):
    effect = compile_effect(source, NAMES)
    assert (effect.item, effect.gain, effect.variable, effect.value) == (item, gain, None, None)


@pytest.mark.parametrize(
    ("source", "code", "offset", "message"),
    [
        ("gain rop", "unknown-item", 5, "unknown item 'rop' (did you mean 'rope'?)"),
        ("lose mapp", "unknown-item", 5, "unknown item 'mapp' (did you mean 'map'?)"),
        ("  gain  lantern ", "unknown-item", 8, "unknown item 'lantern'"),
        ("stamna -= 1", "unknown-name", 0, "unknown variable 'stamna' (did you mean 'stamina'?)"),
        ("  y = 1", "unknown-name", 2, "unknown variable 'y'; declare it under 'variables:' in story.yaml"),
        ("x = stamna", "unknown-name", 4, "unknown name 'stamna' (did you mean 'stamina'?)"),
        ("flag = 1", "expr-type", 0, "'flag' holds true/false; this gives it number"),
        ("x = true", "expr-type", 0, "'x' holds number; this gives it true/false"),
        ("x = 'a'", "expr-type", 0, "'x' holds number; this gives it text"),
        ("name = 3", "expr-type", 0, "'name' holds text; this gives it number"),
        ("name -= 1", "expr-type", 0, "'-' needs two numbers, not text and number"),
        ("x += 'a'", "expr-type", 0, "'x' holds number; this gives it text"),
    ],
)
def test_effect_errors(source, code, offset, message):
    err = refused(source, code, offset, compile=compile_effect)
    assert err.message == message


@pytest.mark.parametrize(
    "source",
    [
        "x.y = 1",
        "x[0] = 1",
        "x = y = 1",
        "x, flag = 1, 2",
        "import os",
        "del x",
        "x **= 2",
        "x /= 2",
        "x >>= 1",
        "x",
        "gain",
        "print(x)",
        "stamina.real = 1",
    ],
)
def test_effects_that_are_not_assignments(source):
    err = refused(source, "expr-syntax", 0, compile=compile_effect)
    assert "an effect is 'name = value'" in err.message


def test_two_statements_in_one_effect():
    refused("x = 1; stamina = 2", "expr-syntax", 0, "one statement per effect", compile=compile_effect)


def test_empty_effects():
    for source in ("", "  ", None, 3, ["x = 1"]):
        refused(source, "expr-syntax", 0, "an effect must be a statement", compile=compile_effect)


def test_forbidden_things_inside_effects():
    refused("x = (stamina := 2)", "expr-forbidden", 5, "assignment (':=')", compile=compile_effect)
    refused("x = open(1)", "expr-forbidden", 4, "only the helpers", compile=compile_effect)
    refused("x = 2 ** 99", "expr-forbidden", 4, "'**'", compile=compile_effect)
    refused("x = 1\nx = 2", "expr-syntax", 0, "one line", compile=compile_effect)


# -- templates ------------------------------------------------------------------------------------------


def render(text: str, **overrides) -> str:
    return compile_template(text, NAMES).render(state(**overrides))


def template_refused(text: str, code: str, offset: int, *words: str) -> ExprError:
    with pytest.raises(ExprError) as info:
        compile_template(text, NAMES)
    err = info.value
    assert (err.code, err.offset) == (code, offset), (err.code, err.offset, err.message)
    for word in words:
        assert word in err.message, (word, err.message)
    return err


def test_plain_text_stays_a_string():
    template = compile_template("Nothing { to } see %} here }}", NAMES)
    assert template.fn is None
    assert template.render(state()) == "Nothing { to } see %} here }}"


def test_interpolation_of_every_type():
    assert render("{{ name }} has {{ stamina }} and {{ flag }}; {{ x > 1 }}.") == "Jean has 5 and false; true."
    assert render("{{x}}{{ x * 2 }}") == "36"
    assert render("{{ -x }}") == "-3"
    assert render("{{ x }}}") == "3}"


def test_conditional_interpolation_without_else():
    text = "You hold {{ 'a rope' if has('rope') }}."
    assert render(text) == "You hold a rope."
    assert render(text, items=set()) == "You hold ."
    assert render("{{ 'late' if turn > 5 else 'early' }}", turn=1) == "early"


def test_if_elif_else_chain():
    text = "a\n{% if x > 5 %}\nbig\n{% elif x > 2 %}\nmid\n{% else %}\nsmall\n{% endif %}\nb\n"
    assert render(text) == "a\nmid\nb\n"
    assert render(text, variables={"x": 9}) == "a\nbig\nb\n"
    assert render(text, variables={"x": 0}) == "a\nsmall\nb\n"


def test_nested_blocks_leave_no_blank_lines():
    text = (
        "start\n"
        "{% if x > 1 %}\n"
        "  {% if flag %}\n"
        "flag on\n"
        "  {% else %}\n"
        "flag off\n"
        "  {% endif %}\n"
        "outer\n"
        "{% endif %}\n"
        "end"
    )
    assert render(text) == "start\nflag off\nouter\nend"
    assert render(text, variables={"flag": True}) == "start\nflag on\nouter\nend"
    assert render(text, variables={"x": 0}) == "start\nend"


def test_tag_only_lines_with_spaces_and_tabs_vanish():
    assert render("a\n  {% if flag %}  \nhidden\n\t{% endif %}\t\nb") == "a\nb"


def test_inline_tags_keep_their_line():
    assert render("It is {% if flag %}lit{% else %}dark{% endif %} here.") == "It is dark here."


def test_if_without_else_renders_nothing():
    assert render("a {% if flag %}b{% endif %}c") == "a c"


def test_template_reads_and_refs():
    text = "{{ name }} {% if visited('yard') > 0 and has('rope') %}x{% endif %}"
    template = compile_template(text, NAMES)
    assert template.reads == {"name"}
    assert [(r.kind, r.name, r.offset) for r in template.refs] == [
        ("scene", "yard", text.index("yard")),
        ("item", "rope", text.index("rope")),
    ]


def test_unclosed_interpolation():
    template_refused("open {{ name ", "template", 5, "'{{' is never closed: end it with '}}'")
    template_refused("open {% if name ", "template", 5, "'{%' is never closed: end it with '%}'")
    template_refused("a {{ x }} b {{ x", "template", 12, "never closed")


def test_unclosed_interpolation_over_two_lines():
    template_refused("a {{ x\n}} b", "template", 2, "never closed")


def test_unclosed_if():
    template_refused("a\n{% if flag %}\nb\n", "template", 2, "'{% if %}' is never closed with '{% endif %}'")
    template_refused("{% if flag %}{% if x %}a{% endif %}", "template", 0, "never closed")


def test_unclosed_tag():
    template_refused("a {% if flag ", "template", 2, "never closed")


def test_stray_endif():
    template_refused("a\n{% endif %}\n", "template", 2, "'{% endif %}' without an open '{% if %}'")


def test_stray_else_and_elif():
    template_refused("x {% else %} y", "template", 2, "'{% else %}' without an open '{% if %}'")
    template_refused("x {% elif flag %} y", "template", 2, "'{% elif %}' without an open '{% if %}'")


def test_else_with_a_condition():
    template_refused("{% if flag %}a{% else x %}b{% endif %}", "template", 14, "'{% else %}' takes no condition")


def test_unknown_tag():
    template_refused("{% for x in y %}a{% endfor %}", "template", 0, "unknown tag '{% for %}'")
    template_refused("ab {% include 'x' %}", "template", 3, "unknown tag '{% include %}'")


def test_expression_errors_inside_templates_have_offsets():
    template_refused("ab {{ stamna }}", "unknown-name", 6, "did you mean 'stamina'")
    template_refused("{% if   stamna %}x{% endif %}", "unknown-name", 8, "stamna")
    text = "x\n{% if flag %}\n{% elif stamna %}\n{% endif %}"
    template_refused(text, "unknown-name", text.index("stamna"), "stamna")
    template_refused("{{ has('rop') }}", "unknown-item", 8, "unknown item 'rop'")
    template_refused("{{ 'a' if x > 1 else 3 }}", "expr-type", 3, "one type")
    template_refused("{{ x.__class__ }}", "expr-forbidden", 3, "attribute access")
    template_refused("{{ 1 + }}", "expr-syntax", 3, "cannot read expression '1 +'")


def test_broken_conditional_interpolation_quotes_the_authors_text():
    with pytest.raises(ExprError) as info:
        compile_template("{{ x if }}", NAMES)
    assert info.value.code == "expr-syntax"
    assert "else ''" not in info.value.message, info.value.message


def test_elif_after_else_is_explained():
    err = template_refused("{% if flag %}a{% else %}b{% elif x %}c{% endif %}", "template", 25)
    assert "without an open" not in err.message and "else" in err.message


def test_refusals_do_not_leak_python_internals():
    for source in ("f'{x}'", "[1, 2]", "None"):
        with pytest.raises(ExprError) as info:
            compile_expr(source, NAMES)
        assert not any(word in info.value.message for word in ("JoinedStr", "List", "NoneType")), info.value.message


def test_compiled_functions_see_no_builtins():
    expr = compile_expr("x", NAMES)
    assert expr.fn.__globals__["__builtins__"] == {}
    helpers = {"plural", "ordinal", "capitalize", "upper", "lower"}
    assert set(expr.fn.__globals__) <= {"__builtins__", "min", "max", "abs", "bool", "str", "_div", "_mod", *helpers}


# -- exact messages (every word of a refusal is the author's guide) ----------------------------------------------
# Each part follows "x + ", so the place refused is never where the text starts.
@pytest.mark.parametrize(
    ("part", "offset", "code", "message"),
    [
        ("x.real", 4, "expr-forbidden", "attribute access ('.real') is not allowed"),
        ("x[0]", 4, "expr-forbidden", "indexing ('[...]') is not allowed"),
        ("x ** 2", 4, "expr-forbidden", "'**' is not allowed"),
        ("x / 2", 4, "expr-forbidden", "'/' is not allowed; use '//' for whole-number division"),
        ("(y := 2)", 5, "expr-forbidden", "assignment (':=') is not allowed in an expression"),
        ("[y for y in 'ab']", 4, "expr-forbidden", "functions and comprehensions are not allowed"),
        ("{y for y in 'ab'}", 4, "expr-forbidden", "functions and comprehensions are not allowed"),
        ("{y: 1 for y in 'ab'}", 4, "expr-forbidden", "functions and comprehensions are not allowed"),
        ("(lambda: 1)", 5, "expr-forbidden", "functions and comprehensions are not allowed"),
        ("f'{x}'", 4, "expr-forbidden", "f-strings are not allowed; join text with +"),
        ("[1, 2]", 4, "expr-forbidden", "a list is only allowed after 'in', as in x in ('a', 'b')"),
        ("(1, 2)", 4, "expr-forbidden", "a list is only allowed after 'in', as in x in ('a', 'b')"),
        ("{1, 2}", 4, "expr-forbidden", "a set is only allowed after 'in', as in x in ('a', 'b')"),
        ("{1: 2}", 4, "expr-forbidden", "mappings are not allowed in an expression"),
        ("1.5", 4, "expr-type", "decimal numbers are not supported; use whole numbers, text or true/false"),
        ("b'x'", 4, "expr-type", "'bytes' are not supported; use whole numbers, text or true/false"),
        ("None", 4, "expr-type", "None is not a value here; use true/false, a number or text"),
        ("~x", 4, "expr-forbidden", "'~' is not allowed"),
        ("-name", 4, "expr-type", "'-' needs a number, not text"),
        ("(1 if flag else 'a')", 5, "expr-type", "both sides of 'if ... else' must have one type, not number and text"),
        ("(x in 5)", 10, "expr-type", "'in' needs a list like ('a', 'b') or text on its right"),
        ("(x is 1)", 5, "expr-forbidden", "'is' is not allowed; use '=='"),
        ("max(name, 1)", 4, "expr-type", "max() takes numbers"),
        ("max(1)", 4, "expr-forbidden", "max() takes two or more numbers"),
        ("abs(1, 2)", 4, "expr-forbidden", "abs() takes one number"),
        ("max(*x)", 4, "expr-forbidden", "max() takes plain arguments only"),
        ("has(x)", 4, "expr-forbidden", "has() takes one name in quotes, as in has('x')"),
        ("visited('a', 'b')", 4, "expr-forbidden", "visited() takes one name in quotes, as in visited('rope')"),
        (
            "hass('rope')",
            4,
            "expr-forbidden",
            "only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called (did you mean 'has'?)",
        ),
        (
            "x.y()",
            4,
            "expr-forbidden",
            "only the helpers abs, capitalize, chosen, has, lower, max, min, ordinal, plural, upper, visited can be called",
        ),
        ("has", 4, "expr-forbidden", "'has' is a helper; call it, as in has(...)"),
    ],
)
def test_refusals_say_exactly_what_is_wrong_and_where(part, offset, code, message):
    err = refused(f"x + {part}", code, offset)
    assert err.message == message and str(err) == message


def test_empty_expression_is_refused_where_it_stands():
    err = refused(" ", "expr-syntax", 0)
    assert err.message == "empty expression"
    with pytest.raises(ExprError) as info:
        compile_expr("", NAMES, base=7)
    assert (info.value.message, info.value.offset) == ("empty expression", 7)


def test_a_compiled_expression_keeps_its_source():
    assert compile_expr(" x + 1", NAMES).source == " x + 1"
    assert compile_condition("x > 1", NAMES).source == "x > 1"


def test_empty_template_branches_render_as_nothing():
    assert render("a{% if flag %}{% else %}{% endif %}b") == "ab"
    assert render("a{% if flag %}{% endif %}b", variables={"flag": True}) == "ab"


def test_template_reads_collect_every_condition():
    template = compile_template("{% if flag %}a{% elif x > 1 %}b{% endif %}{{ name }}", NAMES)
    assert template.reads == {"flag", "x", "name"}


# -- where a refusal points, when the text does not start at the beginning of the field ---------------------------
def test_effect_refusals_are_placed_within_the_field():
    def at(source: str, base: int = 10) -> tuple[str, int, str]:
        with pytest.raises(ExprError) as info:
            compile_effect(source, NAMES, base)
        return info.value.code, info.value.offset, info.value.message

    statement = "an effect is 'name = value', 'name += value', 'name -= value', 'gain item' or 'lose item'"
    assert at("  x **= 2") == ("expr-syntax", 12, statement)
    assert at("  flag = 1") == ("expr-type", 12, "'flag' holds true/false; this gives it number")
    assert at("  y = 1") == ("unknown-name", 12, "unknown variable 'y'; declare it under 'variables:' in story.yaml")
    assert at("  x = 1; x = 2") == ("expr-syntax", 10, "one statement per effect; put each in its own list item")
    assert at("  ") == ("expr-syntax", 10, "an effect must be a statement such as 'stamina -= 1' or 'gain rope'")
    assert at("  x = name + 1") == ("expr-type", 12, "'x' holds number; this gives it text")


def test_effects_keep_their_source_and_reads():
    effect = compile_effect("x += stamina", NAMES)
    assert (effect.source, effect.variable, effect.value.type) == ("x += stamina", "x", INT)
    assert effect.value.reads == {"x", "stamina"} and effect.value.source == "x += stamina"
    assert compile_effect("gain rope", NAMES).source == "gain rope"
    assert compile_effect("x = visited('hall')", NAMES).value.refs[0].name == "hall"


def test_conditions_refuse_nothing_and_keep_their_source():
    for source in ("", "   ", None, ["x"]):
        with pytest.raises(ExprError) as info:
            compile_condition(source, NAMES, base=3)
        assert (info.value.message, info.value.code, info.value.offset) == ("empty expression", "expr-syntax", 3)
    assert compile_condition("flag", NAMES).type == BOOL
    assert compile_condition("x", NAMES).type == BOOL  # any value is a condition: true unless 0 or empty
    assert compile_condition("x", NAMES).fn(state(variables={"x": 0})) is False


def test_expression_size_limits_are_exact():
    exactly = "name == '" + "a" * 490 + "'"  # 500 characters: the most an expression may have
    assert len(exactly) == MAX_EXPR_CHARS and compile_expr(exactly, NAMES)
    err = refused(exactly + " ", "expr-forbidden", 0)
    assert err.message == "the expression is over 500 characters"
    with pytest.raises(ExprError) as info:
        compile_expr(exactly + " ", NAMES, base=6)
    assert info.value.offset == 6
    with pytest.raises(ExprError) as info:
        compile_expr("x +\n 1", NAMES, base=4)
    assert (info.value.message, info.value.offset) == ("an expression must fit on one line", 4)
    assert refused("1" * 499, "expr-forbidden", 0).message == "numbers are limited to +/-1,000,000,000"
    err = refused("x == \x00", "expr-syntax", 5)  # a YAML escape can put a control character in a string
    assert err.message == "an expression cannot hold the control character U+0000"
    err = refused("x == 1 2", "expr-syntax", 7)
    assert err.message.startswith("cannot read expression 'x == 1 2': ")  # then Python's words...
    assert "forgot a comma" not in err.message  # ...but not its guess, which misleads in a story


def test_true_and_false_in_both_spellings_and_the_built_ins_are_read():
    for source, value in (("true", True), ("True", True), ("false", False), ("False", False)):
        assert ev(source) is value
    assert compile_expr("turn > 1", NAMES).reads == {"@turn"}
    assert compile_expr("visits > 1", NAMES).reads == {"@visits"}
    err = refused("visitz > 1", "unknown-name", 0)
    assert err.message == "unknown name 'visitz' (did you mean 'visits'?)"
    assert refused("tru", "unknown-name", 0).message == "unknown name 'tru' (did you mean 'true'?)"
    assert refused("fals", "unknown-name", 0).message == "unknown name 'fals' (did you mean 'false'?)"
    assert refused("tur > 1", "unknown-name", 0).message == "unknown name 'tur' (did you mean 'turn'?)"


def test_comparison_chains_keep_each_type():
    assert ev("1 < x < 5") is True
    assert ev("'a' in name < 'z'") is False or True  # a chain may mix 'in' with an order on text
    err = refused("x < 5 < name", "expr-type", 8)
    assert (
        err.message == "cannot compare number with text; 'name' holds text, so compare it with text in quotes ('word')"
    )
    err = refused("flag < true", "expr-type", 7)
    assert err.message == "true/false values cannot be ordered with < or >"
    assert refused("x > 1000000001", "expr-forbidden", 4).message == "numbers are limited to +/-1,000,000,000"


def test_template_tags_in_every_spelling():
    assert render("{% if flag %}a{% end %}b") == "b"
    assert render("{%   if   x > 1   %}big{%   else   %}small{%   endif   %}") == "big"
    err = template_refused("{% if flag %}a{% else flag %}b{% endif %}", "template", 14)
    assert err.message == "'{% else %}' takes no condition; use '{% elif ... %}'"
    err = template_refused("{% %}", "template", 0)
    assert err.message == "unknown tag '{%  %}'; tags are if, elif, else and endif"
    err = template_refused("a {% if x > 1 and %}b{% endif %}", "expr-syntax", 8)
    assert err.message.startswith("cannot read expression 'x > 1 and'")
    template = compile_template("Plain {text}.", NAMES)
    assert (template.source, template.fn, template.reads, template.refs) == ("Plain {text}.", None, frozenset(), ())
    text = "a {{ name }} b"
    assert compile_template(text, NAMES).source == text
    assert render("{{ x }}{% if flag %}{% endif %}") == "3"  # a template ending in a tag keeps what came before


def test_a_condition_may_hold_its_own_keyword():
    assert render("{% if x if x else x %}a{% endif %}") == "a"  # the tag's word is the first "if"
    assert render("{% if flag %}a{% elif x if flag else x %}b{% endif %}") == "b"


def test_pythons_comma_guess_is_left_out():
    err = refused("max(x 2)", "expr-syntax", 4)
    assert err.message == "cannot read expression 'max(x 2)': invalid syntax"  # the project's words, not Python's guess


# -- a newcomer's mistakes: the fix, at the place ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("x = 1", 2, "to compare, write == (a single = sets a variable, which only an effect does)"),
        ("flag && x > 1", 5, "write 'and' instead of '&&'"),
        ("flag || x > 1", 5, "write 'or' instead of '||'"),
        ("!flag", 0, "write 'not' instead of '!'"),
        ("x <> 1", 2, "write != for 'not equal'"),
        ("x => 1", 2, "write >= for 'at least'"),
        ("x =< 1", 2, "write <= for 'at most'"),
        ("{{ x }} > 1", 0, "drop the braces: {{ }} is for text; here write the expression alone (x > 1)"),
        ("has(\u2018rope\u2019)", 4, "'\u2018' is a curly quote: write straight quotes, ' or \" (has('rope'))"),
        ("x > 1 and < 5", 10, "'and' joins two whole comparisons: repeat the name (x > 1 and x < 5)"),
        ("has 'rope'", 4, "put the name in parentheses: has('rope')"),
        ("'a' else 'b'", 4, "'else' needs an 'if' before it: 'yes' if condition else 'no'"),
    ],
)
def test_newcomers_syntax_gets_the_fix(source, offset, message):
    err = refused(source, "expr-syntax", offset)
    assert err.message == message


@pytest.mark.parametrize(
    ("source", "code", "offset", "message"),
    [
        ("x == '3'", "expr-type", 5, "cannot compare number with text; write 3 without quotes"),
        (
            "x == 'high'",
            "expr-type",
            5,
            "cannot compare number with text; 'x' holds number, so compare it with a number (3)",
        ),
        (
            "name == 0",
            "expr-type",
            8,
            "cannot compare text with number; 'name' holds text, so compare it with text in quotes ('word')",
        ),
        ("name == Jean", "unknown-name", 8, "unknown name 'Jean'; text goes in quotes: 'Jean'"),
        ("name == 'a' or 'b'", "expr-type", 15, "'b' on its own is always true; compare again: ... or name == 'b'"),
        ("flag == TRUE", "unknown-name", 8, "unknown name 'TRUE' (did you mean 'true'?)"),
        ("Stamina > 1", "unknown-name", 0, "unknown name 'Stamina' (did you mean 'stamina'?)"),
        ("flag & flag", "expr-forbidden", 0, "'&' is not allowed; write 'and'"),
        ("x is not 1", "expr-forbidden", 0, "'is not' is not allowed; use '!='"),
    ],
)
def test_newcomers_mixups_get_the_fix(source, code, offset, message):
    err = refused(source, code, offset)
    assert err.message == message


@pytest.mark.parametrize(
    "source",
    ["x != 1 and not flag", "name == 'a = b && c || !d <> e'", 'name == "it\u2019s"', "name or 'stranger'", "x >= 1"],
)
def test_the_same_characters_are_fine_where_they_belong(source):
    assert compile_expr(source, NAMES).source == source


@pytest.mark.parametrize(
    ("source", "offset", "code", "message"),
    [
        ("x++", 1, "expr-syntax", "write x += 1"),
        ("take rope", 0, "expr-syntax", "to give the player an item, write 'gain rope'"),
        ("drop rope", 0, "expr-syntax", "to take an item away, write 'lose rope'"),
        (
            "flag += 1",
            0,
            "expr-type",
            "'flag' holds true/false, which cannot be counted; write flag = true or flag = false",
        ),
        (
            "x = {{ x }} + 1",
            4,
            "expr-syntax",
            "drop the braces: {{ }} is for text; here write the expression alone (x = x + 1)",
        ),
        (
            "x + 1",
            0,
            "expr-syntax",
            "an effect is 'name = value', 'name += value', 'name -= value', 'gain item' or 'lose item'; "
            "to change x, write x += 1",
        ),
    ],
)
def test_newcomers_effects_get_the_fix(source, offset, code, message):
    with pytest.raises(ExprError) as info:
        compile_effect(source, NAMES)
    assert (info.value.code, info.value.offset, info.value.message) == (code, offset, message)


def test_misspelt_tags_get_a_did_you_mean():
    template_refused("{% if flag %}a{% elsif x %}b{% endif %}", "template", 14, "(did you mean '{% elif %}'?)")
    template_refused("{% if flag %}a{% fi %}", "template", 14, "(did you mean '{% endif %}'?)")
    template_refused("{% if flag %}a{% endf %}", "template", 14, "(did you mean '{% endif %}'?)")


# -- exact messages and offsets the mutation tests asked for -------------------------------------------------------
def test_effect_refusals_name_the_operator_and_place_the_value():
    def at(source: str, base: int = 10) -> tuple[str, int, str]:
        with pytest.raises(ExprError) as info:
            compile_effect(source, NAMES, base)
        return info.value.code, info.value.offset, info.value.message

    counted = "'flag' holds true/false, which cannot be counted; write flag = true or flag = false"
    assert at("  flag += 1") == ("expr-type", 12, counted)
    assert at("  x = stamna + 1") == ("unknown-name", 16, "unknown name 'stamna' (did you mean 'stamina'?)")
    statement = "an effect is 'name = value', 'name += value', 'name -= value', 'gain item' or 'lose item'"
    for source, fix in [("x - 1", "x -= 1"), ("x * 2", "x *= 2"), ("x // 2", "x //= 2"), ("x % 2", "x %= 2")]:
        assert at("  " + source) == ("expr-syntax", 12, f"{statement}; to change x, write {fix}")


def test_expression_refusals_exact_messages():
    def message(source: str, offset: int) -> str:
        with pytest.raises(ExprError) as info:
            compile_expr(source, NAMES)
        assert info.value.offset == offset, (source, info.value.offset)
        return info.value.message

    assert message("name == 'a' and 'b'", 16) == "'b' on its own is always true; compare again: ... and name == 'b'"
    assert message("flag | flag", 0) == "'|' is not allowed; write 'or'"
    assert message("flag & flag", 0) == "'&' is not allowed; write 'and'"
    assert message("1 == 'a'", 5) == "cannot compare number with text"  # no variable to explain, no quoted number
    holds_text = "; 'name' holds text, so compare it with text in quotes ('word')"
    assert message("name == turn", 8) == "cannot compare text with number" + holds_text  # a known word, not text
    assert message("has(map, rope)", 0) == "has() takes one name in quotes, as in has('rope')"
    assert message("ordinal()", 0) == "ordinal() is used as ordinal(number)"
    assert message("ordinal(1, 2)", 0) == "ordinal() is used as ordinal(number)"
    assert message("'5' == x", 7) == "cannot compare text with number; write 5 without quotes"
    holds_number = "; 'x' holds number, so compare it with a number (3)"
    assert message("0 < x == 'a'", 9) == "cannot compare number with text" + holds_number  # x came before


def test_ordinal_of_hundreds():
    assert [ev(f"ordinal({n})") for n in (111, 112, 113, 101, 121, 1011)] == [
        "111th",
        "112th",
        "113th",
        "101st",
        "121st",
        "1011th",
    ]


def test_misspelt_tags_are_matched_to_the_closest_tag():
    def message(text: str) -> str:
        with pytest.raises(ExprError) as info:
            compile_template(text, NAMES)
        return info.value.message

    tail = "; tags are if, elif, else and endif"
    assert message("{% if x %}a{% iff x %}") == "unknown tag '{% iff %}' (did you mean '{% if %}'?)" + tail
    assert message("{% if flag %}a{% elf x %}") == "unknown tag '{% elf %}' (did you mean '{% elif %}'?)" + tail
    assert message("{% if flag %}a{% els %}") == "unknown tag '{% els %}' (did you mean '{% else %}'?)" + tail
    assert message("{% if flag %}a{% zzz %}") == "unknown tag '{% zzz %}'" + tail


def test_the_first_unclosed_brace_is_pointed_at():
    with pytest.raises(ExprError) as info:
        compile_template("x {{ y {{ z", NAMES)
    assert (info.value.code, info.value.offset, info.value.message) == (
        "template",
        2,
        "'{{' is never closed: end it with '}}'",
    )


class _Recorder:
    """Probes that remember every site and every hit."""

    def __init__(self) -> None:
        self.sites: list[tuple[int, str]] = []
        self.hits: list[int] = []

    def site(self, offset: int, label: str) -> int:
        self.sites.append((offset, label))
        return len(self.sites) - 1

    def hit(self, number: int) -> str:
        self.hits.append(number)
        return ""


def test_probed_templates_name_each_branch_and_report_the_ones_shown():
    text = "{% if flag %}a{% elif x > 1 %}b{% else %}c{% endif %}|{% if flag %}d{% endif %}"
    probes = _Recorder()
    template = compile_template(text, NAMES, probes)
    assert probes.sites == [
        (0, "{% if flag %}"),
        (14, "{% elif x > 1 %}"),
        (31, "{% else %}"),
        (54, "{% if flag %}"),
        (54, "(none of its branches)"),
    ]
    assert template.render(state()) == "b|" and probes.hits == [1, 4]
    assert template.render(state(variables={"flag": True})) == "a|d" and probes.hits == [1, 4, 0, 3]
    assert template.render(state(variables={"x": 0})) == "c|" and probes.hits[4:] == [2, 4]

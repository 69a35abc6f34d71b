"""Story text as the one-pass tokenizer reads it and the flat steps render it: what a text shows, which
texts are refused (message, code and line:col in the text), and the limits at their exact edge.

Each test names the behaviour of `game.compiler.template` that it pins (see benchmarks/mutation.md):
tags written tight against their braces, the text beside a tag on its line, a tag alone on the first
line, conditions that are not `{{ }}` interpolations, and the caps on nesting, branches and parts.
"""

from __future__ import annotations

import io
import textwrap
from contextlib import redirect_stderr, redirect_stdout

import pytest

from game.cli import main
from game.compiler.expr import ExprError, Names
from game.compiler.limits import MAX_TEMPLATE_BRANCHES, MAX_TEMPLATE_DEPTH, MAX_TEXT_NODES, MAX_TEXT_SOURCE
from game.compiler.template import compile_template, tokens
from game.model import BOOL, INT, STR, Scope

NAMES = Names({"flag": BOOL, "x": INT, "name": STR}, frozenset({"rope"}))


def render(text: str, flag: bool = True, x: int = 3) -> str:
    return compile_template(text, NAMES).render(Scope({"flag": flag, "x": x, "name": "Jean"}, {"rope"}, {}, {}))


def where(text: str, offset: int) -> str:
    """line:col (from 1) of an offset in a text, as an author reads it."""
    before = text[:offset]
    return f"{before.count(chr(10)) + 1}:{offset - (before.rfind(chr(10)) + 1) + 1}"


def refused(text: str) -> tuple[str, str, str]:
    """(line:col, code, message) of a text the compiler refuses."""
    with pytest.raises(ExprError) as info:
        compile_template(text, NAMES)
    return where(text, info.value.offset), info.value.code, info.value.message


# -- tags as written -------------------------------------------------------------------------------------


def test_a_tag_written_tight_against_its_braces_is_read():
    assert render("{%if flag%}yes{%else%}no{%endif%}") == "yes"
    assert render("{%if flag%}yes{%else%}no{%endif%}", flag=False) == "no"
    assert render("Before\n{%if flag%}\nyes\n{%endif%}\nafter") == "Before\nyes\nafter"
    assert render("{%if x > 5%}big{%elif x > 1%}some{%endif%}") == "some"


def test_text_before_a_tag_on_its_line_is_kept_with_the_line_break():
    text = "X{% if flag %}\nyes\n{% endif %}\n"
    assert render(text) == "X\nyes\n"
    assert render(text, flag=False) == "X"
    assert render("Go\t{% if flag %}\nyes\n{% endif %}\n") == "Go\t\nyes\n"


def test_text_after_a_tag_on_its_line_is_kept_with_the_line_break():
    assert render("{% if flag %}X\nyes{% endif %}") == "X\nyes"
    assert render("a\n{% if flag %} X\nyes\n{% endif %}\n") == "a\n X\nyes\n"


def test_a_tag_alone_on_the_first_line_takes_its_line_break_with_it():
    assert render("{% if flag %}\nyes{% endif %}") == "yes"
    assert render("  {% if flag %} \t\nyes\n{% endif %}") == "yes\n"


def test_a_text_ending_in_spaces_does_not_change_how_its_first_tag_is_read():
    # the blanks before a tag are looked for back to the previous token only, never past the text's start
    assert render("{% if flag %}\nyes\n{% endif %}\nend ") == "yes\nend "
    assert render("{% if flag %}\nyes\n{% endif %}\nend\t") == "yes\nend\t"
    assert render("{% if flag %}\nyes\n{% endif %}\nend \n ") == "yes\nend \n "


def test_only_blanks_beside_a_tag_make_it_alone_on_its_line():
    text = "a\n {% if flag %}\t\nyes\n\t{% endif %} \nb"
    assert render(text) == "a\nyes\nb"
    assert render(text, flag=False) == "a\nb"


def test_braces_that_open_no_token_are_shown_as_written():
    assert render("{{ x }} {") == "3 {"
    assert render("{{% if flag %}yes{% endif %}") == "{yes"
    assert render("{a{{ x }}}") == "{a3}"
    assert render("{X y %} and {{ x }}") == "{X y %} and 3"  # only '{{' and '{%' open a token


def test_an_opener_not_closed_on_its_own_line_is_refused_where_it_opens():
    assert refused("a {{\nx }}") == ("1:3", "template", "'{{' is never closed: end it with '}}'")
    assert refused("a {%\nif flag %}b{% endif %}") == ("1:3", "template", "'{%' is never closed: end it with '%}'")
    assert refused("{{ x }}\n {{\n}} {{ x }}") == ("2:2", "template", "'{{' is never closed: end it with '}}'")


def test_an_empty_expression_or_tag_is_a_token_refused_where_it_stands():
    assert refused("a{{}}") == ("1:4", "expr-syntax", "cannot read expression '': invalid syntax")
    assert refused("a\n{%%}") == ("2:1", "template", "unknown tag '{%  %}'; tags are if, elif, else and endif")


class Counted(str):
    """A text that counts the characters its searches look at."""

    looked_at = 0

    def find(self, needle, start=0, *rest):  # noqa: ANN001, ANN201 - str.find's own signature
        found = str.find(self, needle, start, *rest)
        type(self).looked_at += (found + len(needle) if found >= 0 else len(self)) - start
        return found


@pytest.mark.parametrize(
    "text",
    ["{{" * 20_000, "{%" * 20_000, "{{ x " * 8_000, "{% if x " * 5_000, "{{ x }\n" * 6_000, "a {{ x }} {% b" * 3_000],
    ids=["expr-openers", "tag-openers", "unclosed-exprs", "unclosed-ifs", "half-closed-lines", "mixed"],
)
def test_the_tokenizer_looks_at_each_character_a_bounded_number_of_times(text):
    # the searches for a line's end and for '}}' and '%}' go on from where they stopped: without that, a long
    # text of openers that never close is searched to its end once per opener (quadratic time)
    Counted.looked_at = 0
    found = list(tokens(Counted(text)))
    assert found == list(tokens(text))
    assert Counted.looked_at <= 5 * len(text), (Counted.looked_at, len(text))


# -- conditions are not interpolations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at", "source"),
    [
        ("{% if flag if flag %}a{% endif %}", "1:7", "flag if flag"),
        ("{% if x > 1 if flag %}a{% endif %}", "1:7", "x > 1 if flag"),
        ("{% if flag %}a{% elif x if flag %}b{% endif %}", "1:23", "x if flag"),
    ],
)
def test_a_condition_never_takes_the_else_that_an_interpolation_may_leave_out(text, at, source):
    message = f"cannot read expression '{source}': expected 'else' after 'if' expression"
    assert refused(text) == (at, "expr-syntax", message)


def test_an_interpolation_may_leave_out_its_else_but_not_a_broken_expression():
    assert render("You hold {{ 'a rope' if flag }}.") == "You hold a rope."
    assert render("You hold {{ 'a rope' if flag }}.", flag=False) == "You hold ."
    assert refused("Go {{ x + }} now") == ("1:7", "expr-syntax", "cannot read expression 'x +': invalid syntax")


# -- limits, at their exact edge -------------------------------------------------------------------------


def test_a_text_is_as_long_as_the_limit_and_no_longer():
    longest = "{{ x }}" + "." * (MAX_TEXT_SOURCE - 7)
    assert render(longest) == "3" + "." * (MAX_TEXT_SOURCE - 7)
    message = f"the text is {MAX_TEXT_SOURCE + 1:,} characters long; the limit is {MAX_TEXT_SOURCE:,}"
    assert refused(longest + ".") == ("1:1", "too-large", message)


def test_ifs_nest_as_deep_as_the_limit_and_no_deeper():
    depth = MAX_TEMPLATE_DEPTH
    deepest = "{% if flag %}" * depth + "x" + "{% endif %}" * depth
    assert render(deepest) == "x"
    assert render(deepest, flag=False) == ""
    text = "a\n" + "{% if flag %}\n" * depth + "  {% if flag %}x" + "{% endif %}" * (depth + 1)
    assert refused(text) == (f"{depth + 2}:3", "too-deep", f"'{{% if %}}' nested deeper than {depth} levels")


def test_an_if_takes_as_many_branches_as_the_limit_and_no_more():
    most = "{% if x == 0 %}z" + "".join(f"{{% elif x == {n} %}}{n}" for n in range(1, MAX_TEMPLATE_BRANCHES + 1))
    assert render(most + "{% endif %}", x=MAX_TEMPLATE_BRANCHES) == str(MAX_TEMPLATE_BRANCHES)
    assert render(most + "{% endif %}", x=MAX_TEMPLATE_BRANCHES + 1) == ""
    message = f"an '{{% if %}}' has more than {MAX_TEMPLATE_BRANCHES} '{{% elif %}}' and '{{% else %}}'"
    assert refused(most + "\n{% else %}-{% endif %}") == ("2:1", "template", message)
    with_else = "{% if x == 0 %}z" + "".join(f"{{% elif x == {n} %}}{n}" for n in range(1, MAX_TEMPLATE_BRANCHES))
    assert render(with_else + "{% else %}last{% endif %}", x=MAX_TEMPLATE_BRANCHES) == "last"


LONG = "{{ " + " + ".join(["x"] * 100) + " }}"  # 199 parts (100 names, 99 additions), as many as one may have
SHORT = "{{ x }}"  # one part
MESSAGE = f"the expressions of this text have over {MAX_TEXT_NODES:,} parts in all; split the text"


def test_the_expressions_of_a_text_have_at_most_the_limit_of_parts_in_all():
    assert MAX_TEXT_NODES == 10 * 199 + 10
    most = LONG * 10 + "\n" + SHORT * 10
    assert render(most) == "300" * 10 + "\n" + "3" * 10
    assert refused(most + SHORT) == (f"2:{len(SHORT) * 10 + 4}", "too-large", MESSAGE)
    assert refused(LONG * 10 + "\n" + SHORT * 9 + "{{  x + 1 }}") == (f"2:{len(SHORT) * 9 + 5}", "too-large", MESSAGE)


def test_the_parts_of_conditions_count_towards_the_limit():
    most = "{% if flag %}" + LONG * 10 + SHORT * 9 + "{% endif %}"
    assert render(most) == "300" * 10 + "3" * 9
    assert render(most, flag=False) == ""
    assert refused(most + "\n{% if flag %}{% endif %}") == ("2:7", "too-large", MESSAGE)


# -- what an author is warned about ----------------------------------------------------------------------


def test_a_text_notes_the_invisible_characters_its_escapes_make_and_only_those():
    template = compile_template("Sign: {{ '\\u202e' }} and {{ '\u202e' }} and {{ 'ok' }}.", NAMES)
    assert template.controls == ((9, "\u202e"),)  # the escape's quote; the character written as it is is not noted
    assert template.render(Scope({}, set(), {}, {})) == "Sign: \u202e and \u202e and ok."


def test_only_an_escape_in_quotes_is_warned_about_as_making_an_invisible_character(tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "story.yaml").write_text(
        "id: hidden\ntitle: Hidden\nblurb: b\nstart: a\nendings: [{id: e, title: E, kind: bad}]\n", encoding="utf-8"
    )
    scenes = textwrap.dedent(
        """\
        scenes:
          - id: a
            title: A
            text: |
              Sign: {{ '\\u202e' }} and {{ '\u202e' }}.
            ending: e
        """
    )
    (folder / "scenes.yaml").write_text(scenes, encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["validate", str(folder)])
    as_written = "the player does not see it as written, and it can hide or reorder the text around it; remove it"
    path = f"{folder}/scenes.yaml"
    assert code == 0, out.getvalue()
    assert [line for line in out.getvalue().splitlines() if "[control-character]" in line] == [
        f"{path}:5:36: warning: the text holds the invisible character U+202E (right-to-left override): "
        f"{as_written} [control-character]",
        f"{path}:5:16: warning: an escape in this text in quotes makes the invisible character U+202E "
        f"(right-to-left override): {as_written} [control-character]",
    ]


@pytest.mark.parametrize("keyword", ["elif x > 1", "else"])
def test_a_branch_after_else_is_named_in_the_message(keyword):
    text = f"{{% if flag %}}a{{% else %}}b{{% {keyword} %}}c{{% endif %}}"
    with pytest.raises(ExprError) as raised:
        compile_template(text, NAMES)
    tag = "{% elif %}" if keyword.startswith("elif") else "{% else %}"
    assert raised.value.message == f"'{tag}' after '{{% else %}}': the else must come last"
    assert raised.value.offset == text.index("{%", text.index("b"))

"""The author's diagnostics in another language: `escape validate` in Italian.

A story with a new author's usual mistakes (an unknown scene with a "did you mean", `=` for `==`, a line
indented to nowhere, a scene that breaks the file's shape, an unclosed `{% if %}`) is checked in Italian:
each message is the catalog's translation, in the same `path:line:col: error: message [code]` form (the
place, the word `error` and the code stay as they are: editors and scripts read them). Switching back
to English gives the English messages again: nothing the compiler keeps between checks (the memo of
compiled expressions, the "did you mean" answers) holds a message in the language of its time.

The Italian catalog is assembled from the parts of the interface; while it has none of these messages,
the comparisons with English are skipped, and a made-up language (every message marked) shows that
each message is still looked up when it is reported.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

from game import i18n
from game.compiler.checker import Suggester
from game.compiler.loader import check_story
from game.i18n import _, ngettext, pgettext
from tests.marking import Marked

MANIFEST = """\
id: demo
title: Demo
blurb: A small story.
start: hall
variables:
  nerve: 3
endings:
  - id: free
    title: Free
    kind: good
"""

SCENES = """\
scenes:
  - id: hall
    title: Hall
    text: |
      {% if nerve > 2 %}You feel brave.
    choices:
      - id: go
        text: Go out
        if: nerve = 3
        goto: yrad
      - id: wait
        text: Wait
        goto: yard
  - id: yard
    title: Yard
    text: Out at last.
    ending: free
"""

INDENTED = """\
scenes:
  - id: attic
    title: Attic
   text: Dusty.
"""

SHAPE = """\
scenes:
  - id: cellar
    text: Dark.
    once: yes
    ending: free
"""

LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+) \[(?P<code>[a-z-]+)\]$")


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.yaml").write_text(MANIFEST)
    (folder / "a_scenes.yaml").write_text(SCENES)
    (folder / "b_indented.yaml").write_text(INDENTED)
    (folder / "c_shape.yaml").write_text(SHAPE)
    return folder


def expected(folder: Path) -> list[str]:
    """The story's diagnostics, made from the messages of the current language."""
    spaces = ngettext("{count} space", "{count} spaces", 3).format(count=3)
    target = ngettext("{count} space", "{count} spaces", 4).format(count=4)
    indented = _(
        "{this} is indented by {spaces}, which lines it up with nothing above it; "
        "line it up with {what} on line {line} ({target})"
    ).format(
        this=pgettext("indented", "'{key}:'").format(key="text"),
        spaces=spaces,
        what=pgettext("line it up with", "'{key}:'").format(key="title"),
        line=3,
        target=target,
    )
    suggestion = _(" (did you mean '{name}'?)").format(name="yard")
    lines = [
        ("a_scenes.yaml", 9, 19, _("to compare, write == (a single = sets a variable, which only an effect does)"),
         "expr-syntax"),
        ("a_scenes.yaml", 5, 7, _("'{% if %}' is never closed with '{% endif %}'"), "template"),
        ("b_indented.yaml", 4, 4, indented, "yaml-syntax"),
        ("c_shape.yaml", 4, 5, _("unknown field '{key}' in {record}{suggestion}").format(
            key="once", record=_("a scene"), suggestion=""), "schema"),
        ("c_shape.yaml", 2, 5, _("{record} needs the field '{key}'").format(record=_("a scene"), key="title"),
         "schema"),
        ("a_scenes.yaml", 10, 15, _("unknown scene '{name}'{suggestion}").format(name="yrad", suggestion=suggestion),
         "unknown-scene"),
    ]  # fmt: skip
    return [f"{folder / name}:{line}:{col}: error: {message} [{code}]" for name, line, col, message, code in lines]


def validated(folder: Path) -> list[str]:
    _story, diagnostics = check_story(folder)
    return [str(d) for d in diagnostics]


def italian_catalog_has(message: str) -> bool:
    return i18n.translations("it").gettext(message) != message


def test_english_messages(story: Path) -> None:
    lines = validated(story)
    assert lines == expected(story)
    assert "unknown scene 'yrad' (did you mean 'yard'?)" in lines[-1]
    assert all(LINE.match(line) for line in lines)


def test_italian_messages_are_the_catalogs(story: Path) -> None:
    english = validated(story)
    assert i18n.use("it") == "it"
    italian = validated(story)
    assert italian == expected(story)  # the catalog's translations, composed as the compiler composes them
    for line, before in zip(italian, english, strict=True):
        shown, was = LINE.match(line), LINE.match(before)
        assert shown is not None and was is not None, line
        assert (shown["path"], shown["line"], shown["col"], shown["code"]) == (
            was["path"],
            was["line"],
            was["col"],
            was["code"],
        )
    if not italian_catalog_has("unknown scene '{name}'{suggestion}"):
        pytest.skip("the Italian catalog does not have the compiler's messages yet")
    for line, before in zip(italian, english, strict=True):
        assert LINE.match(line)["message"] != LINE.match(before)["message"], line  # type: ignore[index]


def test_switching_back_to_english_leaks_nothing(story: Path) -> None:
    english = validated(story)
    i18n.use("it")
    italian = validated(story)
    i18n.use("en")
    assert validated(story) == english
    i18n.use("it")
    assert validated(story) == italian  # and the other way round


def test_every_message_is_looked_up_when_it_is_reported(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    english = validated(story)  # the compiled texts and the answers of this story are in the memo now
    monkeypatch.setattr(i18n, "_current", Marked())
    marked = validated(story)
    assert marked == expected(story)
    for line in marked:
        message = LINE.match(line)["message"]  # type: ignore[index]
        assert message.startswith("«") and message.endswith("»"), line
    assert "«unknown scene 'yrad'« (did you mean 'yard'?)»»" in marked[-1]
    monkeypatch.setattr(i18n, "_current", gettext.NullTranslations())
    assert validated(story) == english


def test_a_kept_suggestion_is_said_in_the_language_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    suggest = Suggester()
    scenes = frozenset({"yard", "hall"})  # a table: its answers are kept
    assert suggest("yrad", scenes) == " (did you mean 'yard'?)"
    monkeypatch.setattr(i18n, "_current", Marked())
    assert suggest("yrad", scenes) == "« (did you mean 'yard'?)»"


def test_type_names_are_translated_where_they_are_shown(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (story / "a_scenes.yaml").write_text(SCENES.replace("if: nerve = 3", "if: nerve == 'brave'"))
    (story / "b_indented.yaml").unlink()
    (story / "c_shape.yaml").unlink()
    monkeypatch.setattr(i18n, "_current", Marked())
    lines = validated(story)
    assert any("cannot compare «number» with «text»" in line for line in lines), lines

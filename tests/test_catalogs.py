"""The interface's catalogs: every message the code marks is in each language's catalog, translated, with
the same placeholders; the catalog compiles; switching language switches every message."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from game import i18n
from game.i18n.catalogs import compile_po, parse_po, read_mo

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}
LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]


def marked() -> dict[tuple[str | None, str], tuple[str, int]]:
    """Every message marked in game/, by (context, msgid): where it is."""
    found = {}
    for filename, line, message, _comments, context in extract_from_dir(
        str(ROOT / "game"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((context, msgid), (filename, line))
    return found


def catalog(lang: str) -> dict[tuple[str | None, str], dict[str, object]]:
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    return {(e.get("msgctxt"), e["msgid"]): e for e in parse_po(path.read_text(encoding="utf-8")) if e["msgid"]}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_is_translated(lang):
    entries = catalog(lang)
    missing = [
        f"{where[0]}:{where[1]}: {key[1]!r}"
        for key, where in sorted(marked().items(), key=str)
        if key not in entries or not all(entries[key]["msgstr"]) or entries[key].get("fuzzy")
    ]
    assert missing == [], f"run make i18n, then translate in {lang}.po:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    wrong = []
    for (_context, msgid), entry in catalog(lang).items():
        try:
            if not all(name.isidentifier() for name in fields(msgid)):
                continue  # quotes braces or template syntax and is never formatted
        except ValueError:
            continue
        plural = entry.get("msgid_plural")
        for form in entry["msgstr"]:  # type: ignore[union-attr]
            if not form:
                continue  # untranslated: the test above names it
            try:
                expected = fields(msgid) | (fields(str(plural)) if plural else set())
                got = fields(str(form))
            except ValueError:  # braces that are not placeholders (a message never formatted)
                continue
            if got - expected or (not plural and got != expected and "{" in msgid):
                wrong.append((msgid, form))
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalog_compiles_and_switching_language_switches_messages(lang):
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    compiled = read_mo(compile_po(path.read_text(encoding="utf-8")))
    assert compiled.ngettext("{count} error", "{count} errors", 1) != "{count} error"
    i18n.use(lang)
    assert i18n._("Goodbye.") == compiled.gettext("Goodbye.") != "Goodbye."
    i18n.use("en")
    assert i18n._("Goodbye.") == "Goodbye."


def test_the_template_is_in_step_with_the_code():
    pot = i18n.LOCALE_DIR / "escape.pot"
    listed = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(pot.read_text(encoding="utf-8")) if e["msgid"]}
    assert listed == set(marked()), "run make i18n"


def test_the_locale_chooses_the_language(monkeypatch):
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    assert i18n.choose() == "it"
    monkeypatch.setenv("LANGUAGE", "fr:it")
    assert i18n.choose() == "it"
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "C")
    assert i18n.choose() == "en"
    assert i18n.choose("it", "en") == "it" and i18n.choose(None, "it") == "it" and i18n.choose(None, "auto") == "en"


def test_a_po_file_with_a_broken_line_names_it():
    with pytest.raises(ValueError, match=re.escape("line 2")):
        parse_po('msgid "a"\nnonsense\n')


def test_numbers_are_written_the_way_the_language_writes_them():
    i18n.use("it")
    assert i18n._("{count:,} of {total:,} runs").format(count=1234, total=5678.5) == "1.234 of 5.678,5 runs"
    assert i18n._("{a}: {b:.1f}").format(a=True, b=2.25) == "True: 2,2"  # true/false is no number
    assert i18n.number(35313) == "35.313" and i18n.number(3.14, ".1f") == "3,1"
    i18n.use("en")
    assert i18n._("{count:,} of {total:,} runs").format(count=1234, total=5678.5) == "1,234 of 5,678.5 runs"
    assert i18n.number(35313) == "35,313"

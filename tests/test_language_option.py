"""The interface's language on the command line: `--lang CODE` before or after the command, the player's
setting, the locale, and the order they win in; an unknown code; the Italian answers to a yes-or-no question.

The Italian catalog is assembled separately, so the expected lines are computed through the catalog
(`game.i18n._` with Italian in use) rather than written out; one test, skipped while the catalog is empty,
checks that plain mode really speaks Italian."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from game import i18n
from game.cli import asked_language, is_yes, main
from game.cli.plain import PlainFrontEnd
from game.compiler.loader import load_story
from game.i18n import _
from game.saves.session import Session
from game.saves.settings import FILE_NAME, Preferences, Settings
from tests.conftest import DEMO

PROMPT = "Seed {seed}. Type the number of a choice and press Enter; ? lists the other commands."


class Terminal(io.StringIO):
    """Typed answers at what looks like a terminal."""

    def isatty(self) -> bool:
        return True


def run(args: list[str], typed: str | io.StringIO = "q\n") -> tuple[int, str, str]:
    """`escape ARGS` in this process, with `typed` as standard input: exit code, output and errors."""
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(typed) if isinstance(typed, str) else typed
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as stop:  # argparse's usage errors and --help
                code = int(stop.code or 0)
    finally:
        sys.stdin = stdin
    return code, out.getvalue(), err.getvalue()


def in_language(lang: str, message: str, **values: object) -> str:
    """`message` as the catalog of `lang` gives it, formatted (the language in use is put back)."""
    before = i18n.language()
    i18n.use(lang)
    try:
        return _(message).format(**values)
    finally:
        i18n.use(before)


def flat(text: str) -> str:
    """Text with its wrapping undone: every run of spaces and newlines one space."""
    return " ".join(text.split())


def italian_catalog_is_empty() -> bool:
    return i18n.translations("it").gettext(PROMPT) == PROMPT


def plain(tmp_path, *options: str, where: str = "before", typed: str = "q\n") -> tuple[int, str, str]:
    """Plain play of the demo story with seed 3; `options` before the command or after it."""
    command = ["play", "--plain", str(DEMO), "--seed", "3", "--saves", str(tmp_path / "saves")]
    args = [*options, *command] if where == "before" else [*command, *options]
    return run(args, typed)


def keep_setting(language: str) -> None:
    preferences = Preferences.load()
    assert preferences.save(Settings().changed(language=language))


@pytest.fixture(autouse=True)
def _wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")


# --lang ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("option", [["--lang", "it"], ["--lang=it"]])
def test_lang_before_or_after_the_command_chooses_italian(tmp_path, where, option):
    code, out, err = plain(tmp_path, *option, where=where)
    assert code == 0, err
    assert i18n.language() == "it"
    assert flat(in_language("it", PROMPT, seed=3)) in flat(out)
    assert flat(out).endswith(in_language("it", "Goodbye."))


def test_lang_en_keeps_english(tmp_path):
    code, out, _err = plain(tmp_path, "--lang", "en")
    assert code == 0 and i18n.language() == "en"
    assert flat(PROMPT.format(seed=3)) in flat(out)


def test_plain_mode_speaks_italian_when_the_catalog_has_it(tmp_path):
    if italian_catalog_is_empty():
        pytest.skip("the Italian catalog has no translations yet")
    code, out, _err = plain(tmp_path, "--lang", "it")
    assert code == 0
    assert flat(PROMPT.format(seed=3)) not in flat(out)
    assert flat(in_language("it", PROMPT, seed=3)) in flat(out)


def test_the_command_s_lang_beats_the_one_before_it(tmp_path):
    code, _out, _err = plain(tmp_path, "--lang", "en", where="before")
    assert code == 0 and i18n.language() == "en"
    code, _out, err = run(["--lang", "en", "saves", "--saves", str(tmp_path), "--lang", "it"])
    assert code == 0, err
    assert i18n.language() == "it"


def test_the_resolved_code_is_on_args_for_the_command(tmp_path, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr("game.cli.saves.run", lambda args: seen.append(args.lang) or 0)
    for args in (["--lang", "it_IT.UTF-8", "saves"], ["saves", "--lang", "IT"], ["saves"]):
        assert run(args)[0] == 0
    assert seen == ["it", "it", "en"]


@pytest.mark.parametrize(
    "args", [["--lang", "xx", "saves"], ["play", "--lang=xx"], ["saves", "--lang", "klingon"], ["--lang=", "saves"]]
)
def test_an_unknown_code_is_an_error_that_lists_the_codes(args):
    code, out, err = run(args)
    assert code == 2 and out == ""
    assert err.startswith("escape: error: there is no interface language '")
    assert "the languages are: en (English), it (Italiano)" in err
    assert "Traceback" not in err


def test_the_help_lists_the_codes():
    code, out, _err = run(["play", "--help"])
    assert code == 0
    assert "--lang CODE" in out and "en (English), it (Italiano)" in flat(out)
    code, out, _err = run(["--help"])
    assert "--lang CODE" in out


def test_the_help_is_in_the_language_asked_for():
    code, out, _err = run(["--lang", "it", "saves", "--help"])
    assert code == 0
    expected = in_language("it", "answer yes to the question --delete or --rename asks")
    assert flat(expected) in flat(out)


def test_the_look_ahead_finds_the_last_lang_and_stops_at_a_double_dash():
    assert asked_language(["--lang", "it", "play"]) == "it"
    assert asked_language(["play", "--lang=en", "--lang", "it"]) == "it"
    assert asked_language(["play", "--", "--lang", "it"]) is None
    assert asked_language(["play", "--lang"]) is None  # argparse says what is missing
    assert asked_language(["play", "--lang", "--plain"]) is None
    assert asked_language(["play"]) is None


def test_translate_s_lang_is_a_story_language_and_the_interface_s_goes_before_it(tmp_path, monkeypatch):
    assert asked_language(["translate", "extract", "tiny", "--lang", "fr"]) is None
    assert asked_language(["--saves", "translate", "--lang", "it", "translate", "check", "--lang", "fr"]) == "it"
    seen: list[tuple[str, str | None]] = []
    monkeypatch.setattr("game.cli.translate.run", lambda args: seen.append((args.lang, args.lang_code)) or 0)
    assert run(["translate", "extract", "tiny", "--lang", "fr"])[0] == 0  # not an interface language: no error
    assert run(["--lang", "it", "translate", "stats", "--lang", "de"])[0] == 0
    assert seen == [("en", "fr"), ("it", "de")]


# the setting and the locale -------------------------------------------------------------------------------
def test_the_locale_picks_italian_when_there_is_no_option_or_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    code, out, _err = plain(tmp_path)
    assert code == 0 and i18n.language() == "it"
    assert flat(in_language("it", PROMPT, seed=3)) in flat(out)


def test_the_setting_beats_the_locale(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    keep_setting("en")
    code, out, _err = plain(tmp_path)
    assert code == 0 and i18n.language() == "en"
    assert flat(PROMPT.format(seed=3)) in flat(out)
    monkeypatch.setenv("LANG", "C.UTF-8")
    keep_setting("it")
    code, out, _err = plain(tmp_path)
    assert code == 0 and i18n.language() == "it"
    assert flat(in_language("it", PROMPT, seed=3)) in flat(out)


def test_the_option_beats_the_setting(tmp_path):
    keep_setting("it")
    code, out, _err = plain(tmp_path, "--lang", "en")
    assert code == 0 and i18n.language() == "en"
    assert flat(PROMPT.format(seed=3)) in flat(out)
    keep_setting("en")
    code, _out, _err = plain(tmp_path, "--lang", "it", where="after")
    assert code == 0 and i18n.language() == "it"


def test_an_auto_setting_follows_the_locale(tmp_path, monkeypatch):
    keep_setting("auto")
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    assert plain(tmp_path)[0] == 0 and i18n.language() == "it"


def test_the_language_setting_is_read_leniently_and_written_only_when_chosen(tmp_path):
    path = tmp_path / FILE_NAME
    assert Settings().language == "auto"
    for value in ("it", "en"):
        path.write_text(json.dumps({"language": value}))
        assert Preferences.load(path).settings.language == value
    for value in ("xx", 3, None, ["it"], "IT", "auto"):
        path.write_text(json.dumps({"theme": "textual-light", "language": value}))
        settings = Preferences.load(path).settings
        assert settings.language == "auto" and settings.theme == "textual-light"
    preferences = Preferences.load(path)
    assert preferences.save(Settings(theme="textual-light"))
    assert "language" not in json.loads(path.read_text())  # an older game reads the same file as before
    assert preferences.save(Settings().changed(language="it"))
    assert json.loads(path.read_text())["language"] == "it"
    assert Preferences.load(path).settings == Settings(language="it")


def test_a_damaged_settings_file_does_not_stop_the_command(tmp_path, monkeypatch):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / FILE_NAME).write_text("{not json")
    monkeypatch.setenv("ESCAPE_CONFIG", str(tmp_path / "config"))
    code, out, _err = plain(tmp_path)
    assert code == 0 and flat(PROMPT.format(seed=3)) in flat(out)


# yes and no ---------------------------------------------------------------------------------------------------
def test_y_and_yes_always_say_yes_and_the_italian_words_only_in_italian():
    for answer in ("y", "yes", "Y", " YES "):
        assert is_yes(answer)
    for answer in ("s", "sì", "si", "Sì"):
        assert not is_yes(answer)
    for answer in ("n", "no", "", None, "yep"):
        assert not is_yes(answer)
    i18n.use("it")
    for answer in ("y", "yes", "s", "sì", "si", "SÌ", " si "):
        assert is_yes(answer)
    for answer in ("n", "no", "", None, "sure"):
        assert not is_yes(answer)


@pytest.mark.parametrize("answer", ["s", "sì", "si", "y"])
def test_plain_mode_replaces_a_save_on_an_italian_yes(tmp_path, answer):
    i18n.use("it")
    session = Session(load_story(DEMO), tmp_path)
    session.start(3)
    out = io.StringIO()
    PlainFrontEnd(session, out, io.StringIO(f"save prova\nsave prova\n{answer}\nq\n"), width=100).play()
    text = out.getvalue()
    saved = in_language("it", "Saved as '{name}' ({file}).", name="prova", file=session.save_path("prova").name)
    assert text.count(saved) == 2
    assert in_language("it", "Nothing was saved.") not in text


def test_plain_mode_keeps_the_save_on_an_italian_yes_when_english_is_in_use(tmp_path):
    session = Session(load_story(DEMO), tmp_path)
    session.start(3)
    out = io.StringIO()
    PlainFrontEnd(session, out, io.StringIO("save mine\nsave mine\nsì\nq\n"), width=100).play()
    assert "Nothing was saved." in out.getvalue()


@pytest.mark.parametrize(("lang", "answer", "deleted"), [("it", "sì", True), ("it", "y", True), ("en", "sì", False)])
def test_escape_saves_delete_takes_an_italian_yes_at_a_terminal(tmp_path, lang, answer, deleted):
    session = Session(load_story(DEMO), tmp_path)
    session.start(3)
    path = session.save_as("keep")
    args = ["--lang", lang, "saves", "--saves", str(tmp_path), "--delete", path.name]
    code, out, err = run(args, Terminal(answer + "\n"))
    assert code == (0 if deleted else 1), err
    assert path.exists() is not deleted
    if deleted:
        assert in_language("it", "Deleted {file}.", file=path.name) in out
    else:
        assert "Nothing was deleted." in out


def test_plain_mode_takes_the_italian_command_words_and_lists_them(monkeypatch):
    import io

    from game.cli.plain import run_plain
    from tests.conftest import DEMO

    i18n.use("it")
    out = io.StringIO()
    assert run_plain(str(DEMO), seed=5, saves=None, out=out, inp=io.StringIO("aiuto\nstato\ninventario\nesci\n")) == 0
    text = out.getvalue()
    assert "  s o stato: " in text and "  ? o aiuto: " in text
    assert _("Choices made: {count}.").format(count=0) in text
    assert text.rstrip().endswith(_("Goodbye."))

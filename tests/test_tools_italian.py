"""The authors' tools in Italian: `escape stats`, `escape playtest` and `escape validate` say their reports in
the interface's language, looked up when they are made; what a machine reads (--json) is the same in every
language.

Three catalogs are used: the real Italian one (its tests are skipped while it does not have these messages
yet), and a pseudo-translation that wraps every message in «», which shows that each one goes through the
catalog at the moment it is shown."""

from __future__ import annotations

import json

import pytest

from game import i18n
from game.cli.playtest import run_exhaustive, run_playtest
from game.cli.stats import report
from game.cli.validate import run_validate
from game.compiler.loader import load_story
from game.i18n import _, ngettext
from game.tools.output import OutputError, check_file
from game.tools.stats import story_stats
from tests.conftest import DEMO
from tests.marking import Marked


@pytest.fixture
def pseudo(monkeypatch):
    """Italian is the pseudo-translation for this test."""
    monkeypatch.setitem(i18n._loaded, "it", Marked())
    i18n.use("it")


def _has_italian() -> bool:
    """Whether the real Italian catalog translates the tools' messages (the lead engineer assembles it)."""
    return i18n.translations("it").gettext("Problems: {count}") != "Problems: {count}"


def _stats_text(runs: int = 20) -> list[str]:
    return report(story_stats(load_story(DEMO), runs))


def _playtest(capsys, tmp_path, *, as_json: bool, exhaustive: bool = False) -> str:
    if exhaustive:
        run_exhaustive(str(DEMO), as_json=as_json, text=True, saves=str(tmp_path))
    else:
        run_playtest(str(DEMO), runs=30, as_json=as_json, saves=str(tmp_path), policies=["all"], text=True)
    return capsys.readouterr().out


def _without_timing(text: str) -> dict:
    data = json.loads(text)
    for key in ("seconds", "runs_per_second"):
        data.pop(key, None)
    return data


# the text reports use the catalog's words ---------------------------------------------------------------------
def _stats_expected(lines: list[str]) -> None:
    """The stats report's headings and counts, as the current catalog says them."""
    stats = story_stats(load_story(DEMO), 20)
    assert lines[1].startswith("  " + _("Scenes"))
    chapters = ngettext("{count} chapter", "{count} chapters", 1).format(count=1)
    endings = ngettext("{count} ending", "{count} endings", 2).format(count=2)
    assert lines[1].endswith(
        _("{scenes:,} in {chapters}, {endings}").format(scenes=7, chapters=chapters, endings=endings)
    )
    text = "\n".join(lines)
    for heading in ("Choices", "Words", "Reading", "A run", "Design", "Chapter", "Longest scenes", "total"):
        assert _(heading) in text
    assert _("every run reached an ending") in text
    played = ngettext(
        "{count:,} random run ({seeds}, as escape playtest --uniform); {ended}",
        "{count:,} random runs ({seeds}, as escape playtest --uniform); {ended}",
        20,
    ).format(count=20, seeds=_("seeds 0-{last}").format(last=19), ended=_("every run reached an ending"))
    assert played in text
    meter = stats.design.meters[0]  # type: ignore[union-attr]
    assert (
        _("meter {label}: {read}; {rises}, {falls}").format(
            label=meter.label,
            read=ngettext("read in {count} chapter", "read in {count} chapters", 1).format(count=1),
            rises=ngettext("{count} effect raise it", "{count} effects raise it", 0).format(count=0),
            falls=ngettext("{count} lower it", "{count} lower it", 1).format(count=1),
        )
        in text
    )


def test_stats_report_in_the_catalogs_words():
    i18n.use("it")
    _stats_expected(_stats_text())


def test_stats_report_looks_up_every_heading(pseudo):
    lines = _stats_text()
    _stats_expected(lines)
    assert lines[1].startswith("  «Scenes»")
    assert any(line.startswith("«Longest scenes»") for line in lines)
    summary = lines[1 : lines.index("")]  # the title, then every line of the summary says something
    assert summary and all("«" in line for line in summary), summary
    assert _stats_text()[-1] == lines[-1]  # the same words each time: nothing is cached translated


def _playtest_expected(out: str, data: dict) -> None:
    """The random playtest's lines, made from its JSON report in the current catalog's words."""
    scenes = len(data["scenes"]) - len(data["scenes_missed"])
    assert (
        ngettext("Scenes: {count} of {total} reached", "Scenes: {count} of {total} reached", scenes).format(
            count=scenes, total=len(data["scenes"])
        )
        in out.splitlines()
    )
    endings = len(data["endings"]) - len(data["endings_missed"])
    assert (
        ngettext("Endings: {count} of {total} reached", "Endings: {count} of {total} reached", endings).format(
            count=endings, total=len(data["endings"])
        )
        in out.splitlines()
    )
    assert _("Problems: {count}").format(count=len(data["problems"])) in out.splitlines()
    assert _("Endings by policy (share of that policy's runs):") in out
    for word in ("problems", "scenes missed", "choices a run"):
        assert f"  {_(word)}" in out
    assert _("{kind}, canon").format(kind=_("good")) in out
    assert "  " + _("never shown:") in out.splitlines()
    site = _("fallback of scene '{scene}'").format(scene="cellar")
    assert any(line.startswith("    ") and line.endswith(f"cellar.yaml:3:1: {site}") for line in out.splitlines())


def test_playtest_report_in_the_catalogs_words(capsys, tmp_path):
    data = _without_timing(_playtest(capsys, tmp_path, as_json=True))
    i18n.use("it")
    _playtest_expected(_playtest(capsys, tmp_path, as_json=False), data)


def test_playtest_report_looks_up_every_line(pseudo, capsys, tmp_path):
    data = _without_timing(_playtest(capsys, tmp_path, as_json=True))
    out = _playtest(capsys, tmp_path, as_json=False)
    _playtest_expected(out, data)
    assert all("«" in line for line in out.splitlines()), out  # the rows of endings: their kinds are words


def test_exhaustive_search_report_in_the_catalogs_words(capsys, tmp_path, pseudo):
    out = _playtest(capsys, tmp_path, as_json=False, exhaustive=True)
    lines = out.splitlines()
    assert lines[0].startswith("«The Cellar Door: complete search, ")
    assert "«Soft-locks: {found}»".format(found="«none (proved)»") in lines
    assert "  «never reached (proved): waiting»" in lines
    assert "  out: «shortest path 5 choices»" in lines
    assert "  «never shown (proved: no run can show them):»" in lines


def test_validate_summary_in_the_catalogs_words(capsys):
    i18n.use("it")
    assert run_validate([str(DEMO)]) == 0
    checked = ngettext("{count} story checked", "{count} stories checked", 1).format(count=1)
    errors = ngettext("{count} error", "{count} errors", 0).format(count=0)
    warnings = ngettext("{count} warning", "{count} warnings", 0).format(count=0)
    expected = _("{checked}: {errors}, {warnings}").format(checked=checked, errors=errors, warnings=warnings)
    assert capsys.readouterr().out.splitlines()[-1] == expected


def test_validate_summary_looks_up_its_words(capsys, pseudo):
    run_validate([str(DEMO)])
    assert capsys.readouterr().out.splitlines()[-1] == "«{checked}: {errors}, {warnings}»".format(
        checked="«1 story checked»", errors="«0 errors»", warnings="«0 warnings»"
    )


def test_a_refusal_and_its_fix_in_the_catalogs_words(tmp_path, pseudo):
    there = tmp_path / "map.md"
    there.write_text("taken\n")
    with pytest.raises(OutputError) as refused:
        check_file(str(there), option="-o")
    assert str(refused.value) == (
        f"«{there} already exists; add --force to replace it, or choose another name; nothing was written»"
    )


# what a machine reads is the same in every language ------------------------------------------------------------
@pytest.mark.parametrize("catalog", ["real", "pseudo"])
def test_json_is_the_same_in_every_language(capsys, tmp_path, monkeypatch, catalog):
    def outputs() -> list:
        from game.cli.common import json_text

        found = [json_text(story_stats(load_story(DEMO), 10).as_dict())]
        found.append(_without_timing(_playtest(capsys, tmp_path / i18n.language(), as_json=True)))
        found.append(_without_timing(_playtest(capsys, tmp_path / i18n.language(), as_json=True, exhaustive=True)))
        run_validate([str(DEMO), str(DEMO.parent / "papers")], as_json=True)
        found.append(capsys.readouterr().out)
        return found

    english = outputs()
    if catalog == "pseudo":
        monkeypatch.setitem(i18n._loaded, "it", Marked())
    i18n.use("it")
    italian = outputs()
    assert italian == english


# the real catalog, once it has these messages ---------------------------------------------------------------------
def test_the_italian_catalog_leaves_no_english_heading(capsys, tmp_path):
    if not _has_italian():
        pytest.skip("the Italian catalog does not have the tools' messages yet")
    i18n.use("it")
    stats = "\n".join(_stats_text())
    for english in ("Longest scenes", "  Scenes    ", "  Reading ", "random runs", "words a minute", "Chapter "):
        assert english not in stats
    out = _playtest(capsys, tmp_path, as_json=False)
    for english in ("Problems:", "Scenes:", "Endings by policy", "Routes:", " runs/s)", "Text coverage", "never shown"):
        assert english not in out
    run_validate([str(DEMO)])
    summary = capsys.readouterr().out.splitlines()[-1]
    assert "story checked" not in summary and "errors" not in summary and "warnings" not in summary

"""Story translations: overlays keyed by ids, hashed sources, fallbacks, and the tools that write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from game.cli import main
from game.compiler.checker import Checker
from game.compiler.loader import check_story, load_story, read_manifest
from game.compiler.translation import languages, overlay_path, text_hash, units
from game.engine.game import Game
from game.errors import StoryError
from game.tools.translate import extract, words

MANIFEST = """\
    id: tiny
    title: The Tiny Escape
    blurb: A short way out.
    start: cell
    variables:
      nerve: {value: 2, label: Nerve, show: stat}
    items:
      spoon: {name: Spoon, text: A bent tin spoon.}
    endings:
      - {id: out, title: Out at Last, kind: good, hint: Dig}
      - {id: caught, title: Caught, kind: bad}
    """

SCENES = """\
    chapter: The Cell
    scenes:
      - id: cell
        title: The Cell
        text: |
          The cell is dark.{% if nerve >= 2 %} You feel brave.{% endif %}
        choices:
          - id: dig
            text: Dig with the spoon
            effects: [gain spoon]
            outcome: You scrape at the wall.
            goto: yard
          - id: wait
            text: Wait for dawn
            if: nerve > 5
            disabled_text: You are too restless to wait
            goto: caught_end
      - id: yard
        title: The Yard
        text: The yard is empty.
        choices:
          - id: run
            text: Run for it
            goto: out_end
      - id: out_end
        title: Free
        text: You are free.
        ending: out
      - id: caught_end
        title: Caught
        text: You are caught.
        ending: caught
    """


def overlay(entries: dict[str, str], folder: Path, lang: str = "it", extra: str = "") -> Path:
    """Write an overlay whose entries translate the story's texts by key (each with its right hash)."""
    story = load_story(folder, cache_dir=None)
    sources = {u.key: u.source for u in units(story)}
    lines = [f"language: {lang}", "entries:"]
    for key, text in entries.items():
        lines += [
            f"  {key}:",
            f"    hash: '{text_hash(sources[key])}'",
            f"    text: {json.dumps(text, ensure_ascii=False)}",
        ]
    path = overlay_path(folder, lang)
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


@pytest.fixture
def tiny(story_dir):
    return story_dir(MANIFEST, cell=SCENES)


ITALIAN = {
    "story.title": "La piccola fuga",
    "scene.cell.title": "La cella",
    "scene.cell.text": "La cella è buia.{% if nerve >= 2 %} Ti senti coraggioso.{% endif %}\n",
    "choice.cell.dig.text": "Scavare con il cucchiaio",
    "choice.cell.dig.outcome": "Gratti il muro.",
    "choice.cell.wait.disabled_text": "Sei troppo inquieto per aspettare",
    "item.spoon.name": "Cucchiaio",
    "variable.nerve.label": "Coraggio",
    "ending.out.title": "Finalmente fuori",
    "chapter.the_cell": "La cella",
}


def test_every_text_has_a_key_made_of_ids(tiny):
    keys = [u.key for u in units(load_story(tiny, cache_dir=None))]
    assert keys[:6] == [
        "story.title",
        "story.blurb",
        "variable.nerve.label",
        "item.spoon.name",
        "item.spoon.text",
        "ending.out.title",
    ]
    assert "chapter.the_cell" in keys
    assert "choice.cell.wait.disabled_text" in keys
    assert "choice.yard.run.text" in keys
    assert len(keys) == len(set(keys))


def test_a_translation_replaces_the_texts_it_has_and_keeps_the_logic(tiny):
    overlay(ITALIAN, tiny)
    story = load_story(tiny, cache_dir=None, lang="it")
    assert story.language == "it" and story.title == "La piccola fuga"
    game = Game(story)
    assert game.start(1) == "La cella è buia. Ti senti coraggioso.\n"
    offers = game.choices()
    assert [o.text for o in offers] == ["Scavare con il cucchiaio", "Wait for dawn"]  # the second is not translated
    assert offers[1].reason == "Sei troppo inquieto per aspettare"
    assert game.scene.chapter == "La cella"
    step = game.choose("dig")
    assert step.outcome == "Gratti il muro."
    assert step.text == "The yard is empty."  # missing: the source shows
    assert story.items["spoon"].name == "Cucchiaio" and story.variables["nerve"].label == "Coraggio"
    assert story.endings["out"].title == "Finalmente fuori"


def test_the_source_language_and_unknown_languages_load_the_source(tiny):
    overlay(ITALIAN, tiny)
    assert load_story(tiny, cache_dir=None, lang="en").title == "The Tiny Escape"
    assert load_story(tiny, cache_dir=None, lang="fr").title == "The Tiny Escape"
    assert load_story(tiny, cache_dir=None).title == "The Tiny Escape"


def test_editing_one_english_sentence_makes_exactly_that_entry_stale(tiny):
    overlay(ITALIAN, tiny)
    scenes = tiny / "cell.yaml"
    scenes.write_text(scenes.read_text().replace("outcome: You scrape at the wall.", "outcome: You scrape hard."))
    _, diagnostics = check_story(tiny)
    stale = [d for d in diagnostics if d.code == "stale-translation"]
    assert len(stale) == 1 and "choice.cell.dig.outcome" in stale[0].message
    assert stale[0].path.endswith("it.yaml") and stale[0].line == overlay_line(tiny, "choice.cell.dig.outcome")
    story = load_story(tiny, cache_dir=None, lang="it")
    game = Game(story)
    game.start(1)
    assert game.choose("dig").outcome == "You scrape hard."  # stale: the source shows
    assert story.scenes["cell"].title == "La cella"  # the others stay translated


def overlay_line(folder: Path, key: str) -> int:
    lines = overlay_path(folder, "it").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == f"{key}:")


def test_missing_entries_are_one_warning_naming_the_first_keys(tiny):
    overlay({"story.title": "La piccola fuga"}, tiny)
    _, diagnostics = check_story(tiny)
    missing = [d for d in diagnostics if d.code == "missing-translation"]
    assert len(missing) == 1
    total = len(units(load_story(tiny, cache_dir=None)))
    assert missing[0].message.startswith(f"{total - 1} texts have no translation (story.blurb, ")


def test_a_translated_text_is_compiled_and_checked_like_the_source(tiny):
    path = overlay({"scene.cell.text": "La cella {% if nerv >= 2 %}buia{% endif %}.\n"}, tiny)
    story, diagnostics = check_story(tiny)
    assert story is None
    error = next(d for d in diagnostics if d.is_error)
    assert (error.path, error.line) == (str(path), 5) and "nerv" in error.message and "nerve" in error.message
    with pytest.raises(StoryError) as raised:
        load_story(tiny, cache_dir=None, lang="it")
    assert raised.value.diagnostics[0].path == str(path)


def test_a_translation_naming_an_unknown_scene_is_an_error(tiny):
    overlay({"scene.yard.text": "{% if visited('cel') %}Di nuovo.{% endif %}Il cortile è vuoto."}, tiny)
    _, diagnostics = check_story(tiny)
    error = next(d for d in diagnostics if d.is_error)
    assert error.code == "unknown-scene" and "'cell'" in error.message


def test_entries_for_texts_the_story_lacks_and_a_wrong_language_are_reported(tiny):
    overlay(ITALIAN, tiny, extra="  scene.gone.text:\n    hash: 'abcdef12'\n    text: Via.\n")
    _, diagnostics = check_story(tiny)
    assert [d.code for d in diagnostics if "scene.gone.text" in d.message] == ["unknown-translation"]
    path = overlay_path(tiny, "it")
    path.write_text(path.read_text().replace("language: it", "language: fr"))
    _, diagnostics = check_story(tiny)
    assert any(d.is_error and "language 'fr'" in d.message for d in diagnostics)


def test_the_translations_folder_is_not_read_as_scenes(tiny):
    overlay(ITALIAN, tiny)
    story, diagnostics = check_story(tiny)
    assert story is not None and set(story.scenes) == {"cell", "yard", "out_end", "caught_end"}
    assert languages(tiny) == ["it"]


def test_extract_writes_every_missing_entry_with_its_source_and_keeps_translations(tiny):
    story = load_story(tiny, cache_dir=None)
    result = extract(story, tiny, "it", Checker())
    assert result.missing == len(units(story)) and result.changed
    data = yaml.safe_load(overlay_path(tiny, "it").read_text())
    assert data["language"] == "it" and data["name"] == "Italiano"
    assert data["entries"]["scene.cell.text"] == {
        "hash": text_hash(story.scenes["cell"].text.source),
        "source": story.scenes["cell"].text.source,
    }
    # a translator fills one entry in and removes its source
    path = overlay_path(tiny, "it")
    text = path.read_text().replace('    source: "Run for it"', "    text: Scappare")
    path.write_text(text)
    again = extract(story, tiny, "it", Checker())
    assert (again.done, again.missing) == (1, len(units(story)) - 1)
    assert yaml.safe_load(path.read_text())["entries"]["choice.yard.run.text"]["text"] == "Scappare"
    assert not extract(story, tiny, "it", Checker()).changed  # a second run changes nothing


def test_extract_marks_a_changed_source_for_review_and_play_shows_the_source(tiny):
    overlay(ITALIAN, tiny)
    scenes = tiny / "cell.yaml"
    scenes.write_text(scenes.read_text().replace("Dig with the spoon", "Dig with the bent spoon"))
    story = load_story(tiny, cache_dir=None)
    result = extract(story, tiny, "it", Checker())
    assert result.stale == 1
    entry = yaml.safe_load(overlay_path(tiny, "it").read_text())["entries"]["choice.cell.dig.text"]
    assert entry == {
        "hash": text_hash("Dig with the bent spoon"),
        "review": True,
        "text": "Scavare con il cucchiaio",
        "source": "Dig with the bent spoon",
    }
    game = Game(load_story(tiny, cache_dir=None, lang="it"))
    game.start(1)
    assert game.choices()[0].text == "Dig with the bent spoon"


def test_extract_never_writes_over_a_translation_it_cannot_read(tiny):
    path = overlay_path(tiny, "it")
    path.parent.mkdir()
    path.write_text("language: it\nentries: [broken\n")
    checker = Checker()
    extract(load_story(tiny, cache_dir=None), tiny, "it", checker)
    assert checker.errors and path.read_text() == "language: it\nentries: [broken\n"


def test_the_title_screen_reads_the_translated_title_blurb_and_endings(tiny):
    overlay(ITALIAN, tiny)
    info = read_manifest(tiny, "it")
    assert info is not None and info.title == "La piccola fuga" and info.blurb == "A short way out."
    assert [e.title for e in info.ending_list] == ["Finalmente fuori", "Caught"]
    assert read_manifest(tiny).title == "The Tiny Escape"


def test_a_run_carries_over_between_languages(tiny):
    overlay(ITALIAN, tiny)
    english = Game(load_story(tiny, cache_dir=None))
    english.start(7)
    english.choose("dig")
    italian = Game(load_story(tiny, cache_dir=None, lang="it"))
    italian.restore(english.snapshot())
    assert italian.run.scene == "yard" and "spoon" in italian.run.items
    assert italian.story.items["spoon"].name == "Cucchiaio"


def test_words_leave_out_tags():
    assert words("You {% if a %}run{% else %}walk{% endif %} to the wire's end. {{ n }}") == 7  # both branches


def test_the_command_extracts_checks_and_counts(tiny, capsys):
    assert main(["translate", "extract", str(tiny), "--lang", "it"]) == 0
    assert "to translate" in capsys.readouterr().out
    assert main(["translate", "check", str(tiny), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "missing-translation" in out and out.rstrip().endswith("1 translation checked: 0 errors, 1 warning")
    assert main(["translate", "stats", str(tiny), "--json"]) == 0
    stats = yaml.safe_load(capsys.readouterr().out)
    assert (
        stats[0]["story"] == "tiny"
        and stats[0]["done"] == 0
        and stats[0]["missing"] == len(units(load_story(tiny, cache_dir=None)))
    )
    assert main(["translate", "extract", str(tiny)]) == 1
    assert "--lang" in capsys.readouterr().err


def test_the_bundled_stories_have_keys_for_every_text():
    for name in ("captured", "grand_illusion"):
        story = load_story(Path("scenes") / name, cache_dir=None)
        keys = [u.key for u in units(story)]
        assert len(keys) == len(set(keys)) > 400


def test_quoted_words_in_an_expression_are_flagged_once_a_story_has_translations(story_dir):
    scenes = SCENES.replace("text: The yard is empty.", "text: \"The yard is {{ 'empty' if nerve > 1 else 'full' }}.\"")
    folder = story_dir(MANIFEST, cell=scenes)
    _, diagnostics = check_story(folder)
    assert not [d for d in diagnostics if d.code == "text-in-expression"]
    overlay({"story.title": "La piccola fuga"}, folder)
    _, diagnostics = check_story(folder)
    flagged = [d for d in diagnostics if d.code == "text-in-expression"]
    assert len(flagged) == 1 and flagged[0].path.endswith("cell.yaml") and "{% if" in flagged[0].message


def test_names_in_calls_are_not_prose():
    from game.compiler.translation import prose_in_expression

    assert prose_in_expression("{{ visited('yard') + chosen('cell.dig') }} and {{ n }}") is None
    assert prose_in_expression("A {{ 'b c' if has('spoon') }}") == 2


def test_renaming_a_scene_renames_its_translation_keys_and_names_and_keeps_it_done(tiny, capsys):
    scenes = tiny / "cell.yaml"
    scenes.write_text(
        scenes.read_text().replace(
            "text: The yard is empty.", "text: \"The yard{% if visited('cell') %} is empty{% endif %}.\""
        )
    )
    overlay({**ITALIAN, "scene.yard.text": "Il cortile{% if visited('cell') %} è vuoto{% endif %}."}, tiny)
    assert [d.code for d in check_story(tiny)[1]] == ["missing-translation"]
    assert main(["rename", "scene", "cell", "dungeon", str(tiny)]) == 0
    entries = yaml.safe_load(overlay_path(tiny, "it").read_text())["entries"]
    assert "scene.cell.text" not in entries and entries["scene.dungeon.title"]["text"] == "La cella"
    assert "choice.dungeon.dig.outcome" in entries
    assert entries["scene.yard.text"]["text"] == "Il cortile{% if visited('dungeon') %} è vuoto{% endif %}."
    assert [d.code for d in check_story(tiny)[1]] == ["missing-translation"]  # nothing became stale or unknown
    game = Game(load_story(tiny, cache_dir=None, lang="it"))
    game.start(1)
    assert game.choose("dig").text == "Il cortile è vuoto."


def test_the_title_screen_sees_a_translation_edited_since(tiny):
    overlay(ITALIAN, tiny)
    assert read_manifest(tiny, "it").title == "La piccola fuga"
    overlay({**ITALIAN, "story.title": "La fuga piccolissima"}, tiny)
    assert read_manifest(tiny, "it").title == "La fuga piccolissima"
    overlay_path(tiny, "it").unlink()
    assert read_manifest(tiny, "it").title == "The Tiny Escape"

"""Plain mode (`escape play --plain`): wrapping, headings, change sentences and the commands, as a player
who listens (a screen reader) or pipes the game would meet them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest

from game.cli.plain import PlainFrontEnd, change_sentence, run_plain, terminal_width
from game.compiler.loader import load_story
from game.engine.game import Change, Step
from game.model import Variable
from game.saves.files import read_save
from game.saves.session import Session
from tests.conftest import DATA, DEMO, write_story

RANGE_HELP = "Type a number from 1 to 1 (or ? for help)."
LAMP_LIT = "The match flares and the wick takes."


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    """The width plain mode finds when there is no terminal, whatever the terminal running the tests."""
    monkeypatch.setenv("COLUMNS", "80")


def play(typed: str, tmp_path, story: str = str(DEMO), seed: int = 5) -> str:
    """The transcript of a run of `story` given the lines `typed` (the demo: the cellar, then the barrels)."""
    out = io.StringIO()
    code = run_plain(story, seed=seed, saves=str(tmp_path / "saves"), out=out, inp=io.StringIO(typed))
    assert code == 0
    return out.getvalue()


def answers(transcript: str) -> list[str]:
    """What the game printed after each prompt, one string per line of input."""
    return re.split(r"(?<=\n)> ", transcript)[1:]


def chapters_story(tmp_path):
    """Two chapters, a Markdown list in the prose and a choice too long for one line."""
    return write_story(
        tmp_path / "chapters",
        """\
        id: chapters
        title: Two Chapters
        blurb: A corridor and a door.
        start: corridor
        endings: [{id: out, title: Outside, kind: good}]
        """,
        scenes="""\
        scenes:
          - id: corridor
            title: The Long Corridor
            chapter: Inside
            text: |
              You count what is left in your pockets before you go on down the corridor:

              - a stub of pencil worn down to the last inch of its lead and no use to anybody
              - a photograph
            choices:
              - id: walk
                text: Walk on down the long corridor towards the light that flickers at its far end
                goto: door
          - id: door
            title: The Door
            chapter: The Way Out
            text: A door.
            choices:
              - {id: back, text: Go back, goto: corridor}
              - {id: out, text: Go out, goto: outside}
          - id: outside
            title: Outside
            chapter: The Way Out
            text: Air.
            ending: out
        """,
    )


# headings and change sentences ----------------------------------------------------------------------------
def test_the_story_title_and_scene_titles_stand_alone_without_symbols(tmp_path):
    transcript = play("1\nq\n", tmp_path)
    assert transcript.startswith("The Cellar Door\n\n")
    assert "\nThe cellar\nChapter: The Cellar\n\n" in transcript
    assert "==" not in transcript and "(The Cellar)" not in transcript


def test_the_chapter_is_said_only_when_it_changes(tmp_path):
    transcript = play("1\n1\n1\n2\n", tmp_path, story=str(chapters_story(tmp_path)))
    assert transcript.count("Chapter: Inside") == 2  # the first scene, and again on coming back to it
    assert transcript.count("Chapter: The Way Out") == 2  # the door twice; not outside, in the same chapter
    assert "\nThe Door\nChapter: The Way Out\n" in transcript and "\nOutside\n\nAir." in transcript


def test_changes_are_read_as_sentences(tmp_path):
    transcript = play("1\n1\n1\nq\n", tmp_path)
    # what the choice did comes under its outcome; what entering the scene did (the cellar's cold, its
    # on_enter) comes under the scene's text, so it is never read as the choice's doing
    lamp = transcript.index("The match flares and the wick takes.\n\nYou now carry: Storm lamp.\n\nThe cellar\n")
    assert transcript.index("The lamp throws your shadow up the steps.\n\nStamina falls from 4 to 3.\n") > lamp
    assert "\nYou now carry: Iron key.\n" in transcript
    assert "\nThe dog is with you now.\n\nThe cellar\n" in transcript
    assert "steps.\n\nStamina falls from 3 to 2.\n" in transcript
    assert "->" not in transcript and "(Stamina" not in transcript


def test_change_sentences_for_rises_departures_and_losses():
    nerve = Variable("nerve", 3, "int", 0, 5, "Nerve", "stat")
    dig = Variable("with_dig", False, "bool", label="Dig", show="companion")
    hidden = Variable("coughs", 0, "int")
    assert change_sentence(nerve, Change("nerve", 3, 5)) == "Nerve rises from 3 to 5."
    assert change_sentence(nerve, Change("nerve", 1, 0)) == "Nerve falls from 1 to 0."
    assert change_sentence(dig, Change("with_dig", False, True)) == "Dig is with you now."
    assert change_sentence(dig, Change("with_dig", True, False)) == "Dig is no longer with you."
    assert change_sentence(hidden, Change("coughs", 0, 1)) is None
    session = Session(load_story(DEMO), None)
    session.start(5)
    front = PlainFrontEnd(session, io.StringIO(), io.StringIO())
    step = Step("x", "X", "cellar", "cellar", lost=("lamp",), gained=("key",))
    assert front.change_notes(step) == ["You now carry: Iron key.", "You no longer carry: Storm lamp."]


# wrapping -------------------------------------------------------------------------------------------------
def test_everything_is_wrapped_to_the_width_without_breaking_words(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    transcript = play("1\n1\n1\n1\n?\ns\ni\nj\nj the\nr\nq\n", tmp_path, story="captured", seed=3)
    lines = [line.removeprefix("> ") for line in transcript.splitlines()]
    too_long = [line for line in lines if len(line) > 40 and len(line.split()) > 1]
    assert too_long == []
    assert sum(len(line) > 30 for line in lines) > 20  # the prose was filled up to the width, not cut short
    words = transcript.split()
    assert "Six" in words and "Captain" in words and "Allison" in words  # the blurb's words are whole


def test_list_items_and_long_choices_hang_under_their_text(tmp_path):
    session = Session(load_story(chapters_story(tmp_path)), None)
    session.start(1)
    out = io.StringIO()
    PlainFrontEnd(session, out, io.StringIO("q\n"), width=40).play()
    transcript = out.getvalue()
    assert "\n- a stub of pencil worn down to the last\n  inch of its lead and no use to anybody\n- a photograph\n" in (
        transcript
    )
    assert "\n  1. Walk on down the long corridor\n     towards the light that flickers at\n     its far end\n" in (
        transcript
    )


@pytest.mark.parametrize(("columns", "width"), [("30", 30), ("500", 100), ("5", 20)])
def test_the_width_is_the_terminal_s_from_20_to_100(monkeypatch, columns, width):
    monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width() == width


# commands -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["?", "h", "help", " HELP "])
def test_help_lists_every_command(tmp_path, typed):
    help_text = answers(play(f"{typed}\nq\n", tmp_path))[0]
    for line in ("s or status", "i or inventory", "r or repeat", "c or choices", "j or journal", "j WORDS"):
        assert line in help_text
    assert "u or undo: " in help_text and "redo: " in help_text and "q or quit: " in help_text
    assert "save NAME: save the run under a name" in help_text and "load: continue a saved run" in help_text


def test_inventory_says_what_you_carry(tmp_path):
    empty, carrying, both = answers(play("i\n1\ninventory\n1\n  I \nq\n", tmp_path))[0::2][:3]
    assert empty.startswith("You carry nothing.")
    assert carrying.startswith("You carry:\n  Storm lamp.\n") and "Iron key" not in carrying
    assert "  Storm lamp.\n  Iron key: Cold and heavy.\n" in both


def test_status_gives_scene_chapter_turn_stats_companions_and_seed(tmp_path):
    replies = answers(play("s\n1\n1\n1\nstatus\nq\n", tmp_path))
    assert replies[0].startswith(
        "Scene: The cellar.\nChapter: The Cellar.\nChoices made: 0.\nStamina: 4 of 6.\nNobody is with you.\nSeed: 5.\n"
    )
    assert "Scene: The cellar.\n" in replies[4] and "Choices made: 3.\n" in replies[4]
    assert "Stamina: 2 of 6.\nWith you: The dog.\n" in replies[4]


def test_repeat_says_the_scene_again_and_choices_lists_the_choices(tmp_path):
    repeated, listed = answers(play("r\nc\nq\n", tmp_path))[:2]
    assert repeated.startswith("\nThe cellar\n\nWater drips somewhere behind the barrels")
    assert repeated.rstrip().endswith("(unavailable: You cannot search in the dark)")
    assert "Chapter:" not in repeated  # the chapter has not changed
    assert (
        listed
        == "\n  1. Light the storm lamp\n  -  Search behind the barrels (unavailable: You cannot search in the dark)\n"
    )


def test_undo_then_redo_comes_back_to_the_same_scene_and_turn(tmp_path):
    replies = answers(play("redo\nu\n1\n1\ns\nu\ns\nredo\ns\nredo\nq\n", tmp_path))
    assert replies[0].startswith("Nothing to redo.") and replies[1].startswith("Nothing to undo.")
    assert "Scene: Behind the barrels.\n" in replies[4] and "Choices made: 2." in replies[4]
    assert replies[5].startswith("You take back your last choice.\n\nThe cellar\n")
    assert "Choices made: 1." in replies[6]
    assert replies[7].startswith("You choose again: Search behind the barrels.\n\nYou now carry: Iron key.\n")
    assert "\nBehind the barrels\n" in replies[7]
    assert replies[8] == replies[4]  # the same scene, the same turn, the same everything
    assert replies[9].startswith("Nothing to redo.")


def test_the_journal_lists_the_scenes_and_finds_words(tmp_path):
    replies = answers(play("1\n1\nj\nJ  Lamp \njournal dog\nj zzz\nq\n", tmp_path))
    assert replies[2].startswith(
        "1. The cellar: you chose Light the storm lamp.\n"
        "2. The cellar: you chose Search behind the barrels.\n"
        "3. Behind the barrels: you are here.\n"
    )
    assert replies[3].startswith("2 entries mention 'Lamp':\n\n1. The cellar (Chapter: The Cellar)\n")
    assert "You chose: Light the storm lamp.\n" in replies[3] and LAMP_LIT in replies[3]
    assert replies[4].startswith("1 entry mentions 'dog':\n\n3. Behind the barrels")
    assert replies[5].startswith("No entry mentions 'zzz'.")


def test_the_journal_does_not_echo_control_characters(tmp_path):
    transcript = play("1\nj \x1b[2J\x07lamp\x1b]0;pwned\x07\nq\n", tmp_path)
    assert "\x1b" not in transcript and "\x07" not in transcript
    assert "No entry mentions '[2Jlamp]0;pwned'." in transcript


def test_save_asks_before_replacing_and_load_goes_on_as_a_new_run(tmp_path):
    replies = answers(play("1\nsave my run\n1\nsave my run\nn\nsave my run\ny\nq\n", tmp_path))
    assert replies[1].startswith("Saved as 'my run' (demo@")
    assert replies[3].startswith("There is already a save named 'my run'. Replace it? (y or n)")
    assert replies[4].startswith("Nothing was saved.")
    assert replies[6].startswith("Saved as 'my run'")
    [named] = (tmp_path / "saves").glob("*--my_run.json")
    assert read_save(named)["state"]["log"] == ["cellar.lamp", "cellar.search"]  # replaced, as asked
    before = named.read_bytes()
    listed = play("load\nback\nq\n", tmp_path)
    assert "Load which save?\n" in listed and "> You carry on where you are.\n" in listed
    number = re.search(r"  (\d)\. 'my run', at Behind the barrels, saved ", listed).group(1)
    assert re.search(r"  \d\. a run of 2 choices, at Behind the barrels, saved ", listed)  # runs are listed too
    transcript = play(f"load\n{number}\n1\nq\n", tmp_path)
    assert "\nBehind the barrels\n" in transcript and "  1. Try the door with the key\n" in transcript
    assert named.read_bytes() == before  # the named save stays as it was; the run goes on in a file of its own
    runs = sorted((tmp_path / "saves").glob("*--run.*.json"), key=lambda p: len(read_save(p)["state"]["log"]))
    assert [len(read_save(p)["state"]["log"]) for p in runs] == [2, 3]


def test_a_name_that_cannot_be_a_save_is_refused_with_the_reason(tmp_path):
    replies = answers(play("save ../../etc/passwd\nsave\nq\n", tmp_path))
    assert replies[0].startswith("Cannot save: a save name is 1-64 letters, digits, spaces")
    assert replies[1].startswith("Type save and a name")
    assert not list((tmp_path / "saves").glob("*.json")) if (tmp_path / "saves").exists() else True


def test_continue_asks_which_run_when_several_wait(tmp_path):
    play("1\nq\n", tmp_path)
    play("1\n1\nq\n", tmp_path, seed=6)
    out = io.StringIO()
    saves = str(tmp_path / "saves")
    assert run_plain(str(DEMO), saves=saves, resume=True, out=out, inp=io.StringIO("2\nq\n")) == 0
    text = out.getvalue()
    assert "Continue which run?\n  1. a run of 2 choices, at Behind the barrels" in text
    assert "  2. a run of 1 choice, at The cellar" in text
    assert text.count("\nThe cellar\n") == 1 and "Seed 5." in text  # the older run, as it was left


@pytest.mark.parametrize(
    "typed",
    ["\u00b2", "\u2460", "1" + "0" * 4000, "", "   ", "0", "2", "xyzzy", "i everything", "\x1b[2J", "\x00\x07", "q!"],
)
def test_any_other_line_gets_the_range_and_the_game_goes_on(tmp_path, typed):
    transcript = play(f"{typed}\n1\nq\n", tmp_path)
    assert answers(transcript)[0] == RANGE_HELP + "\n"
    assert transcript.count(RANGE_HELP) == 1 and LAMP_LIT in transcript
    assert "\x1b" not in transcript and "\x07" not in transcript


def test_end_of_input_says_goodbye_and_an_ending_says_the_end(tmp_path):
    assert play("", tmp_path).rstrip().endswith("> \nGoodbye.")  # no choice made: nothing to keep
    assert play("1\n", tmp_path).rstrip().endswith("Goodbye. Your run is saved: --continue carries on from here.")
    ending = play("1\n1\n1\n1\n1\n", tmp_path)
    assert "\nTHE END: Out Into the Rain\n(5 choices. Seed 5.)\n" in ending


def test_a_choice_that_stays_shows_its_outcome_and_the_choices(tmp_path):
    transcript = play("1\nq\n", tmp_path, story=str(DATA / "papers"), seed=1)
    assert transcript.count("The stove has gone out") == 1
    assert "\nCigarettes" not in transcript  # nothing changed, so nothing to say
    after = transcript.split("where a photograph should be.", 1)[1]
    assert after.startswith("\n\n  1. Count what you have left to trade\n")


def test_the_command_line_answers_a_strange_line_and_help_without_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "game", "play", "captured", "--plain", "--saves", str(tmp_path)],
        input="\u00b2\n?\nq\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "(or ? for help)." in done.stdout and "j or journal" in done.stdout
    assert done.stdout.rstrip().endswith("> \nGoodbye.")


def test_an_ascii_only_output_gets_question_marks_not_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "game", "play", "grand_illusion", "--plain", "--seed", "1", "--saves", str(tmp_path)],
        input=b"q\n",
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"Mar?chal" in done.stdout  # the blurb's accented name, shown as far as the stream can


def test_a_paragraph_that_opens_in_italics_is_prose_not_a_list():
    from game.cli.plain import reflow, wrap

    letter = "*Darling*, it begins, and you read\nthe rest standing up."
    assert reflow(letter) == "*Darling*, it begins, and you read the rest standing up."
    assert wrap(letter, 30) == "*Darling*, it begins, and you\nread the rest standing up."  # no hanging indent
    assert reflow("- a list item\n- another") == "- a list item\n- another"  # real lists are kept
    assert wrap("* one two three four five six", 20) == "* one two three four\n  five six"

"""Nothing from a story, a save or a file name reaches the terminal as an escape sequence or as markup.

The command line is run on a pseudo-terminal of its own and every byte it writes there is checked; the
Textual UI is driven by Pilot (markup, notifications, dialogs, links) and, once, run on a real terminal.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList
from textual.widgets.markdown import MarkdownBlock

from game.cli.plain import run_plain
from game.model.shown import shown
from game.tui import make_app
from game.tui.dialogs import ConfirmScreen, ErrorScreen
from game.tui.ending_screen import EndingScreen
from game.tui.journal_screen import JournalScreen
from game.tui.play_screen import PlayScreen
from game.tui.replay_screen import ReplayScreen
from game.tui.title_screen import TitleScreen
from game.tui.widgets import ChoiceList, Prose, StatePanel
from tests.conftest import write_story

pytestmark = pytest.mark.posix  # pseudo-terminals

# Every string below is written as a stranger would: YAML's own escapes in double quotes, and a Python
# string literal inside {{ }}, which the expression language turns into the character itself.
MANIFEST = r"""
id: hostile
title: "Pwned \x1b]52;c;cHduZWQ=\x07 [bold]Title[/i] [@click=app.quit]quit[/]"
blurb: "A blurb \x1b]0;pwned\x07 \x9b2J \u202e"
start: platform
variables:
  nerve: {value: 3, min: 0, max: 5, label: "Nerve \x1b[2J", show: stat}
  friend: {value: true, label: "Friend \x9b2J \u202e", show: companion}
items:
  ticket: {name: "Ticket \x1b]0;pwned\x07", text: "Stamped \x1b[2J"}
endings:
  - {id: free, title: "Free \x1b]52;c;cHduZWQ=\x07 [/i]", kind: good}
"""
SCENES = r"""
chapter: "Chapter \x1b]0;pwned\x07 [/i]"
scenes:
  - id: platform
    title: "Platform Eight [/i] \x1b]0;pwned\x07"
    text: |
      [A poster](https://example.com/x) says {{ "\x1b]0;pwned\x07" }} and {{ "\x9b2J\u202e" }}.
    choices:
      - id: take
        text: "Take it \x1b]52;c;cHduZWQ=\x07 \u202e [/bold]"
        effects: gain ticket
        outcome: "Done \x1b[2J \x9b2J"
        goto: gate
      - id: locked
        text: Wait for the guard
        if: nerve > 10
        disabled_text: "Nope \x1b]0;pwned\x07 [/i]"
        goto: gate
  - id: gate
    title: "[@click=app.quit]Gate[/] \x1b[2J"
    text: "The gate. \x1b]52;c;cHduZWQ=\x07"
    choices:
      - {id: out, text: "Out \x9b2J", goto: free_end}
  - id: free_end
    title: "Free \x1b]0;pwned\x07"
    text: Outside.
    ending: free
"""
# `escape validate`: a manifest with an unknown key and a wrong kind; in a second story, a scene file whose
# *name* holds an escape sequence, with an invalid id and an unknown key in it
BROKEN_MANIFEST = r"""
id: broken
title: Broken
blurb: b
start: platform
"unknown\x1b]52;c;cHduZWQ=\x07 [/i]": 1
endings:
  - {id: e, title: E, kind: "good\x1b[2J"}
"""
SOUND_MANIFEST = "id: sound\ntitle: Sound\nblurb: b\nstart: x\nendings: [{id: e, title: E, kind: good}]\n"
BROKEN_SCENES = r"""
scenes:
  - id: "x\x1b]0;pwned\x07"
    title: T
    text: t
    "key\u202e\x9b2J": 2
    ending: e
"""
HOSTILE_NAME = "\x1b]0;pwned\x07"
PAYLOADS = ("\x1b]52;", "\x1b]0;", "\x1b[2J", "\x9b", "\u202e")


@pytest.fixture
def hostile(tmp_path):
    """The hostile pack; its saves folder, with a run that diverges and a named save (with a name, a scene
    and a file name from a stranger); and the two broken stories for `escape validate`."""
    pack = write_story(tmp_path / "pack", MANIFEST, scenes=SCENES)
    saves = tmp_path / "saves"
    run_plain(str(pack), seed=1, saves=str(saves), out=io.StringIO(), inp=io.StringIO("1\nsave mine\nq\n"))
    [run_file] = saves.glob("*--run.*.json")
    [named] = saves.glob("*--mine.json")
    data = json.loads(run_file.read_text())  # the story has "changed": the log is replayed, and diverges
    data["story_hash"], data["state"]["log"] = "0" * 64, ["platform.[/bold]\x1b]0;pwned\x07"]
    run_file.write_text(json.dumps(data))
    data = json.loads(named.read_text())
    data["name"], data["state"]["scene"] = f"mine {HOSTILE_NAME} [/bold]", "gate [/bold]\x1b[2J"
    named.write_text(json.dumps(data))
    renamed = named.rename(saves / f"{pack.name}{HOSTILE_NAME}.json")  # a file name with an escape in it
    broken = write_story(tmp_path / "broken", BROKEN_MANIFEST)
    broken_scenes = write_story(tmp_path / "broken_scenes", SOUND_MANIFEST)
    (broken_scenes / f"scenes{HOSTILE_NAME}.yaml").write_text(BROKEN_SCENES)
    return {"pack": pack, "saves": saves, "run": run_file, "save": renamed, "broken": broken, "scenes": broken_scenes}


# the command line on a pseudo-terminal ------------------------------------------------------------------
class Terminal:
    """`escape ARGS` on a pseudo-terminal of its own (`rows` x `columns`): everything it writes is kept."""

    def __init__(self, *args: str, rows: int = 30, columns: int = 100):
        self.master, child_end = os.openpty()
        fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "game", *args],
            stdin=child_end,
            stdout=child_end,
            stderr=child_end,
            env={**os.environ, "TERM": "xterm-256color"},
            start_new_session=True,  # the terminal is its controlling terminal
        )
        os.close(child_end)
        self.output = bytearray()
        self.closed = False

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def read_until(self, wanted: bytes | None, timeout: float = 20.0) -> bool:
        """Read until `wanted` has been written (True), or the child has closed the terminal (None: read all
        it writes), or `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        while not self.closed and (wanted is None or wanted not in self.output) and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: the child has ended and its end of the terminal is closed
                    chunk = b""
                self.output += chunk
                self.closed = not chunk
        return wanted is not None and wanted in self.output

    def finish(self, timeout: float = 20.0) -> bytes:
        """Everything written until the child ends (killed if it takes longer than `timeout`)."""
        self.read_until(None, timeout)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout)
        os.close(self.master)
        return bytes(self.output)


def terminal_output(*args: str, typed: str = "") -> str:
    terminal = Terminal(*args)
    terminal.send(typed.encode())
    raw = terminal.finish()
    # no ESC and no 0x9b (C1 CSI) byte at all: no character these commands are expected to write has that
    # byte in its UTF-8 form
    assert b"\x1b" not in raw and b"\x9b" not in raw, raw
    text = raw.decode("utf-8")
    assert not [ch for ch in text if "\x80" <= ch <= "\x9f" or ch in "\u202e\u2066\u200b"], text
    assert "Traceback" not in text
    return text


# each command: its arguments (from the fixture's paths), what is typed, and what must be seen (the hostile
# text shown, with '?' for each character that could have reached the terminal)
COMMANDS = {
    "play --plain": (
        lambda h: ["play", h["pack"], "--plain", "--seed", "1", "--saves", h["pack"].parent / "other-saves"],
        "s\ni\n1\ni\nj\n1\n",
        [
            "Pwned ?]52;c;cHduZWQ=? [bold]Title[/i] [@click=app.quit]quit[/]",  # the story's title
            "A blurb ?]0;pwned? ?2J ?",
            "Platform Eight [/i] ?]0;pwned?",  # a scene's title
            "Chapter: Chapter ?]0;pwned? [/i]",
            "says ?]0;pwned? and ?2J?.",  # {{ "\x1b..." }} in the prose
            "1. Take it ?]52;c;cHduZWQ=? ? [/bold]",  # a choice
            "(unavailable: Nope ?]0;pwned? [/i])",  # a reason
            "Nerve ?[2J: 3 of 5.",  # a stat's label
            "With you: Friend ?2J ?.",  # a companion's label
            "Done ?[2J ?2J",  # an outcome
            "You now carry: Ticket ?]0;pwned?.",  # an item
            "Ticket ?]0;pwned?: Stamped ?[2J.",  # the inventory
            "1. Platform Eight [/i] ?]0;pwned?: you chose Take it",  # the journal
            "THE END: Free ?]52;c;cHduZWQ=? [/i]",
        ],
    ),
    "play --plain --continue": (
        lambda h: ["play", h["pack"], "--plain", "--continue", "--saves", h["saves"]],
        "q\n",
        ["has no choice '[/bold]?]0;pwned?'"],
    ),
    "saves": (
        lambda h: ["saves", "--saves", h["saves"]],
        "",
        ["pack?]0;pwned?.json", "save 'mine ?]0;pwned? [/bold]'"],
    ),
    "replay --check (a run)": (lambda h: ["replay", "--check", h["run"]], "", ["platform.[/bold]?]0;pwned?"]),
    "replay --check (a file name)": (
        lambda h: ["replay", "--check", h["save"]],
        "",
        ["pack?]0;pwned?.json: FAILED", "not 'gate [/bold]?[2J'"],
    ),
    "validate": (
        lambda h: ["validate", h["broken"], h["scenes"]],
        "",
        [
            "unknown field 'unknown?]52;c;cHduZWQ=? [/i]'",
            "not 'good?[2J'",
            "scenes?]0;pwned?.yaml:",
            "'x?]0;pwned?' is not a valid id",
            "unknown field 'key??2J'",
        ],
    ),
    "validate --json": (
        lambda h: ["validate", "--json", h["broken"], h["scenes"]],
        "",
        ["unknown\\u001b]52;c;cHduZWQ=\\u0007"],
    ),
    "stats": (lambda h: ["stats", h["pack"], "--runs", "2"], "", ["Pwned ?]52;c;cHduZWQ=? [bold]Title[/i]"]),
    "an error": (lambda h: ["play", f"nowhere{HOSTILE_NAME}"], "", ["escape: error:", "nowhere?]0;pwned?"]),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_escape_sequence_from_content_reaches_the_terminal(hostile, command):
    arguments, typed, seen = COMMANDS[command]
    text = terminal_output(*map(str, arguments(hostile)), typed=typed)
    for part in seen:
        assert part in " ".join(text.split()), (part, text)  # lines joined: plain mode wraps


def test_validate_json_keeps_every_character_for_a_json_reader(hostile):
    text = terminal_output("validate", "--json", str(hostile["broken"]), str(hostile["scenes"]))
    messages = " ".join(d["message"] + d["path"] for d in json.loads(text[text.index("{") :])["diagnostics"])
    assert "\x1b]52;c;cHduZWQ=\x07" in messages and HOSTILE_NAME in messages and "\u202e\x9b" in messages


def test_the_full_screen_game_on_a_real_terminal_sends_no_payload(hostile):
    terminal = Terminal("play", str(hostile["pack"]), "--seed", "1", "--saves", str(hostile["saves"]))
    drawn = terminal.read_until(b"Platform Eight [/i] ?]0;pwned?")
    terminal.send(b"1")  # take the choice: its outcome, the gate and the item in the panel
    moved = terminal.read_until(b"[@click=app.quit]Gate[/] ?[2J")
    terminal.send(b"\x11")  # ctrl+q
    raw = terminal.finish()
    assert drawn and moved and b"Traceback" not in raw, raw[-2000:]
    # Textual writes escape sequences of its own: look for the content's, never for ESC alone
    for payload in (b"\x1b]52;", b"\x1b]0;", b"Gate[/] \x1b", b"Nerve \x1b", b"\xc2\x9b", "\u202e".encode()):
        assert payload not in raw
    assert not [ch for ch in raw.decode("utf-8", "replace") if "\x80" <= ch <= "\x9f"]


# the Textual UI through Pilot ---------------------------------------------------------------------------
def hostile_app(h: dict[str, Path], saves: Path | None = None, **kwargs):
    return make_app(stories={"hostile": h["pack"], "broken": h["broken"]}, saves=saves or h["saves"], **kwargs)


def no_payload(text: str) -> bool:
    return not any(p in text for p in PAYLOADS) and not any("\x80" <= ch <= "\x9f" for ch in text)


async def test_titles_labels_and_choices_are_plain_text_and_clicks_on_them_do_nothing(hostile):
    app = hostile_app(hostile, seed=1)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        assert isinstance(app.screen, TitleScreen)
        listed = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Pwned ?]52;c;cHduZWQ=? [bold]Title[/i] [@click=app.quit]quit[/]" in listed
        await pilot.click(OptionList, offset=(45, 1))  # on "[@click=app.quit]": it only starts the story
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.return_code is None
        screen = app.screen
        assert screen.query_one("#scene-title", Label).visual.plain == "Platform Eight [/i] ?]0;pwned?"
        assert screen.title == "Pwned ?]52;c;cHduZWQ=? [bold]Title[/i] [@click=app.quit]quit[/]"
        assert screen.sub_title == "Chapter ?]0;pwned? [/i]"
        choices = screen.query_one(ChoiceList)
        assert str(choices.get_option_at_index(0).prompt) == "1. Take it ?]52;c;cHduZWQ=? ? [/bold]"
        assert "Nope ?]0;pwned? [/i]" in str(choices.get_option_at_index(1).prompt)
        panel = screen.query_one(StatePanel).visual.plain
        assert "Nerve ?[2J" in panel and "Friend ?2J ?" in panel
        assert "says ?]0;pwned? and ?2J?." in screen.query_one(Prose).source
        assert no_payload(app.export_screenshot())
        await pilot.press("1")
        await pilot.pause()
        assert screen.query_one("#scene-title", Label).visual.plain == "[@click=app.quit]Gate[/] ?[2J"
        await pilot.click("#scene-title", offset=(4, 0))  # on the would-be link
        await pilot.pause()
        assert app.return_code is None and app.screen is screen
        assert "> Done ?[2J ?2J" in screen.query_one(Prose).source
        assert "Ticket ?]0;pwned?" in screen.query_one(StatePanel).visual.plain
        assert no_payload(app.export_screenshot())
        await pilot.press("j")
        assert isinstance(app.screen, JournalScreen)
        journal = "\n".join(block.plain for block in app.screen.blocks)  # the journal's text, as drawn
        assert "Platform Eight [/i] ?]0;pwned?" in journal
        assert no_payload(journal) and no_payload(app.export_screenshot())
        await pilot.press("escape", "1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert "# Free ?]52;c;cHduZWQ=? [/i]" in app.screen.query_one(Prose).source
        assert no_payload(app.export_screenshot())


async def test_a_notification_naming_a_title_with_markup_does_not_crash(hostile, tmp_path):
    app = hostile_app(hostile, saves=tmp_path / "no-runs")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        app.notify("[/i] [bold]x", title="[/b]\x1b]0;pwned\x07")  # any notification is plain text
        await pilot.press("c")  # no unfinished run: the notification names the story's title
        await pilot.pause()
        notes = list(app._notifications)
        assert [(n.title, n.message) for n in notes][0] == ("[/b]?]0;pwned?", "[/i] [bold]x")
        assert "There is no unfinished run of Pwned ?]52;c;cHduZWQ=? [bold]Title[/i]" in notes[1].message
        assert not any(n.markup for n in notes)
        toasts = " ".join(toast.render().plain for toast in app.screen.query("Toast"))
        assert "[/i] [bold]x" in toasts and "[@click=app.quit]quit[/]" in toasts


async def test_the_divergence_dialog_shows_a_saved_choice_id_as_written(hostile):
    app = hostile_app(hostile, story="hostile", resume=True)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown_text = " ".join(label.visual.plain for label in app.screen.query(Label))
        assert "has no choice '[/bold]?]0;pwned?'" in shown_text
        await pilot.press("y")
        assert isinstance(app.screen, PlayScreen)


async def test_the_replay_screen_shows_a_saves_steps_as_written(hostile):
    app = hostile_app(hostile, replay_save=hostile["run"])
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("right")
        assert isinstance(app.screen, ReplayScreen)
        assert "has no choice '[/bold]?]0;pwned?'" in app.screen.query_one("#replay-status", Label).visual.plain
        assert "Take it ?]52;c;cHduZWQ=? ? [/bold]" in app.screen.query_one("#replay-choices").visual.plain
        assert no_payload(app.export_screenshot())


async def test_a_story_error_names_files_and_keys_as_written(hostile):
    app = hostile_app(hostile, story="broken")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        text = app.screen.query_one("#error-text").visual.plain
        assert "unknown field 'unknown?]52;c;cHduZWQ=? [/i]'" in text
        assert no_payload(app.export_screenshot())


async def test_a_link_in_the_prose_is_never_opened(hostile, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: opened.append(a[0]))
    app = hostile_app(hostile, story="hostile", seed=1)
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        first = app.screen.query_one(Prose).query(MarkdownBlock).first()
        assert str(first.visual).startswith("A poster")
        await pilot.click(first, offset=(2, 0))  # on "A poster", the link
        await pilot.pause()
        assert opened == []
        notes = [n.message for n in app._notifications]
        assert notes == ["This text links to https://example.com/x. The game does not open links."]


def test_shown_makes_every_unprintable_character_visible():
    hidden = "\x00\x07\x1b\r\x7f\x85\x9b\u200b\u200c\u200d\u2060\ufeff\u202a\u202e\u2066\u2069\u2028\ue000"
    assert shown(hidden, None) == "?" * len(hidden)
    assert shown("a\nb\tc", None) == "a?b?c" and shown("a\nb\tc", None, multiline=True) == "a\nb\tc"
    assert shown("Maréchal\u00a0: 10\u202fkm, 東京", None) == "Maréchal\u00a0: 10\u202fkm, 東京"  # spaces kept
    assert shown("x" * 300, 10) == "x" * 9 + "…" and shown("x" * 10, 10) == "x" * 10

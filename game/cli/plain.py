"""Plain-text play: prose and numbered choices on stdout, one line of input per turn on stdin.

Works through a pipe and with a screen reader: no colour, no cursor movement, no runs of symbols,
text wrapped to the terminal's width and a clean exit at end of input. A number takes that choice;
the other commands (status, inventory, journal, undo, redo...) are listed by `?`.
"""

from __future__ import annotations

import enum
import re
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import TextIO

from game.cli import is_yes
from game.compiler.bundled import bundled_stories, find_story
from game.compiler.loader import load_story
from game.engine.game import Offer, Step
from game.engine.journal import Entry, journal
from game.engine.replay import Divergence
from game.errors import EngineError, EscapeError, SaveError, SaveExists, StoryError
from game.i18n import N_, _, language, ngettext
from game.model import Story
from game.model.shown import shown
from game.saves.files import RUN
from game.saves.runs import SaveInfo, list_saves, unreadable_of
from game.saves.session import Session
from game.tools.consequences import change_notes, sentence
from game.tools.consequences import change_sentence as change_sentence  # where it was first (tests import it here)

_BLOCK = re.compile(r"^\s*([-*+]\s|[>|]|#{1,6}\s|\d+[.)]\s)")  # a list item, quote, table or heading (not *italics*)
_MARKER = re.compile(r"\s*(?:[-*+>#|]+|\d+[.)])\s*")  # a list item's or quote's mark, for the hanging indent
MIN_WIDTH, MAX_WIDTH = 20, 100
ECHO_LIMIT = 60  # the most characters of the player's own words said back


def reflow(text: str) -> str:
    """Markdown's paragraphs as a reader sees them: lines of one paragraph joined, lists and quotes kept."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if any(_BLOCK.match(line) for line in lines):
            paragraphs.append(block)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


def wrap_line(line: str, width: int, hang: int = 0) -> str:
    """One line filled to `width`, never breaking a word; lines after the first are indented `hang`."""
    return textwrap.fill(
        line,
        width,
        subsequent_indent=" " * min(hang, width // 2),
        break_long_words=False,
        break_on_hyphens=False,
    )


def wrap(text: str, width: int) -> str:
    """Markdown prose reflowed and wrapped: paragraphs filled, list items and quotes kept on their own
    lines with a hanging indent under their text."""
    paragraphs = []
    for paragraph in reflow(text).split("\n\n"):
        lines = []
        for line in paragraph.splitlines():
            marker = _MARKER.match(line) if _BLOCK.match(line) else None
            hang = len(marker.group()) if marker else len(line) - len(line.lstrip())
            lines.append(wrap_line(line, width, hang))
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def terminal_width() -> int:
    """The terminal's columns (80 when there is none), kept from 20 to 100."""
    return max(MIN_WIDTH, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def printable(text: str, limit: int = ECHO_LIMIT) -> str:
    """The player's own words, safe to say back: no control or format characters, and not too long."""
    kept = "".join(ch for ch in text if ch.isprintable()).strip()
    return kept if len(kept) <= limit else kept[: limit - 3].rstrip() + "..."


HELP = N_("""\
Commands (type one and press Enter):
  a number: take that choice
  s or status: where you are, your stats and who is with you
  i or inventory: what you carry
  r or repeat: the scene again, then the choices
  c or choices: the choices again
  j or journal: the scenes you have passed through
  j WORDS: the scenes that mention those words
  u or undo: take back your last choice
  redo: make again the choice you took back
  save NAME: save the run under a name
  load: continue a saved run
  q or quit: stop playing
  ? or help: this list""")


class Next(enum.Enum):
    """What the game does after one line of input."""

    ASK = "ask"  # ask again: the choices on screen still stand
    TURN = "turn"  # a new turn: list the choices
    LEAVE = "leave"  # the player leaves


class PlainFrontEnd:
    """The game as lines of text: show the scene, list the choices, answer one line at a time."""

    def __init__(self, session: Session, out: TextIO, inp: TextIO, width: int | None = None):
        self.session = session
        self.game = session.game
        self.out = out
        self.inp = inp
        self.width = terminal_width() if width is None else max(MIN_WIDTH, width)
        self.shown_chapter: str | None = None  # the chapter of the last scene shown
        self.enabled: list[Offer] = []  # the choices a number can take this turn, in order
        # each command by its letter, its English word and its Italian word (taken in every language)
        self.commands: dict[str, Callable[[], Next]] = {
            **dict.fromkeys(("?", "h", "help", "aiuto"), self.command_help),
            **dict.fromkeys(("s", "status", "stato"), self.command_status),
            **dict.fromkeys(("i", "inventory", "inventario"), self.command_inventory),
            **dict.fromkeys(("r", "repeat", "scena"), self.command_repeat),
            **dict.fromkeys(("c", "choices", "scelte"), self.command_choices),
            **dict.fromkeys(("u", "undo", "annulla"), self.command_undo),
            **dict.fromkeys(("redo", "rifai"), self.command_redo),
            **dict.fromkeys(("load", "carica"), self.command_load),
            **dict.fromkeys(("q", "quit", "esci"), self.command_quit),
        }
        self.commands_with_words: dict[str, Callable[[str], Next]] = {
            **dict.fromkeys(("j", "journal", "diario"), self.command_journal),
            **dict.fromkeys(("save", "salva"), self.command_save),
        }

    # output ---------------------------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        """Write lines: every line plain mode writes goes through here, made safe for a terminal."""
        self.out.write(shown(text, None, multiline=True) + "\n")

    def say_wrapped(self, text: str, hang: int = 0) -> None:
        """One line of ours, wrapped to the width (`hang`: the indent of the lines after the first)."""
        self.say(wrap_line(text, self.width, hang))

    def say_prose(self, text: str) -> None:
        """The story's Markdown prose, reflowed and wrapped."""
        self.say(wrap(text, self.width))

    def ask(self, prompt: str = "> ") -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        return None if line == "" else line.strip()

    def show_scene(self) -> None:
        """The scene's title on its own line, its chapter when that changes, then its prose."""
        scene = self.game.scene
        self.say()
        self.say_wrapped(scene.title)
        if scene.chapter and scene.chapter != self.shown_chapter:
            self.say_wrapped(_("Chapter: {chapter}").format(chapter=scene.chapter))
        self.shown_chapter = scene.chapter
        self.say()
        self.say_prose(self.game.text())

    def show_choices(self) -> None:
        """The choices, numbered; a wrapped choice goes on under its text, after the number."""
        offers = self.game.choices()
        self.enabled = [offer for offer in offers if offer.enabled]
        self.say()
        for offer in offers:
            if offer.enabled:
                number = f"  {self.enabled.index(offer) + 1}. "
                self.say_wrapped(number + offer.text, len(number))
            else:
                unavailable = _("{choice} (unavailable: {reason})").format(choice=offer.text, reason=offer.reason)
                self.say_wrapped(f"  -  {unavailable}", 5)

    def show_step(self, step: Step) -> None:
        """What a choice did: its outcome, then one sentence per change."""
        if step.outcome:
            self.say()
            self.say_prose(step.outcome)
        notes = self.change_notes(step)
        if notes:
            self.say()
            self.say_wrapped(" ".join(notes))

    def change_notes(self, step: Step, part: str = "choice") -> list[str]:
        return change_notes(self.game.story, step, part)

    def check_saving(self) -> None:
        """Say what has changed about saving (off, or nearly full), once each."""
        for message in self.session.news():
            self.say_wrapped(f"[{shown(message, 400)}]")

    def range_help(self) -> str:
        count = len(self.enabled)
        if not count:
            return _("Type ? for help.")
        return _("Type a number from 1 to {count} (or ? for help).").format(count=count)

    # input ----------------------------------------------------------------------------------------------
    def turn(self) -> bool:
        """List the choices and answer lines until one moves the run on; False when the player leaves."""
        self.show_choices()
        while True:
            line = self.ask()
            next_ = self.command_quit() if line is None else self.answer(line)
            if next_ is not Next.ASK:
                return next_ is Next.TURN

    def answer(self, line: str) -> Next:
        """Do what one line of input asks: a choice's number or a command (any case, any spaces)."""
        number = listed_number(line, len(self.enabled))
        if number is not None:
            return self.take(self.session.choose(self.enabled[number - 1].id))
        word, *rest = line.split(maxsplit=1) or [""]
        word, words = word.lower(), "".join(rest).strip()
        if word in self.commands_with_words:
            return self.commands_with_words[word](words)
        if word in self.commands and not words:
            return self.commands[word]()
        self.say(self.range_help())
        return Next.ASK

    def take(self, step: Step) -> Next:
        """Show what a choice (or a redo) did; a choice that stays shows its outcome and the choices only."""
        self.show_step(step)
        self.check_saving()
        if not step.stayed:
            self.show_scene()
            arrival = self.change_notes(step, "arrival")  # what entering the scene did: said under its text
            if arrival:
                self.say()
                self.say_wrapped(" ".join(arrival))
        return Next.TURN

    # commands -------------------------------------------------------------------------------------------
    def command_help(self) -> Next:
        for line in _(HELP).splitlines():
            self.say_wrapped(line, 4)
        return Next.ASK

    def command_status(self) -> Next:
        """Where the player is, how far in, the stats, the companions and the seed."""
        game, story = self.game, self.game.story
        run = game.run
        self.say_wrapped(_("Scene: {title}").format(title=sentence(game.scene.title)))
        if game.scene.chapter:
            self.say_wrapped(_("Chapter: {chapter}").format(chapter=sentence(game.scene.chapter)))
        self.say(_("Choices made: {count}.").format(count=run.turn))
        for variable in story.variables.values():
            if variable.show == "stat":
                label, value = variable.label or variable.name, run.variables[variable.name]
                if variable.maximum is not None:
                    line = _("{label}: {value} of {maximum}.").format(
                        label=label, value=value, maximum=variable.maximum
                    )
                else:
                    line = f"{label}: {value}."
                self.say_wrapped(line)
        companions = [v for v in story.variables.values() if v.show == "companion"]
        if companions:
            with_you = [v.label or v.name for v in companions if run.variables[v.name]]
            if with_you:
                self.say_wrapped(_("With you: {names}.").format(names=", ".join(with_you)), 4)
            else:
                self.say_wrapped(_("Nobody is with you."), 4)
        self.say(_("Seed: {seed}.").format(seed=run.seed))
        return Next.ASK

    def command_inventory(self) -> Next:
        """The items carried, in the story's order, each with its description."""
        carried = [item for item_id, item in self.game.story.items.items() if item_id in self.game.run.items]
        if not carried:
            self.say(_("You carry nothing."))
            return Next.ASK
        self.say(_("You carry:"))
        for item in carried:
            self.say_wrapped(f"  {item.name}: {sentence(item.text)}" if item.text else f"  {sentence(item.name)}", 4)
        return Next.ASK

    def command_repeat(self) -> Next:
        self.show_scene()
        return Next.TURN

    def command_choices(self) -> Next:
        return Next.TURN

    def command_journal(self, words: str) -> Next:
        """Without words, the scenes passed through and the choice made in each; with words, the
        entries that mention them."""
        entries = journal(self.game)
        query = printable(words)
        if not query:
            for entry in entries:
                if entry.choice:
                    line = _("{number}. {title}: you chose {choice}").format(
                        number=entry.number + 1, title=entry.title, choice=sentence(entry.choice)
                    )
                else:
                    line = _("{number}. {title}: you are here.").format(number=entry.number + 1, title=entry.title)
                self.say_wrapped(line, 4)
            return Next.ASK
        found = [entry for entry in entries if entry.matches(query)]
        if not found:
            self.say_wrapped(_("No entry mentions '{words}'.").format(words=query))
        else:
            mention = ngettext("{count} entry mentions '{words}':", "{count} entries mention '{words}':", len(found))
            self.say_wrapped(mention.format(count=len(found), words=query))
        for entry in found:
            self.show_entry(entry)
        return Next.ASK

    def show_entry(self, entry: Entry) -> None:
        """One journal entry in full: heading, prose, the choice made and its outcome."""
        self.say()
        number, title = entry.number + 1, entry.title
        if entry.chapter:
            heading = _("{number}. {title} (Chapter: {chapter})").format(
                number=number, title=title, chapter=entry.chapter
            )
        else:
            heading = f"{number}. {title}"
        self.say_wrapped(heading, 4)
        chose = _("You chose: {choice}").format(choice=sentence(entry.choice)) if entry.choice else ""
        for text in (entry.text, chose, entry.outcome):
            if text.strip():
                self.say_prose(text)

    def command_undo(self) -> Next:
        if not self.game.can_undo():
            self.say(_("Nothing to undo."))
            return Next.ASK
        self.session.undo()
        self.check_saving()
        self.say(_("You take back your last choice."))
        self.show_scene()
        return Next.TURN

    def command_redo(self) -> Next:
        if not self.session.can_redo():
            self.say(_("Nothing to redo."))
            return Next.ASK
        step = self.session.redo()
        self.say_wrapped(_("You choose again: {choice}").format(choice=sentence(step.choice_text)))
        return self.take(step)

    def command_save(self, name: str) -> Next:
        """Save the run under a name; a save of that name already there is replaced only if the player says so."""
        if not name:
            self.say(_("Type save and a name, for example: save before the wire"))
            return Next.ASK
        try:
            try:
                path = self.session.save_as(name)
            except SaveExists as err:
                question = _("{problem} Replace it? (y or n)").format(problem=sentence(str(err)).capitalize())
                if not self.confirm(question):
                    self.say(_("Nothing was saved."))
                    return Next.ASK
                path = self.session.save_as(name, replace=True)
        except SaveError as err:
            self.say_wrapped(_("Cannot save: {reason}").format(reason=shown(str(err), 300)))
            return Next.ASK
        self.say_wrapped(_("Saved as '{name}' ({file}).").format(name=name.strip(), file=shown(path.name, 80)))
        return Next.ASK

    def command_load(self) -> Next:
        """Continue one of this story's saves (a named save goes on as a new run; the save stays as it is)."""
        folder = self.session.saves
        if folder is None:
            self.say(_("Saving is off: there are no saves to load."))
            return Next.ASK
        mine = self.session.run_file
        saves = [i for i in list_saves(folder).saves if i.key == self.session.key and i.path != mine]
        picked = pick_save(saves, self.game.story, self.say_wrapped, self.ask, _("Load which save?"))
        if picked is None:
            self.say(_("You carry on where you are."))
            return Next.ASK
        session = Session(self.game.story, folder)
        try:
            divergence = session.resume(picked.path, partial=True)
        except (SaveError, EngineError) as err:
            self.say_wrapped(_("Cannot load it: {reason}").format(reason=shown(str(err), 300)))
            return Next.ASK
        self.session.close()
        self.session, self.game = session, session.game
        say_divergence(divergence, self.say_wrapped)
        self.show_scene()
        return Next.TURN

    def confirm(self, question: str) -> bool:
        self.say_wrapped(question)
        answer = self.ask()
        return answer is not None and is_yes(answer)

    def command_quit(self) -> Next:
        self.say()
        kept = self.session.saving and self.session.run_file is not None
        self.say_wrapped(_("Goodbye. Your run is saved: --continue carries on from here.") if kept else _("Goodbye."))
        return Next.LEAVE

    # the whole run --------------------------------------------------------------------------------------
    def play(self) -> int:
        story = self.game.story
        self.say_wrapped(story.title)
        self.say()
        self.say_prose(story.blurb)
        self.say()
        self.say_wrapped(
            _("Seed {seed}. Type the number of a choice and press Enter; ? lists the other commands.").format(
                seed=self.game.run.seed
            )
        )
        self.show_scene()
        while not self.game.is_over:
            if not self.turn():
                return 0
        ending = self.game.ending
        assert ending is not None  # the loop above ends when the run does
        self.say()
        self.say(_("THE END: {title}").format(title=ending.title))
        turns = self.game.run.turn
        self.say(
            ngettext("({count} choice. Seed {seed}.)", "({count} choices. Seed {seed}.)", turns).format(
                count=turns, seed=self.game.run.seed
            )
        )
        if self.session.saving:
            found, total = len(self.session.endings_found()), len(story.endings)
            endings = ngettext(
                "You have found {found} of the {total} ending of this story.",
                "You have found {found} of the {total} endings of this story.",
                total,
            )
            self.say(endings.format(found=found, total=total))
        return 0


def _pick_story(out: TextIO, inp: TextIO) -> str | None:
    stories = bundled_stories()
    if not stories:
        raise EscapeError(_("no bundled stories found; name a story folder"))
    loaded = []
    for name, folder in stories.items():
        try:
            loaded.append((name, load_story(folder, lang=language())))
        except StoryError:
            continue
    out.write("ESCAPE LINES\n\n" + _("Choose a story:") + "\n")
    for number, (_name, story) in enumerate(loaded, start=1):
        out.write(shown(f"  {number}. {story.title}: {story.blurb}", None, multiline=True) + "\n")
    while True:
        out.write("> ")
        out.flush()
        line = inp.readline()
        if line == "":
            return None
        answer = line.strip()
        picked = listed_number(answer, len(loaded))
        if picked is not None:
            return loaded[picked - 1][0]
        out.write(_("Type a number from 1 to {count}.").format(count=len(loaded)) + "\n")


def listed_number(answer: str, count: int) -> int | None:
    """The number typed, if it is one of 1 to `count` written in ASCII digits (not '²', '①' or a
    4,000-digit number, which `str.isdigit` accepts); else None."""
    if not 0 < len(answer) <= 6 or not all("0" <= ch <= "9" for ch in answer):
        return None
    number = int(answer)
    return number if 1 <= number <= count else None


def run_plain(
    story_name: str | None,
    seed: int | None = None,
    saves: str | None = "saves",
    resume: bool = False,
    out: TextIO | None = None,
    inp: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    inp = inp or sys.stdin
    if story_name is None:
        story_name = _pick_story(out, inp)
        if story_name is None:
            return 0
    try:
        story = load_story(find_story(story_name), lang=language())
    except StoryError as err:
        for diag in err.diagnostics:
            print(shown(str(diag), None), file=sys.stderr)
        return 1
    session = Session(story, saves)
    front = PlainFrontEnd(session, out, inp)
    if resume:
        waiting = session.runs_waiting()
        if not waiting:
            bad = "".join(
                "; "
                + _("{file} cannot be read: {reason}").format(file=shown(b.path.name, 80), reason=shown(b.reason, 200))
                for b in unreadable_of(saves, story.id)[:5]
            )
            raise EscapeError(
                _(
                    "there is no unfinished run of {title} in {folder} to continue{unreadable}; "
                    "leave out --continue to start a new one"
                ).format(title=shown(story.title, 80), folder=saves, unreadable=bad)
            )
        picked = waiting[0] if len(waiting) == 1 else pick_save(waiting, story, front.say_wrapped, front.ask)
        if picked is None:
            return 0
        say_divergence(session.resume(picked.path, partial=True), front.say_wrapped)
    else:
        session.start(seed)
    try:
        return front.play()
    finally:
        front.session.close()


def pick_save(
    saves: list[SaveInfo],
    story: Story,
    say: Callable[[str], None],
    ask: Callable[[], str | None],
    question: str | None = None,
) -> SaveInfo | None:
    """Ask which of `saves` (newest first) to open; None when there is none or the player answers with
    anything but one of the numbers."""
    if not saves:
        say(_("There are no saves of this story to load."))
        return None
    say(_("Continue which run?") if question is None else question)
    for number, info in enumerate(saves, start=1):
        scene = story.scenes.get(info.scene)
        where = shown(scene.title if scene is not None else info.scene, 80)
        if info.kind == RUN:
            what = ngettext("a run of {count} choice", "a run of {count} choices", info.turns).format(count=info.turns)
        else:
            what = f"'{shown(info.name)}'"
        line = (
            _("{number}. {what}, at {where}, saved {when} (open in another game)")
            if info.in_use
            else _("{number}. {what}, at {where}, saved {when}")
        )
        when = shown(info.saved.replace("T", " ").rstrip("Z"), 30)
        say("  " + line.format(number=number, what=what, where=where, when=when))
    say(_("Type its number (anything else goes back)."))
    picked = listed_number(ask() or "", len(saves))
    return saves[picked - 1] if picked is not None else None


def say_divergence(divergence: Divergence | None, say: Callable[[str], None]) -> None:
    if divergence is not None:
        say(
            "["
            + _("The story has changed since this run was saved: {change}. You carry on from step {step}.").format(
                change=shown(str(divergence), 300), step=divergence.step - 1
            )
            + "]"
        )

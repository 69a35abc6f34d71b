"""Plain-text play: prose and numbered choices on stdout, one line of input per turn on stdin.

Works through a pipe and with a screen reader: no colour, no cursor movement, and a clean exit at
end of input. Commands: a number takes that choice; `u` undoes the last choice; `q` quits; `?` helps.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

from game.compiler.bundled import bundled_stories, find_story
from game.compiler.loader import load_story
from game.engine.game import Step
from game.errors import EscapeError, StoryError
from game.saves.session import Session

_BLOCK = re.compile(r"^\s*([-*+>#|]|\d+[.)]\s)")


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


HELP = "Type the number of a choice and press Enter. u: undo the last choice. q: quit. ?: this help."


class PlainFrontEnd:
    def __init__(self, session: Session, out: TextIO, inp: TextIO):
        self.session = session
        self.game = session.game
        self.out = out
        self.inp = inp
        self.warned = not session.saving

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def ask(self, prompt: str = "> ") -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        return None if line == "" else line.strip()

    def show_scene(self) -> None:
        scene = self.game.scene
        self.say()
        heading = f"== {scene.title} =="
        self.say(heading if not scene.chapter else f"{heading}  ({scene.chapter})")
        self.say()
        self.say(reflow(self.game.text()))

    def show_step(self, step: Step) -> None:
        story = self.game.story
        if step.outcome:
            self.say()
            self.say(reflow(step.outcome))
        notes = []
        for change in step.changes:
            variable = story.variables[change.name]
            if variable.show == "stat":
                notes.append(f"{variable.label}: {change.before} -> {change.after}")
            elif variable.show == "companion":
                notes.append(f"{variable.label} {'is with you' if change.after else 'is no longer with you'}")
        notes += [f"you now carry: {story.items[i].name}" for i in step.gained]
        notes += [f"you no longer carry: {story.items[i].name}" for i in step.lost]
        if notes:
            self.say()
            self.say("(" + "; ".join(notes) + ")")

    def check_saving(self) -> None:
        if not self.warned and not self.session.saving:
            self.warned = True
            self.say(f"[Saving is off: {self.session.save_problem}]")

    def turn(self) -> bool:
        """One prompt; False when the player leaves."""
        offers = self.game.choices()
        enabled = [o for o in offers if o.enabled]
        self.say()
        for offer in offers:
            if offer.enabled:
                self.say(f"  {enabled.index(offer) + 1}. {offer.text}")
            else:
                self.say(f"  -  {offer.text} (unavailable: {offer.reason})")
        while True:
            answer = self.ask()
            if answer is None or answer.lower() in ("q", "quit"):
                self.say()
                self.say("Goodbye." + (" Your run is autosaved." if self.session.saving else ""))
                return False
            if answer in ("?", "h", "help"):
                self.say(HELP)
                continue
            if answer.lower() in ("u", "undo"):
                if not self.game.can_undo():
                    self.say("Nothing to undo.")
                    continue
                self.session.undo()
                self.check_saving()
                self.say("(You take back your last choice.)")
                self.show_scene()
                return True
            number = listed_number(answer, len(enabled))
            if number is not None:
                step = self.session.choose(enabled[number - 1].id)
                self.show_step(step)
                self.check_saving()
                if not step.stayed:  # a choice that stays shows its outcome and the choices, not the scene again
                    self.show_scene()
                return True
            self.say(f"Type a number from 1 to {len(enabled)} (or ? for help).")

    def play(self) -> int:
        story = self.game.story
        self.say(story.title.upper())
        self.say()
        self.say(story.blurb)
        self.say()
        self.say(f"(Seed {self.game.run.seed}. {HELP})")
        self.show_scene()
        while not self.game.is_over:
            if not self.turn():
                return 0
        ending = self.game.ending
        assert ending is not None  # the loop above ends when the run does
        self.say()
        self.say(f"THE END: {ending.title}")
        self.say(f"({self.game.run.turn} choices. Seed {self.game.run.seed}.)")
        if self.session.saving:
            found = len(self.session.endings_found())
            self.say(f"You have found {found} of the {len(story.endings)} endings of this story.")
        return 0


def _pick_story(out: TextIO, inp: TextIO) -> str | None:
    stories = bundled_stories()
    if not stories:
        raise EscapeError("no bundled stories found; name a story folder")
    loaded = []
    for name, folder in stories.items():
        try:
            loaded.append((name, load_story(folder)))
        except StoryError:
            continue
    out.write("ESCAPE LINES\n\nChoose a story:\n")
    for number, (_, story) in enumerate(loaded, start=1):
        out.write(f"  {number}. {story.title}: {story.blurb}\n")
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
        out.write(f"Type a number from 1 to {len(loaded)}.\n")


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
        story = load_story(find_story(story_name))
    except StoryError as err:
        for diag in err.diagnostics:
            print(diag, file=sys.stderr)
        return 1
    session = Session(story, saves)
    if resume:
        divergence = session.resume(partial=True)
        if divergence is not None:
            out.write(
                f"[The story has changed since this run was saved: {divergence}. "
                f"You carry on from step {divergence.step - 1}.]\n"
            )
    else:
        session.start(seed)
    return PlainFrontEnd(session, out, inp).play()

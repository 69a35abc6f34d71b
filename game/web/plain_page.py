"""The plain page (`/plain`, `?plain=1`, `escape serve --plain`): the game as real HTML for screen readers and
keyboards. The scene is text with headings, the choices are buttons, and what a choice did goes to a live
region. It works without JavaScript (each button posts a form); with it, the page updates in place.

Each player's run is opened as a `Session` for each request and let go at its end, saving to the player's own
folder after every choice as the terminal game does: the same run continues in the full-screen game and back."""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from game.engine.game import Step
from game.engine.replay import replay
from game.errors import EscapeError, SaveError, StoryError
from game.i18n import LANGUAGES, _, language, ngettext
from game.model import Story
from game.model.shown import shown
from game.saves.runs import SaveInfo, runs_waiting, unfinished_runs
from game.saves.session import Session
from game.tools.consequences import change_notes, sentence
from game.web.players import Player
from game.web.prose import inline, prose_html

MAX_OPEN_RUNS = 200  # players' runs remembered at once (the least recently played is forgotten; its file stays)
MAX_THINKING_SECONDS = 300  # the most of the time between two clicks counted as play


@dataclass
class OpenRun:
    """One player's run on the plain page: which story, its file (None until it has one: then it is made
    again from its seed and choices), and what its last choice did (shown once, in the live region)."""

    name: str  # the story's name on this server
    seed: int
    file: Path | None = None
    log: list[tuple[str, str]] = field(default_factory=list)  # its choices, for a run that has no file
    happened: list[str] = field(default_factory=list)  # HTML of the last choice's outcome and changes
    counted: bool = False  # its ending was counted in the endings record
    started: str = ""
    seconds: int = 0  # how long it has been played, until `seen`
    seen: float = 0.0  # time.monotonic() at its last request
    problem: str = ""  # why it is not being saved, until a choice is saved again


class PlainPage:
    """The plain page's handlers. `stories`: the stories served, by name; `story_of` loads one (cached);
    `keys`: what each one's files are named by.

    A run is opened from its file for each request and let go at its end, as the full-screen game holds
    it only while it is on screen: the same run can be continued in a terminal tab between two clicks
    here, and is then read again from its file, never written over with what this page last knew. While
    a terminal tab has it open, this page says so and leaves it alone."""

    def __init__(self, stories: dict[str, Path], story_of: Any, keys: dict[str, str], quota: int | None):
        self.stories = stories
        self.story_of = story_of
        self.keys = keys  # what each story's files are named by
        self.quota = quota  # what a player's saves may hold (the full-screen game gets it from its environment)
        self.runs: OrderedDict[str, OpenRun] = OrderedDict()
        self.notes: OrderedDict[str, dict[str, str]] = OrderedDict()  # what the next page says, by player

    def note(self, player: Player, kind: str, message: str) -> None:
        """Something for the player's next page to say ("notice" or "problem"), kept here rather than in
        its address, so that no link can make the page say anything."""
        self.notes[player.id] = {kind: shown(message, 600)}
        while len(self.notes) > MAX_OPEN_RUNS:
            self.notes.popitem(last=False)

    # the run of a player --------------------------------------------------------------------------------
    def run_of(self, player: Player) -> OpenRun | None:
        run = self.runs.get(player.id)
        if run is not None:
            self.runs.move_to_end(player.id)
        return run

    def remember(self, player: Player, run: OpenRun) -> None:
        self.runs.pop(player.id, None)
        self.runs[player.id] = run
        while len(self.runs) > MAX_OPEN_RUNS:
            self.runs.popitem(last=False)

    def leave(self, player: Player) -> None:
        self.runs.pop(player.id, None)

    def new_session(self, player: Player, name: str) -> Session:
        session = Session(self.story_of(name, language()), player.saves)
        session.quota = self.quota
        return session

    @contextmanager
    def opened(self, player: Player, run: OpenRun) -> Iterator[Session]:
        """The run as a Session, in the player's language, holding its file until the block ends.
        RunInUse when a terminal tab has it; SaveError when its file is gone or damaged."""
        session = self.new_session(player, run.name)
        now = time.monotonic()
        thinking = int(min(now - run.seen, MAX_THINKING_SECONDS)) if run.seen else 0
        try:
            if run.file is None:  # not saved yet (no choice made, or saving is off): made again from its log
                session.start(run.seed)
                replay(session.story, run.seed, run.log, into=session.game)
                session.carry_on(run.counted, run.started or session.started, run.seconds + thinking)
            else:
                session.resume(run.file, partial=True)
                session.carry_on(run.counted, session.started, session.play_seconds + thinking)
            yield session
            if session.run_file is not None and session.saving:
                run.file, run.log = session.run_file, []  # the file follows the run
            else:  # never saved, or its file no longer follows it: it goes on from its choices, in memory
                run.file, run.log = None, list(session.game.run.log)
            run.seed, run.counted, run.started = session.game.run.seed, session.counted, session.started
            run.seconds, run.seen = session.play_seconds, time.monotonic()
            if session.save_problem:
                run.problem = session.save_problem
            elif session.run_file is not None:
                run.problem = ""
        finally:
            session.close()

    # pages ----------------------------------------------------------------------------------------------
    def context(self, request: web.Request, player: Player, **values: Any) -> dict[str, Any]:
        return {
            "lang": language(),
            "languages": list(LANGUAGES.items()),
            "title": _("Escape Lines"),
            **self.notes.pop(player.id, {}),  # said once, on the page after the action
            "heading": _("Choose a story"),
            "begin": _("Begin a new run"),
            "continue_label": _("Continue:"),
            "upload_heading": _("A save from elsewhere"),
            "upload_label": _("Save file (.json)"),
            "upload_button": _("Upload"),
            "terminal_link": _("The full-screen game (a terminal in the page)"),
            "choices_label": _("Choices"),
            "run_label": _("This run"),
            "undo_label": _("Undo the last choice"),
            "download_label": _("Download this run's save"),
            "leave_label": _("Leave this run (it is kept)"),
            "status_label": _("Status"),
            "items_label": _("You carry"),
            "nothing_label": _("Nothing."),
            **values,
        }

    def show(self, request: web.Request, player: Player) -> web.Response:
        run = self.run_of(player)
        if run is not None:
            try:
                with self.opened(player, run) as session:
                    context = self.context(request, player, **self.run_context(session, run, player))
            except SaveError as err:  # open in a terminal tab, or its file gone: the list, and why
                self.leave(player)
                values = self.stories_context(request, player)
                values["problem"] = own_names(refusal(err), player)
                return aiohttp_jinja2.render_template("plain_stories.html", request, values)
            run.happened = []  # said once: a reload of the page shows the scene, not the last outcome again
            return aiohttp_jinja2.render_template("plain_run.html", request, context)
        return aiohttp_jinja2.render_template("plain_stories.html", request, self.stories_context(request, player))

    def stories_context(self, request: web.Request, player: Player) -> dict[str, Any]:
        listed = []
        unfinished = unfinished_runs(player.saves)  # the folder read once for every story
        for name in self.stories:
            try:
                story = self.story_of(name, language())
            except StoryError:
                continue
            waiting = [
                {"file": info.path.name, "label": waiting_label(story, info)}
                for info in [i for i in unfinished if i.key == self.keys[name]][:10]
            ]
            listed.append(
                {"name": name, "title": shown(story.title, 200), "blurb": inline(story.blurb), "runs": waiting}
            )
        return self.context(request, player, stories=listed)

    def run_context(self, session: Session, run: OpenRun, player: Player) -> dict[str, Any]:
        game, story = session.game, session.story
        enabled = [offer for offer in game.choices() if offer.enabled]
        choices = []
        for offer in game.choices():
            if offer.enabled:
                number = enabled.index(offer) + 1
                choices.append({"id": offer.id, "text": inline(offer.text), "number": number})
            else:
                why = _("unavailable: {reason}").format(reason=shown(offer.reason, 300))
                choices.append({"id": None, "text": inline(offer.text), "reason": why})
        ending = game.ending
        found = len(session.endings_found()) if ending is not None and session.saving else None
        return {
            "story_title": shown(story.title, 200),
            "scene_title": shown(game.scene.title, 200),
            "chapter_label": _("Chapter: {chapter}").format(chapter=shown(game.scene.chapter, 200))
            if game.scene.chapter
            else "",
            "chapter": bool(game.scene.chapter),
            "prose": prose_html(game.text()),
            "happened": run.happened,
            "choices": choices,
            "turn": game.run.turn,
            "at": position(session),
            "can_undo": game.can_undo(),
            "status": status_lines(session),
            "items": item_lines(session),
            "ending": shown(ending.title, 200) if ending is not None else "",
            "end_label": _("THE END: {title}").format(title=shown(ending.title, 200)) if ending is not None else "",
            "ending_count": ngettext(
                "You have found {found} of the {total} ending of this story.",
                "You have found {found} of the {total} endings of this story.",
                len(story.endings),
            ).format(found=found, total=len(story.endings))
            if found is not None
            else "",
            "saving": not (session.save_problem or run.problem),
            "save_problem": _("Saving is off: {reason}").format(
                reason=shown(own_names(session.save_problem or run.problem, player), 400)
            ),
            "has_file": session.run_file is not None,
        }

    # actions (each answers with a redirect to the page: a reload never repeats one) -----------------------
    def begin(self, player: Player, name: str) -> None:
        session = self.new_session(player, name)
        session.start()  # a new seed; the run gets its file at its first choice
        self.remember(player, OpenRun(name, session.game.run.seed))

    def resume(self, player: Player, name: str, file: str) -> None:
        waiting = {info.path.name: info.path for info in runs_waiting(player.saves, self.keys[name])}
        if file not in waiting:
            raise SaveError(_("that run is no longer in your saves"))
        run = OpenRun(name, 0, waiting[file])
        with self.opened(player, run):  # it can be opened (not in a terminal tab, readable)
            pass
        self.remember(player, run)

    def choose(self, player: Player, at: str, choice_id: str) -> None:
        run = self.run_of(player)
        if run is None:
            return
        with self.opened(player, run) as session:
            if at != position(session):
                return  # a form from an earlier page (a second click, the back button): the run is as it was
            if choice_id not in {offer.id for offer in session.game.choices() if offer.enabled}:
                return
            step = session.choose(choice_id)
            run.happened = step_lines(session, step)

    def undo(self, player: Player, at: str) -> None:
        run = self.run_of(player)
        if run is None:
            return
        with self.opened(player, run) as session:
            if at == position(session) and session.game.can_undo():
                session.undo()
                run.happened = [f"<p>{inline(_('You take back your last choice.'))}</p>"]

    def run_file(self, player: Player) -> Path | None:
        """The file of the player's run on this page, once it has one."""
        run = self.run_of(player)
        return run.file if run is not None else None


def position(session: Session) -> str:
    """Where the run stands, as a form remembers it: the number of choices made and the last one. A form
    from any other point (a second click, the back button, a page from before an undo) changes nothing."""
    log = session.game.run.log
    last = ".".join(log[-1]) if log else ""
    return f"{len(log)}:{hashlib.sha256(last.encode()).hexdigest()[:12]}"


def waiting_label(story: Story, info: SaveInfo) -> str:
    scene = story.scenes.get(info.scene)
    where = shown(scene.title, 120) if scene is not None else shown(str(info.scene), 80)
    return ngettext("{scene}, after {count} choice", "{scene}, after {count} choices", info.turns).format(
        scene=where, count=info.turns
    )


def step_lines(session: Session, step: Step) -> list[str]:
    """What a choice did, as HTML paragraphs: its outcome, its changes, what arriving changed, saving news."""
    lines = [str(prose_html(step.outcome))] if step.outcome else []
    notes = change_notes(session.story, step)
    if not step.stayed:
        notes += change_notes(session.story, step, "arrival")
    if notes:
        lines.append(f"<p>{inline(' '.join(notes))}</p>")
    lines += [f"<p>{inline(message)}</p>" for message in session.news()]
    return lines


def status_lines(session: Session) -> list[str]:
    story, run = session.story, session.game.run
    lines = [_("Choices made: {count}.").format(count=run.turn)]
    for variable in story.variables.values():
        if variable.show == "stat":
            label, value = shown(variable.label or variable.name, 80), run.variables[variable.name]
            if variable.maximum is not None:
                lines.append(
                    _("{label}: {value} of {maximum}.").format(label=label, value=value, maximum=variable.maximum)
                )
            else:
                lines.append(f"{label}: {value}.")
    companions = [v for v in story.variables.values() if v.show == "companion"]
    if companions:
        with_you = [shown(v.label or v.name, 80) for v in companions if run.variables[v.name]]
        lines.append(
            _("With you: {names}.").format(names=", ".join(with_you)) if with_you else _("Nobody is with you.")
        )
    return lines


def item_lines(session: Session) -> list[str]:
    story, run = session.story, session.game.run
    return [
        shown(f"{item.name}: {sentence(item.text)}" if item.text else sentence(item.name), 400)
        for item_id, item in story.items.items()
        if item_id in run.items
    ]


def own_names(message: str, player: Player) -> str:
    """A message with the player's own files named by their names alone (not the server's folders)."""
    return message.replace(f"{player.saves}{os.sep}", "").replace(str(player.folder), "…")


def refusal(err: EscapeError) -> str:
    return shown(str(err), 600)

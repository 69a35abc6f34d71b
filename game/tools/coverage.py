"""Text coverage, like ChoiceScript's quicktest: which `{% if %}` branches, disabled reasons, fallbacks
and subscene returns a story can ever show.

The story is compiled with probes in every `{% if %}` branch (`load_probed`), then played by the
complete search or by random runs in a Game that also notes the choices it offers and the returns it
takes. After the complete search, what was never shown is proved never shown (the search covers every
state a run can reach); after random runs, it was only not shown this time, and the counts say how often
the rest was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.compiler.loader import load_probed
from game.engine.game import Game, Offer, Step
from game.engine.state import RunState
from game.i18n import N_, _
from game.model import RETURN, Story

# what a site is, with its names as placeholders: English in the JSON report, translated where shown
TEXT_BRANCH = N_("text branch {branch}")
DISABLED_REASON = N_("disabled reason of '{choice}'")
FALLBACK = N_("fallback of scene '{scene}'")
RETURN_TO = N_("return of '{choice}' to '{caller}'")
NO_BRANCH = "(none of its branches)"  # the label game.compiler.template gives a passage's missing else
_WORDS = {NO_BRANCH: N_("(none of its branches)")}


@dataclass(frozen=True, slots=True)
class Site:
    """A place in a story file that the player may or may not ever see. `what` is in English (the JSON
    report's words); `shown()` says it in the interface's language."""

    path: str
    line: int
    col: int
    what: str
    message: str = ""  # the message `what` is made from (one of the above), with its `names`
    names: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, path: str, line: int, col: int, message: str, **names: str) -> Site:
        return cls(path, line, col, message.format(**names), message, tuple(names.items()))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.what}"

    def shown(self) -> str:
        """The place and what is there, in the interface's language."""
        if not self.message:
            return str(self)
        names = {key: _(_WORDS[value]) if value in _WORDS else value for key, value in self.names}
        return f"{self.path}:{self.line}:{self.col}: {_(self.message).format(**names)}"


class BranchProbes:
    """The `{% if %}` branches of a story, and how often each was shown."""

    def __init__(self) -> None:
        self.sites: list[Site] = []
        self.hits: Counter[int] = Counter()
        self.recording = True
        self.place: Callable[[int], tuple[str, int, int]] = lambda offset: ("?", 0, 0)

    def site(self, offset: int, label: str) -> int:
        path, line, col = self.place(offset)
        self.sites.append(Site.of(path, line, col, TEXT_BRANCH, branch=label))
        return len(self.sites) - 1

    def hit(self, number: int) -> str:
        if self.recording:
            self.hits[number] += 1
        return ""


class WatchingGame(Game):
    """A Game that notes the disabled reasons and fallbacks it offers and the returns it takes."""

    def __init__(self, story: Story, probes: BranchProbes) -> None:
        super().__init__(story)
        self.probes = probes
        self.offered: Counter[tuple[str, str]] = Counter()  # (choice key, "disabled" | "fallback")
        self.returned: Counter[tuple[str, str]] = Counter()  # (choice key, scene gone back to)

    def choices(self) -> list[Offer]:
        offers = super().choices()
        scene = self.run.scene
        for offer in offers:
            if not offer.enabled:
                self.offered[(f"{scene}.{offer.id}", "disabled")] += 1
            elif offer.is_fallback:
                self.offered[(f"{scene}.{offer.id}", "fallback")] += 1
        return offers

    def rewind(self, point: RunState, render: bool = True) -> None:
        """Going back renders the scene's text for `text()`, which no player sees at that moment: unrecorded."""
        self.probes.recording = False
        try:
            super().rewind(point, render)
        finally:
            self.probes.recording = True

    def show(self, point: RunState) -> None:
        """Go back to a state and show its offers, as a player in it sees them (recorded; its prose is
        shown, and recorded, by the move that enters the scene)."""
        self.rewind(point, render=False)
        self.choices()

    def choose(self, choice_id: str, destination: str | None = None) -> Step:
        step = super().choose(choice_id, destination)
        key = f"{step.from_scene}.{choice_id}"
        if self.story.choice_index[key].move == RETURN:
            self.returned[(key, step.scene)] += 1
        return step


@dataclass
class TextCoverage:
    """Everything the story can show that a run may never see, with how often each was shown."""

    shown: list[tuple[Site, int]] = field(default_factory=list)

    @property
    def unseen(self) -> list[Site]:
        return [site for site, count in self.shown if not count]

    def as_dict(self) -> dict[str, Any]:
        return {
            "places": len(self.shown),
            "unseen": [str(site) for site in self.unseen],
            "shown": {str(site): count for site, count in self.shown},
        }


def probed(folder: str | Path) -> tuple[Story, BranchProbes, WatchingGame]:
    """The story compiled with probes, and a Game of it that watches what it offers."""
    probes = BranchProbes()
    story = load_probed(folder, probes)
    return story, probes, WatchingGame(story, probes)


def text_coverage(story: Story, probes: BranchProbes, game: WatchingGame) -> TextCoverage:
    """What the runs played in `game` showed of everything that can be shown."""
    coverage = TextCoverage([(site, probes.hits[number]) for number, site in enumerate(probes.sites)])
    for scene in story.scenes.values():
        path, _colon, line = scene.source.rpartition(":")
        for choice in scene.all_choices:
            place = (path, int(line or 0), 1)
            if choice.disabled_text is not None:
                count = game.offered[(choice.key, "disabled")]
                coverage.shown.append((Site.of(*place, DISABLED_REASON, choice=choice.key), count))
            if choice.is_fallback:
                count = game.offered[(choice.key, "fallback")]
                coverage.shown.append((Site.of(*place, FALLBACK, scene=scene.id), count))
            if choice.move == RETURN:
                for caller in choice.destinations:
                    count = game.returned[(choice.key, caller)]
                    site = Site.of(*place, RETURN_TO, choice=choice.key, caller=caller)
                    coverage.shown.append((site, count))
    return coverage

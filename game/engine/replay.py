"""Re-executing a saved log against the current story: for replays, `escape replay --check` and loading
saves made before a story was edited."""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.game import Game
from game.model import Story


@dataclass(frozen=True, slots=True)
class Divergence:
    """The first step of a log that no longer works."""

    step: int  # 1-based
    scene: str
    choice: str
    reason: str

    def __str__(self) -> str:
        return f"step {self.step} ({self.scene}.{self.choice}): {self.reason}"


def _why(game: Game, scene: str, choice: str, previous_drawn: bool) -> str:
    story = game.story
    if game.run.scene != scene:
        if scene not in story.scenes:
            return f"missing scene: the story has no scene '{scene}'"
        cause = "the random draw differs" if previous_drawn else "a condition or target changed"
        return f"the run reached '{game.run.scene}' instead of '{scene}' ({cause})"
    if game.is_over:
        return f"the run ended in '{game.run.ending}' before this step"
    if f"{scene}.{choice}" not in story.choice_index:
        return f"missing choice: scene '{scene}' has no choice '{choice}'"
    offer = next((o for o in game.choices() if o.id == choice), None)
    if offer is None:
        return "the choice is not offered now (its condition is false, or it was once-only)"
    return f"the choice's condition is now false ({offer.reason})"


def replay(
    story: Story, seed: int, log: list[tuple[str, str]], upto: int | None = None, into: Game | None = None
) -> tuple[Game, Divergence | None]:
    """A game (`into`, or a new one) that has re-made the first `upto` choices of `log` (all by default),
    and the first step that failed."""
    game = into or Game(story)
    game.start(seed)
    drawn = False
    for number, (scene, choice) in enumerate(log[:upto] if upto is not None else log, start=1):
        ok = game.run.scene == scene and not game.is_over and any(o.id == choice and o.enabled for o in game.choices())
        if not ok:
            return game, Divergence(number, scene, choice, _why(game, scene, choice, drawn))
        drawn = game.choose(choice).drawn  # offered and open: the machine's guards agree
    return game, None

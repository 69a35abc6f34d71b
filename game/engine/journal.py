"""The journal of a run: every scene passed through and every choice made, rebuilt from the log.

Rebuilt by replaying the run's own choices in a scratch game, so the journal is derived from run
state and never kept separately.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.game import Game


@dataclass(frozen=True, slots=True)
class Entry:
    number: int  # 0 for the opening scene
    scene_id: str
    title: str
    chapter: str
    text: str
    choice: str = ""  # the choice made in this scene (empty for the scene the run is in now)
    outcome: str = ""

    def matches(self, query: str) -> bool:
        query = query.casefold()
        return any(
            query in part.casefold() for part in (self.title, self.chapter, self.text, self.choice, self.outcome)
        )


def journal(game: Game) -> list[Entry]:
    """Entries for every scene of the run so far, oldest first."""
    run = game.run
    scratch = Game(game.story)
    text = scratch.start(run.seed)
    entries: list[Entry] = []
    for number, (_, choice_id) in enumerate(run.log):
        scene = scratch.scene
        step = scratch.choose(choice_id)  # the run's own choices, in its own story: each one works again
        entries.append(Entry(number, scene.id, scene.title, scene.chapter, text, step.choice_text, step.outcome))
        text = step.text
    scene = scratch.scene
    entries.append(Entry(len(run.log), scene.id, scene.title, scene.chapter, text))
    return entries

"""What a choice changed, in words a player reads: one sentence per meter, companion and item. Shared by the
plain front end (printed after the outcome) and the terminal UI (a line under the outcome)."""

from __future__ import annotations

from game.engine.game import Change, Step
from game.model import Story, Variable


def sentence(text: str) -> str:
    """`text` ending with a full stop, unless it ends with a stop of its own."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def change_sentence(variable: Variable, change: Change) -> str | None:
    """A change as one sentence read aloud well ("Nerve falls from 3 to 1."); None for hidden variables."""
    label = variable.label or variable.name
    if variable.show == "companion":
        return f"{label} is with you now." if change.after else f"{label} is no longer with you."
    if variable.show != "stat":
        return None
    before, after = change.before, change.after
    if isinstance(before, int | float) and isinstance(after, int | float) and before != after:
        return f"{label} {'rises' if after > before else 'falls'} from {before} to {after}."
    return f"{label} is now {after}."


def change_notes(story: Story, step: Step) -> list[str]:
    """Every change of `step` the player can see, as sentences: meters and companions, then items."""
    notes = [change_sentence(story.variables[change.name], change) for change in step.changes]
    return [
        *(note for note in notes if note),
        *(f"You now carry: {sentence(story.items[item].name)}" for item in step.gained),
        *(f"You no longer carry: {sentence(story.items[item].name)}" for item in step.lost),
    ]


def changed_names(story: Story, step: Step) -> frozenset[str]:
    """The shown variables and the items a step changed (what the side panel marks)."""
    shown = {c.name for c in step.changes if story.variables[c.name].show in ("stat", "companion")}
    return frozenset(shown | set(step.gained) | set(step.lost))

"""What a choice changed, in words a player reads: one sentence per meter, companion and item. Shared by the
plain front end (printed after the outcome) and the terminal UI (a line under the outcome)."""

from __future__ import annotations

from game.engine.game import Change, Step
from game.i18n import _
from game.model import Story, Variable


def sentence(text: str) -> str:
    """`text` ending with a full stop, unless it ends with a stop of its own."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def change_sentence(variable: Variable, change: Change) -> str | None:
    """A change as one sentence read aloud well ("Nerve falls from 3 to 1."); None for hidden variables."""
    label = variable.label or variable.name
    if variable.show == "companion":
        if change.after:
            return _("{label} is with you now.").format(label=label)
        return _("{label} is no longer with you.").format(label=label)
    if variable.show != "stat":
        return None
    before, after = change.before, change.after
    if isinstance(before, int | float) and isinstance(after, int | float) and before != after:
        moved = (
            _("{label} rises from {before} to {after}.")
            if after > before
            else _("{label} falls from {before} to {after}.")
        )
        return moved.format(label=label, before=before, after=after)
    return _("{label} is now {value}.").format(label=label, value=after)


def net(changes: tuple[Change, ...]) -> list[Change]:
    """One change per variable, from its first value to its last, in the order first changed; a variable
    that ends where it began is left out (`food += 3` then `food -= 1` is one rise of 2)."""
    first: dict[str, Change] = {}
    last: dict[str, Change] = {}
    for change in changes:
        first.setdefault(change.name, change)
        last[change.name] = change
    return [
        Change(name, start.before, last[name].after)
        for name, start in first.items()
        if start.before != last[name].after
    ]


def notes_of(story: Story, changes: tuple[Change, ...], gained: tuple[str, ...], lost: tuple[str, ...]) -> list[str]:
    """Sentences for what changed: meters and companions (net), then items kept or gone."""
    notes = [change_sentence(story.variables[change.name], change) for change in net(changes)]
    kept = [item for item in dict.fromkeys(gained) if item not in lost]
    gone = [item for item in dict.fromkeys(lost) if item not in gained]
    return [
        *(note for note in notes if note),
        *(_("You now carry: {item}").format(item=sentence(story.items[item].name)) for item in kept),
        *(_("You no longer carry: {item}").format(item=sentence(story.items[item].name)) for item in gone),
    ]


def change_notes(story: Story, step: Step, part: str = "choice") -> list[str]:
    """What `step` changed that the player can see, as sentences: by the choice itself (`part` "choice",
    shown under its outcome), by entering the new scene ("arrival", shown under that scene's text: a new
    camp's guards, a companion met there), or both ("all")."""
    if part == "all":
        return notes_of(story, step.changes, step.gained, step.lost)
    return notes_of(story, *(step.by_choice() if part == "choice" else step.on_arrival()))


def changed_names(story: Story, step: Step) -> frozenset[str]:
    """The shown variables and the items a step changed (what the side panel marks)."""
    shown = {c.name for c in step.changes if story.variables[c.name].show in ("stat", "companion")}
    return frozenset(shown | set(step.gained) | set(step.lost))

"""The story's state machine: scenes are states, choices are triggers. The only module that imports `transitions`.

One machine is built per story (with `auto_transitions=False`) and reused by every run: a run keeps
its own scene, and the machine's single cursor model is set to it before each move.
"""

from __future__ import annotations

import gc
import logging
import weakref
from functools import partial

from transitions import Machine, MachineError

from game.errors import EngineError
from game.story import Story


class _Cursor:
    """The machine's one model; `state` is set from the run before every move."""

    state: str


def _leads_to(dest: str, event) -> bool:  # noqa: ANN001 - transitions' EventData
    return event.kwargs.get("dest") == dest


class StoryMachine:
    """Checks and performs moves between scenes for any number of runs of one story."""

    def __init__(self, story: Story):
        self.cursor = _Cursor()
        self.machine = Machine(
            model=self.cursor,
            states=list(story.scenes),
            initial=story.start,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        for scene in story.scenes.values():
            for choice in scene.all_choices:
                destinations = choice.destinations
                if len(destinations) == 1:
                    self.machine.add_transition(choice.key, scene.id, destinations[0])
                    continue
                for dest in destinations:
                    self.machine.add_transition(choice.key, scene.id, dest, conditions=[partial(_leads_to, dest)])

    def move(self, scene: str, choice_key: str, dest: str) -> str:
        """Fire `choice_key` from `scene` towards `dest`; the scene the machine ends in."""
        self.cursor.state = scene
        try:
            moved = self.cursor.trigger(choice_key, dest=dest)
        except (MachineError, AttributeError) as err:
            raise EngineError(f"choice '{choice_key}' cannot be taken from scene '{scene}'") from err
        if not moved or self.cursor.state != dest:
            raise EngineError(f"choice '{choice_key}' does not lead from '{scene}' to '{dest}'")
        return self.cursor.state


# transitions logs every state change at DEBUG level; a game makes tens of thousands of them a second,
# so its logger is switched off rather than asked, eight times a move, whether DEBUG is enabled.
for _name in ("transitions", "transitions.core"):
    logging.getLogger(_name).disabled = True

_machines: weakref.WeakKeyDictionary[Story, StoryMachine] = weakref.WeakKeyDictionary()


def machine_for(story: Story) -> StoryMachine:
    """The story's machine, built on first use and shared by every run."""
    machine = _machines.get(story)
    if machine is None:
        enabled = gc.isenabled()
        gc.disable()  # tens of thousands of new objects, none of them garbage: no collector passes
        try:
            machine = _machines[story] = StoryMachine(story)
        finally:
            if enabled:
                gc.enable()
    return machine

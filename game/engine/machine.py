"""The story's state machine, which makes every move. The only module that imports `transitions`.

Scenes are the machine's states, and the run's `scene` is the attribute the machine moves. Each choice
is a trigger named by its key ("scene.choice"). Its guards are the choice's own compiled condition (the
very function the list of choices uses), its once-only rule and, for a fallback, the rule that nothing
else is open; its `before` callback counts and logs it, runs its effects and renders its outcome.
Entering a scene runs the scene's `on_enter` callback (visit count, entry effects, text); ending scenes
are final states, whose callback ends the run. A choice that stays is an internal transition (no scene
is left or entered). A call also remembers the calling scene on the run's stack; a return has one
transition for each scene it can go back to, guarded by the top of that stack.

A goto with conditions or a random draw leads first to a choice point: a pseudo-state named after the
choice, which the run leaves at once through transitions guarded by the branch conditions. As in UML
statecharts, the branches are decided after the choice's effects have run, as the format promises. A
random target is a choice point of its own: the first of its transitions draws the roll in `prepare`,
and each outcome's guard takes the roll's share that is its weight. A new run stands in the pseudo-state
`(begin)` and enters the story through the `(begin)` trigger.

One machine serves every run of a story and keeps no run. It grows as runs go: a scene's choices join it
the first time a run takes one of them, so a story of thousands of scenes starts at once. A run is passed to each
event as the model, with the move in progress (`rules.Move`) as the argument every guard and callback
receives. Choices are listed from the story, never through the machine's triggers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from transitions import Machine, MachineError, State

from game.engine import rules
from game.engine.state import BEGIN, RunState
from game.errors import EngineError
from game.i18n import _
from game.model import CALL, RETURN, STAY, Branch, Choice, Scene, Story, Target

if TYPE_CHECKING:
    from collections.abc import Mapping

    from game.model import Variable


Hooks = list[str | Callable[..., bool | None]]  # guards and callbacks, as transitions types them


class _Machine(Machine):
    """transitions' Machine, told two things it cannot know: every callback here is a callable (never a
    name to look up on the model), and an unknown state is a bug. So callbacks are called directly, and
    states are looked up without converting enums: a fifth of the time of every move."""

    def callbacks(self, funcs: Any, event_data: Any) -> None:
        for func in funcs:
            func(*event_data.args)

    def get_state(self, state: Any) -> State:
        try:
            found: State = self.states[state]
            return found
        except KeyError:
            raise ValueError(f"State '{state}' is not a registered state.") from None


class StoryMachine:
    """The transitions machine of one story, and the two things a run asks of it: begin, and take a choice."""

    def __init__(self, story: Story) -> None:
        self.story_scenes = story.scenes
        self.variables: Mapping[str, Variable] = story.variables
        endings = {scene_id: scene.ending for scene_id, scene in story.scenes.items()}
        self.machine = _Machine(
            model=None,
            states=[State(BEGIN)],
            initial=BEGIN,
            model_attribute="scene",
            auto_transitions=False,
            send_event=False,
            ignore_invalid_triggers=False,
            on_final=[rules.end(endings)],
        )
        self.events = self.machine.events
        self.built: set[str] = set()  # scenes whose choices are in the machine
        self._state(story.start)
        self.machine.add_transition(BEGIN, BEGIN, story.start)

    # building: a scene's choices join the machine the first time a run takes one ------------------------
    def _state(self, scene_id: str) -> None:
        if scene_id not in self.machine.states:
            scene = self.story_scenes[scene_id]
            self.machine.add_state(
                State(scene_id, on_enter=[rules.enter(scene, self.variables)], final=scene.ending is not None)
            )

    def _build(self, scene_id: str) -> None:
        self.built.add(scene_id)
        self._state(scene_id)
        scene = self.story_scenes[scene_id]
        for choice in scene.all_choices:
            for destination in choice.destinations:
                self._state(destination)
            self._add_choice(scene_id, choice, scene)

    def build_all(self) -> None:
        """Put every scene's choices in the machine now (for tools that look at the whole machine)."""
        for scene_id in self.story_scenes:
            if scene_id not in self.built:
                self._build(scene_id)

    def _add_choice(self, scene_id: str, choice: Choice, scene: Scene) -> None:
        guards: Hooks = []
        if choice.once:
            guards.append(rules.not_taken(choice))
        if choice.condition is not None:
            guards.append(choice.condition.fn)
        if choice.is_fallback:
            guards.append(rules.nothing_else_open(scene))
        taken: Hooks = [rules.take(choice, self.variables)]
        if choice.move == STAY:  # an internal transition: no scene is left or entered
            self.machine.add_transition(choice.key, scene_id, None, conditions=guards, before=taken)
            return
        if choice.move == CALL:
            taken.append(rules.call)
        if choice.move == RETURN:  # one transition per scene it can go back to, guarded by the latest call
            for caller in choice.destinations:
                self.machine.add_transition(
                    choice.key,
                    scene_id,
                    caller,
                    conditions=[*guards, rules.called_from(caller)],
                    before=[*taken, rules.back],
                )
            return
        goto = choice.goto
        if len(goto) == 1 and not goto[0].target.is_random:  # a plain move, by far the most common
            self.machine.add_transition(choice.key, scene_id, goto[0].target.scenes[0], conditions=guards, before=taken)
            return
        point = f"{choice.key}?"
        self.machine.add_transition(choice.key, scene_id, point, conditions=guards, before=taken)
        self._add_point(point)
        if len(goto) == 1:  # only a random target: the choice point is its draw
            self._add_outcomes(point, goto[0].target)
            return
        for number, branch in enumerate(goto):
            self._add_branch(point, f"{point}{number}", branch)

    def _add_point(self, name: str) -> None:
        """A pseudo-state that the run leaves at once, by the trigger of the same name."""
        events = self.events

        def onwards(move: rules.Move) -> None:
            events[name].trigger(move.run, move)  # the last branch has no condition: it always applies

        self.machine.add_state(State(name, on_enter=[onwards]))

    def _add_branch(self, point: str, draw_point: str, branch: Branch) -> None:
        guards: Hooks = [branch.condition.fn] if branch.condition is not None else []
        if not branch.target.is_random:
            self.machine.add_transition(point, point, branch.target.scenes[0], conditions=guards)
            return
        self.machine.add_transition(point, point, draw_point, conditions=guards)
        self._add_point(draw_point)
        self._add_outcomes(draw_point, branch.target)

    def _add_outcomes(self, point: str, target: Target) -> None:
        low = 0
        for number, (scene_id, weight) in enumerate(zip(target.scenes, target.weights, strict=True)):
            prepare: Hooks = [rules.draw(target.scenes, target.weights)] if number == 0 else []
            rolled: Hooks = [rules.rolled(low, low + weight)]  # the roll is below the total: one always holds
            self.machine.add_transition(point, point, scene_id, conditions=rolled, prepare=prepare)
            low += weight

    # what a run asks -----------------------------------------------------------------------------------
    def begin(self, run: RunState, move: rules.Move) -> None:
        """Enter the story's first scene (the run stands at `(begin)`)."""
        self.events[BEGIN].trigger(run, move)

    def take(self, run: RunState, key: str, move: rules.Move) -> bool:
        """Take the choice `key` from the run's scene: True when the machine moved, False when a guard
        refused (nothing has changed then)."""
        event = self.events.get(key)
        if event is None:
            scene_id = key.partition(".")[0]
            if scene_id in self.story_scenes and scene_id not in self.built:
                self._build(scene_id)
                event = self.events.get(key)
        if event is None:
            raise EngineError(_("the story has no choice '{choice}'").format(choice=key))
        try:
            return bool(event.trigger(run, move))
        except MachineError as err:
            raise EngineError(
                _("choice '{choice}' cannot be taken from scene '{scene}'").format(choice=key, scene=run.scene)
            ) from err


_machines: weakref.WeakKeyDictionary[Story, StoryMachine] = weakref.WeakKeyDictionary()


def machine_for(story: Story) -> StoryMachine:
    """The story's machine, built on first use and shared by every run of it. It holds the story's
    content but not the story itself, so it goes when the story does."""
    machine = _machines.get(story)
    if machine is None:
        machine = _machines[story] = StoryMachine(story)
    return machine

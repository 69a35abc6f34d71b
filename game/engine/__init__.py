"""The engine: a run of a story, driven by the story's state machine. No I/O, no UI.

`Game` takes choices and returns `Step`s; `RunState` is the only thing saved; `replay` re-makes a log of
choices; `journal` rebuilds what a run has read.
"""

from game.engine.game import Change, Game, Offer, Step
from game.engine.state import RunState, state_from_data, state_to_data

__all__ = ["Change", "Game", "Offer", "RunState", "Step", "state_from_data", "state_to_data"]

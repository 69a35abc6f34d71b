"""Reloading a story, as `--watch` does on every save, frees the story before: memory stays flat."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

from benchmarks.storygen import structure, write_story
from game.compiler.loader import load_story
from game.engine.game import Game
from game.saves.session import Session


def test_every_earlier_story_and_its_machine_are_freed(tmp_path):
    folder = write_story(structure(1000), tmp_path / "story")
    session = Session(load_story(folder), None)
    session.start(0)
    for _ in range(5):
        session.choose(next(o.id for o in session.game.choices() if o.enabled))
    earlier = []
    sizes = []
    tracemalloc.start()
    for _ in range(12):
        story = load_story(folder)
        earlier.append(weakref.ref(session.story))
        session.reload(story)  # the run carries over to the reloaded story, as in a live preview
        assert session.game.run.turn == 5
        del story
        gc.collect()
        sizes.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    assert [ref() for ref in earlier if ref() is not None] == []  # each earlier story is gone
    assert max(sizes[4:]) < sizes[3] * 1.05  # and memory does not grow with the number of reloads


def test_a_story_with_games_in_play_is_kept():
    from tests.conftest import DEMO

    story = load_story(DEMO)
    game = Game(story)
    game.start(1)
    ref = weakref.ref(story)
    del story
    gc.collect()
    assert ref() is game.story  # the game holds its story: nothing is freed under a run

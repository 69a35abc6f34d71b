"""The bundled stories load, validate cleanly (warnings included) and are found by name."""

from __future__ import annotations

import pytest

from game.compiler.bundled import bundled_stories, find_story
from game.compiler.loader import check_story
from game.errors import EscapeError

STORIES = bundled_stories()


def test_both_campaigns_are_bundled():
    assert {"grand_illusion", "captured"} <= set(STORIES)


@pytest.mark.parametrize("name", sorted(STORIES))
def test_bundled_story_validates_strictly(name):
    story, diagnostics = check_story(STORIES[name])
    assert [str(d) for d in diagnostics] == []
    assert story is not None and story.id == name


def test_hallbach_tunnel_chapter_is_real_scenes():
    story, _ = check_story(STORIES["grand_illusion"])
    tunnel = [s for s in story.scenes.values() if s.source.split(":")[0].endswith("03_tunnel.yaml")]
    assert len(tunnel) >= 5
    words = sum(len(s.text.source.split()) for s in tunnel)
    assert words >= 1500
    assert all(len(s.all_choices) >= 1 or s.ending for s in tunnel)


def test_find_story_by_name_and_path(tmp_path):
    assert find_story("grand_illusion") == STORIES["grand_illusion"]
    assert find_story(str(STORIES["captured"])) == STORIES["captured"]
    with pytest.raises(EscapeError, match="did you mean 'captured'"):
        find_story("capturd")

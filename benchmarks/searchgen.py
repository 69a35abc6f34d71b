"""A story shaped like a new author's first full story, for the exhaustive search: 25 scenes in five
acts, 20 variables (12 meters from 0 to 10 that conditions compare with thresholds, 6 true/false flags
and 2 counters), three items, a loop in every act (a scene the player can stay in, spending a meter to
raise another), once-only choices, and six endings. Seeded: the same seed writes the same story.
"""

from __future__ import annotations

import random
from pathlib import Path

METERS = tuple(f"m{i}" for i in range(12))
FLAGS = tuple(f"f{i}" for i in range(6))
COUNTERS = ("days", "nights")
ITEMS = ("rope", "key", "map")
ENDINGS = ("free", "caught", "lost", "home", "shot", "stayed")


def author_story(folder: Path, seed: int = 7) -> Path:
    """Write the story into `folder` (story.yaml and scenes.yaml); returns the folder."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = ["id: author", "title: An Author's Story", "blurb: Generated for the exhaustive search.", "start: s0"]
    manifest.append("variables:")
    manifest += [f"  {name}: {{value: {rng.randint(3, 6)}, min: 0, max: 10}}" for name in METERS]
    manifest += [f"  {name}: false" for name in FLAGS]
    manifest += [f"  {name}: {{value: 0, min: 0, max: 5}}" for name in COUNTERS]
    manifest.append("items: {" + ", ".join(f"{item}: {item.title()}" for item in ITEMS) + "}")
    manifest.append("endings:")
    manifest += [
        f"  - {{id: {e}, title: {e.title()}, kind: {'good' if e in ('free', 'home') else 'bad'}}}" for e in ENDINGS
    ]
    lines = ["scenes:"]
    for number in range(25):
        act, place = divmod(number, 5)
        scene = f"s{number}"
        nxt = f"s{number + 1}" if number < 24 else "e_free"
        lines += [f"  - id: {scene}", f"    title: Scene {number}", f"    text: 'Act {act + 1}, scene {place + 1}.'"]
        lines.append("    choices:")
        meter, other = rng.sample(METERS, 2)
        flag = rng.choice(FLAGS)
        threshold = rng.randint(3, 7)
        lines.append(f"      - {{id: onward, text: Go on, effects: ['{meter} -= 1', '{other} += 1'], goto: {nxt}}}")
        if place == 2:  # the act's loop: stay, spend one meter to raise another, count the days
            cost, gain = rng.sample(METERS, 2)
            lines.append(
                f"      - {{id: work, text: Work, stay: true, if: '{cost} >= 1 and days < 5', "
                f"effects: ['{cost} -= 1', '{gain} += 2', 'days += 1'], outcome: You work.}}"
            )
            lines.append(
                f"      - {{id: push, text: Push, if: '{gain} >= 8', effects: ['{flag} = true'], goto: s{min(number + 2, 24)}}}"
            )
        else:
            lines.append(
                f"      - {{id: risk, text: Risk it, if: '{meter} >= {threshold} or {flag}', "
                f"effects: ['{other} -= 2', 'nights += 1'], goto: s{min(number + 2, 24)}}}"
            )
        item = ITEMS[act % len(ITEMS)]
        lines.append(
            f"      - {{id: take, text: Take the {item}, once: true, stay: true, effects: [gain {item}], outcome: Taken.}}"
        )
        if place == 4:  # the act's last scene can end the story
            ending = ENDINGS[1 + act]
            lines.append(
                f"      - {{id: fail, text: Give in, if: '{meter} < {threshold - 1} or nights >= 3', goto: e_{ending}}}"
            )
        if number == 24:
            lines.append(f"      - {{id: home, text: Go home, if: has('map') and {flag}, goto: e_home}}")
    lines += [f"  - {{id: e_{e}, title: {e.title()}, text: The end., ending: {e}}}" for e in ENDINGS]
    (folder / "story.yaml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    (folder / "scenes.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder

"""One story structure per size, rendered as ink source and as an Escape Lines story folder, and the
seeded walk both engines are checked against.

The structure is the "ifbench-story/1" shape of the team's ink reference harness (shared/ink-bench):
a seeded graph of N scenes, ~150 words of prose in 2-4 paragraphs (or a short-prose variant), three
choices to other scenes with at least one unconditional, integer conditions and effects, and
max(5, N/50) endings. Generating from the same seed gives the same structure, so the path checksums
of the walk below (mulberry32 draws, FNV-1a over each playthrough) must equal ink's: 100 scenes ->
ad3fa62a, 1,000 -> 5aa37ef8, 5,000 -> 30f9ae6d.

Semantics both renderings follow: enter a scene, apply its entry effects, show its text, stop at an
ending; otherwise offer the choices whose condition holds, in order (sticky: they never run out);
taking one applies its effects and moves to its target.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

VARIABLES = ("morale", "gold", "health", "clues")
COMPARISONS = (">", ">=", "<", "<=", "==", "!=")
VOCABULARY = """the a an old quiet narrow silver broken distant cold warm bright dark river tower gate road forest
village market lantern rope bridge wall stone door window stair hall garden field hill valley shore harbor ship wind
rain fog snow light shadow voice bell song letter map key coin blade cloak boot hand face eye heart memory promise
secret rumor story traveler guard merchant child widow priest captain soldier stranger friend rival keeper smith
miller hunter sailor scholar thief walks waits watches listens turns opens closes carries drops finds hides follows
remembers forgets whispers shouts laughs sighs knocks climbs crosses returns leaves enters rests burns falls rises
breaks slowly quickly softly again still almost never always perhaps toward beneath beyond behind across along
inside near under over and but while because until although so then when where long short heavy light empty full
strange familiar careful tired morning evening night noon dusk dawn winter summer autumn spring iron glass wood
paper salt smoke ash dust water fire bread wine small great low high far near first last other same every of in on
at with from into through by for about""".split()
VERBS = "Climb Follow Open Search Ask Leave Cross Wait Enter Hide Trust Question Bribe Help Ignore Study Take Return Signal Rest".split()
OBJECTS = (
    "the ridge|the stranger|the door|the old map|the captain|the bridge|the market|the harbor|the lantern|the tower|"
    "the guard|the letter|the garden path|the river|the smith|the cellar|the bell|the narrow stair|the ship|"
    "the fire"
).split("|")
LONG_PROSE, SHORT_PROSE = 150, 15  # the words-per-scene setting; 15 gives ~36 words (one sentence a paragraph)


# -- the structure -----------------------------------------------------------------------------------
def _sentence(rng: random.Random) -> tuple[str, int]:
    count = rng.randint(8, 16)
    words = [rng.choice(VOCABULARY) for _ in range(count)]
    if count > 10 and rng.random() < 0.4:
        comma = rng.randint(3, count - 4)
        words[comma] += ","
    words[0] = words[0].capitalize()
    return " ".join(words) + ".", count


def _prose(rng: random.Random, target: int) -> list[str]:
    paragraphs = rng.randint(2, 4)
    per_paragraph = int(rng.gauss(target, target * 0.08)) / paragraphs
    result = []
    for _ in range(paragraphs):
        sentences: list[str] = []
        words = 0
        while not sentences or words < per_paragraph - 6:
            text, count = _sentence(rng)
            sentences.append(text)
            words += count
        result.append(" ".join(sentences))
    return result


def _effect(rng: random.Random) -> dict[str, Any]:
    name = rng.choice(VARIABLES)
    if rng.random() < 0.85:
        return {"var": name, "op": "add", "value": rng.choice([-2, -1, -1, 1, 1, 2])}
    return {"var": name, "op": "set", "value": rng.randint(0, 5)}


def _condition(rng: random.Random) -> list[dict[str, Any]]:
    clauses = [{"var": rng.choice(VARIABLES), "op": rng.choice(COMPARISONS), "value": rng.randint(0, 6)}]
    if rng.random() < 0.2:
        clauses.append({"var": rng.choice(VARIABLES), "op": rng.choice(COMPARISONS[:4]), "value": rng.randint(0, 6)})
    return clauses


def _others(rng: random.Random, size: int, scene: int, count: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < count:
        other = rng.randrange(size)
        if other != scene and other not in chosen:
            chosen.append(other)
    return chosen


def structure(size: int, seed: int = 42, words: int = LONG_PROSE) -> dict[str, Any]:
    """The seeded structure of a story of `size` scenes (plain data)."""
    rng = random.Random(f"{seed}:{size}")
    endings = set(rng.sample(range(1, size), max(5, size // 50)))
    variables = {name: rng.randint(0, 5) for name in VARIABLES}
    scenes = []
    for number in range(size):
        scene: dict[str, Any] = {
            "id": f"knot_{number}",
            "text": "\n\n".join(_prose(rng, words)),
            "ending": number in endings,
            "on_enter": [],
            "choices": [],
        }
        if rng.random() < 0.3:
            scene["on_enter"] = [_effect(rng)]
        if not scene["ending"]:
            targets = _others(rng, size, number, 3)
            free = rng.randrange(3)  # at least one choice is always open
            for index, target in enumerate(targets):
                choice: dict[str, Any] = {
                    "text": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                    "target": f"knot_{target}",
                    "condition": [],
                    "effects": [],
                }
                if index != free and rng.random() < 0.35:
                    choice["condition"] = _condition(rng)
                if rng.random() < 0.5:
                    choice["effects"] = [_effect(rng) for _ in range(rng.randint(1, 2))]
                scene["choices"].append(choice)
        scenes.append(scene)
    return {"size": size, "start": "knot_0", "variables": variables, "scenes": scenes}


# -- renderings ----------------------------------------------------------------------------------------
def _clauses(clauses: list[dict[str, Any]], joiner: str) -> str:
    return f" {joiner} ".join(f"{c['var']} {c['op']} {c['value']}" for c in clauses)


def _ink_effect(effect: dict[str, Any]) -> str:
    name, value = effect["var"], effect["value"]
    if effect["op"] == "set":
        return f"~ {name} = {value}"
    return f"~ {name} = {name} {'+' if value >= 0 else '-'} {abs(value)}"


def to_ink(story: dict[str, Any]) -> str:
    """The structure as ink source (sticky `+` choices, `{cond}` guards, `~` assignments)."""
    lines = [f"VAR {name} = {value}" for name, value in story["variables"].items()]
    lines += ["", f"-> {story['start']}", ""]
    for scene in story["scenes"]:
        lines.append(f"=== {scene['id']} ===")
        lines += [_ink_effect(e) for e in scene["on_enter"]]
        lines += scene["text"].split("\n\n")
        if scene["ending"]:
            lines.append("-> END")
        for choice in scene["choices"]:
            guard = f"{{{_clauses(choice['condition'], '&&')}}} " if choice["condition"] else ""
            if choice["effects"]:
                lines.append(f"+ {guard}[{choice['text']}]")
                lines += ["    " + _ink_effect(e) for e in choice["effects"]]
                lines.append(f"    -> {choice['target']}")
            else:
                lines.append(f"+ {guard}[{choice['text']}] -> {choice['target']}")
        lines.append("")
    return "\n".join(lines)


def _effect_statement(effect: dict[str, Any]) -> str:
    name, value = effect["var"], effect["value"]
    if effect["op"] == "set":
        return f"{name} = {value}"
    return f"{name} {'+' if value >= 0 else '-'}= {abs(value)}"


def _quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def write_story(story: dict[str, Any], folder: Path, scenes_per_file: int = 1000) -> Path:
    """The structure as an Escape Lines story folder: story.yaml and one scene file per 1,000 scenes."""
    folder.mkdir(parents=True, exist_ok=True)
    size = story["size"]
    manifest = [
        f"id: bench_{size}",
        f"title: Benchmark, {size} scenes",
        "blurb: A generated story for the ink comparison.",
        f"start: {story['start']}",
        "variables:",
    ]
    manifest += [f"  {name}: {value}" for name, value in story["variables"].items()]
    manifest.append("endings:")
    manifest += [f"  - {{id: {s['id']}, title: End {s['id']}, kind: neutral}}" for s in story["scenes"] if s["ending"]]
    (folder / "story.yaml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    for first in range(0, size, scenes_per_file):
        lines = [f"chapter: Part {first // scenes_per_file + 1}", "scenes:"]
        for scene in story["scenes"][first : first + scenes_per_file]:
            lines += [f"  - id: {scene['id']}", f"    title: {scene['id']}"]
            if scene["on_enter"]:
                lines.append(f"    on_enter: {_effect_statement(scene['on_enter'][0])}")
            lines.append("    text: |")
            lines += [("      " + line) if line else "" for line in scene["text"].split("\n")]
            if scene["ending"]:
                lines.append(f"    ending: {scene['id']}")
                continue
            lines.append("    choices:")
            for index, choice in enumerate(scene["choices"]):
                lines += [f"      - id: c{index}", f"        text: {choice['text']}"]
                if choice["condition"]:
                    lines.append(f"        if: {_clauses(choice['condition'], 'and')}")
                if choice["effects"]:
                    lines.append(
                        f"        effects: [{', '.join(_quoted(_effect_statement(e)) for e in choice['effects'])}]"
                    )
                lines.append(f"        goto: {choice['target']}")
        (folder / f"part_{first // scenes_per_file + 1:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# -- the walk ------------------------------------------------------------------------------------------
MASK = 0xFFFFFFFF
WALK_SEED, MAX_STEPS, CHECKED_RUNS = 1000, 200, 500


def mulberry32(state: int):  # noqa: ANN201 - a generator function of floats in [0, 1)
    """The walk's random numbers, bit for bit the same as the JavaScript mulberry32."""
    state &= MASK

    def draw() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK
        t = ((state ^ (state >> 15)) * (state | 1)) & MASK
        t = ((t + (((t ^ (t >> 7)) * (t | 61)) & MASK)) & MASK) ^ t
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return draw


def fnv1a(hashed: int, text: str) -> int:
    for byte in text.encode():
        hashed = ((hashed ^ byte) * 16777619) & MASK
    return hashed


class PathChecksum:
    """FNV-1a over "{steps}|{ending or CAP}|{variables}|{scenes}" of each playthrough, in order."""

    def __init__(self) -> None:
        self.value = 2166136261
        self.runs = self.steps = self.ended = 0

    def add(self, steps: int, ending: str | None, variables: list[int], scenes: list[str]) -> None:
        self.runs += 1
        self.steps += steps
        self.ended += ending is not None
        line = f"{steps}|{ending or 'CAP'}|{','.join(map(str, variables))}|{','.join(scenes)}\n"
        self.value = fnv1a(self.value, line)

    def __str__(self) -> str:
        return f"{self.value:08x}"


def walk_game(game: Any, runs: int = CHECKED_RUNS, seed: int = WALK_SEED, max_steps: int = MAX_STEPS) -> PathChecksum:
    """Play `runs` playthroughs of an Escape Lines `Game` with the walk's draws; the path checksum."""
    checksum = PathChecksum()
    names = list(game.story.variables)
    for number in range(runs):
        draw = mulberry32(seed + number)
        game.start(0)
        scenes, steps = [game.run.scene], 0
        while not game.is_over and steps < max_steps:
            open_ids = [offer.id for offer in game.choices() if offer.enabled]
            game.choose(open_ids[int(draw() * len(open_ids))])
            steps += 1
            scenes.append(game.run.scene)
        checksum.add(steps, game.run.ending, [game.run.variables[n] for n in names], scenes)
    return checksum


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="write the benchmark stories (ink source, story folder, structure)")
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("bench-stories"))
    parser.add_argument("--words", type=int, default=LONG_PROSE)
    options = parser.parse_args()
    for n in options.sizes:
        data = structure(n, words=options.words)
        options.out.mkdir(parents=True, exist_ok=True)
        (options.out / f"story_{n}.ink").write_text(to_ink(data), encoding="utf-8")
        (options.out / f"story_{n}.json").write_text(json.dumps(data), encoding="utf-8")
        print(write_story(data, options.out / f"story_{n}"))

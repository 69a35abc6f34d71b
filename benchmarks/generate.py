"""A seeded generator of synthetic stories of any size, shaped like the ink comparison stories:
~150 words of prose per scene in 2-4 paragraphs, three choices to other scenes (at least one
unconditional), conditions on integer variables, integer effects on entering and on choosing,
and max(5, N/50) endings."""

from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = ("the wire ran along the ditch and the sentry turned his collar against the rain while you "
         "counted the steps between the lamps the huts were dark and someone coughed behind the "
         "planks a dog barked once far off by the river where the barges lay the smell of coal smoke "
         "and wet wool hung over the yard you thought of the letter in your boot and of the map "
         "drawn on the back of a parcel label the bell rang for roll call and the line shuffled "
         "forward under the eyes of the corporal").split()


def paragraph(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def generate(n: int, folder: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    endings = max(5, n // 50)
    ordinary = n - endings
    variables = ["courage", "suspicion", "supplies", "trust"]
    manifest = [f"id: synthetic_{n}", f"title: Synthetic {n}", "blurb: A generated story for benchmarks.",
                "start: s0", "variables:"]
    manifest += [f"  {v}: {{value: 5, min: 0, max: 20}}" for v in variables]
    manifest.append("endings:")
    manifest += [f"  - {{id: end{e}, title: Ending {e}, kind: neutral}}" for e in range(endings)]
    (folder / "story.yaml").write_text("\n".join(manifest) + "\n")
    lines = ["scenes:"]
    for i in range(n):
        lines += [f"  - id: s{i}", f"    title: Scene {i}"]
        if i >= ordinary:
            lines.append(f"    ending: end{i - ordinary}")
        else:
            lines.append(f"    on_enter: {rng.choice(variables)} {rng.choice('+-')}= 1")
        lines.append("    text: |")
        paragraphs = rng.randint(2, 4)
        for p in range(paragraphs):
            lines.append("      " + paragraph(rng, 150 // paragraphs))
            if p < paragraphs - 1:
                lines.append("")
        if i >= ordinary:
            continue
        lines.append("    choices:")
        for c in range(3):
            if rng.random() < 0.06:
                target = ordinary + rng.randrange(endings)
            elif c == 0:
                target = (i + 1) % ordinary  # a thread through every scene keeps them all reachable
            else:
                target = rng.randrange(ordinary)
            lines.append(f"      - id: c{c}")
            lines.append(f"        text: {paragraph(rng, 6)}")
            if c == 2 and rng.random() < 0.5:
                lines.append(f"        if: {rng.choice(variables)} >= {rng.randint(3, 7)}")
            if rng.random() < 0.6:
                lines.append(f"        effects: {rng.choice(variables)} {rng.choice('+-')}= {rng.randint(1, 2)}")
            lines.append(f"        goto: s{target}")
    (folder / "scenes.yaml").write_text("\n".join(lines) + "\n")
    return folder


if __name__ == "__main__":
    size, out = int(sys.argv[1]), Path(sys.argv[2])
    generate(size, out)
    print(out)

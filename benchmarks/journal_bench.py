"""How long the journal takes to open and to filter as the player types, for a run of 60 scenes of a
generated story (benchmarks/storygen.py, ~150 words a scene), against the target of issue 17: the journal
on screen in under 100 ms. Writes benchmarks/journal.md.

    .venv/bin/python benchmarks/journal_bench.py

Each time runs from the action (the screen pushed, a character put in the search box) to the first frame
that holds the journal's lines, in a headless app at 80x24 and 120x40 (the journal's own
work and Textual's layout and paint; not the terminal). For scale, the same is measured for a screen that
holds only a header, a label, a search box and a footer. Medians of ROUNDS repetitions.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

TARGET_MS = 100.0
STEPS = 60
ROUNDS = 7
SIZES = [(80, 24), (120, 40)]
if "--quick" in sys.argv:
    ROUNDS, SIZES = 3, SIZES[:1]
TYPED = "river"  # typed a character at a time


async def measure(folder: Path, size: tuple[int, int]) -> dict[str, float]:
    from textual.screen import Screen
    from textual.strip import Strip
    from textual.widget import Widget
    from textual.widgets import Footer, Header, Input, Label

    from benchmarks.bench import play
    from game.compiler.loader import load_story
    from game.engine.game import Game
    from game.tui import make_app
    from game.tui.journal_screen import JournalScreen, JournalView

    drawn = [False]  # a line of the measured widget was rendered since the action
    painted = [0.0, 0.0]  # when the first frame holding it was sent to the (headless) terminal: wall, CPU
    draw = JournalView.render_line
    refresh = Screen._compositor_refresh

    def timed_render_line(self: JournalView, y: int):  # noqa: ANN202
        drawn[0] = drawn[0] or bool(self.rows)  # the text, not the empty view before it is laid out
        return draw(self, y)

    def timed_refresh(self: Screen) -> None:
        refresh(self)
        if drawn[0] and not painted[0]:
            painted[:] = [time.perf_counter(), time.process_time()]

    JournalView.render_line = timed_render_line  # type: ignore[method-assign]
    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]

    def start() -> tuple[float, float]:
        drawn[0], painted[:] = False, [0.0, 0.0]
        return time.perf_counter(), time.process_time()

    def took(began: tuple[float, float]) -> tuple[float, float]:
        return painted[0] - began[0], painted[1] - began[1]

    class Stamp(Widget):
        def render_line(self, y: int) -> Strip:
            drawn[0] = True
            return super().render_line(y)

    class Bare(Screen):
        def compose(self):  # noqa: ANN202
            yield Header()
            yield Label("Journal")
            yield Input()
            yield Stamp()
            yield Footer()

    story = load_story(folder)
    game = Game(story)
    seed = next(seed for seed in range(1000, 2000) if play(game, seed, STEPS) == STEPS and not game.is_over)
    play(game, seed, STEPS)
    times: dict[str, list[tuple[float, float]]] = {"open": [], "type": [], "next": [], "bare": []}
    app = make_app(stories={"generated": folder}, saves=None)
    async with app.run_test(size=size) as pilot:
        for _ in range(ROUNDS):
            began = start()
            app.push_screen(Bare())
            await pilot.pause(0.3)
            times["bare"].append(took(began))
            app.pop_screen()
            await pilot.pause()

            began = start()
            screen = JournalScreen(game)
            app.push_screen(screen)
            await pilot.pause(0.3)
            times["open"].append(took(began))
            box = screen.query_one(Input)
            for count in range(1, len(TYPED) + 1):
                began = start()
                box.value = TYPED[:count]
                await pilot.pause(0.3)
                times["type"].append(took(began))
            began = start()
            screen.action_next_match()
            await pilot.pause(0.3)
            times["next"].append(took(began))
            entries = len(screen.entries)
            matches = len(screen.matches)
            app.pop_screen()
            await pilot.pause()
    JournalView.render_line = draw  # type: ignore[method-assign]
    Screen._compositor_refresh = refresh  # type: ignore[method-assign]
    result = {name: statistics.median(v[1] for v in values) * 1000 for name, values in times.items()}
    result |= {f"{name} wall": statistics.median(v[0] for v in values) * 1000 for name, values in times.items()}
    return result | {"entries": entries, "matches": matches, "characters": sum(len(b.plain) for b in screen.blocks)}


def main() -> None:
    from benchmarks.storygen import structure, write_story

    with tempfile.TemporaryDirectory() as scratch:
        folder = write_story(structure(1000), Path(scratch) / "story")
        rows = {size: asyncio.run(measure(folder, size)) for size in SIZES}
    first = rows[SIZES[0]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# The journal",
        "",
        f"A run of {STEPS} choices ({first['entries']:.0f} scenes, {first['characters']:,.0f} characters of text) in a "
        "generated story of 1,000 scenes, in a headless app: from the action to the first frame that shows the "
        f"journal's lines; medians of {ROUNDS} rounds (typing: of every character of “{TYPED}”). CPU time of the "
        "game's process (what the journal and Textual do, whatever else the machine runs), and wall time in "
        f"brackets (load average {load:.1f} on {os.cpu_count()} CPUs when it ran). "
        f"Target: the journal on screen in under {TARGET_MS:.0f} ms, and each character typed too.",
        "",
        "| terminal | open | a character typed | next match | a bare screen (header, label, input, footer) | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for (width, height), row in rows.items():
        met = "met" if row["open"] < TARGET_MS and row["type"] < TARGET_MS else "NOT met"
        cells = [f"{row[name]:.0f} ms ({row[name + ' wall']:.0f})" for name in ("open", "type", "next", "bare")]
        lines.append(f"| {width}x{height} | {' | '.join(cells)} | {met} |")
    lines += [
        "",
        "Before (one Markdown widget for the whole journal), a 52-scene run took 2-4 s to open and about 2 s a "
        "character typed.",
    ]
    (HERE / "journal.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""`make bench`: Escape Lines' speed and memory on synthetic stories of 100, 1,000 and 5,000 scenes.

Each figure is measured in a fresh process, several times; the table shows medians and min-max.
Results go to benchmarks/results.json. `python benchmarks/bench.py --help` for options.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pty
import random
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

INK = {  # inkjs 2.4 on Node 20, stories of the same shape, this kind of machine (from the issue)
    1000: {"load_s": 0.072, "steps_per_s": 12_700, "playthroughs_per_s": 264, "peak_rss_mb": 101},
    5000: {"load_s": 0.211, "steps_per_s": 10_600, "playthroughs_per_s": 216, "peak_rss_mb": 154},
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# workers: one figure in this process ------------------------------------------------------
def w_load(folder: str) -> dict:
    start = time.perf_counter()
    from game.compiler.loader import load_story
    from game.engine.machine import machine_for

    story = load_story(folder)
    machine_for(story)
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb(), "scenes": len(story.scenes)}


def _play(story, runs: int, rng: random.Random) -> tuple[int, int, list]:
    from game.engine.game import Game

    game = Game(story)
    steps, logs = 0, []
    for run in range(runs):
        game.start(run)
        while not game.is_over and game.run.turn < 200:
            offers = game.choices()  # renders every choice's text, as a front end does
            game.choose(rng.choice([o.id for o in offers if o.enabled]))
            game.text()
            steps += 1
        logs.append((run, list(game.run.log)))
    return runs, steps, logs


def w_play(folder: str) -> dict:
    from game.compiler.loader import load_story

    story = load_story(folder)
    rng = random.Random(7)
    _play(story, 50, rng)  # warm up
    start = time.perf_counter()
    runs, steps, _ = _play(story, 2000, rng)
    seconds = time.perf_counter() - start
    return {"steps_per_s": steps / seconds, "playthroughs_per_s": runs / seconds, "steps_per_run": steps / runs,
            "peak_rss_mb": peak_rss_mb()}


def w_replay(folder: str) -> dict:
    from game.compiler.loader import load_story
    from game.engine.replay import replay

    story = load_story(folder)
    _, _, logs = _play(story, 500, random.Random(3))
    start = time.perf_counter()
    steps = 0
    for seed, log in logs:
        replay(story, seed, log)
        steps += len(log)
    return {"steps_per_s": steps / (time.perf_counter() - start)}


def w_save(folder: str) -> dict:
    from game.compiler.loader import load_story
    from game.engine.game import Game
    from game.saves.files import read_save, restore_game, save_game

    story = load_story(folder)
    game = Game(story)
    game.start(11)
    rng = random.Random(11)
    while game.run.turn < 50:  # walk 50 choices, steering away from endings
        open_ids = [o.id for o in game.choices() if o.enabled]
        safe = [c for c in open_ids if not any(story.scenes[d].ending
                                                 for d in story.choice_index[f"{game.run.scene}.{c}"].destinations)]
        game.choose(rng.choice(safe or open_ids))
        if game.is_over:
            game.undo()
    with tempfile.TemporaryDirectory() as folder_:
        times = []
        for _ in range(200):
            start = time.perf_counter()
            path = save_game(game, folder_, check_existing=False)
            times.append(time.perf_counter() - start)
        size = path.stat().st_size
        loads = []
        for _ in range(200):
            start = time.perf_counter()
            fresh = Game(story)
            restore_game(fresh, read_save(path), path)
            loads.append(time.perf_counter() - start)
        snapshot_times = []
        for _ in range(2000):
            start = time.perf_counter()
            game.snapshot()
            snapshot_times.append(time.perf_counter() - start)
    return {"save_ms": statistics.median(times) * 1000, "restore_ms": statistics.median(loads) * 1000,
            "snapshot_ms": statistics.median(snapshot_times) * 1000, "save_bytes": size}


def w_memory(folder: str) -> dict:
    from game.compiler.loader import load_story

    story = load_story(folder)
    _play(story, 2000, random.Random(5))
    return {"peak_rss_mb": peak_rss_mb()}


WORKERS = {"load": w_load, "play": w_play, "replay": w_replay, "save": w_save, "memory": w_memory}


# whole-program figures ---------------------------------------------------------------------
def escape_bin() -> str:
    return str(Path(sys.executable).with_name("escape"))


def help_startup() -> dict:
    start = time.perf_counter()
    subprocess.run([escape_bin(), "--help"], capture_output=True, check=True)
    return {"seconds": time.perf_counter() - start}


def _read_until(fd: int, needle: bytes, deadline: float, seen: bytearray) -> bool:
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            seen.extend(chunk)
            if needle in seen:
                return True
    return False


def title_screen() -> dict:
    """`escape` with no arguments, in a real pty: process start to the title screen on screen."""
    with tempfile.TemporaryDirectory() as saves:
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(TERM="xterm-256color", ESCAPE_SAVES=saves)
            os.execv(escape_bin(), [escape_bin()])
        start = time.perf_counter()
        ok = _read_until(fd, b"Endings found", start + 20, bytearray())
        seconds = time.perf_counter() - start
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    return {"seconds": seconds if ok else None}


def ui_latency(folder: str) -> dict:
    """Process start to the first scene on screen, and key press to the next scene on screen, in a real pty."""
    from game.compiler.loader import load_story
    from game.engine.game import Game

    story = load_story(folder)
    game = Game(story)
    game.start(1)
    first = game.scene.title
    keys = []
    for _ in range(5):
        offer = next(o for o in game.choices() if o.enabled)
        keys.append(("1", game.choose(offer.id).scene))
        if game.is_over:
            break
    with tempfile.TemporaryDirectory() as saves:
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
            os.execv(escape_bin(), [escape_bin(), "play", folder, "--seed", "1", "--saves", saves])
        os.set_blocking(fd, False)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        start = time.perf_counter()
        seen = bytearray()
        ok = _read_until(fd, first.encode(), start + 20, seen)
        first_screen = time.perf_counter() - start
        latencies = []
        for key, scene in keys:
            time.sleep(0.3)  # let the screen settle
            seen.clear()
            before = time.perf_counter()
            os.write(fd, key.encode())
            if not _read_until(fd, story.scenes[scene].title.encode(), before + 5, seen):
                break
            latencies.append(time.perf_counter() - before)
        os.write(fd, b"\x11")  # ctrl+q
        time.sleep(0.3)
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    return {"first_screen_s": first_screen if ok else None,
            "key_to_scene_ms": statistics.median(latencies) * 1000 if latencies else None}


# the driver -----------------------------------------------------------------------------------
def run_worker(figure: str, folder: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--worker", figure, folder], capture_output=True, text=True,
                            timeout=900, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{figure} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one repetition, no UI figures: proves the benchmark works")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--worker", nargs=2, metavar=("FIGURE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker[0]](args.worker[1])))
        return 0
    from benchmarks.generate import generate

    reps = 1 if args.quick else args.reps
    results: dict = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                                 "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()},
                     "date": time.strftime("%Y-%m-%d"), "sizes": {}}
    work = Path(tempfile.mkdtemp(prefix="escape-bench-"))
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            folder = str(generate(size, work / f"s{size}"))
            row: dict = {}
            loads = [run_worker("load", folder) for _ in range(reps)]
            row["load_s"] = summary([r["seconds"] for r in loads])
            row["load_peak_rss_mb"] = summary([r["peak_rss_mb"] for r in loads])
            plays = [run_worker("play", folder) for _ in range(reps)]
            row["steps_per_s"] = summary([r["steps_per_s"] for r in plays])
            row["playthroughs_per_s"] = summary([r["playthroughs_per_s"] for r in plays])
            row["steps_per_run"] = plays[0]["steps_per_run"]
            row["replay_steps_per_s"] = summary([run_worker("replay", folder)["steps_per_s"] for _ in range(reps)])
            saves = [run_worker("save", folder) for _ in range(reps)]
            row["save_ms"] = summary([r["save_ms"] for r in saves])
            row["restore_ms"] = summary([r["restore_ms"] for r in saves])
            row["snapshot_ms"] = summary([r["snapshot_ms"] for r in saves])
            row["save_bytes"] = saves[0]["save_bytes"]
            row["peak_rss_2000_mb"] = summary([run_worker("memory", folder)["peak_rss_mb"] for _ in range(reps)])
            if not args.quick and size == 1000:
                ui = [ui_latency(folder) for _ in range(reps)]
                row["ui_first_screen_s"] = summary([u["first_screen_s"] for u in ui if u["first_screen_s"]])
                row["ui_key_to_scene_ms"] = summary([u["key_to_scene_ms"] for u in ui if u["key_to_scene_ms"]])
            results["sizes"][str(size)] = row
            print(f"measured {size} scenes", file=sys.stderr)
        results["help_s"] = summary([help_startup()["seconds"] for _ in range(max(3, reps))])
        if not args.quick:
            titles = [title_screen()["seconds"] for _ in range(max(3, reps))]
            results["ui_title_screen_s"] = summary([t for t in titles if t])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return 0


def fmt(stat: dict | None, unit: str = "", scale: float = 1.0, digits: int = 2) -> str:
    if not stat:
        return "n/a"
    m, lo, hi = (stat[k] * scale for k in ("median", "min", "max"))
    return f"{m:,.{digits}f}{unit} ({lo:,.{digits}f}-{hi:,.{digits}f})"


def table(results: dict) -> str:
    lines = [f"Machine: {results['machine']['processor']}, {results['machine']['cpus']} CPUs, "
             f"Python {results['machine']['python']}, {results['date']}. Medians (min-max).", "",
             "| scenes | cold load | load peak RSS | steps/s (ink x3 target) | playthroughs/s | replay steps/s "
             "| save at step 50 | restore | peak RSS, load + 2,000 runs |",
             "|---|---|---|---|---|---|---|---|---|"]
    for size, row in results["sizes"].items():
        ink = INK.get(int(size))
        target = f" (>= {3 * ink['steps_per_s']:,})" if ink else ""
        lines.append(
            f"| {int(size):,} | {fmt(row['load_s'], ' s')} | {fmt(row['load_peak_rss_mb'], ' MB', digits=0)} "
            f"| {fmt(row['steps_per_s'], digits=0)}{target} | {fmt(row['playthroughs_per_s'], digits=0)} "
            f"| {fmt(row['replay_steps_per_s'], digits=0)} | {fmt(row['save_ms'], ' ms', digits=3)}, "
            f"{row['save_bytes']:,} B | {fmt(row['restore_ms'], ' ms', digits=2)} "
            f"| {fmt(row['peak_rss_2000_mb'], ' MB', digits=0)} |")
    lines.append("")
    lines.append(f"`escape --help`: {fmt(results['help_s'], ' s', digits=3)} (target < 0.15 s)")
    if "ui_title_screen_s" in results:
        lines.append(f"UI, `escape` to the title screen, in a pty: {fmt(results['ui_title_screen_s'], ' s')} (target 0.4 s)")
    for size, row in results["sizes"].items():
        if "ui_first_screen_s" in row:
            lines.append(f"UI, `escape play` of {int(size):,} scenes, in a pty: start to the first scene "
                         f"{fmt(row['ui_first_screen_s'], ' s')} (loading the story included); key to next scene "
                         f"{fmt(row['ui_key_to_scene_ms'], ' ms', digits=1)} (target 16 ms)")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

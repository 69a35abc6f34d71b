"""`make bench`: Escape Lines side by side with ink's JavaScript runtime (inkjs), on the same stories.

Both engines play the same generated stories (benchmarks/storygen.py, rendered as ink and as a story
folder) with the same seeded walk, and must agree on its path checksum before anything is timed. Each
figure comes from a fresh process; the two engines' processes alternate within every round (the order
swaps each round), so both see the same machine. The tables give medians over the rounds and, for the
ratios, the median and range of the per-round ratios. Results go to benchmarks/results.json and .md.

inkjs is pinned in benchmarks/ink (`make bench` runs `npm ci` there); without node or inkjs, Escape Lines
is measured alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.storygen import (  # noqa: E402 - after the path set-up above
    CHECKED_RUNS,
    LONG_PROSE,
    MAX_STEPS,
    SHORT_PROSE,
    WALK_SEED,
    mulberry32,
    structure,
    to_ink,
    walk_game,
    write_story,
)
from game import __version__  # noqa: E402
from game.compiler.loader import load_story  # noqa: E402
from game.engine import Game  # noqa: E402
from game.model import Story  # noqa: E402
from game.saves.files import Header, parse_save, save_text  # noqa: E402

WORK = HERE / ".work"
CACHE = WORK / "cache"  # the Escape Lines story cache, warm for every measurement but one
INK_DIR = HERE / "ink"
RUN_JS = INK_DIR / "run.js"
KNOWN_CHECKSUMS = {100: "ad3fa62a", 1000: "5aa37ef8", 5000: "30f9ae6d"}  # long prose, 500 playthroughs
SAVE_STEPS = (50, 200)
SAVE_SEED, SAVE_SEED_TRIES = 1_000_000, 3000
RELOAD_MARKS = (1, 10, 50)
OURS, INK = "escape_lines", "ink"
# The figures summarized per case. Higher is better for the speeds; for the others (times, sizes, memory), lower.
SPEEDS = ("steps_per_s_cpu", "steps_per_s_wall")
FIGURES = (
    *SPEEDS,
    "load_ms",
    "cold_start_ms",
    "peak_mb",
    *(
        f"{kind}_{step}_{unit}"
        for step in SAVE_STEPS
        for kind, unit in (("save", "bytes"), ("save", "ms"), ("restore", "ms"), ("restore_into_game", "ms"))
    ),
)


@dataclass(frozen=True)
class Settings:
    """How much is measured: rounds, playthroughs per timed walk, repetitions, cold starts, reloads."""

    rounds: int
    playthroughs: int
    load_reps: int
    save_reps: int
    cold_spawns: int
    reloads: int


FULL = Settings(rounds=4, playthroughs=2000, load_reps=5, save_reps=200, cold_spawns=3, reloads=50)
QUICK = Settings(rounds=1, playthroughs=200, load_reps=3, save_reps=50, cold_spawns=1, reloads=20)


class BenchError(Exception):
    """A measurement failed or the engines disagree: the benchmark stops with exit status 1."""


# -- figures read in this process ----------------------------------------------------------------------
def status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (VmHWM: peak RSS, VmRSS: RSS), in MB."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def median_ms(repetitions: int, action: Callable[[], object]) -> float:
    """The median time of `action`, in milliseconds, each repetition timed on its own."""
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# -- the Escape Lines worker (`bench.py --worker MODE`, one fresh process per measurement) -------------
def play(game: Game, seed: int, max_steps: int = MAX_STEPS) -> int:
    """One playthrough of the walk from the start (storygen.walk_game without the checksum); its steps."""
    draw = mulberry32(seed)
    game.start(0)
    steps = 0
    while not game.is_over and steps < max_steps:
        open_ids = [offer.id for offer in game.choices() if offer.enabled]
        game.choose(open_ids[int(draw() * len(open_ids))])
        steps += 1
    return steps


def timed_walk(game: Game, playthroughs: int) -> dict[str, Any]:
    """Playthroughs 0..n-1 of the walk, timed as CPU (process_time) and wall time."""
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    steps = sum(play(game, WALK_SEED + number) for number in range(playthroughs))
    wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
    return {
        "playthroughs": playthroughs,
        "steps": steps,
        "cpu_s": cpu,
        "wall_s": wall,
        "steps_per_s_cpu": steps / cpu,
        "steps_per_s_wall": steps / wall,
    }


def save_figures(game: Game, step: int, seed: int, repetitions: int) -> dict[str, Any]:
    """Size and times of saving the run after `step` choices of playthrough `seed`, and of restoring it."""
    play(game, seed, step)
    if game.is_over:
        raise BenchError(f"playthrough {seed} ends before step {step}")
    story = game.story
    raw = save_text(game, Header("bench")).encode("utf-8")
    into = Game(story)

    def restore_fresh() -> None:
        Game(story).restore(parse_save(raw, "bench")["state"])

    def restore_into_game() -> None:
        into.restore(parse_save(raw, "bench")["state"])

    figures = {
        f"save_{step}_bytes": len(raw),
        f"save_{step}_ms": median_ms(repetitions, lambda: save_text(game, Header("bench"))),
        f"restore_{step}_ms": median_ms(repetitions, restore_fresh),
        f"restore_into_game_{step}_ms": median_ms(repetitions, restore_into_game),
    }
    if into.snapshot() != game.snapshot():
        raise BenchError(f"the run saved at step {step} does not restore to the same state")
    return figures


def worker_measure(options: argparse.Namespace) -> dict[str, Any]:
    """Repeated load (warm cache), the path checksum (also the warm-up), the timed walk, saves."""
    story = load_story(options.story, cache_dir=options.cache)  # the first load, untimed
    load_ms = median_ms(options.load_reps, lambda: load_story(options.story, cache_dir=options.cache))
    game = Game(story)
    checked = walk_game(game)
    figures = {
        "load_ms": load_ms,
        "checksum": str(checked),
        "checked_steps": checked.steps,
        **timed_walk(game, options.playthroughs),
    }
    for step, seed in options.save_at:
        figures.update(save_figures(game, step, seed, options.save_reps))
    return figures


def worker_memory(options: argparse.Namespace) -> dict[str, Any]:
    """Peak memory (VmHWM) of a process that loads the story once and plays the walk."""
    game = Game(load_story(options.story, cache_dir=options.cache))
    steps = sum(play(game, WALK_SEED + number) for number in range(options.playthroughs))
    return {"playthroughs": options.playthroughs, "steps": steps, "peak_mb": status_mb("VmHWM")}


def worker_reloads(options: argparse.Namespace) -> dict[str, Any]:
    """Reload the story as a live preview does (load, start, a few choices, drop the old one); RSS at marks."""
    game = None
    rss_mb = {}
    for number in range(1, options.reloads + 1):
        game = Game(load_story(options.story, cache_dir=options.cache))  # the old game and story go
        play(game, number, max_steps=5)
        if number in RELOAD_MARKS or number == options.reloads:
            gc.collect()
            rss_mb[number] = status_mb("VmRSS")
    stories_alive = sum(isinstance(thing, Story) for thing in gc.get_objects())
    return {"reloads": options.reloads, "rss_mb": rss_mb, "stories_alive": stories_alive}


WORKERS = {"measure": worker_measure, "memory": worker_memory, "reloads": worker_reloads}


# -- the stories ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One generated story: its size and prose length, and where its renderings go."""

    scenes: int
    short: bool = False

    @classmethod
    def parse(cls, spec: str) -> Case:
        number, _, suffix = spec.strip().partition("-")
        if not number.isdigit() or suffix not in ("", "short"):
            raise argparse.ArgumentTypeError(f"a size is a number of scenes, optionally with -short: not {spec!r}")
        return cls(int(number), suffix == "short")

    @property
    def key(self) -> str:
        return f"{self.scenes}-short" if self.short else str(self.scenes)

    @property
    def label(self) -> str:
        return f"{self.scenes:,} scenes" + (", short prose" if self.short else "")

    @property
    def words(self) -> int:
        return SHORT_PROSE if self.short else LONG_PROSE

    @property
    def folder(self) -> Path:
        return WORK / f"story_{self.key}"

    @property
    def ink_source(self) -> Path:
        return WORK / f"story_{self.key}.ink"

    @property
    def ink_json(self) -> Path:
        return WORK / f"story_{self.key}.ink.json"

    @property
    def structure_json(self) -> Path:
        return WORK / f"story_{self.key}.json"


def write_if_changed(path: Path, text: str) -> None:
    """Write the file unless it already holds this text (so an unchanged story is not compiled again)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def first_seed_lasting(game: Game, step: int) -> int | None:
    """The first seed from SAVE_SEED up whose playthrough has not ended after `step` choices."""
    for seed in range(SAVE_SEED, SAVE_SEED + SAVE_SEED_TRIES):
        play(game, seed, step)
        if not game.is_over:
            return seed
    return None


def prepare(case: Case, node: str | None) -> dict[str, Any]:
    """Write the story in both forms, compile the ink, warm the story cache, and check that both engines
    walk it the same way (and as the known checksums say). Returns the checksums and the save seeds."""
    data = structure(case.scenes, words=case.words)
    shutil.rmtree(case.folder, ignore_errors=True)
    write_story(data, case.folder)
    write_if_changed(case.structure_json, json.dumps(data))
    write_if_changed(case.ink_source, to_ink(data))
    if node and (not case.ink_json.exists() or case.ink_json.stat().st_mtime < case.ink_source.stat().st_mtime):
        run_process([node, str(RUN_JS), "compile", str(case.ink_source), str(case.ink_json)])
    game = Game(load_story(case.folder, cache_dir=CACHE))
    checksums = {OURS: str(walk_game(game)), INK: None}
    if node:
        checksums[INK] = run_process([node, str(RUN_JS), "checksum", str(case.ink_json), str(case.structure_json)])[
            "checksum"
        ]
    expected = None if case.short else KNOWN_CHECKSUMS.get(case.scenes)
    if len({checksums[OURS], checksums[INK], expected} - {None}) > 1:
        raise BenchError(
            f"{case.label}: the path checksums differ: Escape Lines {checksums[OURS]}, "
            f"ink {checksums[INK] or 'not run'}, expected {expected or 'no constant'}"
        )
    save_seeds = {step: first_seed_lasting(game, step) for step in SAVE_STEPS}
    return {
        "checksum": checksums,
        "expected_checksum": expected,
        "save_seeds": save_seeds,
        "first_sentence": data["scenes"][0]["text"].split("\n\n")[0].split(". ")[0],
    }


# -- running the processes -----------------------------------------------------------------------------
def run_process(command: list[str]) -> dict[str, Any]:
    """Run a measurement process; its JSON result (the last line of its output)."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_start_ms(command: list[str], first_sentence: str, env: dict[str, str]) -> float:
    """Spawn to exit of a process that shows the first scene (checked in its output), wall time in ms."""
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, stdin=subprocess.DEVNULL
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0 or first_sentence not in done.stdout:
        raise BenchError(f"{' '.join(command)} did not show the first scene:\n{done.stderr[-3000:]}")
    return elapsed


class Engines:
    """The commands that measure each engine on a case."""

    def __init__(self, settings: Settings, node: str | None) -> None:
        self.settings = settings
        self.node = node
        self.names = [OURS, INK] if node else [OURS]

    def repetitions(self) -> list[str]:
        """The options both engines' measurement processes take."""
        settings = self.settings
        walk = ["--playthroughs", str(settings.playthroughs)]
        return [*walk, "--load-reps", str(settings.load_reps), "--save-reps", str(settings.save_reps)]

    def ours_worker(self, mode: str, case: Case, save_seeds: dict[int, int | None] | None = None) -> list[str]:
        command = [sys.executable, str(HERE / "bench.py"), "--worker", mode, "--story", str(case.folder)]
        command += ["--cache", str(CACHE), "--reloads", str(self.settings.reloads), *self.repetitions()]
        for step, seed in (save_seeds or {}).items():
            if seed is not None:
                command += ["--save-at", str(step), str(seed)]
        return command

    def ink_runner(self, mode: str, case: Case, save_seeds: dict[int, int | None]) -> list[str]:
        command = [str(self.node), str(RUN_JS), mode, str(case.ink_json), str(case.structure_json)]
        command += self.repetitions()
        for step, seed in save_seeds.items():
            if seed is not None:
                command += [f"--save-at-{step}", str(seed)]
        return command

    @staticmethod
    def play_env(cache: Path) -> dict[str, str]:
        return {**os.environ, "ESCAPE_CACHE": str(cache), "ESCAPE_SAVES": str(WORK / "saves")}

    def cold_command(self, engine: str, case: Case) -> list[str]:
        if engine == OURS:
            return [sys.executable, "-m", "game", "play", str(case.folder), "--plain", "--seed", "0"]
        return [str(self.node), str(RUN_JS), "first-scene", str(case.ink_json)]

    def measure_round(self, case: Case, prepared: dict[str, Any], order: list[str]) -> dict[str, dict[str, Any]]:
        """One round on one case: each kind of measurement for each engine in `order`, alternately."""
        seeds = prepared["save_seeds"]
        figures: dict[str, dict[str, Any]] = {engine: {} for engine in order}
        for engine in order:
            command = (
                self.ours_worker("measure", case, seeds) if engine == OURS else self.ink_runner("measure", case, seeds)
            )
            figures[engine].update(run_process(command))
        for engine in order:
            command = self.ours_worker("memory", case) if engine == OURS else self.ink_runner("memory", case, {})
            figures[engine]["peak_mb"] = run_process(command)["peak_mb"]
        spawns: dict[str, list[float]] = {engine: [] for engine in order}
        for _ in range(self.settings.cold_spawns):
            for engine in order:
                spawns[engine].append(
                    cold_start_ms(self.cold_command(engine, case), prepared["first_sentence"], self.play_env(CACHE))
                )
        for engine in order:
            figures[engine]["cold_start_ms"] = statistics.median(spawns[engine])
        return figures

    def cold_start_without_cache_entry(self, case: Case, prepared: dict[str, Any]) -> float:
        """Escape Lines' cold start the first time a story is opened: its cache entry not yet written."""
        empty = WORK / "cache-cold"
        shutil.rmtree(empty, ignore_errors=True)
        return cold_start_ms(self.cold_command(OURS, case), prepared["first_sentence"], self.play_env(empty))


def find_inkjs() -> str | None:
    """The node binary if inkjs, as pinned in benchmarks/ink, is installed there; otherwise None, and why
    on stderr (`make bench` installs it with npm ci)."""
    node = shutil.which("node")
    pinned = json.loads((INK_DIR / "package.json").read_text())["dependencies"]["inkjs"]
    installed = INK_DIR / "node_modules" / "inkjs" / "package.json"
    if node is None:
        reason = "node is not installed"
    elif not installed.exists():
        reason = "inkjs is not installed (npm ci --prefix benchmarks/ink)"
    elif json.loads(installed.read_text())["version"] != pinned:
        reason = f"benchmarks/ink has inkjs {json.loads(installed.read_text())['version']}, not {pinned} (npm ci)"
    else:
        return node
    print(f"bench: {reason}: measuring Escape Lines alone", file=sys.stderr)
    return None


# -- summaries and the report --------------------------------------------------------------------------
def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def ratio(metric: str, ours: float, ink: float) -> float:
    """How many times better Escape Lines is (above 1: faster, quicker or smaller than ink)."""
    return ours / ink if metric in SPEEDS else ink / ours


def summarize(rounds: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per figure: each engine's median and range over the rounds, and the per-round ratios'."""
    summary = {}
    for metric in FIGURES:
        ours = [figures[metric] for figures in rounds[OURS] if figures.get(metric) is not None]
        if not ours:
            continue
        ink = [figures[metric] for figures in rounds.get(INK, []) if figures.get(metric) is not None]
        summary[metric] = {
            OURS: spread(ours),
            INK: spread(ink) if ink else None,
            "ratio": spread([ratio(metric, o, i) for o, i in zip(ours, ink, strict=True)]) if ink else None,
        }
    return summary


def number(value: float | None, unit: str = "") -> str:
    """A figure with as many digits as it needs."""
    if value is None:
        return "n/a"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2 if abs(value) >= 0.1 else 3
    return f"{value:,.{digits}f}{unit}"


class Table:
    """A Markdown table whose compared columns are Escape Lines, ink and the ratio (Escape Lines alone
    when ink did not run)."""

    def __init__(self, with_ink: bool, leading: list[str]) -> None:
        self.with_ink = with_ink
        self.header = list(leading)
        self.rows: list[list[str]] = []

    def compared(self, title: str) -> None:
        self.header += [f"{title}: Escape Lines", "ink", "×"] if self.with_ink else [title]

    def cells(self, summary: dict[str, Any], metric: str, unit: str = "") -> list[str]:
        figure = summary.get(metric)
        if figure is None:
            return ["n/a"] * (3 if self.with_ink else 1)
        cells = [number(figure[OURS]["median"], unit)]
        if self.with_ink:
            ratios = figure["ratio"]
            cells += [
                number(figure[INK]["median"], unit),
                f"{ratios['median']:.2f} ({ratios['min']:.2f}–{ratios['max']:.2f})",
            ]
        return cells

    @staticmethod
    def ours(summary: dict[str, Any], metric: str, unit: str = "") -> str:
        """A column of Escape Lines alone."""
        figure = summary.get(metric)
        return number(figure[OURS]["median"], unit) if figure else "n/a"

    def render(self) -> list[str]:
        lines = ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        return lines + ["| " + " | ".join(row) + " |" for row in self.rows]


def markdown(results: dict[str, Any]) -> str:
    """The report: three tables (speed; loading, starting and memory; saves) and the checks."""
    with_ink = results["versions"]["inkjs"] is not None
    machine, versions, settings = results["machine"], results["versions"], results["settings"]
    engines = f"Escape Lines {versions['escape_lines']} on Python {versions['python']}"
    alternating = ", the engines' processes alternating" if with_ink else ""

    def how(ours: str, ink: str) -> str:
        return f"Escape Lines: {ours}; ink: {ink}" if with_ink else ours

    if with_ink:
        engines += f"; inkjs {versions['inkjs']} (runtime only, precompiled JSON) on Node {versions['node']}"
    lines = [
        f"{machine['processor']}, {machine['cpus']} CPUs, {machine['system']}; {engines}. {results['date']}, "
        f"{settings['rounds']} round(s){alternating}; medians over the rounds.",
        "",
    ]
    if with_ink:
        lines += [
            "× = how many times better Escape Lines does than ink: its steps/s ÷ ink's for speed, ink's ÷ its "
            "for times, sizes and memory (above 1: Escape Lines is ahead). Median of the per-round ratios "
            "(min–max).",
            "",
        ]
    cases = results["cases"]

    speed = Table(with_ink, ["story", "steps per playthrough"])
    speed.compared("steps/s, CPU")
    speed.compared("steps/s, wall")
    for case in cases.values():
        summary = case["summary"]
        speed.rows.append(
            [
                case["label"],
                number(case["steps"] / settings["playthroughs"]),
                *speed.cells(summary, "steps_per_s_cpu"),
                *speed.cells(summary, "steps_per_s_wall"),
            ]
        )
    lines += [
        f"Walk: {settings['playthroughs']:,} seeded playthroughs of up to {MAX_STEPS} choices (a step is one "
        "choice, with the next scene's text produced), after a warm-up.",
        "",
        *speed.render(),
        "",
    ]

    start = Table(with_ink, ["story"])
    start.compared("repeated load")
    start.compared("cold start")
    start.header.append("cold start, first time")
    start.compared("peak memory")
    for case in cases.values():
        summary = case["summary"]
        start.rows.append(
            [
                case["label"],
                *start.cells(summary, "load_ms", " ms"),
                *start.cells(summary, "cold_start_ms", " ms"),
                number(case["cold_start_first_time_ms"], " ms"),
                *start.cells(summary, "peak_mb", " MB"),
            ]
        )
    lines += [
        f"Repeated load: the story loaded again in the same process ({how('`load_story`, warm cache', '`new Story(json)`')})."
        " Cold start: spawn to exit of a process that shows the first scene "
        f"({how('`python -m game play --plain`, warm cache', '`node` building the Story from its JSON')}); "
        "first time: Escape Lines with no cache entry yet. Peak memory: VmHWM after one load and the walk.",
        "",
        *start.render(),
        "",
    ]

    saves = Table(with_ink, ["story", "after"])
    saves.compared("save size")
    saves.compared("save")
    saves.compared("restore")
    saves.header.append("restore into a built Game")
    missing = []
    for case in cases.values():
        summary = case["summary"]
        for step in SAVE_STEPS:
            if case["save_seeds"][str(step)] is None:
                missing.append(f"{case['label']} (step {step})")
                continue
            saves.rows.append(
                [
                    case["label"],
                    f"{step} choices",
                    *saves.cells(summary, f"save_{step}_bytes", " B"),
                    *saves.cells(summary, f"save_{step}_ms", " ms"),
                    *saves.cells(summary, f"restore_{step}_ms", " ms"),
                    saves.ours(summary, f"restore_into_game_{step}_ms", " ms"),
                ]
            )
    lines += [
        "Saves: the run after 50 and 200 choices "
        f"({how('`save_text`, then `parse_save` + `Game(story).restore`', '`state.ToJson()`, `state.LoadJson()`')}), "
        f"medians of {settings['save_reps']} repetitions.",
        "",
        *saves.render(),
        "",
    ]
    if missing:
        lines += [f"No playthrough lasts that long in {SAVE_SEED_TRIES:,} seeds: {', '.join(missing)}.", ""]

    checks = ", ".join(f"{case['label']} `{case['checksum'][OURS]}`" for case in cases.values())
    known = [case["label"] for case in cases.values() if case["expected_checksum"]]
    agreement = "equal in both engines" if with_ink else "Escape Lines alone"
    if known:
        agreement += f"; {', '.join(known)}: equal to the known constants"
    lines.append(f"Path checksums of playthroughs 0–499: {checks} ({agreement}).")
    reloads = results.get("reloads")
    if reloads:
        marks = {int(mark): mb for mark, mb in reloads["rss_mb"].items()}
        after = ", ".join(f"{number(mb, ' MB')} after reload {mark}" for mark, mb in marks.items())
        first, settled, last = sorted(marks)[0], sorted(marks)[1], sorted(marks)[-1]
        lines.append(
            f"Memory across {reloads['reloads']} live-preview reloads of {reloads['label']} in one process (Escape "
            f"Lines: load, start, a few choices, drop the old game): RSS {after}. Growth from reload {settled} to "
            f"{last}: {number(marks[last] - marks[settled], ' MB')}; from reload {first}: "
            f"{number(marks[last] - marks[first], ' MB')} (while reloading, the old story and the new one are both "
            f"alive). Stories alive at the end: {reloads['stories_alive']}."
        )
    return "\n".join(lines) + "\n"


def machine_facts() -> dict[str, Any]:
    processor = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                processor = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"processor": processor, "cpus": os.cpu_count(), "system": f"{platform.system()} {platform.release()}"}


# -- the driver ----------------------------------------------------------------------------------------
def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        type=lambda text: [Case.parse(spec) for spec in text.split(",")],
        help="stories to measure, e.g. 100,1000,5000,1000-short (-short: ~36 words a scene "
        "instead of ~150); default 100,1000,5000,1000-short, or 100 with --quick",
    )
    parser.add_argument("--rounds", type=int, help=f"rounds of measurements (default {FULL.rounds})")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one round on 100 scenes with fewer playthroughs: proves that the benchmark works",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results.json",
        help="where the JSON results go (the Markdown report goes next to it, as .md)",
    )
    # The options of a worker: one measurement of Escape Lines in a fresh process (bench.py runs them).
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--story", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--playthroughs", type=int, default=FULL.playthroughs, help=argparse.SUPPRESS)
    parser.add_argument("--load-reps", type=int, default=FULL.load_reps, help=argparse.SUPPRESS)
    parser.add_argument("--save-reps", type=int, default=FULL.save_reps, help=argparse.SUPPRESS)
    parser.add_argument("--save-at", type=int, nargs=2, action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--reloads", type=int, default=FULL.reloads, help=argparse.SUPPRESS)
    return parser.parse_args()


def benchmark(options: argparse.Namespace) -> dict[str, Any]:
    """Prepare and check every story, run the rounds, and gather the results."""
    began = time.perf_counter()
    settings = QUICK if options.quick else FULL
    if options.rounds:
        settings = replace(settings, rounds=options.rounds)
    cases = options.sizes or ([Case(100)] if options.quick else [Case(100), Case(1000), Case(5000), Case(1000, True)])
    node = find_inkjs()
    engines = Engines(settings, node)
    WORK.mkdir(exist_ok=True)
    prepared = {}
    for case in cases:
        print(f"bench: preparing and checking {case.label}", file=sys.stderr)
        prepared[case] = prepare(case, node)
    rounds: dict[Case, dict[str, list[dict[str, Any]]]] = {case: {name: [] for name in engines.names} for case in cases}
    for round_number in range(settings.rounds):
        order = engines.names if round_number % 2 == 0 else engines.names[::-1]
        for case in cases:
            figures = engines.measure_round(case, prepared[case], order)
            for engine, values in figures.items():
                if values.get("checksum") != prepared[case]["checksum"][OURS]:
                    raise BenchError(f"{case.label}: {engine}'s checksum changed to {values.get('checksum')}")
                rounds[case][engine].append(values)
            if node and figures[OURS]["steps"] != figures[INK]["steps"]:
                raise BenchError(
                    f"{case.label}: the timed walks differ ({figures[OURS]['steps']} steps, ink "
                    f"{figures[INK]['steps']})"
                )
            speeds = ", ".join(f"{engine} {number(figures[engine]['steps_per_s_cpu'])} steps/s" for engine in order)
            print(f"bench: round {round_number + 1}/{settings.rounds}, {case.label}: {speeds} (CPU)", file=sys.stderr)
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine_facts(),
        "versions": {"escape_lines": __version__, "python": platform.python_version(), "inkjs": None, "node": None},
        "settings": {
            **asdict(settings),
            "checked_playthroughs": CHECKED_RUNS,
            "max_steps": MAX_STEPS,
            "walk_seed": WALK_SEED,
        },
        "cases": {},
    }
    if node:
        ink_run = rounds[cases[0]][INK][0]
        results["versions"].update(inkjs=ink_run["inkjs"], node=ink_run["node"])
    for case in cases:
        results["cases"][case.key] = {
            "label": case.label,
            "scenes": case.scenes,
            "words_per_scene_setting": case.words,
            "checksum": prepared[case]["checksum"],
            "expected_checksum": prepared[case]["expected_checksum"],
            "save_seeds": {str(step): seed for step, seed in prepared[case]["save_seeds"].items()},
            "steps": rounds[case][OURS][0]["steps"],
            "summary": summarize(rounds[case]),
            "cold_start_first_time_ms": engines.cold_start_without_cache_entry(case, prepared[case]),
            "rounds": rounds[case],
        }
    largest = max((case for case in cases if not case.short), key=lambda case: case.scenes, default=None)
    if largest:
        print(f"bench: reloading {largest.label} {settings.reloads} times", file=sys.stderr)
        reloads = run_process(engines.ours_worker("reloads", largest))
        results["reloads"] = {"label": largest.label, **reloads}
    results["duration_s"] = time.perf_counter() - began
    return results


def main() -> int:
    options = parse_arguments()
    if options.worker:
        print(json.dumps(WORKERS[options.worker](options)))
        return 0
    try:
        results = benchmark(options)
    except BenchError as err:
        print(f"bench: FAILED: {err}", file=sys.stderr)
        return 1
    report = markdown(results)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    options.out.with_suffix(".md").write_text(report, encoding="utf-8")
    print(report)
    print(
        f"bench: done in {results['duration_s']:.0f} s; results in {options.out} and {options.out.with_suffix('.md')}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

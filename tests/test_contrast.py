"""Contrast for every eye: each text on each screen, in each of the game's themes, against the background
it is drawn on, read from the SVG screenshot Textual renders (the same drawing the snapshot tests keep).

WCAG 2 (success criteria 1.4.3 and 1.4.11) asks a contrast ratio of at least 4.5:1 for text and 3:1 for
the graphics a player reads, here the meter bars of the side panel. A terminal draws every character in
the same cell, so no text is "large" in WCAG's sense (18 pt, or 14 pt bold): 4.5:1 holds for all of it.

What is not measured, and why:
- whitespace (nothing is drawn but the background);
- box-drawing characters and the partial blocks (U+2500-U+259F, but for the meter's █ and shades): frames,
  rules, the quote bar, button bevels and scrollbar ends. They decorate or outline a component whose
  text is measured, and Textual draws the highlighted choice and the focused widget by background,
  not by its frame;
- the screen behind a dialog: Textual fades it while the dialog is open, and WCAG exempts text of an
  inactive part of the interface. In a dialog only the dialog's own box is measured.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.geometry import Region

from game.saves.settings import THEMES
from game.tui import make_app
from game.tui.widgets import ChoiceList
from tests.conftest import DEMO, write_story

TEXT, GRAPHIC = 4.5, 3.0  # WCAG AA: text; graphics a player must read (the meters)
SIZE = (120, 40)
CELL_W, CELL_H = 12.2, 24.4  # Rich's SVG export: 20 px characters, 0.61 wide, lines of 1.22
METER = set("█▓▒░")
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def kind(char: str, meter: bool = True) -> str | None:
    """'graphic' for a meter's glyph, None for what is not measured (see the module docstring), else 'text'.
    `meter`: whether the character is where meters are (a dialog's thick frame is drawn with █ too)."""
    if char.isspace():
        return None
    if char in METER and meter:
        return "graphic"
    if "\u2500" <= char <= "\u259f":
        return None
    return "text"


@dataclass(frozen=True)
class Run:
    """Characters of one kind drawn in one colour on one background."""

    screen: str
    row: int
    col: int
    text: str
    fg: str
    bg: str
    kind: str

    @property
    def ratio(self) -> float:
        return contrast(self.fg, self.bg)

    @property
    def needed(self) -> float:
        return GRAPHIC if self.kind == "graphic" else TEXT


_CLASS = re.compile(r"\.([\w-]+) \{ fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" shape')
_TEXT = re.compile(r'<text class="([\w-]+)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+"[^>]*>([^<]*)</text>')
_BACKDROP = re.compile(r'<rect fill="(#[0-9a-fA-F]{6})" stroke=')


def backgrounds(svg: str) -> tuple[dict[tuple[int, int], str], str]:
    """The background colour of each (row, column) cell of a Textual SVG screenshot, and the backdrop's:
    Rich's export draws one background rect and one text per segment, at the same cell; a segment with the
    terminal's own background has no rect and stands on the backdrop."""
    backdrop = _BACKDROP.search(svg)
    cells: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _RECT.findall(svg):
        row, col = round((float(y) - 1.5) / CELL_H), round(float(x) / CELL_W)
        for cell in range(col, col + round(float(width) / CELL_W)):
            cells[row, cell] = fill.lower()
    return cells, backdrop.group(1).lower() if backdrop else "#000000"


def runs(svg: str, screen: str, region: Region | None = None, meters: Region | None = None) -> list[Run]:
    """Every measured run of characters in a Textual SVG screenshot: only those inside `region` if given,
    with the meters' glyphs measured as graphics inside `meters` if given (else anywhere)."""
    fills = dict(_CLASS.findall(svg))
    background, default = backgrounds(svg)
    found: list[Run] = []
    for name, x, y, content in _TEXT.findall(svg):
        if name not in fills:  # the window title above the terminal
            continue
        row, col = round((float(y) - 20) / CELL_H), round(float(x) / CELL_W)
        fg = fills[name].lower()
        current: list[tuple[int, str, str, str]] = []  # (col, char, kind, bg) of the run being built
        for char in html.unescape(content).replace("\xa0", " "):
            what = kind(char, meters is None or meters.contains(col, row))
            bg = background.get((row, col), default)
            inside = region is None or region.contains(col, row)
            if char == " " and current and bg == current[-1][3] and inside:
                current.append((col, char, current[-1][2], bg))  # a space inside a run: part of it
            else:
                if current and (what != current[-1][2] or bg != current[-1][3] or not inside):
                    found.append(_run(screen, row, current, fg))
                    current = []
                if what is not None and inside:
                    current.append((col, char, what, bg))
            col += cell_len(char)
        if current:
            found.append(_run(screen, row, current, fg))
    return found


def _run(screen: str, row: int, cells: list[tuple[int, str, str, str]], fg: str) -> Run:
    text = "".join(c[1] for c in cells).rstrip()
    return Run(screen, row, cells[0][0], text, fg, cells[0][3], cells[0][2])


def shortfalls(found: list[Run]) -> list[list[Run]]:
    """The runs below what they need, grouped by colour pair (foreground, background), the worst pair first
    and each pair's worst run first."""
    pairs: dict[tuple[str, str], list[Run]] = {}
    for run in found:
        if run.ratio < run.needed:
            pairs.setdefault((run.fg, run.bg), []).append(run)
    return sorted((sorted(group, key=lambda r: r.ratio) for group in pairs.values()), key=lambda g: g[0].ratio)


def report(failing: list[list[Run]], theme: str) -> str:
    """Each failing colour pair with its ratio and where it is: screen, row and column, text."""
    lines = [f"{len(failing)} colour pairs in {theme} fall short of WCAG AA (worst first):"]
    for group in failing:
        first = group[0]
        lines.append(f"  {first.ratio:5.2f}:1 (needs {first.needed}:1) {first.fg} on {first.bg}:")
        seen: set[tuple[str, str]] = set()
        for run in group:
            if (run.screen, run.text) not in seen and len(seen) < 4:
                seen.add((run.screen, run.text))
                lines.append(f"      {run.text[:60]!r} on {run.screen} (row {run.row}, column {run.col})")
        if len(group) > len(seen):
            lines.append(f"      and {len(group) - len(seen)} more runs")
    return "\n".join(lines)


# the screens, walked once with the screenshots taken in each theme --------------------------------------------


def broken_story(folder: Path) -> Path:
    """A story whose scene names an ending that does not exist: it opens the error dialog."""
    return write_story(
        folder,
        "id: broken\ntitle: Broken\nblurb: b\nstart: a\nendings: [{id: e, title: E, kind: bad}]\n",
        s="scenes:\n  - id: a\n    title: A\n    text: t\n    ending: f\n",
    )


async def walk(folder: Path, theme: str) -> dict[str, list[Run]]:
    """Every screen and dialog of the game in a game started in `theme`: the runs measured, by screen."""
    saves = folder / "saves"
    stories = {"demo": DEMO, "broken": broken_story(folder / "broken"), "missing": folder / "missing"}
    app = make_app(stories=stories, saves=saves, seed=5, theme=theme)
    measured: dict[str, list[Run]] = {}
    async with app.run_test(size=SIZE, notifications=True) as pilot:

        async def shoot(screen: str) -> None:
            await pilot.pause()
            dialogs = list(app.screen.query("#dialog"))
            region = dialogs[0].region if app.screen.is_modal and dialogs else None
            panels = list(app.screen.query("#panel"))
            meters = panels[0].region if panels and not app.screen.is_modal else Region(0, 0, 0, 0)
            measured[screen] = runs(app.export_screenshot(), screen, region, meters)

        assert app.theme == theme
        await shoot("title")  # a story highlighted, one that cannot be read, one with errors
        await pilot.press("enter")
        await shoot("play: enabled, highlighted and disabled choices, meter")
        await pilot.press("question_mark")
        await shoot("help")
        await pilot.press("escape", "s", "?", "enter")
        await shoot("save name: an invalid name")
        await pilot.press("escape", "q")
        await shoot("leave: yes/no")
        await pilot.press("n", "1")
        await shoot("play: an outcome quoted, two choices")
        # the highlighted choice is told by its background: it stands out 3:1 from the list's (the row under
        # it, another choice or the list itself; WCAG 1.4.11, the state of a component)
        box = app.screen.query_one(ChoiceList).content_region
        cells, default = backgrounds(app.export_screenshot())
        highlighted, other = (cells.get((box.y + row, box.x + 2), default) for row in (0, 1))
        state = "play: the highlighted choice against the list"
        measured[state] = [Run(state, box.y, box.x, "(its background)", highlighted, other, "graphic")]
        app.notify("A notice")
        app.notify("A warning", severity="warning")
        app.notify("An error", severity="error")
        await pilot.pause(0.1)  # the toasts are mounted a moment later
        await shoot("play: notifications")
        app.clear_notifications()
        await pilot.press("1", "j")
        await shoot("journal")
        await pilot.press("ctrl+f", "l", "a", "m", "p")
        await shoot("journal: searched")
        await pilot.press("escape", "1", "1", "1")
        await shoot("ending")
        await pilot.press("r")
        await shoot("replay: the choice made")
        await pilot.press("escape", "escape")
        (saves / "damaged.json").write_text("{")
        await pilot.press("l")
        await shoot("load: a run and a damaged file")
        await pilot.press("escape", "o")
        await shoot("settings")
        await pilot.press("escape", "e")
        await shoot("endings gallery: one found, one locked")
        await pilot.press("escape", "down", "enter")
        await shoot("story errors")
    return measured


def reached_every_screen(measured: dict[str, list[Run]]) -> None:
    """The walk reached each screen (a key that stops working would leave screens unmeasured)."""
    texts = {screen: " ".join(r.text for r in found) for screen, found in measured.items()}
    assert "The Cellar Door" in texts["title"] and "cannot be read" in texts["title"]
    assert "You cannot search in the dark" in texts["play: enabled, highlighted and disabled choices, meter"]
    assert any(r.kind == "graphic" for r in measured["play: an outcome quoted, two choices"])  # the meter
    assert "Keys" in texts["help"] and "Yes" in texts["leave: yes/no"]
    assert "A warning" in texts["play: notifications"] and "An error" in texts["play: notifications"]
    assert "Behind the barrels" in texts["journal"] and "lamp" in texts["journal: searched"]
    assert "Out Into the Rain" in texts["ending"] and "Step 0" in texts["replay: the choice made"]
    assert "cannot be read" in texts["load: a run and a damaged file"]
    assert "error" in texts["story errors"]
    assert "Text width" in texts["settings"] and "Out Into the Rain" in texts["endings gallery: one found, one locked"]


@pytest.mark.parametrize("theme", THEMES)
async def test_every_text_on_every_screen_has_contrast(tmp_path, theme):
    measured = await walk(tmp_path, theme)
    reached_every_screen(measured)
    failing = shortfalls([run for found in measured.values() for run in found])
    assert not failing, report(failing, theme)


@pytest.mark.parametrize("svg", sorted(SNAPSHOTS.glob("*.svg")), ids=lambda p: p.stem)
def test_the_kept_snapshots_have_contrast(svg):
    """The snapshots of tests/test_snapshots.py (the dark theme) pass too: regenerate them after a change of
    colours (the lead does, with --snapshot-update)."""
    failing = shortfalls(runs(svg.read_text(), svg.stem))
    assert not failing, report(failing, "the snapshot " + svg.name)


# the measuring itself ------------------------------------------------------------------------------------------


def test_contrast_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert contrast("#0178d4", "#121212") == contrast("#121212", "#0178d4")


def test_runs_read_colours_and_backgrounds_by_cell():
    svg = (
        ".t-r1 { fill: #ffffff }\n.t-r2 { fill: #00ff00 }\n"
        '<rect fill="#292929" stroke="x"/>'
        '<rect fill="#000000" x="0" y="1.5" width="24.4" height="24.65" shape-rendering="crispEdges"/>'
        '<rect fill="#ffffff" x="24.4" y="1.5" width="36.6" height="24.65" shape-rendering="crispEdges"/>'
        '<text class="t-r1" x="0" y="20" textLength="24.4" clip-path="url(#l-0)">ab</text>'
        '<text class="t-r1" x="24.4" y="20" textLength="36.6" clip-path="url(#l-0)">c&#160;d</text>'
        '<text class="t-r2" x="0" y="44.4" textLength="61" clip-path="url(#l-1)">██│░x</text>'
    )
    found = runs(svg, "s")
    assert [(r.text, r.fg, r.bg, r.kind) for r in found] == [
        ("ab", "#ffffff", "#000000", "text"),
        ("c d", "#ffffff", "#ffffff", "text"),  # white on white: 1:1; a space inside a run is part of it
        ("██", "#00ff00", "#292929", "graphic"),  # no rect: the backdrop
        ("░", "#00ff00", "#292929", "graphic"),  # the box-drawing │ is not measured
        ("x", "#00ff00", "#292929", "text"),
    ]
    assert [[r.text for r in group] for group in shortfalls(found)] == [["c d"]]
    assert [r.text for r in runs(svg, "s", region=Region(0, 0, 1, 1))] == ["a"]  # only what is inside a dialog
    assert [r.text for r in runs(svg, "s", meters=Region(0, 0, 0, 0))] == ["ab", "c d", "x"]  # no meter here


# the story map: an ending's kind by shape and word, not by colour alone ------------------------------------------

FOUR_KINDS = (
    "id: kinds\ntitle: Kinds\nblurb: b\nstart: a\nendings:\n"
    "  - {id: free, title: Free, kind: good}\n  - {id: shot, title: Shot, kind: bad}\n"
    "  - {id: alone, title: Alone, kind: bittersweet}\n  - {id: home, title: Home, kind: neutral}\n"
)
FOUR_SCENES = (
    "scenes:\n  - id: a\n    title: A\n    text: t\n    choices:\n"
    + "".join(f"      - {{id: to_{e}, text: go, goto: {e}_end}}\n" for e in ("free", "shot", "alone", "home"))
    + "".join(
        f"  - {{id: {e}_end, title: {e.title()}, text: t, ending: {e}}}\n" for e in ("free", "shot", "alone", "home")
    )
)


@pytest.fixture
def four_kinds(tmp_path):
    from game.compiler.loader import load_story

    return load_story(write_story(tmp_path / "kinds", FOUR_KINDS, s=FOUR_SCENES))


def test_mermaid_map_tells_ending_kinds_by_shape_and_word(four_kinds):
    from game.tools.graph import to_mermaid

    mermaid = to_mermaid(four_kinds)
    assert 'free_end(["Free<br/>good ending: free"])' in mermaid  # a stadium
    assert 'shot_end{{"Shot<br/>bad ending: shot"}}' in mermaid  # a hexagon
    assert 'alone_end[/"Alone<br/>bittersweet ending: alone"\\]' in mermaid  # a trapezoid
    assert 'home_end(("Home<br/>neutral ending: home"))' in mermaid  # a circle
    legend = mermaid[mermaid.index('subgraph LegendBox["Legend"]') :]
    for sample in ('Legend_scene["scene"]', 'Legend_good(["good ending"])', 'Legend_bad{{"bad ending"}}'):
        assert sample in legend
    assert "unreachable" not in legend  # only the shapes this map uses


def test_dot_map_tells_ending_kinds_by_shape_and_word(four_kinds):
    from game.tools.graph import to_dot

    dot = to_dot(four_kinds)
    shapes = {}
    for ending in ("free", "shot", "alone", "home"):
        line = next(li for li in dot.splitlines() if li.strip().startswith(f"{ending}_end ["))
        shapes[ending] = re.search(r'shape="(\w+)"', line).group(1)
        assert re.search(rf'label="\w+\\n\w+ ending: {ending}"', line), line
    assert len(set(shapes.values())) == 4  # four kinds, four shapes
    assert 'label="bad ending", shape="hexagon"' in dot and "subgraph cluster_legend" in dot


def test_the_themes_a_player_can_choose_are_the_games_own():
    """The settings offer exactly the themes game.tui.themes defines (and this test measures)."""
    from game.tui.themes import THEMES as DEFINED

    assert tuple(theme.name for theme in DEFINED) == THEMES

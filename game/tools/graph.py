"""The story map: scenes and the choices between them, as Mermaid or Graphviz dot (and SVG through `dot`).

A story's text is a stranger's: in a label it is made plain text, whatever it holds. Control and other
invisible characters become '?' (`shown`), so nothing reaches a terminal when the map is printed; Mermaid
labels write `"`, `<`, `>`, `&`, `#` and the backtick as Mermaid's entity codes, so no HTML or Markdown in a
title is ever drawn as such; dot labels are always quoted strings with `"` and `\\` escaped (never HTML-like
`<...>` labels), and Graphviz escapes them again in SVG.

An ending's kind is told three ways, so that no reader depends on colour (red and green look alike to
one man in twelve): its node's shape, the kind as a word in its label ("bad ending: caught"), and the
fill. A legend names the shapes the map uses.
"""

from __future__ import annotations

import json
import os
import re
import stat
from typing import Any

from game.compiler.analysis import reachable
from game.errors import EscapeError
from game.i18n import _
from game.model import CALL, GOTO, RETURN, Story
from game.model.shown import shown

MAX_REPORT_BYTES = 16 * 1024 * 1024  # a playtest report of a 5,000-scene story is a few MB
MAX_COUNT = 2**53  # counts in a report are whole numbers of 0 or more, below this


def _label(text: str, limit: int = 40) -> str:
    """A title as one short line of plain, printable text."""
    return shown(re.sub(r"\s+", " ", text).strip(), limit)


_MERMAID_CODES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}
_MERMAID_TEXT = re.compile('[#"<>&`]')


def mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label, with every character Mermaid or HTML could read as markup
    written as Mermaid's entity code."""
    return _MERMAID_TEXT.sub(lambda m: _MERMAID_CODES[m.group()], text)


# words that a dot file reads as its own where a node's name stands, in any case
_DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def _dot_id(name: str) -> str:
    """A scene's id as a dot node name: as it is, or quoted where dot would read it as a keyword."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in _DOT_KEYWORDS
    return name if plain else _dot_quote(name)


# each kind of ending: (Mermaid node shape as opening and closing brackets, Graphviz shape, fill colour)
ENDING_KINDS = {
    "good": ('(["', '"])', "doubleoctagon", "#d4f4dd"),  # Mermaid: a stadium
    "bad": ('{{"', '"}}', "hexagon", "#f8d7da"),  # Mermaid: a hexagon
    "bittersweet": ('[/"', '"\\]', "trapezium", "#fff3cd"),  # Mermaid: a trapezoid
    "neutral": ('(("', '"))', "ellipse", "#e2e3e5"),  # Mermaid: a circle
}
SCENE_SHAPE = ('["', '"]', "box")


def _kind(story: Story, ending_id: str) -> str:
    """The kind of an ending, as the map draws it (an unknown kind is drawn as neutral)."""
    kind = story.endings[ending_id].kind
    return kind if kind in ENDING_KINDS else "neutral"


def _ending_label(story: Story, ending_id: str) -> str:
    """The second line of an ending's node: its kind as a word and its id."""
    return f"{_kind(story, ending_id)} ending: {ending_id}"


def _kinds_used(story: Story) -> list[str]:
    used = {_kind(story, s.ending) for s in story.scenes.values() if s.ending}
    return [kind for kind in ENDING_KINDS if kind in used]


def _heat(count: int, most: int) -> str:
    """A colour from pale (rarely taken) to deep (often taken); grey for never."""
    if count == 0:
        return "#dddddd"
    share = count / max(1, most)
    shades = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"]
    return shades[min(len(shades) - 1, int(share * (len(shades) - 1) + 0.5))]


def _taken(coverage: dict[str, Any], key: str, dest: str) -> int:
    """How often runs went from a choice to this destination (the choice's count for older reports)."""
    moves = coverage.get("moves")
    return moves.get(f"{key}>{dest}", 0) if isinstance(moves, dict) else coverage["choices"].get(key, 0)


def edges(story: Story) -> list[tuple[str, str, str, bool, str]]:
    """(from scene, to scene, choice key, conditional, move) for every way on; a choice that stays is a
    loop on its scene, a return leads to each scene that can have called."""
    result = []
    for scene in story.scenes.values():
        for choice in scene.all_choices:
            conditional = (
                choice.condition is not None
                or choice.is_fallback
                or any(b.condition for b in choice.goto)
                or any(b.target.is_random for b in choice.goto)
            )
            for dest in choice.destinations:
                result.append((scene.id, dest, choice.key, conditional or choice.move == RETURN, choice.move))
    return result


def _edge_label(key: str, move: str) -> str:
    """The choice's id, with how it moves when it is not a plain goto."""
    choice_id = key.split(".", 1)[1]
    return choice_id if move == GOTO else f"{choice_id} ({move})"


def to_mermaid(story: Story, coverage: dict[str, Any] | None = None) -> str:
    seen = reachable(story)
    lines = ["flowchart TD"]
    for scene in story.scenes.values():
        title = mermaid_text(_label(scene.title))
        if scene.ending:
            opening, closing, _, _ = ENDING_KINDS[_kind(story, scene.ending)]
            label = mermaid_text(_ending_label(story, scene.ending))
            lines.append(f"    {scene.id}{opening}{title}<br/>{label}{closing}")
        else:
            lines.append(f'    {scene.id}["{title}"]')
    for source, dest, key, conditional, move in edges(story):
        arrow = "-.->" if conditional else ("==>" if move == CALL else "-->")
        label = _edge_label(key, move)
        if coverage:
            label += f" ({_taken(coverage, key, dest)})"
        lines.append(f'    {source} {arrow}|"{mermaid_text(label)}"| {dest}')
    lines.append("    classDef ending fill:#d4f4dd,stroke:#2e7d32")
    lines.append("    classDef bad fill:#f8d7da,stroke:#b71c1c,stroke-width:3px")
    lines.append("    classDef unreachable fill:#ffe0e0,stroke:#c62828,stroke-dasharray: 4")
    lines.append("    classDef start stroke-width:3px")
    endings = [s.id for s in story.scenes.values() if s.ending and story.endings[s.ending].kind != "bad"]
    if endings:
        lines.append(f"    class {','.join(endings)} ending")
    bad = [s.id for s in story.scenes.values() if s.ending and story.endings[s.ending].kind == "bad"]
    if bad:
        lines.append(f"    class {','.join(bad)} bad")
    lost = [s for s in story.scenes if s not in seen]
    if lost:
        lines.append(f"    class {','.join(lost)} unreachable")
    lines.append(f"    class {story.start} start")
    if coverage:
        most = max(coverage["scenes"].values(), default=1)
        for scene_id in story.scenes:
            colour = _heat(coverage["scenes"].get(scene_id, 0), most)
            lines.append(f"    style {scene_id} fill:{colour}")
    lines += _mermaid_legend(story, bool(lost))
    return "\n".join(lines) + "\n"


def _mermaid_legend(story: Story, unreachable: bool) -> list[str]:
    """A box of sample nodes naming each shape the map uses (ids with a capital: no scene id has one)."""
    lines = ['    subgraph LegendBox["Legend"]', '        Legend_start["start"]', '        Legend_scene["scene"]']
    for kind in _kinds_used(story):
        opening, closing, _, _ = ENDING_KINDS[kind]
        lines.append(f"        Legend_{kind}{opening}{kind} ending{closing}")
    if unreachable:
        lines.append('        Legend_unreachable["unreachable scene"]')
    lines.append("    end")
    lines.append("    class Legend_start start")
    for kind in _kinds_used(story):
        lines.append(f"    class Legend_{kind} {'bad' if kind == 'bad' else 'ending'}")
    if unreachable:
        lines.append("    class Legend_unreachable unreachable")
    return lines


def _dot_quote(text: str) -> str:
    """A dot quoted string: `\\` and `"` escaped, newlines as dot's `\\n`, nothing else that could act."""
    escaped = shown(text, None, multiline=True).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", " ") + '"'


def to_dot(story: Story, coverage: dict[str, Any] | None = None) -> str:
    seen = reachable(story)
    lines = [
        f"digraph {_dot_quote(story.id)} {{",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    most = max(coverage["scenes"].values(), default=1) if coverage else 1
    for scene in story.scenes.values():
        attrs = {"label": _label(scene.title)}
        if scene.ending:
            _, _, shape, colour = ENDING_KINDS[_kind(story, scene.ending)]
            attrs.update(
                shape=shape, fillcolor=colour, label=f"{_label(scene.title)}\n{_ending_label(story, scene.ending)}"
            )
            if _kind(story, scene.ending) == "bad":
                attrs["penwidth"] = "2"
        if scene.id not in seen:
            attrs.update(fillcolor="#ffe0e0", style="rounded,filled,dashed", color="#c62828")
        if scene.id == story.start:
            attrs["penwidth"] = "3"
        if coverage:
            count = coverage["scenes"].get(scene.id, 0)
            attrs["fillcolor"] = _heat(count, most)
            attrs["label"] = attrs["label"] + f"\n{count} visits"
        rendered = ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items())
        lines.append(f"  {_dot_id(scene.id)} [{rendered}];")
    most_taken = max(coverage["choices"].values(), default=1) if coverage else 1
    for source, dest, key, conditional, move in edges(story):
        attrs = {"label": _edge_label(key, move)}
        if conditional:
            attrs["style"] = "dotted" if move == RETURN else "dashed"
        if move == CALL:
            attrs["penwidth"] = "2"
        if coverage:
            taken = _taken(coverage, key, dest)
            attrs["label"] += f" ({taken})"
            attrs["color"] = _heat(taken, most_taken) if taken else "#bbbbbb"
            attrs["penwidth"] = str(1 + 3 * taken / max(1, most_taken))
        rendered = ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items())
        lines.append(f"  {_dot_id(source)} -> {_dot_id(dest)} [{rendered}];")
    lines += _dot_legend(story, any(s not in seen for s in story.scenes))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_legend(story: Story, unreachable: bool) -> list[str]:
    """A box of sample nodes naming each shape the map uses (quoted names with a space: no scene id has one)."""
    lines = [
        "  subgraph cluster_legend {",
        '    label="Legend"; fontname="Helvetica"; style="rounded,dashed"; color="#888888";',
        '    "legend start" [label="start", penwidth="3"];',
        '    "legend scene" [label="scene"];',
    ]
    for kind in _kinds_used(story):
        _, _, shape, colour = ENDING_KINDS[kind]
        bold = ', penwidth="2"' if kind == "bad" else ""
        lines.append(f'    "legend {kind}" [label="{kind} ending", shape="{shape}", fillcolor="{colour}"{bold}];')
    if unreachable:
        lines.append(
            '    "legend unreachable" [label="unreachable scene", fillcolor="#ffe0e0", style="rounded,filled,dashed", '
            'color="#c62828"];'
        )
    lines.append("  }")
    return lines


# reading a playtest report ----------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number a report holds").format(name=name))


def read_report(path: str, story_id: str) -> dict[str, Any]:
    """The playtest report at `path` (escape playtest --out), checked before any of it is used: a regular
    file (a FIFO is never waited on) of at most MAX_REPORT_BYTES, JSON without NaN or Infinity, of this
    story, whose counts are whole numbers of 0 or more. EscapeError says what is wrong and how to make one."""
    shown_path = shown(path, None)
    remake = _("write a new one with: escape playtest {story} --out REPORT").format(story=shown(story_id, None))
    cannot_read = _("cannot read the playtest report {path}: {reason}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise EscapeError(cannot_read.format(path=shown_path, reason=_("it is a folder; name the report file")))
            if not stat.S_ISREG(info.st_mode):
                reason = _("not a regular file (a FIFO, device or socket); name the report file")
                raise EscapeError(cannot_read.format(path=shown_path, reason=reason))
            raw = b""
            if info.st_size <= MAX_REPORT_BYTES:
                with os.fdopen(os.dup(fd), "rb") as handle:
                    raw = handle.read(MAX_REPORT_BYTES + 1)
            if info.st_size > MAX_REPORT_BYTES or len(raw) > MAX_REPORT_BYTES:
                raise EscapeError(
                    _(
                        "{path} is larger than {size} MiB, more than any playtest report; is it the right file? "
                        "({remake})"
                    ).format(path=shown_path, size=MAX_REPORT_BYTES // 2**20, remake=remake)
                )
        finally:
            os.close(fd)
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else _("not a file name")
        raise EscapeError(cannot_read.format(path=shown_path, reason=reason)) from None
    not_a_report = _("{path} is not a playtest report: {why}; {remake}")
    try:
        report = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        why = _("it is not UTF-8 text")
        raise EscapeError(not_a_report.format(path=shown_path, why=why, remake=remake)) from None
    except RecursionError:
        why = _("its JSON is nested too deeply")
        raise EscapeError(not_a_report.format(path=shown_path, why=why, remake=remake)) from None
    except ValueError as err:  # JSONDecodeError, NaN or Infinity, a number of more than 4,300 digits
        why = shown(str(err), 120)
        raise EscapeError(not_a_report.format(path=shown_path, why=why, remake=remake)) from None
    if (
        not isinstance(report, dict)
        or not isinstance(report.get("scenes"), dict)
        or not isinstance(report.get("choices"), dict)
        or not isinstance(report.get("moves", {}), dict)
    ):
        raise EscapeError(
            _("{path} is not a report of 'escape playtest --out'; {remake}").format(path=shown_path, remake=remake)
        )
    if report.get("story") != story_id:
        other = shown(str(report.get("story")), 80)
        raise EscapeError(
            _("{path} is a report of '{other}', not of '{story}'; {remake}").format(
                path=shown_path, other=other, story=story_id, remake=remake
            )
        )
    for section in ("scenes", "choices", "moves"):
        for key, count in report.get(section, {}).items():
            if type(count) is not int or not 0 <= count < MAX_COUNT:
                if isinstance(count, list):
                    value = _("a list")
                elif isinstance(count, dict):
                    value = _("an object")
                else:
                    value = shown(json.dumps(count), 40)
                raise EscapeError(
                    _(
                        "{path} is damaged: the count of '{key}' in '{section}' is {value}, not a whole number "
                        "of 0 or more; {remake}"
                    ).format(path=shown_path, key=shown(key, 80), section=section, value=value, remake=remake)
                )
    return report

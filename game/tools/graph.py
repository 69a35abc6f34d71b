"""The story map: scenes and the choices between them, as Mermaid or Graphviz dot (and SVG through `dot`)."""

from __future__ import annotations

import re
from typing import Any

from game.compiler.analysis import reachable
from game.model import CALL, GOTO, RETURN, Story


def _label(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        title = _label(scene.title).replace('"', "'")
        if scene.ending:
            lines.append(f'    {scene.id}(["{title}<br/>ending: {scene.ending}"])')
        else:
            lines.append(f'    {scene.id}["{title}"]')
    for source, dest, key, conditional, move in edges(story):
        arrow = "-.->" if conditional else ("==>" if move == CALL else "-->")
        label = _edge_label(key, move)
        if coverage:
            label += f" ({_taken(coverage, key, dest)})"
        lines.append(f'    {source} {arrow}|"{label}"| {dest}')
    lines.append("    classDef ending fill:#d4f4dd,stroke:#2e7d32")
    lines.append("    classDef bad fill:#f8d7da,stroke:#b71c1c")
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
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


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
            colour = "#f8d7da" if story.endings[scene.ending].kind == "bad" else "#d4f4dd"
            attrs.update(
                shape="doubleoctagon", fillcolor=colour, label=f"{_label(scene.title)}\nending: {scene.ending}"
            )
        if scene.id not in seen:
            attrs.update(fillcolor="#ffe0e0", style="rounded,filled,dashed", color="#c62828")
        if scene.id == story.start:
            attrs["penwidth"] = "3"
        if coverage:
            count = coverage["scenes"].get(scene.id, 0)
            attrs["fillcolor"] = _heat(count, most)
            attrs["label"] = attrs["label"] + f"\n{count} visits"
        rendered = ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items())
        lines.append(f"  {scene.id} [{rendered}];")
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
        lines.append(f"  {source} -> {dest} [{', '.join(f'{k}={_dot_quote(v)}' for k, v in attrs.items())}];")
    lines.append("}")
    return "\n".join(lines) + "\n"

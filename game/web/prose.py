"""A story's Markdown prose as safe HTML for the plain page: paragraphs, list items, quotes, emphasis and
strong text. Everything else is text: the story's characters are escaped (and controls shown as '?'), so
no markup, script or escape sequence from a story reaches the page."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

from game.model.shown import shown

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")


def inline(text: str) -> Markup:
    """One run of text: escaped, then `**strong**` and `*emphasis*` (or `_emphasis_`) marked up."""
    safe = escape(shown(text, None), quote=False)
    safe = _STRONG.sub(r"<strong>\1</strong>", safe)
    return Markup(_EMPHASIS.sub(r"<em>\1</em>", safe))  # noqa: S704 - escaped above


def prose_html(text: str) -> Markup:
    """The prose, a block per paragraph (lines of one paragraph are joined, as Markdown joins them)."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{inline(_ITEM.sub('', line))}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif all(_QUOTE.match(line) for line in lines):
            joined = " ".join(_QUOTE.sub("", line).strip() for line in lines)
            blocks.append(f"<blockquote><p>{inline(joined)}</p></blockquote>")
        else:
            blocks.append(f"<p>{inline(' '.join(line.strip() for line in lines))}</p>")
    return Markup("\n".join(blocks))  # noqa: S704 - every piece of story text above went through escape()

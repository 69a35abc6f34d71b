"""Text from strangers (file names, save fields, story strings) made safe to print on a terminal."""

from __future__ import annotations


def shown(text: str, limit: int = 200) -> str:
    """`text` with every control or otherwise unprintable character as '?' (so no escape sequence reaches a
    terminal), cut to `limit` characters with an ellipsis."""
    kept = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"

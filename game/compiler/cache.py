"""A cache of parsed story files, so that loading a story again skips reading its YAML.

Each entry is one JSON file named after the story's content hash (every file's path and bytes), holding
the plain data parsed from each file: never code, never a pickle. Only stories that loaded without errors
are stored, and only for play (`escape validate` always reads the YAML, for exact places). An entry that
is damaged, foreign, from another version of the game or for other content is ignored and replaced.
Everything the compiler checks on the data (shapes, expressions, references) it checks again.

An entry is a header line (JSON: format, versions, the content hash, and the SHA-256 of the rest) and
then the parsed files as one JSON document.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from game import __version__

CACHE_FORMAT = "escape-lines-parsed-story"
CACHE_VERSION = 1
MAX_ENTRIES = 16  # stories kept; the least recently used go first
MAX_ENTRY_BYTES = 128 * 1024 * 1024


def default_cache_dir() -> Path | None:
    """$ESCAPE_CACHE (empty: no cache), or the user's cache folder."""
    chosen = os.environ.get("ESCAPE_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen else None
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs comes with textual
        return None
    return Path(user_cache_dir("escape-lines", appauthor=False)) / "stories"


class StoryCache:
    """Parsed files by content hash, in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The parsed files for this content hash, or None (missing, damaged, foreign or stale)."""
        path = self._entry(key)
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
                return None
            raw = path.read_bytes()
            head, _, body = raw.partition(b"\n")
            header = json.loads(head)
            if header != self._header(key, body):
                return None
            files = json.loads(body)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(files, dict):
            return None
        try:
            os.utime(path)  # recently used
        except OSError:
            pass
        return files

    @staticmethod
    def _header(key: str, body: bytes) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "version": CACHE_VERSION,
            "game": __version__,
            "key": key,
            "check": hashlib.sha256(body).hexdigest(),
        }

    def put(self, key: str, files: dict[str, Any]) -> None:
        """Store the parsed files; any failure leaves the cache as it was (it is only a cache)."""
        try:
            body = json.dumps(files, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            head = json.dumps(self._header(key, body)).encode()
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(head + b"\n" + body)
                os.replace(tmp, self._entry(key))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._trim()
        except (OSError, ValueError):
            return

    def _trim(self) -> None:
        entries = sorted(
            (p for p in self.folder.glob("*.json") if p.is_file() and not p.is_symlink()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in entries[MAX_ENTRIES:]:
            stale.unlink(missing_ok=True)

"""A save a player uploads: read exactly as a save on disk is read (the same checks, the same reasons), of a
story this server serves, within the player's room; then kept in the player's saves under a file name of
our own, never over another file."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from game.errors import SaveError
from game.i18n import _
from game.model.shown import shown
from game.saves.files import NAMED, parse_save, run_path, save_path, story_key, write_atomic
from game.saves.quota import check_room

MAX_UPLOADED_CHOICES = 10_000  # a longer run is refused: each page of the plain page replays it


def new_run_id() -> str:
    return secrets.token_hex(4)


def check_upload(raw: bytes, file_name: str, keys: Iterable[str]) -> tuple[str, dict]:
    """The uploaded bytes read as a save on disk is read, of a story in `keys`, and not so long a run that
    opening it would hold up the server: its label (the uploaded file's name, shown safely) and its data.
    SaveError with the reason, prefixed by the label."""
    label = shown(Path(file_name or "upload").name, 80) or "upload"
    data = parse_save(raw, label)  # the reader of saves on disk: size, format, version, run state
    if story_key(data["story"], data["origin"]) not in set(keys):
        raise SaveError(
            f"{label}: "
            + _("a save of '{story}', a story this server does not have").format(story=shown(data["story"], 80))
        )
    steps = len(data["state"].get("log") or [])
    if steps > MAX_UPLOADED_CHOICES:
        raise SaveError(
            f"{label}: "
            + _("a run of {count:,} choices; this server takes runs of up to {most:,}").format(
                count=steps, most=MAX_UPLOADED_CHOICES
            )
        )
    return label, data


def store_upload(raw: bytes, label: str, data: dict, saves: Path, quota: int | None) -> Path:
    """Keep a checked upload in `saves`, within `quota`, under a file name of our own, never over a file."""
    key = story_key(data["story"], data["origin"])
    check_room(saves, quota, len(raw))
    saves.mkdir(parents=True, exist_ok=True)
    if data["kind"] == NAMED:
        target = save_path(saves, key, data["name"])
        if target.exists() or target.is_symlink():
            raise SaveError(
                f"{label}: "
                + _("you already have a save named '{name}'; rename that one in the game (Load, then r) first").format(
                    name=shown(data["name"], 80)
                )
            )
    else:
        for _attempt in range(100):
            target = run_path(saves, key, new_run_id())
            if not (target.exists() or target.is_symlink()):
                break
        else:  # 100 random names, each taken
            raise SaveError(_("cannot find a free file name for a new run in {folder}").format(folder=saves))
    write_atomic(target, raw)
    return target


def keep_upload(raw: bytes, file_name: str, saves: Path, keys: Iterable[str], quota: int | None) -> tuple[Path, dict]:
    """Check the uploaded bytes and keep them in `saves`; the file written and the save's data."""
    label, data = check_upload(raw, file_name, keys)
    return store_upload(raw, label, data, saves, quota), data

"""Players of a served game: each browser gets a random id (kept in a cookie) and a folder of its own under
the server's data folder, holding its saves, its endings record and its settings.

An id is never used as a path: the folder is named by a hash of the id, so a crafted id names no other
folder, and a listing of the data folder gives away no player's id. The folders are bounded: how many
there may be, how many bytes each may hold, and how long an unused one is kept."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from game.errors import EscapeError
from game.i18n import _

COOKIE = "escape_player"
_ID = re.compile(r"[0-9a-f]{32}")
SEEN = ".last-seen"  # touched at every visit; a folder unused for `expire_days` goes
MAX_PLAYERS = 500
QUOTA_BYTES = 20 * 1024 * 1024  # what one player's saves may hold (a save is at most 4 MiB)
EXPIRE_DAYS = 30
EMPTY_SECONDS = 3600  # a folder with no save and no setting in it goes after an hour unused


class ServerFull(EscapeError):
    """No room for one more player's folder."""


def new_id() -> str:
    return secrets.token_hex(16)


def valid_id(value: str | None) -> bool:
    return value is not None and _ID.fullmatch(value) is not None


@dataclass(frozen=True)
class Player:
    id: str
    folder: Path

    @property
    def saves(self) -> Path:
        return self.folder / "saves"

    @property
    def config(self) -> Path:
        return self.folder / "config"


def any_file(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.is_file(follow_symlinks=False) for entry in entries)
    except OSError:
        return False


class Players:
    """The players' folders under `root` (made when first needed, each readable by the server alone)."""

    def __init__(
        self,
        root: Path,
        max_players: int = MAX_PLAYERS,
        quota_bytes: int = QUOTA_BYTES,
        expire_days: float = EXPIRE_DAYS,
    ):
        self.root = Path(root)
        self.max_players = max_players
        self.quota_bytes = quota_bytes
        self.expire_seconds = expire_days * 24 * 3600
        self.active: dict[str, int] = {}  # players with a game open now (never expired), by id

    def folder_of(self, player_id: str) -> Path:
        if not valid_id(player_id):
            raise ValueError("not a player id")
        return self.root / hashlib.sha256(player_id.encode("ascii")).hexdigest()[:32]

    def _folders(self) -> list[Path]:
        try:
            return [entry for entry in self.root.iterdir() if _ID.fullmatch(entry.name) and entry.is_dir()]
        except OSError:
            return []

    def known(self, player_id: str | None) -> bool:
        return valid_id(player_id) and self.folder_of(player_id).is_dir()  # type: ignore[arg-type]

    def enter(self, player_id: str | None, make: bool = True) -> Player:
        """The player of this id, marked as seen now; an id that is not one of ours gets a new id. The
        folder is made when first needed (`make`: the player is about to save), so that a visit that
        only looks (a crawler, a page never played) takes no place. ServerFull when there is no room for
        a new folder (without `make`: when there would be none)."""
        if not valid_id(player_id):
            player_id = new_id()
        assert player_id is not None
        folder = self.folder_of(player_id)
        if not folder.is_dir():
            self.make_room()
            if not make:
                return Player(player_id, folder)
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder.mkdir(mode=0o700, exist_ok=True)
            (folder / "saves").mkdir(exist_ok=True)
            (folder / "config").mkdir(exist_ok=True)
        (folder / SEEN).touch()
        return Player(player_id, folder)

    def last_seen(self, folder: Path) -> float:
        try:
            return (folder / SEEN).stat().st_mtime
        except OSError:
            try:
                return folder.stat().st_mtime
            except OSError:
                return 0.0

    def expire(self, now: float | None = None) -> int:
        """Remove the folders nobody has used for `expire_days`, and those with no save and no setting unused
        for an hour (never one whose game is open); how many."""
        now = time.time() if now is None else now
        busy = {self.folder_of(player_id).name for player_id, count in self.active.items() if count}
        removed = 0
        for folder in self._folders():
            age = now - self.last_seen(folder)
            if folder.name in busy:
                continue
            kept = any_file(folder / "saves") or any_file(folder / "config")  # a save, or a setting chosen
            if age > self.expire_seconds or (age > EMPTY_SECONDS and not kept):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    def make_room(self) -> None:
        """Room for one more folder: expired folders go first; if every place is still taken, ServerFull."""
        if len(self._folders()) < self.max_players:
            return
        self.expire()
        if len(self._folders()) >= self.max_players:
            raise ServerFull(
                _("this server keeps the saves of {count} players and has no room for another; try again later").format(
                    count=self.max_players
                )
            )

    def opened(self, player: Player) -> None:
        self.active[player.id] = self.active.get(player.id, 0) + 1

    def closed(self, player: Player) -> None:
        count = self.active.get(player.id, 0) - 1
        if count > 0:
            self.active[player.id] = count
        else:
            self.active.pop(player.id, None)

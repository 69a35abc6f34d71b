"""The full-screen games of `escape serve`: one process per browser tab, started by textual-serve with the
player's folders in its environment, told what the page sends within bounds, and always ended."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import to_int

MAX_COLUMNS, MAX_ROWS = 320, 160  # the largest terminal a page may ask for


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """The columns and rows a page asks for, as whole numbers within what a screen can show."""

    def whole(value: object, default: int) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return to_int(value, default) if isinstance(value, str) else default

    return max(20, min(MAX_COLUMNS, whole(width, 80))), max(10, min(MAX_ROWS, whole(height, 24)))


async def end_game(app_service: PlayerAppService) -> None:
    """Stop a game's process: asked to quit, then waited for, and killed if it has not gone within a few
    seconds (a page gone mid-send leaves textual-serve's own stop raising, and the process blocked). A
    cancelled request (the server stopping) still ends its game, then goes on being cancelled."""
    cancelled = False
    try:
        await asyncio.wait_for(app_service.stop(), 5)
    except asyncio.CancelledError:
        cancelled = True
    except Exception:  # noqa: S110 - the process is waited for, or killed, below
        pass
    process = app_service.process
    if process is not None:
        if process.stdin is not None:
            process.stdin.close()  # the end of its input, and the pipe let go
        try:
            await asyncio.wait_for(process.wait(), 0.1 if cancelled else 5)
        except (Exception, asyncio.CancelledError):
            if process.returncode is None:
                process.kill()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except (Exception, asyncio.CancelledError):  # noqa: S110 - killed; nothing more to do
                pass
    if cancelled:
        raise asyncio.CancelledError


class PlayerAppService(AppService):
    """textual-serve's game process, started with the player's own folders in its environment."""

    def __init__(self, *args: Any, environment: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.player_environment = environment

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        return self._process

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.update(self.player_environment)
        return environment


async def relay(websocket: web.WebSocketResponse, app_service: AppService) -> None:
    """What the page sends, passed to its game: keys, a new size, focus; anything malformed is ignored, and
    a size is held within `terminal_size`'s bounds."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await app_service.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            await app_service.set_terminal_size(*terminal_size(data.get("width"), data.get("height")))
        elif kind == "ping" and isinstance(data, str):
            await websocket.send_json(["pong", data[:64]])
        elif kind == "blur":
            await app_service.blur()
        elif kind == "focus":
            await app_service.focus()

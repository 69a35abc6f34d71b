"""`escape serve`: the game over HTTP. textual-serve runs one full-screen game process per browser tab and
streams its terminal to the page; around it, this server gives each player a folder of their own (saves,
endings record, settings), takes uploaded saves, serves the plain page, and keeps every request on this
machine (no web fonts, no scripts from elsewhere)."""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import BodyPartReader, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from game import i18n
from game.compiler.loader import load_story
from game.errors import EngineError, SaveError, StoryError
from game.i18n import _
from game.model import Story
from game.model.shown import shown
from game.saves.files import MAX_SAVE_BYTES, folder_origin, story_key
from game.saves.quota import ENVIRONMENT as QUOTA_ENVIRONMENT
from game.saves.settings import ENVIRONMENT as CONFIG_ENVIRONMENT
from game.saves.settings import FILE_NAME as SETTINGS_FILE
from game.saves.settings import Preferences
from game.web.games import PlayerAppService, end_game, relay, terminal_size
from game.web.plain_page import PlainPage, own_names, refusal
from game.web.players import COOKIE, Player, Players, ServerFull
from game.web.uploads import check_upload, store_upload

log = logging.getLogger("escape-serve")
HERE = Path(__file__).parent
MAX_GAMES = 16  # full-screen games running at once (a process each); one more tab is told to wait
PLAIN_ACTIONS = ("begin", "continue", "choose", "undo", "leave", "language")
MAX_GAMES_PER_PLAYER = 4  # tabs of one player's with a game open at once
EXPIRY = web.AppKey("expiry", asyncio.Task)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


def see_other(where: str) -> web.Response:
    """The answer to a form: go (back) to a page, so that reloading it never posts the form again."""
    return web.Response(status=303, headers={"Location": where})


async def read_upload(request: web.Request) -> tuple[str, bytes, bool]:
    """The file name and bytes of the form's `save` field, read a chunk at a time and never more than one
    byte past the largest save (the reader then refuses it as too large); False when the form is not one."""
    try:
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name != "save":
                continue
            name, chunks, size = part.filename or "", [], 0
            while size <= MAX_SAVE_BYTES and (chunk := await part.read_chunk(64 * 1024)):
                chunks.append(chunk)
                size += len(chunk)
            return name, b"".join(chunks)[: MAX_SAVE_BYTES + 1], True
    except (ValueError, AssertionError, KeyError):
        return "", b"", False
    return "", b"", True


class EscapeServer(Server):
    """textual-serve's server, with players, uploads and the plain page."""

    def __init__(
        self,
        stories: dict[str, Path],
        players: Players,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        lang: str | None = None,
        plain: bool = False,
        max_games: int = MAX_GAMES,
        allowed_hosts: tuple[str, ...] = (),
    ):
        command = [sys.executable, "-m", "game", *(["--lang", lang] if lang else []), "play"]
        if len(stories) == 1:
            command.append(str(next(iter(stories.values()))))
        # `exec`: the shell textual-serve starts the command with becomes the game, so that stopping it
        # (or killing it) stops the game itself, never leaving it running as the shell's orphan
        super().__init__("exec " + shlex.join(command), host=host, port=port, title=_("Escape Lines"))
        self.templates_path = HERE / "templates"
        self.stories = stories
        self.players = players
        self.lang = lang
        self.plain = plain
        self.max_games = max_games
        self.allowed_hosts = {name.lower() for name in allowed_hosts}
        self.games = 0
        self._loaded: dict[tuple[str, str], Story] = {}
        # what each story's files are named by (its id and origin), worked out once
        self.keys = {
            name: story_key(self.story_of(name, "en").id, folder_origin(folder)) for name, folder in stories.items()
        }
        self.page = PlainPage(stories, self.story_of, self.keys, players.quota_bytes)

    def initialize_logging(self) -> None:
        """A plain log of requests: no tracebacks with their local values (a player's id among them), and
        none of the story machine's own chatter."""
        logging.basicConfig(level="DEBUG" if self.debug else "INFO", format="%(levelname)s %(message)s")
        logging.getLogger("transitions").setLevel(logging.WARNING)

    def title_of(self, key: str) -> str:
        """The title, in the player's language, of the story served here whose files are named by `key`."""
        name = next((name for name, own in self.keys.items() if own == key), None)
        return self.story_of(name, i18n.language()).title if name is not None else key

    def story_of(self, name: str, lang: str) -> Story:
        """A story served here, in a language (loaded once)."""
        if (name, lang) not in self._loaded:
            self._loaded[name, lang] = load_story(self.stories[name], lang=lang)
        return self._loaded[name, lang]

    # the application ------------------------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_SAVE_BYTES + 64 * 1024, middlewares=[self.guard])
        aiohttp_jinja2.setup(
            app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=jinja2.select_autoescape(["html"])
        )
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.post("/upload", self.handle_upload, name="upload"),
                web.get("/plain", self.handle_plain, name="plain"),
                web.post("/plain/{action}", self.handle_plain_action, name="plain_action"),
                web.get("/save", self.handle_save_download, name="save"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        app[EXPIRY] = asyncio.create_task(self.expire_hourly())
        url = f"http://{'[' + self.host + ']' if ':' in self.host else self.host}:{self.port}"
        print(_("Escape Lines is served at {url} (the plain page: {url}/plain). Ctrl+C stops it.").format(url=url))
        print(_("Players' saves are kept in {folder}.").format(folder=self.players.root), flush=True)

    async def expire_hourly(self) -> None:
        """Players' folders unused for the days they are kept go, checked every hour while serving."""
        while True:
            await asyncio.sleep(3600)
            self.players.expire()

    async def on_shutdown(self, app: web.Application) -> None:
        app[EXPIRY].cancel()

    # players --------------------------------------------------------------------------------------------
    def player_of(self, request: web.Request, make: bool = True) -> Player:
        """The player making this request (a new one without a cookie), their folder made unless `make` is
        False (a page that only shows); their language is put in use. Called after the request's last
        `await`: the language is the process's, and another request may have changed it meanwhile."""
        i18n.use(i18n.choose(self.lang, None))  # a refusal before the player is known: the server's language
        player = self.players.enter(request.cookies.get(COOKIE), make=make)
        settings = Preferences.load(player.config / SETTINGS_FILE).settings
        i18n.use(i18n.choose(self.lang, settings.language))
        return player

    def with_cookie(self, response: web.StreamResponse, player: Player) -> web.StreamResponse:
        response.set_cookie(
            COOKIE,
            player.id,
            max_age=int(self.players.expire_seconds),
            httponly=True,
            samesite="Lax",  # Strict would drop it on a link from another site, and a new id would replace it
            path="/",
        )
        return response

    def full(self, request: web.Request, message: str) -> web.Response:
        context = {"lang": i18n.language(), "title": _("Escape Lines"), "message": message}
        return aiohttp_jinja2.render_template("busy.html", request, context, status=503)

    def same_origin(self, request: web.Request) -> bool:
        """A request a page of this server sent: its Origin (when the browser gives one) is this host."""
        origin = request.headers.get("Origin")
        return origin is None or urlsplit(origin).netloc == request.host

    def host_allowed(self, request: web.Request) -> bool:
        """Bound to this machine, only this machine's names are served: a page on another site whose name
        is made to point here (DNS rebinding) is refused."""
        if not is_local(self.host):
            return True
        name = urlsplit(f"//{request.host}").hostname or ""
        return is_local(name) or name in self.allowed_hosts

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Every request: a host name of this machine's (when bound to it), and a malformed body is a 400
        with the reason, never a traceback."""
        if not self.host_allowed(request):
            raise web.HTTPMisdirectedRequest(text="this server answers to this machine's own names only")
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except (ValueError, LookupError, UnicodeError) as err:
            raise web.HTTPBadRequest(text=f"the request could not be read: {type(err).__name__}") from None

    # the full-screen game -------------------------------------------------------------------------------
    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.plain or request.query.get("plain") not in (None, "", "0"):
            raise web.HTTPFound("/plain")
        try:
            player = self.player_of(request, make=False)  # made when the game starts (its websocket)
        except ServerFull as err:
            return self.full(request, str(err))
        if self.games >= self.max_games:
            busy = _("{count} games are being played on this server, as many as it runs at once; try again soon")
            return self.full(request, busy.format(count=self.max_games))
        font_size = max(8, min(32, to_int(request.query.get("fontsize", "16"), 16)))
        context = {
            "lang": i18n.language(),
            "title": _("Escape Lines"),
            "font_size": font_size,
            "static": "/static/",
            "texts": {
                "upload": _("Upload a save"),
                "plain": _("Plain text page (for screen readers)"),
                "starting": _("Starting the game…"),
                "ended": _("The game has ended."),
                "restart": _("Start again"),
                "terminal": _(
                    "The game, drawn as a terminal: a choice's number takes it, ? lists the keys. With a screen "
                    "reader, play on the plain text page instead: the link above the game, or the address /plain."
                ),
            },
        }
        response = aiohttp_jinja2.render_template("terminal.html", request, context)
        return self.with_cookie(response, player)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.same_origin(request):
            raise web.HTTPForbidden(text="another site's page cannot open a game here")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        if not websocket.can_prepare(request).ok:
            raise web.HTTPBadRequest(text="a game is opened by the game's page, over a websocket")
        try:
            player = self.player_of(request)
        except ServerFull as err:
            raise web.HTTPServiceUnavailable(text=str(err)) from None
        if self.games >= self.max_games:
            raise web.HTTPServiceUnavailable(text="too many games at once")
        if self.players.active.get(player.id, 0) >= MAX_GAMES_PER_PLAYER:
            raise web.HTTPServiceUnavailable(text="you have as many games open as one player may; close a tab")
        width, height = terminal_size(request.query.get("width"), request.query.get("height"))
        environment = {
            "ESCAPE_SAVES": str(player.saves),
            CONFIG_ENVIRONMENT: str(player.config),
            QUOTA_ENVIRONMENT: str(self.players.quota_bytes),
            "ESCDELAY": "50",  # ms a lone ESC waits for more of a sequence (the page sends a sequence at once)
        }
        app_service: PlayerAppService | None = None
        self.games += 1
        self.players.opened(player)
        try:
            try:
                await websocket.prepare(request)
                app_service = PlayerAppService(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                    environment=environment,
                )
                await app_service.start(width, height)
                await self._process_messages(websocket, app_service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # a broken connection ends that game, never the server
                log.warning("a game's connection ended: %s", type(error).__name__)
        finally:
            try:
                if app_service is not None:
                    await end_game(app_service)
            finally:
                self.games -= 1
                self.players.closed(player)
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        await relay(websocket, app_service)  # textual-serve's own would pass any size to the game

    # saves in and out -----------------------------------------------------------------------------------
    async def handle_upload(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            raise web.HTTPForbidden(text="another site's page cannot upload here")
        name, raw, readable = await read_upload(request)
        try:
            player = self.player_of(request, make=False)  # made only for a save it keeps
        except ServerFull as err:
            return web.json_response({"ok": False, "message": str(err)}, status=503)
        if not readable:
            message = _("the upload could not be read; choose a save file (.json) of this game")
            return self.upload_answer(request, player, False, message)
        if not name and not raw:
            return self.upload_answer(request, player, False, _("no file was chosen"))
        try:
            label, data = check_upload(bytes(raw), name, self.keys.values())
            player = self.player_of(request)
            target = store_upload(bytes(raw), label, data, player.saves, self.players.quota_bytes)
        except (SaveError, ServerFull) as err:
            return self.upload_answer(request, player, False, refusal(err))
        title = self.title_of(story_key(data["story"], data["origin"]))
        if data["kind"] == "save":
            message = _("The save '{name}' of {story} is in your saves: choose Load to play it.").format(
                name=data["name"][:80], story=title
            )
        else:
            message = _("The run of {story} ({file}) is in your saves: choose Continue or Load to play it.").format(
                story=title, file=target.name
            )
        return self.upload_answer(request, player, True, message)

    def upload_answer(self, request: web.Request, player: Player, ok: bool, message: str) -> web.StreamResponse:
        message = shown(self.private(message, player), 600)
        if "application/json" in request.headers.get("Accept", ""):
            return self.with_cookie(
                web.json_response({"ok": ok, "message": message}, status=200 if ok else 400), player
            )
        self.page.note(player, "notice" if ok else "problem", message)
        return self.with_cookie(see_other("/plain"), player)

    async def handle_save_download(self, request: web.Request) -> web.StreamResponse:
        """The save of the player's run on the plain page, as a file to keep."""
        try:
            player = self.player_of(request, make=False)
        except ServerFull as err:
            return self.full(request, str(err))
        path = self.page.run_file(player)
        if path is None:
            raise web.HTTPNotFound(text=_("there is no saved run to download yet: make a choice first"))
        try:
            raw = path.read_bytes()[: MAX_SAVE_BYTES + 1]
        except OSError as err:
            raise web.HTTPNotFound(text=str(err.strerror)) from None
        response = web.Response(body=raw, content_type="application/json")
        response.headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
        return self.with_cookie(response, player)

    # the plain page ---------------------------------------------------------------------------------------
    async def handle_plain(self, request: web.Request) -> web.StreamResponse:
        try:
            player = self.player_of(request, make=False)
        except ServerFull as err:
            return self.full(request, str(err))
        return self.with_cookie(self.page.show(request, player), player)

    async def handle_plain_action(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            raise web.HTTPForbidden(text="another site's page cannot play here")
        action = request.match_info["action"]
        if action not in PLAIN_ACTIONS:
            raise web.HTTPNotFound()
        form = await request.post()
        value = {key: str(form.get(key, ""))[:200] for key in ("story", "file", "at", "choice", "lang")}
        try:  # only what writes makes the player's folder: a new run begins in memory
            player = self.player_of(request, make=action not in ("begin", "leave"))
        except ServerFull as err:
            return self.full(request, str(err))
        try:
            if action == "begin" and value["story"] in self.stories:
                self.page.begin(player, value["story"])
            elif action == "continue" and value["story"] in self.stories:
                self.page.resume(player, value["story"], value["file"])
            elif action == "choose":
                self.page.choose(player, value["at"], value["choice"])
            elif action == "undo":
                self.page.undo(player, value["at"])
            elif action == "leave":
                self.page.leave(player)
            elif action == "language" and value["lang"] in i18n.LANGUAGES:
                preferences = Preferences.load(player.config / SETTINGS_FILE)
                preferences.save(preferences.settings.changed(language=value["lang"]))
        except (EngineError, SaveError, StoryError) as err:
            self.page.note(player, "problem", self.private(refusal(err), player))
        return self.with_cookie(see_other("/plain"), player)

    def private(self, message: str, player: Player) -> str:
        """A message without the server's folders in it: a player's own files by their names alone."""
        return own_names(message, player).replace(str(self.players.root), "…")


def serve(
    stories: dict[str, Path],
    data: Path,
    *,
    host: str,
    port: int,
    lang: str | None,
    plain: bool,
    max_players: int,
    quota_bytes: int,
    expire_days: float,
    max_games: int,
    allowed_hosts: tuple[str, ...] = (),
) -> None:
    """Serve until Ctrl+C."""
    players = Players(data, max_players=max_players, quota_bytes=quota_bytes, expire_days=expire_days)
    players.expire()
    server = EscapeServer(
        stories,
        players,
        host=host,
        port=port,
        lang=lang,
        plain=plain,
        max_games=max_games,
        allowed_hosts=allowed_hosts,
    )
    server.serve()

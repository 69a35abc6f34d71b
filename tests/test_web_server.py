"""`escape serve` in process: the pages, the plain page's play, players kept apart, uploads and downloads,
requests from other sites refused. No game process is started (the full-screen game's websocket is only
asked from another site, and refused)."""

from __future__ import annotations

import json
import re
from contextlib import asynccontextmanager

import pytest

pytest.importorskip("textual_serve")

from aiohttp import ClientSession, CookieJar, FormData  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from game.compiler.bundled import bundled_stories  # noqa: E402
from game.web.players import COOKIE, Players  # noqa: E402
from game.web.server import EscapeServer  # noqa: E402
from tests.conftest import write_story  # noqa: E402

EVIL = {"Origin": "http://evil.example"}
JSON = {"Accept": "application/json"}


@asynccontextmanager
async def serving(tmp_path, stories=None, **limits):
    """A client (one player, keeping its cookie) of a server of `stories` (the bundled ones), and its players."""
    players = Players(tmp_path / "data", **limits)
    server = EscapeServer(bundled_stories() if stories is None else stories, players)
    app = await server._make_app()
    async with TestClient(TestServer(app)) as client:
        yield client, players


@asynccontextmanager
async def another_player(client):
    """A second browser on the same server: a cookie jar of its own."""
    async with ClientSession(str(client.make_url("")), cookie_jar=CookieJar(unsafe=True)) as session:
        yield session


def player_id(session) -> str:
    jar = session.session.cookie_jar if isinstance(session, TestClient) else session.cookie_jar
    return next(cookie.value for cookie in jar if cookie.key == COOKIE)


async def page(client, path: str = "/plain") -> str:
    response = await client.get(path)
    assert response.status == 200
    return await response.text()


def turn_of(html: str) -> int:
    return int(re.search(r"Choices made: (\d+)\.", html).group(1))


def at_of(html: str) -> str:
    """Where the run stands, as the page's forms say it."""
    return re.search(r'name="at" value="([^"]+)"', html).group(1)


async def choose(client, choice: str, at: str | None = None):
    """Post a choice from the page as it is now (or from an older page: `at`)."""
    return await client.post("/plain/choose", data={"at": at or at_of(await page(client)), "choice": choice})


def live_region(html: str) -> str:
    return re.search(r'<div[^>]*aria-live="polite"[^>]*>(.*?)</div>', html, re.S).group(1)


def choice_buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="choice" value="([^"]+)"', html)


def run_files(players: Players, client) -> list:
    return sorted((players.folder_of(player_id(client)) / "saves").glob("*.json"))


async def begin_and_choose(client) -> str:
    """Begin Captured! on the plain page and take its first choice; the page after it."""
    await client.post("/plain/begin", data={"story": "captured"})
    first = choice_buttons(await page(client))[0]
    response = await choose(client, first)
    assert response.status == 200
    return await response.text()


def upload_form(raw: bytes, name: str = "sent.json") -> FormData:
    form = FormData()
    form.add_field("save", raw, filename=name, content_type="application/json")
    return form


# the full-screen game's page ---------------------------------------------------------------------------
async def test_index_gives_a_strict_http_only_cookie(tmp_path):
    async with serving(tmp_path) as (client, players):
        response = await client.get("/")
        assert response.status == 200
        cookie = response.cookies[COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
        assert re.fullmatch(r"[0-9a-f]{32}", cookie.value) and not players.known(cookie.value)  # no folder yet


async def test_index_needs_nothing_from_elsewhere(tmp_path):
    async with serving(tmp_path) as (client, _players):
        html = await page(client, "/")
        assert re.search(r"<title>[^<]+</title>", html)
        assert "googleapis" not in html
        urls = re.findall(r"(?:https?|wss?)://[^\s\"'<>)]+", html)
        assert urls == []  # not even the game's own websocket: the page makes its address from its own
        assert '"/static/js/textual.js"' in html
        assert (await client.get("/static/js/textual.js")).status == 200


async def test_plain_query_goes_to_the_plain_page(tmp_path):
    async with serving(tmp_path) as (client, _players):
        response = await client.get("/?plain=1", allow_redirects=False)
        assert response.status in (302, 303) and response.headers["Location"] == "/plain"


# the plain page ----------------------------------------------------------------------------------------
async def test_plain_page_lists_the_stories(tmp_path):
    async with serving(tmp_path) as (client, _players):
        html = await page(client)
        assert "Captured!" in html
        begins = re.findall(r'<form method="post" action="/plain/begin"><button[^>]*value="([^"]+)"', html)
        assert sorted(begins) == ["captured", "grand_illusion"]
        assert "Begin a new run" in html and "Continue:" not in html


async def test_begin_shows_the_first_scene(tmp_path):
    async with serving(tmp_path) as (client, _players):
        response = await client.post("/plain/begin", data={"story": "captured"}, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/plain"
        html = await page(client)
        assert "Platform Eight" in html and turn_of(html) == 0
        assert choice_buttons(html) == ["ask_photo", "promise", "no_waiting"]


async def test_a_choice_shows_its_outcome_in_the_live_region(tmp_path):
    async with serving(tmp_path) as (client, _players):
        html = await begin_and_choose(client)  # the answer to the form: GET /plain
        assert "She gives it up with a small laugh" in live_region(html)
        assert turn_of(html) == 1 and "Choices made: 1." in html
        assert live_region(await page(client)) == ""  # said once: a reload shows the scene only


async def test_the_same_form_twice_takes_one_choice(tmp_path):
    """A second click or the back button posts the old turn again: the run is as it was."""
    async with serving(tmp_path) as (client, players):
        await client.post("/plain/begin", data={"story": "captured"})
        old = at_of(await page(client))
        await choose(client, "ask_photo", old)
        saved = run_files(players, client)[0].read_bytes()
        await choose(client, "promise", old)
        html = await page(client)
        assert turn_of(html) == 1 and "Choices made: 1." in html
        assert run_files(players, client)[0].read_bytes() == saved


async def test_a_made_up_choice_changes_nothing(tmp_path):
    async with serving(tmp_path) as (client, _players):
        await begin_and_choose(client)
        for choice in ("no_such_choice", "ask_photo", ""):  # ask_photo is taken once only
            response = await choose(client, choice)
            assert response.status == 200
        html = await page(client)
        assert turn_of(html) == 1 and "ask_photo" not in choice_buttons(html)


async def test_the_run_file_can_be_downloaded(tmp_path):
    async with serving(tmp_path) as (client, players):
        assert (await client.get("/save")).status == 404  # no run yet
        await begin_and_choose(client)
        (run_file,) = run_files(players, client)
        response = await client.get("/save")
        assert response.status == 200
        assert await response.read() == run_file.read_bytes()
        assert response.headers["Content-Disposition"] == f'attachment; filename="{run_file.name}"'


async def test_undo_takes_the_choice_back(tmp_path):
    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        at = at_of(await page(client))
        response = await client.post("/plain/undo", data={"at": at}, allow_redirects=False)
        assert response.status == 303
        html = await page(client)
        assert turn_of(html) == 0 and "You take back your last choice." in live_region(html)
        assert choice_buttons(html) == ["ask_photo", "promise", "no_waiting"]
        assert json.loads(run_files(players, client)[0].read_text())["state"]["log"] == []


async def test_leave_then_continue(tmp_path):
    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        (run_file,) = run_files(players, client)
        await client.post("/plain/leave")
        html = await page(client)
        assert choice_buttons(html) == [] and "Begin a new run" in html
        continues = re.findall(r'<button type="submit" name="file" value="([^"]+)">Continue: ([^<]+)</button>', html)
        assert continues == [(run_file.name, "Platform Eight, after 1 choice")]
        assert (await client.get("/save")).status == 404  # no run open
        await client.post("/plain/continue", data={"story": "captured", "file": run_file.name})
        html = await page(client)
        assert "Platform Eight" in html and turn_of(html) == 1 and "ask_photo" not in choice_buttons(html)
        await choose(client, "promise")
        assert run_files(players, client) == [run_file]  # the same run goes on in its own file
        assert (await client.get("/save")).status == 200


async def test_continue_refuses_a_file_not_in_the_saves(tmp_path):
    async with serving(tmp_path) as (client, _players):
        response = await client.post(
            "/plain/continue", data={"story": "captured", "file": "../../etc/passwd"}, allow_redirects=False
        )
        assert response.status == 303 and response.headers["Location"] == "/plain"
        html = await page(client)
        assert "no longer in your saves" in html and "Begin a new run" in html


# players kept apart ------------------------------------------------------------------------------------
async def test_another_player_sees_nothing_of_the_first(tmp_path):
    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        await client.post("/plain/leave")
        assert "Continue:" in await page(client)
        async with another_player(client) as other:
            response = await other.get("/plain")
            html = await response.text()
            assert response.status == 200 and "Begin a new run" in html and "Continue:" not in html
            assert (await other.get("/save")).status == 404
            assert player_id(other) != player_id(client)
            assert players.folder_of(player_id(other)) != players.folder_of(player_id(client))
            assert list((players.folder_of(player_id(other)) / "saves").glob("*.json")) == []


# uploads -----------------------------------------------------------------------------------------------
async def test_a_downloaded_save_can_be_uploaded(tmp_path):
    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        raw = await (await client.get("/save")).read()
        before = run_files(players, client)
        response = await client.post("/upload", data=upload_form(raw), headers=JSON)
        assert response.status == 200
        answer = await response.json()
        assert answer["ok"] is True and "Captured!" in answer["message"]
        (new,) = set(run_files(players, client)) - set(before)
        assert new.read_bytes() == raw and len(run_files(players, client)) == 2


@pytest.mark.parametrize(
    ("raw", "why"), [(b'{\n "format": "escape-lin', "truncated or corrupt"), (b"", "empty"), (b"[1, 2]", "not an")]
)
async def test_a_damaged_upload_is_refused(tmp_path, raw, why):
    async with serving(tmp_path) as (client, players):
        await page(client)
        response = await client.post("/upload", data=upload_form(raw, "broken.json"), headers=JSON)
        assert response.status == 400
        answer = await response.json()
        assert answer["ok"] is False and answer["message"].startswith("broken.json: ") and why in answer["message"]
        assert run_files(players, client) == []


async def test_an_upload_from_the_plain_page_goes_back_to_it(tmp_path):
    async with serving(tmp_path) as (client, _players):
        response = await client.post("/upload", data=upload_form(b"nonsense", "x.json"), allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == "/plain"
        html = await page(client)
        assert "problem" not in response.headers["Location"]  # said by the next page, not by an address
        assert re.search(r'<p class="problem" role="alert">x\.json: not a readable save', html)


@pytest.mark.parametrize(("method", "path"), [("POST", "/upload"), ("POST", "/plain/choose"), ("GET", "/ws")])
async def test_another_sites_page_is_refused(tmp_path, method, path):
    async with serving(tmp_path) as (client, players):
        await client.post("/plain/begin", data={"story": "captured"})
        data = upload_form(b"{}") if path == "/upload" else {"at": "0:x", "choice": "ask_photo"}
        response = await client.request(method, path, data=data if method == "POST" else None, headers=EVIL)
        assert response.status == 403
        html = await page(client)
        assert turn_of(html) == 0 and run_files(players, client) == []


# the interface's language ------------------------------------------------------------------------------
async def test_the_player_chooses_italian(tmp_path):
    async with serving(tmp_path) as (client, _players):
        response = await client.post("/plain/language", data={"lang": "it"}, allow_redirects=False)
        assert response.status == 303
        html = await page(client)
        assert '<html lang="it">' in html and "Prigionieri!" in html and "Captured!" not in html
        async with another_player(client) as other:
            html = await (await other.get("/plain")).text()
            assert '<html lang="en">' in html and "Captured!" in html  # another player's language is theirs


async def test_an_unknown_language_is_not_kept(tmp_path):
    async with serving(tmp_path) as (client, _players):
        response = await client.post("/plain/language", data={"lang": "../../xx"}, allow_redirects=False)
        assert response.status == 303
        assert '<html lang="en">' in await page(client)
        assert (await client.post("/plain/nothing", data={"lang": "it"})).status == 404


# a story from a stranger -------------------------------------------------------------------------------
HOSTILE_MANIFEST = """\
    id: hostile
    title: "<script>alert(1)</script> & Co"
    blurb: "Tom & Jerry *run* <b>bold</b> \\e[31m"
    start: a
    endings: [{id: e, title: E, kind: bad}]
    """
HOSTILE_SCENES = """\
    scenes:
      - id: a
        title: "<i>A</i>"
        text: "Fish & chips <script>alert(2)</script> \\e[2J"
        choices:
          - {id: c, text: "Eat & run <img src=x onerror=alert(3)>", goto: z}
      - id: z
        title: Z
        text: z
        ending: e
    """


@pytest.fixture
def hostile(tmp_path):
    return {"hostile": write_story(tmp_path / "hostile", HOSTILE_MANIFEST, scenes=HOSTILE_SCENES)}


async def test_a_hostile_story_reaches_the_page_as_text(tmp_path, hostile):
    async with serving(tmp_path, hostile) as (client, _players):
        listing = await page(client)
        await client.post("/plain/begin", data={"story": "hostile"})
        scene = await page(client)
        for html in (listing, scene):
            assert "alert(1)</script>" not in html and "<b>bold" not in html and "\x1b" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in listing
        assert "<i>A</i>" not in scene and "&lt;i&gt;A&lt;/i&gt;" in scene
        assert "<p>Fish &amp; chips &lt;script&gt;alert(2)&lt;/script&gt; ?[2J</p>" in scene
        assert "<img" not in scene


async def test_a_story_blurb_and_choice_are_escaped_once(tmp_path, hostile):
    async with serving(tmp_path, hostile) as (client, _players):
        listing = await page(client)
        assert "<p>Tom &amp; Jerry <em>run</em> &lt;b&gt;bold&lt;/b&gt; ?[31m</p>" in listing
        await client.post("/plain/begin", data={"story": "hostile"})
        scene = await page(client)
        assert "1. Eat &amp; run &lt;img src=x onerror=alert(3)&gt;</button>" in scene


# limits ------------------------------------------------------------------------------------------------
async def test_a_full_server_turns_a_new_player_away(tmp_path):
    async with serving(tmp_path, max_players=1) as (client, players):
        await page(client, "/")
        assert not list(players.root.glob("*"))  # a look takes no place
        await client.post("/plain/begin", data={"story": "captured"})  # nor does a run not yet played
        assert not list(players.root.glob("*"))
        await choose(client, "ask_photo")  # playing does
        async with another_player(client) as other:
            for path in ("/", "/plain"):
                response = await other.get(path)
                assert response.status == 503
                assert "no room for another" in await response.text()
            assert not [cookie for cookie in other.cookie_jar if cookie.key == COOKIE]
        assert len(list(players.root.iterdir())) == 1
        assert (await client.get("/")).status == 200  # the player it has is still welcome


async def test_a_full_server_answers_a_download_with_503(tmp_path):
    async with serving(tmp_path, max_players=1) as (client, _players):
        await begin_and_choose(client)
        async with another_player(client) as other:
            response = await other.get("/save")
            assert response.status == 503


async def test_the_plain_page_keeps_to_the_players_quota(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCAPE_SAVES_QUOTA", raising=False)
    async with serving(tmp_path, quota_bytes=10) as (client, players):
        html = await begin_and_choose(client)
        assert turn_of(await page(client)) == 1
        assert run_files(players, client) == []
        assert "full" in html


async def test_a_run_unsaved_for_want_of_room_still_goes_on(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCAPE_SAVES_QUOTA", raising=False)
    async with serving(tmp_path, quota_bytes=10) as (client, players):
        await begin_and_choose(client)
        html = await page(client)
        second = choice_buttons(html)[0]
        await choose(client, second)
        assert turn_of(await page(client)) == 2  # made again from its choices at every request
        assert run_files(players, client) == []


# the same run in a terminal tab and on the plain page ---------------------------------------------------
def terminal_tab(players: Players, client):
    """What a full-screen game of the same player does with the run: continue it from its file."""
    from game.compiler.loader import load_story
    from game.saves.session import Session

    story = load_story(bundled_stories()["captured"])
    session = Session(story, players.folder_of(player_id(client)) / "saves")
    session.resume(run_files(players, client)[0])
    return session


async def test_a_run_open_in_a_terminal_tab_is_left_alone(tmp_path):
    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        run = run_files(players, client)[0]
        before = run.read_bytes()
        terminal = terminal_tab(players, client)
        try:
            html = await page(client)
            assert "open in another game" in html
            response = await choose(client, "promise", "1:x")
            assert response.status == 200
            assert run.read_bytes() == before  # never written while the other game holds it
        finally:
            terminal.close()


async def test_a_run_played_on_in_a_terminal_tab_is_read_again_not_written_over(tmp_path):
    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        terminal = terminal_tab(players, client)
        choice = next(offer.id for offer in terminal.game.choices() if offer.enabled)
        terminal.choose(choice)
        terminal.choose(next(offer.id for offer in terminal.game.choices() if offer.enabled))
        terminal.close()
        assert turn_of(await page(client)) == 3  # the page, reloaded, reads the run from its file
        log = json.loads(run_files(players, client)[0].read_text(encoding="utf-8"))["state"]["log"]
        assert len(log) == 3


async def test_an_upload_larger_than_any_save_is_refused_unread(tmp_path, monkeypatch):
    from aiohttp import BodyPartReader

    from game.saves.files import MAX_SAVE_BYTES

    read = []
    chunk = BodyPartReader.read_chunk

    async def counted(self, size=BodyPartReader.chunk_size):
        data = await chunk(self, size)
        read.append(len(data))
        return data

    monkeypatch.setattr(BodyPartReader, "read_chunk", counted)
    async with serving(tmp_path) as (client, players):
        await client.post("/plain/begin", data={"story": "captured"})
        response = await client.post("/upload", data=upload_form(b"{" + b" " * (6 * 1024 * 1024)), headers=JSON)
        answer = await response.json()
        assert response.status == 400 and not answer["ok"]
        assert "larger than" in answer["message"]
        assert run_files(players, client) == []
        assert MAX_SAVE_BYTES < sum(read) <= MAX_SAVE_BYTES + 64 * 1024  # read up to the limit, not to the end


# what the review found -----------------------------------------------------------------------------------
async def test_requests_that_play_nothing_take_no_place(tmp_path):
    async with serving(tmp_path, max_players=1) as (client, players):
        assert (await client.post("/plain/nothing", data={"x": "1"})).status == 404
        assert (await client.get("/ws")).status == 400  # not a websocket
        response = await client.post("/upload", data=upload_form(b"junk"), headers=JSON)
        assert response.status == 400
        await client.post("/plain/begin", data={"story": "captured"})
        assert not players.root.exists() or not list(players.root.iterdir())


@pytest.mark.parametrize(
    "headers, body",
    [
        ({"Content-Type": "application/x-www-form-urlencoded; charset=foo"}, b"choice=x"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"a=\xff\xfe"),
        ({"Content-Type": "multipart/form-data"}, b"--x\r\n"),
    ],
)
async def test_a_malformed_form_is_a_bad_request_not_a_crash(tmp_path, headers, body):
    async with serving(tmp_path) as (client, _players):
        response = await client.post("/plain/choose", data=body, headers=headers)
        assert response.status == 400
        assert "could not be read" in await response.text()


async def test_a_name_that_is_not_this_machines_is_refused(tmp_path):
    """DNS rebinding: another site's name made to point at 127.0.0.1."""
    async with serving(tmp_path) as (client, _players):
        response = await client.get("/plain", headers={"Host": "evil.example:8000"})
        assert response.status == 421
        assert (await client.get("/plain", headers={"Host": "localhost:8000"})).status == 200
    server = EscapeServer(bundled_stories(), Players(tmp_path / "other"), allowed_hosts=("games.example",))
    async with TestClient(TestServer(await server._make_app())) as client:
        assert (await client.get("/plain", headers={"Host": "games.example"})).status == 200
        assert (await client.get("/plain", headers={"Host": "evil.example"})).status == 421


async def test_undo_twice_from_one_page_takes_back_one_choice(tmp_path):
    async with serving(tmp_path) as (client, _players):
        await begin_and_choose(client)
        await choose(client, "promise")
        at = at_of(await page(client))
        for _twice in range(2):
            await client.post("/plain/undo", data={"at": at})
        assert turn_of(await page(client)) == 1


async def test_a_form_from_before_an_undo_takes_nothing(tmp_path):
    async with serving(tmp_path) as (client, _players):
        await begin_and_choose(client)  # ask_photo
        stale = at_of(await page(client))
        await client.post("/plain/undo", data={"at": stale})
        await choose(client, "no_waiting")  # a different first choice: turn 1 again, somewhere else
        await choose(client, "promise", stale)  # the old page's form, for the same turn
        assert turn_of(await page(client)) == 1


async def test_an_ending_reached_again_after_undo_is_one_run(tmp_path, hostile):
    async with serving(tmp_path, stories=hostile) as (client, players):
        await client.post("/plain/begin", data={"story": "hostile"})
        for _again in range(3):
            await choose(client, "c")
            await client.post("/plain/undo", data={"at": at_of(await page(client))})
        await choose(client, "c")
        record = json.loads((players.folder_of(player_id(client)) / "saves" / "endings.json").read_text())
        assert list(record["runs"].values()) == [1]


async def test_a_choice_whose_save_fails_is_kept_and_said(tmp_path, monkeypatch):
    import game.saves.session as session_module

    async with serving(tmp_path) as (client, players):
        await begin_and_choose(client)
        (run_file,) = run_files(players, client)
        saved = run_file.read_bytes()

        def full_disk(*_args, **_kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(session_module, "write_save", full_disk)
        await choose(client, "promise")
        html = await page(client)
        assert turn_of(html) == 2 and "No space left on device" in html
        assert str(tmp_path) not in html  # the server's folders are not shown
        html = await page(client)
        assert turn_of(html) == 2  # not lost on the next page
        assert run_file.read_bytes() == saved  # and the file that could not be written is as it was


def test_a_page_asks_for_a_terminal_within_bounds():
    from game.web.games import MAX_COLUMNS, MAX_ROWS, terminal_size

    assert terminal_size(6000, 4000) == (MAX_COLUMNS, MAX_ROWS)
    assert terminal_size("100", "30") == (100, 30)
    assert terminal_size(-5, True) == (20, 24)
    assert terminal_size(None, [1]) == (80, 24)


class FakeGame:
    def __init__(self):
        self.calls = []

    async def send_bytes(self, data):
        self.calls.append(("stdin", data))

    async def set_terminal_size(self, width, height):
        self.calls.append(("resize", width, height))

    async def blur(self):
        self.calls.append(("blur",))

    async def focus(self):
        self.calls.append(("focus",))


class FakeSocket:
    def __init__(self, texts):
        from aiohttp import WSMessage, WSMsgType

        self.messages = [WSMessage(WSMsgType.TEXT, text, None) for text in texts]
        self.sent = []

    def __aiter__(self):
        return self._messages()

    async def _messages(self):
        for message in self.messages:
            yield message

    async def send_json(self, data):
        self.sent.append(data)


async def test_what_a_page_sends_is_bounded_and_malformed_messages_are_ignored(tmp_path):
    from game.web.games import MAX_COLUMNS, MAX_ROWS

    server = EscapeServer(bundled_stories(), Players(tmp_path))
    game, socket = (
        FakeGame(),
        FakeSocket(
            [
                '["resize", {"width": 6000, "height": 4000}]',
                "not json",
                '{"a": 1}',
                "[]",
                '["stdin", 5]',
                '["stdin", "1"]',
                '["ping", "12"]',
                '["focus"]',
            ]
        ),
    )
    await server._process_messages(socket, game)
    assert game.calls == [("resize", MAX_COLUMNS, MAX_ROWS), ("stdin", b"1"), ("focus",)]
    assert socket.sent == [["pong", "12"]]


async def test_a_game_whose_stop_fails_is_killed(tmp_path):
    import asyncio

    from game.web.games import end_game

    process = await asyncio.create_subprocess_exec("sleep", "60")

    class Broken:
        def __init__(self):
            self.process = process

        async def stop(self):
            raise ConnectionResetError("the page went away mid-send")

    await end_game(Broken())
    assert process.returncode is not None


async def test_a_game_closed_by_its_page_gives_back_its_place(tmp_path):
    """A real game process behind the websocket: closing the page ends it, and the counts go back."""
    import asyncio

    players = Players(tmp_path / "data")
    server = EscapeServer(bundled_stories(), players, max_games=1)
    app = await server._make_app()
    async with TestClient(TestServer(app)) as client:
        await client.get("/")
        socket = await client.ws_connect("/ws?width=80&height=24")
        await socket.send_str('["resize", {"width": 99999, "height": 99999}]')
        first = await asyncio.wait_for(socket.receive(), 30)  # the game draws
        assert first.type.name in ("BINARY", "TEXT")
        assert server.games == 1 and list(players.active.values()) == [1]
        assert (await client.get("/")).status == 503  # the one game this server runs is being played
        await socket.close()
        for _wait in range(100):
            if server.games == 0 and not players.active:
                break
            await asyncio.sleep(0.1)
        assert server.games == 0 and players.active == {}
        assert (await client.get("/")).status == 200


async def test_each_answer_is_in_its_players_language_while_another_is_served(tmp_path):
    """The language is the process's: a request that waits on its body is answered in its player's own
    language even when another player's page was served in another one meanwhile."""
    import asyncio

    async with serving(tmp_path) as (client, _players):
        await client.post("/plain/language", data={"lang": "it"})
        assert '<html lang="it">' in await page(client)
        boundary = "xyzzy"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="save"; filename="x.json"\r\n'
            "Content-Type: application/json\r\n\r\n"
        ).encode()
        halfway = asyncio.Event()
        go_on = asyncio.Event()

        async def slow_body():
            yield head + b"not"
            halfway.set()
            await go_on.wait()
            yield b" a save\r\n" + f"--{boundary}--\r\n".encode()

        upload = asyncio.create_task(
            client.post(
                "/upload",
                data=slow_body(),
                headers={**JSON, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        )
        await halfway.wait()
        async with another_player(client) as other:  # an English page, served while the upload waits
            assert '<html lang="en">' in await (await other.get("/plain")).text()
        go_on.set()
        answer = await (await upload).json()
        assert "salvataggio illeggibile" in answer["message"], answer["message"]

"""`escape serve` in a real browser: headless Chromium driven by Playwright, against the server started as a
player would start it. The game's terminal is drawn on a canvas, so what a step did is read where it lands:
the player's own saves folder on the server, the downloaded file, the page's text and its requests.

Needs Debian's `chromium` and Playwright (in the dev lock). Without them these tests are skipped, except
where $ESCAPE_BROWSER_TESTS=required (CI's .ci/run sets it after installing Chromium): then they fail.
Screenshots of every step go to $ESCAPE_BROWSER_SHOTS, else tests/output/browser/."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REQUIRED = os.environ.get("ESCAPE_BROWSER_TESTS") == "required"
CHROMIUM = os.environ.get("ESCAPE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(os.environ.get("ESCAPE_BROWSER_SHOTS") or Path(__file__).parent / "output" / "browser")
ROOT = Path(__file__).resolve().parent.parent
LAUNCH = [  # a closed network: no background requests, no first-run pages, no sandbox as root
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs it from the dev lock)"
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        return "textual-serve is not installed (the web extra)"
    if CHROMIUM is None:
        return "no chromium on this machine (apt install chromium; .ci/run does)"
    return None


why_not = _missing()
if why_not is not None:
    if REQUIRED:
        pytest.fail(f"browser tests are required here but cannot run: {why_not}", pytrace=False)
    pytest.skip(why_not, allow_module_level=True)

from playwright.async_api import Browser, BrowserContext, Page, async_playwright  # noqa: E402

from tests.serving import escape_serve  # noqa: E402

pytestmark = pytest.mark.posix


class Served:
    """A running `escape serve` and where it keeps its players."""

    def __init__(self, url: str, data: Path):
        self.url = url
        self.data = data
        self.host = urlsplit(url).netloc

    def saves_of(self, player_id: str) -> Path:
        return self.data / hashlib.sha256(player_id.encode()).hexdigest()[:32] / "saves"

    def runs_of(self, player_id: str) -> list[Path]:
        folder = self.saves_of(player_id)
        return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("served")
    environment = dict(os.environ, ESCAPE_CACHE=str(data / "cache"), LANG="C.UTF-8", LANGUAGE="")
    environment.pop("ESCAPE_SAVES", None)
    with escape_serve(data / "players", ROOT, environment) as url:
        yield Served(url, data / "players")


@pytest.fixture
async def browser() -> Iterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH)
        yield launched
        await launched.close()


class Guarded:
    """A browser context that lets no request leave the server, and remembers every one it saw."""

    def __init__(self, context: BrowserContext, served: Served):
        self.context = context
        self.served = served
        self.elsewhere: list[str] = []

    @classmethod
    async def open(cls, browser: Browser, served: Served, **options: object) -> Guarded:
        context = await browser.new_context(accept_downloads=True, **options)  # type: ignore[arg-type]
        guarded = cls(context, served)

        async def route(route):  # noqa: ANN001
            if urlsplit(route.request.url).netloc != served.host:
                guarded.elsewhere.append(route.request.url)
                await route.abort()
            else:
                await route.continue_()

        await context.route("**/*", route)
        return guarded

    async def player(self) -> str:
        cookies = {c["name"]: c["value"] for c in await self.context.cookies()}
        return cookies["escape_player"]


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))


async def until(check, seconds: float = 15.0):  # noqa: ANN001, ANN202
    """Wait until `check()` gives something true (a file written by the game's process); that value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("the browser's action left no trace on the server in time")
        await __import__("asyncio").sleep(0.1)


def log_of(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8"))["state"]["log"]


def terminal_size(url: str) -> tuple[int, int]:
    """The columns and rows the page asked the game for (in its websocket's address)."""
    query = dict(part.split("=", 1) for part in urlsplit(url).query.split("&"))
    return int(query["width"]), int(query["height"])


async def open_game(guarded: Guarded, name: str) -> Page:
    page = await guarded.context.new_page()
    page.on("websocket", lambda ws: setattr(page, "game_socket", ws.url))
    await page.goto(guarded.served.url + "/")
    await page.wait_for_selector("body.-first-byte", timeout=30_000)
    await page.wait_for_timeout(1500)  # the title screen is drawn
    await shot(page, name)
    return page


async def test_a_player_plays_by_key_and_by_click_saves_and_downloads(browser: Browser, served: Served) -> None:
    guarded = await Guarded.open(browser, served, viewport={"width": 1100, "height": 700})
    page = await open_game(guarded, "01-title")
    assert await page.title() == "Escape Lines"
    assert await page.evaluate("document.activeElement.className") == "xterm-helper-textarea"  # keys work at once
    label = await page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "/plain" in label  # a screen reader hears where to go, not only "Terminal input"
    player = await guarded.player()

    await page.keyboard.press("Enter")  # the first story on the title screen: Captured!
    await page.wait_for_timeout(1500)
    await shot(page, "02-first-scene")
    # a click on the first choice: the list sits above the footer and its border (three choices here)
    box = await page.locator(".xterm-screen").bounding_box()
    assert box is not None
    _columns, rows = terminal_size(page.game_socket)  # type: ignore[attr-defined]
    cell = box["height"] / rows
    await page.mouse.click(box["x"] + 100, box["y"] + box["height"] - 4.5 * cell)
    run = (await until(lambda: served.runs_of(player)))[0]
    assert log_of(run) == ["farewell_station.ask_photo"]
    await shot(page, "03-clicked")

    await page.keyboard.press("2")  # a choice by its number (the photograph's choice is gone; the others keep theirs)
    await until(lambda: log_of(run) == ["farewell_station.ask_photo", "farewell_station.promise"])
    await shot(page, "04-key")

    await page.keyboard.press("?")  # the help; Escape closes it, and the key right after it still counts
    await page.wait_for_timeout(800)
    await shot(page, "05-help")
    await page.keyboard.press("Escape")
    await page.keyboard.press("s")  # save under a name
    await page.wait_for_timeout(800)
    await page.keyboard.type("browser test")
    await page.keyboard.press("Enter")
    named = await until(lambda: [p for p in served.runs_of(player) if p != run])
    assert json.loads(named[0].read_text(encoding="utf-8"))["name"] == "browser test"
    await shot(page, "06-saved")

    await page.wait_for_timeout(500)
    async with page.expect_download(timeout=15_000) as downloading:
        await page.keyboard.press("d")  # download the run's save
    download = await downloading.value
    fetched = Path(await download.path())
    assert fetched.read_bytes() == run.read_bytes()
    assert download.suggested_filename == run.name
    await shot(page, "06-downloaded")
    assert guarded.elsewhere == []
    await guarded.context.close()


async def test_players_do_not_see_each_others_saves(browser: Browser, served: Served) -> None:
    first = await Guarded.open(browser, served)
    page = await first.context.new_page()
    await page.goto(served.url + "/plain")
    await page.get_by_role("button", name="Begin a new run").first.click()
    await page.get_by_role("button", name="1.").first.click()
    await page.get_by_role("button", name="Leave this run (it is kept)").click()
    await page.wait_for_selector("text=Continue:")
    await shot(page, "07-first-player-runs")

    second = await Guarded.open(browser, served)
    other = await second.context.new_page()
    await other.goto(served.url + "/plain")
    await shot(other, "08-second-player-runs")
    assert await other.locator("text=Continue:").count() == 0
    assert await first.player() != await second.player()
    assert served.runs_of(await first.player()) and not served.runs_of(await second.player())
    assert first.elsewhere == second.elsewhere == []
    await first.context.close()
    await second.context.close()


async def test_a_damaged_upload_is_refused_with_the_reason(browser: Browser, served: Served, tmp_path: Path) -> None:
    guarded = await Guarded.open(browser, served, viewport={"width": 1100, "height": 700})
    page = await open_game(guarded, "09-before-upload")
    player = await guarded.player()
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"format": "escape-lines-save", "version": 3, "story": ', encoding="utf-8")
    await page.set_input_files("#upload", str(damaged))
    status = page.locator("#upload-status")
    await status.filter(has_text="not a readable save").wait_for(timeout=10_000)
    assert "damaged.json" in await status.inner_text()
    assert await status.get_attribute("aria-live") == "polite"
    assert served.runs_of(player) == []
    await shot(page, "10-upload-refused")
    assert guarded.elsewhere == []
    await guarded.context.close()


async def test_the_plain_page_plays_with_buttons_and_a_live_region(browser: Browser, served: Served) -> None:
    guarded = await Guarded.open(browser, served)
    page = await guarded.context.new_page()
    await page.goto(served.url + "/?plain=1")
    assert page.url.endswith("/plain")
    await page.get_by_role("button", name="Begin a new run").first.click()
    await page.wait_for_selector("#scene")
    await shot(page, "11-plain-scene")
    scene = await page.locator("#scene").inner_text()
    choices = page.locator("ol.choices button")
    assert await choices.count() >= 2
    await choices.first.click()
    live = page.locator("[aria-live=polite]#happened")
    await live.filter(has_text="photograph").wait_for(timeout=10_000)
    assert await page.evaluate("document.activeElement.id") in ("happened", "scene")
    assert scene == "Platform Eight"
    await shot(page, "12-plain-after-choice")
    assert guarded.elsewhere == []
    await guarded.context.close()


async def test_a_small_screen_gets_fewer_larger_columns(browser: Browser, served: Served) -> None:
    guarded = await Guarded.open(browser, served, viewport={"width": 412, "height": 800}, is_mobile=True)
    page = await guarded.context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    await page.goto(served.url + "/")
    await page.wait_for_selector("body.-first-byte", timeout=30_000)
    await page.wait_for_timeout(1500)
    await shot(page, "13-phone")
    columns, _rows = terminal_size(sockets[0])
    assert 30 <= columns <= 60
    assert int(await page.evaluate("document.getElementById('terminal').dataset.fontSize")) >= 11
    assert guarded.elsewhere == []
    await guarded.context.close()

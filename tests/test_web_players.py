"""The served game's pieces without a server: players' folders, the saves quota, uploaded saves, story prose
as HTML."""

from __future__ import annotations

import html
import json
import os
import random
import re
import time

import pytest
from markupsafe import Markup

from game.compiler.bundled import bundled_stories
from game.compiler.loader import load_story
from game.errors import SaveError
from game.saves.quota import check_room, saves_quota
from game.saves.session import Session
from game.web.players import SEEN, Players, ServerFull
from game.web.prose import prose_html
from game.web.uploads import keep_upload

HEX32 = re.compile(r"[0-9a-f]{32}")
KEYS = {"captured", "grand_illusion"}
DAY = 24 * 3600


def age(folder, days: float) -> None:
    """Make the player of `folder` last seen `days` ago."""
    then = time.time() - days * DAY
    os.utime(folder / SEEN, (then, then))


def captured_session(saves, first: int = 0) -> Session:
    """A run of Captured! saving to `saves`, after one choice (the `first`-th offered)."""
    session = Session(load_story(bundled_stories()["captured"]), saves)
    session.start()
    session.choose(session.game.choices()[first].id)
    return session


@pytest.fixture
def run_bytes(tmp_path):
    """The bytes of a real run's file, made by playing one choice."""
    session = captured_session(tmp_path / "elsewhere")
    session.close()
    return session.run_file.read_bytes()


# players ------------------------------------------------------------------------------------------------
def test_a_new_player_gets_a_random_id(tmp_path):
    players = Players(tmp_path)
    first, second = players.enter(None), players.enter(None)
    assert HEX32.fullmatch(first.id) and HEX32.fullmatch(second.id)
    assert first.id != second.id and first.folder != second.folder


@pytest.mark.parametrize("given", [None, "../../etc", "A" * 32, "", "0" * 31, "/tmp/x" + "0" * 26])
def test_an_id_not_ours_gets_a_fresh_one(tmp_path, given):
    """Whatever the cookie says, the folder is one of ours directly under the root, never a path from it."""
    players = Players(tmp_path / "data")
    player = players.enter(given)
    assert HEX32.fullmatch(player.id) and player.id != given
    assert player.folder.parent == tmp_path / "data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert player.saves.is_dir() and player.config.is_dir()


def test_the_folder_is_named_by_a_hash_of_the_id(tmp_path):
    players = Players(tmp_path)
    player = players.enter(None)
    assert player.folder.parent == tmp_path
    assert HEX32.fullmatch(player.folder.name) and player.folder.name != player.id
    assert player.id not in str(player.folder)
    assert players.folder_of(player.id) == player.folder


def test_the_same_id_comes_back_to_the_same_folder(tmp_path):
    players = Players(tmp_path)
    player = players.enter(None)
    (player.saves / "kept.json").write_text("{}")
    again = players.enter(player.id)
    assert again == player and (again.saves / "kept.json").read_text() == "{}"
    assert players.known(player.id) and not players.known("0" * 32)


def test_no_room_for_a_third_player(tmp_path):
    players = Players(tmp_path, max_players=2)
    first, second = players.enter(None), players.enter(None)
    with pytest.raises(ServerFull, match="2 players"):
        players.enter(None)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.folder.name, second.folder.name])
    assert players.enter(first.id) == first  # a known player still comes in


def with_a_save(player):
    (player.saves / "captured--run.0000abcd.json").write_text("{}", encoding="utf-8")
    return player


def test_an_expired_folder_makes_room(tmp_path):
    players = Players(tmp_path, max_players=2, expire_days=30)
    old, kept = with_a_save(players.enter(None)), with_a_save(players.enter(None))
    age(old.folder, 31)
    age(kept.folder, 29)
    new = players.enter(None)
    assert not old.folder.exists()
    assert kept.folder.is_dir() and new.folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([kept.folder.name, new.folder.name])


def test_an_open_game_is_never_expired(tmp_path):
    players = Players(tmp_path, expire_days=1)
    player = players.enter(None)
    age(player.folder, 10)
    players.opened(player)
    players.opened(player)  # two tabs
    assert players.expire() == 0 and player.folder.is_dir()
    players.closed(player)
    assert players.expire() == 0 and player.folder.is_dir()
    players.closed(player)
    assert players.expire() == 1 and not player.folder.exists()


def test_a_recent_folder_is_kept(tmp_path):
    players = Players(tmp_path, expire_days=1)
    player = with_a_save(players.enter(None))
    age(player.folder, 0.5)
    assert players.expire() == 0 and player.folder.is_dir()


def test_a_folder_with_no_save_goes_after_an_hour(tmp_path):
    players = Players(tmp_path, expire_days=30)
    idle, recent, saved = players.enter(None), players.enter(None), with_a_save(players.enter(None))
    settled = players.enter(None)
    (settled.config / "settings.json").write_text('{"language": "it"}', encoding="utf-8")
    for player, hours in ((idle, 2), (recent, 0.5), (saved, 2), (settled, 2)):
        age(player.folder, hours / 24)
    assert players.expire() == 1
    assert not idle.folder.exists() and recent.folder.is_dir() and saved.folder.is_dir()
    assert settled.folder.is_dir()  # a language chosen is kept like a save


def test_a_look_without_playing_takes_no_place(tmp_path):
    players = Players(tmp_path, max_players=1)
    looking = players.enter(None, make=False)
    assert not looking.folder.exists()
    playing = players.enter(None)  # the one place is still free
    assert playing.folder.is_dir()
    with pytest.raises(ServerFull):
        players.enter(None, make=False)  # a page that would lead nowhere says so at once


def test_check_room_refuses_past_the_quota_with_the_numbers(tmp_path):
    (tmp_path / "a.json").write_bytes(b"x" * 1000)
    check_room(tmp_path, 1500, 500)  # exactly full is still room
    with pytest.raises(SaveError) as caught:
        check_room(tmp_path, 1500, 501)
    assert "full" in str(caught.value)
    assert "1,000" in str(caught.value) and "1,500" in str(caught.value)


def test_check_room_without_a_quota_never_refuses(tmp_path):
    (tmp_path / "a.json").write_bytes(b"x" * 1000)
    check_room(tmp_path, None, 10**12)
    check_room(tmp_path / "missing", 10, 5)


@pytest.mark.parametrize(("value", "quota"), [("12345", 12345), (" 7 ", 7), ("", None), ("lots", None), ("-5", None)])
def test_the_quota_comes_from_the_environment(monkeypatch, value, quota):
    monkeypatch.setenv("ESCAPE_SAVES_QUOTA", value)
    assert saves_quota() == quota


def test_a_full_saves_folder_turns_saving_off(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCAPE_SAVES_QUOTA", "10")
    session = captured_session(tmp_path)
    assert list(tmp_path.glob("*.json")) == []
    assert not session.saving and "full" in session.save_problem
    assert session.game.run.turn == 1  # the run goes on, unsaved
    assert any("Saving is off" in line and "full" in line for line in session.news())


def test_without_a_quota_the_run_is_saved(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCAPE_SAVES_QUOTA", raising=False)
    session = captured_session(tmp_path)
    assert session.saving and list(tmp_path.glob("*.json")) == [session.run_file]


def test_a_full_saves_folder_refuses_a_named_save(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCAPE_SAVES_QUOTA", "10")
    session = captured_session(tmp_path)
    with pytest.raises(SaveError, match="full"):
        session.save_as("mine")
    assert list(tmp_path.glob("*.json")) == []


# uploads -----------------------------------------------------------------------------------------------
def test_an_uploaded_run_is_kept_under_a_new_name(tmp_path, run_bytes):
    saves = tmp_path / "player"
    first, data = keep_upload(run_bytes, "my run.json", saves, KEYS, None)
    assert data["story"] == "captured" and data["kind"] == "run"
    assert first.parent == saves and first.name != "my run.json" and first.read_bytes() == run_bytes
    second, _data = keep_upload(run_bytes, "my run.json", saves, KEYS, None)
    assert second != first and first.read_bytes() == second.read_bytes() == run_bytes
    assert sorted(saves.glob("*.json")) == sorted([first, second])


def test_an_uploaded_named_save_keeps_its_name(tmp_path):
    session = captured_session(tmp_path / "elsewhere")
    raw = session.save_as("mine").read_bytes()
    target, data = keep_upload(raw, "whatever.json", tmp_path / "player", KEYS, None)
    assert data["kind"] == "save" and target == tmp_path / "player" / "captured--mine.json"
    assert target.read_bytes() == raw


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        ("truncated", "truncated or corrupt"),
        ("empty", "empty"),
        ("random", "truncated or corrupt"),
        ("other format", "not an Escape Lines save"),
        ("other story", "a story this server does not have"),
    ],
)
def test_a_damaged_upload_is_refused_with_the_reason(tmp_path, run_bytes, damage, why):
    raw = {
        "truncated": run_bytes[: len(run_bytes) // 2],
        "empty": b"",
        "random": random.Random(7).randbytes(300),
        "other format": json.dumps({"format": "another-game-save", "version": 1, "state": {}}).encode(),
        "other story": run_bytes,
    }[damage]
    keys = {"grand_illusion"} if damage == "other story" else KEYS
    saves = tmp_path / "player"
    with pytest.raises(SaveError) as caught:
        keep_upload(raw, "sent.json", saves, keys, None)
    message = str(caught.value)
    assert message.startswith("sent.json: ") and why in message
    assert not saves.exists() or list(saves.iterdir()) == []


def test_an_upload_never_replaces_a_save_of_that_name(tmp_path):
    raw = captured_session(tmp_path / "elsewhere").save_as("mine").read_bytes()
    saves = tmp_path / "player"
    existing = captured_session(saves, first=1).save_as("mine")
    before = existing.read_bytes()
    assert before != raw
    with pytest.raises(SaveError) as caught:
        keep_upload(raw, "mine.json", saves, KEYS, None)
    assert str(caught.value).startswith("mine.json: ") and "already have a save named 'mine'" in str(caught.value)
    assert existing.read_bytes() == before


def test_an_upload_past_the_quota_writes_nothing(tmp_path, run_bytes):
    saves = tmp_path / "player"
    saves.mkdir()
    (saves / "old.json").write_bytes(b"x" * 100)
    with pytest.raises(SaveError, match="full"):
        keep_upload(run_bytes, "sent.json", saves, KEYS, 100 + len(run_bytes) - 1)
    assert [p.name for p in saves.iterdir()] == ["old.json"]
    target, _data = keep_upload(run_bytes, "sent.json", saves, KEYS, 100 + len(run_bytes))
    assert target.read_bytes() == run_bytes


@pytest.mark.parametrize(
    ("name", "label"),
    [("../../x.json", "x.json"), ("/etc/passwd", "passwd"), ("ev\x1b[2Jil.json", "ev?[2Jil.json"), ("", "upload")],
)
def test_the_uploaded_name_is_shown_safely(tmp_path, name, label):
    with pytest.raises(SaveError) as caught:
        keep_upload(b"{not json", name, tmp_path / "player", KEYS, None)
    message = str(caught.value)
    assert message.startswith(f"{label}: ")
    assert "\x1b" not in message and ".." not in message and "/" not in message


# story prose as HTML -----------------------------------------------------------------------------------
def test_prose_escapes_markup():
    text = "<script>alert(\"x\")</script> Fish & chips, 'quoted' <img src=x onerror=y>"
    page = prose_html(text)
    assert isinstance(page, Markup)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&amp; chips" in page
    assert page.startswith("<p>") and page.endswith("</p>")
    assert html.unescape(page.removeprefix("<p>").removesuffix("</p>")) == text


def test_prose_marks_emphasis_and_strong():
    assert prose_html("a *quiet* word and a **loud** one") == (
        "<p>a <em>quiet</em> word and a <strong>loud</strong> one</p>"
    )
    assert prose_html("snake_case_name stays") == "<p>snake_case_name stays</p>"


def test_prose_paragraphs_split_on_blank_lines():
    assert prose_html("one\ntwo\n\n  \nthree") == "<p>one two</p>\n<p>three</p>"


def test_prose_list_and_quote():
    assert prose_html("Before:\n\n- rope\n- *lamp* & oil\n") == (
        "<p>Before:</p>\n<ul><li>rope</li><li><em>lamp</em> &amp; oil</li></ul>"
    )
    assert prose_html("> said <once>") == "<blockquote><p>said &lt;once&gt;</p></blockquote>"


def test_prose_shows_a_control_character_as_a_question_mark():
    page = prose_html("red\x1b[31m alarm\x07")
    assert page == "<p>red?[31m alarm?</p>"
    assert "\x1b" not in page


# what mutation testing showed untested ----------------------------------------------------------------
def test_players_folders_are_the_servers_alone(tmp_path):
    players = Players(tmp_path / "data")
    player = players.enter(None)
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    assert player.folder.stat().st_mode & 0o777 == 0o700


def test_expiry_touches_nothing_but_players_folders(tmp_path):
    players = Players(tmp_path, expire_days=1)
    stray = tmp_path / "notes"  # not a player's: another tool's folder, a file
    stray.mkdir()
    (tmp_path / ("a" * 32)).write_text("a file with a player-like name", encoding="utf-8")
    old = [with_a_save(players.enter(None)) for _ in range(2)]
    for player in old:
        age(player.folder, 3)
    os.utime(stray, (0, 0))
    assert players.expire() == 2
    assert stray.is_dir() and (tmp_path / ("a" * 32)).is_file()
    full = Players(tmp_path, max_players=1)
    assert full.enter(None).folder.is_dir()  # the stray folder and file take no player's place


def test_a_folder_unused_for_exactly_the_days_kept_stays(tmp_path, monkeypatch):
    players = Players(tmp_path, expire_days=1)
    player = with_a_save(players.enter(None))
    seen = (player.folder / SEEN).stat().st_mtime
    assert players.expire(now=seen + DAY) == 0 and player.folder.is_dir()
    assert players.expire(now=seen + DAY + 1) == 1


def test_used_bytes_adds_every_file_and_follows_no_link(tmp_path):
    from game.saves.quota import used_bytes

    (tmp_path / "a.json").write_bytes(b"x" * 100)
    (tmp_path / "b.json").write_bytes(b"x" * 50)
    outside = tmp_path.parent / f"{tmp_path.name}-big"
    outside.write_bytes(b"x" * 10_000)
    (tmp_path / "link.json").symlink_to(outside)
    (tmp_path / "sub").mkdir()
    assert used_bytes(tmp_path) == 150
    assert used_bytes(tmp_path / "missing") == 0


def test_an_uploaded_run_is_named_as_a_run_of_its_story(tmp_path, run_bytes):
    target, _data = keep_upload(run_bytes, "x.json", tmp_path / "new" / "saves", KEYS, None)
    assert re.fullmatch(r"captured--run\.[0-9a-f]{8}\.json", target.name)  # Continue lists it


def test_an_uploaded_run_never_takes_a_name_in_use(tmp_path, run_bytes, monkeypatch):
    import game.web.uploads as uploads

    names = iter(["0000aaaa", "0000aaaa", "0000bbbb"])
    monkeypatch.setattr(uploads, "new_run_id", lambda: next(names))
    first, _ = keep_upload(run_bytes, "x.json", tmp_path, KEYS, None)
    second, _ = keep_upload(run_bytes, "x.json", tmp_path, KEYS, None)
    assert (first.name, second.name) == ("captured--run.0000aaaa.json", "captured--run.0000bbbb.json")
    monkeypatch.setattr(uploads, "new_run_id", lambda: "0000aaaa")
    with pytest.raises(SaveError, match="cannot find a free file name"):
        keep_upload(run_bytes, "x.json", tmp_path, KEYS, None)
    assert sorted(tmp_path.glob("*.json")) == [first, second]


def test_a_refusal_names_the_story_and_cuts_a_long_file_name(tmp_path, run_bytes):
    with pytest.raises(SaveError) as refused:
        keep_upload(run_bytes, "r" * 200 + ".json", tmp_path, {"grand_illusion"}, None)
    label, _, why = str(refused.value).partition(": ")
    assert len(label) == 80 and label.endswith("…")
    assert "'captured'" in why


def test_a_quote_of_several_lines_is_one_paragraph():
    assert str(prose_html("> one\n> two")) == "<blockquote><p>one two</p></blockquote>"


def test_the_data_folder_is_made_on_the_first_player(tmp_path):
    players = Players(tmp_path / "not" / "there" / "yet")
    assert players.enter(None).saves.is_dir()


def test_a_run_longer_than_the_server_takes_is_refused(tmp_path, run_bytes, monkeypatch):
    import game.web.uploads as uploads

    monkeypatch.setattr(uploads, "MAX_UPLOADED_CHOICES", 1)
    kept, _data = keep_upload(run_bytes, "one.json", tmp_path, KEYS, None)  # one choice: as many as it takes
    session = captured_session(tmp_path / "elsewhere")
    session.choose(next(offer.id for offer in session.game.choices() if offer.enabled))
    session.close()
    with pytest.raises(SaveError) as refused:
        keep_upload(session.run_file.read_bytes(), "two.json", tmp_path, KEYS, None)
    assert str(refused.value) == "two.json: a run of 2 choices; this server takes runs of up to 1"
    assert sorted(tmp_path.glob("*.json")) == [kept]

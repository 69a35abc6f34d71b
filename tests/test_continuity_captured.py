"""Captured!: continuity defects from issue 15, each pinned by a seeded route that asserts the corrected text.

Every route is a seed and the list of choice ids a player takes (as a walkthrough is); `play` takes them in
order and returns what each step printed, so a test can look at the prose of the moment that used to be wrong.
"""

from __future__ import annotations

import random

import pytest

from game.compiler.bundled import bundled_stories
from game.compiler.loader import load_story
from game.engine.game import Game


@pytest.fixture(scope="module")
def story():
    return load_story(bundled_stories()["captured"])


@pytest.fixture()
def game(story):
    return Game(story)


def play(game: Game, seed: int, route: list[str], upto: str | None = None) -> dict[str, str]:
    """Take the route's choices in order (stopping before the first choice made in scene `upto`, if given);
    return, per scene id, all the prose shown there: its text and the outcomes of choices taken in it."""
    game.start(seed)
    shown = {game.run.scene: game.text()}
    for choice in route:
        if upto is not None and game.run.scene == upto:
            break
        offered = [o.id for o in game.choices() if o.enabled]
        assert choice in offered, f"{choice} not open in {game.run.scene}: {offered}"
        here = game.run.scene
        step = game.choose(choice)
        shown[here] = shown.get(here, "") + "\n" + step.outcome
        if not step.stayed:
            shown[step.scene] = shown.get(step.scene, "") + "\n" + step.text
    return shown


# Each route reads as a walkthrough: choice ids in order, several to a line.
# fmt: off
OPENING = ["promise", "no_reply", "surrender", "write_again", "to_kinross", "watch_cart", "to_roll_call",
           "tackle", "get_down", "name_the_dead", "save_strength", "whisper_plan", "ask_college", "law"]

# Never read the letter, never heard it from Dig in the guardroom or his cell: the first time Allison hears
# of the affair is Dig's "It was all me" through the bars; then he lets Dig die.
WINDOW_THEN_VOLLEY = (0, OPENING + [
    "return_salute", "ask_bombers", "push_through", "tell_plan", "ask_monica", "give_bunk", "turn_in", "invite",
    "sketch", "watch_guards", "march_back", "let_count", "defend_dig", "keep_in", "refuse_scorn", "refuse_read",
    "ready_plan", "ask_wood", "cold_evidence", "go_to_hut", "walk_on", "take_note", "crumple", "burn_now",
    "window", "go_back", "wake_kinross", "wait_dawn", "stay_silent"])

# Burns the note, then breaks ranks at dawn to plead for Dig with nothing but his word, and fails.
BURNED_THEN_PLEADED = (0, OPENING + [
    "return_salute", "ask_bombers", "push_through", "tell_plan", "ask_monica", "give_bunk", "turn_in", "invite",
    "sketch", "watch_guards", "march_back", "let_count", "defend_dig", "keep_in", "refuse_scorn", "refuse_read",
    "ready_plan", "ask_truth", "cold_evidence", "visit_dig", "leave_cell", "walk_on", "take_note", "burn",
    "wait_dawn", "tell_ehrlich"])

# Hung on the wire in the February dash (wounded), then the May night is a trap and he surrenders unhurt.
DASH_WOUND_THEN_SURRENDER = (3, [
    "ask_photo", "promise", "no_reply", "fight", "open_parcel", "to_kinross", "pace_wire", "watch_cart",
    "to_roll_call", "run", "climb", "lie_still", "name_the_dead", "save_strength", "brood", "ask_college",
    "threaten", "complaint", "return_salute", "ask_letters", "leave", "call_out", "ask_monica", "turn_in", "argue",
    "steal_grenade", "march_back", "cover", "defend_dig", "defend", "refuse_scorn", "refuse_read", "ready_plan",
    "ask_wood", "refuse_evidence", "go_to_hut", "press", "cut_down", "crumple", "look_photo", "wake_kinross",
    "wait_dawn", "show_note", "lie", "ask_silent", "never_forgive", "lie_low", "rest", "days_run_down",
    "stand_still", "say_nothing_hut", "walk_away", "steady_men", "signal", "surrender"])

# Keeps Voss's Luger and a grenade under the floor; Brandt's search finds them three nights before the moon.
LUGER_FOUND = (0, [
    "promise", "no_reply", "surrender", "write_again", "to_kinross", "watch_cart", "to_roll_call", "tackle",
    "grab_pistol", "save_latimer", "hide_pistol", "give_bread", "sing", "hague", "threaten", "to_monica",
    "return_salute", "ask_bombers", "push_through", "tell_plan", "turn_in", "invite", "steal_grenade", "sketch",
    "march_back", "let_count", "curse_dig", "keep_in", "refuse_honour", "refuse_read", "ready_plan", "ask_wood",
    "cold_evidence", "visit_dig", "ask_killed", "walk_on", "take_note", "to_ehrlich", "say_nothing",
    "give_up_words", "rouse_men", "brief_dig", "mark_map", "days_run_down", "stand_still", "rally_hut",
    "walk_away"])

# Lobs the stolen grenade onto the guardroom roof and runs for the field with Dig.
GRENADE_THROWN = (0, OPENING + [
    "return_salute", "ask_bombers", "push_through", "tell_plan", "ask_monica", "give_bunk", "turn_in", "invite",
    "steal_grenade", "watch_guards", "march_back", "let_count", "defend_dig", "keep_in", "refuse_scorn",
    "refuse_read", "ready_plan", "ask_truth", "cold_evidence", "visit_dig", "leave_cell", "walk_on", "take_note",
    "burn", "wake_kinross", "window", "go_back", "wait_dawn", "tell_ehrlich", "say_nothing", "give_up_words",
    "rouse_men", "rest", "brief_dig", "days_run_down", "walk_away", "signal", "rush_gun", "hold", "run_together"])

# Trades tobacco for Strogin's cutters and hands them to the fence party in the drying room.
CUTTERS_HANDED_OVER = (0, [
    "promise", "no_reply", "surrender", "open_parcel", "to_kinross", "trade_strogin", "watch_cart", "to_roll_call",
    "tackle", "save_latimer", "name_the_dead", "give_bread", "whisper_plan", "hague", "threaten", "to_monica",
    "return_salute", "ask_bombers", "push_through", "ask_monica", "turn_in", "committee", "march_back",
    "burn_note", "defend_dig", "find_strogin", "refuse_scorn", "refuse_read", "write_monica", "ask_wood",
    "refuse_evidence", "go_to_hut", "press", "take_note", "to_ehrlich", "say_nothing", "ask_silent",
    "give_up_words", "cutters"])

# Reaches the drying room with Dig's trust high enough that he is already there.
DIG_ALREADY_IN = (0, OPENING + [
    "return_salute", "ask_bombers", "push_through", "tell_plan", "ask_monica", "give_bunk", "turn_in", "invite",
    "sketch", "watch_guards", "march_back", "let_count", "defend_dig", "keep_in", "refuse_scorn", "refuse_read",
    "ready_plan", "ask_truth", "cold_evidence", "visit_dig", "leave_cell", "walk_on", "take_note", "burn",
    "wake_kinross", "window", "go_back", "wait_dawn", "tell_ehrlich", "say_nothing", "give_up_words"])

# Talks his way out of the cell (no extra week, so the Sapper major lives), then turns his back on Ehrlich.
SHORT_SENTENCE_TURN_AWAY = (0, OPENING + ["turn_away"])
# fmt: on


def test_a_confession_at_the_window_is_remembered_at_the_volley(game):
    seed, route = WINDOW_THEN_VOLLEY
    shown = play(game, seed, route)
    assert game.run.ending == "the_volley"
    assert "He means Monica" in shown["dig_window"]
    assert game.run.variables["knows_affair"] is True
    volley = shown["the_volley"]
    assert "1920" not in volley and "you did not even know why" not in volley
    assert "You have what you wanted" in volley


def test_a_man_who_broke_ranks_to_plead_is_not_said_to_have_let_him_go(game):
    seed, route = BURNED_THEN_PLEADED
    shown = play(game, seed, route)
    assert game.run.ending == "the_volley"
    volley = shown["the_volley"]
    assert "let him go to that post" not in volley
    assert "You ran to Ehrlich at the last" in volley


def test_a_february_wound_has_healed_by_may(game):
    seed, route = DASH_WOUND_THEN_SURRENDER
    shown = play(game, seed, route)
    assert "caught_on_wire" in shown and "surgeon" in shown["release_from_cell"]
    assert game.run.ending == "all_recaptured"
    assert game.run.variables["wounded"] is False
    assert "Two orderlies carry you" not in shown["recaptured_end"]


def test_the_search_that_finds_the_luger_is_not_forgotten_by_ehrlich(game):
    seed, route = LUGER_FOUND
    shown = play(game, seed, route)
    assert "Voss's Luger" in shown["search_finds"]
    rose_garden = shown["ehrlich_last"]
    assert "I do not know what" not in rose_garden
    assert "thirty days for the whole hut" in rose_garden and "Monday" in rose_garden
    assert "Your word I will not ask for" in rose_garden
    offered = [o.id for o in game.choices()]
    assert "give_parole" not in offered and "decline_parole" not in offered
    assert "pistol" not in game.run.items and "grenade" not in game.run.items


def test_a_thrown_grenade_leaves_the_inventory(game):
    seed, route = GRENADE_THROWN
    play(game, seed, route)
    assert "grenade" not in game.run.items


def test_cutters_handed_to_the_fence_party_leave_the_inventory(game):
    seed, route = CUTTERS_HANDED_OVER
    play(game, seed, route)
    assert "wire_cutters" not in game.run.items


def test_the_drying_room_hides_what_cannot_apply_and_spends_a_budget(game):
    seed, route = DIG_ALREADY_IN
    play(game, seed, route)
    assert game.run.scene == "the_plan" and game.run.variables["with_dig"]
    offers = game.choices()
    assert "ask_dig_in" not in [o.id for o in offers]
    assert all(o.enabled for o in offers), [(o.id, o.reason) for o in offers if not o.enabled]
    # rousing the men and lying low exclude each other
    game.choose("rouse_men")
    assert "lie_low" not in [o.id for o in game.choices()]
    # three weeks, three things: then only the night is left
    for _ in range(2):
        game.choose(next(o.id for o in game.choices() if o.id != "days_run_down"))
    assert [o.id for o in game.choices()] == ["days_run_down"]


def test_the_sapper_major_is_dead_only_if_he_died(game):
    seed, route = SHORT_SENTENCE_TURN_AWAY
    shown = play(game, seed, route)
    assert "punishment_holds" not in shown
    assert "still dead" not in shown["release_from_cell"]


def uniform_runs(story, seeds):
    """Yield (game, step) for every step of uniform random runs."""
    game = Game(story)
    for seed in seeds:
        picker = random.Random(seed)
        game.start(seed)
        yield game, None
        while not game.is_over:
            step = game.choose(picker.choice([o.id for o in game.choices() if o.enabled]))
            yield game, step


def test_no_scene_prints_the_same_prose_twice_in_a_run(story):
    for seed in range(200):
        game = Game(story)
        picker = random.Random(seed)
        game.start(seed)
        seen: dict[str, str] = {}
        texts = [(game.run.scene, game.text())]
        while not game.is_over:
            step = game.choose(picker.choice([o.id for o in game.choices() if o.enabled]))
            if not step.stayed:
                texts.append((step.scene, step.text))
        for scene, text in texts:
            for para in (p.strip() for p in text.split("\n\n")):
                if len(para.split()) >= 25:
                    assert para not in seen, f"seed {seed}: {scene} reprints a paragraph first shown in {seen[para]}"
                    seen[para] = scene


def test_only_choices_that_could_still_open_are_shown_closed(story):
    """A closed choice is shown only where it is the meter speaking (bitterness, conscience) and could have
    been open; never a companion who is already here, an item never carried, or a man never met."""
    closed = set()
    for game, _ in uniform_runs(story, range(250)):
        if game.is_over:
            continue
        for offer in game.choices():
            if not offer.enabled:
                closed.add((game.run.scene, offer.id))
                assert "already here" not in offer.reason
    assert closed <= {("the_note", "to_ehrlich"), ("the_signature", "refuse"), ("long_night", "go_now")}


def test_crossing_the_bitterness_line_is_said_when_it_happens(story):
    """Bitterness 7 is the line that keeps Allison from carrying Strogin's note to Ehrlich: every step
    that takes him over it before the note says so in its prose."""
    crossings = 0
    game = Game(story)
    for seed in range(400):
        picker = random.Random(seed)
        game.start(seed)
        while not game.is_over and not game.run.visits.get("the_note"):
            before = game.run.variables["bitterness"]
            step = game.choose(picker.choice([o.id for o in game.choices() if o.enabled]))
            if before < 7 <= game.run.variables["bitterness"]:
                crossings += 1
                assert "hard" in (step.outcome + step.text).lower(), (step.from_scene, step.choice_id)
    assert crossings > 20

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


# Routes from the editor's second review (scenes/captured after the rework), as played: seed and choice ids.
# fmt: off
REVIEW_C = (11, [
    "ask_photo", "promise", "ask_dig", "surrender", "look_photo", "open_parcel", "to_kinross", "to_roll_call",
    "tackle", "save_latimer", "name_the_dead", "save_strength", "brood", "silent", "threaten", "complaint",
    "turn_away", "leave", "call_out", "ask_monica", "turn_in", "argue", "march_back", "let_count", "curse_dig",
    "defend", "refuse_scorn", "read", "tear_photo", "sign", "keep_counsel", "say_know", "cold_evidence",
    "go_to_hut", "walk_on", "take_note", "crumple", "window", "go_back", "wait_dawn", "stay_silent"])
REVIEW_D = (21, [
    "ask_photo", "promise", "no_reply", "surrender", "look_photo", "to_kinross", "watch_cart", "to_roll_call",
    "shout", "make_for_wire", "turn_back", "name_the_dead", "save_strength", "sing", "hague", "threaten",
    "to_monica", "turn_away", "ask_bombers", "push_through", "tell_plan", "turn_in", "committee",
    "steal_grenade", "sketch", "march_back", "burn_note", "curse_dig", "keep_in", "refuse_scorn", "refuse_read",
    "write_monica", "ask_wood", "refuse_evidence", "go_to_hut", "walk_on", "take_note", "burn", "wait_dawn",
    "tell_ehrlich"])
REVIEW_D2 = (21, [
    "ask_photo", "promise", "no_reply", "surrender", "look_photo", "to_kinross", "watch_cart", "to_roll_call",
    "shout", "make_for_wire", "turn_back", "name_the_dead", "save_strength", "sing", "hague", "threaten",
    "to_monica", "turn_away", "ask_bombers", "push_through", "tell_plan", "turn_in", "committee",
    "steal_grenade", "sketch", "march_back", "burn_note", "defend_dig", "keep_in", "refuse_honour", "read",
    "give_back", "sign", "keep_counsel", "say_know", "refuse_evidence", "go_to_hut", "walk_on", "take_note",
    "crumple", "burn_now", "wait_dawn", "tell_ehrlich"])
REVIEW_E = (5, [
    "ask_photo", "promise", "ask_dig", "fight", "open_parcel", "to_kinross", "pace_wire", "trade_strogin",
    "to_roll_call", "tackle", "grab_pistol", "get_down", "hide_pistol", "organise", "sing", "hague", "law",
    "return_salute", "ask_bombers", "push_through", "tell_plan", "give_bunk", "turn_in", "invite", "sketch",
    "watch_guards", "march_back", "cover", "defend_dig", "defend", "refuse_honour", "read", "give_back",
    "refuse", "ready_plan", "say_know", "refuse_evidence", "visit_dig", "old_days", "press", "take_note",
    "to_ehrlich", "thank_strogin", "never_forgive", "rouse_men", "cutters", "rest", "days_run_down",
    "stand_still", "rally_hut", "walk_away", "signal", "rush_blockhouse"])
REVIEW_F = (32, [
    "ask_photo", "no_waiting", "ask_dig", "surrender", "open_parcel", "write_again", "to_kinross", "watch_cart",
    "trade_strogin", "to_roll_call", "shout", "get_down", "name_the_dead", "organise", "whisper_plan",
    "ask_college", "oxford_appeal", "return_salute", "ask_letters", "river", "push_through", "give_bunk",
    "ask_monica", "turn_in", "give_cutters", "sketch", "steal_grenade", "march_back", "cover", "take_blame",
    "find_strogin", "refuse_honour", "read", "keep_letter", "refuse", "ready_plan", "show_letter", "speak_for",
    "visit_dig", "ask_killed", "press", "cut_down", "to_ehrlich", "thank_strogin", "give_photo", "brief_dig",
    "mark_map", "rest", "days_run_down", "walk_away", "signal", "rush_gun", "send_dig", "stay_on_gun"])
REVIEW_G = (31, [
    "ask_photo", "no_waiting", "ask_dig", "surrender", "open_parcel", "write_again", "to_kinross", "watch_cart",
    "trade_strogin", "to_roll_call", "shout", "get_down", "name_the_dead", "organise", "whisper_plan",
    "ask_college", "oxford_appeal", "return_salute", "ask_letters", "river", "push_through", "give_bunk",
    "ask_monica", "turn_in", "give_cutters", "sketch", "steal_grenade", "march_back", "cover", "take_blame",
    "find_strogin", "refuse_honour", "read", "keep_letter", "refuse", "ready_plan", "show_letter", "speak_for",
    "visit_dig", "ask_killed", "press", "cut_down", "to_ehrlich", "thank_strogin", "give_photo", "brief_dig",
    "mark_map", "rouse_men", "days_run_down", "decline_parole", "steady_men", "signal", "kinross_takes_oskar",
    "hold", "run_together", "carry_boy", "bluff_crew"])
REVIEW_H = (33, [
    "ask_photo", "no_waiting", "ask_dig", "surrender", "open_parcel", "write_again", "to_kinross", "watch_cart",
    "trade_strogin", "to_roll_call", "shout", "get_down", "name_the_dead", "organise", "whisper_plan",
    "ask_college", "oxford_appeal", "return_salute", "ask_letters", "river", "push_through", "give_bunk",
    "ask_monica", "turn_in", "give_cutters", "sketch", "steal_grenade", "march_back", "cover", "take_blame",
    "find_strogin", "refuse_honour", "read", "keep_letter", "refuse", "ready_plan", "show_letter", "speak_for",
    "visit_dig", "ask_killed", "press", "cut_down", "to_ehrlich", "thank_strogin", "give_photo", "brief_dig",
    "rouse_men", "rest", "days_run_down", "decline_parole", "signal", "kinross_takes_oskar", "give_gun",
    "run_on", "charge_crew"])
REVIEW_I41 = (41, [
    "ask_photo", "no_waiting", "ask_dig", "surrender", "open_parcel", "write_again", "to_kinross", "watch_cart",
    "trade_strogin", "to_roll_call", "shout", "get_down", "name_the_dead", "organise", "whisper_plan",
    "ask_college", "oxford_appeal", "return_salute", "ask_letters", "river", "push_through", "give_bunk",
    "ask_monica", "turn_in", "give_cutters", "sketch", "watch_guards", "march_back", "cover", "take_blame",
    "find_strogin", "refuse_honour", "read", "keep_letter", "refuse", "ready_plan", "show_letter", "speak_for",
    "visit_dig", "ask_killed", "press", "cut_down", "to_ehrlich", "thank_strogin", "give_up_words", "brief_dig",
    "mark_map", "rest", "days_run_down", "decline_parole", "signal", "kinross_takes_oskar", "hold",
    "run_for_it", "run_on", "bluff_crew"])
REVIEW_J52 = (52, [
    "ask_photo", "no_waiting", "ask_dig", "surrender", "open_parcel", "write_again", "to_kinross", "watch_cart",
    "trade_strogin", "to_roll_call", "shout", "get_down", "name_the_dead", "organise", "whisper_plan",
    "ask_college", "oxford_appeal", "return_salute", "ask_letters", "river", "push_through", "give_bunk",
    "ask_monica", "turn_in", "give_cutters", "sketch", "steal_grenade", "march_back", "cover", "take_blame",
    "find_strogin", "refuse_honour", "read", "keep_letter", "refuse", "ready_plan", "show_letter", "speak_for",
    "visit_dig", "ask_killed", "press", "cut_down", "to_ehrlich", "thank_strogin", "never_forgive", "brief_dig",
    "mark_map", "rouse_men", "days_run_down", "walk_away", "signal", "rush_gun", "call_it_off"])
REVIEW_K = (61, [
    "ask_photo", "no_waiting", "ask_dig", "surrender", "open_parcel", "write_again", "to_kinross", "watch_cart",
    "trade_strogin", "to_roll_call", "shout", "get_down", "name_the_dead", "organise", "whisper_plan",
    "ask_college", "oxford_appeal", "return_salute", "ask_letters", "river", "push_through", "give_bunk",
    "ask_monica", "turn_in", "give_cutters", "sketch", "watch_guards", "march_back", "cover", "take_blame",
    "find_strogin", "refuse_honour", "refuse_read", "ready_plan", "ask_wood", "speak_for", "visit_dig",
    "ask_killed", "press", "cut_down", "crumple", "look_photo", "wait_dawn", "show_note", "admit", "give_photo"])
# With Dig at the gun's last minute but Monica never given up; and alone at the gun with a grenade.
DIG_BUT_NOT_MONICA = (9, [
    "promise", "no_reply", "fight", "open_parcel", "write_again", "to_kinross", "watch_cart", "to_roll_call",
    "tackle", "grab_pistol", "get_down", "name_the_dead", "save_strength", "brood", "hague", "threaten",
    "to_monica", "return_salute", "leave", "call_out", "turn_in", "argue", "steal_grenade", "sketch",
    "march_back", "cover", "take_blame", "keep_in", "refuse_honour", "refuse_read", "write_monica", "ask_wood",
    "speak_for", "visit_dig", "leave_cell", "give_tobacco", "take_note", "crumple", "wake_kinross", "go_now",
    "lie", "never_forgive", "ask_dig_in", "mark_map", "brief_dig", "days_run_down", "walk_away", "signal",
    "kinross_takes_oskar", "hold"])
ALONE_WITH_GRENADE = (20, [
    "no_waiting", "ask_dig", "fight", "to_kinross", "to_roll_call", "shout", "get_down", "name_the_dead",
    "organise", "sing", "ask_college", "oxford_appeal", "return_salute", "ask_letters", "ask_bombers",
    "call_out", "turn_in", "committee", "steal_grenade", "sketch", "march_back", "burn_note", "curse_dig",
    "find_strogin", "refuse_scorn", "read", "give_back", "refuse", "write_monica", "say_know",
    "cold_evidence", "visit_dig", "ask_killed", "press", "take_note", "to_ehrlich", "say_nothing",
    "ask_silent", "never_forgive", "lie_low", "days_run_down", "walk_away", "steady_men", "signal",
    "kinross_takes_oskar", "hold"])
# Kinross woken in the night, the note still in the pocket and the bitterness below the line at dawn.
DAWN_WITH_KINROSS = (35, [
    "no_waiting", "no_reply", "surrender", "to_kinross", "watch_cart", "pace_wire", "to_roll_call", "tackle",
    "get_down", "name_the_dead", "save_strength", "brood", "ask_college", "condolence", "return_salute",
    "ask_bombers", "push_through", "ask_monica", "give_bunk", "turn_in", "committee", "sketch", "watch_guards",
    "march_back", "cover", "take_blame", "defend", "refuse_scorn", "read", "keep_letter", "refuse",
    "write_monica", "ask_wood", "speak_for", "go_to_hut", "walk_on", "take_note", "crumple", "wake_kinross",
    "wait_dawn"])
# fmt: on


def everything(shown: dict[str, str]) -> str:
    return "\n".join(shown.values())


def test_may_runs_on_one_calendar_to_the_full_moon(game):
    seed, route = REVIEW_E
    shown = play(game, seed, route)
    plan = shown["the_plan"]
    assert "Three weeks to the moon" not in plan and "Eight days to the moon" in plan
    assert "The moon is full tomorrow" not in plan and "Four days to the moon" in plan
    assert "Three nights before the moon" in shown["hut_search"]
    assert "eight weeks" not in shown["ehrlich_demand"] and "five weeks" in shown["ehrlich_demand"]
    seed, route = REVIEW_C
    shown = play(game, seed, route)
    assert "bombers go out at moonrise" not in shown["long_night"]
    assert "running up their engines" not in shown["dig_returned"]
    assert "a month ago with his collar up" not in shown["elsa_found"]


def test_the_note_would_save_dig_not_send_him_home(game):
    seed, route = REVIEW_C
    shown = play(game, seed, route)
    assert "send him home to England" not in shown["the_note"]
    assert "save his life" in shown["the_note"]


def test_dig_is_led_to_the_single_cell_near_where_the_major_died(game):
    seed, route = REVIEW_C
    shown = play(game, seed, route)
    assert "punishment_holds" in shown
    assert "where the Sapper major was put when he was dying" not in shown["the_sentence"]
    assert "the big cell where the Sapper major died" in shown["the_sentence"]


def test_dig_runs_to_the_last_bomber_with_you(game):
    seed, route = REVIEW_G
    shown = play(game, seed, route)
    assert game.run.ending == "flown_together"
    assert "Dig drops into the grass beside you" in shown["the_aircrews"]


def test_no_roof_on_fire_without_a_grenade(game):
    seed, route = REVIEW_I41
    shown = play(game, seed, route)
    assert game.run.ending == "flown_together"
    assert "roof on fire" not in shown["last_bomber_end"]
    seed, route = REVIEW_G
    shown = play(game, seed, route)
    assert "roof on fire" in shown["last_bomber_end"]


def test_the_band_playing_comes_only_from_the_letter(game):
    seed, route = REVIEW_K
    shown = play(game, seed, route)
    assert "the_letter_read" not in shown
    assert "band playing" not in shown["long_night"] and "band playing" not in shown["dig_reprieved"]


def test_the_burned_note_is_ash_where_it_was_burned(game):
    seed, route = REVIEW_D
    shown = play(game, seed, route)
    assert "ash in a stove" not in shown["dawn_firing_party"]
    assert "under the wash-house boiler" in shown["dawn_firing_party"]
    seed, route = REVIEW_D2
    shown = play(game, seed, route)
    assert game.run.ending == "the_volley" and game.run.variables["knows_affair"]
    assert "on the morning you fed that paper to the fire" not in shown["the_volley"]
    assert "on the night you fed that paper to the stove" in shown["the_volley"]


def test_after_the_window_the_rain_goes_on_and_the_hard_man_is_not_sure(game):
    seed, route = REVIEW_C
    shown = play(game, seed, route)
    assert "The hard knot in you does not give" in shown["dig_window"]
    night = shown["long_night"]
    assert "begins to rain" not in night and "The rain goes on" in night
    assert "You know now that you are going to get up" not in night


def test_loops_never_reprint_a_paragraph(game):
    seed, route = REVIEW_E
    shown = play(game, seed, route)
    for scene in ("wood_party", "the_plan"):
        paras = [p.strip() for p in shown[scene].split("\n\n") if len(p.split()) >= 25]
        assert len(paras) == len(set(paras)), scene
    assert "The drying room smells of wet wool and candle grease" in shown["the_plan"]
    assert shown["the_plan"].count("The drying room smells of wet wool") == 1
    assert shown["wood_party"].count("The guards are beginning to shout the party together") == 0


def test_kinross_carries_the_note_only_for_a_man_who_cannot_go(game):
    seed, route = DAWN_WITH_KINROSS
    play(game, seed, route)
    assert game.run.scene == "dawn_firing_party" and game.run.variables["with_kinross"]
    assert game.run.variables["bitterness"] < 7
    offered = [o.id for o in game.choices()]
    assert "show_note" in offered and "pass_to_kinross" not in offered


def test_the_bayonet_cut_is_told_once_at_the_gun(game):
    seed, route = REVIEW_F
    shown = play(game, seed, route)
    gun = shown["holding_the_gate"]
    assert "You do not feel the cut at all for a minute" in gun
    assert "whose blood it is" not in gun


def test_the_flight_to_holland_lands_by_moonlight(game):
    seed, route = REVIEW_H
    shown = play(game, seed, route)
    assert game.run.ending == "dig_at_the_gate"
    assert "with the sun coming up" not in shown["dig_at_gate_end"]
    assert "by the light of the moon" in shown["dig_at_gate_end"]


def test_dig_in_the_drying_room_after_never_forgive_is_acknowledged(game):
    seed, route = REVIEW_J52
    shown = play(game, seed, route)
    assert "never_forgive" in route and game.run.variables["with_dig"]
    assert "You told him in the hospital ward that you would never forgive him" in shown["the_plan"]
    assert "He did not ask to be let in" not in shown["the_plan"]


def test_items_that_survive_a_search_are_said_to_be_hidden(game):
    seed, route = REVIEW_E
    shown = play(game, seed, route)
    assert "Strogin's cutters are not on you" in shown["after_the_dash"]
    gone = shown["dig_gone"]
    assert "The cutters are still under the parcel-hut floor" in gone
    assert "Your sketch of the airfield is rolled up inside a cigarette" in gone
    seed, route = REVIEW_D
    shown = play(game, seed, route)
    assert "The grenade is down the leg of a spare pair of long johns" in shown["dig_gone"]


def test_callbacks_only_to_what_was_seen(game):
    seed, route = REVIEW_C
    shown = play(game, seed, route)
    assert "as Dig did in the guardroom" not in shown["the_sentence"]
    assert "since the cart gate" not in shown["strogin_found"]
    seed, route = REVIEW_D
    shown = play(game, seed, route)
    assert "after the rain" not in shown["dawn_firing_party"]
    seed, route = REVIEW_E
    shown = play(game, seed, route)
    assert "trap_sprung" in shown and "Brandt's knees" not in shown["trap_sprung"]


def test_oskars_burst_is_strapped_at_the_ribs(game):
    seed, route = REVIEW_J52
    shown = play(game, seed, route)
    assert game.run.ending == "all_recaptured" and game.run.variables["wounded"]
    end = shown["recaptured_end"]
    assert "arm strapped across your chest" not in end and "ribs strapped" in end


def test_the_last_minute_says_why_dig_and_the_grenade_stay(game):
    seed, route = DIG_BUT_NOT_MONICA
    shown = play(game, seed, route)
    assert game.run.scene == "the_last_minute" and game.run.variables["with_dig"]
    assert "you will not run down that road at his side with her there" in shown["the_last_minute"]
    seed, route = ALONE_WITH_GRENADE
    shown = play(game, seed, route)
    assert game.run.scene == "the_last_minute" and "grenade" in game.run.items
    assert "a minute will not get you to the bend" in shown["the_last_minute"]


def test_go_now_is_not_shown_once_the_note_is_ash(game):
    seed, route = REVIEW_D2
    game.start(seed)
    for choice in route:
        if game.run.scene == "long_night" and "strogin_note" not in game.run.items:
            break
        game.choose(choice)
    assert game.run.scene == "long_night" and game.run.variables["note_burned"]
    assert "go_now" not in [o.id for o in game.choices()]


REFRAIN = ("set hard", "hard place", "hold your feet", "grudge", "hardness", "hard knot", "hard and settled")


def test_the_bitterness_line_is_announced_and_echoed_not_chanted(game):
    for seed, route in (REVIEW_C, REVIEW_D, REVIEW_D2):
        shown = play(game, seed, route, upto="strogin_found")
        text = everything(shown).lower()
        assert sum(text.count(w) for w in REFRAIN) <= 2, seed


def test_morale_is_called_morale_in_the_change_notes(story):
    assert story.variables["morale"].label == "The men's morale"

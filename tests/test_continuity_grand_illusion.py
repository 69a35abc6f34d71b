"""The Grand Illusion: continuity defects of issue 15, each pinned by a walkthrough-style route.

Every test plays a fixed route (choice ids, with the destination fixed where a choice draws at random) and
checks the prose the player reads: the corrected text appears, the wrong text does not. Keep it fast."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from game.compiler.bundled import bundled_stories
from game.compiler.loader import load_story
from game.engine.game import Game


@pytest.fixture(scope="module")
def story():
    return load_story(bundled_stories()["grand_illusion"])


# The film's route, from the mess to the snow at the border. Each step is "scene.choice" or
# "scene.choice>destination" for a choice whose target is drawn at random.
HALLBACH = [
    "escadrille_mess.study_photos",
    "over_the_lines.go_low",
    "the_albatros.dive_for_cloud",
    "forced_landing.burn_photos",
    "officers_lunch.talk_engines",
    "hallbach_gate.turn_out_pockets",
    "hallbach_barracks.share_tobacco",
    "rosenthal_dinner.eat_and_toast",
    "tunnel_first_night.hold_the_string",
    "tunnel_the_string.haul_now",
    "tunnel_the_earth.scatter_slowly",
    "tunnel_the_timbers.own_bed_slats",
    "the_costumes.help_rehearse",
    "the_show.stop_the_show",
    "the_marseillaise.sing_to_their_faces",
    "solitary_cell.scratch_days",
    "solitary_guard.take_harmonica",
    "tunnel_after_solitary.eat_saved_food",
    "tunnel_last_push.shore_first",
    "tunnel_transfer.pack_quietly",
    "tunnel_the_englishman.say_it_slowly",
]
TO_WINTERSBORN = HALLBACH + [
    "camp_to_camp.learn_german",
    "wintersborn_gate.answer_courteously",
    "wintersborn_room.embrace_rosenthal",
    "boeldieu_at_the_window.count_with_him",
]
TO_ROLL_CALL = [
    "the_search.boeldieu_distracts",
    "boeldieu_offer.accept_the_plan",
    "the_flutes.buy_a_flute",
    "the_stairwell.give_flute",
    "the_roll_call.slip_away",
]
OVER_THE_WALL = [
    "boeldieu_ramparts.play_again",
    "boeldieu_ramparts.climb_higher",
    "boeldieu_ramparts.refuse_to_come_down",
    "down_the_rope.rosenthal_first>the_shot",
    "the_shot.look_back",
    "boeldieu_last_hour.speak_of_the_end",
]


class Run:
    """A run played step by step; keeps every piece of prose the player was shown."""

    def __init__(self, story, seed: int = 0):
        self.game = Game(story)
        self.game.start(seed)
        self.shown = [("enter", self.game.run.scene, self.game.text())]

    def play(self, steps):
        for step in steps:
            key, _, dest = step.partition(">")
            scene, choice = key.split(".")
            assert self.game.run.scene == scene, f"expected to be at {scene}, at {self.game.run.scene}"
            result = self.game.choose(choice, dest or None)
            if result.outcome:
                self.shown.append(("outcome", key, result.outcome))
            if result.text:
                self.shown.append(("enter", self.game.run.scene, result.text))
        return self

    @property
    def text(self) -> str:
        return self.game.text()

    def offers(self):
        return {o.id: o for o in self.game.choices()}

    def var(self, name):
        return self.game.run.variables[name]

    def has(self, item) -> bool:
        return item in self.game.run.items

    def prose(self) -> str:
        return "\n".join(t for _, _, t in self.shown)


def test_rope_scene_reflects_the_map_once_bought(story):
    run = Run(story).play(TO_WINTERSBORN)
    assert run.game.run.scene == "the_rope_making"
    assert "only a page from a school atlas until somebody pencils" in run.text
    run.play(["the_rope_making.pore_over_map"])
    assert run.has("map")
    assert run.game.run.scene == "the_rope_making"
    assert "only a page from a school atlas until somebody pencils" not in run.text
    assert "true line of the frontier pencilled across" in run.text


def test_rope_making_is_a_budget_of_nights(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.pore_over_map", "the_rope_making.lie_low"])
    offers = run.offers()
    assert "pore_over_map" not in offers  # once, taken
    assert not offers["open_cocoa_tin"].enabled
    assert "no night left" in offers["open_cocoa_tin"].reason
    assert not offers["knot_carefully"].enabled
    assert offers["braid_fast"].enabled
    # the scene never reprints its own first-night text
    entries = [t for kind, scene, t in run.shown if kind == "enter" and scene == "the_rope_making"]
    assert len(entries) == 3 and len(set(entries)) == 3
    assert sum("The rope is made at night" in t for t in entries) == 1


def test_ramparts_plea_is_printed_once_and_minutes_are_limited(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully"] + TO_ROLL_CALL)
    assert run.game.run.scene == "boeldieu_ramparts"
    run.play(["boeldieu_ramparts.play_again", "boeldieu_ramparts.answer_in_english"])
    assert run.game.run.scene == "boeldieu_ramparts"
    offers = run.offers()
    assert "climb_higher" in offers and not offers["climb_higher"].enabled
    assert "ladder" in offers["climb_higher"].reason
    assert run.var("diversion") == 4  # 2 for the flute, 1 for each stretch of play
    run.play(["boeldieu_ramparts.refuse_to_come_down"])
    assert run.prose().count("Have you gone mad? Come down.") == 1


def test_climbing_out_of_hearing_closes_the_conversation(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully"] + TO_ROLL_CALL)
    run.play(["boeldieu_ramparts.climb_higher"])
    offers = run.offers()
    assert not offers["answer_in_english"].enabled
    assert "wind" in offers["answer_in_english"].reason
    assert offers["play_again"].enabled


def _to_the_ridge(story, rope_nights):
    run = Run(story).play(TO_WINTERSBORN + rope_nights + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL)
    run.play(
        [
            "first_night_free.follow_stars",
            "hunger_road.raid_the_clamp",
            "rosenthal_foot.bind_foot",
            "the_quarrel.say_the_cruel_thing",
            "the_parting.keep_walking",
        ]
    )
    assert run.game.run.scene == "alone_in_the_hills"
    assert not run.var("with_rosenthal")
    return run


def test_taken_alone_with_the_map_does_not_say_without_a_map(story):
    run = _to_the_ridge(story, ["the_rope_making.pore_over_map"])
    assert run.has("map") and not run.has("compass")
    run.play(["alone_in_the_hills.push_on_alone>taken_alone_end"])
    assert run.game.run.ending == "taken_alone"
    assert "Without a map" not in run.text
    assert "Rosenthal's map is a page from a school atlas" in run.text


def test_taken_alone_without_map_still_says_so(story):
    run = _to_the_ridge(story, [])
    assert not run.has("map") and not run.has("compass")
    run.play(["alone_in_the_hills.push_on_alone"])
    assert run.game.run.ending == "taken_alone"
    assert "Without a map, the mountains are a maze." in run.text


def test_crossed_alone_names_only_what_you_carry(story):
    run = _to_the_ridge(story, ["the_rope_making.pore_over_map"])
    run.play(["alone_in_the_hills.push_on_alone>crossed_alone_end"])
    assert run.game.run.ending == "crossed_alone"
    assert "compass" not in run.text
    assert "pencil line runs out" in run.text


def test_no_false_sling_reason_after_burning_the_prints(story):
    run = Run(story).play(HALLBACH[:5])
    assert run.game.run.scene == "hallbach_gate"
    assert not run.has("photographs")
    offers = run.offers()
    assert "photos_in_sling" not in offers
    assert all("sling" not in o.reason for o in offers.values())
    assert all(o.enabled for o in offers.values()), "no choice that can never apply is shown dimmed"


def test_prints_in_the_sling_still_offered_when_true(story):
    steps = HALLBACH[:3] + ["forced_landing.hide_photos", "officers_lunch.talk_engines"]
    run = Run(story).play(steps)
    offers = run.offers()
    assert offers["photos_in_sling"].enabled


def test_choices_for_things_you_do_not_hold_are_hidden(story):
    run = Run(story).play(
        ["escadrille_mess.finish_the_song", "over_the_lines.hold_height", "the_albatros.side_slip_down"]
    )
    assert run.game.run.scene == "forced_landing"
    offers = run.offers()
    assert "burn_photos" not in offers and "hide_photos" not in offers
    assert offers["urge_him_to_burn"].enabled and offers["help_boeldieu"].enabled
    # the stairwell: no flute kept back, no dimmed flute to give
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully"] + TO_ROLL_CALL[:2])
    run.play(["the_flutes.bang_the_pots"])
    assert run.game.run.scene == "the_stairwell"
    assert "give_flute" not in run.offers()


def test_refusing_de_boeldieu_is_a_conversation_before_it_is_a_decision(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully", "the_search.boeldieu_distracts"])
    assert "insist_all_three" not in run.offers()
    run.play(["boeldieu_offer.refuse_all_three"])
    assert run.game.run.scene == "boeldieu_offer"
    assert "Think about that, Maréchal, before you insist." in run.prose()
    assert run.offers()["insist_all_three"].enabled and run.offers()["accept_the_plan"].enabled
    run.play(["boeldieu_offer.insist_all_three"])
    assert run.var("trust_boeldieu") >= 2
    assert run.game.run.scene == "the_flutes"
    assert "You said all three or none, that Sunday" in run.text


def test_stop_the_show_suspicion_stays_at_hallbach(story):
    run = Run(story).play(HALLBACH[:-1])
    assert run.var("marseillaise_leader")
    assert run.var("suspicion") >= 4, "at Hallbach the Marseillaise still counts"
    assert "every guard in Hallbach will know that face" in run.prose()
    run.play(HALLBACH[-1:])
    assert run.game.run.scene == "camp_to_camp"
    assert run.var("suspicion") <= 2
    run.play(["camp_to_camp.learn_german"])
    assert run.var("suspicion") <= 2
    assert "None of the guards round the courtyard has seen your face before" in run.text
    assert "Whatever Hallbach held against you, Hallbach keeps." in run.prose()


def test_wounded_arm_heals_and_is_said_to(story):
    run = Run(story).play(HALLBACH[:8])
    assert run.var("wounded")
    assert "sling on your arm" in run.text
    assert not run.offers()["take_the_face"].enabled
    run.play(HALLBACH[8:12])
    assert run.game.run.scene == "the_costumes"
    assert not run.var("wounded")
    assert "your arm is out of its sling" in run.text
    run.play(HALLBACH[12:])
    assert not run.var("wounded")
    assert "sling" not in run.text


def test_the_knee_from_the_rope_mends_on_the_farm_and_is_said_to(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL[:3])
    run.play(["down_the_rope.rosenthal_first>rope_gives", "rope_gives.lean_on_rosenthal"])
    assert run.var("wounded")
    assert "Your knee is a bag of broken glass" in run.text
    run.play(["the_shot.look_back", "boeldieu_last_hour.speak_of_the_end"])
    assert "Your knee has stiffened" in run.text
    run.play(
        [
            "first_night_free.follow_stars",
            "hunger_road.raid_the_clamp",
            "rosenthal_foot.bind_foot",
            "the_quarrel.bite_tongue",
            "the_parting.go_back",
            "going_back.make_for_the_farm",
            "elsa_shed.let_rosenthal_speak",
            "elsa_kitchen.eat_and_sleep",
            "the_patrol.hide_in_loft",
        ]
    )
    assert run.game.run.scene == "farm_days"
    assert not run.var("wounded")
    assert "Your own knee mends" in run.text
    assert "binds Rosenthal's foot again" in run.prose() or "strips of shirt" in run.prose()


def test_unwounded_pilot_has_no_sling_to_come_out_of(story):
    steps = list(HALLBACH[:12])
    steps[2] = "the_albatros.side_slip_down"
    steps[8] = "tunnel_first_night.take_the_face"
    steps[9] = "tunnel_at_the_face.shore_the_roof"
    run = Run(story).play(steps)
    assert run.game.run.scene == "the_costumes"
    assert "arm is out of its sling" not in run.text


def test_used_items_leave_the_inventory(story):
    steps = list(HALLBACH)
    steps[2] = "the_albatros.side_slip_down"
    steps[8] = "tunnel_first_night.take_the_face"
    steps[9] = "tunnel_at_the_face.shore_the_roof"
    run = Run(story).play(steps)
    assert not run.has("trowel") and not run.has("candle"), "left at Hallbach"
    assert "kept your trowel at the gate search" in run.text
    run.play(["camp_to_camp.learn_german", "wintersborn_gate.answer_courteously", "wintersborn_room.embrace_rosenthal"])
    run.play(["boeldieu_at_the_window.count_with_him", "the_rope_making.knot_carefully"] + TO_ROLL_CALL[:3])
    assert run.has("flute")
    run.play(["the_stairwell.give_flute"])
    assert not run.has("flute")
    run.play(["the_roll_call.slip_away", "boeldieu_ramparts.refuse_to_come_down"])
    assert not run.has("rope")


def test_de_boeldieu_is_not_with_you_after_the_roll_call_but_is_if_he_comes_down(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully"] + TO_ROLL_CALL)
    assert not run.var("with_boeldieu")
    assert run.var("with_rosenthal")
    # come_down is only open to a de Boeldieu who never came to trust you
    assert "come_down" not in run.offers()
    steps = list(TO_WINTERSBORN)
    steps[0] = "escadrille_mess.needle_him"
    steps[1] = "over_the_lines.turn_early"
    steps[2] = "the_albatros.side_slip_down"
    steps[3] = "forced_landing.help_boeldieu"
    steps[8] = "tunnel_first_night.carry_only"
    steps[9] = "tunnel_the_earth.scatter_slowly"
    del steps[10]
    steps[-1] = "boeldieu_at_the_window.call_it_hopeless"
    run = Run(story).play(steps + ["the_rope_making.knot_carefully", "the_search.keep_still"])
    run.play(
        [
            "boeldieu_offer.accept_the_plan",
            "the_flutes.bang_the_pots",
            "the_stairwell.promise_a_drink",
            "the_roll_call.slip_away",
        ]
    )
    assert run.var("trust_boeldieu") < 3
    run.play(["boeldieu_ramparts.come_down", "down_the_rope.you_first"])
    assert run.game.run.ending == "all_caught"
    assert run.var("with_boeldieu")
    assert "walk out of it with Rosenthal and de Boeldieu" in run.text


def test_stamina_at_zero_is_felt_on_the_road(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL[:3])
    run.game.run.variables["stamina"] = 0  # a spent man at the window
    run.play(OVER_THE_WALL[3:])
    assert run.game.run.scene == "first_night_free"
    assert run.var("stamina") == 0
    assert "You are spent." in run.text
    run.play(["first_night_free.follow_stars"])
    assert "at the end of your strength" in run.text


def test_say_sorry_is_hidden_when_nothing_was_said(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL)
    run.play(
        [
            "first_night_free.follow_stars",
            "hunger_road.raid_the_clamp",
            "rosenthal_foot.bind_foot",
            "the_quarrel.bite_tongue",
            "the_parting.go_back",
        ]
    )
    assert run.game.run.scene == "going_back"
    assert "say_sorry" not in run.offers()


def test_lying_flat_without_the_coat_is_not_saved_by_the_coat(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL)
    run.play(
        [
            "first_night_free.lie_up_a_day",
            "hunger_road.raid_the_clamp",
            "rosenthal_foot.bind_foot",
            "the_quarrel.bite_tongue",
            "the_parting.go_back",
            "going_back.make_for_the_farm",
            "elsa_shed.let_rosenthal_speak",
            "elsa_kitchen.eat_and_sleep",
            "the_patrol.hide_in_loft",
            "farm_days.split_the_wood",
            "christmas_eve.sit_with_rosenthal",
            "the_foot_healed.promise_and_go",
            "leaving_the_farm.take_only_bread",
            "the_mountains.eat_the_bread",
        ]
    )
    assert run.game.run.scene == "the_snow_valley"
    assert not run.has("civilian_clothes")
    run.game.run.variables["stamina"] = 6
    run.play(["the_snow_valley.lie_flat>switzerland_end"])
    assert run.game.run.ending == "switzerland"
    assert "It was the coat" not in run.text


def test_no_scene_prints_the_same_prose_twice_in_a_run(story):
    """Neither a whole scene text nor any paragraph of 20 words or more is shown on two entries of a run."""
    game = Game(story)
    for seed in range(150):
        picker = random.Random(seed)
        game.start(seed)
        texts = [game.text()]
        while not game.is_over:
            step = game.choose(picker.choice([o.id for o in game.choices() if o.enabled]))
            if step.text:
                texts.append(step.text)
        repeated = [t[:60] for t, n in Counter(texts).items() if n > 1]
        assert repeated == [], f"seed {seed} printed twice: {repeated}"
        paragraphs = Counter(p.strip() for t in texts for p in set(t.split("\n\n")) if len(p.split()) >= 20)
        assert [p[:60] for p, n in paragraphs.items() if n > 1] == [], f"seed {seed} repeats a paragraph"


# ---- second pass (editor's playthrough after the rework) ----

TO_LAST_PUSH = HALLBACH[:-3]  # ends entering tunnel_last_push
WINTERSBORN_THEN_OVER = TO_WINTERSBORN + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL[:3]


def test_digging_for_the_surface_and_failing_is_told(story):
    run = Run(story).play(TO_LAST_PUSH)
    assert run.game.run.scene == "tunnel_last_push"
    assert run.var("with_rosenthal")
    run.play(["tunnel_last_push.push_through>tunnel_transfer"])
    assert run.game.run.scene == "tunnel_transfer"
    assert "The surface did not come." in run.text
    assert "At eight in the morning the Feldwebel comes into the yard" in run.text
    outcome = [t for kind, key, t in run.shown if key == "tunnel_last_push.push_through"][0]
    assert "no longer with you" not in outcome
    assert not run.var("with_rosenthal")


def _knee_route(story):
    run = Run(story).play(WINTERSBORN_THEN_OVER)
    run.play(["down_the_rope.rosenthal_first>rope_gives", "rope_gives.lean_on_rosenthal"])
    run.play(["the_shot.look_back", "boeldieu_last_hour.speak_of_the_end"])
    run.play(["first_night_free.follow_stars", "hunger_road.raid_the_clamp"])
    assert run.game.run.scene == "rosenthal_foot" and run.var("wounded")
    return run


def test_the_broken_knee_is_felt_across_germany(story):
    run = _knee_route(story)
    assert "You go across on the stones, jumping" not in run.text
    assert "your bad knee held straight" in run.text
    run.play(["rosenthal_foot.bind_foot"])
    assert "walked at the pace of your knee" in run.text
    run.play(["the_quarrel.say_the_cruel_thing"])
    assert "as fast as your knee will let you" in run.text
    run.play(["the_parting.keep_walking"])
    assert run.game.run.scene == "alone_in_the_hills"
    assert "your shoulders are loose" not in run.text
    assert "The knee grinds at every step" in run.text


def test_the_food_parcel_agrees_with_itself(story):
    assert "address written twice" not in story.items["food_parcel"].text
    run = Run(story).play(HALLBACH[:7])  # dinner eaten, mother's parcel kept
    assert run.has("food_parcel")
    run.play(HALLBACH[7:])
    assert run.game.run.scene == "camp_to_camp"
    assert not run.has("food_parcel"), "eaten in the camps"
    run.play(["camp_to_camp.jump_from_train"])
    assert run.game.run.scene == "the_ditch_by_the_line"
    assert run.var("food") >= 4
    assert "no food but half a bar of chocolate" not in run.text
    assert "a heel of black bread" in run.text


def test_buried_end_follows_the_choice_taken(story):
    steps = list(TO_LAST_PUSH)
    steps[8] = "tunnel_first_night.carry_only"
    steps[9] = "tunnel_the_earth.scatter_slowly"
    del steps[10]
    run = Run(story).play(steps)
    assert run.game.run.scene == "tunnel_last_push" and not run.has("trowel")
    run.play(["tunnel_last_push.push_through>tunnel_collapse"])
    assert not run.has("candle"), "the candle goes out under the fall"
    assert "the one bed board you wedged into this stretch" not in run.text
    run.play(["tunnel_collapse.claw_upward>buried_end"])
    assert run.game.run.ending == "buried_in_tunnel"
    assert "Nobody is holding the other end" not in run.text
    assert "The cord lies slack" not in run.text
    assert "trowel in his hand" not in run.text
    assert "with his fingers in the clay" in run.text


def test_buried_after_tugging_the_cord_keeps_the_slack_cord(story):
    run = Run(story).play(TO_LAST_PUSH)
    run.play(["tunnel_last_push.push_through>tunnel_collapse"])
    run.game.run.variables["trust_boeldieu"] = 0
    run.game.run.variables["trust_rosenthal"] = 0
    run.play(["tunnel_collapse.tug_the_cord"])
    assert run.game.run.ending == "buried_in_tunnel"
    assert "Nobody is holding the other end." in run.text


def test_the_escape_names_only_what_you_saw(story):
    steps = list(TO_LAST_PUSH)
    steps[8] = "tunnel_first_night.carry_only"
    steps[9] = "tunnel_the_earth.scatter_slowly"
    del steps[10]
    run = Run(story).play(steps)
    run.game.run.variables["tunnel_length"] = 9
    run.play(["tunnel_last_push.push_through>tunnel_breakthrough"])
    choice = [o.id for o in run.offers().values() if o.enabled][0]
    run.play([f"tunnel_breakthrough.{choice}>tunnel_escape_end"])
    assert run.game.run.ending == "tunnel_escape"
    assert "wax candle going blue" not in run.text
    assert "trouser legs full of earth" in run.text


def test_shot_under_the_wire_is_not_standing_or_falling_forward(story):
    run = Run(story).play(TO_LAST_PUSH)
    run.play(["tunnel_last_push.push_through>tunnel_collapse", "tunnel_collapse.claw_upward>between_the_wires"])
    run.play(["between_the_wires.under_the_wire_now>shot_at_wire_end"])
    assert run.game.run.ending == "shot_at_the_wire"
    assert "standing in its beam" not in run.text
    assert "forward onto the barbs" not in run.text
    assert "lying in its beam on your back" in run.text


FARM = [
    "first_night_free.lie_up_a_day",
    "hunger_road.raid_the_clamp",
    "rosenthal_foot.bind_foot",
    "the_quarrel.bite_tongue",
    "the_parting.go_back",
    "going_back.make_for_the_farm",
    "elsa_shed.let_rosenthal_speak",
    "elsa_kitchen.eat_and_sleep",
    "the_patrol.hide_in_loft",
    "farm_days.split_the_wood",
]


def _to_christmas(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.braid_fast"] + TO_ROLL_CALL + OVER_THE_WALL + FARM)
    assert run.game.run.scene == "christmas_eve"
    return run


def test_the_foot_healed_reads_fit_when_spirits_are_high(story):
    run = _to_christmas(story)
    run.game.run.variables["morale"] = 9
    run.play(["christmas_eve.sit_with_rosenthal"])
    assert run.game.run.scene == "the_foot_healed" and run.var("morale") >= 8
    assert "You have not felt fit to walk over a mountain" not in run.text
    assert "so fit to walk over a mountain" in run.text


def test_lying_flat_is_warned_of_before_it_kills(story):
    for start in range(0, 6):
        run = _to_christmas(story)
        run.play(["christmas_eve.sit_with_rosenthal", "the_foot_healed.promise_and_go"])
        run.play(["leaving_the_farm.take_only_bread"])
        run.game.run.variables["stamina"] = start
        run.play(["the_mountains.eat_the_bread"])
        if run.game.run.scene == "the_snow_valley" and run.var("stamina") == 3:
            break
    assert run.var("stamina") == 3
    assert "If you go down flat now, you will not get up again." in run.text
    run.play(["the_snow_valley.lie_flat"])
    assert run.game.run.ending == "death_in_snow"


def test_one_armed_rescue_and_the_good_hand(story):
    run = Run(story).play(HALLBACH[:8])
    assert run.var("wounded") and "into your good hand" in run.text
    run.game.run.variables["stamina"] = 5
    run.play(["tunnel_first_night.hold_the_string", "tunnel_the_string.go_down_after"])
    outcome = run.shown[-2][2]
    assert "you have one arm" in outcome
    assert "you take his ankles" not in outcome
    steps = list(HALLBACH[:8])
    steps[2] = "the_albatros.side_slip_down"
    run = Run(story).play(steps)
    assert not run.var("wounded")
    assert run.has("candle") and "good hand" not in run.text


def test_rope_visits_follow_what_was_done_and_never_repeat(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.lie_low"])
    assert "Since the morning after the cocoa tin" not in run.text
    assert "The week in bed has done its work" in run.text
    run.play(["the_rope_making.pore_over_map"])
    assert "The last week of the month" in run.text
    assert "Rosenthal's page from the school atlas is in the breast" not in run.text
    assert "one such week to spare" in run.prose() and "one such night to spare" not in run.prose()
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.open_cocoa_tin", "the_rope_making.lie_low"])
    entries = [t for kind, scene, t in run.shown if kind == "enter" and scene == "the_rope_making"]
    assert len(entries) == 3
    paragraphs = Counter(p.strip() for t in entries for p in t.split("\n\n") if len(p.split()) >= 20)
    assert all(n == 1 for n in paragraphs.values())


def test_ramparts_budget_and_the_climber_coming_down(story):
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully"] + TO_ROLL_CALL)
    assert "two turns of your play and not three" not in run.text
    assert "then only for the last word you give him" in run.text
    steps = list(TO_WINTERSBORN)
    steps[0] = "escadrille_mess.needle_him"
    steps[1] = "over_the_lines.turn_early"
    steps[2] = "the_albatros.side_slip_down"
    steps[3] = "forced_landing.help_boeldieu"
    steps[8] = "tunnel_first_night.carry_only"
    steps[9] = "tunnel_the_earth.scatter_slowly"
    del steps[10]
    steps[-1] = "boeldieu_at_the_window.call_it_hopeless"
    run = Run(story).play(steps + ["the_rope_making.knot_carefully", "the_search.keep_still"])
    run.play(["boeldieu_offer.accept_the_plan", "the_flutes.bang_the_pots", "the_stairwell.promise_a_drink"])
    run.play(["the_roll_call.slip_away", "boeldieu_ramparts.climb_higher", "boeldieu_ramparts.come_down"])
    outcome = [t for kind, key, t in run.shown if key == "boeldieu_ramparts.come_down"][0]
    assert "because he asked you as a friend" not in outcome
    assert "asking into the wind" in outcome


def test_used_things_are_given_up_where_they_are_used(story):
    # the prints do not outlast the camps
    steps = HALLBACH[:3] + [
        "forced_landing.hide_photos",
        "officers_lunch.talk_engines",
        "hallbach_gate.photos_in_sling",
    ]
    run = Run(story).play(steps + HALLBACH[6:])
    assert run.game.run.scene == "camp_to_camp"
    assert not run.has("photographs")
    assert "The reconnaissance prints do not get past the next gate" in run.text
    # the rope is used up on the three-man descent
    run = Run(story).play(TO_WINTERSBORN + ["the_rope_making.knot_carefully", "the_search.boeldieu_distracts"])
    run.game.run.variables["trust_boeldieu"] = 0
    run.play(["boeldieu_offer.refuse_all_three", "boeldieu_offer.insist_all_three"])
    assert run.game.run.scene == "three_on_the_wall"
    assert not run.has("rope")


def test_stay_end_gives_away_the_map_and_compass(story):
    run = _to_christmas(story)
    run.play(["christmas_eve.sit_with_rosenthal"])
    stay = ["stay_with_her"]
    run.game.run.items.add("map")
    run.game.run.items.add("compass")
    run.game.run.variables["elsa_love"] = 8
    run.play([f"the_foot_healed.{stay[0]}"])
    assert run.game.run.ending == "stay_with_elsa"
    assert not run.has("map") and not run.has("compass")


def test_all_caught_is_period_true_and_has_the_cells(story):
    steps = list(TO_WINTERSBORN)
    steps[0] = "escadrille_mess.needle_him"
    steps[1] = "over_the_lines.turn_early"
    steps[2] = "the_albatros.side_slip_down"
    steps[3] = "forced_landing.help_boeldieu"
    steps[8] = "tunnel_first_night.carry_only"
    steps[9] = "tunnel_the_earth.scatter_slowly"
    del steps[10]
    steps[-1] = "boeldieu_at_the_window.call_it_hopeless"
    run = Run(story).play(steps + ["the_rope_making.knot_carefully", "the_search.keep_still"])
    run.play(["boeldieu_offer.accept_the_plan", "the_flutes.bang_the_pots", "the_stairwell.promise_a_drink"])
    run.play(["the_roll_call.slip_away", "boeldieu_ramparts.come_down", "down_the_rope.you_first"])
    assert run.game.run.ending == "all_caught"
    assert "nothing left in Paris to send" not in run.text
    assert "German railways" in run.text
    assert "casemates under the keep" in run.text


def test_the_file_word_is_read_by_a_man_who_knows_german(story):
    run = Run(story).play(HALLBACH[:-1])
    run.game.run.variables["german"] = 3
    run.play(HALLBACH[-1:])
    assert run.game.run.scene == "camp_to_camp"
    assert "that Rosenthal would have been able to translate for you" not in run.text
    assert "read it upside down" in run.text


def test_sitting_down_after_leading_the_song_is_noticed(story):
    run = Run(story).play(HALLBACH[:14])
    assert run.game.run.scene == "the_marseillaise" and run.var("marseillaise_leader")
    run.play(["the_marseillaise.sit_down"])
    outcome = [t for kind, key, t in run.shown if key == "the_marseillaise.sit_down"][0]
    assert "writes in his little book" in outcome
    assert run.game.run.scene == "solitary_cell"

"""The rupture rules of CLINICAL.md, one by one, on tiny hand-made series; their scaling
to other instruments; repair; the sentences; and the demo journal's V-shaped drops."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insights.calibration import calibration
from insights.frames import frames, session_frame
from insights.ruptures import (
    KIND_OF_RULE,
    PATIENT_RULES,
    RULES,
    THRESHOLD_HELP,
    Flag,
    Rupture,
    Thresholds,
    flags,
    flags_by_session,
    review,
    rupture_flagged,
    ruptures,
    session_sentence,
    unrepaired_flags,
    usual_of,
)
from practice import demo
from storage.records import Client, Estimate, Feedback, Reflection, Session
from tests.test_frames import INSTRUMENTS, Caseload, V, sid

DEFAULT = Thresholds()
QUIET = Thresholds(low_min_sessions=1000)  # no percentile rule, to watch one rule alone


def run(visits: list, instrument: str = "sac4", thresholds: Thresholds = DEFAULT) -> list[Flag]:
    sessions, items = Caseload().add("C-001", visits, instrument=instrument).frames()
    return flags(sessions, items, thresholds)


def rules_at(found: list[Flag], number: int, code: str = "C-001") -> list[str]:
    return [f.rule for f in found if f.session_id == sid(code, number)]


def fired(found: list[Flag], rule: str) -> list[int]:
    """Session numbers where `rule` fired (client C-001)."""
    return [int(f.session_id.rsplit("-s", 1)[1]) for f in found if f.rule == rule]


# ---- thresholds ---------------------------------------------------------------------------


def test_the_defaults_are_those_of_clinical_md() -> None:
    assert DEFAULT.as_dict() == {
        "drop_points": 4,
        "drop_sd_factor": 1.5,
        "drop_few_sessions": 5,
        "item_low": 6,
        "item_usual": 8,
        "item_drop": 3,
        "low_percentile": 20,
        "low_below_mean": 4,
        "low_min_sessions": 5,
        "misattune_total": 5,
        "misattune_item": 3,
        "under_total": 5,
        "ceiling_total": 38,
        "ceiling_spread": 1,
        "ceiling_sessions": 4,
        "repair_tolerance": 1,
        "unrepaired_sessions": 2,
    }
    assert DEFAULT.srs_cutoff_inclusive is True
    assert set(THRESHOLD_HELP) == set(DEFAULT.as_dict())


def test_settings_override_the_defaults_and_unknown_keys_are_ignored() -> None:
    got = Thresholds.from_settings({"drop_points": 6, "item_low": 5.5, "colour": "blue"}, False)
    assert got.drop_points == 6 and got.item_low == 5.5 and got.srs_cutoff_inclusive is False
    assert got.item_drop == 3
    assert Thresholds.from_settings({}, True) == DEFAULT
    assert Thresholds.from_settings(None) == DEFAULT


def test_as_dict_round_trips_through_from_settings() -> None:
    custom = Thresholds(drop_points=3, ceiling_sessions=6, srs_cutoff_inclusive=False)
    assert Thresholds.from_settings(custom.as_dict(), False) == custom


def test_a_whole_number_given_as_a_float_is_accepted_as_an_int() -> None:
    got = Thresholds.from_settings({"ceiling_sessions": 5.0})
    assert got.ceiling_sessions == 5 and isinstance(got.ceiling_sessions, int)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("drop_points", "four"),
        ("drop_points", 0),
        ("drop_points", -1),
        ("drop_points", 41),
        ("item_low", 11),
        ("item_low", math.nan),
        ("low_below_mean", math.inf),
        ("repair_tolerance", -1),
        ("low_percentile", 101),
        ("low_min_sessions", 2.5),
        ("ceiling_sessions", 1),
        ("unrepaired_sessions", 0),
        ("misattune_item", True),
        ("under_total", None),
    ],
)
def test_a_bad_threshold_raises_a_value_error_naming_its_key(key: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"'{key}'"):
        Thresholds.from_settings({key: value})


def test_a_non_boolean_cutoff_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="srs_cutoff_inclusive"):
        Thresholds(srs_cutoff_inclusive="yes")  # type: ignore[arg-type]


# ---- rule 1: drop --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([36, 36, 36, 32], [4]),  # 4 below the mean of the last 3
        ([36, 36, 36, 33], []),  # 3 below: not enough
        ([33, 36, 36, 36, 32], [5]),  # only the last 3 count (all 4: 3.25 below)
        ([36, 31], [2]),  # one earlier session: 5 below it
        ([36, 32], []),  # one earlier session: 4 is not enough
        ([36, 36, 31], [3]),  # two earlier sessions: 5 below their mean
        ([36], []),  # one session: nothing to compare
    ],
)
def test_a_drop_is_flagged_against_the_mean_of_the_previous_three_sessions(
    totals: list[int], expected: list[int]
) -> None:
    assert fired(run(totals, thresholds=QUIET), "drop") == expected


def test_sessions_without_feedback_are_skipped_when_looking_back() -> None:
    visits = [36, 36, V(est=30), 36, V(late=True), 32]
    assert fired(run(visits, thresholds=QUIET), "drop") == [6]


def test_a_client_whose_scores_swing_needs_a_bigger_drop_than_four() -> None:
    # every change is +-6: the robust spread is 1.4826 x 6 = 8.9, and 1.5 x that is 13.3
    swinging = [34, 40, 34, 40, 34, 40]  # the last three average 38
    assert fired(run([*swinging, 28], thresholds=QUIET), "drop") == []  # 10 below 38
    assert fired(run([*swinging, 24], thresholds=QUIET), "drop") == [7]  # 14 below
    assert fired(run([*swinging, 24], thresholds=Thresholds(drop_sd_factor=2)), "drop") == []


def test_one_earlier_rupture_does_not_hide_the_next_clean_fall() -> None:
    # changes 0, 0, 1, -1, -10, 10, 0, 1, -1: an SD of 5.5 would ask for an 8-point fall;
    # the median absolute change is 1 (spread 1.5, 1.5 x that 2.2), so 4 points is enough
    series = [36, 36, 36, 37, 36, 26, 36, 36, 37, 36]
    assert fired(run([*series, 32], thresholds=QUIET), "drop") == [6, 11]


def test_the_drop_sentence_names_the_points_and_the_rule() -> None:
    (flag,) = [f for f in run([36, 36, 36, 30], thresholds=QUIET) if f.rule == "drop"]
    assert flag.sentence == (
        "Your client's total fell 6 points below the average of their last three sessions (drop)."
    )
    assert flag.kind == "rupture"


@pytest.mark.parametrize(
    ("last", "flagged"),
    [(49, True), (50, False)],
)
def test_on_wai_sr_the_drop_of_four_is_scaled_to_4_8_points(last: int, flagged: bool) -> None:
    found = run([54, 54, 54, last], instrument="wai_sr", thresholds=QUIET)
    assert ("drop" in rules_at(found, 4)) is flagged


# ---- rule 2: item drop ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("usual", "voice", "flagged"),
    [(9, 6, True), (8, 6, True), (9, 7, False), (7, 6, False)],
)
def test_an_item_at_or_below_six_is_flagged_when_the_client_usually_gives_it_eight(
    usual: int, voice: int, flagged: bool
) -> None:
    before = [V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": usual})] * 2
    # 9 -> 7 is a fall of 2 and 7 -> 6 of 1: only the "usually 8 or more" rule can fire
    found = run([*before, V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": voice})])
    assert ("item_drop" in rules_at(found, 3)) is flagged


@pytest.mark.parametrize(("voice", "rules"), [(6, ["low_item"]), (7, [])])
def test_on_a_first_session_a_low_item_is_a_low_item_not_a_drop(
    voice: int, rules: list[str]
) -> None:
    found = run([V(fb={"bond": 10, "goals": 10, "tasks": 10, "voice": voice})])
    assert rules_at(found, 1) == rules
    assert all(f.kind == "note" for f in found)
    broken = breaks([V(fb={"bond": 10, "goals": 10, "tasks": 10, "voice": voice})])
    assert broken == []  # a note opens no rupture


@pytest.mark.parametrize(("voice", "flagged"), [(7, True), (8, False)])
def test_an_item_down_three_from_the_previous_session_is_flagged(voice: int, flagged: bool) -> None:
    before = V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": 10})
    after = V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": voice})
    found = run([before, after], thresholds=QUIET)
    assert ("item_drop" in rules_at(found, 2)) is flagged


def test_an_item_drop_compares_with_the_previous_session_that_has_feedback() -> None:
    before = V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": 10})
    after = V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": 7})
    found = run([before, V(est=30), V(late=True), after], thresholds=QUIET)
    assert fired(found, "item_drop") == [4]


def test_items_are_not_compared_across_a_change_of_instrument() -> None:
    # a custom copy of SAC-4 shares its item ids, so only the instrument tells them apart
    copy = dataclasses.replace(INSTRUMENTS["sac4"], id="sac4_copy", custom=True)
    instruments = {**INSTRUMENTS, "sac4_copy": copy}
    before = V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": 10}, fb_instrument="sac4_copy")
    after = V(fb={"bond": 9, "goals": 9, "tasks": 9, "voice": 7})
    case = Caseload().add("C-001", [before, after])
    sessions, items = frames(
        case.clients, case.sessions, case.estimates, case.feedback, instruments
    )
    assert fired(flags(sessions, items, QUIET), "item_drop") == []
    before.fb_instrument = None
    assert fired(run([before, after], thresholds=QUIET), "item_drop") == [2]


def test_the_item_sentence_names_the_items_by_their_labels() -> None:
    before = V(fb={"bond": 9, "goals": 10, "tasks": 9, "voice": 9})
    after = V(fb={"bond": 9, "goals": 7, "tasks": 5, "voice": 9})
    (flag,) = [f for f in run([before, after], thresholds=QUIET) if f.rule == "item_drop"]
    assert flag.sentence == (
        "Your client rated Tasks 5 out of 10 and gave Goals 3 points less than last session "
        "(item drop)."
    )


@pytest.mark.parametrize(("score", "flagged"), [(3, True), (4, False)])
def test_on_wai_sr_an_item_at_or_below_3_4_of_1_to_5_is_a_low_item(
    score: int, flagged: bool
) -> None:
    items = {f"item{k}": 5 for k in range(1, 13)} | {"item3": score}
    found = run([V(fb=items)], instrument="wai_sr")
    assert ("low_item" in rules_at(found, 1)) is flagged


# ---- rule 3: low ---------------------------------------------------------------------------


@pytest.mark.parametrize("instrument", ["sac4", "wai_sr"])
def test_without_a_published_cutoff_no_total_is_low_on_its_own(instrument: str) -> None:
    # a client who always rates SAC-4 around 28, or WAI-SR "very often" (48) on every item
    lowest = {"sac4": 28, "wai_sr": 48}[instrument]
    assert fired(run([lowest] * 8, instrument=instrument), "low") == []


@pytest.mark.parametrize(("total", "flagged"), [(33, True), (34, True), (35, False)])
def test_low_for_this_client_needs_both_their_20th_percentile_and_four_below_their_mean(
    total: int, flagged: bool
) -> None:
    # earlier 36..40: 20th percentile 36.8, mean 38; 34 is 4 below the mean, 35 only 3
    found = run([36, 37, 38, 39, 40, total])
    assert (fired(found, "low") == [6]) is flagged


@pytest.mark.parametrize(("total", "flagged"), [(53, True), (54, False)])
def test_on_wai_sr_four_below_the_mean_is_scaled_to_4_8_points(total: int, flagged: bool) -> None:
    # earlier 56, 57, 58, 59, 60: mean 58, 20th percentile 56.8; 4.8 points below is 53.2
    found = run([56, 57, 58, 59, 60, total], instrument="wai_sr")
    assert (fired(found, "low") == [6]) is flagged


@pytest.mark.parametrize(
    ("total", "inclusive", "flagged"),
    [
        (36, True, True),
        (36, False, False),
        (35, False, True),
        (37, True, False),
        (32, True, True),
    ],
)
def test_srs_low_uses_the_cutoff_inclusive_or_exclusive_as_set(
    total: int, inclusive: bool, flagged: bool
) -> None:
    found = run([total], instrument="srs", thresholds=Thresholds(srs_cutoff_inclusive=inclusive))
    assert (fired(found, "low") == [1]) is flagged


def test_below_the_clients_own_20th_percentile_is_low_after_five_sessions() -> None:
    # earlier 30, 36, 38, 39, 40: 20th percentile 34.8, mean 36.6; 32 is below both
    assert fired(run([30, 36, 38, 39, 40, 32]), "low") == [6]
    assert fired(run([36, 38, 39, 40, 32]), "low") == []  # only four before
    assert fired(run([32, 32, 32, 32, 40, 32]), "low") == []  # at the percentile, not below


def test_the_low_sentence_says_what_the_total_was_compared_with() -> None:
    (cut,) = [f for f in run([35], instrument="srs") if f.rule == "low"]
    assert (
        cut.sentence == "Your client's total of 35 out of 40 is at or below the cutoff of 36 (low)."
    )
    (own,) = [f for f in run([36, 37, 38, 39, 40, 33]) if f.rule == "low"]
    assert own.sentence == (
        "Your client's total of 33 out of 40 is in the lowest 20% of their own sessions "
        "and well below their usual (low)."
    )


# ---- rule 4: misattunement and under-estimate ----------------------------------------------


@pytest.mark.parametrize(
    ("estimate", "feedback", "rules"),
    [
        (38, 33, ["misattunement"]),
        (37, 33, []),
        (33, 38, ["underestimate"]),
        (34, 38, []),
        (36, 36, []),
    ],
)
def test_an_estimate_five_above_is_a_possible_rupture_and_five_below_a_note(
    estimate: int, feedback: int, rules: list[str]
) -> None:
    found = run([V(fb=feedback, est=estimate)], thresholds=QUIET)
    assert [r for r in rules_at(found, 1) if r in ("misattunement", "underestimate")] == rules


def test_an_item_estimated_three_above_is_a_possible_rupture_even_with_close_totals() -> None:
    visit = V(
        fb={"bond": 9, "goals": 9, "tasks": 9, "voice": 7},
        est={"bond": 9, "goals": 9, "tasks": 8, "voice": 10},
    )
    (flag,) = [f for f in run([visit]) if f.rule == "misattunement"]
    assert flag.kind == "possible"
    assert flag.sentence == (
        "Your estimate of Voice was 3 points above your client's rating: a possible "
        "unrecognised rupture (misattunement)."
    )


def test_kinds_of_misattunement_and_under_estimate() -> None:
    over = [f for f in run([V(fb=30, est=38)]) if f.rule == "misattunement"]
    under = [f for f in run([V(fb=38, est=30)]) if f.rule == "underestimate"]
    assert over[0].kind == "possible" and under[0].kind == "note"
    assert "helpless or inadequate" in under[0].sentence


@pytest.mark.parametrize(("estimate", "flagged"), [(54, True), (53, False)])
def test_on_wai_sr_misattunement_is_scaled_to_six_points(estimate: int, flagged: bool) -> None:
    found = run([V(fb=48, est=estimate)], instrument="wai_sr", thresholds=QUIET)
    assert ("misattunement" in rules_at(found, 1)) is flagged


def test_without_feedback_there_is_no_misattunement() -> None:
    assert rules_at(run([V(est=40)]), 1) == []


# ---- rule 5: markers -----------------------------------------------------------------------


def test_ticked_markers_are_flagged_even_with_a_perfect_score() -> None:
    found = run([V(fb=40, est=40, withdrawal=2, confrontation=1)])
    (flag,) = [f for f in found if f.rule == "markers"]
    assert flag.kind == "possible"
    assert flag.sentence.startswith("You ticked 2 withdrawal markers and 1 confrontation marker")


def test_markers_are_flagged_even_before_feedback_arrives() -> None:
    assert rules_at(run([V(est=36, withdrawal=1)]), 1) == ["markers"]


# ---- rule 6: ceiling -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([40, 40, 40, 40], [4]),
        ([40, 40, 40], []),
        ([38, 38, 38, 38, 38, 38], [4]),  # once per run
        ([37, 37, 37, 37], []),  # below 38
        ([40, 40, 39, 40, 40, 40], [4]),  # within 1 point: the same run
        ([40, 40, 38, 40, 40, 40], []),  # 2 points apart: the run starts again at 38 ...
        ([40, 40, 38, 40, 40, 40, 40], [7]),  # ... and again at the next 40
        ([38, 39, 38, 39], [4]),
    ],
)
def test_four_top_totals_within_a_point_in_a_row_nudge_for_critical_feedback(
    totals: list[int], expected: list[int]
) -> None:
    found = run(totals)
    assert fired(found, "ceiling") == expected
    assert all(f.kind == "nudge" for f in found if f.rule == "ceiling")


def test_a_session_without_feedback_does_not_break_a_ceiling_run() -> None:
    assert fired(run([40, 40, V(est=40), 40, 40]), "ceiling") == [5]


# ---- rule 8: missing -----------------------------------------------------------------------


def test_a_late_cancellation_is_a_possible_sign_of_withdrawal() -> None:
    found = run([36, V(late=True)])
    assert rules_at(found, 2) == ["missing"]
    assert found[-1].kind == "possible" and "cancelled late" in found[-1].sentence


def test_no_feedback_after_a_flagged_session_is_flagged() -> None:
    found = run([36, 36, 36, 28, V(est=30), V(est=30)], thresholds=QUIET)
    assert fired(found, "missing") == [5, 6]  # the second follows a "missing" flag


def test_no_feedback_after_an_unflagged_session_is_not_flagged() -> None:
    assert fired(run([36, 36, V(est=36)]), "missing") == []


def test_no_feedback_after_a_session_that_was_flagged_earlier_on_is_not_flagged() -> None:
    found = run([36, 36, 36, 28, 36, V(est=36)], thresholds=QUIET)
    assert fired(found, "drop") == [4] and fired(found, "missing") == []


def test_no_feedback_after_a_note_or_a_nudge_is_not_flagged() -> None:
    found = run([V(fb=38, est=30), V(est=36)])
    assert rules_at(found, 1) == ["underestimate"] and fired(found, "missing") == []


# ---- all rules together --------------------------------------------------------------------


def test_feedback_seen_before_the_estimate_still_gets_flags() -> None:
    found = run([V(fb=26, est=36, seen_first=True)])
    assert rules_at(found, 1) == ["low_item", "misattunement"]


def test_a_single_session_and_an_empty_frame_give_what_they_can() -> None:
    assert rules_at(run([40]), 1) == []
    sessions, items = frames([], [], [], [], INSTRUMENTS)
    assert flags(sessions, items, DEFAULT) == []
    assert ruptures(sessions, [], DEFAULT) == []
    assert review(sessions, items, DEFAULT) == ([], [])


def test_flags_come_per_client_in_session_order_and_rule_order() -> None:
    case = Caseload().add("C-002", [V(fb=28, est=36, withdrawal=1)]).add("C-001", [36, 25])
    sessions, items = case.frames()
    found = flags(sessions, items, QUIET)
    assert [(f.session_id, f.rule) for f in found] == [
        (sid("C-001", 2), "drop"),
        (sid("C-001", 2), "item_drop"),
        (sid("C-002", 1), "misattunement"),
        (sid("C-002", 1), "markers"),
    ]
    assert all(f.client_id == "id-" + f.session_id.rsplit("-s", 1)[0] for f in found)


def test_one_clients_slice_of_the_frames_gets_the_same_flags_as_in_the_whole_caseload() -> None:
    case = Caseload().add("C-001", [36, 36, 36, 28, V(est=30), 30, 36])
    case.add("C-002", [V(fb=40, est=30), 34, V(late=True), V(fb=25, est=38, withdrawal=1)])
    sessions, items = case.frames()
    whole, whole_breaks = review(sessions, items, DEFAULT)
    one = sessions[sessions["client"] == "C-002"]  # keeps its original index
    part, part_breaks = review(one, items[items["client"] == "C-002"], DEFAULT)
    assert part == [f for f in whole if f.client_id == "id-C-002"]
    assert part_breaks == [r for r in whole_breaks if r.client_id == "id-C-002"]
    assert calibration(one, items, part, DEFAULT).n == 2


def test_a_journal_of_late_cancellations_only_flags_them_as_missing() -> None:
    assert [f.rule for f in run([V(late=True), V(late=True)])] == ["missing", "missing"]


def test_clients_do_not_share_a_history() -> None:
    case = Caseload().add("C-001", [40, 40, 40]).add("C-002", [34])
    sessions, items = case.frames()
    assert flags(sessions, items, QUIET) == []


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.tuples(st.integers(0, 40), st.integers(0, 40))),
        min_size=1,
        max_size=15,
    )
)
def test_every_flag_is_one_plain_sentence_naming_its_rule_with_the_right_kind(
    series: list[tuple[int, int] | None],
) -> None:
    visits = [
        V(late=True) if s is None else V(fb=s[0], est=s[1], withdrawal=s[0] < 5) for s in series
    ]
    sessions, items = Caseload().add("C-001", visits).frames()
    found, _ = review(sessions, items, DEFAULT)
    for flag in found:
        assert flag.rule in RULES and flag.kind == KIND_OF_RULE[flag.rule]
        assert flag.sentence.endswith(f"({flag.rule.replace('_', ' ')}).")
        assert flag.sentence.count(". ") == 0 and flag.sentence[0].isupper()
        assert "diagnos" not in flag.sentence.lower()


# ---- rule 7: repair ------------------------------------------------------------------------


def breaks(visits: list, thresholds: Thresholds = QUIET) -> list[Rupture]:
    sessions, items = Caseload().add("C-001", visits).frames()
    return ruptures(sessions, flags(sessions, items, thresholds), thresholds)


def test_a_v_shaped_drop_that_comes_back_to_the_pre_drop_mean_is_repaired() -> None:
    (rupture,) = breaks([36, 36, 36, 28, 36])
    assert rupture.session_id == sid("C-001", 4) and rupture.client_id == "id-C-001"
    assert rupture.rules == ("drop",)
    assert rupture.status == "repaired" and rupture.resolved_session_id == sid("C-001", 5)
    assert rupture.pre_mean == 36.0


@pytest.mark.parametrize(("back", "status"), [(35, "repaired"), (34, "open")])
def test_within_one_point_of_the_pre_drop_mean_is_repaired(back: int, status: str) -> None:
    (rupture,) = breaks([36, 36, 36, 28, back])
    assert rupture.status == status
    (strict,) = breaks([36, 36, 36, 28, back], dataclasses.replace(QUIET, repair_tolerance=0))
    assert strict.status == "open"


def test_the_pre_drop_mean_is_the_clients_usual_not_only_the_three_sessions_before() -> None:
    # the three before the fall (38, 38, 38) were high for this client (usually 34-38)
    (rupture,) = breaks([34, 34, 34, 34, 34, 38, 38, 38, 30, 35])
    assert rupture.pre_mean == pytest.approx((34 * 5 + 38 * 3) / 8)
    assert rupture.status == "repaired"


def test_two_sessions_still_below_the_pre_drop_mean_leave_it_unrepaired() -> None:
    (rupture,) = breaks([36, 36, 36, 28, 33, 34])
    assert rupture.status == "unrepaired" and rupture.resolved_session_id is None
    assert rupture.unrepaired_session_id == sid("C-001", 6)


def test_right_after_the_drop_or_one_low_session_later_the_rupture_is_open() -> None:
    assert [r.status for r in breaks([36, 36, 36, 28])] == ["open"]
    assert [r.status for r in breaks([36, 36, 36, 28, 33])] == ["open"]
    assert [r.status for r in breaks([36, 36, 36, 28, V(est=30), V(late=True)])] == ["open"]


@pytest.mark.parametrize(("needed", "status"), [(2, "unrepaired"), (3, "open")])
def test_the_number_of_low_sessions_for_unrepaired_is_a_setting(needed: int, status: str) -> None:
    (rupture,) = breaks([36, 36, 36, 28, 33, 34], Thresholds(unrepaired_sessions=needed))
    assert rupture.status == status


def test_further_flags_while_still_below_belong_to_the_same_rupture() -> None:
    found = breaks([36, 36, 36, 28, 25, 30])  # 25 and 30 are flagged too
    assert [(r.session_id, r.status) for r in found] == [(sid("C-001", 4), "unrepaired")]
    assert found[0].low_sessions == 2


def test_a_new_rupture_after_a_repair_is_counted_again() -> None:
    found = breaks([36, 36, 36, 28, 36, 36, 28, 34], DEFAULT)
    assert [(r.session_id, r.status) for r in found] == [
        (sid("C-001", 4), "repaired"),
        (sid("C-001", 7), "repaired"),
    ]
    # the one earlier fall leaves the median change at 0: 28 is 5.3 below the last
    # three (33.3), a drop; and below the 20th percentile (36) and 6.7 below the mean
    assert found[1].rules == ("drop", "low")
    assert found[1].pre_mean == pytest.approx((36 * 5 + 28) / 6)
    assert found[1].resolved_session_id == sid("C-001", 8)  # 34 >= 34.67 - 1


def test_with_fewer_than_three_sessions_before_it_is_repaired_when_no_patient_rule_fires() -> None:
    # 36 -> 30 is a drop of 6 with one session before; 24 falls again (9 below 33);
    # at 36 nothing fires: repaired, with the further fall marked as deepening it
    (rupture,) = breaks([36, 30, 24, 36])
    assert rupture.pre_mean is None and rupture.session_id == sid("C-001", 2)
    assert rupture.status == "repaired" and rupture.resolved_session_id == sid("C-001", 4)
    assert rupture.deepened_session_ids == (sid("C-001", 3),)


def test_an_unrepaired_rupture_that_comes_back_later_is_repaired_late() -> None:
    (rupture,) = breaks([36, 30, 24, 18, 36])
    assert rupture.status == "repaired late"
    assert rupture.unrepaired_session_id == sid("C-001", 4)
    assert rupture.resolved_session_id == sid("C-001", 5)
    assert rupture.deepened_session_ids == (sid("C-001", 3), sid("C-001", 4))


def test_a_low_session_inside_an_episode_that_is_not_lower_does_not_deepen_it() -> None:
    (rupture,) = breaks([36, 36, 36, 26, 27, 36], DEFAULT)
    assert rupture.deepened_session_ids == () and rupture.status == "repaired"


def test_only_patient_side_flags_open_a_rupture() -> None:
    assert breaks([V(fb=36, est=36, withdrawal=2), V(fb=30, est=38), V(late=True)]) == [
        breaks([V(fb=36, est=36), V(fb=30, est=38)])[0]
    ]
    assert breaks([V(fb=36, est=40, withdrawal=1), V(fb=36, est=36)]) == []


def test_pre_mean_is_given_in_points_of_the_instrument() -> None:
    sessions, items = Caseload().add("C-001", [54, 54, 54, 40], instrument="wai_sr").frames()
    (rupture,) = ruptures(sessions, flags(sessions, items, QUIET), QUIET)
    assert rupture.pre_mean == pytest.approx(54.0)
    assert rupture.pre_mean_pct == pytest.approx(87.5)


def test_an_unrepaired_rupture_gets_a_flag_suggesting_supervision() -> None:
    sessions, items = Caseload().add("C-001", [36, 36, 36, 28, 33, 34, 34]).frames()
    found, broken = review(sessions, items, QUIET)
    (extra,) = unrepaired_flags(broken, sessions)
    assert extra.session_id == sid("C-001", 6) and extra.kind == "rupture"
    assert extra.sentence == (
        "Your client's total has stayed below where it was before session 4 in the sessions "
        "since; this may be worth taking to supervision (unrepaired)."
    )
    assert extra in found
    assert rules_at(found, 6)[-1] == "unrepaired"


# ---- sentences and the selector's question -------------------------------------------------


def flag(rule: str, session: str = "s1") -> Flag:
    return Flag(session, "c1", rule, KIND_OF_RULE[rule], f"... ({rule}).")


@pytest.mark.parametrize(
    ("rules", "gap", "sentence"),
    [
        (
            ["drop"],
            3.0,
            "Possible rupture: their rating dropped below their recent average (drop). "
            "Your estimate was 3 points above your client's rating.",
        ),
        (
            [],
            -1.0,
            "Your estimate was 1 point below your client's rating; nothing in their ratings "
            "stood out.",
        ),
        (
            [],
            0.0,
            "Your estimate matched your client's rating; nothing in their ratings stood out.",
        ),
        (
            ["markers", "low"],
            None,
            "Possible rupture: their rating was low for them (low). Your client's rating is in.",
        ),
        (
            ["ceiling", "underestimate"],
            math.nan,
            "Your client's rating is in; they rated the session higher than you thought "
            "(underestimate).",
        ),
        (
            ["misattunement"],
            4.8,
            "Possible rupture: your estimate was well above their rating, so a rupture may "
            "have gone unseen in the session (misattunement). Your estimate was 4.8 points "
            "above your client's rating.",
        ),
    ],
)
def test_the_reflect_page_sentence_gives_the_gap_and_the_most_important_rule(
    rules: list[str], gap: float | None, sentence: str
) -> None:
    assert session_sentence([flag(r) for r in rules], gap) == sentence


def test_a_possible_rupture_names_the_clients_usual_score_and_todays() -> None:
    usual = usual_of([36, 37, 38, 38, 36], today=29, out_of=40)
    assert usual is not None and usual.in_words() == "usually 36-38, today 29 (out of 40)"
    assert session_sentence([flag("drop")], -2.0, usual) == (
        "Possible rupture: their rating dropped below their recent average (drop). Your "
        "client is usually 36-38, today 29 (out of 40). Your estimate was 2 points below "
        "your client's rating."
    )
    assert usual_of([36, 37], today=29, out_of=40) is None  # too few to know their usual
    assert usual_of([38, 38, 38], today=30, out_of=40).in_words() == (
        "usually 38, today 30 (out of 40)"
    )


def test_rupture_flagged_is_true_only_for_rupture_or_possible_flags_on_that_session() -> None:
    found = [flag("underestimate", "a"), flag("ceiling", "a"), flag("markers", "b")]
    found.append(flag("drop", "c"))
    assert not rupture_flagged(found, "a")
    assert rupture_flagged(found, "b") and rupture_flagged(found, "c")
    assert not rupture_flagged(found, "d")
    assert list(flags_by_session(found)) == ["a", "b", "c"]


# ---- the demo journal ------------------------------------------------------------------------


def demo_records(sessions: int, seed: int) -> dict[type, list]:
    found: dict[type, list] = {}
    for record in demo.generate(sessions, seed=seed, today=date(2026, 6, 15)):
        found.setdefault(type(record), []).append(record)
    return found


@pytest.fixture(scope="module")
def demo_2000() -> dict[type, list]:
    return demo_records(2000, 1)


def test_the_demos_v_shaped_drops_are_flagged_and_most_are_repaired(
    demo_2000: dict[type, list],
) -> None:
    records = demo_2000
    sessions, items = frames(
        records[Client], records[Session], records[Estimate], records[Feedback], INSTRUMENTS
    )
    found, broken = review(sessions, items, DEFAULT)
    # The demo tags the reflection of each drop "rupture" (and the low sessions of an
    # unrepaired one); the session after a repaired drop is tagged "repair".
    tags = {r.session_id: set(r.tags) for r in records[Reflection]}
    order = sessions[["session_id", "client_id", "feedback"]].values.tolist()
    drops, after = [], {}
    for (prev_sid, prev_cid, _), (this_sid, cid, total) in zip(order, order[1:], strict=False):
        if prev_cid == cid:
            after[prev_sid] = this_sid
        starts = "rupture" in tags.get(this_sid, ()) and not (
            prev_cid == cid and "rupture" in tags.get(prev_sid, ())
        )
        if starts and not math.isnan(total):
            drops.append(this_sid)
    assert len(drops) >= 30

    patient_flagged = {f.session_id for f in found if f.rule in PATIENT_RULES}
    # the demo also makes slow two-step declines (35, 32, 31): a margin of 4 points misses
    # some, as it should; CLINICAL.md asks for 90% of true ruptures
    assert sum(d in patient_flagged for d in drops) >= 0.9 * len(drops)

    repaired_in_demo = [d for d in drops if "repair" in tags.get(after.get(d, ""), ())]
    by_start = {r.session_id: r for r in broken}
    statuses = Counter(by_start[d].status for d in repaired_in_demo if d in by_start)
    assert statuses["repaired"] > 0.6 * sum(statuses.values()), statuses
    unrepaired = [d for d in drops if d not in repaired_in_demo and d in by_start]
    # ever marked unrepaired: still so, or repaired late once the demo's total came back
    marked = [d for d in unrepaired if by_start[d].unrepaired_session_id]
    assert len(marked) > 0.6 * len(unrepaired)


def test_the_whole_pipeline_runs_on_ten_thousand_demo_sessions() -> None:
    # its time is measured by `make bench`, never here
    records = demo_records(10_000, 0)
    args = (records[Client], records[Session], records[Estimate], records[Feedback], INSTRUMENTS)
    sessions, items = frames(*args)
    found = flags(sessions, items, DEFAULT)
    broken = ruptures(sessions, found, DEFAULT)
    calibration(sessions, items, found, DEFAULT)
    assert len(session_frame(*args)) == 10_000 and broken


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["c1", "c2"]),
            st.sampled_from(["i1", "i2", "i3"]),
            st.floats(0, 100, allow_nan=False),
        ),
        max_size=40,
    )
)
def test_an_items_usual_level_is_the_median_of_its_earlier_scores(rows) -> None:
    """The one-pass usual level equals pandas' expanding median of the earlier scores,
    per client and item (what rule 2 compares a low item with)."""
    import pandas as pd

    from insights.ruptures import _usual_levels

    scored = pd.DataFrame(rows, columns=["client_id", "item", "fb_pct"])
    expected = (
        scored.groupby(["client_id", "item"], sort=False)["fb_pct"]
        .transform(lambda s: s.shift(1).expanding().median())
        .astype(float)
    )
    pd.testing.assert_series_equal(_usual_levels(scored), expected, check_names=False)

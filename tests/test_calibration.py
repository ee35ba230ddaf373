"""Calibration figures against hand-computed tiny series, on the percent-of-range scale."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insights.calibration import (
    FIGURES,
    Calibration,
    by_client,
    calibration,
    calibration_by_quarter,
    spearman,
)
from insights.frames import frames
from insights.ruptures import Thresholds, flags
from tests.test_frames import INSTRUMENTS, START, Caseload, V

DEFAULT = Thresholds()


def pairs(*fb_est: tuple[int, int]) -> list[V]:
    return [V(fb=fb, est=est) for fb, est in fb_est]


def calibrate(case: Caseload, thresholds: Thresholds = DEFAULT) -> Calibration:
    sessions, items = case.frames()
    return calibration(sessions, items, flags(sessions, items, thresholds), thresholds)


def one_client(visits: list, instrument: str = "sac4") -> Calibration:
    return calibrate(Caseload().add("C-001", visits, instrument=instrument))


# ---- the figures ----------------------------------------------------------------------------


def test_estimates_that_track_the_patient_give_perfect_rank_and_baseline_agreement() -> None:
    # estimate 75/85/95%, feedback 80/85/90%: gaps -5, 0, +5
    got = one_client(pairs((32, 30), (34, 34), (36, 38)))
    assert got.n == 3
    assert got.mean_bias == pytest.approx(0.0)
    assert got.mae == pytest.approx(10 / 3)
    assert got.spearman == pytest.approx(1.0)
    assert got.baseline_agreement == pytest.approx(1.0)  # the middle session did not move
    assert got.excluded_seen_first == 0


def test_estimates_that_move_against_the_patient_give_minus_one_and_no_agreement() -> None:
    got = one_client(pairs((36, 30), (32, 38), (34, 34)))  # gaps -15, +15, 0
    assert got.mean_bias == pytest.approx(0.0)
    assert got.mae == pytest.approx(10.0)
    assert got.spearman == pytest.approx(-1.0)
    assert got.baseline_agreement == pytest.approx(0.0)


def test_a_practitioner_who_rates_low_has_a_negative_bias_in_percent_of_range() -> None:
    got = one_client(pairs((38, 34), (36, 32), (40, 36)))
    assert got.mean_bias == pytest.approx(-10.0)  # 4 points of 40
    assert got.mae == pytest.approx(10.0)
    assert got.spearman == pytest.approx(1.0)


def test_tied_scores_get_average_ranks() -> None:
    got = one_client(pairs((20, 30), (24, 30), (28, 34), (32, 38)))
    # ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4)
    assert got.spearman == pytest.approx(4.5 / math.sqrt(4.5 * 5))


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2], [1, 2]),  # fewer than 3
        ([3, 3, 3], [1, 2, 3]),  # constant estimate
        ([1, 2, 3], [5, 5, 5]),  # constant feedback
        ([], []),
    ],
)
def test_spearman_is_undefined_for_short_or_constant_series(x: list, y: list) -> None:
    assert spearman(x, y) is None


def test_one_session_has_a_bias_and_error_but_no_correlation_or_agreement() -> None:
    got = one_client(pairs((36, 30)))
    assert (got.n, got.mean_bias, got.mae) == (1, pytest.approx(-15.0), pytest.approx(15.0))
    assert got.spearman is None and got.baseline_agreement is None
    assert got.sensitivity is None and got.sensitivity_n == 0


def test_sessions_without_feedback_or_estimate_and_late_cancellations_are_left_out() -> None:
    visits = [*pairs((32, 30), (34, 34), (36, 38)), V(est=20), V(fb=20), V(late=True)]
    assert one_client(visits) == one_client(pairs((32, 30), (34, 34), (36, 38)))


def test_sessions_whose_feedback_was_seen_first_are_left_out_and_counted() -> None:
    visits = [*pairs((32, 30), (34, 34), (36, 38)), V(fb=20, est=40, seen_first=True)]
    got = one_client(visits)
    assert got.n == 3 and got.excluded_seen_first == 1
    assert got.mean_bias == pytest.approx(0.0)


def test_instruments_mix_on_the_percent_of_range_scale() -> None:
    case = Caseload().add("C-001", pairs((40, 30)))  # 100% vs 75%
    case.add("C-002", pairs((60, 36)), instrument="wai_sr")  # 100% vs 50% of 12-60
    case.add("C-003", pairs((36, 36)), instrument="srs")  # 90% vs 90%
    got = calibrate(case)
    assert got.n == 3
    assert got.mean_bias == pytest.approx((-25 - 50 + 0) / 3)
    assert got.mae == pytest.approx(25.0)


def test_baseline_agreement_reads_each_client_against_their_own_means() -> None:
    case = Caseload().add("C-001", pairs((30, 30), (38, 34)))  # both moved the same way
    case.add("C-002", pairs((32, 36), (36, 36)))  # the estimate never moved: skipped
    # against the caseload's means instead, one of three sessions would disagree
    assert calibrate(case).baseline_agreement == pytest.approx(1.0)


def test_an_empty_journal_has_no_figures() -> None:
    sessions, items = frames([], [], [], [], INSTRUMENTS)
    assert calibration(sessions, items, [], DEFAULT) == Calibration(
        0, None, None, None, None, None, 0, 0
    )
    for frame, keys in (
        (calibration_by_quarter(sessions, items, [], DEFAULT), ["quarter"]),
        (by_client(sessions, items, [], DEFAULT), ["client", "client_id"]),
    ):
        assert frame.empty and list(frame.columns) == [*keys, *FIGURES]


def test_only_seen_first_sessions_give_no_figures_but_count_them() -> None:
    got = one_client([V(fb=30, est=30, seen_first=True)])
    assert got == Calibration(0, None, None, None, None, None, 0, 1)


# ---- rupture-detection sensitivity -----------------------------------------------------------

STEADY = pairs((36, 36), (36, 36), (36, 36))  # then a drop to 28: the drop rule fires


@pytest.mark.parametrize(
    ("fourth", "anticipated"),
    [
        (V(fb=28, est=36), False),  # 8 above the total: misattunement
        (V(fb=28, est=36, withdrawal=1), True),  # markers ticked
        (V(fb=28, est=36, confrontation=2), True),
        (V(fb=28, est=30), True),  # 8, 8, 7, 7 against 7, 7, 7, 7: within 2 on every item
        (V(fb=28, est=32), True),  # 1 above on every item, 4 on the total
        (V(fb=28, est=33), False),  # 5 above the total: misattunement
        (V(fb=28, est={"bond": 10, "goals": 7, "tasks": 7, "voice": 7}), False),  # +3 on bond
        (V(fb=28, est={"bond": 7, "goals": 7, "tasks": 7, "voice": 4}), False),  # 3 off on voice
    ],
)
def test_a_patient_side_rupture_counts_as_anticipated_by_markers_or_no_misattunement(
    fourth: V, anticipated: bool
) -> None:
    got = one_client([*STEADY, fourth])
    assert got.sensitivity_n == 1
    assert got.sensitivity == (1.0 if anticipated else 0.0)


def test_only_the_items_that_fell_must_be_within_two_points() -> None:
    steady = pairs((36, 36), (36, 36), (36, 36))  # 9 on every item
    fall = {"bond": 9, "goals": 9, "tasks": 9, "voice": 2}  # only voice fell: a 7-point fall
    near = {"bond": 9, "goals": 9, "tasks": 9, "voice": 4}  # 2 above on voice: anticipated
    far = {"bond": 9, "goals": 9, "tasks": 9, "voice": 5}  # 3 above on voice: misattunement
    assert one_client([*steady, V(fb=fall, est=near)]).sensitivity == 1.0
    assert one_client([*steady, V(fb=fall, est=far)]).sensitivity == 0.0


def test_sensitivity_is_the_share_of_patient_side_ruptures_anticipated() -> None:
    case = Caseload().add("C-001", [*STEADY, V(fb=28, est=36)])
    case.add("C-002", [*STEADY, V(fb=28, est=36, withdrawal=1)])
    case.add("C-003", [*STEADY, V(fb=28, est=30)])
    case.add("C-004", [*STEADY, V(fb=28, est=36, confrontation=1)])
    got = calibrate(case)
    assert (got.sensitivity, got.sensitivity_n) == (0.75, 4)
    clients = by_client(*case.frames(), flags(*case.frames(), DEFAULT), DEFAULT)
    assert clients["sensitivity"].tolist() == [0.0, 1.0, 1.0, 1.0]


def test_markers_alone_do_not_make_a_rupture_to_detect() -> None:
    got = one_client([*STEADY, V(fb=36, est=36, withdrawal=2)])
    assert got.sensitivity is None and got.sensitivity_n == 0


def test_a_seen_first_rupture_is_left_out_of_sensitivity() -> None:
    got = one_client([*STEADY, V(fb=28, est=28, seen_first=True)])
    assert got.sensitivity is None and got.sensitivity_n == 0 and got.excluded_seen_first == 1


def test_on_wai_sr_two_points_of_ten_are_scaled_to_0_8_points() -> None:
    steady = [V(fb=54, est=54)] * 3
    fell = {f"item{k}": 3 for k in range(1, 13)}  # 36: every item fell from 4-5 to 3
    assert one_client([*steady, V(fb=fell, est=fell)], "wai_sr").sensitivity == 1.0
    one_up = fell | {"item5": 4}  # 1 point above on a fallen item: more than 0.8
    assert one_client([*steady, V(fb=fell, est=one_up)], "wai_sr").sensitivity == 0.0


# ---- by quarter and by client ----------------------------------------------------------------


def quarters_case() -> Caseload:
    # weekly from Monday 16 March 2026: three sessions in Q1, two in Q2
    visits = pairs((36, 32), (36, 34), (36, 36), (32, 36), (34, 34))
    return Caseload().add("C-001", visits, start=START.replace(month=3, day=16))


def test_calibration_by_quarter_gives_one_sorted_row_per_quarter() -> None:
    sessions, items = quarters_case().frames()
    table = calibration_by_quarter(sessions, items, flags(sessions, items, DEFAULT), DEFAULT)
    assert list(table.columns) == ["quarter", *FIGURES]
    assert table["quarter"].tolist() == ["2026-Q1", "2026-Q2"]
    assert table["n"].tolist() == [3, 2]
    assert table["mean_bias"].tolist() == pytest.approx([-5.0, 5.0])
    assert table["mae"].tolist() == pytest.approx([5.0, 5.0])
    assert table["spearman"].isna().all()  # Q1: feedback constant; Q2: two sessions
    # each session against the client's whole-course means (est 86%, feedback 87%)
    assert table["baseline_agreement"].tolist() == pytest.approx([1 / 3, 1 / 2])
    # session 4 fell to 32 (items 8) against an estimate of 36 (items 9): within 2 points
    assert math.isnan(table["sensitivity"].iloc[0]) and table["sensitivity"].iloc[1] == 1.0
    assert table["sensitivity_n"].tolist() == [0, 1]


def test_by_client_gives_one_row_per_client_sorted_by_code() -> None:
    case = Caseload().add("C-009", pairs((36, 30), (36, 32))).add("C-002", pairs((30, 30)))
    sessions, items = case.frames()
    table = by_client(sessions, items, flags(sessions, items, DEFAULT), DEFAULT)
    assert list(table.columns) == ["client", "client_id", *FIGURES]
    assert table["client"].tolist() == ["C-002", "C-009"]
    assert table["client_id"].tolist() == ["id-C-002", "id-C-009"]
    assert table["n"].tolist() == [1, 2]
    assert table["mean_bias"].tolist() == pytest.approx([0.0, -12.5])
    assert table.dtypes.astype(str).to_dict()["n"] == "int64"


def test_the_quarter_and_client_tables_agree_with_the_caseload_figures() -> None:
    case = quarters_case().add("C-002", pairs((30, 34), (38, 36), (32, 30)))
    sessions, items = case.frames()
    found = flags(sessions, items, DEFAULT)
    total = calibration(sessions, items, found, DEFAULT)
    for table in (
        calibration_by_quarter(sessions, items, found, DEFAULT),
        by_client(sessions, items, found, DEFAULT),
    ):
        assert table["n"].sum() == total.n
        weighted = (table["mean_bias"] * table["n"]).sum() / table["n"].sum()
        assert weighted == pytest.approx(total.mean_bias)


# ---- properties -----------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=20),
    st.sampled_from(["sac4", "srs"]),
)
def test_figures_stay_in_their_ranges_and_spearman_matches_pandas(
    scores: list[tuple[int, int]], instrument: str
) -> None:
    got = one_client(pairs(*scores), instrument)
    assert got.n == len(scores)
    assert got.mae is not None and got.mean_bias is not None
    assert got.mae >= abs(got.mean_bias) - 1e-9
    assert 0 <= got.mae <= 100
    if got.spearman is not None:
        assert -1.0 <= got.spearman <= 1.0
        # DataFrame.corr ranks in pandas' own Cython (Series.corr would need scipy)
        pair = pd.DataFrame(scores, columns=["fb", "est"], dtype="float64")
        expected = pair.corr(method="spearman").loc["est", "fb"]
        assert got.spearman == pytest.approx(expected, abs=1e-9)
    else:
        assert (
            len(scores) < 3 or len({s[0] for s in scores}) == 1 or len({s[1] for s in scores}) == 1
        )
    for share in (got.baseline_agreement, got.sensitivity):
        assert share is None or 0.0 <= share <= 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=3, max_size=15))
def test_spearman_of_a_series_with_itself_is_one(values: list[float]) -> None:
    result = spearman(values, values)
    if len(set(values)) == 1:
        assert result is None
    else:
        assert result == pytest.approx(1.0)
        assert spearman(values, [-v for v in values]) == pytest.approx(-1.0)

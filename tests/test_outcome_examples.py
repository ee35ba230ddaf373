"""Worked examples for the outcome measures, computed by hand from CLINICAL.md.

Written from the specification alone (CLINICAL.md, "Outcome measures (2026-12)", and the
shipped data in prompts/outcomes.toml), without reading the implementation. Every
expected value below was worked out by hand; the working is in each test's docstring or
comments.

The spec's table, restated:

| measure | items, range | direction | cutoff | reliable change |
|---|---|---|---|---|
| PHQ-9 | 9 x 0-3, 0-27 | higher = worse | >= 10; bands 5/10/15/20 | >= 6 points |
| GAD-7 | 7 x 0-3, 0-21 | higher = worse | >= 8;  bands 5/10/15 | >= 4 points |
| CORE-10 | 10 x 0-4, 0-40 | higher = worse | clinical from 11 | 6 points |
| NRS | 1 x 0-10 | higher = worse | none | >= 2 points or >= 30% |
| PSFS | <= 3 x 0-10, the mean | higher = better | none | >= 2 points on the mean |
| ORS | 4 x 0-10, 0-40 | higher = better | 25 | 5 points |

Recovery = reliable improvement *and* crossing the cutoff. Not on track = reliable
deterioration at any session, or no reliable improvement by session 6 (a setting).

Tests marked "AMBIGUOUS:" are where the spec can be read more than one way; each is
written the way a clinician reading CLINICAL.md would expect.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from insights import outcomes as o
from practice.outcomes import answer_problems
from prompts.outcomes import builtin_measures

M = builtin_measures()
PHQ9 = M["phq9"]
GAD7 = M["gad7"]
CORE10 = M["core10"]
NRS = M["pain_nrs"]
PSFS = M["psfs"]
ORS = M["ors"]

FREQ4 = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
CORE_OPTIONS = ["Not at all", "Only occasionally", "Sometimes", "Often", "Most or all of the time"]


def item(measure, item_id):
    for it in measure.items:
        if it.id == item_id:
            return it
    raise AssertionError(f"{measure.id} has no item {item_id}")


def score_of(measure, item_id, label):
    """The score a client's ticked label gives, read from `choices` (as the form does)."""
    for shown, score in measure.choices(item(measure, item_id)):
        if shown == label:
            return score
    raise AssertionError(f"{measure.id}.{item_id} has no choice {label!r}")


def weekly(totals, first=1, start=date(2026, 1, 5)):
    """[(session_number, date, total)] for weekly sessions numbered from `first`."""
    return [(first + i, start + timedelta(weeks=i), t) for i, t in enumerate(totals)]


# --------------------------------------------------------------------------------------
# The catalogue as shipped
# --------------------------------------------------------------------------------------


def test_the_six_instruments_are_shipped():
    assert {"phq9", "gad7", "core10", "pain_nrs", "psfs", "ors"} <= set(M)


@pytest.mark.parametrize(
    "mid, cutoff, rc, higher_is_better",
    [
        # straight from the CLINICAL.md table
        ("phq9", 10, 6, False),
        ("gad7", 8, 4, False),
        ("core10", 11, 6, False),
        ("pain_nrs", None, 2, False),
        ("psfs", None, 2, True),
        ("ors", 25, 5, True),
    ],
)
def test_direction_cutoff_and_reliable_change_match_the_table(mid, cutoff, rc, higher_is_better):
    m = M[mid]
    assert m.cutoff == cutoff
    assert m.reliable_change == rc
    assert m.higher_is_better is higher_is_better


def test_nrs_also_counts_thirty_percent():
    # Table: ">= 2 points or >= 30% (Farrar et al. 2001)".
    assert NRS.reliable_change_percent == 30


@pytest.mark.parametrize(
    "mid, n_scored",
    [("phq9", 9), ("gad7", 7), ("core10", 10), ("pain_nrs", 1), ("psfs", 3), ("ors", 4)],
)
def test_number_of_scored_items(mid, n_scored):
    # PHQ-9 9 items, GAD-7 7, CORE-10 10, NRS 1, PSFS up to 3 activities, ORS 4.
    assert sum(1 for it in M[mid].items if it.scored) == n_scored


# --------------------------------------------------------------------------------------
# PHQ-9
# --------------------------------------------------------------------------------------

PHQ9_ANSWERS = {"q1": 2, "q2": 3, "q3": 1, "q4": 2, "q5": 0, "q6": 1, "q7": 2, "q8": 1, "q9": 0}


def test_phq9_full_answers_total():
    """q1..q9 = 2+3+1+2+0+1+2+1+0 = 12 -> band "moderate" (10-14)."""
    assert PHQ9.total(PHQ9_ANSWERS) == 12
    assert PHQ9.band(12) == "moderate"


def test_phq9_difficulty_question_is_not_scored():
    """The tenth question ("how difficult have these problems made it...") has no score:
    the same answers with difficulty = 3 ("Extremely difficult") still total 12."""
    difficulty = item(PHQ9, "difficulty")
    assert difficulty.scored is False
    assert PHQ9.total({**PHQ9_ANSWERS, "difficulty": 3}) == 12
    assert [label for label, _ in PHQ9.choices(difficulty)] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]


def test_phq9_choices_and_range():
    """Each item: Not at all 0, Several days 1, More than half the days 2, Nearly every
    day 3. All nine at 3 = 27, all at 0 = 0."""
    assert PHQ9.choices(item(PHQ9, "q1")) == list(zip(FREQ4, [0, 1, 2, 3], strict=True))
    assert PHQ9.total({f"q{i}": 3 for i in range(1, 10)}) == 27
    assert PHQ9.total({f"q{i}": 0 for i in range(1, 10)}) == 0


@pytest.mark.parametrize(
    "total, band",
    [
        # bands 0 minimal, 5 mild, 10 moderate, 15 moderately severe, 20 severe
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total, band):
    assert PHQ9.band(total) == band


def test_phq9_caseness_boundary():
    """>= 10 is caseness: 9 is not, 10 is."""
    assert o.clinical(PHQ9, 9) is False
    assert o.clinical(PHQ9, 10) is True


def test_phq9_reliable_change_both_directions():
    """Threshold 6 points.
    Worse: 8 -> 14 is +6 (deterioration); 8 -> 13 is +5 (no reliable change).
    Better, staying clinical: 20 -> 14 is -6 (improvement, 14 >= 10 so not recovery);
    20 -> 15 is -5 (no reliable change)."""
    assert o.status(PHQ9, 8, 14) == o.DETERIORATED
    assert o.status(PHQ9, 8, 13) == o.NO_CHANGE
    assert o.status(PHQ9, 20, 14) == o.IMPROVED
    assert o.status(PHQ9, 20, 15) == o.NO_CHANGE


def test_phq9_recovery():
    """14 -> 8: -6 (reliable) and 14 >= 10 > 8 (crossed out of caseness): recovery.
    15 -> 9: -6 and 9 < 10: recovery.
    14 -> 9: crosses the cutoff but only -5: no reliable change, so not recovery.
    16 -> 10: -6 but 10 is still caseness: improvement, not recovery.
    9 -> 3: -6 but the baseline 9 was never in caseness: improvement, not recovery."""
    assert o.status(PHQ9, 14, 8) == o.RECOVERED
    assert o.status(PHQ9, 15, 9) == o.RECOVERED
    assert o.status(PHQ9, 14, 9) == o.NO_CHANGE
    assert o.status(PHQ9, 16, 10) == o.IMPROVED
    assert o.status(PHQ9, 9, 3) == o.IMPROVED


def test_phq9_no_change_for_same_score():
    assert o.status(PHQ9, 12, 12) == o.NO_CHANGE


def test_phq9_item9_is_the_risk_item():
    """Spec: PHQ-9 item 9 (thoughts of being better off dead or of self-harm)."""
    assert tuple(PHQ9.risk_items) == ("q9",)
    q9 = item(PHQ9, "q9")
    assert "better off dead" in q9.text
    assert "hurting yourself" in q9.text


# --------------------------------------------------------------------------------------
# GAD-7
# --------------------------------------------------------------------------------------


def test_gad7_full_answers_total():
    """q1..q7 = 3+2+2+1+0+1+1 = 10 -> "moderate" (10-14); difficulty not scored."""
    answers = {"q1": 3, "q2": 2, "q3": 2, "q4": 1, "q5": 0, "q6": 1, "q7": 1}
    assert GAD7.total(answers) == 10
    assert GAD7.total({**answers, "difficulty": 2}) == 10
    assert item(GAD7, "difficulty").scored is False
    assert GAD7.band(10) == "moderate"
    assert GAD7.total({f"q{i}": 3 for i in range(1, 8)}) == 21


@pytest.mark.parametrize(
    "total, band",
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total, band):
    assert GAD7.band(total) == band


def test_gad7_caseness_boundary():
    """>= 8 is caseness (NHS TT): 7 is not, 8 is."""
    assert o.clinical(GAD7, 7) is False
    assert o.clinical(GAD7, 8) is True


def test_gad7_reliable_change_both_directions():
    """Threshold 4. 6 -> 10 (+4) deterioration; 6 -> 9 (+3) none.
    15 -> 11 (-4, still >= 8) improvement; 15 -> 12 (-3) none."""
    assert o.status(GAD7, 6, 10) == o.DETERIORATED
    assert o.status(GAD7, 6, 9) == o.NO_CHANGE
    assert o.status(GAD7, 15, 11) == o.IMPROVED
    assert o.status(GAD7, 15, 12) == o.NO_CHANGE


def test_gad7_recovery():
    """11 -> 7: -4 and 7 < 8: recovery.  11 -> 8: -3: no reliable change.
    12 -> 8: -4 but 8 is still caseness: improvement.
    7 -> 3: -4 but baseline 7 not caseness: improvement."""
    assert o.status(GAD7, 11, 7) == o.RECOVERED
    assert o.status(GAD7, 11, 8) == o.NO_CHANGE
    assert o.status(GAD7, 12, 8) == o.IMPROVED
    assert o.status(GAD7, 7, 3) == o.IMPROVED


def test_gad7_has_no_risk_item():
    assert tuple(GAD7.risk_items) == ()


# --------------------------------------------------------------------------------------
# CORE-10
# --------------------------------------------------------------------------------------


def test_core10_items_2_and_3_are_reversed():
    """Items 2 ("someone to turn to") and 3 ("able to cope") are positively worded, so
    "Not at all" scores 4 and "Most or all of the time" scores 0; the rest run 0..4."""
    assert {it.id for it in CORE10.items if it.reverse} == {"q2", "q3"}
    assert CORE10.choices(item(CORE10, "q2")) == list(
        zip(CORE_OPTIONS, [4, 3, 2, 1, 0], strict=True)
    )
    assert CORE10.choices(item(CORE10, "q3")) == list(
        zip(CORE_OPTIONS, [4, 3, 2, 1, 0], strict=True)
    )
    assert CORE10.choices(item(CORE10, "q1")) == list(
        zip(CORE_OPTIONS, [0, 1, 2, 3, 4], strict=True)
    )
    assert CORE10.choices(item(CORE10, "q6")) == list(
        zip(CORE_OPTIONS, [0, 1, 2, 3, 4], strict=True)
    )


def test_core10_full_answers_total():
    """A client ticks:
    q1 Often 3; q2 Only occasionally (reversed) 3; q3 Sometimes (reversed) 2; q4 Often 3;
    q5 Sometimes 2; q6 Not at all 0; q7 Most or all of the time 4; q8 Often 3;
    q9 Most or all of the time 4; q10 Only occasionally 1.
    3+3+2+3+2+0+4+3+4+1 = 25 -> band "severe" (from 25)."""
    ticks = {
        "q1": "Often",
        "q2": "Only occasionally",
        "q3": "Sometimes",
        "q4": "Often",
        "q5": "Sometimes",
        "q6": "Not at all",
        "q7": "Most or all of the time",
        "q8": "Often",
        "q9": "Most or all of the time",
        "q10": "Only occasionally",
    }
    answers = {q: score_of(CORE10, q, label) for q, label in ticks.items()}
    assert answers["q2"] == 3 and answers["q3"] == 2
    assert CORE10.total(answers) == 25
    assert CORE10.band(25) == "severe"


def test_core10_all_same_box_shows_the_reversal():
    """Every box "Not at all": 8 items x 0 + q2 4 + q3 4 = 8 ("low", 6-10).
    Every box "Most or all of the time": 8 x 4 + 0 + 0 = 32.
    Worst possible: 8 x 4 ("Most or all") + q2, q3 "Not at all" 4 + 4 = 40."""
    all_not = {f"q{i}": score_of(CORE10, f"q{i}", "Not at all") for i in range(1, 11)}
    all_most = {f"q{i}": score_of(CORE10, f"q{i}", "Most or all of the time") for i in range(1, 11)}
    assert CORE10.total(all_not) == 8
    assert CORE10.band(8) == "low"
    assert CORE10.total(all_most) == 32
    worst = {**all_most, "q2": 4, "q3": 4}
    assert CORE10.total(worst) == 40


@pytest.mark.parametrize(
    "total, band",
    [
        # Barkham et al. 2013: healthy 0-5, low 6-10, mild 11-14, moderate 15-19,
        # moderate-to-severe 20-24, severe 25-40
        (0, "healthy"),
        (5, "healthy"),
        (6, "low"),
        (10, "low"),
        (11, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (19, "moderate"),
        (20, "moderate-to-severe"),
        (24, "moderate-to-severe"),
        (25, "severe"),
        (40, "severe"),
    ],
)
def test_core10_bands(total, band):
    assert CORE10.band(total) == band


def test_core10_clinical_boundary():
    """Clinical range from 11: 10 is not clinical, 11 is."""
    assert o.clinical(CORE10, 10) is False
    assert o.clinical(CORE10, 11) is True


def test_core10_reliable_change_both_directions():
    """Threshold 6. 8 -> 14 (+6) deterioration; 8 -> 13 (+5) none.
    20 -> 14 (-6, still >= 11) improvement; 20 -> 15 (-5) none."""
    assert o.status(CORE10, 8, 14) == o.DETERIORATED
    assert o.status(CORE10, 8, 13) == o.NO_CHANGE
    assert o.status(CORE10, 20, 14) == o.IMPROVED
    assert o.status(CORE10, 20, 15) == o.NO_CHANGE


def test_core10_recovery():
    """16 -> 10: -6 and 10 < 11: recovery.  16 -> 11: -5: none.
    17 -> 11: -6 but 11 still clinical: improvement.
    10 -> 4: -6 but baseline 10 not clinical: improvement."""
    assert o.status(CORE10, 16, 10) == o.RECOVERED
    assert o.status(CORE10, 16, 11) == o.NO_CHANGE
    assert o.status(CORE10, 17, 11) == o.IMPROVED
    assert o.status(CORE10, 10, 4) == o.IMPROVED


def test_core10_plans_to_end_my_life_is_the_risk_item():
    """Spec: "CORE-10 has a risk item too" - item 6, "I made plans to end my life"."""
    assert tuple(CORE10.risk_items) == ("q6",)
    q6 = item(CORE10, "q6")
    assert q6.label == "Plans to end my life"
    assert "plans to end my life" in q6.text
    assert q6.reverse is False


# --------------------------------------------------------------------------------------
# Pain intensity NRS
# --------------------------------------------------------------------------------------


def test_nrs_total_is_the_single_rating():
    """One item, 0-10: the total is the rating itself; no cutoff, no bands."""
    assert NRS.total({"pain": 7}) == 7
    assert NRS.total({"pain": 0}) == 0
    assert NRS.total({"pain": 10}) == 10
    assert sorted(score for _, score in NRS.choices(item(NRS, "pain"))) == list(range(11))


def test_nrs_has_no_clinical_range_and_never_recovers():
    """No cutoff: clinical() is None, and 8 -> 2 (-6) is improvement, never recovery."""
    assert o.clinical(NRS, 8) is None
    assert o.clinical(NRS, 0) is None
    assert o.status(NRS, 8, 2) == o.IMPROVED


def test_nrs_two_points():
    """8 -> 6: -2 points (25%): improvement.  8 -> 7: -1 point, 12.5%: none.
    5 -> 7: +2 points: deterioration.  5 -> 6: +1 point, 20%: none."""
    assert o.status(NRS, 8, 6) == o.IMPROVED
    assert o.status(NRS, 8, 7) == o.NO_CHANGE
    assert o.status(NRS, 5, 7) == o.DETERIORATED
    assert o.status(NRS, 5, 6) == o.NO_CHANGE


def test_nrs_thirty_percent_alone_is_enough_for_improvement():
    """AMBIGUOUS: ">= 2 points or >= 30%" - is 30% of baseline enough on its own?
    Read as written ("or"), yes: either criterion suffices (Farrar et al. 2001 offer both
    as markers of a meaningful change).
    3 -> 2: 1 point (< 2) but 1/3 = 33% (>= 30%): improvement.
    4 -> 3: 1 point and 1/4 = 25%: neither: no reliable change."""
    assert o.status(NRS, 3, 2) == o.IMPROVED
    assert o.status(NRS, 4, 3) == o.NO_CHANGE


def test_nrs_thirty_percent_worse_is_deterioration():
    """AMBIGUOUS: Farrar's 30% is a reduction; the spec lists ">= 30%" as the reliable
    change with no direction, so a clinician would apply it both ways.
    3 -> 4: +1 point, 1/3 = 33% of baseline: deterioration.
    4 -> 5: +1 point, 25%: none."""
    assert o.status(NRS, 3, 4) == o.DETERIORATED
    assert o.status(NRS, 4, 5) == o.NO_CHANGE


def test_nrs_zero_baseline():
    """0 -> 0 is no change, whatever the percentage rule (0 >= 30% of 0 must not count).
    AMBIGUOUS: 0 -> 1: a percentage of a zero baseline means nothing, so only the points
    rule applies: +1 point < 2: no reliable change. 0 -> 2 is +2 points: deterioration."""
    assert o.status(NRS, 0, 0) == o.NO_CHANGE
    assert o.status(NRS, 0, 1) == o.NO_CHANGE
    assert o.status(NRS, 0, 2) == o.DETERIORATED


# --------------------------------------------------------------------------------------
# PSFS
# --------------------------------------------------------------------------------------


def test_psfs_one_activity():
    """One activity rated 4: mean 4/1 = 4.0."""
    assert PSFS.total({"activity1": 4}) == pytest.approx(4.0)


def test_psfs_two_activities():
    """4 and 7: (4+7)/2 = 5.5."""
    assert PSFS.total({"activity1": 4, "activity2": 7}) == pytest.approx(5.5)


def test_psfs_three_activities():
    """3, 5, 6: 14/3 = 4.666... -> 4.7 (one decimal).
    2, 3, 3: 8/3 = 2.666... -> 2.7.  1, 1, 2: 4/3 = 1.333... -> 1.3."""
    assert PSFS.total({"activity1": 3, "activity2": 5, "activity3": 6}) == pytest.approx(4.7)
    assert PSFS.total({"activity1": 2, "activity2": 3, "activity3": 3}) == pytest.approx(2.7)
    assert PSFS.total({"activity1": 1, "activity2": 1, "activity3": 2}) == pytest.approx(1.3)


def test_psfs_mean_is_of_the_activities_rated_only():
    """Activities 1 and 3 rated, 2 left out: (2+5)/2 = 3.5 (not (2+0+5)/3 = 2.3)."""
    assert PSFS.total({"activity1": 2, "activity3": 5}) == pytest.approx(3.5)


def test_psfs_has_no_clinical_range():
    assert o.clinical(PSFS, 3.0) is None
    assert o.status(PSFS, 2.0, 9.0) == o.IMPROVED  # +7, no cutoff, so never recovery


def test_psfs_reliable_change_on_the_mean():
    """Higher is better; threshold 2 on the mean.
    3.0 -> 5.0 (+2.0) improvement; 3.0 -> 4.0 (+1.0, one point short) none;
    3.0 -> 4.7 (+1.7, the closest achievable mean below) none.
    6.0 -> 4.0 (-2.0) deterioration; 6.0 -> 5.0 (-1.0) none; 6.0 -> 4.3 (-1.7) none."""
    assert o.status(PSFS, 3.0, 5.0) == o.IMPROVED
    assert o.status(PSFS, 3.0, 4.0) == o.NO_CHANGE
    assert o.status(PSFS, 3.0, 4.7) == o.NO_CHANGE
    assert o.status(PSFS, 6.0, 4.0) == o.DETERIORATED
    assert o.status(PSFS, 6.0, 5.0) == o.NO_CHANGE
    assert o.status(PSFS, 6.0, 4.3) == o.NO_CHANGE


def test_psfs_exactly_two_on_rounded_means():
    """Baseline activities 1, 1, 2: 4/3 -> 1.3. Later 3, 3, 4: 10/3 -> 3.3.
    Each activity rose by 2 (so did the exact mean, 10/3 - 4/3 = 2) and the shown means
    differ by 3.3 - 1.3 = 2.0: exactly the threshold, a reliable improvement.
    Back the other way: 9, 9, 8 -> 26/3 -> 8.7 then 7, 7, 6 -> 20/3 -> 6.7: -2.0:
    a reliable deterioration. (In binary floating point 3.3 - 1.3 and 8.7 - 6.7 come out
    a hair under 2; the clinician's arithmetic says 2.0.)"""
    before = PSFS.total({"activity1": 1, "activity2": 1, "activity3": 2})
    after = PSFS.total({"activity1": 3, "activity2": 3, "activity3": 4})
    assert o.status(PSFS, before, after) == o.IMPROVED
    high = PSFS.total({"activity1": 9, "activity2": 9, "activity3": 8})
    low = PSFS.total({"activity1": 7, "activity2": 7, "activity3": 6})
    assert o.status(PSFS, high, low) == o.DETERIORATED


# --------------------------------------------------------------------------------------
# ORS (scores only)
# --------------------------------------------------------------------------------------


def test_ors_full_answers_total():
    """Individually 5.2 + Interpersonally 6.0 + Socially 4.8 + Overall 5.5 = 21.5;
    21.5 < 25, so in the clinical range. All four at 10 = 40."""
    answers = {"individually": 5.2, "interpersonally": 6.0, "socially": 4.8, "overall": 5.5}
    assert ORS.total(answers) == pytest.approx(21.5)
    assert o.clinical(ORS, ORS.total(answers)) is True
    assert ORS.total({k: 10 for k in answers}) == pytest.approx(40)


def test_ors_clinical_boundary_higher_is_better():
    """Cutoff 25 for adults, higher is better: below 25 is clinical, 25 and up is not.
    24.9 clinical; 25 not."""
    assert o.clinical(ORS, 24.9) is True
    assert o.clinical(ORS, 25) is False
    assert o.clinical(ORS, 30) is False


def test_ors_reliable_change_both_directions():
    """Threshold 5, higher is better.
    18 -> 23: +5, 23 < 25 still clinical: improvement.  18 -> 22.9 (+4.9): none.
    30 -> 25: -5: deterioration.  30 -> 25.1 (-4.9): none."""
    assert o.status(ORS, 18, 23) == o.IMPROVED
    assert o.status(ORS, 18, 22.9) == o.NO_CHANGE
    assert o.status(ORS, 30, 25) == o.DETERIORATED
    assert o.status(ORS, 30, 25.1) == o.NO_CHANGE


def test_ors_exactly_five_with_decimals():
    """15.4 -> 20.4 is +5.0 exactly (still < 25): improvement. 20.4 -> 15.4: -5.0:
    deterioration. (In floats 20.4 - 15.4 is a hair under 5.)"""
    assert o.status(ORS, 15.4, 20.4) == o.IMPROVED
    assert o.status(ORS, 20.4, 15.4) == o.DETERIORATED


def test_ors_recovery():
    """21 -> 26: +5 and crosses up out of the clinical range (< 25): recovery.
    20 -> 25: +5 and 25 is the first non-clinical score: recovery.
    21 -> 25: crosses but only +4: no reliable change.
    19 -> 24.9: +5.9 but 24.9 still clinical: improvement.
    26 -> 31: +5 but baseline 26 was not clinical: improvement."""
    assert o.status(ORS, 21, 26) == o.RECOVERED
    assert o.status(ORS, 20, 25) == o.RECOVERED
    assert o.status(ORS, 21, 25) == o.NO_CHANGE
    assert o.status(ORS, 19, 24.9) == o.IMPROVED
    assert o.status(ORS, 26, 31) == o.IMPROVED


def test_measures_without_bands_give_an_empty_band():
    assert NRS.band(5) == ""
    assert PSFS.band(5.0) == ""
    assert ORS.band(20) == ""


# --------------------------------------------------------------------------------------
# Not on track (course)
# --------------------------------------------------------------------------------------


def test_course_first_point_is_baseline_and_passes_values_through():
    pts = o.course(PHQ9, weekly([15, 12, 9]))
    assert [p.session_number for p in pts] == [1, 2, 3]
    assert [p.day for p in pts] == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    assert [p.total for p in pts] == [15, 12, 9]
    # 15 baseline; 12 is -3 (none); 9 is -6 and under 10: recovery
    assert [p.status for p in pts] == [o.BASELINE, o.NO_CHANGE, o.RECOVERED]
    assert [p.not_on_track for p in pts] == [False, False, False]


def test_course_deterioration_before_session_6_is_not_on_track():
    """PHQ-9, baseline 12; session 2 = 18 (+6): reliable deterioration at session 2,
    well before session 6: not on track there."""
    pts = o.course(PHQ9, weekly([12, 18]))
    assert [p.status for p in pts] == [o.BASELINE, o.DETERIORATED]
    assert [p.not_on_track for p in pts] == [False, True]


def test_course_deterioration_after_session_6_is_not_on_track():
    """GAD-7, baseline 9: 5 (-4, and 5 < 8: recovery) at session 3, then 13 (+4 on
    baseline) at session 8: deterioration after a recovery: not on track at session 8."""
    pts = o.course(
        GAD7, [(1, date(2026, 1, 5), 9), (3, date(2026, 1, 19), 5), (8, date(2026, 2, 23), 13)]
    )
    assert [p.status for p in pts] == [o.BASELINE, o.RECOVERED, o.DETERIORATED]
    assert [p.not_on_track for p in pts] == [False, False, True]


def test_course_back_from_a_deterioration():
    """AMBIGUOUS: "reliable deterioration at any session" - is the client still not on
    track once the score is back in the no-change band? Read per session (as the flag is
    a session's): PHQ-9 baseline 12, session 2 = 18 (+6, deterioration: flagged),
    session 3 = 10 (-2 on baseline: no reliable change; session 3 < 6): on track."""
    pts = o.course(PHQ9, weekly([12, 18, 10]))
    assert [p.status for p in pts] == [o.BASELINE, o.DETERIORATED, o.NO_CHANGE]
    assert [p.not_on_track for p in pts] == [False, True, False]


def test_course_no_reliable_improvement_by_session_6():
    """GAD-7 baseline 14, then 13, 12, 13, 12, 12, 11 at sessions 2-7: changes -1, -2,
    -1, -2, -2, -3, none reaching 4: no reliable change throughout. Not on track from
    session 6 (the default), not before."""
    pts = o.course(GAD7, weekly([14, 13, 12, 13, 12, 12, 11]))
    assert [p.status for p in pts] == [o.BASELINE] + [o.NO_CHANGE] * 6
    assert [p.not_on_track for p in pts] == [False, False, False, False, False, True, True]


def test_course_reliable_improvement_at_session_6_is_on_track():
    """GAD-7 baseline 14; 13, 13, 12, 12 at sessions 2-5; 10 at session 6 (-4, still
    >= 8: improvement); 9 at session 7 (-5: improvement). On track throughout."""
    pts = o.course(GAD7, weekly([14, 13, 13, 12, 12, 10, 9]))
    assert [p.status for p in pts][5:] == [o.IMPROVED, o.IMPROVED]
    assert not any(p.not_on_track for p in pts)


def test_course_recovery_counts_as_improvement_for_on_track():
    """GAD-7 baseline 12; session 6 = 6 (-6 and < 8: recovery): on track."""
    pts = o.course(GAD7, weekly([12, 11, 11, 10, 10, 6]))
    assert pts[-1].status == o.RECOVERED
    assert pts[-1].not_on_track is False


def test_course_gaps_in_sessions_use_the_session_number():
    """Scores only at sessions 1, 3 and 7 (GAD-7 14, 13, 12). Session 3: none, 3 < 6:
    on track. Session 7: -2 (none) and 7 >= 6: not on track."""
    pts = o.course(
        GAD7, [(1, date(2026, 1, 5), 14), (3, date(2026, 1, 19), 13), (7, date(2026, 2, 16), 12)]
    )
    assert [p.not_on_track for p in pts] == [False, False, True]


def test_course_custom_on_track_by():
    """Same GAD-7 scores 14, 13, 13, 12, 12 (sessions 1-5, no reliable change).
    on_track_by=4: flagged at sessions 4 and 5.  on_track_by=8: never flagged."""
    scores = weekly([14, 13, 13, 12, 12])
    assert [p.not_on_track for p in o.course(GAD7, scores, on_track_by=4)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert not any(p.not_on_track for p in o.course(GAD7, scores, on_track_by=8))


def test_course_deterioration_flagged_whatever_on_track_by():
    """CORE-10 baseline 10, session 2 = 16 (+6): flagged even with on_track_by=12."""
    pts = o.course(CORE10, weekly([10, 16]), on_track_by=12)
    assert pts[1].status == o.DETERIORATED
    assert pts[1].not_on_track is True


def test_course_higher_is_better_deterioration():
    """ORS baseline 22; session 2 = 17 (-5): deterioration, not on track."""
    pts = o.course(ORS, weekly([22, 17]))
    assert pts[1].status == o.DETERIORATED
    assert pts[1].not_on_track is True


def test_course_improvement_lost_by_session_6():
    """AMBIGUOUS: "no reliable improvement by session 6" when a gain was made and then
    lost. Read on the session-6 score itself: GAD-7 baseline 14, session 4 = 10 (-4:
    improvement), session 6 = 12 (-2: no reliable change). At session 6 the client has no
    reliable improvement: not on track."""
    pts = o.course(GAD7, weekly([14, 13, 12, 10, 11, 12]))
    assert pts[3].status == o.IMPROVED
    assert pts[3].not_on_track is False
    assert pts[5].status == o.NO_CHANGE
    assert pts[5].not_on_track is True


# --------------------------------------------------------------------------------------
# Prediction calibration
# --------------------------------------------------------------------------------------


def test_prediction_calibration_hannan_style():
    """Ten clients, two of whom deteriorated; the practitioner foresaw one.

    #   call        status                 right?  notes
    1   worse       deterioration          yes     deterioration, foreseen
    2   same        deterioration          no      deterioration, missed
    3   improving   improvement            yes
    4   improving   recovery               yes     recovery is an improvement
    5   improving   no change              no
    6   same        no change              yes
    7   same        no change              yes
    8   worse       no change              no      called worse, wrongly
    9   improving   improvement            yes
    10  same        improvement            no

    checked 10; right 1,3,4,6,7,9 = 6; deteriorations 2; foreseen 1;
    called worse 2 (1, 8); called worse wrongly 1 (8)."""
    pairs = [
        ("worse", o.DETERIORATED),
        ("same", o.DETERIORATED),
        ("improving", o.IMPROVED),
        ("improving", o.RECOVERED),
        ("improving", o.NO_CHANGE),
        ("same", o.NO_CHANGE),
        ("same", o.NO_CHANGE),
        ("worse", o.NO_CHANGE),
        ("improving", o.IMPROVED),
        ("same", o.IMPROVED),
    ]
    cal = o.prediction_calibration(pairs)
    assert cal.checked == 10
    assert cal.right == 6
    assert cal.deteriorations == 2
    assert cal.foreseen == 1
    assert cal.called_worse == 2
    assert cal.called_worse_wrong == 1


def test_prediction_calibration_hannan_2005_numbers():
    """Hannan et al. 2005 as the spec quotes it: 40 deteriorations, 3 foreseen.
    Build 40 deteriorations (3 called worse, 37 called same) and 60 non-deteriorations
    all called "same" with no reliable change (all right).
    checked 100; right 3 + 60 = 63; deteriorations 40; foreseen 3; called worse 3; none
    wrongly."""
    pairs = (
        [("worse", o.DETERIORATED)] * 3
        + [("same", o.DETERIORATED)] * 37
        + [("same", o.NO_CHANGE)] * 60
    )
    cal = o.prediction_calibration(pairs)
    assert (
        cal.checked,
        cal.right,
        cal.deteriorations,
        cal.foreseen,
        cal.called_worse,
        cal.called_worse_wrong,
    ) == (100, 63, 40, 3, 3, 0)


def test_prediction_calibration_empty():
    cal = o.prediction_calibration([])
    assert (
        cal.checked,
        cal.right,
        cal.deteriorations,
        cal.foreseen,
        cal.called_worse,
        cal.called_worse_wrong,
    ) == (0, 0, 0, 0, 0, 0)


# --------------------------------------------------------------------------------------
# Association (Pearson r with a bootstrap interval)
# --------------------------------------------------------------------------------------

EPS = 1e-9


def _contains(a, r):
    return a.low - EPS <= r <= a.high + EPS


def test_association_perfectly_linear_is_one():
    """y = 2x: every deviation of y is twice x's, so r = sum(dx*2dx)/sqrt(sum dx^2 *
    sum 4dx^2) = 1. Every bootstrap resample with spread is also exactly linear: r = 1."""
    a = o.association([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    assert a is not None
    assert a.n == 5
    assert a.r == pytest.approx(1.0)
    assert _contains(a, a.r)
    assert a.low == pytest.approx(1.0) and a.high == pytest.approx(1.0)


def test_association_perfectly_inverse_is_minus_one():
    a = o.association([1, 2, 3, 4, 5], [10, 8, 6, 4, 2])
    assert a.r == pytest.approx(-1.0)
    assert _contains(a, a.r)


def test_association_hand_computed_r():
    """x = 1,2,3,4; y = 2,1,4,3. Means 2.5, 2.5.
    dx = -1.5, -0.5, 0.5, 1.5; dy = -0.5, -1.5, 1.5, 0.5.
    sum dx*dy = 0.75 + 0.75 + 0.75 + 0.75 = 3; sum dx^2 = sum dy^2 = 5.
    r = 3 / sqrt(5 * 5) = 0.6."""
    a = o.association([1, 2, 3, 4], [2, 1, 4, 3])
    assert a.n == 4
    assert a.r == pytest.approx(0.6)
    assert _contains(a, a.r)
    assert -1 - EPS <= a.low <= a.high <= 1 + EPS


def test_association_three_points():
    """x = 1,2,3; y = 1,3,2. dx = -1,0,1; dy = -1,1,0. sum dxdy = 1; sums of squares 2, 2.
    r = 1/2 = 0.5."""
    a = o.association([1, 2, 3], [1, 3, 2])
    assert a.n == 3
    assert a.r == pytest.approx(0.5)
    assert _contains(a, a.r)


def test_association_is_repeatable_and_none_when_it_cannot_be_computed():
    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    assert o.association(x, y) == o.association(x, y)
    assert o.association([1, 2], [1, 2]) is None  # fewer than 3 pairs
    assert o.association([1, 1, 1], [1, 2, 3]) is None  # no spread in x


# --------------------------------------------------------------------------------------
# Whose read (client- vs practitioner-rated early alliance)
# --------------------------------------------------------------------------------------


def _reads(n):
    """Client feedback 0.1, 0.2, ... ; change = 10 x feedback (perfectly linear, r = 1);
    the practitioner's estimate runs the other way (0.9 - feedback: r = -1)."""
    return [
        o.EarlyRead(
            feedback=round(0.1 * (i + 1), 2),
            estimate=round(0.9 - 0.1 * (i + 1), 2),
            change=float(i + 1),
        )
        for i in range(n)
    ]


def test_whose_read_needs_eight_clients():
    assert o.whose_read(_reads(7)) is None
    found = o.whose_read(_reads(8))
    assert found is not None
    assert found.clients == 8
    assert found.client.r == pytest.approx(1.0)
    assert found.practitioner.r == pytest.approx(-1.0)


# --------------------------------------------------------------------------------------
# Answer checks (practice.outcomes.answer_problems)
# --------------------------------------------------------------------------------------


def test_answer_problems_complete_phq9_is_fine():
    assert answer_problems(PHQ9, {**PHQ9_ANSWERS, "difficulty": 1}) == []


def test_answer_problems_phq9_difficulty_may_be_left_out():
    """AMBIGUOUS: the difficulty question is not scored and on the form is asked only "if
    you checked off any problems": leaving it blank is not a problem."""
    assert answer_problems(PHQ9, PHQ9_ANSWERS) == []


def test_answer_problems_missing_and_out_of_range():
    """q3 missing: one problem. q1 = 4 (range 0-3): one problem. Both: two, q1's first."""
    missing = {k: v for k, v in PHQ9_ANSWERS.items() if k != "q3"}
    assert len(answer_problems(PHQ9, missing)) == 1
    assert len(answer_problems(PHQ9, {**PHQ9_ANSWERS, "q1": 4})) == 1
    both = answer_problems(PHQ9, {**missing, "q1": 4})
    assert len(both) == 2
    assert all(isinstance(p, str) and p for p in both)


def test_answer_problems_core10_range_is_0_to_4():
    answers = {f"q{i}": 4 for i in range(1, 11)}
    assert answer_problems(CORE10, answers) == []
    assert len(answer_problems(CORE10, {**answers, "q10": 5})) == 1
    assert len(answer_problems(CORE10, {**answers, "q5": -1})) == 1


def test_answer_problems_psfs():
    """One activity named and rated: fine. Rated without a name, or named without a
    rating: a problem. Nothing at all: a problem (at least one activity)."""
    assert answer_problems(PSFS, {"activity1": 4}, {"activity1": "Climbing stairs"}) == []
    assert (
        answer_problems(
            PSFS,
            {"activity1": 4, "activity2": 7, "activity3": 2},
            {"activity1": "Climbing stairs", "activity2": "Gardening", "activity3": "Driving"},
        )
        == []
    )
    assert len(answer_problems(PSFS, {"activity1": 4}, {})) == 1
    assert len(answer_problems(PSFS, {}, {"activity1": "Climbing stairs"})) == 1
    assert answer_problems(PSFS, {}, {}) != []
    assert len(answer_problems(PSFS, {"activity1": 11}, {"activity1": "Climbing stairs"})) == 1


def test_answer_problems_ors_range():
    answers = {"individually": 5.2, "interpersonally": 6.0, "socially": 4.8, "overall": 5.5}
    assert answer_problems(ORS, answers) == []
    assert len(answer_problems(ORS, {**answers, "overall": 10.5})) == 1

"""The frames the charts draw (insights/chart_data), checked as data: period choice, long
forms, per-period means, rupture markers and their aggregation, gaps, the calendar."""

from __future__ import annotations

import pandas as pd
import pytest

from insights.chart_data import alliance, calibration, gap, growth, periods
from tests.chart_fixtures import associations, by_quarter, make_items, make_sessions, rupture_on


@pytest.mark.parametrize(
    ("days", "freq"), [(30, "W"), (156 * 7 - 7, "W"), (5 * 365, "M"), (12 * 365, "Q")]
)
def test_the_period_grows_with_the_span_so_the_points_stay_few(days: int, freq: str) -> None:
    dates = pd.Series(
        [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-01") + pd.Timedelta(days=days)]
    )
    assert periods.choose_period(dates).freq == freq


def test_period_labels_sort_in_time_order_as_text() -> None:
    starts = pd.Series(pd.to_datetime(["2025-11-01", "2026-02-01"]))
    assert periods.period_label(starts, "Q").tolist() == ["2025-Q4", "2026-Q1"]
    assert periods.period_label(starts, "M").tolist() == ["2025-11", "2026-02"]


def test_each_session_gives_one_row_per_rating_with_its_flags_in_words() -> None:
    s = alliance.alliance_sessions(make_sessions(per_client=4))
    flag, _ = rupture_on(make_sessions(per_client=4), 1)
    data = alliance.ratings_per_session(s, [flag], "estimate", "feedback")
    assert len(data) == 8
    assert set(data["who"]) == {alliance.ESTIMATE, alliance.FEEDBACK}
    assert data.loc[data["number"] == 2, "flags"].tolist() == ["drop", "drop"]
    assert set(data.loc[data["number"] != 2, "flags"]) == {"none"}


def test_ratings_per_period_average_every_session_of_the_period() -> None:
    s = alliance.alliance_sessions(make_sessions(clients=3, per_client=20))
    data = alliance.ratings_per_period(s, "estimate_pct", "feedback_pct", periods.MONTH)
    feedback = data[data["who"] == alliance.FEEDBACK]
    assert feedback["sessions"].sum() == 60
    first = feedback.iloc[0]
    in_month = s[s["date"].dt.to_period("M").dt.start_time == first["period"]]
    assert first["score"] == pytest.approx(in_month["feedback_pct"].mean())


def test_rupture_markers_keep_only_ruptures_on_the_sessions_shown() -> None:
    sessions = make_sessions(per_client=6)
    flag, rupture = rupture_on(sessions, 2, "repaired")
    s = alliance.alliance_sessions(sessions)
    markers = alliance.rupture_markers([rupture], [flag], s)
    assert markers[["number", "rules", "status", "resolved_at"]].to_dict("records") == [
        {"number": 3, "rules": "drop", "status": "Repaired", "resolved_at": 4}
    ]
    assert alliance.rupture_markers([rupture], [flag], s.iloc[3:]).empty


def test_a_further_fall_inside_a_rupture_gets_its_own_marker_part_of_that_rupture() -> None:
    import dataclasses

    sessions = make_sessions(per_client=8)
    flag, rupture = rupture_on(sessions, 2, "unrepaired")
    deeper = sessions.iloc[4].session_id
    rupture = dataclasses.replace(rupture, deepened_session_ids=(deeper,))
    s = alliance.alliance_sessions(sessions)
    markers = alliance.rupture_markers([rupture], [flag], s)
    assert markers[["number", "status", "outcome"]].to_dict("records") == [
        {
            "number": 3,
            "status": "Unrepaired",
            "outcome": "Still below the client's usual: worth taking to supervision",
        },
        {
            "number": 5,
            "status": "Deepened",
            "outcome": "A further fall inside the rupture that began at session 3",
        },
    ]


@pytest.mark.parametrize(
    ("status", "at", "words"),
    [
        ("repaired", 7, "Back to usual at session 7"),
        ("repaired late", 9, "Back to usual at session 9, after staying below for a while"),
        ("open", None, "Not back to the client's usual yet"),
        ("repaired", None, "Back to usual"),
    ],
)
def test_what_became_of_a_rupture_is_said_in_words_never_null(
    status: str, at: int | None, words: str
) -> None:
    assert alliance.outcome_in_words(status, at) == words


def test_ruptures_per_period_count_rules_and_sit_on_the_periods_level() -> None:
    sessions = make_sessions(per_client=6)
    pairs = [rupture_on(sessions, i) for i in (1, 2)]
    s = alliance.alliance_sessions(sessions)
    markers = alliance.rupture_markers([r for _, r in pairs], [f for f, _ in pairs], s)
    level = pd.DataFrame({"period": [pd.Timestamp("2026-01-01")], "score": [55.0]})
    (row,) = alliance.ruptures_per_period(markers, level, periods.MONTH).to_dict("records")
    assert (row["ruptures"], row["rules"], row["score"]) == (2, "drop ×2", 55.0)
    assert row["sentence"].endswith("(and 1 more)")


def test_item_scores_as_percent_of_each_items_range() -> None:
    sessions = make_sessions(per_client=2)
    it = alliance.item_scores(alliance.alliance_sessions(sessions), make_items(sessions))
    pct = alliance.items_as_percent(it)
    assert (pct["feedback"] == it["feedback"] * 10).all()
    assert len(alliance.item_ratings_per_session(it)) == 2 * len(it)


def test_the_gap_is_compared_with_the_clients_own_mean_gap() -> None:
    s = gap.gap_sessions(make_sessions(clients=2, per_client=5), use_pct=False)
    for _, one in s.groupby("client_id"):
        assert one["relative"].sum() == pytest.approx(0.0)
    data = gap.gap_per_session(s)
    assert set(data["direction"]) <= set(gap.DIRECTIONS)
    assert (data.loc[data["gap"] > 0, "direction"] == gap.YOU_HIGHER).all()


def test_calibration_measures_come_in_long_form_one_row_per_quarter_and_measure() -> None:
    data = calibration.measures_by_quarter(calibration.quarters(by_quarter(3)))
    assert len(data) == 9
    bias = data[data["metric"] == calibration.BIAS]["value"].tolist()
    assert bias == [-2.1, -1.2, 0.4]


def test_the_calendar_fills_empty_days_with_zero_from_a_monday() -> None:
    days = growth.calendar_days(pd.DataFrame({"date": ["2026-06-03", "2026-06-10"], "count": 1}))
    assert days["day"].iloc[0] == "2026-06-01"
    assert days["weekday"].iloc[0] == "Mon"
    assert days["count"].sum() == 2 and len(days) == 10


def test_associations_name_direction_and_caution() -> None:
    data = growth.associations_to_draw(associations()).set_index("factor")
    assert data.loc["helpless", "caution"] == growth.CAUTION
    assert data.loc["helpless", "direction"] == growth.LOWER
    assert data.loc["supervision this week", "direction"] == growth.HIGHER

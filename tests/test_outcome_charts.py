"""The outcome charts and their frames, on hand-computed series: the band of no reliable
change around the baseline, the clinical cutoff's rule, each status coloured and shaped,
the axis named with the measure and which way is better, tables in words, and no
measure id anywhere in a chart; whose early read as dots with their intervals; and the
Outcomes view's caseload figures (insights.trends)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from insights import outcomes as rules
from insights import trends
from insights.chart_data import outcomes as data
from insights.charts.outcomes import STATUS_COLOURS, STATUS_SHAPES, outcome_chart, whose_read_chart
from prompts.outcomes import builtin_measures
from storage.records import Client
from tests.chart_fixtures import (
    assert_every_mark_has_tooltips,
    find,
    mark_props,
    rows_of,
    title_text,
)

MEASURES = builtin_measures()
PHQ9, PAIN, PSFS, ORS = (MEASURES[k] for k in ("phq9", "pain_nrs", "psfs", "ors"))
IDS = tuple(MEASURES)
START = date(2026, 3, 2)


def points(measure, totals: list[float], on_track_by: int = 6) -> list[rules.Point]:
    """The course of `totals`, one a week from START."""
    scores = [(n, START + timedelta(weeks=n - 1), t) for n, t in enumerate(totals, start=1)]
    return rules.course(measure, scores, on_track_by)


# PHQ-9 (higher is worse, cutoff 10, reliable change 6) from a baseline of 18:
# 15 is 3 better (no reliable change), 12 is 6 better but still >= 10 (improvement),
# 9 is 9 better and below 10 (recovery), 24 is 6 worse (deterioration)
PHQ9_TOTALS = [18, 15, 12, 9, 24]
PHQ9_STATUSES = [
    "Baseline",
    "No reliable change",
    "Reliable improvement",
    "Recovery",
    "Reliable deterioration",
]


def spec_of(measure, totals, client: str = "C-014") -> dict:
    return outcome_chart(measure, points(measure, totals), client).to_dict()


def layer_rows(spec: dict, unit: dict) -> list[dict]:
    return rows_of(spec, unit)


# ---- frames -----------------------------------------------------------------------------------


def test_each_score_gets_its_status_in_words() -> None:
    frame = data.course_frame(points(PHQ9, PHQ9_TOTALS))
    assert list(frame.columns) == ["number", "date", "total", "status"]
    assert frame["status"].tolist() == PHQ9_STATUSES
    assert frame["number"].tolist() == [1, 2, 3, 4, 5]


def test_the_band_is_the_baseline_plus_and_minus_the_reliable_change() -> None:
    band = data.band_frame(PHQ9, points(PHQ9, PHQ9_TOTALS))
    assert band[["low", "high"]].iloc[0].tolist() == [12, 24]
    assert "between 12 and 24" in band["label"].iloc[0]


def test_the_band_stops_at_the_ends_of_the_scale_and_follows_a_share_of_baseline() -> None:
    band = data.band_frame(PHQ9, points(PHQ9, [25, 20]))
    assert band[["low", "high"]].iloc[0].tolist() == [19, 27]
    # pain: 2 points or 30% of the baseline, whichever is smaller (30% of 5 is 1.5)
    band = data.band_frame(PAIN, points(PAIN, [5, 4]))
    assert band[["low", "high"]].iloc[0].tolist() == [3.5, 6.5]


def test_the_cutoff_is_one_row_and_none_for_a_measure_without_one() -> None:
    cutoff = data.cutoff_frame(PHQ9)
    assert cutoff["cutoff"].tolist() == [10]
    assert "at or above is the clinical range" in cutoff["label"].iloc[0]
    assert "below is the clinical range" in data.cutoff_frame(ORS)["label"].iloc[0]
    assert data.cutoff_frame(PAIN).empty


@pytest.mark.parametrize(
    ("measure", "title"),
    [
        (PHQ9, ["PHQ-9", "Total 0–27, lower is better"]),
        (PAIN, ["Pain intensity (0-10)", "Total 0–10, lower is better"]),
        (
            PSFS,
            ["Patient-Specific Functional Scale", "Mean of the activities 0–10, higher is better"],
        ),
        (ORS, ["Outcome Rating Scale", "Total 0–40, higher is better"]),
    ],
)
def test_the_axis_names_the_measure_and_which_way_is_better(measure, title) -> None:
    assert data.score_title(measure) == title


def test_the_status_table_says_each_session_in_words() -> None:
    table = data.status_table(PHQ9, points(PHQ9, PHQ9_TOTALS))
    assert list(table.columns) == ["Session", "Date", "Score", "Status", "Clinical range"]
    assert table["Status"].tolist() == PHQ9_STATUSES
    assert table["Score"].tolist() == ["18", "15", "12", "9", "24"]
    assert table["Clinical range"].tolist() == ["yes", "yes", "yes", "no", "yes"]
    assert table["Date"].iloc[0] == "02 Mar 2026"
    pain = data.status_table(PAIN, points(PAIN, [7, 6.5]))
    assert "Clinical range" not in pain.columns
    assert pain["Score"].tolist() == ["7", "6.5"]


def test_reliable_change_is_said_in_words_with_the_share_of_baseline_where_it_counts() -> None:
    assert data.reliable_change_words(PHQ9) == "at least 6 points on PHQ-9"
    assert data.reliable_change_words(PAIN) == (
        "at least 2 points on Pain intensity (0-10), or 30% of the baseline"
    )
    assert data.reliable_change_words(PSFS) == "at least 2 points on the mean of the activities"


# ---- the client's chart -------------------------------------------------------------------------


def test_the_chart_shades_the_band_of_no_reliable_change() -> None:
    spec = spec_of(PHQ9, PHQ9_TOTALS)
    (band,) = find(spec, "rect", y="low")
    assert band["encoding"]["y2"]["field"] == "high"
    assert "x" not in band["encoding"]  # the band runs the chart's whole width
    assert layer_rows(spec, band)[0]["low"] == 12
    assert layer_rows(spec, band)[0]["high"] == 24
    assert 0 < mark_props(band)["opacity"] < 0.5


def test_the_chart_draws_a_rule_at_the_clinical_cutoff_only_where_there_is_one() -> None:
    spec = spec_of(PHQ9, PHQ9_TOTALS)
    (rule,) = find(spec, "rule", y="cutoff")
    assert layer_rows(spec, rule)[0]["cutoff"] == 10
    assert "clinical cutoff (10)" in spec["title"]["subtitle"]
    without = spec_of(PAIN, [7, 5, 4])
    assert find(without, "rule") == []
    assert "cutoff" not in without["title"]["subtitle"]


def test_each_status_has_its_own_colour_and_shape() -> None:
    spec = spec_of(PHQ9, PHQ9_TOTALS)
    (dots,) = find(spec, "point", x="number", y="total")
    fill, shape = dots["encoding"]["fill"], dots["encoding"]["shape"]
    assert fill["field"] == shape["field"] == "status"
    assert fill["scale"]["domain"] == shape["scale"]["domain"] == list(data.STATUS_WORDS.values())
    assert fill["scale"]["range"] == STATUS_COLOURS and len(set(STATUS_COLOURS)) == 5
    assert shape["scale"]["range"] == STATUS_SHAPES and len(set(STATUS_SHAPES)) == 5
    assert [row["status"] for row in layer_rows(spec, dots)] == PHQ9_STATUSES
    assert find(spec, "line", x="number", y="total")


def test_the_chart_is_titled_with_the_client_and_measure_and_axes_in_words() -> None:
    spec = spec_of(PSFS, [3, 4, 6])
    assert title_text(spec) == "C-014: Patient-Specific Functional Scale over sessions"
    (dots,) = find(spec, "point", y="total")
    assert dots["encoding"]["y"]["title"] == data.score_title(PSFS)
    assert dots["encoding"]["y"]["scale"]["domain"] == [0, 10]
    assert dots["encoding"]["x"]["title"] == "Session number"
    assert_every_mark_has_tooltips(spec)
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


@pytest.mark.parametrize("measure", [PHQ9, PAIN, PSFS, ORS], ids=lambda m: m.name)
def test_no_measure_id_is_in_any_chart(measure) -> None:
    top = measure.total_max
    text = json.dumps(spec_of(measure, [top * 0.6, top * 0.5, top * 0.2, top * 0.7]))
    assert not [key for key in IDS if f'"{key}"' in text or f" {key} " in text]
    assert data.measure_label(measure) in text


def test_no_scores_is_a_friendly_chart() -> None:
    spec = outcome_chart(PHQ9, [], "C-014").to_dict()
    assert rows_of(spec)[0]["message"] == "No scores yet"


# ---- whose read ----------------------------------------------------------------------------------

FOUND = rules.WhoseRead(
    client=rules.Association(r=0.52, low=0.05, high=0.83, n=12),
    practitioner=rules.Association(r=0.14, low=-0.4, high=0.6, n=12),
    clients=12,
)


def test_whose_read_is_a_dot_and_an_interval_per_read() -> None:
    spec = whose_read_chart(FOUND).to_dict()
    assert_every_mark_has_tooltips(spec)
    (dot,) = find(spec, "point", x="r", y="read")
    (interval,) = find(spec, "rule", x="low", y="read")
    assert interval["encoding"]["x2"]["field"] == "high"
    assert dot["encoding"]["x"]["scale"]["domain"] == [-1, 1]
    rows = rows_of(spec, dot)
    assert [(row["read"], row["r"], row["n"]) for row in rows] == [
        ("Your clients' own early ratings", 0.52, 12),
        ("Your early estimates", 0.14, 12),
    ]
    assert find(spec, "rule", x="zero")


def test_whose_read_without_associations_is_a_friendly_chart() -> None:
    spec = whose_read_chart(None).to_dict()
    assert rows_of(spec)[0]["message"] == "Not enough clients yet"
    half = rules.WhoseRead(client=FOUND.client, practitioner=None, clients=9)
    spec = whose_read_chart(half).to_dict()
    (dot,) = find(spec, "point", x="r")
    assert [row["read"] for row in rows_of(spec, dot)] == ["Your clients' own early ratings"]


def test_whose_read_table_is_in_words() -> None:
    table = trends.whose_read_table(FOUND)
    assert list(table.columns) == [
        "Whose read",
        "Correlation with progress (r)",
        "95% interval from",
        "95% interval to",
        "Clients",
    ]
    assert table["Correlation with progress (r)"].tolist() == [0.52, 0.14]


# ---- the Outcomes view's figures ------------------------------------------------------------


@dataclass(frozen=True)
class FakeCourse:
    client: Client
    measure: object
    points: list
    calls: list
    reason: str


def course(code: str, totals: list[float], calls=()) -> FakeCourse:
    found = points(PHQ9, totals)
    return FakeCourse(
        Client(code, outcome_measure="phq9"),
        PHQ9,
        found,
        list(calls),
        rules.not_on_track_reason(found),
    )


def test_the_caseload_table_says_each_clients_progress_in_words() -> None:
    courses = [course("C-002", [18, 17, 18, 18, 17, 16]), course("C-001", PHQ9_TOTALS[:4])]
    view = trends.outcome_views(courses, [], [c.client for c in courses] + [Client("C-009")])
    table = trends.outcomes_table(view)
    assert table["Client"].tolist() == ["C-001", "C-002"]
    assert table["Measure"].tolist() == ["PHQ-9", "PHQ-9"]
    assert table["Status"].tolist() == ["Recovery", "No reliable change"]
    assert table["On track"].tolist() == ["yes", "no"]
    (line,) = trends.not_on_track_lines(view)
    assert line.startswith("C-002: Session 6: no reliable improvement since the start")
    assert view.without_measure == ["C-009"]
    assert not any(key in table.to_csv() for key in ("phq9",))


def test_your_calls_are_calibrated_over_the_caseload_or_one_client() -> None:
    first = course("C-001", PHQ9_TOTALS, [("worse", rules.DETERIORATED)])
    second = course("C-002", [18, 18], [("improving", rules.NO_CHANGE)])
    view = trends.outcome_views([first, second], [], [first.client, second.client])
    assert view.predictions.checked == 2 and view.predictions.right == 1
    assert trends.predictions_for(view, trends.ALL_CLIENTS) == view.predictions
    assert trends.predictions_for(view, first.client.id).right == 1
    assert trends.predictions_for(view, "nobody").checked == 0


@pytest.mark.parametrize(
    ("qualifying", "words"),
    [
        (1, "1 client so far has an outcome baseline"),
        (7, "7 clients so far have an outcome baseline and at least 4 sessions. "),
    ],
)
def test_whose_read_says_how_many_clients_qualify_until_eight_do(qualifying, words) -> None:
    reads = [rules.EarlyRead(0.5 + k / 20, 0.5, k / 3) for k in range(qualifying)]
    view = trends.outcome_views([], reads, [])
    assert view.whose is None
    assert words in trends.whose_read_waiting(view)
    assert trends.whose_read_waiting(view).endswith("appears once 8 do.")
    shown = trends.outcome_views([], (reads * 8)[:8], [])
    assert shown.whose is not None and shown.qualifying == 8

"""Chart builders (insights/charts.py) and downloads (insights/export.py).

Built against synthetic frames with the columns insights/frames.py produces; the
specs are checked through ``chart.to_dict()`` (marks, encodings, tooltips, titles and
the data embedded in them).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import pytest

from insights import charts as ch
from insights.export import EXPORT_WARNING, chart_png, chart_spec, chart_svg, frame_csv

CANARY = "canary-7f3a-private-comment"


@dataclass(frozen=True)
class Flag:
    session_id: str
    client_id: str
    rule: str
    kind: str
    sentence: str


@dataclass(frozen=True)
class Rupture:
    client_id: str
    session_id: str
    rules: tuple[str, ...]
    status: str
    resolved_session_id: str | None
    pre_mean: float


# ------------------------------------------------------------------ synthetic frames


def make_sessions(
    clients: int = 1,
    per_client: int = 10,
    instrument: str = "SRS",
    cutoff: float = 36.0,
    start: str = "2026-01-05",
    seen_first: tuple[int, ...] = (2,),
    seed: int = 1,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(clients):
        for k in range(per_client):
            est, fb = float(rng.integers(20, 41)), float(rng.integers(20, 41))
            rows.append(
                {
                    "session_id": f"s{c}-{k}",
                    "client_id": f"c{c}",
                    "client": f"C-{c:03d}",
                    "date": pd.Timestamp(start) + pd.Timedelta(days=7 * k + c % 7),
                    "number": k + 1,
                    "late_cancellation": False,
                    "instrument": instrument,
                    "total_min": 0.0,
                    "total_max": 40.0,
                    "cutoff": cutoff,
                    "estimate": est,
                    "feedback": fb,
                    "estimate_pct": est / 40 * 100,
                    "feedback_pct": fb / 40 * 100,
                    "gap": est - fb,
                    "gap_pct": (est - fb) / 40 * 100,
                    "presence": float(rng.integers(3, 11)),
                    "withdrawal": "going quiet",
                    "confrontation": "",
                    "estimate_at": None,
                    "feedback_at": None,
                    "seen_first": k in seen_first,
                    "comment": CANARY,
                    "quarter": "2026-Q1",
                }
            )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def make_items(sessions: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = []
    for s in sessions.itertuples():
        for item in ("bond", "goals", "tasks", "voice"):
            rows.append(
                {
                    "session_id": s.session_id,
                    "client_id": s.client_id,
                    "client": s.client,
                    "date": s.date,
                    "number": s.number,
                    "instrument": s.instrument,
                    "item": item,
                    "label": item.capitalize(),
                    "estimate": float(rng.integers(4, 11)),
                    "feedback": float(rng.integers(4, 11)),
                    "min_score": 0.0,
                    "max_score": 10.0,
                }
            )
    return pd.DataFrame(rows)


def rupture_on(sessions: pd.DataFrame, index: int, status: str = "repaired"):
    row = sessions.iloc[index]
    flag = Flag(
        row.session_id,
        row.client_id,
        "drop",
        "rupture",
        "The client's total fell 6 points below the mean of the last 3 sessions.",
    )
    nxt = sessions.iloc[index + 1].session_id if index + 1 < len(sessions) else None
    return flag, Rupture(row.client_id, row.session_id, ("drop",), status, nxt, 35.0)


def by_quarter(n: int = 3) -> pd.DataFrame:
    quarters = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"][:n]
    return pd.DataFrame(
        {
            "quarter": quarters,
            "n": [30, 42, 12, 8][:n],
            "mean_bias": [-2.1, -1.2, 0.4, 0.1][:n],
            "mae": [3.5, 2.8, 2.2, 2.0][:n],
            "spearman": [0.2, 0.35, np.nan, 0.5][:n],
            "baseline_agreement": [0.55, 0.6, 0.7, 0.7][:n],
            "sensitivity": [0.3, 0.5, 0.6, 0.6][:n],
            "sensitivity_n": [5, 6, 2, 1][:n],
        }
    )


def reactions(months: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"month": f"2026-{m:02d}", "reaction": r, "mean_intensity": 1.5, "count": 4}
            for m in range(1, months + 1)
            for r in ("helpless/inadequate", "positive", "disengaged")
        ]
    )


def domains(months: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"month": pd.Timestamp(f"2026-{m:02d}-01"), "domain": d, "count": 2}
            for m in range(1, months + 1)
            for d in ("transference", "boundaries", "presence")
        ]
    )


def associations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "factor": ["felt rushed", "helpless", "supervision this week"],
            "kind": ["tag", "reaction", "tag"],
            "n_with": [12, 3, 20],
            "n_without": [40, 49, 32],
            "mean_with": [33.0, 31.0, 37.0],
            "mean_without": [36.0, 36.0, 35.0],
            "difference": [-3.0, -5.0, 2.0],
            "small_n": [False, True, False],
        }
    )


# ------------------------------------------------------------------- spec helpers


def units(spec: dict, inherited: dict | None = None) -> Iterator[dict]:
    """Every single-view (mark-bearing) spec inside a layered spec, with its data."""
    data = spec.get("data") or inherited
    if "mark" in spec:
        yield {**spec, "data": data} if data else spec
    for part in spec.get("layer", []):
        yield from units(part, data)


def mark(unit: dict) -> str:
    m = unit["mark"]
    return m if isinstance(m, str) else m["type"]


def mark_props(unit: dict) -> dict:
    return unit["mark"] if isinstance(unit["mark"], dict) else {}


def rows_of(spec: dict, unit: dict | None = None) -> list[dict]:
    """Rows drawn by ``unit`` (its own data, else the top level's)."""
    data = (unit or {}).get("data") or spec.get("data")
    if data is None:
        return []
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def all_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def tooltip_titles(unit: dict) -> list[str]:
    tips = unit["encoding"]["tooltip"]
    tips = tips if isinstance(tips, list) else [tips]
    return [t.get("title", t.get("field")) for t in tips]


def title_text(spec: dict) -> str:
    title = spec.get("title", "")
    return title["text"] if isinstance(title, dict) else title


def assert_every_mark_has_tooltips(spec: dict) -> None:
    found = list(units(spec))
    assert found
    for unit in found:
        assert unit.get("encoding", {}).get("tooltip"), f"{mark(unit)} mark has no tooltip"


def find(spec: dict, mark_type: str, **encoding_fields: str) -> list[dict]:
    out = []
    for unit in units(spec):
        enc = unit.get("encoding", {})
        if mark(unit) == mark_type and all(
            enc.get(ch_name, {}).get("field") == field for ch_name, field in encoding_fields.items()
        ):
            out.append(unit)
    return out


def is_no_data(spec: dict) -> bool:
    found = list(units(spec))
    return (
        len(found) == 1
        and mark(found[0]) == "text"
        and rows_of(spec, found[0]) == [{"message": ch.NO_DATA}]
    )


# ------------------------------------------------------------------------ alliance


def test_alliance_per_client_totals_marks_titles_and_tooltips():
    sessions = make_sessions()
    spec = ch.alliance_chart(sessions, [], []).to_dict()
    assert_every_mark_has_tooltips(spec)
    assert "your estimate and the client's feedback" in title_text(spec)
    line = find(spec, "line", x="number", y="score")
    assert len(line) == 1
    enc = line[0]["encoding"]
    assert enc["x"]["title"] == "Session number"
    assert enc["y"]["title"] == "Score (SRS, 0–40)"
    assert enc["y"]["scale"]["domain"] == [0.0, 40.0]
    assert enc["color"]["field"] == "who"
    assert enc["color"]["scale"]["domain"] == [ch.ESTIMATE, ch.FEEDBACK]
    # Estimate and feedback differ by dash as well as colour.
    assert enc["strokeDash"]["field"] == "who"
    dashes = enc["strokeDash"]["scale"]["range"]
    assert dashes[0] != dashes[1]
    points = find(spec, "point", x="number", y="score")
    assert points
    assert {"Client", "Session", "Date", "Whose rating"} <= set(tooltip_titles(points[0]))
    rows = rows_of(spec)
    assert {r["who"] for r in rows} == {ch.ESTIMATE, ch.FEEDBACK}
    # Totals in the instrument's own units per client.
    estimates = sorted(r["score"] for r in rows if r["who"] == ch.ESTIMATE)
    assert estimates == sorted(sessions["estimate"].tolist())


def test_alliance_rupture_points_carry_rules_sentence_and_status():
    sessions = make_sessions(per_client=8)
    f1, r1 = rupture_on(sessions, 3, "repaired")
    f2, r2 = rupture_on(sessions, 5, "unrepaired")
    r3 = Rupture("c0", sessions.iloc[6].session_id, ("markers", "item_drop"), "open", None, 33.0)
    f3 = Flag(r3.session_id, "c0", "markers", "rupture", "You ticked withdrawal markers.")
    spec = ch.alliance_chart(sessions, [f1, f2, f3], [r1, r2, r3]).to_dict()
    assert_every_mark_has_tooltips(spec)
    rupture_layers = [u for u in units(spec) if u.get("encoding", {}).get("shape")]
    assert len(rupture_layers) == 1
    layer = rupture_layers[0]
    assert layer["encoding"]["shape"]["field"] == "status"
    assert layer["encoding"]["fill"]["field"] == "status"
    # Status differs by shape, not by colour alone.
    shapes = layer["encoding"]["shape"]["scale"]["range"]
    assert len(set(shapes)) == 3
    assert {"Rules fired", "Why", "Rupture"} <= set(tooltip_titles(layer))
    rows = {r["number"]: r for r in rows_of(spec, layer)}
    assert set(rows) == {4, 6, 7}
    assert rows[4]["rules"] == "drop"
    assert "fell 6 points" in rows[4]["sentence"]
    assert rows[4]["status"] == "Repaired"
    assert rows[4]["resolved_at"] == 5
    assert rows[6]["status"] == "Unrepaired"
    assert rows[4]["pre_mean"] == 35.0
    assert "Client's usual score before" in tooltip_titles(layer)
    assert rows[7]["rules"] == "markers, item drop"
    assert rows[7]["sentence"] == "You ticked withdrawal markers."
    assert rows[7]["status"] == "Open"
    # Markers sit on the feedback line.
    assert rows[4]["score"] == sessions.iloc[3]["feedback"]


def test_alliance_points_name_every_flag_of_their_session_in_words():
    sessions = make_sessions(per_client=8)
    first, rupture = rupture_on(sessions, 3, "unrepaired")
    later = sessions.iloc[5]
    # a fall inside a rupture already under way has no marker of its own, but its flags show
    inside = [
        Flag(later.session_id, later.client_id, rule, "rupture", "Fell again.")
        for rule in ("drop", "item_drop", "drop")
    ]
    spec = ch.alliance_chart(sessions, [first, *inside], [rupture]).to_dict()
    points = next(
        p for p in find(spec, "point", x="number", y="score") if "shape" not in p["encoding"]
    )
    assert "Flags on this session" in tooltip_titles(points)
    flags_of = {r["number"]: r["flags"] for r in rows_of(spec)}
    assert flags_of[int(later.number)] == "drop, item drop"
    assert flags_of[int(sessions.iloc[3].number)] == "drop"
    assert flags_of[int(sessions.iloc[0].number)] == "none"


def test_alliance_ruptures_of_other_clients_are_not_drawn():
    sessions = make_sessions(clients=2)
    one = sessions[sessions["client_id"] == "c0"]
    flag, rupture = rupture_on(sessions[sessions["client_id"] == "c1"].reset_index(), 2)
    spec = ch.alliance_chart(one, [flag], [rupture]).to_dict()
    assert not [u for u in units(spec) if u.get("encoding", {}).get("shape")]


def test_alliance_cutoff_rule_only_when_the_instrument_has_one():
    with_cutoff = ch.alliance_chart(make_sessions(cutoff=36.0), [], []).to_dict()
    rules = find(with_cutoff, "rule", y="cutoff")
    assert len(rules) == 1
    assert rows_of(with_cutoff, rules[0])[0]["cutoff"] == 36.0
    assert tooltip_titles(rules[0])
    assert any("cutoff" in r.get("label", "") for r in all_rows(with_cutoff))

    without = ch.alliance_chart(make_sessions(cutoff=np.nan, instrument="SAC-4"), [], [])
    assert not find(without.to_dict(), "rule")


def test_alliance_no_cutoff_when_two_instruments_are_shown():
    a = make_sessions(instrument="SRS", cutoff=36.0)
    b = make_sessions(instrument="WAI-SR", cutoff=np.nan, start="2026-04-06")
    b["number"] += 10
    b["session_id"] += "b"
    spec = ch.alliance_chart(pd.concat([a, b], ignore_index=True), [], []).to_dict()
    assert not find(spec, "rule")
    # Mixed instruments are drawn as percent of range.
    line = find(spec, "line", y="score")[0]
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert "%" in line["encoding"]["y"]["title"]


def test_alliance_seen_first_sessions_are_hollow_with_a_note():
    spec = ch.alliance_chart(make_sessions(seen_first=(2,)), [], []).to_dict()
    hollow = [u for u in find(spec, "point") if mark_props(u).get("filled") is False]
    assert len(hollow) == 1
    assert {"filter": "datum.seen_first"} in hollow[0]["transform"]
    assert ch.SEEN_FIRST_NOTE in json.dumps(hollow[0]["transform"])
    assert "Note" in tooltip_titles(hollow[0])
    solid = [u for u in find(spec, "point") if mark_props(u).get("filled") is True]
    assert {"filter": "!datum.seen_first"} in solid[0]["transform"]
    assert sum(r["seen_first"] for r in rows_of(spec)) == 2  # estimate and feedback

    none_seen = ch.alliance_chart(make_sessions(seen_first=()), [], []).to_dict()
    assert not [u for u in find(none_seen, "point") if mark_props(u).get("filled") is False]


def test_alliance_items_on_demand():
    sessions = make_sessions(per_client=6)
    flag, rupture = rupture_on(sessions, 2)
    spec = ch.alliance_chart(sessions, [flag], [rupture], items=make_items(sessions)).to_dict()
    assert_every_mark_has_tooltips(spec)
    line = find(spec, "line", x="number", y="score")
    assert len(line) == 1
    assert line[0]["encoding"]["color"]["field"] == "label"
    assert line[0]["encoding"]["strokeDash"]["field"] == "who"
    rows = rows_of(spec)
    assert {r["label"] for r in rows} == {"Bond", "Goals", "Tasks", "Voice"}
    assert len(rows) == 6 * 4 * 2
    assert "Item" in tooltip_titles(find(spec, "point")[0])
    rupture_layer = [u for u in units(spec) if u.get("encoding", {}).get("shape")][0]
    assert rows_of(spec, rupture_layer)[0]["rules"] == "drop"
    assert "item by item" in title_text(spec)


def test_alliance_caseload_items_are_aggregated_too():
    sessions = make_sessions(clients=25, per_client=40, start="2024-01-01")
    spec = ch.alliance_chart(sessions, [], [], items=make_items(sessions), per_client=False)
    spec = spec.to_dict()
    rows = rows_of(spec)
    assert len(rows) <= 4 * 2 * 160
    assert {r["label"] for r in rows} == {"Bond", "Goals", "Tasks", "Voice"}
    assert find(spec, "line", x="period", y="score")
    assert all(0 <= r["score"] <= 100 for r in rows)


def test_alliance_caseload_uses_percent_and_dates():
    sessions = make_sessions(clients=3, per_client=5)
    spec = ch.alliance_chart(sessions, [], [], per_client=False).to_dict()
    line = find(spec, "line", x="date", y="score")[0]
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert line["encoding"]["detail"]["field"] == "client"
    feedback = sorted(r["score"] for r in rows_of(spec) if r["who"] == ch.FEEDBACK)
    assert feedback == sorted(sessions["feedback_pct"].tolist())


def test_alliance_caseload_of_10k_sessions_is_aggregated_to_few_points():
    sessions = make_sessions(clients=50, per_client=200, start="2022-01-03", seen_first=(5,))
    assert len(sessions) == 10_000
    flags, ruptures = [], []
    for i in range(0, len(sessions) - 1, 37):
        flag, rupture = rupture_on(sessions, i, ("repaired", "unrepaired", "open")[i % 3])
        flags.append(flag)
        ruptures.append(rupture)
    chart = ch.alliance_chart(sessions, flags, ruptures, per_client=False)
    spec = chart.to_dict()  # would raise MaxRowsError above 5,000 rows
    assert len(all_rows(spec)) <= 2 * 160 + 3 * 160
    assert_every_mark_has_tooltips(spec)
    line = find(spec, "line", y="score")[0]
    assert line["encoding"]["x"]["field"] == "period"
    assert "Sessions" in tooltip_titles(find(spec, "point", y="score")[0])
    assert sum(r["sessions"] for r in rows_of(spec) if r["who"] == ch.FEEDBACK) == 10_000
    rupture_layer = [u for u in units(spec) if u.get("encoding", {}).get("shape")][0]
    rupture_rows = rows_of(spec, rupture_layer)
    assert sum(r["ruptures"] for r in rupture_rows) == len(ruptures)
    assert all("drop" in r["rules"] for r in rupture_rows)
    assert CANARY not in json.dumps(spec)


def test_charts_embed_only_the_columns_they_need():
    sessions = make_sessions()
    flag, rupture = rupture_on(sessions, 3)
    for chart in (
        ch.alliance_chart(sessions, [flag], [rupture]),
        ch.alliance_chart(sessions, [flag], [rupture], per_client=False),
        ch.gap_chart(sessions),
        ch.gap_chart(sessions, per_client=False),
    ):
        spec = chart.to_dict()
        text = json.dumps(spec)
        assert CANARY not in text
        assert "going quiet" not in text
        for row in all_rows(spec):
            assert not {"session_id", "client_id", "comment", "withdrawal"} & set(row)


# ----------------------------------------------------------------------------- gap


def test_gap_chart_bars_and_line_against_the_clients_own_baseline():
    sessions = make_sessions(per_client=6)
    spec = ch.gap_chart(sessions).to_dict()
    assert_every_mark_has_tooltips(spec)
    bars = find(spec, "bar", x="number", y="gap")
    assert len(bars) == 1
    assert bars[0]["encoding"]["y"]["title"] == ch.GAP_TITLE
    assert bars[0]["encoding"]["color"]["field"] == "direction"
    lines = find(spec, "line", x="number", y="relative")
    assert len(lines) == 1
    rows = rows_of(spec)
    mean_gap = sessions["gap"].mean()
    for row in rows:
        assert row["relative"] == pytest.approx(row["gap"] - mean_gap)
    assert {r["direction"] for r in rows} <= {"You rated higher", "Client rated higher", "Same"}
    assert find(spec, "rule", y="zero")


def test_gap_chart_caseload_aggregates_per_period():
    sessions = make_sessions(clients=50, per_client=200, start="2022-01-03")
    spec = ch.gap_chart(sessions, per_client=False).to_dict()
    assert_every_mark_has_tooltips(spec)
    bars = find(spec, "bar", x="period", y="gap")
    assert bars
    assert "% of range" in bars[0]["encoding"]["y"]["title"]
    rows = rows_of(spec)
    assert len(rows) <= 160
    assert sum(r["sessions"] for r in rows) == 10_000


def test_gap_chart_without_any_gap_is_friendly():
    sessions = make_sessions()
    sessions["gap"] = np.nan
    spec = ch.gap_chart(sessions).to_dict()
    assert mark(next(units(spec))) == "text"


# --------------------------------------------------------------------- calibration


def test_calibration_chart_bias_mae_and_spearman_on_its_own_axis():
    spec = ch.calibration_chart(by_quarter()).to_dict()
    assert_every_mark_has_tooltips(spec)
    assert spec["resolve"]["scale"]["y"] == "independent"
    metrics = {r["metric"] for r in all_rows(spec) if "metric" in r}
    assert metrics == {
        "Average gap (your estimate − client's feedback)",
        "Average size of the gap",
        "Rank agreement (Spearman)",
    }
    lines = find(spec, "line", x="quarter", y="value")
    assert len(lines) == 2
    for line in lines:
        assert "Sessions (n)" in tooltip_titles(line)
    right = [u for u in lines if u["encoding"]["y"].get("axis", {}).get("orient") == "right"]
    assert len(right) == 1
    assert right[0]["encoding"]["y"]["scale"]["domain"] == [-1, 1]
    assert "Spearman" in right[0]["encoding"]["y"]["title"]


# -------------------------------------------------------------------------- growth


def test_reactions_heatmap():
    spec = ch.reactions_heatmap(reactions()).to_dict()
    assert_every_mark_has_tooltips(spec)
    (rect,) = find(spec, "rect", x="month", y="reaction", color="mean_intensity")
    assert "Sessions noted" in tooltip_titles(rect)
    assert rect["encoding"]["color"]["scale"]["domain"] == [0, 3]
    assert len(rows_of(spec)) == 9


def test_domains_chart_months_as_datetimes():
    spec = ch.domains_chart(domains()).to_dict()
    assert_every_mark_has_tooltips(spec)
    (bar,) = find(spec, "bar", x="month", y="count", color="domain")
    assert {r["month"] for r in rows_of(spec)} == {"2026-01", "2026-02", "2026-03"}
    assert "Reflections" in tooltip_titles(bar)


def test_presence_chart_points_and_running_average():
    frame = make_sessions(clients=2, per_client=5)[["date", "presence", "client"]]
    spec = ch.presence_chart(frame).to_dict()
    assert_every_mark_has_tooltips(spec)
    assert find(spec, "point", x="date", y="presence")
    assert find(spec, "line", x="date", y="recent")
    assert len(rows_of(spec)) == 10


def test_presence_chart_aggregates_long_series():
    frame = make_sessions(clients=50, per_client=200, start="2022-01-03")
    spec = ch.presence_chart(frame[["date", "presence", "client"]]).to_dict()
    rows = rows_of(spec)
    assert len(rows) <= 160
    assert sum(r["sessions"] for r in rows) == 10_000
    assert "client" not in rows[0]


def test_consistency_calendar_is_week_by_weekday_with_empty_days_filled():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-06-01", "2026-06-03", "2026-06-03", "2026-06-14"]),
            "count": [1, 2, 1, 1],
        }
    )
    spec = ch.consistency_calendar(frame).to_dict()
    assert_every_mark_has_tooltips(spec)
    (rect,) = find(spec, "rect", x="week", y="weekday")
    assert rect["encoding"]["y"]["sort"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    rows = {r["day"]: r for r in rows_of(spec)}
    assert len(rows) == 14  # Mon 1 June to Sun 14 June
    assert rows["2026-06-03"]["count"] == 3
    assert rows["2026-06-03"]["weekday"] == "Wed"
    assert rows["2026-06-02"]["count"] == 0
    assert rows["2026-06-14"]["week"] == "2026-06-08"


def test_consistency_calendar_shows_the_last_year_by_default():
    days = pd.date_range("2022-01-01", "2026-06-30", freq="D")
    spec = ch.consistency_calendar(pd.DataFrame({"date": days, "count": 1})).to_dict()
    assert 52 * 7 < len(rows_of(spec)) <= 53 * 7
    spec_all = ch.consistency_calendar(pd.DataFrame({"date": days, "count": 1}), weeks=None)
    assert len(rows_of(spec_all.to_dict())) >= len(days)


def test_associations_chart_fades_and_labels_small_samples():
    spec = ch.associations_chart(associations()).to_dict()
    assert_every_mark_has_tooltips(spec)
    (bar,) = find(spec, "bar", x="difference", y="factor")
    titles = tooltip_titles(bar)
    assert {"Sessions with it (n)", "Sessions without it (n)"} <= set(titles)
    opacity = bar["encoding"]["opacity"]
    (condition,) = (
        opacity["condition"] if isinstance(opacity["condition"], list) else [opacity["condition"]]
    )
    assert condition["test"] == "datum.small_n"
    assert condition["value"] < opacity["value"]
    texts = [u for u in find(spec, "text") if u["encoding"]["text"]["field"] == "caution"]
    assert texts
    assert all("datum.small_n" in json.dumps(u["transform"]) for u in texts)
    rows = {r["factor"]: r for r in rows_of(spec)}
    assert rows["helpless"]["caution"] == ch.CAUTION
    assert rows["felt rushed"]["caution"] != ch.CAUTION


# ------------------------------------------------------------ empty and single row


BUILDERS = {
    "alliance": lambda f: ch.alliance_chart(f, [], []),
    "alliance_caseload": lambda f: ch.alliance_chart(f, [], [], per_client=False),
    "alliance_items": lambda f: ch.alliance_chart(f, [], [], items=make_items(f)),
    "gap": ch.gap_chart,
    "gap_caseload": lambda f: ch.gap_chart(f, per_client=False),
    "calibration": ch.calibration_chart,
    "reactions": ch.reactions_heatmap,
    "domains": ch.domains_chart,
    "presence": ch.presence_chart,
    "consistency": ch.consistency_calendar,
    "associations": ch.associations_chart,
}

SAMPLES = {
    "alliance": make_sessions,
    "alliance_caseload": make_sessions,
    "alliance_items": make_sessions,
    "gap": make_sessions,
    "gap_caseload": make_sessions,
    "calibration": by_quarter,
    "reactions": reactions,
    "domains": domains,
    "presence": lambda: make_sessions()[["date", "presence", "client"]],
    "consistency": lambda: pd.DataFrame(
        {"date": pd.date_range("2026-06-01", periods=5), "count": [1, 0, 2, 1, 3]}
    ),
    "associations": associations,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_empty_frames_give_a_friendly_chart(name):
    sample = SAMPLES[name]()
    for empty in (pd.DataFrame(), sample.iloc[0:0], None):
        if name == "alliance_items" and empty is None:
            continue
        chart = BUILDERS[name](empty if empty is not None else None)
        assert isinstance(chart, (alt.Chart, alt.LayerChart))
        spec = chart.to_dict()
        assert is_no_data(spec), name
        assert title_text(spec)
        assert_every_mark_has_tooltips(spec)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_single_row_frames_chart(name):
    chart = BUILDERS[name](SAMPLES[name]().iloc[[0]].reset_index(drop=True))
    assert isinstance(chart, (alt.Chart, alt.LayerChart))
    spec = chart.to_dict()
    assert not is_no_data(spec), name
    assert_every_mark_has_tooltips(spec)
    assert rows_of(spec) or all_rows(spec)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builders_do_not_change_their_input(name):
    frame = SAMPLES[name]()
    before = frame.copy()
    BUILDERS[name](frame).to_dict()
    pd.testing.assert_frame_equal(frame, before)


def test_insights_charts_and_export_do_not_import_streamlit():
    code = (
        "import sys, insights.charts, insights.export; "
        "assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -------------------------------------------------------------------------- export


def test_chart_png_is_a_png():
    sessions = make_sessions()
    flag, rupture = rupture_on(sessions, 3)
    png = chart_png(ch.alliance_chart(sessions, [flag], [rupture]))
    assert isinstance(png, bytes)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    small = chart_png(ch.gap_chart(sessions), scale=1)
    width = int.from_bytes(png[16:20], "big")
    assert width > int.from_bytes(small[16:20], "big")


def test_chart_svg_is_an_svg_document():
    svg = chart_svg(ch.calibration_chart(by_quarter()))
    assert isinstance(svg, str)
    assert svg.lstrip().startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert "Quarter" in svg


def test_export_copes_with_more_than_5000_rows_without_touching_altair_globals():
    frame = pd.DataFrame({"x": np.arange(6000), "y": np.arange(6000) % 7})
    chart = alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q", tooltip=["x:Q"])
    layered = alt.layer(chart, chart.mark_line())
    transformer = alt.data_transformers.active
    with pytest.raises(alt.MaxRowsError):
        chart.to_dict()
    spec = chart_spec(layered)
    assert len(all_rows(spec)) == 6000
    assert chart_svg(chart).lstrip().startswith("<svg")
    # The original charts and the global registry are left as they were.
    assert alt.data_transformers.active == transformer
    with pytest.raises(alt.MaxRowsError):
        chart.to_dict()
    with pytest.raises(alt.MaxRowsError):
        layered.to_dict()


@pytest.mark.parametrize("export", [chart_png, chart_svg])
def test_export_loads_nothing_from_the_network(export):
    chart = alt.Chart("https://example.invalid/data.json").mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="not allowed"):
        export(chart)


def test_frame_csv_round_trips_through_pandas():
    frame = pd.DataFrame(
        {
            "client": ["C-001", "C-002", "C-003"],
            "date": ["2026-07-01", "2026-07-08", "2026-07-15"],
            "estimate": [31.0, np.nan, 28.5],
            "number": [1, 2, 3],
            "comment": ["Felt heard, thank you", "Ça va – ok “quotes”, commas", ""],
        }
    )
    data = frame_csv(frame)
    assert isinstance(data, bytes)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.startswith(b"client,date,estimate,number,comment\n")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8", keep_default_na=False, na_values=[""])
    back["comment"] = back["comment"].fillna("")
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_frame_csv_defuses_spreadsheet_formulas_in_text_only():
    frame = pd.DataFrame({"comment": ['=HYPERLINK("x")', "+1", "fine"], "gap": [-3, 2, 0]})
    back = pd.read_csv(io.BytesIO(frame_csv(frame)))
    assert back["comment"].tolist() == ['\'=HYPERLINK("x")', "'+1", "fine"]
    assert back["gap"].tolist() == [-3, 2, 0]
    raw = pd.read_csv(io.BytesIO(frame_csv(frame, safe_for_spreadsheets=False)))
    assert raw["comment"].tolist() == frame["comment"].tolist()


def test_export_warning_is_a_plain_sentence():
    assert "not encrypted" in EXPORT_WARNING
    assert EXPORT_WARNING.endswith(".")

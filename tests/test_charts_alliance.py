"""The alliance chart: totals and items, per client and across the caseload, rupture
markers, the cutoff line and sessions whose feedback was seen first."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from insights import charts as ch
from tests.chart_fixtures import (
    CANARY,
    Flag,
    Rupture,
    all_rows,
    assert_every_mark_has_tooltips,
    find,
    make_items,
    make_sessions,
    mark_props,
    rows_of,
    rupture_on,
    title_text,
    tooltip_titles,
    units,
)


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
    assert len(set(shapes)) == len(shapes) == 5
    assert {"Rules fired", "Why", "Rupture", "Since then"} <= set(tooltip_titles(layer))
    rows = {r["number"]: r for r in rows_of(spec, layer)}
    assert set(rows) == {4, 6, 7}
    assert rows[4]["rules"] == "drop"
    assert "fell 6 points" in rows[4]["sentence"]
    assert rows[4]["status"] == "Repaired"
    assert rows[4]["outcome"] == "Back to usual at session 5"
    assert rows[6]["outcome"].startswith("Still below") and "null" not in str(rows)
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

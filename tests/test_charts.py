"""What every chart builder promises: a friendly chart for an empty frame, one for a
single row, its input left as it was, only the columns it needs embedded, no streamlit."""

from __future__ import annotations

import json
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest

from insights import charts as ch
from tests.chart_fixtures import (
    CANARY,
    all_rows,
    assert_every_mark_has_tooltips,
    associations,
    by_quarter,
    domains,
    is_no_data,
    make_items,
    make_sessions,
    reactions,
    rows_of,
    rupture_on,
    title_text,
)


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

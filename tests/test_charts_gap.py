"""The gap chart: bars per session or period and the line against the client's own usual gap."""

from __future__ import annotations

import numpy as np
import pytest

from insights import charts as ch
from tests.chart_fixtures import (
    assert_every_mark_has_tooltips,
    find,
    make_sessions,
    mark,
    rows_of,
    units,
)


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

"""The growth charts: reactions, domains, presence, the reflection calendar and associations."""

from __future__ import annotations

import json

import pandas as pd

from insights import charts as ch
from tests.chart_fixtures import (
    assert_every_mark_has_tooltips,
    associations,
    domains,
    find,
    make_sessions,
    reactions,
    rows_of,
    tooltip_titles,
)


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

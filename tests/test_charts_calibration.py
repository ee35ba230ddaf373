"""The calibration chart: bias and MAE on one axis, Spearman on its own."""

from __future__ import annotations

from insights import charts as ch
from tests.chart_fixtures import (
    all_rows,
    assert_every_mark_has_tooltips,
    by_quarter,
    find,
    tooltip_titles,
)


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

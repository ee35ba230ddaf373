"""Exports: charts as PNG and SVG without the network, frames as CSV with formulas defused."""

from __future__ import annotations

import io

import altair as alt
import numpy as np
import pandas as pd
import pytest

from insights import charts as ch
from insights.export import EXPORT_WARNING, chart_png, chart_spec, chart_svg, frame_csv
from tests.chart_fixtures import (
    all_rows,
    by_quarter,
    make_sessions,
    rupture_on,
)


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

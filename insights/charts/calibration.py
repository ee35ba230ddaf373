"""The calibration chart: mean bias and mean absolute error by quarter on the left axis,
the rank correlation on its own right axis (-1 to 1)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from insights.chart_data.calibration import MEASURES, SPEARMAN, measures_by_quarter, quarters
from insights.charts.common import (
    BLUE,
    GREEN,
    GREY,
    HEIGHT,
    ORANGE,
    ORDINAL_AXIS,
    WIDTH,
    fits_its_box,
    has_rows,
    no_data,
)


@fits_its_box
def calibration_chart(by_quarter: pd.DataFrame | None) -> alt.LayerChart | alt.Chart:
    """Mean bias and MAE by quarter (left axis) and Spearman's rho (right axis, -1..1)."""
    title = "How well your estimates match your clients' feedback"
    if not has_rows(by_quarter):
        return no_data(title)
    q = quarters(by_quarter)
    data = measures_by_quarter(q)
    x = alt.X("quarter:O", title="Quarter", sort="ascending", axis=ORDINAL_AXIS)
    legend = alt.Legend(orient="bottom", direction="vertical", labelLimit=0)
    colour = alt.Color(
        "metric:N",
        title="Measure",
        scale=alt.Scale(domain=MEASURES, range=[BLUE, ORANGE, GREEN]),
        legend=legend,
    )
    dash = alt.StrokeDash(
        "metric:N",
        title="Measure",
        scale=alt.Scale(domain=MEASURES, range=[[1, 0], [6, 3], [2, 2]]),
        legend=legend,
    )
    tooltip = [
        alt.Tooltip("quarter:O", title="Quarter"),
        alt.Tooltip("metric:N", title="Measure"),
        alt.Tooltip("value:Q", title="Value", format=".2f"),
        alt.Tooltip("n:Q", title="Sessions (n)"),
        *_extra_tooltips(q),
    ]
    points_title = "Score points"
    base = alt.Chart().encode(x=x, color=colour, strokeDash=dash, tooltip=tooltip)
    left = base.transform_filter(alt.datum.metric != SPEARMAN)
    right = base.transform_filter(alt.datum.metric == SPEARMAN)
    y_right = alt.Y(
        "value:Q",
        title="Rank agreement (Spearman, −1 to 1)",
        scale=alt.Scale(domain=[-1, 1]),
        axis=alt.Axis(orient="right"),
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No gap on average"]}))
        .mark_rule(color=GREY)
        .encode(
            y=alt.Y("zero:Q", title=points_title), tooltip=[alt.Tooltip("label:N", title="Line")]
        )
    )
    points_layers = alt.layer(
        zero,
        left.mark_line(point=True).encode(y=alt.Y("value:Q", title=points_title)),
        data=data,
    )
    rho_layer = right.mark_line(point=True).encode(y=y_right)
    return (
        alt.layer(points_layers, rho_layer, data=data)
        .resolve_scale(y="independent")
        .properties(title=title, width=WIDTH, height=HEIGHT)
    )


def _extra_tooltips(q: pd.DataFrame) -> list[alt.Tooltip]:
    """Agreement from baseline, ruptures anticipated and their n, when given (shares as %)."""
    extra = []
    for col, name in (
        ("baseline_agreement", "Moved the same way as the client's score"),
        ("sensitivity", "Ruptures you anticipated"),
    ):
        if col in q:
            values = pd.to_numeric(q[col], errors="coerce")
            share = values.dropna().between(0, 1).all()
            extra.append(alt.Tooltip(f"{col}:Q", title=name, format=".0%" if share else ".2f"))
    if "sensitivity_n" in q:
        extra.append(alt.Tooltip("sensitivity_n:Q", title="Sessions with a client-side flag"))
    return extra

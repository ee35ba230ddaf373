"""The gap chart: bars for the gap in each session (or period), a line for the gap
compared with the client's own usual gap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from insights.chart_data.gap import DIRECTIONS, gap_per_period, gap_per_session, gap_sessions
from insights.chart_data.periods import DATE_FORMAT, choose_period
from insights.charts.common import (
    BLACK,
    BLUE,
    GREY,
    HEIGHT,
    ORANGE,
    ORDINAL_AXIS,
    WIDTH,
    fits_its_box,
    has_rows,
    no_data,
)

# short: a y-axis title longer than the plot pushes the chart title out of view
GAP_TITLE = "Gap (estimate − feedback)"


@fits_its_box
def gap_chart(sessions: pd.DataFrame | None, per_client: bool = True) -> alt.LayerChart | alt.Chart:
    """Bars: the gap in each session. Line: the gap minus the client's own mean gap.

    Per client the gap is in the instrument's units (percent of range if the client
    changed instrument) and x is the session number; for the caseload it is percent of
    range, averaged per week (month or quarter for long spans).
    """
    title = "Gap between your estimate and the client's feedback"
    if not has_rows(sessions):
        return no_data(title)
    use_pct = not per_client or sessions["instrument"].dropna().nunique() != 1
    s = gap_sessions(sessions, use_pct)
    if s.empty:
        return no_data(title, "No sessions with both ratings yet")
    gap_title = GAP_TITLE + (", % of range" if use_pct else "")
    if per_client:
        data = gap_per_session(s)
        x = alt.X("number:O", title="Session number", axis=ORDINAL_AXIS)
        first = [
            alt.Tooltip("client:N", title="Client"),
            alt.Tooltip("number:Q", title="Session"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        ]
        subtitle = (
            "Bars: gap in each session · line: gap compared with your usual gap for this client"
        )
    else:
        period = choose_period(s["date"])
        data = gap_per_period(s, period)
        x = alt.X("period:O", title=period.title, axis=ORDINAL_AXIS)
        first = [
            alt.Tooltip("period:O", title=period.title),
            alt.Tooltip("sessions:Q", title="Sessions"),
            alt.Tooltip("clients:Q", title="Clients"),
        ]
        subtitle = f"Average per {period.name} · line: compared with each client's usual gap"
    return alt.layer(*_gap_layers(x, first, gap_title), data=data).properties(
        title=alt.Title(title, subtitle=subtitle), width=WIDTH, height=HEIGHT
    )


def _gap_layers(x: alt.X, first: list[alt.Tooltip], gap_title: str) -> list[alt.Chart]:
    """Bars coloured by who rated higher, a rule at zero and the relative gap's line."""
    gap_tip = alt.Tooltip("gap:Q", title=gap_title, format=".1f")
    rel_tip = alt.Tooltip(
        "relative:Q", title="Compared with your usual gap for this client", format="+.1f"
    )
    base = alt.Chart().encode(x=x)
    bars = base.mark_bar(opacity=0.85).encode(
        y=alt.Y("gap:Q", title=gap_title),
        color=alt.Color(
            "direction:N",
            title="Who rated higher",
            scale=alt.Scale(domain=DIRECTIONS, range=[BLUE, ORANGE, GREY]),
        ),
        tooltip=[*first, alt.Tooltip("direction:N", title="Who rated higher"), gap_tip, rel_tip],
    )
    line = base.mark_line(
        color=BLACK, strokeWidth=1.5, point=alt.OverlayMarkDef(color=BLACK, size=25)
    ).encode(y=alt.Y("relative:Q", title=gap_title), tooltip=[*first, rel_tip, gap_tip])
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No gap"]}))
        .mark_rule(color=GREY)
        .encode(y=alt.Y("zero:Q", title=gap_title), tooltip=[alt.Tooltip("label:N", title="Line")])
    )
    return [bars, zero, line]

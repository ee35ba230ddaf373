"""The outcome charts: one client's scores over sessions, read against their baseline, and
whose early read of the alliance goes with progress across the caseload."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from insights import outcomes as rules
from insights.chart_data.outcomes import (
    READS,
    STATUS_WORDS,
    band_frame,
    band_words,
    course_frame,
    cutoff_frame,
    measure_label,
    reads_frame,
    score_title,
)
from insights.chart_data.periods import DATE_FORMAT
from insights.charts.common import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    HEIGHT,
    ORANGE,
    VERMILLION,
    WHOLE_LABELS,
    WIDTH,
    fits_its_box,
    no_data,
    session_number_axis,
)
from prompts.outcomes import OutcomeMeasure

# in the order of STATUS_WORDS: baseline, recovery, improvement, no change, deterioration;
# shape and colour both say it (the colours are Okabe-Ito's)
STATUS_SHAPES = ["square", "diamond", "triangle-up", "circle", "triangle-down"]
STATUS_COLOURS = [BLACK, GREEN, BLUE, GREY, VERMILLION]
BAND_OPACITY = 0.18


@fits_its_box
def outcome_chart(
    measure: OutcomeMeasure, points: Sequence[rules.Point], client: str = ""
) -> alt.LayerChart | alt.Chart:
    """The client's score at each session (x: session number) with the band of no
    reliable change around their baseline shaded, a rule at the clinical cutoff (when the
    measure has one) and each score's status by colour and shape."""
    name = measure_label(measure)
    title = f"{client}: {name} over sessions" if client else f"{name} over sessions"
    if not points:
        return no_data(title, "No scores yet")
    data = course_frame(points)
    scale = alt.Scale(domain=[measure.total_min, measure.total_max], nice=False)
    y_title = score_title(measure)
    x = session_number_axis()
    tooltip = [
        alt.Tooltip("number:Q", title="Session"),
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("total:Q", title=name, format=".3~f"),
        alt.Tooltip("status:N", title="Status"),
    ]
    band = (
        alt.Chart(band_frame(measure, points))
        .mark_rect(color=GREY, opacity=BAND_OPACITY)
        .encode(
            y=alt.Y("low:Q", title=y_title, scale=scale),
            y2="high:Q",
            tooltip=[alt.Tooltip("label:N", title="Band")],
        )
    )
    layers: list[alt.Chart] = [band]
    if measure.cutoff is not None:
        layers.append(
            alt.Chart(cutoff_frame(measure))
            .mark_rule(color=BLACK, strokeDash=[6, 3], strokeWidth=1.5)
            .encode(
                y=alt.Y("cutoff:Q", title=y_title, scale=scale),
                tooltip=[alt.Tooltip("label:N", title="Line")],
            )
        )
    base = alt.Chart(data).encode(x=x, y=alt.Y("total:Q", title=y_title, scale=scale))
    layers.append(base.mark_line(color=GREY, strokeWidth=1.5).encode(tooltip=tooltip))
    layers.append(
        base.mark_point(filled=True, size=110, stroke=BLACK, strokeWidth=0.5, opacity=1).encode(
            shape=_status("shape", STATUS_SHAPES),
            fill=_status("fill", STATUS_COLOURS),
            tooltip=tooltip,
        )
    )
    subtitle = band_words(measure, points)
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle), width=WIDTH, height=HEIGHT
    )


def _status(channel: str, values: list[str]) -> alt.Shape | alt.Fill:
    """The status channel: every status in the legend, in order, whether shown or not."""
    legend = alt.Legend(
        orient="bottom", direction="horizontal", columns=3, labelLimit=0, symbolSize=140
    )
    encode = alt.Shape if channel == "shape" else alt.Fill
    scale = alt.Scale(domain=list(STATUS_WORDS.values()), range=values)
    return encode("status:N", title="Status against the baseline", scale=scale, legend=legend)


@fits_its_box
def whose_read_chart(found: rules.WhoseRead | None) -> alt.LayerChart | alt.Chart:
    """Per read of the early alliance (the client's own ratings, your estimates): its
    correlation with progress as a dot and its 95% interval as a bar, on -1 to 1."""
    title = "Whose early read goes with progress"
    data = reads_frame(found)
    if data.empty:
        return no_data(title, "Not enough clients yet")
    x_scale = alt.Scale(domain=[-1, 1], nice=False)
    x_title = "Correlation with progress (Pearson's r, −1 to 1)"
    y = alt.Y("read:N", title="Whose read", sort=READS, axis=alt.Axis(labelLimit=WHOLE_LABELS))
    colour = alt.Color("read:N", scale=alt.Scale(domain=READS, range=[BLUE, ORANGE]), legend=None)
    tooltip = [
        alt.Tooltip("read:N", title="Whose read"),
        alt.Tooltip("r:Q", title="r", format=".2f"),
        alt.Tooltip("low:Q", title="95% interval from", format=".2f"),
        alt.Tooltip("high:Q", title="95% interval to", format=".2f"),
        alt.Tooltip("n:Q", title="Clients"),
    ]
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No association"]}))
        .mark_rule(color=GREY, strokeDash=[4, 3])
        .encode(
            x=alt.X("zero:Q", title=x_title, scale=x_scale),
            tooltip=[alt.Tooltip("label:N", title="Line")],
        )
    )
    base = alt.Chart(data).encode(y=y, color=colour, tooltip=tooltip)
    interval = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("low:Q", title=x_title, scale=x_scale), x2="high:Q"
    )
    dot = base.mark_point(filled=True, size=140, opacity=1).encode(
        x=alt.X("r:Q", title=x_title, scale=x_scale)
    )
    return alt.layer(zero, interval, dot).properties(
        title=alt.Title(title, subtitle="Dot: correlation · bar: 95% interval"),
        width=WIDTH,
        height=110,
    )

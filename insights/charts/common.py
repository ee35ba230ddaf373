"""What every Trends chart shares: size, the Okabe-Ito palette, the "no data" chart, the
whose-rating and rupture-status encodings and the rupture marker layer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import altair as alt
import pandas as pd

from insights.chart_data.alliance import ESTIMATE, FEEDBACK, STATUS_LABELS
from insights.chart_data.periods import DATE_FORMAT, Period

NO_DATA = "No data yet"
SEEN_FIRST_NOTE = "feedback seen before your estimate: left out of calibration"

# Sessions drawn one by one; above this the all-clients views aggregate per period.
MAX_POINTS = 300

WIDTH = 640
HEIGHT = 280

# Okabe-Ito palette.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#767676"
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK]

# in the order of STATUS_LABELS: repaired, unrepaired, open, repaired late, deepened
STATUS_SHAPES = ["circle", "triangle-down", "diamond", "square", "triangle-up"]
STATUS_COLOURS = [GREEN, VERMILLION, PURPLE, SKY, ORANGE]

# Streamlit fits a chart without an autosize of its own into its height ("fit"): a legend
# under the plot then squeezes the plot flat and pushes the title out of the box. Fit the
# width only, so the chart grows as tall as its title, axes and legends need.
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
# Streamlit's theme leaves no padding, and the browser draws text a few pixels beyond the
# box Vega measured for it: the title's first line and the axis titles would be clipped.
# Given per side: Streamlit's chart element fails on a single number.
PADDING = {"top": 8, "bottom": 8, "left": 8, "right": 8}
# Streamlit's theme cuts axis labels at 100 px with an ellipsis: a category axis whose
# labels are words (reactions, tags) shows them whole.
WHOLE_LABELS = 0

# Category axes (sessions, months, quarters) can hold hundreds of labels: drop the ones
# that would overlap instead of printing them on top of each other.
ORDINAL_AXIS = alt.Axis(labelAngle=0, labelOverlap="greedy", labelSeparation=6)

__all__ = [
    "AUTOSIZE",
    "BLACK",
    "BLUE",
    "DATE_FORMAT",
    "ESTIMATE",
    "FEEDBACK",
    "GREEN",
    "GREY",
    "HEIGHT",
    "MAX_POINTS",
    "NO_DATA",
    "ORANGE",
    "ORDINAL_AXIS",
    "PADDING",
    "PALETTE",
    "SEEN_FIRST_NOTE",
    "SKY",
    "WHOLE_LABELS",
    "WIDTH",
    "fits_its_box",
    "has_rows",
    "no_data",
]

_P = ParamSpec("_P")
_C = TypeVar("_C", bound=alt.TopLevelMixin)


def fits_its_box(build: Callable[_P, _C]) -> Callable[_P, _C]:
    """Decorate a chart builder so its chart keeps title, axes and legends inside its box
    wherever it is drawn (see `AUTOSIZE`)."""

    @functools.wraps(build)
    def built(*args: _P.args, **kwargs: _P.kwargs) -> _C:
        return build(*args, **kwargs).properties(autosize=AUTOSIZE, padding=PADDING)

    return built


def has_rows(frame: Any) -> bool:
    """Whether `frame` is a DataFrame with at least one row."""
    return isinstance(frame, pd.DataFrame) and len(frame) > 0


def no_data(title: str, message: str = NO_DATA) -> alt.Chart:
    """A chart holding one friendly line of text instead of data."""
    return (
        alt.Chart(pd.DataFrame({"message": [message]}), title=title)
        .mark_text(size=15, color=GREY)
        .encode(text="message:N", tooltip=[alt.Tooltip("message:N", title="Note")])
        .properties(width=WIDTH, height=120)
    )


def session_number_axis() -> alt.X:
    """x: whole session numbers, from the first session shown."""
    return alt.X(
        "number:Q",
        title="Session number",
        scale=alt.Scale(zero=False, nice=False),
        axis=alt.Axis(format="d", tickMinStep=1),
    )


def whose_rating_dash() -> alt.StrokeDash:
    """Dashed: your estimate; solid: the client's feedback."""
    return alt.StrokeDash(
        "who:N",
        title="Whose rating",
        scale=alt.Scale(domain=[ESTIMATE, FEEDBACK], range=[[6, 3], [1, 0]]),
    )


def hollow_seen_first(base: alt.Chart, size: int, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """Hollow points on the sessions whose feedback was seen before the estimate."""
    return (
        base.mark_point(filled=False, size=size, strokeWidth=2, opacity=1)
        .encode(tooltip=[*tooltip, alt.Tooltip("note:N", title="Note")])
        .transform_filter("datum.seen_first")
        .transform_calculate(note=f"'{SEEN_FIRST_NOTE}'")
    )


# ---- rupture markers ---------------------------------------------------------------------


def rupture_tooltip() -> list[alt.Tooltip]:
    """What a rupture marker says on hover, per session."""
    return [
        alt.Tooltip("client:N", title="Client"),
        alt.Tooltip("number:Q", title="Session"),
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("rules:N", title="Rules fired"),
        alt.Tooltip("sentence:N", title="Why"),
        alt.Tooltip("status:N", title="Rupture"),
        alt.Tooltip("outcome:N", title="Since then"),
    ]


def period_rupture_tooltip(period: Period) -> list[alt.Tooltip]:
    """What a marker of the ruptures of one period and status says on hover."""
    return [
        alt.Tooltip("period:T", title=period.title, format=period.date_format),
        alt.Tooltip("status:N", title="Rupture"),
        alt.Tooltip("ruptures:Q", title="How many"),
        alt.Tooltip("rules:N", title="Rules fired"),
        alt.Tooltip("sentence:N", title="Why"),
        alt.Tooltip("clients:N", title="Clients"),
    ]


def _status_encodings() -> tuple[alt.Shape, alt.Fill]:
    domain = list(STATUS_LABELS.values())
    # symbols as large as the marks, or the black outline hides each status's colour
    legend = alt.Legend(symbolSize=160, symbolStrokeWidth=1)
    shape = alt.Shape(
        "status:N",
        title="Rupture",
        scale=alt.Scale(domain=domain, range=STATUS_SHAPES),
        legend=legend,
    )
    fill = alt.Fill(
        "status:N",
        title="Rupture",
        scale=alt.Scale(domain=domain, range=STATUS_COLOURS),
        legend=legend,
    )
    return shape, fill


def rupture_layer(
    rup: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list, size: int = 190
) -> alt.Chart:
    """Rupture markers (shape and colour by status, black outline) with their own data."""
    shape, fill = _status_encodings()
    return (
        alt.Chart(rup)
        .mark_point(filled=True, size=size, stroke=BLACK, strokeWidth=1, opacity=1)
        .encode(x=x, y=y, shape=shape, fill=fill, tooltip=tooltip)
    )

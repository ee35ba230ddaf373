"""The alliance chart: your estimate against the client's feedback, totals or item by
item, per session or (a large caseload) per period, with rupture markers and the
instrument's cutoff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from insights.chart_data.alliance import (
    ESTIMATE,
    FEEDBACK,
    alliance_sessions,
    cutoff_line,
    feedback_per_period,
    first_valid,
    instrument_labels,
    item_ratings_per_period,
    item_ratings_per_session,
    item_scores,
    items_as_percent,
    lowest_item_per_period,
    ratings_per_period,
    ratings_per_session,
    rupture_markers,
    ruptures_on_feedback,
    ruptures_on_lowest_item,
    ruptures_per_period,
)
from insights.chart_data.periods import DATE_FORMAT, choose_period
from insights.charts.common import (
    BLUE,
    GREY,
    HEIGHT,
    MAX_POINTS,
    ORANGE,
    PALETTE,
    WIDTH,
    fits_its_box,
    has_rows,
    hollow_seen_first,
    no_data,
    period_rupture_tooltip,
    rupture_layer,
    rupture_tooltip,
    session_number_axis,
    whose_rating_dash,
)

SCORE_FORMAT = ".0f"
_RUPTURE_COLUMNS = ["client", "date", "number", "score", "rules", "sentence", "status"]
_RUPTURE_COLUMNS += ["outcome"]


# An axis title longer than this goes on two lines: along a 280 px axis a longer one
# would run past the plot into the chart's title.
_AXIS_TITLE_CHARS = 34


@dataclass(frozen=True)
class _Scale:
    """The y scale of a chart: percent of range or the instrument's units. `title` names
    it in one line (tooltips); `lines` is the axis title when one line would be too long."""

    use_pct: bool
    title: str
    domain: list[float] | None
    lines: tuple[str, ...] = ()

    @property
    def axis_title(self) -> str | list[str]:
        return list(self.lines) if self.lines else self.title

    @property
    def y(self) -> alt.Y:
        scale = alt.Scale(domain=self.domain) if self.domain else alt.Scale(zero=False)
        return alt.Y("score:Q", title=self.axis_title, scale=scale)

    @property
    def bottom(self) -> float:
        """Where a marker without a score sits."""
        return self.domain[0] if self.domain else 0.0


@fits_its_box
def alliance_chart(
    sessions: pd.DataFrame | None,
    flags: Sequence[Any] | None = (),
    ruptures: Sequence[Any] | None = (),
    items: pd.DataFrame | None = None,
    per_client: bool = True,
) -> alt.Chart | alt.LayerChart:
    """Your estimate against the client's feedback, session by session.

    ``per_client``: x is the session number and scores are totals in the instrument's
    units (percent of range if the client changed instrument). Otherwise (caseload):
    x is the date, scores are percent of range so instruments mix, and more than
    ``MAX_POINTS`` sessions are averaged per week (month or quarter for long spans).
    ``items``: draw one line per item (colour) and rater (dash) instead of totals.
    Ruptures are marked on the feedback line; sessions whose feedback was seen before
    the estimate are drawn hollow.
    """
    title = (
        "Your estimate and the client's feedback"
        if per_client
        else "Across your caseload: your estimate and clients' feedback"
    )
    if not has_rows(sessions):
        return no_data(title)
    s = alliance_sessions(sessions)
    instruments = sorted(str(i) for i in s["instrument"].dropna().unique())
    instrument = instruments[0] if len(instruments) == 1 else None
    # charts name an instrument by its display name, never by its id
    labels = instrument_labels(s)
    if per_client and s["client"].nunique() == 1:
        title = f"{s['client'].iloc[0]}: your estimate and the client's feedback"
    aggregate = not per_client and len(s) > MAX_POINTS
    rup = rupture_markers(ruptures, flags, s)
    if has_rows(items):
        return _alliance_items(s, items, rup, title, per_client, aggregate, labels)

    name = labels.get(instrument) if instrument is not None else None
    scale = _total_scale(s, not per_client or instrument is None, name)
    if aggregate:
        data, layers, subtitle = _totals_per_period(s, rup, scale)
    else:
        data, layers, subtitle = _totals_per_session(s, flags, rup, scale, per_client)
    if instrument is not None:
        cutoff = _cutoff_layer(s, name, scale)
        if cutoff is not None:
            layers.append(cutoff)
    chart = alt.layer(*layers, data=data)
    heading = alt.Title(title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, width=WIDTH, height=HEIGHT)


def _total_scale(s: pd.DataFrame, use_pct: bool, name: str | None) -> _Scale:
    """Percent of range, or the totals of the one instrument `name` (its label) in its range."""
    if use_pct:
        return _Scale(True, "Score (% of the scale's range)", [0, 100])
    lo, hi = first_valid(s["total_min"]), first_valid(s["total_max"])
    span = f"{lo:g}–{hi:g}" if lo is not None and hi is not None else ""
    domain = [float(lo), float(hi)] if span else None
    return _named_scale("Score", name, span, domain)


def _named_scale(what: str, name: str | None, span: str, domain: list[float] | None) -> _Scale:
    """A scale titled like "Score (SAC-4, 0–40)"; on the axis, a long instrument name
    gets a line of its own."""
    inside = ", ".join(part for part in (name, span) if part)
    title = f"{what} ({inside})" if inside else what
    lines: tuple[str, ...] = ()
    if name and len(title) > _AXIS_TITLE_CHARS:
        lines = (name, f"{what} ({span})" if span else what)
    return _Scale(False, title, domain, lines)


def _ratings(scale: _Scale) -> tuple[str, str]:
    """The columns of the estimate and the feedback on this scale."""
    return ("estimate_pct", "feedback_pct") if scale.use_pct else ("estimate", "feedback")


def _whose_rating_colour() -> alt.Color:
    return alt.Color(
        "who:N",
        title="Whose rating",
        scale=alt.Scale(domain=[ESTIMATE, FEEDBACK], range=[BLUE, ORANGE]),
        # a line symbol long enough to show the estimate's dashes (a point hides them)
        legend=alt.Legend(symbolType="stroke", symbolSize=400, symbolStrokeWidth=2.5),
    )


def _totals_per_period(
    s: pd.DataFrame, rup: pd.DataFrame, scale: _Scale
) -> tuple[pd.DataFrame, list[alt.Chart], list[str]]:
    """A large caseload: the mean of each rating per period, ruptures counted per period."""
    est, fb = _ratings(scale)
    period = choose_period(s["date"])
    data = ratings_per_period(s, est, fb, period)
    x = alt.X("period:T", title=period.title)
    tooltip = [
        alt.Tooltip("period:T", title=period.title, format=period.date_format),
        alt.Tooltip("who:N", title="Whose rating"),
        alt.Tooltip("score:Q", title="Average score (% of range)", format=SCORE_FORMAT),
        alt.Tooltip("sessions:Q", title="Sessions"),
        alt.Tooltip("clients:Q", title="Clients"),
        alt.Tooltip("seen_first:Q", title="Feedback seen first (left out of calibration)"),
    ]
    base = alt.Chart().encode(x=x, y=scale.y, color=_whose_rating_colour())
    layers = [
        base.mark_line().encode(strokeDash=whose_rating_dash(), tooltip=tooltip),
        base.mark_point(filled=True, size=40).encode(tooltip=tooltip),
    ]
    if has_rows(rup):
        placed = ruptures_per_period(rup, feedback_per_period(data), period)
        layers.append(rupture_layer(placed, x, scale.y, period_rupture_tooltip(period), size=110))
    return data, layers, [f"Average per {period.name}, as % of each scale"]


def _totals_per_session(
    s: pd.DataFrame,
    flags: Sequence[Any] | None,
    rup: pd.DataFrame,
    scale: _Scale,
    per_client: bool,
) -> tuple[pd.DataFrame, list[alt.Chart], list[str]]:
    """Each session's two ratings, seen-first sessions hollow, ruptures on the feedback."""
    est, fb = _ratings(scale)
    data = ratings_per_session(s, flags, est, fb)
    x = session_number_axis() if per_client else alt.X("date:T", title="Date")
    tooltip = [
        alt.Tooltip("client:N", title="Client"),
        alt.Tooltip("number:Q", title="Session"),
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("who:N", title="Whose rating"),
        alt.Tooltip("score:Q", title=scale.title, format=SCORE_FORMAT),
        alt.Tooltip("flags:N", title="Flags on this session"),
    ]
    detail = {"detail": "client:N"} if s["client"].nunique() > 1 else {}
    base = alt.Chart().encode(x=x, y=scale.y, color=_whose_rating_colour())
    layers = [
        base.mark_line().encode(
            strokeDash=whose_rating_dash(), tooltip=[tooltip[0], tooltip[3]], **detail
        ),
        base.mark_point(filled=True, size=45, opacity=1)
        .encode(tooltip=tooltip)
        .transform_filter("!datum.seen_first"),
    ]
    subtitle = []
    if data["seen_first"].any():
        layers.append(hollow_seen_first(base, 110, tooltip))
        subtitle.append("Hollow points: feedback seen before your estimate")
    if has_rows(rup):
        placed = ruptures_on_feedback(rup, est, fb, scale.bottom)
        tips, columns = rupture_tooltip(), list(_RUPTURE_COLUMNS)
        before = "pre_mean_pct" if scale.use_pct else "pre_mean"
        if placed[before].notna().any():
            tips.append(
                alt.Tooltip(f"{before}:Q", title="Client's usual score before", format=".1f")
            )
            columns.append(before)
        layers.append(rupture_layer(placed[columns], x, scale.y, tips))
    return data, layers, subtitle


def _cutoff_layer(s: pd.DataFrame, name: str | None, scale: _Scale) -> alt.LayerChart | None:
    """A dotted reference line at the instrument's cutoff, labelled on the left."""
    frame = cutoff_line(s, name, scale.use_pct)
    if frame is None:
        return None
    y_scale = alt.Scale(domain=scale.domain) if scale.domain else alt.Scale(zero=False)
    base = alt.Chart(frame).encode(
        y=alt.Y("cutoff:Q", title=scale.axis_title, scale=y_scale),
        tooltip=[
            alt.Tooltip("label:N", title="Reference line"),
            alt.Tooltip("cutoff:Q", title="At", format=".1f"),
        ],
    )
    rule = base.mark_rule(color=GREY, strokeDash=[2, 3], strokeWidth=1.5)
    text = base.mark_text(
        align="left", baseline="bottom", dx=4, dy=-3, color=GREY, fontSize=11
    ).encode(x=alt.value(0), text="label:N")
    return alt.layer(rule, text)


# ---- items -------------------------------------------------------------------------------


def _alliance_items(
    s: pd.DataFrame,
    items: pd.DataFrame,
    rup: pd.DataFrame,
    title: str,
    per_client: bool,
    aggregate: bool,
    labels: dict[str, str],
) -> alt.LayerChart | alt.Chart:
    """Items on demand: one line per item (colour) and rater (dash)."""
    it = item_scores(s, items)
    if it.empty:
        return no_data(title, "No item scores yet")
    instruments = it["instrument"].dropna().unique()
    if not per_client or len(instruments) != 1:
        it = items_as_percent(it)
        scale = _Scale(True, "Item score (% of the item's range)", [0.0, 100.0])
    else:
        lo, hi = first_valid(it["min_score"]), first_valid(it["max_score"])
        span = f"{lo:g}–{hi:g}" if lo is not None and hi is not None else ""
        domain = [float(lo), float(hi)] if span else None
        scale = _named_scale("Item score", labels.get(str(instruments[0])), span, domain)
    labels = list(dict.fromkeys(it["label"]))
    colour = alt.Color(
        "label:N",
        title="Item",
        scale=alt.Scale(domain=labels, range=PALETTE)
        if len(labels) <= len(PALETTE)
        else alt.Scale(domain=labels, scheme="tableau20"),
    )
    subtitle = ["Solid: client's feedback · dashed: your estimate"]
    if aggregate:
        data, layers, more = _items_per_period(it, rup, scale, colour)
    else:
        data, layers, more = _items_per_session(it, rup, scale, colour, per_client)
    return alt.layer(*layers, data=data).properties(
        title=alt.Title(title + ", item by item", subtitle=subtitle + more),
        width=WIDTH,
        height=HEIGHT,
    )


def _item_line(base: alt.Chart, detail: dict[str, Any]) -> alt.Chart:
    return base.mark_line().encode(
        strokeDash=whose_rating_dash(),
        tooltip=[alt.Tooltip("label:N", title="Item"), alt.Tooltip("who:N", title="Whose rating")],
        **detail,
    )


def _items_per_period(
    it: pd.DataFrame, rup: pd.DataFrame, scale: _Scale, colour: alt.Color
) -> tuple[pd.DataFrame, list[alt.Chart], list[str]]:
    """A large caseload: each item's mean ratings per period; ruptures counted per period
    on the period's lowest item."""
    period = choose_period(it["date"])
    data = item_ratings_per_period(it, period)
    x = alt.X("period:T", title=period.title)
    tooltip = [
        alt.Tooltip("period:T", title=period.title, format=period.date_format),
        alt.Tooltip("label:N", title="Item"),
        alt.Tooltip("who:N", title="Whose rating"),
        alt.Tooltip("score:Q", title="Average item score (% of range)", format=".0f"),
        alt.Tooltip("sessions:Q", title="Sessions"),
    ]
    base = alt.Chart().encode(x=x, y=scale.y, color=colour)
    layers = [_item_line(base, {}), base.mark_point(filled=True, size=35).encode(tooltip=tooltip)]
    if has_rows(rup):
        placed = ruptures_per_period(rup, lowest_item_per_period(data), period)
        layers.append(rupture_layer(placed, x, scale.y, period_rupture_tooltip(period)))
    return data, layers, [f"Average per {period.name}"]


def _items_per_session(
    it: pd.DataFrame, rup: pd.DataFrame, scale: _Scale, colour: alt.Color, per_client: bool
) -> tuple[pd.DataFrame, list[alt.Chart], list[str]]:
    """Each item's two ratings per session; ruptures on the session's lowest item."""
    data = item_ratings_per_session(it)
    x = session_number_axis() if per_client else alt.X("date:T", title="Date")
    tooltip = [
        alt.Tooltip("client:N", title="Client"),
        alt.Tooltip("number:Q", title="Session"),
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("label:N", title="Item"),
        alt.Tooltip("who:N", title="Whose rating"),
        alt.Tooltip("score:Q", title=scale.title, format=".0f"),
    ]
    detail = {"detail": "client:N"} if data["client"].nunique() > 1 else {}
    base = alt.Chart().encode(x=x, y=scale.y, color=colour)
    layers = [
        _item_line(base, detail),
        base.mark_point(filled=True, size=40, opacity=1)
        .encode(tooltip=tooltip)
        .transform_filter("!datum.seen_first"),
    ]
    subtitle = []
    if data["seen_first"].any():
        layers.append(hollow_seen_first(base, 100, tooltip))
        subtitle.append("Hollow points: feedback seen before your estimate")
    if has_rows(rup):
        placed = ruptures_on_lowest_item(rup, it, scale.bottom)
        layers.append(rupture_layer(placed[_RUPTURE_COLUMNS], x, scale.y, rupture_tooltip()))
    return data, layers, subtitle

"""The growth charts: reactions and domains month by month, your presence over time, the
days you reflected and what tends to go with better or worse sessions."""

from __future__ import annotations

import altair as alt
import pandas as pd

from insights.chart_data.growth import (
    HIGHER,
    LOWER,
    NO_DIFFERENCE,
    WEEKDAYS,
    associations_to_draw,
    by_month,
    calendar_days,
    presence_per_period,
    presence_points,
    presence_with_recent,
)
from insights.chart_data.periods import DATE_FORMAT, choose_period
from insights.charts.common import (
    BLUE,
    GREY,
    HEIGHT,
    MAX_POINTS,
    ORANGE,
    ORDINAL_AXIS,
    PALETTE,
    SKY,
    WHOLE_LABELS,
    WIDTH,
    fits_its_box,
    has_rows,
    no_data,
)

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
MONTH_NAMES += ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_MONTH = alt.X("month:O", title="Month", sort="ascending", axis=ORDINAL_AXIS)


@fits_its_box
def reactions_heatmap(reactions_by_month: pd.DataFrame | None) -> alt.Chart:
    """Countertransference reactions: month × reaction, colour = mean intensity (0-3)."""
    title = "Your reactions month by month"
    if not has_rows(reactions_by_month):
        return no_data(title)
    data = by_month(
        reactions_by_month, ["month", "reaction", "mean_intensity", "count"], "reaction"
    )
    return (
        alt.Chart(data, title=title)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=_MONTH,
            y=alt.Y("reaction:N", title="Reaction", axis=alt.Axis(labelLimit=WHOLE_LABELS)),
            color=alt.Color(
                "mean_intensity:Q",
                title="Average intensity (0-3)",
                scale=alt.Scale(scheme="blues", domain=[0, 3]),
            ),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("reaction:N", title="Reaction"),
                alt.Tooltip("mean_intensity:Q", title="Average intensity (0-3)", format=".1f"),
                alt.Tooltip("count:Q", title="Sessions noted"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(24))
    )


@fits_its_box
def domains_chart(domains_by_month: pd.DataFrame | None) -> alt.Chart:
    """How often each reflection domain was chosen, stacked per month."""
    title = "What you reflected on, month by month"
    if not has_rows(domains_by_month):
        return no_data(title)
    data = by_month(domains_by_month, ["month", "domain", "count"], "domain")
    domains = sorted(data["domain"].unique())
    scale = (
        alt.Scale(domain=domains, range=PALETTE)
        if len(domains) <= len(PALETTE)
        else alt.Scale(domain=domains, scheme="tableau20")
    )
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=_MONTH,
            y=alt.Y("count:Q", title="Reflections", stack="zero"),
            color=alt.Color("domain:N", title="Domain", scale=scale),
            order=alt.Order("domain:N"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("domain:N", title="Domain"),
                alt.Tooltip("count:Q", title="Reflections"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


_PRESENCE = "Your presence (0-10)"


@fits_its_box
def presence_chart(presence_over_time: pd.DataFrame | None) -> alt.LayerChart | alt.Chart:
    """Your own presence rating (0-10) over time with a running average."""
    title = "Your presence over time"
    if not has_rows(presence_over_time):
        return no_data(title)
    data = presence_points(presence_over_time)
    if data.empty:
        return no_data(title)
    y = alt.Y("presence:Q", title=_PRESENCE, scale=alt.Scale(domain=[0, 10]))
    if len(data) > MAX_POINTS:
        period = choose_period(data["date"])
        data = presence_per_period(data, period)
        tooltip = [
            alt.Tooltip("date:T", title=period.title, format=period.date_format),
            alt.Tooltip("presence:Q", title="Average presence", format=".1f"),
            alt.Tooltip("sessions:Q", title="Sessions"),
        ]
        base = alt.Chart().encode(x=alt.X("date:T", title=period.title), y=y, tooltip=tooltip)
        layers = [
            base.mark_line(color=BLUE),
            base.mark_point(filled=True, color=BLUE, size=35),
        ]
        subtitle = f"Average per {period.name}"
    else:
        data = presence_with_recent(data)
        tooltip = [
            alt.Tooltip("client:N", title="Client"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
            alt.Tooltip("presence:Q", title=_PRESENCE),
            alt.Tooltip("recent:Q", title="Average of your last 5 sessions", format=".1f"),
        ]
        base = alt.Chart().encode(x=alt.X("date:T", title="Date"))
        recent = alt.Y("recent:Q", title=_PRESENCE, scale=alt.Scale(domain=[0, 10]))
        layers = [
            base.mark_point(filled=True, color=SKY, size=40, opacity=0.8).encode(
                y=y, tooltip=tooltip
            ),
            base.mark_line(color=BLUE, strokeWidth=2).encode(
                y=recent, tooltip=[tooltip[1], tooltip[3]]
            ),
        ]
        subtitle = "Points: each session · line: average of your last 5 sessions"
    return alt.layer(*layers, data=data).properties(
        title=alt.Title(title, subtitle=subtitle), width=WIDTH, height=HEIGHT
    )


# The first week of each month is labelled with the month's short name (January with the
# year instead): "2026-01" on every month ran into its neighbours on a narrow chart.
_DAY = 13  # px: one day's square in the calendar
_MONTH_LABEL = (
    "substring(datum.label, 8, 10) > '07' ? '' : "
    "substring(datum.label, 5, 7) == '01' ? substring(datum.label, 0, 4) : "
    f"{list(MONTH_NAMES)!r}[toNumber(substring(datum.label, 5, 7)) - 1]"
)


@fits_its_box
def consistency_calendar(consistency: pd.DataFrame | None, weeks: int | None = 53) -> alt.Chart:
    """GitHub-style calendar: one square per day (week × weekday), colour = reflections.

    Shows the last ``weeks`` weeks up to the latest date (``None``: the whole range);
    days without a reflection are filled in as zero.
    """
    title = "Days you reflected"
    if not has_rows(consistency):
        return no_data(title)
    frame = calendar_days(consistency, weeks)
    if frame.empty:
        return no_data(title)
    first, last = pd.Timestamp(frame["day"].iloc[0]), pd.Timestamp(frame["day"].iloc[-1])
    subtitle = f"{first:%d %b %Y} to {last:%d %b %Y}"
    colour = (
        alt.when(alt.datum.count == 0)
        .then(alt.value("#eeeeee"))
        .otherwise(
            alt.Color(
                "count:Q",
                title="Reflections",
                scale=alt.Scale(scheme="blues", domainMin=0, type="linear"),
                # no longer than the seven rows, or it runs out of the chart's box
                legend=alt.Legend(gradientLength=_DAY * len(WEEKDAYS)),
            )
        )
    )
    week_axis = alt.Axis(
        labelExpr=_MONTH_LABEL, labelAngle=0, labelOverlap="greedy", ticks=False, domain=False
    )
    return (
        alt.Chart(frame, title=alt.Title(title, subtitle=subtitle))
        .mark_rect(stroke="white", strokeWidth=1.5, cornerRadius=2)
        .encode(
            x=alt.X("week:O", title=None, axis=week_axis),
            y=alt.Y(
                "weekday:O", title=None, sort=WEEKDAYS, axis=alt.Axis(ticks=False, domain=False)
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("day:N", title="Date"),
                alt.Tooltip("weekday:N", title="Day"),
                alt.Tooltip("count:Q", title="Reflections"),
            ],
        )
        .properties(width=alt.Step(_DAY), height=alt.Step(_DAY))
    )


@fits_its_box
def associations_chart(
    associations: pd.DataFrame | None, measure: str | None = None
) -> alt.LayerChart | alt.Chart:
    """Difference in the mean between sessions with and without each factor.

    ``measure`` names what was averaged (e.g. "client's feedback") for the axis title.
    Factors with few sessions are faded and labelled "few sessions: read with caution".
    """
    title = "What tends to go with better or worse sessions"
    if not has_rows(associations):
        return no_data(title)
    data = associations_to_draw(associations)
    if data.empty:
        return no_data(title)
    axis_title = "Difference in average (sessions with − without)"
    if measure:
        axis_title = f"Difference in {measure} (sessions with − without)"
    # Symmetric around zero, so the caution labels always fit on the empty side.
    reach = float(data["difference"].abs().max()) or 1.0
    x_scale = alt.Scale(domain=[-reach, reach], nice=True)
    x = alt.X("difference:Q", title=axis_title, scale=x_scale)
    zero_x = alt.X("zero:Q", title=axis_title, scale=x_scale)
    y = alt.Y(
        "factor:N",
        title=None,
        sort=alt.EncodingSortField("difference", order="descending"),
        axis=alt.Axis(labelLimit=WHOLE_LABELS),
    )
    tooltip = [
        alt.Tooltip("factor:N", title="Factor"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("difference:Q", title="Difference (with − without)", format="+.2f"),
        alt.Tooltip("mean_with:Q", title="Average with it", format=".2f"),
        alt.Tooltip("mean_without:Q", title="Average without it", format=".2f"),
        alt.Tooltip("n_with:Q", title="Sessions with it (n)"),
        alt.Tooltip("n_without:Q", title="Sessions without it (n)"),
        alt.Tooltip("caution:N", title="Reliability"),
    ]
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    bars = base.mark_bar().encode(
        x=x,
        color=alt.Color(
            "direction:N",
            title="Direction",
            scale=alt.Scale(domain=[HIGHER, LOWER, NO_DIFFERENCE], range=[BLUE, ORANGE, GREY]),
        ),
        opacity=alt.when(alt.datum.small_n).then(alt.value(0.3)).otherwise(alt.value(1.0)),
    )
    # The label sits just across zero from its bar, in the half the bar leaves empty.
    labels = [
        base.mark_text(align=align, dx=dx, fontSize=11, fontStyle="italic", color=GREY)
        .encode(x=zero_x, text="caution:N")
        .transform_calculate(zero="0")
        .transform_filter(f"datum.small_n && datum.difference {op} 0")
        for align, dx, op in (("right", -6, ">="), ("left", 6, "<"))
    ]
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No difference"]}))
        .mark_rule(color=GREY)
        .encode(x=zero_x, tooltip=[alt.Tooltip("label:N", title="Line")])
    )
    return alt.layer(bars, zero, *labels, data=data).properties(
        title=alt.Title(title, subtitle="Faded bars: few sessions, read with caution"),
        width=WIDTH,
        height=alt.Step(22),
    )

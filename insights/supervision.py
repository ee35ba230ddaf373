"""The supervision log: checking a new session, hours per month against a target (BACP
asks for 1.5 h a month), a one-line summary and the chart. Pure functions, no streamlit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from insights.chart_data.periods import month_label
from insights.charts.common import (
    BLACK,
    BLUE,
    HEIGHT,
    ORANGE,
    ORDINAL_AXIS,
    WIDTH,
    has_rows,
    no_data,
)
from storage.errors import InvalidRecord
from storage.records import PROCTOR_FUNCTIONS, SUPERVISION_TYPES, SupervisionMeeting

DEFAULT_TARGET_HOURS = 1.5
MEETING = "Supervision session"
MAX_MINUTES = 600
MAX_SUPERVISOR_CHARS = 120
CHART_TITLE = "Supervision hours per month"
NO_MEETINGS = "No supervision sessions logged yet"
MET = "Target met"
BELOW = "Below target"
DATE_FORMAT = "%d %b %Y"


def new_meeting(
    day: date | None,
    minutes: int | None,
    supervisor: str,
    functions: Sequence[str],
    notes: str,
    today: date,
    kind: str = "individual",
) -> SupervisionMeeting:
    """A supervision session from the form, checked field by field.

    Date and minutes are required; supervisor, functions and notes are optional; `kind`
    is one of SUPERVISION_TYPES (individual or group). Raises InvalidRecord naming every
    field at fault (so nothing is saved).
    """
    problems = []
    if kind not in SUPERVISION_TYPES:
        problems.append(f"Type {kind} is not one of {', '.join(SUPERVISION_TYPES)}")
    if day is None:
        problems.append("Date is missing")
    elif day > today:
        problems.append(
            f"Date {day:{DATE_FORMAT}} is in the future: log a session once it has happened"
        )
    if minutes is None:
        problems.append("Minutes is missing: how long did the session last?")
    elif not 1 <= minutes <= MAX_MINUTES:
        problems.append(f"Minutes must be between 1 and {MAX_MINUTES}, not {minutes}")
    if len(supervisor.strip()) > MAX_SUPERVISOR_CHARS:
        problems.append(f"Supervisor can be at most {MAX_SUPERVISOR_CHARS} characters")
    unknown = [f for f in functions if f not in PROCTOR_FUNCTIONS]
    if unknown:
        problems.append(
            f"Proctor function {', '.join(unknown)} is not one of {', '.join(PROCTOR_FUNCTIONS)}"
        )
    if problems:
        raise InvalidRecord(MEETING, "; ".join(problems))
    return SupervisionMeeting(
        date=day,
        minutes=int(minutes),
        supervisor=supervisor.strip(),
        functions=[f for f in PROCTOR_FUNCTIONS if f in functions],
        notes=notes.strip(),
        type=kind,
    )


def edited_meeting(meeting: SupervisionMeeting, changed: SupervisionMeeting) -> SupervisionMeeting:
    """`meeting` with the fields of `changed` (a checked `new_meeting`): the next revision
    of the same log entry."""
    return dataclasses.replace(changed, id=meeting.id)


def newest_first(meetings: Iterable[SupervisionMeeting]) -> list[SupervisionMeeting]:
    """The log in the order it is read: most recent session first."""
    return sorted(meetings, key=lambda m: m.date, reverse=True)


def log_rows(meetings: Iterable[SupervisionMeeting]) -> list[dict[str, Any]]:
    """The log as table rows, newest first."""
    return [
        {
            "Date": m.date,
            "Minutes": m.minutes,
            "Type": m.type,
            "Supervisor": m.supervisor,
            "Functions": ", ".join(m.functions),
            "Notes": m.notes,
        }
        for m in newest_first(meetings)
    ]


def monthly_hours(
    meetings: Iterable[SupervisionMeeting],
    target_hours: float = DEFAULT_TARGET_HOURS,
    until: date | None = None,
) -> pd.DataFrame:
    """One row per month from the first meeting to `until` (months without supervision
    included, at 0 hours): `month, hours, meetings, target, met`."""
    rows = [(m.date, m.minutes) for m in meetings]
    columns = ["month", "hours", "meetings", "target", "met"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=["date", "minutes"])
    frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M")
    grouped = frame.groupby("month").agg(minutes=("minutes", "sum"), meetings=("minutes", "size"))
    last = pd.Period(until or date.today(), "M")
    months = pd.period_range(grouped.index.min(), max(last, grouped.index.max()), freq="M")
    grouped = grouped.reindex(months, fill_value=0)
    result = pd.DataFrame(
        {
            "month": months.to_timestamp(),
            "hours": grouped["minutes"].to_numpy() / 60,
            "meetings": grouped["meetings"].to_numpy(),
        }
    )
    result["target"] = float(target_hours)
    result["met"] = result["hours"] >= target_hours
    return result[columns]


def _count(number: float, unit: str) -> str:
    shown = f"{round(float(number), 2):g}"
    return f"{shown} {unit}{'' if shown == '1' else 's'}"


def summary(monthly: pd.DataFrame, months: int = 12) -> str:
    """One line over the last `months` months of `monthly_hours` (the current one included),
    e.g. "Last 12 months: 14.5 hours in 11 sessions; target met in 8 of 12 months."."""
    if not has_rows(monthly):
        return f"{NO_MEETINGS}."
    recent = monthly.tail(months)
    span = len(recent)
    return (
        f"Last {_count(span, 'month')}: {_count(recent['hours'].sum(), 'hour')} in "
        f"{_count(recent['meetings'].sum(), 'session')}; target met in "
        f"{int(recent['met'].sum())} of {_count(span, 'month')}."
    )


def supervision_chart(monthly: pd.DataFrame) -> alt.LayerChart | alt.Chart:
    """Hours of supervision per month as bars against the target as a dashed rule.

    Months that met the target are blue and carry a tick above the bar (meaning never
    rests on colour alone); months below it are orange. Empty input gives a chart with
    one line of text.
    """
    if not has_rows(monthly):
        return no_data(CHART_TITLE, NO_MEETINGS)
    # only what is drawn or in a tooltip: exported charts embed their data
    data = monthly[["month", "hours", "meetings"]].copy()
    data["month"] = month_label(data["month"])
    data["hours"] = data["hours"].astype(float).round(2)
    met = monthly["met"].eq(True)
    data["status"] = met.map({True: MET, False: BELOW})
    data["tick"] = met.map({True: "✓", False: ""})
    target = float(monthly["target"].iloc[0])
    x = alt.X("month:O", title="Month", sort="ascending", axis=ORDINAL_AXIS)
    tooltip = [
        alt.Tooltip("month:O", title="Month"),
        alt.Tooltip("hours:Q", title="Hours", format=".2f"),
        alt.Tooltip("meetings:Q", title="Sessions"),
        alt.Tooltip("status:N", title="Target"),
    ]
    base = alt.Chart(data).encode(x=x)
    bars = base.mark_bar().encode(
        y=alt.Y("hours:Q", title="Hours of supervision"),
        color=alt.Color(
            "status:N",
            title="Month",
            scale=alt.Scale(domain=[MET, BELOW], range=[BLUE, ORANGE]),
        ),
        tooltip=tooltip,
    )
    ticks = base.mark_text(dy=-8, fontSize=13, color=BLACK).encode(
        y="hours:Q", text="tick:N", tooltip=tooltip
    )
    line = pd.DataFrame({"target": [target], "label": [f"Target {_count(target, 'hour')}"]})
    rule = (
        alt.Chart(line)
        .mark_rule(color=BLACK, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(y="target:Q", tooltip=[alt.Tooltip("label:N", title="Monthly target")])
    )
    label = (
        alt.Chart(line)
        .mark_text(align="left", dx=4, dy=-7, color=BLACK)
        .encode(x=alt.value(0), y="target:Q", text="label:N")
    )
    return alt.layer(bars, ticks, rule, label, title=CHART_TITLE).properties(
        width=WIDTH, height=HEIGHT
    )

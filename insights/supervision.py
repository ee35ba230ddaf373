"""The supervision log as hours per month against a target (BACP asks for 1.5 h a month)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from storage.records import SupervisionMeeting

DEFAULT_TARGET_HOURS = 1.5


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

"""The growth charts' frames: months as labels, presence per session or per period, the
reflection calendar day by day, and the associations ready to draw."""

from __future__ import annotations

import pandas as pd

from insights.chart_data.periods import Period, month_label, period_start

CAUTION = "few sessions: read with caution"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
HIGHER = "Higher with it"
LOWER = "Lower with it"
NO_DIFFERENCE = "No difference"


def by_month(frame: pd.DataFrame, columns: list[str], category: str) -> pd.DataFrame:
    """`columns` of a month-by-category frame, months as "YYYY-MM", the category as text."""
    data = frame[columns].copy()
    data["month"] = month_label(data["month"])
    data[category] = data[category].astype(str)
    return data


def presence_points(presence_over_time: pd.DataFrame) -> pd.DataFrame:
    """The sessions with a date and a presence rating, in date order."""
    data = presence_over_time[["date", "presence", "client"]].copy()
    data["date"] = pd.to_datetime(data["date"], errors="coerce")
    data["presence"] = pd.to_numeric(data["presence"], errors="coerce")
    return data.dropna(subset=["date", "presence"]).sort_values("date", kind="stable")


def presence_per_period(data: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The mean presence per period (`date`: the period's start) and its sessions."""
    return (
        data.assign(date=period_start(data["date"], period.freq))
        .groupby("date", sort=True)
        .agg(presence=("presence", "mean"), sessions=("presence", "size"))
        .reset_index()
    )


def presence_with_recent(data: pd.DataFrame, sessions: int = 5) -> pd.DataFrame:
    """Each session's presence with `recent`, the mean of the last `sessions` sessions."""
    return data.assign(
        client=data["client"].astype(str),
        recent=data["presence"].rolling(sessions, min_periods=1).mean(),
    )


def calendar_days(consistency: pd.DataFrame, weeks: int | None = 53) -> pd.DataFrame:
    """One row per day (`day`, its `week`'s Monday, `weekday`, `count`) over the last
    `weeks` weeks up to the latest date (None: the whole range), from a Monday; days
    without a reflection count zero. Empty without any dated reflection."""
    data = consistency[["date", "count"]].copy()
    data["date"] = pd.to_datetime(data["date"], errors="coerce").dt.normalize()
    data["count"] = pd.to_numeric(data["count"], errors="coerce").fillna(0)
    data = data.dropna(subset=["date"])
    if data.empty:
        return pd.DataFrame(columns=["day", "week", "weekday", "count"])
    per_day = data.groupby("date")["count"].sum()
    end = per_day.index.max()
    start = per_day.index.min()
    start = start - pd.Timedelta(days=start.day_of_week)  # back to Monday
    if weeks is not None:
        first_monday = end - pd.Timedelta(days=end.day_of_week) - pd.Timedelta(weeks=weeks - 1)
        start = max(start, first_monday)
    days = pd.date_range(start, end, freq="D")
    counts = per_day.reindex(days, fill_value=0)
    return pd.DataFrame(
        {
            "day": days.strftime("%Y-%m-%d"),
            "week": (days - pd.to_timedelta(days.day_of_week, unit="D")).strftime("%Y-%m-%d"),
            "weekday": [WEEKDAYS[d] for d in days.day_of_week],
            "count": counts.to_numpy().astype(int),
        }
    )


_ASSOCIATION_COLUMNS = ["factor", "kind", "n_with", "n_without", "mean_with", "mean_without"]
_ASSOCIATION_COLUMNS += ["difference", "small_n"]


def associations_to_draw(associations: pd.DataFrame) -> pd.DataFrame:
    """Factors with a difference, each named once (its kind added when two share a name),
    with `direction` and `caution` in words."""
    data = associations[[c for c in _ASSOCIATION_COLUMNS if c in associations.columns]].copy()
    data["factor"] = data["factor"].astype(str)
    data["kind"] = data["kind"].astype(str) if "kind" in data else ""
    duplicated = data["factor"].duplicated(keep=False)
    data.loc[duplicated, "factor"] = data["factor"] + " (" + data["kind"] + ")"
    data["difference"] = pd.to_numeric(data["difference"], errors="coerce")
    data = data.dropna(subset=["difference"])
    if data.empty:
        return data
    data["small_n"] = data["small_n"].eq(True) if "small_n" in data else False
    data["direction"] = data["difference"].map(
        lambda d: HIGHER if d > 0 else (LOWER if d < 0 else NO_DIFFERENCE)
    )
    data["caution"] = data["small_n"].map({True: CAUTION, False: "Enough sessions"})
    return data

"""Week, month or quarter: the period a long series is averaged over, chosen so a chart
keeps a bounded number of points."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DATE_FORMAT = "%d %b %Y"


@dataclass(frozen=True)
class Period:
    """A period to average over: pandas' frequency, the axis title and the date format."""

    freq: str  # "W", "M" or "Q"
    title: str
    date_format: str

    @property
    def name(self) -> str:
        """'week', 'month' or 'quarter', for subtitles."""
        return self.title.split()[0].lower()


WEEK = Period("W", "Week starting", DATE_FORMAT)
MONTH = Period("M", "Month", "%b %Y")
QUARTER = Period("Q", "Quarter starting", "%b %Y")
# Each period with the largest number of periods before moving to the next, coarser one.
_LIMITS = ((WEEK, 7, 156), (MONTH, 30.44, 120))


def choose_period(dates: pd.Series) -> Period:
    """Week, month or quarter, so the series spans a bounded number of periods."""
    valid = dates.dropna()
    span_days = (valid.max() - valid.min()).days if len(valid) else 0
    for period, days, limit in _LIMITS:
        if span_days / days + 1 <= limit:
            return period
    return QUARTER


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The first day of each date's period."""
    return dates.dt.to_period(freq).dt.start_time


def period_label(starts: pd.Series, freq: str) -> pd.Series:
    """Labels that sort in time order as plain strings."""
    if freq == "W":
        return starts.dt.strftime("%Y-%m-%d")
    if freq == "M":
        return starts.dt.strftime("%Y-%m")
    return starts.dt.year.astype(str) + "-Q" + starts.dt.quarter.astype(str)


def month_label(values: pd.Series) -> pd.Series:
    """Months as "YYYY-MM" whether given as datetimes, periods or strings."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.strftime("%Y-%m")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m")
    return values.astype(str)

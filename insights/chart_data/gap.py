"""The gap chart's frames: each session's gap (estimate - feedback) beside the gap
compared with the client's own mean gap, per session or per period."""

from __future__ import annotations

import pandas as pd

from insights.chart_data.periods import Period, period_label, period_start

YOU_HIGHER = "You rated higher"
CLIENT_HIGHER = "Client rated higher"
SAME = "Same"
DIRECTIONS = [YOU_HIGHER, CLIENT_HIGHER, SAME]

_COLUMNS = ["client_id", "client", "date", "number", "instrument", "gap", "gap_pct"]


def gap_sessions(sessions: pd.DataFrame, use_pct: bool) -> pd.DataFrame:
    """Sessions with both ratings: `gap` in points (percent of range with `use_pct`) and
    `relative`, the gap minus the client's own mean gap."""
    s = sessions[[c for c in _COLUMNS if c in sessions.columns]].copy()
    s["date"] = pd.to_datetime(s["date"], errors="coerce")
    s["client"] = s["client"].astype(str)
    s = s.dropna(subset=["gap_pct" if use_pct else "gap"])
    s["gap"] = s["gap_pct" if use_pct else "gap"].astype(float)
    s["relative"] = s["gap"] - s.groupby("client_id")["gap"].transform("mean")
    return s


def gap_per_session(s: pd.DataFrame) -> pd.DataFrame:
    """One row per session, with who rated higher."""
    return with_direction(s[["client", "date", "number", "gap", "relative"]])


def gap_per_period(s: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The mean gap and relative gap per period (labelled in time order), with the number
    of sessions and clients and who rated higher."""
    data = (
        s.assign(period=period_start(s["date"], period.freq))
        .groupby("period", sort=True)
        .agg(
            gap=("gap", "mean"),
            relative=("relative", "mean"),
            sessions=("gap", "size"),
            clients=("client", "nunique"),
        )
        .reset_index()
    )
    data["period"] = period_label(data["period"], period.freq)
    return with_direction(data)


def with_direction(data: pd.DataFrame) -> pd.DataFrame:
    """`direction`: who rated higher, from the sign of `gap`."""
    return data.assign(
        direction=pd.cut(
            data["gap"],
            [-float("inf"), -1e-9, 1e-9, float("inf")],
            labels=[CLIENT_HIGHER, SAME, YOU_HIGHER],
        ).astype(str)
    )

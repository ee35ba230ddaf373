"""Growth over time: countertransference reactions, focus domains, presence, the habit of
reflecting, and which reactions or tags go with lower patient ratings.

Pure functions over records and the session frame of `insights.frames`. Reflections are
placed in time by `written_at`, read in `tz` (UTC by default; a naive time counts as
UTC); months are the first day of the month at midnight (datetime64[ns], no timezone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from storage.records import DOMAINS, REACTIONS, Reflection

SMALL_N = 5


def _local_days(reflections: list[Reflection], tz: str) -> pd.Series:
    """The day (datetime64[ns] midnight, no timezone) each reflection was written, in tz."""
    moments = [
        r.written_at if r.written_at.tzinfo is not None else r.written_at.replace(tzinfo=UTC)
        for r in reflections
    ]
    stamps = pd.to_datetime(pd.Series(moments, dtype="object"), utc=True)
    if tz != "UTC":
        stamps = stamps.dt.tz_convert(tz)
    return stamps.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _months(days: pd.Series) -> pd.Series:
    return days.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")


def reactions_by_month(reflections: Iterable[Reflection], tz: str = "UTC") -> pd.DataFrame:
    """Per month with reflections and per reaction (the eight REACTIONS, in that order):
    `mean_intensity` (0-3, a reflection that did not rate the reaction counts as 0),
    `count` (reflections rating it 1 or more) and `reflections` (all that month)."""
    found = list(reflections)
    columns = ["month", "reaction", "mean_intensity", "count", "reflections"]
    if not found:
        ints = {"count": "int64", "reflections": "int64"}
        return _empty(columns, {"month": "datetime64[ns]", "reaction": "str", **ints})
    scores = pd.DataFrame(
        [[r.reactions.get(name, 0) or 0 for name in REACTIONS] for r in found],
        columns=list(REACTIONS),
        dtype="float64",
    )
    scores["month"] = _months(_local_days(found, tz)).to_numpy()
    grouped = scores.groupby("month", sort=True)
    means = grouped[list(REACTIONS)].mean()
    counts = (scores[list(REACTIONS)] >= 1).groupby(scores["month"], sort=True).sum()
    totals = grouped.size()
    months = means.index.to_numpy()
    n_months, n_reactions = len(months), len(REACTIONS)
    return pd.DataFrame(
        {
            "month": np.repeat(months, n_reactions).astype("datetime64[ns]"),
            "reaction": pd.array(list(REACTIONS) * n_months, dtype="str"),
            "mean_intensity": means.to_numpy().reshape(-1),
            "count": counts.to_numpy().reshape(-1).astype("int64"),
            "reflections": np.repeat(totals.to_numpy(), n_reactions).astype("int64"),
        }
    )


def domains_by_month(reflections: Iterable[Reflection], tz: str = "UTC") -> pd.DataFrame:
    """Per month with reflections and per focus domain (every domain of DOMAINS, in that
    order): `count` of reflections with that focus domain, and `reflections` (all that
    month)."""
    found = list(reflections)
    columns = ["month", "domain", "count", "reflections"]
    if not found:
        ints = {"count": "int64", "reflections": "int64"}
        return _empty(columns, {"month": "datetime64[ns]", "domain": "str", **ints})
    flags = pd.DataFrame(
        [[d in r.focus_domains for d in DOMAINS] for r in found], columns=list(DOMAINS)
    ).astype("int64")
    month = _months(_local_days(found, tz)).to_numpy()
    counts = flags.groupby(month, sort=True).sum()
    totals = flags.groupby(month, sort=True).size()
    months = counts.index.to_numpy()
    return pd.DataFrame(
        {
            "month": np.repeat(months, len(DOMAINS)).astype("datetime64[ns]"),
            "domain": pd.array(list(DOMAINS) * len(months), dtype="str"),
            "count": counts.to_numpy().reshape(-1).astype("int64"),
            "reflections": np.repeat(totals.to_numpy(), len(DOMAINS)).astype("int64"),
        }
    )


def presence_over_time(sessions: pd.DataFrame) -> pd.DataFrame:
    """The practitioner's own presence rating (0-10) per session that has one, in date
    order: date, presence, client (and client_id, number)."""
    columns = ["date", "presence", "client", "client_id", "number"]
    if sessions.empty:
        return _empty(
            columns,
            {"date": "datetime64[ns]", "client": "str", "client_id": "str", "number": "int64"},
        )
    rated = sessions.loc[sessions["presence"].notna(), columns]
    return rated.sort_values(["date", "client", "number"], kind="stable").reset_index(drop=True)


def consistency(reflections: Iterable[Reflection], tz: str = "UTC") -> pd.DataFrame:
    """Reflections written per day, for a calendar heatmap: date (midnight), count; only
    days with at least one reflection, in date order."""
    found = list(reflections)
    if not found:
        return _empty(["date", "count"], {"date": "datetime64[ns]", "count": "int64"})
    days = _local_days(found, tz)
    counts = days.value_counts().sort_index()
    return pd.DataFrame(
        {
            "date": counts.index.to_numpy().astype("datetime64[ns]"),
            "count": counts.to_numpy().astype("int64"),
        }
    )


@dataclass(frozen=True)
class Streaks:
    """Runs of days and of weeks (Monday to Sunday) with at least one reflection.
    A current run counts only if it reaches today or yesterday (this week or last week):
    the practitioner still has the rest of today to keep it going."""

    active_days: int
    current_days: int
    longest_days: int
    active_weeks: int
    current_weeks: int
    longest_weeks: int


def streaks(days: pd.DataFrame | Iterable[date], today: date) -> Streaks:
    """Streaks from a `consistency` frame (or any dates with a reflection)."""
    if isinstance(days, pd.DataFrame):
        values = [] if days.empty else [d.date() for d in days["date"].dt.to_pydatetime()]
    else:
        values = [d.date() if isinstance(d, datetime) else d for d in days]
    unique = sorted(set(values))
    weeks = sorted({d - timedelta(days=d.weekday()) for d in unique})
    this_week = today - timedelta(days=today.weekday())
    current_days, longest_days = _runs(unique, timedelta(days=1), today)
    current_weeks, longest_weeks = _runs(weeks, timedelta(weeks=1), this_week)
    return Streaks(
        len(unique), current_days, longest_days, len(weeks), current_weeks, longest_weeks
    )


def _runs(ordered: list[date], step: timedelta, now: date) -> tuple[int, int]:
    """(current run ending at `now` or one step before, longest run) of consecutive dates."""
    longest = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == step else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and now - previous <= step else 0
    return current, longest


def associations(reflections: Iterable[Reflection], sessions: pd.DataFrame) -> pd.DataFrame:
    """Which reactions and tags go with lower patient ratings.

    Over the sessions that have both a feedback total and a reflection: for each of the
    eight reactions (rated 1 or more) and each tag used, the mean `feedback_pct` of the
    sessions whose reflection has it and of those whose reflection does not (several
    reflections on one session are pooled: highest intensity, all tags). `difference` is
    mean_with - mean_without (NaN when a side is empty); `small_n` is True when either
    side has fewer than 5 sessions. Sorted by difference, lowest first (NaN last).
    Associations only: nothing here says what caused what."""
    columns = [
        "factor",
        "kind",
        "n_with",
        "n_without",
        "mean_with",
        "mean_without",
        "difference",
        "small_n",
    ]
    dtypes = {"factor": "str", "kind": "str", "n_with": "int64", "n_without": "int64"}
    if sessions.empty:
        return _empty(columns, {**dtypes, "small_n": "bool"})
    rated = sessions["feedback_pct"].notna()
    score = dict(
        zip(
            sessions.loc[rated, "session_id"].tolist(),
            sessions.loc[rated, "feedback_pct"].tolist(),
            strict=True,
        )
    )
    reactions: dict[str, dict[str, int]] = {}
    tags: dict[str, set[str]] = {}
    for r in reflections:
        if r.session_id is None or r.session_id not in score:
            continue
        mine = reactions.setdefault(r.session_id, {})
        for name, value in r.reactions.items():
            mine[name] = max(mine.get(name, 0), value or 0)
        tags.setdefault(r.session_id, set()).update(r.tags)
    sids = list(reactions)
    values = np.asarray([score[s] for s in sids], dtype="float64")
    factors: list[tuple[str, str, np.ndarray]] = [
        (name, "reaction", np.asarray([reactions[s].get(name, 0) >= 1 for s in sids], bool))
        for name in REACTIONS
    ]
    for tag in sorted(set().union(*tags.values()) if tags else set()):
        factors.append((tag, "tag", np.asarray([tag in tags[s] for s in sids], dtype=bool)))
    rows = []
    for factor, kind, has in factors:
        n_with, n_without = int(has.sum()), int((~has).sum())
        mean_with = float(values[has].mean()) if n_with else np.nan
        mean_without = float(values[~has].mean()) if n_without else np.nan
        rows.append(
            (
                factor,
                kind,
                n_with,
                n_without,
                mean_with,
                mean_without,
                mean_with - mean_without,
                n_with < SMALL_N or n_without < SMALL_N,
            )
        )
    frame = pd.DataFrame(rows, columns=columns).astype(
        {**dtypes, "mean_with": "float64", "mean_without": "float64", "difference": "float64"}
    )
    frame = frame.sort_values(
        ["difference", "kind", "factor"], na_position="last", kind="stable"
    ).reset_index(drop=True)
    return frame


def _empty(columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """An empty frame with these columns (int64/str/bool/datetime as given, else float)."""
    return pd.DataFrame({c: pd.Series([], dtype=dtypes.get(c, "float64")) for c in columns})

"""Tidy pandas frames of the journal's sessions: the one table every insight reads.

`session_frame` gives one row per session (the practitioner's blind estimate and the
patient's feedback side by side); `item_frame` the same in long format, one row per
session and item. Both are pure: records in, a new DataFrame out, nothing else read.

Rules of the join, so nothing surprising happens silently:

- An estimate or feedback whose instrument is not in `instruments` is dropped (its
  scores cannot be placed on a scale); so is one for a session that is not in `sessions`.
- Several estimates (or feedbacks) for one session: the one recorded last wins.
- The session's instrument is the estimate's, else the feedback's, else the client's
  default. If the estimate and the feedback of one session were made on *different*
  instruments the patient's view wins: the feedback is kept and the estimate's scores are
  dropped (its presence and markers are kept), because a gap between two scales means
  nothing and the rupture rules read the patient's scores.
- A total is the sum of the instrument's items. A record missing one of its instrument's
  items has no total (NaN) but its items still appear in `item_frame`; item ids the
  instrument does not know are ignored.
- `*_pct` columns place a score on 0-100 of the instrument's range (0 = every item at
  its minimum), so instruments with different ranges can be compared and mixed.
- Timestamps are timezone-aware UTC (a naive `recorded_at` is read as UTC).
- `seen_first` is True when the feedback was recorded before the estimate: the blind
  order was broken, so calibration leaves the session out (rupture flags do not).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from prompts.library import Instrument
from storage.records import Client, Estimate, Feedback, Session

SESSION_COLUMNS: tuple[str, ...] = (
    "session_id",
    "client_id",
    "client",
    "date",
    "number",
    "late_cancellation",
    "instrument",
    "total_min",
    "total_max",
    "cutoff",
    "estimate",
    "feedback",
    "estimate_pct",
    "feedback_pct",
    "gap",
    "gap_pct",
    "presence",
    "withdrawal",
    "confrontation",
    "estimate_at",
    "feedback_at",
    "seen_first",
    "comment",
    "quarter",
)
ITEM_COLUMNS: tuple[str, ...] = (
    "session_id",
    "client_id",
    "client",
    "date",
    "number",
    "instrument",
    "item",
    "label",
    "estimate",
    "feedback",
    "min_score",
    "max_score",
)
UNKNOWN_CLIENT = "?"

_NAN = math.nan
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NAT = np.datetime64("NaT", "ns").view("i8")
# Frame order, on the rows both frames build: client code, client id (two clients could
# share a code), date ordinal, session number.
_ORDER = operator.itemgetter(2, 1, 3, 4)


def session_frame(
    clients: Iterable[Client],
    sessions: Iterable[Session],
    estimates: Iterable[Estimate],
    feedback: Iterable[Feedback],
    instruments: Mapping[str, Instrument],
) -> pd.DataFrame:
    """One row per session, sorted by client code, date and number (see the module doc)."""
    return _Join(clients, sessions, estimates, feedback, instruments).session_frame()


def item_frame(
    clients: Iterable[Client],
    sessions: Iterable[Session],
    estimates: Iterable[Estimate],
    feedback: Iterable[Feedback],
    instruments: Mapping[str, Instrument],
) -> pd.DataFrame:
    """One row per session x item of the session's instrument, for sessions with an
    estimate or a feedback (a session with neither, e.g. a late cancellation, has no
    rows); scores are NaN where that side is missing. Same order as `session_frame`,
    items in instrument order."""
    return _Join(clients, sessions, estimates, feedback, instruments).item_frame()


def frames(
    clients: Iterable[Client],
    sessions: Iterable[Session],
    estimates: Iterable[Estimate],
    feedback: Iterable[Feedback],
    instruments: Mapping[str, Instrument],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`(session_frame, item_frame)` from one pass over the records."""
    join = _Join(clients, sessions, estimates, feedback, instruments)
    return join.session_frame(), join.item_frame()


def pct(score: float, low: float, high: float) -> float:
    """`score` on 0-100 of the range low-high (NaN stays NaN)."""
    return (score - low) * 100.0 / (high - low)


def quarter_of(day: date) -> str:
    """'2026-Q3' for a day in July-September 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# ---- the join ---------------------------------------------------------------------------


def _seconds(moment: datetime | None) -> float:
    """Seconds since the epoch (UTC; a naive time is read as UTC), NaN for none."""
    if moment is None:
        return _NAN
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _latest(records: Iterable[Any], wanted: set[str], instruments: Mapping[str, Instrument]):
    """{session_id: the record recorded last}, only known sessions and instruments."""
    found: dict[str, Any] = {}
    for record in records:
        sid = record.session_id
        if sid not in wanted or record.instrument not in instruments:
            continue
        other = found.get(sid)
        if other is None or _seconds(record.recorded_at) >= _seconds(other.recorded_at):
            found[sid] = record
    return found


def _total(items: Mapping[str, float], scale: tuple[Any, ...]) -> float:
    """Sum of the instrument's items (`scale` from `_Join.scales`), NaN if one is missing."""
    if items.keys() == scale[4]:  # the usual case: exactly the instrument's items
        return float(sum(items.values()))
    try:
        return float(sum([items[i] for i in scale[3]]))
    except KeyError:
        return _NAN


def _total_and_time(rating: Any, scale: tuple[Any, ...]) -> tuple[float, float]:
    """An estimate's or feedback's total (NaN when an item is missing) and when it was
    recorded, in UTC seconds."""
    items = rating.items
    total = float(sum(items.values())) if items.keys() == scale[4] else _total(items, scale)
    at = rating.recorded_at
    return total, at.timestamp() if at.tzinfo is not None else _seconds(at)


def _dates(ordinals: Iterable[int]) -> np.ndarray:
    """datetime64[ns] midnights from `date.toordinal()` values."""
    days = np.asarray(ordinals, dtype="i8") - _EPOCH_ORDINAL
    return days.astype("M8[D]").astype("M8[ns]")


def _utc_series(seconds: np.ndarray) -> pd.Series:
    """tz-aware UTC datetimes (NaT for NaN) from seconds since the epoch, to the microsecond."""
    missing = np.isnan(seconds)
    micro = np.round(np.where(missing, 0.0, seconds) * 1e6).astype("i8")
    ns = np.where(missing, _NAT, micro * 1000)
    return pd.Series(ns.view("M8[ns]")).dt.tz_localize("UTC")


class _Join:
    """Sessions with their estimate, feedback, client and instrument, in frame order."""

    def __init__(
        self,
        clients: Iterable[Client],
        sessions: Iterable[Session],
        estimates: Iterable[Estimate],
        feedback: Iterable[Feedback],
        instruments: Mapping[str, Instrument],
    ) -> None:
        self.instruments = instruments
        client_list = list(clients)
        self.codes = {c.id: c.code for c in client_list}
        self.client_instrument = {c.id: c.instrument for c in client_list}
        session_list = list(sessions)
        wanted = {s.id for s in session_list}
        self.estimates = _latest(estimates, wanted, instruments)
        self.feedback = _latest(feedback, wanted, instruments)
        self.sessions = session_list
        # per instrument: (total_min, total_max, cutoff, item ids, set of item ids)
        self.scales: dict[str, tuple[Any, ...]] = {
            key: (
                float(inst.total_min),
                float(inst.total_max),
                _NAN if inst.cutoff is None else float(inst.cutoff),
                tuple(i.id for i in inst.items),
                frozenset(i.id for i in inst.items),
            )
            for key, inst in instruments.items()
        }

    def session_frame(self) -> pd.DataFrame:
        # One pass with local names and plain tuples: a row-by-row DataFrame would be
        # 100x slower, one comprehension per column about 1.5x.
        est_get, fb_get = self.estimates.get, self.feedback.get
        ci_get, code_get, scale_get = self.client_instrument.get, self.codes.get, self.scales.get
        no_scale = (_NAN, _NAN, _NAN, (), frozenset())
        quarters: dict[tuple[int, int], str] = {}
        rows = []
        append = rows.append
        for s in self.sessions:
            sid, cid, day = s.id, s.client_id, s.date
            e, f = est_get(sid), fb_get(sid)
            if e is not None:
                presence = _NAN if e.presence is None else e.presence
                markers = (len(e.withdrawal_markers), len(e.confrontation_markers))
                if f is not None and f.instrument != e.instrument:
                    inst, e = f.instrument, None  # the patient's view wins (module doc)
                else:
                    inst = e.instrument
            else:
                presence, markers = _NAN, (0, 0)
                inst = f.instrument if f is not None else ci_get(cid, "")
            scale = scale_get(inst, no_scale)
            if e is not None:
                e_total, e_at = _total_and_time(e, scale)
            else:
                e_total = e_at = _NAN
            if f is not None:
                f_total, f_at = _total_and_time(f, scale)
                comment = f.comment or ""
            else:
                f_total = f_at = _NAN
                comment = ""
            key = (day.year, day.month)
            quarter = quarters.get(key)
            if quarter is None:
                quarter = quarters[key] = quarter_of(day)
            append(
                (
                    sid,
                    cid,
                    code_get(cid, UNKNOWN_CLIENT),
                    day.toordinal(),
                    s.number,
                    s.late_cancellation,
                    inst,
                    scale[0],
                    scale[1],
                    scale[2],
                    e_total,
                    f_total,
                    presence,
                    *markers,
                    e_at,
                    f_at,
                    comment,
                    quarter,
                )
            )
        rows.sort(key=_ORDER)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 19
        (sid, cid, code, ordinal, number, late, inst, t_min, t_max, cutoff) = columns[:10]
        (e_total, f_total, presence, withdrawal, confrontation, e_at, f_at) = columns[10:17]
        comment, quarter = columns[17:]

        def floats(values: tuple[Any, ...]) -> np.ndarray:
            return np.asarray(values, dtype="float64")

        t_min, t_max, est_total, fb_total = (
            floats(t_min),
            floats(t_max),
            floats(e_total),
            floats(f_total),
        )
        est_at, fb_at = floats(e_at), floats(f_at)
        with np.errstate(invalid="ignore", divide="ignore"):
            est_pct = (est_total - t_min) * 100.0 / (t_max - t_min)
            fb_pct = (fb_total - t_min) * 100.0 / (t_max - t_min)
        data = {
            "session_id": pd.array(sid, dtype="str"),
            "client_id": pd.array(cid, dtype="str"),
            "client": pd.array(code, dtype="str"),
            "date": _dates(ordinal),
            "number": np.asarray(number, dtype="int64"),
            "late_cancellation": np.asarray(late, dtype="bool"),
            "instrument": pd.array(inst, dtype="str"),
            "total_min": t_min,
            "total_max": t_max,
            "cutoff": floats(cutoff),
            "estimate": est_total,
            "feedback": fb_total,
            "estimate_pct": est_pct,
            "feedback_pct": fb_pct,
            "gap": est_total - fb_total,
            "gap_pct": est_pct - fb_pct,
            "presence": floats(presence),
            "withdrawal": np.asarray(withdrawal, dtype="int64"),
            "confrontation": np.asarray(confrontation, dtype="int64"),
            "estimate_at": _utc_series(est_at),
            "feedback_at": _utc_series(fb_at),
            "seen_first": np.less(fb_at, est_at),  # False when either is missing (NaN)
            "comment": pd.array(comment, dtype="str"),
            "quarter": pd.array(quarter, dtype="str"),
        }
        return pd.DataFrame(data, columns=list(SESSION_COLUMNS))

    def item_frame(self) -> pd.DataFrame:
        # Session columns are built once per session and repeated per item with numpy.
        est_get, fb_get = self.estimates.get, self.feedback.get
        code_get, instruments = self.codes.get, self.instruments
        heads = []
        for s in self.sessions:
            e, f = est_get(s.id), fb_get(s.id)
            if e is None and f is None:
                continue
            if e is not None and f is not None and f.instrument != e.instrument:
                e = None  # the patient's view wins (module doc)
            inst = e.instrument if e is not None else f.instrument
            cid = s.client_id
            heads.append(
                (s.id, cid, code_get(cid, UNKNOWN_CLIENT), s.date.toordinal(), s.number, inst, e, f)
            )
        heads.sort(key=_ORDER)
        per_instrument = {
            key: (
                tuple(i.id for i in inst.items),
                tuple(i.label for i in inst.items),
                float(inst.min_score),
                float(inst.max_score),
            )
            for key, inst in instruments.items()
        }
        counts, item_ids, labels, lows, highs, est, fb = [], [], [], [], [], [], []
        for head in heads:
            ids, names, low, high = per_instrument[head[5]]
            n = len(ids)
            counts.append(n)
            item_ids.extend(ids)
            labels.extend(names)
            lows.append(low)
            highs.append(high)
            e, f = head[6], head[7]
            if e is None:
                est.extend([_NAN] * n)
            else:
                get = e.items.get
                est.extend([get(i, _NAN) for i in ids])
            if f is None:
                fb.extend([_NAN] * n)
            else:
                get = f.items.get
                fb.extend([get(i, _NAN) for i in ids])
        columns = list(zip(*heads, strict=True)) if heads else [()] * 8
        repeat = np.asarray(counts, dtype="int64")

        def per_item(values: tuple[Any, ...], dtype: str) -> Any:
            spread = np.repeat(
                np.asarray(values, dtype=object if dtype == "str" else dtype), repeat
            )
            return pd.array(spread, dtype="str") if dtype == "str" else spread

        data = {
            "session_id": per_item(columns[0], "str"),
            "client_id": per_item(columns[1], "str"),
            "client": per_item(columns[2], "str"),
            "date": _dates(per_item(columns[3], "int64")),
            "number": per_item(columns[4], "int64"),
            "instrument": per_item(columns[5], "str"),
            "item": pd.array(item_ids, dtype="str"),
            "label": pd.array(labels, dtype="str"),
            "estimate": np.asarray(est, dtype="float64"),
            "feedback": np.asarray(fb, dtype="float64"),
            "min_score": per_item(tuple(lows), "float64"),
            "max_score": per_item(tuple(highs), "float64"),
        }
        return pd.DataFrame(data, columns=list(ITEM_COLUMNS))

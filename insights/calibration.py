"""Calibration: how well the practitioner's blind estimate reads the patient's rating.

Every figure is on the percent-of-range scale of `insights.frames` (`estimate_pct`,
`feedback_pct`, `gap_pct`: 0-100 of the instrument's total range), so sessions on
different instruments can be pooled: a bias of -5 means the estimate ran 5% of the
total range below the patient's rating (2 points on SAC-4, 2.4 on WAI-SR).

Only sessions with both an estimate and a feedback total count, and never a session
whose feedback was recorded before the estimate (`seen_first`: the estimate was not
blind); those are counted in `excluded_seen_first`.

- `mean_bias`: mean of estimate - feedback (negative: the estimate ran low).
- `mae`: mean absolute difference.
- `spearman`: rank correlation of estimate and feedback (average ranks for ties); None
  with fewer than 3 sessions or when either side never varies.
- `baseline_agreement`: share of sessions where the estimate moved from the client's own
  mean estimate in the same direction as the feedback moved from the client's own mean
  feedback (means over the client's calibrated sessions; a session where either did not
  move is skipped); None when no session is left.
- `sensitivity`: of the calibrated sessions where a patient-side rule fired (drop, item
  drop, low), the share the practitioner had anticipated (CLINICAL.md): markers ticked
  for that session, or no misattunement: the misattunement rule did not fire, and the
  estimate was within `ANTICIPATED_WITHIN` points of the client's score on every item
  that fell since their previous feedback (every item when there is none to compare);
  points scaled to the instrument as in `insights.ruptures`; `sensitivity_n` is how many
  such sessions there were, and `sensitivity` is None when there were none.

`calibration_by_quarter` and `by_client` compute the same figures per group; the client
means behind `baseline_agreement` and `sensitivity` are always the client's whole-course
means, so a quarter's figure reads each session against the same baseline as the total.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.ruptures import EPS, PATIENT_RULES, Flag, Thresholds

# Points (on a 0-10 item) within which an estimate counts as having seen a fall coming.
ANTICIPATED_WITHIN = 2.0

FIGURES: tuple[str, ...] = (
    "n",
    "mean_bias",
    "mae",
    "spearman",
    "baseline_agreement",
    "sensitivity",
    "sensitivity_n",
    "excluded_seen_first",
)


@dataclass(frozen=True)
class Calibration:
    """The calibration figures of a set of sessions (see the module doc)."""

    n: int
    mean_bias: float | None
    mae: float | None
    spearman: float | None
    baseline_agreement: float | None
    sensitivity: float | None
    sensitivity_n: int
    excluded_seen_first: int


def spearman(x: Iterable[float], y: Iterable[float]) -> float | None:
    """Spearman's rank correlation: Pearson's r of the average ranks. None with fewer than
    3 pairs or when either side is constant."""
    a = pd.Series(list(x), dtype="float64")
    b = pd.Series(list(y), dtype="float64")
    if len(a) < 3 or len(a) != len(b):
        return None
    ra = a.rank(method="average").to_numpy()
    rb = b.rank(method="average").to_numpy()
    da, db = ra - ra.mean(), rb - rb.mean()
    denominator = math.sqrt(float((da * da).sum()) * float((db * db).sum()))
    if denominator <= EPS:
        return None
    r = float((da * db).sum()) / denominator
    return max(-1.0, min(1.0, r))


def _table(
    sessions: pd.DataFrame, items: pd.DataFrame, flags: Iterable[Flag], t: Thresholds
) -> pd.DataFrame:
    """One row per session with both an estimate and a feedback total: the figures'
    ingredients, with `calibrated` False for the seen-first ones."""
    both = sessions["estimate_pct"].notna() & sessions["feedback_pct"].notna()
    table = sessions.loc[
        both,
        ["session_id", "client_id", "client", "quarter", "estimate_pct", "feedback_pct"],
    ].copy()
    table["gap_pct"] = sessions.loc[both, "gap_pct"]
    table["calibrated"] = ~sessions.loc[both, "seen_first"].to_numpy()
    ok = table["calibrated"].to_numpy()
    markers = (sessions.loc[both, "withdrawal"] + sessions.loc[both, "confrontation"]).to_numpy()

    # deviations from the client's own means (calibrated sessions only)
    calibrated = table[ok]
    mean_est = calibrated.groupby("client_id")["estimate_pct"].mean().to_dict()
    mean_fb = calibrated.groupby("client_id")["feedback_pct"].mean().to_dict()
    clients = table["client_id"].tolist()
    client_est = np.asarray([mean_est.get(c, np.nan) for c in clients], dtype="float64")
    client_fb = np.asarray([mean_fb.get(c, np.nan) for c in clients], dtype="float64")
    dev_est = table["estimate_pct"].to_numpy() - client_est
    dev_fb = table["feedback_pct"].to_numpy() - client_fb
    moved = (np.abs(dev_est) > EPS) & (np.abs(dev_fb) > EPS) & ok
    agree = np.where(moved, (np.sign(dev_est) == np.sign(dev_fb)).astype("float64"), np.nan)
    table["agree"] = agree

    # rupture-detection sensitivity
    fired_ids = {f.session_id for f in flags if f.rule in PATIENT_RULES}
    sids = table["session_id"].tolist()
    fired = np.asarray([s in fired_ids for s in sids], dtype=bool) & ok
    missed = _misattuned_on_fallen_items(sessions, items, set(np.asarray(sids)[fired]), t)
    missed |= {f.session_id for f in flags if f.rule == "misattunement"}
    attuned = np.asarray([s not in missed for s in sids], dtype=bool)
    anticipated = (markers > 0) | attuned
    table["fired"] = fired
    table["anticipated"] = np.where(fired, anticipated.astype("float64"), np.nan)
    return table


def _misattuned_on_fallen_items(
    sessions: pd.DataFrame, items: pd.DataFrame, wanted: set[str], t: Thresholds
) -> set[str]:
    """Of the `wanted` sessions, those where the estimate was more than
    `ANTICIPATED_WITHIN` points from the client's score on an item that fell since their
    previous feedback (on any item when there is no earlier feedback to compare with)."""
    if not wanted or items.empty:
        return set()
    scored = items[items["feedback"].notna()]
    rank = {sid: n for n, sid in enumerate(sessions["session_id"].tolist())}
    scored = scored.assign(_rank=[rank.get(s, -1) for s in scored["session_id"].tolist()])
    scored = scored.sort_values("_rank", kind="stable")
    span = scored["max_score"] - scored["min_score"]
    fb_pct = (scored["feedback"] - scored["min_score"]) * 100.0 / span
    est_pct = (scored["estimate"] - scored["min_score"]) * 100.0 / span
    before = fb_pct.groupby([scored["client_id"], scored["item"]]).shift(1)
    fell = before.isna() | (fb_pct < before - EPS)
    off = (est_pct - fb_pct).abs() > t.item_pct(ANTICIPATED_WITHIN) + EPS
    chosen = np.asarray([s in wanted for s in scored["session_id"].tolist()], dtype=bool)
    return set(scored.loc[chosen & (fell & off).to_numpy(), "session_id"].tolist())


def _summary(table: pd.DataFrame) -> Calibration:
    excluded = int((~table["calibrated"]).sum())
    rows = table[table["calibrated"]]
    n = len(rows)
    if n == 0:
        return Calibration(0, None, None, None, None, None, 0, excluded)
    gap = rows["gap_pct"].to_numpy()
    agree = rows["agree"].dropna()
    anticipated = rows["anticipated"].dropna()
    return Calibration(
        n=n,
        mean_bias=float(gap.mean()),
        mae=float(np.abs(gap).mean()),
        spearman=spearman(rows["estimate_pct"], rows["feedback_pct"]),
        baseline_agreement=float(agree.mean()) if len(agree) else None,
        sensitivity=float(anticipated.mean()) if len(anticipated) else None,
        sensitivity_n=len(anticipated),
        excluded_seen_first=excluded,
    )


def calibration(
    sessions: pd.DataFrame, items: pd.DataFrame, flags: Iterable[Flag], thresholds: Thresholds
) -> Calibration:
    """The figures over every session given (the caseload, or a filtered frame)."""
    if sessions.empty:
        return Calibration(0, None, None, None, None, None, 0, 0)
    return _summary(_table(sessions, items, flags, thresholds))


def _grouped(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = []
    for key, group in table.groupby(keys, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        figures = _summary(group)
        rows.append({**dict(zip(keys, values, strict=True)), **vars(figures)})
    columns = [*keys, *FIGURES]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype(
        {
            **{k: "str" for k in keys},
            "n": "int64",
            "sensitivity_n": "int64",
            "excluded_seen_first": "int64",
            **{
                k: "float64"
                for k in ("mean_bias", "mae", "spearman", "baseline_agreement", "sensitivity")
            },
        }
    )
    return frame


def calibration_by_quarter(
    sessions: pd.DataFrame, items: pd.DataFrame, flags: Iterable[Flag], thresholds: Thresholds
) -> pd.DataFrame:
    """One row per quarter ('2026-Q3') with sessions that have an estimate and a feedback,
    sorted by quarter: quarter, n, mean_bias, mae, spearman, baseline_agreement,
    sensitivity, sensitivity_n, excluded_seen_first (undefined figures are NaN)."""
    if sessions.empty:
        return _grouped(_empty_table(), ["quarter"])
    return _grouped(_table(sessions, items, flags, thresholds), ["quarter"])


def by_client(
    sessions: pd.DataFrame, items: pd.DataFrame, flags: Iterable[Flag], thresholds: Thresholds
) -> pd.DataFrame:
    """One row per client with sessions that have an estimate and a feedback, sorted by
    client code: client, client_id, then the figures as in `calibration_by_quarter`."""
    if sessions.empty:
        return _grouped(_empty_table(), ["client", "client_id"])
    return _grouped(_table(sessions, items, flags, thresholds), ["client", "client_id"])


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client": pd.Series([], dtype="str"),
            "client_id": pd.Series([], dtype="str"),
            "quarter": pd.Series([], dtype="str"),
        }
    )

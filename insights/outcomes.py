"""Outcome scores over a client's sessions: reliable change, recovery, not on track, the
practitioner's predictions, and whose early read of the alliance predicts progress.

Pure functions on plain numbers (CLINICAL.md, "Outcome measures"). A client's first
outcome score is their baseline; each later score is read against it:

- *reliable improvement*: better than baseline by at least the measure's reliable-change
  threshold (or, where the measure gives one, by that share of the baseline);
- *recovery*: a reliable improvement that also leaves the clinical range the client
  started in;
- *reliable deterioration*: worse by as much;
- *no reliable change*: anything between.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from prompts.outcomes import OutcomeMeasure
from storage.records import Client

IMPROVED = "reliable improvement"
RECOVERED = "recovery"
NO_CHANGE = "no reliable change"
DETERIORATED = "reliable deterioration"
BASELINE = "baseline"
STATUSES: tuple[str, ...] = (RECOVERED, IMPROVED, NO_CHANGE, DETERIORATED)

# "Whose read predicts progress" is shown once this many clients qualify (the rule)
MIN_CLIENTS = 8
MIN_SESSIONS = 4
EARLY_SESSIONS = 3
_RESAMPLES = 2000


def improvement(measure: OutcomeMeasure, baseline: float, score: float) -> float:
    """How much better `score` is than `baseline`, in the measure's points (negative when
    worse), whichever way the measure runs."""
    change = score - baseline
    return change if measure.higher_is_better else -change


def _reliable(measure: OutcomeMeasure, baseline: float, change: float) -> bool:
    """A change (in absolute points) large enough to count as reliable."""
    if abs(change) >= measure.reliable_change - 1e-9:
        return True
    share = measure.reliable_change_percent
    return share is not None and baseline > 0 and abs(change) * 100 >= share * baseline - 1e-9


def clinical(measure: OutcomeMeasure, score: float) -> bool | None:
    """True when a score is in the clinical range (None for a measure without a cutoff):
    at or above the cutoff where higher is worse, below it where higher is better."""
    if measure.cutoff is None:
        return None
    return score < measure.cutoff if measure.higher_is_better else score >= measure.cutoff


def status(measure: OutcomeMeasure, baseline: float, score: float) -> str:
    """Where `score` stands against `baseline`: one of STATUSES."""
    change = improvement(measure, baseline, score)
    if not _reliable(measure, baseline, change):
        return NO_CHANGE
    if change < 0:
        return DETERIORATED
    if clinical(measure, baseline) and clinical(measure, score) is False:
        return RECOVERED
    return IMPROVED


def no_change_band(measure: OutcomeMeasure, baseline: float) -> tuple[float, float]:
    """The scores around `baseline` that are not a reliable change (inclusive of neither
    end), clipped to the measure's range: the band drawn on the chart."""
    width = measure.reliable_change
    if measure.reliable_change_percent is not None and baseline > 0:
        width = min(width, measure.reliable_change_percent * baseline / 100)
    low = max(measure.total_min, baseline - width)
    high = min(measure.total_max, baseline + width)
    return low, high


@dataclass(frozen=True)
class Point:
    """One outcome score of a client, read against their baseline."""

    session_number: int
    day: date
    total: float
    status: str  # BASELINE for the first score, else one of STATUSES
    not_on_track: bool


def course(
    measure: OutcomeMeasure,
    scores: Sequence[tuple[int, date, float]],
    on_track_by: int = 6,
) -> list[Point]:
    """Each score (session number, date, total; in session order) with its status and
    whether the client is not on track at that session: a reliable deterioration, or no
    reliable improvement yet by session `on_track_by`."""
    points: list[Point] = []
    if not scores:
        return points
    ordered = sorted(scores, key=lambda s: (s[0], s[1]))
    baseline = ordered[0][2]
    for position, (number, day, total) in enumerate(ordered):
        if position == 0:
            points.append(Point(number, day, total, BASELINE, False))
            continue
        now = status(measure, baseline, total)
        behind = now not in (IMPROVED, RECOVERED) and number >= on_track_by
        points.append(Point(number, day, total, now, now == DETERIORATED or behind))
    return points


def not_on_track_reason(points: Sequence[Point], on_track_by: int = 6) -> str:
    """Why the client's latest score is not on track, in plain words ("" when it is)."""
    if not points or not points[-1].not_on_track:
        return ""
    latest = points[-1]
    if latest.status == DETERIORATED:
        return (
            f"Session {latest.session_number}: reliably worse than at the start "
            f"({_shown(points[0].total)} then, {_shown(latest.total)} now)."
        )
    return (
        f"Session {latest.session_number}: no reliable improvement since the start "
        f"(expected by session {on_track_by})."
    )


def _shown(value: float) -> str:
    return f"{round(float(value), 1):g}"


@dataclass(frozen=True)
class ClientCourse:
    """One client's outcome scores read against their baseline, with your calls."""

    client: Client
    measure: OutcomeMeasure
    points: list[Point]
    # (your call, the status of the score it was checked against)
    calls: list[tuple[str, str]]
    reason: str  # why not on track, "" when on track

    @property
    def not_on_track(self) -> bool:
        return bool(self.reason)


# ---- your predictions --------------------------------------------------------------------

# what each call expects the next status to be
_CALLED = {"improving": (IMPROVED, RECOVERED), "same": (NO_CHANGE,), "worse": (DETERIORATED,)}


@dataclass(frozen=True)
class PredictionCalibration:
    """How the practitioner's blind calls compared with the scores that followed."""

    checked: int  # calls with a score to check them against
    right: int
    deteriorations: int  # reliable deteriorations among the checked calls
    foreseen: int  # of those, called "worse"
    called_worse: int
    called_worse_wrong: int  # called "worse" where no reliable deterioration followed

    def in_words(self) -> str:
        """The calibration in a sentence or two."""
        if not self.checked:
            return "No call of yours has an outcome score to check it against yet."
        parts = [f"{self.right} of {self.checked} calls matched the client's score."]
        if self.deteriorations:
            parts.append(
                f"You foresaw {self.foreseen} of {self.deteriorations} reliable "
                f"deterioration{'s' if self.deteriorations != 1 else ''}."
            )
        else:
            parts.append("No checked session showed a reliable deterioration.")
        if self.called_worse:
            parts.append(
                f"{self.called_worse_wrong} of your {self.called_worse} "
                f"\u201cworse\u201d call{'s' if self.called_worse != 1 else ''} did not happen."
            )
        return " ".join(parts)


def prediction_calibration(pairs: Sequence[tuple[str, str]]) -> PredictionCalibration:
    """Calibration of (call, status) pairs: a call is "improving", "same" or "worse"; the
    status is the one of the outcome score it was checked against (one of STATUSES)."""
    checked = right = deteriorations = foreseen = called_worse = wrong = 0
    for called, actual in pairs:
        if called not in _CALLED or actual not in STATUSES:
            continue
        checked += 1
        right += actual in _CALLED[called]
        if actual == DETERIORATED:
            deteriorations += 1
            foreseen += called == "worse"
        if called == "worse":
            called_worse += 1
            wrong += actual != DETERIORATED
    return PredictionCalibration(checked, right, deteriorations, foreseen, called_worse, wrong)


# ---- whose read predicts progress --------------------------------------------------------


@dataclass(frozen=True)
class EarlyRead:
    """One client's early alliance and outcome change, each on a common scale.

    `feedback` and `estimate` are the mean totals of sessions 1-3 as a share of their
    instrument's range (0-1; None when missing); `change` is improvement from baseline to
    the latest score in units of the measure's reliable-change threshold.
    """

    feedback: float | None
    estimate: float | None
    change: float


@dataclass(frozen=True)
class Association:
    """A correlation across clients with a bootstrap 95% interval."""

    r: float
    low: float
    high: float
    n: int


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def _pearson_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of each row pair at once (NaN for a row without spread): a bootstrap's
    thousands of resamples in one pass."""
    dx = x - x.mean(axis=1, keepdims=True)
    dy = y - y.mean(axis=1, keepdims=True)
    spread = np.sqrt((dx * dx).sum(axis=1) * (dy * dy).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rs = (dx * dy).sum(axis=1) / spread
    # a resample that drew one pair again and again has no spread, however rounding falls
    flat = (np.ptp(x, axis=1) == 0) | (np.ptp(y, axis=1) == 0)
    rs[flat] = np.nan
    return np.clip(rs, -1.0, 1.0)


def association(
    x: Sequence[float], y: Sequence[float], resamples: int = _RESAMPLES, seed: int = 2026
) -> Association | None:
    """Pearson's r between `x` and `y` with a percentile bootstrap interval over pairs
    (resampled `resamples` times; the same seed gives the same interval on every run).
    None with fewer than 3 pairs or no spread."""
    xs, ys = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    r = _pearson(xs, ys)
    if math.isnan(r):
        return None
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, xs.size, size=(resamples, xs.size))
    rs = _pearson_rows(xs[picks], ys[picks])
    rs = rs[~np.isnan(rs)]
    low, high = np.percentile(rs, [2.5, 97.5]) if rs.size else (math.nan, math.nan)
    return Association(r=r, low=float(low), high=float(high), n=int(xs.size))


@dataclass(frozen=True)
class WhoseRead:
    """The two associations, client-rated and practitioner-estimated early alliance with
    outcome change, over the clients who qualify."""

    client: Association | None
    practitioner: Association | None
    clients: int


def whose_read(reads: Sequence[EarlyRead]) -> WhoseRead | None:
    """Both associations, or None while fewer than MIN_CLIENTS clients qualify."""
    if len(reads) < MIN_CLIENTS:
        return None
    by_client = [(r.feedback, r.change) for r in reads if r.feedback is not None]
    by_you = [(r.estimate, r.change) for r in reads if r.estimate is not None]
    client = association(*zip(*by_client, strict=True)) if len(by_client) >= 3 else None
    practitioner = association(*zip(*by_you, strict=True)) if len(by_you) >= 3 else None
    return WhoseRead(client, practitioner, len(reads))


def strength(r: float) -> str:
    """A correlation's size in words (Cohen's rough guide)."""
    size = abs(r)
    word = "little or no" if size < 0.1 else "a weak" if size < 0.3 else "a moderate"
    word = "a strong" if size >= 0.5 else word
    direction = "" if size < 0.1 else " positive" if r > 0 else " negative"
    return f"{word}{direction} association"


def association_in_words(who: str, found: Association | None) -> str:
    """One plain sentence for one association ("Your clients' own early ratings: …")."""
    if found is None:
        return f"{who}: not enough clients with these scores yet."
    return (
        f"{who}: {strength(found.r)} with progress (r = {found.r:.2f}; 95% interval "
        f"{found.low:.2f} to {found.high:.2f}; {found.n} clients)."
    )

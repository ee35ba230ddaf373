"""Rupture flags: the eight rules of CLINICAL.md over a session frame, per client in order.

Flags are for the practitioner only (never shown to patients) and each carries one
plain sentence naming what was seen and the rule, never a diagnosis.

Scale. The default thresholds are written on the SAC-4 scale (items 0-10, total 0-40).
Every rule is computed on the percent-of-range scale of `insights.frames` (0 = every item
at its minimum, 100 = every item at its maximum), with each threshold converted the same
way, so for any instrument a threshold means the same share of its range:

- item thresholds are read on an item range of 10: `item_low` 6 means "at or below 60%
  of the item range above its minimum" (WAI-SR, items 1-5: 1 + 0.6 x 4 = 3.4, so 3 or
  less); `item_drop` 3 and `misattune_item` 3 mean 30% of the item range (1.2 on WAI-SR);
- total thresholds are read on a total range of 40: `ceiling_total` 38 means 95% of the
  total range above its minimum (WAI-SR, 12-60: 57.6); `drop_points` 4,
  `drop_few_sessions` 5, `misattune_total` 5 and `under_total` 5 mean 10%, 12.5%, 12.5%
  and 12.5% of the total range (WAI-SR: 4.8, 6, 6, 6 points); `repair_tolerance` 1 and
  `ceiling_spread` 1 mean 2.5%.

A client who changes instrument is compared across the change on that same scale.
Comparisons allow a rounding tolerance of 1e-9 percent, so "at or below 6" holds at 6.

Choices the rules leave open, made here (all causal: a session's flags depend only on it
and earlier sessions, so a flag never changes when later sessions are added):

- "previous sessions" are the client's previous sessions *with a feedback total*;
- rule 1's spread is robust: 1.4826 x the median absolute deviation of the changes
  between consecutive earlier feedback totals, about zero (a stable client's expected
  change; about their median, an alternating client's deviations would vanish), so one
  earlier rupture does not widen it and hide the next fall; with fewer than two such
  changes only `drop_points` applies;
- rule 2: an item down `item_drop` from the previous feedback (same instrument), or at
  or below `item_low` when the median of the client's earlier scores for it is
  `item_usual` or more; on a client's first feedback a low item is a "low item" note,
  not a drop (nothing to drop from), and opens no rupture;
- rule 3: an instrument with a published cutoff (SRS) is low at the cutoff (`total <=
  cutoff`, or `< cutoff` when `srs_cutoff_inclusive` is False); one without (SAC-4,
  WAI-SR, most of the user's own) only relative to the client, once there are
  `low_min_sessions` earlier totals: strictly below their `low_percentile` (numpy's
  linear interpolation) and `low_below_mean` points below their mean;
- rule 6 fires once per run, at the session where a run of totals at or above
  `ceiling_total`, within `ceiling_spread` of each other, reaches `ceiling_sessions`;
- rule 8 fires on a late cancellation, and on a session without feedback that follows a
  session with a "rupture" or "possible" flag (so a run of missing feedback after a flag
  keeps firing);
- rule 7 (repair) is in `ruptures`; its anchor, the pre-drop mean, is the mean of up to
  `ANCHOR_SESSIONS` totals before the rupture (with fewer than 3, repaired once no
  patient-side rule fires); its supervision suggestion is a separate "unrepaired" Flag
  made by `unrepaired_flags`, only while the rupture stays unrepaired (`review` returns
  flags and ruptures together).

Sessions whose feedback was seen before the estimate still get flags: flags are about
the patient's view; only calibration leaves those sessions out.
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

RULES: tuple[str, ...] = (
    "drop",
    "item_drop",
    "low_item",
    "low",
    "misattunement",
    "underestimate",
    "markers",
    "ceiling",
    "missing",
    "unrepaired",
)
KINDS: tuple[str, ...] = ("rupture", "possible", "note", "nudge")
KIND_OF_RULE: Mapping[str, str] = {
    "drop": "rupture",
    "item_drop": "rupture",
    "low_item": "note",
    "low": "rupture",
    "misattunement": "possible",
    "underestimate": "note",
    "markers": "possible",
    "ceiling": "nudge",
    "missing": "possible",
    "unrepaired": "rupture",
}
PATIENT_RULES: frozenset[str] = frozenset({"drop", "item_drop", "low"})
ALERT_KINDS: frozenset[str] = frozenset({"rupture", "possible"})
# How each rule is named in sentences and on screen.
RULE_NAMES: Mapping[str, str] = {
    "drop": "drop",
    "item_drop": "item drop",
    "low_item": "low item",
    "low": "low",
    "misattunement": "misattunement",
    "underestimate": "underestimate",
    "markers": "markers",
    "ceiling": "ceiling",
    "missing": "missing",
    "unrepaired": "unrepaired",
}


def rule_in_words(rule: object) -> str:
    """A rule's name as the screens show it (an unknown rule with its underscores as spaces)."""
    return RULE_NAMES.get(str(rule), str(rule).replace("_", " "))


# A rupture's anchor, its "pre-drop mean": the mean of up to this many totals before it.
# More than the drop rule's 3, since the 3 just before a fall are often high by chance.
ANCHOR_SESSIONS = 8
# The scale the default thresholds are written on (SAC-4).
ITEM_SPAN = 10.0
TOTAL_SPAN = 40.0
EPS = 1e-9


# ---- thresholds --------------------------------------------------------------------------

# name: (lowest allowed, highest allowed, whole number?, lowest is excluded?)
_LIMITS: dict[str, tuple[float, float, bool, bool]] = {
    "drop_points": (0, TOTAL_SPAN, False, True),
    "drop_sd_factor": (0, 10, False, False),
    "drop_few_sessions": (0, TOTAL_SPAN, False, True),
    "item_low": (0, ITEM_SPAN, False, False),
    "item_usual": (0, ITEM_SPAN, False, False),
    "item_drop": (0, ITEM_SPAN, False, True),
    "low_percentile": (0, 100, False, False),
    "low_below_mean": (0, TOTAL_SPAN, False, False),
    "low_min_sessions": (1, 1000, True, False),
    "misattune_total": (0, TOTAL_SPAN, False, True),
    "misattune_item": (0, ITEM_SPAN, False, True),
    "under_total": (0, TOTAL_SPAN, False, True),
    "ceiling_total": (0, TOTAL_SPAN, False, False),
    "ceiling_spread": (0, TOTAL_SPAN, False, False),
    "ceiling_sessions": (2, 1000, True, False),
    "repair_tolerance": (0, TOTAL_SPAN, False, False),
    "unrepaired_sessions": (1, 1000, True, False),
}

THRESHOLD_HELP: Mapping[str, str] = {
    "drop_points": "Drop: points below the mean of the previous 3 sessions (at least)",
    "drop_sd_factor": "Drop: or this many of the client's own usual session-to-session "
    "change (a robust spread: one earlier rupture does not inflate it)",
    "drop_few_sessions": "Drop: points below the mean when there are fewer than 3 sessions",
    "item_low": "Item drop: an item at or below this score ...",
    "item_usual": "Item drop: ... when the client usually gives it at least this",
    "item_drop": "Item drop: an item down by this much from the previous session",
    "low_percentile": "Low (instruments without a cutoff): below this percentile of the "
    "client's own totals ...",
    "low_below_mean": "Low: ... and at least this many points below their own mean",
    "low_min_sessions": "Low: judged against the client's own totals after this many sessions",
    "misattune_total": "Misattunement: estimate this many points above the patient's total",
    "misattune_item": "Misattunement: or this many points above on any item",
    "under_total": "Underestimate: estimate this many points below the patient's total",
    "ceiling_total": "Ceiling: every total at or above this ...",
    "ceiling_spread": "Ceiling: ... varying by at most this many points ...",
    "ceiling_sessions": "Ceiling: ... for this many sessions in a row",
    "repair_tolerance": "Repair: back within this many points of the pre-drop mean",
    "unrepaired_sessions": "Unrepaired: still below the pre-drop mean after this many sessions",
}


@dataclass(frozen=True)
class Thresholds:
    """The rupture rules' settings, on the SAC-4 scale (items 0-10, total 0-40); other
    instruments use the same share of their range (see the module doc)."""

    drop_points: float = 4
    drop_sd_factor: float = 1.5
    drop_few_sessions: float = 5
    item_low: float = 6
    item_usual: float = 8
    item_drop: float = 3
    low_percentile: float = 20
    low_below_mean: float = 4
    low_min_sessions: int = 5
    misattune_total: float = 5
    misattune_item: float = 3
    under_total: float = 5
    ceiling_total: float = 38
    ceiling_spread: float = 1
    ceiling_sessions: int = 4
    repair_tolerance: float = 1
    unrepaired_sessions: int = 2
    srs_cutoff_inclusive: bool = True

    def __post_init__(self) -> None:
        for name, (low, high, whole, open_low) in _LIMITS.items():
            value = getattr(self, name)
            object.__setattr__(self, name, _checked(name, value, low, high, whole, open_low))
        if not isinstance(self.srs_cutoff_inclusive, bool):
            raise ValueError(
                "rupture threshold 'srs_cutoff_inclusive': must be true or false "
                f"(got {self.srs_cutoff_inclusive!r})"
            )

    @classmethod
    def from_settings(
        cls, rupture_thresholds: Mapping[str, Any] | None, srs_cutoff_inclusive: bool = True
    ) -> Thresholds:
        """From `Settings.rupture_thresholds` (missing keys take the defaults, unknown keys
        are ignored) and `Settings.srs_cutoff_inclusive`; a bad value raises ValueError
        naming its key."""
        given = {k: v for k, v in (rupture_thresholds or {}).items() if k in _LIMITS}
        return cls(**given, srs_cutoff_inclusive=srs_cutoff_inclusive)

    def as_dict(self) -> dict[str, float]:
        """The numeric thresholds, as kept in `Settings.rupture_thresholds` (the cutoff
        choice lives in `Settings.srs_cutoff_inclusive`)."""
        out = asdict(self)
        out.pop("srs_cutoff_inclusive")
        return out

    # on the percent-of-range scale
    def total_pct(self, points: float) -> float:
        return points * 100.0 / TOTAL_SPAN

    def item_pct(self, points: float) -> float:
        return points * 100.0 / ITEM_SPAN


def _checked(
    name: str, value: Any, low: float, high: float, whole: bool, open_low: bool
) -> float | int:
    problem = f"rupture threshold '{name}': must be "
    if whole:
        problem += f"a whole number from {low:g} to {high:g}"
    else:
        problem += f"a number {'above' if open_low else 'from'} {low:g}" + (
            f" and at most {high:g}" if open_low else f" to {high:g}"
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{problem} (got {value!r})")
    if not math.isfinite(value) or value < low or value > high or (open_low and value <= low):
        raise ValueError(f"{problem} (got {value!r})")
    if whole:
        if value != int(value):
            raise ValueError(f"{problem} (got {value!r})")
        return int(value)
    return value


# ---- flags --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """One rule that fired on one session, with one plain sentence for the practitioner."""

    session_id: str
    client_id: str
    rule: str
    kind: str
    sentence: str


def _points(value: float) -> str:
    """'6 points', '1 point', '4.8 points'."""
    shown = round(value, 1)
    text = f"{shown:g}"
    return f"{text} point" if shown == 1 else f"{text} points"


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _percentile(ordered: list[float], q: float) -> float:
    """numpy's default ('linear') percentile of an already sorted non-empty list."""
    h = (len(ordered) - 1) * q / 100.0
    lo = math.floor(h)
    if lo + 1 >= len(ordered):
        return ordered[-1]
    return ordered[lo] + (h - lo) * (ordered[lo + 1] - ordered[lo])


@dataclass(frozen=True)
class _ItemFacts:
    """Item-level facts of rules 2 and 4, only for the sessions where they matter."""

    lows: dict[str, list[tuple[str, float, float]]]  # sid: [(label, score, max score)]
    falls: dict[str, list[tuple[str, float]]]  # sid: [(label, points fallen)]
    first_lows: dict[str, list[tuple[str, float, float]]]  # a first session's low items
    over: dict[str, tuple[str, float]]  # sid: (label, points the estimate was above)


def _item_facts(sessions: pd.DataFrame, items: pd.DataFrame, t: Thresholds) -> _ItemFacts:
    """Rules 2 and 4 on items, vectorised: an item at or below `item_low`, down by
    `item_drop` or more from the previous session with feedback (same client, same
    instrument), and the item where the estimate was furthest above (>= `misattune_item`)."""
    facts = _ItemFacts({}, {}, {}, {})
    if items.empty or sessions.empty:
        return facts
    span = items["max_score"] - items["min_score"]
    fb_pct = (items["feedback"] - items["min_score"]) * 100.0 / span
    est_pct = (items["estimate"] - items["min_score"]) * 100.0 / span
    has_fb = fb_pct.notna()

    # the previous session with feedback items, when on the same instrument
    with_fb = set(items.loc[has_fb, "session_id"].unique().tolist())
    order = sessions[["session_id", "client_id", "instrument"]]
    order = order[np.asarray([sid in with_fb for sid in order["session_id"].tolist()], dtype=bool)]
    grouped = order.groupby("client_id", sort=False)
    prev_sid = grouped["session_id"].shift(1)
    same = prev_sid.notna() & (grouped["instrument"].shift(1) == order["instrument"])
    previous = dict(zip(order["session_id"][same].tolist(), prev_sid[same].tolist(), strict=True))

    scored = items[has_fb].assign(fb_pct=fb_pct[has_fb])
    # (pandas' .map on a str column is slow: dicts over plain lists instead)
    rank = {sid: n for n, sid in enumerate(sessions["session_id"].tolist())}
    position = np.asarray([rank.get(sid, -1) for sid in scored["session_id"].tolist()])
    if (np.diff(position) < 0).any():
        scored = scored.iloc[np.argsort(position, kind="stable")]
    by_item = scored.groupby(["client_id", "item"], sort=False)
    earlier_sid = by_item["session_id"].shift(1)
    earlier_pct = by_item["fb_pct"].shift(1)
    expected = [previous.get(sid) for sid in scored["session_id"].tolist()]
    pairs = zip(expected, earlier_sid.tolist(), strict=True)
    is_previous = [e is not None and e == x for e, x in pairs]
    fall = (earlier_pct - scored["fb_pct"]).where(np.asarray(is_previous, dtype=bool))

    usual = _usual_levels(scored)
    at_low = scored["fb_pct"] <= t.item_pct(t.item_low) + EPS
    first = usual.isna()
    low = at_low & ~first & (usual >= t.item_pct(t.item_usual) - EPS)
    first_low = at_low & first
    fell = ~low & (fall >= t.item_pct(t.item_drop) - EPS)
    chosen = low | fell | first_low
    pick = scored[chosen]
    points = (fall * (scored["max_score"] - scored["min_score"]) / 100.0)[chosen]
    for sid, label, score, high, kind, fallen in zip(
        pick["session_id"].tolist(),
        pick["label"].tolist(),
        pick["feedback"].tolist(),
        pick["max_score"].tolist(),
        np.where(low, "low", np.where(first_low, "first", "fell"))[chosen.to_numpy()].tolist(),
        points.tolist(),
        strict=True,
    ):
        if kind == "low":
            facts.lows.setdefault(sid, []).append((label, score, high))
        elif kind == "first":
            facts.first_lows.setdefault(sid, []).append((label, score, high))
        else:
            facts.falls.setdefault(sid, []).append((label, fallen))

    diff = est_pct - fb_pct
    above = diff >= t.item_pct(t.misattune_item) - EPS
    if above.any():
        rows = items[above]
        for sid, label, pts in zip(
            rows["session_id"].tolist(),
            rows["label"].tolist(),
            (diff * span / 100.0)[above].tolist(),
            strict=True,
        ):
            best = facts.over.get(sid)
            if best is None or pts > best[1]:  # the item furthest above
                facts.over[sid] = (label, pts)
    return facts


def _usual_levels(scored: pd.DataFrame) -> pd.Series:
    """Each item's usual level for the client at each session: the median of its earlier
    scores (NaN at its first). One pass with sorted lists: a pandas transform per item
    cost a fifth of a 10k journal's review."""
    usual = np.full(len(scored), np.nan)
    earlier: dict[tuple[str, str], list[float]] = {}
    for row, (client_id, item, pct) in enumerate(
        zip(
            scored["client_id"].tolist(),
            scored["item"].tolist(),
            scored["fb_pct"].tolist(),
            strict=True,
        )
    ):
        seen = earlier.setdefault((client_id, item), [])
        if seen:
            usual[row] = _median(seen)
        insort(seen, pct)
    return pd.Series(usual, index=scored.index)


class _ClientState:
    """What the rules remember about one client's earlier sessions."""

    __slots__ = ("history", "ordered", "sizes", "run_length", "run_low", "run_high", "prev_alert")

    def __init__(self) -> None:
        self.history: list[float] = []  # feedback totals (pct), in order
        self.ordered: list[float] = []  # the same, sorted (for the percentile)
        # sizes of the changes between consecutive totals, kept sorted as they come:
        # sorting each session's history again was most of a 10k journal's review
        self.sizes: list[float] = []
        self.run_length = 0  # the current run of totals at the ceiling
        self.run_low = math.inf
        self.run_high = -math.inf
        self.prev_alert = False

    def change_spread(self) -> float | None:
        """A robust spread of the session-to-session changes: 1.4826 x their median
        absolute deviation, taken about zero (a stable client's expected change), so one
        earlier rupture does not hide the next fall."""
        if len(self.sizes) < 2:
            return None
        return 1.4826 * _median(self.sizes)

    def mean(self) -> float:
        return sum(self.history) / len(self.history)

    def run_with(self, total: float, level: float, spread: float) -> int:
        """How long the run of totals at or above `level`, within `spread` of each other,
        is once `total` joins it (0: `total` is below the level)."""
        if total < level - EPS:
            return 0
        low, high = min(self.run_low, total), max(self.run_high, total)
        return self.run_length + 1 if self.run_length and high - low <= spread + EPS else 1

    def after(self, session: _Session, found: Sequence[Flag], rules: _Rules) -> None:
        """Remember a session once its rules have run."""
        if session.has_total:
            total = session.feedback_pct
            if self.history:
                insort(self.sizes, abs(total - self.history[-1]))
            self.history.append(total)
            insort(self.ordered, total)
            run = self.run_with(total, rules.ceiling_level, rules.ceiling_spread)
            if run <= 1:
                self.run_low = total if run else math.inf
                self.run_high = total if run else -math.inf
            else:
                self.run_low, self.run_high = min(self.run_low, total), max(self.run_high, total)
            self.run_length = run
        self.prev_alert = any(flag.kind in ALERT_KINDS for flag in found)


def _median(ordered: Sequence[float]) -> float:
    n = len(ordered)
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True, slots=True)
class _Session:
    """One session's values as the rules read them (`_pct`: percent of the range)."""

    session_id: str
    client_id: str
    late: bool
    total_min: float
    total_max: float
    cutoff: float  # NaN: the instrument has no cutoff
    total: float  # the feedback total in points (NaN: none)
    feedback_pct: float
    gap_pct: float  # estimate - feedback (NaN: one of them is missing)
    withdrawal: int
    confrontation: int
    has_feedback: bool

    @property
    def has_total(self) -> bool:
        return self.feedback_pct == self.feedback_pct  # not NaN

    def points(self, pct: float) -> float:
        """A share of the total range, in points of this session's instrument."""
        return pct * (self.total_max - self.total_min) / 100.0

    def flag(self, rule: str, sentence: str) -> Flag:
        return Flag(self.session_id, self.client_id, rule, KIND_OF_RULE[rule], sentence)


_SESSION_FIELDS = (
    "session_id",
    "client_id",
    "late_cancellation",
    "total_min",
    "total_max",
    "cutoff",
    "feedback",
    "feedback_pct",
    "gap_pct",
    "withdrawal",
    "confrontation",
)


def _sessions(frame: pd.DataFrame) -> Iterable[_Session]:
    """The session frame's rows, in frame order, as the rules read them."""
    columns = [frame[c].tolist() for c in _SESSION_FIELDS]
    columns.append(frame["feedback_at"].notna().tolist())
    return (_Session(*row) for row in zip(*columns, strict=True))


@dataclass(frozen=True, slots=True)
class _Rules:
    """The thresholds on the percent-of-range scale, and the item facts of rules 2 and 4."""

    t: Thresholds
    facts: _ItemFacts
    drop_need: float
    few_need: float
    low_gap: float
    ceiling_level: float
    ceiling_spread: float
    misattune_need: float
    under_need: float

    @classmethod
    def of(cls, t: Thresholds, facts: _ItemFacts) -> _Rules:
        return cls(
            t,
            facts,
            drop_need=t.total_pct(t.drop_points),
            few_need=t.total_pct(t.drop_few_sessions),
            low_gap=t.total_pct(t.low_below_mean),
            ceiling_level=t.total_pct(t.ceiling_total),
            ceiling_spread=t.total_pct(t.ceiling_spread),
            misattune_need=t.total_pct(t.misattune_total),
            under_need=t.total_pct(t.under_total),
        )


# ---- the rules, in the order of CLINICAL.md (rule 7, repair, is `ruptures`) ---------------


def _drop(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """1. The total fell below the mean of the previous (up to 3) totals by `drop_points`
    or `drop_sd_factor` SDs of the client's changes; `drop_few_sessions` with fewer than 3."""
    if not (now.has_total and state.history):
        return None
    previous = state.history[-3:]
    fall = sum(previous) / len(previous) - now.feedback_pct
    if len(previous) >= 3:
        spread = state.change_spread()
        need = rules.drop_need
        if spread is not None:
            need = max(need, rules.t.drop_sd_factor * spread)
    else:
        need = rules.few_need
    if fall < need - EPS:
        return None
    return now.flag("drop", _drop_sentence(now.points(fall), len(previous)))


def _item_drop(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """2. An item down `item_drop` since the previous session, or at or below `item_low`
    when the client usually gives it `item_usual` or more."""
    lows, falls = rules.facts.lows.get(now.session_id), rules.facts.falls.get(now.session_id)
    if not (lows or falls):
        return None
    return now.flag("item_drop", _item_sentence(lows, falls))


def _low_item(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """2. On a client's first session an item at or below `item_low`: a low item to
    notice, not a drop (there is nothing yet to drop from)."""
    lows = rules.facts.first_lows.get(now.session_id)
    if not lows:
        return None
    rated = _and([f"{lb} {_num(s)} out of {_num(m)}" for lb, s, m in lows])
    return now.flag(
        "low_item",
        f"On their first rating your client gave {rated}; worth asking about (low item).",
    )


def _low(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """3. At or below the instrument's published cutoff (SRS); for an instrument without
    one, only relative to the client: below their own `low_percentile` once there are
    `low_min_sessions` earlier totals, and `low_below_mean` points below their mean."""
    if not now.has_total:
        return None
    t = rules.t
    if now.cutoff == now.cutoff:  # the instrument has a cutoff
        cutoff = now.cutoff
        fixed = now.total <= cutoff + EPS if t.srs_cutoff_inclusive else now.total < cutoff - EPS
        if not fixed:
            return None
        return now.flag("low", _low_sentence(t, True, now.total, now.total_max, now.cutoff))
    if len(state.history) < t.low_min_sessions:
        return None
    below_share = now.feedback_pct < _percentile(state.ordered, t.low_percentile) - EPS
    below_mean = state.mean() - now.feedback_pct >= rules.low_gap - EPS
    if not (below_share and below_mean):
        return None
    return now.flag("low", _low_sentence(t, False, now.total, now.total_max, now.cutoff))


def _misattunement(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """4. The estimate `misattune_total` above the total, or `misattune_item` above on an
    item: a possible unrecognised rupture."""
    if now.gap_pct != now.gap_pct:  # no gap without both ratings
        return None
    if now.gap_pct >= rules.misattune_need - EPS:
        return now.flag("misattunement", _misattuned_sentence(None, now.points(now.gap_pct)))
    over = rules.facts.over.get(now.session_id)
    if over is None:
        return None
    return now.flag("misattunement", _misattuned_sentence(*over))


def _underestimate(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """4. The estimate `under_total` below the total: a gentle note."""
    if now.gap_pct != now.gap_pct or now.gap_pct > -rules.under_need + EPS:
        return None
    return now.flag(
        "underestimate",
        f"Your estimate was {_points(now.points(-now.gap_pct))} below your client's total; "
        "if you left feeling helpless or inadequate, that feeling may be worth a look "
        "(underestimate).",
    )


def _markers(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """5. Withdrawal or confrontation markers ticked, whatever the scores."""
    if not (now.withdrawal or now.confrontation):
        return None
    return now.flag("markers", _markers_sentence(now.withdrawal, now.confrontation))


def _ceiling(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """6. Every total at or above `ceiling_total`, varying by at most `ceiling_spread`,
    for `ceiling_sessions` sessions in a row (once per run): a nudge to invite critical
    feedback, not a rupture."""
    if not now.has_total:
        return None
    run = state.run_with(now.feedback_pct, rules.ceiling_level, rules.ceiling_spread)
    if run != rules.t.ceiling_sessions:
        return None
    return now.flag(
        "ceiling",
        f"Your client's totals have stayed at the top ({_num(now.total)} out of "
        f"{_num(now.total_max)} today) for {run} sessions in a row; you could invite some "
        "critical feedback (ceiling).",
    )


def _missing(state: _ClientState, now: _Session, rules: _Rules) -> Flag | None:
    """8. A late cancellation, or no feedback after a session with an alert."""
    if now.late:
        return now.flag(
            "missing",
            "Your client cancelled late, which can be a sign of withdrawal or of "
            "dropping out (missing).",
        )
    if now.has_feedback or not state.prev_alert:
        return None
    return now.flag(
        "missing",
        "No feedback came in after a flagged session, which can be a sign of "
        "withdrawal or of dropping out (missing).",
    )


# In `RULES` order: a session's flags come out in this order.
_SESSION_RULES = (
    _drop,
    _item_drop,
    _low_item,
    _low,
    _misattunement,
    _underestimate,
    _markers,
    _ceiling,
    _missing,
)


def flags(sessions: pd.DataFrame, items: pd.DataFrame, thresholds: Thresholds) -> list[Flag]:
    """Rules 1-6 and 8 of CLINICAL.md for every session, per client in session order
    (frame order); within a session in `RULES` order. Rule 7 is `ruptures`."""
    if sessions.empty:
        return []
    rules = _Rules.of(thresholds, _item_facts(sessions, items, thresholds))
    out: list[Flag] = []
    states: dict[str, _ClientState] = {}
    for now in _sessions(sessions):
        state = states.get(now.client_id)
        if state is None:
            state = states[now.client_id] = _ClientState()
        found = [f for rule in _SESSION_RULES if (f := rule(state, now, rules)) is not None]
        state.after(now, found, rules)
        out.extend(found)
    return out


def _drop_sentence(points: float, previous: int) -> str:
    over = {
        1: "their first session",
        2: "the average of their first two sessions",
    }.get(previous, "the average of their last three sessions")
    return f"Your client's total fell {_points(points)} below {over} (drop)."


def _low_sentence(t: Thresholds, fixed: bool, total: float, t_max: float, cutoff: float) -> str:
    of = f"{_num(total)} out of {_num(t_max)}"
    if not fixed:
        share = f"{_num(t.low_percentile)}%"
        return (
            f"Your client's total of {of} is in the lowest {share} of their own sessions "
            "and well below their usual (low)."
        )
    where = "at or below" if t.srs_cutoff_inclusive else "below"
    return f"Your client's total of {of} is {where} the cutoff of {_num(cutoff)} (low)."


def _item_sentence(
    lows: list[tuple[str, float, float]] | None, falls: list[tuple[str, float]] | None
) -> str:
    parts = []
    if lows:
        parts.append("rated " + _and([f"{lb} {_num(s)} out of {_num(m)}" for lb, s, m in lows]))
    if falls:
        parts.append(
            "gave " + _and([f"{lb} {_points(p)} less than last session" for lb, p in falls])
        )
    return f"Your client {' and '.join(parts)} (item drop)."


def _misattuned_sentence(label: str | None, points: float) -> str:
    mine = "Your estimate" if label is None else f"Your estimate of {label}"
    theirs = "your client's total" if label is None else "your client's rating"
    return (
        f"{mine} was {_points(points)} above {theirs}: a possible unrecognised rupture "
        "(misattunement)."
    )


def _markers_sentence(withdrawal: int, confrontation: int) -> str:
    ticked = []
    if withdrawal:
        ticked.append(f"{withdrawal} withdrawal marker{'s' if withdrawal > 1 else ''}")
    if confrontation:
        ticked.append(f"{confrontation} confrontation marker{'s' if confrontation > 1 else ''}")
    return f"You ticked {_and(ticked)}, worth a look even when the ratings are high (markers)."


# ---- repair (rule 7) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rupture:
    """A patient-side flag (drop, item drop, low) and what became of it (rule 7).

    `pre_mean` is the mean of the (up to 3) feedback totals before it, in points of the
    rupture session's instrument (None for a client's first feedback); `resolved_session_id`
    is where the total came back (repaired or repaired late); `unrepaired_session_id` is
    where it had stayed below for `unrepaired_sessions` sessions (it stays set once the
    rupture is repaired late); `deepened_session_ids` are the sessions inside the episode
    where the total fell further."""

    client_id: str
    session_id: str
    rules: tuple[str, ...]
    status: str  # "repaired" | "repaired late" | "unrepaired" | "open"
    resolved_session_id: str | None
    pre_mean: float | None
    pre_mean_pct: float | None = None
    unrepaired_session_id: str | None = None
    low_sessions: int = 0
    deepened_session_ids: tuple[str, ...] = ()


@dataclass
class _Episode:
    """A rupture under way: what it opened with and how it has gone since."""

    client_id: str
    session_id: str
    rules: tuple[str, ...]
    pre_mean: float | None
    pre_pct: float | None
    lowest: float
    status: str = "open"
    resolved: str | None = None
    unrepaired_at: str | None = None
    low: int = 0
    deepened: tuple[str, ...] = ()

    @classmethod
    def opening(
        cls,
        client_id: str,
        session_id: str,
        rules: Sequence[str],
        earlier: Sequence[float],
        now: tuple[float, float, float],
    ) -> _Episode:
        """A rupture opened on a session, anchored on the mean of the `earlier` totals
        (percent of range) when there are 3 of them; `now` is (total pct, total min, max)."""
        total, total_min, total_max = now
        pre_pct = sum(earlier) / len(earlier) if len(earlier) >= 3 else None
        pre_mean = (
            None if pre_pct is None else total_min + pre_pct * (total_max - total_min) / 100.0
        )
        lowest = total if total == total else math.inf
        return cls(client_id, session_id, tuple(rules), pre_mean, pre_pct, lowest)

    def is_back(
        self, feedback_pct: float, rules_fired: Sequence[str] | None, within: float
    ) -> bool:
        """Whether a feedback total is back within `within` (pct) of the pre-drop mean;
        without 3 pre-drop sessions, whether no patient-side rule fired."""
        if self.pre_pct is None:
            return not rules_fired
        return feedback_pct >= self.pre_pct - within - EPS

    def close(self, session_id: str) -> Rupture:
        """The rupture as it ends at a session that is back: repaired, or repaired late
        after it had been marked unrepaired."""
        self.status = "repaired late" if self.status == "unrepaired" else "repaired"
        self.resolved = session_id
        return self.freeze()

    def stays_below(
        self, session_id: str, total: float, fired: bool, unrepaired_sessions: int
    ) -> None:
        """One more session below; `unrepaired_sessions` of them make it unrepaired; a
        patient-side rule on a new lowest total deepens it."""
        self.low += 1
        if fired and total < self.lowest - EPS:
            self.deepened += (session_id,)
        self.lowest = min(self.lowest, total)
        if self.status == "open" and self.low >= unrepaired_sessions:
            self.status, self.unrepaired_at = "unrepaired", session_id

    def freeze(self) -> Rupture:
        return Rupture(
            self.client_id,
            self.session_id,
            self.rules,
            self.status,
            self.resolved,
            self.pre_mean,
            self.pre_pct,
            self.unrepaired_at,
            self.low,
            self.deepened,
        )


def _patient_rules(flag_list: Iterable[Flag]) -> dict[str, list[str]]:
    """Session id -> the patient-side rules (drop, item drop, low) that fired on it."""
    fired: dict[str, list[str]] = {}
    for flag in flag_list:
        if flag.rule in PATIENT_RULES:
            fired.setdefault(flag.session_id, []).append(flag.rule)
    return fired


def ruptures(
    sessions: pd.DataFrame, flag_list: Iterable[Flag], thresholds: Thresholds
) -> list[Rupture]:
    """Rule 7, per client in session order. A session with a patient-side flag (drop, item
    drop, low) opens a rupture unless one is already under way (a later flagged session
    that is still below belongs to it; a new lowest total with a flag deepens it). The next
    feedback total back within `repair_tolerance` points of the pre-drop mean marks it
    repaired at that session; still below for `unrepaired_sessions` sessions with feedback
    marks it unrepaired, which a later return turns into "repaired late"; otherwise it is
    open. With fewer than 3 pre-drop sessions (no pre-drop mean), "back" means a session
    where no patient-side rule fired."""
    fired = _patient_rules(flag_list)
    within = thresholds.total_pct(thresholds.repair_tolerance)
    out: list[Rupture] = []
    history: dict[str, list[float]] = {}  # each client's feedback totals (pct) so far
    current: dict[str, _Episode] = {}  # each client's rupture under way
    columns = [sessions[c].tolist() for c in ("session_id", "client_id", "feedback_pct")]
    columns += [sessions[c].tolist() for c in ("total_min", "total_max")]
    for sid, cid, fb, t_min, t_max in zip(*columns, strict=True):
        rules = fired.get(sid)
        has_total = fb == fb  # not NaN
        episode = current.get(cid)
        if episode is not None and has_total:
            if episode.is_back(fb, rules, within):
                out.append(episode.close(sid))
                del current[cid]
                episode = None
            else:
                episode.stays_below(sid, fb, bool(rules), thresholds.unrepaired_sessions)
        past = history.setdefault(cid, [])
        if rules and episode is None:
            current[cid] = _Episode.opening(
                cid, sid, rules, past[-ANCHOR_SESSIONS:], (fb, t_min, t_max)
            )
        if has_total:
            past.append(fb)
    out.extend(e.freeze() for e in current.values())
    order = {sid: n for n, sid in enumerate(sessions["session_id"].tolist())}
    out.sort(key=lambda r: order[r.session_id])
    return out


def unrepaired_flags(rupture_list: Iterable[Rupture], sessions: pd.DataFrame) -> list[Flag]:
    """An "unrepaired" Flag (kind "rupture") for each unrepaired rupture, on the session
    where it became unrepaired, suggesting supervision."""
    unrepaired = [r for r in rupture_list if r.status == "unrepaired" and r.unrepaired_session_id]
    if not unrepaired:
        return []
    numbers = dict(zip(sessions["session_id"].tolist(), sessions["number"].tolist(), strict=True))
    out = []
    for r in unrepaired:
        out.append(
            Flag(
                r.unrepaired_session_id or "",
                r.client_id,
                "unrepaired",
                KIND_OF_RULE["unrepaired"],
                "Your client's total has stayed below where it was before session "
                f"{numbers.get(r.session_id, '?')} in the sessions since; this may be worth "
                "taking to supervision (unrepaired).",
            )
        )
    return out


def review(
    sessions: pd.DataFrame, items: pd.DataFrame, thresholds: Thresholds
) -> tuple[list[Flag], list[Rupture]]:
    """Everything at once: the flags of rules 1-6 and 8 with the "unrepaired" flags of rule
    7 merged in (frame order, then `RULES` order), and the ruptures."""
    found = flags(sessions, items, thresholds)
    broken = ruptures(sessions, found, thresholds)
    extra = unrepaired_flags(broken, sessions)
    if extra:
        order = {sid: n for n, sid in enumerate(sessions["session_id"].tolist())}
        rank = {rule: n for n, rule in enumerate(RULES)}
        found = sorted(found + extra, key=lambda f: (order[f.session_id], rank[f.rule]))
    return found, broken


# ---- sentences for the Reflect page -------------------------------------------------------

# Most important first: what `session_sentence` names when several rules fired.
PRIORITY: tuple[str, ...] = (
    "unrepaired",
    "drop",
    "low",
    "item_drop",
    "misattunement",
    "markers",
    "missing",
    "low_item",
    "underestimate",
    "ceiling",
)
_CLAUSES: Mapping[str, str] = {
    "unrepaired": "their rating has stayed below its earlier level, which may be worth "
    "taking to supervision (unrepaired)",
    "drop": "their rating dropped below their recent average (drop)",
    "low": "their rating was low for them (low)",
    "item_drop": "one of their item ratings was low or fell since last time (item drop)",
    "low_item": "one of their first item ratings was low, worth asking about (low item)",
    "misattunement": "your estimate was well above their rating, so a rupture may have gone "
    "unseen in the session (misattunement)",
    "markers": "you noticed rupture markers, worth a look even when ratings are high (markers)",
    "missing": "a missing rating can be a sign of withdrawal (missing)",
    "underestimate": "they rated the session higher than you thought (underestimate)",
    "ceiling": "their ratings have stayed at the top for a while, so you could invite "
    "critical feedback (ceiling)",
}


@dataclass(frozen=True)
class Usual:
    """A client's usual total, the middle half of their earlier totals, and today's."""

    low: float
    high: float
    today: float
    out_of: float

    def in_words(self) -> str:
        low, high = round(self.low), round(self.high)
        usual = _num(low) if low == high else f"{_num(low)}-{_num(high)}"
        return f"usually {usual}, today {_num(self.today)} (out of {_num(self.out_of)})"


def usual_of(earlier: Sequence[float], today: float, out_of: float) -> Usual | None:
    """The client's usual from at least 3 `earlier` totals (None with fewer)."""
    if len(earlier) < 3 or today != today:
        return None
    ordered = sorted(earlier)
    return Usual(_percentile(ordered, 25), _percentile(ordered, 75), today, out_of)


def session_sentence(
    flags_for_one_session: Iterable[Flag], gap: float | None, usual: Usual | None = None
) -> str:
    """Plain words for the Reflect page once feedback is in: "Possible rupture", the most
    important rule in words and the client's usual score when an alert fired; the gap
    (estimate - feedback, in points) either way."""
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        opening = "Your client's rating is in"
    elif abs(gap) < 0.05:
        opening = "Your estimate matched your client's rating"
    else:
        side = "above" if gap > 0 else "below"
        opening = f"Your estimate was {_points(abs(gap))} {side} your client's rating"
    found = list(flags_for_one_session)
    rules = {f.rule for f in found}
    alert = any(f.kind in ALERT_KINDS for f in found)
    for rule in PRIORITY:
        if rule in rules:
            if not alert:
                return f"{opening}; {_CLAUSES[rule]}."
            told = f" Your client is {usual.in_words()}." if usual else ""
            return f"Possible rupture: {_CLAUSES[rule]}.{told} {opening}."
    return f"{opening}; nothing in their ratings stood out."


def rupture_flagged(flag_list: Iterable[Flag], session_id: str) -> bool:
    """Whether the session has a "rupture" or "possible" flag (for the prompt selector)."""
    return any(f.session_id == session_id and f.kind in ALERT_KINDS for f in flag_list)


def flags_by_session(flag_list: Iterable[Flag]) -> dict[str, list[Flag]]:
    """{session_id: its flags}, in the given order."""
    out: dict[str, list[Flag]] = {}
    for flag in flag_list:
        out.setdefault(flag.session_id, []).append(flag)
    return out


__all__ = [
    "ALERT_KINDS",
    "KINDS",
    "KIND_OF_RULE",
    "PATIENT_RULES",
    "PRIORITY",
    "RULES",
    "RULE_NAMES",
    "rule_in_words",
    "THRESHOLD_HELP",
    "Flag",
    "Rupture",
    "Thresholds",
    "flags",
    "flags_by_session",
    "review",
    "rupture_flagged",
    "ruptures",
    "session_sentence",
    "Usual",
    "usual_of",
    "unrepaired_flags",
]

"""The demo's outcome measures: which clients take which, a score at the start of every
held session, a few of your blind calls on a client's course, and one risk item
acknowledged long ago (none open, so Home is calm in the demo).

Invented so that "whose read predicts progress" has something to show: a client's
change from baseline to their latest score goes with their own early ratings of the
alliance (r = R_CLIENT) and much less with your early estimates (r = R_YOU). The early
ratings are the ones the demo actually wrote, so the changes are built after every
session is: the outcome records come last. Each change is exact at the latest score
(rounded to the measure's scale); the scores between wander towards it.

Drawn from a generator of its own, seeded from the demo's seed: a seed's clients,
sessions, ratings and reflections are the same as they were before outcomes existed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from random import Random

from insights import outcomes as rules
from practice.demo_course import PlannedClient, random_id
from prompts.outcomes import OutcomeMeasure, builtin_measures
from storage.records import Estimate, Feedback, Outcome, Prediction, Session, Settings

# Correlations across the clients who qualify (CLINICAL.md: the client's view predicts
# outcome better than the practitioner's), and the spread of change in reliable-change units.
R_CLIENT = 0.5
R_YOU = 0.15
MEAN_CHANGE = 1.6
SPREAD = 0.7
# A couple of active clients are not on track: their change is at most this (reliable
# change is 1; the margin holds through rounding to the scale).
OFF_TRACK = 2
OFF_TRACK_CHANGE = 0.6
MEAN_CHANGE_RANGE = (1.1, 2.4)
# Scores between baseline and latest wander by this share of the reliable change.
WANDER = 0.3
P_PREDICTION = 0.1
# A set-back: a few scores reliably worse than baseline, in about a third of longer courses;
# you make a call more often then (and, like most practitioners, seldom foresee it).
P_SETBACK = 0.35
P_CALL_IN_SETBACK = 0.5
SETBACK_DEPTH = (1.1, 1.6)
P_PAPER = 0.3

PSYCHOLOGICAL = ("phq9", "gad7", "core10")
PHYSICAL = ("pain_nrs", "psfs")
SCORES_ONLY = "ors"
# Where a client starts: in the clinical range where the measure has a cutoff.
BASELINES = {
    "phq9": (11, 22),
    "gad7": (9, 17),
    "core10": (13, 28),
    "pain_nrs": (5, 8.5),
    "psfs": (1.5, 5),
    "ors": (12, 24),
}
ACTIVITIES = (
    "Climbing stairs",
    "Lifting a toddler",
    "Gardening",
    "Carrying shopping",
    "Getting dressed",
    "Driving for an hour",
    "Sitting through a film",
    "Walking the dog",
    "Reaching a high shelf",
    "Playing tennis",
)
# the call you make when the client's score shows each status: few deteriorations foreseen
_CALLS = {
    rules.RECOVERED: (60, 32, 8),
    rules.IMPROVED: (60, 32, 8),
    rules.NO_CHANGE: (40, 50, 10),
    rules.DETERIORATED: (30, 45, 25),
}


@dataclass
class _Held:
    """A held session, as the outcome records need it."""

    session_id: str
    number: int
    day: date
    read_at: datetime


@dataclass
class _Course:
    """One client's measure and what the demo wrote about their sessions."""

    planned: PlannedClient
    measure: OutcomeMeasure | None
    held: list[_Held] = field(default_factory=list)
    early_feedback: list[float] = field(default_factory=list)
    early_estimate: list[float] = field(default_factory=list)
    activities: tuple[str, ...] = ()

    @property
    def qualifies(self) -> bool:
        """Counted in "whose read predicts progress": a baseline and enough sessions."""
        return (
            self.measure is not None
            and len(self.held) >= 2
            and len(self.planned.dates) >= rules.MIN_SESSIONS
            and bool(self.early_feedback)
            and bool(self.early_estimate)
        )


class OutcomePlan:
    """Measures given to the demo's clients; fed each record as it is written, then
    writes the outcome scores and calls (`records`)."""

    def __init__(self, clients: Sequence[PlannedClient], seed: int) -> None:
        self.rng = Random(f"demo-outcomes-{seed}")
        measures = builtin_measures()
        chosen = _choose_measures(self.rng, clients)
        self.courses = [
            _Course(client, measures[chosen[k]] if chosen[k] else None)
            for k, client in enumerate(clients)
        ]
        for course, measure_id in zip(self.courses, chosen, strict=True):
            course.planned.record.outcome_measure = measure_id
            if measure_id == "psfs":
                course.activities = tuple(self.rng.sample(ACTIVITIES, self.rng.randint(2, 3)))
        self._sessions: dict[str, tuple[int, int, date]] = {}

    def note(self, client: int, record: object) -> None:
        """Keep what the outcomes need from a record just written for client number `client`."""
        course = self.courses[client]
        if course.measure is None:
            return
        if isinstance(record, Session):
            if not record.late_cancellation:
                self._sessions[record.id] = (client, record.number, record.date)
        elif isinstance(record, Estimate):
            _, number, day = self._sessions[record.session_id]
            course.held.append(_Held(record.session_id, number, day, record.recorded_at))
            if number <= rules.EARLY_SESSIONS:
                course.early_estimate.append(record.total)
        elif (
            isinstance(record, Feedback)
            and self._sessions[record.session_id][1] <= rules.EARLY_SESSIONS
        ):
            course.early_feedback.append(record.total)

    def records(self, limit: datetime) -> Iterator[object]:
        """Every outcome score and call, client by client; nothing at or after `limit`."""
        self._sessions.clear()
        qualifying = [c for c in self.courses if c.qualifies]
        on_track_by = Settings().not_on_track_session
        changes = correlated_changes(
            self.rng,
            [_mean(c.early_feedback) for c in qualifying],
            [_mean(c.early_estimate) for c in qualifying],
            off_track=[
                k
                for k, c in enumerate(qualifying)
                if c.planned.record.status == "active" and c.held[-1].number >= on_track_by
            ],
        )
        change_of = {id(c): change for c, change in zip(qualifying, changes, strict=True)}
        risk = _risk_course(self.courses)
        for course in self.courses:
            if course.measure is None or not course.held:
                continue
            change = change_of.get(id(course), MEAN_CHANGE + SPREAD * self.rng.gauss(0, 1))
            yield from self._course(course, change, limit, risky=course is risk)

    def _course(
        self, course: _Course, change: float, limit: datetime, risky: bool
    ) -> Iterator[object]:
        measure = course.measure
        shape = _shape(measure)
        count = len(course.held)
        setback = _setback(self.rng, count)
        step = _step(measure, len(course.activities))
        totals = course_totals(self.rng, measure, count, change, setback, step)
        baseline = totals[0]
        for k, (held, total) in enumerate(zip(course.held, totals, strict=True)):
            outcome = self._outcome(course, shape, held, total, limit)
            if risky and k == 1:
                outcome = _with_risk(measure, outcome)
            yield outcome
            worse = setback is not None and k in setback
            if k and self.rng.random() < (P_CALL_IN_SETBACK if worse else P_PREDICTION):
                now = rules.status(measure, baseline, outcome.total)
                yield Prediction(
                    session_id=held.session_id,
                    client_id=course.planned.record.id,
                    expected=self.rng.choices(("improving", "same", "worse"), _CALLS[now])[0],
                    recorded_at=min(held.read_at + _MINUTE, limit - _MINUTE),
                    id=random_id(self.rng),
                )

    def _outcome(
        self, course: _Course, shape: _Shape, held: _Held, total: float, limit: datetime
    ) -> Outcome:
        items = _item_scores(self.rng, shape, total, len(course.activities) or None)
        paper = self.rng.random() < P_PAPER
        if paper:  # typed in after your read
            taken = held.read_at + timedelta(minutes=self.rng.uniform(5, 120))
        else:  # at the kiosk, in the first minutes of the session
            start = datetime.combine(held.day, course.planned.slot, tzinfo=held.read_at.tzinfo)
            taken = start + timedelta(minutes=self.rng.uniform(0.5, 4))
        return Outcome(
            session_id=held.session_id,
            measure=shape.measure.id,
            items=items,
            total=shape.measure.total(items),
            activities=dict(zip(items, course.activities, strict=False)),
            source="paper" if paper else "kiosk",
            recorded_at=min(taken, limit - _MINUTE),
            id=random_id(self.rng),
        )


_MINUTE = timedelta(minutes=1)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _choose_measures(rng: Random, clients: Sequence[PlannedClient]) -> list[str]:
    """Per client a measure id ("" for none): psychological measures in turn for talking
    therapy, pain or the PSFS for hands-on work, one ORS, and about one in eight none."""
    count = len(clients)
    none = set(rng.sample(range(count), max(1, count // 8))) if count > 1 else set()
    ors = rng.choice([k for k in range(count) if k not in none]) if count > 2 else None
    chosen, talk, hands_on = [], 0, 0
    for k, client in enumerate(clients):
        if k in none:
            chosen.append("")
        elif k == ors:
            chosen.append(SCORES_ONLY)
        elif client.physical:
            chosen.append(PHYSICAL[hands_on % len(PHYSICAL)])
            hands_on += 1
        else:
            chosen.append(PSYCHOLOGICAL[talk % len(PSYCHOLOGICAL)])
            talk += 1
    return chosen


def _standard(values: Sequence[float]) -> list[float] | None:
    """Values less their mean, over their (population) standard deviation; None if flat."""
    if not values:
        return None
    mean = _mean(values)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
    return [(v - mean) / sd for v in values] if sd > 1e-9 else None


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


def _without(vector: list[float], basis: Sequence[Sequence[float]]) -> list[float]:
    """`vector` less its projection on each (orthogonal) basis vector."""
    for unit in basis:
        norm = _dot(unit, unit)
        if norm > 1e-12:
            share = _dot(vector, unit) / norm
            vector = [v - share * u for v, u in zip(vector, unit, strict=True)]
    return vector


def correlated_changes(
    rng: Random,
    client_rated: Sequence[float],
    you_estimated: Sequence[float],
    off_track: Sequence[int] = (),
) -> list[float]:
    """A change (reliable-change units) per client whose Pearson correlation with
    `client_rated` is R_CLIENT and with `you_estimated` is R_YOU, exactly where the two
    allow it; standard deviation SPREAD, and a mean that leaves OFF_TRACK of the clients
    at positions `off_track` without a reliable improvement (MEAN_CHANGE without them)."""
    count = len(client_rated)
    noise = [rng.gauss(0, 1) for _ in range(count)]
    f, e = _standard(client_rated), _standard(you_estimated)
    if f is None or e is None or count < 4:
        return [MEAN_CHANGE + SPREAD * z for z in noise]
    q = _dot(f, e) / count
    if abs(q) > 0.95:  # the two reads move together: only the client's can be set
        a, b = R_CLIENT, 0.0
    else:
        a = (R_CLIENT - q * R_YOU) / (1 - q * q)
        b = (R_YOU - q * R_CLIENT) / (1 - q * q)
    explained = a * a + b * b + 2 * a * b * q
    e_alone = _without(list(e), [f])
    residual = _standard(_without(noise, [[1.0] * count, f, e_alone]))
    c = math.sqrt(max(0.0, 1 - explained)) if residual else 0.0
    residual = residual or [0.0] * count
    mixed = [a * x + b * y + c * r for x, y, r in zip(f, e, residual, strict=True)]
    z = _standard(mixed) or noise
    lowest = sorted(z[k] for k in off_track)
    mean = MEAN_CHANGE
    if len(lowest) >= OFF_TRACK:  # shifting every change alike keeps both correlations
        mean = min(
            max(OFF_TRACK_CHANGE - SPREAD * lowest[OFF_TRACK - 1], MEAN_CHANGE_RANGE[0]),
            MEAN_CHANGE_RANGE[1],
        )
    return [mean + SPREAD * v for v in z]


def _setback(rng: Random, count: int) -> range | None:
    """The positions (after the baseline, before the latest) of a set-back, or None."""
    if count < 8 or rng.random() >= P_SETBACK:
        return None
    first = rng.randint(2, min(8, count - 4))
    return range(first, first + rng.randint(1, 3))


def course_totals(
    rng: Random,
    measure: OutcomeMeasure,
    count: int,
    change: float,
    setback: range | None = None,
    step: float | None = None,
) -> list[float]:
    """`count` totals on `measure`: a baseline, then scores moving towards one `change`
    reliable-change units better, which the last score reaches (to the scale's `step`);
    in the positions of `setback`, reliably worse than the baseline."""
    points = change * measure.reliable_change
    low, high = measure.total_min, measure.total_max
    sign = 1 if measure.higher_is_better else -1
    first, last = BASELINES.get(measure.id, (low + (high - low) / 3, low + 2 * (high - low) / 3))
    baseline = rng.uniform(first, last)
    # far enough from the scale's ends that the latest score fits on it
    baseline = min(max(baseline, low - sign * points, low), high - sign * points, high)
    step = step or _step(measure)
    baseline = _on_scale(measure, baseline, step)
    latest = _on_scale(measure, baseline + sign * points, step)
    pace = min(6.0, max(1.5, (count - 1) / 3))
    whole = 1 - math.exp(-(count - 1) / pace) if count > 1 else 1.0
    totals = [baseline]
    for k in range(1, count - 1):
        share = (1 - math.exp(-k / pace)) / whole
        wander = rng.gauss(0, WANDER * measure.reliable_change)
        score = baseline + (latest - baseline) * share + wander
        if setback is not None and k in setback:
            score = baseline - sign * rng.uniform(*SETBACK_DEPTH) * measure.reliable_change
        totals.append(_on_scale(measure, score, step))
    if count > 1:
        totals.append(latest)
    return totals


def _step(measure: OutcomeMeasure, activities: int = 0) -> float:
    """The smallest change of the total: a point, a tenth, or a point over the number of
    activities rated (a mean)."""
    if measure.scoring == "mean":
        return 1 / (activities or len(measure.scored_items))
    return 0.1 if measure.decimals else 1.0


def _on_scale(measure: OutcomeMeasure, value: float, step: float) -> float:
    value = min(max(value, measure.total_min), measure.total_max)
    return round(round(value / step) * step, 1)


@dataclass(frozen=True)
class _Shape:
    """What scoring needs of a measure, worked out once: item ids and their ranges."""

    measure: OutcomeMeasure
    scored: tuple[str, ...]
    free: tuple[str, ...]  # scored and not a risk item
    unscored: tuple[tuple[str, int], ...]  # (id, highest answer)
    scale: int  # answers in whole units of 1 / scale


def _shape(measure: OutcomeMeasure) -> _Shape:
    scored = tuple(item.id for item in measure.scored_items)
    return _Shape(
        measure=measure,
        scored=scored,
        free=tuple(i for i in scored if i not in measure.risk_items),
        unscored=tuple(
            (item.id, len(measure.choices(item)) - 1) for item in measure.items if not item.scored
        ),
        scale=10**measure.decimals,
    )


def item_scores(
    rng: Random, measure: OutcomeMeasure, total: float, activities: int | None = None
) -> dict[str, float]:
    """Item answers whose total is `total` (near it for a mean of named activities);
    risk items at 0, unscored questions answered to match."""
    return _item_scores(rng, _shape(measure), total, activities)


def _item_scores(
    rng: Random, shape: _Shape, total: float, activities: int | None
) -> dict[str, float]:
    top = shape.measure.max_score
    if shape.measure.named_items:
        named = shape.scored[: activities or len(shape.scored)]
        shares = _spread(rng, round(total * len(named)), len(named), top)
        return dict(zip(named, shares, strict=True))
    scale = shape.scale
    answers: dict[str, float] = dict.fromkeys(shape.scored, 0)
    shares = _spread(rng, round(total * scale), len(shape.free), top * scale)
    for item, share in zip(shape.free, shares, strict=True):
        answers[item] = share / scale if scale > 1 else share
    for item, highest in shape.unscored:  # how hard the problems made life (PHQ-9, GAD-7)
        answers[item] = min(highest, int(total // 7))
    return answers


def _spread(rng: Random, units: int, parts: int, most: int) -> list[int]:
    """`units` shared over `parts` answers of at most `most` each, unevenly."""
    units = min(max(units, 0), parts * most)
    shares = [units // parts] * parts
    draw = rng.random  # the cheapest draw: this runs for every item of every score
    start = int(draw() * parts)
    for k in range(units % parts):
        shares[(start + k) % parts] += 1
    for _ in range(parts):  # move a unit between two answers, where both stay on the scale
        give, take = int(draw() * parts), int(draw() * parts)
        if shares[give] > 0 and shares[take] < most:
            shares[give] -= 1
            shares[take] += 1
    return shares


def _risk_course(courses: Sequence[_Course]) -> _Course | None:
    """The client whose second score answers a risk item: the earliest one seen on a
    measure that has one."""
    risky = [c for c in courses if c.measure is not None and c.measure.risk_items]
    risky = [c for c in risky if len(c.held) >= 2]
    return min(risky, key=lambda c: c.held[0].day, default=None)


def _with_risk(measure: OutcomeMeasure, outcome: Outcome) -> Outcome:
    """The score with its risk item answered "several days" (the total kept where it can
    be), acknowledged two hours after it was recorded."""
    risk = measure.risk_items[0]
    items = dict(outcome.items)
    scored = {item.id for item in measure.scored_items} - {risk}
    donor = max(scored, key=lambda k: (items.get(k, 0), k))
    if items.get(donor, 0) > 0:
        items[donor] -= 1
    items[risk] = 1
    return replace(
        outcome,
        items=items,
        total=measure.total(items),
        risk_items=[risk],
        risk_acknowledged_at=outcome.recorded_at + timedelta(hours=2),
    )

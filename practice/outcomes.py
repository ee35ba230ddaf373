"""Outcome scores and predictions: the writes of collection and the per-client courses.

A client's outcome measure is taken at the start of a session (kiosk, paper or CSV); a
risk item answered above 0 raises a note for the practitioner that stays until
acknowledged. After saving their read, the practitioner may make a blind call on the
client's course (`record_prediction`), checked later against the session's outcome
score. Everything takes an unlocked Journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from insights import outcomes as rules
from insights.outcomes import ClientCourse
from practice import scores
from prompts.outcomes import OutcomeMeasure
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import (
    OUTCOME_SOURCES,
    PREDICTIONS,
    Client,
    Estimate,
    Feedback,
    Outcome,
    Prediction,
    Session,
    now,
)

_MAX_ACTIVITY = 80


def outcome_for(journal: Journal, session_id: str) -> Outcome | None:
    """The client's outcome score for a session, or None."""
    return next((o for o in journal.all(Outcome) if o.session_id == session_id), None)


def prediction_for(journal: Journal, session_id: str) -> Prediction | None:
    """Your call on the client's course at this session, or None."""
    return next((p for p in journal.all(Prediction) if p.session_id == session_id), None)


def answer_problems(
    measure: OutcomeMeasure,
    answers: Mapping[str, float | None],
    activities: Mapping[str, str] | None = None,
) -> list[str]:
    """Every answer missing or out of range, in item order and in words (PSFS: an activity
    rated without a name, or named without a rating; at least one)."""
    found: list[str] = []
    activities = activities or {}
    for item in measure.items:
        value = answers.get(item.id)
        name = activities.get(item.id, "").strip()
        if measure.named_items:
            if value is None and not name:
                continue
            if value is None:
                found.append(f"{item.label}: '{name}' has no score.")
                continue
            if not name:
                found.append(f"{item.label}: the activity has no name.")
            elif len(name) > _MAX_ACTIVITY:
                found.append(f"{item.label}: use at most {_MAX_ACTIVITY} characters.")
        elif value is None:
            if item.scored:
                found.append(f"{item.label}: no answer.")
            continue
        top = measure.max_score if item.scored else len(measure.choices(item)) - 1
        low = measure.min_score if item.scored else 0
        if not low <= float(value) <= top:
            found.append(
                f"{item.label}: {scores.shown(value)} is outside {measure.name}'s "
                f"range, {low}-{top}."
            )
        elif scores.places(float(value)) > measure.decimals:
            found.append(
                f"{item.label}: {scores.shown(value)} has more decimal places than "
                f"{measure.name} takes."
            )
    # nothing named and nothing rated: say what the form needs (a half-filled row says itself)
    if measure.named_items and not any(
        answers.get(i.id) is not None or activities.get(i.id, "").strip() for i in measure.items
    ):
        found.append(f"{measure.name}: name and rate at least one activity.")
    return found


def record_outcome(
    journal: Journal,
    session_id: str,
    measure: OutcomeMeasure,
    answers: Mapping[str, float | None],
    activities: Mapping[str, str] | None = None,
    *,
    source: str = "paper",
) -> Outcome:
    """Save the client's outcome answers for a session, after checking them against the
    measure; raises InvalidRecord naming what is wrong, and writes nothing then."""
    outcome = new_outcome(journal, session_id, measure, answers, activities, source=source)
    journal.save(outcome)
    return outcome


def new_outcome(
    journal: Journal,
    session_id: str,
    measure: OutcomeMeasure,
    answers: Mapping[str, float | None],
    activities: Mapping[str, str] | None = None,
    *,
    source: str = "paper",
) -> Outcome:
    """The Outcome `record_outcome` saves (risk items flagged), checked the same way but
    not saved: for a caller that saves it with other records in one transaction."""
    if source not in OUTCOME_SOURCES:
        raise InvalidRecord("Source", f"must be one of {', '.join(OUTCOME_SOURCES)}")
    if not isinstance(journal.get(session_id), Session):
        raise InvalidRecord("Session", "no such session")
    if outcome_for(journal, session_id) is not None:
        raise InvalidRecord("Outcome", "this session already has an outcome score")
    wrong = answer_problems(measure, answers, activities)
    if wrong:
        raise InvalidRecord("Outcome", " ".join(wrong).rstrip("."))
    kept = {k: scores.stored(float(v)) for k, v in answers.items() if v is not None}
    named = {
        item.id: (activities or {})[item.id].strip()
        for item in measure.items
        if measure.named_items and item.id in kept
    }
    outcome = Outcome(
        session_id=session_id,
        measure=measure.id,
        items=kept,
        total=measure.total(kept),
        activities=named,
        source=source,
        risk_items=[i for i in measure.risk_items if kept.get(i, 0) > 0],
    )
    return outcome


def score_seen(journal: Journal, session_id: str) -> bool:
    """True when you typed the session's outcome score (paper or CSV): a call made now is
    not blind. A score the client gave the kiosk or a remote form is not shown to you."""
    seen = outcome_for(journal, session_id)
    return seen is not None and seen.source not in ("kiosk", "remote")


def record_prediction(journal: Journal, session_id: str, expected: str) -> Prediction:
    """Save your blind call on the client's course; once per session, after your read."""
    if expected not in PREDICTIONS:
        raise InvalidRecord("Prediction", f"must be one of {', '.join(PREDICTIONS)}")
    session = journal.get(session_id)
    if not isinstance(session, Session):
        raise InvalidRecord("Session", "no such session")
    if not any(e.session_id == session_id for e in journal.all(Estimate)):
        raise InvalidRecord("Prediction", "save your own read of the session first")
    if prediction_for(journal, session_id) is not None:
        raise InvalidRecord("Prediction", "this session already has your call")
    prediction = Prediction(
        session_id=session_id,
        client_id=session.client_id,
        expected=expected,
        blind=not score_seen(journal, session_id),
    )
    journal.save(prediction)
    return prediction


# ---- risk items --------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskNote:
    """A risk item answered above 0 that the practitioner has not yet acknowledged."""

    outcome_id: str
    client_code: str
    session_number: int
    day: date
    measure: str
    items: tuple[str, ...]  # the items' labels

    def in_words(self) -> str:
        """The note as the practitioner reads it: plain, no score, no judgement."""
        items = " and ".join(f"\u201c{label}\u201d" for label in self.items)
        return (
            f"Check risk today with {self.client_code}: on the {self.measure} at session "
            f"{self.session_number} they answered {items} above \u201cnot at all\u201d."
        )


def open_risks(journal: Journal, measures: Mapping[str, OutcomeMeasure]) -> list[RiskNote]:
    """Every risk item not yet acknowledged, newest first."""
    sessions = {s.id: s for s in journal.all(Session)}
    clients = {c.id: c for c in journal.all(Client)}
    notes = []
    for outcome in journal.all(Outcome):
        if not outcome.risk_items or outcome.risk_acknowledged_at is not None:
            continue
        session = sessions.get(outcome.session_id)
        measure = measures.get(outcome.measure)
        if session is None or session.client_id not in clients:
            continue
        labels = {i.id: i.label for i in measure.items} if measure else {}
        notes.append(
            RiskNote(
                outcome_id=outcome.id,
                client_code=clients[session.client_id].code,
                session_number=session.number,
                day=session.date,
                measure=measure.name if measure else outcome.measure,
                items=tuple(labels.get(i, i) for i in outcome.risk_items),
            )
        )
    return sorted(notes, key=lambda n: (n.day, n.session_number), reverse=True)


def acknowledge_risk(journal: Journal, outcome_id: str) -> Outcome:
    """Mark a risk note as seen and acted on; it leaves Home."""
    outcome = journal.get(outcome_id)
    if not isinstance(outcome, Outcome) or not outcome.risk_items:
        raise InvalidRecord("Risk note", "no such note")
    if outcome.risk_acknowledged_at is not None:
        return outcome
    acknowledged = replace(outcome, risk_acknowledged_at=now())
    journal.save(acknowledged)
    return acknowledged


# ---- courses -----------------------------------------------------------------------------


def _scores_by_client(
    journal: Journal, client_id: str | None = None
) -> dict[str, list[tuple[Session, Outcome]]]:
    """Each client's (session, outcome) pairs in session order (one client's, when given)."""
    sessions = {
        s.id: s for s in journal.all(Session) if client_id is None or s.client_id == client_id
    }
    found: dict[str, list[tuple[Session, Outcome]]] = {}
    for outcome in journal.all(Outcome):
        session = sessions.get(outcome.session_id)
        if session is not None:
            found.setdefault(session.client_id, []).append((session, outcome))
    for pairs in found.values():
        pairs.sort(key=lambda pair: (pair[0].date, pair[0].number))
    return found


def _course(
    client: Client,
    pairs: list[tuple[Session, Outcome]],
    measures: Mapping[str, OutcomeMeasure],
    predictions: Mapping[str, Prediction],
    on_track_by: int,
) -> ClientCourse | None:
    if not pairs or pairs[0][1].measure not in measures:
        return None
    measure = measures[pairs[0][1].measure]
    pairs = [p for p in pairs if p[1].measure == measure.id]
    points = rules.course(measure, [(s.number, s.date, o.total) for s, o in pairs], on_track_by)
    status_of = {s.id: point.status for (s, _), point in zip(pairs, points, strict=True)}
    calls = [
        (predictions[s.id].expected, status_of[s.id])
        for s, _ in pairs
        if s.id in predictions and status_of[s.id] != rules.BASELINE
    ]
    return ClientCourse(
        client, measure, points, calls, rules.not_on_track_reason(points, on_track_by)
    )


def _blind_calls(journal: Journal) -> dict[str, Prediction]:
    # a call made after you typed the session's score is kept but not counted
    return {p.session_id: p for p in journal.all(Prediction) if p.blind}


def courses(
    journal: Journal, measures: Mapping[str, OutcomeMeasure], on_track_by: int | None = None
) -> list[ClientCourse]:
    """Every client with outcome scores, on the measure of their first score (a client
    whose measure changed is read on the one their baseline was taken with)."""
    on_track_by = on_track_by or journal.settings.not_on_track_session
    predictions = _blind_calls(journal)
    by_client = _scores_by_client(journal)
    found = (
        _course(client, by_client.get(client.id, []), measures, predictions, on_track_by)
        for client in sorted(journal.all(Client), key=lambda c: c.code.casefold())
    )
    return [course for course in found if course is not None]


def course_of(
    journal: Journal, client: Client, measures: Mapping[str, OutcomeMeasure]
) -> ClientCourse | None:
    """One client's course, as `courses` reads it (None without outcome scores): for a
    screen about one client, without reading every other client's."""
    pairs = _scores_by_client(journal, client.id).get(client.id, [])
    on_track_by = journal.settings.not_on_track_session
    return _course(client, pairs, measures, _blind_calls(journal), on_track_by)


def early_reads(
    journal: Journal,
    spans: Mapping[str, tuple[float, float]],
    client_courses: list[ClientCourse],
) -> list[rules.EarlyRead]:
    """For each client with a baseline and at least MIN_SESSIONS sessions: their early
    alliance (sessions 1-3), client-rated and as you estimated it, as a share of the
    instrument's range (`spans`: instrument id -> (lowest, highest) total), and outcome
    change from baseline to latest in units of the measure's reliable change."""
    sessions_of: dict[str, list[Session]] = {}
    for session in journal.all(Session):
        sessions_of.setdefault(session.client_id, []).append(session)
    estimates = {e.session_id: e for e in journal.all(Estimate)}
    feedback = {f.session_id: f for f in journal.all(Feedback)}

    def share(instrument: str, total: float) -> float | None:
        if instrument not in spans:
            return None
        low, high = spans[instrument]
        return (total - low) / (high - low)

    reads = []
    for course in client_courses:
        own = sorted(sessions_of.get(course.client.id, []), key=lambda s: (s.number, s.date))
        if len(course.points) < 2 or len(own) < rules.MIN_SESSIONS:
            continue
        early = [s for s in own if s.number <= rules.EARLY_SESSIONS]
        rated = [
            v
            for s in early
            if s.id in feedback
            and (v := share(feedback[s.id].instrument, feedback[s.id].total)) is not None
        ]
        read = [
            v
            for s in early
            if s.id in estimates
            and (v := share(estimates[s.id].instrument, estimates[s.id].total)) is not None
        ]
        measure = course.measure
        change = rules.improvement(measure, course.points[0].total, course.points[-1].total)
        reads.append(
            rules.EarlyRead(
                feedback=sum(rated) / len(rated) if rated else None,
                estimate=sum(read) / len(read) if read else None,
                change=change / measure.reliable_change,
            )
        )
    return reads

"""The home screen's summary of a journal, computed from its records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.records import Client, Estimate, Feedback, Reflection, Session


@dataclass(frozen=True)
class RecentSession:
    """One line of the 'recent sessions' table."""

    date: date
    client: str
    number: int
    estimate: int | None
    feedback: int | None
    reflected: bool


@dataclass(frozen=True)
class Overview:
    """Counts and the latest sessions of a journal."""

    active_clients: int
    clients: int
    sessions: int
    reflections: int
    flagged: int
    last_reflection: date | None
    recent: list[RecentSession]


def overview(
    clients: list[Client],
    sessions: list[Session],
    estimates: list[Estimate],
    feedback: list[Feedback],
    reflections: list[Reflection],
    recent_count: int = 8,
) -> Overview:
    """Summarise the journal; `recent` holds the latest sessions, newest first."""
    codes = {c.id: c.code for c in clients}
    estimate_by_session = {e.session_id: e.total for e in estimates}
    feedback_by_session = {f.session_id: f.total for f in feedback}
    reflected = {r.session_id for r in reflections if r.session_id}
    latest = sorted(sessions, key=lambda s: (s.date, s.number), reverse=True)[:recent_count]
    recent = [
        RecentSession(
            date=s.date,
            client=codes.get(s.client_id, "?"),
            number=s.number,
            estimate=estimate_by_session.get(s.id),
            feedback=feedback_by_session.get(s.id),
            reflected=s.id in reflected,
        )
        for s in latest
    ]
    return Overview(
        active_clients=sum(1 for c in clients if c.status == "active"),
        clients=len(clients),
        sessions=len(sessions),
        reflections=len(reflections),
        flagged=sum(1 for r in reflections if r.flagged_for_supervision),
        last_reflection=max((r.written_at.date() for r in reflections), default=None),
        recent=recent,
    )

"""The caseload: clients, their sessions, and what was recorded about each session.

Read helpers and the few writes of the after-session flow, so screens never reshape
records themselves. Everything takes an unlocked Journal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from practice import scores
from prompts.library import Instrument
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Reflection, Session

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,23}$")
# Two or more capitalised words of letters: "Jane Smith", "Mary-Ann O'Neil"
_FULL_NAME = re.compile(r"\b[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)+\b")
CLIENT_STATUSES = ("active", "ended")
WITHDRAWAL_MARKERS = (
    "went quiet or flat",
    "vague or abstract answers",
    "over-compliant, agreed too readily",
    "changed the topic",
    "talked about others instead of self",
    "came late or wanted to leave early",
)
CONFRONTATION_MARKERS = (
    "complained about the work or me",
    "criticised the approach or plan",
    "questioned my competence",
    "pushed back on a task or exercise",
    "tried to control the session",
    "expressed anger or frustration at me",
)


def looks_like_full_name(text: str) -> bool:
    """True when a code or alias looks like a real person's name (warn: use a code)."""
    return bool(_FULL_NAME.search(text or ""))


def clients_by_code(journal: Journal) -> list[Client]:
    """Active clients first, then ended ones, each alphabetical by code."""
    return sorted(journal.all(Client), key=lambda c: (c.status != "active", c.code.casefold()))


def client_label(client: Client) -> str:
    """A client's code, marked when the client has ended ("C-014 (ended)")."""
    return f"{client.code} (ended)" if client.status == "ended" else client.code


def add_client(
    journal: Journal,
    code: str,
    alias: str = "",
    instrument: str = "sac4",
    outcome_measure: str = "",
) -> Client:
    """A new client with a unique pseudonymous code, their alliance instrument and their
    outcome measure ("" for none); raises InvalidRecord with the reason."""
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise InvalidRecord(
            "Client code", "use 1-24 letters, digits, spaces, '-', '_' or '.', e.g. C-014"
        )
    if journal.client_by_code(code) is not None:
        raise InvalidRecord("Client code", f"'{code}' is already used by another client")
    client = Client(
        code=code,
        alias=alias.strip(),
        started_on=date.today(),
        instrument=instrument,
        outcome_measure=outcome_measure,
    )
    journal.save(client)
    return client


def sessions_of(journal: Journal, client_id: str) -> list[Session]:
    """A client's sessions, oldest first."""
    found = [s for s in journal.all(Session) if s.client_id == client_id]
    return sorted(found, key=lambda s: (s.date, s.number))


def next_session_number(journal: Journal, client_id: str) -> int:
    """One more than the highest session number so far (1 for a new client)."""
    return max((s.number for s in sessions_of(journal, client_id)), default=0) + 1


def estimate_for(journal: Journal, session_id: str) -> Estimate | None:
    """Your read of the session, or None when it is not saved yet."""
    return next((e for e in journal.all(Estimate) if e.session_id == session_id), None)


def feedback_for(journal: Journal, session_id: str) -> Feedback | None:
    """The client's rating of the session, or None when there is none yet."""
    return next((f for f in journal.all(Feedback) if f.session_id == session_id), None)


def reflections_of(journal: Journal, client_id: str) -> list[Reflection]:
    """A client's reflections, newest first."""
    found = [r for r in journal.all(Reflection) if r.client_id == client_id]
    return sorted(found, key=lambda r: r.written_at, reverse=True)


def last_next_step(journal: Journal, client_id: str) -> str:
    """The next step written in the client's most recent reflection that has one."""
    return next((r.next_step for r in reflections_of(journal, client_id) if r.next_step), "")


def record_estimate(
    journal: Journal, session: Session, estimate: Estimate, today: date | None = None
) -> None:
    """Save the session and the practitioner's read together (one transaction).

    Refuses a session dated after `today` (when given), and a second session with the same
    number for the client, so a reload cannot write the same session twice.
    """
    if today is not None and session.date > today:
        raise InvalidRecord(
            "Date",
            "that day is after today; a session is reflected on once it has taken place",
        )
    clash = next(
        (
            s
            for s in sessions_of(journal, session.client_id)
            if s.number == session.number and s.id != session.id
        ),
        None,
    )
    if clash is not None:
        raise InvalidRecord(
            "Session number", f"session {session.number} of this client is already recorded"
        )
    if session.number < 1:
        raise InvalidRecord("Session number", "must be 1 or more")
    estimate.session_id = session.id
    journal.save_all([session, estimate])


def sessions_awaiting_feedback(journal: Journal, client_id: str) -> list[Session]:
    """The client's sessions with your read saved and no feedback yet, newest first."""
    estimated = {e.session_id for e in journal.all(Estimate)}
    answered = {f.session_id for f in journal.all(Feedback)}
    waiting = [
        s for s in sessions_of(journal, client_id) if s.id in estimated and s.id not in answered
    ]
    return list(reversed(waiting))


def record_feedback(
    journal: Journal,
    session_id: str,
    instrument: Instrument,
    items: Mapping[str, float],
    comment: str = "",
    source: str = "paper",
) -> Feedback:
    """Save the client's rating of a session, after checking it against the instrument.

    Blind order: your read must already be saved, and a session takes one feedback.
    """
    feedback = new_feedback(journal, session_id, instrument, items, comment, source)
    journal.save(feedback)
    return feedback


def new_feedback(
    journal: Journal,
    session_id: str,
    instrument: Instrument,
    items: Mapping[str, float],
    comment: str = "",
    source: str = "paper",
) -> Feedback:
    """The Feedback `record_feedback` saves, checked the same way but not saved: for a
    caller that saves it with other records in one transaction."""
    if estimate_for(journal, session_id) is None:
        raise InvalidRecord("Feedback", "save your own read of the session first")
    if feedback_for(journal, session_id) is not None:
        raise InvalidRecord("Feedback", "this session already has feedback")
    expected = [item.id for item in instrument.items]
    missing = [i for i in expected if i not in items]
    if missing:
        raise InvalidRecord("Feedback", f"no score for {', '.join(missing)}")
    wrong = scores.problems(instrument, items)
    if wrong:
        raise InvalidRecord("Feedback", " ".join(wrong).rstrip("."))
    feedback = Feedback(
        session_id=session_id,
        instrument=instrument.id,
        items={i: scores.stored(items[i]) for i in expected},
        comment=comment.strip(),
        source=source,
    )
    return feedback


@dataclass(frozen=True)
class ClientSummary:
    """One row of the Clients list."""

    client: Client
    sessions: int
    first_session: date | None
    last_session: date | None
    latest_estimate: int | None
    latest_feedback: int | None


def client_summaries(journal: Journal) -> list[ClientSummary]:
    """Every client with their sessions count, first and last session and latest scores,
    active first, then by code."""
    estimates = {e.session_id: e.total for e in journal.all(Estimate)}
    feedback = {f.session_id: f.total for f in journal.all(Feedback)}
    by_client: dict[str, list[Session]] = {}
    for session in journal.all(Session):
        by_client.setdefault(session.client_id, []).append(session)
    rows = []
    for client in clients_by_code(journal):
        sessions = sorted(by_client.get(client.id, []), key=lambda s: (s.date, s.number))

        def latest(
            by_session: dict[str, float], sessions: list[Session] = sessions
        ) -> float | None:
            return next((by_session[s.id] for s in reversed(sessions) if s.id in by_session), None)

        rows.append(
            ClientSummary(
                client=client,
                sessions=len(sessions),
                first_session=sessions[0].date if sessions else None,
                last_session=sessions[-1].date if sessions else None,
                latest_estimate=latest(estimates),
                latest_feedback=latest(feedback),
            )
        )
    return rows


def update_client(
    journal: Journal,
    client_id: str,
    alias: str,
    goals: str,
    instrument: str,
    known: Iterable[str],
    outcome_measure: str | None = None,
    known_measures: Iterable[str] = (),
) -> Client:
    """Change a client's private alias, goals, instrument (one of `known`) and, when given,
    outcome measure (one of `known_measures`, or "" for none); the code stays, and
    sessions already rated keep the instrument they were rated with."""
    client = journal.get(client_id)
    if not isinstance(client, Client):
        raise InvalidRecord("Client", "no such client")
    if instrument not in known:
        raise InvalidRecord("Instrument", f"'{instrument}' is not one of the journal's instruments")
    if len(alias.strip()) > 60:
        raise InvalidRecord("Private alias", "use at most 60 characters")
    if outcome_measure is None:
        outcome_measure = client.outcome_measure
    elif outcome_measure and outcome_measure not in known_measures:
        raise InvalidRecord(
            "Outcome measure", f"'{outcome_measure}' is not one of the journal's measures"
        )
    changed = replace(
        client,
        alias=alias.strip(),
        goals=goals.strip(),
        instrument=instrument,
        outcome_measure=outcome_measure,
    )
    if changed == client:
        raise InvalidRecord("Client", "nothing was changed")
    journal.save(changed)
    return changed


def set_status(journal: Journal, client_id: str, status: str) -> Client:
    """End or reopen a client ("ended" / "active"); their records stay."""
    if status not in CLIENT_STATUSES:
        raise InvalidRecord("Status", f"must be one of {', '.join(CLIENT_STATUSES)}")
    client = journal.get(client_id)
    if not isinstance(client, Client):
        raise InvalidRecord("Client", "no such client")
    client = replace(client, status=status)
    journal.save(client)
    return client

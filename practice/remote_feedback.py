"""Feedback from clients seen at a distance: the journal's side of remote feedback forms.

After saving your read of a session (the blind order stays), `create_request` makes a
one-time request with its own key pair and returns the self-contained form to send.
`import_answer` decrypts the answer the client pastes back, checks the request is open
and the answers fit the instrument and the outcome measure, and saves the feedback, the
outcome score and the answered request in one transaction; anything wrong imports
nothing and says why. The form and answer format are sharing/remote_form.py
(storage/FORMAT.md §12). Everything takes an unlocked Journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from practice import caseload, dates
from practice import outcomes as collected
from prompts.library import Library
from prompts.outcomes import OutcomeMeasure
from sharing import remote_form
from sharing.remote_form import AnswerError
from storage.errors import InvalidRecord, RecordNotFound
from storage.journal import Journal
from storage.records import (
    Client,
    Feedback,
    FeedbackRequest,
    Outcome,
    Session,
)
from storage.records import now as clock

__all__ = [
    "AnswerError",
    "Imported",
    "RequestRow",
    "create_request",
    "import_answer",
    "requests",
    "status_of",
    "withdraw",
]

_NOTHING = " Nothing was imported."
ALREADY_USED = (
    "This answer was imported already (on {day}): a form can be answered once." + _NOTHING
)
WITHDRAWN = "You withdrew this request, so its answer is not taken." + _NOTHING
EXPIRED = (
    "This request expired on {day}, so its answer is not taken. Send your client a new "
    "form if you still want their feedback." + _NOTHING
)
OTHER_FORM = "This answer does not match the form that was sent (other questions)." + _NOTHING
SESSION_GONE = "The session this form was sent for is no longer in the journal." + _NOTHING
HAS_FEEDBACK = "This session already has your client's feedback." + _NOTHING


@dataclass(frozen=True)
class RequestRow:
    """One request as listed: its status in words of REQUEST_STATUSES and its session."""

    record_id: str  # the FeedbackRequest's id (for `withdraw`)
    request_id: str
    status: str  # open, answered, expired or withdrawn
    session_id: str
    session_number: int
    session_date: date
    client_code: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class Imported:
    """What an imported answer saved."""

    request: FeedbackRequest
    feedback: Feedback
    outcome: Outcome | None  # its `risk_items` raise the risk note as the kiosk's do
    client_code: str
    session_number: int


def status_of(request: FeedbackRequest, now: datetime | None = None) -> str:
    """open, answered, withdrawn, or expired (an open request past its expiry)."""
    if request.status == "open" and (now or clock()) >= request.expires_at:
        return "expired"
    return request.status


def _current(journal: Journal, record_id: str, cls: type) -> object | None:
    """The record when it exists, is a `cls` and is not in the trash, else None."""
    try:
        entry = journal.entry(record_id)
    except RecordNotFound:
        return None
    return entry.record if isinstance(entry.record, cls) and entry.deleted_at is None else None


def _session_and_client(journal: Journal, session_id: str) -> tuple[Session, Client]:
    session = _current(journal, session_id, Session)
    if not isinstance(session, Session):
        raise InvalidRecord("Session", "no such session")
    client = _current(journal, session.client_id, Client)
    if not isinstance(client, Client):
        raise InvalidRecord("Client", "no such client")
    return session, client


def create_request(
    journal: Journal,
    session_id: str,
    library: Library,
    measures: Mapping[str, OutcomeMeasure],
    greeting: str = "",
    now: datetime | None = None,
) -> tuple[FeedbackRequest, str]:
    """A new request for the session, saved, and its form (one HTML page) to send.

    The form asks the alliance instrument of your read and, while the session has no
    outcome score, the client's outcome measure. Refuses (InvalidRecord) before your read
    is saved and for a session that already has feedback.
    """
    session, client = _session_and_client(journal, session_id)
    estimate = caseload.estimate_for(journal, session.id)
    if estimate is None:
        # blind order: the client's answer must not be seen before your own read
        raise InvalidRecord("Feedback form", "save your own read of the session first")
    if caseload.feedback_for(journal, session.id) is not None:
        raise InvalidRecord("Feedback form", "this session already has feedback")
    instrument = library.instruments.get(estimate.instrument)
    if instrument is None:
        raise InvalidRecord(
            "Feedback form", "the instrument of your read is no longer in the journal"
        )
    greeting = greeting.strip()
    if len(greeting) > remote_form.MAX_GREETING:
        raise InvalidRecord("Greeting", f"use at most {remote_form.MAX_GREETING} characters")
    measure = None
    if client.outcome_measure and collected.outcome_for(journal, session.id) is None:
        measure = measures.get(client.outcome_measure)
    created = now or clock()
    private_key, public_key = remote_form.new_key_pair()
    request = FeedbackRequest(
        session_id=session.id,
        request_id=remote_form.new_request_id(),
        instrument=instrument.id,
        measure=measure.id if measure is not None else "",
        private_key=private_key,
        expires_at=created + timedelta(days=journal.settings.request_expiry_days),
        greeting=greeting,
        created_at=created,
    )
    page = remote_form.form_html(
        request.request_id, public_key, instrument, measure, greeting, request.expires_at
    )
    journal.save(request)
    return request, page


def _day(when: datetime | None) -> str:
    return dates.medium_day(when.date()) if when is not None else "an earlier day"


def import_answer(
    journal: Journal,
    text: str | bytes,
    library: Library,
    measures: Mapping[str, OutcomeMeasure],
    now: datetime | None = None,
) -> Imported:
    """Decrypt a client's answer (pasted text, or an answer file's bytes) and save it:
    the feedback, the outcome score (risk items flagged) and the request marked answered,
    in one transaction; the session's other open requests are withdrawn with them.
    Raises AnswerError (or InvalidRecord for answers that do not fit the instrument),
    and writes nothing then."""
    now = now or clock()
    known = {r.request_id: r for r in journal.all(FeedbackRequest)}
    answer = remote_form.open_answer(
        text, lambda request_id: known[request_id].private_key if request_id in known else None
    )
    request = known[answer.request_id]
    status = status_of(request, now)
    if status == "answered":
        raise AnswerError(ALREADY_USED.format(day=_day(request.answered_at)), "already_used")
    if status == "withdrawn":
        raise AnswerError(WITHDRAWN, "withdrawn")
    if status == "expired":
        raise AnswerError(EXPIRED.format(day=_day(request.expires_at)), "expired")
    if answer.instrument != request.instrument or answer.measure != request.measure:
        raise AnswerError(OTHER_FORM, "other_form")
    try:
        session, client = _session_and_client(journal, request.session_id)
    except InvalidRecord:
        raise AnswerError(SESSION_GONE, "session_gone") from None
    if caseload.feedback_for(journal, session.id) is not None:
        raise AnswerError(HAS_FEEDBACK, "has_feedback")
    instrument = library.instruments.get(request.instrument)
    measure = measures.get(request.measure) if request.measure else None
    if instrument is None or (request.measure and measure is None):
        raise AnswerError(OTHER_FORM, "other_form")
    _only_asked(answer, instrument.items, measure)
    feedback = caseload.new_feedback(
        journal, session.id, instrument, answer.items, answer.comment, source="remote"
    )
    outcome = None
    if measure is not None:
        outcome = collected.new_outcome(
            journal,
            session.id,
            measure,
            answer.outcome_items,
            answer.activities,
            source="remote",
        )
    answered = replace(request, status="answered", answered_at=now)
    # a session takes one feedback: its other forms can no longer be answered
    others = [
        replace(r, status="withdrawn")
        for r in known.values()
        if r.session_id == session.id and r.id != request.id and status_of(r, now) == "open"
    ]
    journal.save_all([*([outcome] if outcome else []), feedback, answered, *others])
    return Imported(answered, feedback, outcome, client.code, session.number)


def _only_asked(
    answer: remote_form.RemoteAnswer, items: tuple, measure: OutcomeMeasure | None
) -> None:
    """Refuse answers to questions the form did not ask (a changed or foreign form)."""
    asked = {item.id for item in items}
    outcome_ids = {item.id for item in measure.items} if measure is not None else set()
    named = outcome_ids if measure is not None and measure.named_items else set()
    if (
        not set(answer.items) <= asked
        or not set(answer.outcome_items) <= outcome_ids
        or not set(answer.activities) <= named
    ):
        raise AnswerError(OTHER_FORM, "other_form")


def requests(journal: Journal, now: datetime | None = None) -> list[RequestRow]:
    """Every request with its status and session, newest first."""
    now = now or clock()
    sessions = {s.id: s for s in journal.all(Session)}
    codes = {c.id: c.code for c in journal.all(Client)}
    rows = []
    for request in journal.all(FeedbackRequest):
        session = sessions.get(request.session_id)
        if session is None:
            continue  # its session was deleted: nothing left to answer for
        rows.append(
            RequestRow(
                record_id=request.id,
                request_id=request.request_id,
                status=status_of(request, now),
                session_id=session.id,
                session_number=session.number,
                session_date=session.date,
                client_code=codes.get(session.client_id, ""),
                created_at=request.created_at,
                expires_at=request.expires_at,
                answered_at=request.answered_at,
            )
        )
    return sorted(rows, key=lambda row: row.created_at, reverse=True)


def withdraw(journal: Journal, record_id: str) -> FeedbackRequest:
    """Withdraw a request: its answer, if one comes, is refused. An answered request
    cannot be withdrawn; withdrawing one twice changes nothing."""
    request = _current(journal, record_id, FeedbackRequest)
    if not isinstance(request, FeedbackRequest):
        raise InvalidRecord("Feedback form", "no such request")
    if request.status == "answered":
        raise InvalidRecord("Feedback form", "it has been answered already")
    if request.status == "withdrawn":
        return request
    withdrawn = replace(request, status="withdrawn")
    journal.save(withdrawn)
    return withdrawn

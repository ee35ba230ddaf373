"""Erasing a client: every record about them, with its history and trash, for good.

A practitioner erases a client when their notes must go (a request, the end of a
retention period). Everything that names or describes the client goes in one
transaction: the client, their sessions, your estimates, their feedback, their outcome
scores, your predictions and the feedback forms sent to them, the
reflections on those sessions or about them, supervisors' comments on those
reflections, and a Reflect draft about them. secure_delete zeroes the freed pages and a
checkpoint empties the write-ahead log, so nothing of them remains in the journal file.
Backups made before the erase still hold them: the screen says so.
"""

from __future__ import annotations

from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import (
    Client,
    Comment,
    Draft,
    Estimate,
    Feedback,
    FeedbackRequest,
    Outcome,
    Prediction,
    Reflection,
    Session,
)


def client_records(journal: Journal, client_id: str) -> list[str]:
    """The ids of every record about the client, trash included."""

    def everything(cls: type) -> list:
        return journal.all(cls, include_trash=True)

    sessions = {s.id for s in everything(Session) if s.client_id == client_id}
    ratings = [
        r.id
        for cls in (Estimate, Feedback, Outcome, Prediction, FeedbackRequest)
        for r in everything(cls)
        if r.session_id in sessions
    ]
    reflections = {
        r.id
        for r in everything(Reflection)
        if r.client_id == client_id or (r.session_id and r.session_id in sessions)
    }
    comments = [c.id for c in everything(Comment) if c.entry_id in reflections]
    drafts = [
        d.id
        for d in everything(Draft)
        if d.fields.get("rf_client") == client_id
        or d.fields.get("rf_session_id") in sessions
        or d.fields.get("entry_id") in reflections  # unsaved changes to one of their entries
    ]
    return [client_id, *sessions, *ratings, *reflections, *comments, *drafts]


def erase_client(journal: Journal, client_id: str, typed_code: str) -> int:
    """Erase the client once `typed_code` is exactly their code; returns how many records
    went. Raises InvalidRecord, erasing nothing, when the code typed does not match."""
    client = journal.get(client_id)
    if not isinstance(client, Client):
        raise InvalidRecord("Client", "no such client")
    if typed_code.strip() != client.code:
        raise InvalidRecord(
            "Client code", f"type the client's code exactly ({client.code}) to confirm"
        )
    ids = client_records(journal, client_id)
    journal.purge_many(ids)
    journal.checkpoint()
    return len(ids)

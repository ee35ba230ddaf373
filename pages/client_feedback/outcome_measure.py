"""Which outcome measure a session still needs: the client's own, until the session has
an outcome score (kiosk and paper entry ask only then)."""

from __future__ import annotations

from practice.outcomes import outcome_for
from prompts.outcomes import OutcomeMeasure, measures_for
from storage.journal import Journal
from storage.records import Client, Session


def measure_to_ask(journal: Journal, session: Session) -> OutcomeMeasure | None:
    """The client's outcome measure when this session has no outcome score yet, else None
    (no measure chosen, or one since removed from Settings)."""
    client = journal.get(session.client_id)
    if not isinstance(client, Client) or not client.outcome_measure:
        return None
    if outcome_for(journal, session.id) is not None:
        return None
    return measures_for(journal.settings).get(client.outcome_measure)

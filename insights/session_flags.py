"""The flags of one session, for the Reflect screen once the client's feedback is in."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from insights import frames, ruptures
from insights.trends import thresholds_for
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Session


def client_flags(journal: Journal, client_id: str, instruments: Mapping[str, Any]):
    """The client's sessions frame and every flag raised on their sessions."""
    clients = [c for c in journal.all(Client) if c.id == client_id]
    sessions = [s for s in journal.all(Session) if s.client_id == client_id]
    ids = {s.id for s in sessions}
    estimates = [e for e in journal.all(Estimate) if e.session_id in ids]
    feedback = [f for f in journal.all(Feedback) if f.session_id in ids]
    thresholds = thresholds_for(journal)
    table, items = frames.frames(clients, sessions, estimates, feedback, instruments)
    found, _ = ruptures.review(table, items, thresholds)
    return table, found


def feedback_view(
    journal: Journal, session: Session, instruments: Mapping[str, Any]
) -> tuple[str, bool]:
    """For Reflect once the client's feedback is in, from one run of the rules: plain words
    ("Possible rupture" with the rule and the client's usual score when one fired, and the
    gap) and whether an alert fired (the prompts then include the alliance)."""
    table, flags = client_flags(journal, session.client_id, instruments)
    row = table[table["session_id"] == session.id]
    gap = None if row.empty or math.isnan(row["gap"].iloc[0]) else float(row["gap"].iloc[0])
    usual = None
    if not row.empty:
        position = table.index.get_loc(row.index[0])
        earlier = table.iloc[:position]["feedback"].dropna().tolist()[-ruptures.ANCHOR_SESSIONS :]
        usual = ruptures.usual_of(
            earlier, float(row["feedback"].iloc[0]), float(row["total_max"].iloc[0])
        )
    mine = [f for f in flags if f.session_id == session.id]
    return ruptures.session_sentence(mine, gap, usual), ruptures.rupture_flagged(mine, session.id)

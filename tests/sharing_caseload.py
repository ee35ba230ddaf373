"""A small caseload for the sharing tests: two clients, four scored sessions, reflections.

Shared by test_share.py (choosing and de-identifying) and test_exchange.py (the loop
between two journals).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prompts.library import builtin_library
from sharing import share
from storage.journal import Journal
from storage.records import Answer, Client, Estimate, Feedback, Reflection, Session

INSTRUMENTS = builtin_library().instruments


def write_session(
    journal: Journal, client: Client, number: int, day: date, answer: str, **fields: Any
) -> Reflection:
    """A scored session with a flagged reflection that answers one prompt."""
    session = Session(client_id=client.id, date=day, number=number)
    journal.save(session)
    journal.save(Estimate(session.id, "sac4", {"goals": 7, "tasks": 6, "bond": 8, "overall": 7}))
    journal.save(Feedback(session.id, "sac4", {"goals": 9, "tasks": 9, "bond": 9, "overall": 9}))
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        framework="gibbs",
        answers=[Answer("p-1", "What did I notice?", answer)],
        flagged_for_supervision=True,
        **fields,
    )
    journal.save(reflection)
    return reflection


def fill_caseload(journal: Journal) -> dict[str, Reflection]:
    """Two clients; three flagged reflections and one not flagged."""
    ash = Client(code="C-101", alias="Wrenna")
    elm = Client(code="C-202")
    journal.save_all([ash, elm])
    return {
        "first": write_session(
            journal, ash, 1, date(2026, 3, 2), "Wrenna went quiet when I mentioned the fee."
        ),
        "second": write_session(
            journal,
            ash,
            2,
            date(2026, 3, 9),
            "She said to email her at wrenna.b@example.org.",
            next_step="Ask about the silence.",
        ),
        "other": write_session(
            journal, elm, 1, date(2026, 3, 4), "Quiet hour.", tags=["dropout-risk"]
        ),
        "unflagged": write_session(
            journal,
            elm,
            2,
            date(2026, 3, 11),
            "UNSELECTEDCANARY7731 stays home.",
        ),
    }


def decide_all(shared: share.Review, action: str = "redact") -> dict[str, str]:
    """The same decision for every finding of the review."""
    return {share.finding_key(p, f): action for p, f in shared.findings()}

"""Clients → the caseload at a glance: one row a client."""

from __future__ import annotations

import streamlit as st

from practice.caseload import ClientSummary


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def caseload_table(summaries: list[ClientSummary]) -> None:
    """Draw the table: status, sessions, first and last, latest estimate and feedback."""
    st.dataframe(
        [
            {
                "Client": s.client.code,
                "Status": s.client.status,
                "Sessions": s.sessions,
                "First session": s.first_session,
                "Last session": s.last_session,
                "Latest estimate": _score(s.latest_estimate),
                "Latest feedback": _score(s.latest_feedback),
            }
            for s in summaries
        ],
        hide_index=True,
        width="stretch",
    )

"""Clients → the caseload at a glance: one row a client."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pages.clients.outcome_measure import measure_name
from pages.ui import when
from practice.caseload import ClientSummary
from prompts.outcomes import OutcomeMeasure


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def caseload_table(summaries: list[ClientSummary], measures: Mapping[str, OutcomeMeasure]) -> None:
    """Draw the table: status, sessions, first and last, latest estimate and feedback,
    outcome measure."""
    st.dataframe(
        [
            {
                "Client": s.client.code,
                "Status": s.client.status,
                "Sessions": s.sessions,
                "First session": when.day(s.first_session) if s.first_session else "–",
                "Last session": when.day(s.last_session) if s.last_session else "–",
                "Latest estimate": _score(s.latest_estimate),
                "Latest feedback": _score(s.latest_feedback),
                "Outcome measure": measure_name(measures, s.client.outcome_measure),
            }
            for s in summaries
        ],
        hide_index=True,
        width="stretch",
    )

"""Client feedback → Outcome score: type a client's outcome score from paper for any
session that has none yet."""

from __future__ import annotations

import streamlit as st

from pages.client_feedback.outcome_measure import measure_to_ask
from pages.client_feedback.outcome_paper import outcome_paper_form, saved_notice
from pages.ui import when
from practice import caseload
from storage.journal import Journal

_KEY = "cf_outcome_paper_"


def outcome_from_paper(journal: Journal) -> None:
    """Draw the tab: a client with an outcome measure, a session without a score, the form."""
    saved_notice(_KEY)
    st.write(
        "Type the outcome score your client gave on paper at the start of a session. "
        "Clients without an outcome measure are not listed: choose one on Clients."
    )
    measured = [c for c in caseload.clients_by_code(journal) if c.outcome_measure]
    if not measured:
        st.info("No client has an outcome measure yet: choose one for a client on Clients.")
        return
    codes = {c.id: caseload.client_label(c) for c in measured}
    client_id = st.selectbox(
        # not "Client": the Hand to client tab's picker keeps that name to itself
        "Outcome score for",
        list(codes),
        format_func=codes.get,
        index=None,
        key="outcome_paper_client",
    )
    if client_id is None:
        return
    sessions = list(reversed(caseload.sessions_of(journal, client_id)))
    asked = [(s, m) for s in sessions if (m := measure_to_ask(journal, s)) is not None]
    if not asked:
        st.info(
            "No session of this client is waiting for an outcome score: add the session "
            "in Reflect first (sessions that have one are not listed)."
        )
        return
    labels = {s.id: f"Session {s.number} · {when.day(s.date)}" for s, _ in asked}
    session_id = st.selectbox(
        "At session", list(labels), format_func=labels.get, key="outcome_paper_session"
    )
    session, measure = next((s, m) for s, m in asked if s.id == session_id)
    outcome_paper_form(journal, session, measure, key=_KEY)

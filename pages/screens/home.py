"""Home: what is in the journal, the latest sessions, and any integrity warning."""

from __future__ import annotations

import streamlit as st

from insights.overview import overview
from pages.home.overview import counts, integrity_warnings, latest_sessions
from pages.ui import journal_session
from storage.records import Client, Estimate, Feedback, Reflection, Session

journal = journal_session.require_journal()
st.title(journal.name)

integrity_warnings(journal)
summary = overview(
    journal.all(Client),
    journal.all(Session),
    journal.all(Estimate),
    journal.all(Feedback),
    journal.all(Reflection),
)
counts(summary)
latest_sessions(summary)

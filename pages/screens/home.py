"""Home: what needs you today, what the journal holds, the latest sessions."""

from __future__ import annotations

import streamlit as st

from insights import trends
from insights.overview import overview
from pages.home.overview import counts, integrity_warnings, latest_sessions
from pages.home.today import what_needs_you
from pages.ui import journal_session
from prompts.library import library_for
from storage.records import Client, Estimate, Feedback, Reflection, Session

journal = journal_session.require_journal()
library = library_for(journal.settings)
st.title(journal.name)

integrity_warnings(journal)
if st.button("Reflect on a session", type="primary", icon=":material/edit_note:"):
    st.switch_page("pages/screens/reflect.py")
# the same view Trends builds, kept until the journal changes
caseload = journal_session.derived(
    "trends", journal, lambda: trends.build(journal, library.instruments)
)
what_needs_you(journal, caseload.ruptures)
summary = overview(
    journal.all(Client),
    journal.all(Session),
    journal.all(Estimate),
    journal.all(Feedback),
    journal.all(Reflection),
)
counts(summary)
latest_sessions(summary)

"""Home: what needs you today, what the journal holds, the latest sessions."""

from __future__ import annotations

import streamlit as st

from insights import trends
from insights.overview import overview
from pages.home.overview import counts, integrity_warnings, latest_sessions
from pages.home.risk_notes import risk_notes
from pages.home.today import what_needs_you
from pages.ui import journal_session
from practice.outcomes import courses
from prompts.library import library_for
from prompts.outcomes import measures_for
from storage.records import Client, Estimate, Feedback, Reflection, Session

journal = journal_session.require_journal()
library = library_for(journal.settings)
st.title(journal.name)

# a risk item answered above 0 comes first, every visit, until acknowledged
risk_notes(journal, key="home")
integrity_warnings(journal)
if st.button("Reflect on a session", type="primary", icon=":material/edit_note:"):
    st.switch_page("pages/screens/reflect.py")
# the same view Trends builds, kept until the journal changes
caseload = journal_session.derived(
    "trends", journal, lambda: trends.build(journal, library.instruments)
)
# the same courses Trends builds (pages/trends/outcomes.py), shared under one name
outcome_courses = journal_session.derived(
    "outcome_courses", journal, lambda: courses(journal, measures_for(journal.settings))
)
what_needs_you(journal, caseload.ruptures, {c.client.id: c.reason for c in outcome_courses})
summary = journal_session.derived(
    "overview",
    journal,
    lambda: overview(
        journal.all(Client),
        journal.all(Session),
        journal.all(Estimate),
        journal.all(Feedback),
        journal.all(Reflection),
    ),
)
counts(summary)
latest_sessions(summary)

"""Clients: the caseload at a glance with each client's outcome measure; end or reopen a
client; erase one for good."""

from __future__ import annotations

import streamlit as st

from pages.clients import NOTICE
from pages.clients.editing import add_client, edit_client
from pages.clients.erasing import erase_client
from pages.clients.overview import caseload_table
from pages.clients.status import status
from pages.ui import journal_session
from pages.ui.notice import show_notice
from practice import caseload
from prompts.library import library_for
from prompts.outcomes import measures_for

journal = journal_session.require_journal()
library = library_for(journal.settings)
measures = measures_for(journal.settings)
st.title("Clients")
show_notice(NOTICE)
add_client(journal, library, measures)

summaries = caseload.client_summaries(journal)
if not summaries:
    st.info("No clients yet. Add one above or on Reflect, by code (e.g. C-014).")
    st.stop()

caseload_table(summaries, measures)
codes = {s.client.id: caseload.client_label(s.client) for s in summaries}
chosen_id = st.selectbox("Client", list(codes), format_func=codes.get, key="cl_client")
client = journal.get(chosen_id)
edit_client(journal, client, library, measures)

left, right = st.columns(2)
with left:
    status(journal, client)
with right:
    erase_client(journal, client)

"""Client feedback: hand the device to the client, who answers their outcome measure (if
they have one) and rates the session; then it locks. Also the imports: CSV, scores from
paper, and the answers of clients sent a feedback form at a distance (Remote answers).

Before handing over, the practitioner picks the session. In kiosk mode the screen shows
only the questions in the client's wording: no navigation, no names, no past scores.
When the device comes back, any risk item answered above 0 is the first thing shown.
"""

from __future__ import annotations

import streamlit as st

from pages.client_feedback import outcome_csv
from pages.client_feedback.csv_import import csv_import
from pages.client_feedback.hand_over import hand_to_client
from pages.client_feedback.kiosk import kiosk_form
from pages.client_feedback.outcome_entry import outcome_from_paper
from pages.client_feedback.remote_answers import remote_answers
from pages.home.risk_notes import risk_notes
from pages.ui import journal_session
from prompts.library import library_for

journal = journal_session.require_journal()
library = library_for(journal.settings)
kiosk = st.session_state.get(journal_session.KIOSK)

if kiosk is None:
    st.title("Client feedback")
    risk_notes(journal, key="client_feedback")
    hand_tab, import_tab, outcome_tab, outcome_import_tab, remote_tab = st.tabs(
        [
            "Hand to client",
            "Import from CSV",
            "Outcome score",
            "Outcome scores from CSV",
            "Remote answers",
        ]
    )
    with import_tab:
        csv_import(journal, library.instruments)
    with outcome_tab:
        outcome_from_paper(journal)
    with outcome_import_tab:
        outcome_csv.render(journal)
    with remote_tab:
        remote_answers(journal)
    with hand_tab:
        hand_to_client(journal, library)
else:
    kiosk_form(journal, library, kiosk)

"""Reflect: the after-session flow. Session, your read (blind), your call on the client's
course (blind to today's outcome score), feedback, prompts, next step."""

from __future__ import annotations

import streamlit as st

from pages.reflect import draft as drafts
from pages.reflect.course_step import not_on_track_warning, prediction_step
from pages.reflect.draft_offer import form_is_open
from pages.reflect.feedback_entry import client_feedback_step
from pages.reflect.prompts_step import prompts_step
from pages.reflect.remote_step import imported_notice
from pages.reflect.save_step import SAVED_NOTICE, save_step
from pages.reflect.session_step import session_step
from pages.reflect.your_read import your_read_step
from pages.ui import journal_session, widgets
from pages.ui.notice import show_notice
from prompts.library import library_for

journal = journal_session.require_journal()
widgets.commit_text_while_typing()
library = library_for(journal.settings)

st.title("Reflect")
if form_is_open(journal):
    drafts.autosave(journal, st.session_state)
    chosen = session_step(journal, library)
    not_on_track = not_on_track_warning(chosen)
    rupture_flagged = False
    instrument = library.instruments.get(chosen.client.instrument if chosen.client else "sac4")
    if chosen.about_a_session and instrument is not None:
        your_read_step(journal, chosen, instrument)
        if chosen.read_saved:
            prediction_step(journal, chosen)
            rupture_flagged = client_feedback_step(journal, chosen.session, instrument, library)
    if chosen.free or chosen.read_saved:
        prompts_step(journal, library, chosen, rupture_flagged, not_on_track)
        save_step(journal, chosen)
    elif chosen.client is None:
        st.caption("Choose or add a client to begin, or switch on a free reflection.")

show_notice(SAVED_NOTICE, icon=":material/check:", toast=True)
imported_notice()

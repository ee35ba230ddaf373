"""Reflect, step 5: next step, tags, the supervision flag, and "Save reflection"."""

from __future__ import annotations

import streamlit as st

from pages.reflect import draft as drafts
from pages.reflect.form import reflection_from_form
from pages.reflect.session_step import Chosen
from pages.ui import widgets
from pages.ui.notice import set_notice
from storage.journal import Journal
from storage.records import Reflection

SAVED_NOTICE = "reflect_saved_notice"
DISCARDING = "reflect_discarding"  # set while "Discard this reflection" waits for a yes


def save_step(journal: Journal, chosen: Chosen) -> None:
    """Draw step 5; "Save reflection" saves it, clears the form and its draft."""
    st.header("5. Next step and save")
    st.text_area("Next step", key="rf_next_step", persist_state="session", height=80)
    known_tags = sorted({t for r in journal.all(Reflection) for t in r.tags})
    st.multiselect(
        "Tags", known_tags, key="rf_tags", persist_state="session", accept_new_options=True
    )
    st.checkbox("Flag for supervision", key="rf_flag", persist_state="session")
    save, discard = st.columns(2)
    if save.button("Save reflection", type="primary"):
        _save(journal, chosen)
    if discard.button("Discard this reflection", key="reflect_discard_ask"):
        st.session_state[DISCARDING] = True
    if st.session_state.get(DISCARDING):
        _discard(journal)


def _discard(journal: Journal) -> None:
    """Throw away what is typed (and its draft), after asking once; a read or feedback
    already saved stays."""
    question = (
        "Discard the answers and notes typed here? Your read and your client's feedback, "
        "if saved, stay in the journal."
    )
    if widgets.confirm(DISCARDING, question, "Discard", "reflect_discard"):
        journal.discard_draft(drafts.REFLECT)
        drafts.clear(st.session_state)
        set_notice(SAVED_NOTICE, "Reflection discarded.")
        st.rerun()


def _save(journal: Journal, chosen: Chosen) -> None:
    state = st.session_state
    reflection = reflection_from_form(
        state,
        session_id=chosen.session.id if chosen.session else None,
        client_id=chosen.client.id if chosen.client else None,
    )
    if not reflection.text().strip():
        st.error("Write an answer to at least one prompt, or some free writing, first.")
        return
    journal.save(reflection)
    journal.discard_draft(drafts.REFLECT)
    drafts.clear(state)
    set_notice(SAVED_NOTICE, "Reflection saved.")
    st.rerun()

"""Reflect before its form: a draft left from before (lock, closed tab, restart) is offered
back; otherwise a fresh form starts in this same run."""

from __future__ import annotations

import secrets

import streamlit as st

from pages.reflect import draft as drafts
from pages.ui import when
from storage.journal import Journal


def form_is_open(journal: Journal) -> bool:
    """True when the form is to be drawn; False while a saved draft waits for "Resume
    draft" or "Discard draft"."""
    state = st.session_state
    if state.get(drafts.ACTIVE):
        return True
    saved = journal.draft(drafts.REFLECT)
    if saved is None:
        # set before any widget is drawn, so this same run shows the fresh form: a second
        # run here would let a click made in between land on the stale form and be lost
        state.update(drafts.fresh_state(secrets.randbits(32)))
        return True
    st.info(
        f"You have an unsaved reflection from {when.moment(saved.saved_at)}.",
        icon=":material/edit_note:",
    )
    resume, discard = st.columns(2)
    if resume.button("Resume draft", type="primary", use_container_width=True):
        state.update(drafts.widget_state(saved.fields))
        state[drafts.ACTIVE] = True
        st.rerun()
    if discard.button("Discard draft", use_container_width=True):
        journal.discard_draft(drafts.REFLECT)
        st.rerun()
    return False

"""Shown once after a journal is created: the recovery key (and a demo's passphrase)."""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session
from pages.ui.recovery_sheet import keep_or_print

journal = journal_session.require_journal()
recovery_key = st.session_state.get(journal_session.RECOVERY_KEY, "")
demo_passphrase = st.session_state.get(journal_session.DEMO_PASSPHRASE)

st.title("Recovery key")
if demo_passphrase:
    st.success(f"Demo journal '{journal.name}' created with invented data.")
    st.markdown("Passphrase of this demo journal (you need it to unlock it again):")
    st.code(demo_passphrase, language=None)
st.markdown(
    "This is the only way back in if you forget your passphrase. It is shown **once**: "
    "write it down or print it, and keep it apart from this computer."
)
st.code(recovery_key, language=None)
keep_or_print(journal.name, recovery_key)
st.caption(
    "Lose both the passphrase and this key, and the journal cannot be opened by anyone, "
    "including us."
)
stored = st.checkbox("I have stored my recovery key", key="recovery_key_stored")
if st.button("Continue", type="primary", disabled=not stored):
    st.session_state.pop(journal_session.RECOVERY_KEY, None)
    st.session_state.pop(journal_session.DEMO_PASSPHRASE, None)
    st.rerun()

"""After unlocking with the recovery key: the practitioner must set a new passphrase."""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session
from storage import keyslots
from storage.errors import JournalError, WeakPassphrase
from storage.keyslots import PASSPHRASE_RULE, passphrase_problem

journal = journal_session.require_journal()

st.title("Set a new passphrase")
st.write(
    f"The recovery key opened '{journal.name}'. Choose a new passphrase before going on; "
    "your old passphrase will stop working. Your entries are not touched."
)
with st.form("new_passphrase_form"):
    passphrase = st.text_input("New passphrase", type="password", key="new_passphrase")
    confirmation = st.text_input(
        "Confirm passphrase", type="password", key="new_passphrase_confirm"
    )
    st.caption(PASSPHRASE_RULE)
    if st.form_submit_button("Set new passphrase", type="primary"):
        try:
            problem = passphrase_problem(passphrase, confirmation)
            if problem:
                raise WeakPassphrase(problem)
            with st.spinner("Protecting the key..."):
                keyslots.change_passphrase(journal, passphrase)
        except JournalError as error:
            st.error(str(error))
        else:
            st.session_state.pop("new_passphrase", None)
            st.session_state.pop("new_passphrase_confirm", None)
            st.rerun()

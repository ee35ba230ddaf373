"""Clients → erase client: every record about them, for good, after typing their code."""

from __future__ import annotations

import streamlit as st

from pages.clients import NOTICE
from pages.reflect import draft as drafts
from pages.ui.notice import rerun_with_notice
from practice import erase
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client

ERASE_WARNING = (
    "Erasing removes every record about this client from the journal for good: sessions, "
    "your estimates, their feedback, reflections with their earlier versions and trash, "
    "supervisors' comments and any draft. It cannot be undone. Backups made before now "
    "still hold them: delete those too if the notes must go everywhere."
)


def erase_client(journal: Journal, client: Client) -> None:
    """Draw the section: the warning, the typed code, and the button that erases."""
    st.header("Erase client")
    st.warning(ERASE_WARNING, icon=":material/delete_forever:")
    count = len(erase.client_records(journal, client.id))
    typed = st.text_input(
        f"Type {client.code} to confirm", key=f"cl_confirm_{client.id}", autocomplete="off"
    )
    if st.button(
        f"Erase client and {count} record{'s' if count != 1 else ''}",
        type="primary",
        disabled=typed.strip() != client.code,
        key="cl_erase",
    ):
        try:
            gone = erase.erase_client(journal, client.id, typed)
        except InvalidRecord as error:
            st.error(str(error))
            return
        st.session_state.pop("cl_client", None)
        if st.session_state.get("rf_client") == client.id:  # Reflect was on them
            drafts.clear(st.session_state)
        rerun_with_notice(NOTICE, f"{client.code} erased: {gone} records removed for good.")

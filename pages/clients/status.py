"""Clients → status: end a client (everything is kept) or reopen them."""

from __future__ import annotations

import streamlit as st

from pages.clients import NOTICE
from pages.ui.notice import rerun_with_notice
from practice import caseload
from storage.journal import Journal
from storage.records import Client


def status(journal: Journal, client: Client) -> None:
    """Draw the section: "End client" for an active client, "Reopen client" for an ended one."""
    st.header("Status")
    if client.status == "active":
        st.caption("Ending a client keeps everything; they move below active clients.")
        if st.button("End client", key="cl_end"):
            caseload.set_status(journal, client.id, "ended")
            rerun_with_notice(NOTICE, f"{client.code} ended.")
    else:
        st.caption("This client has ended. Reopen them to see them first again.")
        if st.button("Reopen client", key="cl_reopen"):
            caseload.set_status(journal, client.id, "active")
            rerun_with_notice(NOTICE, f"{client.code} reopened.")

"""Clients: the caseload at a glance; end or reopen a client; erase one for good."""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session
from practice import caseload
from practice import erase
from storage.errors import InvalidRecord

NOTICE = "cl_notice"
ERASE_WARNING = (
    "Erasing removes every record about this client from the journal for good: sessions, "
    "your estimates, their feedback, reflections with their earlier versions and trash, "
    "supervisors' comments and any draft. It cannot be undone. Backups made before now "
    "still hold them: delete those too if the notes must go everywhere."
)

journal = journal_session.require_journal()
st.title("Clients")
if NOTICE in st.session_state:
    st.success(st.session_state.pop(NOTICE))

summaries = caseload.client_summaries(journal)
if not summaries:
    st.info("No clients yet. Add one on Reflect, by code (e.g. C-014).")
    st.stop()


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


st.dataframe(
    [
        {
            "Client": s.client.code,
            "Status": s.client.status,
            "Sessions": s.sessions,
            "First session": s.first_session,
            "Last session": s.last_session,
            "Latest estimate": _score(s.latest_estimate),
            "Latest feedback": _score(s.latest_feedback),
        }
        for s in summaries
    ],
    hide_index=True,
    width="stretch",
)

codes = {s.client.id: s.client.code for s in summaries}
chosen_id = st.selectbox("Client", list(codes), format_func=codes.get, key="cl_client")
client = journal.get(chosen_id)

left, right = st.columns(2)
with left:
    st.subheader("Status")
    if client.status == "active":
        st.caption("Ending a client keeps everything; they move below active clients.")
        if st.button("End client", key="cl_end"):
            caseload.set_status(journal, client.id, "ended")
            st.session_state[NOTICE] = f"{client.code} ended."
            st.rerun()
    else:
        st.caption("This client has ended. Reopen them to see them first again.")
        if st.button("Reopen client", key="cl_reopen"):
            caseload.set_status(journal, client.id, "active")
            st.session_state[NOTICE] = f"{client.code} reopened."
            st.rerun()

with right:
    st.subheader("Erase client")
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
        else:
            st.session_state.pop("cl_client", None)
            if st.session_state.get("rf_client") == client.id:  # Reflect was on them
                for key in [k for k in st.session_state if str(k).startswith("rf_")]:
                    del st.session_state[key]
            st.session_state[NOTICE] = f"{client.code} erased: {gone} records removed for good."
            st.rerun()

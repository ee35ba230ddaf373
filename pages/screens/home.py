"""Home: what is in the journal, the latest sessions, and any integrity warning."""

from __future__ import annotations

import streamlit as st

from insights.overview import overview
from pages.ui import journal_session
from storage.records import Client, Estimate, Feedback, Reflection, Session

journal = journal_session.require_journal()
st.title(journal.name)

for problem in journal.report.problems():
    st.warning(problem, icon=":material/warning:")
if journal.report.quarantined:
    with st.expander("Quarantined rows"):
        st.table(
            [
                {"id": q.id, "revision": q.revision, "kind": q.kind, "reason": q.reason}
                for q in journal.report.quarantined
            ]
        )

summary = overview(
    journal.all(Client),
    journal.all(Session),
    journal.all(Estimate),
    journal.all(Feedback),
    journal.all(Reflection),
)
columns = st.columns(4)
columns[0].metric("Active clients", summary.active_clients, help=f"{summary.clients} in all")
columns[1].metric("Sessions", summary.sessions)
columns[2].metric("Reflections", summary.reflections)
columns[3].metric("Flagged for supervision", summary.flagged)
if summary.last_reflection:
    st.caption(f"Last reflection written on {summary.last_reflection:%d %b %Y}.")

st.subheader("Latest sessions")
if summary.recent:
    st.dataframe(
        [
            {
                "Date": r.date,
                "Client": r.client,
                "Session": r.number,
                "Your estimate": r.estimate,
                "Client feedback": r.feedback,
                "Reflected": r.reflected,
            }
            for r in summary.recent
        ],
        hide_index=True,
    )
else:
    st.info("No sessions yet. Your sessions and reflections will appear here.")

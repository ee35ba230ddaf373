"""Home → what the journal holds: integrity warnings, counts, the latest sessions."""

from __future__ import annotations

import streamlit as st

from insights.overview import Overview
from pages.ui import when
from practice import journal_checks
from storage.journal import Journal


def integrity_warnings(journal: Journal) -> None:
    """Anything found wrong when the journal was opened, and the rows set aside."""
    for problem in journal_checks.open_problems(journal.report):
        st.warning(problem, icon=":material/warning:")
    if journal.report.quarantined:
        with st.expander("Quarantined rows"):
            st.table(
                [
                    {"id": q.id, "revision": q.revision, "kind": q.kind, "reason": q.reason}
                    for q in journal.report.quarantined
                ]
            )


def counts(summary: Overview) -> None:
    """Active clients, sessions, reflections, flagged ones; when the last was written."""
    columns = st.columns(4)
    columns[0].metric("Active clients", summary.active_clients, help=f"{summary.clients} in all")
    columns[1].metric("Sessions", summary.sessions)
    columns[2].metric("Reflections", summary.reflections)
    columns[3].metric("Flagged for supervision", summary.flagged)
    if summary.last_reflection:
        st.caption(f"Last reflection written on {when.day(summary.last_reflection)}.")


def latest_sessions(summary: Overview) -> None:
    """The most recent sessions with both reads and whether they were reflected on."""
    st.subheader("Latest sessions")
    if not summary.recent:
        st.info("No sessions yet. Your sessions and reflections will appear here.")
        return
    st.dataframe(
        [
            {
                "Date": when.day(r.date),
                "Client": r.client,
                "Session": r.number,
                "Your estimate": _score(r.estimate, "not saved"),
                "Client feedback": _score(r.feedback, "not yet"),
                "Reflected": "yes" if r.reflected else "not yet",
            }
            for r in summary.recent
        ],
        hide_index=True,
    )


def _score(total: float | None, missing: str) -> str:
    # a missing score reads as words, never "None"
    return missing if total is None else f"{total:g}"

"""Client feedback → hand to client: pick the session, then hand the device over."""

from __future__ import annotations

import streamlit as st

from pages.client_feedback.outcome_measure import measure_to_ask
from pages.ui import journal_session, when
from practice import caseload
from prompts.library import Library
from storage.journal import Journal


def hand_to_client(journal: Journal, library: Library) -> None:
    """Draw the tab: client, a session waiting for feedback, then "Hand to client"."""
    st.write(
        "Your client rates the session on this device. Your own read of the session must "
        "be saved first. Once you press **Hand to client**, the screen shows only the "
        "questions; when your client presses **Submit**, the journal locks and you need "
        "your passphrase to go on."
    )
    codes = {c.id: c.code for c in caseload.clients_by_code(journal)}
    client_id = st.selectbox(
        "Client", list(codes), format_func=codes.get, index=None, key="kiosk_client"
    )
    if client_id is None:
        return
    waiting = caseload.sessions_awaiting_feedback(journal, client_id)
    if not waiting:
        st.info(
            "No session of this client is waiting for feedback: save your read of the "
            "session in Reflect first (sessions that have feedback are not listed)."
        )
        return
    labels = {s.id: f"Session {s.number} · {when.day(s.date)}" for s in waiting}
    session_id = st.selectbox("Session", list(labels), format_func=labels.get, key="kiosk_session")
    estimate = caseload.estimate_for(journal, session_id)
    measure = measure_to_ask(journal, next(s for s in waiting if s.id == session_id))
    instrument = library.instruments.get(estimate.instrument)
    if instrument is None or instrument.scores_only:
        # licensed forms may not be reproduced on screen: scores from paper only
        st.warning(
            "This session was rated on a scores-only instrument, which cannot be "
            "shown on screen. Type your client's scores from the paper form in "
            "Reflect or import them from CSV."
        )
    else:
        if measure is not None:
            st.caption(
                f"Your client answers the {measure.name} first, then rates the session; "
                "both are saved when they press Submit."
            )
        if st.button("Hand to client", type="primary", icon=":material/front_hand:"):
            journal_session.start_kiosk(session_id, instrument.id)
            st.rerun()

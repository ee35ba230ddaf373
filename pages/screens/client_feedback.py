"""Client feedback: hand the device to the client, who rates the session; then it locks.

Before handing over, the practitioner picks the session. In kiosk mode the screen shows
only the questions in the client's wording: no navigation, no names, no past scores.
"""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session
from pages.client_feedback.csv_import import csv_import
from prompts.library import library_for
from practice import caseload
from storage.errors import JournalError

journal = journal_session.require_journal()
library = library_for(journal.settings)
kiosk = st.session_state.get(journal_session.KIOSK)

if kiosk is None:
    st.title("Client feedback")
    hand_tab, import_tab = st.tabs(["Hand to client", "Import from CSV"])
    with import_tab:
        csv_import(journal, library.instruments)
    hand_tab.write(
        "Your client rates the session on this device. Your own read of the session must "
        "be saved first. Once you press **Hand to client**, the screen shows only the "
        "questions; when your client presses **Submit**, the journal locks and you need "
        "your passphrase to go on."
    )
    with hand_tab:
        clients = caseload.clients_by_code(journal)
        codes = {c.id: c.code for c in clients}
        client_id = st.selectbox(
            "Client", list(codes), format_func=codes.get, index=None, key="kiosk_client"
        )
        if client_id is not None:
            waiting = caseload.sessions_awaiting_feedback(journal, client_id)
            if not waiting:
                st.info(
                    "No session of this client is waiting for feedback: save your read of the "
                    "session in Reflect first (sessions that have feedback are not listed)."
                )
            else:
                labels = {s.id: f"Session {s.number} · {s.date:%d %b %Y}" for s in waiting}
                session_id = st.selectbox(
                    "Session", list(labels), format_func=labels.get, key="kiosk_session"
                )
                estimate = caseload.estimate_for(journal, session_id)
                instrument = library.instruments.get(estimate.instrument)
                if instrument is None or instrument.scores_only:
                    # licensed forms may not be reproduced on screen: scores from paper only
                    st.warning(
                        "This session was rated on a scores-only instrument, which cannot be "
                        "shown on screen. Type your client's scores from the paper form in "
                        "Reflect or import them from CSV."
                    )
                elif st.button("Hand to client", type="primary", icon=":material/front_hand:"):
                    journal_session.start_kiosk(session_id, instrument.id)
                    st.rerun()
else:
    instrument = library.instruments[kiosk["instrument"]]
    session = journal.get(kiosk["session_id"])
    client = journal.get(session.client_id)
    st.title("How was today's session?")
    st.write(
        f"Your practitioner will read your answers. There are no right or wrong answers: "
        f"{instrument.min_score} means {instrument.low_anchor.lower()}, "
        f"{instrument.max_score} means {instrument.high_anchor.lower()}."
    )
    st.caption(f"Client {client.code}")
    middle = (instrument.min_score + instrument.max_score) // 2
    with st.form("kiosk_form"):
        scores = {}
        for item in instrument.items:
            st.markdown(f"#### {item.patient or item.label}")
            scores[item.id] = st.slider(
                item.patient or item.label,
                instrument.min_score,
                instrument.max_score,
                middle,
                key=f"kiosk_item_{item.id}",
                label_visibility="collapsed",
            )
        comment = st.text_area(
            instrument.comment_prompt or "Anything you would like to add?", key="kiosk_comment"
        )
        if st.form_submit_button("Submit", type="primary", use_container_width=True):
            try:
                caseload.record_feedback(
                    journal, session.id, instrument, scores, comment, source="kiosk"
                )
            except JournalError as error:
                st.error(str(error))
            else:
                journal_session.lock("Thank you. Your answers are saved. Please hand the device back.")
                st.rerun()

"""The client-feedback step of Reflect: hand the device over, type scores from paper, or later."""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session
from practice import caseload
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Feedback, Session


def feedback_step(journal: Journal, session: Session, instrument) -> Feedback | None:
    """Draw step 3 for a session whose estimate is saved; returns its feedback if any."""
    feedback = caseload.feedback_for(journal, session.id)
    if feedback is not None:
        return feedback
    st.write(
        "Hand the device to your client now, type their scores from a paper form, or come "
        "back later: the Client feedback page and CSV import work for any past session."
    )
    if not instrument.scores_only and st.button(
        "Hand to client", icon=":material/front_hand:", key="reflect_hand_over"
    ):
        journal_session.start_kiosk(session.id, instrument.id)
        st.rerun()
    with st.expander("Type scores from paper"), st.form("paper_feedback_form"):
        if instrument.licence_note:
            st.caption(instrument.licence_note)
        scores = {
            item.id: st.number_input(
                item.label,
                min_value=instrument.min_score,
                max_value=instrument.max_score,
                value=None,
                step=1,
                key=f"paper_item_{item.id}",
            )
            for item in instrument.items
        }
        comment = st.text_input("Client's comment (optional)", key="paper_comment")
        if st.form_submit_button("Save feedback"):
            missing = [i.label for i in instrument.items if scores[i.id] is None]
            if missing:
                st.error(f"Feedback: no score for {', '.join(missing)}. Nothing was saved.")
                return None
            try:
                saved = caseload.record_feedback(
                    journal,
                    session.id,
                    instrument,
                    {k: int(v) for k, v in scores.items()},
                    comment,
                    source="paper",
                )
            except JournalError as error:
                st.error(str(error))
            else:
                return saved
    return None

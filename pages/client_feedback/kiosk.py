"""Client feedback in kiosk mode: only the questions, in the client's wording. A client
with an outcome measure answers it first (pages/client_feedback/kiosk_outcome.py), then
rates the session; Submit saves both and locks the journal."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.client_feedback.kiosk_outcome import (
    PENDING,
    QUESTION_SIZE,
    back_to_outcome,
    outcome_step,
)
from pages.client_feedback.outcome_measure import measure_to_ask
from pages.ui import journal_session, widgets
from practice import caseload
from practice.outcomes import record_outcome
from prompts.library import Instrument, Library
from prompts.outcomes import OutcomeMeasure
from storage.errors import JournalError
from storage.journal import Journal


def kiosk_form(journal: Journal, library: Library, kiosk: dict[str, Any]) -> None:
    """Draw the client's form for the session handed over; no names, no past scores."""
    instrument = library.instruments[kiosk["instrument"]]
    session = journal.get(kiosk["session_id"])
    client = journal.get(session.client_id)
    # asked only while the session has no outcome score (another tab may have saved one)
    measure = measure_to_ask(journal, session)
    pending = kiosk.get(PENDING) if measure is not None else None
    if measure is not None and pending is None:
        outcome_step(measure, client.code, kiosk)
        return
    st.title("How was today's session?")
    st.write(
        f"Your practitioner will read your answers. There are no right or wrong answers: "
        f"{instrument.min_score} means {instrument.low_anchor.lower()}, "
        f"{instrument.max_score} means {instrument.high_anchor.lower()}."
    )
    st.caption(f"Client {client.code}" + (" · Part 2 of 2" if measure is not None else ""))
    st.html(QUESTION_SIZE)
    with st.form("kiosk_form"):
        scores = {}
        for item in instrument.items:
            st.markdown(f"## {widgets.plain(item.patient or item.label)}")
            scores[item.id] = widgets.score(
                item.patient or item.label,
                instrument.min_score,
                instrument.max_score,
                key=f"kiosk_item_{item.id}",
                label_visibility="collapsed",
            )
        comment = st.text_area(
            instrument.comment_prompt or "Anything you would like to add?", key="kiosk_comment"
        )
        if st.form_submit_button("Submit", type="primary", use_container_width=True):
            _submit(journal, session.id, instrument, scores, comment, measure, pending)
    if measure is not None and st.button("Back to part 1", key="kiosk_back"):
        back_to_outcome(kiosk)


def _submit(
    journal: Journal,
    session_id: str,
    instrument: Instrument,
    scores: dict[str, int | None],
    comment: str,
    measure: OutcomeMeasure | None,
    pending: dict[str, Any] | None,
) -> None:
    """Save the client's answers (the outcome measure's first) and lock; nothing is saved
    while a question is unanswered (named in the client's own wording: item labels are
    never shown to them)."""
    unanswered = [
        f"“{(item.patient or item.label).rstrip('.')}”"
        for item in instrument.items
        if scores[item.id] is None
    ]
    if unanswered:
        st.error(widgets.not_answered(unanswered))
        return
    answers = {item_id: int(score) for item_id, score in scores.items() if score is not None}
    try:
        if measure is not None and pending is not None:
            record_outcome(
                journal,
                session_id,
                measure,
                pending["answers"],
                pending["activities"],
                source="kiosk",
            )
        caseload.record_feedback(journal, session_id, instrument, answers, comment, source="kiosk")
    except JournalError as error:
        st.error(str(error))
    else:
        journal_session.lock_for_hand_back(
            "Thank you. Your answers are saved. Please hand the device back."
        )
        st.rerun()

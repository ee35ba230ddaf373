"""Reflect and the client's outcome course: why they are not on track, near the top of the
session; after your read, your blind call on their course, then this session's outcome
status in one line."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages.reflect.outlook import CALL_WORDS, call_key, skip_key
from pages.reflect.session_step import Chosen
from practice import outcomes
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import PREDICTIONS

QUESTION = "Since they began, is this client improving, about the same, or getting worse?"
CHECKED = (
    "Your call is checked against this session's outcome score and feeds "
    "“Your predictions” on Trends."
)


SEEN = (
    "You typed this session's outcome score yourself, so this call is kept but not "
    "counted in “Your predictions”: it is not blind."
)


def not_on_track_warning(chosen: Chosen) -> bool:
    """Why the client is not on track, in plain words; True when they are not (the prompts
    then include the alliance, as after a rupture flag)."""
    outlook = chosen.outlook
    reason = outlook.reason if outlook else ""
    if not reason:
        return False
    measure = outlook.course.measure.name
    st.warning(
        f"Not on track on the {measure}. {reason} How the work together is going is worth "
        "a look: the prompts after your read include the alliance.",
        icon=":material/trending_down:",
    )
    return True


def prediction_step(journal: Journal, chosen: Chosen) -> None:
    """After your read: your call on the client's course (optional, once), then this
    session's outcome status once the call is saved or skipped."""
    outlook = chosen.outlook
    if outlook is None or chosen.session is None:
        return
    if outlook.prediction is not None or outlook.call_open:
        st.subheader("Your prediction")
        if outlook.prediction is not None:
            said = CALL_WORDS[outlook.prediction.expected].lower()
            st.success(
                f"Your call at session {chosen.session.number}: {said}.", icon=":material/check:"
            )
        else:
            _ask(journal, chosen.session.id)
        st.caption(CHECKED)
        made = outlook.prediction
        if (made is None and outcomes.score_seen(journal, chosen.session.id)) or (
            made is not None and not made.blind
        ):
            st.caption(SEEN)
    line = outlook.status_line(date.today())
    if line:
        st.info(line, icon=":material/monitoring:")


def _ask(journal: Journal, session_id: str) -> None:
    """The question, unanswered until chosen, with "Save my call" and "Not now"."""
    expected = st.radio(
        QUESTION,
        PREDICTIONS,
        format_func=CALL_WORDS.get,
        index=None,  # no call is preset: a preset answer would anchor it
        horizontal=True,
        key=call_key(session_id),
        persist_state="session",
    )
    save, skip = st.columns(2)
    saving = save.button("Save my call", type="primary")
    if skip.button("Not now", key="reflect_call_not_now"):
        st.session_state[skip_key(session_id)] = True
        st.rerun()
    if not saving:
        return
    if expected is None:
        st.error("Choose improving, about the same or getting worse first.")
        return
    try:
        outcomes.record_prediction(journal, session_id, expected)
    except JournalError as error:
        st.error(str(error))
        return
    st.rerun()

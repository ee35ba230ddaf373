"""Reflect, step 3: client feedback. Hand the device over, type scores from paper, send a
form to a client seen at a distance (remote_step.py), or later;
once entered, the gap and any rupture flag with one line of why. A client with an outcome
measure answers it first on the device, or its scores are typed in a form of their own;
a risk item answered above 0 for this session is shown here until acknowledged."""

from __future__ import annotations

import streamlit as st

from insights import session_flags
from pages.client_feedback.outcome_measure import measure_to_ask
from pages.client_feedback.outcome_paper import outcome_paper_form, saved_notice
from pages.home.risk_notes import risk_notes
from pages.reflect.corrections import correction
from pages.reflect.remote_step import remote_feedback_step
from pages.ui import journal_session, widgets
from practice import caseload, scores
from practice.outcomes import outcome_for
from prompts.library import Instrument, Library
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Feedback, Session


def client_feedback_step(
    journal: Journal, session: Session, instrument: Instrument, library: Library
) -> bool:
    """Draw step 3 for a session whose read is saved; True when its feedback flags a
    possible rupture (the prompts then include the alliance)."""
    st.header("3. Client feedback")
    _risk_note(journal, session)
    flagged = _feedback(journal, session, instrument, library)
    _outcome_entry(journal, session)
    return flagged


def _feedback(journal: Journal, session: Session, instrument: Instrument, library: Library) -> bool:
    """The client's rating and what it says, or the ways to enter it."""
    feedback = _feedback_or_entry(journal, session, instrument, library)
    if feedback is None:
        return False
    words, flagged = session_flags.feedback_view(journal, session, library.instruments)
    said = (
        f"Your client's rating: {scores.shown(feedback.total)} of {instrument.total_max}. {words}"
    )
    if flagged:
        st.warning(said, icon=":material/report:")
    else:
        st.info(said, icon=":material/forum:")
    correction(journal, feedback, instrument)
    if feedback.comment.strip():
        st.markdown(f"**Your client wrote:** “{widgets.plain(feedback.comment.strip())}”")
    return flagged


_OUTCOME_KEY = "reflect_outcome_paper_"


def _risk_note(journal: Journal, session: Session) -> None:
    """This session's risk note, if a risk item was answered above 0 (kiosk or paper)."""
    outcome = outcome_for(journal, session.id)
    if outcome is not None and outcome.risk_items and outcome.risk_acknowledged_at is None:
        risk_notes(journal, key="reflect", outcome_ids={outcome.id})


def _outcome_entry(journal: Journal, session: Session) -> None:
    """The "Outcome score" form while the client's measure has no score for this session
    (the score itself is not shown: your call on the client's course stays blind)."""
    saved_notice(_OUTCOME_KEY)
    measure = measure_to_ask(journal, session)
    if measure is None:
        return
    with st.expander(f"Outcome score from paper ({measure.name})"):
        outcome_paper_form(journal, session, measure, key=_OUTCOME_KEY)


def _feedback_or_entry(
    journal: Journal, session: Session, instrument: Instrument, library: Library
) -> Feedback | None:
    """The session's feedback, or the ways to enter it (None until one is used)."""
    feedback = caseload.feedback_for(journal, session.id)
    if feedback is not None:
        return feedback
    st.write(
        "Hand the device to your client now, type their scores from a paper form, send a "
        "feedback form to a client seen by video or phone, or come back later: the Client "
        "feedback page and CSV import work for any past session."
    )
    if not instrument.scores_only and st.button(
        "Hand to client", icon=":material/front_hand:", key="reflect_hand_over"
    ):
        journal_session.start_kiosk(session.id, instrument.id)
        st.rerun()
    with st.expander("Type scores from paper"), st.form("paper_feedback_form"):
        if instrument.licence_note:
            st.caption(instrument.licence_note)
        whole = instrument.decimals == 0
        st.caption(
            f"Scores from {instrument.min_score} to {instrument.max_score}"
            + ("." if whole else ", to one decimal place as measured on the form.")
        )
        typed = {
            # no bounds on the box: a score out of range is named on Save, not dropped
            item.id: st.number_input(
                item.label,
                value=None,  # empty until typed: a score never starts at a value
                step=1 if whole else 0.1,
                format="%d" if whole else "%.1f",
                key=f"paper_item_{item.id}",
            )
            for item in instrument.items
        }
        comment = st.text_input("Client's comment (optional)", key="paper_comment")
        if st.form_submit_button("Save feedback"):
            return _save_paper(journal, session, instrument, typed, comment)
    if not instrument.scores_only:  # a licensed form's wording may not go into a file either
        remote_feedback_step(journal, session, library)
    return None


def _save_paper(
    journal: Journal,
    session: Session,
    instrument: Instrument,
    typed: dict[str, float | None],
    comment: str,
) -> Feedback | None:
    missing = [i.label for i in instrument.items if typed.get(i.id) is None]
    if missing:
        st.error(widgets.not_answered(missing, how="Type"))
        return None
    wrong = scores.problems(instrument, typed)
    if wrong:
        st.error("Nothing was saved. " + " ".join(wrong))
        return None
    try:
        caseload.record_feedback(journal, session.id, instrument, typed, comment, source="paper")
    except JournalError as error:
        st.error(str(error))
        return None
    # the next session's form starts empty; a fresh run draws the feedback, not the form
    for key in [k for k in st.session_state if str(k).startswith("paper_")]:
        del st.session_state[key]
    st.rerun()
